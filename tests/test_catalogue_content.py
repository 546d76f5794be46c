"""What the shipped speech catalogue says: each statement's speaker, claim kind and structured fields, and the
corrections of its fact-check. Each test reads the shipped YAML file itself and, where the point is what the
import makes of it, the imported rows (the session-loaded `catalogue` fixture)."""

import copy
import datetime
import itertools
import re
from decimal import Decimal

import pytest
import yaml

from commitments.catalogue import import_catalogue, read_catalogue
from commitments.models import Commitment, Indicator, Measurement, Milestone, Statement
from commitments.vocabulary import ClaimKind, DatePrecision, Party, Status, Verification

from .conftest import CATALOGUE

SPEECH = CATALOGUE.with_suffix(".txt").read_text(encoding="utf-8")
RAW = CATALOGUE.read_text(encoding="utf-8")
DATA = yaml.safe_load(RAW)
ENTRIES = {entry["slug"]: entry for entry in DATA["commitments"]}
SPEECH_DATE = datetime.date(2025, 2, 21)
LANGUAGES = ("", "_ur", "_zh_hans")


def entry(slug):
    assert slug in ENTRIES, f"no entry '{slug}' in the catalogue"
    return ENTRIES[slug]


def sentence(start, end):
    """The speech's sentence from `start` to `end`, exactly as the .txt has it."""
    begin = SPEECH.index(start)
    return SPEECH[begin : SPEECH.index(end, begin) + len(end)]


def update_statuses(slug):
    return [update["status"] for update in entry(slug)["updates"]]


def every_text(item):
    """All the text of an entry: its own strings and those of its milestones, indicators and updates."""
    if isinstance(item, dict):
        return " ".join(every_text(value) for value in item.values())
    if isinstance(item, list):
        return " ".join(every_text(value) for value in item)
    return item if isinstance(item, str) else ""


# --- Every entry ------------------------------------------------------------------------------------------------


def test_every_entry_has_a_speaker_and_a_claim_kind_from_the_vocabulary():
    assert len(ENTRIES) >= 48
    for slug, item in ENTRIES.items():
        assert item.get("speaker") in Party.values, slug
        assert item.get("claim_kind") in ClaimKind.values, slug
        if item.get("responsible_party"):
            assert item["responsible_party"] in Party.values, slug
        for key in ("target_date_precision", "start_date_precision", "completion_date_precision"):
            if key in item:
                assert item[key] in DatePrecision.values, (slug, key)
        if "verification" in item:
            assert item["verification"] in Verification.values, slug
        if item["claim_kind"] == ClaimKind.REPORTED_RESULT:
            assert item.get("verification") == Verification.UNVERIFIED, slug


def test_every_quote_occurs_verbatim_in_the_speech(catalogue):
    for slug, item in ENTRIES.items():
        assert item["quote"] in SPEECH, slug
    statements = Statement.objects.select_related("commitment")
    assert statements.count() == len(ENTRIES)
    for statement in statements:
        assert statement.quote == ENTRIES[statement.commitment.slug]["quote"]
        assert SPEECH[statement.quote_start : statement.quote_end] == statement.quote, statement.commitment.slug


def test_structured_fields_are_the_speechs_own_words():
    for slug, item in ENTRIES.items():
        for key in ("deliverable", "place"):
            if item.get(key):
                assert item[key] in item["quote"], (slug, key)
        if item.get("unit"):
            assert item.get("quantity") is not None, slug
        if item.get("claim_kind") == ClaimKind.ASPIRATION:
            assert not item.get("deliverable"), slug


def test_imported_statements_carry_the_files_fields(catalogue):
    for statement in Statement.objects.select_related("commitment"):
        item = ENTRIES[statement.commitment.slug]
        assert statement.speaker == item["speaker"], statement.commitment.slug
        assert statement.claim_kind == item["claim_kind"], statement.commitment.slug
        assert statement.deliverable == (item.get("deliverable") or ""), statement.commitment.slug
        assert statement.responsible_party == (item.get("responsible_party") or ""), statement.commitment.slug
        assert statement.commitment.claim_kind == item["claim_kind"], statement.commitment.slug


