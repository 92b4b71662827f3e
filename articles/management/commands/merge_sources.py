"""`manage.py merge_sources KEEP MERGE...`: fold duplicate sources into one."""

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from articles.models import Source
from articles.services.sources import merge_sources


class Command(BaseCommand):
    help = (
        "Move the articles, ratings, proposals, domains and aliases of each MERGE source "
        "into KEEP (names or slugs); merged names become aliases of KEEP. Recorded in history."
    )

    def add_arguments(self, parser):
        parser.add_argument("keep", help="The source that stays.")
        parser.add_argument("merge", nargs="+", help="Sources folded into it.")

    def handle(self, *args, keep: str, merge: list[str], **options):
        kept = _source(keep)
        merged = [_source(name) for name in merge]
        if any(source.pk == kept.pk for source in merged):
            raise CommandError(f"{kept.name!r} cannot be merged into itself", returncode=2)
        moved = merge_sources(keep=kept, merge=merged)
        names = ", ".join(source.name for source in merged)
        counts = ", ".join(f"{count} {what}" for what, count in moved.items())
        self.stdout.write(f"merged {names} into {kept.name}: moved {counts}")


def _source(name: str) -> Source:
    found = Source.objects.filter(Q(name__iexact=name) | Q(slug=name)).first()
    if found is None:
        raise CommandError(f"no source named {name!r}", returncode=2)
    return found
