"""Published commitments as IATI activities (IATI Standard 2.03), built with lxml.

One commitment is one `iati-activity`. Only what the public pages show goes in: published
commitments, their source document, indicators and measurements; never internal notes, drafts or
progress updates. Every mapping (identifier, organisation roles, dates, sectors, results) is
described in docs/open-data.md; the output is checked against the official 2.03 schema shipped in
commitments/schemas/iati-2.03/ (see `schema()` and tests/test_open_data.py).
"""

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path

from django.conf import settings
from django.db.models import Prefetch
from django.utils import timezone, translation
from lxml import etree

from .models import Commitment, Indicator
from .vocabulary import CommitmentKind, DatePrecision, Measure, Party, Status

IATI_VERSION = "2.03"
SCHEMA_FILE = Path(__file__).resolve().parent / "schemas" / "iati-2.03" / "iati-activities-schema.xsd"
LANGUAGE = "en"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
WGS84 = "http://www.opengis.net/def/crs/EPSG/0/4326"
# Translated content (django-modeltranslation) has a column per language: title_en, title_ur, title_zh_hans.
# The file is in English whatever the request's language; translations follow as narratives with xml:lang.
TRANSLATIONS = [("ur", "ur"), ("zh_hans", "zh")]  # column suffix, IATI Language code (ISO 639-1)
RECIPIENT_COUNTRY = ("PK", "Pakistan")  # ISO 3166-1 alpha-2: every commitment tracked here is carried out in Pakistan

# Codelists used below (IATI 2.03): OrganisationRole, ActivityDateType, DescriptionType,
# DocumentCategory, ResultType, IndicatorMeasure, OtherIdentifierType, RelatedActivityType.
ROLE_FUNDING, ROLE_IMPLEMENTING = "1", "4"
PLANNED_START, ACTUAL_START, PLANNED_END, ACTUAL_END = "1", "2", "3", "4"
DESCRIPTION_GENERAL, DESCRIPTION_OBJECTIVES, DESCRIPTION_OTHER = "1", "2", "4"
DOCUMENT_OBJECTIVES, DOCUMENT_ACTIVITY_PAGE = "A02", "A12"
RESULT_OUTPUT, RESULT_OUTCOME = "1", "2"
MEASURE_UNIT, MEASURE_PERCENTAGE = "1", "2"
OTHER_ACTIVITY_IDENTIFIER = "A3"
RELATED_PARENT, RELATED_CHILD = "1", "2"
SECTOR_VOCABULARY_DAC5 = "1"

# A start date counts as the actual start once work has visibly begun; otherwise it is the planned start.
STARTED = {Status.IN_PROGRESS, Status.ONGOING, Status.COMPLETED}


@dataclass(frozen=True)
class Organisation:
    name: str
    type: str  # IATI OrganisationType code; "" when unknown


CHINA = Organisation("Government of the People's Republic of China", "10")
PAKISTAN = Organisation("Government of the Islamic Republic of Pakistan", "10")
THIRD_PARTIES = Organisation("Third parties named in the source", "")

# Who made the commitment, as participating organisations: the Chinese side as funder, the Pakistani side as
# implementer. A convention of this export, not a statement about the financing of any one commitment.
PARTICIPANTS = {
    Party.CHINA: [(CHINA, ROLE_FUNDING)],
    Party.PAKISTAN: [(PAKISTAN, ROLE_IMPLEMENTING)],
    Party.BOTH: [(CHINA, ROLE_FUNDING), (PAKISTAN, ROLE_IMPLEMENTING)],
    Party.THIRD_PARTIES: [(THIRD_PARTIES, ROLE_IMPLEMENTING)],
}


@dataclass(frozen=True)
class Sector:
    code: str  # OECD DAC 5-digit purpose code (IATI Sector, vocabulary 1)
    name: str
    category_code: str  # AidData's "Sector Code": the DAC sector it rolls up to (110, 120, ... 310, 320, 330)
    category_name: str  # AidData's "Sector Name", upper case as in their data


