from django.core.management.base import BaseCommand, CommandError

from commitments.backup import BackupError, copy_sqlite_file, write_backup


class Command(BaseCommand):
    help = "Write a complete, versioned JSON snapshot of the data to PATH (restore it with `restore`)."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument(
            "--sqlite-copy",
            action="store_true",
            help="Instead, copy the SQLite database file itself with SQLite's online backup API (safe while serving).",
        )

    def handle(self, *args, path, sqlite_copy, **options):
        try:
            if sqlite_copy:
                copy_sqlite_file(path)
                self.stdout.write(self.style.SUCCESS(f"SQLite database copied to {path}."))
                return
            with open(path, "w", encoding="utf-8") as stream:
                count = write_backup(stream)
        except (BackupError, OSError) as error:
            raise CommandError(f"Backup failed: {error}") from error
        self.stdout.write(self.style.SUCCESS(f"Wrote {count} objects to {path}."))
