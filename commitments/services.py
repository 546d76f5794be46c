"""The one write path. Every change to the record goes through a function here.

Admin forms, inlines and actions, the admin CSV/XLSX import, the staff forms, `import_catalogue`,
`restore` and publishing all call these functions, and each applies the same rules in the same order:

1. lock the commitment and refuse the write if it changed since the editor opened it (concurrency.py);
2. validate every row with the model's rules (`full_clean`);
3. save, recording the change and its author in the history;
4. bring every derived figure in line: a commitment's status, progress and completion date come
   from its timeline of dated, sourced updates and its progress rule (`Commitment.timeline_state`),
   for it and then for each of its ancestors, locked in a fixed order;
5. move the quotes when a source text changes;
6. mark the cached public pages that showed the changed rows, bumped once when the write ends.

No model `save()` and no signal has effects on other rows: the effects are here, in one place.
"""

import gc
import threading
from contextlib import contextmanager

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Exists, F, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from . import cache
from .concurrency import MissingVersion, lock_current
from .models import (
    Check,
    Commitment,
    EvidenceSource,
    Indicator,
    Measurement,
    Milestone,
    Pillar,
    ProgressUpdate,
    SourceDocument,
    Statement,
    Theme,
    VerdictRecord,
)
from .vocabulary import Status, VerdictKind

PARTS = (Statement, Milestone, Indicator, Measurement, ProgressUpdate, Check, VerdictRecord)
# Records that cite a source (a URL or a source document), each linked to its evidence record when saved.
CITING = (ProgressUpdate, Measurement, Check, VerdictRecord)
# In place of a version: the write comes from a file (an admin import, a catalogue), which carries none.
FILE_ROW = object()
# Rows a bulk write sends in one statement.
WRITE_BATCH = 500
SHARED = (SourceDocument, Pillar, Theme, EvidenceSource)
NEVER = 2**31 - 1  # the highest threshold Python's garbage collector takes


_pending = threading.local()


@contextmanager
def write(*, invalidate=True):
    """One transaction for a whole change. Writes nested in it share it; the derived figures of the
    commitments they touched are brought in line once, at its end, and then the cache is bumped once."""
    outermost = getattr(_pending, "settle", None) is None
    with transaction.atomic(), cache.collecting(enabled=invalidate), _collector_paused():
        if not outermost:
            yield
            return
        # What this write has already done once, so that a file of many rows costs little more per row.
        _pending.settle, _pending.locked, _pending.bumped, _pending.touched = {}, set(), set(), set()
        _pending.created = set()  # commitments created in this write, which may need their first statement
        _pending.history = {}  # {id: (commitment, user)} whose history entry is written at the end (`_record_later`)
        try:
            yield
            while _pending.settle:
                touched, _pending.settle = _pending.settle, {}
                for user in {id(user): user for user in touched.values()}.values():
                    _settle([pk for pk, by in touched.items() if by is user], user)
            _record_history()
        finally:
            _pending.settle = None


# How many writes are under way, nested ones and every thread's counted, and the collector's thresholds before the
# first of them began.
_collector = {"writes": 0, "threshold": None}
_collector_lock = threading.Lock()


@contextmanager
def _collector_paused():
    """No full collection by Python's garbage collector until the write ends; the young generations are
    collected as ever, so what the write throws away as it goes is freed as it goes. A write of a thousand
    commitments holds the 30,000 objects their figures follow from until it ends, and each full collection
    meanwhile walked them all for nothing (publishing 1,000 drafts at PostgreSQL 100k: two of 8-69 ms)."""
    with _collector_lock:
        if not _collector["writes"]:
            _collector["threshold"] = gc.get_threshold()
            young, middle, _ = _collector["threshold"]
            gc.set_threshold(young, middle, NEVER)
        _collector["writes"] += 1
    try:
        yield
    finally:
        with _collector_lock:
            _collector["writes"] -= 1
            if not _collector["writes"]:
                gc.set_threshold(*_collector["threshold"])


def _record_later(commitments, user):
    """Mark commitments changed in bulk (published, settled) for one history entry each at the end of the write,
    with their state then: a publication that also moves a commitment's derived figures is one entry, not two."""
    for commitment in commitments:
        _pending.history[commitment.pk] = (commitment, user)


