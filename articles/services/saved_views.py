"""Saving and deleting a person's named filters of a list (`SavedView`).

For the lists' sidebars: a saved view is the list's query string without its page, under
a name the person chose. Only ever the signed-in user's own views; nothing here touches
the desk's data. Not for sharing views between people (there is no such thing yet).
"""

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import QueryDict

from articles.models import SavedList, SavedView

# Query parameters that are not filters: where one is in the list, not what it shows.
NOT_FILTERS = frozenset({"page"})
MAX_QUERY = SavedView._meta.get_field("query").max_length
MAX_NAME = SavedView._meta.get_field("name").max_length


def filter_query(query: str) -> str:
    """`"?status=new&page=3"` → `"status=new"`: the query string a view keeps, without
    the page and without empty values."""
    params = QueryDict(query.lstrip("?"), mutable=True)
    for key in NOT_FILTERS:
        params.pop(key, None)
    for key in list(params):
        values = [value for value in params.getlist(key) if value.strip()]
        if values:
            params.setlist(key, values)
        else:
            del params[key]
    return params.urlencode()


def save_view(
    *, user: AbstractBaseUser, list_name: str, name: str, query: str
) -> tuple[SavedView, bool]:
    """Save `query` (a list's query string) as `user`'s view `name` of the list
    `list_name` (its URL name). Saving again under a name the user already has for that
    list replaces its filters (idempotent). One transaction; returns the view and whether
    it is new. Raises PermissionDenied without `add_savedview`, ValidationError for an
    unknown list, an empty or too long name, or too long filters."""
    if not user.has_perm("articles.add_savedview"):
        raise PermissionDenied("You may not save views.")
    name = " ".join(name.split())
    errors = {}
    if list_name not in SavedList.values:
        errors["list_name"] = f"There is no list “{list_name}” to save a view of."
    if not name:
        errors["name"] = "Give the view a name."
    elif len(name) > MAX_NAME:
        errors["name"] = f"Keep the name under {MAX_NAME + 1} characters."
    query = filter_query(query)
    if len(query) > MAX_QUERY:
        errors["query"] = "These filters are too long to save."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        return SavedView.objects.update_or_create(
            user=user, list_name=list_name, name=name, defaults={"query": query}
        )


def delete_view(*, user: AbstractBaseUser, view_id: int) -> SavedView:
    """Delete `user`'s own saved view `view_id` and return it (unsaved). Raises
    SavedView.DoesNotExist when the user has no such view — another person's view is
    treated as not existing, so ids reveal nothing — and PermissionDenied without
    `delete_savedview`."""
    if not user.has_perm("articles.delete_savedview"):
        raise PermissionDenied("You may not delete saved views.")
    with transaction.atomic():
        view = SavedView.objects.select_for_update().get(user=user, pk=view_id)
        view.delete()
    return view
