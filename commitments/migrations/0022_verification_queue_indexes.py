"""The verification queue's indexes, one for each language (commitments/queue_index.py)."""

from django.db import migrations

from commitments import queue_index


def create_indexes(apps, schema_editor):
    queue_index.create(schema_editor)


def drop_indexes(apps, schema_editor):
    queue_index.drop(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("commitments", "0021_staff_board_indexes")]

    operations = [migrations.RunPython(create_indexes, drop_indexes, elidable=False)]
