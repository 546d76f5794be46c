from django.db import migrations, models
from django.db.models import Q

from commitments.geometry import marker_position

BATCH = 2000


def place_markers(apps, schema_editor):
    """Every commitment with a place gets its marker's place, as a save through the services layer gives it."""
    Commitment = apps.get_model("commitments", "Commitment")
    located = Commitment.objects.filter(Q(geometry__isnull=False) | Q(latitude__isnull=False, longitude__isnull=False))
    batch = []
    for commitment in located.only("geometry", "latitude", "longitude").order_by("pk").iterator(chunk_size=BATCH):
        commitment.map_longitude, commitment.map_latitude = marker_position(
            commitment.geometry, commitment.latitude, commitment.longitude
        )
        batch.append(commitment)
        if len(batch) == BATCH:
            Commitment.objects.bulk_update(batch, ["map_longitude", "map_latitude"])
            batch = []
    Commitment.objects.bulk_update(batch, ["map_longitude", "map_latitude"])


class Migration(migrations.Migration):
    dependencies = [("commitments", "0014_indexes_for_feed_and_deadlines")]

    operations = [
        migrations.AddField(
            model_name="commitment",
            name="map_latitude",
            field=models.FloatField(editable=False, null=True, verbose_name="latitude of its map marker"),
        ),
        migrations.AddField(
            model_name="commitment",
            name="map_longitude",
            field=models.FloatField(editable=False, null=True, verbose_name="longitude of its map marker"),
        ),
        migrations.AddIndex(
            model_name="commitment",
            index=models.Index(
                models.Func(
                    models.F("map_longitude"),
                    output_field=models.IntegerField(),
                    template="FLOOR(%(expressions)s / 0.75)",
                ),
                models.Func(
                    models.F("map_latitude"),
                    output_field=models.IntegerField(),
                    template="FLOOR(%(expressions)s / 0.75)",
                ),
                models.F("status"),
                models.F("published"),
                models.F("map_longitude"),
                models.F("map_latitude"),
                name="commitment_map_cells",
            ),
        ),
        migrations.AddIndex(
            model_name="commitment",
            index=models.Index(
                models.F("pillar"),
                models.Func(
                    models.F("map_longitude"),
                    output_field=models.IntegerField(),
                    template="FLOOR(%(expressions)s / 0.75)",
                ),
                models.Func(
                    models.F("map_latitude"),
                    output_field=models.IntegerField(),
                    template="FLOOR(%(expressions)s / 0.75)",
                ),
                models.F("status"),
                models.F("published"),
                models.F("map_longitude"),
                models.F("map_latitude"),
                name="commitment_map_cells_by_pillar",
            ),
        ),
        migrations.RunPython(place_markers, migrations.RunPython.noop),
    ]
