"""Benchmark of the public pages at scale: `make bench`, or `.venv/bin/python bench/run.py --help`.

1. bench/bench.sqlite3 is migrated and seeded with `seed_benchmark` (20,000 commitments by default); it is
   reused while it holds that many, and re-seeded otherwise.
2. Each page's SQL query count is measured in-process (test client, page cache off) at that size and on a
   small database of 250 commitments, and its body kept.
3. gunicorn (gunicorn.conf.py, 4 workers) serves the database twice: public page cache off, then on.
   4 concurrent clients (wrk, or a Python client without it) load each page for --seconds after a
   warm-up, next to the admin changelist on the same data and a static file of the page's size.
   The RSS of the server's processes is sampled every 0.5 s.
4. The table is printed and written to bench/results/latest.md.

All traffic goes to 127.0.0.1; every server started is stopped at the end, also after an error.
"""

import argparse
import contextlib
import csv
import http.client
import math
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from statistics import mean
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
GUNICORN = Path(sys.executable).parent / "gunicorn"
SMALL = 250  # commitments in the database that query counts are compared with
TABLE_PAGE = 25
ADMIN = "/admin/commitments/commitment/"
ADMIN_PAGE = 100
WRK_SCRIPT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %d %d %d %d %d %d %d\\n", summary.requests, summary.duration, summary.bytes,
    e.connect + e.read + e.write + e.timeout, e.status, latency:percentile(50), latency:percentile(95)))
end
"""
GOAL_P95_MS = 200
GOAL_STATIC_RATIO = 2


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--commitments", type=int, default=20000, help="size of the data set (default 20000)")
    parser.add_argument("--seconds", type=int, default=8, help="load duration per URL (default 8)")
    parser.add_argument("--clients", type=int, default=4, help="concurrent clients (default 4)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers (default 4)")
    parser.add_argument("--seed", type=int, default=1, help="seed_benchmark's seed (default 1)")
    parser.add_argument("--db", type=Path, default=ROOT / "bench" / "bench.sqlite3", help="SQLite file to use")
    parser.add_argument("--python-client", action="store_true", help="load with the Python client even with wrk")
    parser.add_argument(
        "--max-requests",
        type=int,
        help="override gunicorn.conf.py's max_requests (0: workers are never recycled); default: keep it",
    )
    parser.add_argument(
        "--wait-idle",
        type=int,
        default=300,
        help="at most this many seconds, over the whole run, of waiting before a load until other processes "
        "leave the CPU alone (default 300)",
    )
    return parser.parse_args()


# --------------------------------------------------------------------------------------------------------------------
# Data and in-process measurements (Django is set up in this process against the benchmark database)


def use_database(path):
    """Point the default connection at another SQLite file, as Django's test runner does."""
    from django.db import connection

    connection.close()
    connection.settings_dict["NAME"] = str(path)


def prepare_database(path, commitments, seed):
    from django.core.management import call_command

    from commitments.models import Commitment, Pillar, SourceDocument

    use_database(path)
    call_command("migrate", verbosity=0)
    held = Commitment.objects.count()
    if held == commitments:
        print(f"Reusing {path.name}: {held:,} commitments.")
        return
    print(f"Seeding {path.name} with {commitments:,} commitments (it held {held:,}) ...", flush=True)
    reset = ["--reset"] if held or Pillar.objects.exists() or SourceDocument.objects.exists() else []
    call_command("seed_benchmark", "--commitments", str(commitments), "--seed", str(seed), *reset)


def superuser():
    from django.contrib.auth import get_user_model

    user, _ = get_user_model().objects.get_or_create(
        username="bench-admin", defaults={"is_staff": True, "is_superuser": True}
    )
    user.set_password(secrets.token_urlsafe(16))  # never used: the benchmark signs in with a session
    user.save()
    return user


def export_filter():
    """The pillar and status whose published commitments are nearest 1,000 in number (the same kind of filter
    at every size, so that query counts compare)."""
    from django.db.models import Count

    from commitments.models import Commitment

    groups = Commitment.objects.published().order_by().values("pillar__slug", "status").annotate(n=Count("pk"))
    best = min(groups, key=lambda group: (abs(group["n"] - 1000), group["pillar__slug"], group["status"]))
    return {"pillar": best["pillar__slug"], "status": best["status"]}


