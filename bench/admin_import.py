"""How long the admin's import takes to preview and to confirm a file of N milestone rows.

    .venv/bin/python bench/admin_import.py [ROWS ...]        (default: 1000 10000)

Runs against a fresh SQLite database in a temporary folder (or DATABASE_URL's, if set, which it empties
first), through Django's test client, the way an editor's browser posts the admin's import form.
A file of more than IMPORT_BACKGROUND_ROWS rows is handled by an import job: then the request's own
time is printed, and the job's time from start to finish. Prints the rows written.
"""

import csv
import io
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", f"sqlite:///{tempfile.mkdtemp()}/import-bench.sqlite3")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
os.environ.setdefault("PUBLIC_PAGE_CACHE", "false")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from commitments import services  # noqa: E402
from commitments.models import Commitment, ImportJob, Milestone, Pillar, SourceDocument  # noqa: E402


def prepare():
    call_command("migrate", verbosity=0)
    Milestone.objects.all().delete()
    source = SourceDocument.objects.filter(slug="bench-source").first() or services.save_shared(
        SourceDocument(title="Bench", slug="bench-source", date="2025-01-01", speaker="Bench", kind="speech",
                       text="We will build many things."),
        user=None,
    )  # fmt: skip
    pillar = Pillar.objects.filter(slug="bench").first() or services.save_shared(
        Pillar(name="Bench", slug="bench"), user=None
    )
    if not Commitment.objects.filter(slug="bench-commitment").exists():
        services.save_commitment(
            Commitment(title="Bench", slug="bench-commitment", pillar=pillar, party="both", kind="programme",
                       source=source, quote="We will build many things.", progress_method="milestones"),
            user=None,
        )  # fmt: skip
    from django.contrib.auth import get_user_model

    user, _ = get_user_model().objects.get_or_create(username="bench-admin", defaults={"is_superuser": True})
    user.is_staff = user.is_superuser = True
    user.save()
    return user


def milestone_csv(rows):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["commitment", "title_en", "title_ur", "title_zh_hans", "due_date", "completed_date", "order"])
    for n in range(rows):
        done = "2025-03-01" if n % 3 == 0 else ""
        writer.writerow(["bench-commitment", f"Step {n}", "", "", "2026-01-01", done, n])
    return out.getvalue().encode()


def run(rows, client):
    url = "/admin/commitments/milestone/import/"
    upload = io.BytesIO(milestone_csv(rows))
    upload.name = "milestones.csv"
    started = time.perf_counter()
    preview = client.post(url, {"import_file": upload, "format": "0", "resource": "0"})
    previewed = time.perf_counter() - started
    if preview.status_code == 302:
        return run_as_job(rows, client, preview["Location"], previewed)
    form = preview.context["confirm_form"] if preview.context and "confirm_form" in preview.context else None
    if form is None:
        print(f"{rows:>6} rows: preview refused ({preview.status_code}) in {previewed:.1f} s")
        return
    data = {name: field.initial if field.initial is not None else form.initial.get(name)
            for name, field in form.fields.items()}  # fmt: skip
    started = time.perf_counter()
    confirm = client.post("/admin/commitments/milestone/process_import/", data)
    confirmed = time.perf_counter() - started
    written = Milestone.objects.filter(commitment__slug="bench-commitment").count()
    print(f"{rows:>6} rows: preview {previewed:.1f} s, confirm {confirmed:.1f} s ({confirm.status_code}), "
          f"{written} rows written")  # fmt: skip


def job_seconds(location):
    job = ImportJob.objects.get(pk=int(location.rstrip("/").rsplit("/", 1)[1]))
    for thread in threading.enumerate():
        if thread.name == f"import-job-{job.pk}":
            thread.join()
    job.refresh_from_db()
    return job, (job.finished - job.created).total_seconds()


def run_as_job(rows, client, location, requested):
    preview, previewed = job_seconds(location)
    started = time.perf_counter()
    confirm = client.post(location)
    confirm_request = time.perf_counter() - started
    imported, confirmed = job_seconds(confirm["Location"])
    written = Milestone.objects.filter(commitment__slug="bench-commitment").count()
    print(
        f"{rows:>6} rows by an import job: preview request {requested:.1f} s, job {previewed:.1f} s "
        f"({preview.state}); confirm request {confirm_request:.1f} s, job {confirmed:.1f} s ({imported.state}); "
        f"{written} rows written"
    )


if __name__ == "__main__":
    setup_test_environment()
    from django.conf import settings

    # Pages render without running collectstatic first.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    client = Client()
    client.force_login(prepare())
    for rows in [int(arg) for arg in sys.argv[1:]] or [1000, 10000]:
        Milestone.objects.all().delete()
        run(rows, client)
