"""The landing page: what is in the desk and what is waiting for a person."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from articles.selectors import dashboard_counts, unanchored_appearances


def dashboard(request: HttpRequest) -> HttpResponse:
    context = {"counts": dashboard_counts(), "unanchored": unanchored_appearances()}
    return render(request, "articles/dashboard.html", context)
