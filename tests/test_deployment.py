"""Production configuration, and several app servers sharing one PostgreSQL and one Redis."""

import gc
import http.cookiejar
import os
import re
import runpy
import secrets
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import psycopg
import pytest
import redis

ROOT = Path(__file__).resolve().parent.parent
PG = "postgres://postgres@127.0.0.1:5432"
REDIS = "redis://127.0.0.1:6379/15"
CATALOGUE = "commitments/catalogue/2025-02-21-china-pakistan-all-weather-partnership.yaml"


# Settings a test run may have in its own environment that a real server would not.
TEST_ONLY = {"DATABASE_URL", "HTTPS_ONLY", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}


def production_env(**extra):
    env = {key: value for key, value in os.environ.items() if key not in TEST_ONLY}
    env.update({"DEBUG": "false", "SECRET_KEY": secrets.token_urlsafe(60), "ALLOWED_HOSTS": "tracker.example.org"})
    env.update(extra)
    return env


def manage(*args, env):
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
    )


def test_deploy_check_passes_with_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_the_development_key():
    env = production_env()
    del env["SECRET_KEY"]
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "Set SECRET_KEY in the environment" in result.stderr


@pytest.mark.parametrize(
    "key",
    [
        "changeme",
        "a" * 60,
        "ab" * 40,
        "Zt32-7GtquL5Gr55fZ30A6U2p60",
        "django-insecure-q3vaF1HEqx5IHL_Yf-lx_3n2GZb_NYPWxWZztokcpMlN",
    ],
)
def test_production_refuses_a_weak_secret_key(key):
    result = manage("check", env=production_env(SECRET_KEY=key))
    assert result.returncode != 0
    assert "SECRET_KEY is too weak for production" in result.stderr


def test_production_refuses_debug_with_a_public_host():
    result = manage("check", env=production_env(DEBUG="true"))
    assert result.returncode != 0
    assert "DEBUG is on with a public host" in result.stderr


