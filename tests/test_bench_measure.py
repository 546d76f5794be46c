"""The benchmark's choices of which loads count (bench/measure.py, bench/report.py)."""

from bench.measure import RESTART_RERUNS, median_round, until_no_restart
from bench.report import rounds_of
from bench.servers import Load


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
