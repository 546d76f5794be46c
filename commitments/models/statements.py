"""Statements: each verbatim passage of a source that states a commitment, and what it promised."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ..dates import PreciseDatesMixin, precision_field
from ..vocabulary import Checkable, ClaimKind, Party
from .common import ListsValidChoices, LoadsRowsQuickly
from .sources import SourceDocument


class StatementQuerySet(models.QuerySet):
    def in_order(self):
        """Date order: the first is the commitment's origin, the others restate it."""
        return self.order_by("source__date", "source_id", "pk")

    def of_published(self):
        return self.filter(commitment__published=True)


class Statement(LoadsRowsQuickly, ListsValidChoices, PreciseDatesMixin, models.Model):
    PRECISE_DATES = {"target_date": "target_date_precision"}

    commitment = models.ForeignKey(
        "commitments.Commitment", on_delete=models.CASCADE, related_name="statements", verbose_name=_("commitment")
    )
    source = models.ForeignKey(
        SourceDocument, on_delete=models.PROTECT, related_name="statements", verbose_name=_("source document")
    )
    quote = models.TextField(
        _("verbatim quote"),
        help_text=_(
            "Copied exactly from the source document's text; it is located there on save. Items listed in one "
            "sentence share that whole sentence as their quote."
        ),
    )
    quote_start = models.PositiveIntegerField(
        _("quote position"), editable=False, default=0, help_text=_("Character offset of the quote in the source text.")
    )
    speaker = models.CharField(
        _("speaker's side"), max_length=20, choices=Party.choices, help_text=_("Whose words these are.")
    )
    claim_kind = models.CharField(
        _("claim kind"),
        max_length=20,
        choices=ClaimKind.choices,
        default=ClaimKind.PLEDGE,
        help_text=_("What the sentence does: pledge, joint pledge, request, reported result or aspiration."),
    )
    deliverable = models.CharField(
        _("deliverable"),
        max_length=300,
        blank=True,
        help_text=_("The concrete thing to be delivered, if the statement names one, in the source's words."),
    )
    quantity = models.DecimalField(
        _("quantity"),
        max_digits=20,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("The number the statement promises, if any (1,000 trainees: 1000)."),
    )
    unit = models.CharField(_("unit"), max_length=100, blank=True, help_text=_("What the quantity counts."))
    place = models.CharField(_("place"), max_length=200, blank=True, help_text=_("Where, if the statement says."))
    target_date = models.DateField(
        _("target date"), null=True, blank=True, help_text=_("The deadline the statement gives, if any.")
    )
    target_date_precision = precision_field(_("precision of the target date"))
    responsible_party = models.CharField(
        _("responsible party"),
        max_length=20,
        choices=Party.choices,
        blank=True,
        help_text=_("Who the statement says will do it, if it says."),
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)

    objects = StatementQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["source__date", "source_id", "pk"]
        verbose_name = _("statement")
        verbose_name_plural = _("statements")
        constraints = [
            models.UniqueConstraint(
                fields=["commitment", "source"],
                name="statement_one_per_source",
                violation_error_message=_("This commitment already has a statement from that source."),
            ),
            models.CheckConstraint(
                condition=Q(quantity__isnull=True) | Q(quantity__gte=0),
                name="statement_quantity_not_negative",
                violation_error_message=_("A quantity cannot be negative."),
            ),
        ]
        indexes = [models.Index(fields=["source", "quote_start"], name="statement_source_position")]

    def __str__(self):
        return f"{self.commitment} — {self.source}"

    @classmethod
    def first_of(cls, commitment):
        """The first statement of a commitment given only its source and quote (unsaved): its words, with the
        commitment's party, claim kind and deadline."""
        return cls(
            commitment=commitment,
            source_id=commitment.source_id,
            quote=commitment.quote,
            quote_start=commitment.quote_start,
            speaker=commitment.party,
            responsible_party=commitment.party,
            claim_kind=commitment.claim_kind,
            target_date=commitment.target_date,
            target_date_precision=commitment.target_date_precision,
        )

    @property
    def quote_end(self):
        return self.quote_start + len(self.quote)

    @property
    def date(self):
        return self.source.date

    def names(self):
        """{Checkable: whether this statement names it}."""
        return {
            Checkable.DELIVERABLE: bool(self.deliverable),
            Checkable.QUANTITY: self.quantity is not None,
            Checkable.DEADLINE: self.target_date is not None,
            Checkable.PLACE: bool(self.place),
            Checkable.PARTY: bool(self.responsible_party),
        }

    def clean(self):
        self.normalise_dates()
        errors = {}
        if self.source_id and self.quote:
            try:
                self.quote_start = self.source.position_of(self.quote)
            except ValidationError as error:
                errors["quote"] = error.messages
        if self.unit and self.quantity is None:
            errors["unit"] = _("Give the quantity the unit counts, or leave the unit empty.")
        if errors:
            raise ValidationError(errors)


def named_elements(statements):
    """The checkable elements (Checkable) that at least one of these statements names."""
    return {element for statement in statements for element, named in statement.names().items() if named}


def missing_elements(statements):
    return [element for element in Checkable if element not in named_elements(statements)]
