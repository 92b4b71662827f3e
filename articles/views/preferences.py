"""A person's settings: for now, whether single-key shortcuts (j/k/o, ?, /, and the review
page's keys) are on. Kept for the user (services/preferences.py) and in the session,
which base.html reads into `<body data-shortcuts>`; every shortcut script honours it."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from articles.services.preferences import set_shortcuts


@login_required
@require_POST
def shortcuts_toggle(request: HttpRequest) -> HttpResponse:
    """Turn single-key shortcuts off (`enabled=0`) or on (`enabled=1`), then go back to
    `next` (a path on this site)."""
    set_shortcuts(
        user=request.user, session=request.session, enabled=request.POST.get("enabled") != "0"
    )
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back = "dashboard"
    return redirect(back)
