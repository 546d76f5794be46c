"""`bench/hits.py`, the in-process measure of a cached page against a static file, runs as documented."""

import re
import subprocess
import sys

import pytest

from .test_deployment import CATALOGUE, ROOT, manage, production_env


@pytest.mark.slow
def test_the_hits_benchmark_times_a_cached_page_a_static_file_and_the_versions_read(tmp_path):
    env = production_env(DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}", STATIC_ROOT=str(tmp_path / "static"))
    for command in (["migrate", "--noinput"], ["import_catalogue", CATALOGUE]):
        result = manage(*command, env=env)
        assert result.returncode == 0, result.stdout + result.stderr
    result = subprocess.run(
        [sys.executable, "bench/hits.py", "/", "/pillars/", "--hits", "3", "--rounds", "1"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    timed = re.findall(r"^  (\S+) +cached +(\d+) +static +(\d+)$", result.stdout, re.MULTILINE)
    assert [path for path, *_ in timed] == ["/", "/pillars/"]
    assert all(int(cached) > 0 and int(static) > 0 for _, cached, static in timed)
    assert re.search(r"versions read: [\d.]+ µs as a hit reads them, [\d.]+ µs through Django's cursor", result.stdout)