def pages():
    """[(name, public URL, admin counterpart URL)] on the current database."""
    from commitments.models import Commitment, Pillar, SourceDocument

    published = Commitment.objects.published()
    pillar = Pillar.objects.order_by("order").first()
    parents = Commitment.objects.filter(parent__isnull=False).values("parent")
    detail = published.filter(pk__in=parents).order_by("slug").first() or published.order_by("slug").first()
    source = SourceDocument.objects.order_by("slug").first()
    filters = export_filter()
    last = max(1, math.ceil(published.count() / TABLE_PAGE))
    admin_last = f"{ADMIN}?p={max(1, math.ceil(Commitment.objects.count() / ADMIN_PAGE))}"
    filtered = f"/commitments/?pillar={pillar.slug}&status=in_progress&sort=-target_date"
    admin_filtered = f"{ADMIN}?pillar__id__exact={pillar.pk}&status__exact=in_progress&o=-6"  # 6: target date
    return [
        ("dashboard", "/", ADMIN),
        ("table page 1", "/commitments/", ADMIN),
        ("table last page", f"/commitments/?page={last}", admin_last),
        ("table filtered+sorted", filtered, admin_filtered),
        ("commitment detail", detail.get_absolute_url(), ADMIN),
        ("annotated source", source.get_absolute_url(), ADMIN),
        ("feed", "/feed/", ADMIN),
        ("API list", "/api/commitments/", ADMIN),
        ("CSV export", f"/commitments/?{urlencode(filters)}&_export=csv", ADMIN),
    ]


def survey(path):
    """Query count and body of every page and admin counterpart on the database at `path`."""
    from django.db import connection
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext

    use_database(path)
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(superuser())
    found = {}
    with override_settings(PUBLIC_PAGE_CACHE=False):
        for name, url, admin in pages():
            for key, address in ((name, url), (f"admin:{name}", admin)):
                client.get(address)  # one-off lookups (content types, templates) are not what is measured
                with CaptureQueriesContext(connection) as queries:
                    response = client.get(address)
                assert response.status_code == 200, f"{address}: {response.status_code}"
                found[key] = (address, len(queries), response.content, response["Content-Type"])
    return found, client.cookies["sessionid"].value


def write_static_copies(static_root, bodies):
    """A static file with each page's body, under STATIC_ROOT so that whitenoise serves it: {name: URL}."""
    extensions = {"text/html": "html", "text/csv": "csv", "application/json": "json", "application/atom+xml": "xml"}
    folder = static_root / "bench"
    folder.mkdir(parents=True, exist_ok=True)
    urls = {}
    for name, (_, _, body, content_type) in bodies.items():
        file_name = f"{re.sub(r'[^a-z0-9]+', '-', name.lower()).strip('-')}.{extensions[content_type.split(';')[0]]}"
        (folder / file_name).write_bytes(body)
        urls[name] = f"/static/bench/{file_name}"
    return urls


# --------------------------------------------------------------------------------------------------------------------
# Servers and load


def git_commit():
    def git(*args):
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True).stdout.strip()

    return git("rev-parse", "--short", "HEAD") + (" with uncommitted changes" if git("status", "--porcelain") else "")


def wrk_version():
    result = subprocess.run(["wrk", "--version"], capture_output=True, text=True)
    return (result.stdout + result.stderr).split(" [")[0].strip()


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(port, url, cookie=""):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request("GET", url, headers={"Cookie": cookie} if cookie else {})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


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
    ours = 0
    for pid in process_tree(os.getpid()):
        with contextlib.suppress(OSError, ValueError):  # utime, stime, cutime, cstime (exited children's)
            ours += sum(map(int, Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[11:15]))
    return time.monotonic(), busy, ours


def foreign_share(before, after):
    """The share of the machine's CPU that processes other than the benchmark's used between two snapshots."""
    seconds = after[0] - before[0]
    capacity = seconds * os.sysconf("SC_CLK_TCK") * os.cpu_count()
    return max(0.0, ((after[1] - before[1]) - (after[2] - before[2])) / capacity) if capacity else 0.0


class Quiet:
    """Waiting, within a budget of seconds for the whole run, until other processes leave the CPU alone."""

    def __init__(self, budget):
        self.budget, self.said = budget, 0.0

    def wait(self):
        """Wait until other processes use under 10% of the CPU for 1.5 s, or the budget is spent; return that share."""
        while True:
            before = cpu_snapshot()
            time.sleep(1.5)
            share = foreign_share(before, cpu_snapshot())
            if share < 0.10 or self.budget <= 0:
                return share
            self.budget -= 1.5
            if time.monotonic() - self.said > 30:
                self.said = time.monotonic()
                print(
                    f"  other processes use {share:.0%} of the CPU; waiting ({self.budget:.0f} s left) ...", flush=True
                )


