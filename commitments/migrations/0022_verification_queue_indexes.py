"""The verification queue's order, never checked first (`CommitmentQuerySet.verification_queue`), read from an
index in each language instead of sorting every published promise.

The index is not declared in `Commitment.Meta`: PostgreSQL needs `NULLS FIRST` in it to read it in that order,
and SQLite refuses `NULLS FIRST` in an index while sorting NULLs first by itself. So each database gets its
own form here."""

from django.db import migrations

COLUMNS = ["title_en", "title_ur", "title_zh_hans"]


def name(column):
    return f"commitment_queue_{column}"


def create_indexes(apps, schema_editor):
    quote = schema_editor.quote_name
    nulls_first = " NULLS FIRST" if schema_editor.connection.vendor == "postgresql" else ""
    for column in COLUMNS:
        schema_editor.execute(
            f"CREATE INDEX {quote(name(column))} ON {quote('commitments_commitment')} "
            f"({quote('last_checked')}{nulls_first}, {quote(column)}, {quote('id')})"
        )


def drop_indexes(apps, schema_editor):
    for column in COLUMNS:
        schema_editor.execute(f"DROP INDEX {schema_editor.quote_name(name(column))}")


class Migration(migrations.Migration):
    dependencies = [("commitments", "0021_staff_board_indexes")]

    operations = [migrations.RunPython(create_indexes, drop_indexes, elidable=False)]
