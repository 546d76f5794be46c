"""What the model modules share."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator

PERCENT_VALIDATORS = [MinValueValidator(0), MaxValueValidator(100)]


def translation_columns(*names):
    """The per-language columns django-modeltranslation adds (translation.py); history keeps the fields
    themselves, not their translations."""
    return [f"{name}_{code.replace('-', '_')}" for name in names for code, _label in settings.LANGUAGES]
