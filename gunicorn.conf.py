"""gunicorn settings for `make serve`; each can be overridden from the environment."""

import gc
import importlib
import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", 1))
timeout = 30
graceful_timeout = 30
# Recycle workers rarely, and not all at once: a restart empties that worker's page cache.
max_requests = 20000
max_requests_jitter = 2000
# Each worker loads the app itself, not forked from a master that loaded it (`preload_app`): a forked worker served
# its first requests slowly, writing to the pages it shared with the master. With workers recycled every 2,000
# requests, a cached page's 99th percentile was 332 ms forked against 18 ms loaded (wrk, 4 clients, PostgreSQL
# 20k), though loading takes a new worker 1.5 s of CPU.
accesslog = os.environ.get("GUNICORN_ACCESSLOG", "-") or None
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


# Python's garbage collector, tuned for a worker whose heap is mostly the app it loaded. A full collection
# walks every object, the app's modules, classes and templates included: about 100 ms each at 100,000
# commitments, one of them now and then landing on a request among the slowest 5%. Objects that live as long as
# the worker are frozen out of the collector's reach. The young generation keeps Python's size (700), so each
# collection of it is short; the middle one is collected every 20 of those instead of 10, the oldest rarely. A
# young generation of 50,000 ran the collector far less often, but each run took 60-90 ms and landed on about one
# request in 25: under 4 clients (wrk, SQLite 100k) the 99th percentile of the API list and of the table was
# 168-213 ms with it and 77-109 ms with these settings, the medians alike. `bench/collector.py` measures a
# worker's collector in-process.
GC_THRESHOLD = (700, 20, 100)


def post_worker_init(worker):
    # The URLconf, and with it every view, is imported now rather than by the worker's first request (about
    # 0.3 s), and frozen with the rest of the app.
    from django.conf import settings

    importlib.import_module(settings.ROOT_URLCONF)
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLD)
