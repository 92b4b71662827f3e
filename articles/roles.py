"""The three roles and what each may do: the one place that says so.

Viewers read everything. Analysts also import, annotate, tag, propose duplicates and
propose source ratings. Editors also rate sources (and accept or reject proposed ratings),
decide duplicates and set claim credibility. Superusers may do
anything, including deleting in the admin. Views check these permissions on the server;
the groups are created by a data migration and kept in line by `sync_role_groups`.
"""

from django.apps import apps as global_apps

VIEWERS = "Viewers"
ANALYSTS = "Analysts"
EDITORS = "Editors"

_MODELS = [
    "source",
    "sourcedomain",
    "sourcealias",
    "sourcerating",
    "ratingproposal",
    "importbatch",
    "article",
    "duplicatecandidate",
    "claim",
    "appearance",
    "claimlink",
    "tag",
    "suggestiondismissal",
    "savedview",
]

# Tables outside the roles: derived ones no person reads or writes directly (the dedupe
# LSH index), and each person's own settings, which only their owner changes, through
# their own session (views/preferences.py), whatever their role.
INTERNAL_MODELS = frozenset({"fingerprintband", "preference"})

# A saved view is a person's own filters, not a write to the desk: every role keeps its
# own (the views and the service only ever touch the signed-in user's).
_OWN = {"add_savedview", "delete_savedview"}
_VIEW = {f"view_{model}" for model in _MODELS} | _OWN
_ANALYST = _VIEW | {
    "add_importbatch",
    "add_ratingproposal",
    "add_source",
    "add_sourcedomain",
    "add_sourcealias",
    "add_article",
    "change_article",
    "add_duplicatecandidate",
    "add_claim",
    "change_claim",
    "add_appearance",
    "change_appearance",
    "delete_appearance",
    "add_claimlink",
    "add_tag",
    "add_suggestiondismissal",
}
_EDITOR = _ANALYST | {
    "change_source",
    "change_sourcedomain",
    "delete_sourcedomain",
    "change_sourcealias",
    "delete_sourcealias",
    "add_sourcerating",
    "change_ratingproposal",
    "change_duplicatecandidate",
    "decide_duplicatecandidate",
    "set_claim_credibility",
    "change_claimlink",
    "delete_claimlink",
    "change_tag",
}

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    VIEWERS: frozenset(_VIEW),
    ANALYSTS: frozenset(_ANALYST),
    EDITORS: frozenset(_EDITOR),
}


def sync_role_groups(apps=global_apps) -> None:
    """Create the role groups and set each one's permissions to exactly ROLE_PERMISSIONS.

    Takes the app registry so a migration can pass its historical one. Permissions are
    normally created after all migrations run; create them first so a fresh database gets
    complete groups in one `migrate`. A historical registry may predate some models: their
    permissions are left for the later migration that syncs again; with the live registry
    every permission must exist.
    """
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        # create_permissions skips app configs without a models module, which is how a
        # migration's historical registry presents them; restore whatever was there.
        original = getattr(app_config, "models_module", None)
        app_config.models_module = original or True
        try:
            create_permissions(app_config, apps=apps, verbosity=0)
        finally:
            app_config.models_module = original

    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    for role, codenames in ROLE_PERMISSIONS.items():
        group, _ = group_model.objects.get_or_create(name=role)
        permissions = list(
            permission_model.objects.filter(
                content_type__app_label="articles", codename__in=codenames
            )
        )
        missing = set(codenames) - {p.codename for p in permissions}
        if missing and apps is global_apps:
            raise RuntimeError(f"Role {role}: unknown permissions {sorted(missing)}")
        group.permissions.set(permissions)
