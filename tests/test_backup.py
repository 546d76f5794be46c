import json
import sqlite3

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import connection

from commitments.backup import backed_up_models
from commitments.models import Commitment, Follow
from commitments.services import record_progress
from commitments.vocabulary import SourceKind, Status

from .factories import CommitmentFactory

pytestmark = pytest.mark.django_db(transaction=True)


def every_table():
    tables = {model._meta.label: list(model._default_manager.order_by("pk").values()) for model in backed_up_models()}
    tables["groups"] = sorted(get_user_model().groups.through.objects.values_list("user__username", "group__name"))
    return tables


def empty_everything():
    for model in reversed(backed_up_models()):
        model._default_manager.all().delete()


@pytest.fixture
def data(catalogue, editor, viewer):
    commitment = Commitment.objects.get(slug="kkh-phase-ii-realignment")
    record_progress(
        commitment=commitment, author=editor, date=commitment.source.date, text="Survey done.",
        source_kind=SourceKind.MEDIA_REPORT, source_url="https://example.org", status=Status.IN_PROGRESS, progress=12,
    )  # fmt: skip
    Follow.objects.create(user=viewer, commitment=commitment)
    CommitmentFactory(published=False, internal_notes="Internal")


def test_backup_then_restore_into_an_empty_database_gives_every_table_back(data, tmp_path):
    path = tmp_path / "backup.json"
    call_command("backup", str(path), stdout=open(tmp_path / "out", "w"))  # noqa: SIM115
    before = every_table()
    snapshot = json.loads(path.read_text(encoding="utf-8"))
    assert snapshot["format"] == "commitment-tracker-backup" and snapshot["version"] == 1
    empty_everything()
    assert Commitment.objects.count() == 0

    call_command("restore", str(path), stdout=open(tmp_path / "out", "w"))  # noqa: SIM115
    assert every_table() == before
    # New rows get new ids after a restore.
    assert CommitmentFactory().pk > max(row["id"] for row in before["commitments.Commitment"])


def test_restore_refuses_a_database_with_data(data, tmp_path):
    path = tmp_path / "backup.json"
    call_command("backup", str(path), stdout=open(tmp_path / "out", "w"))  # noqa: SIM115
    before = every_table()
    with pytest.raises(CommandError, match="needs an empty database"):
        call_command("restore", str(path))
    assert every_table() == before


@pytest.mark.parametrize(
    "content, message",
    [
        ("not json", "not a backup file"),
        ('{"format": "something-else"}', "not a backup file of this application"),
        ('{"format": "commitment-tracker-backup", "version": 99}', "format version 99 is not supported"),
        (
            '{"format": "commitment-tracker-backup", "version": 1, "migrations": {"commitments": "9999_future"}}',
            "needs newer migrations",
        ),
    ],
)
def test_restore_refuses_bad_files(tmp_path, content, message):
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CommandError, match=message):
        call_command("restore", str(path))
    assert Commitment.objects.count() == 0


def test_sqlite_copy_uses_the_online_backup_api(data, tmp_path):
    target = tmp_path / "copy.sqlite3"
    if connection.vendor != "sqlite":
        with pytest.raises(CommandError, match="SQLite database only"):
            call_command("backup", str(target), "--sqlite-copy")
        return
    call_command("backup", str(target), "--sqlite-copy", stdout=open(tmp_path / "out", "w"))  # noqa: SIM115
    with sqlite3.connect(target) as copy:
        assert copy.execute("SELECT COUNT(*) FROM commitments_commitment").fetchone()[0] == Commitment.objects.count()
