"""The benchmark's choices of which loads count (bench/measure.py, bench/report.py)."""

import os
import signal
import subprocess
import sys
import time
from collections import Counter

from bench.measure import RESTART_RERUNS, alternated, compared_together, pooled, until_no_restart
from bench.pages import Page
from bench.report import rounds_of
from bench.servers import Load, Server, cpu_ticks, percentile, wrk_load


def loads_with_restarts(*restarts):
    """A load function whose successive loads saw these numbers of worker restarts."""
    made = iter(restarts)

    def load_once():
        return Load(requests=100, seconds=3.0, size=1000, errors=0, p50=1.0, p95=5.0, restarts=next(made))

    return load_once


def test_a_load_without_a_restart_is_run_once():
    result = until_no_restart(loads_with_restarts(0, 0))
    assert (result.restarts, result.reruns) == (0, 0)


def test_a_load_that_saw_a_restart_is_run_again():
    result = until_no_restart(loads_with_restarts(1, 2, 0, 0))
    assert (result.restarts, result.reruns) == (0, 2)


def test_reruns_stop_after_their_limit_and_the_last_load_says_it_saw_a_restart():
    result = until_no_restart(loads_with_restarts(*[1] * (RESTART_RERUNS + 2)))
    assert (result.restarts, result.reruns) == (1, RESTART_RERUNS)


def load_of(latencies_ms, **measured):
    """A 1-second load whose requests took these times (ms), with other figures `measured` meanwhile."""
    load = Load.timed(
        len(latencies_ms), 1.0, 100 * len(latencies_ms), 0, Counter(round(ms * 1000) for ms in latencies_ms)
    )
    for name, value in measured.items():
        setattr(load, name, value)
    return load


def test_a_percentile_is_the_latency_within_which_that_share_of_requests_was_answered():
    latencies = Counter({1000: 90, 2000: 5, 9000: 5})
    assert [percentile(latencies, p) for p in (50, 90, 91, 95, 96, 100)] == [1.0, 1.0, 2.0, 2.0, 9.0, 9.0]
    assert percentile(Counter(), 95) == 0.0


def test_rounds_are_pooled_over_all_their_requests_with_every_round_beside_them():
    # The third round answered four times the requests of each other one: over all 60, the p95 is the 57th
    # fastest, 1.0 ms, where the round of median p95 would give 4.0.
    rounds = [
        {"kind": "cached", "page": "map", "url": "/map/", "load": load_of([1.0] * 9 + [9.0], restarts=1)},
        {"kind": "cached", "page": "map", "url": "/map/", "load": load_of([1.0] * 9 + [4.0], rss_mb=80.0)},
        {"kind": "cached", "page": "map", "url": "/map/", "load": load_of([1.0] * 39 + [5.0], foreign=0.2)},
    ]
    counted = pooled(rounds)
    assert (counted["kind"], counted["page"], counted["url"]) == ("cached", "map", "/map/")
    assert (counted["p95"], counted["p50"], counted["p95_rounds"]) == (1.0, 1.0, [9.0, 4.0, 1.0])
    assert (counted["requests"], counted["seconds"], counted["rps"], counted["size"]) == (60, 3.0, 20.0, 6000)
    assert (counted["restarts"], counted["rss_mb"], counted["foreign"]) == (1, 80.0, 0.2)
    assert "latencies" not in counted and "load" not in counted
    assert rounds_of([counted, {"kind": "static", "p95": 1.0}]) == 3


def test_the_result_wrk_prints_is_read_with_every_latency():
    output = "Running 3s test @ http://127.0.0.1:1/\nRESULT 10 3000000 5000 1 2\nLATENCIES 800:6 1200:3 15000:1\n"
    load = wrk_load(output, "/")
    assert (load.requests, load.seconds, load.size, load.errors) == (10, 3.0, 5000, 3)
    assert load.latencies == Counter({800: 6, 1200: 3, 15000: 1})
    assert (load.p50, load.p95) == (0.8, 15.0)


def test_the_pages_of_a_list_are_loaded_together_and_every_other_page_alone():
    names = ["dashboard", "table page 1", "table middle page", "table last page", "map", "staff commitments"]
    names += ["staff middle page", "staff last page", "staff board"]
    listed = [Page(name, "public", f"/{number}/", "/admin/") for number, name in enumerate(names)]
    groups = [[page.name for page in group] for group in compared_together(listed)]
    assert groups == [
        ["dashboard"],
        ["table page 1", "table middle page", "table last page"],
        ["map"],
        ["staff commitments", "staff middle page", "staff last page"],
        ["staff board"],
    ]


def test_pages_compared_with_each_other_are_loaded_in_turn_and_each_counts_all_its_rounds():
    made = []
    rounds = iter([[1.0] * 9 + [9.0], [2.0] * 10, [1.0] * 9 + [4.0], [6.0] * 10, [1.0] * 39 + [5.0], [1.0] * 10])

    def load(server, kind, page, url, cookie):
        made.append(url)
        return {"kind": kind, "page": page, "url": url, "load": load_of(next(rounds))}

    counted = alternated(load, None, [("cached", "map", "/map/", ""), ("static", "map", "/map.html", "")], 3)
    assert made == ["/map/", "/map.html"] * 3
    assert [(found["kind"], found["p95"], found["p95_rounds"]) for found in counted] == [
        ("cached", 1.0, [9.0, 4.0, 1.0]),
        ("static", 6.0, [2.0, 6.0, 1.0]),
    ]
    assert rounds_of(counted) == 3 and rounds_of(counted, "uncached") == 1


# A "worker" that spends 1.5 s of CPU, as a new gunicorn worker loading the app does, then waits for requests.
NEW_WORKER = """
import time
started = time.process_time()
while time.process_time() - started < 1.5:
    pass
time.sleep(60)
"""


def test_a_server_settles_once_its_workers_are_idle():
    """The next load waits until the workers are idle: a new worker loads the whole app before it serves."""
    server = Server.__new__(Server)  # a master process with one worker, without gunicorn
    server.process = subprocess.Popen(
        [sys.executable, "-c", f"import subprocess, sys; subprocess.run([sys.executable, '-c', {NEW_WORKER!r}])"]
    )
    try:
        while not server.worker_pids():
            time.sleep(0.05)
        [worker] = server.worker_pids()
        server.settle(limit=60)
        used = cpu_ticks([worker])
        assert used >= 1.4 * os.sysconf("SC_CLK_TCK")  # it waited for the 1.5 s of CPU to be spent
        time.sleep(0.3)
        assert cpu_ticks([worker]) - used <= 1  # and returned once the worker was idle
    finally:
        for pid in server.worker_pids():
            os.kill(pid, signal.SIGKILL)
        server.process.kill()
        server.process.wait()
