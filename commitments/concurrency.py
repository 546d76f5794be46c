"""Optimistic locking of commitments: one rule for every form that edits one.

A form carries the version it was opened at. Saving locks the row for the rest of
the transaction and compares versions; if someone saved in between, the save is
refused with what changed meanwhile, and the form keeps what the editor typed.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .models import Commitment

COMPARED_FIELDS = [
    "title", "status", "progress", "progress_method", "published", "target_date", "completion_date", "start_date",
    "summary", "quote", "internal_notes", "location", "weight", "pillar", "theme", "owner", "parent",
]  # fmt: skip


class StaleEdit(ValidationError):
    def __init__(self, current, changes):
        self.current = current
        latest = current.history.select_related("history_user").order_by("-history_id").first()
        who = latest.history_user.get_username() if latest and latest.history_user else _("another process")
        when = latest.history_date.strftime("%Y-%m-%d %H:%M") if latest else ""
        described = "; ".join(f"{label}: {old} → {new}" for label, old, new in changes) or _("no field you can see")
        message = _(
            "Someone else saved this commitment while you were editing it (%(who)s, %(when)s). "
            "Changed meanwhile: %(changes)s. Your input is kept below: compare it with these changes and save again."
        ) % {"who": who, "when": when, "changes": described}
        super().__init__(message, code="stale")


class MissingVersion(ValidationError):
    """An edit that does not say which version its editor saw cannot be checked, so it is refused."""

    def __init__(self):
        super().__init__(
            _("This form does not say which version of the commitment you opened. Reload the page and try again."),
            code="missing_version",
        )


def lock_current(pk, expected_version):
    """Lock the commitment for this transaction; refuse if it has been saved since `expected_version`."""
    current = Commitment.objects.select_for_update().get(pk=pk)
    if expected_version is not None and current.version != expected_version:
        raise StaleEdit(current, changes_since(current, expected_version))
    return current


def changes_since(current, version):
    """(label, old, new) for each compared field that differs between `version` and now."""
    before = current.history.filter(version=version).order_by("-history_id").first()
    if before is None:
        return []
    changes = []
    for name in COMPARED_FIELDS:
        field = Commitment._meta.get_field(name)
        old, new = _shown(before, field), _shown(current, field)
        if old != new:
            changes.append((str(field.verbose_name), old, new))
    return changes


def _shown(obj, field):
    if field.is_relation:
        related_id = getattr(obj, field.attname)
        return str(field.related_model._default_manager.filter(pk=related_id).first() or "—")
    value = getattr(obj, field.attname)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    return "—" if value in (None, "") else str(value)
