"""gunicorn under load: starting and stopping it, loading a URL with wrk or a Python client, and watching
the workers' memory and the machine's CPU from /proc. No Django here: it runs in the benchmark's process."""

import contextlib
import http.client
import math
import os
import re
import runpy
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).parent / "gunicorn"
# What wrk prints at the end of a load: its totals, then every latency seen (µs) with its count of requests, so
# that the rounds of one URL can be pooled.
WRK_SCRIPT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %d %d %d %d %d\\n", summary.requests, summary.duration, summary.bytes,
    e.connect + e.read + e.write + e.timeout, e.status))
  io.write("LATENCIES")
  for i = 1, #latency do
    io.write(string.format(" %d:%d", latency(i)))
  end
  io.write("\\n")
end
"""


def as_in_a_worker():
    """This process set up as gunicorn sets up each worker once it has loaded the app (`post_worker_init` in
    gunicorn.conf.py: the views imported, the garbage collector's settings)."""
    runpy.run_path(str(ROOT / "gunicorn.conf.py"))["post_worker_init"](worker=None)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# Seconds a request may take, the admin baseline's included.
BASELINE_TIMEOUT = 300
# Seconds to wait at most for a server's workers to be idle before a load (`Server.settle`).
SETTLE_SECONDS = 30


def get(port, url, cookie="", timeout=BASELINE_TIMEOUT):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", url, headers={"Cookie": cookie} if cookie else {})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


# --------------------------------------------------------------------------------------------------------------------
# /proc


def process_tree(pid):
    """pid and all its descendants, from /proc."""
    children = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(parent, []).append(int(entry.name))
    tree, todo = [], [pid]
    while todo:
        tree.append(todo.pop())
        todo += children.get(tree[-1], [])
    return tree


def rss_kib(pid):
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    match = re.search(r"^VmRSS:\s+(\d+)", status, re.MULTILINE)
    return int(match.group(1)) if match else 0


def cpu_snapshot():
    """(monotonic time, busy CPU ticks of the machine, CPU ticks of this process and its descendants)."""
    ticks = list(map(int, Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]))
    busy = sum(ticks) - ticks[3] - ticks[4]  # all but idle and iowait
    return time.monotonic(), busy, cpu_ticks(process_tree(os.getpid()))


def cpu_ticks(pids):
    """The CPU ticks the processes have used, with those of their children that have exited."""
    ticks = 0
    for pid in pids:
        with contextlib.suppress(OSError, ValueError):  # utime, stime, cutime, cstime
            ticks += sum(map(int, Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[11:15]))
    return ticks


def foreign_share(before, after):
    """The share of the machine's CPU that processes other than the benchmark's used between two snapshots."""
    seconds = after[0] - before[0]
    capacity = seconds * os.sysconf("SC_CLK_TCK") * os.cpu_count()
    return max(0.0, ((after[1] - before[1]) - (after[2] - before[2])) / capacity) if capacity else 0.0


class Quiet:
    """Waiting, within a budget of seconds, until other processes leave the CPU alone."""

    def __init__(self, budget):
        self.budget, self.said = budget, 0.0

    def wait(self):
        """Wait until other processes use under 10% of the CPU for 1 s, or the budget is spent; return that share."""
        while True:
            before = cpu_snapshot()
            time.sleep(1)
            share = foreign_share(before, cpu_snapshot())
            if share < 0.10 or self.budget <= 0:
                return share
            self.budget -= 1
            if time.monotonic() - self.said > 30:
                self.said = time.monotonic()
                print(
                    f"    other processes use {share:.0%} of the CPU; waiting ({self.budget:.0f} s left) ...",
                    flush=True,
                )


# --------------------------------------------------------------------------------------------------------------------
# gunicorn


