"""Milestones, indicators and their measured values."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ..dates import PreciseDatesMixin, precision_field
from ..vocabulary import Measure
from .common import ListsValidChoices, LoadsRowsQuickly, translation_columns


class MilestoneQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(completed_date__isnull=True)

    def due_before(self, day):
        """Pending milestones due on or before `day`: overdue ones and those coming up."""
        return self.pending().filter(due_date__lte=day)


class Milestone(LoadsRowsQuickly, ListsValidChoices, PreciseDatesMixin, models.Model):
    PRECISE_DATES = {"due_date": "due_date_precision", "completed_date": "completed_date_precision"}

    commitment = models.ForeignKey(
        "commitments.Commitment", on_delete=models.CASCADE, related_name="milestones", verbose_name=_("commitment")
    )
    title = models.CharField(_("title"), max_length=200)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    due_date_precision = precision_field(_("precision of the due date"))
    completed_date = models.DateField(_("completed on"), null=True, blank=True)
    completed_date_precision = precision_field(_("precision of the completion date"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = MilestoneQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=translation_columns("title"))

    class Meta:
        ordering = ["commitment", "order", "due_date"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        # The pending milestones due by a day (`due_before`): one range of this index of the pending ones alone,
        # in the staff list's order (due date, then id), so that a page of it is read without sorting them all.
        indexes = [
            models.Index(
                fields=["due_date", "id"],
                condition=Q(completed_date__isnull=True),
                name="milestone_pending_by_due_date",
            )
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["commitment", "title"],
                name="milestone_title_unique_per_commitment",
                violation_error_message=_("This commitment already has a milestone with that title."),
            )
        ]

    def __str__(self):
        return self.title

    def clean(self):
        self.normalise_dates()

    @property
    def is_done(self):
        return self.completed_date is not None

    def is_overdue(self, today=None):
        today = today or timezone.localdate()
        return not self.is_done and self.due_date is not None and self.due_date < today


class Indicator(LoadsRowsQuickly, ListsValidChoices, models.Model):
    commitment = models.ForeignKey(
        "commitments.Commitment", on_delete=models.CASCADE, related_name="indicators", verbose_name=_("commitment")
    )
    name = models.CharField(_("name"), max_length=200, help_text=_("What is counted, e.g. “Trainees sent to China”."))
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    unit = models.CharField(_("unit"), max_length=50, help_text=_("e.g. USD, tonnes, people."))
    measure = models.CharField(
        _("kind of number"),
        max_length=10,
        choices=Measure.choices,
        default=Measure.COUNT,
        help_text=_("Counts and amounts can never be negative."),
    )
    key = models.BooleanField(_("key indicator"), default=False, db_index=True, help_text=_("Shown on the dashboard."))
    baseline_value = models.DecimalField(_("baseline value"), max_digits=20, decimal_places=2, null=True, blank=True)
    baseline_date = models.DateField(_("baseline date"), null=True, blank=True)
    target_value = models.DecimalField(_("target value"), max_digits=20, decimal_places=2, null=True, blank=True)
    target_date = models.DateField(_("target date"), null=True, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    history = HistoricalRecords(excluded_fields=translation_columns("name", "unit"))

    class Meta:
        ordering = ["commitment", "order", "name"]
        # The dashboard's key numbers: a few in every hundred indicators, found without reading the others.
        indexes = [models.Index(fields=["commitment"], condition=Q(key=True), name="indicator_key")]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")

    def __str__(self):
        return f"{self.name} ({self.unit})"

    def latest_measurement(self):
        """The newest value, read from prefetched measurements when they are there."""
        return max(self.measurements.all(), key=lambda m: m.as_of, default=None)

    def clean(self):
        if self.measure in Measure.non_negative():
            errors = {
                field: _("A count or amount cannot be negative.")
                for field in ("baseline_value", "target_value")
                if getattr(self, field) is not None and getattr(self, field) < 0
            }
            if errors:
                raise ValidationError(errors)


class Measurement(LoadsRowsQuickly, ListsValidChoices, PreciseDatesMixin, models.Model):
    PRECISE_DATES = {"as_of": "as_of_precision"}

    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="measurements", verbose_name=_("indicator")
    )
    value = models.DecimalField(_("value"), max_digits=20, decimal_places=2)
    as_of = models.DateField(_("as of"), help_text=_("The date the value describes."))
    as_of_precision = precision_field(_("precision of the date"))
    source_url = models.URLField(_("source URL"), max_length=500, blank=True)
    source_document = models.ForeignKey(
        "commitments.SourceDocument",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="measurements",
        verbose_name=_("source document"),
    )
    evidence = models.ForeignKey(
        "commitments.EvidenceSource",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="measurements",
        verbose_name=_("evidence"),
    )
    note = models.TextField(_("note"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["indicator", "as_of"]
        get_latest_by = "as_of"
        verbose_name = _("measurement")
        verbose_name_plural = _("measurements")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "as_of"],
                name="measurement_one_per_date",
                violation_error_message=_("This indicator already has a value for that date."),
            ),
            models.CheckConstraint(
                condition=~Q(source_url="") | Q(source_document__isnull=False),
                name="measurement_has_source",
                violation_error_message=_("Give a source URL or a source document for the value."),
            ),
        ]

    def __str__(self):
        return f"{self.indicator.name}: {self.value} ({self.as_of})"

    def clean(self):
        self.normalise_dates()
        negative = self.value is not None and self.value < 0
        if negative and self.indicator_id and self.indicator.measure in Measure.non_negative():
            raise ValidationError({"value": _("A count or amount cannot be negative.")})
