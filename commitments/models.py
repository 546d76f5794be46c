import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from . import geometry as geo
from .vocabulary import CommitmentKind, DocumentKind, Measure, Party, ProgressMethod, SourceKind, Status

PERCENT_VALIDATORS = [MinValueValidator(0), MaxValueValidator(100)]


def translation_columns(*names):
    """The per-language columns django-modeltranslation adds (translation.py); history keeps the fields
    themselves, not their translations."""
    return [f"{name}_{code.replace('-', '_')}" for name in names for code, _label in settings.LANGUAGES]


class SourceDocument(models.Model):
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

    class Meta:
        ordering = ["-date", "title"]
        verbose_name = _("source document")
        verbose_name_plural = _("source documents")

    def __str__(self):
        return f"{self.title} ({self.date:%d %b %Y})"

    def get_absolute_url(self):
        return reverse("commitments:source_detail", args=[self.slug])

    def clean(self):
        """A changed text must still hold every quote taken from it, word for word (services relocate them).
        `corrected_quotes` ({commitment slug: quote}) are quotes corrected in the same change."""
        if self.pk is None:
            return
        corrected = getattr(self, "corrected_quotes", {})
        lost = [
            commitment.title
            for commitment in self.commitments.only("slug", "title", "quote").order_by("title")
            if corrected.get(commitment.slug, commitment.quote) not in self.text
        ]
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


class Pillar(models.Model):
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
        return reverse("commitments:pillar_detail", args=[self.slug])


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


class CommitmentQuerySet(models.QuerySet):
    def published(self):
        """What the public may see: the one rule every public page, feed, export and API uses."""
        return self.filter(published=True)

    def drafts(self):
        return self.filter(published=False)

    def visible_to(self, user):
        if user.has_perm("commitments.view_draft"):
            return self.all()
        return self.published()

    def overdue(self, today=None):
        today = today or timezone.localdate()
        return self.filter(target_date__lt=today).exclude(status__in=Status.finished())

    def stale(self, days, today=None):
        """Unfinished commitments with no progress update dated in the last `days` days."""
        cutoff = (today or timezone.localdate()) - datetime.timedelta(days=days)
        recent = ProgressUpdate.objects.filter(commitment=models.OuterRef("pk"), date__gte=cutoff)
        return self.exclude(status__in=Status.finished()).exclude(models.Exists(recent))

    def located(self):
        """Commitments with a place on the map: a geometry, or a latitude and a longitude."""
        return self.filter(Q(geometry__isnull=False) | Q(latitude__isnull=False, longitude__isnull=False))

    def with_last_update(self):
        return self.annotate(last_update=models.Max("updates__date"))

    def for_listing(self):
        # A source's full text is long; lists show only its title.
        return self.select_related("pillar", "theme", "source").defer("source__text", "source__summary")

    def with_public_record(self):
        """Everything a public commitment page or API record shows, in a fixed number of queries."""
        return self.select_related("pillar", "theme", "source", "parent").prefetch_related(
            "milestones",
            models.Prefetch("indicators", queryset=Indicator.objects.prefetch_related("measurements")),
            models.Prefetch(
                "updates",
                queryset=ProgressUpdate.objects.public().select_related("source_document"),
                to_attr="public_updates",
            ),
            models.Prefetch("children", queryset=Commitment.objects.published(), to_attr="published_children"),
        )


