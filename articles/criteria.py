"""An optional checklist behind a reliability grade, modelled on NewsGuard's nine weighted
criteria for rating news sites (credibility criteria first, transparency last; the
weights sum to 100). A rating may record, for each criterion, pass or fail and a note;
the weighted score is shown next to the grade. Pure data and arithmetic."""

from typing import NamedTuple


class Criterion(NamedTuple):
    key: str
    label: str
    weight: float


CRITERIA: tuple[Criterion, ...] = (
    Criterion("false_content", "Does not repeatedly publish false content", 22),
    Criterion("responsible", "Gathers and presents information responsibly", 18),
    Criterion("corrections", "Regularly corrects or clarifies errors", 12.5),
    Criterion("news_opinion", "Handles the difference between news and opinion responsibly", 12.5),
    Criterion("headlines", "Avoids deceptive headlines", 10),
    Criterion("ownership", "Discloses ownership and financing", 7.5),
    Criterion("advertising", "Clearly labels advertising", 7.5),
    Criterion("in_charge", "Reveals who is in charge, including possible conflicts of interest", 5),
    Criterion("creators", "Names its content creators, with contact or biographical details", 5),
)
BY_KEY = {criterion.key: criterion for criterion in CRITERIA}


def clean(checklist: dict) -> dict:
    """Only known criteria, each as {"pass": bool, "note": str}; raises ValueError naming
    what is wrong, for a service to turn into a validation message."""
    cleaned = {}
    for key, answer in (checklist or {}).items():
        if key not in BY_KEY:
            raise ValueError(f"unknown criterion {key!r}")
        if not isinstance(answer, dict) or not isinstance(answer.get("pass"), bool):
            raise ValueError(f"criterion {key!r} needs pass: true or false")
        cleaned[key] = {"pass": answer["pass"], "note": str(answer.get("note", "")).strip()}
    return cleaned


def weighted_score(checklist: dict) -> float | None:
    """Points of the criteria passed out of 100, or None when the checklist is empty.
    Criteria not answered count as failed, as NewsGuard scores them."""
    if not checklist:
        return None
    return sum(c.weight for c in CRITERIA if checklist.get(c.key, {}).get("pass") is True)
