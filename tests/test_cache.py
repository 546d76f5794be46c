"""Public pages are cached, and every write path invalidates what it changed: no stale page after a save."""

import copy
import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from commitments import services
from commitments.backup import backed_up_models
from commitments.cache import public_page
from commitments.catalogue import import_catalogue, read_catalogue
from commitments.models import Commitment, Pillar, PublicVersion
from commitments.vocabulary import ProgressMethod, SourceKind, Status

from .conftest import CATALOGUE
from .factories import CommitmentFactory
from .helpers import change_form

pytestmark = pytest.mark.django_db

KKH = "kkh-phase-ii-realignment"
OTHER = "health-kits-distribution"
SOURCE = "2025-02-21-china-pakistan-all-weather-partnership"


def public_pages():
    return [
        reverse("commitments:dashboard"),
        reverse("commitments:commitment_list"),
        reverse("commitments:commitment_detail", args=[KKH]),
        reverse("commitments:commitment_feed", args=[KKH]),
        reverse("commitments:pillar_list"),
        reverse("commitments:pillar_detail", args=["practical"]),
        reverse("commitments:source_list"),
        reverse("commitments:source_detail", args=[SOURCE]),
        reverse("commitments:feed"),
        reverse("commitments:api-commitment-list"),
        reverse("commitments:api-commitment-detail", args=[KKH]),
    ]


def read_all(client):
    pages = {}
    for url in public_pages():
        response = client.get(url)
        assert response.status_code == 200, url
        pages[url] = response.content
    return pages


def test_a_cached_page_costs_one_query(client, catalogue, django_assert_num_queries):
    read_all(client)
    for url in public_pages():
        with django_assert_num_queries(1):  # the version counters
            assert client.get(url).status_code == 200


def test_a_cached_page_resolves_its_path_once(client, catalogue):
    url = reverse("commitments:commitment_detail", args=[KKH])
    client.get(url)
    public_page.cache_clear()
    for _ in range(3):
        assert client.get(url).status_code == 200
    found = public_page.cache_info()
    assert (found.misses, found.hits) == (1, 2)


def test_every_public_page_is_fresh_after_a_staff_update(client, catalogue, editor, settings):
    before = read_all(client)
    kkh = Commitment.objects.get(slug=KKH)
    client.force_login(editor)
    response = client.post(
        reverse("commitments:staff_record_progress", args=[KKH]),
        {
            "date": "2026-11-01", "text": "Tunnel section opened to traffic.", "source_url": "https://example.org/kkh",
            "source_kind": "media_report", "status": "completed", "progress": "100", "public": "on",
            "version": kkh.version,
        },
    )  # fmt: skip
    assert response.status_code == 302
    client.logout()
    served = read_all(client)
    settings.PUBLIC_PAGE_CACHE = False
    fresh = read_all(client)
    stale = [url for url in public_pages() if served[url] != fresh[url]]
    assert not stale, f"stale pages served after the update: {stale}"
    changed = [url for url in public_pages() if served[url] != before[url]]
    assert len(changed) >= 8, changed  # all but the pillar and source lists, which show only counts
    assert b"Tunnel section opened to traffic." in served[reverse("commitments:commitment_detail", args=[KKH])]


def test_unrelated_commitment_page_stays_cached(client, catalogue, editor, django_assert_num_queries):
    other_url = reverse("commitments:commitment_detail", args=[OTHER])
    client.get(other_url)
    kkh = Commitment.objects.get(slug=KKH)
    kkh.title = "Renamed highway"
    kkh.save()
    with django_assert_num_queries(1):
        client.get(other_url)


def test_admin_edit_invalidates(client, catalogue, editor):
    detail = reverse("commitments:commitment_detail", args=[KKH])
    client.get(detail)
    kkh = Commitment.objects.get(slug=KKH)
    client.force_login(editor)
    url = reverse("admin:commitments_commitment_change", args=[kkh.pk])
    data = change_form(kkh, kkh.version, title_en="Admin-renamed highway", status="in_progress")
    data.update(source=kkh.source.pk, pillar=kkh.pillar.pk, quote=kkh.quote, theme=kkh.theme.pk, published="on")
    assert client.post(url, data).status_code == 302
    client.logout()
    assert b"Admin-renamed highway" in client.get(detail).content


