from django.core.management.base import BaseCommand

from commitments.digest import send_digests


class Command(BaseCommand):
    help = (
        "Email each follower one digest of changes to the commitments they follow since their last digest. Run daily."
    )

    def handle(self, *args, **options):
        sent = send_digests()
        self.stdout.write(self.style.SUCCESS(f"Sent {sent} digest email(s)."))
