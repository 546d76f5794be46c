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


# Python's garbage collector in a worker. The app a worker loaded (modules, classes, templates) lives as long as the
# worker: it is frozen out of the collector's reach, so that a full collection walks only what requests left behind.
# What they leave is mostly garbage: the pages make reference cycles (a prefetched row and its parent, a bound table
# row and its table, a filter form's fields), 930-1,680 objects a request on the four pages counted, and the ones
# still in use when the middle generation is collected move to the oldest, where only a full collection frees them.
# The thresholds are Python's own: a full collection every 10 of the middle one's. With it every 100 instead, a full
# collection had about 120,000 such objects to free and took 120-400 ms, and the four workers, serving the same load,
# reached theirs within two seconds of each other: the requests that ran into one took 180-480 ms where the median was
# 56 ms (a staff list, 4 clients, PostgreSQL 100k). Every 10, the longest took 41 ms and no request took over 150 ms.
# A young generation of 50,000 was worse still (60-90 ms collections, one request in 25). `bench/collector.py`
# measures a worker's collector in-process, its longest collections included.
GC_THRESHOLD = (700, 10, 10)


def post_worker_init(worker):
    # The URLconf, and with it every view, is imported now rather than by the worker's first request (about
    # 0.3 s), and frozen with the rest of the app.
    from django.conf import settings

    importlib.import_module(settings.ROOT_URLCONF)
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLD)
