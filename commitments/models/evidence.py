"""Evidence: the sources that updates, measurements, checks and verdicts cite, and what they establish."""

import hashlib
import mimetypes

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ..vocabulary import (
    GOVERNMENT_COUNTRIES,
    PARTY_COUNTRIES,
    LinkState,
    PublisherKind,
    SourceKind,
    Verdict,
    VerdictKind,
)
from .common import ListsValidChoices, LoadsRowsQuickly

COUNTRY_CODE = RegexValidator(r"^[A-Z]{3}$", _("Give the country as three capital letters (ISO 3166-1), e.g. PAK."))


class EvidenceSource(LoadsRowsQuickly, ListsValidChoices, models.Model):
    """One source cited as evidence: a web page or file with its publisher, or one of the tracker's source
    documents. A URL or a document is recorded once and every citation of it points here."""

    title = models.CharField(_("title"), max_length=300)
    publisher = models.CharField(_("publisher"), max_length=200, blank=True)
    publisher_kind = models.CharField(
        _("kind of publisher"),
        max_length=30,
        choices=PublisherKind.choices,
        default=PublisherKind.UNCLASSIFIED,
        help_text=_("Decides whether the source is independent of the government that made a promise."),
    )
    country = models.CharField(
        _("country"), max_length=3, blank=True, validators=[COUNTRY_CODE], help_text=_("ISO 3166-1 code, e.g. PAK.")
    )
    url = models.URLField(_("URL"), max_length=500, blank=True)
    source_document = models.OneToOneField(
        "commitments.SourceDocument",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="evidence",
        verbose_name=_("source document"),
    )
    published_on = models.DateField(_("published on"), null=True, blank=True)
    retrieved_on = models.DateField(_("retrieved on"), null=True, blank=True)
    archive = models.FileField(
        _("archived copy"),
        upload_to="evidence/",
        blank=True,
        help_text=_("A copy of the page or file as it was read (HTML, text or PDF); served to staff only."),
    )
    archive_sha256 = models.CharField(_("SHA-256 of the archived copy"), max_length=64, blank=True, editable=False)
    archive_content_type = models.CharField(_("type of the archived copy"), max_length=100, blank=True, editable=False)
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True, editable=False)
    archive_note = models.CharField(_("archiving note"), max_length=300, blank=True, editable=False)
    link_state = models.CharField(
        _("link"), max_length=20, choices=LinkState.choices, default=LinkState.UNCHECKED, editable=False
    )
    link_checked_at = models.DateTimeField(_("link checked at"), null=True, blank=True, editable=False)
    created = models.DateTimeField(_("created"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-published_on", "title"]
        verbose_name = _("evidence source")
        verbose_name_plural = _("evidence sources")
        constraints = [
            models.CheckConstraint(
                condition=~Q(url="") | Q(source_document__isnull=False),
                name="evidence_has_url_or_document",
                violation_error_message=_("Give the evidence's URL or its source document."),
            ),
            models.UniqueConstraint(
                fields=["url"],
                condition=~Q(url=""),
                name="evidence_url_unique",
                violation_error_message=_("This URL is already recorded as evidence."),
            ),
        ]

    def __str__(self):
        return f"{self.title} ({self.publisher})" if self.publisher else self.title

    @classmethod
    def first_cited(cls, url="", document=None, source_kind=""):
        """The evidence record of a URL or, without one, of a source document, unsaved, as the first record that
        cites it makes it: not yet classified (an editor then says who published it), but for a URL from a field
        visit. None when neither is given."""
        if url:
            visited = source_kind == SourceKind.FIELD_VISIT
            kind = PublisherKind.FIELD_VISIT if visited else PublisherKind.UNCLASSIFIED
            return cls(url=url, title=url[:300], publisher_kind=kind)
        if document is not None:
            return cls(
                source_document=document,
                title=document.title,
                publisher=document.speaker,
                published_on=document.date,
                publisher_kind=PublisherKind.UNCLASSIFIED,
            )
        return None

    @property
    def link(self):
        return self.url or (self.source_document.get_absolute_url() if self.source_document_id else "")

    def speaks_for(self):
        """The countries whose government this source speaks for; None when its publisher is not classified."""
        if self.publisher_kind == PublisherKind.UNCLASSIFIED:
            return None
        if self.publisher_kind == PublisherKind.STATE_MEDIA:
            return {self.country} if self.country else None
        return GOVERNMENT_COUNTRIES.get(self.publisher_kind, set())

    def independent_of(self, party):
        """Whether this source is independent of the government(s) that made a promise of `party`."""
        voices = self.speaks_for()
        return voices is not None and not (voices & PARTY_COUNTRIES[party])

    def clean(self):
        errors = {}
        if self.publisher_kind == PublisherKind.STATE_MEDIA and not self.country:
            errors["country"] = _("State media speak for a country's government: give the country.")
        if self.archive and not self.archive._committed:
            errors.update(self.take_uploaded_copy())
        if errors:
            raise ValidationError(errors)

    def take_uploaded_copy(self):
        """Check an uploaded copy as `archive_sources` checks a fetched one, and record its hash and type."""
        upload = self.archive.file
        content_type = getattr(upload, "content_type", "") or mimetypes.guess_type(self.archive.name)[0] or ""
        if content_type not in settings.ARCHIVE_CONTENT_TYPES:
            kept = ", ".join(settings.ARCHIVE_CONTENT_TYPES)
            return {"archive": _("A copy is kept as HTML, plain text or PDF (%(kept)s), not %(type)s.") % {
                "kept": kept, "type": content_type or _("an unknown type")}}  # fmt: skip
        if self.archive.size > settings.ARCHIVE_MAX_BYTES:
            return {"archive": _("The copy is larger than %(limit)s.") % {
                "limit": filesizeformat(settings.ARCHIVE_MAX_BYTES)}}  # fmt: skip
        digest = hashlib.sha256()
        for chunk in self.archive.chunks():
            digest.update(chunk)
        self.archive_sha256, self.archive_content_type = digest.hexdigest(), content_type
        self.archived_at = timezone.now()
        return {}


class Citing(ListsValidChoices, models.Model):
    """A record that cites a source: a URL or one of the tracker's documents, linked to its evidence record."""

    source_url = models.URLField(_("source URL"), max_length=500, blank=True)
    source_document = models.ForeignKey(
        "commitments.SourceDocument",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("source document"),
    )
    evidence = models.ForeignKey(
        EvidenceSource, on_delete=models.PROTECT, null=True, blank=True, editable=False, related_name="+"
    )

    class Meta:
        abstract = True

    @property
    def source_link(self):
        if self.source_url:
            return self.source_url
        return self.source_document.get_absolute_url() if self.source_document_id else ""

    def require_source(self, errors):
        if not self.source_url and not self.source_document_id:
            errors["source_url"] = _("Give a source URL or a source document.")


class Check(Citing):
    """Someone looked again at a commitment's evidence: "checked, nothing new" is a finding too."""

    commitment = models.ForeignKey(
        "commitments.Commitment", on_delete=models.CASCADE, related_name="checks", verbose_name=_("commitment")
    )
    checked_on = models.DateField(_("checked on"), default=timezone.localdate)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("checked by")
    )
    note = models.TextField(_("note"), blank=True, help_text=_("What was looked at; empty for nothing new."))
    created = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        ordering = ["-checked_on", "-created"]
        verbose_name = _("check")
        verbose_name_plural = _("checks")

    def __str__(self):
        return f"{self.commitment}: {self.checked_on}"

    def clean(self):
        errors = {}
        self.require_source(errors)
        if self.checked_on and self.checked_on > timezone.localdate():
            errors["checked_on"] = _("A check cannot be dated in the future.")
        if errors:
            raise ValidationError(errors)


class VerdictRecordQuerySet(models.QuerySet):
    def public(self):
        """The verdict history the public may see: that of published commitments, all of it."""
        return self.filter(commitment__published=True)


class VerdictRecord(Citing):
    """One entry of a commitment's public verdict history: a verdict the rule reached, an editor's verdict with
    its reason and source, or the withdrawal of an editor's verdict."""

    commitment = models.ForeignKey(
        "commitments.Commitment", on_delete=models.CASCADE, related_name="verdicts", verbose_name=_("commitment")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=VerdictKind.choices, default=VerdictKind.OVERRIDE)
    verdict = models.CharField(_("verdict"), max_length=20, choices=Verdict.choices, blank=True)
    judged_on = models.DateField(_("judged on"), default=timezone.localdate)
    reason = models.TextField(_("reason"), blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("author")
    )
    created = models.DateTimeField(_("recorded"), auto_now_add=True)

    objects = VerdictRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-judged_on", "-created"]
        verbose_name = _("verdict")
        verbose_name_plural = _("verdicts")

    def __str__(self):
        return f"{self.commitment}: {self.get_verdict_display() or self.get_kind_display()} ({self.judged_on})"

    def clean(self):
        """An editor's verdict, or its withdrawal, says why and on what evidence."""
        if self.kind == VerdictKind.RULE:
            return
        errors = {}
        if self.kind == VerdictKind.OVERRIDE and not self.verdict:
            errors["verdict"] = _("Choose the verdict.")
        if self.kind == VerdictKind.WITHDRAWN:
            self.verdict = ""
        if not (self.reason or "").strip():
            errors["reason"] = _("Say why: an editor's verdict is published with its reason.")
        self.require_source(errors)
        if self.commitment_id and not self.commitment.is_promise:
            errors["verdict"] = _("Only a promise has a verdict; a reported result is verified instead.")
        if errors:
            raise ValidationError(errors)
