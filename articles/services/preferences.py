"""A person's own settings: written here, kept in the database and in their session."""

from django.contrib.auth.models import AbstractBaseUser

from articles.models import Preference

# The session key base.html reads (`request.session.shortcuts_off`).
SHORTCUTS_OFF = "shortcuts_off"


def set_shortcuts(*, user: AbstractBaseUser, session, enabled: bool) -> None:
    """Turn the user's single-key shortcuts on or off, for this session and the next ones."""
    Preference.objects.update_or_create(user=user, defaults={"shortcuts_off": not enabled})
    session[SHORTCUTS_OFF] = not enabled


def restore_preferences(sender, *, request, user, **kwargs) -> None:
    """At login (`user_logged_in`): the user's saved settings into the new session."""
    off = Preference.objects.filter(user=user).values_list("shortcuts_off", flat=True).first()
    request.session[SHORTCUTS_OFF] = bool(off)
