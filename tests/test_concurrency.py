"""No edit is lost: stale forms are refused with what changed, and concurrent writers all land."""

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection
from django.urls import reverse

from commitments import services
from commitments.models import ProgressUpdate
from commitments.vocabulary import Status

from .factories import CommitmentFactory, MilestoneFactory, UserFactory
from .helpers import change_form

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
WRITER = ROOT / "tests" / "concurrent_writer.py"
WRITERS, WRITES_EACH = 4, 15


def test_second_admin_save_is_refused_with_the_changes_and_input_kept(client, editor):
    other = UserFactory(username="other-editor", groups=["Editors"])
    commitment = CommitmentFactory(status=Status.PLANNED)
    opened_at = commitment.version
    url = reverse("admin:commitments_commitment_change", args=[commitment.pk])

    client.force_login(other)
    first = client.post(url, change_form(commitment, opened_at, party="china", title_en="First title"))
    assert first.status_code == 302

    client.force_login(editor)
    second = client.post(url, change_form(commitment, opened_at, party="pakistan", title_en="Second title"))
    page = second.content.decode()
    assert second.status_code == 200
    assert "Someone else saved this commitment while you were editing it (other-editor" in page
    assert "title: Commitment" in page and "→ First title" in page
    assert 'value="Second title"' in page  # what the second editor typed is still there
    commitment.refresh_from_db()
    assert (commitment.title, commitment.party) == ("First title", "china")


def test_admin_save_after_reading_the_changes_goes_through(client, editor):
    commitment = CommitmentFactory()
    url = reverse("admin:commitments_commitment_change", args=[commitment.pk])
    client.force_login(editor)
    stale_version = commitment.version
    services.set_published([commitment], False, user=None)
    refused = client.post(url, change_form(commitment, stale_version, title_en="Mine"))
    assert refused.status_code == 200
    fresh_version = refused.context["adminform"].form.data["expected_version"]
    assert client.post(url, change_form(commitment, fresh_version, title_en="Mine")).status_code == 302
    commitment.refresh_from_db()
    assert commitment.title == "Mine"


def test_second_staff_progress_save_is_refused_and_input_kept(client, editor):
    commitment = CommitmentFactory(status=Status.PLANNED, progress=None)
    opened_at = commitment.version
    url = reverse("commitments:staff_record_progress", args=[commitment.slug])
    data = {
        "date": "2025-06-01",
        "source_url": "https://example.org/a",
        "source_kind": "media_report",
        "public": "on",
        "version": opened_at,
    }
    client.force_login(editor)
    assert client.post(url, {**data, "text": "First", "status": "in_progress", "progress": "10"}).status_code == 302
    second = client.post(url, {**data, "text": "My careful note", "status": "stalled", "progress": "5"})
    page = second.content.decode()
    assert second.status_code == 400
    assert "Someone else saved this commitment" in page
    assert "status: Planned → In progress" in page
    assert "My careful note" in page
    assert ProgressUpdate.objects.filter(commitment=commitment).count() == 2  # the first recorded it as planned
    commitment.refresh_from_db()
    assert commitment.status == Status.IN_PROGRESS


def test_every_write_of_a_commitment_or_its_parts_bumps_the_version():
    commitment = CommitmentFactory()
    versions = [commitment.version]
    services.set_published([commitment], False, user=None)
    commitment.refresh_from_db()
    versions.append(commitment.version)
    milestone = MilestoneFactory(commitment=commitment)
    commitment.refresh_from_db()
    versions.append(commitment.version)
    services.delete_part(milestone, user=None)
    commitment.refresh_from_db()
    versions.append(commitment.version)
    assert versions == sorted(set(versions)), versions  # each write moved it on


