"""`manage.py export_sources [--output FILE]`: sources and their current ratings as CSV,
for another desk's `import_sources`. Cells that a spreadsheet would run as a formula are
escaped."""

from django.core.management.base import BaseCommand, CommandError

from articles.exports import SOURCE_FIELDS, csv_rows, source_records


class Command(BaseCommand):
    help = "Export sources (name, domains, country, language, grade, rationale) as CSV."

    def add_arguments(self, parser):
        parser.add_argument("--output", "-o", default="-", help="File to write (default stdout).")

    def handle(self, *args, output, **options):
        chunks = csv_rows(source_records(), SOURCE_FIELDS)
        if output == "-":
            for chunk in chunks:
                self.stdout.write(chunk, ending="")
            return
        try:
            with open(output, "w", encoding="utf-8", newline="") as stream:
                stream.writelines(chunks)
        except OSError as error:
            raise CommandError(f"{output}: cannot write: {error.strerror}") from error
