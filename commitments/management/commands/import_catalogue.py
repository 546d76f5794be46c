from django.core.management.base import BaseCommand, CommandError

from commitments.catalogue import CatalogueError, import_catalogue_file


class Command(BaseCommand):
    help = "Load a catalogue file (YAML) of one source document and its commitments. All or nothing; safe to re-run."

    def add_arguments(self, parser):
        parser.add_argument("path", help="The catalogue YAML file.")

    def handle(self, *args, path, **options):
        try:
            report = import_catalogue_file(path)
        except CatalogueError as error:
            raise CommandError(
                f"The catalogue was rejected; nothing was written. {len(error.problems)} problem(s):\n"
                + "\n".join(f"  - {problem}" for problem in error.problems)
            ) from error
        for line in report.lines():
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS(f"Catalogue loaded: {report.changed} row(s) created or updated."))
