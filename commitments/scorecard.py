"""The dashboard's numbers a reader can trust: promises and other claims counted apart, promises by verdict,
what is due and how it went, how much rests on the promiser's own word, and a report card per party. Every
number comes with the address of the filtered table that makes it."""

from urllib.parse import urlencode

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .charts import verdict_chart
from .vocabulary import Checkable, ClaimKind, EvidenceStrength, Party, Verdict, Verification

PROMISES = {"claim_kind": ClaimKind.promises()}
# What a reader asks of promises whose deadline has passed.
DUE_VERDICTS = [Verdict.KEPT, Verdict.PARTLY_KEPT, Verdict.LATE, Verdict.NOT_KEPT]


def commitments_url(**params):
    return f"{reverse('commitments:commitment_list')}?{urlencode(params, doseq=True)}"


def claim_counts(published):
    """Promises and other claims counted apart, each number with the table that makes it. Items listed in one
    sentence share their statement, so promises are also counted by statement."""
    promises = published.promises()
    promise_filter = {"claim_kind": ClaimKind.promises()}
    results = dict(published.reported_results().order_by().values_list("verification").annotate(n=Count("pk")))
    naming = [
        (_("name a deadline"), [Checkable.DEADLINE]),
        (_("name a quantity"), [Checkable.QUANTITY]),
        (_("name both a deadline and a quantity"), [Checkable.DEADLINE, Checkable.QUANTITY]),
    ]
    return {
        "promises": promises.count(),
        "promise_statements": promises.statement_count(),
        "promises_url": commitments_url(**promise_filter),
        "aspirations": published.filter(claim_kind=ClaimKind.ASPIRATION).count(),
        "aspirations_url": commitments_url(claim_kind=ClaimKind.ASPIRATION),
        "results": sum(results.values()),
        "results_url": commitments_url(claim_kind=ClaimKind.REPORTED_RESULT),
        "verification": [
            (state, results.get(state.value, 0), commitments_url(verification=state.value)) for state in Verification
        ],
        "naming": [
            (label, promises.naming(*elements).count(), commitments_url(**promise_filter, names=elements))
            for label, elements in naming
        ],
    }


def verdict_summary(promises, today):
    """Promises by verdict, the promises due by today and how they went, those resting only on the promiser's
    word, and one row per responsible party."""
    due = promises.filter(target_date__lte=today)
    due_counts = dict(due.order_by().values_list("verdict").annotate(n=Count("pk")))
    cells = {}
    for party, verdict, n in promises.order_by().values_list("party", "verdict").annotate(n=Count("pk")):
        cells[party, verdict] = n
    parties = [party for party in Party if any(key[0] == party for key in cells)]
    return {
        "total": promises.count(),
        "chart": verdict_chart(promises, lambda verdict: commitments_url(**PROMISES, verdict=verdict.value)),
        "due": due.count(),
        "due_url": commitments_url(**PROMISES, due="true"),
        "due_verdicts": [
            (verdict, due_counts.get(verdict.value, 0), commitments_url(**PROMISES, due="true", verdict=verdict.value))
            for verdict in DUE_VERDICTS
        ],
        "own_word": promises.filter(evidence_strength=EvidenceStrength.OWN_WORD).count(),
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
