"""Re-anchor every claim appearance in its article's current body: exact, moved (the quote
found elsewhere, context choosing among several), fuzzy (found approximately, with its
score) or orphaned (listed for review on the dashboard). `reclean` already does this for
the bodies it changes; this command is for bodies changed any other way, and for checking.

Exit status: 0 on success, 2 on bad usage.
"""

import time

from django.core.management.base import BaseCommand, CommandError

from articles.models import Article
from articles.services.claims import ReanchorReport, reanchor_article


class Command(BaseCommand):
    help = "Re-anchor claim appearances in their articles' current bodies."

    def add_arguments(self, parser):
        parser.add_argument(
            "--article", type=int, action="append", default=[], help="Only this article id."
        )

    def handle(self, *args, article: list[int], **options):
        started = time.monotonic()
        articles = Article.objects.filter(appearances__isnull=False).distinct()
        if article:
            articles = articles.filter(pk__in=article)
            missing = set(article) - set(
                Article.objects.filter(pk__in=article).values_list("pk", flat=True)
            )
            if missing:
                raise CommandError(f"no article with id {sorted(missing)}", returncode=2)
        report = ReanchorReport()
        count = 0
        for each in articles.only("body").order_by("pk").iterator(chunk_size=200):
            report.add(reanchor_article(article=each))
            count += 1
        self.stdout.write(
            f"re-anchored appearances in {count} articles: {report.summary()} "
            f"in {time.monotonic() - started:.1f} s"
        )
