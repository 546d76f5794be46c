"""The table's search: every word given must occur in a commitment's title or summary (in any language) or
in the words of one of its statements, as a substring, in any script.

Each commitment keeps those words in one lower-case column, `search_text` (Commitment.words_to_search), kept
up to date with the rest of what it derives from its statements. That column is indexed for substrings:
- on SQLite by an FTS5 table with the trigram tokenizer (`commitments_search`, kept in step by triggers);
- on PostgreSQL by a trigram GIN index (pg_trgm), which serves `LIKE '%word%'` directly.
Both index sequences of three characters, whatever the language, so Urdu and Chinese are found as English
is. A word of one or two characters has no trigram: it is matched by scanning the column, which is slower
but gives the same rows.
"""

from django.db import connection
from django.db.models import Q
from django.db.models.expressions import RawSQL

MAX_WORDS = 10
TRIGRAM = 3


def search(queryset, text):
    for word in text.lower().split()[:MAX_WORDS]:
        queryset = queryset.filter(matching(word))
    return queryset


def matching(word):
    """A condition on a commitment that holds when `word` occurs in its words to search."""
    if connection.vendor == "sqlite" and len(word) >= TRIGRAM:
        phrase = '"' + word.replace('"', '""') + '"'  # an FTS5 string: the word as a sequence of characters
        return Q(pk__in=RawSQL("SELECT rowid FROM commitments_search WHERE commitments_search MATCH %s", [phrase]))
    return Q(search_text__contains=word)


SQLITE_INDEX = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS commitments_search USING fts5("
    "search_text, content='commitments_commitment', content_rowid='id', tokenize='trigram')",
    "CREATE TRIGGER IF NOT EXISTS commitments_search_insert AFTER INSERT ON commitments_commitment BEGIN "
    "INSERT INTO commitments_search(rowid, search_text) VALUES (new.id, new.search_text); END",
    "CREATE TRIGGER IF NOT EXISTS commitments_search_delete AFTER DELETE ON commitments_commitment BEGIN "
    "INSERT INTO commitments_search(commitments_search, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); END",
    "CREATE TRIGGER IF NOT EXISTS commitments_search_update AFTER UPDATE OF search_text ON commitments_commitment "
    "BEGIN INSERT INTO commitments_search(commitments_search, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); "
    "INSERT INTO commitments_search(rowid, search_text) VALUES (new.id, new.search_text); END",
]
POSTGRESQL_INDEX = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS commitments_search_trgm ON commitments_commitment USING gin (search_text gin_trgm_ops)",
]
TRIGGERS = ("commitments_search_insert", "commitments_search_delete", "commitments_search_update")


def has_search_column(conn):
    with conn.cursor() as cursor:
        if "commitments_commitment" not in conn.introspection.table_names(cursor):
            return False
        columns = conn.introspection.get_table_description(cursor, "commitments_commitment")
    return any(column.name == "search_text" for column in columns)


def drop_index(using_connection=None):
    """Undo `ensure_index`, for migrating back to before the column."""
    conn = using_connection or connection
    with conn.cursor() as cursor:
        if conn.vendor == "postgresql":
            cursor.execute("DROP INDEX IF EXISTS commitments_search_trgm")
        elif conn.vendor == "sqlite":
            for trigger in TRIGGERS:
                cursor.execute(f"DROP TRIGGER IF EXISTS {trigger}")
            cursor.execute("DROP TABLE IF EXISTS commitments_search")


def ensure_index(using_connection=None):
    """Create the search index where it is missing, and fill it from the column when it was.

    Run by the migration that adds the column and after every `migrate`: on SQLite, a migration that
    rebuilds the commitments table (as SQLite's ALTER TABLE requires) drops the triggers with the old table.
    """
    conn = using_connection or connection
    if not has_search_column(conn):
        return  # migrated back to before the column
    with conn.cursor() as cursor:
        if conn.vendor == "postgresql":
            for statement in POSTGRESQL_INDEX:
                cursor.execute(statement)
        elif conn.vendor == "sqlite":
            cursor.execute(
                "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name IN (%s, %s, %s)", TRIGGERS
            )
            if cursor.fetchone()[0] == len(TRIGGERS):
                return
            for statement in SQLITE_INDEX:
                cursor.execute(statement)
            cursor.execute("INSERT INTO commitments_search(commitments_search) VALUES ('rebuild')")
