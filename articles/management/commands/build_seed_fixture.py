"""Rebuild fixtures/seed.json from fixtures/seed_spec.toml and fixtures/seeds/.

For maintainers changing the seed data; `--check` (used by the tests) fails when the
committed fixture is out of date with the spec.
"""

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from articles.seed_fixture import SeedSpecError, build_seed_fixture

FIXTURES = Path(settings.BASE_DIR) / "fixtures"


def render(objects: list) -> str:
    return json.dumps(objects, ensure_ascii=False, indent=1) + "\n"


class Command(BaseCommand):
    help = "Rebuild fixtures/seed.json from fixtures/seed_spec.toml and the seed documents."

    def add_arguments(self, parser):
        parser.add_argument("--spec", type=Path, default=FIXTURES / "seed_spec.toml")
        parser.add_argument("--seeds", type=Path, default=FIXTURES / "seeds")
        parser.add_argument("--output", type=Path, default=FIXTURES / "seed.json")
        parser.add_argument(
            "--check", action="store_true", help="Only report whether the output is up to date."
        )

    def handle(self, *args, spec: Path, seeds: Path, output: Path, check: bool, **options):
        try:
            text = render(build_seed_fixture(spec, seeds))
        except (OSError, SeedSpecError, KeyError) as error:
            raise CommandError(f"{spec}: {error}") from error
        if check:
            current = output.read_text(encoding="utf-8") if output.exists() else ""
            if current != text:
                raise CommandError(f"{output} is out of date: run build_seed_fixture")
            self.stdout.write(f"{output} is up to date")
            return
        output.write_text(text, encoding="utf-8")
        counts = {}
        for obj in json.loads(text):
            counts[obj["model"]] = counts.get(obj["model"], 0) + 1
        summary = ", ".join(f"{n} {model.split('.')[1]}" for model, n in counts.items())
        self.stdout.write(f"wrote {output}: {summary}")