class Commitment(models.Model):
    title = models.CharField(_("title"), max_length=200, help_text=_("A short name for what was promised."))
    slug = models.SlugField(
        _("slug"), max_length=100, unique=True, help_text=_("The commitment's address on the site; never reused.")
    )
    pillar = models.ForeignKey(Pillar, on_delete=models.PROTECT, related_name="commitments", verbose_name=_("pillar"))
    theme = models.ForeignKey(
        Theme,
        on_delete=models.PROTECT,
        related_name="commitments",
        null=True,
        blank=True,
        verbose_name=_("theme"),
        help_text=_("Optional; must belong to the chosen pillar."),
    )
    party = models.CharField(
        _("responsible party"), max_length=20, choices=Party.choices, help_text=_("Who made the commitment.")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=CommitmentKind.choices)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.ANNOUNCED)
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"),
        null=True,
        blank=True,
        validators=PERCENT_VALIDATORS,
        help_text=_("0 to 100. Leave empty when nobody knows. Computed when the progress rule is not manual."),
    )
    progress_method = models.CharField(
        _("progress rule"),
        max_length=20,
        choices=ProgressMethod.choices,
        default=ProgressMethod.MANUAL,
        help_text=_("Where the progress figure comes from."),
    )
    location = models.CharField(_("location"), max_length=200, blank=True, help_text=_("Place name, if any."))
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    geometry = models.JSONField(
        _("geometry"),
        null=True,
        blank=True,
        help_text=_(
            "Where it is on the map, as GeoJSON with longitude first: a point, "
            '{"type": "Point", "coordinates": [74.59, 35.49]}, or a route, '
            '{"type": "LineString", "coordinates": [[72.92, 34.86], [73.29, 35.29], [74.59, 35.49]]}. '
            "Leave empty to use the latitude and longitude as a point."
        ),
    )
    start_date = models.DateField(_("start date"), null=True, blank=True)
    target_date = models.DateField(_("target date"), null=True, blank=True, help_text=_("When it was promised for."))
    completion_date = models.DateField(
        _("completion date"), null=True, blank=True, help_text=_("Required once the status is completed.")
    )
    source = models.ForeignKey(
        SourceDocument, on_delete=models.PROTECT, related_name="commitments", verbose_name=_("source document")
    )
    quote = models.TextField(
        _("verbatim quote"),
        help_text=_("Copied exactly from the source document's text; it is located there on save."),
    )
    quote_start = models.PositiveIntegerField(
        _("quote position"), editable=False, default=0, help_text=_("Character offset of the quote in the source text.")
    )
    published = models.BooleanField(
        _("published"), default=False, help_text=_("Only published commitments are public.")
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_commitments",
        verbose_name=_("owner"),
        help_text=_("The staff member who keeps this commitment up to date."),
    )
    summary = models.TextField(_("summary"), blank=True, help_text=_("What the commitment means, in plain words."))
    internal_notes = models.TextField(_("internal notes"), blank=True, help_text=_("Never shown to the public."))
    last_verified = models.DateField(
        _("last verified"), null=True, blank=True, help_text=_("When someone last checked the facts.")
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent commitment"),
        help_text=_("A broader pledge that this commitment helps carry out."),
    )
    weight = models.DecimalField(
        _("weight in parent"),
        max_digits=6,
        decimal_places=2,
        default=1,
        help_text=_("How much this commitment counts towards its parent's progress."),
    )
    iati_identifier = models.CharField(_("IATI activity identifier"), max_length=100, blank=True)
    aiddata_id = models.CharField(_("AidData record id"), max_length=50, blank=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)
    version = models.PositiveIntegerField(
        _("version"),
        default=1,
        editable=False,
        help_text=_("Goes up by one on every change to the commitment or its parts; stale edits are refused."),
    )

    objects = CommitmentQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated", *translation_columns("title", "summary")])

    class Meta:
        ordering = ["pillar__order", "title"]
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        permissions = [
            ("view_draft", _("Can see unpublished commitments and internal notes")),
            ("publish_commitment", _("Can publish and unpublish commitments")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__isnull=True) | Q(progress__gte=0, progress__lte=100),
                name="commitment_progress_0_100",
                violation_error_message=_("Progress must be between 0 and 100."),
            ),
            models.CheckConstraint(
                condition=Q(completion_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(completion_date__gte=models.F("start_date")),
                name="commitment_completion_after_start",
                violation_error_message=_("The completion date cannot be before the start date."),
            ),
            models.CheckConstraint(
                condition=~Q(status=Status.COMPLETED) | Q(completion_date__isnull=False),
                name="commitment_completed_has_date",
                violation_error_message=_("A completed commitment needs a completion date."),
            ),
            models.CheckConstraint(
                condition=Q(weight__gt=0),
                name="commitment_weight_positive",
                violation_error_message=_("The weight must be greater than zero."),
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("commitments:commitment_detail", args=[self.slug])

    @property
    def public_parent(self) -> "Commitment | None":
        return self.parent if self.parent and self.parent.published else None

    @property
    def completed_on(self):
        """The completion date readers and exports see: only a completed commitment has one."""
        return self.completion_date if self.status == Status.COMPLETED else None

    @property
    def status_meaning(self):
        return Status(self.status).meaning

    def clean(self):
        errors = {}
        if self.theme_id and self.pillar_id and self.theme.pillar_id != self.pillar_id:
            errors["theme"] = _("The theme “%(theme)s” belongs to another pillar.") % {"theme": self.theme.name}
        if self.parent_id and self.pk and self.pk in self.parent.ancestor_ids(include_self=True):
            errors["parent"] = _("A commitment cannot be part of itself, directly or through its parents.")
        try:
            geo.validate_geometry(self.geometry)
        except ValidationError as error:
            errors["geometry"] = error.messages
        if self.source_id and self.quote:
            try:
                self.locate_quote()
            except ValidationError as error:
                errors["quote"] = error.messages
        if errors:
            raise ValidationError(errors)

    def locate_quote(self):
        """Record where the quote stands in the source text; refuse a quote that is not there verbatim."""
        position = self.source.text.find(self.quote)
        if position < 0:
            raise ValidationError(
                _("The quote does not occur word for word in “%(source)s”. Copy it exactly from the source text."),
                params={"source": self.source.title},
            )
        self.quote_start = position

    def geometry_or_point(self):
        """The GeoJSON geometry to draw: the geometry, or a Point at the latitude and longitude; None for neither."""
        return geo.geometry_or_point(self.geometry, self.latitude, self.longitude)

    @property
    def quote_end(self):
        return self.quote_start + len(self.quote)

    def ancestor_ids(self, include_self=False):
        ids, node = [], self if include_self else self.parent
        while node is not None and node.pk not in ids:
            ids.append(node.pk)
            node = node.parent
        return ids

    def timeline_state(self):
        """(status, progress, completion date) as the timeline of dated, sourced updates and the progress rule
        give them: the latest update's status, the latest progress an update set (or the rule's), and for a
        completed commitment the date it was completed unless an editor recorded a more precise one.
        Reopening a completed commitment clears its completion date; a date given before the update that
        completes it is kept for that update."""
        updates = list(self.updates.order_by("-date", "-created").only("date", "status", "progress"))
        latest = updates[0] if updates else None
        status = latest.status if latest else Status.ANNOUNCED
        if self.progress_method == ProgressMethod.MANUAL:
            progress = next((u.progress for u in updates if u.progress is not None), None)
        else:
            progress = self.computed_progress()
        completion_date = None if self.status == Status.COMPLETED else self.completion_date
        if status == Status.COMPLETED:
            completed_since = latest.date
            for update in updates:
                if update.status != Status.COMPLETED:
                    break
                completed_since = update.date
            completion_date = self.completion_date or completed_since
        return status, progress, completion_date

    def computed_progress(self):
        """The progress its rule gives, or None when the rule is manual or has nothing to count.

        Children: the weighted average of their progress, a child without progress counting as 0. A published
        commitment counts only its published children, so its figure never rests on what the public cannot see.
        Milestones: the share of milestones completed.
        """
        if self.progress_method == ProgressMethod.CHILDREN:
            children = self.children.all()
            if self.published:
                children = children.filter(published=True)
            children = list(children)
            total_weight = sum(child.weight for child in children)
            if not total_weight:
                return None
            return round(sum(child.weight * (child.progress or 0) for child in children) / total_weight)
        if self.progress_method == ProgressMethod.MILESTONES:
            milestones = list(self.milestones.all())
            if not milestones:
                return None
            return round(100 * sum(m.is_done for m in milestones) / len(milestones))
        return None


class MilestoneQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(completed_date__isnull=True)

    def due_before(self, day):
        """Pending milestones due on or before `day`: overdue ones and those coming up."""
        return self.pending().filter(due_date__lte=day)


class Milestone(models.Model):
    commitment = models.ForeignKey(
        Commitment, on_delete=models.CASCADE, related_name="milestones", verbose_name=_("commitment")
    )
    title = models.CharField(_("title"), max_length=200)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    completed_date = models.DateField(_("completed on"), null=True, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = MilestoneQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=translation_columns("title"))

    class Meta:
        ordering = ["commitment", "order", "due_date"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        constraints = [
            models.UniqueConstraint(
                fields=["commitment", "title"],
                name="milestone_title_unique_per_commitment",
                violation_error_message=_("This commitment already has a milestone with that title."),
            )
        ]

    def __str__(self):
        return self.title

    @property
    def is_done(self):
        return self.completed_date is not None

    def is_overdue(self, today=None):
        today = today or timezone.localdate()
        return not self.is_done and self.due_date is not None and self.due_date < today


class Indicator(models.Model):
    commitment = models.ForeignKey(
        Commitment, on_delete=models.CASCADE, related_name="indicators", verbose_name=_("commitment")
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
    key = models.BooleanField(_("key indicator"), default=False, help_text=_("Shown on the dashboard."))
    baseline_value = models.DecimalField(_("baseline value"), max_digits=20, decimal_places=2, null=True, blank=True)
    baseline_date = models.DateField(_("baseline date"), null=True, blank=True)
    target_value = models.DecimalField(_("target value"), max_digits=20, decimal_places=2, null=True, blank=True)
    target_date = models.DateField(_("target date"), null=True, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    history = HistoricalRecords(excluded_fields=translation_columns("name", "unit"))

    class Meta:
        ordering = ["commitment", "order", "name"]
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


class Measurement(models.Model):
    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="measurements", verbose_name=_("indicator")
    )
    value = models.DecimalField(_("value"), max_digits=20, decimal_places=2)
    as_of = models.DateField(_("as of"), help_text=_("The date the value describes."))
    source_url = models.URLField(_("source URL"), max_length=500, blank=True)
    source_document = models.ForeignKey(
        SourceDocument,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="measurements",
        verbose_name=_("source document"),
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
        negative = self.value is not None and self.value < 0
        if negative and self.indicator_id and self.indicator.measure in Measure.non_negative():
            raise ValidationError({"value": _("A count or amount cannot be negative.")})


class ProgressUpdateQuerySet(models.QuerySet):
    def public(self):
        """Updates the public may see: public ones on published commitments."""
        return self.filter(public=True, commitment__published=True)

    def visible_to(self, user):
        if user.has_perm("commitments.view_draft"):
            return self.all()
        return self.public()


class ProgressUpdate(models.Model):
    commitment = models.ForeignKey(
        Commitment, on_delete=models.CASCADE, related_name="updates", verbose_name=_("commitment")
    )
    date = models.DateField(_("date"), help_text=_("When the reported change happened or was reported."))
    text = models.TextField(_("what happened"), blank=True)
    source_url = models.URLField(_("source URL"), max_length=500, blank=True)
    source_document = models.ForeignKey(
        SourceDocument,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="updates",
        verbose_name=_("source document"),
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


class Follow(models.Model):
    """A staff member following a commitment gets its changes in the daily digest."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows", verbose_name=_("user")
    )
    commitment = models.ForeignKey(
        Commitment, on_delete=models.CASCADE, related_name="follows", verbose_name=_("commitment")
    )
    created = models.DateTimeField(_("since"), auto_now_add=True)

    class Meta:
        ordering = ["-created"]
        verbose_name = _("follow")
        verbose_name_plural = _("follows")
        constraints = [models.UniqueConstraint(fields=["user", "commitment"], name="follow_once")]

    def __str__(self):
        return f"{self.user} follows {self.commitment}"


class DigestMark(models.Model):
    """When a person's last digest was sent: the next one covers what changed since."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digest_mark", verbose_name=_("user")
    )
    sent_at = models.DateTimeField(_("last digest sent"))

    class Meta:
        ordering = ["user"]
        verbose_name = _("digest mark")
        verbose_name_plural = _("digest marks")

    def __str__(self):
        return f"{self.user}: {self.sent_at:%Y-%m-%d %H:%M}"


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
