"""`manage.py import_sources FILE.csv --as USERNAME`: sources and ratings from another
desk's `export_sources`. Idempotent; a different grade is added to the history, never
written over the current one. Exit 0, 1 when some rows failed, 2 on bad usage."""

import csv

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from articles.exports import SOURCE_FIELDS
from articles.services.sources import import_source_rows


class Command(BaseCommand):
    help = "Import sources and their ratings from a CSV file made by export_sources."

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV with a header row: " + ", ".join(SOURCE_FIELDS))
        parser.add_argument(
            "--as",
            dest="username",
            required=True,
            help="The Editor the imported ratings are recorded as rated by.",
        )

    def handle(self, *args, file: str, username: str, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"no user named {username!r}", returncode=2)
        try:
            with open(file, encoding="utf-8-sig", newline="") as stream:
                reader = csv.DictReader(stream)
                missing = {"name"} - set(reader.fieldnames or [])
                if missing:
                    raise CommandError(f"{file}: no 'name' column in the header", returncode=2)
                report = import_source_rows(reader, by=user, origin=file)
        except (OSError, UnicodeDecodeError, csv.Error) as error:
            raise CommandError(f"{file}: cannot read: {error}") from error
        for problem in report.problems:
            self.stderr.write(problem)
        self.stdout.write(report.summary())
        if report.problems:
            raise SystemExit(1)