def _record_history():
    by_user = {}
    for commitment, user in _pending.history.values():
        by_user.setdefault(id(user), (user, []))[1].append(commitment.pk)
    for user, ids in by_user.values():
        for start in range(0, len(ids), WRITE_BATCH):
            _copy_into_history(ids[start : start + WRITE_BATCH], user)


def _copy_into_history(ids, user):
    """One history entry ("changed") for each of these commitments, copied from its row as the write leaves it,
    by the database: what `bulk_history_create` writes, without building a model instance of each row and of
    each entry (half a second for a thousand commitments)."""
    history = Commitment.history.model
    meta, quote = history._meta, connection.ops.quote_name
    own = {"history_id", "history_date", "history_change_reason", "history_type", "history_user"}
    copied = [field.column for field in meta.concrete_fields if field.name not in own]
    given = {
        "history_date": meta.get_field("history_date").get_db_prep_value(timezone.now(), connection),
        "history_change_reason": "",
        "history_type": "~",
        "history_user_id": user.pk if user is not None else None,
    }
    columns = ", ".join(quote(column) for column in [*copied, *given])
    selected = ", ".join([*(quote(column) for column in copied), *["%s"] * len(given)])
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({columns}) SELECT {selected} "
        f"FROM {quote(Commitment._meta.db_table)} WHERE {quote(Commitment._meta.pk.column)} IN "
        f"({', '.join(['%s'] * len(ids))})"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*given.values(), *ids])


def _settle_later(ids, user):
    """Mark commitments whose derived figures the current write must bring in line before it ends."""
    for pk in ids:
        if pk:
            _pending.settle[pk] = user


# --- Commitments --------------------------------------------------------------------------------------------


def save_commitment(commitment, *, user, expected_version=None, parts=(), deleted=()):
    """Save a commitment with any of its parts (the admin form and its inlines), all or nothing.

    An existing commitment needs the version its editor opened. Its status, progress and completion date
    are not edited here: they follow its timeline (record an update to move them).
    """
    with write():
        previous = {}
        if commitment.pk is None:
            commitment.status, commitment.progress = Status.ANNOUNCED, None
            commitment.version = 1
        else:
            current = lock_current(commitment.pk, _required(expected_version))
            previous = {"slug": current.slug, "parent_id": current.parent_id}
            commitment.status, commitment.progress = current.status, current.progress
            commitment.version = current.version + 1
        commitment.full_clean()
        _save(commitment, user)
        if previous:
            _follow_commitment(commitment, current, user)
        else:
            _pending.created.add(commitment.pk)
        _save_parts(parts, deleted, user)
        _settle_later({commitment.pk, previous.get("parent_id")}, user)
        _touch_commitments(commitment.pk, previous.get("parent_id"), slugs=[previous.get("slug")])
    return commitment


def delete_commitment(commitment, *, user):
    with write():
        lock_current(commitment.pk, None)
        children = list(Commitment.objects.filter(parent_id=commitment.pk).values_list("pk", flat=True))
        parent_id, slug = commitment.parent_id, commitment.slug
        # Its children's pages link to it: mark them before SET_NULL forgets whose children they were.
        _touch_commitments(commitment.pk, *children)
        _delete(commitment, user)
        _settle_later({parent_id}, user)
        _touch_commitments(parent_id, slugs=[slug])


def set_published(commitments, published, *, user, expected_version=None):
    """Publish or return to draft, all or none; one history entry per commitment that changes. Returns how many
    changed. `expected_version` is for one commitment, opened by an editor."""
    with write():
        ids = sorted({commitment.pk for commitment in commitments})
        if expected_version is not None:
            for pk in ids:
                lock_current(pk, expected_version)
        # Locked in order of id, and read with all that their figures follow from, in one query.
        rows = Commitment.objects.for_deriving().select_for_update(of=("self",)).filter(pk__in=ids).order_by("pk")
        changing = [row for row in rows if row.published != published]
        if not changing:
            return 0
        if published:
            _refuse_draft_sources(changing)
        # A commitment's own figures change with the flag (a parent counts only the children the public can see
        # once it is published itself): worked out here and written with it, one UPDATE of them all. One whose
        # children change with it is worked out after them, with the ancestors, when the write ends.
        parents = {row.parent_id for row in changing}
        _flag_published([row for row in changing if row.pk in parents], published, user)
        others = [row for row in changing if row.pk not in parents]
        for row in others:
            row.published = published
        _derive(others, timezone.localdate(), user, written={"published"})
        _settle_later(parents, user)
    return len(changing)