def test_catalogue_import_invalidates(client, catalogue):
    detail = reverse("commitments:commitment_detail", args=[KKH])
    client.get(detail)
    data = read_catalogue(CATALOGUE)
    next(e for e in data["commitments"] if e["slug"] == KKH)["title"] = "Imported highway title"
    import_catalogue(data=copy.deepcopy(data))
    assert b"Imported highway title" in client.get(detail).content


def test_publishing_and_unpublishing_invalidates(client, catalogue, editor):
    detail = reverse("commitments:commitment_detail", args=[KKH])
    assert client.get(detail).status_code == 200
    client.force_login(editor)
    version = Commitment.objects.get(slug=KKH).version
    client.post(reverse("commitments:staff_publish", args=[KKH]), {"published": "0", "version": version})
    client.logout()
    assert client.get(detail).status_code == 404
    assert KKH.encode() not in client.get(reverse("commitments:api-commitment-list")).content


@pytest.mark.django_db(transaction=True)
def test_restore_invalidates(client, catalogue, tmp_path):
    path = tmp_path / "backup.json"
    published = Commitment.objects.published().count()
    call_command("backup", str(path), stdout=io.StringIO())
    for model in reversed(backed_up_models()):
        model._default_manager.all().delete()
    empty = client.get(reverse("commitments:dashboard")).content
    assert b"0 published commitments" in empty
    call_command("restore", str(path), stdout=io.StringIO())
    assert f"{published} published commitments".encode() in client.get(reverse("commitments:dashboard")).content


def test_staff_pages_are_never_cached(client, catalogue, viewer):
    client.force_login(viewer)
    board = reverse("commitments:staff_board")
    client.get(board)
    Commitment.objects.filter(slug=KKH).update(title="Changed without a signal")
    assert b"Changed without a signal" in client.get(board).content


def test_cached_api_list_keeps_the_host_it_was_asked_for(client, catalogue, settings):
    settings.PUBLIC_PAGE_CACHE = True
    url = reverse("commitments:api-commitment-list")
    first = client.get(url, HTTP_HOST="localhost").json()
    assert first["results"][0]["url"].startswith("http://localhost/")
    second = client.get(url, HTTP_HOST="127.0.0.1").json()
    assert {row["url"].split("/api/")[0] for row in second["results"]} == {"http://127.0.0.1"}
    secure = client.get(url, HTTP_HOST="127.0.0.1", secure=True).json()
    assert secure["results"][0]["url"].startswith("https://127.0.0.1/")


@pytest.mark.parametrize(
    "url",
    [
        reverse("commitments:dashboard"),
        reverse("commitments:feed"),
        reverse("commitments:api-commitment-list"),
        reverse("commitments:api-commitment-detail", args=["ml1-railway-upgrade"]),
    ],
)
def test_a_browser_revalidates_and_gets_304_until_an_edit(client, catalogue, url):
    first = client.get(url)
    assert first.status_code == 200
    assert "no-cache" in first["Cache-Control"] and "public" in first["Cache-Control"]
    etag = first["ETag"]
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    ml1 = Commitment.objects.get(slug="ml1-railway-upgrade")
    ml1.title = "ML-1, renamed by an editor"
    services.save_commitment(ml1, user=None, expected_version=ml1.version)
    after = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert after.status_code == 200 and after["ETag"] != etag


def test_a_hit_is_answered_before_sessions_and_authentication(client, catalogue, editor, django_assert_num_queries):
    """A signed-in reader's session is never loaded for a cached public page: one query, the versions."""
    url = reverse("commitments:dashboard")
    client.get(url)
    client.force_login(editor)
    with django_assert_num_queries(1):
        response = client.get(url)
    assert response.status_code == 200


def test_a_hit_carries_the_headers_of_the_page_it_stored(client, catalogue):
    url = reverse("commitments:commitment_detail", args=[KKH])
    fresh = client.get(url)
    cached = client.get(url)
    for header in ("Content-Language", "Vary", "X-Frame-Options", "Content-Security-Policy", "ETag"):
        assert cached[header] == fresh[header], header
    assert cached.content == fresh.content


def test_the_browser_language_redirect_comes_before_a_cached_english_page(client, catalogue):
    url = reverse("commitments:pillar_list")
    assert client.get(url).status_code == 200  # the English page is now cached
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="ur")
    assert response.status_code == 302 and response["Location"].startswith("/ur/")
    assert client.get(response["Location"]).headers["Content-Language"] == "ur"