@pytest.mark.django_db
def test_importing_the_file_twice_changes_nothing():
    data = read_catalogue(CATALOGUE)
    import_catalogue(data=copy.deepcopy(data))
    assert import_catalogue(data=copy.deepcopy(data)).changed == 0


# --- Items of one list share its sentence ------------------------------------------------------------------------

SECOND_BATCH = sentence("While advancing existing agricultural projects", "can all be covered.")
PEOPLE_TO_PEOPLE = sentence("We will expand cooperation in education", "for generations to come.")
LISTS = {
    "second-batch-cpec-agricultural-projects": (
        SECOND_BATCH,
        {
            "second-batch-agri-grains": "grains",
            "second-batch-agri-cotton": "cotton",
            "second-batch-agri-oil": "oil",
            "second-batch-agri-meat": "meat",
            "second-batch-agri-dairy": "dairy products",
        },
    ),
    "people-to-people-cooperation": (
        PEOPLE_TO_PEOPLE,
        {
            "education-cooperation": "education",
            "media-cooperation": "media",
            "think-tank-cooperation": "think tanks",
            "youth-exchanges": "youth exchanges",
            "film-television-cooperation": "the film and television industries",
        },
    ),
}


@pytest.mark.parametrize("parent", LISTS)
def test_list_items_share_their_list_sentence(parent, catalogue):
    whole, items = LISTS[parent]
    assert entry(parent)["quote"] == whole
    for slug, deliverable in items.items():
        assert entry(slug)["quote"] == whole, slug
        assert entry(slug)["parent"] == parent, slug
        assert entry(slug)["deliverable"] == deliverable, slug
    positions = set(Statement.objects.filter(commitment__slug__in=[parent, *items]).values_list("quote_start", "quote"))
    assert positions == {(SPEECH.index(whole), whole)}


def test_no_quote_is_a_fragment_of_another():
    """Two entries either share one passage or quote passages that do not overlap: no list is cut in pieces."""
    spans = sorted(
        (SPEECH.index(quote), SPEECH.index(quote) + len(quote)) for quote in {e["quote"] for e in ENTRIES.values()}
    )
    for (_, end), (start, _) in itertools.pairwise(spans):
        assert start >= end, SPEECH[start : start + 60]


# --- Reported results dated "recently" or "have done" ------------------------------------------------------------

ON_OR_BEFORE = ["gwadar-new-international-airport", "health-kits-distribution"]


@pytest.mark.parametrize("slug", ON_OR_BEFORE)
def test_recent_results_are_dated_on_or_before_the_speech(slug, catalogue):
    item = entry(slug)
    assert item["claim_kind"] == ClaimKind.REPORTED_RESULT
    assert item["verification"] == Verification.UNVERIFIED
    assert item["completion_date"] == SPEECH_DATE
    assert item["completion_date_precision"] == DatePrecision.ON_OR_BEFORE
    for indicator in item["indicators"]:
        for measurement in indicator["measurements"]:
            assert measurement["as_of_precision"] == DatePrecision.ON_OR_BEFORE
    summaries = " ".join(item[f"summary{code}"] for code in LANGUAGES)
    wrong_phrases = [
        "recorded is the date of the speech", "because", "记录的完工日期为讲话日期", "记录的完成日期为讲话日期",
        "تکمیل کی تاریخ کے طور پر تقریر کی تاریخ",
    ]  # fmt: skip
    for wrong in wrong_phrases:
        assert wrong not in summaries
    assert "on or before 21 February 2025" in item["summary"]
    assert "或之前" in item["summary_zh_hans"]
    assert "یا اس سے پہلے" in item["summary_ur"]
    commitment = Commitment.objects.get(slug=slug)
    assert (commitment.completion_date, commitment.completion_date_precision) == (SPEECH_DATE, "on_or_before")
    assert commitment.claim_kind == ClaimKind.REPORTED_RESULT
    for measurement in Measurement.objects.filter(indicator__commitment=commitment):
        assert measurement.as_of_precision == DatePrecision.ON_OR_BEFORE


