"""Exports of the table pages: every row the filters select, in the table's order, streamed.

CSV and JSON are written a chunk of rows at a time, so an export of 100,000 commitments starts at once
and holds only one chunk in memory. Each exported column reads plain values from the database (one
`values_list` query, read a chunk of rows at a time) and turns them into a cell here; no template is
rendered per cell.
XLSX is built whole in memory, so it stops at EXPORT_XLSX_MAX_ROWS with a message that says so.

Spreadsheet safety for every export: a text cell that starts with = + - @ (or a tab or carriage return),
or with an apostrophe, gets one apostrophe in front, so Excel and LibreOffice show it as text. The
importer takes exactly one leading apostrophe off again, so an export imports back to the same data.
Plain numbers such as -5 are left alone.
"""

import io
import re
from dataclasses import dataclass
from itertools import islice
from operator import itemgetter

import orjson
import tablib
from django.conf import settings
from django.db.models import CharField, Func, QuerySet
from django.http import HttpResponse, StreamingHttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import get_language
from django_tables2.export import ExportMixin, TableExport
from import_export.formats import base_formats
from modeltranslation.utils import build_localized_fieldname
from openpyxl import Workbook

from .models import Commitment
from .vocabulary import (
    ClaimKind,
    CommitmentKind,
    DatePrecision,
    EvidenceStrength,
    Party,
    Status,
    Verdict,
    Verification,
)

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "'")
FORMULA_FIRST = frozenset(FORMULA_STARTS)
PLAIN_NUMBER = re.compile(r"-?\d+(\.\d+)?")
CHUNK = 2000  # rows read and written at a time
JSON_ITEMS = 250  # rows a JSON export turns into objects at a time
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def escape_formula(value):
    return escape_text(value) if isinstance(value, str) else value


def unescape_formula(value):
    if isinstance(value, str) and value.startswith("'") and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value


def escaped(dataset):
    safe = tablib.Dataset(headers=dataset.headers, title=dataset.title)
    for row in dataset:
        safe.append([escape_formula(cell) for cell in row])
    return safe


def batched(iterable, size):
    """Lists of `size` items from `iterable`, the last one shorter."""
    iterator = iter(iterable)
    while chunk := list(islice(iterator, size)):
        yield chunk


# --- Columns --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Field:
    """How one exported column reads its cell: the `values_list` names it needs, a function of those values,
    and whether the cell is free text, which a spreadsheet might take for a formula."""

    paths: tuple
    cell: object = None  # (*values) -> cell; None: the one value as it is
    text: bool = False

    def reader(self, positions):
        """A function of a chunk's columns of values (read with every field's paths, `Export.chunks`) that gives
        this field's column of cells: a value read as it is costs nothing per cell."""
        cell = self.cell
        if cell is None:
            [position] = positions
            read = itemgetter(position)
        else:
            read = lambda columns: map(cell, *(columns[position] for position in positions))  # noqa: E731
        return (lambda columns: map(escape_text, read(columns))) if self.text else read


def escape_text(value):
    """The escape of a cell known to be text or None; the cheap test first, as it runs on every cell."""
    if value and value[0] in FORMULA_FIRST and not PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def plain(path, *, text=False):
    return Field((path,), text=text)


def text(path):
    return plain(path, text=True)


class DayText(Func):
    """A date as the text of its ISO date (2025-02-21), written by the database: read as dates, the 95,000
    rows of a full export took each date from text to a `date` (on SQLite, which keeps dates as that text)
    and back to text again, half a million times."""

    output_field = CharField()
    template = "to_char(%(expressions)s, 'YYYY-MM-DD')"  # not a cast, which writes the server's DateStyle

    def as_sqlite(self, compiler, connection, **extra_context):
        # The text SQLite keeps, cast so that the column loses the declared type that Python's sqlite3 module
        # would read as a date.
        return self.as_sql(compiler, connection, template="CAST(%(expressions)s AS TEXT)", **extra_context)


def day(path):
    return Field((DayText(path),))


def choice(path, choices):
    labels = {value: str(label) for value, label in choices.choices}
    return Field((path,), lambda value: labels.get(value, value or None))


