"""Table pages are read ids first, and pages nearer the end are read from the end: every page must hold
exactly the rows that plain slicing of the sorted list gives, ties included."""

import re

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from commitments import services
from commitments.models import Commitment, Pillar
from commitments.seek import ANCHOR_EVERY

from .factories import CommitmentFactory, PillarFactory, SourceDocumentFactory

pytestmark = pytest.mark.django_db

TABLE = reverse("commitments:commitment_list")


@pytest.fixture
def rows():
    pillars, source = [PillarFactory(order=1), PillarFactory(order=2)], SourceDocumentFactory()
    # Titles repeat, so the order rests on the tie-breaker.
    for n in range(23):
        CommitmentFactory(pillar=pillars[n % 2], source=source, title=f"Road {n % 4}", target_date=None)
    return Commitment.objects.published()


def page_slugs(client, **params):
    response = client.get(TABLE, {"per_page": 5, **params})
    assert response.status_code == 200
    return [row.record.slug for row in response.context["table"].page.object_list]


SORTS = ["", "title", "-title", "status", "-target_date", "pillar", "-pillar"]


@pytest.mark.parametrize("sort", SORTS)
@pytest.mark.parametrize("anchor_every", [ANCHOR_EVERY, 3, 7])
def test_every_page_holds_the_rows_of_the_sorted_list(client, rows, sort, anchor_every, monkeypatch):
    """With the anchors of deep pages (`seek.from_anchor`) a few rows apart, most pages are read from one."""
    monkeypatch.setattr("commitments.seek.ANCHOR_EVERY", anchor_every)
    pages = [page_slugs(client, page=number, **({"sort": sort} if sort else {})) for number in range(1, 6)]
    everything = [slug for page in pages for slug in page]
    assert len(everything) == 23 and len(set(everything)) == 23  # no row twice, none missing
    assert [len(page) for page in pages] == [5, 5, 5, 5, 3]
    first_table = client.get(TABLE, {"per_page": 100, **({"sort": sort} if sort else {})}).context["table"]
    assert everything == [row.record.slug for row in first_table.page.object_list]


def test_the_last_page_costs_the_queries_of_the_first(client, rows):
    def queries(page):
        cache.clear()  # each page counts its rows afresh (`cache.count_of_site`)
        with CaptureQueriesContext(connection) as context:
            client.get(TABLE, {"per_page": 5, "page": page})
        return [query["sql"] for query in context.captured_queries]

    first, last = queries(1), queries(5)
    assert len(first) == len(last)
    assert "OFFSET" not in last[[i for i, sql in enumerate(last) if '"id" AS "pk"' in sql][0]]


def ids_queries(client, **params):
    with CaptureQueriesContext(connection) as context:
        client.get(TABLE, {"per_page": 5, **params})
    return [query["sql"] for query in context.captured_queries if '"id" AS "pk"' in query["sql"]]


def plan(sql):
    """The database's plan of a query, a line per step. PostgreSQL reads a table this small whole and sorts it:
    it is asked to avoid scans and sorts wherever it can, as it would on a large one."""
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for setting in ("enable_seqscan", "enable_bitmapscan", "enable_sort", "enable_incremental_sort"):
                cursor.execute(f"SET LOCAL {setting} = off")
            cursor.execute(f"EXPLAIN {sql}")
            return [row[0] for row in cursor.fetchall()]
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
        return [row[-1] for row in cursor.fetchall()]


@pytest.mark.parametrize("page", [1, 5])
def test_the_default_order_is_read_from_an_index_not_sorted(client, rows, page):
    [ids] = ids_queries(client, page=page)
    steps = plan(ids)
    assert not [step for step in steps if "TEMP B-TREE" in step or step.lstrip("-> ").startswith("Sort")], steps
    assert [step for step in steps if "commitment_order_title_en" in step], steps


@pytest.mark.parametrize("page", [2, 3, 4])
def test_a_deep_page_is_counted_off_the_index_alone(client, rows, page):
    """The public table lists published commitments only: the index of its order holds `published`, so the rows
    a deep page skips are counted in the index without reading each one (PostgreSQL would otherwise sort every
    published row for a page in the middle)."""
    CommitmentFactory(pillar=Pillar.objects.get(order=1), published=False)
    [ids] = ids_queries(client, page=page)
    steps = plan(ids)
    # PostgreSQL: "Index Only Scan [Backward] using <index>"; SQLite: "SCAN … USING COVERING INDEX <index>".
    reading = "Index Only Scan" if connection.vendor == "postgresql" else "USING COVERING INDEX"
    assert [step for step in steps if reading in step and "commitment_order_title_en" in step], steps


