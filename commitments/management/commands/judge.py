from collections import Counter

from django.core.management.base import BaseCommand

from commitments import services
from commitments.models import Commitment


class Command(BaseCommand):
    help = (
        "Apply the verdict rule to every promise on today's date. A deadline passing changes a verdict without "
        "any edit: run this once a day (and after `migrate`); every change enters the public verdict history."
    )

    def handle(self, *args, **options):
        before = dict(Commitment.objects.promises().values_list("pk", "verdict"))
        services.judge()
        after = dict(Commitment.objects.promises().values_list("pk", "verdict"))
        changed = sum(after[pk] != before.get(pk) for pk in after)
        counts = Counter(after.values())
        summary = ", ".join(f"{verdict or 'none'}: {n}" for verdict, n in sorted(counts.items()))
        self.stdout.write(f"{len(after)} promise(s) judged, {changed} verdict(s) changed. {summary}.")
