"""An adversarial probe of the tracker, run in-process against a database of its own.

    .venv/bin/python tools/probe.py [--queries N] [--seed S]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/probe .venv/bin/python tools/probe.py

It loads the speech catalogue into a fresh database (a temporary SQLite file, or DATABASE_URL's, which
it empties first), records internal text the public must never see (an internal update with a new
indicator value, internal notes, a draft), then:

1. crawls every public page reachable from the dashboard, in English, Urdu and Chinese, plus the
   feeds, API, exports, IATI and AidData files, counting server errors and pages that show internal text;
2. tries hostile catalogue files and hostile admin import files, counting server errors, files
   accepted, and partial writes (any table whose rows changed after a refused file);
3. sends random hostile query strings to the public table, map and API and to every admin changelist,
   counting server errors.

It prints one table; every count of leaks, errors and partial writes should be 0.
"""

import argparse
import io
import os
import random
import re
import sys
import tempfile
import zipfile
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", f"sqlite:///{tempfile.mkdtemp()}/probe.sqlite3")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
os.environ.setdefault("PUBLIC_PAGE_CACHE", "false")
os.environ.setdefault("LOG_LEVEL", "ERROR")  # refused requests are expected; a 500 still logs

import django  # noqa: E402

django.setup()

from django.apps import apps  # noqa: E402
from django.conf import settings  # noqa: E402
from django.contrib import admin  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from commitments import services  # noqa: E402
from commitments.catalogue import CatalogueError, import_catalogue_file  # noqa: E402
from commitments.models import Commitment  # noqa: E402

CATALOGUE = ROOT / "commitments/catalogue/2025-02-21-china-pakistan-all-weather-partnership.yaml"
MARKERS = ["Zq-probe-internal-update", "Zq-probe-internal-note", "Zq-probe-draft"]
LANGUAGES = ["", "/ur", "/zh-hans"]
HOSTILE_VALUES = [
    "", "0", "-1", "99999999999999999999999", "1e9", "NaN", "²", "٣", "a\x00b", "'; DROP TABLE x;--",
    "<script>alert(1)</script>", "%", "_", "\\", "../../etc/passwd", "true", "false", "-title", "--x",
    "title,-status", "ml1-railway-upgrade", "practical", "completed", "x" * 5000, "🙂", "２０３０", "NULL",
]  # fmt: skip


def prepare():
    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)  # the role groups again
    import_catalogue_file(CATALOGUE)
    editor = get_user_model().objects.create_superuser("probe-editor", "probe@example.org", "a-long-probe-password")
    ml1 = Commitment.objects.get(slug="ml1-railway-upgrade")
    ml1.internal_notes = MARKERS[1]
    services.save_commitment(ml1, user=editor, expected_version=ml1.version)
    client = Client()
    client.force_login(editor)
    trainees = Commitment.objects.get(slug="agricultural-training-1000-pakistanis")
    latest = trainees.updates.order_by("-date", "-created").first()
    form = {
        "date": "2025-12-01", "text": MARKERS[0], "source_url": "https://example.org/internal",
        "source_kind": "implementing_agency", "status": latest.status, "indicator": trainees.indicators.first().pk,
        "value": "640", "as_of": "2025-12-01", "version": trainees.version,
    }  # fmt: skip
    assert client.post(f"/staff/commitments/{trainees.slug}/progress/", form).status_code == 302
    draft = Commitment.objects.get(slug="youth-exchanges")
    draft.title = MARKERS[2]
    services.save_commitment(draft, user=editor, expected_version=draft.version)
    services.set_published([draft], False, user=editor)
    return client


