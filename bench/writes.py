"""Writes at scale, in-process, through the services layer, each in a transaction rolled back afterwards so
that the seeded data stays as seeded.

1. A progress update on a commitment with 50 ancestors and siblings: a chain of 10 ancestors, each with the
   next one on the way down and 4 other children (40 siblings in all). The commitment on the way down weighs
   96 of its parent's 100, so the update moves the progress of every ancestor.
2. Publishing 1,000 drafts at once (drafts are made first, through the service, if the data has fewer).

Only the service call is timed, with what would run when its transaction commits. Invalidation is exact
when the cache scopes bumped are "site" and the pages of exactly the commitments the write changed (their
version moved), of their parents and of their children (cache.py).
"""

import datetime
import time
from contextlib import contextmanager

from django.db import transaction
from django.test import TestCase

from bench.servers import as_in_a_worker
from commitments import services
from commitments.cache import SITE, commitment_scope
from commitments.models import Commitment, PublicVersion
from commitments.vocabulary import ProgressMethod, SourceKind, Status

ANCESTORS, OTHER_CHILDREN = 10, 4
DRAFTS = 1000


@contextmanager
def rolled_back():
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def commitments_now():
    """{id: (version, slug, parent id)} of every commitment."""
    rows = Commitment.objects.values_list("pk", "version", "slug", "parent_id")
    return {pk: (version, slug, parent) for pk, version, slug, parent in rows}


def scope_versions():
    return dict(PublicVersion.objects.values_list("scope", "version"))


def timed(write):
    """Run the write, with what it leaves to run on commit; returns (seconds, scopes it bumped, scopes expected)."""
    before, versions = commitments_now(), scope_versions()
    started = time.perf_counter()
    with TestCase.captureOnCommitCallbacks(execute=True):
        write()
    seconds = time.perf_counter() - started
    after = commitments_now()
    bumped = {scope for scope, version in scope_versions().items() if version > versions.get(scope, 0)}
    return seconds, bumped, expected_scopes(before, after)


def expected_scopes(before, after):
    """The "site" scope, and the pages showing a commitment whose version moved: its own, its parent's and its
    children's."""
    changed = {pk for pk, row in after.items() if before.get(pk, (None,))[0] != row[0]}
    shown = set(changed) | {after[pk][2] for pk in changed if after[pk][2]}
    shown |= {pk for pk, row in after.items() if row[2] in changed}
    return {SITE} | {commitment_scope(after[pk][1]) for pk in shown}


def family(user):
    """A commitment under 10 ancestors with 4 other children each, made through the services layer."""
    source_commitment = Commitment.objects.published().order_by("pk").first()
    made = 0

    def make(parent, weight, **fields):
        nonlocal made
        made += 1
        return services.save_commitment(
            Commitment(
                title=f"Benchmark family {made}",
                slug=f"benchmark-family-{made}",
                pillar_id=source_commitment.pillar_id,
                party=source_commitment.party,
                kind=source_commitment.kind,
                source_id=source_commitment.source_id,
                quote=source_commitment.quote,
                published=True,
                parent=parent,
                weight=weight,
                **fields,
            ),
            user=user,
        )

    parent = None
    for _ in range(ANCESTORS):
        parent = make(parent, 96, progress_method=ProgressMethod.CHILDREN)
        for _ in range(OTHER_CHILDREN):
            if parent.parent_id:
                make(parent.parent, 1)
    leaf = make(parent, 96)
    for _ in range(OTHER_CHILDREN):
        make(parent, 1)
    leaf.refresh_from_db()
    return leaf


def progress_update(user):
    with rolled_back():
        leaf = family(user)
        ancestors = leaf.ancestor_ids()
        siblings = Commitment.objects.filter(parent_id__in=ancestors).exclude(pk__in=[leaf.pk, *ancestors]).count()

        def write():
            services.record_progress(
                commitment=leaf,
                author=user,
                date=datetime.date(2025, 10, 1),
                text="The agency reports 60% of the work done.",
                source_kind=SourceKind.OFFICIAL_STATEMENT,
                source_url="https://example.org/benchmark/progress",
                status=Status.IN_PROGRESS,
                progress=60,
                expected_version=leaf.version,
            )

        seconds, bumped, expected = timed(write)
    name = f"record a progress update ({len(ancestors)} ancestors, {siblings} siblings)"
    return result(name, seconds, bumped, expected)


def publish(user):
    with rolled_back():
        drafts = list(Commitment.objects.drafts().order_by("pk")[:DRAFTS])
        if len(drafts) < DRAFTS:
            more = Commitment.objects.published().filter(children__isnull=True).order_by("pk")
            services.set_published(more[: DRAFTS - len(drafts)], False, user=user)
            drafts = list(Commitment.objects.drafts().order_by("pk")[:DRAFTS])
        seconds, bumped, expected = timed(lambda: services.set_published(drafts, True, user=user))
    return result(f"publish {len(drafts):,} drafts at once", seconds, bumped, expected)


def result(name, seconds, bumped, expected):
    return {
        "write": name,
        "seconds": round(seconds, 3),
        "bumped": len(bumped),
        "expected": len(expected),
        "exact": bumped == expected,
        "missing": sorted(expected - bumped)[:10],
        "extra": sorted(bumped - expected)[:10],
    }


def measure_writes(user, runs=3):
    """Each write at scale, `runs` times (each rolled back), timed and checked; the run of the median time is
    the one reported, with every run's time beside it (the first reads rows nothing has read yet). Printed as
    it goes. Editors write through a gunicorn worker: the writes run with its garbage collector settings
    (`post_worker_init` in gunicorn.conf.py)."""
    as_in_a_worker()
    results = []
    for write in (progress_update, publish):
        found = sorted((write(user) for _ in range(runs)), key=lambda run: run["seconds"])
        seconds = [run["seconds"] for run in found]
        results.append({**found[len(found) // 2], "runs_s": seconds, "exact": all(run["exact"] for run in found)})
        exact = "exact" if results[-1]["exact"] else "NOT exact"
        print(
            f"  {results[-1]['write']}: median {results[-1]['seconds'] * 1000:.0f} ms of {seconds}, "
            f"{results[-1]['bumped']} scopes bumped ({exact})",
            flush=True,
        )
    return results