def test_postgresql_connections_run_without_jit():
    """JIT compiling cost more than it saved on this app's queries (see tracker/settings.py)."""
    env = production_env(DATABASE_URL=f"{PG}/test")
    code = "from django.db import connection; c = connection.cursor(); c.execute('SHOW jit'); print(c.fetchone()[0])"
    result = manage("shell", "--verbosity", "0", "--command", code, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "off"


def test_proxy_https_header_is_honoured(client, db, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/", headers={"x-forwarded-proto": "https"}).status_code == 200
    redirect = client.get("/")
    assert redirect.status_code == 301 and redirect["Location"].startswith("https://")


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Browser:
    """A tiny HTTP client with cookies, for talking to a real server."""

    def __init__(self, base):
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def get(self, path):
        with self.opener.open(self.base + path, timeout=30) as response:
            return response.read().decode()

    def post(self, path, data):
        token = re.search(
            r'name="csrfmiddlewaretoken" value="([^"]+)"', self.get(path if "login" in path else "/staff/")
        )
        body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": token.group(1)}).encode()
        request = urllib.request.Request(self.base + path, data=body, headers={"Referer": self.base + path})
        with self.opener.open(request, timeout=30) as response:
            return response.read().decode()


def wait_until_up(base, process):
    for _ in range(150):
        if process.poll() is not None:
            raise AssertionError(process.stderr.read())
        try:
            urllib.request.urlopen(base + "/accounts/login/", timeout=2).read()
            return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"{base} did not start")


@pytest.fixture
def shared_services(tmp_path):
    with psycopg.connect(f"{PG}/postgres", autocommit=True) as pg:
        pg.execute("DROP DATABASE IF EXISTS tracker_multi WITH (FORCE)")
        pg.execute("CREATE DATABASE tracker_multi")
    redis.Redis.from_url(REDIS).flushdb()
    env = {key: value for key, value in os.environ.items() if key not in TEST_ONLY}
    env.update(
        DATABASE_URL=f"{PG}/tracker_multi", CACHE_URL=REDIS, SECRET_KEY=secrets.token_urlsafe(60),
        ALLOWED_HOSTS="127.0.0.1", STATIC_ROOT=str(tmp_path / "static"), DEBUG="false",
        DJANGO_SUPERUSER_PASSWORD="multi-server-password", WEB_CONCURRENCY="2", GUNICORN_ACCESSLOG="/dev/null",
    )  # fmt: skip
    for args in (["migrate", "--noinput"], ["collectstatic", "--noinput"], ["import_catalogue", CATALOGUE]):
        result = manage(*args, env=env)
        assert result.returncode == 0, result.stderr
    assert manage("ensure_admin", env=env).returncode == 0
    yield env
    redis.Redis.from_url(REDIS).flushdb()
    with psycopg.connect(f"{PG}/postgres", autocommit=True) as pg:
        pg.execute("DROP DATABASE IF EXISTS tracker_multi WITH (FORCE)")


@pytest.mark.slow
def test_two_app_servers_share_postgres_and_redis(shared_services):
    """The second server replaces each worker after 2 requests: each new worker opens connections of its own to
    both, and serves what the other server wrote."""
    servers, bases = [], []
    try:
        for recycle_after in ([], ["--max-requests", "2", "--max-requests-jitter", "0"]):
            port = free_port()
            env = {**shared_services, "GUNICORN_BIND": f"127.0.0.1:{port}"}
            gunicorn = Path(sys.executable).parent / "gunicorn"
            servers.append(
                subprocess.Popen(
                    [str(gunicorn), "tracker.wsgi", "-c", "gunicorn.conf.py", *recycle_after],
                    cwd=ROOT,
                    env=env,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.PIPE,
                    text=True,
                )  # fmt: skip
            )
            bases.append(f"http://127.0.0.1:{port}")
        for base, server in zip(bases, servers, strict=True):
            wait_until_up(base, server)

        editor, reader = Browser(bases[0]), Browser(bases[1])
        detail = "/commitments/kkh-phase-ii-realignment/"
        for _ in range(4):  # warm the shared cache through the second server
            assert "Tunnel section opened" not in reader.get(detail)
        editor.post("/accounts/login/", {"username": "admin", "password": "multi-server-password"})
        staff_page = editor.get("/staff/commitments/kkh-phase-ii-realignment/")
        version = re.search(r'name="version" value="(\d+)"', staff_page).group(1)
        editor.post(
            "/staff/commitments/kkh-phase-ii-realignment/progress/",
            {
                "date": "2026-11-01", "text": "Tunnel section opened to traffic.", "source_url": "https://example.org/kkh",
                "source_kind": "media_report", "status": "in_progress", "progress": "60", "public": "on",
                "version": version,
            },
        )  # fmt: skip
        # At once, through the other server: the cached page was invalidated for every worker.
        for _ in range(4):
            page = reader.get(detail)
            assert "Tunnel section opened to traffic." in page
            assert "60%" in page
        assert "Tunnel section opened to traffic." in reader.get("/feed/")
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(timeout=30)
    assert "Autorestarting worker" in servers[1].stderr.read()


def test_a_worker_imports_every_view_before_its_first_request():
    """In a new process, as gunicorn starts a worker: the views are not imported by Django's setup, and are once the
    worker has initialised."""
    script = (
        "import runpy, sys, django; django.setup(); "
        "before = 'commitments.views.public' in sys.modules; "
        f"runpy.run_path({str(ROOT / 'gunicorn.conf.py')!r})['post_worker_init'](worker=None); "
        "print(before, 'commitments.views.public' in sys.modules)"
    )
    found = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True)
    assert found.stdout.split() == ["False", "True"]


def test_a_worker_freezes_what_it_loaded_out_of_the_collectors_reach():
    config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    threshold = gc.get_threshold()
    try:
        config["post_worker_init"](worker=None)
        assert gc.get_freeze_count() > 0
        assert gc.get_threshold() == config["GC_THRESHOLD"]
    finally:
        gc.unfreeze()
        gc.set_threshold(*threshold)
