import json
import sqlite3

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command
from django.db import connection

from commitments.backup import backed_up_models
from commitments.models import Commitment, Follow
from commitments.roles import VIEWERS, sync_roles
from commitments.services import record_progress
from commitments.vocabulary import SourceKind, Status

from .factories import CommitmentFactory

pytestmark = pytest.mark.django_db(transaction=True)


# Tables a backup leaves out on purpose (commitments/backup.py says why); every other table is compared.
NOT_BACKED_UP = {"django_migrations", "django_content_type", "auth_permission", "django_session"}
# The search index (commitments/search.py) is made from the commitments again as they are restored.
NOT_BACKED_UP_PREFIXES = ("axes_", "commitments_publicversion", "sqlite_", "commitments_search")


def natural(instance):
    return instance.natural_key() if hasattr(instance, "natural_key") else instance.pk


def every_table():
    """Every row of every backed-up table, with rows that a restore may give other ids (groups, and the
    links to them) written by natural key instead."""
    group_model, user_model = Group, get_user_model()
    tables = {
        model._meta.db_table: list(model._default_manager.order_by("pk").values())
        for model in backed_up_models()
        if model is not group_model
    }
    tables[group_model._meta.db_table] = sorted(
        (group.name, sorted(natural(p) for p in group.permissions.all())) for group in group_model.objects.all()
    )
    tables[user_model.groups.through._meta.db_table] = sorted(
        user_model.groups.through.objects.values_list("user__username", "group__name")
    )
    tables[group_model.permissions.through._meta.db_table] = sorted(
        (row.group.name, natural(row.permission)) for row in group_model.permissions.through.objects.all()
    )
    tables[user_model.user_permissions.through._meta.db_table] = sorted(
        (row.user.username, natural(row.permission)) for row in user_model.user_permissions.through.objects.all()
    )
    return tables


def test_every_table_is_compared_or_left_out_on_purpose(db):
    compared = set(every_table())
    left_out = {
        t for t in connection.introspection.table_names() if t in NOT_BACKED_UP or t.startswith(NOT_BACKED_UP_PREFIXES)
    }
    assert set(connection.introspection.table_names()) - left_out == compared


def fresh_database():
    """As after `migrate` on an empty database: no rows but the role groups, content types and permissions."""
    for model in reversed(backed_up_models()):
        model._default_manager.all().delete()
    sync_roles()


@pytest.fixture
def data(catalogue, editor, viewer):
    commitment = Commitment.objects.get(slug="kkh-phase-ii-realignment")
    record_progress(
        commitment=commitment, author=editor, date=commitment.source.date, text="Survey done.",
        source_kind=SourceKind.MEDIA_REPORT, source_url="https://example.org", status=Status.IN_PROGRESS, progress=12,
        expected_version=commitment.version,
    )  # fmt: skip
    Follow.objects.create(user=viewer, commitment=commitment)
    CommitmentFactory(published=False, internal_notes="Internal")
    # A group of the site's own, a member, a permission given to one person, an entry of the admin log.
    auditors = Group.objects.create(name="Auditors")
    auditors.permissions.set(Permission.objects.filter(codename__in=["view_commitment", "view_user"]))
    viewer.groups.add(auditors)
    editor.user_permissions.add(Permission.objects.get(codename="view_logentry"))
    LogEntry.objects.create(
        user=editor,
        content_type=ContentType.objects.get_for_model(Commitment),
        object_id=str(commitment.pk),
        object_repr=str(commitment),
        action_flag=CHANGE,
        change_message='[{"changed": {"fields": ["Title"]}}]',
    )
    # The role groups' permissions as they were at the backup, to see them come back.
    Group.objects.get(name=VIEWERS).permissions.add(Permission.objects.get(codename="view_group"))


def test_backup_then_restore_into_an_empty_database_gives_every_table_back(data, tmp_path):
    path = tmp_path / "backup.json"
    call_command("backup", str(path), stdout=open(tmp_path / "out", "w"))  # noqa: SIM115
    before = every_table()
    snapshot = json.loads(path.read_text(encoding="utf-8"))
    assert snapshot["format"] == "commitment-tracker-backup" and snapshot["version"] == 1
    fresh_database()
    assert Commitment.objects.count() == 0 and not Group.objects.filter(name="Auditors").exists()

    call_command("restore", str(path), stdout=open(tmp_path / "out", "w"))  # noqa: SIM115
    after = every_table()
    assert after == before
    assert ("viewer", "Auditors") in after["auth_user_groups"]
    assert after["django_admin_log"] and after["commitments_historicalcommitment"]
    # New rows get new ids after a restore.
    assert CommitmentFactory().pk > max(row["id"] for row in before["commitments_commitment"])


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
            '{"format": "commitment-tracker-backup", "version": 1, '
            '"migrations": {"commitments": "9999_future"}, "objects": []}',
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


def backup_of_one_commitment(tmp_path):
    CommitmentFactory(slug="road", status=Status.PLANNED)
    path = tmp_path / "backup.json"
    call_command("backup", str(path), stdout=open(tmp_path / "out", "w"))  # noqa: SIM115
    snapshot = json.loads(path.read_text(encoding="utf-8"))
    for model in reversed(backed_up_models()):
        if model is not Group:
            model._default_manager.all().delete()
    return path, snapshot


def rows_of(snapshot, model):
    return [row for row in snapshot["objects"] if row["model"] == model]


@pytest.mark.parametrize(
    "corrupt, message",
    [
        (
            lambda s: rows_of(s, "commitments.commitment")[0]["fields"].update(quote="Not in the source."),
            "word for word",
        ),
        (lambda s: rows_of(s, "commitments.commitment")[0].update(fields=3), "cannot be read"),
        (lambda s: s["objects"].append({"model": "commitments.nothing", "fields": {}}), "cannot be read"),
        (lambda s: rows_of(s, "commitments.progressupdate")[0]["fields"].update(progress=400), "update_progress_0_100"),
        (lambda s: s.update(objects={"a": 1}), "must be a list of rows"),
    ],
)
def test_restore_checks_every_row_with_the_rules_of_every_write_path(tmp_path, corrupt, message):
    path, snapshot = backup_of_one_commitment(tmp_path)
    corrupt(snapshot)
    path.write_text(json.dumps(snapshot), encoding="utf-8")
    with pytest.raises(CommandError, match=message) as error:
        call_command("restore", str(path))
    assert "Traceback" not in str(error.value)
    assert Commitment.objects.count() == 0


def test_restore_takes_status_and_progress_from_the_timeline(tmp_path):
    path, snapshot = backup_of_one_commitment(tmp_path)
    rows_of(snapshot, "commitments.commitment")[0]["fields"].update(status="stalled", progress=100)
    path.write_text(json.dumps(snapshot), encoding="utf-8")
    call_command("restore", str(path), stdout=open(tmp_path / "out", "w"))  # noqa: SIM115
    assert Commitment.objects.get(slug="road").status == Status.PLANNED


def test_sqlite_copy_uses_the_online_backup_api(data, tmp_path):
    target = tmp_path / "copy.sqlite3"
    if connection.vendor != "sqlite":
        with pytest.raises(CommandError, match="SQLite database only"):
            call_command("backup", str(target), "--sqlite-copy")
        return
    call_command("backup", str(target), "--sqlite-copy", stdout=open(tmp_path / "out", "w"))  # noqa: SIM115
    with sqlite3.connect(target) as copy:
        assert copy.execute("SELECT COUNT(*) FROM commitments_commitment").fetchone()[0] == Commitment.objects.count()
