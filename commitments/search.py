"""The table's search: every word given must occur in a commitment's title or summary (in any language) or
in the words of one of its statements, as a substring, in any script.

Each commitment keeps those words in one lower-case column, `search_text` (Commitment.words_to_search), kept
up to date with the rest of what it derives from its statements. That column is indexed for substrings, in a
table of its own kept in step by triggers:
- on SQLite an FTS5 table with the trigram tokenizer (`commitments_search`);
- on PostgreSQL a table of the words alone (`commitments_search`) with a trigram GIN index (pg_trgm), which
  serves `LIKE '%word%'` directly.
Both index sequences of three characters, whatever the language, so Urdu and Chinese are found as English
is. A word of one or two characters has no trigram: it is matched by scanning the column, which is slower
but gives the same rows.

On PostgreSQL the index is kept apart from the commitments' rows because an UPDATE of a row writes a new entry in
every index of its table, whatever column it changed. In the commitments' table, each write of a status, a
progress figure or the published flag also wrote the row's few hundred trigrams into the GIN index (a thousand
drafts published: 0.19-0.28 s of UPDATE, and now and then a merge of the index's pending list on top); apart,
the words are written only when they change (the same UPDATE: 0.11-0.14 s).
"""

from django.db import connection
from django.db.models import BooleanField, Expression, F

MAX_WORDS = 10
TRIGRAM = 3


def search(queryset, text):
    words = text.lower().split()[:MAX_WORDS]
    for word in words:
        if len(word) < TRIGRAM:
            queryset = queryset.filter(search_text__contains=word)
    indexed = [word for word in words if len(word) >= TRIGRAM]
    return queryset.filter(HasWords(indexed)) if indexed else queryset


class HasWords(Expression):
    """Whether a commitment's words to search hold every one of `words` (each of three characters or more), read
    from the search index in one subquery for all of them."""

    output_field = BooleanField()

    def __init__(self, words):
        super().__init__()
        self.words, self.key = list(words), F("pk")

    def get_source_expressions(self):
        return [self.key]

    def set_source_expressions(self, expressions):
        [self.key] = expressions

    def as_sqlite(self, compiler, connection):
        key, params = compiler.compile(self.key)
        # FTS5 strings, each the word as a sequence of characters, side by side: all of them must occur.
        phrases = " ".join('"' + word.replace('"', '""') + '"' for word in self.words)
        index = "SELECT rowid FROM commitments_search WHERE commitments_search MATCH %s"
        return f"{key} IN ({index})", [*params, phrases]

    def as_postgresql(self, compiler, connection):
        key, params = compiler.compile(self.key)
        likes = " AND ".join(["search_text LIKE %s"] * len(self.words))
        patterns = [f"%{connection.ops.prep_for_like_query(word)}%" for word in self.words]
        index = f"SELECT id FROM commitments_search WHERE {likes}"
        if matches_first(compiler.query):
            return f"{key} = ANY(ARRAY({index}))", [*params, *patterns]
        return f"{key} IN ({index})", [*params, *patterns]


def read_matches_first(queryset):
    """The queryset, its search's matches read from the index first, as an array, and then their rows by id.

    For a search to be sorted (`tables.PageByIds.in_order`). As `IN (subquery)` PostgreSQL sorted every row
    and then looked each up in the index in turn until a page was full, through 17,676 rows for "solar" at
    100,000 commitments, whose matches sit together in the order (titles alike): 97 ms, and 25 ms this way. A
    word in most rows is found quicker as `IN`, walking the table's order: 0.7 ms for "the" at 100,000, where
    reading its 65,408 matches first took 229 ms."""
    queryset = queryset.all()
    queryset.query.search_matches_first = True
    return queryset


def matches_first(query):
    return getattr(query, "search_matches_first", False)


