"""Writes to claims: annotating spans of articles, editing claims, linking and merging
them, accepting and dismissing suggestions, re-anchoring appearances, and keeping the
stored figures current: each claim's (appearances, independent sources, best source grade)
and each source's track record (articles, claims, flagged claims).

Not for reads (querysets.py, selectors.py) nor for finding suggestions (suggest.py, pure).
Every public function checks the permission itself, validates before writing, writes in
one transaction and records the acting user in the history.
"""

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce

from articles.anchoring import reanchor, selectors
from articles.models import (
    AnchorStatus,
    Appearance,
    Article,
    Claim,
    ClaimLink,
    ClaimStatus,
    ClaimType,
    Credibility,
    LinkRelation,
    Source,
    SuggestionDismissal,
    Tag,
)
from articles.querysets import independence_key, latest_rating, track_record

MAX_CLAIM_TEXT = 2000
MAX_TAGS = 30


# --- Stored figures -------------------------------------------------------------------------


def refresh_claim_stats(
    *,
    claims: Iterable[int] | None = None,
    articles: Iterable[int] | None = None,
    sources: Iterable[int] | None = None,
) -> int:
    """Recompute `n_appearances`, `n_sources` (independent sources, see
    `querysets.independence_key`) and `best_grade` of the claims given, of the claims
    appearing in the articles given, or in the articles of (or derived from) the sources
    given. One UPDATE statement whatever the number of claims; returns how many rows it
    touched. Called by every service that changes appearances, duplicate groups, upstreams
    or ratings."""
    scope = Q(pk__in=[])
    if claims is not None:
        scope |= Q(pk__in=list(claims))
    if articles is not None:
        scope |= Q(pk__in=Appearance.objects.filter(article__in=list(articles)).values("claim"))
    if sources is not None:
        ids = list(sources)
        in_sources = Q(article__source__in=ids) | Q(article__upstream_source__in=ids)
        in_sources |= Q(article__duplicate_of__source__in=ids)
        scope |= Q(pk__in=Appearance.objects.filter(in_sources).values("claim"))

    rows = Appearance.objects.filter(claim=OuterRef("pk")).order_by().values("claim")
    graded = (
        Appearance.objects.filter(claim=OuterRef("pk"))
        .annotate(grade=latest_rating("grade", source="article__source_id"))
        .filter(grade__isnull=False)
        .order_by("grade")
        .values("grade")[:1]
    )
    return Claim.objects.filter(scope).update(
        n_appearances=Coalesce(Subquery(rows.annotate(n=Count("pk")).values("n")), 0),
        n_sources=Coalesce(
            Subquery(rows.annotate(n=Count(independence_key(), distinct=True)).values("n")), 0
        ),
        best_grade=Coalesce(Subquery(graded), Value("")),
    )


def refresh_source_stats(
    *,
    sources: Iterable[int] | None = None,
    claims: Iterable[int] | None = None,
    articles: Iterable[int] | None = None,
    only_articles: bool = False,
) -> int:
    """Recompute the stored track record (`n_articles`, `n_claims`, `n_flagged`, see
    `querysets.track_record`) of the sources given, of the sources of the articles given,
    and of the sources of the articles the claims given appear in. One UPDATE statement
    whatever the number of sources; returns how many rows it touched.

    Scopes are read when it runs: a caller that moves an article to another source, or
    removes an appearance, passes the source (or article) it touched before the change
    too. `only_articles` recounts `n_articles` alone, for imports: new articles carry no
    appearances yet. Called by every service that adds or moves articles or appearances,
    changes a credibility or a "contradicts" link."""
    scope = Q(pk__in=[])
    if sources is not None:
        scope |= Q(pk__in=list(sources))
    if articles is not None:
        scope |= Q(pk__in=Article.objects.filter(pk__in=list(articles)).values("source"))
    if claims is not None:
        scope |= Q(
            pk__in=Appearance.objects.filter(claim__in=list(claims)).values("article__source")
        )
    figures = track_record()
    if only_articles:
        figures = {"n_articles": figures["n_articles"]}
    return Source.objects.filter(scope).update(**figures)