class Server:
    """gunicorn with gunicorn.conf.py on a free loopback port; each worker's RSS sampled every 0.5 s."""

    def __init__(self, name, env, workers, log_path, max_requests=None):
        self.name, self.port, self.workers = name, free_port(), workers
        # The admin changelist, the baseline, takes tens of seconds a request at 100,000 commitments under load:
        # gunicorn.conf.py's 30 s would kill the worker serving it.
        self.options = ["--timeout", str(BASELINE_TIMEOUT)]
        self.options += [] if max_requests is None else ["--max-requests", str(max_requests)]
        self.env = {
            **env,
            "GUNICORN_BIND": f"127.0.0.1:{self.port}",
            "WEB_CONCURRENCY": str(workers),
            "GUNICORN_ACCESSLOG": "/dev/null",  # "" is refused by gunicorn
        }
        self.log_path, self.process = log_path, None
        self.peaks = {}  # worker pid: its highest RSS in KiB
        self.window_kib = 0  # the highest RSS of any one worker since the last `reset_window`
        self.stopping = threading.Event()

    def start(self, ready_url):
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(
                [str(GUNICORN), "tracker.wsgi", "-c", "gunicorn.conf.py", *self.options],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group, so that nothing of it can outlive the run
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited; see {self.log_path}:\n{self.log_path.read_text()[-2000:]}")
            try:
                if get(self.port, ready_url)[0] == 200 and len(self.worker_pids()) >= self.workers:
                    break
            except OSError:
                pass
            time.sleep(0.2)
        else:
            raise RuntimeError(f"gunicorn did not answer within 60 s; see {self.log_path}")
        threading.Thread(target=self.sample, daemon=True).start()

    def worker_pids(self):
        return [pid for pid in process_tree(self.process.pid) if pid != self.process.pid]

    def settle(self, limit=SETTLE_SECONDS):
        """Wait, up to `limit` seconds, until the workers use under 5% of a core for half a second. A worker
        that replaced one (`max_requests`) loads the whole app, about 1.5 s of CPU: begun just before a load, it ran
        beside it on one of the two cores and missed its warming, so that its first requests were rendered
        anew (a cached page's p95 of 369 ms against 7-10 ms in the other rounds). Return the seconds waited."""
        started = time.monotonic()
        while time.monotonic() - started < limit:
            before = cpu_ticks(self.worker_pids())
            time.sleep(0.5)
            if cpu_ticks(self.worker_pids()) - before < 0.05 * 0.5 * os.sysconf("SC_CLK_TCK"):
                break
        return time.monotonic() - started

    def sample(self):
        while not self.stopping.wait(0.5):
            for pid in self.worker_pids():
                kib = rss_kib(pid)
                self.peaks[pid] = max(self.peaks.get(pid, 0), kib)
                self.window_kib = max(self.window_kib, kib)

    def reset_window(self):
        self.window_kib = max((rss_kib(pid) for pid in self.worker_pids()), default=0)

    @property
    def peak_worker_kib(self):
        return max(self.peaks.values(), default=0)

    @property
    def restarts(self):
        return max(0, len(self.peaks) - self.workers)

    def stop(self):
        self.stopping.set()
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()  # graceful: the workers finish their requests
        try:
            self.process.wait(timeout=35)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)


# --------------------------------------------------------------------------------------------------------------------
# Load


@dataclass
class Load:
    requests: int
    seconds: float
    size: int  # bytes received
    errors: int  # failed requests and responses other than 2xx
    p50: float  # ms
    p95: float  # ms
    foreign: float = 0.0  # share of the machine's CPU used by other processes meanwhile
    restarts: int = 0  # gunicorn workers replaced meanwhile (max_requests)
    rss_mb: float = 0.0  # the highest RSS of any one worker meanwhile
    reruns: int = 0  # earlier loads of the URL thrown away because a worker was replaced during them
    latencies: Counter = field(default_factory=Counter, repr=False)  # requests by latency in µs; not kept

    @classmethod
    def timed(cls, requests, seconds, size, errors, latencies):
        return cls(
            requests, seconds, size, errors, percentile(latencies, 50), percentile(latencies, 95), latencies=latencies
        )

    @classmethod
    def pooled(cls, loads):
        """The loads of one URL as one: their p50 and p95 over all of their requests together, the worst CPU
        share and memory of any, and the sum of the rest."""
        load = cls.timed(
            sum(load.requests for load in loads),
            sum(load.seconds for load in loads),
            sum(load.size for load in loads),
            sum(load.errors for load in loads),
            sum((load.latencies for load in loads), Counter()),
        )
        load.foreign = max(load.foreign for load in loads)
        load.rss_mb = max(load.rss_mb for load in loads)
        load.restarts = sum(load.restarts for load in loads)
        load.reruns = sum(load.reruns for load in loads)
        return load

    @property
    def rps(self):
        return self.requests / self.seconds if self.seconds else 0.0

    def to_dict(self):
        found = asdict(self)
        del found["latencies"]
        return {**found, "rps": round(self.rps, 2)}

    def __str__(self):
        rate = f"{self.rps:,.1f}" if self.rps < 10 else f"{self.rps:,.0f}"
        text = f"{rate} req/s, p50 {self.p50:.1f} ms, p95 {self.p95:.1f} ms"
        text += f", {self.errors} errors" if self.errors else ""
        text += f", other processes {self.foreign:.0%} CPU" if self.foreign >= 0.05 else ""
        text += f", {self.restarts} worker restarts" if self.restarts else ""
        return text + (f", run {self.reruns + 1} times (restarts)" if self.reruns else "")


