"""Bookkeeping that is not the record: cache versions, what imports wrote, import jobs."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PublicVersion(models.Model):
    """A counter per slice of public content; cached public pages are keyed by the counters they show.

    Kept in the database, so every server process and worker agrees on it even where each has its
    own cache, and bumped in the same transaction as the write that changes the content.
    """

    scope = models.CharField(_("scope"), max_length=120, unique=True)
    version = models.PositiveBigIntegerField(_("version"), default=1)

    class Meta:
        ordering = ["scope"]
        verbose_name = _("public content version")
        verbose_name_plural = _("public content versions")

    def __str__(self):
        return f"{self.scope}: {self.version}"


class ImportedValues(models.Model):
    """What a catalogue file last wrote to one row, field by field.

    A re-import of the same file changes a field only while it still holds the value the file last
    wrote there; a field an editor changed since, and a row an editor deleted, are left as they are.
    """

    catalogue = models.CharField(_("catalogue"), max_length=100, help_text=_("The slug of the file's source."))
    model = models.CharField(_("model"), max_length=100)
    key = models.CharField(_("key in the file"), max_length=500)
    values = models.JSONField(_("values written"), default=dict)
    imported = models.DateTimeField(_("last imported"))

    class Meta:
        ordering = ["catalogue", "model", "key"]
        verbose_name = _("imported values")
        verbose_name_plural = _("imported values")
        constraints = [
            models.UniqueConstraint(fields=["catalogue", "model", "key"], name="imported_values_once_per_row")
        ]

    def __str__(self):
        return f"{self.catalogue}: {self.model} {self.key}"


class ImportJob(models.Model):
    """A large admin import file, previewed and then imported outside the request that sent it.

    Its progress is kept in the cache while it runs (the database transaction that writes the rows
    shows nothing to others until it ends); its outcome is kept here.
    """

    class State(models.TextChoices):
        RUNNING = "running", _("Running")
        PREVIEWED = "previewed", _("Previewed: ready to import")
        CONFIRMED = "confirmed", _("Confirmed: imported by a new job")
        REJECTED = "rejected", _("Rejected: nothing was written")
        DONE = "done", _("Imported")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, verbose_name=_("user"))
    model = models.CharField(_("model"), max_length=100)
    file_name = models.CharField(_("file name"), max_length=255)
    file_format = models.PositiveSmallIntegerField(_("format"))
    data = models.BinaryField(_("file"))
    rows = models.PositiveIntegerField(_("rows"))
    dry_run = models.BooleanField(_("preview only"), default=True)
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.RUNNING)
    totals = models.JSONField(_("rows by outcome"), default=dict)
    problems = models.JSONField(_("problems"), default=list)
    created = models.DateTimeField(_("started"), auto_now_add=True)
    finished = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created"]
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")

    def __str__(self):
        return f"{self.file_name} ({self.get_state_display()})"