def suggested_credibility(grades: Iterable[str | None]) -> int:
    """The credibility the evidence suggests, from the current grades of a claim's
    independent sources (one grade per independent source; None for unrated):
    three or more graded A–B → 1 (confirmed); two → 2 (probably true); one A–B source, or
    two or more graded A–C → 3 (possibly true); only sources graded D–E → 4 (doubtful);
    otherwise 6 (cannot be judged). An Editor may always choose otherwise, with a reason."""
    grades = list(grades)
    good = sum(grade in ("A", "B") for grade in grades)
    fair = sum(grade in ("A", "B", "C") for grade in grades)
    if good >= 3:
        return Credibility.CONFIRMED
    if good == 2:
        return Credibility.PROBABLE
    if good == 1 or fair >= 2:
        return Credibility.POSSIBLE
    if grades and all(grade in ("D", "E") for grade in grades):
        return Credibility.DOUBTFUL
    return Credibility.UNJUDGED


def independent_source_grades(claim: Claim) -> list[str | None]:
    """One current grade per independent source of the claim (None when unrated)."""
    keys = (
        Appearance.objects.filter(claim=claim)
        .annotate(key=independence_key())
        .values_list("key", flat=True)
        .distinct()
    )
    from articles.models import Source

    return list(
        Source.objects.filter(pk__in=keys)
        .annotate(grade=latest_rating("grade"))
        .values_list("grade", flat=True)
    )


# --- Annotating -----------------------------------------------------------------------------


def annotate(
    *,
    article: Article,
    start: int,
    end: int,
    by,
    claim: Claim | None = None,
    text: str = "",
    claimant: str = "",
    verb: str = "",
    claim_type: str = ClaimType.OTHER,
    credibility: int | None = None,
    tags: Iterable[str] = (),
    notes: str = "",
) -> Appearance:
    """Mark `article.body[start:end]` (Python offsets) as an appearance of `claim`, or of a
    new claim with `text` when `claim` is None. Surrounding whitespace is trimmed from the
    span. A new claim takes the type, tags and notes given, and the credibility if `by`
    may set it (else 6, not yet judged); an existing claim gains the tags. Refuses a span
    outside the body, an empty one, and the same span marked twice for one claim. One
    transaction; returns the new appearance."""
    _require(by, "articles.add_appearance", "Viewers cannot annotate articles.")
    if claim is None:
        _require(by, "articles.add_claim", "You may not create claims.")
    body = article.body
    if 0 <= start == end <= len(body):
        raise ValidationError("The selection is empty: select the claim's words.")
    if not (0 <= start < end <= len(body)):
        raise ValidationError(
            f"The selection {start}–{end} is outside the article's text "
            f"({len(body)} characters); reload the page and select again."
        )
    while start < end and body[start].isspace():
        start += 1
    while end > start and body[end - 1].isspace():
        end -= 1
    if start == end:
        raise ValidationError("The selection holds only whitespace: select the claim's words.")
    errors = {}
    claimant, verb = claimant.strip()[:300], verb.strip()[:100]
    tag_names = _tag_names(tags, errors)
    if claim is None:
        text = _claim_text(text or body[start:end], errors)
        _check_choice(claim_type, ClaimType, "claim_type", errors)
        if credibility is not None:
            _check_choice(credibility, Credibility, "credibility", errors)
    if errors:
        raise ValidationError(errors)
    if credibility not in (None, Credibility.UNJUDGED) and not by.has_perm(
        "articles.set_claim_credibility"
    ):
        raise PermissionDenied("Only Editors set the credibility of claims.")

    with transaction.atomic():
        if claim is None:
            claim = Claim(
                text=text,
                claim_type=claim_type,
                credibility=credibility or Credibility.UNJUDGED,
                notes=notes.strip(),
                created_by=by,
            )
            _save(claim, by, "created by annotating an article")
        else:
            claim = Claim.objects.select_for_update().get(pk=claim.pk)
            if claim.status == ClaimStatus.ARCHIVED:
                raise ValidationError("That claim is archived: choose another or a new one.")
            if Appearance.objects.filter(
                claim=claim, article=article, start=start, end=end
            ).exists():
                raise ValidationError("This passage is already marked for that claim.")
        _add_tags(claim, tag_names, by)
        appearance = Appearance(
            claim=claim,
            article=article,
            claimant=claimant,
            verb=verb,
            anchor_status=AnchorStatus.EXACT,
            created_by=by,
            **selectors(body, start, end),
        )
        _save(appearance, by, "annotated")
        refresh_claim_stats(claims=[claim.pk])
        refresh_source_stats(articles=[article.pk])
    return appearance


