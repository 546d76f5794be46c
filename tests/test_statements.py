"""Statements and restatements, claim kinds, dates as precise as the source, and checkability."""

import csv
import datetime
import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format

from commitments import services
from commitments.catalogue import CatalogueError, import_catalogue, import_catalogue_file, read_catalogue
from commitments.charts import Drift
from commitments.dates import PreciseDate, latest_day
from commitments.iati import imprecision
from commitments.models import Commitment, Milestone, Statement
from commitments.vocabulary import ClaimKind, DatePrecision, Verification

from .factories import CommitmentFactory, PillarFactory, SourceDocumentFactory
from .helpers import add_form, body, change_form, inline_management

SPEECH = (
    Path(__file__).resolve().parent.parent
    / "commitments"
    / "catalogue"
    / ("2025-02-21-china-pakistan-all-weather-partnership.yaml")
)
TEST_STATEMENT = Path(__file__).resolve().parent / "data" / "2025-09-01-joint-statement-for-tests.yaml"
ML1 = "ml1-railway-upgrade"
ML1_RESTATED = "The two sides agreed to complete the upgrade of the Main Line-1 railway by the end of 2030."


def restate(commitment, source, quote, **values):
    """A restatement of `commitment` in `source`, saved through the services layer."""
    statement = Statement(commitment=commitment, source=source, quote=quote, speaker="both", **values)
    return services.save_part(statement, user=None)


def source_with(*sentences, date):
    return SourceDocumentFactory(text=" ".join(sentences), date=date)


def record_of_everything_but(slugs):
    """Every commitment and statement as it stands, except those of `slugs`: what must not change."""
    commitments = {
        c["slug"]: c
        for c in Commitment.objects.exclude(slug__in=slugs).values().order_by("pk")
        if c.pop("updated") and c.pop("version")
    }
    statements = list(Statement.objects.exclude(commitment__slug__in=slugs).values().order_by("pk"))
    return commitments, statements


# --- Restating a commitment from a second statement -----------------------------------------------------------


def test_a_second_statement_restates_ml1_and_adds_two_commitments(catalogue, client):
    before = record_of_everything_but([ML1])
    ml1 = Commitment.objects.get(slug=ML1)
    title, quote, source_id = ml1.title, ml1.quote, ml1.source_id

    report = import_catalogue_file(TEST_STATEMENT)

    assert report.counts[("commitments", "created")] == 2
    assert report.counts[("statements", "created")] == 3
    ml1.refresh_from_db()
    statements = list(ml1.statements.in_order())
    assert [s.source.slug for s in statements] == [
        "2025-02-21-china-pakistan-all-weather-partnership",
        "2025-09-01-joint-statement-for-tests",
    ]
    # The origin stays the speech: the commitment's title and quote do not change.
    assert (ml1.title, ml1.quote, ml1.source_id) == (title, quote, source_id)
    # Its deadline is now the restatement's, as precise as the source gave it.
    assert ml1.target_date == datetime.date(2030, 12, 31)
    assert ml1.target_date_precision == DatePrecision.YEAR
    assert ml1.claim_kind == ClaimKind.JOINT_PLEDGE
    # Nothing else changed, but for the two new commitments.
    after = record_of_everything_but([ML1, "test-statement-50-schools", "test-statement-500-scholarships"])
    assert after == before
    schools = Commitment.objects.get(slug="test-statement-50-schools")
    assert (schools.target_date, schools.target_date_precision) == (datetime.date(2027, 6, 30), DatePrecision.MONTH)
    assert schools.checkability == 5
    # A second run changes nothing.
    assert import_catalogue_file(TEST_STATEMENT).changed == 0

    page = client.get(ml1.get_absolute_url()).content.decode()
    assert ML1_RESTATED in page and quote in page
    assert "restatement" in page and "first statement" in page
    assert "by end of 2030" in page
    source_page = client.get(reverse("commitments:source_detail", args=["2025-09-01-joint-statement-for-tests"]))
    assert f'id="q-{ML1}"' in source_page.content.decode()
    assert ml1.get_absolute_url() in source_page.content.decode()


