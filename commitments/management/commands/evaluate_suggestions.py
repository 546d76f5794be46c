from django.core.management.base import BaseCommand, CommandError

from commitments.catalogue import CatalogueError, read_catalogue
from commitments.models import Commitment
from commitments.suggest import evaluate


class Command(BaseCommand):
    help = (
        "Run the drafting desk's suggester on a catalogue file's source text and measure it against the file's "
        "statements: recall (statements whose quote lies in suggested sentences), precision (suggested sentences "
        "that hold a statement), and the statements it missed."
    )

    def add_arguments(self, parser):
        parser.add_argument("catalogue", help="A catalogue file (YAML), with its source text.")

    def handle(self, *args, catalogue, **options):
        try:
            data = read_catalogue(catalogue)
        except CatalogueError as error:
            raise CommandError("\n".join(error.problems)) from error
        source = data["source"]
        quotes = [entry["quote"] for entry in data.get("commitments") or [] if isinstance(entry.get("quote"), str)]
        result = evaluate(source["text"], source.get("language") or "en", quotes, Commitment.objects.all())
        self.stdout.write(
            f"{result.sentences} sentences, {len(result.suggested)} suggested; {len(quotes)} statements.\n"
            f"Recall:    {result.recall:.1%} ({result.found} of {len(quotes)} statements lie in suggested sentences)\n"
            f"Precision: {result.precision:.1%} ({result.holding} of {len(result.suggested)} suggested sentences "
            f"hold a statement)"
        )
        for quote in result.missed:
            self.stdout.write(f"Missed: {quote}")
