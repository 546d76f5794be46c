"""The verification queue's order, never checked first (`CommitmentQuerySet.verification_queue`), read from an
index in each language instead of sorting every published promise.

The index is not declared in `Commitment.Meta`: PostgreSQL needs `NULLS FIRST` in it to read it in that order,
and SQLite refuses `NULLS FIRST` in an index while sorting NULLs first by itself. So each database gets its
own form here. It holds published commitments alone: a whole index, read in its order, walks past every draft
(never checked, so first in it: over 5,000 rows at 100,000 commitments) before the first row the queue shows.
Only published is in its condition, not the kinds of claim the queue lists too: SQLite uses a partial index only
where the query's own words imply its condition, and the kinds reach it as bound parameters. Migration 0022
creates it and 0026 makes it partial; every `migrate` creates it where it is missing, since on SQLite a migration
that rebuilds the commitments table (as SQLite's ALTER TABLE requires to add a column) drops every index Django
does not know of with the old table.
"""

from django.db.migrations.recorder import MigrationRecorder

COLUMNS = ["title_en", "title_ur", "title_zh_hans"]
MIGRATION = ("commitments", "0022_verification_queue_indexes")


def name(column):
    return f"commitment_queue_{column}"


def create(schema_editor):
    quote = schema_editor.quote_name
    nulls_first = " NULLS FIRST" if schema_editor.connection.vendor == "postgresql" else ""
    for column in COLUMNS:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {quote(name(column))} ON {quote('commitments_commitment')} "
            f"({quote('last_checked')}{nulls_first}, {quote(column)}, {quote('id')}) WHERE {quote('published')}"
        )


def drop(schema_editor):
    for column in COLUMNS:
        schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(name(column))}")


def ensure(connection):
    """Create the indexes where they are missing, while the migration that made them stays applied."""
    if MIGRATION not in MigrationRecorder(connection).applied_migrations():
        return
    with connection.schema_editor() as schema_editor:
        create(schema_editor)