def test_sqlite_runs_in_wal_with_full_sync_and_immediate_transactions(tmp_path):
    """A connection opened with the project's SQLite options, whichever database this run uses."""
    from django.db.backends.sqlite3.base import DatabaseWrapper

    from tracker.settings import SQLITE_OPTIONS

    wrapper = DatabaseWrapper(
        {**connection.settings_dict, "NAME": str(tmp_path / "db.sqlite3"), "OPTIONS": SQLITE_OPTIONS}
    )
    try:
        with wrapper.cursor() as cursor:
            assert cursor.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
            assert cursor.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
            assert cursor.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000
        assert wrapper.transaction_mode == "IMMEDIATE"
    finally:
        wrapper.close()


@pytest.fixture
def scratch_database(tmp_path):
    """A database of its own for writer processes: a SQLite file, or a fresh PostgreSQL database."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'concurrency.sqlite3'}"
        return
    import psycopg

    params = connection.settings_dict
    admin_url = f"postgres://{params['USER']}@{params['HOST']}:{params['PORT']}/postgres"
    with psycopg.connect(admin_url, autocommit=True) as pg:
        pg.execute("DROP DATABASE IF EXISTS tracker_concurrency")
        pg.execute("CREATE DATABASE tracker_concurrency")
    yield f"postgres://{params['USER']}@{params['HOST']}:{params['PORT']}/tracker_concurrency"
    with psycopg.connect(admin_url, autocommit=True) as pg:
        pg.execute("DROP DATABASE IF EXISTS tracker_concurrency WITH (FORCE)")


def run(database_url, *args):
    env = {**os.environ, "DATABASE_URL": database_url}
    return subprocess.run([sys.executable, *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=300)


def count_rows(database_url, sql):
    if database_url.startswith("sqlite"):
        with sqlite3.connect(database_url.removeprefix("sqlite:///")) as db:
            return db.execute(sql).fetchone()[0]
    import psycopg

    with psycopg.connect(database_url) as pg:
        return pg.execute(sql).fetchone()[0]


@pytest.mark.slow
def test_concurrent_writer_processes_lose_nothing(scratch_database):
    migrate = run(scratch_database, "manage.py", "migrate", "--noinput")
    assert migrate.returncode == 0, migrate.stderr
    assert run(scratch_database, str(WRITER), "setup").returncode == 0

    env = {**os.environ, "DATABASE_URL": scratch_database}
    writers = [
        subprocess.Popen(
            [sys.executable, str(WRITER), "write", "--writer", str(n), "--count", str(WRITES_EACH), "--pause", "0.02"],
            env=env,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )  # fmt: skip
        for n in range(WRITERS)
    ]
    results = []
    for writer in writers:
        out, err = writer.communicate(timeout=300)
        assert writer.returncode == 0, err
        assert "database is locked" not in err
        results.append(json.loads(out.strip().splitlines()[-1]))

    acknowledged = [text for result in results for text in result["acknowledged"]]
    updates = [text for text in acknowledged if not text.startswith("publish")]
    publishes = len(acknowledged) - len(updates)
    assert updates and publishes
    # Every acknowledged update is there, once, and nothing else was written.
    assert count_rows(scratch_database, "SELECT COUNT(*) FROM commitments_progressupdate") == len(updates)
    texts = count_rows(scratch_database, "SELECT COUNT(DISTINCT text) FROM commitments_progressupdate")
    assert texts == len(updates)
    # Every acknowledged publish toggle is in the history, and no two saves ever wrote the same version.
    toggles = count_rows(
        scratch_database,
        "SELECT COUNT(*) FROM (SELECT published, LAG(published) OVER (ORDER BY history_id) AS before "
        "FROM commitments_historicalcommitment) AS h WHERE before IS NOT NULL AND published <> before",
    )
    assert toggles == publishes
    reused = count_rows(
        scratch_database,
        "SELECT COUNT(*) FROM (SELECT version FROM commitments_historicalcommitment "
        "GROUP BY version HAVING COUNT(*) > 1) AS v",
    )
    assert reused == 0
