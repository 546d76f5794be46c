"""Sign-in limits, security headers, CSRF, and oversized input."""

import datetime

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from .factories import CommitmentFactory, UserFactory

pytestmark = pytest.mark.django_db


def sign_in(client, username, password, address="10.0.0.1"):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address)


def test_failed_sign_ins_lock_the_account_from_that_address_only(client, settings):
    UserFactory(username="target", groups=["Editors"])
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "target", "wrong-password", address="10.0.0.1")
    # Even the right password is refused from that address while the account is locked there...
    response = sign_in(client, "target", "a-long-test-password", address="10.0.0.1")
    assert response.status_code == 429
    assert "Too many failed sign-ins" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # ...but someone else's guesses cannot lock the editor out of their own address.
    assert sign_in(client, "target", "a-long-test-password", address="10.0.0.2").status_code == 302


def test_an_address_is_locked_after_its_own_higher_limit(client, settings):
    settings.AXES_ADDRESS_FAILURE_LIMIT = 12
    UserFactory(username="other", groups=["Editors"])
    for n in range(settings.AXES_ADDRESS_FAILURE_LIMIT - 1):
        sign_in(client, f"guess{n}", "wrong", address="10.9.9.9")
    # Many accounts' failures below the address limit lock no one else out of that address...
    assert sign_in(client, "other", "a-long-test-password", address="10.9.9.9").status_code == 302
    client.logout()
    sign_in(client, "one-more-guess", "wrong", address="10.9.9.9")
    # ...at the limit the address is locked for every account, and other addresses are not.
    assert sign_in(client, "other", "a-long-test-password", address="10.9.9.9").status_code == 429
    assert sign_in(client, "other", "a-long-test-password", address="10.1.1.1").status_code == 302


def test_behind_the_proxy_the_forwarded_address_is_locked(client, settings):
    UserFactory(username="target", groups=["Editors"])
    proxy = "127.0.0.1"
    for _ in range(settings.AXES_FAILURE_LIMIT):
        # The proxy appends the client's address; what the client put before it is ignored.
        forwarded = {"HTTP_X_FORWARDED_FOR": f"198.51.100.{_}, 203.0.113.7"}
        client.post(reverse("login"), {"username": "target", "password": "wrong"}, REMOTE_ADDR=proxy, **forwarded)
    assert AccessAttempt.objects.get().ip_address == "203.0.113.7"
    attacker = {"HTTP_X_FORWARDED_FOR": "203.0.113.7"}
    right = {"username": "target", "password": "a-long-test-password"}
    assert client.post(reverse("login"), right, REMOTE_ADDR=proxy, **attacker).status_code == 429
    # Everyone else behind the same proxy still signs in.
    assert client.post(reverse("login"), right, REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="192.0.2.5").status_code == 302


def test_without_a_proxy_the_forwarded_header_is_ignored(client, settings):
    settings.SECURE_PROXY_SSL_HEADER = None
    UserFactory(username="target", groups=["Editors"])
    for n in range(settings.AXES_FAILURE_LIMIT):
        # A client talking to the app directly cannot dodge the limit by forging the header.
        forged = {"HTTP_X_FORWARDED_FOR": f"198.51.100.{n}"}
        client.post(reverse("login"), {"username": "target", "password": "wrong"}, REMOTE_ADDR="10.0.0.1", **forged)
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"10.0.0.1"}
    assert sign_in(client, "target", "a-long-test-password", address="10.0.0.1").status_code == 429


def test_attempts_during_a_lock_out_do_not_extend_it(client, settings):
    UserFactory(username="target", groups=["Editors"])
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "target", "wrong")
    locked_at = timezone.now() - datetime.timedelta(minutes=50)
    AccessAttempt.objects.update(attempt_time=locked_at)

    assert sign_in(client, "target", "wrong-again").status_code == 429
    attempt = AccessAttempt.objects.get()
    assert (attempt.attempt_time, attempt.failures_since_start) == (locked_at, settings.AXES_FAILURE_LIMIT)

    # An hour after the last failure before the lock-out, the account signs in again.
    AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(minutes=61))
    assert sign_in(client, "target", "a-long-test-password").status_code == 302