def test_the_api_lists_statements_and_counts_them(catalogue, client):
    import_catalogue_file(TEST_STATEMENT)
    record = client.get(reverse("commitments:api-commitment-detail", args=[ML1])).json()
    assert [s["source"]["slug"] for s in record["statements"]] == [
        "2025-02-21-china-pakistan-all-weather-partnership",
        "2025-09-01-joint-statement-for-tests",
    ]
    restated = record["statements"][1]
    assert restated["quote"] == ML1_RESTATED
    assert restated["date"] == "2025-09-01"
    assert restated["claim_kind"] == "joint_pledge"
    assert (restated["target_date"], restated["target_date_precision"]) == ("2030-12-31", "year")
    assert restated["quote_start"] == Statement.objects.get(commitment__slug=ML1, quote=ML1_RESTATED).quote_start
    assert set(restated) >= {"source", "date", "quote", "quote_start", "claim_kind", "target_date",
                             "target_date_precision", "quantity", "unit"}  # fmt: skip
    listing = client.get(reverse("commitments:api-commitment-list"), {"q": "Main Line-1"}).json()["results"]
    assert {r["slug"]: r["statement_count"] for r in listing}[ML1] == 2


def test_a_slug_of_another_source_is_refused_with_a_hint_to_restate(catalogue, tmp_path):
    data = read_catalogue(TEST_STATEMENT)
    entry = data["commitments"][0]
    del entry["restates"]
    entry.update(slug=ML1, title="Duplicate", pillar="practical", party="both", kind="infrastructure")
    with pytest.raises(CatalogueError) as refused:
        import_catalogue(data=data)
    assert f"restates: {ML1}" in str(refused.value)
    assert not Statement.objects.filter(quote=ML1_RESTATED).exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"restates": "no-such-commitment"}, "no commitment with slug 'no-such-commitment'"),
        ({"quote": "Words that are not in the text."}, "does not occur word for word"),
        ({"title": "A new title"}, "unknown fields: title"),
        ({"target_date_precision": "fortnight"}, "fortnight"),
        ({"claim_kind": "boast"}, "boast"),
    ],
)
def test_a_bad_restatement_is_refused_and_writes_nothing(catalogue, change, message):
    data = read_catalogue(TEST_STATEMENT)
    data["commitments"][0].update(change)
    statements = Statement.objects.count()
    with pytest.raises(CatalogueError) as refused:
        import_catalogue(data=data)
    assert message in str(refused.value)
    assert Statement.objects.count() == statements
    assert not Commitment.objects.filter(slug__startswith="test-statement-").exists()


def test_a_restatement_of_a_commitment_first_stated_in_the_same_source_is_refused(catalogue):
    data = read_catalogue(SPEECH)
    data["commitments"] = [{"restates": ML1, "quote": "Firstly, prioritizing key projects."}]
    with pytest.raises(CatalogueError) as refused:
        import_catalogue(data=data)
    assert "first stated in this source" in str(refused.value)


# --- Drift -------------------------------------------------------------------------------------------------------


def test_a_restatement_that_moves_the_deadline_later_is_marked(db, client):
    first = source_with("We will open the bridge by the end of 2026.", date=datetime.date(2025, 1, 10))
    later = source_with("The bridge will open in the first half of 2028.", date=datetime.date(2026, 3, 1))
    commitment = CommitmentFactory(source=first, quote="We will open the bridge by the end of 2026.")
    Statement.objects.filter(commitment=commitment).update(
        target_date=datetime.date(2026, 12, 31), target_date_precision=DatePrecision.YEAR, quantity=1
    )
    restate(
        commitment,
        later,
        "The bridge will open in the first half of 2028.",
        responsible_party=commitment.party,
        target_date=datetime.date(2028, 1, 15),
        target_date_precision=DatePrecision.HALF,
        quantity=2,
    )
    commitment.refresh_from_db()
    assert (commitment.target_date, commitment.target_date_precision) == (datetime.date(2028, 6, 30), "half")
    drift = Drift.of(list(commitment.statements.in_order()))
    assert [row.deadline_later for row in drift.rows] == [False, True]
    assert drift.rows[1].quantity_changed and not drift.rows[1].party_changed
    assert drift.moved_later
    # The line goes up from the first statement to the second.
    (x1, y1), (x2, y2) = drift.coordinates
    assert x1 < x2 and y2 < y1
    page = client.get(commitment.get_absolute_url()).content.decode()
    assert "A restatement moved the deadline later." in page
    assert "later than before" in page
    assert "by end of first half of 2028" in page
    assert '<svg class="drift"' in page


