"""Admin import and export of the whole dataset (django-import-export), and what it refuses."""

import csv
import datetime
import io
import zipfile

import openpyxl
import pytest
from django.urls import reverse

from commitments.models import (
    Commitment,
    EvidenceSource,
    Indicator,
    Measurement,
    Milestone,
    Pillar,
    ProgressUpdate,
    SourceDocument,
    Theme,
)
from commitments.resources import DATASET_RESOURCES

from .factories import CommitmentFactory, ProgressUpdateFactory
from .helpers import body

pytestmark = pytest.mark.django_db

CSV, XLSX = 0, 1
DATASET_MODELS = [
    SourceDocument, EvidenceSource, Pillar, Theme, Commitment, Milestone, Indicator, Measurement, ProgressUpdate,
]  # fmt: skip


def model_name(resource):
    return resource._meta.model._meta.model_name


def admin_export(client, model, file_format=CSV):
    url = reverse(f"admin:commitments_{model}_export")
    form = client.get(url).context["form"]
    data = {"format": file_format, "resource": 0, "export_items": []}
    data.update({name: "on" for name, field in form.fields.items() if field.__class__.__name__ == "BooleanField"})
    response = client.post(url, data)
    assert response.status_code == 200, response.content[:500]
    return response.content


def admin_preview(client, model, content, name="data.csv", file_format=CSV):
    upload = io.BytesIO(content)
    upload.name = name
    return client.post(
        reverse(f"admin:commitments_{model}_import"), {"import_file": upload, "format": file_format, "resource": 0}
    )


def admin_import(client, model, content, name="data.csv", file_format=CSV):
    preview = admin_preview(client, model, content, name, file_format)
    confirm = preview.context.get("confirm_form")
    assert confirm is not None, preview_problems(preview)
    return client.post(reverse(f"admin:commitments_{model}_process_import"), confirm.initial)


def preview_problems(response):
    result = response.context.get("result")
    form = response.context.get("form")
    problems = [str(form.errors)] if form is not None and form.errors else []
    if result is not None:
        problems += [str(error.error) for error in result.base_errors]
        problems += [f"row {row.number}: {row.error.message_dict}" for row in result.invalid_rows]
    return "\n".join(problems)


def csv_rows(content):
    """Header and rows, in a stable order: the row order of an export is not part of the data."""
    header, *rows = csv.reader(io.StringIO(content.decode("utf-8-sig")))
    return header, sorted(rows)


def row_counts():
    return {model.__name__: model.objects.count() for model in DATASET_MODELS}


@pytest.fixture
def admin_client(client, administrator):
    client.force_login(administrator)
    return client


@pytest.fixture
def dataset(catalogue, administrator):
    kkh = Commitment.objects.get(slug="kkh-phase-ii-realignment")
    kkh.owner = administrator
    kkh.internal_notes = '=HYPERLINK("http://evil.example","click")'
    kkh.save()
    CommitmentFactory(slug="a-draft", published=False, source=kkh.source, pillar=kkh.pillar, quote=kkh.quote)
    latest = kkh.updates.order_by("-date").first().date
    ProgressUpdateFactory(
        commitment=kkh,
        date=latest + datetime.timedelta(days=1),  # after its latest update, so that it moves nothing
        status=kkh.status,
        progress=None,
        public=False,
        text="+internal only",
        author=administrator,
    )


def test_export_then_import_into_an_empty_database_gives_the_same_data(admin_client, dataset):
    before = {model_name(r): admin_export(admin_client, model_name(r)) for r in DATASET_RESOURCES}
    counts = row_counts()
    for model in reversed(DATASET_MODELS):
        model.objects.all().delete()
    assert all(n == 0 for n in row_counts().values())

    for resource in DATASET_RESOURCES:
        response = admin_import(admin_client, model_name(resource), before[model_name(resource)])
        assert response.status_code == 302

    assert row_counts() == counts
    after = {model_name(r): admin_export(admin_client, model_name(r)) for r in DATASET_RESOURCES}
    assert {name: csv_rows(content) for name, content in after.items()} == {
        name: csv_rows(content) for name, content in before.items()
    }
    kkh = Commitment.objects.get(slug="kkh-phase-ii-realignment")
    assert kkh.internal_notes.startswith("=HYPERLINK")
    assert kkh.source.text[kkh.quote_start : kkh.quote_end] == kkh.quote


