"""The verdict rule: was a promise kept? One rule, applied by the services layer after every write and each day
by `manage.py judge`, and documented in README.md ("Verdicts").

Inputs: the commitment's status, its deadline (the latest day its precision allows), a grace period
(`VERDICT_GRACE_DAYS`), the quantity promised against the quantity measured, and whether any work has been
reported since it was first stated. An editor's verdict, given with a reason and a source, stands in place of
the rule's until it is withdrawn.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from .vocabulary import ClaimKind, Status, Verdict

# Planned is not under way: its status says work has not visibly started.
UNDER_WAY = (Status.IN_PROGRESS, Status.ONGOING)


@dataclass
class Facts:
    """What the rule reads about one promise."""

    claim_kind: str
    status: str
    deadline: datetime.date | None
    deadline_shown: str
    completed_on: datetime.date | None
    progress: int | None
    promised: Decimal | None  # the latest statement's quantity
    measured: Decimal | None  # the latest value of the indicator that counts it
    unit: str
    work_reported: bool  # a public update dated after the first statement


def judge(facts, today, grace_days=None):
    """(verdict, reason) for a promise; None for a reported result or an aspiration, which are not kept."""
    if facts.claim_kind not in ClaimKind.promises():
        return None
    grace = datetime.timedelta(days=settings.VERDICT_GRACE_DAYS if grace_days is None else grace_days)
    short = facts.promised is not None and facts.measured is not None and facts.measured < facts.promised
    if facts.status == Status.CANCELLED:
        return Verdict.NOT_KEPT, _("It was cancelled.")
    if facts.status == Status.COMPLETED:
        if short:
            return Verdict.PARTLY_KEPT, _("Completed with %(measured)s of the %(promised)s %(unit)s promised.") % (
                quantities(facts)
            )
        return Verdict.KEPT, _("Completed as promised.")
    if facts.promised is not None and facts.measured is not None and not short:
        return Verdict.KEPT, _("The %(promised)s %(unit)s promised have been delivered.") % quantities(facts)
    if facts.deadline is not None and today > facts.deadline + grace:
        delivered = (facts.measured or 0) > 0 or (facts.progress or 0) > 0
        if delivered:
            return Verdict.PARTLY_KEPT, _("Its deadline (%(deadline)s) and the %(days)s-day grace period have "
                                          "passed with only part of it delivered.") % {
                "deadline": facts.deadline_shown, "days": grace.days}  # fmt: skip
        return Verdict.NOT_KEPT, _(
            "Its deadline (%(deadline)s) and the %(days)s-day grace period have passed with nothing delivered."
        ) % {"deadline": facts.deadline_shown, "days": grace.days}
    if facts.deadline is not None and today > facts.deadline:
        return Verdict.LATE, _(
            "Its deadline (%(deadline)s) has passed; it is within the %(days)s-day grace period."
        ) % {"deadline": facts.deadline_shown, "days": grace.days}
    if facts.status == Status.STALLED:
        return Verdict.LATE, _("Work has stalled.")
    if short and facts.measured > 0 and facts.deadline is None:
        return Verdict.PARTLY_KEPT, _(
            "%(measured)s of the %(promised)s %(unit)s promised have been delivered so far; no deadline was given."
        ) % quantities(facts)
    if facts.status in UNDER_WAY and facts.work_reported:
        if facts.deadline is None:
            return Verdict.ON_TRACK, _("Work is reported under way; no deadline was given.")
        return Verdict.ON_TRACK, _("Work is reported under way and its deadline (%(deadline)s) has not passed.") % {
            "deadline": facts.deadline_shown
        }
    if facts.deadline is None:
        return Verdict.TOO_EARLY, _("No deadline was given and no work has been reported since it was stated.")
    return Verdict.TOO_EARLY, _("Its deadline (%(deadline)s) has not passed and no work has been reported yet.") % {
        "deadline": facts.deadline_shown
    }


def quantities(facts):
    return {
        "measured": number_format(facts.measured, decimal_pos=0, use_l10n=True, force_grouping=True),
        "promised": number_format(facts.promised, decimal_pos=0, use_l10n=True, force_grouping=True),
        "unit": facts.unit,
    }
