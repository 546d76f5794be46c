"""Large admin import files are previewed and imported by an import job, outside the request."""

import threading

import pytest
from django.urls import reverse

from commitments.models import Commitment, ImportJob, Milestone
from commitments.vocabulary import ProgressMethod

from .factories import CommitmentFactory

# The job runs in a thread with its own database connection: it must see what the test committed.
pytestmark = pytest.mark.django_db(transaction=True)

HEADER = (
    "commitment,title_en,title_ur,title_zh_hans,due_date,due_date_precision,completed_date,completed_date_precision,"
    "order\n"
)


def milestones_csv(rows, bad_row=None):
    lines = [
        f"walked,Step {n},,,{'2026-13-40' if n == bad_row else '2026-01-01'},day,{'2025-03-01' if n % 2 else ''},,{n}\n"
        for n in range(rows)
    ]
    return (HEADER + "".join(lines)).encode()


def upload(client, content):
    from django.core.files.uploadedfile import SimpleUploadedFile

    file = SimpleUploadedFile("steps.csv", content, content_type="text/csv")
    return client.post(reverse("admin:commitments_milestone_import"), {"import_file": file, "format": 0, "resource": 0})


def finished(job_pk):
    """The job, once its thread has ended."""
    for thread in threading.enumerate():
        if thread.name == f"import-job-{job_pk}":
            thread.join(timeout=120)
    return ImportJob.objects.get(pk=job_pk)


@pytest.fixture
def editor_client(client, editor, settings):
    settings.IMPORT_BACKGROUND_ROWS = 10
    CommitmentFactory(slug="walked", progress_method=ProgressMethod.MILESTONES)
    client.force_login(editor)
    return client


def test_a_large_file_is_previewed_by_a_job_then_imported_on_confirmation(editor_client):
    response = upload(editor_client, milestones_csv(40))
    assert response.status_code == 302
    preview = ImportJob.objects.get()
    assert response["Location"] == reverse("admin:commitments_milestone_import_job", args=[preview.pk])
    preview = finished(preview.pk)
    assert (preview.state, preview.totals, preview.problems) == ("previewed", {"new": 40}, [])
    assert not Milestone.objects.exists()  # a preview writes nothing
    page = editor_client.get(response["Location"]).content.decode()
    assert "Confirm import" in page and "new" in page

    confirm = editor_client.post(response["Location"])
    imported = finished(ImportJob.objects.exclude(pk=preview.pk).get().pk)
    assert confirm["Location"] == reverse("admin:commitments_milestone_import_job", args=[imported.pk])
    assert imported.state == "done"
    assert imported.created > preview.finished  # its own start, which the page's "stopped" notice reads
    assert Milestone.objects.count() == 40
    assert Commitment.objects.get(slug="walked").progress == 50  # through the services: the rule ran
    # A preview is imported once only.
    editor_client.post(response["Location"])
    assert ImportJob.objects.count() == 2


def test_a_large_file_with_a_bad_row_is_rejected_with_its_line_and_nothing_is_written(editor_client):
    response = upload(editor_client, milestones_csv(40, bad_row=17))
    job = finished(ImportJob.objects.get().pk)
    assert job.state == "rejected"
    assert any(problem.startswith("Line 18: due_date:") for problem in job.problems), job.problems
    page = editor_client.get(response["Location"]).content.decode()
    assert "Line 18" in page and "Traceback" not in page and "Confirm import" not in page
    assert not Milestone.objects.exists()


def test_a_running_job_shows_its_progress_and_refreshes(editor_client, editor):
    preview = ImportJob.objects.create(
        user=editor, model="commitments.milestone", file_name="steps.csv", file_format=0, data=b"", rows=40
    )
    page = editor_client.get(reverse("admin:commitments_milestone_import_job", args=[preview.pk])).content.decode()
    assert '<meta http-equiv="refresh"' in page and "<progress" in page


def test_someone_elses_job_is_not_found(editor_client, administrator, client):
    upload(editor_client, milestones_csv(20))
    job = finished(ImportJob.objects.get().pk)
    client.force_login(administrator)
    assert client.get(reverse("admin:commitments_milestone_import_job", args=[job.pk])).status_code == 404
    assert client.post(reverse("admin:commitments_milestone_import_job", args=[job.pk])).status_code == 404
    assert not Milestone.objects.exists()


def test_a_small_file_is_still_previewed_in_the_request(editor_client):
    response = upload(editor_client, milestones_csv(5))
    assert response.status_code == 200 and response.context["confirm_form"] is not None
    assert not ImportJob.objects.exists()


def test_a_job_that_fails_before_its_end_still_closes_its_connection(editor_client, monkeypatch):
    from django.db import connection

    from commitments import import_jobs

    # SQLite's test database lives in memory and ignores close(), so the call itself is what is counted.
    closed = []
    monkeypatch.setattr(connection, "close", lambda: closed.append(True))
    with pytest.raises(ImportJob.DoesNotExist):
        import_jobs.run(0, None, None)  # no such job: the thread fails before any import
    assert closed == [True]
