"""gunicorn settings for `make serve`; each can be overridden from the environment."""

import gc
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
accesslog = os.environ.get("GUNICORN_ACCESSLOG", "-") or None
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


# Python's garbage collector, tuned for a worker whose heap is mostly the app it loaded. A full collection
# walks every object, the app's modules, classes and templates included: about 100 ms each at 100,000
# commitments, one of them now and then landing on a request among the slowest 5%. Objects that live as long as
# the worker are frozen out of the collector's reach, and the young generation, which holds a request's
# garbage, is collected every 50,000 allocations instead of 700. `bench/collector.py` measures both settings:
# over 161 page loads at 100,000 commitments on PostgreSQL, the collector's time went from 510 to 218 ms and the
# slowest load from 164 to 94 ms.
GC_THRESHOLD = (50_000, 20, 100)


def post_worker_init(worker):
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLD)
