"""Complete, versioned snapshots of the database, and restoring one into an empty database."""

import datetime
import json
import sqlite3

from django.apps import apps
from django.core import serializers
from django.core.exceptions import ValidationError
from django.core.management.color import no_style
from django.core.serializers.base import DeserializationError
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.migrations.recorder import MigrationRecorder

from . import services

FORMAT = "commitment-tracker-backup"
FORMAT_VERSION = 1


class BackupError(Exception):
    pass


# Groups are merged by name: a freshly migrated database already holds the role groups (`sync_roles`),
# and restored rows update those instead of clashing with them.
MERGED_BY_NATURAL_KEY = {"auth.group"}


def backed_up_models():
    """Everything needed to run the site again, parents before the rows that point to them: groups with
    their permissions, users with their groups and permissions, every model of the app (history tables
    included) and the admin log.

    Content types and permissions are not copied: `migrate` creates them, and rows refer to them by natural
    key (app label, model, codename), which match after any migrate. Left out as well: sessions (people sign
    in again), django-axes' sign-in attempts and logs (lock-outs last an hour; restoring them would lock
    accounts again), and the app's cache version counters.
    """
    group_model, user_model = apps.get_model("auth", "Group"), apps.get_model("auth", "User")
    app_models = [m for m in apps.get_app_config("commitments").get_models() if m._meta.model_name != "publicversion"]
    # History tables first: they point to the rows they record without database constraints, and emptying the
    # tables in reverse order then leaves no history behind of the rows it deletes.
    history = [model for model in app_models if model.__name__.startswith("Historical")]
    rows = in_insert_order([model for model in app_models if model not in history])
    return [group_model, user_model, *history, *rows, apps.get_model("admin", "LogEntry")]


def in_insert_order(models):
    """These models, each after the models its foreign keys point to (`serializers.sort_dependencies` orders by
    natural keys only). A cycle is left to the database's deferred foreign key checks."""
    ordered = []
    while len(ordered) < len(models):
        ready = [
            model
            for model in models
            if model not in ordered
            and all(
                field.related_model in ordered or field.related_model not in models or field.related_model is model
                for field in model._meta.concrete_fields
                if field.is_relation
            )
        ]
        ordered += ready or [next(model for model in models if model not in ordered)]
    return ordered


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
        merged = model._meta.label_lower in MERGED_BY_NATURAL_KEY
        objects.extend(
            serializers.serialize("python", queryset, use_natural_foreign_keys=True, use_natural_primary_keys=merged)
        )
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
    migrations, objects = snapshot.get("migrations"), snapshot.get("objects")
    if not isinstance(migrations, dict) or not all(isinstance(v, str) for v in migrations.values()):
        raise BackupError("the backup's 'migrations' must map each app to its latest migration's name.")
    if not isinstance(objects, list) or not all(isinstance(o, dict) for o in objects):
        raise BackupError("the backup's 'objects' must be a list of rows.")
    here = latest_migrations()
    behind = {app: name for app, name in snapshot["migrations"].items() if here.get(app, "") < name}
    if behind:
        raise BackupError(f"the backup needs newer migrations than this database has: {behind}. Run migrate first.")
    return snapshot


@transaction.atomic
def restore_backup(snapshot):
    """Load a snapshot into a database that holds no data yet; all or nothing."""
    occupied = [
        model._meta.label
        for model in backed_up_models()
        if model._meta.label_lower not in MERGED_BY_NATURAL_KEY and model._default_manager.exists()
    ]
    if occupied:
        raise BackupError(f"restore needs an empty database, but it has rows in: {', '.join(occupied)}.")
    # Read as they are saved: a row may name by natural key a row saved before it.
    rows = serializers.deserialize("python", snapshot["objects"], handle_forward_references=True)
    try:
        count = services.restore(rows)
    except (DeserializationError, TypeError, ValueError, KeyError, AttributeError, LookupError) as error:
        raise BackupError(f"the backup's rows cannot be read: {error}") from error
    except ValidationError as error:
        problems = "\n".join(f"  - {message}" for message in error.messages[:50])
        raise BackupError(f"the backup holds rows that break the tracker's rules:\n{problems}") from error
    except (IntegrityError, DatabaseError) as error:
        raise BackupError(f"the backup's rows do not fit the database: {error}") from error
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
