import datetime
import html
from functools import cache, partial
from operator import attrgetter

import django_tables2 as tables
from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import F
from django.db.models.functions import Coalesce
from django.middleware.csrf import get_token
from django.template import Context
from django.template.base import render_value_in_context
from django.template.defaultfilters import date as date_filter
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.functional import cached_property
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _
from django_tables2.data import TableQuerysetData
from django_tables2.utils import A, signature

from . import badges
from .cache import count_of_site, site_rows_key
from .dates import formatted
from .exports import commitment_fields, in_total_order
from .links import slug_url
from .models import Commitment
from .search import read_matches_first
from .seek import from_anchor

DEFAULT_PER_PAGE = 25
MAX_PER_PAGE = 100
SORTED_MATCHES = 10_000  # a search's matches sorted rather than walked, at most (`PageByIds.in_order`)


class PageByIds(TableQuerysetData):
    """Reads a page of a queryset in two steps: the ids of its rows in order, then those rows in full.

    The database sorts and skips only ids and sort keys, and what the rows carry (joins, counts) is read for
    the page's rows alone. A page nearer the end than the start is read from the end, in the reverse order,
    so the last page costs what the first does; a page in the middle is read from the nearest anchor before it
    (`seek.from_anchor`) where the order allows.
    """

    searched = False  # whether the rows are a search's matches (`in_order`)

    def __len__(self):
        """How many rows the filters select, counted once for each version of the site's content rather than on
        every page."""
        if not hasattr(self, "_length"):
            self._length = count_of_site(self.data, rows_key=self.rows_key)
        return self._length

    @cached_property
    def rows_key(self):
        """What is kept of the rows the filters select (their count, the anchors of their order) is kept under
        this key, worked out once for them all (`cache.of_site_query`)."""
        return site_rows_key(self.data.order_by())

    def __getitem__(self, key):
        if not isinstance(key, slice):
            return super().__getitem__(key)
        ordered = self.in_order()
        start, stop, count = key.start or 0, key.stop, len(self)
        if stop is not None and start > count - stop:
            ids = ids_between(ordered.reverse(), max(count - stop, 0), count - start, self.rows_key)[::-1]
        else:
            ids = ids_between(ordered, start, stop, self.rows_key)
        rows = self.data.order_by().in_bulk(ids)
        return [rows[pk] for pk in ids]

    def in_order(self):
        """The rows in the table's order. On PostgreSQL a search's matches, when there are at most SORTED_MATCHES,
        are sorted after reading them from the search index: the planner takes them to lie evenly along the
        table's order and walks it, through tens of thousands of rows when they lie together ("solar" at 100,000
        commitments: 97 ms walked, 25 ms read first and sorted). Many matches are found quicker by walking, so
        above that number it is left to walk."""
        ordered = in_total_order(self.data)
        if self.searched and connection.vendor == "postgresql" and len(self) <= SORTED_MATCHES:
            return sorted_not_walked(ordered)
        return ordered


def ids_between(ordered, start, stop, rows_key):
    """The ids of the rows from number `start` to before `stop` in the order, read from the anchor before them."""
    rows, offset = from_anchor(ordered, start, rows_key)
    return list(rows.values_list("pk", flat=True)[offset : None if stop is None else offset + stop - start])


def sorted_not_walked(queryset):
    """The same order, its first key written so that no index matches it (`COALESCE(key, key)` is the key), and
    the search's matches read from the index before their rows (`search.read_matches_first`)."""
    first, *rest = queryset.query.order_by
    if not isinstance(first, str):
        return queryset  # an order of expressions (the verification queue's) is left as it is
    name = first.removeprefix("-")
    key = Coalesce(F(name), F(name))
    return read_matches_first(queryset.order_by(key.desc() if first.startswith("-") else key.asc(), *rest))