def test_a_commitment_stated_once_has_no_drift_mark(db, client):
    commitment = CommitmentFactory()
    page = client.get(commitment.get_absolute_url()).content.decode()
    assert "Stated once." in page
    assert "moved the deadline later" not in page


# --- Claim kinds ---------------------------------------------------------------------------------------------------


def test_reported_results_show_their_verification_not_a_status(db, client):
    result = CommitmentFactory(title="Trade passed one billion", status="completed", completion_date="2024-12-31")
    Statement.objects.filter(commitment=result).update(claim_kind=ClaimKind.REPORTED_RESULT)
    services.save_commitment(result, user=None, expected_version=services.FILE_ROW)
    Commitment.objects.filter(pk=result.pk).update(verification=Verification.CONFIRMED)
    result.refresh_from_db()
    assert result.claim_kind == ClaimKind.REPORTED_RESULT
    page = client.get(result.get_absolute_url()).content.decode()
    assert "Is it true?" in page and "Confirmed" in page
    assert str(Verification.CONFIRMED.meaning) in page
    assert "Status and progress" not in page
    table = client.get(reverse("commitments:commitment_list"), {"claim_kind": "reported_result"}).content.decode()
    assert "Trade passed one billion" in table
    api = client.get(reverse("commitments:api-commitment-detail", args=[result.slug])).json()
    assert (api["claim_kind"], api["verification"]) == ("reported_result", "confirmed")


def test_a_promise_has_no_verification_in_the_api(db, client):
    promise = CommitmentFactory()
    assert client.get(reverse("commitments:api-commitment-detail", args=[promise.slug])).json()["verification"] is None


def test_the_dashboard_counts_promises_by_statement_and_claims_apart(db, client):
    sentence = "We will export grains, cotton and oil."
    source = source_with(sentence, "Trade grew last year.", date=datetime.date(2025, 2, 21))
    for item in ("grains", "cotton", "oil"):
        CommitmentFactory(title=f"Export {item}", slug=f"export-{item}", source=source, quote=sentence)
    result = CommitmentFactory(title="Trade grew", source=source, quote="Trade grew last year.")
    Statement.objects.filter(commitment=result).update(claim_kind=ClaimKind.REPORTED_RESULT)
    services.save_commitment(result, user=None, expected_version=services.FILE_ROW)
    claims = client.get(reverse("commitments:dashboard")).context["claims"]
    assert (claims["promises"], claims["promise_statements"], claims["results"]) == (3, 1, 1)
    assert {state.value: n for state, n, _url in claims["verification"]}["unverified"] == 1
    page = client.get(claims["promises_url"]).content.decode()
    assert all(f"Export {item}" in page for item in ("grains", "cotton", "oil")) and "Trade grew" not in page


def test_the_table_and_api_filter_by_claim_kind(db, client):
    CommitmentFactory(title="A pledge")
    request = CommitmentFactory(title="A request")
    Statement.objects.filter(commitment=request).update(claim_kind=ClaimKind.REQUEST)
    services.save_commitment(request, user=None, expected_version=services.FILE_ROW)
    api = client.get(reverse("commitments:api-commitment-list"), {"claim_kind": "request"}).json()
    assert [r["title"] for r in api["results"]] == ["A request"]
    rows = list(csv.DictReader(io.StringIO(
        body(client.get(reverse("commitments:commitment_list"), {"claim_kind": "pledge", "_export": "csv"})).decode()
    )))  # fmt: skip
    assert [row["Commitment"] for row in rows] == ["A pledge"]
    assert rows[0]["Claim"] == "Pledge"
    refused = client.get(reverse("commitments:api-commitment-list"), {"claim_kind": "boast"})
    assert refused.status_code == 400