def crawl(client):
    """Every public page reachable from the start pages, in each language; (pages, errors, leaks)."""
    start = ["/", "/feed/", "/api/commitments/?page_size=500", "/commitments/?_export=csv",
             "/commitments/?_export=json", "/commitments/?_export=xlsx", "/iati/activities.xml",
             "/opendata/aiddata.csv", "/api/schema/"]  # fmt: skip
    queue = [f"{language}{path}" for language in LANGUAGES for path in start]
    seen, errors, leaks = set(queue), [], []
    while queue:
        url = queue.pop()
        response = client.get(url)
        if response.status_code >= 500:
            errors.append(url)
        body = b"".join(response) if response.streaming else response.content
        text = body.decode("utf-8", "replace")
        if response["Content-Type"].startswith("application/vnd.openxmlformats"):
            text = xlsx_text(body)
        leaks += [f"{marker} on {url}" for marker in MARKERS if marker in text]
        for link in re.findall(r'(?:href|src)="([^"#]+)', text):
            path = urlsplit(link.replace("&amp;", "&"))
            target = path.path + (f"?{path.query}" if path.query else "")
            public = not target.startswith(("/staff", "/admin", "/accounts", "/static", "/i18n"))
            local = path.netloc in ("", "testserver") and target.startswith("/")
            if local and public and target not in seen and len(seen) < 5000:
                seen.add(target)
                queue.append(target)
    return len(seen), errors, leaks


def xlsx_text(body):
    with zipfile.ZipFile(io.BytesIO(body)) as book:
        return " ".join(book.read(name).decode() for name in book.namelist() if name.endswith(".xml"))


def row_counts():
    return {
        model._meta.label: model._default_manager.count() for model in apps.get_app_config("commitments").get_models()
    }


def hostile_catalogues(folder):
    """(name, YAML text) of catalogue files that must be refused."""
    head = "source: {slug: hostile, title: Hostile, date: 2025-06-01, speaker: X, kind: speech, "
    entry = "  - {slug: %s, title: T, pillar: practical, party: both, kind: trade, quote: 'We will do it.'}\n"
    (folder / "text.txt").write_text("We will do it.", encoding="utf-8")
    (folder / "link.txt").symlink_to("/etc/hostname")
    return {
        "absolute text_file": head + "text_file: /etc/passwd}\n",
        "climbing text_file": head + "text_file: ../../../etc/hostname}\n",
        "environment text_file": head + "text_file: /proc/self/environ}\n",
        "link out of the folder": head + "text_file: link.txt}\n",
        "billion laughs": head + "text_file: text.txt}\na: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a]\n",
        "oversized file": head + "text_file: text.txt}\n" + "#" * (settings.CATALOGUE_MAX_BYTES + 1),
        "slug as a list": head + "text_file: text.txt}\ncommitments:\n" + entry % "[a, b]",
        "slug of another source": head + "text_file: text.txt}\ncommitments:\n" + entry % "ml1-railway-upgrade",
        "status on the commitment": head
        + "text_file: text.txt}\ncommitments:\n"
        + "  - {slug: s, title: T, pillar: practical, party: both, kind: trade, quote: 'We will do it.', "
        "status: completed}\n",
        "not a mapping": "- just\n- a list\n",
        "invalid YAML": "source: [unclosed\n",
        "unknown pillar": head
        + "text_file: text.txt}\ncommitments:\n"
        + entry.replace("practical", "nowhere") % "new-one",
    }


def hostile_uploads():
    """(name, model, file name, format, bytes) of admin import files that must be refused."""
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b'<dimension ref="A1:G2"/>' + b" " * (60 * 1024 * 1024))
    milestone_header = b"commitment,title_en,title_ur,title_zh_hans,due_date,completed_date,order\n"
    return [
        ("empty", "milestone", "e.csv", 0, b""),
        ("wrong columns", "milestone", "w.csv", 0, b"a,b\n1,2\n"),
        ("not UTF-8", "pillar", "l.csv", 0, "slug,name\nx,Caf\xe9\n".encode("latin-1")),
        ("zip bomb", "milestone", "b.xlsx", 1, bomb.getvalue()),
        ("too many rows", "milestone", "m.csv", 0, milestone_header + b"x,y,,,,,1\n" * (settings.IMPORT_MAX_ROWS + 9)),
        ("invalid date", "milestone", "d.csv", 0, milestone_header + b"ml1-railway-upgrade,T,,,2025-13-45,,1\n"),
        ("unknown commitment", "milestone", "u.csv", 0, milestone_header + b"nowhere,T,,,,,1\n"),
        ("status change on a commitment row", "commitment", "c.csv", 0, None),
        ("duplicate keys", "milestone", "k.csv", 0, milestone_header + b"ml1-railway-upgrade,T,,,,,1\n" * 2),
    ]


