"""An article's clean body as HTML with its claim appearances marked. Pure: no ORM.

Every piece of the body is escaped; only the `<mark>` elements around spans are ours.
Overlapping spans are allowed: the body is cut at every span boundary and each piece is
wrapped once, listing every appearance that covers it, so the text inside the container
is exactly the body (the annotation script counts offsets over it).
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe


@dataclass(frozen=True)
class Span:
    id: int
    start: int
    end: int
    label: str  # shown as the mark's tooltip: the claim's text


def highlight(body: str, spans: Iterable[Span]) -> SafeString:
    """`body` escaped, with each piece covered by spans in a `<mark>` naming them
    (`data-appearances="3 7"`, class `overlap` when more than one covers it). Spans
    outside the body or empty are ignored."""
    spans = [
        Span(s.id, max(0, s.start), min(len(body), s.end), s.label)
        for s in spans
        if s.start < s.end and s.start < len(body) and s.end > 0
    ]
    cuts = sorted({0, len(body), *(s.start for s in spans), *(s.end for s in spans)})
    pieces = []
    for a, b in zip(cuts, cuts[1:], strict=False):
        covering = [s for s in spans if s.start <= a and s.end >= b]
        text = body[a:b]
        if not covering:
            pieces.append(escape(text))
            continue
        labels = list(dict.fromkeys(s.label for s in covering))
        pieces.append(
            format_html(
                '<mark class="appearance{}" data-appearances="{}" title="{}">{}</mark>',
                " overlap" if len(covering) > 1 else "",
                " ".join(str(s.id) for s in covering),
                " | ".join(labels),
                text,
            )
        )
    # Each piece is escaped or built by format_html above.
    return mark_safe("".join(pieces))  # noqa: S308
