"""The dashboard's SVG charts (articles/charts.py): plain numbers in, escaped and accessible
markup out. No database."""

import re
import xml.etree.ElementTree as ET
from datetime import date

import pytest
from django.template.loader import render_to_string

from articles import charts

SVG = "{http://www.w3.org/2000/svg}"
GRADES = [
    ("A", "A – Completely reliable"),
    ("B", "B – Usually reliable"),
    ("C", "C – Fairly reliable"),
    ("D", "D – Not usually reliable"),
    ("E", "E – Unreliable"),
    ("F", "F – Reliability cannot be judged"),
    ("", "Unrated"),
]
HOSTILE = '<script>alert("x")</script> & <img src=x onerror=alert(1)>'
DAYS = charts.day_range(date(2026, 3, 30), 30)


def _parse(chart: charts.Chart) -> ET.Element:
    """The SVG as XML: it must be well-formed, so nothing unescaped got in."""
    return ET.fromstring(str(chart.svg))


def _values(root: ET.Element, tag: str, attribute: str) -> dict[int, float]:
    """data-value → the drawn size of each shape carrying one."""
    return {
        int(shape.get("data-value")): float(shape.get(attribute))
        for shape in root.iter(f"{SVG}{tag}")
        if shape.get("data-value")
    }


def grade_chart(per_day) -> charts.Chart:
    return charts.stacked_day_chart(
        slug="per-day",
        title="Articles per day",
        per_day=per_day,
        days=DAYS,
        series=charts.grade_series(GRADES),
        unit="article",
        empty_message="No article was published in the last 30 days.",
    )


def bars(items, **kwargs) -> charts.Chart:
    return charts.bar_chart(
        slug="bars", title="Top claimants", items=items, unit="appearance",
        empty_message="No claimant yet.", **kwargs,
    )  # fmt: skip


# Escaping


def test_bar_labels_are_escaped_in_the_svg():
    chart = bars([(HOSTILE, 3), ("Putin", 1)])

    svg = str(chart.svg)

    assert "<script" not in svg and "<img" not in svg
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in svg
    labels = [text.text for text in _parse(chart).iter(f"{SVG}text")]
    assert any(label.startswith('<script>alert("x")') for label in labels)


def test_hostile_labels_are_escaped_in_the_table_and_the_summary():
    html = render_to_string("partials/chart.html", {"chart": bars([(HOSTILE, 2)])})

    assert "<script" not in html and "<img" not in html
    assert html.count("&lt;script&gt;") >= 3  # the SVG title, label and aria-label; the table


def test_long_labels_are_shortened_on_the_bar_and_whole_on_hover():
    name = "Kremlin spokesperson Dmitry Peskov, speaking to reporters"

    root = _parse(bars([(name, 1)]))

    texts = [text.text for text in root.iter(f"{SVG}text")]
    assert "Kremlin spokesperson Dmitry P…" in texts
    assert f"{name}: 1 appearance" in [title.text for title in root.iter(f"{SVG}title")]


# Proportions


def test_bar_lengths_are_proportional_to_the_values():
    root = _parse(bars([("a", 8), ("b", 4), ("c", 1)]))

    widths = _values(root, "rect", "width")

    assert widths[4] == pytest.approx(widths[8] / 2)
    assert widths[1] == pytest.approx(widths[8] / 8)


def test_stacked_segment_heights_are_proportional_and_stack_to_the_day_total():
    per_day = {DAYS[0]: {"A": 6, "": 2}, DAYS[5]: {"B": 3}, DAYS[-1]: {"C": 1}}

    root = _parse(grade_chart(per_day))

    heights = _values(root, "rect", "height")
    assert heights[6] == pytest.approx(3 * heights[2])
    assert heights[3] == pytest.approx(3 * heights[1])
    segments = [rect for rect in root.iter(f"{SVG}rect") if rect.get("data-value")]
    a, unrated = segments[0], segments[1]  # the first day, A at the bottom
    assert float(unrated.get("y")) + float(unrated.get("height")) == pytest.approx(
        float(a.get("y"))
    )