class Cells:
    """One column's cells, as django-tables2 renders them (`BoundRow.get_cell` and the `<td>` of its
    table.html), with what is the same on every row worked out once per page rather than once per cell: which
    display method gives the value, which arguments the column's render method takes, the cell's attributes.
    On a page of 50 rows and a dozen columns that is most of the time the page takes."""

    CONTEXT = Context(autoescape=True)  # how `{{ cell }}` shows a value: localized, escaped

    def __init__(self, bound_column, model):
        if bound_column.localize is not None:
            raise ImproperlyConfigured(f"Column {bound_column.name}: `localize` is not rendered by Cells.")
        self.bound_column, self.column = bound_column, bound_column.column
        self.accessor = A(bound_column.accessor)
        self.owner, self.choices = self.choices_of(self.accessor, model)
        self.read = self.reader_of(self.accessor, model)
        arguments, catch_all = arguments_of(getattr(bound_column.render, "__func__", bound_column.render))
        self.arguments = None if catch_all else arguments
        # A column that renders the same whatever the record's attribute of its name holds (a form, a button)
        # never reads it: for `check`, reading it would call `Model.check()`, the system checks.
        self.reads_value = bool(self.column.empty_values or catch_all or "value" in arguments or bound_column.link)
        self.td_open = format_html("<td {}>", bound_column.attrs["td"].as_html())

    @staticmethod
    def choices_of(accessor, model):
        """When the accessor ends in a field with choices, which django-tables2 shows by its label
        (`get_FOO_display`): the accessor of the object that holds it, the field's attribute name and its labels
        by value, read once. (None, None) otherwise."""
        *path, name = accessor.bits
        for step in path:
            try:
                model = model._meta.get_field(step).related_model
            except (FieldDoesNotExist, AttributeError):
                return None, None
        try:
            field = model._meta.get_field(name)
        except (FieldDoesNotExist, AttributeError):
            return None, None
        if not field.choices:
            return None, None
        labels = {value: force_str(label) for value, label in field.flatchoices}
        return A(A.SEPARATOR.join(path)) if path else None, (field.attname, labels)

    @staticmethod
    def reader_of(accessor, model):
        """How a cell reads its value from the record: one of the model's own fields as an attribute; anything else
        (a path across relations, a method, an annotation) as django-tables2 resolves it, which tries a key
        first and calls what is callable, several times slower."""
        try:
            field = model._meta.get_field(accessor)
        except (FieldDoesNotExist, AttributeError):
            field = None
        if field is not None and field.concrete:
            return attrgetter(field.name)
        return partial(accessor.resolve, quiet=True)

    def value(self, record):
        if self.choices:
            owner = self.owner.resolve(record, quiet=True) if self.owner else record
            if owner is not None:
                attname, labels = self.choices
                value = getattr(owner, attname)
                return labels.get(value, force_str(value, strings_only=True))
        return self.read(record)

    def render(self, given):
        """The column's render method with the arguments it takes; None if it takes one not given
        (`django_tables2.utils.call_with_appropriate`)."""
        if self.arguments is None:
            return self.bound_column.render(**given)
        if not set(self.arguments) <= given.keys():
            return None
        return self.bound_column.render(**{name: given[name] for name in self.arguments})

    def html(self, row):
        value = self.value(row.record) if self.reads_value else None
        if value in self.column.empty_values:
            cell = self.bound_column.default
        else:
            given = {
                "value": value,
                "record": row.record,
                "column": self.column,
                "bound_column": self.bound_column,
                "bound_row": row,
                "table": row.table,
            }
            cell = self.render(given)
            if self.bound_column.link:
                cell = self.bound_column.link(cell, **given)
        return f"{self.td_open}{as_cell_text(cell)}</td>"


def as_cell_text(value):
    """What `{{ cell }}` writes for a value: localized and escaped. Most cells are text, which takes only the
    escaping (`render_value_in_context` asks about dates and numbers first)."""
    if type(value) is SafeString:
        return value
    if type(value) is str:
        return html.escape(value)
    return render_value_in_context(value, Cells.CONTEXT)


@cache
def arguments_of(render):
    """The arguments a render method takes, and whether it takes any (`**kwargs`): read once for each method,
    not on every page (`inspect.signature` is slow)."""
    arguments, catch_all = signature(render)
    return tuple(name for name in arguments if name != "self"), catch_all