def test_exports_stream_and_are_never_stored(client, catalogue):
    """An export is read afresh every time: a write needs no version bump to show in it."""
    url = reverse("commitments:commitment_list") + "?_export=csv"
    assert client.get(url).streaming
    Commitment.objects.filter(slug=KKH).update(title_en="Renamed without the services layer")
    assert b"Renamed without the services layer" in b"".join(client.get(url).streaming_content)


def test_the_dashboard_counts_once_for_each_version_of_the_site(client, catalogue, editor, settings):
    settings.PUBLIC_PAGE_CACHE = False  # the page itself is rendered every time

    def dashboard():
        with CaptureQueriesContext(connection) as context:
            response = client.get(reverse("commitments:dashboard"))
        tallied = [query for query in context.captured_queries if 'AS "due"' in query["sql"]]
        return response.context["total"], len(tallied)

    total, tallied = dashboard()
    assert tallied == 1
    assert dashboard() == (total, 0)  # the same version of the site: counted already
    services.set_published([Commitment.objects.published().first()], False, user=editor)
    assert dashboard() == (total - 1, 1)  # the write moved the version: counted again


def test_staff_counts_are_kept_for_each_version_of_the_site_and_follow_every_write(client, catalogue, editor):
    """The board's counts and a staff list's number of rows are counted once for each version of the site's
    content; a write, a draft's included, moves the version, so they are never out of date."""
    client.force_login(editor)

    def board():
        with CaptureQueriesContext(connection) as context:
            response = client.get(reverse("commitments:staff_board"))
        counting = [query["sql"] for query in context.captured_queries if "COUNT(" in query["sql"]]
        return response.context["attention"]["drafts"], counting

    def drafts_listed():
        return client.get(reverse("commitments:staff_drafts")).context["table"].page.paginator.count

    drafts, counting = board()
    assert len(counting) > 1
    assert drafts_listed() == drafts
    again, counting = board()
    assert again == drafts
    assert len(counting) == 1 and '"owner_id"' in counting[0]  # "assigned to me" alone is counted each time
    services.set_published([Commitment.objects.published().first()], False, user=editor)
    assert board()[0] == drafts + 1
    assert drafts_listed() == drafts + 1


def test_the_api_counts_its_rows_once_for_each_version_of_the_site(client, catalogue, editor, settings):
    """The API's `count` is read like the tables' pager: once for each version of the site's content, and
    afresh after any write that changes what the public sees."""
    settings.PUBLIC_PAGE_CACHE = False  # the page itself is rendered every time

    def listed():
        with CaptureQueriesContext(connection) as context:
            body = client.get("/api/commitments/?page_size=5").json()
        counting = [query["sql"] for query in context.captured_queries if query["sql"].startswith("SELECT COUNT(")]
        return body["count"], counting

    published = Commitment.objects.published().count()
    count, counting = listed()
    assert count == published and len(counting) == 1
    assert listed() == (published, [])
    services.set_published([Commitment.objects.published().first()], False, user=editor)
    count, counting = listed()
    assert count == published - 1 and len(counting) == 1


def test_the_filters_fields_are_rendered_once_for_the_same_values_language_and_choices(
    client, catalogue, editor, settings
):
    """Every list page shows the filters; their fields are rendered once for each set of values, language and
    lists of choices, and afresh when any of them changes: a renamed pillar shows at once."""
    settings.PUBLIC_PAGE_CACHE = False
    fields = "includes/filter_fields.html"

    def shown(url):
        response = client.get(url)
        return fields in [template.name for template in response.templates], response.content.decode()

    listed = reverse("commitments:commitment_list")
    assert shown(listed)[0]
    rendered, html = shown(listed)
    assert not rendered and 'name="pillar"' in html

    pillar = Pillar.objects.order_by("order").first()
    pillar.name = "Renamed pillar"
    services.save_shared(pillar, user=editor)
    rendered, html = shown(listed)
    assert rendered and "Renamed pillar" in html

    rendered, html = shown(f"{listed}?status=in_progress")
    assert rendered and '<option value="in_progress" selected>' in html
    rendered, html = shown(f"{listed}?pillar=no-such-pillar")
    assert rendered and 'id="id_pillar-error"' in html
    assert not shown(f"{listed}?pillar=no-such-pillar")[0]
    assert shown(f"/ur{listed}")[0]