def test_the_axis_tops_at_a_round_number_at_or_above_the_highest_day():
    assert [charts.nice_ceiling(n) for n in (0, 1, 2, 3, 7, 10, 11, 38, 120, 999)] == [
        1, 1, 2, 5, 10, 10, 20, 50, 200, 1000,
    ]  # fmt: skip


# Empty data


def test_no_data_draws_nothing_and_says_so():
    for chart in (grade_chart({}), bars([]), bars([("1 – Confirmed", 0)])):
        html = render_to_string("partials/chart.html", {"chart": chart})

        assert chart.svg is None
        assert "<svg" not in html
        assert chart.empty_message in html


def test_an_empty_day_chart_still_tables_every_day_with_zeros():
    chart = grade_chart({})

    assert [row[0] for row in chart.rows] == [day.isoformat() for day in DAYS]
    assert {cell for row in chart.rows for cell in row[1:]} == {0}


# Legend, grades as text, accessibility


def test_the_legend_names_every_grade_in_text():
    html = render_to_string("partials/chart.html", {"chart": grade_chart({DAYS[3]: {"B": 2}})})

    legend = re.search(r'<ul class="chart-legend".*?</ul>', html, re.S).group(0)
    assert [re.sub(r"<[^>]+>", "", item).strip() for item in legend.split("</li>")[:-1]] == [
        label for _, label in GRADES
    ]


def test_tall_segments_carry_their_grade_letter():
    root = _parse(grade_chart({DAYS[10]: {"A": 5, "E": 5}, DAYS[11]: {"B": 1}}))

    letters = [
        text.text for text in root.iter(f"{SVG}text") if "chart-seg-label" in text.get("class")
    ]
    assert letters == ["A", "E", "B"]


def test_every_segment_names_its_day_grade_and_count_on_hover():
    root = _parse(grade_chart({DAYS[2]: {"D": 3}}))

    titles = [title.text for title in root.iter(f"{SVG}title")]
    assert f"{DAYS[2].isoformat()}: 3 articles, D – Not usually reliable" in titles


def test_the_svg_is_an_image_with_a_title_and_a_summary_of_its_numbers():
    chart = grade_chart({DAYS[3]: {"A": 2}, DAYS[9]: {"A": 1, "B": 4}})

    root = _parse(chart)

    assert root.get("role") == "img"
    assert root.find(f"{SVG}title").text == "Articles per day"
    assert root.get("aria-label") == (
        "Articles per day: 7 articles from 1 Mar to 30 Mar, most on 10 Mar (5)."
    )


def test_the_table_holds_the_numbers_per_day_and_grade():
    chart = grade_chart({DAYS[9]: {"A": 1, "B": 4}})

    assert chart.columns == ["Day", "A", "B", "C", "D", "E", "F", "Unrated", "Total"]
    assert chart.rows[9] == ["2026-03-10", 1, 4, 0, 0, 0, 0, 0, 5]


def test_a_detailed_table_can_replace_the_label_value_rows():
    chart = bars(
        [("place:Kursk", 14)], columns=("Tag", "Claims", "Articles", "Total"),
        rows=[("place:Kursk", 9, 5, 14)],
    )  # fmt: skip

    html = render_to_string("partials/chart.html", {"chart": chart})

    assert re.search(r'<th scope="row">place:Kursk</th><td class="num">9</td>', html)


def test_charts_carry_no_style_attribute_for_the_csp():
    charts_drawn = [grade_chart({DAYS[0]: {"A": 20, "F": 3}}), bars([("x", 1)])]

    for chart in charts_drawn:
        html = render_to_string("partials/chart.html", {"chart": chart})
        assert "style=" not in html


def test_text_and_axes_follow_the_theme_colour():
    root = _parse(grade_chart({DAYS[0]: {"C": 2}}))

    assert {line.get("stroke") for line in root.iter(f"{SVG}line")} == {"currentColor"}
    unlabelled = [t for t in root.iter(f"{SVG}text") if "chart-seg-label" not in t.get("class")]
    assert {text.get("fill") for text in unlabelled} == {"currentColor"}


def test_day_range_ends_with_the_last_day_oldest_first():
    days = charts.day_range(date(2026, 3, 1), 30)

    assert (len(days), days[0], days[-1]) == (30, date(2026, 1, 31), date(2026, 3, 1))
