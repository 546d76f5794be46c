"""The benchmark data set (bench/seed.py): its size, its validity and its reproducibility."""

import pytest

from bench.pages import prepare_database
from bench.seed import SeedError, main, seed
from commitments.models import (
    Commitment,
    EvidenceSource,
    Indicator,
    Measurement,
    Milestone,
    ProgressUpdate,
    PublicVersion,
    SourceDocument,
    Statement,
)
from commitments.search import search
from commitments.vocabulary import EvidenceStrength, Measure, PublisherKind, SourceKind, Status

from .factories import CommitmentFactory

pytestmark = pytest.mark.django_db

SIZE, SEED = 200, 3


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
    counts = seed(SIZE, SEED)
    assert Commitment.objects.count() == counts["commitments"] == 200
    assert Statement.objects.count() == counts["statements"] == 200
    assert Milestone.objects.count() == counts["milestones"] == 600
    assert Indicator.objects.count() == counts["indicators"] == 200
    assert Measurement.objects.count() == counts["measurements"] == 1000
    assert ProgressUpdate.objects.count() == counts["progress updates"] == 1000
    assert SourceDocument.objects.count() == counts["source documents"] == 4


def test_every_cited_url_and_document_has_its_one_evidence_record():
    """As the services layer records them: a URL or a document once, every record citing it pointing there."""
    seed(SIZE, SEED)
    records = [*ProgressUpdate.objects.select_related("evidence"), *Measurement.objects.select_related("evidence")]
    for record in records:
        if record.source_url:
            assert (record.evidence.url, record.evidence.source_document_id) == (record.source_url, None)
        else:
            assert (record.evidence.url, record.evidence.source_document_id) == ("", record.source_document_id)
        if record.source_url and getattr(record, "source_kind", None) == SourceKind.FIELD_VISIT:
            assert record.evidence.publisher_kind == PublisherKind.FIELD_VISIT
    assert EvidenceSource.objects.count() == len({record.evidence_id for record in records})
    for evidence in EvidenceSource.objects.all():
        evidence.full_clean()
    strengths = set(Commitment.objects.values_list("evidence_strength", flat=True))
    assert {EvidenceStrength.SEVERAL_INDEPENDENT, EvidenceStrength.UNCLASSIFIED} <= strengths


def test_every_quote_stands_at_its_offset_in_its_source():
    seed(SIZE, SEED)
    for commitment in Commitment.objects.select_related("source"):
        text = commitment.source.text
        assert text[commitment.quote_start : commitment.quote_start + len(commitment.quote)] == commitment.quote
        assert text.find(commitment.quote) == commitment.quote_start  # the offset full_clean would record


def test_every_commitment_is_stated_once_by_its_source():
    seed(SIZE, SEED)
    for commitment in Commitment.objects.prefetch_related("statements"):
        [statement] = commitment.statements.all()
        assert (statement.source_id, statement.quote, statement.quote_start) == (
            commitment.source_id,
            commitment.quote,
            commitment.quote_start,
        )


def test_every_figure_a_commitment_derives_is_in_line_with_its_records():
    seed(SIZE, SEED)
    verdicts = 0
    for commitment in Commitment.objects.for_deriving():
        derived = commitment.derived_state()
        assert {name: getattr(commitment, name) for name in derived} == derived
        verdicts += bool(commitment.verdict)
    assert verdicts > 0  # the rule reached a verdict on some, as it would on real data


def test_the_tables_search_finds_seeded_commitments():
    seed(SIZE, SEED)
    titled = Commitment.objects.filter(title__icontains="solar")
    assert titled.exists()
    assert set(search(Commitment.objects.all(), "solar")) == set(titled)


def test_a_sample_of_every_table_passes_validation():
    seed(SIZE, SEED)
    for model in (SourceDocument, Commitment, Statement, Milestone, Indicator, Measurement, ProgressUpdate):
        for row in model.objects.order_by("pk")[::20]:
            row.full_clean()


def test_realistic_proportions():
    seed(SIZE, SEED)
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
    seed(SIZE, SEED)
    first = snapshot()
    seed(SIZE, SEED, reset=True)
    assert snapshot() == first
    assert Commitment.objects.count() == 200


def test_rows_made_after_the_seed_get_fresh_ids():
    seed(SIZE, SEED)
    seeded = set(Commitment.objects.values_list("pk", flat=True))
    assert CommitmentFactory().pk > max(seeded)


def test_refuses_a_database_with_commitments_unless_reset():
    seed(SIZE, SEED)
    with pytest.raises(SeedError, match="--reset"):
        seed(SIZE, SEED)
    assert Commitment.objects.count() == 200


def test_bumps_the_public_cache_versions():
    seed(SIZE, SEED)
    assert set(PublicVersion.objects.values_list("scope", flat=True)) >= {"site", "commitments"}


def test_command_line_prints_the_counts_and_the_time(capsys):
    main(["--commitments", "200", "--seed", "3"])
    output = capsys.readouterr().out
    assert "200 commitments" in output and "Seeded " in output
    with pytest.raises(SystemExit) as refused:
        main(["--commitments", "200"])
    assert refused.value.code == 1
    assert "already holds data" in capsys.readouterr().err


@pytest.mark.django_db(transaction=True)  # it migrates, which SQLite's schema editor refuses inside a transaction
def test_the_benchmark_seeds_again_a_database_seeded_without_evidence():
    seed(SIZE, SEED)
    assert prepare_database(SIZE, SEED) is None  # reused
    ProgressUpdate.objects.update(evidence=None)
    Measurement.objects.update(evidence=None)
    EvidenceSource.objects.all().delete()
    assert prepare_database(SIZE, SEED) is not None
    assert EvidenceSource.objects.exists()
    assert Commitment.objects.count() == SIZE
