"""`bench/cached.py`, goal 4 by itself, runs as documented: each page from the page cache beside its static copy."""

import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bench.servers import process_tree

from .test_deployment import CATALOGUE, ROOT, manage, production_env


def catalogue_env(tmp_path):
    env = production_env(DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    for command in (["migrate", "--noinput"], ["import_catalogue", CATALOGUE]):
        result = manage(*command, env=env)
        assert result.returncode == 0, result.stdout + result.stderr
    return env


@pytest.mark.slow
def test_goal_four_alone_loads_a_cached_page_beside_its_static_copy(tmp_path):
    env = catalogue_env(tmp_path)
    result = subprocess.run(
        [
            sys.executable, "bench/cached.py", "--pages", "pillar list", "--seconds", "1", "--workers", "2",
            "--wait-idle", "0", "--logs", str(tmp_path),
        ],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    row = r"^pillar list +([\d.]+) +([\d.]+) +([\d.]+)  (met|MISSED) +\[(.*)\] \| \[(.*)\]$"
    [found] = re.findall(row, result.stdout, re.MULTILINE)
    cached, static, ratio, _, cached_rounds, static_rounds = found
    assert float(cached) > 0 and float(static) > 0
    assert float(ratio) == pytest.approx(float(cached) / float(static), abs=0.01)
    assert len(cached_rounds.split(",")) == len(static_rounds.split(",")) == 5
    assert "cached   /pillars/" in result.stdout and "static   /static/bench/pillar-list.html" in result.stdout


@pytest.mark.slow
def test_stopping_goal_four_alone_stops_its_server(tmp_path):
    command = [sys.executable, "bench/cached.py", "--pages", "pillar list", "--seconds", "30", "--wait-idle", "0"]
    process = subprocess.Popen(
        [*command, "--logs", str(tmp_path)], cwd=ROOT, env=catalogue_env(tmp_path), stdout=subprocess.DEVNULL
    )
    try:
        deadline = time.monotonic() + 120
        while len(process_tree(process.pid)) < 3 and time.monotonic() < deadline:  # gunicorn and its workers
            assert process.poll() is None, "bench/cached.py ended before its server started"
            time.sleep(0.2)
        server = process_tree(process.pid)[1:]
        assert server, "no server started within 120 s"
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=60) == 143
        still_running = [pid for pid in server if Path(f"/proc/{pid}").exists()]
        assert not still_running, f"left running: {still_running}"
    finally:
        process.kill()