def warm(port, url, cookie, clients, rounds):
    """`rounds` requests per client, all clients at once, so that every worker has served (and cached) the URL."""
    with ThreadPoolExecutor(clients) as pool:
        statuses = {status for status, _ in pool.map(lambda _: get(port, url, cookie), range(rounds * clients))}
    if statuses != {200}:
        raise RuntimeError(f"{url} answered {statuses} during warm-up")


def load_wrk(port, url, cookie, seconds, clients, script):
    command = ["wrk", f"-t{min(2, clients)}", f"-c{clients}", f"-d{seconds}s", "--timeout", "10s", "-s", script]
    command += ["-H", f"Cookie: {cookie}"] if cookie else []
    output = subprocess.run(
        [*command, f"http://127.0.0.1:{port}{url}"], capture_output=True, text=True, timeout=seconds + 60
    ).stdout
    return wrk_load(output, url)


def wrk_load(output, url):
    """The Load that WRK_SCRIPT printed at the end of wrk's output."""
    found = re.search(r"^RESULT (.*)\nLATENCIES(.*)$", output, re.MULTILINE)
    if not found:
        raise RuntimeError(f"wrk gave no result for {url}:\n{output}")
    requests, duration_us, size, errors, non_2xx = map(int, found.group(1).split())
    latencies = Counter()
    for pair in found.group(2).split():
        microseconds, count = map(int, pair.split(":"))
        latencies[microseconds] += count
    return Load.timed(requests, duration_us / 1e6, size, errors + non_2xx, latencies)


def load_python(port, url, cookie, seconds, clients, at_least=1):
    """Without wrk, or for pages too slow for it: one thread per client, each a sequence of GETs for `seconds`
    and until it has made `at_least` requests (but never past 60 s)."""
    latencies, errors, sizes, lock = [], [0], [0], threading.Lock()
    deadline, cap = time.monotonic() + seconds, time.monotonic() + 60

    def client():
        done = 0
        while (time.monotonic() < deadline or done < at_least) and time.monotonic() < cap:
            done += 1
            begin = time.perf_counter()
            try:
                status, body = get(port, url, cookie)
            except OSError:
                status, body = 0, b""
            elapsed = time.perf_counter() - begin
            with lock:
                latencies.append(elapsed * 1000)
                sizes[0] += len(body)
                errors[0] += status != 200

    started = time.monotonic()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 180)
    duration = time.monotonic() - started
    return Load.timed(len(latencies), duration, sizes[0], errors[0], Counter(round(ms * 1000) for ms in latencies))


def percentile(latencies, p):
    """The latency (ms) within which p% of the requests were answered, of requests counted by latency in µs."""
    rank, seen = math.ceil(sum(latencies.values()) * p / 100), 0
    for microseconds in sorted(latencies):
        seen += latencies[microseconds]
        if seen >= rank:
            return microseconds / 1000
    return 0.0


# --------------------------------------------------------------------------------------------------------------------
# One long download


def stream(server, url, cookie="", timeout=120):
    """GET url once, reading the body as it comes, while every worker's RSS is read every 0.05 s.

    Returns (status, headers, body, timings), timings with the time to the first byte of the body and to the
    last (s), and the highest RSS of any one worker and its growth over that worker's RSS before (MiB)."""
    before = {pid: rss_kib(pid) for pid in server.worker_pids()}
    peaks, done = dict(before), threading.Event()

    def watch():
        while not done.wait(0.05):
            for pid in before:
                peaks[pid] = max(peaks[pid], rss_kib(pid))

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    chunks, first, started = [], None, time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=timeout)
    try:
        connection.request("GET", url, headers={"Cookie": cookie} if cookie else {})
        response = connection.getresponse()
        while chunk := response.read1(65536):
            first = first or time.perf_counter()
            chunks.append(chunk)
            if time.perf_counter() - started > timeout:
                raise TimeoutError(f"{url} took more than {timeout} s")
        status, headers = response.status, response.msg  # headers, looked up in any case
    finally:
        connection.close()
        done.set()
        watcher.join()
    finished = time.perf_counter()
    growth = max((peaks[pid] - before[pid] for pid in before), default=0)
    timings = {
        "first_byte_s": round((first or finished) - started, 4),
        "total_s": round(finished - started, 4),
        "worker_peak_mb": round(max(peaks.values(), default=0) / 1024, 1),
        "worker_growth_mb": round(growth / 1024, 1),
    }
    return status, headers, b"".join(chunks), timings
