"""The landing page: what is in the desk and what is waiting for a person."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from articles.selectors import dashboard_counts


def dashboard(request: HttpRequest) -> HttpResponse:
    return render(request, "articles/dashboard.html", {"counts": dashboard_counts()})