def _flag_published(commitments, published, user):
    now = timezone.now()
    Commitment.objects.filter(pk__in=[commitment.pk for commitment in commitments]).update(
        published=published, version=F("version") + 1, updated=now
    )
    for commitment in commitments:
        commitment.published, commitment.version, commitment.updated = published, commitment.version + 1, now
    _record_later(commitments, user)
    _touch_commitments(*(commitment.pk for commitment in commitments))


def _refuse_draft_sources(commitments):
    """A commitment is not published while a source it quotes is still a draft."""
    quoting = Statement.objects.filter(commitment__in=commitments, source__draft=True)
    drafts = set(quoting.values_list("commitment", flat=True))
    for commitment in commitments:
        if commitment.pk in drafts:
            message = _("“%(title)s” quotes a source whose text is still a draft: confirm the text first.")
            raise ValidationError(message % {"title": commitment.title})


# --- Parts: milestones, indicators, measurements, updates ---------------------------------------------------------


def save_part(part, *, user, expected_version=None, parts=(), deleted=()):
    """Save a milestone, indicator, measurement or update of a commitment, with any parts of its own
    (an indicator's measurements). A part that exists needs the version of its commitment that its
    editor opened; a part moved to another commitment locks both.
    """
    with write():
        before = type(part).objects.filter(pk=part.pk).first() if part.pk else None
        opened = owner_id(before) if before else None
        expected_version = _required(expected_version) if before is not None else None
        owners = {owner_id(part), opened} - {None}
        _lock_owners(owners, opened, expected_version)
        part.full_clean()
        _save(part, user)
        _save_parts(parts, deleted, user)
        _after_parts(owners, user)
    return part


def delete_part(part, *, user):
    with write():
        owner = owner_id(part)
        _lock_owners({owner}, None, None)
        _delete(part, user)
        _after_parts({owner}, user)


def record_progress(
    *,
    commitment,
    author,
    date,
    text,
    source_kind,
    status,
    progress=None,
    public=True,
    source_url="",
    source_document=None,
    measurement=None,
    expected_version,
):
    """Record a dated, sourced update, which moves the commitment's status and progress with it.

    `progress=None` leaves the figure as it is. `measurement` is an optional (indicator, value, as_of)
    recorded from the same source; it is public data, so it carries no text of the update.
    """
    update = ProgressUpdate(
        commitment=commitment,
        date=date,
        text=text,
        source_kind=source_kind,
        source_url=source_url,
        source_document=source_document,
        status=status,
        progress=progress,
        public=public,
        author=author,
    )
    with write():
        _lock_owners({commitment.pk}, commitment.pk, _required(expected_version))
        update.full_clean()
        _save(update, author)
        if measurement is not None:
            indicator, value, as_of = measurement
            record = Measurement(
                indicator=indicator,
                value=value,
                as_of=as_of or date,
                source_url=source_url,
                source_document=source_document,
            )
            record.full_clean()
            _save(record, author)
        _after_parts({commitment.pk}, author)
    return update


# --- Shared rows: sources, pillars, themes ------------------------------------------------------------------


def save_shared(obj, *, user, parts=(), deleted=(), quotes=None):
    """Save a source document, pillar or theme (with a pillar's themes).

    A source whose text changed moves its quotes with it; one whose new text no longer holds a quote is
    refused (`SourceDocument.clean`). `quotes` ({commitment slug: quote}) corrects quotes in the same change,
    for a corrected text whose quotes are corrected with it.
    """
    with write():
        if isinstance(obj, SourceDocument):
            obj.corrected_quotes = quotes or {}
        obj.full_clean()
        _save(obj, user)
        _save_parts(parts, deleted, user)
        if isinstance(obj, SourceDocument):
            _relocate_quotes(obj)
        if isinstance(obj, EvidenceSource):
            # Who published it decides the strength of every record that cites it.
            _settle_later(_citing(obj), user)
        if isinstance(obj, Pillar):
            # Its commitments keep its order for the tables' order (Commitment.pillar_order); one UPDATE, not a
            # settling of every commitment of the pillar.
            obj.commitments.exclude(pillar_order=obj.order).update(pillar_order=obj.order)
        cache.touch(cache.SITE, cache.COMMITMENTS)
    return obj


