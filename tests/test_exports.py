"""The table exports: every row the filters select, streamed in the table's order; XLSX within its limit."""

import csv
import io
import json

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from commitments import exports
from commitments.vocabulary import Status

from .factories import CommitmentFactory, PillarFactory, ProgressUpdateFactory, SourceDocumentFactory
from .helpers import body

pytestmark = pytest.mark.django_db

TABLE = reverse("commitments:commitment_list")


def csv_rows(response):
    return list(csv.DictReader(io.StringIO(body(response).decode())))


def make(count, **fields):
    pillar, source = PillarFactory(), SourceDocumentFactory()
    return [CommitmentFactory(pillar=pillar, source=source, **fields) for _ in range(count)]


@pytest.mark.parametrize("export_format", ["csv", "json"])
def test_csv_and_json_stream_every_row_in_the_table_order(client, export_format, settings, monkeypatch):
    monkeypatch.setattr(exports, "CHUNK", 3)  # several chunks, and a last one that is not full
    make(8)
    response = client.get(TABLE, {"_export": export_format, "sort": "-title"})
    assert response.status_code == 200 and response.streaming
    assert "attachment" in response["Content-Disposition"]
    text = body(response).decode()
    rows = list(csv.DictReader(io.StringIO(text))) if export_format == "csv" else json.loads(text)
    titles = [row["Commitment"] for row in rows]
    assert titles == sorted(titles, reverse=True) and len(titles) == 8


def test_an_empty_selection_exports_headers_or_an_empty_list(client):
    make(2)
    assert json.loads(body(client.get(TABLE, {"_export": "json", "q": "nothing-matches-this"}))) == []
    lines = body(client.get(TABLE, {"_export": "csv", "q": "nothing-matches-this"})).decode().splitlines()
    assert len(lines) == 1 and next(csv.reader(lines))[:2] == ["Commitment", "Pillar"]


HOSTILE_CELLS = [
    'She said "no", then "yes"',
    "one, two",
    "first line\nsecond line",
    "carriage\rreturn and\r\nboth",
    '"',
    '""',
    ",",
    "",
    None,
    0,
    1234,
    True,
    "'=SUM(A1:A2)",
    "  spaces kept  ",
    "گوادر بندرگاہ",
    "瓜达尔港",
    "\t tab",
]


def test_written_csv_reads_back_as_csv_writer_would_have_it():
    """The export's own CSV writing (`exports.csv_cells`) reads back, by any CSV reader, to what csv.writer
    writes of the same cells: quotes, commas, line breaks, empty cells, numbers and every script."""
    rows = [HOSTILE_CELLS, list(reversed(HOSTILE_CELLS)), HOSTILE_CELLS[1:] + HOSTILE_CELLS[:1]]
    columns = [list(column) for column in zip(*rows, strict=True)]
    written = exports.csv_lines(zip(*map(exports.csv_cells, columns), strict=True))
    expected = io.StringIO()
    csv.writer(expected).writerows(rows)
    assert list(csv.reader(io.StringIO(written, newline=""))) == list(
        csv.reader(io.StringIO(expected.getvalue(), newline=""))
    )
    assert written.count("\r\n") == 3 + sum(str(cell).count("\r\n") for row in rows for cell in row)


def test_export_columns_are_the_table_columns_with_their_values(client):
    (commitment,) = make(1, title="=Road to Gwadar", location="Gwadar")
    row = csv_rows(client.get(TABLE, {"_export": "csv"}))[0]
    assert row["Commitment"] == "'=Road to Gwadar"  # escaped for spreadsheets
    assert row["Slug"] == commitment.slug
    assert row["Pillar"] == commitment.pillar.name
    assert row["Status"] == commitment.get_status_display()
    assert row["Target date"] == "2030-12-31"
    assert row["Target date precision"] == commitment.get_target_date_precision_display()
    assert row["Location"] == "Gwadar"
    assert row["Statements"] == "1"
    assert row["Completion date"] == ""  # only a completed commitment has one


def test_export_query_count_does_not_grow_with_the_rows(client, monkeypatch):
    monkeypatch.setattr(exports, "CHUNK", 1000)

    def queries():
        with CaptureQueriesContext(connection) as context:
            body(client.get(TABLE, {"_export": "csv"}))
        return len(context.captured_queries)

    make(3)
    few = queries()
    make(12)
    assert queries() == few


def test_xlsx_within_the_limit_is_a_workbook(client, settings):
    settings.EXPORT_XLSX_MAX_ROWS = 5
    make(5)
    response = client.get(TABLE, {"_export": "xlsx"})
    assert response.status_code == 200
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][0] == "Commitment" and len(rows) == 6


def test_xlsx_above_the_limit_says_so_and_points_to_csv_and_json(client, settings):
    settings.EXPORT_XLSX_MAX_ROWS = 5
    make(6)
    response = client.get(TABLE, {"_export": "xlsx", "q": "Commitment"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "at most 5 rows" in page and "these filters select 6" in page
    assert "?q=Commitment&amp;_export=csv" in page and "?q=Commitment&amp;_export=json" in page
    csv_link = TABLE + "?q=Commitment&_export=csv"
    assert len(csv_rows(client.get(csv_link))) == 6


@pytest.mark.parametrize("name", ["staff_commitments", "staff_overdue", "staff_stale", "staff_mine", "staff_drafts"])
@pytest.mark.parametrize("export_format", ["csv", "json", "xlsx"])
def test_every_staff_list_of_commitments_exports(client, viewer, name, export_format):
    make(2, published=False)
    client.force_login(viewer)
    response = client.get(reverse(f"commitments:{name}"), {"_export": export_format})
    assert response.status_code == 200
    assert body(response)


def test_a_completed_commitment_exports_its_completion_date(client):
    (commitment,) = make(1, status=Status.COMPLETED)
    commitment.refresh_from_db()
    row = csv_rows(client.get(TABLE, {"_export": "csv"}))[0]
    assert commitment.completed_on is not None
    assert row["Completion date"] == commitment.completed_on.isoformat()
    assert row["Completion date precision"] == commitment.get_completion_date_precision_display()


@pytest.mark.parametrize("name", ["staff_updates", "staff_changes"])
def test_a_linked_title_exports_as_its_text(client, viewer, name):
    commitment = CommitmentFactory(title="Upgrade ML-1 & more")
    ProgressUpdateFactory(commitment=commitment, text="Survey done")
    client.force_login(viewer)
    exported = body(client.get(reverse(f"commitments:{name}"), {"_export": "csv"})).decode()
    titles = [row for row in csv.reader(io.StringIO(exported)) if "Upgrade ML-1 & more" in row]
    assert titles and "<a" not in exported
