"""Source documents, and the pillars and themes that order what they promise."""

import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..links import slug_url
from ..vocabulary import DocumentKind
from .common import ListsValidChoices, LoadsRowsQuickly


class SourceDocumentQuerySet(models.QuerySet):
    def public(self):
        """Sources the public may read: all but those still on the drafting desk."""
        return self.filter(draft=False)


class SourceDocument(LoadsRowsQuickly, ListsValidChoices, models.Model):
    title = models.CharField(_("title"), max_length=300)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    date = models.DateField(_("date"), help_text=_("The day the statement was made or published."))
    speaker = models.CharField(
        _("speaker or issuing body"),
        max_length=200,
        help_text=_("Who made the statement, as the source names them."),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=DocumentKind.choices)
    url = models.URLField(_("URL"), max_length=500, blank=True, help_text=_("Where the original can be read."))
    summary = models.TextField(_("summary"), blank=True)
    text = models.TextField(
        _("full text"),
        help_text=_("The complete text, exactly as published. Commitment quotes are located in it."),
    )
    language = models.CharField(
        _("language of the text"),
        max_length=10,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text=_("Decides how the drafting desk splits the text into sentences."),
    )
    draft = models.BooleanField(
        _("draft"),
        default=False,
        help_text=_(
            "A new source on the drafting desk, whose text an editor has not confirmed yet: no quote is taken "
            "from it and it is not public."
        ),
    )
    content_hash = models.CharField(_("SHA-256 of the text"), max_length=64, blank=True, editable=False, db_index=True)

    objects = SourceDocumentQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "title"]
        verbose_name = _("source document")
        verbose_name_plural = _("source documents")

    def __str__(self):
        return f"{self.title} ({self.date:%d %b %Y})"

    def get_absolute_url(self):
        return slug_url("commitments:source_detail", self.slug)

    def position_of(self, quote):
        """Where a quote stands in the text; a quote that is not there word for word is refused."""
        position = self.text.find(quote)
        if position < 0:
            raise ValidationError(
                _("The quote does not occur word for word in “%(source)s”. Copy it exactly from the source text."),
                params={"source": self.title},
            )
        return position

    @staticmethod
    def hash_of(text):
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def clean(self):
        """A changed text must still hold every quote taken from it, word for word (services relocate them).
        `corrected_quotes` ({commitment slug: quote}) are quotes of its statements corrected in the same change."""
        self.content_hash = self.hash_of(self.text or "")
        if self.pk is None:
            return
        corrected = getattr(self, "corrected_quotes", {})
        statements = self.statements.select_related("commitment").only("quote", "commitment__slug", "commitment__title")
        lost = sorted(
            statement.commitment.title
            for statement in statements
            if corrected.get(statement.commitment.slug, statement.quote) not in self.text
        )
        if lost:
            raise ValidationError(
                {
                    "text": _(
                        "These commitments quote words that are no longer in the text: %(titles)s. "
                        "Keep their quotes word for word, or change the quotes first."
                    )
                    % {"titles": "; ".join(lost)}
                }
            )


class Pillar(LoadsRowsQuickly, models.Model):
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("pillar")
        verbose_name_plural = _("pillars")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return slug_url("commitments:pillar_detail", self.slug)


class Theme(models.Model):
    pillar = models.ForeignKey(Pillar, on_delete=models.CASCADE, related_name="themes", verbose_name=_("pillar"))
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["pillar__order", "order", "name"]
        verbose_name = _("theme")
        verbose_name_plural = _("themes")

    def __str__(self):
        return f"{self.pillar.name}: {self.name}"
