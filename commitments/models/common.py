"""What the model modules share."""

from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import DEFERRED
from django.utils.translation import gettext_lazy as _

PERCENT_VALIDATORS = [MinValueValidator(0), MaxValueValidator(100)]


def translation_columns(*names):
    """The per-language columns django-modeltranslation adds (translation.py); history keeps the fields
    themselves, not their translations."""
    return [f"{name}_{code.replace('-', '_')}" for name in names for code, _label in settings.LANGUAGES]


class ListsValidChoices:
    """A value outside a field's choices is refused with the values it accepts, on every path that validates
    (admin, admin import, catalogue, staff forms, restore): "“finance” is not one of: infrastructure, …"."""

    def clean_fields(self, exclude=None):
        try:
            super().clean_fields(exclude=exclude)
        except ValidationError as error:
            raise ValidationError(
                {name: [self.listing_choices(name, e) for e in errors] for name, errors in error.error_dict.items()}
            ) from error

    def listing_choices(self, name, error):
        if getattr(error, "code", None) != "invalid_choice":
            return error
        field = self._meta.get_field(name)
        allowed = ", ".join(str(value) for value, _label in field.flatchoices if value not in ("", None))
        return ValidationError(
            _("“%(value)s” is not one of the allowed values: %(allowed)s."),
            code="invalid_choice",
            params={"value": getattr(self, field.attname), "allowed": allowed},
        )


class LoadsDeferredRowsQuickly:
    """Rows read with some columns deferred (`defer`, `only`: the lists read only some of a commitment's columns)
    are spread over the model's fields as quickly as whole rows. Django's `Model.from_db` looks each of the model's
    fields up in the list of the columns read, on every row: for a commitment's sixty fields, most of the time
    it takes to build one. Here the place of each field in the row is worked out once for each set of columns
    read."""

    @classmethod
    def from_db(cls, db, field_names, values):
        if len(values) != len(cls._meta.concrete_fields):
            values = [DEFERRED if place is None else values[place] for place in _places(cls, tuple(field_names))]
        return super().from_db(db, field_names, values)


@lru_cache(maxsize=1024)
def _places(model, field_names):
    """For each of the model's fields in order, its place among the columns read, or None if it was not read."""
    place = {name: index for index, name in enumerate(field_names)}
    return tuple(place.get(field.attname) for field in model._meta.concrete_fields)
