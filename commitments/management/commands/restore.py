from django.core.management.base import BaseCommand, CommandError

from commitments.backup import BackupError, read_backup, restore_backup


class Command(BaseCommand):
    help = "Load a snapshot written by `backup` into an empty, migrated database. All or nothing."

    def add_arguments(self, parser):
        parser.add_argument("path")

    def handle(self, *args, path, **options):
        try:
            with open(path, encoding="utf-8") as stream:
                snapshot = read_backup(stream)
            count = restore_backup(snapshot)
        except (BackupError, OSError, UnicodeDecodeError) as error:
            raise CommandError(f"Restore refused; nothing was written: {error}") from error
        self.stdout.write(self.style.SUCCESS(f"Restored {count} objects from {path}."))