def translated(path):
    """A field entered in several languages, in the reader's language, or in English where it has none."""
    language = get_language() or settings.LANGUAGE_CODE
    own, english = build_localized_fieldname(path, language), build_localized_fieldname(path, "en")
    if own == english:
        return text(own)
    return Field((own, english), lambda value, fallback: value or fallback, text=True)


def precision(date_path, precision_path):
    """How precise a date is: empty where there is no date."""
    labels = {value: str(label) for value, label in DatePrecision.choices}
    return Field((DayText(date_path), precision_path), lambda date, exact: labels.get(exact) if date else None)


def commitment_fields():
    """{table column name: Field} for every column a commitment table exports, in the current language."""
    shown = Commitment.shown_completion_date
    reported = ClaimKind.REPORTED_RESULT.value
    verification = {value: str(label) for value, label in Verification.choices}
    precisions = {value: str(label) for value, label in DatePrecision.choices}
    return {
        "title": translated("title"),
        "pillar": translated("pillar__name"),
        "party": choice("party", Party),
        "claim_kind": choice("claim_kind", ClaimKind),
        "verdict": choice("verdict", Verdict),
        "status": choice("status", Status),
        "progress": plain("progress"),
        "checkability": plain("checkability"),
        "target_date": day("target_date"),
        "slug": text("slug"),
        "theme": translated("theme__name"),
        "kind": choice("kind", CommitmentKind),
        "target_date_precision": precision("target_date", "target_date_precision"),
        "verification": Field(
            ("claim_kind", "verification"), lambda kind, value: verification.get(value) if kind == reported else None
        ),
        "verdict_date": day("verdict_date"),
        "verdict_reason": text("verdict_reason"),
        "evidence_strength": choice("evidence_strength", EvidenceStrength),
        "evidence_sources": plain("evidence_sources"),
        "independent_sources": plain("independent_sources"),
        "last_checked": day("last_checked"),
        "statement_count": plain("statement_count"),
        "start_date": day("start_date"),
        "start_date_precision": precision("start_date", "start_date_precision"),
        "completion_date": Field(("status", DayText("completion_date")), shown),
        "completion_date_precision": Field(
            ("status", DayText("completion_date"), "completion_date_precision"),
            lambda status, date, exact: precisions.get(exact) if shown(status, date) else None,
        ),
        "location": text("location"),
        "summary": translated("summary"),
        "quote": text("quote"),
        "source": text("source__title"),
        "last_update": day("last_update"),
        "owner": text("owner__username"),
        "published": plain("published"),
    }


# --- Rows -----------------------------------------------------------------------------------------------------


def in_total_order(queryset):
    """The queryset's order, ties broken by id: read backwards, it gives the same rows in reverse."""
    order = list(queryset.query.order_by) or list(queryset.model._meta.ordering)
    if not {"pk", "-pk", "id", "-id"} & {term for term in order if isinstance(term, str)}:
        order.append("pk")
    return queryset.order_by(*order)


class Export:
    """The exported columns of a table and its rows: the table says which columns and in what order, and
    sorts and filters the rows; `fields` says how each cell is read."""

    def __init__(self, table, fields):
        columns = [column for column in table.columns.iterall() if not column.column.exclude_from_export]
        self.headers = [str(column.header) for column in columns]
        chosen = [fields[column.name] for column in columns]
        self.paths = list(dict.fromkeys(path for field in chosen for path in field.paths))
        where = {path: index for index, path in enumerate(self.paths)}
        self.readers = [field.reader([where[path] for path in field.paths]) for field in chosen]
        self.queryset = table.data.data

    def count(self):
        return self.queryset.count()

    def chunks(self):
        """The rows' cells, escaped, a list of rows at a time: one query in the table's order, read a chunk at a
        time as plain tuples (a plain QuerySet: the columns are named language by language already); each column
        of the chunk is worked out at once, which costs less than cell by cell."""
        for columns in self.columns():
            yield list(zip(*columns, strict=True))

    def columns(self):
        """The same cells, a chunk's columns at a time (each an iterable of its cells)."""
        plain = QuerySet(self.queryset.model, query=self.queryset.query.chain())
        values = in_total_order(plain).values_list(*self.paths).iterator(chunk_size=CHUNK)
        for chunk in batched(values, CHUNK):
            read = list(zip(*chunk, strict=True))
            yield [reader(read) for reader in self.readers]


