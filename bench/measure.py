"""One configuration of the benchmark: one database at one size, its numbers written as JSON to --output.

`bench/run.py` runs this once for each configuration and writes the report.

1. The database (and a small one of 250 commitments of the same kind) is migrated, and seeded unless it holds
   the number of commitments asked for.
2. Each page's SQL query count is measured in-process on both, and its body kept.
3. gunicorn serves the database with the public page cache off: each public page and staff list is loaded
   beside its admin counterpart (the first, middle and last page of a list in three rounds that alternate them;
   the requests of all three rounds of each count together), then the whole published table is exported as CSV,
   JSON and XLSX (three times each; the median counts).
4. gunicorn serves it with the cache on: each public page is loaded beside its static copy, in five rounds
   that alternate the two; the requests of all five rounds of each count together.
5. The writes at scale (writes.py), three times each; the median counts.

A load during which gunicorn replaced a worker (`max_requests`) is run again, up to twice.
"""

import argparse
import csv
import io
import json
import os
import re
import secrets
import shutil
import signal
import sys
import tempfile
from pathlib import Path

import environ

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.report import DEEP_PAGES  # noqa: E402
from bench.servers import (  # noqa: E402
    WRK_SCRIPT,
    Load,
    Quiet,
    Server,
    cpu_snapshot,
    foreign_share,
    load_python,
    load_wrk,
    stream,
    warm,
)

SMALL = 250  # commitments in the database that query counts are compared with
EXPORTS = ("csv", "json", "xlsx")
RUNS = 3  # downloads of each export, and runs of each write (writes.py): the median is the one that counts
# Loads of pages compared with each other, alternating: the requests of every round of each count together.
CACHED_ROUNDS = 5  # each cached page and its static copy
DEEP_PAGE_ROUNDS = 3  # the first, middle and last page of a list
RESTART_RERUNS = 2  # times a load is run again when a worker was replaced during it


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--url", required=True, help="DATABASE_URL of the database to measure")
    parser.add_argument("--small-url", required=True, help=f"DATABASE_URL of the database of {SMALL} commitments")
    parser.add_argument("--commitments", type=int, required=True)
    parser.add_argument("--output", type=Path, required=True)
    parser.add_argument("--seconds", type=int, default=3)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--python-client", action="store_true")
    parser.add_argument("--max-requests", type=int)
    parser.add_argument("--wait-idle", type=float, default=75)
    parser.add_argument("--logs", type=Path, default=ROOT / "bench" / "results")
    return parser.parse_args()


def rows_in(body, export_format):
    """Rows in an export: CSV lines after the header, or items of the JSON list."""
    if export_format == "csv":
        return max(0, sum(1 for _ in csv.reader(io.StringIO(body.decode()))) - 1)
    data = json.loads(body)
    return len(data) if isinstance(data, list) else len(next((v for v in data.values() if isinstance(v, list)), []))


