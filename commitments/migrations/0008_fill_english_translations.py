"""Rows made before content translations keep their text in the original columns; copy it into the
English columns that django-modeltranslation reads from now on."""

from django.db import migrations
from django.db.models import F

TRANSLATED = {
    "pillar": ["name", "description"],
    "theme": ["name", "description"],
    "commitment": ["title", "summary"],
    "milestone": ["title"],
    "indicator": ["name", "unit"],
    "progressupdate": ["text"],
}


def fill_english(apps, schema_editor):
    for model_name, fields in TRANSLATED.items():
        model = apps.get_model("commitments", model_name)
        for field in fields:
            model.objects.filter(**{f"{field}_en__isnull": True}).update(**{f"{field}_en": F(field)})


class Migration(migrations.Migration):
    dependencies = [("commitments", "0007_content_translations")]

    operations = [migrations.RunPython(fill_english, migrations.RunPython.noop)]
