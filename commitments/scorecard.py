"""The dashboard's numbers a reader can trust: promises and other claims counted apart, promises by verdict,
what is due and how it went, how much rests on the promiser's own word, and a report card per party. Every
number comes with the address of the filtered table that makes it."""

from collections import Counter
from operator import itemgetter
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from . import cache
from .charts import stacked_status_chart, status_chart, verdict_chart
from .links import page_url
from .models.commitments import NAMES_FIELDS, Commitment
from .vocabulary import Checkable, ClaimKind, EvidenceStrength, Party, Verdict, Verification

PROMISES = {"claim_kind": ClaimKind.promises()}
PROMISE_KINDS = set(ClaimKind.promises())
# What a reader asks of promises whose deadline has passed.
DUE_VERDICTS = [Verdict.KEPT, Verdict.PARTLY_KEPT, Verdict.LATE, Verdict.NOT_KEPT]


def commitments_url(**params):
    return f"{page_url('commitments:commitment_list')}?{urlencode(params, doseq=True)}"


class Tally:
    """The published commitments counted once, in one grouped query, by every field the dashboard splits them
    by; each figure on the dashboard is then a sum over these groups, not a query of its own. With them, the
    statements the promises come from."""

    FIELDS = (
        "pillar", "party", "status", "claim_kind", "verdict", "verification", "evidence_strength",
        "names_deadline", "names_quantity",
    )  # fmt: skip

    def __init__(self, published, today):
        grouped = published.order_by().values_list(*self.FIELDS)
        counted = grouped.annotate(n=Count("pk"), due=Count("pk", filter=Q(target_date__lte=today)))
        self.groups = [(dict(zip(self.FIELDS, values, strict=True)), n, due) for *values, n, due in counted]
        self.promise_statements = published.promises().statement_count()

    @classmethod
    def of_site(cls, today):
        """The tally of what the public sees today. Counting every commitment takes a while at scale, so it is
        kept until the next write that changes what the public sees moves the site's version."""
        return cache.of_site_version(f"tally:{today.isoformat()}", lambda: cls(Commitment.objects.published(), today))

    def count(self, where=lambda group: True, *, due=False):
        return sum(due_n if due else n for group, n, due_n in self.groups if where(group))

    def by(self, *fields, where=lambda group: True, due=False):
        """{value (or tuple of values, for several fields): count} of the groups `where` keeps."""
        counts = Counter()
        key = itemgetter(*fields)  # a tuple of several fields' values, or one field's value
        for group, n, due_n in self.groups:
            if where(group):
                counts[key(group)] += due_n if due else n
        return counts


def is_promise(group):
    return group["claim_kind"] in PROMISE_KINDS


def is_not_result(group):
    """A reported result is verified, not kept: statuses are those of the other claims."""
    return group["claim_kind"] != ClaimKind.REPORTED_RESULT


def rests_on_own_word(group):
    return is_promise(group) and group["evidence_strength"] == EvidenceStrength.OWN_WORD


def claim_counts(tally):
    """Promises and other claims counted apart, each number with the table that makes it. Items listed in one
    sentence share their statement, so promises are also counted by statement."""
    promise_filter = {"claim_kind": ClaimKind.promises()}
    results = tally.by("verification", where=lambda group: group["claim_kind"] == ClaimKind.REPORTED_RESULT)
    naming = [
        (_("name a deadline"), [Checkable.DEADLINE]),
        (_("name a quantity"), [Checkable.QUANTITY]),
        (_("name both a deadline and a quantity"), [Checkable.DEADLINE, Checkable.QUANTITY]),
    ]

    def promise_naming(elements):
        return lambda group: is_promise(group) and all(group[NAMES_FIELDS[element]] for element in elements)

    return {
        "promises": tally.count(is_promise),
        "promise_statements": tally.promise_statements,
        "promises_url": commitments_url(**promise_filter),
        "aspirations": tally.count(lambda group: group["claim_kind"] == ClaimKind.ASPIRATION),
        "aspirations_url": commitments_url(claim_kind=ClaimKind.ASPIRATION),
        "results": sum(results.values()),
        "results_url": commitments_url(claim_kind=ClaimKind.REPORTED_RESULT),
        "verification": [
            (state, results.get(state.value, 0), commitments_url(verification=state.value)) for state in Verification
        ],
        "naming": [
            (label, tally.count(promise_naming(elements)), commitments_url(**promise_filter, names=elements))
            for label, elements in naming
        ],
    }


def verdict_summary(tally):
    """Promises by verdict, the promises due by today and how they went, those resting only on the promiser's
    word, and one row per responsible party."""
    due_counts = tally.by("verdict", where=is_promise, due=True)
    cells = tally.by("party", "verdict", where=is_promise)
    parties = [party for party in Party if any(key[0] == party for key in cells)]
    return {
        "total": tally.count(is_promise),
        "chart": verdict_chart(
            tally.by("verdict", where=is_promise),
            lambda verdict: commitments_url(**PROMISES, verdict=verdict.value),
        ),
        "due": tally.count(is_promise, due=True),
        "due_url": commitments_url(**PROMISES, due="true"),
        "due_verdicts": [
            (verdict, due_counts.get(verdict.value, 0), commitments_url(**PROMISES, due="true", verdict=verdict.value))
            for verdict in DUE_VERDICTS
        ],
        "own_word": tally.count(
            lambda group: is_promise(group) and group["evidence_strength"] == EvidenceStrength.OWN_WORD
        ),
        "own_word_url": commitments_url(**PROMISES, evidence=EvidenceStrength.OWN_WORD),
        "card_verdicts": list(Verdict),
        "card": [
            (
                party,
                sum(cells.get((party.value, verdict.value), 0) for verdict in Verdict),
                [
                    (
                        cells.get((party.value, verdict.value), 0),
                        commitments_url(**PROMISES, party=party.value, verdict=verdict.value),
                    )
                    for verdict in Verdict
                ],
            )
            for party in parties
        ],
    }


def status_charts(tally, pillars):
    """Claims other than reported results by status: in all, by pillar (in the pillars' order), by party."""
    return {
        "status_chart": status_chart(
            tally.by("status", where=is_not_result), lambda status: commitments_url(status=status.value)
        ),
        "pillar_chart": stacked_status_chart(
            tally.by("pillar", "status", where=is_not_result),
            [pillar.pk for pillar in pillars],
            lambda pk: pillars_by_pk(pillars)[pk].get_absolute_url(),
            lambda pk: pillars_by_pk(pillars)[pk].name,
        ),
        "party_chart": stacked_status_chart(
            tally.by("party", "status", where=is_not_result),
            [party.value for party in Party],
            lambda party: commitments_url(party=party),
            lambda party: Party(party).label,
        ),
    }


def pillars_by_pk(pillars):
    return {pillar.pk: pillar for pillar in pillars}