@pytest.mark.parametrize("page", [2, 3])
def test_a_deep_page_is_read_from_the_anchor_before_it(client, rows, page, monkeypatch):
    """Rows 5-9 of 23 are read from row 5, the anchor; rows 10-14, nearer the end, from row 5 of the order read
    backwards (rows 8-12 backwards), skipping 3. Each by a range of the order's index, instead of counting off every
    row before them."""
    monkeypatch.setattr("commitments.seek.ANCHOR_EVERY", 5)
    [ids] = ids_queries(client, page=page)
    assert ") >= (" in ids or ") <= (" in ids
    assert int((re.search(r"OFFSET (\d+)", ids) or ["", "0"])[1]) == {2: 0, 3: 3}[page]
    steps = plan(ids)
    # PostgreSQL: "Index Cond: ((ROW(pillar_order, title_en, id) >= ROW(…)) …"; SQLite: "SEARCH … USING … INDEX".
    sought = ("Index Cond: ((ROW(pillar_order",) if connection.vendor == "postgresql" else ("SEARCH", "INDEX")
    assert [step for step in steps if all(words in step for words in sought)], steps
    assert [step for step in steps if "commitment_order_title_en" in step], steps


def test_the_anchors_move_with_a_write(client, rows, monkeypatch):
    monkeypatch.setattr("commitments.seek.ANCHOR_EVERY", 3)

    def everything():
        return [slug for number in range(1, 6) for slug in page_slugs(client, page=number)]

    before = everything()
    first = CommitmentFactory(pillar=Pillar.objects.get(order=1), title="Aqueduct", published=False)
    services.set_published(Commitment.objects.filter(pk=first.pk), True, user=None)
    after = everything()
    assert after == [first.slug, *before]


def test_an_order_over_missing_translations_is_counted_off_not_sought(client, rows, monkeypatch):
    """In Urdu the table is ordered by the Urdu titles, which these rows have not got but one: a row value
    comparison with NULL in it is unknown, so no anchor is used, and every page is still right."""
    monkeypatch.setattr("commitments.seek.ANCHOR_EVERY", 3)
    translated = rows.filter(pillar__order=2).order_by("pk")[4]
    translated.title_ur = "سڑک"
    services.save_commitment(translated, user=None, expected_version=translated.version)
    # English first: its titles are all there, and what was found of them is no answer for the Urdu ones.
    assert read_all_pages(client, TABLE)[1]
    listed, sought = read_all_pages(client, URDU_TABLE)
    assert not sought
    assert listed == listed_whole(client, URDU_TABLE) and len(set(listed)) == 23


def test_each_language_pages_through_the_anchors_of_its_own_order(client, rows, monkeypatch):
    """The rows are the same in every language, their order is not: an anchor found in the English order is
    never used for the Urdu one."""
    monkeypatch.setattr("commitments.seek.ANCHOR_EVERY", 3)
    for number, commitment in enumerate(rows.order_by("-pk")):
        commitment.title_ur = f"سڑک {number:02}"
        services.save_commitment(commitment, user=None, expected_version=commitment.version)
    english, sought_in_english = read_all_pages(client, TABLE)
    urdu, sought_in_urdu = read_all_pages(client, URDU_TABLE)
    assert sought_in_english and sought_in_urdu
    assert english == listed_whole(client, TABLE) and len(set(english)) == 23
    assert urdu == listed_whole(client, URDU_TABLE) and urdu != english


URDU_TABLE = TABLE.replace("/commitments/", "/ur/commitments/")


def read_all_pages(client, table):
    """The rows of every page of `table`, and the queries of ids made that start at an anchor."""
    with CaptureQueriesContext(connection) as context:
        pages = [client.get(table, {"per_page": 5, "page": number}) for number in range(1, 6)]
    sought = [query for query in context.captured_queries if ") >= (" in query["sql"] or ") <= (" in query["sql"]]
    return [row.record.slug for page in pages for row in page.context["table"].page.object_list], sought


def listed_whole(client, table):
    return [row.record.slug for row in client.get(table, {"per_page": 100}).context["table"].page.object_list]


def test_a_pillar_that_moves_takes_its_commitments_with_it(client, rows):
    second = Pillar.objects.get(order=2)
    assert page_slugs(client, page=1)[0] not in set(rows.filter(pillar=second).values_list("slug", flat=True))
    second.order = 0
    services.save_shared(second, user=None)
    assert set(rows.filter(pillar=second).values_list("pillar_order", flat=True)) == {0}
    assert set(page_slugs(client, page=1)) <= set(rows.filter(pillar=second).values_list("slug", flat=True))


