"""The landing page: what is in the desk, what is waiting for a person, how the desk has
been growing, and who changed what lately.

The counts and charts group and count whole tables (at 100,000 articles and 300,000
appearances about 400 ms), so the page's figures are computed once per state of the desk
and kept in the cache: the key is `selectors.desk_version()`, which moves with every
recorded change (the activity is read from the same history), so a person who decides a
pair or marks a claim sees the queues move on the next page load. FIGURES_SECONDS bounds
how long figures may lag behind writes that leave no history (a fixture load, a shell).
"""

from datetime import date

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from articles import charts
from articles.models import Credibility, ReliabilityGrade
from articles.selectors import (
    QUEUE_COUNT_CAP,
    articles_imported_per_day,
    articles_per_day_by_grade,
    claims_by_credibility,
    contradicted_claims,
    dashboard_counts,
    desk_version,
    recent_activity,
    top_claimants,
    top_tags,
    unanchored_appearances,
)
from articles.tables import admiralty_cell

# The per-day charts cover this many days, ending today.
CHART_DAYS = 30
UNRATED = ("", "Unrated (–)")
IMPORTED = charts.Series("n", "", "Imported", "series-imported", "#1f5fa8")
FIGURES_SECONDS = 120


def dashboard(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    version = "-".join(str(newest or 0) for newest in desk_version())
    figures = cache.get_or_set(
        f"dashboard:{today.isoformat()}:{version}", lambda: _figures(today), FIGURES_SECONDS
    )
    return render(request, "articles/dashboard.html", {**figures, "queue_cap": QUEUE_COUNT_CAP})


def _figures(today: date) -> dict:
    """Everything the page shows that is read from the desk (the same for every user:
    what a user may follow is decided in the template from their permissions)."""
    return {
        "counts": dashboard_counts(),
        "unanchored": unanchored_appearances(),
        "contradicted": [
            (claim, admiralty_cell(claim.best_grade, claim.credibility))
            for claim in contradicted_claims()
        ],
        "charts": dashboard_charts(today),
        "activity": recent_activity(),
    }


def dashboard_charts(today: date) -> list[charts.Chart]:
    """The dashboard's charts, the per-day ones for the CHART_DAYS days ending `today`:
    one query each."""
    days = charts.day_range(today, CHART_DAYS)
    imported = articles_imported_per_day(days[0], days[-1])
    credibility = claims_by_credibility()
    tags = top_tags()
    claimants = top_claimants()
    return [
        charts.stacked_day_chart(
            slug="articles-per-day",
            title=f"Articles published per day, last {CHART_DAYS} days, by source grade",
            per_day=articles_per_day_by_grade(days[0], days[-1]),
            days=days,
            series=charts.grade_series([*ReliabilityGrade.choices, UNRATED]),
            unit="article",
            empty_message=f"No article was published in the last {CHART_DAYS} days.",
        ),
        charts.stacked_day_chart(
            slug="imports-per-day",
            title=f"Articles imported per day, last {CHART_DAYS} days",
            per_day={day: {IMPORTED.key: n} for day, n in imported.items()},
            days=days,
            series=[IMPORTED],
            unit="article",
            empty_message=f"Nothing was imported in the last {CHART_DAYS} days.",
        ),
        charts.bar_chart(
            slug="claims-by-credibility",
            title="Claims by credibility",
            items=[(label, credibility[value]) for value, label in Credibility.choices],
            unit="claim",
            empty_message="No claims yet.",
            columns=("Credibility", "Claims"),
        ),
        charts.bar_chart(
            slug="top-claimants",
            title="Top claimants, by appearances",
            items=claimants,
            unit="appearance",
            empty_message="No appearance names a claimant yet.",
            columns=("Claimant (as stated)", "Appearances"),
        ),
        charts.bar_chart(
            slug="top-tags",
            title="Top tags, on claims and articles",
            items=[(name, n_claims + n_articles) for name, n_claims, n_articles in tags],
            unit="use",
            empty_message="No tags in use yet.",
            columns=("Tag", "Claims", "Articles", "Total"),
            rows=[(name, c, a, c + a) for name, c, a in tags],
        ),
    ]
