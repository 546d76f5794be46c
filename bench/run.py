"""Benchmark of the public pages, staff lists, exports and writes at scale, on SQLite and PostgreSQL.

`make bench`, or `.venv/bin/python bench/run.py --help`.

Each configuration, SQLite and PostgreSQL at 20,000 and at 100,000 commitments by default, is measured by
bench/measure.py in a process of its own (Django is set up once per database), and the report compares
them side by side: bench/results/<date>.md (and latest.md), with the raw numbers in bench/results/<date>.json.

All traffic goes to 127.0.0.1; every server started is stopped at the end, also after an error.
"""

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.report import report  # noqa: E402

RESULTS = ROOT / "bench" / "results"
DATABASES = ("sqlite", "postgresql")


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[20000, 100000], help="commitments (20000 100000)")
    parser.add_argument("--databases", nargs="+", choices=DATABASES, default=list(DATABASES), help="(both)")
    parser.add_argument("--seconds", type=int, default=3, help="load duration per URL (default 3)")
    parser.add_argument("--clients", type=int, default=4, help="concurrent clients (default 4)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers (default 4)")
    parser.add_argument("--seed", type=int, default=1, help="the data set's seed (default 1)")
    parser.add_argument(
        "--sqlite",
        default=str(ROOT / "bench" / "bench_{size}.sqlite3"),
        help="SQLite file of each size (default bench/bench_{size}.sqlite3)",
    )
    parser.add_argument(
        "--postgresql",
        default="postgres://postgres@127.0.0.1:5432/bench_{size}",
        help="DATABASE_URL of each size (default postgres://postgres@127.0.0.1:5432/bench_{size}); "
        "created when missing",
    )
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


def database_url(args, database, size):
    if database == "sqlite":
        return f"sqlite:///{Path(args.sqlite.format(size=size)).resolve()}"
    return args.postgresql.format(size=size)


def git_commit():
    def git(*command):
        return subprocess.run(["git", *command], cwd=ROOT, capture_output=True, text=True).stdout.strip()

    return git("rev-parse", "--short", "HEAD") + (" with uncommitted changes" if git("status", "--porcelain") else "")


def client_name(args):
    if args.python_client or not shutil.which("wrk"):
        return "Python client"
    result = subprocess.run(["wrk", "--version"], capture_output=True, text=True)
    return (result.stdout + result.stderr).split(" [")[0].strip()


def measure(args, database, size, output, wait_idle):
    """One configuration in a process of its own; returns its numbers, or the error that stopped it."""
    command = [
        sys.executable,
        str(ROOT / "bench" / "measure.py"),
        *("--url", database_url(args, database, size), "--small-url", database_url(args, database, 250)),
        *("--commitments", str(size), "--output", str(output), "--seconds", str(args.seconds)),
        *("--clients", str(args.clients), "--workers", str(args.workers), "--seed", str(args.seed)),
        *("--wait-idle", str(wait_idle), "--logs", str(RESULTS)),
        *(["--python-client"] if args.python_client else []),
        *(["--max-requests", str(args.max_requests)] if args.max_requests is not None else []),
    ]
    child = subprocess.Popen(command, cwd=ROOT)
    try:
        code = child.wait()
    finally:
        if child.poll() is None:
            child.terminate()  # its `finally` stops its servers
            child.wait(timeout=60)
    if code != 0:
        return {"database": database, "commitments": size, "error": f"bench/measure.py exited with {code}"}
    return {"database": database, **json.loads(output.read_text())}


def main():
    args = parse_args()
    if not args.python_client and not shutil.which("wrk"):
        print("wrk not found (apt-get install wrk); loading with the Python client, whose numbers are rougher.")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so that `finally` stops the current configuration
    RESULTS.mkdir(parents=True, exist_ok=True)
    started, stamp = time.monotonic(), time.strftime("%Y-%m-%d-%H%M")
    plan = [(database, size) for database in args.databases for size in args.sizes]
    configs = []
    with tempfile.TemporaryDirectory(prefix="tracker-bench-") as tmp:
        for number, (database, size) in enumerate(plan, 1):
            minutes = (time.monotonic() - started) / 60
            print(f"[{number}/{len(plan)}] {database}, {size:,} commitments ({minutes:.0f} min so far)", flush=True)
            output = Path(tmp) / f"{database}-{size}.json"
            configs.append(measure(args, database, size, output, args.wait_idle / len(plan)))
    elapsed = time.monotonic() - started
    meta = {
        "date": time.strftime("%Y-%m-%d %H:%M"),
        "workers": args.workers,
        "max_requests": "of gunicorn.conf.py" if args.max_requests is None else args.max_requests,
        "clients": args.clients,
        "seconds": args.seconds,
        "client": client_name(args),
        "cores": os.cpu_count(),
        "commit": git_commit(),
        "elapsed": f"{elapsed // 60:.0f} min {elapsed % 60:.0f} s",
    }
    text = report(meta, configs)
    (RESULTS / f"{stamp}.json").write_text(json.dumps({"meta": meta, "configurations": configs}, indent=1))
    for name in (f"{stamp}.md", "latest.md"):  # each run's report kept beside its numbers; latest.md the newest
        (RESULTS / name).write_text(text)
    print()
    print(text)
    print(f"Written to {RESULTS / 'latest.md'}, {RESULTS / f'{stamp}.md'} and {RESULTS / f'{stamp}.json'}")


if __name__ == "__main__":
    main()
