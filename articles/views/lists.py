"""What every filtered list page does: bind the filters, build the table, paginate it
lazily (LazyPaginator fetches one row past the page to know whether there is a next one,
instead of counting the whole filtered table on every page), and render — with the
signed-in user's saved views of the list, its export link and, for people who may act on
the rows, a checkbox per row for the bulk actions."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django_tables2 import LazyPaginator, RequestConfig

from articles.models import SavedView
from articles.services.saved_views import filter_query
from articles.tables import PER_PAGE, SELECTED, SelectColumn


def render_list(
    request: HttpRequest,
    template: str,
    *,
    filterset,
    table_class,
    list_url: str,
    caption: str,
    export_url: str | None = None,
    bulk=None,
) -> HttpResponse:
    """`export_url`: the URL name of the list's CSV export. `bulk`: the list's bulk
    actions (`articles.forms.BulkForm` subclass bound to the user), or None when the user
    may not act on its rows — then the table has no checkboxes."""
    rows = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    extra = {}
    if bulk is not None:
        extra = {
            "extra_columns": [(SELECTED, SelectColumn())],
            "sequence": (SELECTED, "..."),
        }
    table = table_class(rows, **extra)
    RequestConfig(
        request, paginate={"paginator_class": LazyPaginator, "per_page": PER_PAGE}
    ).configure(table)
    context = {
        "filter": filterset,
        "table": table,
        "list_url": list_url,
        "caption": caption,
        "export_url": export_url,
        "bulk": bulk,
        "saved_views": SavedView.objects.filter(user=request.user, list_name=list_url),
        "current_query": filter_query(request.GET.urlencode()),
    }
    return render(request, template, context)
