"""What the model modules share."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models.base import ModelState
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


class LoadsRowsQuickly:
    """Rows read from the database are built without `Model.__init__`. For a row read, `__init__` only stores
    each column read in its field (through descriptors that, while it runs, store the value as it is) and sends
    `pre_init` and `post_init`, which none of these models needs: their only receiver is
    django-modeltranslation's, which removes the mark its own `__init__` set
    (`test_rows_are_built_without_init_only_while_no_receiver_needs_it` keeps it so). Deriving the figures of a
    thousand commitments reads 27,000 rows of them and their records: 325 ms at best built this way, 463 ms
    through `__init__` (PostgreSQL, 100,000 commitments). The columns not read are deferred, as Django leaves
    them: read when asked for."""

    @classmethod
    def from_db(cls, db, field_names, values):
        row = cls.__new__(cls)
        row._state = ModelState()
        row._state.adding, row._state.db = False, db
        row.__dict__.update(zip(field_names, values, strict=True))
        return row