def test_reimporting_the_same_file_changes_nothing(admin_client, dataset):
    exported = admin_export(admin_client, "commitment")
    versions = dict(Commitment.objects.values_list("slug", "version"))
    preview = admin_preview(admin_client, "commitment", exported)
    assert preview.context["result"].totals["skip"] == Commitment.objects.count()
    admin_import(admin_client, "commitment", exported)
    assert dict(Commitment.objects.values_list("slug", "version")) == versions


def test_formula_cells_are_escaped_on_export(admin_client, dataset):
    csv_text = admin_export(admin_client, "commitment").decode("utf-8-sig")
    assert "'=HYPERLINK" in csv_text
    assert ",=HYPERLINK" not in csv_text and '"=HYPERLINK' not in csv_text
    updates = admin_export(admin_client, "progressupdate").decode("utf-8-sig")
    assert "'+internal only" in updates


def test_xlsx_export_escapes_formulas_and_imports_back(admin_client, dataset):
    content = admin_export(admin_client, "commitment", XLSX)
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    cells = [cell.value for row in sheet.iter_rows() for cell in row]
    assert '\'=HYPERLINK("http://evil.example","click")' in cells
    assert not any(cell.data_type == "f" for row in sheet.iter_rows() for cell in row)
    Commitment.objects.filter(slug="kkh-phase-ii-realignment").update(internal_notes="changed")
    assert admin_import(admin_client, "commitment", content, "data.xlsx", XLSX).status_code == 302
    assert Commitment.objects.get(slug="kkh-phase-ii-realignment").internal_notes.startswith("=HYPERLINK")


def csv_of_commitments(admin_client, edit):
    lines = admin_export(admin_client, "commitment").decode("utf-8-sig").splitlines()
    return ("\n".join(edit(lines)) + "\n").encode("utf-8")


def replace_in_row(slug, old, new):
    return lambda lines: [line.replace(old, new, 1) if line.startswith(slug + ",") else line for line in lines]


@pytest.mark.parametrize(
    "edit, message",
    [
        (
            replace_in_row("kkh-phase-ii-realignment", "infrastructure", "finished"),
            "“finished” is not one of the allowed values: infrastructure, programme, trade, policy, security, "
            "diplomatic.",
        ),
        (replace_in_row("ml1-railway-upgrade", "practical", "nowhere"), "no pillar with slug"),
        (lambda lines: lines + [lines[1]], "appears more than once in the file (first on row 1)"),
        (
            replace_in_row("kkh-phase-ii-realignment", "We’ll continue", "We shall continue"),
            "does not occur word for word",
        ),
    ],
)  # fmt: skip
def test_file_with_an_invalid_row_is_rejected_whole(admin_client, dataset, edit, message):
    content = csv_of_commitments(admin_client, edit)
    before = row_counts()
    titles = dict(Commitment.objects.values_list("slug", "title"))
    content = content.replace(b"Realign the Karakoram Highway Phase II", b"A title that must not be saved")
    preview = admin_preview(admin_client, "commitment", content)
    page = preview.content.decode()
    assert message in page
    assert "Line number" in page or "Row" in page or "row" in page
    assert preview.context.get("confirm_form") is None
    assert row_counts() == before
    assert dict(Commitment.objects.values_list("slug", "title")) == titles


def test_wrong_date_format_is_named_with_its_row_and_column(admin_client, dataset):
    edit = replace_in_row("buffalo-dairy-first-batch", ",2025-02-14,", ",14th of February,")
    content = csv_of_commitments(admin_client, edit)
    preview = admin_preview(admin_client, "commitment", content)
    assert "completion_date" in preview_problems(preview)
    assert preview.context.get("confirm_form") is None