def test_the_source_list_pages(client, settings):
    for n in range(53):
        SourceDocumentFactory(title=f"Statement {n}")
    first = client.get(reverse("commitments:source_list"))
    assert len(first.context["object_list"]) == 50 and first.context["is_paginated"]
    second = client.get(reverse("commitments:source_list"), {"page": 2})
    assert len(second.context["object_list"]) == 3
    assert b'rel="prev"' in second.content


def test_the_verification_queue_is_read_from_its_index_not_sorted(client, rows, editor):
    client.force_login(editor)
    with CaptureQueriesContext(connection) as context:
        response = client.get(reverse("commitments:staff_stale"), {"per_page": 5})
    assert len(response.context["table"].page.object_list) == 5
    [ids] = [query["sql"] for query in context.captured_queries if '"id" AS "pk"' in query["sql"]]
    steps = plan(ids)
    assert not [step for step in steps if "TEMP B-TREE" in step or step.lstrip("-> ").startswith("Sort")], steps
    assert [step for step in steps if "commitment_queue_title_en" in step], steps


def index_definition(name):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = %s", [name])
        else:
            cursor.execute("SELECT sql FROM sqlite_master WHERE type = 'index' AND name = %s", [name])
        [definition] = cursor.fetchone()
    return definition.replace('"', "")


@pytest.mark.django_db
@pytest.mark.parametrize("column", ["title_en", "title_ur", "title_zh_hans"])
def test_the_verification_queue_index_leaves_out_drafts(column):
    """Drafts are never checked, so they would head an index in the queue's order: the queue, which lists
    published commitments alone, would walk past all of them before its first row."""
    assert index_definition(f"commitment_queue_{column}").endswith("WHERE published"), column


@pytest.mark.parametrize("name", ["pillar", "theme", "owner"])
def test_a_filter_reads_its_list_of_choices_once(rows, name):
    """Pillars, themes and staff are read in one plain query for the form, however often it lists them
    (Django would open a server-side cursor each time on PostgreSQL). Pillars and themes, the site's content,
    are kept for each version of it: the next form asks only for that version."""
    from commitments.filters import StaffCommitmentFilter

    def choices():
        field = StaffCommitmentFilter({}, queryset=Commitment.objects.all()).form.fields[name]
        with CaptureQueriesContext(connection) as context:
            first, again = list(field.choices), list(field.choices)
        assert first == again and len(first) > 0
        assert not [query for query in context.captured_queries if "CURSOR" in query["sql"]]
        return first, [query["sql"] for query in context.captured_queries if "publicversion" not in query["sql"]]

    first, read = choices()
    assert len(read) == 1
    later, read_later = choices()
    assert later == first
    assert len(read_later) == (1 if name == "owner" else 0)


@pytest.mark.parametrize("sort", SORTS)
def test_a_search_pages_through_its_matches_in_the_tables_order(client, rows, sort):
    """A search's matches are sorted rather than walked along the order's index on PostgreSQL when they are few
    (`PageByIds.in_order`); either way each page holds the rows of the sorted list of matches."""
    params = {"q": "road", **({"sort": sort} if sort else {})}
    pages = [page_slugs(client, page=number, **params) for number in range(1, 6)]
    everything = [slug for page in pages for slug in page]
    listed = client.get(TABLE, {"per_page": 100, "sort": sort} if sort else {"per_page": 100}).context["table"]
    assert everything == [row.record.slug for row in listed.page.object_list]


def test_a_search_with_few_matches_is_sorted_on_postgresql_and_one_with_many_walked(client, rows, monkeypatch):
    """PostgreSQL's planner walks the order's index for a search's matches, which may lie together near its end;
    when they are few they are read from the search index first and sorted instead. SQLite reads the matches
    from its search table either way."""
    sorts_few = connection.vendor == "postgresql"
    [searched] = ids_queries(client, q="road")
    assert ('ORDER BY COALESCE("commitments_commitment"."pillar_order"' in searched) is sorts_few
    assert ("= ANY(ARRAY(SELECT id FROM commitments_search" in searched) is sorts_few
    monkeypatch.setattr("commitments.tables.SORTED_MATCHES", 22)  # fewer than the 23 matches
    cache.clear()
    [walked] = ids_queries(client, q="road")
    assert 'ORDER BY "commitments_commitment"."pillar_order" ASC' in walked
    assert " IN (SELECT " in walked and "ARRAY(" not in walked
    [unsearched] = ids_queries(client)
    assert "COALESCE" not in unsearched
