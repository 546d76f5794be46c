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

from commitments.concurrency import StaleEdit  # noqa: E402
from commitments.models import Commitment, Pillar, SourceDocument  # noqa: E402
from commitments.services import record_progress  # noqa: E402
from commitments.vocabulary import SourceKind, Status  # noqa: E402

SLUG = "contended-road"


def setup():
    source = SourceDocument.objects.create(
        title="Statement", slug="statement", date=datetime.date(2025, 1, 1), speaker="Ministry", kind="speech",
        text="We will build the contended road.",
    )  # fmt: skip
    pillar = Pillar.objects.create(name="Practical", slug="practical")
    Commitment.objects.create(
        title="Contended road", slug=SLUG, pillar=pillar, party="both", kind="infrastructure",
        status=Status.IN_PROGRESS, progress=0, source=source, quote="We will build the contended road.",
    )  # fmt: skip


def write(writer, count, pause):
    """Each write reads the version, thinks a moment, then saves with it; a stale save is retried."""
    landed = conflicts = 0
    while landed < count:
        commitment = Commitment.objects.get(slug=SLUG)
        time.sleep(random.uniform(0, pause))
        try:
            record_progress(
                commitment=commitment,
                author=None,
                date=datetime.date(2025, 6, 1),
                text=f"writer {writer} update {landed}",
                source_kind=SourceKind.MEDIA_REPORT,
                source_url="https://example.org/news",
                status=Status.IN_PROGRESS,
                progress=random.randint(0, 100),
                expected_version=commitment.version,
            )
        except StaleEdit:
            conflicts += 1
            continue
        landed += 1
    print(json.dumps({"writer": writer, "landed": landed, "conflicts": conflicts}))


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("action", choices=["setup", "write"])
    parser.add_argument("--writer", type=int, default=0)
    parser.add_argument("--count", type=int, default=10)
    parser.add_argument("--pause", type=float, default=0.0)
    args = parser.parse_args()
    setup() if args.action == "setup" else write(args.writer, args.count, args.pause)
