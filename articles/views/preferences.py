"""A person's settings for this browser session: for now, whether single-key shortcuts
(j/k/o, ?, /, and the review page's keys) are on. base.html reads it into
`<body data-shortcuts>`, which every shortcut script honours."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

# The session key; base.html reads it as `request.session.shortcuts_off`.
SHORTCUTS_OFF = "shortcuts_off"


@login_required
@require_POST
def shortcuts_toggle(request: HttpRequest) -> HttpResponse:
    """Turn single-key shortcuts off (`enabled=0`) or on (`enabled=1`), then go back to
    `next` (a path on this site)."""
    request.session[SHORTCUTS_OFF] = request.POST.get("enabled") == "0"
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back = "dashboard"
    return redirect(back)