@pytest.mark.parametrize(
    "slug",
    [
        "maintain-high-level-exchanges", "agricultural-trade", "buffalo-dairy-first-batch",
        "gwadar-new-international-airport", "china-pakistan-friendship-hospital", "health-kits-distribution",
        "child-heart-disease-programme",
    ],
)  # fmt: skip
def test_what_the_speech_says_has_happened_is_a_reported_result(slug, catalogue):
    assert entry(slug)["claim_kind"] == ClaimKind.REPORTED_RESULT
    assert entry(slug)["verification"] == Verification.UNVERIFIED
    assert Commitment.objects.get(slug=slug).is_reported_result


def test_launched_programme_started_on_or_before_the_speech():
    item = entry("child-heart-disease-programme")
    assert (item["start_date"], item["start_date_precision"]) == (SPEECH_DATE, DatePrecision.ON_OR_BEFORE)


# --- China's request of Pakistan ---------------------------------------------------------------------------------


def test_security_investment_is_chinas_request_of_pakistan(catalogue):
    item = entry("pakistan-investigations-security-investment")
    assert (item["speaker"], item["claim_kind"], item["responsible_party"]) == ("china", "request", "pakistan")
    assert item["quote"].startswith("hope that Pakistan will")
    assert update_statuses("pakistan-investigations-security-investment") == [Status.ANNOUNCED]
    assert "strengthen and optimize security measures" in item["title"]
    assert "强化和优化安保措施" in item["title_zh_hans"]
    assert "حفاظتی اقدامات کو مضبوط اور بہتر" in item["title_ur"]
    commitment = Commitment.objects.get(slug="pakistan-investigations-security-investment")
    assert (commitment.status, commitment.claim_kind) == (Status.ANNOUNCED, ClaimKind.REQUEST)


# --- Agricultural trade: a reported figure -----------------------------------------------------------------------


def test_agricultural_trade_is_a_reported_figure_not_a_pledge(catalogue):
    """Recorded as a reported fact of 2024: status completed, completed in the year 2024."""
    item = entry("agricultural-trade")
    assert item["claim_kind"] == ClaimKind.REPORTED_RESULT
    assert item["verification"] == Verification.UNVERIFIED
    assert item["quote"] == sentence("Last year, China-Pakistan agricultural trade", "$237 million.")
    assert (item["quantity"], item["unit"]) == (1_000_000_000, "US dollars")
    assert update_statuses("agricultural-trade") == [Status.COMPLETED]
    assert (item["completion_date"], item["completion_date_precision"]) == (datetime.date(2024, 12, 31), "year")
    assert "1 billion" in item["title"] and "2024" in item["title"]
    assert "10亿美元" in item["title_zh_hans"] and "ایک ارب" in item["title_ur"]
    for wrong in ["Grow", "grow", "扩大", "فروغ"]:
        assert all(wrong not in item[f"{field}{code}"] for field in ("title", "summary") for code in LANGUAGES), wrong
    assert "not a pledge" in item["summary"]
    commitment = Commitment.objects.get(slug="agricultural-trade")
    assert (commitment.status, commitment.claim_kind) == (Status.COMPLETED, ClaimKind.REPORTED_RESULT)
    assert (commitment.completion_date, commitment.completion_date_precision) == (datetime.date(2024, 12, 31), "year")


# --- Coordination with Pakistan: forward-looking, not only at the UN ---------------------------------------------


