"""The benchmark's data and the pages it loads, in-process: Django is set up against the benchmark database."""

import math
import re
import secrets
import time
from dataclasses import dataclass

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from bench.seed import seed
from commitments.models import Commitment, EvidenceSource, Pillar, SourceDocument

ADMIN = "/admin/commitments/commitment/"
ADMIN_PAGE = 100  # rows of a changelist page
TABLE_PAGE = 25  # rows of a public table page
STAFF_PAGE = 50  # rows of a staff list page
SEARCH_WORD = "solar"  # in the titles of "Complete a 100 MW solar park in Thar"-like commitments


@dataclass
class Page:
    name: str
    audience: str  # "public" or "staff"
    url: str
    admin_url: str  # the admin changelist doing the same job, to compare with


def use_database(name):
    """Point the default connection at another database of the same kind (a SQLite file, a PostgreSQL name)."""
    connection.close()
    connection.settings_dict["NAME"] = str(name)


def prepare_database(commitments, seed_number):
    """Migrate, and seed unless the database holds `commitments` commitments and the evidence they cite; returns
    the seconds seeding took (None when reused). Either way the database is then left as autovacuum leaves one in
    use."""
    call_command("migrate", verbosity=0)
    held = Commitment.objects.count()
    # A database seeded before the seed wrote evidence records holds the commitments but not what they cite.
    if held == commitments and EvidenceSource.objects.exists():
        print(f"  reusing {connection.settings_dict['NAME']}: {held:,} commitments", flush=True)
        vacuum()
        return None
    print(f"  seeding {connection.settings_dict['NAME']} with {commitments:,} commitments ...", flush=True)
    started = time.monotonic()
    reset = bool(held or Pillar.objects.exists() or SourceDocument.objects.exists())
    seed(commitments, seed_number, reset=reset)
    seconds = time.monotonic() - started
    print(f"  seeded in {seconds:.0f} s", flush=True)
    vacuum()
    return seconds


def vacuum():
    """On PostgreSQL, the visibility map set (a count reads an index alone) and the planner's statistics
    current, after a seed or a migration that rewrote every row."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


def superuser():
    user, _ = get_user_model().objects.get_or_create(
        username="bench-admin", defaults={"is_staff": True, "is_superuser": True}
    )
    user.set_password(secrets.token_urlsafe(16))  # never used: the benchmark signs in with a session
    user.save()
    return user


def middle(last):
    """The page furthest from both ends: a table reads a page from the nearer end (`PageByIds`), so this one
    is counted off past the most rows."""
    return (last + 1) // 2


def pages():
    """Every public page and staff list with its admin counterpart, on the current database."""
    published = Commitment.objects.published()
    pillar = Pillar.objects.order_by("order").first()
    parents = Commitment.objects.filter(parent__isnull=False).values("parent")
    detail = published.filter(pk__in=parents).order_by("slug").first() or published.order_by("slug").first()
    source = SourceDocument.objects.order_by("slug").first()
    last = max(1, math.ceil(published.count() / TABLE_PAGE))
    staff_last = max(1, math.ceil(Commitment.objects.count() / STAFF_PAGE))
    admin_last_page = max(1, math.ceil(Commitment.objects.count() / ADMIN_PAGE))
    admin_last, admin_middle = f"{ADMIN}?p={admin_last_page}", f"{ADMIN}?p={middle(admin_last_page)}"
    by_target_date = admin.site._registry[Commitment].list_display.index("target_date") + 1  # 0: the checkbox
    admin_filtered = f"{ADMIN}?pillar__id__exact={pillar.pk}&status__exact=in_progress&o=-{by_target_date}"
    public = [
        ("dashboard", "/", ADMIN),
        ("table page 1", "/commitments/", ADMIN),
        ("table middle page", f"/commitments/?page={middle(last)}", admin_middle),
        ("table last page", f"/commitments/?page={last}", admin_last),
        (
            "table filtered+sorted",
            f"/commitments/?pillar={pillar.slug}&status=in_progress&sort=-target_date",
            admin_filtered,
        ),
        ("table search", f"/commitments/?q={SEARCH_WORD}", f"{ADMIN}?q={SEARCH_WORD}"),
        ("commitment detail", detail.get_absolute_url(), ADMIN),
        ("annotated source", source.get_absolute_url(), ADMIN),
        ("pillar list", "/pillars/", ADMIN),
        ("pillar detail", pillar.get_absolute_url(), ADMIN),
        ("source list", "/sources/", ADMIN),
        ("map", "/map/", ADMIN),
        ("feed", "/feed/", ADMIN),
        ("API list", "/api/commitments/", ADMIN),
    ]
    staff = [
        ("staff board", "/staff/", ADMIN),
        ("staff commitments", "/staff/commitments/", ADMIN),
        ("staff middle page", f"/staff/commitments/?page={middle(staff_last)}", admin_middle),
        ("staff last page", f"/staff/commitments/?page={staff_last}", admin_last),
        ("staff overdue", "/staff/overdue/", ADMIN),
        ("staff stale", "/staff/stale/", ADMIN),
        ("staff mine", "/staff/mine/", ADMIN),
        ("staff drafts", "/staff/drafts/", ADMIN),
        ("staff milestones", "/staff/milestones/", ADMIN),
        ("staff changes", "/staff/changes/", ADMIN),
        ("staff updates", "/staff/updates/", ADMIN),
    ]
    return [Page(name, "public", url, admin_url) for name, url, admin_url in public] + [
        Page(name, "staff", url, admin_url) for name, url, admin_url in staff
    ]


def survey(user):
    """{name: (URL, query count, body, content type)} of every page, and of its admin counterpart under
    "admin:<name>", on the current database, page cache off, signed in as `user` (public pages look the same to
    staff); and the Cookie header of its session."""
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    by_url, found = {}, {}
    with override_settings(PUBLIC_PAGE_CACHE=False):
        for page in pages():
            for key, url in ((page.name, page.url), (f"admin:{page.name}", page.admin_url)):
                if url not in by_url:
                    client.get(url)  # one-off lookups (content types, templates) are not what is measured
                    with CaptureQueriesContext(connection) as queries:
                        response = client.get(url)
                    assert response.status_code == 200, f"{url}: {response.status_code}"
                    by_url[url] = (url, len(queries), response.content, response["Content-Type"])
                found[key] = by_url[url]
    name = settings.SESSION_COOKIE_NAME
    return found, f"{name}={client.cookies[name].value}"


def write_static_copies(static_root, bodies):
    """A static file with each page's body, under STATIC_ROOT so that whitenoise serves it: {name: URL}."""
    extensions = {"text/html": "html", "text/csv": "csv", "application/json": "json", "application/atom+xml": "xml"}
    folder = static_root / "bench"
    folder.mkdir(parents=True, exist_ok=True)
    urls = {}
    for name, (body, content_type) in bodies.items():
        file_name = f"{re.sub(r'[^a-z0-9]+', '-', name.lower()).strip('-')}.{extensions[content_type.split(';')[0]]}"
        (folder / file_name).write_bytes(body)
        urls[name] = f"/static/bench/{file_name}"
    return urls