def remove_appearance(*, appearance: Appearance, by) -> None:
    """Unmark an appearance (the claim stays, and the history keeps the appearance)."""
    _require(by, "articles.delete_appearance", "You may not remove appearances.")
    with transaction.atomic():
        claim_id, article_id = appearance.claim_id, appearance.article_id
        appearance._history_user = by
        appearance.delete()
        refresh_claim_stats(claims=[claim_id])
        refresh_source_stats(articles=[article_id])


# --- Editing --------------------------------------------------------------------------------


class EditConflict(Exception):
    """The claim changed since the form was loaded: nothing was saved."""

    def __init__(self, current: Claim):
        super().__init__("This claim was changed by someone else since you opened it.")
        self.current = current


ANALYST_FIELDS = ("text", "claim_type", "notes", "tags")
EDITOR_FIELDS = ("credibility", "status", "credibility_rationale")


def update_claim(*, claim: Claim, version: int, by, **changes) -> Claim:
    """Apply `changes` (any of ANALYST_FIELDS and EDITOR_FIELDS) if the claim is still at
    `version` (optimistic lock: else EditConflict carrying the current claim, and nothing
    is written). Analysts edit text, type, notes and tags; only Editors change
    credibility and status, and a credibility other than the suggested one needs a
    rationale. Raises the version by one; returns the saved claim."""
    unknown = set(changes) - set(ANALYST_FIELDS) - set(EDITOR_FIELDS)
    if unknown:
        raise TypeError(f"update_claim: unknown fields {sorted(unknown)}")
    _require(by, "articles.change_claim", "Viewers cannot edit claims.")
    errors: dict[str, str] = {}
    if "text" in changes:
        changes["text"] = _claim_text(changes["text"], errors)
    if "claim_type" in changes:
        _check_choice(changes["claim_type"], ClaimType, "claim_type", errors)
    if "credibility" in changes:
        _check_choice(changes["credibility"], Credibility, "credibility", errors)
    if "status" in changes:
        _check_choice(changes["status"], ClaimStatus, "status", errors)
    tag_names = _tag_names(changes.pop("tags"), errors) if "tags" in changes else None
    if errors:
        raise ValidationError(errors)

    with transaction.atomic():
        current = Claim.objects.select_for_update().get(pk=claim.pk)
        if current.version != version:
            raise EditConflict(current)
        editor_changes = {
            name
            for name in ("credibility", "status")
            if name in changes and changes[name] != getattr(current, name)
        }
        if editor_changes and not by.has_perm("articles.set_claim_credibility"):
            raise PermissionDenied("Only Editors set the credibility and status of claims.")
        if "credibility" in editor_changes:
            rationale = (changes.get("credibility_rationale") or "").strip()
            suggested = suggested_credibility(independent_source_grades(current))
            if changes["credibility"] != suggested and not rationale:
                raise ValidationError(
                    {
                        "credibility_rationale": (
                            f"The evidence suggests {Credibility(suggested).label}: "
                            "say why you chose otherwise."
                        )
                    }
                )
        elif "credibility_rationale" in changes and not by.has_perm(
            "articles.set_claim_credibility"
        ):
            changes.pop("credibility_rationale")
        for name, value in changes.items():
            setattr(current, name, value.strip() if isinstance(value, str) else value)
        current.version += 1
        _save(current, by, "edited")
        if tag_names is not None:
            _set_tags(current, tag_names, by)
        if "credibility" in editor_changes:
            # Rated 5 or 6, or no longer: the track record of its sources changes.
            refresh_source_stats(claims=[current.pk])
    return current


# --- Links ----------------------------------------------------------------------------------


