from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .concurrency import StaleEdit
from .models import Indicator, SourceDocument, VerdictRecord
from .vocabulary import SourceKind, Status, Verdict, VerdictKind


class ProgressForm(forms.Form):
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


class CheckForm(forms.Form):
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


class VerdictForm(forms.Form):
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
