from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.text import format_lazy
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from . import cache
from .concurrency import StaleEdit
from .extract import one_kind_of_newline, text_of
from .models import Commitment, Indicator, Pillar, SourceDocument, Theme, VerdictRecord
from .vocabulary import (
    ClaimKind,
    CommitmentKind,
    DatePrecision,
    DocumentKind,
    Party,
    SourceKind,
    Status,
    Verdict,
    VerdictKind,
)

FILTER_FIELDS = "includes/filter_fields.html"


class ListsValidChoices:
    """A value outside a list of choices is refused with the values the list accepts (the models do the same
    for every other path: models/common.py)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.ChoiceField) and not isinstance(field, forms.ModelChoiceField):
                allowed = ", ".join(str(value) for value, _label in field.choices if value not in ("", None))
                field.error_messages["invalid_choice"] = format_lazy(
                    "{} {}", _("“%(value)s” is not one of the allowed values:"), allowed
                )


class ChoicesForm(ListsValidChoices, forms.Form):
    """The base of the filters' forms."""

    def fields_html(self):
        """Its fields, as includes/filter_fields.html writes them. Every list page shows them, and they are the
        same for the same values, language and lists of choices, so each such form is rendered once: Django's
        widget templates take about 10 ms for the staff filters' eighteen fields."""
        inputs = (
            type(self).__module__,
            type(self).__qualname__,
            get_language(),
            self.is_bound,
            [(field.name, field.value(), field.errors) for field in self],
            [(name, [(str(value), str(label)) for value, label in field.choices]) for name, field in self.listed()],
        )
        html = cache.rendered_once("filter-fields", inputs, lambda: render_to_string(FILTER_FIELDS, {"form": self}))
        return mark_safe(html)  # noqa: S308 - rendered by a template, which escapes

    def listed(self):
        """Its fields whose choices are rows of the database (pillars, themes, staff)."""
        return [(name, field) for name, field in self.fields.items() if isinstance(field, forms.ModelChoiceField)]