def test_coordination_is_forward_looking_and_not_narrowed_to_the_un(catalogue):
    item = entry("un-multilateral-coordination")
    assert item["quote"] == sentence("We highly commend these efforts", "coordination with Pakistan.")
    assert update_statuses("un-multilateral-coordination") == [Status.ANNOUNCED]
    for wrong in ["United Nations", "UN ", "联合国", "اقوام متحدہ"]:
        assert all(wrong not in item[f"title{code}"] for code in LANGUAGES), wrong
    summaries = " ".join(item[f"summary{code}"] for code in LANGUAGES)
    for wrong in ["coordination at the United Nations", "在联合国的协调", "اقوام متحدہ میں رابطہ کاری"]:
        assert wrong not in summaries
    assert item["location"] == ""
    assert Commitment.objects.get(slug="un-multilateral-coordination").status == Status.ANNOUNCED


# --- The three statements that were missing ----------------------------------------------------------------------

MISSING = {
    "adapt-and-enhance-security-cooperation": (
        "Both sides must adapt to changing circumstances, continually enhancing security cooperation to safeguard "
        "practical cooperation between our nations.",
        ClaimKind.JOINT_PLEDGE,
    ),
    "walk-hand-in-hand-to-modernization": (
        "China is ready to walk hand in hand with Pakistan on our respective paths to modernization, and welcomes "
        "Pakistan to to become one of the first countries to benefit from China’s further deepening of reform "
        "comprehensively and expanding high-standard opening up.",
        ClaimKind.PLEDGE,
    ),
    "multipolar-world-inclusive-globalization": (
        "Together, we will work toward an equal and orderly multipolar world and universally beneficial and inclusive "
        "economic globalization to jointly protect the interests of developing countries and international equity and "
        "justice.",
        ClaimKind.ASPIRATION,
    ),
}


@pytest.mark.parametrize("slug", MISSING)
def test_missing_statements_are_catalogued(slug, catalogue):
    quote, claim_kind = MISSING[slug]
    assert quote in SPEECH
    item = entry(slug)
    assert item["quote"] == quote
    assert (item["speaker"], item["claim_kind"]) == ("china", claim_kind)
    assert item["published"] is True
    for field in ("title", "summary"):
        for code in LANGUAGES:
            assert item[f"{field}{code}"].strip(), f"{field}{code}"
    (update,) = item["updates"]
    assert (update["date"], update["source_kind"], update["status"]) == (SPEECH_DATE, "official_statement", "announced")
    commitment = Commitment.objects.get(slug=slug)
    assert commitment.published and commitment.quote == quote and commitment.claim_kind == claim_kind


def test_globalization_is_universally_beneficial_and_inclusive_everywhere():
    assert "普惠包容的经济全球化" in RAW
    assert re.findall(r"(?<!普惠)包容的经济全球化", RAW) == []
    assert "universally beneficial and inclusive economic globalization" in RAW
    assert re.findall(r"(?<!universally beneficial and )inclusive economic globali[sz]ation", RAW) == []
    assert "سب کے لیے مفید اور جامع اقتصادی عالمگیریت" in RAW
    assert re.findall(r"(?<!سب کے لیے مفید اور )جامع اقتصادی عالمگیریت", RAW) == []


# --- The high-level visits ---------------------------------------------------------------------------------------

VISITS = {
    "Prime Minister Shehbaz Sharif visits China": datetime.date(2024, 6, 30),
    "Premier Li Qiang visits Pakistan": datetime.date(2024, 10, 31),
    "President Zardari pays a state visit to China": datetime.date(2025, 2, 28),
}


