"""Pages anyone can read. Everything here starts from `published()` and `public()`."""

from django.conf import settings
from django.db.models import Count, Exists, F, Max, OuterRef, Prefetch, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import render
from django.utils import timezone
from django.views.generic import DetailView, ListView
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from .. import scorecard
from ..annotation import annotate
from ..cache import of_site_version
from ..charts import TargetBar
from ..exports import SafeExportMixin
from ..filters import CommitmentFilter
from ..history import status_timeline
from ..maps import draw
from ..models import Commitment, Indicator, Measurement, Pillar, ProgressUpdate, SourceDocument, Statement
from ..models.commitments import long_texts
from ..scorecard import commitments_url
from ..tables import CommitmentTable, SearchedTableMixin
from ..vocabulary import ClaimKind, Party

LATEST_UPDATES = 8
LATEST_SOURCES = 5
KEY_NUMBERS = 12  # target bars on the dashboard: a page to read at a glance, however many key numbers there are


class CommitmentTableMixin(SafeExportMixin, SearchedTableMixin, SingleTableMixin):
    table_class = CommitmentTable
    table_pagination = {"per_page": 25}
    export_name = "commitments"


def dashboard(request):
    published = Commitment.objects.published()
    tally = scorecard.Tally.of_site(timezone.localdate())
    parties = tally.by("party")
    context = {
        "total": tally.count(),
        "sources": latest_sources(),
        "parties": [party for party in Party if parties[party.value]],
        "claims": scorecard.claim_counts(tally),
        "verdicts": scorecard.verdict_summary(tally),
        **scorecard.status_charts(tally, list(Pillar.objects.order_by("order"))),
        "key_numbers": key_numbers(),
        # The two short lists read only what they show: a commitment has sixty columns.
        "overdue": published.exclude(claim_kind=ClaimKind.REPORTED_RESULT)
        .overdue()
        .only("title", "slug", "target_date", "target_date_precision")
        .order_by("target_date")[:20],
        "updates": ProgressUpdate.objects.public()
        .select_related("commitment")
        .only("date", "text", "commitment__title", "commitment__slug")[:LATEST_UPDATES],
    }
    return render(request, "commitments/dashboard.html", context)


def key_numbers():
    """Target bars of the key indicators of published commitments, the most recently measured first, at most
    KEY_NUMBERS of them; and how many there are in all."""
    indicators = Indicator.objects.filter(key=True, commitment__published=True)
    shown = (
        indicators.annotate(measured=Max("measurements__as_of"))
        .order_by(F("measured").desc(nulls_last=True), *Indicator._meta.ordering)
        .select_related("commitment")
        .prefetch_related(Prefetch("measurements", queryset=Measurement.objects.order_by("-as_of")))[:KEY_NUMBERS]
    )
    bars = [TargetBar(indicator, next(iter(indicator.measurements.all()), None)) for indicator in shown]
    return {"bars": bars, "count": indicators.count()}


def latest_sources():
    """The newest public sources that state a published commitment, and how many there are in all; worked out
    once for each version of the site's content."""
    return of_site_version("dashboard-sources", stating_sources)


def stating_sources():
    stating = SourceDocument.objects.public().filter(
        Exists(Statement.objects.of_published().filter(source=OuterRef("pk")))
    )
    return {"latest": list(stating.defer("text", "summary")[:LATEST_SOURCES]), "count": stating.count()}


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
            today=timezone.localdate(),
            timeline=status_timeline(self.object.public_updates),
            evidence=self.object.cited_evidence().select_related("source_document"),
            grace_days=settings.VERDICT_GRACE_DAYS,
            **kwargs,
        )


class PillarListView(ListView):
    template_name = "commitments/pillar_list.html"

    def get_queryset(self):
        # The dashboard's tally counts the published commitments of each pillar already.
        counts = scorecard.Tally.of_site(timezone.localdate()).by("pillar")
        pillars = list(Pillar.objects.prefetch_related("themes"))
        for pillar in pillars:
            pillar.commitment_count = counts[pillar.pk]
        return pillars


class PillarDetailView(CommitmentTableMixin, DetailView):
    template_name = "commitments/pillar_detail.html"
    queryset = Pillar.objects.prefetch_related("themes")

    def get_table_data(self):
        return Commitment.objects.published().for_listing().filter(pillar=self.object)


class SourceListView(ListView):
    template_name = "commitments/source_list.html"
    paginate_by = 50

    def get_queryset(self):
        # Every published commitment the source states, first stated there or restated; counted for the
        # page's sources only.
        stated = Statement.objects.of_published().filter(source=OuterRef("pk")).order_by().values("source")
        count = Subquery(stated.annotate(n=Count("pk")).values("n"))
        return SourceDocument.objects.public().defer("text").annotate(commitment_count=Coalesce(count, 0))


class SourceDetailView(CommitmentTableMixin, DetailView):
    """A source's full text with every published statement in it marked, and the commitments it states."""

    template_name = "commitments/source_detail.html"
    queryset = SourceDocument.objects.public()

    def get_table_data(self):
        return Commitment.objects.published().for_listing().filter(statements__source=self.object)

    def get_context_data(self, **kwargs):
        # The commitment's whole row: its title is read through its translation columns.
        stated = Statement.objects.of_published().filter(source=self.object)
        stated = stated.select_related("commitment").defer(*long_texts("commitment__"))
        return super().get_context_data(passages=annotate(self.object.text, list(stated)), **kwargs)


def commitment_map(request):
    """The located published commitments on an SVG map, filtered like the table."""
    filterset = CommitmentFilter(request.GET or None, queryset=Commitment.objects.published(), request=request)
    valid = not filterset.is_bound or filterset.is_valid()
    matching = filterset.qs if valid else Commitment.objects.none()
    within = filterset.form.cleaned_data.get("area") if filterset.is_bound and valid else None
    filters = {name: values for name, values in request.GET.lists() if name != "page"}

    def table_of(area):
        """The table of the commitments in a place on the map: these filters, in its area."""
        return commitments_url(**{**filters, "area": str(area)})

    drawing = draw(matching, within=within, link=table_of)
    return render(request, "commitments/map.html", {"filter": filterset, "map": drawing})