# --- Dates as precise as the source ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "precision", "latest", "shown", "deadline"),
    [
        ("2025-02-21", "day", "2025-02-21", "{day}", "{day}"),
        ("2025-02-03", "month", "2025-02-28", "February 2025", "by end of February 2025"),
        ("2024-02-03", "month", "2024-02-29", "February 2024", "by end of February 2024"),
        ("2025-08-10", "quarter", "2025-09-30", "Q3 2025", "by end of Q3 2025"),
        ("2026-02-01", "half", "2026-06-30", "first half of 2026", "by end of first half of 2026"),
        ("2026-07-01", "half", "2026-12-31", "second half of 2026", "by end of second half of 2026"),
        ("2025-01-01", "year", "2025-12-31", "2025", "by end of 2025"),
        ("2025-02-21", "on_or_before", "2025-02-21", "on or before {day}", "on or before {day}"),
    ],
)
def test_dates_are_stored_as_the_latest_day_and_shown_as_the_source_gives_them(day, precision, latest, shown, deadline):
    stored = latest_day(datetime.date.fromisoformat(day), precision)
    assert stored == datetime.date.fromisoformat(latest)
    with translation.override("en"):
        exact = date_format(stored, "DATE_FORMAT")  # an exact day, as the site writes days
        assert PreciseDate(stored, precision).period() == shown.format(day=exact)
        assert PreciseDate(stored, precision).deadline() == deadline.format(day=exact)


def test_overdue_uses_the_latest_day_the_date_allows(db):
    year = CommitmentFactory(target_date=datetime.date(2025, 3, 1), target_date_precision=DatePrecision.YEAR)
    assert year.target_date == datetime.date(2025, 12, 31)
    assert not Commitment.objects.overdue(today=datetime.date(2025, 12, 31)).filter(pk=year.pk).exists()
    assert Commitment.objects.overdue(today=datetime.date(2026, 1, 1)).filter(pk=year.pk).exists()


def test_a_milestone_and_a_completion_date_keep_their_precision(db, client):
    commitment = CommitmentFactory(
        status="completed", completion_date=datetime.date(2025, 2, 21), completion_date_precision="on_or_before"
    )
    milestone = Milestone(commitment=commitment, title="Visit", completed_date=datetime.date(2024, 6, 3),
                          completed_date_precision=DatePrecision.MONTH)  # fmt: skip
    services.save_part(milestone, user=None)
    assert milestone.completed_date == datetime.date(2024, 6, 30)
    commitment.refresh_from_db()
    assert commitment.completion_date_precision == DatePrecision.ON_OR_BEFORE
    page = client.get(commitment.get_absolute_url()).content.decode()
    assert f"on or before {date_format(datetime.date(2025, 2, 21), 'DATE_FORMAT')}" in page
    assert "completed June 2024" in page
    api = client.get(reverse("commitments:api-commitment-detail", args=[commitment.slug])).json()
    assert (api["completion_date"], api["completion_date_precision"]) == ("2025-02-21", "on_or_before")
    assert api["milestones"][0]["completed_date_precision"] == "month"


def test_iati_says_how_the_source_gave_an_imprecise_date(db, client):
    commitment = CommitmentFactory(target_date=datetime.date(2027, 1, 1), target_date_precision=DatePrecision.YEAR)
    assert imprecision(commitment, "target_date") == (
        "The source gives this date as 2027; the date given is the latest day that allows."
    )
    assert imprecision(CommitmentFactory(target_date=datetime.date(2027, 1, 1)), "target_date") is None
    xml = client.get(reverse("commitments:iati_activity", args=[commitment.slug])).content.decode()
    assert 'iso-date="2027-12-31"' in xml and "The source gives this date as 2027" in xml


# --- Can it be checked? ------------------------------------------------------------------------------------------


def test_checkability_counts_what_any_statement_names(db, client):
    first = source_with("We will build schools.", date=datetime.date(2025, 1, 1))
    later = source_with("Fifty schools by 2027.", date=datetime.date(2025, 6, 1))
    commitment = CommitmentFactory(source=first, quote="We will build schools.", party="china")
    Statement.objects.filter(commitment=commitment).update(deliverable="schools", responsible_party="")
    restate(commitment, later, "Fifty schools by 2027.", quantity=Decimal(50), unit="schools",
            target_date=datetime.date(2027, 1, 1), target_date_precision="year")  # fmt: skip
    commitment.refresh_from_db()
    assert commitment.checkability == 3
    page = client.get(commitment.get_absolute_url()).content.decode()
    assert "3 of 5: no place, no responsible party" in page
    listed = client.get(reverse("commitments:api-commitment-list"), {"checkability": 3}).json()["results"]
    assert [r["slug"] for r in listed] == [commitment.slug]
    assert client.get(reverse("commitments:api-commitment-list"), {"names": ["deadline", "place"]}).json()["count"] == 0
    named = client.get(reverse("commitments:api-commitment-list"), {"names": ["deadline", "quantity"]}).json()
    assert named["count"] == 1


