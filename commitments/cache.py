"""Caching of public pages, and invalidating exactly the pages a write touches.

Public content is split into scopes:
- "site": everything that lists or counts commitments (dashboard, table, pillars, sources, feeds, API list);
- "commitments": what every commitment page shows of shared rows (pillars, themes, sources);
- "commitment:<slug>": one commitment's page, its feed and its API record.

A cached page's key holds the versions of the scopes it shows; `PublicPageCacheMiddleware` answers it
before the rest of the middleware runs. Every write goes through the services layer, which marks the
scopes it touches (`touch`) and bumps each once at the end of its transaction, so the next request
renders afresh; pages of other commitments stay cached. Staff and admin pages are
never cached whole.

Counts over many rows are kept for each version of "site" (`of_site_version`): the dashboard's tallies, and
on staff pages too, the number of rows a table's filters select and the board's counts; the rows shown are
read afresh. Every write to a commitment or a part of one moves that version, a draft's included.

A fragment that every list page repeats, the filters' fields, is kept under a digest of all it shows
(`rendered_once`), so it is exact without being cleared.
"""

import hashlib
import threading
from contextlib import closing, contextmanager
from functools import lru_cache, wraps

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.core.signals import request_finished, request_started
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.db.models import QuerySet
from django.dispatch import receiver
from django.http import HttpResponse
from django.urls import Resolver404, get_resolver, get_urlconf
from django.utils.cache import get_conditional_response, patch_cache_control, set_response_etag
from django.utils.translation import get_language_from_path, override

from .middleware import first_visit_redirect
from .models import PublicVersion

SITE = "site"
COMMITMENTS = "commitments"
PAGE_TIMEOUT = 24 * 60 * 60


def commitment_scope(slug):
    return f"commitment:{slug}"


_request = threading.local()  # {scope: version} read during the current request, outside any write


@receiver(request_started, dispatch_uid="cache.versions.request_started")
def remember_versions(**kwargs):
    """A request reads each scope's version once: the staff board counts each of its columns for the version
    of "site", and a list page its rows and its filters' choices. A write (`bump`) forgets them."""
    _request.versions = {}


@receiver(request_finished, dispatch_uid="cache.versions.request_finished")
def forget_versions(**kwargs):
    _request.versions = None


def versions(scopes):
    """The version of each scope, 0 for one never bumped; read once for each request (`remember_versions`),
    but during a write always read again, as the write may move them."""
    known = getattr(_request, "versions", None)
    if known is None or getattr(_pending, "scopes", None) is not None:
        return read_versions(scopes)
    missing = [scope for scope in scopes if scope not in known]
    known.update(zip(missing, read_versions(missing), strict=True))
    return [known[scope] for scope in scopes]


def read_versions(scopes):
    """The version of each scope as stored, 0 for one never bumped.

    Every cached page asks, so the query is written out once for each number of scopes (building it through the
    ORM took longer than running it), and, while nobody watches the queries (Django logs them with DEBUG on, a
    test counts them, an execute wrapper times them), it runs on the driver's own cursor, after the checks
    Django's cursor makes. On SQLite it took 111 µs through `connection` and Django's cursor, 33-35 µs this way
    (`bench/hits.py`)."""
    if not scopes:
        return []
    db = connections[DEFAULT_DB_ALIAS]  # `connection` looks the connection up again for each attribute, in 5 µs
    if db.queries_logged or db.execute_wrappers:
        with db.cursor() as cursor:
            cursor.execute(versions_sql(len(scopes), "%s"), scopes)
            rows = cursor.fetchall()
    else:
        rows = driver_rows(db, versions_sql(len(scopes), DRIVER_PLACEHOLDERS[db.Database.paramstyle]), scopes)
    found = dict(rows)
    return [found.get(scope, 0) for scope in scopes]


DRIVER_PLACEHOLDERS = {"qmark": "?", "format": "%s", "pyformat": "%s"}  # sqlite3's; psycopg's


@lru_cache(maxsize=64)
def versions_sql(count, placeholder):
    quote = connection.ops.quote_name
    table, scope, version = quote(PublicVersion._meta.db_table), quote("scope"), quote("version")
    placeholders = ", ".join([placeholder] * count)
    return f"SELECT {scope}, {version} FROM {table} WHERE {scope} IN ({placeholders})"


