"""The evidence after the speech: the web pages the shipped catalogue cites, who published them, and the dated,
sourced updates and measurements they support. Each test reads the shipped YAML file and, where the point is
what the import makes of it, the imported rows (the `catalogue` fixture)."""

import datetime
import re
from decimal import Decimal

import pytest
import yaml

from commitments.models import Commitment, EvidenceSource, Indicator, Measurement, ProgressUpdate
from commitments.vocabulary import PublisherKind, SourceKind, Status

from .conftest import CATALOGUE

DATA = yaml.safe_load(CATALOGUE.read_text(encoding="utf-8"))
EVIDENCE = {entry["url"]: entry for entry in DATA["evidence"]}
ENTRIES = {entry["slug"]: entry for entry in DATA["commitments"]}
SPEECH_DATE = datetime.date(2025, 2, 21)
COUNTRY = re.compile(r"^[A-Z]{3}$")


def citations():
    """(where, URL) for every update and measurement of the file that cites a URL."""
    for slug, entry in ENTRIES.items():
        for update in entry.get("updates") or []:
            if update.get("source_url"):
                yield f"{slug} update of {update['date']}", update["source_url"]
        for indicator in entry.get("indicators") or []:
            for measurement in indicator.get("measurements") or []:
                if measurement.get("source_url"):
                    yield f"{indicator['slug']} measurement of {measurement['as_of']}", measurement["source_url"]


def later_updates(slug):
    return [update for update in ENTRIES[slug]["updates"] if update["date"] > SPEECH_DATE]


# --- (a) Every page is cited, every citation is a page -----------------------------------------------------------


def test_evidence_lists_each_url_once():
    urls = [entry["url"] for entry in DATA["evidence"]]
    assert urls and len(urls) == len(set(urls))


def test_every_evidence_url_is_cited_and_every_cited_url_is_evidence():
    cited = {url for _, url in citations()}
    assert set(EVIDENCE) - cited == set(), "evidence that nothing cites"
    uncited = [(where, url) for where, url in citations() if url not in EVIDENCE]
    assert uncited == [], "citations of a page that is not an evidence entry"


def test_every_imported_citation_points_at_its_evidence_record(catalogue):
    for url, entry in EVIDENCE.items():
        record = EvidenceSource.objects.get(url=url)
        assert (record.publisher, record.publisher_kind) == (entry["publisher"], entry["publisher_kind"]), url
    for update in ProgressUpdate.objects.exclude(source_url=""):
        assert update.evidence is not None and update.evidence.url == update.source_url, update
    for measurement in Measurement.objects.exclude(source_url=""):
        assert measurement.evidence is not None and measurement.evidence.url == measurement.source_url, measurement
    cited = set(ProgressUpdate.objects.exclude(source_url="").values_list("source_url", flat=True))
    cited |= set(Measurement.objects.exclude(source_url="").values_list("source_url", flat=True))
    assert cited == set(EVIDENCE)


# --- (b) Who published each page ---------------------------------------------------------------------------------


@pytest.mark.parametrize("url", sorted(EVIDENCE))
def test_every_evidence_entry_names_its_publisher_and_kind(url):
    entry = EVIDENCE[url]
    assert set(entry) <= {"url", "title", "publisher", "publisher_kind", "country", "published_on", "retrieved_on"}
    assert entry["title"].strip() and entry["publisher"].strip()
    assert entry["publisher_kind"] in PublisherKind.values
    assert entry["publisher_kind"] != PublisherKind.UNCLASSIFIED
    if entry["publisher_kind"] == PublisherKind.STATE_MEDIA:
        assert entry.get("country"), "state media speak for a country: give it"
    if entry.get("country"):
        assert COUNTRY.match(entry["country"]), entry["country"]
    if "published_on" in entry:
        assert isinstance(entry["published_on"], datetime.date)
        assert entry["published_on"] > SPEECH_DATE, "evidence of what happened after the speech"


def test_state_media_are_recorded_with_their_country(catalogue):
    state_media = EvidenceSource.objects.filter(url__in=EVIDENCE, publisher_kind=PublisherKind.STATE_MEDIA)
    assert state_media.exists()
    assert not state_media.filter(country="").exists()
    assert EvidenceSource.objects.filter(url__in=EVIDENCE).count() == len(EVIDENCE)


# --- (c) The flagship commitments: their new updates and the status they leave ----------------------------------

FLAGSHIPS = {
    # slug: (status after the latest update, date of the latest update)
    "kkh-phase-ii-realignment": (Status.PLANNED, datetime.date(2025, 9, 26)),
    "ml1-railway-upgrade": (Status.PLANNED, datetime.date(2026, 1, 25)),
    "gwadar-port-development": (Status.ONGOING, datetime.date(2025, 9, 26)),
    "khunjerab-pass-operation": (Status.ONGOING, datetime.date(2026, 1, 21)),
    "model-sezs-export-enterprises": (Status.IN_PROGRESS, datetime.date(2025, 9, 26)),
    "china-pakistan-friendship-hospital": (Status.ONGOING, datetime.date(2026, 1, 27)),
    "agricultural-training-1000-pakistanis": (Status.IN_PROGRESS, datetime.date(2026, 1, 12)),
}