# --- Formats --------------------------------------------------------------------------------------------------


def csv_stream(export):
    yield csv_lines([csv_cells(export.headers)])
    for columns in export.columns():
        yield csv_lines(zip(*map(csv_cells, columns), strict=True))


def csv_cells(column):
    """A column of cells as CSV writes them (RFC 4180): text quoted, its quotes doubled; a number as it is;
    nothing for None. Quoting every text cell rather than only those that need it (csv.writer) lets a column be
    written by one comprehension: 0.6 s instead of 0.9 s for the 95,000 rows of a full export."""
    return [
        ('"' + cell.replace('"', '""') + '"' if cell else "")
        if type(cell) is str
        else ("" if cell is None else str(cell))
        for cell in column
    ]


def csv_lines(rows):
    """Rows of written cells, each line ended as RFC 4180 ends it."""
    return "\r\n".join(map(",".join, rows)) + "\r\n"


def json_stream(export):
    headers = export.headers
    yield b"["  # at once: the reader sees the download start before the first rows are read
    separator = b""
    for rows in export.chunks():
        # A few hundred items at a time: the dicts of a whole chunk held several MB of the worker's memory.
        for items in batched(rows, JSON_ITEMS):
            # orjson writes UTF-8 as it is, like json.dumps(ensure_ascii=False), over ten times as fast.
            written = orjson.dumps([dict(zip(headers, row, strict=True)) for row in items], default=str)
            yield separator + written[1:-1]  # the items, without the brackets of their list
            separator = b","
    yield b"]"


def xlsx_bytes(export):
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(export.headers)
    for rows in export.chunks():
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def export_response(request, export, export_format, filename):
    if export_format == "xlsx":
        rows = export.count()
        if rows > settings.EXPORT_XLSX_MAX_ROWS:
            return too_many_for_xlsx(request, rows)
        response = HttpResponse(xlsx_bytes(export), content_type=CONTENT_TYPES["xlsx"])
    else:
        stream = csv_stream if export_format == "csv" else json_stream
        response = StreamingHttpResponse(stream(export), content_type=CONTENT_TYPES[export_format])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def too_many_for_xlsx(request, rows):
    """A spreadsheet is built whole in memory: above the limit, the reader is sent to CSV or JSON."""
    query = request.GET.copy()
    query.pop("_export", None)
    links = {}
    for export_format in ("csv", "json"):
        query["_export"] = export_format
        links[export_format] = f"?{query.urlencode()}"
    context = {"rows": rows, "limit": settings.EXPORT_XLSX_MAX_ROWS, "links": links}
    return TemplateResponse(request, "commitments/export_limit.html", context, status=400).render()


class SafeTableExport(TableExport):
    """django-tables2's export, escaped: for the short staff tables that are not lists of commitments."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.dataset = escaped(self.dataset)


class SafeExportMixin(ExportMixin):
    """`?_export=csv|xlsx|json` on any table page: exactly the rows the filters select, escaped. Tables of
    commitments (those with `export_fields`) are streamed; others go through django-tables2."""

    export_formats = ("csv", "xlsx", "json")
    export_class = SafeTableExport

    def create_export(self, export_format):
        table = self.get_table(**self.get_table_kwargs())
        if not hasattr(table, "export_fields"):
            return super().create_export(export_format)
        export = Export(table, table.export_fields())
        return export_response(self.request, export, export_format, self.get_export_filename(export_format))


class SafeCSV(base_formats.CSV):
    def export_data(self, dataset, **kwargs):
        return super().export_data(escaped(dataset), **kwargs)


class SafeXLSX(base_formats.XLSX):
    def export_data(self, dataset, **kwargs):
        return super().export_data(escaped(dataset), **kwargs)
