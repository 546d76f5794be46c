"""Verdicts and evidence: was it kept, how do we know, and how strong is that evidence."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from commitments import services, verdicts
from commitments.catalogue import CatalogueError, import_catalogue, read_catalogue
from commitments.models import Check, Commitment, EvidenceSource, Statement, VerdictRecord
from commitments.vocabulary import ClaimKind, EvidenceStrength, Party, PublisherKind, Status, Verdict, VerdictKind

from .conftest import CATALOGUE as SPEECH
from .factories import CommitmentFactory, IndicatorFactory, MeasurementFactory, ProgressUpdateFactory
from .helpers import body, change_form, inline_management

TODAY = datetime.date(2026, 6, 1)
GRACE = 90


def facts(**overrides):
    values = {
        "claim_kind": ClaimKind.PLEDGE,
        "status": Status.ANNOUNCED,
        "deadline": None,
        "deadline_shown": "",
        "completed_on": None,
        "progress": None,
        "promised": None,
        "measured": None,
        "unit": "",
        "work_reported": False,
    }
    return verdicts.Facts(**{**values, **overrides})


def verdict_of(**overrides):
    judged = verdicts.judge(facts(**overrides), TODAY, GRACE)
    return judged[0] if judged else None


# --- The rule ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ({"status": Status.CANCELLED}, Verdict.NOT_KEPT),
        ({"status": Status.COMPLETED}, Verdict.KEPT),
        ({"status": Status.COMPLETED, "promised": Decimal(1000), "measured": Decimal(640)}, Verdict.PARTLY_KEPT),
        # 1,000 trainees promised, 640 measured, no deadline: partly kept so far.
        ({"status": Status.IN_PROGRESS, "promised": Decimal(1000), "measured": Decimal(640)}, Verdict.PARTLY_KEPT),
        ({"status": Status.IN_PROGRESS, "promised": Decimal(1000), "measured": Decimal(1000)}, Verdict.KEPT),
        # Past the deadline and the grace period.
        ({"status": Status.IN_PROGRESS, "deadline": TODAY - datetime.timedelta(days=GRACE + 1)}, Verdict.NOT_KEPT),
        (
            {"status": Status.IN_PROGRESS, "deadline": TODAY - datetime.timedelta(days=GRACE + 1), "progress": 30},
            Verdict.PARTLY_KEPT,
        ),
        # Past the deadline, within the grace period.
        ({"status": Status.IN_PROGRESS, "deadline": TODAY - datetime.timedelta(days=GRACE)}, Verdict.LATE),
        ({"status": Status.STALLED}, Verdict.LATE),
        ({"status": Status.IN_PROGRESS, "work_reported": True, "deadline": TODAY}, Verdict.ON_TRACK),
        ({"status": Status.IN_PROGRESS, "work_reported": True}, Verdict.ON_TRACK),
        ({"status": Status.ANNOUNCED, "deadline": TODAY + datetime.timedelta(days=1)}, Verdict.TOO_EARLY),
        ({"status": Status.IN_PROGRESS}, Verdict.TOO_EARLY),  # the statement itself is no evidence of work
        ({"status": Status.PLANNED, "work_reported": True}, Verdict.TOO_EARLY),  # a plan is not work under way
        ({"claim_kind": ClaimKind.REQUEST, "status": Status.CANCELLED}, Verdict.NOT_KEPT),
        ({"claim_kind": ClaimKind.REPORTED_RESULT, "status": Status.COMPLETED}, None),
        ({"claim_kind": ClaimKind.ASPIRATION}, None),
    ],
)
def test_the_rule(case, expected):
    assert verdict_of(**case) == expected


def test_the_grace_period_is_a_setting(settings):
    deadline = TODAY - datetime.timedelta(days=10)
    assert verdicts.judge(facts(status=Status.IN_PROGRESS, deadline=deadline), TODAY, 30)[0] == Verdict.LATE
    assert verdicts.judge(facts(status=Status.IN_PROGRESS, deadline=deadline), TODAY, 5)[0] == Verdict.NOT_KEPT
    settings.VERDICT_GRACE_DAYS = 5
    assert verdicts.judge(facts(status=Status.IN_PROGRESS, deadline=deadline), TODAY)[0] == Verdict.NOT_KEPT


def promise_of_trainees(measured=640, **values):
    """1,000 trainees promised with no deadline, `measured` of them counted so far."""
    commitment = CommitmentFactory(title="Train 1,000 people", target_date=None, **values)
    Statement.objects.filter(commitment=commitment).update(quantity=1000, unit="people")
    indicator = IndicatorFactory(commitment=commitment, unit="people", target_value=1000, key=True)
    MeasurementFactory(indicator=indicator, value=measured, as_of=datetime.date(2025, 11, 1))
    commitment.refresh_from_db()
    return commitment


def test_the_indicator_that_counts_a_promise_is_the_same_in_every_language(db):
    """Two indicators count people: the first by name in the record's language counts, whatever the language of
    the editor whose write judges the promise (their names sort the other way round in Urdu)."""
    commitment = promise_of_trainees(measured=640)
    commitment.indicators.update(name="Apprentices", name_en="Apprentices", name_ur="ی")
    other = IndicatorFactory(commitment=commitment, unit="people", name="Zebra crossings", name_ur="ا", key=True)
    MeasurementFactory(indicator=other, value=900, as_of=datetime.date(2025, 11, 2))
    reasons = set()
    for language in ("en", "ur"):
        with translation.override(language):
            derived = Commitment.objects.for_deriving().get(pk=commitment.pk).derived_state()
        reasons.add(derived["verdict_reason"])
    assert reasons == {"640 of the 1,000 people promised have been delivered so far; no deadline was given."}


def test_a_promise_is_judged_on_every_write_and_shown_with_its_reason(db, client):
    commitment = promise_of_trainees()
    assert commitment.verdict == Verdict.PARTLY_KEPT
    assert commitment.verdict_reason == (
        "640 of the 1,000 people promised have been delivered so far; no deadline was given."
    )
    assert commitment.verdict_date == timezone.localdate()
    page = client.get(commitment.get_absolute_url()).content.decode()
    assert "Partly kept" in page and commitment.verdict_reason in page
    record = client.get(reverse("commitments:api-commitment-detail", args=[commitment.slug])).json()
    assert (record["verdict"], record["verdict_date"], record["verdict_reason"]) == (
        "partly_kept",
        timezone.localdate().isoformat(),
        commitment.verdict_reason,
    )
    # Newest first: the rule's verdict before the measurement, then after it.
    assert [(r["kind"], r["verdict"]) for r in record["verdict_history"]] == [
        ("rule", "partly_kept"),
        ("rule", "too_early"),
    ]
    table = client.get(reverse("commitments:commitment_list"), {"verdict": "partly_kept"}).content.decode()
    assert "Train 1,000 people" in table
    assert (
        "Train 1,000 people"
        not in client.get(reverse("commitments:commitment_list"), {"verdict": "kept"}).content.decode()
    )
    export = body(client.get(reverse("commitments:commitment_list"), {"_export": "csv"})).decode()
    assert "Partly kept" in export and "Judged on" in export


def test_a_deadline_passing_changes_the_verdict_when_judged_and_the_feed_says_so(db, client, settings):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    commitment = CommitmentFactory(status=Status.IN_PROGRESS, progress=None, target_date=yesterday)
    assert commitment.verdict == Verdict.LATE
    settings.VERDICT_GRACE_DAYS = 0
    out = io.StringIO()
    call_command("judge", stdout=out)
    assert "1 verdict(s) changed" in out.getvalue()
    commitment.refresh_from_db()
    assert commitment.verdict == Verdict.NOT_KEPT
    history = list(commitment.verdicts.order_by("created").values_list("kind", "verdict"))
    assert history == [("rule", "late"), ("rule", "not_kept")]
    feed = client.get(reverse("commitments:commitment_feed", args=[commitment.slug])).content.decode()
    assert "verdict Not kept" in feed


def test_only_promises_have_a_verdict(db, client):
    result = CommitmentFactory()
    Statement.objects.filter(commitment=result).update(claim_kind=ClaimKind.REPORTED_RESULT)
    services.save_commitment(result, user=None, expected_version=services.FILE_ROW)
    result.refresh_from_db()
    assert result.verdict == ""
    assert client.get(reverse("commitments:api-commitment-detail", args=[result.slug])).json()["verdict"] is None
    with pytest.raises(ValidationError) as refused:
        override(result, reason="It happened.", source_url="https://example.org/a")
    assert "Only a promise has a verdict" in str(refused.value)


# --- An editor's verdict ----------------------------------------------------------------------------------------


def override(commitment, **values):
    record = VerdictRecord(commitment=commitment, kind=VerdictKind.OVERRIDE, verdict=Verdict.KEPT, **values)
    return services.save_part(record, user=None)


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"source_url": "https://example.org/a"}, "Say why"),
        ({"reason": "Opened in May."}, "Give a source URL or a source document."),
        ({"reason": "  ", "source_url": "https://example.org/a"}, "Say why"),
    ],
)
def test_an_editors_verdict_needs_a_reason_and_a_source(db, values, message):
    commitment = promise_of_trainees()
    with pytest.raises(ValidationError) as refused:
        override(commitment, **values)
    assert message in str(refused.value)
    commitment.refresh_from_db()
    assert (commitment.verdict, commitment.verdict_overridden) == (Verdict.PARTLY_KEPT, False)


def test_an_editors_verdict_stands_until_withdrawn_and_is_public_history(db, client, editor):
    commitment = promise_of_trainees()
    client.force_login(editor)
    url = reverse("commitments:staff_verdict", args=[commitment.slug])
    refused = client.post(url, {"verdict-verdict": "kept", "verdict-reason": "", "verdict-source_url": ""})
    assert refused.status_code == 400
    assert "Say why" in refused.content.decode()
    assert not commitment.verdicts.exclude(kind=VerdictKind.RULE).exists()

    reason = "The ministry reports all 1,000 trainees sent."
    response = client.post(
        url, {"verdict-verdict": "kept", "verdict-reason": reason, "verdict-source_url": "https://example.org/all"}
    )
    assert response.status_code == 302
    commitment.refresh_from_db()
    assert (commitment.verdict, commitment.verdict_overridden, commitment.verdict_reason) == ("kept", True, reason)
    # A write that would change the rule's verdict leaves the editor's standing.
    MeasurementFactory(indicator=commitment.indicators.get(), value=700, as_of=datetime.date(2025, 12, 1))
    commitment.refresh_from_db()
    assert commitment.verdict == Verdict.KEPT
    client.logout()
    page = client.get(commitment.get_absolute_url()).content.decode()
    assert reason in page and "An editor's verdict" in page and "https://example.org/all" in page

    client.force_login(editor)
    back = {
        "verdict-verdict": "rule",
        "verdict-reason": "The ministry's figure was corrected.",
        "verdict-source_url": "https://example.org/c",
    }
    assert client.post(url, back).status_code == 302
    commitment.refresh_from_db()
    assert (commitment.verdict, commitment.verdict_overridden) == (Verdict.PARTLY_KEPT, False)
    kinds = list(commitment.verdicts.order_by("created").values_list("kind", flat=True))
    assert kinds[-2:] == ["withdrawn", "rule"] and "override" in kinds


def test_the_admin_refuses_an_editors_verdict_without_a_source(client, editor):
    commitment = promise_of_trainees()
    client.force_login(editor)
    data = change_form(commitment, commitment.version)
    data.update(
        {
            **inline_management("verdicts", 1),
            "verdicts-0-kind": "override",
            "verdicts-0-verdict": "kept",
            "verdicts-0-judged_on": "2026-01-01",
            "verdicts-0-reason": "All sent.",
        }
    )
    response = client.post(reverse("admin:commitments_commitment_change", args=[commitment.pk]), data)
    assert response.status_code == 200
    assert "Give a source URL or a source document." in response.content.decode()
    assert not commitment.verdicts.exclude(kind=VerdictKind.RULE).exists()


def test_a_catalogue_refuses_an_editors_verdict_without_a_reason(catalogue):
    data = read_catalogue(SPEECH)
    entry = next(e for e in data["commitments"] if e.get("slug") == "ml1-railway-upgrade")
    entry["verdicts"] = [{"verdict": "kept", "judged_on": datetime.date(2026, 1, 1), "source_url": "https://ex.org/"}]
    with pytest.raises(CatalogueError) as refused:
        import_catalogue(data=data)
    assert "Say why" in str(refused.value)
    assert not VerdictRecord.objects.exclude(kind=VerdictKind.RULE).exists()


# --- Evidence ---------------------------------------------------------------------------------------------------------


def test_evidence_strength_counts_sources_independent_of_the_promising_government(db, client):
    commitment = CommitmentFactory(party=Party.CHINA, status=Status.ANNOUNCED, progress=None)
    ProgressUpdateFactory(commitment=commitment, source_url="https://gov.cn/a", date=datetime.date(2025, 3, 1))
    evidence = EvidenceSource.objects.get(url="https://gov.cn/a")
    commitment.refresh_from_db()
    assert commitment.evidence_strength == EvidenceStrength.UNCLASSIFIED  # nobody has said who published it

    evidence.publisher_kind = PublisherKind.CHINA_GOVERNMENT
    services.save_shared(evidence, user=None)
    commitment.refresh_from_db()
    assert (commitment.evidence_sources, commitment.independent_sources) == (1, 0)
    assert commitment.evidence_strength == EvidenceStrength.OWN_WORD

    ProgressUpdateFactory(commitment=commitment, source_url="https://news.pk/b", date=datetime.date(2025, 4, 1))
    news = EvidenceSource.objects.get(url="https://news.pk/b")
    news.publisher_kind, news.country = PublisherKind.STATE_MEDIA, "CHN"
    services.save_shared(news, user=None)
    commitment.refresh_from_db()
    assert commitment.evidence_strength == EvidenceStrength.OWN_WORD  # China's state media speak for China

    news.publisher_kind = PublisherKind.INDEPENDENT_MEDIA
    services.save_shared(news, user=None)
    commitment.refresh_from_db()
    assert (commitment.evidence_sources, commitment.independent_sources) == (2, 1)
    assert commitment.last_checked == datetime.date(2025, 4, 1)
    record = client.get(reverse("commitments:api-commitment-detail", args=[commitment.slug])).json()
    assert record["evidence"] == {
        "sources": 2,
        "independent_sources": 1,
        "last_checked": "2025-04-01",
        "strength": "one_independent",
        "strength_label": "One independent source",
    }
    page = client.get(commitment.get_absolute_url()).content.decode()
    assert "One independent source" in page and "Independent media" in page


def test_the_same_url_is_one_evidence_record(db):
    first, second = CommitmentFactory(), CommitmentFactory()
    ProgressUpdateFactory(commitment=first, source_url="https://example.org/same")
    ProgressUpdateFactory(commitment=second, source_url="https://example.org/same")
    assert EvidenceSource.objects.filter(url="https://example.org/same").count() == 1


# --- The verification queue -----------------------------------------------------------------------------------------


def test_the_queue_lists_unchecked_promises_and_a_click_records_a_check(db, client, editor, settings):
    settings.STALE_AFTER_DAYS = 90
    today = timezone.localdate()
    old = CommitmentFactory(title="Checked long ago")
    ProgressUpdateFactory(commitment=old, date=today - datetime.timedelta(days=400), source_url="https://ex.org/old")
    recent = CommitmentFactory(title="Checked last week")
    ProgressUpdateFactory(commitment=recent, date=today - datetime.timedelta(days=7))
    CommitmentFactory(title="Never checked")
    client.force_login(editor)
    queue = reverse("commitments:staff_stale")
    page = client.get(queue).content.decode()
    assert "Checked last week" not in page
    assert page.index("Never checked") < page.index("Checked long ago")
    assert 'value="https://ex.org/old"' in page  # the source to look at again

    response = client.post(
        reverse("commitments:staff_check", args=[old.slug]), {"source_url": "https://ex.org/old", "next": queue}
    )
    assert response.status_code == 302 and response.url == queue
    check = Check.objects.get(commitment=old)
    assert (check.checked_by, check.checked_on, check.source_url) == (editor, today, "https://ex.org/old")
    old.refresh_from_db()
    assert old.last_checked == today
    assert f'href="/staff/commitments/{old.slug}/"' not in client.get(queue).content.decode()
    client.logout()
    assert today.strftime("%Y") in client.get(old.get_absolute_url()).content.decode()


def test_a_check_without_a_source_is_refused(db, client, editor):
    commitment = CommitmentFactory()
    client.force_login(editor)
    client.post(reverse("commitments:staff_check", args=[commitment.slug]), {"source_url": ""})
    assert not Check.objects.exists()


# --- The dashboard ---------------------------------------------------------------------------------------------------


def test_the_dashboard_shows_verdicts_not_an_average(db, client):
    promise_of_trainees()
    CommitmentFactory(title="Due and late", status=Status.IN_PROGRESS, target_date=timezone.localdate())
    response = client.get(reverse("commitments:dashboard"))
    page = response.content.decode()
    assert "Overall progress" not in page
    summary = response.context["verdicts"]
    assert summary["total"] == 2 and summary["due"] == 1
    chart = {row.label: row.total for row in summary["chart"].rows}
    assert chart["Partly kept"] == 1
    for row in summary["chart"].rows:
        assert escape(row.url) in page
    listed = client.get(summary["due_url"]).content.decode()
    assert "Due and late" in listed and "Train 1,000 people" not in listed
    assert "Report card by responsible party" in page


def test_a_checks_source_stays_with_the_staff(db, client, editor):
    commitment = CommitmentFactory(status=Status.ANNOUNCED, progress=None)
    client.force_login(editor)
    client.post(
        reverse("commitments:staff_check", args=[commitment.slug]), {"source_url": "https://intranet.example/x"}
    )
    client.logout()
    commitment.refresh_from_db()
    assert commitment.last_checked == timezone.localdate()
    assert "intranet.example" not in client.get(commitment.get_absolute_url()).content.decode()
    assert "intranet.example" not in client.get(reverse("commitments:api-commitment-detail",
                                                        args=[commitment.slug])).content.decode()  # fmt: skip
