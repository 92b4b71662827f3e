"""Create one demo user per role (viewer, analyst, editor) and a superuser (admin) for
local use. Not for production accounts: use `createsuperuser` and the admin there.

Passwords come from DEMO_PASSWORD when set; otherwise each new user gets a random
password, printed once. No password is ever written in the repository. Users that already
exist keep their password unless --reset-passwords is given.
"""

import os
import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction

from articles.roles import ANALYSTS, EDITORS, VIEWERS

DEMO_USERS = [
    ("viewer", VIEWERS, False),
    ("analyst", ANALYSTS, False),
    ("editor", EDITORS, False),
    ("admin", None, True),
]


class Command(BaseCommand):
    help = "Create demo users viewer, analyst, editor (one per role) and admin (superuser)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset-passwords",
            action="store_true",
            help="Give existing demo users a new password too.",
        )

    def handle(self, *args, reset_passwords: bool = False, **options):
        user_model = get_user_model()
        shared_password = os.environ.get("DEMO_PASSWORD", "")
        created = kept = 0
        with transaction.atomic():
            for username, role, is_superuser in DEMO_USERS:
                user, is_new = user_model.objects.get_or_create(
                    username=username,
                    defaults={"is_staff": True, "is_superuser": is_superuser},
                )
                if role:
                    user.groups.set([Group.objects.get(name=role)])
                if is_new or reset_passwords:
                    password = shared_password or secrets.token_urlsafe(12)
                    user.set_password(password)
                    user.save()
                    created += 1
                    shown = "(DEMO_PASSWORD)" if shared_password else password
                    self.stdout.write(f"  {username:<8} {role or 'superuser':<10} {shown}")
                else:
                    kept += 1
        self.stdout.write(
            f"demo users: {created} given a password, {kept} already present (password kept)"
        )
