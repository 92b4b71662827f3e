"""JSON lookups behind the autocompleting inputs (`static/js/source-autocomplete.js`)."""

from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, JsonResponse

from articles.models import Source

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
