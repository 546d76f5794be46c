"""The small marks every list repeats: a status badge, a progress bar, a verdict. Written in Python, not
included templates, because a table draws them once per row and an include costs a template render each;
those of the tables are worked out once for each value and language."""

from functools import lru_cache

from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from .vocabulary import Status, Verdict, Verification


def status_badge(status, label, meaning=""):
    return badge("status", status, label, meaning)


def badge(kind, value, label, meaning):
    """A value of a vocabulary as a badge: its label, and its meaning when pointed at."""
    return format_html('<span class="{} {}-{}" title="{}">{}</span>', kind, kind, value, meaning, label)


def progress_bar(value):
    return _progress_bar_in(value, get_language())


@lru_cache(maxsize=512)
def _progress_bar_in(value, language):
    """(`language`, the active one, is the key of the words it writes.)"""
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
        return _mark("verification", Verification, commitment.verification)
    return _mark("status", Status, commitment.status)


def verdict_badge(commitment):
    return _mark("verdict", Verdict, commitment.verdict) if commitment.verdict else ""


def _mark(kind, vocabulary, value):
    return _mark_in(kind, vocabulary, value, get_language())


@lru_cache(maxsize=512)
def _mark_in(kind, vocabulary, value, language):
    """(`language`, the active one, is the key of the label and meaning it reads.)"""
    member = vocabulary(value)
    return badge(kind, value, member.label, member.meaning)
