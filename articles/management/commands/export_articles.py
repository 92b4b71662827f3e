"""Export articles as JSONL (one object per line) or CSV, streamed, to a file or stdout.

Exit status: 0 on success, 1 when the output cannot be written, 2 on bad usage.
"""

from django.core.management.base import BaseCommand, CommandError

from articles.exports import ARTICLE_FIELDS, article_records, csv_rows, to_jsonl


class Command(BaseCommand):
    help = "Export every article as JSONL or CSV (streamed; works at 100k articles)."

    def add_arguments(self, parser):
        parser.add_argument("--format", dest="fmt", choices=["jsonl", "csv"], required=True)
        parser.add_argument("--output", "-o", default="-", help="File to write (default stdout).")

    def handle(self, *args, fmt, output, **options):
        records = article_records()
        chunks = map(to_jsonl, records) if fmt == "jsonl" else csv_rows(records, ARTICLE_FIELDS)
        if output == "-":
            count = self._write(chunks, lambda text: self.stdout.write(text, ending=""))
        else:
            try:
                with open(output, "w", encoding="utf-8", newline="") as stream:
                    count = self._write(chunks, stream.write)
            except OSError as error:
                raise CommandError(f"{output}: cannot write: {error.strerror}") from error
        if fmt == "csv":
            count -= 1  # the header row
        where = "stdout" if output == "-" else output
        self.stderr.write(f"exported {count} articles as {fmt} to {where}")

    @staticmethod
    def _write(chunks, write) -> int:
        count = 0
        for chunk in chunks:
            write(chunk)
            count += 1
        return count
