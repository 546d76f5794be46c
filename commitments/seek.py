"""A deep page of a table read from a known position instead of counted off from the first row.

OFFSET walks every row before a page: the middle page of 95,000 published commitments walked 47,475 entries of
the order's index, and took a third longer than the first page. The key of every ANCHOR_EVERY-th row in the order
is kept, once found, for each version of the site's content (`cache.of_site_query`, like the counts, and under the
same key of the rows), so a page starts at the anchor before it, `(key columns) >= (the anchor's key)` (an index
range on both databases), and walks fewer than ANCHOR_EVERY rows from there. Every write that changes what the
tables select moves that version, so an anchor is never used against rows it was not found in.

An order can be sought when it is a list of the model's own columns, all ascending or all descending, ending in a
unique one (`in_total_order` ends it with the primary key). A row comparison is unknown where a column holds NULL,
so an order over a column that may hold one is sought only while none of the selected rows does (a translation of a
title not yet written, say): that too is found once for each version.
"""

from functools import reduce
from operator import or_

from django.core.exceptions import FieldDoesNotExist
from django.db import connections
from django.db.models import BooleanField, Q
from django.db.models.expressions import RawSQL

from .cache import of_site_query

ANCHOR_EVERY = 1000


def from_anchor(ordered, start, rows_key):
    """(rows, offset): `ordered` from the last anchor at or before its row number `start`, and the number of rows
    between that anchor and `start`; (ordered, start) where it has no anchor there. `rows_key` is the
    `cache.site_rows_key` of the rows `ordered` sorts: what is kept of them is kept under it, and the anchors
    under their order too, which holds the language's columns."""
    anchor_number = start // ANCHOR_EVERY
    fields = seekable_fields(ordered)
    if anchor_number == 0 or fields is None or holds_null(ordered, fields, rows_key):
        return ordered, start
    names = [field.attname for field in fields]
    order = ",".join(ordered.query.order_by) + ("" if ordered.query.standard_ordering else ":reversed")
    anchor = of_site_query(
        f"anchor:{anchor_number}:{order}",
        ordered,
        read=lambda rows: next(iter(rows.values_list(*names)[anchor_number * ANCHOR_EVERY :][:1]), None),
        rows_key=rows_key,
    )
    if anchor is None:  # fewer rows than that: the page is empty
        return ordered, start
    # `reverse()` leaves the terms as they are and reads them backwards.
    descending = ordered.query.order_by[0].startswith("-") is ordered.query.standard_ordering
    return ordered.filter(at_or_past(ordered, fields, anchor, descending)), start - anchor_number * ANCHOR_EVERY


def seekable_fields(queryset):
    """The fields of the queryset's order, where it can be sought (see the module's docstring), else None."""
    order = queryset.query.order_by
    if not order or not all(isinstance(term, str) for term in order):
        return None
    if len({term.startswith("-") for term in order}) > 1:
        return None
    meta = queryset.model._meta
    fields = []
    for term in order:
        name = term.removeprefix("-")
        try:
            field = meta.pk if name == "pk" else meta.get_field(name)
        except FieldDoesNotExist:  # a lookup across a relation
            return None
        if field.is_relation or not field.concrete:
            return None
        if field not in fields:  # a column named again changes nothing in the order
            fields.append(field)
    return fields if fields[-1].unique else None


def holds_null(queryset, fields, rows_key):
    nullable = [field.attname for field in fields if field.null]
    if not nullable:
        return False
    may_be_null = reduce(or_, (Q(**{f"{name}__isnull": True}) for name in nullable))
    # Whatever the order: the table read forwards and backwards shares one answer.
    return of_site_query(
        f"holds-null:{','.join(nullable)}",
        queryset,
        read=lambda rows: rows.order_by().filter(may_be_null).exists(),
        rows_key=rows_key,
    )


def at_or_past(queryset, fields, key, descending):
    """The rows at `key` and after it in the order: a row value comparison, which both databases read as a range
    of an index that starts with these columns (Django's own tuple lookups fall back to OR on SQLite)."""
    connection = connections[queryset.db]
    table = connection.ops.quote_name(queryset.model._meta.db_table)
    columns = ", ".join(f"{table}.{connection.ops.quote_name(field.column)}" for field in fields)
    marks = ", ".join(["%s"] * len(fields))
    values = [field.get_db_prep_value(value, connection) for field, value in zip(fields, key, strict=True)]
    comparison = "<=" if descending else ">="
    return RawSQL(f"({columns}) {comparison} ({marks})", values, output_field=BooleanField())