# --- The write path ----------------------------------------------------------------------------------------------


def test_a_quote_not_in_its_source_is_refused_and_writes_nothing(db):
    commitment = CommitmentFactory()
    later = source_with("Something else entirely.", date=datetime.date(2026, 1, 1))
    with pytest.raises(ValidationError) as refused:
        restate(commitment, later, "Words that are not there.")
    assert "word for word" in str(refused.value)
    assert commitment.statements.count() == 1


def test_one_statement_per_source(db):
    commitment = CommitmentFactory()
    with pytest.raises(ValidationError) as refused:
        restate(commitment, commitment.source, commitment.quote)
    assert "already has a statement from that source" in str(refused.value)


def test_editing_the_commitments_quote_edits_its_first_statement(db):
    source = source_with("We will build a road.", "We will build a bridge.", date=datetime.date(2025, 1, 1))
    commitment = CommitmentFactory(source=source, quote="We will build a road.")
    commitment.quote = "We will build a bridge."
    services.save_commitment(commitment, user=None, expected_version=commitment.version)
    statement = commitment.statements.get()
    assert (statement.quote, statement.quote_start) == (
        "We will build a bridge.",
        source.text.index("We will build a bridge."),
    )


def test_an_earlier_source_becomes_the_origin(db):
    later = source_with("We will build a port.", date=datetime.date(2025, 6, 1))
    earlier = source_with("A port will be built.", date=datetime.date(2024, 6, 1))
    commitment = CommitmentFactory(source=later, quote="We will build a port.")
    restate(commitment, earlier, "A port will be built.")
    commitment.refresh_from_db()
    assert (commitment.source_id, commitment.quote) == (earlier.pk, "A port will be built.")


def test_a_changed_source_text_moves_every_statement_in_it(db):
    source = source_with("Intro.", "We will build a port.", date=datetime.date(2025, 1, 1))
    commitment = CommitmentFactory(source=source, quote="We will build a port.")
    source.text = "A longer introduction. We will build a port."
    services.save_shared(source, user=None)
    commitment.refresh_from_db()
    assert commitment.statements.get().quote_start == source.text.index("We will build a port.")
    assert commitment.quote_start == source.text.index("We will build a port.")


def test_a_backup_restores_every_statement(catalogue, tmp_path):
    import_catalogue_file(TEST_STATEMENT)
    path = tmp_path / "backup.json"
    call_command("backup", str(path), stdout=io.StringIO())
    statements = sorted(Statement.objects.values_list("commitment__slug", "source__slug", "quote"))
    from commitments.backup import backed_up_models

    for model in reversed(backed_up_models()):
        model._default_manager.all().delete()
    call_command("restore", str(path), stdout=io.StringIO())
    assert sorted(Statement.objects.values_list("commitment__slug", "source__slug", "quote")) == statements


def test_a_field_a_catalogue_gives_for_the_first_time_is_set_unless_an_editor_changed_it(catalogue):
    data = read_catalogue(TEST_STATEMENT)
    import_catalogue(data=data)  # the schools entry gives no verification: it keeps the default
    Commitment.objects.filter(slug="test-statement-500-scholarships").update(verification=Verification.CONTRADICTED)
    for entry in data["commitments"][1:]:
        entry["verification"] = Verification.CONFIRMED
    report = import_catalogue(data=data)
    verification = dict(
        Commitment.objects.filter(slug__startswith="test-statement-").values_list("slug", "verification")
    )
    assert verification == {
        "test-statement-50-schools": Verification.CONFIRMED,  # nobody had changed the default
        "test-statement-500-scholarships": Verification.CONTRADICTED,  # an editor's value is kept
    }
    assert any("test-statement-500-scholarships.verification" in line for line in report.kept)


# --- The admin -------------------------------------------------------------------------------------------------------