TRANSPORT = Sector("21010", "Transport policy and administrative management", "210", "TRANSPORT AND STORAGE")
TRADE = Sector("33110", "Trade policy and administrative management", "330", "TRADE POLICIES AND REGULATIONS")
AGRICULTURE = Sector("31120", "Agricultural development", "310", "AGRICULTURE, FORESTRY, FISHING")
HEALTH = Sector("12220", "Basic health care", "120", "HEALTH")

# (theme slug or None for any theme, kind or None for any kind) -> sector; the first rule that matches wins.
# A commitment no rule matches has no sector: diplomatic, policy and security commitments, and programmes
# outside agriculture and health, have no sensible single DAC code.
SECTOR_RULES = [
    ("key-projects", CommitmentKind.INFRASTRUCTURE, TRANSPORT),  # KKH, ML-1 railway, Gwadar Port, Khunjerab Pass
    (None, CommitmentKind.TRADE, TRADE),
    ("agriculture", None, AGRICULTURE),
    ("health", None, HEALTH),
]


def sector_for(commitment):
    theme = commitment.theme.slug if commitment.theme_id else None
    for rule_theme, rule_kind, sector in SECTOR_RULES:
        if rule_theme in (None, theme) and rule_kind in (None, commitment.kind):
            return sector
    return None


def activity_identifier(commitment):
    """The recorded IATI identifier, or one made from the reporting organisation's identifier and the slug."""
    return commitment.iati_identifier or f"{settings.IATI_REPORTING_ORG_REF}-{commitment.slug}"


def activities():
    """Published commitments with everything an activity shows, in a fixed number of queries."""
    return (
        Commitment.objects.published()
        .select_related("source", "theme", "parent")
        .prefetch_related(
            Prefetch("indicators", queryset=Indicator.objects.prefetch_related("measurements")),
            Prefetch("children", queryset=Commitment.objects.published(), to_attr="published_children"),
        )
    )


@cache
def schema():
    """The official IATI 2.03 activity schema, read offline from the shipped copy."""
    return etree.XMLSchema(etree.parse(str(SCHEMA_FILE), etree.XMLParser(no_network=True)))


# --------------------------------------------------------------------------------------------------------------------
# Building the document

NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def clean(text):
    """Stored text without the control characters XML 1.0 cannot carry."""
    return NOT_XML.sub("", str(text))


def number(value):
    """A decimal without exponent or trailing zeros: 250.00 -> "250", 26.50 -> "26.5"."""
    return format(Decimal(value).normalize(), "f")


def element(parent, tag, text=None, **attributes):
    node = etree.SubElement(parent, tag, {key.replace("_", "-"): str(value) for key, value in attributes.items()})
    if text is not None:
        node.text = clean(text)
    return node


def narrative(parent, text):
    return element(parent, "narrative", text)


def english(obj, field):
    """A translatable field in English, not in the request's language; the plain field where nothing is translated."""
    return getattr(obj, f"{field}_en", None) or getattr(obj, field)


def english_field(model, field):
    """The column holding the field's English text, for lookups that must not follow the request's language."""
    translated = f"{field}_en"
    return translated if any(f.name == translated for f in model._meta.get_fields()) else field


def with_narratives(parent, tag, obj, field, **attributes):
    """An element with the field's English text and, after it, each translation that differs, marked with xml:lang."""
    node = element(parent, tag, **attributes)
    text = english(obj, field)
    narrative(node, text)
    for suffix, code in TRANSLATIONS:
        translated = getattr(obj, f"{field}_{suffix}", None)
        if translated and translated != text:
            element(node, "narrative", translated, **{XML_LANG: code})
    return node


def with_narrative(parent, tag, text, **attributes):
    node = element(parent, tag, **attributes)
    narrative(node, text)
    return node


