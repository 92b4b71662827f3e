"""JSON lookups behind the autocompleting inputs (`static/js/source-autocomplete.js`)."""

import re

from django.contrib.auth.decorators import permission_required
from django.db.models import Q
from django.http import HttpRequest, JsonResponse

from articles.models import Claim, ClaimStatus, Source

MAX_RESULTS = 20


@permission_required("articles.view_source", raise_exception=True)
def sources(request: HttpRequest) -> JsonResponse:
    """`?q=foc` → `[{"id": 3, "name": "Фокус", "alias": "Focus"}, ...]`: at most
    MAX_RESULTS sources whose name or an alias contains `q`, prefix matches first.
    `alias` is the alias that matched when the name did not, else null."""
    text = request.GET.get("q", "").strip()
    if not text:
        return JsonResponse([], safe=False)
    matches = Source.objects.matching(text).only("name")[:MAX_RESULTS]
    return JsonResponse(
        [{"id": s.pk, "name": s.name, "alias": s.matched_alias} for s in matches], safe=False
    )


@permission_required("articles.view_claim", raise_exception=True)
def claims(request: HttpRequest) -> JsonResponse:
    """`?q=430 soldiers` → `[{"id": 1, "name": "#1 · Russia captured 430…"}, ...]`: at most
    MAX_RESULTS claims that are not archived, containing every word of `q` (or numbered `q`;
    `#q` asks for the number only), most recently updated first. `name` is what the claim
    field accepts."""
    text = request.GET.get("q", "").strip()
    if not text:
        return JsonResponse([], safe=False)
    found = Claim.objects.exclude(status=ClaimStatus.ARCHIVED)
    if number := re.fullmatch(r"#(\d+)", text):
        found = found.filter(pk=int(number.group(1)))
    else:
        words = Q()
        for word in text.split()[:8]:
            words &= Q(text__icontains=word)
        found = found.filter(words | Q(pk=int(text)) if text.isdigit() else words)
    found = found.only("text").order_by("-updated_at", "-id")[:MAX_RESULTS]
    return JsonResponse(
        [{"id": c.pk, "name": f"#{c.pk} · {_short(c.text)}", "alias": None} for c in found],
        safe=False,
    )


def _short(text: str, limit: int = 100) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