def message_of(body):
    """The first line a person reads in a refusal: its heading and alert, or the start of its text."""
    text = body.decode(errors="replace")
    parts = [re.search(pattern, text, re.S) for pattern in (r"<h1[^>]*>(.*?)</h1>", r'role="alert"[^>]*>(.*?)</')]
    found = [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", part.group(1))).strip() for part in parts if part]
    return ": ".join(found) or re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", text)).strip()[:200]


def measure_export(server, export_format, quiet, timeout=120):
    """The export downloaded RUNS times, each when the machine is quiet; the run of the median time is the one
    reported, with every run's time beside it (the first reads rows no page has read yet)."""
    runs = []
    for _ in range(RUNS):
        quiet.wait()
        server.settle()
        runs.append(download_export(server, export_format, timeout))
        if runs[-1]["status"] == 0:
            return runs[-1]
    median = sorted(runs, key=lambda run: run["total_s"])[len(runs) // 2]
    return {**median, "runs_s": [run["total_s"] for run in runs]}


def download_export(server, export_format, timeout):
    url = f"/commitments/?_export={export_format}"
    try:
        status, headers, body, timings = stream(server, url, timeout=timeout)
    except (OSError, TimeoutError) as error:
        return {"format": export_format, "url": url, "status": 0, "error": str(error)}
    found = {"format": export_format, "url": url, "status": status, "bytes": len(body), **timings}
    content_type = headers.get("Content-Type", "")
    found["streaming"] = "Content-Length" not in headers
    if status == 200 and export_format in ("csv", "json"):
        found["rows"] = rows_in(body, export_format)
    elif status == 200:
        found["content_type"] = content_type.split(";")[0]
    else:
        found["message"] = message_of(body)
    return found


def environment(url, static_root):
    return {
        "DJANGO_SETTINGS_MODULE": "tracker.settings",
        "DATABASE_URL": url,
        "CACHE_URL": "locmemcache://",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "STATIC_ROOT": str(static_root),
        "PUBLIC_PAGE_CACHE": "false",
        "WHITENOISE_USE_FINDERS": "false",
    }


def set_up_django(url, static_root, **overrides):
    """Django set up in this process with the settings of a benchmark server (`environment`), changed by
    `overrides`, so that what the process measures in-process is what the servers run."""
    os.environ.update(environment(url, static_root), **overrides)
    import django

    django.setup()


def prepare(args):
    """Both databases ready and surveyed: (found so far, page bodies by name, staff session cookie, pages)."""
    from bench.pages import pages, prepare_database, superuser, survey, use_database
    from bench.seed import create_database
    from commitments.models import Commitment

    create_database(args.small_url)
    create_database(args.url)
    use_database(environ.Env.db_url_config(args.small_url)["NAME"])
    prepare_database(SMALL, args.seed)
    print("  counting queries ...", flush=True)
    small, _ = survey(superuser())
    use_database(environ.Env.db_url_config(args.url)["NAME"])
    seed_seconds = prepare_database(args.commitments, args.seed)
    bodies, cookie = survey(superuser())
    listed = pages()
    found = {
        "commitments": args.commitments,
        "published": Commitment.objects.published().count(),
        "seed_seconds": seed_seconds,
        "pages": [
            {
                "name": page.name,
                "audience": page.audience,
                "url": page.url,
                "admin_url": page.admin_url,
                "queries_small": small[page.name][1],
                "queries": bodies[page.name][1],
                "admin_queries_small": small[f"admin:{page.name}"][1],
                "admin_queries": bodies[f"admin:{page.name}"][1],
                "bytes": len(bodies[page.name][2]),
            }
            for page in listed
        ],
    }
    return found, bodies, cookie, listed


class Loader:
    """Loads one URL at a time on a server: warmed, then loaded by the clients for --seconds."""

    def __init__(self, args, script):
        self.args, self.script, self.quiet = args, script, Quiet(args.wait_idle)
        self.wrk = shutil.which("wrk") if not args.python_client else None

    def __call__(self, server, kind, page, url, cookie=""):
        """The URL loaded; again, up to RESTART_RERUNS times, while a worker is replaced during the load: a new
        worker loads the whole app (about 1.5 s of CPU) beside the page being measured, on one of two cores."""
        result = until_no_restart(lambda: self.load_once(server, url, cookie, warm_rounds=5 if kind == "cached" else 2))
        print(f"  {kind:<8} {url[:72]:<72} {result}", flush=True)
        return {"kind": kind, "page": page, "url": url, "load": result}

    def load_once(self, server, url, cookie, warm_rounds):
        args = self.args
        self.quiet.wait()
        server.settle()
        warm(server.port, url, cookie, args.clients, rounds=warm_rounds)
        before, workers_seen = cpu_snapshot(), len(server.peaks)
        server.reset_window()
        result = load_wrk(server.port, url, cookie, args.seconds, args.clients, self.script) if self.wrk else None
        if result is None or result.requests < 2 * args.clients:  # too slow for wrk's fixed duration
            result = load_python(server.port, url, cookie, args.seconds, args.clients, at_least=2)
        result.foreign, result.restarts = foreign_share(before, cpu_snapshot()), len(server.peaks) - workers_seen
        result.rss_mb = round(server.window_kib / 1024, 1)
        return result


def until_no_restart(load_once):
    """The load, run again up to RESTART_RERUNS times while a worker was replaced during it; the last one, with
    how many were thrown away."""
    result = load_once()
    for reruns in range(1, RESTART_RERUNS + 1):
        if not result.restarts:
            break
        result = load_once()
        result.reruns = reruns
    return result


def uncached(load, server, listed, cookie):
    """Every page beside its admin counterpart (each admin URL loaded once), then the exports. The pages of a list
    compared with its first (goal 3) are loaded with it, in DEEP_PAGE_ROUNDS rounds that alternate them."""
    loads, admin = [], {}
    for group in compared_together(listed):
        targets = [("uncached", page.name, page.url, cookie if page.audience == "staff" else "") for page in group]
        loads += alternated(load, server, targets, DEEP_PAGE_ROUNDS if len(group) > 1 else 1)
        for page in group:
            if page.admin_url not in admin:
                admin[page.admin_url] = alternated(load, server, [("admin", page.name, page.admin_url, cookie)], 1)[0]
            loads.append({**admin[page.admin_url], "page": page.name})
    exports = []
    for export_format in EXPORTS:
        exports.append(measure_export(server, export_format, load.quiet))
        print(f"  export   {exports[-1]}", flush=True)
    return loads, exports


def compared_together(listed):
    """The pages in groups: each list's first page with its deep pages (`report.DEEP_PAGES`), every other page
    alone."""
    deep_pages = {}
    for first, deep in DEEP_PAGES:
        deep_pages.setdefault(first, []).append(deep)
    by_name = {page.name: page for page in listed}
    grouped = {deep for deeps in deep_pages.values() for deep in deeps}
    return [
        [page, *(by_name[deep] for deep in deep_pages.get(page.name, []))]
        for page in listed
        if page.name not in grouped
    ]


def cached(load, server, listed, static_urls):
    """Every public page beside its static copy, in CACHED_ROUNDS rounds that alternate the two."""
    loads = []
    for page in listed:
        if page.audience == "public":
            targets = [("cached", page.name, page.url, ""), ("static", page.name, static_urls[page.name], "")]
            loads += alternated(load, server, targets, CACHED_ROUNDS)
    return loads


def alternated(load, server, targets, rounds):
    """Each target (kind, page, URL, cookie) loaded in `rounds` rounds, one after the other in each: compared
    with each other, they are measured in the same stretch of time. Each is given by all its rounds pooled."""
    found = [[] for _ in targets]
    for _ in range(rounds):
        for loads, target in zip(found, targets, strict=True):
            loads.append(load(server, *target))
    return [pooled(loads) for loads in found]


def pooled(rounds):
    """The rounds of one URL as one load, its p50 and p95 over the requests of every round, with the p95 of each
    round in the order they ran. A p95 of a few milliseconds moves from one 3-second round to the next by as much
    as a cached page and its static copy differ (the same static file: 2.6 to 6.0 ms in five rounds), so that
    the round of median p95 of one URL and of another could be 1.9 times apart when the two were alike."""
    first = rounds[0]
    return {
        "kind": first["kind"],
        "page": first["page"],
        "url": first["url"],
        **Load.pooled([found["load"] for found in rounds]).to_dict(),
        "p95_rounds": [found["load"].p95 for found in rounds],
    }


def main():
    args = parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so that `finally` stops the servers
    args.logs.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="tracker-bench-") as tmp:
        tmp = Path(tmp)
        set_up_django(args.url, tmp / "static")
        from django.core.management import call_command

        from bench.pages import superuser, write_static_copies
        from bench.writes import measure_writes

        call_command("collectstatic", interactive=False, verbosity=0)  # pages name their static files' hashes
        found, bodies, cookie, listed = prepare(args)
        public = [page for page in listed if page.audience == "public"]
        static_urls = write_static_copies(tmp / "static", {p.name: bodies[p.name][2:] for p in public})
        (tmp / "result.lua").write_text(WRK_SCRIPT)
        load, servers = Loader(args, tmp / "result.lua"), []
        try:
            for name in ("uncached", "cached"):
                env = {**os.environ, "PUBLIC_PAGE_CACHE": str(name == "cached").lower()}
                server = Server(name, env, args.workers, args.logs / f"{name}.log", args.max_requests)
                servers.append(server)
                print(f"  gunicorn, public page cache {'on' if name == 'cached' else 'off'} ...", flush=True)
                server.start(static_urls[public[0].name])
                if name == "uncached":
                    found["loads"], found["exports"] = uncached(load, server, listed, cookie)
                else:
                    found["loads"] += cached(load, server, listed, static_urls)
                server.stop()
        finally:
            for server in servers:
                server.stop()
        found["servers"] = [
            {"name": s.name, "peak_worker_mb": round(s.peak_worker_kib / 1024, 1), "restarts": s.restarts}
            for s in servers
        ]
        print("  writes at scale ...", flush=True)
        found["writes"] = measure_writes(superuser())
    args.output.write_text(json.dumps(found, indent=1))


if __name__ == "__main__":
    main()