def test_administrator_lifts_a_lock_out(client, settings, administrator):
    UserFactory(username="locked", groups=["Editors"])
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "locked", "wrong")
    admin = Client()
    admin.force_login(administrator)
    changelist = reverse("admin:axes_accessattempt_changelist")
    assert admin.get(changelist).status_code == 200
    admin.post(
        changelist,
        {
            "action": "delete_selected",
            "_selected_action": list(AccessAttempt.objects.values_list("pk", flat=True)),
            "post": "yes",
        },
    )
    assert not AccessAttempt.objects.exists()
    assert sign_in(client, "locked", "a-long-test-password").status_code == 302


def test_successful_sign_in_works(client):
    UserFactory(username="fine", groups=["Viewers"])
    response = sign_in(client, "fine", "a-long-test-password")
    assert response.status_code == 302
    assert response["Location"] == "/staff/"


def test_sign_out_is_post_only(client, viewer):
    client.force_login(viewer)
    assert client.get(reverse("logout")).status_code == 405
    assert client.post(reverse("logout")).status_code == 302
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("url", ["/", "/commitments/", "/accounts/login/", "/admin/login/"])
def test_security_headers_on_real_responses(client, url):
    response = client.get(url)
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy
    assert "unsafe-inline" not in policy and "frame-ancestors 'none'" in policy
    assert "http" not in policy  # no other host
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_production_sends_hsts_and_secure_cookies(client, settings):
    settings.SECURE_HSTS_SECONDS = 31_536_000
    settings.SESSION_COOKIE_SECURE = True
    response = client.get("/", secure=True)
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")
    UserFactory(username="cookie", groups=["Viewers"])
    signed_in = client.post(reverse("login"), {"username": "cookie", "password": "a-long-test-password"}, secure=True)
    cookie = signed_in.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["secure"] and cookie["httponly"]


@pytest.mark.parametrize(
    "url_name, data",
    [
        ("commitments:staff_record_progress", {"text": "x", "status": "completed"}),
        ("commitments:staff_publish", {"published": "0"}),
        ("commitments:staff_follow", {"follow": "1"}),
    ],
)
def test_forms_without_csrf_token_are_refused(editor, url_name, data):
    commitment = CommitmentFactory()
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    response = client.post(reverse(url_name, args=[commitment.slug]), data)
    assert response.status_code == 403
    commitment.refresh_from_db()
    assert commitment.published and commitment.status != "completed"


def test_admin_import_without_csrf_token_is_refused(administrator):
    client = Client(enforce_csrf_checks=True)
    client.force_login(administrator)
    response = client.post(reverse("admin:commitments_commitment_import"), {"format": 0})
    assert response.status_code == 403


def test_oversized_form_post_is_refused_with_a_clear_message(client, editor, settings):
    commitment = CommitmentFactory()
    client.force_login(editor)
    huge = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    response = client.post(
        reverse("commitments:staff_record_progress", args=[commitment.slug]),
        {"text": huge, "status": commitment.status, "version": commitment.version},
    )
    assert response.status_code == 400
    assert "What you sent is too large" in response.content.decode()
    assert commitment.updates.count() == 1  # only the one that recorded its status


def test_overlong_text_is_refused_by_the_form(client, editor):
    commitment = CommitmentFactory()
    client.force_login(editor)
    response = client.post(
        reverse("commitments:staff_record_progress", args=[commitment.slug]),
        {
            "date": "2025-01-01", "text": "y" * 10_001, "source_url": "https://example.org",
            "source_kind": "media_report", "status": commitment.status, "version": commitment.version,
        },
    )  # fmt: skip
    assert response.status_code == 400
    assert "Ensure this value has at most 10000 characters" in response.content.decode()
    assert commitment.updates.count() == 1  # only the one that recorded its status


def test_unknown_slugs_are_404(client):
    for url in ["/commitments/nope/", "/pillars/nope/", "/sources/nope/", "/api/commitments/nope/", "/staff/nope/"]:
        assert client.get(url).status_code == 404, url


def test_the_favicon_is_served_from_the_sites_root(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    assert b"".join(response.streaming_content if response.streaming else [response.content])[:4] == b"\0\0\1\0"