def driver_rows(db, sql, params):
    """The rows of a query run on the driver's cursor, checked first as Django's cursor checks a query: the
    connection alive (`CONN_HEALTH_CHECKS`) and owned by this thread, the transaction not broken."""
    db.close_if_health_check_failed()
    db.ensure_connection()
    db.validate_thread_sharing()
    db.validate_no_broken_transaction()
    with db.wrap_database_errors, closing(db.connection.cursor()) as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def of_site_version(name, compute):
    """`compute()`, worked out once for each version of the "site" scope: figures over every published
    commitment stay exact, since every write that changes what the public sees moves that version."""
    [version] = versions([SITE])
    return cache.get_or_set(f"{name}:{SITE}:{version}", compute, PAGE_TIMEOUT)


def of_site_query(name, queryset, read=list, rows_key=None):
    """What `read` makes of a query over the site's content (its rows, by default), kept like
    `of_site_version`, one entry for each query. Its key is worked out from the query's SQL, unless the caller
    gives `rows_key`, the `site_rows_key` of the rows it reads from, and says in `name` what it reads of them:
    working out a key costs a fraction of a millisecond, and a table keeps several figures of the same rows."""
    if rows_key is None:
        rows_key = site_rows_key(queryset)
    if rows_key == NOTHING:
        return read(queryset.none())
    return of_site_version(f"{name}:{rows_key}", lambda: read(queryset))


NOTHING = "nothing"  # the rows of a filter that nothing can match


def site_rows_key(queryset):
    """A digest of the query's SQL and its parameters; NOTHING for a filter that no row can match."""
    try:
        sql, params = queryset.query.sql_with_params()
    except EmptyResultSet:
        return NOTHING
    return hashlib.sha256(repr((sql, params)).encode()).hexdigest()


def count_of_site(queryset, rows_key=None):
    """How many rows a query over the site's content selects, counted once for each version of "site". The
    order is no part of a count (`QuerySet.count` drops it too): the key is worked out without it, in half the
    time, and every order of the same rows shares it."""
    return of_site_query("count", queryset.order_by(), read=QuerySet.count, rows_key=rows_key)


def rendered_once(name, inputs, render):
    """`render()`, kept under a digest of `inputs`, everything the fragment it renders depends on: with all of
    them in the key it is never out of date, so no write needs to clear it."""
    digest = hashlib.sha256(repr(inputs).encode()).hexdigest()
    return cache.get_or_set(f"{name}:{digest}", render, PAGE_TIMEOUT)


def bump(*scopes):
    """Move each scope's counter on by one, locking the counters in sorted order so that concurrent writers
    queue on them instead of deadlocking."""
    scopes = sorted(set(scopes))
    if not scopes:
        return
    if getattr(_request, "versions", None) is not None:
        _request.versions = {}
    # A counter is created at 1 or moved on by one: one statement on PostgreSQL, one a scope on SQLite (no
    # network between).
    table = connection.ops.quote_name(PublicVersion._meta.db_table)
    upsert = (
        "INSERT INTO {table} (scope, version) {rows} ON CONFLICT (scope) DO UPDATE SET version = {table}.version + 1"
    )
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            rows = "SELECT scope, 1 FROM unnest(%s::varchar[]) AS scope ORDER BY scope"
            cursor.execute(upsert.format(table=table, rows=rows), [scopes])
        else:
            cursor.executemany(upsert.format(table=table, rows="VALUES (%s, 1)"), [[scope] for scope in scopes])


_pending = threading.local()


@contextmanager
def collecting(enabled=True):
    """Gather the scopes a write touches (`touch`) and bump each once when the outermost write ends,
    inside its transaction, so the new versions become visible exactly when the data does."""
    outermost = getattr(_pending, "scopes", None) is None
    if outermost:
        _pending.scopes = set()
    try:
        yield
        if outermost and enabled:
            bump(*_pending.scopes)
    finally:
        if outermost:
            _pending.scopes = None


def touch(*scopes):
    """Mark scopes as changed by the write under way (see `collecting`)."""
    pending = getattr(_pending, "scopes", None)
    if pending is None:
        raise RuntimeError("Writes to public content go through commitments.services, which collects their scopes.")
    pending.update(scope for scope in scopes if scope)


