"""Load the seed fixture into a database that holds no articles yet; otherwise do nothing.

`make run` calls this on every start so the seed lands exactly once. To reload by hand,
`python manage.py loaddata seed` into an empty database.
"""

from django.core.management import call_command
from django.core.management.base import BaseCommand

from articles.models import Article


class Command(BaseCommand):
    help = "Load fixtures/seed.json unless the database already holds articles."

    def handle(self, *args, **options):
        if Article.objects.exists():
            self.stdout.write("seed: database already holds articles, nothing loaded")
            return
        call_command("loaddata", "seed", verbosity=0)
        self.stdout.write(f"seed: loaded {Article.objects.count()} articles")
