"""`manage.py archive_sources`, against an HTTP server the tests start on this machine (never the internet)."""

import hashlib
import io
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from commitments import services
from commitments.models import EvidenceSource
from commitments.vocabulary import LinkState

PAGE = b"<html><body><p>The airport opened to passengers.</p></body></html>"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


class Handler(BaseHTTPRequestHandler):
    """/page.html answers, /report.pdf is a PDF, /slow never finishes in time, /big is too large,
    /image.png is of a type not kept, /gone answers 404; /toggle answers until `alive` is cleared."""

    alive = threading.Event()

    def do_GET(self):  # noqa: N802 (the name http.server calls)
        routes = {
            "/page.html": (200, "text/html; charset=utf-8", PAGE),
            "/report.pdf": (200, "application/pdf", PDF),
            "/big": (200, "text/plain", b"x" * 5000),
            "/image.png": (200, "image/png", b"\x89PNG\r\n"),
            "/gone": (404, "text/html", b"not here"),
        }
        if self.path == "/slow":
            time.sleep(2)
            routes[self.path] = (200, "text/html", PAGE)
        if self.path == "/toggle":
            routes[self.path] = (200, "text/html", PAGE) if self.alive.is_set() else (410, "text/html", b"gone")
        status, content_type, body = routes.get(self.path, (404, "text/plain", b""))
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(autouse=True)
def archive_settings(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.ARCHIVE_TIMEOUT_SECONDS = 0.5
    settings.ARCHIVE_MAX_BYTES = 1000


def evidence_at(url):
    return services.save_shared(EvidenceSource(url=url, title="A page"), user=None)


def archive(*urls):
    out = io.StringIO()
    call_command("archive_sources", *[f"--url={url}" for url in urls], stdout=out)
    return out.getvalue()


@pytest.mark.parametrize(("path", "content_type", "body"), [("/page.html", "text/html", PAGE),
                                                             ("/report.pdf", "application/pdf", PDF)])  # fmt: skip
def test_a_page_is_archived_with_its_hash_and_time(db, server, path, content_type, body):
    evidence = evidence_at(server + path)
    assert "archived:" in archive(evidence.url)
    evidence.refresh_from_db()
    assert evidence.archive.read() == body
    assert evidence.archive_sha256 == hashlib.sha256(body).hexdigest()
    assert evidence.archive_content_type == content_type
    assert evidence.archived_at is not None and evidence.retrieved_on is not None
    assert evidence.link_state == LinkState.ANSWERS


@pytest.mark.parametrize(
    ("path", "state", "note"),
    [
        ("/slow", LinkState.DEAD, "no answer within 0.5 s"),
        ("/gone", LinkState.DEAD, "HTTP 404"),
        ("/big", LinkState.ANSWERS, "larger than"),
        ("/image.png", LinkState.ANSWERS, "its type is image/png"),
    ],
)
def test_what_is_not_kept_says_why(db, server, path, state, note):
    evidence = evidence_at(server + path)
    output = archive(evidence.url)
    evidence.refresh_from_db()
    assert not evidence.archive
    assert (evidence.link_state, note in evidence.archive_note) == (state, True), evidence.archive_note
    assert note in output


def test_a_closed_port_is_a_dead_link(db):
    evidence = evidence_at("http://127.0.0.1:9/nothing")
    archive(evidence.url)
    evidence.refresh_from_db()
    assert evidence.link_state == LinkState.DEAD and "could not connect" in evidence.archive_note


def test_a_link_that_dies_is_flagged_and_its_copy_still_served_to_staff(db, server, client, viewer):
    Handler.alive.set()
    evidence = evidence_at(server + "/toggle")
    archive(evidence.url)
    Handler.alive.clear()
    assert "DEAD" in archive(evidence.url)
    evidence.refresh_from_db()
    assert evidence.link_state == LinkState.DEAD and evidence.archive

    url = reverse("commitments:staff_archived_copy", args=[evidence.pk])
    assert client.get(url).status_code == 302  # anonymous: sign in first
    client.force_login(viewer)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PAGE
    assert response["Content-Security-Policy"] == "sandbox"
    assert response["Content-Disposition"].startswith("attachment")  # HTML is downloaded, never rendered here


def test_an_uploaded_copy_is_checked_like_a_fetched_one(db):
    evidence = evidence_at("https://example.org/report")
    upload = SimpleUploadedFile("report.pdf", PDF, content_type="application/pdf")
    evidence.archive = upload
    services.save_shared(evidence, user=None)
    evidence.refresh_from_db()
    assert evidence.archive_sha256 == hashlib.sha256(PDF).hexdigest()
    evidence.archive = SimpleUploadedFile("photo.png", b"\x89PNG", content_type="image/png")
    with pytest.raises(ValidationError, match="HTML, plain text or PDF"):
        services.save_shared(evidence, user=None)
