"""`manage.py dedupe`: find near-duplicate articles, incrementally or from scratch."""

from django.core.management.base import BaseCommand, CommandError

from articles.models import Article, Source
from articles.services import duplicates


class Command(BaseCommand):
    help = (
        "Find near-duplicate articles. Without options: fingerprint the articles that have no "
        "current fingerprint and check them. --source: check every article of one source. "
        "--rebuild: recompute every link and candidate (of one source with --source), "
        "keeping every decision a person made."
    )

    def add_arguments(self, parser):
        parser.add_argument("--rebuild", action="store_true", help="Recompute all pairs.")
        parser.add_argument("--source", default="", help="Only this source (name or slug).")

    def handle(self, *args, rebuild: bool, source: str, **options):
        chosen = None
        if source:
            chosen = (
                Source.objects.filter(name__iexact=source).first()
                or Source.objects.filter(slug=source).first()
            )
            if chosen is None:
                raise CommandError(f"no source named {source!r}", returncode=2)
        duplicates.restore_missing_bands()
        if rebuild:
            report = duplicates.rebuild(source=chosen)
        elif chosen is not None:
            duplicates.refresh_outdated_fingerprints(source=chosen)
            ids = Article.objects.filter(source=chosen).values_list("pk", flat=True)
            report = duplicates.dedupe_articles(ids=list(ids))
        else:
            report = duplicates.dedupe_articles(ids=duplicates.refresh_outdated_fingerprints())
        self.stdout.write(report.summary())