def try_files(client, folder):
    """(files tried, server errors, files accepted, partial writes)."""
    tried = errors = accepted = partial = 0
    for number, (name, text) in enumerate(hostile_catalogues(folder).items()):
        path = folder / f"hostile-{number}.yaml"
        path.write_text(text, encoding="utf-8")
        before = row_counts()
        tried += 1
        try:
            import_catalogue_file(path)
            accepted += 1
            print(f"  accepted catalogue: {name}")
        except CatalogueError:
            pass
        except Exception as error:  # noqa: BLE001 (a crash is what the probe counts)
            errors += 1
            print(f"  crash on catalogue {name}: {error!r}")
        partial += row_counts() != before
    for name, model, file_name, file_format, content in hostile_uploads():
        if content is None:
            content = status_changed_file()
        upload = io.BytesIO(content)
        upload.name = file_name
        before = row_counts()
        response = client.post(
            f"/admin/commitments/{model}/import/", {"import_file": upload, "format": file_format, "resource": 0}
        )
        tried += 1
        errors += response.status_code >= 500
        page = response.content.decode("utf-8", "replace")
        if response.status_code == 200 and response.context and response.context.get("confirm_form") is not None:
            accepted += 1
            print(f"  accepted upload: {name}")
        if "Traceback" in page:
            errors += 1
            print(f"  traceback shown for upload: {name}")
        partial += row_counts() != before
    return tried, errors, accepted, partial


def status_changed_file():
    from commitments.resources import CommitmentResource

    dataset = CommitmentResource().export(queryset=Commitment.objects.filter(slug="ml1-railway-upgrade"))
    dataset.dict = [{**row, "status": "completed"} for row in dataset.dict]
    return dataset.export("csv").encode()


def fuzz(client, count, seed):
    """(query strings sent, server errors) over the public table, map and API and every admin changelist."""
    rng = random.Random(seed)
    keys = ["q", "pillar", "theme", "party", "kind", "status", "overdue", "target_year", "sort", "page",
            "per_page", "page_size", "format", "_export", "o", "p", "e", "date__year", "status__exact",
            "published__exact", "pillar__id__exact", "all"]  # fmt: skip
    endpoints = ["/commitments/", "/map/", "/api/commitments/", "/ur/commitments/"]
    endpoints += [
        f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        for model in admin.site._registry
        if model._meta.app_label == "commitments"
    ]
    sent, errors = 0, []
    for endpoint in endpoints:
        for _ in range(count):
            params = {rng.choice(keys): rng.choice(HOSTILE_VALUES) for _ in range(rng.randint(1, 4))}
            url = f"{endpoint}?{urlencode(params)}"
            response = client.get(url)
            sent += 1
            if response.status_code >= 500:
                errors.append(url[:200])
    return sent, errors


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--queries", type=int, default=60, help="hostile query strings per endpoint")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    setup_test_environment()
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    editor_client = prepare()
    pages, page_errors, leaks = crawl(Client())
    files, file_errors, accepted, partial = try_files(editor_client, Path(tempfile.mkdtemp()))
    queries, query_errors = fuzz(editor_client, args.queries, args.seed)
    print(f"database: {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}")
    print(f"public pages crawled in 3 languages: {pages}; server errors: {len(page_errors)}; leaks: {len(leaks)}")
    print(f"hostile files tried: {files}; server errors: {file_errors}; accepted: {accepted}; "
          f"partial writes: {partial}")  # fmt: skip
    print(f"hostile query strings sent: {queries}; server errors: {len(query_errors)}")
    for line in [*page_errors, *leaks, *query_errors][:20]:
        print(f"  {line}")
    return 1 if page_errors or leaks or file_errors or accepted or partial or query_errors else 0


if __name__ == "__main__":
    sys.exit(main())
