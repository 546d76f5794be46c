"""The table's search: words in a commitment's title, summary (any language) or statements, found through the
database's substring index (FTS5 trigram on SQLite, pg_trgm on PostgreSQL) and kept in step with every write."""

import datetime

import pytest
from django.apps import apps
from django.core.management.color import no_style
from django.db import connection
from django.urls import reverse

from commitments import search, services
from commitments.models import Commitment
from commitments.vocabulary import SourceKind, Status

from .factories import CommitmentFactory, SourceDocumentFactory

pytestmark = pytest.mark.django_db

TABLE = reverse("commitments:commitment_list")


def found(client, words):
    response = client.get(TABLE, {"q": words, "per_page": 100})
    assert response.status_code == 200
    return {row.record.slug for row in response.context["table"].page.object_list}


@pytest.fixture
def commitments():
    source = SourceDocumentFactory(
        text="We will upgrade the Main Line-1 railway. 我们将建设中巴友谊医院。 گوادر بندرگاہ کو مکمل کیا جائے گا۔"
    )
    rail = CommitmentFactory(
        slug="rail", title="Railway upgrade", summary="ML-1 from Karachi to Peshawar.", source=source,
        quote="We will upgrade the Main Line-1 railway.",
    )  # fmt: skip
    hospital = CommitmentFactory(
        slug="hospital", title="Friendship Hospital", title_zh_hans="中巴友谊医院", source=source,
        quote="我们将建设中巴友谊医院。",
    )  # fmt: skip
    port = CommitmentFactory(
        slug="port", title="Gwadar Port", title_ur="گوادر بندرگاہ", source=source,
        quote="گوادر بندرگاہ کو مکمل کیا جائے گا۔",
    )  # fmt: skip
    return rail, hospital, port


@pytest.mark.parametrize(
    "words, expected",
    [
        ("railway", {"rail"}),
        ("RAILWAY Karachi", {"rail"}),  # every word, any case, title and summary
        ("main line", {"rail"}),  # the words of its statement
        ("ilwa", {"rail"}),  # inside a word
        ("友谊医院", {"hospital"}),  # a title's Chinese translation
        ("友谊", {"hospital"}),  # two characters: no trigram, the column is scanned
        ("گوادر", {"port"}),  # Urdu
        ("بندرگاہ مکمل", {"port"}),  # the Urdu words of the statement
        ("railway hospital", set()),
        ('"quoted', set()),  # characters that mean something to FTS5 are only characters
        ("ml_1", set()),  # and those that mean something to LIKE ("ml-1" is there)
        ("rail%way", set()),
    ],
)
def test_words_are_found_in_any_language(client, commitments, words, expected):
    assert found(client, words) == expected


def test_the_index_follows_edits_and_deletions(client, commitments):
    rail, hospital, _port = commitments
    rail.title = "Main Line-1 reconstruction"
    services.save_commitment(rail, user=None, expected_version=Commitment.objects.get(pk=rail.pk).version)
    assert found(client, "reconstruction") == {"rail"}
    assert found(client, "Railway upgrade") == {"rail"}  # still in its statement ("railway"), and "upgrade"
    services.delete_commitment(hospital, user=None)
    assert found(client, "友谊医院") == set()


def test_the_index_is_made_again_when_a_migration_dropped_it_or_left_it_in_the_commitments_table(client, commitments):
    """SQLite loses the triggers when a migration rebuilds the table; a PostgreSQL database from before the words
    had a table of their own holds its index in the commitments' table. `migrate` makes the index as it is now."""
    with connection.cursor() as cursor:
        search.drop_index()
        if connection.vendor == "postgresql":
            # The test's transaction holds deferred foreign-key checks, which CREATE INDEX will not wait for.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(
                f"CREATE INDEX {search.OLD_INDEX} ON commitments_commitment USING gin (search_text gin_trgm_ops)"
            )
    search.ensure_index()
    assert found(client, "railway") == {"rail"}
    CommitmentFactory(slug="later", title="Later railway spur")
    assert found(client, "railway") == {"rail", "later"}
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT count(*) FROM sqlite_master WHERE name LIKE 'commitments_search%%'")
            assert cursor.fetchone()[0] >= 4  # the table and its three triggers
        else:
            cursor.execute("SELECT tablename, indexname FROM pg_indexes WHERE indexdef LIKE '%%gin_trgm_ops%%'")
            assert cursor.fetchall() == [("commitments_search", "commitments_search_words_trgm")]
            cursor.execute("SELECT count(*) FROM commitments_search")
            assert cursor.fetchone()[0] == Commitment.objects.count()


def where_words_are_stored(commitment):
    """On PostgreSQL, where the row of a commitment's words is: a new place each time it is written."""
    if connection.vendor != "postgresql":
        return None  # SQLite's index is a virtual table, its rows the commitments' own
    with connection.cursor() as cursor:
        cursor.execute("SELECT ctid::text FROM commitments_search WHERE id = %s", [commitment.pk])
        return cursor.fetchone()[0]


def test_the_words_are_indexed_again_only_when_they_change(client, commitments):
    """A write of a commitment's status, progress or published flag leaves its words, and on PostgreSQL their row
    in the trigram index, alone; a change of its summary is found at once, once it is published."""
    rail = commitments[0]
    stored = where_words_are_stored(rail)
    services.record_progress(
        commitment=rail, author=None, date=datetime.date(2025, 6, 1), text="Works began.",
        source_kind=SourceKind.OFFICIAL_STATEMENT, source_url="https://example.org/ml1", status=Status.IN_PROGRESS,
        progress=10, expected_version=Commitment.objects.get(pk=rail.pk).version,
    )  # fmt: skip
    services.set_published([rail], False, user=None)
    assert where_words_are_stored(rail) == stored
    rail.refresh_from_db()
    rail.summary = "ML-1 from Karachi to Peshawar, by 2030."
    services.save_commitment(rail, user=None, expected_version=rail.version)
    assert found(client, "2030") == set()  # a draft
    services.set_published([rail], True, user=None)
    assert found(client, "2030") == {"rail"}
    if stored is not None:
        assert where_words_are_stored(rail) != stored


def test_emptying_the_commitments_empties_the_index(commitments):
    """`flush` (and the benchmark's reset) empty the tables with TRUNCATE on PostgreSQL, which fires no row's
    trigger."""
    tables = [model._meta.db_table for model in apps.get_app_config("commitments").get_models()]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for sql in connection.ops.sql_flush(no_style(), tables):
            cursor.execute(sql)
        cursor.execute("SELECT count(*) FROM commitments_search")
        assert cursor.fetchone()[0] == 0