class Server:
    """gunicorn with gunicorn.conf.py on a free loopback port; RSS of its process tree sampled every 0.5 s."""

    def __init__(self, name, env, workers, log_path, max_requests=None):
        self.name, self.port, self.workers = name, free_port(), workers
        self.options = [] if max_requests is None else ["--max-requests", str(max_requests)]
        self.env = {
            **env,
            "GUNICORN_BIND": f"127.0.0.1:{self.port}",
            "WEB_CONCURRENCY": str(workers),
            "GUNICORN_ACCESSLOG": "/dev/null",  # "" is refused by gunicorn
        }
        self.log_path, self.process, self.peak_kib, self.pids = log_path, None, 0, set()
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

    def sample(self):
        while not self.stopping.wait(0.5):
            tree = process_tree(self.process.pid)
            self.pids.update(tree)
            self.peak_kib = max(self.peak_kib, sum(rss_kib(pid) for pid in tree))

    @property
    def restarts(self):
        return max(0, len(self.pids) - 1 - self.workers)

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
    match = re.search(r"^RESULT (.*)$", output, re.MULTILINE)
    if not match:
        raise RuntimeError(f"wrk gave no result for {url}:\n{output}")
    requests, duration_us, size, errors, non_2xx, p50, p95 = map(int, match.group(1).split())
    return Load(requests, duration_us / 1e6, size, errors + non_2xx, p50 / 1000, p95 / 1000)


def load_python(port, url, cookie, seconds, clients, at_least=1):
    """Without wrk, or for pages too slow for it: one thread per client, each a sequence of GETs for `seconds`
    and until it has made `at_least` requests (but never past 120 s)."""
    latencies, errors, sizes, lock = [], [0], [0], threading.Lock()
    deadline, cap = time.monotonic() + seconds, time.monotonic() + 120

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
        thread.join(timeout=seconds + 60)
    latencies.sort()

    def percentile(p):
        return latencies[min(len(latencies) - 1, int(len(latencies) * p / 100))] if latencies else 0.0

    duration = time.monotonic() - started
    return Load(len(latencies), duration, sizes[0], errors[0], percentile(50), percentile(95))


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

    @property
    def rps(self):
        return self.requests / self.seconds if self.seconds else 0.0

    def __str__(self):
        text = f"{rate(self)} req/s, p50 {self.p50:.1f} ms, p95 {self.p95:.1f} ms"
        text += f", other processes {self.foreign:.0%} CPU" if self.foreign >= 0.05 else ""
        return text + (f", {self.restarts} worker restarts" if self.restarts else "")


# --------------------------------------------------------------------------------------------------------------------
# Report


def size(n):
    return f"{n / 1024:,.1f} KB" if n >= 1024 else f"{n} B"


def rate(load):
    return f"{load.rps:,.1f}" if load.rps < 10 else f"{load.rps:,.0f}"


def ms(load):
    return f"{load.p50:.1f} / {load.p95:.1f}"