class Table(tables.Table):
    """A table whose page size from the query string (`per_page`) stays between 1 and MAX_PER_PAGE, whose
    pages of a queryset are read ids first (`PageByIds`), and whose rows are rendered by `Cells`."""

    def __init__(self, data=None, *args, searched=False, **kwargs):
        if TableQuerysetData.validate(data) and not isinstance(data, PageByIds):
            data = PageByIds(data)
            data.searched = searched
        kwargs.setdefault("template_name", "includes/table.html")
        super().__init__(data, *args, **kwargs)

    def paginate(self, paginator_class=Paginator, per_page=None, page=1, *args, **kwargs):
        per_page = min(max(per_page or DEFAULT_PER_PAGE, 1), MAX_PER_PAGE)
        return super().paginate(paginator_class, per_page, page, *args, **kwargs)

    @cached_property
    def here(self):
        """The page's path and query, where a form in a row sends the reader back to: escaped once for the page,
        not on every row."""
        return escape(self.request.get_full_path())

    @cached_property
    def csrf_input(self):
        """What `{% csrf_token %}` writes into each form in the table's rows: one token for the page, as a
        template's context gives."""
        return format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', get_token(self.request))

    def rows_html(self):
        """The `<tr>` of each row of the page, as django-tables2's table.html would write it."""
        model = getattr(self.data, "model", None)
        columns = [Cells(bound_column, model) for bound_column in self.columns]
        for row in self.paginated_rows:
            cells = mark_safe("".join(column.html(row) for column in columns))  # noqa: S308 - each cell is escaped
            yield format_html("<tr {}>{}</tr>", row.attrs.as_html(), cells)


class DateColumn(tables.DateColumn):
    """django-tables2's DateColumn (its value, its format, the language's format names), rendered in Python
    instead of through a template for each cell."""

    def __init__(self, format=None, short=True, *args, **kwargs):
        super().__init__(format, short, *args, **kwargs)
        self.format = format or ("SHORT_DATE_FORMAT" if short else "DATE_FORMAT")

    def render(self, value):
        if value is None:  # where the column shows its value even when empty (`empty_values=()`)
            return self.default
        if isinstance(value, datetime.datetime):
            return date_filter(timezone.template_localtime(value), self.format) or self.default
        return formatted(value, self.format) or self.default


class DateTimeColumn(tables.DateTimeColumn):
    """django-tables2's DateTimeColumn, rendered in Python like `DateColumn`."""

    def __init__(self, format=None, short=True, *args, **kwargs):
        super().__init__(format, short, *args, **kwargs)
        self.format = format or ("SHORT_DATETIME_FORMAT" if short else "DATETIME_FORMAT")

    render = DateColumn.render


class BooleanColumn(tables.BooleanColumn):
    """django-tables2's BooleanColumn, of a plain boolean field (one without choices, which it would look up on
    every row): its two cells are written once for each language, not on every row."""

    written = {}  # {(the words for yes and no, the span's attributes, language, value): cell}

    def render(self, value, record, bound_column):
        key = (tuple(self.yesno), repr(self.attrs.get("span")), get_language(), bool(value))
        if key not in self.written:
            self.written[key] = super().render(bool(value), None, None)
        return self.written[key]


class SearchedTableMixin:
    """For a view of a table filtered by `CommitmentFilter`: tells the table whether its rows are the matches of
    a search (`PageByIds.in_order`)."""

    def get_table(self, **kwargs):
        filterset = getattr(self, "filterset", None)
        words = getattr(filterset.form, "cleaned_data", {}).get("q") if filterset else None
        return super().get_table(searched=bool(words), **kwargs)


class SlugLinkColumn(tables.Column):
    """A cell that links to the page of a slug (`links.slug_url`), the row's own by default. django-tables2's
    `linkify` reverses the URL and works out the link's attributes again on each row."""

    def __init__(self, viewname, slug="slug", **kwargs):
        super().__init__(**kwargs)
        self.viewname, self.slug_of = viewname, attrgetter(slug.replace("__", "."))

    def render(self, record, value):
        return format_html('<a href="{}">{}</a>', slug_url(self.viewname, self.slug_of(record)), value)

    def value(self, value):
        return value  # exports take the text, not the link


