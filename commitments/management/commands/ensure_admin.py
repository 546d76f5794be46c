import os
import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Create the 'admin' superuser if no superuser exists, with the password from "
        "DJANGO_SUPERUSER_PASSWORD or a generated one printed once."
    )

    def handle(self, *args, **options):
        User = get_user_model()
        if User.objects.filter(is_superuser=True).exists():
            self.stdout.write("A superuser exists already; nothing to do.")
            return
        password = os.environ.get("DJANGO_SUPERUSER_PASSWORD") or secrets.token_urlsafe(12)
        User.objects.create_superuser(username="admin", email="", password=password)
        if os.environ.get("DJANGO_SUPERUSER_PASSWORD"):
            self.stdout.write(self.style.SUCCESS("Created superuser 'admin' with DJANGO_SUPERUSER_PASSWORD."))
        else:
            self.stdout.write(
                self.style.SUCCESS(f"Created superuser 'admin' with password: {password}  (shown only this once)")
            )