def report(meta, names, counts, small_counts, bodies, results, servers):
    lines = [
        f"# Benchmark, {meta['date']}",
        "",
        f"{meta['published']:,} published of {meta['commitments']:,} commitments (seed {meta['seed']}); "
        f"gunicorn, {meta['workers']} sync workers, max_requests {meta['max_requests']}; "
        f"{meta['clients']} concurrent clients for {meta['seconds']} s per URL ({meta['client']}); "
        f"{meta['cores']} cores; Python {platform.python_version()}; "
        f"commit {meta['commit']}. Latencies in ms (p50 / p95).",
        "",
        "| page | queries (250 → N) | body | uncached req/s | uncached p50 / p95 | cached req/s | cached p50 / p95 "
        "| admin counterpart req/s, p95 | static file req/s, p95 | page ÷ admin req/s | cached ÷ static p95 "
        "| other CPU |",
        "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name in names:
        uncached, cached, admin, static = (results[(kind, name)] for kind in ("uncached", "cached", "admin", "static"))
        label = f"{name} ({meta['export_rows']:,} rows)" if name == "CSV export" else name
        lines.append(
            f"| {label} | {small_counts[name]} → {counts[name]} | {size(len(bodies[name][2]))} "
            f"| {rate(uncached)} | {ms(uncached)} | {rate(cached)} | {ms(cached)} "
            f"| {rate(admin)}, {admin.p95:.0f} | {rate(static)}, {static.p95:.1f} "
            f"| {uncached.rps / admin.rps:.2f} | {cached.p95 / static.p95:.2f}{'†' if recycled(results, name) else ''} "
            f"| {max(load.foreign for load in (uncached, cached, admin, static)):.0%} |"
        )
    lines += [
        "",
        "Admin counterparts (logged in as a superuser, drafts included, 100 rows a page; never cached):",
        "",
        "| admin page | queries (250 → N) | body | req/s | p50 / p95 |",
        "| --- | --- | --- | ---: | ---: |",
    ]
    seen = set()
    for name in names:
        url = bodies[f"admin:{name}"][0]
        if url not in seen:
            seen.add(url)
            load = results[("admin", name)]
            key = f"admin:{name}"
            lines.append(
                f"| `{url}` | {small_counts[key]} → {counts[key]} | {size(len(bodies[key][2]))} "
                f"| {rate(load)} | {ms(load)} |"
            )
    lines += ["", "Peak memory of the server (RSS of the gunicorn master and workers, sampled every 0.5 s):", ""]
    for server in servers:
        lines.append(
            f"- {server.name}: {server.peak_kib / 1024:,.0f} MB peak total; "
            f"{server.restarts} worker restarts (max_requests) during the run"
        )
    loads = list(results.values())
    restarted = [f"{kind} {name} ({load.restarts})" for (kind, name), load in results.items() if load.restarts]
    if restarted:
        lines.append(f"- workers restarted while loading: {', '.join(restarted)}")
    lines += [
        "",
        f"CPU used by other processes on the machine during the loads (*other CPU*, the most of the row's four "
        f"loads): mean {mean(x.foreign for x in loads):.0%}, max {max(x.foreign for x in loads):.0%} of its "
        f"{os.cpu_count()} cores. Above a few percent, the row's numbers are slower than on a quiet machine.",
    ]
    lines += ["", "Goals:", ""]
    lines += goals(names, counts, small_counts, results)
    errors = sum(load.errors for load in results.values())
    lines += ["", f"Failed or non-200 responses during the load: {errors}. Total run time {meta['elapsed']}."]
    return "\n".join(lines) + "\n"


def recycled(results, name):
    """Whether gunicorn replaced workers while the cached page or its static copy was loaded."""
    return bool(results[("cached", name)].restarts or results[("static", name)].restarts)


def goals(names, counts, small_counts, results):
    def verdict(misses):
        return "met" if not misses else "MISSED: " + "; ".join(misses)

    growing = [f"{n} ({small_counts[n]} → {counts[n]})" for n in names if counts[n] != small_counts[n]]
    slower = [
        f"{n} ({rate(results[('uncached', n)])} vs {rate(results[('admin', n)])} req/s)"
        for n in names
        if results[("uncached", n)].rps < results[("admin", n)].rps
    ]
    far = [
        f"{n} (p95 {results[('cached', n)].p95:.1f} vs {results[('static', n)].p95:.1f} ms)"
        for n in names
        if results[("cached", n)].p95 > GOAL_STATIC_RATIO * results[("static", n)].p95 and not recycled(results, n)
    ]
    skipped = [n for n in names if recycled(results, n)]
    slow = [
        f"{n} {kind} (p95 {results[(kind, n)].p95:.0f} ms)"
        for kind in ("uncached", "cached")
        for n in names
        if results[(kind, n)].p95 > GOAL_P95_MS
    ]
    slow_admin = sorted({f"{results[('admin', n)].p95:.0f} ms" for n in names if results[("admin", n)].p95 > 200})
    return [
        f"1. Query count of every public page independent of the data size: {verdict(growing)}.",
        f"2. Every public page (uncached) at least as fast as its admin counterpart: {verdict(slower)}.",
        f"3. Cached public pages within {GOAL_STATIC_RATIO}x of the static file's p95: "
        + ("not measured" if len(skipped) == len(names) else verdict(far))
        + (
            f"; left out (†, workers restarted during the load; see --max-requests): {', '.join(skipped)}."
            if skipped
            else "."
        ),
        f"4. No public page above {GOAL_P95_MS} ms p95: {verdict(slow)}."
        + (f" (The admin itself reaches p95 {', '.join(slow_admin)}.)" if slow_admin else ""),
    ]


# --------------------------------------------------------------------------------------------------------------------


def main():
    args = parse_args()
    started = time.monotonic()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so that `finally` stops the servers
    wrk = shutil.which("wrk") if not args.python_client else None
    if not wrk and not args.python_client:
        print("wrk not found (apt-get install wrk); loading with the Python client, whose numbers are rougher.")
    RESULTS.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="tracker-bench-") as tmp:
        tmp = Path(tmp)
        env = {
            "DJANGO_SETTINGS_MODULE": "tracker.settings",
            "DATABASE_URL": f"sqlite:///{args.db.resolve()}",
            "CACHE_URL": "locmemcache://",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "DEBUG": "false",
            "ALLOWED_HOSTS": "127.0.0.1",
            "STATIC_ROOT": str(tmp / "static"),
            "PUBLIC_PAGE_CACHE": "false",
            "WHITENOISE_USE_FINDERS": "false",
        }
        os.environ.update(env)
        sys.path.insert(0, str(ROOT))
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection

        from commitments.models import Commitment

        prepare_database(tmp / "small.sqlite3", SMALL, args.seed)
        prepare_database(args.db.resolve(), args.commitments, args.seed)
        print("Collecting static files ...", flush=True)
        call_command("collectstatic", interactive=False, verbosity=0)
        print("Counting queries ...", flush=True)
        small, _ = survey(tmp / "small.sqlite3")
        bodies, session = survey(args.db.resolve())
        published = Commitment.objects.published().count()
        connection.close()
        names = [name for name in bodies if not name.startswith("admin:")]
        export_rows = len(list(csv.reader(bodies["CSV export"][2].decode().splitlines()))) - 1
        print(f"CSV export: {export_rows:,} rows ({bodies['CSV export'][0]})")
        static_urls = write_static_copies(tmp / "static", {name: bodies[name] for name in names})
        script = tmp / "result.lua"
        script.write_text(WRK_SCRIPT)

        def load(server, url, cookie=""):
            quiet.wait()
            warm(server.port, url, cookie, args.clients, rounds=5 if server.name == "cached" else 2)
            before, workers_seen = cpu_snapshot(), len(server.pids)
            result = load_wrk(server.port, url, cookie, args.seconds, args.clients, script) if wrk else None
            if result is None or result.requests < 3 * args.clients:  # too slow for wrk's fixed duration
                result = load_python(server.port, url, cookie, args.seconds, args.clients, at_least=3)
            result.foreign, result.restarts = foreign_share(before, cpu_snapshot()), len(server.pids) - workers_seen
            print(f"  {'admin' if cookie else server.name:<9} {url[:80]:<80} {result}", flush=True)
            return result

        results, servers = {}, []
        admin_cookie = f"sessionid={session}"
        quiet = Quiet(args.wait_idle)
        try:
            for name, cache in (("uncached", "false"), ("cached", "true")):
                env = {**os.environ, "PUBLIC_PAGE_CACHE": cache}
                server = Server(name, env, args.workers, RESULTS / f"{name}.log", args.max_requests)
                servers.append(server)
                print(f"Starting gunicorn, public page cache {'on' if cache == 'true' else 'off'} ...", flush=True)
                server.start(static_urls[names[0]])
                admin_loads = {}
                for page in names:
                    results[(name, page)] = load(server, bodies[page][0])
                    if name == "uncached":  # the admin is never cached: measured once
                        admin_url = bodies[f"admin:{page}"][0]
                        if admin_url not in admin_loads:
                            admin_loads[admin_url] = load(server, admin_url, admin_cookie)
                        results[("admin", page)] = admin_loads[admin_url]
                    else:
                        results[("static", page)] = load(server, static_urls[page])
                server.stop()
        finally:
            for server in servers:
                server.stop()
        elapsed = time.monotonic() - started
        meta = {
            "date": time.strftime("%Y-%m-%d %H:%M"),
            "commitments": args.commitments,
            "published": published,
            "seed": args.seed,
            "workers": args.workers,
            "max_requests": "of gunicorn.conf.py" if args.max_requests is None else args.max_requests,
            "clients": args.clients,
            "seconds": args.seconds,
            "client": wrk_version() if wrk else "Python client",
            "export_rows": export_rows,
            "cores": os.cpu_count(),
            "commit": git_commit(),
            "elapsed": f"{elapsed // 60:.0f} min {elapsed % 60:.0f} s",
        }
        counts = {name: count for name, (_, count, _, _) in bodies.items()}
        small_counts = {name: count for name, (_, count, _, _) in small.items()}
        text = report(meta, names, counts, small_counts, bodies, results, servers)
    print()
    print(text)
    (RESULTS / "latest.md").write_text(text)
    print(f"Written to {RESULTS / 'latest.md'}")


if __name__ == "__main__":
    main()
