"""Load the seed fixture into a database that holds no articles yet; otherwise do nothing.

`make run` calls this on every start so the seed lands exactly once. To reload by hand,
`python manage.py loaddata seed` into an empty database (without the history records).
"""

import json
from collections import defaultdict

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from articles.models import Article
from articles.services.history import snapshot_m2m

SEED = settings.BASE_DIR / "fixtures" / "seed.json"


class Command(BaseCommand):
    help = "Load fixtures/seed.json unless the database already holds articles."

    def handle(self, *args, **options):
        if Article.objects.exists():
            self.stdout.write("seed: database already holds articles, nothing loaded")
            return
        with transaction.atomic():
            call_command("loaddata", str(SEED), verbosity=0)
            _record_seed_history()
        self.stdout.write(f"seed: loaded {Article.objects.count()} articles")


def _record_seed_history() -> None:
    """One "created" history record (reason "seed", with its tags) for every seeded object
    of a model with history. `loaddata` saves raw, so django-simple-history wrote none, and
    adding the tags wrote a "changed" record by nobody for some objects only."""
    pks = defaultdict(list)
    for item in json.loads(SEED.read_text(encoding="utf-8")):
        if "pk" in item:
            pks[item["model"]].append(item["pk"])
    for label, model_pks in pks.items():
        model = apps.get_model(label)
        if not hasattr(model, "history"):
            continue
        model.history.filter(**{f"{model._meta.pk.attname}__in": model_pks}).delete()
        objects = list(model._default_manager.filter(pk__in=model_pks))
        records = model.history.bulk_history_create(objects, default_change_reason="seed")
        snapshot_m2m(model, records or [])
