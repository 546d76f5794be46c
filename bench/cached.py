"""Goal 4 by itself: every public page answered from the page cache beside a static file of the same bytes, under
load, as `make bench` loads them (gunicorn with gunicorn.conf.py, wrk, CACHED_ROUNDS rounds alternating the two,
the p95 of each over the requests of all its rounds), on a database already seeded.

    DATABASE_URL=sqlite:///bench/bench_20000.sqlite3 .venv/bin/python bench/cached.py
    DATABASE_URL=... .venv/bin/python bench/cached.py --pages "table page 1" "pillar list" --seconds 3

Prints each page's cached and static p95 (ms), their ratio and every round's p95; the goal is a ratio of at most
1.5. A full `make bench` measures this with every other goal; this takes about a minute a page.
"""

import argparse
import os
import signal
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.measure import Loader, cached, set_up_django  # noqa: E402
from bench.report import GOAL_STATIC_RATIO  # noqa: E402
from bench.servers import WRK_SCRIPT, Server  # noqa: E402


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", nargs="+", help="names of public pages (bench/pages.py); all by default")
    parser.add_argument("--seconds", type=int, default=3, help="load duration per URL (default 3)")
    parser.add_argument("--clients", type=int, default=4, help="concurrent clients (default 4)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers (default 4)")
    parser.add_argument("--max-requests", type=int, help="gunicorn's max_requests (gunicorn.conf.py's by default)")
    parser.add_argument("--wait-idle", type=float, default=75, help="seconds to wait in all for a quiet CPU")
    parser.add_argument("--python-client", action="store_true", help="load with the Python client even with wrk")
    parser.add_argument("--logs", type=Path, default=ROOT / "bench" / "results")
    return parser.parse_args()


def public_pages(names):
    from bench.pages import pages

    public = [page for page in pages() if page.audience == "public"]
    unknown = set(names or ()) - {page.name for page in public}
    if unknown:
        raise SystemExit(f"no such public page: {', '.join(sorted(unknown))}")
    return [page for page in public if not names or page.name in names]


def bodies_of(listed):
    """{name: (body, content type)} of each page as a reader gets it, read in-process with the page cache off."""
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")
    found = {}
    for page in listed:
        response = client.get(page.url)
        assert response.status_code == 200, f"{page.url}: {response.status_code}"
        found[page.name] = (response.content, response["Content-Type"])
    return found


def main():
    args = parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so that `finally` stops the server
    args.logs.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="tracker-cached-") as tmp:
        tmp = Path(tmp)
        set_up_django(os.environ["DATABASE_URL"], tmp / "static")
        from django.core.management import call_command

        from bench.pages import write_static_copies

        call_command("collectstatic", interactive=False, verbosity=0)
        listed = public_pages(args.pages)
        static_urls = write_static_copies(tmp / "static", bodies_of(listed))
        (tmp / "result.lua").write_text(WRK_SCRIPT)
        env = {**os.environ, "PUBLIC_PAGE_CACHE": "true"}
        server = Server("cached", env, args.workers, args.logs / "cached-only.log", args.max_requests)
        try:
            server.start(static_urls[listed[0].name])
            loads = cached(Loader(args, tmp / "result.lua"), server, listed, static_urls)
        finally:
            server.stop()
    print(f"\n{'page':<24} {'cached p95':>10} {'static p95':>10} {'ratio':>6}  goal   rounds (cached | static)")
    for found_cached, found_static in zip(loads[::2], loads[1::2], strict=True):
        print(row(found_cached, found_static))


def row(found_cached, found_static):
    ratio = found_cached["p95"] / found_static["p95"]
    verdict = "met" if ratio <= GOAL_STATIC_RATIO else "MISSED"
    figures = f"{found_cached['p95']:>10.2f} {found_static['p95']:>10.2f} {ratio:>6.2f}"
    rounds = f"{found_cached['p95_rounds']} | {found_static['p95_rounds']}"
    return f"{found_cached['page']:<24} {figures}  {verdict:<6} {rounds}"


if __name__ == "__main__":
    main()
