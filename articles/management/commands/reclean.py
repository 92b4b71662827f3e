"""Re-derive article bodies from their kept raw input with the current cleaning rules and
each source's learned boilerplate; appearances re-anchor in the same transaction.

Exit status: 0 on success, 1 when some article could not be re-cleaned, 2 on bad usage.
"""

from django.core.management.base import BaseCommand, CommandError

from articles.models import Source
from articles.services.cleaning import learn_source_boilerplate, reclean_articles


class Command(BaseCommand):
    help = "Re-derive article bodies from their raw input (all sources, or one)."

    def add_arguments(self, parser):
        parser.add_argument("--source", default="", help="Only this source (name or slug).")
        parser.add_argument(
            "--learn",
            action="store_true",
            help="First re-learn each source's boilerplate from its latest articles.",
        )

    def handle(self, *args, source, learn, **options):
        sources = Source.objects.all()
        if source:
            sources = sources.filter(name__iexact=source) | sources.filter(slug=source)
            if not sources.exists():
                raise CommandError(f"no source named {source!r}", returncode=2)
        if learn:
            for each in sources:
                keys = learn_source_boilerplate(source=each)
                self.stdout.write(f"{each.name}: {len(keys)} boilerplate lines learned")
        report = reclean_articles(source=sources.get() if source else None)
        self.stdout.write(report.summary())
        if report.failed:
            raise SystemExit(1)
