"""The controlled vocabularies of the tracker, each defined once.

Status carries its meaning for readers and its mapping to the IATI
ActivityStatus codelist and to AidData's project status categories, so that
every page and export reads them from here.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    ANNOUNCED = "announced", _("Announced")
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    ONGOING = "ongoing", _("Ongoing")
    COMPLETED = "completed", _("Completed")
    STALLED = "stalled", _("Stalled")
    CANCELLED = "cancelled", _("Cancelled")

    @property
    def meaning(self):
        return STATUS_MEANINGS[self]

    @property
    def iati_code(self):
        return STATUS_IATI_CODES[self]

    @property
    def aiddata_status(self):
        return STATUS_AIDDATA[self]

    @classmethod
    def finished(cls):
        """Statuses after which a commitment can no longer fall overdue."""
        return [cls.COMPLETED, cls.CANCELLED]


STATUS_MEANINGS = {
    Status.ANNOUNCED: _("Stated in a source, with no plan, budget or timetable made public yet."),
    Status.PLANNED: _("Agreed, with a defined plan or initiative, but work has not visibly started."),
    Status.IN_PROGRESS: _("Work has started and is moving towards a defined end."),
    Status.ONGOING: _("A continuing activity with no end point, such as keeping a crossing open."),
    Status.COMPLETED: _("Delivered as promised, with a completion date on record."),
    Status.STALLED: _("Started or planned, but with no visible progress for a long time."),
    Status.CANCELLED: _("Officially abandoned or replaced."),
}

# IATI ActivityStatus codelist: 1 Pipeline/identification, 2 Implementation,
# 3 Finalisation, 4 Closed, 5 Cancelled, 6 Suspended.
STATUS_IATI_CODES = {
    Status.ANNOUNCED: "1",
    Status.PLANNED: "1",
    Status.IN_PROGRESS: "2",
    Status.ONGOING: "2",
    Status.COMPLETED: "4",
    Status.STALLED: "6",
    Status.CANCELLED: "5",
}

# AidData's Global Chinese Development Finance dataset tracks a project
# through Pledge, Commitment, Implementation and Completion, and records
# suspended and cancelled projects.
STATUS_AIDDATA = {
    Status.ANNOUNCED: "Pledge",
    Status.PLANNED: "Commitment",
    Status.IN_PROGRESS: "Implementation",
    Status.ONGOING: "Implementation",
    Status.COMPLETED: "Completion",
    Status.STALLED: "Suspended",
    Status.CANCELLED: "Cancelled",
}


class Party(models.TextChoices):
    CHINA = "china", _("China")
    PAKISTAN = "pakistan", _("Pakistan")
    BOTH = "both", _("China and Pakistan")
    THIRD_PARTIES = "third_parties", _("Third parties")


class CommitmentKind(models.TextChoices):
    INFRASTRUCTURE = "infrastructure", _("Infrastructure project")
    PROGRAMME = "programme", _("Programme")
    TRADE = "trade", _("Trade or economic target")
    POLICY = "policy", _("Policy")
    SECURITY = "security", _("Security")
    DIPLOMATIC = "diplomatic", _("Diplomatic")


class DocumentKind(models.TextChoices):
    SPEECH = "speech", _("Speech")
    JOINT_STATEMENT = "joint_statement", _("Joint statement")
    AGREEMENT = "agreement", _("Agreement")
    PRESS_RELEASE = "press_release", _("Press release")
    REPORT = "report", _("Report")


class SourceKind(models.TextChoices):
    OFFICIAL_STATEMENT = "official_statement", _("Official statement")
    GOVERNMENT_DATA = "government_data", _("Government data")
    IMPLEMENTING_AGENCY = "implementing_agency", _("Implementing agency")
    MEDIA_REPORT = "media_report", _("Media report")
    FIELD_VISIT = "field_visit", _("Field visit")


class Measure(models.TextChoices):
    COUNT = "count", _("Count (people, items)")
    AMOUNT = "amount", _("Amount (money, weight, length)")
    PERCENT = "percent", _("Percentage")
    OTHER = "other", _("Other")

    @classmethod
    def non_negative(cls):
        return [cls.COUNT, cls.AMOUNT]


class ProgressMethod(models.TextChoices):
    """How a commitment's progress is made; the rule is shown next to the figure on the public page."""

    MANUAL = "manual", _("Set by editors from sourced updates")
    CHILDREN = "children", _("Weighted average of the commitments that carry it out")
    MILESTONES = "milestones", _("Share of its milestones completed")


class ClaimKind(models.TextChoices):
    """What kind of claim a statement makes. Only some sentences of a speech promise anything."""

    PLEDGE = "pledge", _("Pledge")
    JOINT_PLEDGE = "joint_pledge", _("Joint pledge")
    REQUEST = "request", _("Request")
    REPORTED_RESULT = "reported_result", _("Reported result")
    ASPIRATION = "aspiration", _("Aspiration")

    @property
    def meaning(self):
        return CLAIM_KIND_MEANINGS[self]

    @classmethod
    def promises(cls):
        """Claims that something will be done, which can be kept or broken."""
        return [cls.PLEDGE, cls.JOINT_PLEDGE, cls.REQUEST]


CLAIM_KIND_MEANINGS = {
    ClaimKind.PLEDGE: _("The speaker's side says it will do it."),
    ClaimKind.JOINT_PLEDGE: _("Both sides say they will do it together."),
    ClaimKind.REQUEST: _("One side asks or hopes that the other will do it."),
    ClaimKind.REPORTED_RESULT: _("A claim that something has already happened: to be verified, not kept."),
    ClaimKind.ASPIRATION: _("A direction or wish with no deliverable that could be delivered."),
}


