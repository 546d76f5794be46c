"""The benchmark data set: its size, its validity and its reproducibility."""

import io

import pytest
from django.core.management import CommandError, call_command

from commitments.models import (
    Commitment,
    Indicator,
    Measurement,
    Milestone,
    ProgressUpdate,
    PublicVersion,
    SourceDocument,
)
from commitments.vocabulary import Measure, Status

pytestmark = pytest.mark.django_db

SEED = ["seed_benchmark", "--commitments", "200", "--seed", "3"]


def seed(*extra):
    out = io.StringIO()
    call_command(*SEED, *extra, stdout=out)
    return out.getvalue()


def snapshot():
    """What two runs with the same seed must agree on."""
    return {
        "sources": list(SourceDocument.objects.order_by("slug").values_list("slug", "title", "date", "text")),
        "commitments": list(
            Commitment.objects.order_by("slug").values_list(
                "slug", "title", "status", "progress", "published", "target_date", "quote_start", "parent__slug"
            )
        ),
        "milestones": list(Milestone.objects.order_by("commitment__slug", "order").values_list("title", "due_date")),
        "measurements": list(Measurement.objects.order_by("indicator__slug", "as_of").values_list("value", "as_of")),
        "updates": list(
            ProgressUpdate.objects.order_by("commitment__slug", "date", "text").values_list("status", "text", "public")
        ),
    }


def test_row_counts():
    output = seed()
    assert Commitment.objects.count() == 200
    assert Milestone.objects.count() == 600
    assert Indicator.objects.count() == 200
    assert Measurement.objects.count() == 1000
    assert ProgressUpdate.objects.count() == 1000
    assert SourceDocument.objects.count() == 4
    assert "200 commitments" in output and "Seeded in" in output


def test_every_quote_stands_at_its_offset_in_its_source():
    seed()
    for commitment in Commitment.objects.select_related("source"):
        text = commitment.source.text
        assert text[commitment.quote_start : commitment.quote_start + len(commitment.quote)] == commitment.quote
        assert text.find(commitment.quote) == commitment.quote_start  # the offset full_clean would record


def test_a_sample_of_every_table_passes_validation():
    seed()
    for model in (SourceDocument, Commitment, Milestone, Indicator, Measurement, ProgressUpdate):
        for row in model.objects.order_by("pk")[::20]:
            row.full_clean()


def test_realistic_proportions():
    seed()
    commitments = Commitment.objects.all()
    assert 0 < commitments.filter(published=False).count() < 30  # about 5% drafts
    assert commitments.filter(status=Status.COMPLETED, completion_date__isnull=False).exists()
    assert not commitments.filter(status=Status.COMPLETED, completion_date__isnull=True).exists()
    assert commitments.filter(parent__isnull=False).count() == 4 * 4  # four children in each of the 4 sources
    assert set(Indicator.objects.values_list("measure", flat=True)) <= set(Measure.non_negative())
    assert not Measurement.objects.filter(value__lt=0).exists()
    updates = ProgressUpdate.objects.all()
    assert updates.filter(public=False).exists() and updates.filter(public=True).count() > 700  # mostly public


def test_the_same_seed_gives_the_same_data():
    seed()
    first = snapshot()
    seed("--reset")
    assert snapshot() == first
    assert Commitment.objects.count() == 200


def test_refuses_a_database_with_commitments_unless_reset():
    seed()
    with pytest.raises(CommandError, match="--reset"):
        seed()
    assert Commitment.objects.count() == 200


def test_bumps_the_public_cache_versions():
    seed()
    assert set(PublicVersion.objects.values_list("scope", flat=True)) >= {"site", "commitments"}