def test_confirm_step_rolls_back_when_data_became_invalid(admin_client, dataset):
    content = csv_of_commitments(admin_client, replace_in_row("kkh-phase-ii-realignment", "Phase II", "Phase Two"))
    preview = admin_preview(admin_client, "commitment", content)
    confirm = preview.context["confirm_form"]
    # Between preview and confirm, the pillar the file names is renamed away.
    Pillar.objects.filter(slug="security").update(slug="security-renamed")
    before = row_counts()
    response = admin_client.post(reverse("admin:commitments_commitment_process_import"), confirm.initial, follow=True)
    assert "nothing was written" in response.content.decode()
    assert Commitment.objects.filter(title__contains="Phase Two").count() == 0
    assert row_counts() == before


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "The submitted file is empty."),
        (b"slug,title_en\nx,y\n", "missing columns"),
        (b"slug,title_en,colour\nx,y,z\n", "unknown columns: colour"),
        ("slug,title\nkkh,Caf\xe9\n".encode("latin-1"), "The file is not UTF-8 text."),
        (b"a" * (10 * 1024 * 1024), "the largest accepted is 5.0"),
    ],
)
def test_bad_files_get_a_clear_message_and_write_nothing(admin_client, dataset, content, message):
    before = row_counts()
    response = admin_preview(admin_client, "commitment", content)
    page = response.content.decode()
    assert message in page
    assert "Traceback" not in page and "first_row_of_key" not in page
    assert response.context.get("confirm_form") is None
    assert row_counts() == before


def milestone_sheet(rows, padding=0):
    """An XLSX file of milestone rows, with `padding` bytes of zeros that compress to almost nothing."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(
        [
            "commitment",
            "title_en",
            "title_ur",
            "title_zh_hans",
            "due_date",
            "due_date_precision",
            "completed_date",
            "completed_date_precision",
            "order",
        ]  # fmt: skip
    )
    for n in range(rows):
        sheet.append(["kkh-phase-ii-realignment", f"Step {n}", "", "", "2026-01-01", "month", "", "", n])
    stream = io.BytesIO()
    book.save(stream)
    if padding:
        with zipfile.ZipFile(stream, "a", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("xl/media/padding.bin", b"\0" * padding)
    return stream.getvalue()


@pytest.mark.parametrize(
    "content, name, file_format, message",
    [
        (milestone_sheet(3, padding=3 * 1024 * 1024), "bomb.xlsx", XLSX, "The spreadsheet expands to 3.0"),
        (milestone_sheet(30), "long.xlsx", XLSX, "The file has 30 rows; the most accepted at once is 20."),
        (b"commitment,title_en\n" + b"kkh,x\n" * 30, "long.csv", CSV, "The file has 30 rows"),
    ],
)
def test_files_over_the_documented_limits_are_refused_before_they_are_read(
    admin_client, dataset, settings, content, name, file_format, message
):
    settings.IMPORT_MAX_UNCOMPRESSED_BYTES = 1024 * 1024
    settings.IMPORT_MAX_ROWS = 20
    before = row_counts()
    response = admin_preview(admin_client, "milestone", content, name=name, file_format=file_format)
    assert message in response.content.decode()
    assert response.context.get("confirm_form") is None
    assert row_counts() == before


def test_a_file_within_the_limits_imports(admin_client, dataset, settings):
    settings.IMPORT_MAX_ROWS = 20
    response = admin_import(admin_client, "milestone", milestone_sheet(20), name="ok.xlsx", file_format=XLSX)
    assert response.status_code == 302
    assert Milestone.objects.filter(title__startswith="Step ").count() == 20


def test_viewer_cannot_import(client, viewer):
    client.force_login(viewer)
    assert client.get(reverse("admin:commitments_commitment_import")).status_code == 403


def test_public_csv_export_escapes_formulas(client):
    CommitmentFactory(title='=HYPERLINK("http://evil.example")')
    text = body(client.get(reverse("commitments:commitment_list"), {"_export": "csv"})).decode()
    assert "'=HYPERLINK" in text
    assert not any(line.startswith("=") for line in text.splitlines())