def page_key(request, language, scopes):
    scope_versions = (f"{scope}={version}" for scope, version in zip(scopes, versions(scopes), strict=True))
    # API, IATI and AidData bodies hold absolute URLs, so a page asked for under another host or scheme differs.
    parts = [language, request.scheme, request.get_host(), request.get_full_path(), *scope_versions]
    digest = hashlib.sha256("\n".join(parts).encode()).hexdigest()
    return f"public-page:{digest}"


def cached_public_page(scopes_for):
    """Mark a view as a public page, cached by `PublicPageCacheMiddleware` under the versions of
    `scopes_for(**view_kwargs)`; its responses carry an ETag, and a browser's copy that is still the
    page gets a 304."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            response = rendered(view(request, *args, **kwargs))
            if request.method not in ("GET", "HEAD"):
                return response
            return revalidated(request, response)

        wrapper.public_scopes = scopes_for
        return wrapper

    return decorator


class PublicPageCacheMiddleware:
    """Answers a cached public page before sessions, authentication and CSRF run, at the cost of one indexed
    query (the versions of the page's scopes); stores a public page on its way out, with every header the
    rest of the stack gave it.

    It sits just after the security and static-file middleware. A visit that the browser-language redirect
    would send elsewhere (commitments/middleware.py) is left to it, and a response that sets a cookie is
    never stored.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = self.key(request)
        if key is not None:
            stored = cache.get(key)
            if stored is not None:  # stored with its validators (`cached_public_page`)
                return get_conditional_response(request, etag=stored.get("ETag"), response=stored)
        response = self.get_response(request)
        if key is not None and response.status_code == 200 and not response.cookies and not response.streaming:
            cache.set(key, stored_copy(response), PAGE_TIMEOUT)
        return response

    def key(self, request):
        """The cache key of a public page, or None for anything else."""
        if not settings.PUBLIC_PAGE_CACHE or request.method not in ("GET", "HEAD"):
            return None
        page = public_page(get_resolver(get_urlconf()), request.path_info)
        if page is None or first_visit_redirect(request):
            return None
        language, scopes_for, kwargs = page
        return page_key(request, language, scopes_for(**kwargs))


@lru_cache(maxsize=4096)
def public_page(resolver, path):
    """(its language, `scopes_for`, the view's arguments) of the public page at `path`, or None for any other
    path. Worked out once for each path: the translated URL patterns took a third of a cached page's time.
    Keyed by the resolver too, which Django makes anew when the URLconf changes."""
    # Unprefixed pages are in the default language (i18n_patterns, prefix_default_language=False).
    language = get_language_from_path(path) or settings.LANGUAGE_CODE
    with override(language):
        try:
            match = resolver.resolve(path)
        except Resolver404:
            return None
    scopes_for = getattr(match.func, "public_scopes", None)
    return None if scopes_for is None else (language, scopes_for, match.kwargs)


def rendered(response):
    if hasattr(response, "render") and callable(response.render):
        response = response.render()
    return response


def with_validators(response):
    """A browser may keep a public page but asks again each time (`no-cache`), with the page's ETag: an answer
    costs a 304 while nothing changed, and the new page at once after an edit."""
    if response.status_code == 200 and not response.streaming:
        if not response.has_header("ETag"):
            set_response_etag(response)
        patch_cache_control(response, public=True, no_cache=True)
    return response


def revalidated(request, response):
    """A 304 when the browser's copy (If-None-Match) is the page as it stands."""
    response = with_validators(response)
    if response.status_code != 200 or not response.has_header("ETag"):
        return response
    return get_conditional_response(request, etag=response["ETag"], response=response)


def stored_copy(response):
    """A plain response holding just the bytes and headers: small to store and quick to send
    (a feed writes itself in many small chunks, and an API response carries its data and serializer)."""
    copy = HttpResponse(response.content, status=response.status_code)
    for header, value in response.items():
        copy[header] = value
    return copy


def site_scopes(**kwargs):
    return [SITE]


def commitment_scopes(slug, **kwargs):
    return [COMMITMENTS, commitment_scope(slug)]
