"""What several test modules share: form data for the admin and the staff pages, and query counting.
Test modules import from here, never from each other."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from commitments.models import Commitment
from commitments.vocabulary import Status

from .factories import PillarFactory, SourceDocumentFactory


def body(response):
    """A response's bytes, whether it was sent whole or streamed (the table exports)."""
    return b"".join(response.streaming_content) if response.streaming else response.content


def count_queries(client, url):
    """The number of queries one successful GET of `url` costs."""
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(context.captured_queries)


def unsaved_commitment(**overrides):
    """A valid commitment, not saved, for checking validation rules."""
    values = {
        "title": "Build the northern road",
        "slug": "northern-road",
        "pillar": PillarFactory(),
        "party": "both",
        "kind": "infrastructure",
        "status": Status.IN_PROGRESS,
        "source": SourceDocumentFactory(),
        "quote": "We will build the northern road by next year.",
    }
    return Commitment(**{**values, **overrides})


def inline_management(prefix, total):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def add_form(pillar, source, **overrides):
    """The admin's add form for a commitment with one milestone, one indicator and one progress update."""
    data = {
        "title_en": "Build the northern road",
        "title_ur": "شمالی سڑک کی تعمیر",
        "slug": "northern-road",
        "summary_en": "A road.",
        "pillar": pillar.pk,
        "party": "both",
        "kind": "infrastructure",
        "status": "in_progress",
        "progress": "10",
        "progress_method": "manual",
        "verification": "unverified",
        "weight": "1",
        "source": source.pk,
        "quote": "We will build the northern road by next year.",
        **inline_management("statements", 0),
        **inline_management("milestones", 1),
        "milestones-0-title_en": "Survey finished",
        "milestones-0-due_date": "2025-09-30",
        "milestones-0-order": "0",
        **inline_management("indicators", 1),
        "indicators-0-name_en": "Kilometres built",
        "indicators-0-slug": "kilometres-built",
        "indicators-0-unit_en": "km",
        "indicators-0-measure": "amount",
        "indicators-0-target_value": "120",
        **inline_management("updates", 1),
        "updates-0-date": "2025-03-01",
        "updates-0-text_en": "Ground broken.",
        "updates-0-source_kind": "media_report",
        "updates-0-source_url": "https://example.org/ground-broken",
        "updates-0-status": "in_progress",
        "updates-0-progress": "10",
        "updates-0-public": "on",
        **inline_management("verdicts", 0),
        **inline_management("checks", 0),
    }
    data.update(overrides)
    return data


def change_form(commitment, version, **overrides):
    """The admin's change form for `commitment` as opened at `version`, without inline rows."""
    data = add_form(commitment.pillar, commitment.source, slug=commitment.slug, expected_version=str(version))
    for prefix in ("statements", "milestones", "indicators", "updates", "verdicts", "checks"):
        data[f"{prefix}-TOTAL_FORMS"] = "0"
    data.update(overrides)
    return data


def progress_form(**overrides):
    """The staff page's progress form, filled in."""
    data = {
        "date": "2025-06-01",
        "text": "The contractor finished the survey.",
        "source_url": "https://example.org/survey",
        "source_kind": "implementing_agency",
        "status": "in_progress",
        "progress": "25",
        "public": "on",
    }
    data.update(overrides)
    return data


def post_progress(client, commitment, **overrides):
    """Record progress through the staff page, as of the commitment's current version."""
    commitment.refresh_from_db()
    return client.post(record_url(commitment), progress_form(version=commitment.version, **overrides))


def record_url(commitment):
    return reverse("commitments:staff_record_progress", args=[commitment.slug])