def link_claims(*, from_claim: Claim, to_claim: Claim, relation: str, by, note: str = "") -> Claim:
    """Relate two claims. `same_as` merges: `to_claim`'s appearances, tags, notes and links
    move to `from_claim`, and `to_claim` is archived with a same-as link recording where
    it went (nothing is deleted; each moved appearance has a history record). Returns the
    claim that carries the result (`from_claim`)."""
    _require(by, "articles.add_claimlink", "Viewers cannot link claims.")
    if relation not in LinkRelation.values:
        raise ValidationError({"relation": "Choose how the claims relate."})
    if from_claim.pk == to_claim.pk:
        raise ValidationError("A claim cannot be linked to itself.")
    with transaction.atomic():
        pair = {
            c.pk: c
            for c in Claim.objects.select_for_update().filter(pk__in=[from_claim.pk, to_claim.pk])
        }
        keep, other = pair[from_claim.pk], pair[to_claim.pk]
        if relation == LinkRelation.SAME_AS:
            _merge(keep, other, by)
        link = ClaimLink(
            from_claim=keep, to_claim=other, relation=relation, note=note.strip(), created_by=by
        )
        link._history_user = by
        try:
            with transaction.atomic():
                link.save()
        except IntegrityError as error:
            raise ValidationError("These claims are already linked that way.") from error
        if relation in (LinkRelation.SAME_AS, LinkRelation.CONTRADICTS):
            # A contradiction flags both claims; a merge moves appearances and links.
            refresh_source_stats(claims=[keep.pk, other.pk])
    return keep


def _merge(keep: Claim, other: Claim, by) -> None:
    if other.status == ClaimStatus.ARCHIVED:
        raise ValidationError("That claim is archived already (perhaps merged before).")
    if keep.status == ClaimStatus.ARCHIVED:
        raise ValidationError("The claim to keep is archived: merge into a claim in use.")
    reason = f"merged into claim {keep.pk}"
    for appearance in Appearance.objects.filter(claim=other):
        appearance.claim = keep
        appearance._history_user = by
        appearance._change_reason = reason
        appearance.save(update_fields=["claim"])
    # Links of the merged claim now concern the kept one, unless that would repeat a link
    # or point the kept claim at itself.
    for link in ClaimLink.objects.filter(Q(from_claim=other) | Q(to_claim=other)):
        ends = (
            keep.pk if link.from_claim_id == other.pk else link.from_claim_id,
            keep.pk if link.to_claim_id == other.pk else link.to_claim_id,
        )
        exists = ClaimLink.objects.filter(
            from_claim=ends[0], to_claim=ends[1], relation=link.relation
        ).exists()
        if ends[0] != ends[1] and not exists:
            link.from_claim_id, link.to_claim_id = ends
            link._history_user = by
            link._change_reason = reason
            link.save()
    _add_tags(keep, [tag.name for tag in other.tags.all()], by)
    if other.notes:
        keep.notes = f"{keep.notes}\n\n[from claim {other.pk}] {other.notes}".strip()
    keep.version += 1
    _save(keep, by, f"claim {other.pk} merged in")
    other.status = ClaimStatus.ARCHIVED
    other.version += 1
    _save(other, by, reason)
    refresh_claim_stats(claims=[keep.pk, other.pk])


# --- Suggestions ----------------------------------------------------------------------------


def sentence_hash(text: str) -> str:
    return hashlib.sha256(" ".join(text.split()).encode()).hexdigest()


def dismiss_suggestion(*, article: Article, text: str, by, claim: Claim | None = None) -> None:
    """Remember that `text` (a sentence of `article`) is not a claim worth marking, or,
    with `claim`, not an appearance of it; it is not suggested again. Idempotent."""
    _require(by, "articles.add_suggestiondismissal", "Viewers cannot dismiss suggestions.")
    if not text.strip():
        raise ValidationError("Nothing to dismiss.")
    SuggestionDismissal.objects.get_or_create(
        article=article,
        claim=claim,
        text_hash=sentence_hash(text),
        defaults={"text": text.strip(), "dismissed_by": by},
    )


def dismissed_hashes(article: Article, *, claim: Claim | None = None) -> set[str]:
    return set(
        SuggestionDismissal.objects.filter(article=article, claim=claim).values_list(
            "text_hash", flat=True
        )
    )


# --- Re-anchoring ---------------------------------------------------------------------------


