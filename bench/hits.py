"""What a cached public page costs against a static file of the same bytes, in-process through Django's WSGI
handler (the middleware, whitenoise and the page cache as a gunicorn worker runs them, without the network).

    DATABASE_URL=sqlite:///bench/bench_20000.sqlite3 .venv/bin/python bench/hits.py [/ /pillars/ ...]

For each path: the page is rendered once and stored in the page cache, its body written as a static file,
then both are requested `--hits` times in each of `--rounds` rounds, alternating; the best round of each is
printed in µs a request. Then the versions read that every hit makes (`cache.read_versions`), as a hit makes
it and as it runs while the queries are watched (Django's cursor).
"""

import argparse
import io
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.measure import set_up_django  # noqa: E402


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("paths", nargs="*", default=["/", "/commitments/", "/pillars/", "/feed/"])
    parser.add_argument("--hits", type=int, default=3000, help="requests a round (3000)")
    parser.add_argument("--rounds", type=int, default=5, help="rounds, the best one printed (5)")
    return parser.parse_args()


def get(handler, path):
    """(status, body) of a GET of `path` through the WSGI handler, as a browser's first visit without cookies."""
    environ = {
        "REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": "", "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80", "HTTP_HOST": "127.0.0.1", "SERVER_PROTOCOL": "HTTP/1.1", "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(), "wsgi.errors": sys.stderr,
    }  # fmt: skip
    statuses = []
    response = handler(environ, lambda status, headers, exc_info=None: statuses.append(status))
    body = b"".join(response)
    response.close()
    return statuses[0], body


def best_of(rounds, count, request):
    """The best of `rounds` rounds of `count` calls, in µs a call."""
    best = float("inf")
    for _ in range(rounds):
        started = time.perf_counter()
        for _ in range(count):
            request()
        best = min(best, (time.perf_counter() - started) / count)
    return best * 1e6


def main():
    args = parse_args()
    with tempfile.TemporaryDirectory(prefix="tracker-hits-") as tmp:
        # The settings a benchmark server runs with (bench/measure.py), with the page cache on.
        set_up_django(os.environ["DATABASE_URL"], Path(tmp) / "static", PUBLIC_PAGE_CACHE="true")
        measure(args)


def measure(args):
    from django.core.handlers.wsgi import WSGIHandler
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from commitments import cache

    call_command("collectstatic", interactive=False, verbosity=0)
    copies = Path(os.environ["STATIC_ROOT"]) / "bench-hits"
    copies.mkdir()
    handler = WSGIHandler()
    static = {}
    for number, path in enumerate(args.paths):
        status, body = get(handler, path)
        if not status.startswith("200"):
            raise SystemExit(f"{path} answered {status}")
        (copies / f"{number}.html").write_bytes(body)
        static[path] = f"/static/bench-hits/{number}.html"
    handler = WSGIHandler()  # whitenoise lists the static files when the handler is made
    print(f"{args.rounds} rounds of {args.hits:,} requests, best round, µs a request:")
    for path in args.paths:
        for target in (path, static[path]):
            assert get(handler, target)[0].startswith("200"), target
        with CaptureQueriesContext(connection) as queries:
            get(handler, path)
        if len(queries) != 1:  # the versions read, and nothing else
            raise SystemExit(f"{path} was not answered from the page cache: {len(queries)} queries")
        times = {}
        for _ in range(2):  # alternating, so that both see the machine in the same state
            for kind, target in (("cached", path), ("static", static[path])):
                took = best_of(args.rounds, args.hits, lambda target=target: get(handler, target))
                times[kind] = min(times.get(kind, took), took)
        print(f"  {path:<32} cached {times['cached']:6.0f}   static {times['static']:6.0f}")
    as_a_hit = best_of(args.rounds, args.hits, lambda: cache.read_versions([cache.SITE]))
    with CaptureQueriesContext(connection):
        watched = best_of(args.rounds, args.hits, lambda: cache.read_versions([cache.SITE]))
    print(f"  versions read: {as_a_hit:.1f} µs as a hit reads them, {watched:.1f} µs through Django's cursor")


if __name__ == "__main__":
    main()