class ProgressForm(ListsValidChoices, forms.Form):
    """One form to record what happened: the update, the new status and progress, and optionally a new value."""

    date = forms.DateField(label=_("Date"), initial=timezone.localdate, widget=forms.DateInput(attrs={"type": "date"}))
    text = forms.CharField(
        label=_("What happened"),
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Required when the status changes."),
    )
    source_url = forms.URLField(label=_("Source link"), required=False, max_length=500, assume_scheme="https")
    source_document = forms.ModelChoiceField(
        label=_("or source document"), queryset=SourceDocument.objects.all(), required=False
    )
    source_kind = forms.ChoiceField(label=_("Kind of source"), choices=SourceKind.choices)
    status = forms.ChoiceField(label=_("New status"), choices=Status.choices)
    progress = forms.IntegerField(
        label=_("New progress (%)"), min_value=0, max_value=100, required=False, help_text=_("Leave empty to keep it.")
    )
    public = forms.BooleanField(label=_("Public"), required=False, initial=True, help_text=_("Untick for staff only."))
    indicator = forms.ModelChoiceField(label=_("Indicator"), queryset=Indicator.objects.none(), required=False)
    value = forms.DecimalField(label=_("New value"), required=False, max_digits=20, decimal_places=2)
    as_of = forms.DateField(
        label=_("Value as of"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Defaults to the date above."),
    )

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, commitment, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = commitment.version
        self.fields["indicator"].queryset = commitment.indicators.all()
        self.fields["status"].initial = commitment.status

    def clean(self):
        data = super().clean()
        if not data.get("source_url") and not data.get("source_document"):
            self.add_error("source_url", _("Give a source link or choose a source document."))
        if data.get("indicator") and data.get("value") is None:
            self.add_error("value", _("Enter the value for the chosen indicator."))
        if data.get("value") is not None and not data.get("indicator"):
            self.add_error("indicator", _("Choose the indicator this value measures."))
        return data

    def measurement(self):
        data = self.cleaned_data
        if data.get("indicator") is None:
            return None
        return data["indicator"], data["value"], data.get("as_of")

    def add_service_errors(self, error: ValidationError):
        """Show a rule broken inside the service next to the field it concerns, or at the top."""
        if isinstance(error, StaleEdit):
            # A second deliberate save, after reading what changed, goes through.
            self.data = self.data.copy()
            self.data["version"] = error.current.version
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for field, messages in error.message_dict.items():
            self.add_error(field if field in self.fields else None, messages)


class CheckForm(ListsValidChoices, forms.Form):
    """ "Checked, nothing new": the source looked at again (a link or a document), and an optional note."""

    source_url = forms.URLField(label=_("Source checked"), required=False, max_length=500, assume_scheme="https")
    source_document = forms.ModelChoiceField(queryset=SourceDocument.objects.all(), required=False)
    note = forms.CharField(label=_("Note"), required=False, max_length=2_000)

    def clean(self):
        data = super().clean()
        if not data.get("source_url") and not data.get("source_document"):
            raise ValidationError(_("Give the source you checked."))
        return data


BACK_TO_RULE = "rule"


class VerdictForm(ListsValidChoices, forms.Form):
    """An editor's verdict in place of the rule's, or back to the rule; either way with a reason and a source.
    Its fields are prefixed: it shares the staff page with the progress form."""

    prefix = "verdict"

    verdict = forms.ChoiceField(
        label=_("Verdict"),
        choices=[*Verdict.choices, (BACK_TO_RULE, _("Back to the rule's verdict"))],
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=5_000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Published with the verdict."),
    )
    source_url = forms.URLField(label=_("Source"), required=False, max_length=500, assume_scheme="https")
    source_document = forms.ModelChoiceField(
        label=_("or source document"), queryset=SourceDocument.objects.all(), required=False
    )

    def record(self, commitment, author):
        data = self.cleaned_data
        withdrawn = data["verdict"] == BACK_TO_RULE
        return VerdictRecord(
            commitment=commitment,
            kind=VerdictKind.WITHDRAWN if withdrawn else VerdictKind.OVERRIDE,
            verdict="" if withdrawn else data["verdict"],
            reason=data["reason"],
            source_url=data["source_url"],
            source_document=data["source_document"],
            author=author,
        )

    def add_service_errors(self, error):
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for field, messages in error.message_dict.items():
            self.add_error(field if field in self.fields else None, messages)


class NewSourceForm(ListsValidChoices, forms.Form):
    """A new statement for the drafting desk: what it is, and its text, pasted or in a file."""

    title = forms.CharField(label=_("Title"), max_length=300)
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    speaker = forms.CharField(label=_("Speaker or issuing body"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=DocumentKind.choices)
    url = forms.URLField(
        label=_("Where the original can be read"), required=False, max_length=500, assume_scheme="https"
    )
    language = forms.ChoiceField(label=_("Language of the text"), choices=settings.LANGUAGES)
    text = forms.CharField(
        label=_("Text"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("Paste the whole text, or choose a file below."),
    )
    file = forms.FileField(
        label=_("or a file"),
        required=False,
        help_text=_("Plain text (.txt), a web page saved from a browser (.html) or a PDF."),
    )

    def clean(self):
        data = super().clean()
        text = one_kind_of_newline(data.get("text") or "")
        if data.get("file"):
            try:
                text = text_of(data["file"])
            except ValidationError as error:
                self.add_error("file", error)
                return data
        if not text.strip():
            self.add_error("text", _("The text is empty: paste it, or choose a file that holds it."))
            return data
        existing = SourceDocument.objects.filter(content_hash=SourceDocument.hash_of(text)).first()
        if existing is not None:
            self.add_error("text", _("This text is already the source “%(title)s”.") % {"title": existing.title})
        data["text"] = text
        return data


class SourceTextForm(forms.Form):
    """The text as extracted, for the editor to correct before any quote is taken from it."""

    text = forms.CharField(label=_("Text"), strip=False, widget=forms.Textarea(attrs={"rows": 20}))

    def clean_text(self):
        return one_kind_of_newline(self.cleaned_data["text"])


class DraftForm(ListsValidChoices, forms.Form):
    """A draft commitment, or a restatement, from a span of the source text: the span is given by its start and
    end, never typed; the rest is prefilled from the sentence and editable."""

    start = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    end = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    restates = forms.ModelChoiceField(
        label=_("Restates"),
        queryset=Commitment.objects.all(),
        required=False,
        empty_label=_("nothing: a new commitment"),
        help_text=_("Choose the existing commitment this sentence promises again, or leave it for a new one."),
    )
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    pillar = forms.ModelChoiceField(label=_("Pillar"), queryset=Pillar.objects.all(), required=False)
    theme = forms.ModelChoiceField(label=_("Theme"), queryset=Theme.objects.select_related("pillar"), required=False)
    party = forms.ChoiceField(label=_("Responsible party"), choices=Party.choices)
    kind = forms.ChoiceField(label=_("Kind"), choices=CommitmentKind.choices, initial=CommitmentKind.PROGRAMME)
    claim_kind = forms.ChoiceField(label=_("Claim kind"), choices=ClaimKind.choices)
    deliverable = forms.CharField(label=_("Deliverable"), max_length=300, required=False)
    quantity = forms.DecimalField(label=_("Quantity"), required=False, max_digits=20, decimal_places=2, min_value=0)
    unit = forms.CharField(label=_("Unit"), max_length=100, required=False)
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    target_date = forms.DateField(label=_("Deadline"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    target_date_precision = forms.ChoiceField(
        label=_("Precision of the deadline"), choices=DatePrecision.choices, initial=DatePrecision.DAY
    )

    def clean(self):
        data = super().clean()
        if not data.get("restates"):
            for name in ("title", "pillar"):
                if not data.get(name):
                    self.add_error(name, _("A new commitment needs this."))
        return data

    def add_service_errors(self, error):
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for name, messages in error.message_dict.items():
            self.add_error(name if name in self.fields else None, messages)
