"""Complete, versioned snapshots of the database, and restoring one into an empty database."""

import datetime
import json
import sqlite3

from django.apps import apps
from django.core import serializers
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.migrations.recorder import MigrationRecorder

FORMAT = "commitment-tracker-backup"
FORMAT_VERSION = 1


class BackupError(Exception):
    pass


def backed_up_models():
    """Users and every model of the app, history tables included, parents before the rows that point to them."""
    user_model = apps.get_model("auth", "User")
    # Cache version counters are not data; a restored database starts them afresh.
    app_models = [m for m in apps.get_app_config("commitments").get_models() if m._meta.model_name != "publicversion"]
    return [user_model, *serializers.sort_dependencies([("commitments", app_models)], allow_cycles=True)]


def latest_migrations():
    recorder = MigrationRecorder(connection)
    latest = {}
    for app, name in recorder.applied_migrations():
        latest[app] = max(latest.get(app, name), name)
    return latest


def write_backup(stream):
    objects = []
    for model in backed_up_models():
        queryset = model._default_manager.order_by("pk")
        objects.extend(serializers.serialize("python", queryset, use_natural_foreign_keys=True))
    snapshot = {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "created": datetime.datetime.now(datetime.UTC).isoformat(),
        "migrations": latest_migrations(),
        "objects": objects,
    }
    # str() keeps microseconds, which Django's JSON encoder would cut to milliseconds.
    json.dump(snapshot, stream, ensure_ascii=False, indent=1, default=str)
    return len(objects)


def read_backup(stream):
    try:
        snapshot = json.load(stream)
    except json.JSONDecodeError as error:
        raise BackupError(f"not a backup file: {error}") from error
    if not isinstance(snapshot, dict) or snapshot.get("format") != FORMAT:
        raise BackupError("not a backup file of this application.")
    if snapshot.get("version") != FORMAT_VERSION:
        raise BackupError(
            f"backup format version {snapshot.get('version')} is not supported (expected {FORMAT_VERSION})."
        )
    here = latest_migrations()
    behind = {app: name for app, name in snapshot["migrations"].items() if here.get(app, "") < name}
    if behind:
        raise BackupError(f"the backup needs newer migrations than this database has: {behind}. Run migrate first.")
    return snapshot


@transaction.atomic
def restore_backup(snapshot):
    """Load a snapshot into a database that holds no data yet; all or nothing."""
    occupied = [model._meta.label for model in backed_up_models() if model._default_manager.exists()]
    if occupied:
        raise BackupError(f"restore needs an empty database, but it has rows in: {', '.join(occupied)}.")
    count = 0
    for item in serializers.deserialize("python", snapshot["objects"], handle_forward_references=True):
        item.save()
        count += 1
    reset_sequences()
    return count


def reset_sequences():
    """After rows are loaded with their ids, new rows must not reuse them (PostgreSQL keeps separate counters)."""
    statements = connection.ops.sequence_reset_sql(no_style(), backed_up_models())
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def copy_sqlite_file(target_path):
    """A consistent copy of the live SQLite database through SQLite's online backup API, safe while serving."""
    if connection.vendor != "sqlite":
        raise BackupError("--sqlite-copy works on a SQLite database only; use pg_dump for PostgreSQL.")
    connection.ensure_connection()
    with sqlite3.connect(target_path) as target:
        connection.connection.backup(target)