def test_high_level_visits_are_milestones_dated_to_the_month(catalogue):
    item = entry("maintain-high-level-exchanges")
    assert item["claim_kind"] == ClaimKind.REPORTED_RESULT
    milestones = {milestone["title"]: milestone for milestone in item["milestones"]}
    for title, day in VISITS.items():
        milestone = milestones[title]
        assert (milestone["completed_date"], milestone["completed_date_precision"]) == (day, "month"), title
        assert milestone["title_ur"].strip() and milestone["title_zh_hans"].strip(), title
    loaded = Milestone.objects.filter(commitment__slug="maintain-high-level-exchanges")
    assert {(m.title, m.completed_date, m.completed_date_precision) for m in loaded} == {
        (title, day, DatePrecision.MONTH) for title, day in VISITS.items()
    }


# --- The Friendship Hospital -------------------------------------------------------------------------------------


def test_friendship_hospital_has_no_place_the_speech_does_not_give(catalogue):
    item = entry("china-pakistan-friendship-hospital")
    assert "Gwadar" not in every_text(item) and "گوادر" not in every_text(item) and "瓜达尔" not in every_text(item)
    assert item["location"] == ""
    assert item.get("latitude") is None and item.get("longitude") is None and not item.get("geometry")
    assert not item.get("place")
    assert "does not say where the hospital is" in item["summary"]
    assert "未说明该医院位于何处" in item["summary_zh_hans"]
    assert "ہسپتال کہاں واقع ہے" in item["summary_ur"]
    commitment = Commitment.objects.get(slug="china-pakistan-friendship-hospital")
    assert commitment.location == "" and commitment.geometry_or_point() is None


def test_friendship_hospital_figures_name_their_six_month_period(catalogue):
    item = entry("china-pakistan-friendship-hospital")
    assert item["claim_kind"] == ClaimKind.REPORTED_RESULT
    assert item["quote"].startswith("Over the past 6 months,")
    assert len(item["indicators"]) == 2
    for indicator in item["indicators"]:
        assert "six months to February 2025" in indicator["name"]
        assert "چھ ماہ" in indicator["name_ur"] and "2025" in indicator["name_ur"]
        assert "六个月" in indicator["name_zh_hans"] and "2025年2月" in indicator["name_zh_hans"]
        for measurement in indicator["measurements"]:
            assert (measurement["as_of"], measurement["as_of_precision"]) == (SPEECH_DATE, "on_or_before")
    for indicator in Indicator.objects.filter(commitment__slug="china-pakistan-friendship-hospital"):
        assert "six months" in indicator.name
        assert {(m.value, m.as_of_precision) for m in indicator.measurements.all()} <= {
            (Decimal(150_000), "on_or_before"),
            (Decimal(1_260), "on_or_before"),
        }


# --- Translations ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "wrong",
    [
        "在华为",  # "at Huawei"
        "油类",  # oils of any kind, not oil crops
        "重点聚焦重点项目",
        "小型“小而美”",
        "小型'小而美'",
        '小型"小而美"',
        "بیچ",  # "middle", not "batch"
        "کے اوائل",  # "early (in the month)" for "earlier this month"
        "2月初",
        "2月上旬",
        "early February",
        'small-scale \\"small but beautiful\\"',
    ],
)
def test_mistranslations_appear_nowhere(wrong):
    assert wrong not in RAW


def test_oil_is_oil_crops_in_chinese():
    oil = entry("second-batch-agri-oil")
    assert "油料" in oil["title_zh_hans"] and "油料" in oil["summary_zh_hans"]
    assert "粮食、棉花、油料、肉类和乳制品" in entry("second-batch-cpec-agricultural-projects")["summary_zh_hans"]


def test_second_batch_is_a_phase_in_urdu():
    assert "دوسرے مرحلے" in entry("second-batch-cpec-agricultural-projects")["title_ur"]


def test_small_but_beautiful_projects_continue():
    title = entry("small-but-beautiful-projects")["title_ur"]
    assert "شروع" not in title and "جاری" in title


def test_training_in_china_is_not_at_huawei():
    summary = entry("human-resources-development")["summary_zh_hans"]
    assert "1000名巴基斯坦人赴华" in summary
