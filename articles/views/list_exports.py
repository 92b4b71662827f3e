"""CSV exports of the article, source, duplicate and import batch lists as currently
filtered (the claim list has its own, in more formats: views/claims.py). Streamed in
primary-key chunks by `articles/exports.py`, every cell that a spreadsheet would run as a
formula escaped."""

from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, StreamingHttpResponse
from django.utils import timezone

from articles import exports
from articles.filters import ArticleFilter, DuplicateFilter, ImportBatchFilter, SourceFilter
from articles.models import Article, DuplicateCandidate, ImportBatch, Source


@permission_required("articles.view_article", raise_exception=True)
def article_export(request: HttpRequest) -> HttpResponse:
    filterset = ArticleFilter(request.GET, queryset=Article.objects.all())
    return _stream(filterset, "articles", exports.article_records, exports.ARTICLE_FIELDS)


@permission_required("articles.view_source", raise_exception=True)
def source_export(request: HttpRequest) -> HttpResponse:
    filterset = SourceFilter(request.GET, queryset=Source.objects.for_list())
    return _stream(filterset, "sources", exports.source_list_records, exports.SOURCE_LIST_FIELDS)


@permission_required("articles.view_duplicatecandidate", raise_exception=True)
def duplicate_export(request: HttpRequest) -> HttpResponse:
    filterset = DuplicateFilter(request.GET, queryset=DuplicateCandidate.objects.for_list())
    return _stream(filterset, "duplicates", exports.duplicate_records, exports.DUPLICATE_FIELDS)


@permission_required("articles.view_importbatch", raise_exception=True)
def import_batch_export(request: HttpRequest) -> HttpResponse:
    filterset = ImportBatchFilter(request.GET, queryset=ImportBatch.objects.all())
    return _stream(filterset, "import-batches", exports.batch_records, exports.BATCH_FIELDS)


def _stream(filterset, name: str, records, fields: list[str]) -> HttpResponse:
    if not filterset.is_valid():
        errors = "; ".join(f"{field}: {' '.join(e)}" for field, e in filterset.errors.items())
        return HttpResponseBadRequest(f"Correct the filters: {errors}".encode())
    response = StreamingHttpResponse(
        exports.csv_rows(records(filterset.qs), fields), content_type="text/csv; charset=utf-8"
    )
    filename = f"{name}-{timezone.localdate():%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
