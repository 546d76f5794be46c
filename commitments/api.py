"""The read-only JSON API: published commitments, with the filters of the public table."""

from django.core.paginator import Paginator
from django.utils.functional import cached_property
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination

from .cache import count_of_site
from .filters import CommitmentFilter
from .models import Commitment, Indicator, Measurement, Milestone, ProgressUpdate, Statement, VerdictRecord


class MilestoneSerializer(serializers.ModelSerializer):
    class Meta:
        model = Milestone
        fields = ["title", "due_date", "due_date_precision", "completed_date", "completed_date_precision"]


class MeasurementSerializer(serializers.ModelSerializer):
    class Meta:
        model = Measurement
        fields = ["value", "as_of", "as_of_precision", "source_url", "note"]


class SourceSerializer(serializers.Serializer):
    slug = serializers.SlugField(read_only=True)
    title = serializers.CharField(read_only=True)


class StatementSerializer(serializers.ModelSerializer):
    """One statement of a commitment: its words in a source, and what it promised. Dates are the latest day
    their precision allows."""

    source = SourceSerializer(read_only=True)
    date = serializers.DateField(read_only=True, help_text="The date of the source that made the statement.")

    class Meta:
        model = Statement
        fields = [
            "source", "date", "quote", "quote_start", "speaker", "claim_kind", "deliverable", "quantity", "unit",
            "place", "target_date", "target_date_precision", "responsible_party",
        ]  # fmt: skip


class IndicatorSerializer(serializers.ModelSerializer):
    measurements = MeasurementSerializer(many=True, read_only=True)

    class Meta:
        model = Indicator
        fields = [
            "slug", "name", "unit", "measure", "baseline_value", "baseline_date", "target_value", "target_date",
            "measurements",
        ]  # fmt: skip


class UpdateSerializer(serializers.ModelSerializer):
    source = serializers.CharField(source="source_link", read_only=True)

    class Meta:
        model = ProgressUpdate
        fields = ["date", "text", "source", "source_kind", "status", "progress"]


class EvidenceSerializer(serializers.Serializer):
    """How strong the evidence behind a commitment is."""

    sources = serializers.IntegerField(source="evidence_sources", read_only=True)
    independent_sources = serializers.IntegerField(
        read_only=True, help_text="Sources independent of the government that made the promise."
    )
    last_checked = serializers.DateField(read_only=True, allow_null=True)
    strength = serializers.CharField(source="evidence_strength", read_only=True)
    strength_label = serializers.CharField(source="evidence_meaning", read_only=True)


class VerdictRecordSerializer(serializers.ModelSerializer):
    source = serializers.CharField(source="source_link", read_only=True)

    class Meta:
        model = VerdictRecord
        fields = ["judged_on", "kind", "verdict", "reason", "source"]


class CommitmentSerializer(serializers.HyperlinkedModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="commitments:api-commitment-detail", lookup_field="slug")
    page = serializers.SerializerMethodField()  # a method, not a source: DRF inspects a callable source on every row
    pillar = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    theme = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    source = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    parent = serializers.SlugRelatedField(source="public_parent", slug_field="slug", read_only=True, allow_null=True)
    completion_date = serializers.DateField(source="completed_on", read_only=True, allow_null=True)
    completion_date_precision = serializers.SerializerMethodField()
    verification = serializers.SerializerMethodField()
    statement_count = serializers.IntegerField(read_only=True)
    verdict = serializers.SerializerMethodField()
    evidence = EvidenceSerializer(source="*", read_only=True)

    class Meta:
        model = Commitment
        fields = [
            "url", "page", "slug", "title", "summary", "pillar", "theme", "party", "kind", "claim_kind",
            "verification", "verdict", "verdict_date", "verdict_reason", "verdict_overridden", "evidence", "status",
            "progress", "checkability", "location", "latitude", "longitude", "geometry",
            "start_date", "start_date_precision", "target_date", "target_date_precision", "completion_date",
            "completion_date_precision", "source", "quote", "quote_start", "statement_count", "parent", "weight",
            "iati_identifier", "aiddata_id", "updated",
        ]  # fmt: skip

    def get_page(self, commitment) -> str:
        return commitment.get_absolute_url()

    def get_completion_date_precision(self, commitment) -> str | None:
        return commitment.completion_date_precision if commitment.completed_on else None

    def get_verdict(self, commitment) -> str | None:
        """Only a promise has a verdict."""
        return commitment.verdict or None

    def get_verification(self, commitment) -> str | None:
        """Only a reported result is verified; a promise has a status instead."""
        return commitment.verification if commitment.is_reported_result else None


class CommitmentDetailSerializer(CommitmentSerializer):
    milestones = MilestoneSerializer(many=True, read_only=True)
    indicators = IndicatorSerializer(many=True, read_only=True)
    updates = UpdateSerializer(many=True, read_only=True, source="public_updates")
    statements = StatementSerializer(many=True, read_only=True)
    verdict_history = VerdictRecordSerializer(many=True, read_only=True, source="verdicts")

    class Meta(CommitmentSerializer.Meta):
        fields = [
            *CommitmentSerializer.Meta.fields, "statements", "verdict_history", "milestones", "indicators", "updates",
        ]  # fmt: skip


class SiteCountPaginator(Paginator):
    """Counts the rows once for each version of the site's content (`cache.count_of_site`), not on every page."""

    @cached_property
    def count(self):
        return count_of_site(self.object_list)


class Pagination(PageNumberPagination):
    django_paginator_class = SiteCountPaginator
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500

    def get_page_size(self, request):
        """A page size out of range is refused with a message, not quietly replaced."""
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= self.max_page_size:
            raise ValidationError({"page_size": f"Give a whole number from 1 to {self.max_page_size}."})
        return int(raw)


ERRORS = {
    400: OpenApiResponse(description="A filter value is not valid; the body names the filter and the reason."),
    404: OpenApiResponse(description="No such page of results, or no published commitment with that slug."),
}


@extend_schema_view(
    list=extend_schema(
        responses={200: CommitmentSerializer(many=True), **ERRORS},
        parameters=[
            OpenApiParameter("target_year", {"type": "integer", "minimum": 1900, "maximum": 2200}),
            OpenApiParameter("page", {"type": "integer", "minimum": 1}),
            OpenApiParameter("page_size", {"type": "integer", "minimum": 1, "maximum": Pagination.max_page_size}),
        ],
    ),
    retrieve=extend_schema(responses={200: CommitmentDetailSerializer, 404: ERRORS[404]}),
)
class CommitmentViewSet(viewsets.ReadOnlyModelViewSet):
    lookup_field = "slug"
    filter_backends = [DjangoFilterBackend]
    filterset_class = CommitmentFilter
    pagination_class = Pagination

    def get_queryset(self):
        commitments = Commitment.objects.published()
        if self.action == "retrieve":
            return commitments.with_public_record()
        return commitments.naming_their_rows().order_by("pillar_order", "title", "pk")

    def get_serializer_class(self):
        return CommitmentDetailSerializer if self.action == "retrieve" else CommitmentSerializer
