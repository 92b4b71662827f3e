"""The import page: Analysts and Editors upload files into the same pipeline as the
import_articles command, and see what became of each file and recent batches; the list of
every import batch, and each batch's page."""

from django.conf import settings
from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from articles.filters import ImportBatchFilter
from articles.forms import ImportForm
from articles.models import ImportBatch
from articles.services.imports import DEFAULT_LIMIT_MB, import_uploads
from articles.tables import ImportBatchTable
from articles.uploads import CappedUploadHandler
from articles.views.lists import render_list

RECENT_BATCHES = 10


def _limit_mb() -> float:
    return getattr(settings, "IMPORT_UPLOAD_LIMIT_MB", DEFAULT_LIMIT_MB)


@csrf_exempt  # the upload handler must be set before the CSRF check reads the body
@permission_required("articles.add_importbatch", raise_exception=True)
def import_page(request: HttpRequest) -> HttpResponse:
    handler = None
    if request.method == "POST":
        handler = CappedUploadHandler(request, limit_bytes=int(_limit_mb() * 1024 * 1024))
        request.upload_handlers = [handler]
    return _import_page(request, handler)


@csrf_protect
def _import_page(request: HttpRequest, handler: CappedUploadHandler | None) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        skipped = {name: f"over the {_limit_mb():g} MB size cap" for name in handler.skipped}
        files = form.cleaned_data["files"]
        if files or skipped:
            report = import_uploads(
                files, source=form.cleaned_data["source"], by=request.user, rejected=skipped
            )
        else:
            form.add_error("files", "Choose at least one file to import.")
    batches = ImportBatch.objects.select_related("started_by")[:RECENT_BATCHES]
    context = {"form": form, "report": report, "batches": batches, "limit_mb": _limit_mb()}
    return render(request, "articles/import.html", context)


@permission_required("articles.view_importbatch", raise_exception=True)
def batch_list(request: HttpRequest) -> HttpResponse:
    # Per-file problems can be long: the list shows counts, the batch's page the problems.
    batches = ImportBatch.objects.select_related("started_by").defer("problems")
    return render_list(
        request,
        "articles/import_batch_list.html",
        filterset=ImportBatchFilter(request.GET, queryset=batches),
        table_class=ImportBatchTable,
        list_url="import-batch-list",
        caption="Import batches",
        export_url="import-batch-export",
    )


@permission_required("articles.view_importbatch", raise_exception=True)
def batch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    batch = get_object_or_404(ImportBatch.objects.select_related("started_by"), pk=pk)
    articles = batch.articles.select_related("source").only("title", "source__name")[:200]
    return render(request, "articles/import_batch.html", {"batch": batch, "articles": articles})
