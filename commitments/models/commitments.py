"""Commitments: what was promised, where it stands, and who may see it."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce, Length
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .. import geometry as geo
from .. import verdicts
from ..dates import PreciseDatesMixin, precision_field
from ..links import slug_url
from ..vocabulary import (
    Checkable,
    ClaimKind,
    CommitmentKind,
    DatePrecision,
    EvidenceStrength,
    Party,
    ProgressMethod,
    Status,
    Verdict,
    VerdictKind,
    Verification,
)
from .common import PERCENT_VALIDATORS, ListsValidChoices, LoadsRowsQuickly, translation_columns
from .evidence import Check, VerdictRecord
from .measures import Indicator, Measurement, Milestone
from .sources import Pillar, SourceDocument, Theme
from .statements import Statement, missing_elements, named_elements
from .timeline import ProgressUpdate

# The side, in degrees, of a cell of the grid the map counts commitments by: about 28 by 33 map units. A multiple of
# 1/4, so that a cell's edges are exact in binary and the `area` filter on them finds the commitments it counts.
MAP_CELL_DEGREES = 0.75


def map_cell(field):
    """The cell of the map's grid a marker's coordinate falls in, FLOOR(coordinate / MAP_CELL_DEGREES). The step is
    written into the SQL, not passed as a parameter, so that the query's expression is the index's."""
    return models.Func(
        models.F(field), template=f"FLOOR(%(expressions)s / {MAP_CELL_DEGREES})", output_field=models.IntegerField()
    )


def map_cell_index(*leading, name):
    """An index of every column `by_map_cell` reads, in the order it groups by, after `leading` columns that a filter
    fixes."""
    cell = (map_cell("map_longitude"), map_cell("map_latitude"))
    return models.Index(*leading, *cell, "status", "published", "map_longitude", "map_latitude", name=name)


# The field of a commitment that says whether any of its statements names a checkable element.
NAMES_FIELDS = {
    Checkable.DELIVERABLE: "names_deliverable",
    Checkable.QUANTITY: "names_quantity",
    Checkable.DEADLINE: "names_deadline",
    Checkable.PLACE: "names_place",
    Checkable.PARTY: "names_party",
}


# What `Commitment.evidence_state` reads of the evidence a record cites (`EvidenceSource.speaks_for`).
CITED_EVIDENCE = ("evidence__publisher_kind", "evidence__country")


# What the tables of commitments (`tables.CommitmentTable` and the staff's) show of a row. A commitment has sixty
# columns, and reading, converting and setting every one of them took twice as long for a page of rows.
LISTED_FIELDS = (
    "title", "slug", "pillar", "party", "claim_kind", "status", "verification", "verdict", "progress",
    "checkability", "target_date", "target_date_precision", "published", "version", "last_checked",
)  # fmt: skip


def long_texts(related=""):
    """A commitment's long fields, which only its own page, its exports and its editors read: to defer where
    a list reads commitments (or, through `related`, the commitment of each of its rows)."""
    names = ("quote", "search_text", "internal_notes", "verdict_reason", "aliases", "geometry")
    return [f"{related}{name}" for name in (*names, *translation_columns("summary"))]


def loaded(instance, relation):
    """The rows of one of the instance's relations, as `CommitmentQuerySet.for_deriving` loaded them
    (`loaded_<relation>`), or else read now."""
    rows = getattr(instance, f"loaded_{relation}", None)
    return rows if rows is not None else list(getattr(instance, relation).all())


class CommitmentQuerySet(models.QuerySet):
    def published(self):
        """What the public may see: the one rule every public page, feed, export and API uses."""
        return self.filter(published=True)

    def drafts(self):
        return self.filter(published=False)

    def promises(self):
        """Commitments whose claim is a promise (pledge, joint pledge or request), not a reported result or an
        aspiration."""
        return self.filter(claim_kind__in=ClaimKind.promises())

    def reported_results(self):
        return self.filter(claim_kind=ClaimKind.REPORTED_RESULT)

    def statement_count(self):
        """How many distinct passages state these commitments: items listed in one sentence share it, and
        count once."""
        # A quote is found word for word at its start in its source, so its start and length name the passage
        # without comparing the texts.
        return self.values("source_id", "quote_start", quote_length=Length("quote")).distinct().count()

    def naming(self, *elements):
        """Commitments with a statement naming each of these elements (Checkable) at all."""
        return self.filter(**{NAMES_FIELDS[element]: True for element in elements})

    def visible_to(self, user):
        if user.has_perm("commitments.view_draft"):
            return self.all()
        return self.published()

    def overdue(self, today=None):
        today = today or timezone.localdate()
        return self.filter(target_date__lt=today).exclude(status__in=Status.finished())

    def stale(self, days, today=None):
        """Commitments nobody has checked (a check, or a public update) in the last `days` days."""
        cutoff = (today or timezone.localdate()) - datetime.timedelta(days=days)
        # One comparison, never checked counting as checked long ago, rather than "IS NULL OR <": an OR of two
        # ranges would send SQLite through the verification queue's index to count, a row at a time.
        checked = Coalesce("last_checked", models.Value(datetime.date.min))
        return self.alias(checked_on=checked).filter(checked_on__lt=cutoff)

    def with_latest_source(self):
        """The source of each commitment's latest update, which a "checked, nothing new" looks at again."""
        latest = ProgressUpdate.objects.filter(commitment=models.OuterRef("pk")).order_by("-date", "-created")
        return self.annotate(
            latest_source_url=models.Subquery(latest.values("source_url")[:1]),
            latest_source_document=models.Subquery(latest.values("source_document")[:1]),
        )

    def verification_queue(self, days, today=None):
        """Published promises not checked for `days` days, the longest unchecked first."""
        queue = self.published().promises().stale(days, today)
        return queue.order_by(models.F("last_checked").asc(nulls_first=True), "title")

    def located(self):
        """Commitments with a place on the map: a geometry, or a latitude and a longitude (see `place_state`)."""
        return self.filter(map_longitude__isnull=False)

    def by_map_cell(self):
        """Rows of {column, row, status, count, mean_longitude, mean_latitude}: these commitments counted by cell of
        the map's grid and status, with the mean place of their markers; those without a place in the cell whose
        column and row are None. One GROUP BY that reads only the index `commitment_map_cells`, in its order."""
        return (
            self.order_by()
            .annotate(column=map_cell("map_longitude"), row=map_cell("map_latitude"))
            .values("column", "row", "status")
            .annotate(
                count=models.Count("pk"),
                mean_longitude=models.Avg("map_longitude"),
                mean_latitude=models.Avg("map_latitude"),
            )
        )

    def with_last_update(self):
        # A subquery, not a join with GROUP BY: a page read ids first computes it for its own rows only.
        latest = ProgressUpdate.objects.filter(commitment=models.OuterRef("pk")).order_by("-date")
        return self.annotate(last_update=models.Subquery(latest.values("date")[:1]))

    def for_listing(self, *also):
        """What a table of commitments shows of each row (LISTED_FIELDS) and the name of its pillar, and `also`
        what one table adds (the staff's owner); an export reads its own columns."""
        return self.select_related("pillar").only(*LISTED_FIELDS, "pillar__name", *also)

    def naming_their_rows(self):
        """Each commitment with the pillar, theme, source and parent it names by slug (in the API's records), and
        nothing else of them: each is built for every row, and a list of records reads only their slugs (and
        whether the parent is published, `public_parent`)."""
        named = {"pillar": ["slug"], "theme": ["slug"], "source": ["slug"], "parent": ["slug", "published"]}
        unread = [
            f"{relation}__{field.name}"
            for relation, kept in named.items()
            for field in self.model._meta.get_field(relation).related_model._meta.concrete_fields
            if not field.primary_key and field.name not in kept
        ]
        return self.select_related(*named).defer(*unread)

    def for_deriving(self):
        """With everything `Commitment.derived_state` reads, in a fixed number of queries for any number of
        commitments: a write that settles a thousand commitments reads them in a dozen queries, not in thousands.
        Each relation is loaded as a list (`loaded`), which is quicker to build than a queryset per row, and
        unordered where the rule does not read it in order: the models' default orders join each row's commitment
        to sort by its title."""
        return self.select_related("pillar").prefetch_related(
            models.Prefetch(
                "updates",
                queryset=ProgressUpdate.objects.select_related("evidence").only(
                    "commitment", "date", "created", "status", "progress", "public", *CITED_EVIDENCE
                ),
                to_attr="loaded_updates",
            ),
            models.Prefetch(
                "statements",
                queryset=Statement.objects.in_order().select_related("source").defer("source__text", "source__summary"),
                to_attr="loaded_statements",
            ),
            models.Prefetch(
                "milestones",
                queryset=Milestone.objects.only("commitment", "completed_date").order_by(),
                to_attr="loaded_milestones",
            ),
            models.Prefetch(
                "children",
                queryset=Commitment.objects.only("parent_id", "weight", "progress", "published").order_by(),
                to_attr="loaded_children",
            ),
            models.Prefetch(
                "indicators",
                queryset=Indicator.objects.order_by().prefetch_related(
                    models.Prefetch(
                        "measurements",
                        queryset=Measurement.objects.select_related("evidence")
                        .only("indicator", "value", "as_of", *CITED_EVIDENCE)
                        .order_by(),
                        to_attr="loaded_measurements",
                    )
                ),
                to_attr="loaded_indicators",
            ),
            models.Prefetch("checks", queryset=Check.objects.only("commitment", "checked_on"), to_attr="loaded_checks"),
            models.Prefetch(
                "verdicts", queryset=VerdictRecord.objects.select_related("evidence"), to_attr="loaded_verdicts"
            ),
        )

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
            models.Prefetch("verdicts", queryset=VerdictRecord.objects.select_related("source_document")),
            models.Prefetch(
                "statements",
                queryset=Statement.objects.in_order().select_related("source").defer("source__text", "source__summary"),
            ),
            models.Prefetch("children", queryset=Commitment.objects.published(), to_attr="published_children"),
        )