def activities_document(commitments, request):
    """The iati-activities XML file, as bytes."""
    root = etree.Element(
        "iati-activities", {"version": IATI_VERSION, "generated-datetime": timezone.now().isoformat("T", "seconds")}
    )
    today = timezone.localdate()
    for commitment in commitments:
        root.append(activity(commitment, request, today))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def activity(commitment, request, today):
    source = commitment.source
    node = etree.Element(
        "iati-activity",
        {"last-updated-datetime": commitment.updated.isoformat("T", "seconds"), XML_LANG: LANGUAGE},
    )
    element(node, "iati-identifier", activity_identifier(commitment))
    with_narrative(
        node,
        "reporting-org",
        settings.IATI_REPORTING_ORG_NAME,
        ref=settings.IATI_REPORTING_ORG_REF,
        type=settings.IATI_REPORTING_ORG_TYPE,
        secondary_reporter="1",  # the tracker reports on what governments promised, not on its own activities
    )
    with_narratives(node, "title", commitment, "title")
    if english(commitment, "summary"):
        with_narratives(node, "description", commitment, "summary", type=DESCRIPTION_GENERAL)
    quoted = f"“{commitment.quote}” ({source.speaker}, {source.title}, {source.date.isoformat()})"
    with_narrative(node, "description", quoted, type=DESCRIPTION_OBJECTIVES)
    if commitment.verdict:
        with_narrative(node, "description", verdict_text(commitment), type=DESCRIPTION_OTHER)
    for organisation, role in PARTICIPANTS[commitment.party]:
        attributes = {"role": role, **({"type": organisation.type} if organisation.type else {})}
        with_narrative(node, "participating-org", organisation.name, **attributes)
    if commitment.aiddata_id:
        other = element(node, "other-identifier", ref=commitment.aiddata_id, type=OTHER_ACTIVITY_IDENTIFIER)
        with_narrative(other, "owner-org", "AidData")
    element(node, "activity-status", code=Status(commitment.status).iati_code)
    add_dates(node, commitment, today)
    with_narrative(node, "recipient-country", RECIPIENT_COUNTRY[1], code=RECIPIENT_COUNTRY[0], percentage="100")
    add_location(node, commitment)
    sector = sector_for(commitment)
    if sector:
        with_narrative(
            node, "sector", sector.name, vocabulary=SECTOR_VOCABULARY_DAC5, code=sector.code, percentage="100"
        )
    add_document_link(
        node,
        request.build_absolute_uri(commitment.get_absolute_url()),
        f"{english(commitment, 'title')}: status, progress and sourced updates",
        DOCUMENT_ACTIVITY_PAGE,
    )
    add_document_link(
        node,
        request.build_absolute_uri(f"{source.get_absolute_url()}#q-{commitment.slug}"),
        source.title,
        DOCUMENT_OBJECTIVES,
        date=source.date,
    )
    if commitment.public_parent:
        element(node, "related-activity", ref=activity_identifier(commitment.public_parent), type=RELATED_PARENT)
    for child in commitment.published_children:
        element(node, "related-activity", ref=activity_identifier(child), type=RELATED_CHILD)
    for indicator in commitment.indicators.all():
        add_result(node, commitment, indicator)
    return node


def add_dates(node, commitment, today):
    """Activity dates. IATI takes exact days: a date the source gives less precisely is given as the latest
    day it allows, with a narrative saying how the source put it."""
    dates = []
    if commitment.start_date:
        started = commitment.status in STARTED and commitment.start_date <= today
        dates.append(
            (ACTUAL_START if started else PLANNED_START, commitment.start_date, imprecision(commitment, "start_date"))
        )
    if commitment.target_date:
        dates.append((PLANNED_END, commitment.target_date, imprecision(commitment, "target_date")))
    if commitment.completed_on:
        dates.append((ACTUAL_END, commitment.completed_on, imprecision(commitment, "completion_date")))
    if not dates:  # the schema requires one activity date: the day the commitment was made stands in
        note = "Date of the statement that made the commitment; no start date is recorded."
        dates.append((PLANNED_START, commitment.source.date, note))
    for type_code, day, note in dates:
        date_node = element(node, "activity-date", type=type_code, iso_date=day.isoformat())
        if note:
            narrative(date_node, note)