@pytest.mark.parametrize("slug", FLAGSHIPS)
def test_flagship_status_follows_its_latest_sourced_update(slug, catalogue):
    status, date = FLAGSHIPS[slug]
    commitment = Commitment.objects.get(slug=slug)
    latest = commitment.updates.latest()
    assert (commitment.status, latest.date, latest.status) == (status, date, status)


@pytest.mark.parametrize("slug", FLAGSHIPS)
def test_flagship_updates_after_the_speech_are_imported_as_written(slug, catalogue):
    written = later_updates(slug)
    assert written, "no update after the speech"
    imported = ProgressUpdate.objects.filter(commitment__slug=slug, date__gt=SPEECH_DATE)
    assert {(u.date, u.text, u.status, u.source_url) for u in imported} == {
        (w["date"], w["text"], w["status"], w["source_url"]) for w in written
    }
    for update in written:
        assert update["public"] is True and update["progress"] is None
        assert update["source_kind"] in SourceKind.values
        assert update["text_ur"].strip() and update["text_zh_hans"].strip()
    # The speech's own update is kept as it was.
    (speech,) = [u for u in ENTRIES[slug]["updates"] if u["date"] == SPEECH_DATE]
    assert speech["text"].startswith("The speech of 21 February 2025")
    assert ProgressUpdate.objects.filter(commitment__slug=slug, date=SPEECH_DATE, text=speech["text"]).exists()


def test_targets_and_plans_are_not_completion():
    """ML-1 and the KKH realignment have financing talks and target dates, no works: planned, not more."""
    for slug in ("ml1-railway-upgrade", "kkh-phase-ii-realignment"):
        assert {u["status"] for u in later_updates(slug)} == {Status.PLANNED}, slug
    for slug in FLAGSHIPS:
        assert all(u["status"] != Status.COMPLETED for u in later_updates(slug)), slug


def test_nothing_is_added_for_the_airport(catalogue):
    """No report after the speech was found about the new airport; its record is the speech alone."""
    assert later_updates("gwadar-new-international-airport") == []
    commitment = Commitment.objects.get(slug="gwadar-new-international-airport")
    assert list(commitment.updates.values_list("date", flat=True)) == [SPEECH_DATE]


def test_hospital_keeps_only_the_speechs_figures(catalogue):
    """The hospital's later figures cover an unstated or pre-speech period: told in updates, never measured."""
    for indicator in ENTRIES["china-pakistan-friendship-hospital"]["indicators"]:
        assert [m["as_of"] for m in indicator["measurements"]] == [SPEECH_DATE]
    values = Measurement.objects.filter(indicator__commitment__slug="china-pakistan-friendship-hospital")
    assert sorted(values.values_list("value", flat=True)) == [Decimal(1_260), Decimal(150_000)]


# --- (d) The trainees sent: a running sum of the cohorts reported -------------------------------------------------

COHORTS = [292, 276, 221]  # the first batch as China Daily counted it; the third at the lower of 221 and 224


def trainee_measurements():
    (indicator,) = ENTRIES["agricultural-training-1000-pakistanis"]["indicators"]
    assert indicator["slug"] == "agricultural-trainees-sent"
    return sorted(indicator["measurements"], key=lambda m: m["as_of"])


def test_trainee_measurements_are_the_running_sum_of_the_cohorts():
    measurements = trainee_measurements()
    assert len(measurements) == len(COHORTS)
    for count, measurement in enumerate(measurements, start=1):
        so_far = COHORTS[:count]
        assert measurement["value"] == sum(so_far)
        note = measurement["note"]
        assert note.startswith("Sum of the cohorts reported so far:")
        assert all(str(cohort) in note for cohort in so_far), note
        if count > 1:
            assert f"= {sum(so_far)}" in note, note


def test_trainee_discrepancy_is_named_and_the_lower_figure_used():
    last = trainee_measurements()[-1]
    assert last["value"] == 292 + 276 + 221 < 1000
    assert "221" in last["note"] and "224" in last["note"] and "lower figure" in last["note"]
    assert last["as_of_precision"] == "on_or_before"


def test_imported_trainee_measurements_add_up(catalogue):
    indicator = Indicator.objects.get(slug="agricultural-trainees-sent")
    values = list(indicator.measurements.order_by("as_of").values_list("value", flat=True))
    running = [sum(COHORTS[: n + 1]) for n in range(len(COHORTS))]
    assert values == [Decimal(value) for value in running]
    assert values == sorted(values) and values[-1] < indicator.target_value
