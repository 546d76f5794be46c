"""Writes that touch several rows. Every path (admin, staff form, import) goes through these."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .concurrency import lock_current
from .models import Commitment, Measurement, ProgressUpdate
from .vocabulary import ProgressMethod, Status


def refresh_progress(commitment):
    """Apply the progress rule to the commitment and then to each of its ancestors, saving what changed."""
    node, seen = commitment, set()
    while node is not None and node.pk not in seen:
        seen.add(node.pk)
        computed = node.computed_progress()
        if computed is not None and computed != node.progress:
            node.progress = computed
            node.save(update_fields=["progress", "updated"])
        node = Commitment.objects.filter(pk=node.parent_id).first() if node.parent_id else None


@transaction.atomic
def record_progress(
    *,
    commitment,
    author,
    date,
    text,
    source_kind,
    status,
    progress=None,
    public=True,
    source_url="",
    source_document=None,
    measurement=None,
    expected_version=None,
):
    """Record a dated, sourced update and move the commitment's status and progress with it.

    `progress=None` leaves the figure as it is. `measurement` is an optional
    (indicator, value, as_of) recorded from the same source. With
    `expected_version`, a commitment saved by someone else since is refused (StaleEdit).
    """
    commitment = lock_current(commitment.pk, expected_version)
    if status != commitment.status and not text.strip():
        raise ValidationError({"text": _("A status change needs a note saying what happened and why.")})
    if progress is not None and commitment.progress_method != ProgressMethod.MANUAL:
        raise ValidationError(
            {"progress": _("This commitment's progress is computed (%(rule)s); it cannot be set by hand.")
             % {"rule": commitment.get_progress_method_display()}}
        )  # fmt: skip

    commitment.status = status
    if progress is not None:
        commitment.progress = progress
    if status == Status.COMPLETED and commitment.completion_date is None:
        commitment.completion_date = date
    commitment.full_clean()
    commitment.save()

    update = ProgressUpdate(
        commitment=commitment,
        date=date,
        text=text,
        source_kind=source_kind,
        source_url=source_url,
        source_document=source_document,
        status=status,
        progress=commitment.progress,
        public=public,
        author=author,
    )
    update.full_clean()
    update.save()

    if measurement is not None:
        indicator, value, as_of = measurement
        record = Measurement(
            indicator=indicator,
            value=value,
            as_of=as_of or date,
            source_url=source_url,
            source_document=source_document,
            note=text[:500],
        )
        record.full_clean()
        record.save()

    refresh_progress(commitment)
    return update