class CommitmentTable(Table):
    """The public commitment table; its exports carry the quote and the full record."""

    export_fields = staticmethod(commitment_fields)

    title = SlugLinkColumn("commitments:commitment_detail", verbose_name=_("Commitment"))
    pillar = tables.Column(verbose_name=_("Pillar"), order_by=("pillar_order", "title"))
    party = tables.Column(verbose_name=_("Party"))
    status = tables.Column(verbose_name=_("Status"), order_by=("status", "title"))
    progress = tables.Column(verbose_name=_("Progress"), empty_values=())
    claim_kind = tables.Column(verbose_name=_("Claim"), order_by=("claim_kind", "title"))
    verdict = tables.Column(verbose_name=_("Verdict"), order_by=("verdict", "title"), empty_values=())
    checkability = tables.Column(verbose_name=_("Checkable"), attrs={"td": {"class": "number"}})
    target_date = tables.Column(verbose_name=_("Target date"))

    slug = tables.Column(visible=False)
    theme = tables.Column(visible=False, verbose_name=_("Theme"), accessor="theme__name")
    kind = tables.Column(visible=False, verbose_name=_("Kind"))
    target_date_precision = tables.Column(visible=False, orderable=False, verbose_name=_("Target date precision"))
    verification = tables.Column(visible=False, verbose_name=_("Verification"))
    verdict_date = DateColumn(visible=False, verbose_name=_("Judged on"), format="Y-m-d")
    verdict_reason = tables.Column(visible=False, verbose_name=_("Why"))
    evidence_strength = tables.Column(visible=False, verbose_name=_("Evidence"))
    evidence_sources = tables.Column(visible=False, verbose_name=_("Evidence sources"))
    independent_sources = tables.Column(visible=False, verbose_name=_("Independent sources"))
    last_checked = DateColumn(visible=False, verbose_name=_("Last checked"), format="Y-m-d")
    statement_count = tables.Column(
        visible=False, verbose_name=_("Statements"), accessor="statement_count", orderable=False
    )
    start_date = DateColumn(visible=False, verbose_name=_("Start date"), format="Y-m-d")
    start_date_precision = tables.Column(visible=False, orderable=False, verbose_name=_("Start date precision"))
    completion_date = DateColumn(
        accessor="completed_on", visible=False, verbose_name=_("Completion date"), format="Y-m-d", orderable=False
    )
    completion_date_precision = tables.Column(
        visible=False, orderable=False, verbose_name=_("Completion date precision")
    )
    location = tables.Column(visible=False, verbose_name=_("Location"))
    summary = tables.Column(visible=False, verbose_name=_("Summary"))
    quote = tables.Column(visible=False, verbose_name=_("Quote"))
    source = tables.Column(visible=False, verbose_name=_("Source"), accessor="source__title")

    class Meta:
        model = Commitment
        fields = [
            "title",
            "pillar",
            "party",
            "claim_kind",
            "verdict",
            "status",
            "progress",
            "checkability",
            "target_date",
        ]
        sequence = [
            "title", "pillar", "party", "claim_kind", "verdict", "status", "progress", "checkability", "target_date",
            "...",
        ]  # fmt: skip
        order_by = ("pillar", "title")
        empty_text = _("No commitment matches these filters.")
        attrs = {"class": "table commitments"}

    def render_status(self, record):
        return badges.commitment_status(record)

    def render_progress(self, value):
        return badges.progress_bar(value)

    def render_verdict(self, record):
        return badges.verdict_badge(record)

    def render_target_date(self, record):
        return record.precise("target_date").deadline()

    def render_checkability(self, value):
        return self.grade_words % {"grade": value}

    @cached_property
    def grade_words(self):
        """How a grade reads, translated once for the page."""
        return gettext("%(grade)s of 5")


class StaffCommitmentTable(CommitmentTable):
    """The staff view of the table: drafts, owners and the date of the last update."""

    title = SlugLinkColumn("commitments:staff_commitment", verbose_name=_("Commitment"))
    owner = tables.Column(verbose_name=_("Owner"), default="")
    published = BooleanColumn(verbose_name=_("Published"))
    last_update = DateColumn(verbose_name=_("Last update"), short=False, default=_("never"))

    class Meta(CommitmentTable.Meta):
        fields = [
            "title", "pillar", "party", "claim_kind", "verdict", "status", "progress", "checkability", "target_date",
            "owner", "published",
        ]  # fmt: skip
        sequence = [
            "title", "pillar", "party", "claim_kind", "verdict", "status", "progress", "checkability", "target_date",
            "last_update", "owner", "...",
        ]  # fmt: skip


