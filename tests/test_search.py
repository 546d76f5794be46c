"""The table's search: words in a commitment's title, summary (any language) or statements, found through the
database's substring index (FTS5 trigram on SQLite, pg_trgm on PostgreSQL) and kept in step with every write."""

import pytest
from django.db import connection
from django.urls import reverse

from commitments import search, services
from commitments.models import Commitment

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


def test_the_index_is_made_again_when_a_migration_dropped_it(client, commitments):
    """SQLite loses the triggers when a migration rebuilds the table; `migrate` then makes them again."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for trigger in search.TRIGGERS:
                cursor.execute(f"DROP TRIGGER {trigger}")
            cursor.execute("DROP TABLE commitments_search")
        else:
            # The test's transaction holds deferred foreign-key checks, which CREATE INDEX will not wait for.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("DROP INDEX commitments_search_trgm")
    search.ensure_index()
    assert found(client, "railway") == {"rail"}
    CommitmentFactory(slug="later", title="Later railway spur")
    assert found(client, "railway") == {"rail", "later"}
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT count(*) FROM sqlite_master WHERE name LIKE 'commitments_search%%'")
            assert cursor.fetchone()[0] >= 4  # the table and its three triggers
        else:
            cursor.execute("SELECT count(*) FROM pg_indexes WHERE indexname = 'commitments_search_trgm'")
            assert cursor.fetchone()[0] == 1