def statement_rows(*rows, initial=0):
    data = {**inline_management("statements", len(rows)), "statements-INITIAL_FORMS": str(initial)}
    for n, row in enumerate(rows):
        data.update({f"statements-{n}-{name}": value for name, value in row.items()})
    return data


def test_the_admin_adds_a_commitment_with_a_restatement(client, editor):
    client.force_login(editor)
    pillar, first = PillarFactory(), SourceDocumentFactory(date=datetime.date(2025, 1, 1))
    later = source_with("The road will be finished in 2027.", date=datetime.date(2025, 6, 1))
    data = add_form(pillar, first)
    data.update(
        statement_rows(
            {
                "source": later.pk,
                "quote": "The road will be finished in 2027.",
                "speaker": "pakistan",
                "claim_kind": "pledge",
                "target_date": "2027-01-01",
                "target_date_precision": "year",
                "responsible_party": "pakistan",
            }
        )
    )
    response = client.post(reverse("admin:commitments_commitment_add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    commitment = Commitment.objects.get(slug="northern-road")
    # The form's source and quote are its first statement; the inline row restates it.
    assert [(s.source_id, s.quote) for s in commitment.statements.in_order()] == [
        (first.pk, "We will build the northern road by next year."),
        (later.pk, "The road will be finished in 2027."),
    ]
    assert (commitment.source_id, commitment.target_date) == (first.pk, datetime.date(2027, 12, 31))
    assert commitment.statements.get(source=later).history.first().history_user == editor


def test_the_admin_edits_a_quote_only_in_its_statement(client, editor):
    client.force_login(editor)
    source = source_with("We will build a road.", "We will build a bridge.", date=datetime.date(2025, 1, 1))
    commitment = CommitmentFactory(source=source, quote="We will build a road.")
    url = reverse("admin:commitments_commitment_change", args=[commitment.pk])
    page = client.get(url)
    assert "quote" not in page.context["adminform"].form.fields  # shown, not edited, on the commitment
    statement = commitment.statements.get()
    data = change_form(commitment, commitment.version, quote="We will build a bridge.")
    row = {
        "id": statement.pk,
        "commitment": commitment.pk,
        "source": source.pk,
        "quote": "We will build a bridge.",
        "speaker": statement.speaker,
        "claim_kind": "request",
        "target_date": "2026-04-01",
        "target_date_precision": "quarter",
        "responsible_party": "pakistan",
    }
    data.update(statement_rows(row, initial=1))
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    commitment.refresh_from_db()
    assert (commitment.quote, commitment.claim_kind) == ("We will build a bridge.", "request")
    assert (commitment.target_date, commitment.target_date_precision) == (datetime.date(2026, 6, 30), "quarter")


def test_the_admin_refuses_a_statement_quote_missing_from_its_source(client, editor):
    client.force_login(editor)
    commitment = CommitmentFactory()
    statement = commitment.statements.get()
    data = change_form(commitment, commitment.version)
    row = {"id": statement.pk, "commitment": commitment.pk, "source": statement.source_id,
           "quote": "Words that are not there.", "speaker": "china", "claim_kind": "pledge"}  # fmt: skip
    data.update(statement_rows(row, initial=1))
    response = client.post(reverse("admin:commitments_commitment_change", args=[commitment.pk]), data)
    assert response.status_code == 200
    assert "does not occur word for word" in response.content.decode()
    assert commitment.statements.get().quote == statement.quote


def test_the_dashboard_names_the_statements_and_parties_it_covers(catalogue, client):
    import_catalogue_file(TEST_STATEMENT)
    page = client.get(reverse("commitments:dashboard")).content.decode()
    for slug in ("2025-02-21-china-pakistan-all-weather-partnership", "2025-09-01-joint-statement-for-tests"):
        assert f'href="/sources/{slug}/"' in page
    assert 'href="/commitments/?party=china">China</a>' in page


def test_the_statement_count_follows_each_statement_added_and_removed(catalogue):
    ml1 = Commitment.objects.get(slug=ML1)
    assert ml1.statement_count == 1
    import_catalogue_file(TEST_STATEMENT)
    ml1.refresh_from_db()
    assert ml1.statement_count == 2
    services.delete_part(Statement.objects.get(commitment=ml1, quote=ML1_RESTATED), user=None)
    ml1.refresh_from_db()
    assert ml1.statement_count == 1
