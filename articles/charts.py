"""Small SVG charts for the dashboard, drawn on the server.

Pure: plain numbers and labels in (no ORM, no request), a `Chart` out, which
`templates/partials/chart.html` shows as a `<figure>` with its caption, the SVG, a text
legend and a table of the same numbers. Every piece of markup is built with `format_html`,
so labels that come from the desk (a claimant's name, a tag) are always escaped.

No script, no inline style (the CSP forbids both): shapes carry SVG presentation
attributes (`fill`) as a fallback and classes that `static/css/newsdesk.css` colours for
the light and the dark theme; text and axes use `currentColor`, so they follow the theme.
Colour never carries meaning alone: series are named in the legend and the table, and
stacked segments tall enough to hold it show their series' short name.

Not for reading the database (`articles/selectors.py` does that) nor for choosing what the
dashboard shows (`articles/views/dashboard.py`).
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from math import floor, log10

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

# The viewBox of every chart; the SVG scales to its container's width.
WIDTH = 560
COLUMNS_HEIGHT = 200
BAR_ROW = 22
LABEL_WIDTH = 190
LABEL_CHARS = 30


@dataclass(frozen=True)
class Series:
    """One stacked series: `key` in the data, `short` drawn inside tall segments,
    `label` in the legend, `heading` its column in the table (the label if empty), `css`
    the class that colours it, `fill` the colour used where the stylesheet is not
    applied, `ink` the colour of `short` on it."""

    key: str
    short: str
    label: str
    css: str
    fill: str
    ink: str = "#ffffff"
    heading: str = ""


@dataclass(frozen=True)
class Chart:
    """What the chart partial shows. `svg` is None when there is nothing to draw, and the
    figure shows `empty_message` instead; the table is there either way."""

    slug: str
    title: str
    summary: str
    svg: SafeString | None
    empty_message: str
    columns: list[str]
    rows: list[list]
    legend: list[Series] = field(default_factory=list)


# Okabe–Ito colours (distinguishable with the common colour-vision deficiencies), from the
# most reliable grade to the least; "cannot be judged" and unrated in neutral greys.
GRADE_COLOURS = {
    "A": ("#0072b2", "#ffffff"),
    "B": ("#56b4e9", "#111111"),
    "C": ("#009e73", "#ffffff"),
    "D": ("#e69f00", "#111111"),
    "E": ("#d55e00", "#ffffff"),
    "F": ("#7d848b", "#ffffff"),
    "": ("#c4c8cc", "#111111"),
}


def grade_series(grades: Sequence[tuple[str, str]]) -> list[Series]:
    """Series for reliability grades given as (grade, label) pairs, `""` meaning unrated."""
    series = []
    for key, label in grades:
        fill, ink = GRADE_COLOURS.get(key, GRADE_COLOURS[""])
        css = f"chart-grade-{key.lower() or 'unrated'}"
        series.append(Series(key, key or "–", label, css, fill, ink, key or "Unrated"))
    return series


def day_range(last: date, days: int = 30) -> list[date]:
    """The `days` days ending with `last`, oldest first."""
    return [last - timedelta(days=n) for n in range(days - 1, -1, -1)]


def nice_ceiling(value: int) -> int:
    """The smallest of 1, 2, 5 × 10ⁿ (n ≥ 0) that is at least `value`: a round top for an
    axis."""
    if value <= 1:
        return 1
    magnitude = 10 ** floor(log10(value))
    for step in (1, 2, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10 * magnitude  # pragma: no cover - the loop always returns


def _ticks(top: int) -> list[int]:
    if top <= 4:
        return list(range(top + 1))
    return [0, top // 2, top] if top % 2 == 0 else [0, top]


def _join(parts) -> SafeString:
    # Every part was built by format_html (or is a SafeString): joining keeps them safe.
    return mark_safe("".join(parts))


def _svg(slug: str, title: str, summary: str, height: int, body: SafeString) -> SafeString:
    return format_html(
        '<svg class="chart-svg" viewBox="0 0 {} {}" role="img" aria-label="{}" '
        'aria-labelledby="chart-{}-svg-title" xmlns="http://www.w3.org/2000/svg">'
        '<title id="chart-{}-svg-title">{}</title>{}</svg>',
        WIDTH,
        height,
        summary,
        slug,
        slug,
        title,
        body,
    )


def _day_label(day: date) -> str:
    return f"{day.day} {day:%b}"


def _plural(n: int, unit: str) -> str:
    return f"{n} {unit}{'' if n == 1 else 's'}"


def stacked_day_chart(
    *,
    slug: str,
    title: str,
    per_day: Mapping[date, Mapping[str, int]],
    days: Sequence[date],
    series: Sequence[Series],
    unit: str,
    empty_message: str,
) -> Chart:
    """A column per day, each stacked by series (bottom to top in `series` order), with a
    y axis, a date every week on the x axis and the series' short names in segments tall
    enough to hold them. The table: a row per day, a column per series and the total."""
    totals = [sum(per_day.get(day, {}).get(s.key, 0) for s in series) for day in days]
    columns = ["Day", *(s.heading or s.label for s in series), "Total"]
    rows = [
        [day.isoformat(), *(per_day.get(day, {}).get(s.key, 0) for s in series), total]
        for day, total in zip(days, totals, strict=True)
    ]
    grand_total = sum(totals)
    legend = list(series) if len(series) > 1 else []
    if not grand_total:
        return Chart(slug, title, "", None, empty_message, columns, rows, legend)

    busiest = max(range(len(days)), key=lambda i: (totals[i], i))
    summary = (
        f"{title}: {_plural(grand_total, unit)} from {_day_label(days[0])} to "
        f"{_day_label(days[-1])}, most on {_day_label(days[busiest])} ({totals[busiest]})."
    )
    top = nice_ceiling(max(totals))
    left, right, upper, lower = 34, 6, 8, 24
    plot_w, plot_h = WIDTH - left - right, COLUMNS_HEIGHT - upper - lower
    slot = plot_w / len(days)
    bar_w = max(slot * 0.72, 1)
    baseline = upper + plot_h

    parts = []
    for tick in _ticks(top):
        y = baseline - tick / top * plot_h
        parts.append(
            format_html(
                '<line class="chart-grid" x1="{}" x2="{}" y1="{}" y2="{}" stroke="currentColor"'
                ' stroke-opacity="0.18"/>'
                '<text class="chart-tick" x="{}" y="{}" text-anchor="end" fill="currentColor"'
                ' font-size="11">{}</text>',
                left,
                WIDTH - right,
                f"{y:.1f}",
                f"{y:.1f}",
                left - 5,
                f"{y + 4:.1f}",
                tick,
            )
        )
    for i, day in enumerate(days):
        x = left + i * slot + (slot - bar_w) / 2
        y = baseline
        for s in series:
            n = per_day.get(day, {}).get(s.key, 0)
            if not n:
                continue
            h = n / top * plot_h
            y -= h
            parts.append(
                format_html(
                    '<rect class="chart-seg {}" x="{}" y="{}" width="{}" height="{}" fill="{}"'
                    ' data-value="{}"><title>{}: {}, {}</title></rect>',
                    s.css,
                    f"{x:.1f}",
                    f"{y:.2f}",
                    f"{bar_w:.1f}",
                    f"{h:.2f}",
                    s.fill,
                    n,
                    day.isoformat(),
                    _plural(n, unit),
                    s.label,
                )
            )
            if len(series) > 1 and h >= 13 and bar_w >= 8:
                parts.append(
                    format_html(
                        '<text class="chart-seg-label {}" x="{}" y="{}" text-anchor="middle"'
                        ' fill="{}" font-size="10" aria-hidden="true">{}</text>',
                        s.css,
                        f"{x + bar_w / 2:.1f}",
                        f"{y + h / 2 + 3.5:.1f}",
                        s.ink,
                        s.short,
                    )
                )
        if (len(days) - 1 - i) % 7 == 0:
            parts.append(
                format_html(
                    '<text class="chart-tick" x="{}" y="{}" text-anchor="middle"'
                    ' fill="currentColor" font-size="11">{}</text>',
                    f"{x + bar_w / 2:.1f}",
                    baseline + 16,
                    _day_label(day),
                )
            )
    parts.append(
        format_html(
            '<line class="chart-axis" x1="{}" x2="{}" y1="{}" y2="{}" stroke="currentColor"/>',
            left,
            WIDTH - right,
            baseline,
            baseline,
        )
    )
    svg = _svg(slug, title, summary, COLUMNS_HEIGHT, _join(parts))
    return Chart(slug, title, summary, svg, empty_message, columns, rows, legend)


def _shortened(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…"


def bar_chart(
    *,
    slug: str,
    title: str,
    items: Sequence[tuple[str, int]],
    unit: str,
    empty_message: str,
    columns: Sequence[str] = ("Label", "Count"),
    rows: Sequence[Sequence] | None = None,
) -> Chart:
    """A horizontal bar per (label, value), in the order given, the label on the left
    (shortened, in full on hover and in the table) and the value after the bar. The table
    is (label, value) per item unless `rows` (with `columns`) gives more detail."""
    table = [list(row) for row in rows] if rows is not None else [list(i) for i in items]
    total = sum(value for _, value in items)
    if not total:
        return Chart(slug, title, "", None, empty_message, list(columns), table)

    summary = f"{title}: " + "; ".join(f"{label} {value}" for label, value in items) + "."
    top = max(value for _, value in items)
    bar_x, value_room, upper = LABEL_WIDTH + 8, 44, 4
    plot_w = WIDTH - bar_x - value_room
    height = upper * 2 + BAR_ROW * len(items)
    parts = []
    for i, (label, value) in enumerate(items):
        y = upper + i * BAR_ROW
        w = value / top * plot_w
        parts.append(
            format_html(
                '<g class="chart-row"><title>{}: {}</title>'
                '<text class="chart-label" x="{}" y="{}" text-anchor="end" fill="currentColor"'
                ' font-size="12">{}</text>'
                '<rect class="chart-bar" x="{}" y="{}" width="{}" height="{}" fill="#1f5fa8"'
                ' data-value="{}"/>'
                '<text class="chart-value" x="{}" y="{}" fill="currentColor" font-size="12">'
                "{}</text></g>",
                label,
                _plural(value, unit),
                LABEL_WIDTH,
                y + 15,
                _shortened(label),
                bar_x,
                y + 3,
                f"{w:.2f}",
                BAR_ROW - 6,
                value,
                f"{bar_x + w + 5:.2f}",
                y + 15,
                value,
            )
        )
    parts.append(
        format_html(
            '<line class="chart-axis" x1="{}" x2="{}" y1="{}" y2="{}" stroke="currentColor"/>',
            bar_x,
            bar_x,
            upper,
            height - upper,
        )
    )
    svg = _svg(slug, title, summary, height, _join(parts))
    return Chart(slug, title, summary, svg, empty_message, list(columns), table)
