"""What every filtered list page does: bind the filters, build the table, paginate it
lazily (LazyPaginator fetches one row past the page to know whether there is a next one,
instead of counting the whole filtered table on every page), and render."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django_tables2 import LazyPaginator, RequestConfig

from articles.tables import PER_PAGE


def render_list(
    request: HttpRequest,
    template: str,
    *,
    filterset,
    table_class,
    list_url: str,
    caption: str,
) -> HttpResponse:
    rows = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    table = table_class(rows)
    RequestConfig(
        request, paginate={"paginator_class": LazyPaginator, "per_page": PER_PAGE}
    ).configure(table)
    context = {"filter": filterset, "table": table, "list_url": list_url, "caption": caption}
    return render(request, template, context)