TRIGGERS = ("commitments_search_insert", "commitments_search_delete", "commitments_search_update")
ALL_TRIGGERS = (*TRIGGERS, "commitments_search_truncate")  # PostgreSQL's; SQLite has no TRUNCATE

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
# The index of the column in the commitments' own table, before the words had a table of their own.
OLD_INDEX = "commitments_search_trgm"
POSTGRESQL_INDEX = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE TABLE IF NOT EXISTS commitments_search (id bigint PRIMARY KEY, search_text text NOT NULL)",
    "CREATE OR REPLACE FUNCTION commitments_search_keep() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    "IF TG_OP = 'TRUNCATE' THEN TRUNCATE commitments_search; "
    "ELSIF TG_OP = 'DELETE' THEN DELETE FROM commitments_search WHERE id = OLD.id; "
    "ELSE INSERT INTO commitments_search (id, search_text) VALUES (NEW.id, NEW.search_text) "
    "ON CONFLICT (id) DO UPDATE SET search_text = EXCLUDED.search_text; "
    "END IF; RETURN NULL; END $$",
    *(f"DROP TRIGGER IF EXISTS {trigger} ON commitments_commitment" for trigger in ALL_TRIGGERS),
    "CREATE TRIGGER commitments_search_insert AFTER INSERT ON commitments_commitment "
    "FOR EACH ROW EXECUTE FUNCTION commitments_search_keep()",
    # Fired only where the words changed: a write of other columns never touches the index.
    "CREATE TRIGGER commitments_search_update AFTER UPDATE OF search_text ON commitments_commitment "
    "FOR EACH ROW WHEN (OLD.search_text IS DISTINCT FROM NEW.search_text) EXECUTE FUNCTION commitments_search_keep()",
    "CREATE TRIGGER commitments_search_delete AFTER DELETE ON commitments_commitment "
    "FOR EACH ROW EXECUTE FUNCTION commitments_search_keep()",
    "CREATE TRIGGER commitments_search_truncate AFTER TRUNCATE ON commitments_commitment "
    "FOR EACH STATEMENT EXECUTE FUNCTION commitments_search_keep()",
    "INSERT INTO commitments_search (id, search_text) SELECT id, search_text FROM commitments_commitment "
    "ON CONFLICT (id) DO UPDATE SET search_text = EXCLUDED.search_text",
    "CREATE INDEX IF NOT EXISTS commitments_search_words_trgm ON commitments_search "
    "USING gin (search_text gin_trgm_ops)",
    f"DROP INDEX IF EXISTS {OLD_INDEX}",
]


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
            for trigger in ALL_TRIGGERS:
                cursor.execute(f"DROP TRIGGER IF EXISTS {trigger} ON commitments_commitment")
            cursor.execute("DROP FUNCTION IF EXISTS commitments_search_keep()")
            cursor.execute("DROP TABLE IF EXISTS commitments_search")
            cursor.execute(f"DROP INDEX IF EXISTS {OLD_INDEX}")
        elif conn.vendor == "sqlite":
            for trigger in TRIGGERS:
                cursor.execute(f"DROP TRIGGER IF EXISTS {trigger}")
            cursor.execute("DROP TABLE IF EXISTS commitments_search")


def ensure_index(using_connection=None):
    """Create the search index where it is missing or incomplete, and fill it from the column.

    Run by the migration that adds the column and after every `migrate`: on SQLite, a migration that
    rebuilds the commitments table (as SQLite's ALTER TABLE requires) drops the triggers with the old table;
    on PostgreSQL, a database whose index is still in the commitments' table gets the table of its own.
    """
    conn = using_connection or connection
    if not has_search_column(conn):
        return  # migrated back to before the column
    with conn.cursor() as cursor:
        if conn.vendor == "postgresql" and not _postgresql_index_complete(cursor):
            for statement in POSTGRESQL_INDEX:
                cursor.execute(statement)
        elif conn.vendor == "sqlite" and not _sqlite_index_complete(cursor):
            for statement in SQLITE_INDEX:
                cursor.execute(statement)
            cursor.execute("INSERT INTO commitments_search(commitments_search) VALUES ('rebuild')")


def _postgresql_index_complete(cursor):
    cursor.execute(
        "SELECT count(*) FROM pg_trigger WHERE tgrelid = 'commitments_commitment'::regclass AND tgname = ANY(%s)",
        [list(ALL_TRIGGERS)],
    )
    triggers = cursor.fetchone()[0]
    cursor.execute(
        "SELECT indexname FROM pg_indexes WHERE indexname = ANY(%s)", [["commitments_search_words_trgm", OLD_INDEX]]
    )
    indexes = {name for (name,) in cursor.fetchall()}  # the new one, and not the old
    return triggers == len(ALL_TRIGGERS) and indexes == {"commitments_search_words_trgm"}


def _sqlite_index_complete(cursor):
    cursor.execute("SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name IN (%s, %s, %s)", TRIGGERS)
    return cursor.fetchone()[0] == len(TRIGGERS)
