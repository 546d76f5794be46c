"""A separate writer process for the concurrency tests: `python tests/concurrent_writer.py setup|write ...`.

Runs against the database in DATABASE_URL, the way a server worker would.
"""

import argparse
import datetime
import json
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")

import django  # noqa: E402

django.setup()

from commitments import services  # noqa: E402
from commitments.concurrency import StaleEdit  # noqa: E402
from commitments.models import Commitment, Pillar, SourceDocument  # noqa: E402
from commitments.vocabulary import SourceKind, Status  # noqa: E402

SLUG = "contended-road"


def setup():
    source = services.save_shared(
        SourceDocument(
            title="Statement", slug="statement", date=datetime.date(2025, 1, 1), speaker="Ministry", kind="speech",
            text="We will build the contended road.",
        ),
        user=None,
    )  # fmt: skip
    pillar = services.save_shared(Pillar(name="Practical", slug="practical"), user=None)
    services.save_commitment(
        Commitment(
            title="Contended road", slug=SLUG, pillar=pillar, party="both", kind="infrastructure",
            source=source, quote="We will build the contended road.", published=True,
        ),
        user=None,
    )  # fmt: skip


def attempt(writer, number, commitment):
    """One write with the version read before it: a progress update, or now and then a publish toggle."""
    if number % 4 == 3:
        services.set_published([commitment], not commitment.published, user=None, expected_version=commitment.version)
        return f"publish {writer}/{number}"
    text = f"writer {writer} update {number}"
    services.record_progress(
        commitment=commitment,
        author=None,
        date=datetime.date(2025, 6, 1),
        text=text,
        source_kind=SourceKind.MEDIA_REPORT,
        source_url="https://example.org/news",
        status=Status.IN_PROGRESS,
        progress=random.randint(0, 100),
        expected_version=commitment.version,
    )
    return text


def write(writer, count, pause):
    """Each attempt reads the commitment, thinks a moment, then writes with the version it read. A stale
    attempt is refused and not retried: the test counts what was acknowledged."""
    acknowledged, refused = [], 0
    for number in range(count):
        commitment = Commitment.objects.get(slug=SLUG)
        time.sleep(random.uniform(0, pause))
        try:
            acknowledged.append(attempt(writer, number, commitment))
        except StaleEdit:
            refused += 1
    print(json.dumps({"writer": writer, "acknowledged": acknowledged, "refused": refused}))


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("action", choices=["setup", "write"])
    parser.add_argument("--writer", type=int, default=0)
    parser.add_argument("--count", type=int, default=10)
    parser.add_argument("--pause", type=float, default=0.0)
    args = parser.parse_args()
    setup() if args.action == "setup" else write(args.writer, args.count, args.pause)
