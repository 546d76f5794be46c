"""Pages anyone can read. Everything here starts from `published()` and `public()`."""

from urllib.parse import urlencode

from django.db.models import Avg, Count, Prefetch, Q
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView, ListView
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from ..annotation import annotate
from ..charts import TargetBar, stacked_status_chart, status_chart
from ..exports import SafeExportMixin
from ..filters import CommitmentFilter
from ..history import status_timeline
from ..maps import draw
from ..models import Commitment, Indicator, Measurement, Pillar, ProgressUpdate, SourceDocument, Statement
from ..tables import CommitmentTable
from ..vocabulary import Checkable, ClaimKind, Party, Verification

LATEST_UPDATES = 8


class CommitmentTableMixin(SafeExportMixin, SingleTableMixin):
    table_class = CommitmentTable
    table_pagination = {"per_page": 25}
    export_name = "commitments"


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


def dashboard(request):
    published = Commitment.objects.published()
    # A reported result is verified, not kept: statuses and progress are those of the other claims.
    commitments = published.exclude(claim_kind=ClaimKind.REPORTED_RESULT)
    pillars = Pillar.objects.in_bulk()
    progress = commitments.aggregate(average=Avg("progress"), known=Count("pk", filter=Q(progress__isnull=False)))
    key_indicators = (
        Indicator.objects.filter(key=True, commitment__in=published)
        .select_related("commitment")
        .prefetch_related(Prefetch("measurements", queryset=Measurement.objects.order_by("-as_of")))
    )
    context = {
        "total": published.count(),
        "claims": claim_counts(published),
        "progress": progress,
        "status_chart": status_chart(commitments, lambda status: commitments_url(status=status.value)),
        "pillar_chart": stacked_status_chart(
            commitments,
            "pillar",
            lambda pk: pillars[pk].get_absolute_url(),
            lambda pk: pillars[pk].name,
            order_field="pillar__order",
        ),
        "party_chart": stacked_status_chart(
            commitments, "party", lambda party: commitments_url(party=party), lambda party: Party(party).label
        ),
        "target_bars": [TargetBar(i, next(iter(i.measurements.all()), None)) for i in key_indicators],
        "overdue": commitments.overdue().for_listing().order_by("target_date")[:20],
        "updates": ProgressUpdate.objects.public().select_related("commitment")[:LATEST_UPDATES],
    }
    return render(request, "commitments/dashboard.html", context)


class CommitmentListView(CommitmentTableMixin, FilterView):
    filterset_class = CommitmentFilter
    template_name = "commitments/commitment_list.html"

    def get_queryset(self):
        return Commitment.objects.published().for_listing()


class CommitmentDetailView(DetailView):
    def get_queryset(self):
        return Commitment.objects.published().with_public_record()

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            today=timezone.localdate(), timeline=status_timeline(self.object.public_updates), **kwargs
        )


class PillarListView(ListView):
    template_name = "commitments/pillar_list.html"

    def get_queryset(self):
        return Pillar.objects.annotate(
            commitment_count=Count("commitments", filter=Q(commitments__in=Commitment.objects.published()))
        ).prefetch_related("themes")


class PillarDetailView(CommitmentTableMixin, DetailView):
    template_name = "commitments/pillar_detail.html"
    queryset = Pillar.objects.prefetch_related("themes")

    def get_table_data(self):
        return Commitment.objects.published().for_listing().filter(pillar=self.object)


class SourceListView(ListView):
    template_name = "commitments/source_list.html"

    def get_queryset(self):
        # Every published commitment the source states, first stated there or restated.
        return SourceDocument.objects.annotate(
            commitment_count=Count("statements", filter=Q(statements__commitment__published=True))
        )


class SourceDetailView(CommitmentTableMixin, DetailView):
    """A source's full text with every published statement in it marked, and the commitments it states."""

    template_name = "commitments/source_detail.html"
    model = SourceDocument

    def get_table_data(self):
        return Commitment.objects.published().for_listing().filter(statements__source=self.object)

    def get_context_data(self, **kwargs):
        # The commitment's whole row: its title is read through its translation columns.
        stated = Statement.objects.of_published().filter(source=self.object).select_related("commitment")
        return super().get_context_data(passages=annotate(self.object.text, list(stated)), **kwargs)


def commitment_map(request):
    """The located published commitments on an SVG map, filtered like the table."""
    filterset = CommitmentFilter(request.GET or None, queryset=Commitment.objects.published(), request=request)
    matching = filterset.qs if not filterset.is_bound or filterset.is_valid() else Commitment.objects.none()
    context = {"filter": filterset, "map": draw(matching.located()), "matching": matching.count()}
    return render(request, "commitments/map.html", context)
