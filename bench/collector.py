"""How much of a worker's page loads Python's garbage collector takes, with Python's settings or with the
worker's (`post_worker_init` in gunicorn.conf.py: what the app loaded frozen, the thresholds it sets).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_100000 .venv/bin/python bench/collector.py
    DATABASE_URL=... .venv/bin/python bench/collector.py --worker-settings

Loads every page of the benchmark (bench/pages.py: public pages and staff lists, page cache off, signed in as a
superuser) `--rounds` times in one process through Django's test client, and prints the median, 95th percentile
and slowest load (the first round only warms up), and the collections of each generation with their time and
the longest of them (a request that runs into it waits that long).
"""

import argparse
import gc
import os
import secrets
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(60))
os.environ.update(DEBUG="false", ALLOWED_HOSTS="127.0.0.1", PUBLIC_PAGE_CACHE="false", CACHE_URL="locmemcache://")
os.environ.setdefault("STATIC_ROOT", tempfile.mkdtemp())

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

from bench.pages import pages, superuser  # noqa: E402
from bench.servers import as_in_a_worker  # noqa: E402


class Collections:
    """The collector's runs by generation, timed through `gc.callbacks`."""

    def __init__(self):
        self.count, self.seconds, self.longest, self.started = [0, 0, 0], [0.0, 0.0, 0.0], [0.0, 0.0, 0.0], None
        gc.callbacks.append(self.observe)

    def observe(self, phase, info):
        if phase == "start":
            self.started = time.perf_counter()
        else:
            generation, seconds = info["generation"], time.perf_counter() - self.started
            self.count[generation] += 1
            self.seconds[generation] += seconds
            self.longest[generation] = max(self.longest[generation], seconds)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--worker-settings", action="store_true", help="as gunicorn.conf.py sets each worker")
    args = parser.parse_args()
    call_command("collectstatic", "--noinput", verbosity=0)
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(superuser())
    urls = [page.url for page in pages()]
    if args.worker_settings:
        as_in_a_worker()
    collections = Collections()
    loads = []
    for _ in range(args.rounds):
        for url in urls:
            started = time.perf_counter()
            response = client.get(url)
            if response.streaming:
                b"".join(response.streaming_content)
            loads.append(time.perf_counter() - started)
    loads = sorted(loads[len(urls) :])
    ms = [round(1000 * seconds, 1) for seconds in loads]
    print(f"{len(ms)} page loads: median {ms[len(ms) // 2]} ms, p95 {ms[int(len(ms) * 0.95)]} ms, slowest {ms[-1]} ms")
    for generation in range(3):
        count, spent = collections.count[generation], round(1000 * collections.seconds[generation])
        longest = 1000 * collections.longest[generation]
        print(f"generation {generation}: {count} collections, {spent} ms, longest {longest:.1f} ms")


if __name__ == "__main__":
    main()
