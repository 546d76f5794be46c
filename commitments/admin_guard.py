"""The admin answers malformed query strings with an error message, never a server error.

Django's changelist turns most bad lookups into its "?e=1" redirect, but not a year past
datetime's range in a date hierarchy (OverflowError) or a value the database refuses (on
PostgreSQL, a string holding a NUL character). `ChangelistGuardMixin` sends those the same way;
`AdminNulMiddleware` refuses NUL characters anywhere in an admin query string (autocomplete and
filters included) with a 400 before any query runs.
"""

from contextlib import nullcontext

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import SuspiciousOperation
from django.db import DataError, connections, router, transaction
from django.urls import get_resolver


class ChangelistGuardMixin:
    def get_changelist_instance(self, request):
        using = router.db_for_read(self.model)
        # In a transaction (tests, ATOMIC_REQUESTS) a failed query must not poison it: a savepoint.
        # Outside one, no transaction is opened, as on SQLite that would take the write lock.
        savepoint = transaction.atomic(using=using) if connections[using].in_atomic_block else nullcontext()
        try:
            with savepoint:
                return super().get_changelist_instance(request)
        except (OverflowError, ValueError, DataError) as error:
            raise IncorrectLookupParameters(error) from error


class AdminNulMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.resolver_match.namespace == "admin" and has_nul(request.GET):
            return get_resolver().resolve_error_handler(400)(request, SuspiciousOperation("NUL in the query string"))
        return None


def has_nul(query):
    return any("\x00" in key or "\x00" in value for key, values in query.lists() for value in values)


def guard_registered_admins(site=admin.site):
    """Give the other apps' admins (axes, and any added later) the same guard, once they are registered."""
    for model, model_admin in list(site._registry.items()):
        if not isinstance(model_admin, ChangelistGuardMixin):
            guarded = type(type(model_admin).__name__, (ChangelistGuardMixin, type(model_admin)), {})
            site.unregister(model)
            site.register(model, guarded)
