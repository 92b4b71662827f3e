"""Exporting the claim list's current filter from `/claims/export/`: the same filters as
the list, every format, formulas escaped, streamed, readable by every role."""

import csv
import io
import json

import pytest
from django.urls import reverse

from articles.models import ClaimStatus, ClaimType
from tests.factories import AppearanceFactory, ClaimFactory

pytestmark = pytest.mark.django_db

EXPORT = reverse("claim-export")


def content(response) -> str:
    assert response.status_code == 200
    return b"".join(response.streaming_content).decode()


@pytest.fixture
def claims():
    quantity = ClaimFactory(text='=HYPERLINK("http://evil") 430 captured', credibility=2)
    other = ClaimFactory(text="Talks will resume", claim_type=ClaimType.PREDICTION)
    archived = ClaimFactory(text="Merged away", status=ClaimStatus.ARCHIVED)
    for claim in (quantity, other, archived):
        AppearanceFactory(claim=claim)
    return quantity, other, archived


def test_csv_export_honours_the_list_filters_and_escapes_formulas(viewer_client, claims):
    quantity, _, _ = claims
    response = viewer_client.get(EXPORT, {"format": "csv", "claim_type": "quantity"})
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith('attachment; filename="claims-')
    rows = list(csv.DictReader(io.StringIO(content(response))))
    assert [row["id"] for row in rows] == [str(quantity.pk)]
    assert rows[0]["text"].startswith("'=HYPERLINK")


def test_jsonl_export_leaves_out_archived_claims_unless_asked(viewer_client, claims):
    quantity, other, archived = claims
    default = [
        json.loads(line)["id"]
        for line in content(viewer_client.get(EXPORT, {"format": "jsonl"})).splitlines()
    ]
    assert sorted(default) == sorted([quantity.pk, other.pk])
    everything = content(viewer_client.get(EXPORT, {"format": "jsonl", "archived": "1"}))
    assert archived.pk in [json.loads(line)["id"] for line in everything.splitlines()]


@pytest.mark.parametrize("fmt, key", [("claimreview", "claimReviewed"), ("annotation", "type")])
def test_linked_data_exports_are_json(viewer_client, claims, fmt, key):
    data = json.loads(content(viewer_client.get(EXPORT, {"format": fmt, "credibility": "2"})))
    if fmt == "claimreview":
        assert [review[key] for review in data] == [claims[0].text]
        assert data[0]["url"].startswith("http://testserver/claims/")
    else:
        assert data[key] == "AnnotationCollection"


def test_an_unknown_format_or_bad_filter_is_a_clear_400(viewer_client, claims):
    response = viewer_client.get(EXPORT, {"format": "xlsx"})
    assert response.status_code == 400
    assert "xlsx" in response.content.decode()
    response = viewer_client.get(EXPORT, {"format": "csv", "admiralty": "Z9"})
    assert response.status_code == 400
    assert "Admiralty code" in response.content.decode()


def test_the_list_links_to_the_export_of_its_current_filter(viewer_client, claims):
    page = viewer_client.get(reverse("claim-list"), {"claim_type": "quantity", "page": "1"})
    assert 'href="/claims/export/?claim_type=quantity&amp;format=csv"' in page.content.decode()


def test_anonymous_export_redirects_to_login(client):
    response = client.get(EXPORT, {"format": "csv"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
