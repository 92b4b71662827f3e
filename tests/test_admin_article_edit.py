"""Correcting an article's body by hand in the admin goes through the same service as
reclean: hash and fingerprint follow the new text and appearances re-anchor."""

import pytest
from django.urls import reverse

from articles.anchoring import selectors
from articles.ingest.hashing import content_hash
from articles.models import AnchorStatus, Appearance
from tests.factories import AppearanceFactory, ArticleFactory

pytestmark = pytest.mark.django_db

BODY = "Officials said on Monday that 430 soldiers had been captured near the border."


def change_form_data(response) -> dict:
    """What the browser would post back unchanged: every field of the admin form and of
    its inline formsets, as rendered."""
    data = {}
    forms = [response.context["adminform"].form]
    for formset in response.context["inline_admin_formsets"]:
        management = formset.formset.management_form
        data.update(
            {management.add_prefix(name): management[name].value() for name in management.fields}
        )
        forms += list(formset.formset.forms)
    for form in forms:
        for bound in form:
            value = bound.value()
            if value is None:
                continue
            widget = bound.field.widget
            if hasattr(widget, "widgets"):  # split date and time
                for index, part in enumerate(widget.decompress(value)):
                    data[f"{bound.html_name}_{index}"] = part or ""
            else:
                data[bound.html_name] = value
    return data


def test_a_body_corrected_in_the_admin_moves_its_appearances(superuser_client):
    article = ArticleFactory(body=BODY)
    start = BODY.index("430 soldiers")
    appearance = AppearanceFactory(article=article, **selectors(BODY, start, start + 12))
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = change_form_data(superuser_client.get(url))
    corrected = "CORRECTION: " + BODY
    data["body"] = corrected

    response = superuser_client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    article.refresh_from_db()
    appearance.refresh_from_db()
    assert article.body == corrected
    assert article.content_hash == content_hash(corrected)
    assert article.extractor == "edited by hand in the admin"
    assert appearance.anchor_status == AnchorStatus.MOVED
    assert corrected[appearance.start : appearance.end] == "430 soldiers"
    assert Appearance.objects.count() == 1


def test_the_article_page_shows_who_changed_what(superuser_client, superuser):
    article = ArticleFactory(body=BODY, title="<b>Bold</b> claims")
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = change_form_data(superuser_client.get(url))
    data["body"] = "CORRECTION: " + BODY
    data["status"] = "reviewed"
    assert superuser_client.post(url, data).status_code == 302

    page = superuser_client.get(reverse("article-detail", args=[article.pk])).content.decode()
    history = page[page.index('id="history-heading"') :]
    assert f"— {superuser.get_username()}: changed" in history
    assert "status: “new” → “reviewed”" in history
    assert "body: “Officials said" in history and "→ “CORRECTION: Officials" in history
    assert "<b>Bold</b>" not in page
