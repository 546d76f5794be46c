"""Migrations that move data: nothing is lost."""

import datetime

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("commitments", "0010_import_jobs")]
AFTER = [("commitments", "0011_statements_claims_precision")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_each_commitment_becomes_its_first_statement_and_keeps_its_catalogue_ownership():
    old = migrate(BEFORE)
    try:
        source = old.get_model("commitments", "SourceDocument").objects.create(
            title="Speech", slug="speech", date=datetime.date(2025, 2, 21), speaker="A", kind="speech",
            text="Intro. We will build a road by 2027.",
        )  # fmt: skip
        pillar = old.get_model("commitments", "Pillar").objects.create(name="P", slug="p")
        commitment = old.get_model("commitments", "Commitment").objects.create(
            title="Road", title_en="Road", slug="road", pillar=pillar, party="pakistan", kind="infrastructure",
            source=source, quote="We will build a road by 2027.", quote_start=7,
            target_date=datetime.date(2027, 12, 31),
        )  # fmt: skip
        old.get_model("commitments", "ImportedValues").objects.create(
            catalogue="speech", model="commitments.commitment", key="commitment:road",
            values={"quote": "We will build a road by 2027.", "target_date": "2027-12-31"},
            imported=datetime.datetime(2025, 3, 1, tzinfo=datetime.UTC),
        )  # fmt: skip

        new = migrate(AFTER)
        statement = new.get_model("commitments", "Statement").objects.get(commitment_id=commitment.pk)
        assert (statement.source_id, statement.quote, statement.quote_start) == (
            source.pk,
            "We will build a road by 2027.",
            7,
        )
        assert (statement.speaker, statement.responsible_party, statement.claim_kind) == (
            "pakistan",
            "pakistan",
            "pledge",
        )
        assert statement.target_date == datetime.date(2027, 12, 31)
        record = new.get_model("commitments", "ImportedValues").objects.get(key="statement:road/speech")
        assert record.values["quote"] == "We will build a road by 2027."
        assert record.values["target_date"] == "2027-12-31"
    finally:
        call_command("migrate", verbosity=0)


@pytest.mark.django_db(transaction=True)
def test_cited_sources_become_evidence_records_and_last_verified_becomes_a_check():
    old = migrate([("commitments", "0011_statements_claims_precision")])
    try:
        source = old.get_model("commitments", "SourceDocument").objects.create(
            title="Speech", slug="speech", date=datetime.date(2025, 2, 21), speaker="A", kind="speech",
            text="We will build a road.",
        )  # fmt: skip
        pillar = old.get_model("commitments", "Pillar").objects.create(name="P", slug="p")
        commitment = old.get_model("commitments", "Commitment").objects.create(
            title="Road", title_en="Road", slug="road", pillar=pillar, party="pakistan", kind="infrastructure",
            source=source, quote="We will build a road.", last_verified=datetime.date(2025, 5, 1),
        )  # fmt: skip
        updates = old.get_model("commitments", "ProgressUpdate").objects
        for url, document in [("https://ex.org/a", None), ("https://ex.org/a", None), ("", source)]:
            updates.create(
                commitment=commitment, date=datetime.date(2025, 3, 1), text="x", source_url=url,
                source_document=document, source_kind="media_report", status="announced",
            )  # fmt: skip

        new = migrate([("commitments", "0012_evidence_verdicts_checks")])
        evidence = new.get_model("commitments", "EvidenceSource").objects
        assert evidence.count() == 2  # one per URL and one per document, however often cited
        linked = new.get_model("commitments", "ProgressUpdate").objects.values_list("evidence__url", "source_url")
        assert all(evidence_url == url for evidence_url, url in linked)
        check = new.get_model("commitments", "Check").objects.get(commitment_id=commitment.pk)
        assert (check.checked_on, check.source_document_id) == (datetime.date(2025, 5, 1), source.pk)
        assert check.evidence.source_document_id == source.pk
    finally:
        call_command("migrate", verbosity=0)


@pytest.mark.django_db(transaction=True)
def test_each_commitment_counts_its_statements():
    old = migrate([("commitments", "0024_milestone_list_order")])
    try:
        sources = [
            old.get_model("commitments", "SourceDocument").objects.create(
                title=slug, slug=slug, date=datetime.date(2025, 2, day), speaker="A", kind="speech",
                text="We will build a road.",
            )
            for day, slug in [(21, "speech"), (22, "statement")]
        ]  # fmt: skip
        pillar = old.get_model("commitments", "Pillar").objects.create(name="P", slug="p")
        commitments = old.get_model("commitments", "Commitment").objects
        statements = old.get_model("commitments", "Statement").objects
        said = {}
        for slug, stated_in in [("road", sources), ("unsaid", [])]:
            commitment = commitments.create(
                title=slug, title_en=slug, slug=slug, pillar=pillar, party="pakistan", kind="infrastructure",
                source=sources[0], quote="We will build a road.",
            )  # fmt: skip
            for source in stated_in:
                statements.create(commitment=commitment, source=source, quote="We will build a road.")
            said[commitment.pk] = len(stated_in)

        new = migrate([("commitments", "0025_commitment_statement_count")])
        counts = dict(new.get_model("commitments", "Commitment").objects.values_list("pk", "statement_count"))
        assert counts == said
    finally:
        call_command("migrate", verbosity=0)
