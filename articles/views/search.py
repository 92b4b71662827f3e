"""The search page (`/search/?q=`): a query, its filters, and one page of ranked hits.

The page only translates between the query string and `articles.search.search()`, which
does the searching, ranking, folding of duplicates and escaping of snippets. Pages are
found by asking for one hit more than shown, never by counting every match.
"""

from django import forms
from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from articles.filters import SourceFieldFilter, ToggleInput
from articles.models import ReliabilityGrade
from articles.search import KINDS, MAX_CANDIDATES, Hit, search
from articles.tables import admiralty_cell, grade_label

PER_PAGE = 20
# Deep pages are cheap (the database ranks at most MAX_CANDIDATES matches) but no one
# reads them; a hand-written page=10**9 must not reach the database.
MAX_PAGE = MAX_CANDIDATES // PER_PAGE

KIND_CHOICES = [("", "Articles and claims"), ("article", "Articles"), ("claim", "Claims")]


class SearchForm(forms.Form):
    q = forms.CharField(
        required=False,
        strip=True,
        label="Search",
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "data-search-box": "",
                "autocomplete": "off",
                "aria-describedby": "search-help",
            }
        ),
    )
    kind = forms.ChoiceField(choices=KIND_CHOICES, required=False, label="Type")
    source = SourceFieldFilter(label="Source").field
    grade = forms.ChoiceField(
        choices=[("", "Any grade"), *ReliabilityGrade.choices],
        required=False,
        label="Source grade",
        help_text="An article's source now; a claim's best source.",
    )
    published_from = forms.DateField(
        required=False, label="From", widget=forms.DateInput(attrs={"type": "date"})
    )
    published_to = forms.DateField(
        required=False, label="To", widget=forms.DateInput(attrs={"type": "date"})
    )
    archived = forms.BooleanField(required=False, label="Include archived", widget=ToggleInput)
    page = forms.IntegerField(required=False, min_value=1, max_value=MAX_PAGE)

    def clean(self):
        data = super().clean()
        start, end = data.get("published_from"), data.get("published_to")
        if start and end and start > end:
            self.add_error("published_to", "The end of the range is before its start.")
        return data


def _row(hit: Hit) -> dict:
    """What a hit shows beside its snippet: an article's source grade, a claim's code."""
    if hit.kind == "article":
        return {"hit": hit, "grade": grade_label(hit.object.source_grade)}
    return {"hit": hit, "admiralty": admiralty_cell(hit.object.best_grade, hit.object.credibility)}


@permission_required("articles.view_article", raise_exception=True)
def search_page(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET)
    results, page = None, 1
    if form.is_valid() and form.cleaned_data["q"]:
        data = form.cleaned_data
        page = data["page"] or 1
        results = search(
            data["q"],
            kinds=(data["kind"],) if data["kind"] else KINDS,
            source=data["source"],
            grade=data["grade"] or None,
            date_from=data["published_from"],
            date_to=data["published_to"],
            include_archived=data["archived"],
            limit=PER_PAGE,
            offset=(page - 1) * PER_PAGE,
        )
    context = {
        "form": form,
        "query": form.cleaned_data.get("q", ""),
        "results": results,
        "rows": [_row(hit) for hit in results] if results else [],
        "page": page,
        "previous_page": page - 1 if page > 1 else None,
        "next_page": page + 1,
        "first_rank": (page - 1) * PER_PAGE + 1,
        "max_candidates": f"{MAX_CANDIDATES:,}",
    }
    return render(request, "articles/search.html", context)