def _citing(evidence):
    """The ids of the commitments whose records cite this evidence."""
    return {
        *ProgressUpdate.objects.filter(evidence=evidence).values_list("commitment_id", flat=True),
        *Measurement.objects.filter(evidence=evidence).values_list("indicator__commitment_id", flat=True),
        *Check.objects.filter(evidence=evidence).values_list("commitment_id", flat=True),
        *VerdictRecord.objects.filter(evidence=evidence).values_list("commitment_id", flat=True),
    }


def judge(ids=None):
    """Apply the verdict rule again, on today's date, to these commitments (all promises when None): a
    deadline passing changes a verdict without any write. `manage.py judge` runs it once a day."""
    with write():
        promises = Commitment.objects.promises()
        if ids is not None:
            promises = promises.filter(pk__in=ids)
        _settle_later(list(promises.values_list("pk", flat=True)), None)


def delete_shared(obj, *, user):
    with write():
        _delete(obj, user)
        cache.touch(cache.SITE, cache.COMMITMENTS)


def _relocate_quotes(source):
    """Move the source's statements with its text (their commitments' quotes follow when the write settles)."""
    corrected = getattr(source, "corrected_quotes", {})
    moved = set()
    for statement in (
        Statement.objects.filter(source=source)
        .select_related("commitment")
        .only("pk", "quote", "quote_start", "commitment__slug")
    ):
        quote = corrected.get(statement.commitment.slug, statement.quote)
        position = source.text.find(quote)
        if (quote, position) != (statement.quote, statement.quote_start):
            Statement.objects.filter(pk=statement.pk).update(quote=quote, quote_start=position)
            moved.add(statement.commitment_id)
    Commitment.objects.filter(pk__in=moved).update(version=F("version") + 1)
    _settle_later(moved, None)


# --- What every write shares -------------------------------------------------------------------------------------


def _required(expected_version):
    """Edits of what exists are checked against the version their editor saw; a form without one is refused.
    Rows from a file (`FILE_ROW`) carry no version and are checked against the row as it stands."""
    if expected_version is None:
        raise MissingVersion()
    return None if expected_version is FILE_ROW else expected_version


def _save_parts(parts, deleted, user):
    for part in parts:
        part.full_clean()
        _save(part, user)
    for part in deleted:
        _delete(part, user)


def _save(obj, user, update_fields=None):
    if user is not None:
        obj._history_user = user
    if isinstance(obj, CITING) and update_fields is None:
        obj.evidence = _evidence_for(obj, user)
    obj.save(update_fields=update_fields)


def _evidence_for(citing, user):
    """The evidence record of what a record cites, created the first time a URL or document is cited."""
    # The document is read only when it is what is cited: a URL, where both are given, comes first.
    document = citing.source_document if citing.source_document_id and not citing.source_url else None
    new = EvidenceSource.first_cited(citing.source_url, document, getattr(citing, "source_kind", ""))
    if new is None:
        return None
    found = (
        EvidenceSource.objects.filter(url=new.url)
        if new.url
        else EvidenceSource.objects.filter(source_document=document)
    )
    if existing := found.first():
        return existing
    new.full_clean()
    _save(new, user)
    return new


def _delete(obj, user):
    if user is not None:
        obj._history_user = user
    obj.delete()


def owner_id(part):
    """The id of the commitment a part belongs to."""
    if isinstance(part, Measurement):
        return Indicator.objects.filter(pk=part.indicator_id).values_list("commitment_id", flat=True).first()
    return part.commitment_id


def _lock_owners(owner_ids, checked_id, expected_version):
    """Lock the commitments a part belongs to, in a fixed order; check the one its editor opened.
    A commitment this write has locked already stays locked until it ends."""
    for pk in sorted(owner_ids):
        expected = expected_version if pk == checked_id else None
        if pk in _pending.locked and expected is None:
            continue
        lock_current(pk, expected)
        _pending.locked.add(pk)


def _after_parts(owner_ids, user):
    # What the commitment's page shows has changed: a form opened before this write is now stale.
    fresh = set(owner_ids) - _pending.bumped
    Commitment.objects.filter(pk__in=fresh).update(version=F("version") + 1)
    _pending.bumped |= fresh
    _settle_later(owner_ids, user)
    _touch_commitments(*owner_ids)