@dataclass
class ReanchorReport:
    exact: int = 0
    moved: int = 0
    fuzzy: int = 0
    orphaned: int = 0

    def add(self, other: "ReanchorReport") -> None:
        for name in ("exact", "moved", "fuzzy", "orphaned"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def summary(self) -> str:
        return (
            f"exact {self.exact}, moved {self.moved}, fuzzy {self.fuzzy}, orphaned {self.orphaned}"
        )


def reanchor_article(*, article: Article, by=None) -> ReanchorReport:
    """Re-find every appearance of `article` in its current body (anchoring.reanchor:
    exact, moved, fuzzy with its score, or orphaned) and store what changed, in one
    transaction. Call it whenever the body changes. Idempotent."""
    report = ReanchorReport()
    body = article.body
    with transaction.atomic():
        for appearance in Appearance.objects.select_for_update().filter(article=article):
            anchor = reanchor(
                body,
                start=appearance.start,
                end=appearance.end,
                exact=appearance.exact,
                prefix=appearance.prefix,
                suffix=appearance.suffix,
            )
            status = anchor.status
            if status == AnchorStatus.EXACT and appearance.anchor_status == AnchorStatus.MOVED:
                # Found where an earlier re-anchoring moved it: still moved from where it
                # was marked (and a second run changes nothing).
                status = AnchorStatus.MOVED
            setattr(report, status, getattr(report, status) + 1)
            score = anchor.score if status == AnchorStatus.FUZZY else None
            new = {"anchor_status": status, "anchor_score": score}
            if anchor.status != AnchorStatus.ORPHANED:
                new |= {"start": anchor.start, "end": anchor.end}
                if anchor.status != AnchorStatus.FUZZY:
                    new |= selectors(body, anchor.start, anchor.end)
                else:
                    # The quote a person marked is kept as evidence of what they saw; the
                    # position follows the text.
                    new["prefix"] = body[max(0, anchor.start - 32) : anchor.start]
                    new["suffix"] = body[anchor.end : anchor.end + 32]
            if all(getattr(appearance, name) == value for name, value in new.items()):
                continue
            for name, value in new.items():
                setattr(appearance, name, value)
            appearance._history_user = by
            appearance._change_reason = f"re-anchored: {status}"
            appearance.save()
    return report


# --- Helpers --------------------------------------------------------------------------------


def _require(user, permission: str, message: str) -> None:
    if not user.has_perm(permission):
        raise PermissionDenied(message)


def _save(obj, by, reason: str) -> None:
    obj._history_user = by
    obj._change_reason = reason
    obj.save()


def _claim_text(text: str, errors: dict) -> str:
    text = " ".join((text or "").split())
    if not text:
        errors["text"] = "Write the claim: its text is required."
    elif len(text) > MAX_CLAIM_TEXT:
        errors["text"] = f"Keep the claim under {MAX_CLAIM_TEXT} characters."
    return text


def _check_choice(value, choices, field: str, errors: dict) -> None:
    if value not in choices.values:
        errors[field] = f"“{value}” is not a valid {field.replace('_', ' ')}."


def _tag_names(tags: Iterable[str] | str, errors: dict) -> list[str]:
    if isinstance(tags, str):
        tags = tags.split(",")
    names = []
    for tag in tags:
        name = Tag.normalise(tag)
        if name and name.casefold() not in {n.casefold() for n in names}:
            names.append(name[:100])
    if len(names) > MAX_TAGS:
        errors["tags"] = f"At most {MAX_TAGS} tags."
    return names


def _tags(names: list[str]) -> list[Tag]:
    found = []
    for name in names:
        tag = Tag.objects.filter(name__iexact=name).first()
        found.append(tag or Tag.objects.create(name=name))
    return found


def _add_tags(claim: Claim, names: list[str], by) -> None:
    if names:
        _set_tags(claim, [*(t.name for t in claim.tags.all()), *names], by)


def _set_tags(claim: Claim, names: list[str], by) -> None:
    wanted = _tags(names)
    if {t.pk for t in wanted} == set(claim.tags.values_list("pk", flat=True)):
        return
    claim._history_user = by
    claim._change_reason = "tags changed"
    claim.tags.set(wanted)