def test_a_write_bumps_the_pages_of_the_commitment_its_parent_and_its_children_only(editor):
    grandparent = CommitmentFactory(slug="grandparent")
    # The parent's progress is set by editors, so the child's update leaves the parent's figures as they are.
    parent = CommitmentFactory(slug="parent", parent=grandparent, progress_method=ProgressMethod.MANUAL)
    child = CommitmentFactory(slug="child", parent=parent)
    CommitmentFactory(slug="sibling", parent=parent)
    CommitmentFactory(slug="grandchild", parent=child)
    CommitmentFactory(slug="elsewhere")
    before = dict(PublicVersion.objects.values_list("scope", "version"))
    services.record_progress(
        commitment=child,
        author=editor,
        date="2025-03-01",
        text="Work began.",
        source_kind=SourceKind.OFFICIAL_STATEMENT,
        source_url="https://example.org/update",
        status=Status.IN_PROGRESS,
        progress=40,
        expected_version=Commitment.objects.get(pk=child.pk).version,
    )
    after = dict(PublicVersion.objects.values_list("scope", "version"))
    bumped = {scope for scope, version in after.items() if version > before.get(scope, 0)}
    assert bumped == {"site", *(f"commitment:{slug}" for slug in ("parent", "child", "grandchild"))}


def version_reads(queries):
    return [query for query in queries if PublicVersion._meta.db_table in query["sql"] and "SELECT" in query["sql"]]


def test_a_request_reads_the_site_version_once(client, editor):
    """The staff board counts each column for the version of "site", a list page its rows and its filters'
    choices: the version is read once for the whole request."""
    CommitmentFactory()
    client.force_login(editor)
    client.get(reverse("commitments:staff_board"))
    with CaptureQueriesContext(connection) as context:
        assert client.get(reverse("commitments:staff_board")).status_code == 200
    assert len(version_reads(context.captured_queries)) == 1


def test_a_write_within_a_request_forgets_the_versions_it_read():
    from commitments import cache

    commitment = CommitmentFactory()
    cache.remember_versions()  # what request_started runs (sending it would also close the test's connection)
    try:
        [before] = cache.versions([cache.SITE])
        with CaptureQueriesContext(connection) as context:
            assert cache.versions([cache.SITE]) == [before]
        assert version_reads(context.captured_queries) == []
        services.set_published([commitment], False, user=None)
        [after] = cache.versions([cache.SITE])
        assert after == before + 1
    finally:
        cache.forget_versions()
    with CaptureQueriesContext(connection) as context:
        cache.versions([cache.SITE])
    assert len(version_reads(context.captured_queries)) == 1  # outside a request, read every time


def test_the_versions_read_alike_whether_or_not_the_queries_are_watched():
    """A cached page reads the versions on the driver's cursor unless the queries are watched (a test counting
    them, DEBUG, an execute wrapper): both read the same, and a bump at once."""
    from commitments import cache

    scopes = [cache.SITE, cache.commitment_scope("bumped"), cache.commitment_scope("never-bumped")]
    with cache.collecting():
        cache.touch(cache.SITE, cache.commitment_scope("bumped"))
    with cache.collecting():
        cache.touch(cache.SITE)
    stored = dict(PublicVersion.objects.values_list("scope", "version"))
    expected = [stored[cache.SITE], stored[cache.commitment_scope("bumped")], 0]
    assert expected[0] >= 2 and expected[1] >= 1
    assert not connection.queries_logged
    assert cache.read_versions(scopes) == expected
    with CaptureQueriesContext(connection) as context:
        assert cache.read_versions(scopes) == expected
    assert len(version_reads(context.captured_queries)) == 1
    calls = []

    def watch(execute, sql, params, many, context):
        calls.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(watch):
        assert cache.read_versions(scopes) == expected
    assert len(calls) == 1 and PublicVersion._meta.db_table in calls[0]


def test_the_versions_are_not_read_in_a_broken_transaction():
    """The driver's cursor is checked as Django's is: after a failed statement in a transaction, nothing more
    runs in it until it is rolled back."""
    from django.db import IntegrityError, transaction
    from django.db.transaction import TransactionManagementError

    from commitments import cache

    PublicVersion.objects.create(scope="taken", version=1)
    with transaction.atomic():
        with pytest.raises(IntegrityError), transaction.atomic(savepoint=False):
            PublicVersion.objects.create(scope="taken", version=1)
        assert not connection.queries_logged
        with pytest.raises(TransactionManagementError):
            cache.read_versions([cache.SITE])
