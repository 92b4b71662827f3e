"""Bulk actions on the article and claim lists: add or remove a tag, set a status (archive
included) on chosen rows or on every row a filter matches.

Each changed object gets its own history record, with the person and a reason, as an
edit on its own page would. Rows are read in primary-key chunks, so "all 100,000 matching"
never holds more than one chunk in memory, and a row the action itself takes out of the
filter (archiving "status: new") does not shift the next chunk. Not for the admin (which
has its own actions) nor for any other field.
"""

from collections.abc import Iterator
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Model, QuerySet
from django.utils import timezone

from articles.models import Article, ArticleStatus, Claim, ClaimStatus, Tag
from articles.services.history import bulk_update_with_history

ADD_TAG = "add_tag"
REMOVE_TAG = "remove_tag"
SET_STATUS = "set_status"
ACTIONS = {ADD_TAG: "Add tag", REMOVE_TAG: "Remove tag", SET_STATUS: "Set status"}
CHUNK = 500


@dataclass(frozen=True)
class BulkKind:
    """What bulk actions mean for one model: its statuses and who may do what."""

    model: type[Model]
    statuses: type
    permissions: dict[str, str]
    noun: str


ARTICLES = BulkKind(
    model=Article,
    statuses=ArticleStatus,
    permissions={
        ADD_TAG: "articles.change_article",
        REMOVE_TAG: "articles.change_article",
        SET_STATUS: "articles.change_article",
    },
    noun="article",
)
CLAIMS = BulkKind(
    model=Claim,
    statuses=ClaimStatus,
    permissions={
        ADD_TAG: "articles.change_claim",
        REMOVE_TAG: "articles.change_claim",
        # As in services.claims.update_claim: only Editors change a claim's status.
        SET_STATUS: "articles.set_claim_credibility",
    },
    noun="claim",
)


def allowed_actions(kind: BulkKind, user: AbstractBaseUser) -> list[str]:
    """The actions `user` may take on `kind`'s rows, in display order."""
    return [action for action in ACTIONS if user.has_perm(kind.permissions[action])]


def describe(kind: BulkKind, action: str, *, tag: str = "", status: str = "") -> str:
    """What the action will do, in words, for the confirmation page."""
    if action == ADD_TAG:
        return f"add the tag “{Tag.normalise(tag)}”"
    if action == REMOVE_TAG:
        return f"remove the tag “{Tag.normalise(tag)}”"
    return f"set the status to “{kind.statuses(status).label}”"


def check_bulk_action(
    kind: BulkKind, action: str, *, by: AbstractBaseUser, tag: str = "", status: str = ""
) -> None:
    """Raise PermissionDenied when `by` may not take `action`, ValidationError when the
    action, its tag or its status is not valid. Writes nothing."""
    if action not in ACTIONS:
        raise ValidationError({"action": "Choose an action."})
    if not by.has_perm(kind.permissions[action]):
        raise PermissionDenied(f"You may not {ACTIONS[action].lower()} on {kind.noun}s.")
    if action in (ADD_TAG, REMOVE_TAG):
        name = Tag.normalise(tag)
        if not name:
            raise ValidationError({"tag": "Name the tag."})
        if len(name) > Tag._meta.get_field("name").max_length:
            raise ValidationError({"tag": "Keep the tag under 101 characters."})
        new_tag = not Tag.objects.filter(name__iexact=name).exists()
        if action == ADD_TAG and new_tag and not by.has_perm("articles.add_tag"):
            raise PermissionDenied("You may not create tags.")
    elif status not in kind.statuses.values:
        raise ValidationError({"status": "Choose a status."})


def apply_bulk_action(
    kind: BulkKind,
    queryset: QuerySet,
    action: str,
    *,
    by: AbstractBaseUser,
    tag: str = "",
    status: str = "",
) -> int:
    """Take `action` on every row of `queryset` (a filtered list, or the chosen ids) and
    return how many rows it changed; rows already so are left alone and get no history.
    One transaction: all rows change or none. Checks as `check_bulk_action` first."""
    check_bulk_action(kind, action, by=by, tag=tag, status=status)
    changed = 0
    with transaction.atomic():
        if action == SET_STATUS:
            for chunk in _chunks(queryset.exclude(status=status)):
                changed += _set_status(kind, chunk, status, by)
        elif action == ADD_TAG:
            found = Tag.objects.filter(name__iexact=Tag.normalise(tag)).first()
            label = found or Tag.objects.create(name=Tag.normalise(tag))
            for chunk in _chunks(queryset.exclude(tags=label)):
                changed += _change_tags(chunk, label, by, add=True)
        else:
            label = Tag.objects.filter(name__iexact=Tag.normalise(tag)).first()
            if label is not None:
                for chunk in _chunks(queryset.filter(tags=label)):
                    changed += _change_tags(chunk, label, by, add=False)
    return changed


def _chunks(queryset: QuerySet) -> Iterator[list[Model]]:
    """Whole rows (history copies every tracked field), CHUNK at a time, by primary key."""
    queryset = queryset.order_by("pk")
    if queryset.model is Article:
        queryset = queryset.defer("raw", "fingerprint")  # never in history
    last = 0
    while True:
        chunk = list(queryset.filter(pk__gt=last)[:CHUNK])
        if not chunk:
            return
        yield chunk
        last = chunk[-1].pk


def _set_status(kind: BulkKind, rows: list[Model], status: str, by) -> int:
    fields = ["status"]
    for row in rows:
        row.status = status
    if kind.model is Claim:
        # A bulk change is an edit: it must make an open edit form stale (optimistic lock).
        now = timezone.now()
        for row in rows:
            row.version += 1
            row.updated_at = now
        fields += ["version", "updated_at"]
    bulk_update_with_history(
        rows,
        kind.model,
        fields,
        batch_size=CHUNK,
        default_user=by,
        default_change_reason=f"bulk: status set to {status}",
    )
    return len(rows)


def _change_tags(rows: list[Model], tag: Tag, by, *, add: bool) -> int:
    # One m2m change per object, so that simple-history records each object's new tags.
    for row in rows:
        row._history_user = by
        row._change_reason = f"bulk: tag {'added' if add else 'removed'}"
        (row.tags.add if add else row.tags.remove)(tag)
    return len(rows)
