"""A commitment's timeline of dated, sourced updates."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ..vocabulary import ProgressMethod, SourceKind, Status
from .common import PERCENT_VALIDATORS, ListsValidChoices, LoadsRowsQuickly, translation_columns


class ProgressUpdateQuerySet(models.QuerySet):
    def public(self):
        """Updates the public may see: public ones on published commitments (`ProgressUpdate.shown_publicly`
        says it of one update in hand)."""
        return self.filter(public=True, commitment__published=True)

    def visible_to(self, user):
        if user.has_perm("commitments.view_draft"):
            return self.all()
        return self.public()


class ProgressUpdate(LoadsRowsQuickly, ListsValidChoices, models.Model):
    commitment = models.ForeignKey(
        "commitments.Commitment", on_delete=models.CASCADE, related_name="updates", verbose_name=_("commitment")
    )
    date = models.DateField(_("date"), help_text=_("When the reported change happened or was reported."))
    text = models.TextField(_("what happened"), blank=True)
    source_url = models.URLField(_("source URL"), max_length=500, blank=True)
    source_document = models.ForeignKey(
        "commitments.SourceDocument",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="updates",
        verbose_name=_("source document"),
    )
    evidence = models.ForeignKey(
        "commitments.EvidenceSource",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="updates",
        verbose_name=_("evidence"),
    )
    source_kind = models.CharField(_("kind of source"), max_length=30, choices=SourceKind.choices)
    status = models.CharField(_("status after the update"), max_length=20, choices=Status.choices)
    progress = models.PositiveSmallIntegerField(
        _("progress after the update (%)"), null=True, blank=True, validators=PERCENT_VALIDATORS
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="progress_updates",
        verbose_name=_("author"),
    )
    public = models.BooleanField(_("public"), default=True, help_text=_("Internal updates are seen by staff only."))
    created = models.DateTimeField(_("recorded"), auto_now_add=True)

    objects = ProgressUpdateQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=translation_columns("text"))

    class Meta:
        ordering = ["-date", "-created"]
        get_latest_by = ["date", "created"]
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")
        # The feed and the latest updates read the newest first.
        indexes = [models.Index(fields=["-date", "-created"], name="update_newest_first")]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__isnull=True) | Q(progress__gte=0, progress__lte=100),
                name="update_progress_0_100",
                violation_error_message=_("Progress must be between 0 and 100."),
            ),
            models.CheckConstraint(
                condition=~Q(source_url="") | Q(source_document__isnull=False),
                name="update_has_source",
                violation_error_message=_("Give a source URL or a source document for the update."),
            ),
        ]

    def __str__(self):
        return f"{self.commitment.title}, {self.date}"

    @property
    def shown_publicly(self):
        """Whether the public may see it: the rule of `ProgressUpdateQuerySet.public`, for an update loaded with
        its commitment (as its commitment's `updates` are)."""
        return self.public and self.commitment.published

    def earlier_updates(self):
        """The commitment's updates before this one on its timeline, latest first."""
        earlier = ProgressUpdate.objects.filter(commitment_id=self.commitment_id).exclude(pk=self.pk)
        if self.date is not None:
            same_day = Q(date=self.date, created__lt=self.created) if self.created else Q(date=self.date)
            earlier = earlier.filter(Q(date__lt=self.date) | same_day)
        return earlier.order_by("-date", "-created")

    def changes(self):
        """(moves the status, moves the progress) from what was in force before this update."""
        earlier = self.earlier_updates()
        status_before = earlier.values_list("status", flat=True).first() or Status.ANNOUNCED
        progress_before = earlier.filter(progress__isnull=False).values_list("progress", flat=True).first()
        return self.status != status_before, self.progress is not None and self.progress != progress_before

    def clean(self):
        """What the public is shown rests on public evidence: an update that moves the status or progress
        says what happened and is public. Computed progress is never set by hand."""
        if not self.commitment_id or not self.status:
            return
        errors = {}
        if self.progress is not None and self.commitment.progress_method != ProgressMethod.MANUAL:
            errors["progress"] = _("This commitment's progress is computed (%(rule)s); it cannot be set by hand.") % {
                "rule": self.commitment.get_progress_method_display()
            }
        else:
            moves_status, moves_progress = self.changes()
            if moves_status and not (self.text or "").strip():
                errors["text"] = _("A status change needs a note saying what happened and why.")
            if (moves_status or moves_progress) and not self.public:
                errors["public"] = _(
                    "An update that changes the status or progress is public, so that readers see the evidence "
                    "for what they are shown."
                )
        if errors:
            raise ValidationError(errors)

    @property
    def source_link(self):
        if self.source_url:
            return self.source_url
        return self.source_document.get_absolute_url() if self.source_document_id else ""
