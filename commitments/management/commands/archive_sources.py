from django.core.management.base import BaseCommand

from commitments.archive import archive
from commitments.models import EvidenceSource


class Command(BaseCommand):
    help = (
        "Check every evidence URL, keep a copy of each page or file not archived yet (HTML, text, PDF; with "
        "its SHA-256 and the time it was read) and flag the links that no longer answer."
    )

    def add_arguments(self, parser):
        parser.add_argument("--refresh", action="store_true", help="Replace copies kept before with fresh ones.")
        parser.add_argument("--url", action="append", default=[], help="Only this URL (repeatable).")

    def handle(self, *args, refresh, url, **options):
        sources = EvidenceSource.objects.exclude(url="").order_by("pk")
        if url:
            sources = sources.filter(url__in=url)
        for evidence in sources:
            self.stdout.write(archive(evidence, refresh=refresh))