def verdict_text(commitment):
    """IATI has no field for whether a promise was kept: the tracker's verdict goes in an "Other" description."""
    with translation.override("en"):
        by = "set by an editor" if commitment.verdict_overridden else "by the tracker's rule"
        judged = commitment.verdict_date.isoformat()
        return (
            f"Tracker verdict: {commitment.get_verdict_display()} (judged {judged}, {by}). {commitment.verdict_reason}"
        )


def imprecision(commitment, name):
    """How the source gave a date that is not an exact day, in English; None for an exact day."""
    date = commitment.precise(name)
    if date is None or date.precision == DatePrecision.DAY:
        return None
    with translation.override("en"):
        return f"The source gives this date as {date.period()}; the date given is the latest day that allows."


def add_location(node, commitment):
    has_point = commitment.latitude is not None and commitment.longitude is not None
    if not (commitment.location or has_point):
        return
    location = element(node, "location")
    if commitment.location:
        with_narrative(location, "name", commitment.location)
    if has_point:
        point = element(location, "point", srsName=WGS84)
        element(point, "pos", f"{number(commitment.latitude)} {number(commitment.longitude)}")


def add_document_link(node, url, title, category, date=None):
    link = element(node, "document-link", url=url, format="text/html")
    with_narrative(link, "title", title)
    element(link, "category", code=category)
    element(link, "language", code=LANGUAGE)
    if date:
        element(link, "document-date", iso_date=date.isoformat())


def add_result(node, commitment, indicator):
    """An indicator as a result: baseline, a target period ending on the target date, one period per measurement."""
    result = element(node, "result", type=RESULT_OUTPUT if indicator.measure == Measure.COUNT else RESULT_OUTCOME)
    with_narratives(result, "title", indicator, "name")
    measure = MEASURE_PERCENTAGE if indicator.measure == Measure.PERCENT else MEASURE_UNIT
    attributes = {"measure": measure}
    if (
        indicator.baseline_value is not None
        and indicator.target_value is not None
        and indicator.target_value < indicator.baseline_value
    ):
        attributes["ascending"] = "0"
    item = element(result, "indicator", **attributes)
    name, unit = english(indicator, "name"), english(indicator, "unit")
    with_narrative(item, "title", f"{name} ({unit})")
    target_end = indicator.target_date or commitment.target_date
    described = f"Measured in {unit}."
    if indicator.target_value is not None and not target_end:
        described += f" Target: {number(indicator.target_value)} {unit}, with no date stated."
    with_narrative(item, "description", described)
    if indicator.baseline_value is not None:
        year = (indicator.baseline_date or commitment.source.date).year
        baseline = {"year": year, "value": number(indicator.baseline_value)}
        if indicator.baseline_date:
            baseline["iso_date"] = indicator.baseline_date.isoformat()
        element(item, "baseline", **baseline)
    if indicator.target_value is not None and target_end:
        starts = [indicator.baseline_date, commitment.start_date, commitment.source.date]
        start = next((day for day in starts if day and day <= target_end), target_end)
        period = add_period(item, start, target_end)
        element(period, "target", value=number(indicator.target_value))
    for measurement in indicator.measurements.all():
        baseline_date = indicator.baseline_date
        start = baseline_date if baseline_date and baseline_date < measurement.as_of else measurement.as_of
        period = add_period(item, start, measurement.as_of)
        actual = element(period, "actual", value=number(measurement.value))
        if measurement.note:
            with_narrative(actual, "comment", measurement.note)


def add_period(item, start, end):
    period = element(item, "period")
    element(period, "period-start", iso_date=start.isoformat())
    element(period, "period-end", iso_date=end.isoformat())
    return period