def _settle(ids, user):
    """Apply the timeline and the progress rule to these commitments and then to each of their ancestors,
    deepest first (a parent's progress counts its children's), after locking them all in order of id. Each
    level is read in one batch (`for_deriving`) and written in one: a thousand commitments cost a few dozen
    queries."""
    parent_of = _with_ancestors({pk for pk in ids if pk})
    list(Commitment.objects.select_for_update().filter(pk__in=parent_of).order_by("pk").values_list("pk"))
    _state_first_of_new(parent_of.keys() & _pending.created, user)

    def depth(pk):
        level, node = 0, parent_of[pk]
        while node is not None and level <= len(parent_of):
            level, node = level + 1, parent_of.get(node)
        return level

    levels = {}
    for pk in parent_of:
        levels.setdefault(depth(pk), []).append(pk)
    today = timezone.localdate()
    for level in sorted(levels, reverse=True):
        _derive(Commitment.objects.for_deriving().filter(pk__in=levels[level]), today, user)


def _derive(commitments, today, user, written=frozenset()):
    """Bring these commitments' derived figures in line with their records; write those that moved (and every
    one of them, with the fields in `written`, which the caller has set), and keep each verdict the rule
    reached in the public verdict history."""
    moved = {}
    for commitment in commitments:
        state = commitment.derived_state(today)
        changed = {name for name, value in state.items() if getattr(commitment, name) != value}
        for name in changed:
            setattr(commitment, name, state[name])
        changed |= written
        if changed:
            moved[commitment] = changed
    if not moved:
        return
    now = timezone.now()
    for commitment in moved:
        commitment.version, commitment.updated = commitment.version + 1, now
    fields = sorted(set().union(*moved.values()))
    _update_rows(list(moved), [*fields, "version", "updated"])
    _record_later(moved, user)
    VerdictRecord.objects.bulk_create(
        _rule_verdict(commitment)
        for commitment, changed in moved.items()
        if changed & {"verdict", "verdict_reason"} and commitment.verdict and not commitment.verdict_overridden
    )
    _touch_commitments(*(commitment.pk for commitment in moved))


def _update_rows(rows, fields):
    """Write these fields of these rows of one model. Django's bulk_update builds a CASE expression of every row
    for every field, seconds of Python for a thousand commitments. PostgreSQL takes one UPDATE joined to the
    new values as arrays, one a column (half the time of an UPDATE a row); SQLite, with no network between, an
    UPDATE a row."""
    meta = type(rows[0])._meta
    columns = [meta.get_field(name) for name in fields]
    quote = connection.ops.quote_name
    table, key = quote(meta.db_table), quote(meta.pk.column)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            new = [meta.pk, *columns]
            arrays = ", ".join(f"%s::{column.db_type(connection)}[]" for column in new)
            names = ", ".join(quote(column.column) for column in new)
            assignments = ", ".join(f"{quote(column.column)} = new.{quote(column.column)}" for column in columns)
            joined = f"FROM unnest({arrays}) AS new({names}) WHERE {table}.{key} = new.{key}"
            cursor.execute(
                f"UPDATE {table} SET {assignments} {joined}",
                [[_prepared(column, row) for row in rows] for column in new],
            )
        else:
            assignments = ", ".join(f"{quote(column.column)} = %s" for column in columns)
            cursor.executemany(
                f"UPDATE {table} SET {assignments} WHERE {key} = %s",
                [[*(_prepared(column, row) for column in columns), row.pk] for row in rows],
            )


def _prepared(column, row):
    return column.get_db_prep_save(getattr(row, column.attname), connection)


def _rule_verdict(commitment):
    """The public verdict history keeps every verdict the rule reached, with its reason and date."""
    return VerdictRecord(
        commitment=commitment,
        kind=VerdictKind.RULE,
        verdict=commitment.verdict,
        reason=commitment.verdict_reason,
        judged_on=commitment.verdict_date,
    )


def _state_first_of_new(ids, user):
    """A new commitment saved with a source and a quote but no statement from that source (a form, a factory)
    gets them as its first statement."""
    stated = Statement.objects.filter(commitment=OuterRef("pk"), source=OuterRef("source"))
    for commitment in Commitment.objects.filter(pk__in=ids).exclude(Exists(stated)):
        statement = Statement.first_of(commitment)
        statement.full_clean()
        _save(statement, user)