class QueueTable(StaffCommitmentTable):
    """The verification queue: when each promise was last checked, and a button to record a check."""

    last_checked = DateColumn(verbose_name=_("Last checked"), short=False, default=_("never"))
    check = tables.Column(verbose_name=_("Check"), orderable=False, exclude_from_export=True, empty_values=())

    class Meta(StaffCommitmentTable.Meta):
        fields = ["title", "party", "verdict", "last_checked", "owner"]
        sequence = ["title", "party", "verdict", "last_checked", "owner", "check", "..."]
        exclude = ["pillar", "claim_kind", "status", "progress", "checkability", "target_date", "published"]

    def __init__(self, *args, can_check=False, **kwargs):
        self.can_check = can_check
        super().__init__(*args, **kwargs)

    @cached_property
    def check_words(self):
        """The words of a row's form, translated once for the page."""
        return gettext("Source checked"), gettext("Checked, nothing new")

    def render_check(self, record):
        """A form to record "checked, nothing new", offering the source of the latest update again."""
        if not self.can_check:
            return ""
        document = ""
        if record.latest_source_document and not record.latest_source_url:
            document = format_html(
                '<input type="hidden" name="source_document" value="{}">', record.latest_source_document
            )
        return format_html(
            '<form method="post" action="{}" class="inline-check">{}\n<input type="hidden" name="next" value="{}">\n'
            '<label class="visually-hidden" for="check-source-{}">{}</label>\n'
            '<input id="check-source-{}" type="url" name="source_url" value="{}" placeholder="https://" size="24">\n'
            '{}\n<button type="submit">{}</button></form>',
            slug_url("commitments:staff_check", record.slug),
            self.csrf_input,
            self.here,
            record.pk,
            self.check_words[0],
            record.pk,
            record.latest_source_url or "",
            document,
            self.check_words[1],
        )


class DraftTable(StaffCommitmentTable):
    publish = tables.Column(verbose_name=_("Publish"), orderable=False, exclude_from_export=True, empty_values=())

    @cached_property
    def can_publish(self):
        return self.request.user.has_perm("commitments.publish_commitment")

    @cached_property
    def publish_word(self):
        return gettext("Publish")

    def render_publish(self, record):
        """A button that publishes the draft, for those who may."""
        if not self.can_publish:
            return ""
        return format_html(
            '<form method="post" action="{}">{}<input type="hidden" name="published" value="1">'
            '<input type="hidden" name="version" value="{}"><input type="hidden" name="next" value="{}">'
            '<button type="submit">{}</button></form>',
            slug_url("commitments:staff_publish", record.slug),
            self.csrf_input,
            record.version,
            self.here,
            self.publish_word,
        )


class MilestoneTable(Table):
    due_date = DateColumn(verbose_name=_("Due"), short=False)
    title = tables.Column(verbose_name=_("Milestone"))
    commitment = SlugLinkColumn(
        "commitments:staff_commitment",
        slug="commitment__slug",
        verbose_name=_("Commitment"),
        order_by=("commitment__title",),
    )
    state = tables.Column(verbose_name=_("State"), empty_values=(), orderable=False)

    class Meta:
        attrs = {"class": "table"}
        order_by = ("due_date",)
        empty_text = _("No milestones here.")

    def __init__(self, *args, today, **kwargs):
        self.today = today
        super().__init__(*args, **kwargs)

    def render_state(self, record):
        return _("Overdue") if record.is_overdue(self.today) else _("Coming up")


class ChangeTable(Table):
    """Edits of commitments, from their history, with who made them."""

    history_date = DateTimeColumn(verbose_name=_("When"), short=False)
    title = SlugLinkColumn("commitments:staff_commitment", verbose_name=_("Commitment"))
    history_type = tables.Column(verbose_name=_("Change"))
    status = tables.Column(verbose_name=_("Status after"))
    progress = tables.Column(verbose_name=_("Progress after"), default="")
    published = BooleanColumn(verbose_name=_("Published"))
    history_user = tables.Column(verbose_name=_("By"), default=_("import or system"))

    class Meta:
        attrs = {"class": "table"}
        order_by = ("-history_date",)
        empty_text = _("No changes yet.")

    def render_history_type(self, record):
        return record.get_history_type_display()

    def render_status(self, record):
        return record.get_status_display()


class UpdateTable(Table):
    date = DateColumn(verbose_name=_("Date"), short=False)
    commitment = SlugLinkColumn(
        "commitments:staff_commitment",
        slug="commitment__slug",
        verbose_name=_("Commitment"),
        order_by=("commitment__title",),
    )
    text = tables.Column(verbose_name=_("Update"))
    status = tables.Column(verbose_name=_("Status after"))
    public = BooleanColumn(verbose_name=_("Public"))
    author = tables.Column(verbose_name=_("By"), default=_("import or system"))

    class Meta:
        attrs = {"class": "table"}
        order_by = ("-date",)
        empty_text = _("No updates yet.")

    def render_status(self, record):
        return record.get_status_display()

    def render_text(self, value):
        return value if len(value) < 160 else value[:157] + "…"
