"""The benchmark's choices of which loads count (bench/measure.py, bench/report.py)."""

import os
import signal
import subprocess
import sys
import time

from bench.measure import RESTART_RERUNS, alternated, compared_together, median_round, until_no_restart
from bench.pages import Page
from bench.report import rounds_of
from bench.servers import Load, Server, cpu_ticks


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


def test_the_round_of_median_p95_counts_with_every_round_beside_it():
    rounds = [{"kind": "cached", "p95": 9.0, "rps": 1}, {"kind": "cached", "p95": 4.0, "rps": 2}]
    rounds.append({"kind": "cached", "p95": 5.0, "rps": 3})
    counted = median_round(rounds)
    assert (counted["p95"], counted["rps"]) == (5.0, 3)
    assert counted["p95_rounds"] == [9.0, 4.0, 5.0]
    assert rounds_of([counted, {"kind": "static", "p95": 1.0}]) == 3


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


def test_pages_compared_with_each_other_are_loaded_in_turn_and_each_counts_its_median_round():
    made = []
    p95s = iter([9.0, 2.0, 4.0, 6.0, 5.0, 1.0])

    def load(server, kind, page, url, cookie):
        made.append(url)
        return {"kind": kind, "page": page, "url": url, "p95": next(p95s)}

    counted = alternated(load, None, [("cached", "map", "/map/", ""), ("static", "map", "/map.html", "")], 3)
    assert made == ["/map/", "/map.html"] * 3
    assert [(found["kind"], found["p95"], found["p95_rounds"]) for found in counted] == [
        ("cached", 5.0, [9.0, 4.0, 5.0]),
        ("static", 2.0, [2.0, 6.0, 1.0]),
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
