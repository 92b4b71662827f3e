"""Saving the current filters of a list under a name, and deleting one's saved views.
Every list's sidebar shows the signed-in user's own (see views/lists.py); writes go
through `articles/services/saved_views.py`."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from articles.forms import SavedViewForm
from articles.models import SavedList, SavedView
from articles.services.saved_views import delete_view, save_view


@require_POST
@permission_required("articles.add_savedview", raise_exception=True)
def saved_view_create(request: HttpRequest) -> HttpResponse:
    form = SavedViewForm(request.POST)
    list_name = request.POST.get("list_name", "")
    back = list_name if list_name in SavedList.values else "dashboard"
    if not form.is_valid():
        messages.error(request, "Give the view a name to save it.")
        return redirect(back)
    try:
        view, created = save_view(user=request.user, **form.cleaned_data)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(back)
    done = "Saved" if created else "Updated"
    messages.success(request, f"{done} the view “{view.name}”.")
    return redirect(view.get_absolute_url())


@require_POST
@permission_required("articles.delete_savedview", raise_exception=True)
def saved_view_delete(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        view = delete_view(user=request.user, view_id=pk)
    except SavedView.DoesNotExist as error:
        raise Http404("You have no such saved view.") from error
    messages.success(request, f"Deleted the view “{view.name}”.")
    return redirect(view.list_name)
