"""Import articles from files and folders: text, HTML (also .gz), RSS/Atom/JSON Feed,
JSON, JSONL and CSV. Parses the arguments, calls the import service, prints the report.

Exit status: 0 when every document was imported or already present, 1 when some input
failed, 2 on bad usage.
"""

from django.core.management.base import BaseCommand, CommandError

from articles.ingest.readers import FORMATS
from articles.services.imports import DEFAULT_LIMIT_MB, import_paths


class Command(BaseCommand):
    help = "Import articles from files and folders (recursively) into the desk."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH", help="Files or folders.")
        parser.add_argument("--source", default="", help="Force the source of every article.")
        parser.add_argument(
            "--format",
            dest="fmt",
            choices=["auto", *FORMATS],
            default="auto",
            help="Input format; auto detects it from extension and content.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what would happen; store nothing."
        )
        parser.add_argument(
            "--limit-mb",
            type=float,
            default=DEFAULT_LIMIT_MB,
            help=f"Per-file size cap in MB, also for gzip content (default {DEFAULT_LIMIT_MB}).",
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=None,
            help="Processes for extraction (default: one per core; 1 disables the pool).",
        )
        parser.add_argument(
            "--list", action="store_true", help="Print what became of every document."
        )

    def handle(self, *args, paths, source, fmt, dry_run, limit_mb, workers, **options):
        if limit_mb <= 0:
            raise CommandError("--limit-mb must be positive", returncode=2)
        if workers is not None and workers < 1:
            raise CommandError("--workers must be at least 1", returncode=2)
        report = import_paths(
            paths,
            source=source,
            fmt=fmt,
            dry_run=dry_run,
            limit_mb=limit_mb,
            workers=workers,
            description=" ".join(paths),
            progress=self.stdout.isatty(),
        )
        for outcome in report.problems:
            self.stderr.write(f"failed: {outcome.origin}: {outcome.reason}")
        if options["list"]:
            for outcome in report.outcomes:
                if outcome.status != "failed":
                    self.stdout.write(f"{outcome.status}: {outcome.origin}")
        self.stdout.write(report.summary())
        if report.failed:
            raise SystemExit(1)
