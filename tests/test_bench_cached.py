"""`bench/cached.py`, goal 4 by itself, runs as documented: each page from the page cache beside its static copy."""

import re
import subprocess
import sys

import pytest

from .test_deployment import CATALOGUE, ROOT, manage, production_env


@pytest.mark.slow
def test_goal_four_alone_loads_a_cached_page_beside_its_static_copy(tmp_path):
    env = production_env(DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    for command in (["migrate", "--noinput"], ["import_catalogue", CATALOGUE]):
        result = manage(*command, env=env)
        assert result.returncode == 0, result.stdout + result.stderr
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
