"""The small marks every list repeats: a status badge, a progress bar, a verdict. Written in Python, not
included templates, because a table draws them once per row and an include costs a template render each."""

from django.utils.html import format_html
from django.utils.translation import gettext as _

from .vocabulary import Status, Verdict, Verification, label_of


def status_badge(status, label, meaning=""):
    return format_html('<span class="status status-{}" title="{}">{}</span>', status, meaning, label)


def progress_bar(value):
    if value is None:
        return format_html('<span class="progress-unknown">{}</span>', _("not known"))
    return format_html(
        '<span class="progress"><svg class="progress-track" viewBox="0 0 100 10" preserveAspectRatio="none" '
        'aria-hidden="true"><rect class="progress-bg" width="100" height="10" rx="5"></rect>'
        '<rect class="progress-fill" width="{}" height="10" rx="5"></rect></svg>'
        '<span class="progress-text">{}%</span></span>',
        value,
        value,
    )


def commitment_status(commitment):
    """A reported result shows how far it is verified; any other claim its status."""
    if commitment.is_reported_result:
        return format_html(
            '<span class="verification verification-{}" title="{}">{}</span>',
            commitment.verification,
            commitment.verification_meaning,
            label_of(Verification, commitment.verification),
        )
    return status_badge(commitment.status, label_of(Status, commitment.status), commitment.status_meaning)


def verdict_badge(commitment):
    if not commitment.verdict:
        return ""
    return format_html(
        '<span class="verdict verdict-{}" title="{}">{}</span>',
        commitment.verdict,
        commitment.verdict_meaning,
        label_of(Verdict, commitment.verdict),
    )
