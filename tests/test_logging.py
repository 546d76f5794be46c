"""Errors reach stderr as one JSON line, and the administrators' inboxes when ADMINS is set."""

import json
import logging
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.test import Client
from django.urls import path

from tracker.logging import JsonFormatter

from .factories import UserFactory

ROOT = Path(__file__).resolve().parent.parent


def broken_view(request):
    raise RuntimeError("the view broke")


urlpatterns = [path("broken/", broken_view)]


@pytest.fixture
def stderr_lines():
    """What the configured stderr handler of the `django` logger writes, one string per line."""
    (handler,) = [h for h in logging.getLogger("django").handlers if isinstance(h.formatter, JsonFormatter)]
    stream = StringIO()
    previous = handler.setStream(stream)
    yield lambda: stream.getvalue().splitlines()
    handler.setStream(previous)


@pytest.mark.django_db
def test_an_unhandled_error_is_logged_as_one_json_line_without_secrets(settings, stderr_lines):
    settings.ROOT_URLCONF = __name__
    user = UserFactory(username="someone")
    client = Client(raise_request_exception=False)
    client.force_login(user)
    session_key = client.cookies[settings.SESSION_COOKIE_NAME].value

    response = client.post("/broken/?token=query-secret", {"password": "hunter2-password"})
    assert response.status_code == 500

    (line,) = [line for line in stderr_lines() if "the view broke" in line]
    event = json.loads(line)
    assert event["level"] == "ERROR" and event["logger"] == "django.request"
    request = (event["method"], event["path"], event["user_id"], event["status_code"])
    assert request == ("POST", "/broken/", user.pk, 500)
    assert "RuntimeError: the view broke" in event["exception"]
    for secret in ("hunter2-password", session_key, "query-secret", "sessionid"):
        assert secret not in line


def test_a_warning_without_a_request_is_one_json_line(stderr_lines):
    logging.getLogger("django.security.csrf").warning("Forbidden (%s): %s", "CSRF cookie not set.", "/x/")
    (line,) = stderr_lines()
    event = json.loads(line)
    assert event["level"] == "WARNING" and event["message"] == "Forbidden (CSRF cookie not set.): /x/"
    assert "path" not in event


EMAIL_ADMINS = """
import django
django.setup()
from django.test import Client, override_settings
with override_settings(ROOT_URLCONF="tests.test_logging"):
    print(Client(raise_request_exception=False).get("/broken/", SERVER_NAME="localhost").status_code)
"""


@pytest.mark.parametrize("admins", ["ops@example.org", ""])
def test_errors_are_emailed_to_admins_only_when_set(admins):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tracker.settings", "DEBUG": "false", "ADMINS": admins}
    env.pop("DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "-c", EMAIL_ADMINS], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert "500" in result.stdout, result.stderr
    assert '"exception": "Traceback' in result.stderr and "RuntimeError: the view broke" in result.stderr
    emailed = "To: ops@example.org" in result.stdout and "the view broke" in result.stdout
    assert emailed == bool(admins)
