"""Open-data exports: IATI activity XML (valid against the official 2.03 schema) and the AidData-style CSV."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import translation
from lxml import etree

from commitments import aiddata, iati, services
from commitments.iati import XML_LANG
from commitments.models import Commitment
from commitments.vocabulary import CommitmentKind, Measure, Party, Status

from .factories import (
    CommitmentFactory,
    IndicatorFactory,
    MeasurementFactory,
    MilestoneFactory,
    ProgressUpdateFactory,
    ThemeFactory,
)
from .helpers import count_queries

pytestmark = pytest.mark.django_db

ALL_URL = "commitments:iati_activities"
ONE_URL = "commitments:iati_activity"
CSV_URL = "commitments:aiddata_csv"
SECRET = "Internal: the minister privately doubts this"


def get_xml(client, *args, name=None):
    response = client.get(reverse(name or (ONE_URL if args else ALL_URL), args=args))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    return response, etree.fromstring(response.content)


def assert_valid(document):
    schema = iati.schema()
    assert schema.validate(document), "\n".join(str(error) for error in schema.error_log)


def get_csv(client):
    response = client.get(reverse(CSV_URL))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8"))))


def activity_for(document, commitment):
    found = [
        node for node in document.iter("iati-activity") if node.findtext("iati-identifier").endswith(commitment.slug)
    ]
    assert len(found) == 1
    return found[0]


@pytest.fixture
def hidden(db):
    """A published commitment with an internal update and notes, and a draft with public-looking records."""
    shown = CommitmentFactory(slug="shown-road", title="Shown road", internal_notes=SECRET)
    ProgressUpdateFactory(commitment=shown, public=False, text=SECRET)
    ProgressUpdateFactory(commitment=shown, public=True, text="Public progress note")
    draft = CommitmentFactory(slug="draft-road", title="Draft road never published", published=False)
    IndicatorFactory(commitment=draft, name="Draft indicator")
    ProgressUpdateFactory(commitment=draft, public=True, text="Update on a draft")
    return shown, draft


# --------------------------------------------------------------------------------------------------------------------
# Schema validity


def test_the_shipped_schema_loads_offline():
    assert iati.SCHEMA_FILE.exists()
    assert {path.name for path in iati.SCHEMA_FILE.parent.iterdir()} == {
        "iati-activities-schema.xsd",
        "iati-common.xsd",
        "xml.xsd",
    }
    assert iati.schema() is iati.schema()


def test_full_catalogue_validates_against_the_iati_schema(client, catalogue):
    _, document = get_xml(client)
    assert_valid(document)
    assert document.get("version") == "2.03"
    assert len(document.findall("iati-activity")) == Commitment.objects.published().count() >= 45


def test_every_catalogue_activity_validates_on_its_own(client, catalogue):
    for commitment in Commitment.objects.published():
        _, document = get_xml(client, commitment.slug)
        assert_valid(document)
        assert len(document.findall("iati-activity")) == 1


def test_a_rich_activity_validates_and_carries_every_element(client, settings):
    settings.IATI_REPORTING_ORG_REF = "XI-IATI-TEST"
    theme = ThemeFactory(slug="health")
    parent = CommitmentFactory(slug="parent-hospital", pillar=theme.pillar)
    commitment = CommitmentFactory(
        slug="hospital",
        pillar=theme.pillar,
        theme=theme,
        parent=parent,
        kind=CommitmentKind.PROGRAMME,
        party=Party.BOTH,
        status=Status.COMPLETED,
        location="Gwadar",
        latitude="25.12000",
        longitude="62.32500",
        start_date=datetime.date(2020, 1, 1),
        target_date=datetime.date(2024, 12, 31),
        completion_date=datetime.date(2024, 6, 30),
        aiddata_id="12345",
    )
    CommitmentFactory(slug="hospital-wing", pillar=theme.pillar, parent=commitment)
    _, document = get_xml(client, commitment.slug)
    assert_valid(document)
    node = document.find("iati-activity")
    assert node.findtext("iati-identifier") == "XI-IATI-TEST-hospital"
    assert node.find("reporting-org").get("ref") == "XI-IATI-TEST"
    assert node.find("reporting-org").get("secondary-reporter") == "1"
    assert node.find("activity-status").get("code") == "4"
    dates = {date.get("type"): date.get("iso-date") for date in node.findall("activity-date")}
    assert dates == {"2": "2020-01-01", "3": "2024-12-31", "4": "2024-06-30"}
    assert [(org.get("role"), org.findtext("narrative")) for org in node.findall("participating-org")] == [
        ("1", iati.CHINA.name),
        ("4", iati.PAKISTAN.name),
    ]
    assert node.find("recipient-country").attrib == {"code": "PK", "percentage": "100"}
    assert node.findtext("location/name/narrative") == "Gwadar"
    assert node.findtext("location/point/pos") == "25.12 62.325"
    assert node.find("sector").get("code") == "12220"
    assert node.find("other-identifier").get("ref") == "12345"
    assert [category.get("code") for category in node.findall("document-link/category")] == ["A12", "A02"]
    urls = [link.get("url") for link in node.findall("document-link")]
    assert urls[0] == f"http://testserver{commitment.get_absolute_url()}"
    assert urls[1].startswith(f"http://testserver{commitment.source.get_absolute_url()}")
    related = {(r.get("type"), r.get("ref")) for r in node.findall("related-activity")}
    assert related == {("1", "XI-IATI-TEST-parent-hospital"), ("2", "XI-IATI-TEST-hospital-wing")}


def test_a_recorded_iati_identifier_is_used_as_is(client):
    commitment = CommitmentFactory(iati_identifier="CN-1-PROJECT-7")
    _, document = get_xml(client, commitment.slug)
    assert document.findtext("iati-activity/iati-identifier") == "CN-1-PROJECT-7"


def test_a_commitment_without_dates_gets_its_statement_date_as_planned_start(client):
    commitment = CommitmentFactory(target_date=None, start_date=None)
    _, document = get_xml(client, commitment.slug)
    assert_valid(document)
    dates = document.findall("iati-activity/activity-date")
    assert [(d.get("type"), d.get("iso-date")) for d in dates] == [("1", commitment.source.date.isoformat())]


def test_a_future_start_is_planned_even_when_work_is_in_progress(client):
    commitment = CommitmentFactory(status=Status.IN_PROGRESS, start_date=datetime.date(2099, 1, 1), target_date=None)
    _, document = get_xml(client, commitment.slug)
    assert document.find("iati-activity/activity-date").get("type") == "1"


# --------------------------------------------------------------------------------------------------------------------
# Mappings


@pytest.mark.parametrize(
    ("status", "code", "aiddata_status"),
    [
        (Status.ANNOUNCED, "1", "Pledge"),
        (Status.PLANNED, "1", "Commitment"),
        (Status.IN_PROGRESS, "2", "Implementation"),
        (Status.ONGOING, "2", "Implementation"),
        (Status.COMPLETED, "4", "Completion"),
        (Status.STALLED, "6", "Suspended"),
        (Status.CANCELLED, "5", "Cancelled"),
    ],
)
def test_status_maps_to_iati_activity_status_and_aiddata_status(client, status, code, aiddata_status):
    completion = datetime.date(2025, 1, 31) if status == Status.COMPLETED else None
    commitment = CommitmentFactory(status=status, completion_date=completion)
    _, document = get_xml(client, commitment.slug)
    assert_valid(document)
    assert document.find("iati-activity/activity-status").get("code") == code
    assert get_csv(client)[0]["Status"] == aiddata_status


@pytest.mark.parametrize(
    ("party", "roles"),
    [
        (Party.CHINA, [("1", iati.CHINA.name)]),
        (Party.PAKISTAN, [("4", iati.PAKISTAN.name)]),
        (Party.BOTH, [("1", iati.CHINA.name), ("4", iati.PAKISTAN.name)]),
        (Party.THIRD_PARTIES, [("4", iati.THIRD_PARTIES.name)]),
    ],
)
def test_parties_become_participating_organisations(client, party, roles):
    commitment = CommitmentFactory(party=party)
    _, document = get_xml(client, commitment.slug)
    assert_valid(document)
    found = [(org.get("role"), org.findtext("narrative")) for org in document.iter("participating-org")]
    assert found == roles
    financier = get_csv(client)[0]["Financier Country"]
    assert financier == (aiddata.FINANCIER_CHINA if party in (Party.CHINA, Party.BOTH) else "")


@pytest.mark.parametrize(
    ("theme", "kind", "code", "aiddata_code"),
    [
        ("key-projects", CommitmentKind.INFRASTRUCTURE, "21010", "210"),
        ("agriculture", CommitmentKind.PROGRAMME, "31120", "310"),
        ("health", CommitmentKind.PROGRAMME, "12220", "120"),
        ("growth-points", CommitmentKind.TRADE, "33110", "330"),
        ("growth-points", CommitmentKind.INFRASTRUCTURE, None, ""),
        ("people-to-people", CommitmentKind.DIPLOMATIC, None, ""),
    ],
)
def test_sector_from_theme_and_kind_or_none(client, theme, kind, code, aiddata_code):
    theme = ThemeFactory(slug=theme)
    commitment = CommitmentFactory(theme=theme, pillar=theme.pillar, kind=kind)
    _, document = get_xml(client, commitment.slug)
    sectors = document.findall("iati-activity/sector")
    assert [sector.get("code") for sector in sectors] == ([code] if code else [])
    row = get_csv(client)[0]
    assert row["Sector Code"] == aiddata_code


# --------------------------------------------------------------------------------------------------------------------
# Results from indicators


def test_results_carry_baseline_target_and_actuals_from_measurements(client):
    commitment = CommitmentFactory(target_date=datetime.date(2030, 12, 31))
    trained = IndicatorFactory(
        commitment=commitment,
        name="Engineers trained",
        unit="people",
        measure=Measure.COUNT,
        baseline_value=10,
        baseline_date=datetime.date(2024, 1, 1),
        target_value=1000,
        target_date=datetime.date(2028, 6, 30),
    )
    MeasurementFactory(indicator=trained, value=250, as_of=datetime.date(2025, 6, 30), note="First cohort")
    MeasurementFactory(indicator=trained, value="400.50", as_of=datetime.date(2026, 6, 30))
    trade = IndicatorFactory(
        commitment=commitment, unit="USD", measure=Measure.AMOUNT, baseline_value=None, target_value=None
    )
    MeasurementFactory(indicator=trade, value=1_000_000_000, as_of=datetime.date(2024, 12, 31))
    _, document = get_xml(client, commitment.slug)
    assert_valid(document)
    first, second = document.findall("iati-activity/result")
    assert first.get("type") == "1"  # a count: output
    assert second.get("type") == "2"  # an amount: outcome
    indicator = first.find("indicator")
    assert indicator.get("measure") == "1"
    assert indicator.findtext("title/narrative") == "Engineers trained (people)"
    assert indicator.find("baseline").attrib == {"year": "2024", "value": "10", "iso-date": "2024-01-01"}
    periods = indicator.findall("period")
    targets = [(p.find("period-start").get("iso-date"), p.find("period-end").get("iso-date")) for p in periods]
    assert targets == [("2024-01-01", "2028-06-30"), ("2024-01-01", "2025-06-30"), ("2024-01-01", "2026-06-30")]
    assert [p.find("target").get("value") for p in periods[:1]] == ["1000"]
    assert [p.find("actual").get("value") for p in periods[1:]] == ["250", "400.5"]
    assert periods[1].findtext("actual/comment/narrative") == "First cohort"
    assert second.find("indicator/baseline") is None
    assert second.find("indicator/period/actual").get("value") == "1000000000"


def test_a_target_without_any_date_is_described_not_dropped(client):
    commitment = CommitmentFactory(target_date=None)
    IndicatorFactory(commitment=commitment, unit="people", baseline_value=None, target_value=1000, target_date=None)
    _, document = get_xml(client, commitment.slug)
    assert_valid(document)
    indicator = document.find("iati-activity/result/indicator")
    assert indicator.find("period") is None
    assert "Target: 1000 people" in indicator.findtext("description/narrative")


def test_a_decreasing_target_is_marked_descending(client):
    commitment = CommitmentFactory()
    IndicatorFactory(commitment=commitment, measure=Measure.PERCENT, baseline_value=40, target_value=10)
    _, document = get_xml(client, commitment.slug)
    assert_valid(document)
    indicator = document.find("iati-activity/result/indicator")
    assert indicator.get("ascending") == "0"
    assert indicator.get("measure") == "2"


# --------------------------------------------------------------------------------------------------------------------
# Only public data


def test_drafts_internal_notes_and_updates_are_absent_from_xml_and_csv(client, hidden):
    shown, draft = hidden
    for response in [
        client.get(reverse(ALL_URL)),
        client.get(reverse(ONE_URL, args=[shown.slug])),
        client.get(reverse(CSV_URL)),
    ]:
        assert response.status_code == 200
        text = response.content.decode("utf-8")
        assert shown.slug in text
        for leaked in [SECRET, draft.slug, draft.title, "Draft indicator", "Update on a draft"]:
            assert leaked not in text, leaked
    rows = get_csv(client)
    assert [row["Tracker Slug"] for row in rows] == [shown.slug]


def test_a_drafts_xml_is_404_and_so_is_an_unknown_slug(client, hidden):
    _, draft = hidden
    assert client.get(reverse(ONE_URL, args=[draft.slug])).status_code == 404
    assert client.get(reverse(ONE_URL, args=["no-such-commitment"])).status_code == 404


def test_a_draft_parent_or_child_is_not_named_as_a_related_activity(client):
    draft_parent = CommitmentFactory(slug="secret-parent", published=False)
    commitment = CommitmentFactory(parent=draft_parent)
    CommitmentFactory(slug="secret-child", published=False, parent=commitment)
    response, document = get_xml(client, commitment.slug)
    assert document.find("iati-activity/related-activity") is None
    assert b"secret-" not in response.content


def test_unpublishing_removes_the_commitment_from_the_cached_exports(client):
    commitment = CommitmentFactory(slug="soon-hidden")
    assert b"soon-hidden" in client.get(reverse(ALL_URL)).content
    assert b"soon-hidden" in client.get(reverse(CSV_URL)).content
    assert client.get(reverse(ONE_URL, args=[commitment.slug])).status_code == 200
    services.set_published([commitment], False, user=None)
    assert b"soon-hidden" not in client.get(reverse(ALL_URL)).content
    assert b"soon-hidden" not in client.get(reverse(CSV_URL)).content
    assert client.get(reverse(ONE_URL, args=[commitment.slug])).status_code == 404


# --------------------------------------------------------------------------------------------------------------------
# The CSV


def test_csv_has_the_documented_columns_and_one_row_per_published_commitment(client, catalogue):
    CommitmentFactory(published=False)
    response = client.get(reverse(CSV_URL))
    assert response["Content-Disposition"] == 'attachment; filename="aiddata.csv"'
    rows = get_csv(client)
    assert list(rows[0]) == aiddata.COLUMNS
    published = Commitment.objects.published()
    assert sorted(row["Tracker Slug"] for row in rows) == sorted(published.values_list("slug", flat=True))
    assert len(rows) >= 45
    for row in rows:
        assert row["Recommended For Aggregates"] == "No"
        assert row["Recipient"] == "Pakistan"
        assert row["Commitment Year"] == "2025"
        assert row["Source URLs"].startswith("http://testserver/sources/")
        assert row["Tracker URL"] == f"http://testserver/commitments/{row['Tracker Slug']}/"
    by_slug = {row["Tracker Slug"]: row for row in rows}
    dairy = by_slug["buffalo-dairy-first-batch"]
    assert (dairy["Status"], dairy["Completion Year"]) == ("Completion", "2025")
    assert by_slug["prioritise-key-projects"]["Umbrella"] == "Yes"
    assert by_slug["kkh-phase-ii-realignment"]["Sector Name"] == "TRANSPORT AND STORAGE"
    # Trade volumes in USD are measurements, not a promised amount: no amount without a USD target.
    assert by_slug["agricultural-trade"]["Amount (Original Currency)"] == ""


def test_csv_amount_comes_from_a_usd_target(client):
    commitment = CommitmentFactory(start_date=datetime.date(2024, 3, 1))
    IndicatorFactory(commitment=commitment, unit="tonnes", target_value=50)
    IndicatorFactory(commitment=commitment, unit="USD", measure=Measure.AMOUNT, target_value="250000000.00")
    (row,) = get_csv(client)
    assert row["Amount (Original Currency)"] == row["Amount (Nominal USD)"] == "250000000"
    assert row["Original Currency"] == "USD"
    assert row["Amount (Constant USD 2021)"] == ""
    assert row["Implementation Start Year"] == "2024"


def test_csv_escapes_formula_cells(client):
    commitment = CommitmentFactory(
        title='=HYPERLINK("http://evil.example","click")', summary="+1 summary", aiddata_id="-5"
    )
    (row,) = get_csv(client)
    assert row["Title"] == "'" + commitment.title
    assert row["Description"].startswith("'+1 summary")
    assert row["AidData Record ID"] == "-5"  # a plain number stays as it is


def test_xml_escapes_markup_in_stored_text(client):
    commitment = CommitmentFactory(title="<script>alert(1)</script> & co", summary="Bad \x0b control")
    response, document = get_xml(client, commitment.slug)
    assert_valid(document)
    assert b"<script>" not in response.content
    assert document.findtext("iati-activity/title/narrative") == "<script>alert(1)</script> & co"
    assert document.findtext("iati-activity/description/narrative") == "Bad  control"


# --------------------------------------------------------------------------------------------------------------------
# Query count


def make_commitments(n, start):
    """n published commitments with their records; every third is the child of the one before."""
    previous = None
    for i in range(start, start + n):
        parent = previous if i % 3 == 2 else None
        previous = CommitmentFactory(slug=f"query-{i}", parent=parent, latitude="30.00000", longitude="70.00000")
        MilestoneFactory(commitment=previous)
        indicator = IndicatorFactory(commitment=previous)
        MeasurementFactory.create_batch(2, indicator=indicator)
        ProgressUpdateFactory(commitment=previous)
        ProgressUpdateFactory(commitment=previous, public=False)
    CommitmentFactory(slug=f"query-draft-{start}", published=False)


def test_query_count_of_the_full_xml_and_csv_does_not_grow(client, settings):
    settings.PUBLIC_PAGE_CACHE = False
    make_commitments(5, 0)
    small = [count_queries(client, reverse(name)) for name in (ALL_URL, CSV_URL)]
    make_commitments(45, 5)
    assert Commitment.objects.published().count() == 50
    large = [count_queries(client, reverse(name)) for name in (ALL_URL, CSV_URL)]
    assert small == large


# --------------------------------------------------------------------------------------------------------------------
# Links from the pages


def test_footer_links_both_files_and_the_detail_page_links_its_activity(client):
    commitment = CommitmentFactory()
    page = client.get(commitment.get_absolute_url()).content.decode()
    assert f'href="{reverse(ALL_URL)}"' in page
    assert f'href="{reverse(CSV_URL)}"' in page
    assert f'href="{reverse(ONE_URL, args=[commitment.slug])}"' in page


# --------------------------------------------------------------------------------------------------------------------
# Languages


def test_files_are_english_with_translations_as_extra_narratives(client):
    commitment = CommitmentFactory(title="Northern road", title_ur="شمالی سڑک", summary="A road.", summary_ur="")
    IndicatorFactory(commitment=commitment, unit="USD", unit_ur="ڈالر", target_value=5, measure=Measure.AMOUNT)
    with translation.override("ur"):
        urls = [reverse(ONE_URL, args=[commitment.slug]), reverse(CSV_URL)]
    response = client.get(urls[0])
    assert response.status_code == 200
    document = etree.fromstring(response.content)
    assert_valid(document)
    title = document.find("iati-activity/title")
    assert [(node.get(XML_LANG), node.text) for node in title] == [(None, "Northern road"), ("ur", "شمالی سڑک")]
    assert [node.text for node in document.find("iati-activity/description")] == ["A road."]
    assert document.findtext("iati-activity/result/indicator/title/narrative").endswith("(USD)")
    (row,) = csv.DictReader(io.StringIO(client.get(urls[1]).content.decode("utf-8")))
    assert (row["Title"], row["Amount (Original Currency)"]) == ("Northern road", "5")


def test_the_api_documentation_is_a_page_with_every_filter_and_its_values(client, db):
    page = client.get(reverse("commitments:api_docs"))
    assert page.status_code == 200 and page["Content-Type"].startswith("text/html")
    html = page.content.decode()
    assert "<code>GET /api/commitments/</code>" in html and "<code>GET /api/commitments/{slug}/</code>" in html
    assert "aspiration, joint_pledge, pledge, reported_result, request (repeatable)" in html
    assert "<script" not in html


def test_the_open_data_page_explains_and_links_each_file(client, db):
    html = client.get(reverse("commitments:open_data")).content.decode()
    for name in ("iati_activities", "aiddata_csv", "api_docs", "api_schema"):
        assert f'href="{reverse(f"commitments:{name}")}"' in html


def test_iati_xml_is_sent_as_xml_without_a_policy_that_blocks_the_browsers_viewer(client, db):
    response = client.get(reverse("commitments:iati_activities"))
    assert response["Content-Type"].startswith("application/xml")
    assert "Content-Security-Policy" not in response
    assert "Content-Security-Policy" in client.get(reverse("commitments:open_data"))