class Verification(models.TextChoices):
    """Where a reported result stands, in place of a promise's status."""

    UNVERIFIED = "unverified", _("Unverified")
    CONFIRMED = "confirmed", _("Confirmed")
    CONTRADICTED = "contradicted", _("Contradicted")

    @property
    def meaning(self):
        return VERIFICATION_MEANINGS[self]


VERIFICATION_MEANINGS = {
    Verification.UNVERIFIED: _("Only the claim itself says so; nobody has checked it against another source yet."),
    Verification.CONFIRMED: _("A source other than the claim bears it out."),
    Verification.CONTRADICTED: _("A source other than the claim shows it did not happen as claimed."),
}


class DatePrecision(models.TextChoices):
    """How precise a date is, as its source gives it. The date stored is the latest day the source allows."""

    DAY = "day", _("Exact day")
    MONTH = "month", _("Month")
    QUARTER = "quarter", _("Quarter")
    HALF = "half", _("Half year")
    YEAR = "year", _("Year")
    ON_OR_BEFORE = "on_or_before", _("On or before the day")


class Checkable(models.TextChoices):
    """What a statement must name to be checked (after the Open Government Partnership's test)."""

    DELIVERABLE = "deliverable", _("a concrete deliverable")
    QUANTITY = "quantity", _("a quantity")
    DEADLINE = "deadline", _("a deadline")
    PLACE = "place", _("a place")
    PARTY = "party", _("a responsible party")

    @property
    def missing(self):
        return CHECKABLE_MISSING[self]


CHECKABLE_MISSING = {
    Checkable.DELIVERABLE: _("no deliverable"),
    Checkable.QUANTITY: _("no quantity"),
    Checkable.DEADLINE: _("no deadline"),
    Checkable.PLACE: _("no place"),
    Checkable.PARTY: _("no responsible party"),
}


class PublisherKind(models.TextChoices):
    """Who published a piece of evidence, which decides whether it is independent of a promising government."""

    CHINA_GOVERNMENT = "china_government", _("Government of China")
    PAKISTAN_GOVERNMENT = "pakistan_government", _("Government of Pakistan")
    JOINT_BODY = "joint_body", _("Joint China-Pakistan body")
    THIRD_PARTY_OFFICIAL = "third_party_official", _("Third-party official body, such as a multilateral bank")
    STATE_MEDIA = "state_media", _("State media")
    INDEPENDENT_MEDIA = "independent_media", _("Independent media")
    ACADEMIC_NGO = "academic_ngo", _("Academic or NGO")
    FIELD_VISIT = "field_visit", _("Field visit")
    UNCLASSIFIED = "unclassified", _("Not yet classified")


# Whose word a publisher speaks, as ISO 3166-1 alpha-3 codes; state media speak for their country's government.
PARTY_COUNTRIES = {
    Party.CHINA: {"CHN"},
    Party.PAKISTAN: {"PAK"},
    Party.BOTH: {"CHN", "PAK"},
    Party.THIRD_PARTIES: set(),
}
GOVERNMENT_COUNTRIES = {
    PublisherKind.CHINA_GOVERNMENT: {"CHN"},
    PublisherKind.PAKISTAN_GOVERNMENT: {"PAK"},
    PublisherKind.JOINT_BODY: {"CHN", "PAK"},
}


class EvidenceStrength(models.TextChoices):
    """How well a commitment's record is sourced, in plain words, weakest first."""

    NONE = "none", _("No evidence recorded yet")
    OWN_WORD = "own_word", _("Rests only on the promising government's own word")
    UNCLASSIFIED = "unclassified", _("No source shown to be independent of the promising government yet")
    ONE_INDEPENDENT = "one_independent", _("One independent source")
    SEVERAL_INDEPENDENT = "several_independent", _("Several independent sources")


class Verdict(models.TextChoices):
    """Was the promise kept? Only promises (pledges, joint pledges, requests) have a verdict."""

    KEPT = "kept", _("Kept")
    PARTLY_KEPT = "partly_kept", _("Partly kept")
    NOT_KEPT = "not_kept", _("Not kept")
    ON_TRACK = "on_track", _("On track")
    LATE = "late", _("Late")
    TOO_EARLY = "too_early", _("Too early to tell")
    NOT_RATED = "not_rated", _("Not yet rated")

    @property
    def meaning(self):
        return VERDICT_MEANINGS[self]


VERDICT_MEANINGS = {
    Verdict.KEPT: _("Completed as promised, with the promised quantity where one was promised."),
    Verdict.PARTLY_KEPT: _(
        "Completed short of the promised quantity, or past its deadline and grace period with only part delivered."
    ),
    Verdict.NOT_KEPT: _("Cancelled, or past its deadline and grace period with nothing delivered."),
    Verdict.ON_TRACK: _("Work is reported under way and the deadline, if any, has not passed."),
    Verdict.LATE: _("Past its deadline but within the grace period, or stalled."),
    Verdict.TOO_EARLY: _("Promised, with no deadline passed and no work reported yet."),
    Verdict.NOT_RATED: _("Not judged yet."),
}


class VerdictKind(models.TextChoices):
    RULE = "rule", _("By the rule")
    OVERRIDE = "override", _("Set by an editor")
    WITHDRAWN = "withdrawn", _("Editor's verdict withdrawn; back to the rule")


class LinkState(models.TextChoices):
    UNCHECKED = "unchecked", _("Not checked yet")
    ANSWERS = "answers", _("Answers")
    DEAD = "dead", _("Stopped answering")