class Commitment(LoadsRowsQuickly, ListsValidChoices, PreciseDatesMixin, models.Model):
    PRECISE_DATES = {
        "start_date": "start_date_precision",
        "target_date": "target_date_precision",
        "completion_date": "completion_date_precision",
    }

    title = models.CharField(_("title"), max_length=200, help_text=_("A short name for what was promised."))
    slug = models.SlugField(
        _("slug"), max_length=100, unique=True, help_text=_("The commitment's address on the site; never reused.")
    )
    pillar = models.ForeignKey(Pillar, on_delete=models.PROTECT, related_name="commitments", verbose_name=_("pillar"))
    # Its pillar's order, kept on its row (`derived_state`; `services.save_shared` when a pillar moves), so that the
    # tables' default order, by pillar and title, walks an index instead of sorting every row.
    pillar_order = models.PositiveSmallIntegerField(_("order of its pillar"), default=0, editable=False)
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
    aliases = models.CharField(
        _("other names"),
        max_length=300,
        blank=True,
        help_text=_(
            "Other names the project goes by, comma-separated (“ML-1, Main Line-1”): the drafting desk finds "
            "restatements by them."
        ),
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
    # Derived from the geometry, or the latitude and longitude, whenever they are saved (`place_state`): the map
    # counts commitments by place and the `area` filter finds them with these, in SQL.
    map_longitude = models.FloatField(_("longitude of its map marker"), null=True, editable=False)
    map_latitude = models.FloatField(_("latitude of its map marker"), null=True, editable=False)
    start_date = models.DateField(_("start date"), null=True, blank=True)
    start_date_precision = precision_field(_("precision of the start date"))
    target_date = models.DateField(
        _("target date"),
        null=True,
        blank=True,
        db_index=True,  # the overdue lists and the "due by today" counts read by it
        help_text=_("The deadline its latest statement gives; it follows its statements."),
    )
    target_date_precision = precision_field(_("precision of the target date"))
    completion_date = models.DateField(
        _("completion date"), null=True, blank=True, help_text=_("Required once the status is completed.")
    )
    completion_date_precision = precision_field(_("precision of the completion date"))
    claim_kind = models.CharField(
        _("claim kind"),
        max_length=20,
        choices=ClaimKind.choices,
        default=ClaimKind.PLEDGE,
        help_text=_("What its latest statement claims; it follows its statements."),
    )
    verification = models.CharField(
        _("verification"),
        max_length=20,
        choices=Verification.choices,
        default=Verification.UNVERIFIED,
        help_text=_("For a reported result: whether a source other than the claim bears it out."),
    )
    checkability = models.PositiveSmallIntegerField(
        _("checkability"),
        default=0,
        editable=False,
        help_text=_("How many of deliverable, quantity, deadline, place and party its statements name (0 to 5)."),
    )
    statement_count = models.PositiveIntegerField(
        _("statements"),
        default=0,
        editable=False,
        help_text=_("How many statements make or repeat it."),
    )
    # Which of the five its statements name, kept with the commitment so that filters and counts read one row.
    names_deliverable = models.BooleanField(_("names a deliverable"), default=False, editable=False)
    names_quantity = models.BooleanField(_("names a quantity"), default=False, editable=False)
    names_deadline = models.BooleanField(_("names a deadline"), default=False, editable=False)
    names_place = models.BooleanField(_("names a place"), default=False, editable=False)
    names_party = models.BooleanField(_("names a responsible party"), default=False, editable=False)
    search_text = models.TextField(_("words to search"), blank=True, editable=False)
    source = models.ForeignKey(
        SourceDocument,
        on_delete=models.PROTECT,
        related_name="commitments",
        verbose_name=_("first stated in"),
        help_text=_("The source of its first statement; it follows its statements."),
    )
    quote = models.TextField(
        _("verbatim quote"),
        help_text=_(
            "Its first statement's words, copied exactly from the source document's text; it is located there on save."
        ),
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
    last_checked = models.DateField(
        _("last checked"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("The latest day anyone checked its evidence: a check, or a public update."),
    )
    evidence_sources = models.PositiveIntegerField(_("evidence sources"), default=0, editable=False)
    independent_sources = models.PositiveIntegerField(
        _("independent sources"),
        default=0,
        editable=False,
        help_text=_("Sources independent of the government that made the promise."),
    )
    evidence_strength = models.CharField(
        _("evidence strength"),
        max_length=20,
        choices=EvidenceStrength.choices,
        default=EvidenceStrength.NONE,
        editable=False,
    )
    verdict = models.CharField(
        _("verdict"),
        max_length=20,
        choices=Verdict.choices,
        blank=True,
        editable=False,
        help_text=_("Was the promise kept? Only promises have one; an editor's verdict needs a reason and a source."),
    )
    verdict_date = models.DateField(_("judged on"), null=True, blank=True, editable=False)
    verdict_reason = models.TextField(_("why"), blank=True, editable=False)
    verdict_overridden = models.BooleanField(_("set by an editor"), default=False, editable=False)
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
    # The map marker's place follows from the geometry, which the history keeps.
    history = HistoricalRecords(
        excluded_fields=[
            "updated",
            "map_longitude",
            "map_latitude",
            "search_text",
            "statement_count",
            *translation_columns("title", "summary"),
        ]
    )

    class Meta:
        ordering = ["pillar_order", "title"]
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        indexes = [
            # The tables' default order, in each language, read a page at a time from either end (`PageByIds`).
            # Published closes each entry: a public page deep in the table is counted off the index alone, where
            # PostgreSQL otherwise sorted every published row (150 ms for the middle page at 100,000).
            *(
                models.Index(fields=["pillar_order", column, "id", "published"], name=f"commitment_order_{column}")
                for column in translation_columns("title")
            ),
            # The staff board's columns: the first commitments of each status by title, in each language.
            *(
                models.Index(fields=["status", column, "id"], name=f"commitment_board_{column}")
                for column in translation_columns("title")
            ),
            # The staff board's counts and lists of overdue and unchecked commitments read these alone, not the rows.
            models.Index(fields=["target_date", "status"], name="commitment_overdue"),
            models.Index(fields=["published", "claim_kind", "last_checked"], name="commitment_unchecked"),
            # The verification queue's order has an index in each language too, made by migration 0022 in the form
            # each database accepts (NULLS FIRST): it cannot be declared here for both.
            # `by_map_cell` reads only these, in their order: no pass over the wide rows and no sort. The map of one
            # pillar reads its own part of the second.
            map_cell_index(name="commitment_map_cells"),
            map_cell_index("pillar", name="commitment_map_cells_by_pillar"),
        ]
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
        return slug_url("commitments:commitment_detail", self.slug)

    def get_staff_url(self):
        return slug_url("commitments:staff_commitment", self.slug)

    @property
    def public_parent(self) -> "Commitment | None":
        return self.parent if self.parent and self.parent.published else None

    @property
    def completed_on(self):
        return self.shown_completion_date(self.status, self.completion_date)

    @staticmethod
    def shown_completion_date(status, completion_date):
        """The completion date readers and exports see: only a completed commitment has one."""
        return completion_date if status == Status.COMPLETED else None

    @property
    def status_meaning(self):
        return Status(self.status).meaning

    @property
    def claim_meaning(self):
        return ClaimKind(self.claim_kind).meaning

    @property
    def verification_meaning(self):
        return Verification(self.verification).meaning

    @property
    def missing_elements(self):
        """What none of its statements names, in words ("no deadline"), of deliverable, quantity, deadline,
        place and party."""
        return [element.missing for element in missing_elements(self.statements.all())]

    @property
    def is_promise(self):
        return self.claim_kind in ClaimKind.promises()

    @property
    def verdict_meaning(self):
        return Verdict(self.verdict).meaning if self.verdict else ""

    @property
    def evidence_meaning(self):
        return EvidenceStrength(self.evidence_strength).label

    @property
    def is_reported_result(self):
        return self.claim_kind == ClaimKind.REPORTED_RESULT

    def clean(self):
        self.normalise_dates()
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
        self.quote_start = self.source.position_of(self.quote)

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

    def derived_state(self, today=None):
        """{field: value} of everything that follows from the commitment's timeline, its statements, its
        evidence, its place and, for a promise, the verdict rule on `today`."""
        state = {**self.timeline_state(), **self.statement_state(), **self.evidence_state(), **self.place_state()}
        state["pillar_order"] = self.pillar.order
        state.update(self.verdict_state(state, today or timezone.localdate()))
        return state

    def place_state(self):
        """Where its marker sits on the map (`geometry.marker_position`), in the columns the map counts by."""
        longitude, latitude = geo.marker_position(self.geometry, self.latitude, self.longitude)
        return {"map_longitude": longitude, "map_latitude": latitude}

    def cited_evidence(self):
        """The evidence records its public record cites: public updates, measurements and editors' verdicts. A
        staff check's source stays with the staff (it may be a page only they can read); the check gives only
        its date to "last checked"."""
        from .evidence import EvidenceSource

        return EvidenceSource.objects.filter(pk__in={record.evidence_id for record in self.citing_records()})

    def citing_records(self):
        """The records whose evidence its public record cites, read from its relations (`for_deriving`)."""
        return [
            *self.public_updates_as_read(),
            *(
                measurement
                for indicator in loaded(self, "indicators")
                for measurement in loaded(indicator, "measurements")
            ),
            *(verdict for verdict in loaded(self, "verdicts") if verdict.kind != VerdictKind.RULE),
        ]

    def public_updates_as_read(self):
        """Its updates the public may see, newest first, from its relations."""
        return [update for update in self.updates_as_read() if update.shown_publicly]

    def updates_as_read(self):
        """All its updates, newest first (ProgressUpdate.Meta), from its relations."""
        return loaded(self, "updates")

    def evidence_state(self):
        """How many sources its record rests on, how many are independent of the government that made it,
        the weakest case in words, and the latest day anyone checked."""
        cited = {record.evidence_id: record.evidence for record in self.citing_records() if record.evidence_id}
        sources = list(cited.values())
        independent = sum(source.independent_of(self.party) for source in sources)
        if not sources:
            strength = EvidenceStrength.NONE
        elif independent > 1:
            strength = EvidenceStrength.SEVERAL_INDEPENDENT
        elif independent == 1:
            strength = EvidenceStrength.ONE_INDEPENDENT
        elif any(source.speaks_for() is None for source in sources):
            strength = EvidenceStrength.UNCLASSIFIED
        else:
            strength = EvidenceStrength.OWN_WORD
        checked = [check.checked_on for check in loaded(self, "checks")]
        checked += [update.date for update in self.public_updates_as_read()]
        return {
            "evidence_sources": len(sources),
            "independent_sources": independent,
            "evidence_strength": strength,
            "last_checked": max(checked, default=None),
        }

    def verdict_state(self, state, today):
        """The verdict an editor gave (until withdrawn), or the rule's; its date is the day it was reached."""
        editors = [verdict for verdict in loaded(self, "verdicts") if verdict.kind != VerdictKind.RULE]
        latest_editor = max(editors, key=lambda verdict: (verdict.judged_on, verdict.created), default=None)
        if latest_editor is not None and latest_editor.kind == VerdictKind.OVERRIDE:
            verdict, reason, overridden, since = (
                latest_editor.verdict,
                latest_editor.reason,
                True,
                latest_editor.judged_on,
            )
        else:
            # The reason is stored in the record's language, whoever's language the write came in.
            with translation.override(settings.LANGUAGE_CODE):
                judged = verdicts.judge(self.verdict_facts(state), today)
            verdict, reason = judged or ("", "")
            overridden, since = False, today
        if verdict and (verdict, reason, overridden) == (self.verdict, self.verdict_reason, self.verdict_overridden):
            since = self.verdict_date or since
        return {
            "verdict": verdict,
            "verdict_reason": reason,
            "verdict_overridden": overridden,
            "verdict_date": since if verdict else None,
        }

    def verdict_facts(self, state):
        from ..dates import PreciseDate

        statements = loaded(self, "statements")  # in date order, the first the origin (Statement.Meta)
        counted = [statement for statement in statements if statement.quantity is not None]
        promised = counted[-1] if counted else None
        deadline = state.get("target_date")
        first_said = statements[0].date if statements else None
        return verdicts.Facts(
            claim_kind=state.get("claim_kind", self.claim_kind),
            status=state["status"],
            deadline=deadline,
            deadline_shown=(
                PreciseDate(deadline, state.get("target_date_precision", DatePrecision.DAY)).deadline()
                if deadline
                else ""
            ),
            completed_on=state["completion_date"],
            progress=state["progress"],
            promised=promised.quantity if promised else None,
            measured=self.measured_quantity(promised.unit if promised else ""),
            unit=promised.unit if promised else "",
            work_reported=bool(first_said) and any(u.date > first_said for u in self.public_updates_as_read()),
        )

    def measured_quantity(self, unit):
        """The latest value of the indicator that counts what was promised: the one in the promised unit, or else
        the key indicator, or else the only one; the first in the indicators' own order, by name in the record's
        language (the caller's, `verdict_state`), whatever order they were read in."""
        indicators = sorted(loaded(self, "indicators"), key=lambda i: (i.order, i.name or "", i.pk))
        chosen = (
            next((i for i in indicators if unit and unit in (i.unit, getattr(i, "unit_en", None))), None)
            or next((i for i in indicators if i.key), None)
            or (indicators[0] if len(indicators) == 1 else None)
        )
        if chosen is None:
            return None
        latest = max(
            loaded(chosen, "measurements"), key=lambda measurement: (measurement.as_of, measurement.pk), default=None
        )
        return latest.value if latest else None

    def statement_state(self):
        """What its statements give it: the first statement's source and quote (its origin), the latest
        statement's claim kind, the deadline of the latest statement that gives one, how many statements there
        are, how many of the five checkable elements any statement names, and the words the table's search looks
        in. Only the count and those words for a commitment with no statement yet."""
        statements = loaded(self, "statements")  # in date order, the first the origin (Statement.Meta)
        if not statements:
            return {"statement_count": 0, "search_text": self.words_to_search([])}
        origin, latest = statements[0], statements[-1]
        with_deadline = [statement for statement in statements if statement.target_date]
        deadline = with_deadline[-1] if with_deadline else None
        named = named_elements(statements)
        return {
            "source_id": origin.source_id,
            "quote": origin.quote,
            "quote_start": origin.quote_start,
            "claim_kind": latest.claim_kind,
            "target_date": deadline.target_date if deadline else None,
            "target_date_precision": deadline.target_date_precision if deadline else DatePrecision.DAY,
            "statement_count": len(statements),
            "checkability": len(named),
            **{field: element in named for element, field in NAMES_FIELDS.items()},
            "search_text": self.words_to_search(statements),
        }

    def words_to_search(self, statements):
        """Its title and summary in every language and the words of its statements, in lower case: what the
        table's search matches (commitments/search.py)."""
        texts = [getattr(self, column) or "" for column in translation_columns("title", "summary")]
        return "\n".join([*texts, *(statement.quote for statement in statements)]).lower()

    def timeline_state(self):
        """{status, progress, completion date and its precision} as the timeline of dated, sourced updates and
        the progress rule give them: the latest update's status, the latest progress an update set (or the
        rule's), and for a completed commitment the date it was completed unless an editor recorded a more precise one.
        Reopening a completed commitment clears its completion date; a date given before the update that
        completes it is kept for that update."""
        updates = self.updates_as_read()
        latest = updates[0] if updates else None
        status = latest.status if latest else Status.ANNOUNCED
        if self.progress_method == ProgressMethod.MANUAL:
            progress = next((u.progress for u in updates if u.progress is not None), None)
        else:
            progress = self.computed_progress()
        completion_date = None if self.status == Status.COMPLETED else self.completion_date
        precision = self.completion_date_precision
        if status == Status.COMPLETED:
            completed_since = latest.date
            for update in updates:
                if update.status != Status.COMPLETED:
                    break
                completed_since = update.date
            if self.completion_date is None:
                completion_date, precision = completed_since, DatePrecision.DAY
            else:
                completion_date = self.completion_date
        return {
            "status": status,
            "progress": progress,
            "completion_date": completion_date,
            "completion_date_precision": precision,
        }

    def computed_progress(self):
        """The progress its rule gives, or None when the rule is manual or has nothing to count.

        Children: the weighted average of their progress, a child without progress counting as 0. A published
        commitment counts only its published children, so its figure never rests on what the public cannot see.
        Milestones: the share of milestones completed.
        """
        if self.progress_method == ProgressMethod.CHILDREN:
            children = [child for child in loaded(self, "children") if child.published or not self.published]
            total_weight = sum(child.weight for child in children)
            if not total_weight:
                return None
            return round(sum(child.weight * (child.progress or 0) for child in children) / total_weight)
        if self.progress_method == ProgressMethod.MILESTONES:
            milestones = loaded(self, "milestones")
            if not milestones:
                return None
            return round(100 * sum(m.is_done for m in milestones) / len(milestones))
        return None
