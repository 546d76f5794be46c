"""Caching of public pages, and invalidating exactly the pages a write touches.

Public content is split into scopes:
- "site": everything that lists or counts commitments (dashboard, table, pillars, sources, feeds, API list);
- "commitments": what every commitment page shows of shared rows (pillars, themes, sources);
- "commitment:<slug>": one commitment's page, its feed and its API record.

A cached page's key holds the versions of the scopes it shows. Every write goes through the services
layer, which marks the scopes it touches (`touch`) and bumps each once at the end of its transaction,
so the next request renders afresh; pages of other commitments stay cached. Staff and admin pages are
never cached.
"""

import hashlib
import threading
from contextlib import contextmanager
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import F
from django.http import HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control, set_response_etag
from django.utils.translation import get_language

from .models import PublicVersion

SITE = "site"
COMMITMENTS = "commitments"
PAGE_TIMEOUT = 24 * 60 * 60


def commitment_scope(slug):
    return f"commitment:{slug}"


def versions(scopes):
    found = dict(PublicVersion.objects.filter(scope__in=scopes).values_list("scope", "version"))
    return [found.get(scope, 0) for scope in scopes]


def bump(*scopes):
    """Move each scope's counter on by one, locking the counters in sorted order so that concurrent writers
    queue on them instead of deadlocking."""
    scopes = sorted(set(scopes))
    if not scopes:
        return
    with transaction.atomic():
        PublicVersion.objects.bulk_create([PublicVersion(scope=s, version=0) for s in scopes], ignore_conflicts=True)
        list(PublicVersion.objects.select_for_update().filter(scope__in=scopes).order_by("scope").values_list("pk"))
        PublicVersion.objects.filter(scope__in=scopes).update(version=F("version") + 1)


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


def page_key(request, scopes):
    scope_versions = (f"{scope}={version}" for scope, version in zip(scopes, versions(scopes), strict=True))
    # API, IATI and AidData bodies hold absolute URLs, so a page asked for under another host or scheme differs.
    parts = [get_language() or "", request.scheme, request.get_host(), request.get_full_path(), *scope_versions]
    digest = hashlib.sha256("\n".join(parts).encode()).hexdigest()
    return f"public-page:{digest}"


def cached_public_page(scopes_for):
    """Cache a public view's successful responses under the versions of `scopes_for(**view_kwargs)`."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method not in ("GET", "HEAD"):
                return view(request, *args, **kwargs)
            if not settings.PUBLIC_PAGE_CACHE:
                return revalidated(request, rendered(view(request, *args, **kwargs)))
            key = page_key(request, scopes_for(**kwargs))
            stored = cache.get(key)
            if stored is not None:
                return revalidated(request, stored)
            response = with_validators(rendered(view(request, *args, **kwargs)))
            if response.status_code == 200 and not response.cookies and not response.streaming:
                cache.set(key, stored_copy(response), PAGE_TIMEOUT)
            return revalidated(request, response)

        return wrapper

    return decorator


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