def _follow_commitment(commitment, current, user):
    """The commitment's source, quote and deadline are its statements': a write that changes them on the
    commitment changes the statement they come from (the first one; the one that gives the deadline)."""
    statements = list(commitment.statements.in_order())
    if not statements:
        return
    changed = {}
    if (commitment.source_id, commitment.quote) != (current.source_id, current.quote):
        origin = statements[0]
        origin.source_id, origin.quote = commitment.source_id, commitment.quote
        changed[origin.pk] = origin
    deadline = (commitment.target_date, commitment.target_date_precision)
    if deadline != (current.target_date, current.target_date_precision):
        dated = [statement for statement in statements if statement.target_date] or statements
        giver = changed.get(dated[-1].pk, dated[-1])
        giver.target_date, giver.target_date_precision = deadline
        changed[giver.pk] = giver
    for statement in changed.values():
        statement.full_clean()
        _save(statement, user)


def _with_ancestors(ids):
    """{id: parent id} for these commitments and all their ancestors."""
    parent_of, frontier = {}, set(ids)
    while frontier:
        rows = dict(Commitment.objects.filter(pk__in=frontier).values_list("pk", "parent_id"))
        parent_of.update(rows)
        frontier = {parent for parent in rows.values() if parent is not None} - parent_of.keys()
    return parent_of


def _touch_commitments(*ids, slugs=()):
    """The lists, and the pages of these commitments, of their parents and of their children."""
    ids = [pk for pk in ids if pk and pk not in _pending.touched]
    _pending.touched.update(ids)
    shown = {*(_slugs_shown_with(ids) if ids else []), *(slug for slug in slugs if slug)}
    cache.touch(cache.SITE, *(cache.commitment_scope(slug) for slug in shown))


def _slugs_shown_with(ids):
    """The slugs of these commitments, their children and their parents. A union of three lookups, each by an
    index: PostgreSQL reads every commitment for the same three joined by OR."""
    unordered = Commitment.objects.order_by()
    own = unordered.filter(pk__in=ids)
    children = unordered.filter(parent_id__in=ids)
    parents = unordered.filter(pk__in=own.values("parent_id"))
    return own.values_list("slug", flat=True).union(
        children.values_list("slug", flat=True), parents.values_list("slug", flat=True)
    )


# --- Rows from import files and backups --------------------------------------------------------------------------


def save_imported(obj, *, user):
    """A row of an admin import file, saved with the rules of every other path. The file carries no version
    of the commitment, so the row is checked against the commitment as it stands, locked, when it is saved."""
    if isinstance(obj, Commitment):
        return save_commitment(obj, user=user, expected_version=FILE_ROW)
    if isinstance(obj, PARTS):
        return save_part(obj, user=user, expected_version=FILE_ROW)
    return save_shared(obj, user=user)


def delete_imported(obj, *, user):
    if isinstance(obj, Commitment):
        return delete_commitment(obj, user=user)
    if isinstance(obj, PARTS):
        return delete_part(obj, user=user)
    return delete_shared(obj, user=user)


def restore(rows):
    """Load the deserialized rows of a backup into an empty database, then check every row of the record with
    the rules of every other write path, with all of it in place (an update's rules read its timeline).
    Derived figures, quote positions and the cache follow as after any write. All or nothing."""
    with write():
        saved, deferred = [], []
        for row in rows:
            row.save()
            saved.append(row.object)
            if row.deferred_fields:
                deferred.append(row)
        for row in deferred:  # rows that named others restored after them
            row.save_deferred_fields()
        problems = []
        for obj in saved:
            if isinstance(obj, (*SHARED, Commitment, *PARTS)):
                try:
                    obj.full_clean()
                except ValidationError as error:
                    problems.append(f"{obj._meta.verbose_name} {obj.pk} ({obj}): {' '.join(error.messages)}")
        if problems:
            raise ValidationError(problems)
        for source in SourceDocument.objects.all():
            _relocate_quotes(source)
        commitments = list(Commitment.objects.values_list("pk", flat=True))
        _settle_later(commitments, None)
        _touch_commitments(*commitments)
        cache.touch(cache.COMMITMENTS)
    return len(saved)
