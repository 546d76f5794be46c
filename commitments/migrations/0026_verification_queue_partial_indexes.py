"""The verification queue's indexes hold published commitments alone (commitments/queue_index.py)."""

from django.db import migrations

from commitments import queue_index


def recreate_indexes(apps, schema_editor):
    queue_index.drop(schema_editor)
    queue_index.create(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("commitments", "0025_commitment_statement_count")]

    # Going back leaves the partial indexes: they serve every query the whole ones did.
    operations = [migrations.RunPython(recreate_indexes, migrations.RunPython.noop, elidable=False)]
