"""Reading import files: every format, every encoding, every kind of hostile input.

Each input is real bytes written to `tmp_path` by the test itself; nothing is mocked.
Every Problem must name the file (and the entry or line where one applies) and say why.
"""

import codecs
import gzip
import io
import json
import os
import time
import zipfile
import zlib
from datetime import UTC, datetime
from pathlib import Path

import pytest

from articles.ingest.document import Kind, Problem, RawDocument
from articles.ingest.encoding import DecodeError, decode, looks_binary
from articles.ingest.readers import detect_format, iter_files, read_file

SEEDS = Path(__file__).resolve().parent.parent / "fixtures" / "seeds"
MB = 1024 * 1024
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0

FRENCH = (
    "Le président a visité Koursk mardi.\n"
    "« C’est déjà trop tard », a déclaré l’élu, qui a reçu des garçons naïfs à l’hôtel.\n"
    "Ça coûte très cher — 20 € par personne !\n"
)
SPANISH_LATIN1 = (
    "El presidente visitó la región el martes.\n"
    "«Está claro que la situación es difícil», afirmó el ministro español.\n"
    "Año nuevo, ¿qué pasará? Nadie lo sabe aún.\n"
)
RUSSIAN = (
    "Президент России Владимир Путин посетил Курскую область впервые с начала конфликта.\n"
    '"Это важный шаг", - заявил пресс-секретарь Кремля Дмитрий Песков журналистам в среду.\n'
    "Визит состоялся накануне переговоров российских и американских официальных лиц.\n"
)


def write(tmp_path: Path, name: str, content: bytes | str) -> Path:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


def read(path: Path, **options) -> list[RawDocument | Problem]:
    return list(read_file(path, **options))


def only_document(path: Path, **options) -> RawDocument:
    items = read(path, **options)
    assert len(items) == 1, items
    assert isinstance(items[0], RawDocument), items[0]
    return items[0]


def only_problem(path: Path, **options) -> Problem:
    items = read(path, **options)
    assert len(items) == 1, items
    assert isinstance(items[0], Problem), items[0]
    assert str(items[0]).startswith(str(path)), "a Problem names its file"
    return items[0]


def documents(items: list) -> list[RawDocument]:
    return [item for item in items if isinstance(item, RawDocument)]


def problems(items: list) -> list[Problem]:
    return [item for item in items if isinstance(item, Problem)]


# Formats


def test_a_text_file_is_one_text_document_whose_title_is_left_to_the_extractor(tmp_path):
    path = write(tmp_path, "story.txt", "Putin visits Kursk\n\nThe president arrived on Tuesday.\n")
    document = only_document(path)
    assert document.origin == str(path)
    assert document.kind is Kind.TEXT
    assert document.payload == "Putin visits Kursk\n\nThe president arrived on Tuesday.\n"
    assert document.raw == document.payload
    assert document.title == ""
    assert document.encoding == "utf-8"


def test_an_html_file_is_one_html_document(tmp_path):
    page = "<!DOCTYPE html><html><head><title>Kursk</title></head><body><p>Body</p></body></html>"
    document = only_document(write(tmp_path, "page.htm", page))
    assert document.kind is Kind.HTML
    assert document.payload == document.raw == page


def test_a_gzipped_html_page_is_decompressed(tmp_path):
    page = "<html><body><p>Le café est fermé.</p></body></html>"
    path = write(tmp_path, "page.html.gz", gzip.compress(page.encode("utf-8")))
    document = only_document(path)
    assert document.kind is Kind.HTML
    assert document.payload == page
    assert document.origin == str(path)


def test_concatenated_gzip_members_read_as_one_file(tmp_path):
    data = gzip.compress(b"First half, ") + gzip.compress(b"second half.\n")
    assert only_document(write(tmp_path, "notes.txt.gz", data)).payload == (
        "First half, second half.\n"
    )


RSS_20 = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel>
  <title>Kursk  Daily</title>
  <language>en-us</language>
  <item>
    <title>Putin visits
      Kursk</title>
    <link>https://example.com/putin-kursk</link>
    <description>Short summary.</description>
    <content:encoded><![CDATA[<p>The long body, with <b>markup</b>.</p>]]></content:encoded>
    <pubDate>Tue, 17 Jun 2025 10:00:00 +0300</pubDate>
    <author>jane@example.com (Jane Doe)</author>
  </item>
  <item>
    <title>Second</title>
    <link>https://example.com/second</link>
    <description>&lt;p&gt;Only a description, but it is the body.&lt;/p&gt;</description>
  </item>
</channel>
</rss>
"""


def test_an_rss_2_feed_gives_one_document_per_entry(tmp_path):
    path = write(tmp_path, "daily.rss", RSS_20)
    first, second = read(path)
    assert first.origin == f"{path}#entry 1"
    assert first.kind is Kind.HTML
    assert first.payload == "<p>The long body, with <b>markup</b>.</p>"
    assert first.title == "Putin visits Kursk"
    assert first.url == "https://example.com/putin-kursk"
    assert first.published_at == datetime(2025, 6, 17, 7, 0, tzinfo=UTC)
    assert first.byline == "Jane Doe"
    assert first.language == "en-us"
    assert first.source_name == "Kursk Daily"
    assert json.loads(first.raw)["link"] == "https://example.com/putin-kursk"
    assert second.origin == f"{path}#entry 2"
    assert second.payload == "<p>Only a description, but it is the body.</p>"
    assert second.published_at is None


ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en-GB">
  <title>Atom News</title>
  <id>urn:atom-news</id>
  <updated>2025-06-17T10:00:00Z</updated>
  <entry>
    <title type="html">Talks &lt;em&gt;begin&lt;/em&gt;</title>
    <link rel="alternate" href="https://atom.example/talks"/>
    <id>urn:1</id>
    <updated>2025-06-17T10:00:00Z</updated>
    <published>2025-06-16T08:00:00+02:00</published>
    <author><name>Ann Reporter</name></author>
    <content type="html">&lt;p&gt;Delegations met in Riyadh.&lt;/p&gt;</content>
  </entry>
  <entry xml:lang="fr">
    <title>Deuxième</title>
    <link href="https://atom.example/deux"/>
    <id>urn:2</id>
    <updated>2025-06-18T09:30:00Z</updated>
    <summary type="text">Texte brut : 3 &lt; 4.</summary>
  </entry>
</feed>
"""


def test_an_atom_feed_gives_title_link_published_date_author_and_language(tmp_path):
    path = write(tmp_path, "news.atom", ATOM)
    first, second = read(path)
    assert first.origin == f"{path}#entry 1"
    assert first.kind is Kind.HTML
    assert first.payload == "<p>Delegations met in Riyadh.</p>"
    assert first.title == "Talks begin"
    assert first.url == "https://atom.example/talks"
    assert first.published_at == datetime(2025, 6, 16, 6, 0, tzinfo=UTC)
    assert first.byline == "Ann Reporter"
    assert first.language == "en-GB"
    assert first.source_name == "Atom News"
    # Atom's type="text" is plain text: "<" is a character, not markup.
    assert second.kind is Kind.TEXT
    assert second.payload == "Texte brut : 3 < 4."
    assert second.title == "Deuxième"
    assert second.published_at == datetime(2025, 6, 18, 9, 30, tzinfo=UTC)
    assert second.language == "fr"


RSS_10 = """<?xml version="1.0" encoding="utf-8"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
         xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel rdf:about="https://rdf.example/">
    <title>RDF Zeitung</title>
    <link>https://rdf.example/</link>
    <description>Nachrichten</description>
    <dc:language>de</dc:language>
  </channel>
  <item rdf:about="https://rdf.example/kursk">
    <title>Besuch in Kursk</title>
    <link>https://rdf.example/kursk</link>
    <description>Der Präsident besuchte die Region.</description>
    <dc:date>2025-06-17T10:00:00+02:00</dc:date>
    <dc:creator>Kurt Schreiber</dc:creator>
  </item>
</rdf:RDF>
"""


def test_an_rss_1_rdf_feed_is_read(tmp_path):
    path = write(tmp_path, "zeitung.xml", RSS_10)
    document = only_document(path)
    assert document.origin == f"{path}#entry 1"
    assert document.payload == "Der Präsident besuchte die Region."
    assert document.title == "Besuch in Kursk"
    assert document.url == "https://rdf.example/kursk"
    assert document.published_at == datetime(2025, 6, 17, 8, 0, tzinfo=UTC)
    assert document.byline == "Kurt Schreiber"
    assert document.language == "de"
    assert document.source_name == "RDF Zeitung"


JSON_FEED = {
    "version": "https://jsonfeed.org/version/1.1",
    "title": "JSON Wire",
    "language": "en",
    "authors": [{"name": "Wire Desk"}],
    "items": [
        {
            "id": "1",
            "url": "https://wire.example/1",
            "title": "Ceasefire talks",
            "content_html": "<p>Talks resumed in Istanbul.</p>",
            "summary": "Talks resumed.",
            "date_published": "2025-06-17T10:00:00+02:00",
            "authors": [{"name": "Olga Petrova"}],
        },
        {
            "id": "2",
            "external_url": "https://elsewhere.example/2",
            "content_text": "Plain text item. 3 < 4.",
            "language": "ru",
        },
    ],
}


def test_a_json_feed_is_read_by_hand(tmp_path):
    path = write(tmp_path, "wire.json", json.dumps(JSON_FEED))
    first, second = read(path)
    assert first.origin == f"{path}#entry 1"
    assert first.kind is Kind.HTML
    assert first.payload == "<p>Talks resumed in Istanbul.</p>"
    assert first.title == "Ceasefire talks"
    assert first.url == "https://wire.example/1"
    assert first.published_at == datetime(2025, 6, 17, 8, 0, tzinfo=UTC)
    assert first.byline == "Olga Petrova"
    assert first.language == "en"
    assert first.source_name == "JSON Wire"
    assert json.loads(first.raw) == JSON_FEED["items"][0]
    assert second.kind is Kind.TEXT
    assert second.payload == "Plain text item. 3 < 4."
    assert second.url == "https://elsewhere.example/2"
    assert second.byline == "Wire Desk"
    assert second.language == "ru"


def test_a_json_object_is_one_document_named_by_the_file_alone(tmp_path):
    record = {
        "title": "  Kursk visit  ",
        "body": "The president arrived.\nHe met commanders.",
        "url": "https://example.com/a",
        "published_at": "2025-06-17T10:00:00Z",
        "source": "Example Times",
        "byline": "Jane Doe",
        "language": "en",
        "extra": ["kept in raw"],
    }
    path = write(tmp_path, "one.json", json.dumps(record))
    document = only_document(path)
    assert document.origin == str(path)
    assert document.kind is Kind.TEXT
    assert document.payload == "The president arrived.\nHe met commanders."
    assert document.title == "Kursk visit"
    assert document.url == "https://example.com/a"
    assert document.published_at == datetime(2025, 6, 17, 10, 0, tzinfo=UTC)
    assert document.source_name == "Example Times"
    assert document.byline == "Jane Doe"
    assert document.language == "en"
    assert document.raw == json.dumps(record, ensure_ascii=False)


def test_a_json_list_gives_one_document_per_entry_html_body_or_text(tmp_path):
    records = [
        {"title": "With html", "html": "<p>Bonjour à tous</p>", "body": "ignored"},
        {"title": "With body", "body": "Body text"},
        {"title": "With text", "text": "Text field"},
    ]
    path = write(tmp_path, "list.json", json.dumps(records, ensure_ascii=False))
    items = read(path)
    assert [d.origin for d in items] == [f"{path}#entry {n}" for n in (1, 2, 3)]
    assert [d.kind for d in items] == [Kind.HTML, Kind.TEXT, Kind.TEXT]
    assert [d.payload for d in items] == ["<p>Bonjour à tous</p>", "Body text", "Text field"]
    assert items[0].raw == json.dumps(records[0], ensure_ascii=False)


def test_json_lines_are_named_by_their_line_number(tmp_path):
    lines = [
        json.dumps({"title": "One", "body": "First"}),
        "",
        json.dumps({"title": "Two", "html": "<p>Second</p>", "published_at": "2025-06-17"}),
    ]
    path = write(tmp_path, "feed.jsonl", "\n".join(lines) + "\n")
    first, second = read(path)
    assert first.origin == f"{path}:1"
    assert second.origin == f"{path}:3"
    assert second.kind is Kind.HTML
    assert second.published_at == datetime(2025, 6, 17, tzinfo=UTC)


def test_a_json_file_holding_json_lines_is_read_as_lines(tmp_path):
    content = '{"body": "First"}\n{"body": "Second"}\n'
    path = write(tmp_path, "actually-lines.json", content)
    assert [d.origin for d in read(path)] == [f"{path}:1", f"{path}:2"]


def test_csv_rows_are_named_by_the_line_their_record_starts_on(tmp_path):
    content = (
        "Title,Body,URL,Published_At,Source,Byline,Language\r\n"
        'One,"First body",https://example.com/1,2025-06-17T10:00:00+02:00,Times,Jane,en\r\n'
        'Two,"A body over\r\nthree\r\nlines",,,,,\r\n'
        "\r\n"
        "Three,Third body,,,,,\r\n"
    )
    path = write(tmp_path, "export.csv", content)
    one, two, three = read(path)
    assert (one.origin, two.origin, three.origin) == (f"{path}:2", f"{path}:3", f"{path}:7")
    assert one.title == "One"
    assert one.payload == "First body"
    assert one.url == "https://example.com/1"
    assert one.published_at == datetime(2025, 6, 17, 8, 0, tzinfo=UTC)
    assert (one.source_name, one.byline, one.language) == ("Times", "Jane", "en")
    assert two.payload == "A body over\nthree\nlines"
    assert json.loads(one.raw)["title"] == "One"


def test_a_semicolon_separated_csv_is_read(tmp_path):
    path = write(tmp_path, "excel.csv", "title;text\nDeux;Le texte, avec une virgule\n")
    document = only_document(path)
    assert document.origin == f"{path}:2"
    assert document.payload == "Le texte, avec une virgule"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2025-06-17T10:00:00Z", datetime(2025, 6, 17, 10, 0, tzinfo=UTC)),
        ("2025-06-17T12:00:00+02:00", datetime(2025, 6, 17, 10, 0, tzinfo=UTC)),
        ("2025-06-17 10:00", datetime(2025, 6, 17, 10, 0, tzinfo=UTC)),
        ("2025-06-17", datetime(2025, 6, 17, 0, 0, tzinfo=UTC)),
        ("Tue, 17 Jun 2025 13:00:00 +0300", datetime(2025, 6, 17, 10, 0, tzinfo=UTC)),
        ("Tue, 17 Jun 2025 10:00:00 GMT", datetime(2025, 6, 17, 10, 0, tzinfo=UTC)),
    ],
)
def test_published_at_is_aware_utc_from_iso_8601_or_rfc_2822(tmp_path, value, expected):
    path = write(tmp_path, "dated.json", json.dumps({"body": "x", "published_at": value}))
    assert only_document(path).published_at == expected


@pytest.mark.parametrize(
    ("name", "head", "expected"),
    [
        ("a.txt", b"<html>", "txt"),
        ("a.text", b"x", "txt"),
        ("README.md", b"# Title", "txt"),
        ("a.html", b"plain", "html"),
        ("a.HTM", b"", "html"),
        ("page.html.gz", gzip.compress(b"<p>x</p>"), "html"),
        ("a.xml", b"<?xml version='1.0'?><rss/>", "feed"),
        ("a.rss", b"", "feed"),
        ("a.atom", b"", "feed"),
        ("a.json", b'[{"body": "x"}]', "json"),
        ("a.json", b'{"version": "https://jsonfeed.org/version/1", "items": []}', "feed"),
        ("a.jsonl", b"{}", "jsonl"),
        ("a.ndjson", b"{}", "jsonl"),
        ("a.csv", b"title,body", "csv"),
        ("download", b'<?xml version="1.0"?>\n<rss version="2.0">', "feed"),
        ("download", b"  <?xml version='1.0'?><feed xmlns='http://www.w3.org/2005/Atom'>", "feed"),
        ("download", b"<?xml version='1.0'?><rdf:RDF>", "feed"),
        ("download", b"<!DOCTYPE html>\n<html>", "html"),
        ("download", b"<html lang='en'>", "html"),
        ("download", b'<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml">', "html"),
        ("download", b'[{"body": "x"}]', "json"),
        ("download", b'{\n  "body": "x"\n}', "json"),
        ("download", b'{"body": "x"}\n{"body": "y"}\n', "jsonl"),
        ("download", b"Just a story.\nWith lines.", "txt"),
        ("page.gz", gzip.compress(b"<!doctype html><p>x</p>"), "html"),
        ("download", codecs.BOM_UTF16_LE + "<html>".encode("utf-16-le"), "html"),
    ],
)
def test_detect_format_by_extension_then_by_content(name, head, expected):
    assert detect_format(Path(name), head) == expected


def test_an_explicit_format_overrides_detection(tmp_path):
    path = write(tmp_path, "data.json", '{"body": "x"}')
    document = only_document(path, fmt="txt")
    assert document.kind is Kind.TEXT
    assert document.payload == '{"body": "x"}'


def test_an_unknown_format_is_a_callers_mistake(tmp_path):
    with pytest.raises(ValueError, match="unknown format"):
        read(write(tmp_path, "a.txt", "x"), fmt="docx")


# Encodings


@pytest.mark.parametrize(
    ("data", "expected", "encoding"),
    [
        pytest.param(FRENCH.encode("utf-8"), FRENCH, "utf-8", id="utf-8"),
        pytest.param(codecs.BOM_UTF8 + FRENCH.encode("utf-8"), FRENCH, "utf-8-sig", id="utf-8-bom"),
        pytest.param(
            codecs.BOM_UTF16_LE + FRENCH.encode("utf-16-le"),
            FRENCH,
            "utf-16-le",
            id="utf-16-le-bom",
        ),
        pytest.param(
            codecs.BOM_UTF16_BE + RUSSIAN.encode("utf-16-be"),
            RUSSIAN,
            "utf-16-be",
            id="utf-16-be-bom",
        ),
        pytest.param(FRENCH.encode("utf-16-be"), FRENCH, "utf-16-be", id="utf-16-be-no-bom"),
        pytest.param(FRENCH.encode("utf-16-le"), FRENCH, "utf-16-le", id="utf-16-le-no-bom"),
        pytest.param(FRENCH.encode("cp1252"), FRENCH, "cp1252", id="cp1252"),
        pytest.param(SPANISH_LATIN1.encode("latin-1"), SPANISH_LATIN1, "cp1252", id="latin-1"),
        pytest.param(RUSSIAN.encode("cp1251"), RUSSIAN, "cp1251", id="cp1251"),
        pytest.param(RUSSIAN.encode("koi8-r"), RUSSIAN, "koi8-r", id="koi8-r"),
    ],
)
def test_text_is_decoded_exactly_whatever_its_encoding(tmp_path, data, expected, encoding):
    document = only_document(write(tmp_path, "story.txt", data))
    assert document.payload == expected
    assert document.encoding == encoding


OTHER_LANGUAGES = {
    "pl": (
        "Prezydent Rosji odwiedził obwód kurski po raz pierwszy od początku konfliktu. "
        "Żołnierze są gotowi, powiedział rzecznik Kremla. Źródła podają, że rozmowy będą "
        "trudne, a delegacje spotkają się w środę w Łodzi.\n"
    ),
    "cs": (
        "Ruský prezident navštívil Kurskou oblast poprvé od začátku konfliktu. Vojáci jsou "
        "připraveni, řekl mluvčí Kremlu. Podle zdrojů budou jednání obtížná, delegace se "
        "sejdou ve středu.\n"
    ),
    "tr": (
        "Rusya Devlet Başkanı, çatışmanın başlamasından bu yana ilk kez Kursk bölgesini "
        "ziyaret etti. Askerler hazır, dedi Kremlin sözcüsü. Kaynaklara göre görüşmeler zor "
        "geçecek.\n"
    ),
    "pt": (
        "O presidente russo visitou a região de Kursk pela primeira vez desde o início do "
        "conflito. Os soldados estão prontos, disse o porta-voz do Kremlin. Segundo fontes, "
        "as negociações serão difíceis, não há solução à vista.\n"
    ),
    "el": (
        "Ο πρόεδρος της Ρωσίας επισκέφθηκε την περιοχή του Κουρσκ για πρώτη φορά από την "
        "αρχή της σύγκρουσης, ανέφεραν οι ειδήσεις.\n"
    ),
    "ja": (
        "ロシアのプーチン大統領は、紛争開始以来初めてクルスク州を訪問した。"
        "米ロ協議を前にした訪問となる。\n"
    ),
}


@pytest.mark.parametrize(
    ("language", "encoding"),
    [
        ("pl", "cp1250"),
        ("cs", "iso-8859-2"),
        ("tr", "cp1254"),
        ("pt", "latin-1"),
        ("el", "cp1253"),
        ("ja", "shift_jis"),
    ],
)
def test_other_legacy_encodings_are_detected(tmp_path, language, encoding):
    text = OTHER_LANGUAGES[language]
    document = only_document(write(tmp_path, f"{language}.txt", text.encode(encoding)))
    assert document.payload == text


def test_decoded_words_survive_exactly(tmp_path):
    cp1252 = only_document(write(tmp_path, "fr.txt", FRENCH.encode("cp1252"))).payload
    assert "« C’est déjà trop tard »" in cp1252
    assert "20 €" in cp1252
    koi8 = only_document(write(tmp_path, "ru.txt", RUSSIAN.encode("koi8-r"))).payload
    assert "Владимир Путин посетил Курскую область" in koi8
    cp1251 = only_document(write(tmp_path, "ru2.txt", RUSSIAN.encode("cp1251"))).payload
    assert "Дмитрий Песков" in cp1251


def test_newlines_are_normalised_and_the_bom_stripped(tmp_path):
    data = codecs.BOM_UTF8 + b"Title\r\nline two\rline three\n"
    assert only_document(write(tmp_path, "crlf.txt", data)).payload == (
        "Title\nline two\nline three\n"
    )


def test_an_html_meta_charset_is_respected_when_the_bytes_are_not_utf8(tmp_path):
    # Too little text for detection alone, which reads these bytes as cp1251 "Їуіж i іуdџ".
    page = (
        '<html><head><meta charset="windows-1250"><title>x</title></head>'
        "<body>Żółć i łódź.</body></html>"
    )
    document = only_document(write(tmp_path, "pl.html", page.encode("cp1250")))
    assert document.payload == page
    assert document.encoding == "cp1250"


def test_an_iso_8859_1_label_is_read_as_windows_1252_as_browsers_do(tmp_path):
    page = (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-1">'
        "</head><body>l’été</body></html>"
    )
    document = only_document(write(tmp_path, "fr.html", page.encode("cp1252")))
    assert "l’été" in document.payload


def test_a_feed_in_windows_1251_is_decoded_by_its_xml_declaration(tmp_path):
    feed = RSS_20.replace('encoding="utf-8"', 'encoding="windows-1251"').replace(
        "Kursk  Daily", "Курские известия"
    )
    path = write(tmp_path, "ru.rss", feed.encode("cp1251"))
    first, _ = read(path)
    assert first.source_name == "Курские известия"
    assert first.encoding == "cp1251"


# Hostile input: the whole file


def test_an_empty_file_is_refused(tmp_path):
    assert only_problem(write(tmp_path, "empty.txt", b"")).reason == "empty file"


@pytest.mark.parametrize(
    "data",
    [b"  \n\t\r\n  ", codecs.BOM_UTF8 + b"\n \n", codecs.BOM_UTF16_LE + " \n ".encode("utf-16-le")],
    ids=["ascii", "utf-8-bom", "utf-16"],
)
def test_a_whitespace_only_file_is_refused(tmp_path, data):
    assert "only whitespace" in only_problem(write(tmp_path, "blank.txt", data)).reason


def _zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("article.txt", "hello")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "data", "kind"),
    [
        ("report.txt", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\n", "PDF"),
        ("image.html", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01", "PNG"),
        ("archive.json", _zip_bytes(), "ZIP"),
        ("program", b"\x7fELF\x02\x01\x01\x00" + bytes(64), "ELF executable"),
        ("data.txt", b"some text\x00\x01\x02\x00\xff\x10\x00binary\x00\x00tail" * 20, "NUL bytes"),
        ("inner.txt.gz", gzip.compress(b"%PDF-1.4 inside a gzip"), "PDF"),
    ],
)
def test_binary_files_are_refused_with_their_kind(tmp_path, name, data, kind):
    problem = only_problem(write(tmp_path, name, data))
    assert problem.origin == str(tmp_path / name)
    assert problem.reason.startswith(f"binary file ({kind})")


def test_bytes_no_encoding_explains_are_refused(tmp_path):
    # Every byte high, in no pattern: no code page turns this into language.
    noise = bytes((n * 7919 + n // 3 * 31) % 128 + 128 for n in range(4000))
    problem = only_problem(write(tmp_path, "noise.txt", noise))
    assert problem.reason == "not text in any known encoding"


def test_utf8_read_as_latin1_upstream_is_refused_as_mojibake(tmp_path):
    mojibake = FRENCH.encode("utf-8").decode("cp1252").encode("utf-8")  # "dÃ©jÃ ", "â€™"
    problem = only_problem(write(tmp_path, "double.txt", mojibake))
    assert "mojibake" in problem.reason


def test_one_mojibake_sequence_after_many_genuine_accents_is_still_found(tmp_path):
    # Every accented letter is a possible start; the sequence that condemns the text may
    # come after hundreds of innocent ones.
    genuine = "Élan, café, déjà, naïve, où, garçon, élève, Noël. " * 200
    problem = only_problem(write(tmp_path, "late.txt", genuine + "Ils ont dit: donâ€™t."))
    assert "mojibake such as 'â€™'" in problem.reason


def test_genuine_french_with_a_no_break_space_after_a_capital_is_accepted(tmp_path):
    text = "Élan vital et déjà vu.\n\nÉ\u00a0la fin, le garçon est à l'école.\n"
    (document,) = read_file(write(tmp_path, "french.txt", text), fmt="auto", limit_bytes=10**6)
    assert document.payload.startswith("Élan vital")


def test_broken_utf8_is_not_silently_read_as_another_encoding(tmp_path):
    data = FRENCH.encode("utf-8") + b"\xff and more text"
    problem = only_problem(write(tmp_path, "broken.txt", data))
    assert "mojibake" in problem.reason
    assert f"invalid at byte {len(FRENCH.encode('utf-8'))}" in problem.reason


def test_a_nul_byte_past_the_sniffed_head_is_still_refused(tmp_path):
    data = b"A long story.\n" * 1000 + b"\x00" + b"More story.\n"
    problem = only_problem(write(tmp_path, "late-nul.txt", data))
    assert problem.reason == "decoded as utf-8 but contains NUL characters: not text"


def test_a_file_over_the_cap_is_refused_before_it_is_read(tmp_path):
    path = tmp_path / "huge.txt"
    with path.open("wb") as file:
        file.truncate(30 * 1024 * MB)  # 30 GB, sparse: reading it would take minutes
    started = time.monotonic()
    problem = only_problem(path)
    assert time.monotonic() - started < 1
    assert problem.reason == "file is 30720 MB, over the 20 MB limit"


def test_the_cap_can_be_lowered(tmp_path):
    path = write(tmp_path, "big.txt", b"a" * (2 * MB))
    assert only_problem(path, limit_bytes=MB).reason == "file is 2 MB, over the 1 MB limit"
    assert only_document(path, limit_bytes=2 * MB).payload == "a" * (2 * MB)


def test_a_gzip_bomb_is_stopped_at_the_cap(tmp_path):
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    zeros = bytes(MB)
    bomb = b"".join(compressor.compress(zeros) for _ in range(100)) + compressor.flush()
    assert len(bomb) < MB  # 100 MB of zeros in about 100 KB
    path = write(tmp_path, "bomb.html.gz", bomb)
    started = time.monotonic()
    problem = only_problem(path, limit_bytes=MB)
    assert time.monotonic() - started < 2
    assert problem.reason == "gzip data expands past the 1 MB limit"


def test_corrupt_and_truncated_gzip_are_refused(tmp_path):
    whole = gzip.compress(FRENCH.encode() * 50)
    truncated = only_problem(write(tmp_path, "cut.txt.gz", whole[: len(whole) // 2]))
    assert truncated.reason.startswith("truncated gzip file")
    corrupt = only_problem(write(tmp_path, "bad.txt.gz", whole[:10] + b"\xff" * 40 + whole[50:]))
    assert corrupt.reason.startswith("corrupt gzip data")


def test_malformed_json_names_line_and_column(tmp_path):
    path = write(tmp_path, "bad.json", '{\n  "title": "a",\n  "body": \n}')
    problem = only_problem(path)
    assert problem.origin == str(path)
    assert problem.reason == "malformed JSON at line 4, column 1: Expecting value"


def test_deeply_nested_json_is_refused_not_a_crash(tmp_path):
    problem = only_problem(write(tmp_path, "deep.json", "[" * 100_000 + "]" * 100_000))
    assert problem.reason == "JSON nested too deeply"


def test_malformed_xml_names_line_and_column(tmp_path):
    feed = '<?xml version="1.0"?>\n<rss version="2.0">\n  <channel><title>x</channel>\n</rss>'
    problem = only_problem(write(tmp_path, "bad.rss", feed))
    assert problem.reason == "malformed XML at line 3, column 22: mismatched tag"


def test_an_undeclared_html_entity_makes_a_feed_malformed(tmp_path):
    feed = "<rss version='2.0'><channel><title>a&nbsp;b</title></channel></rss>"
    problem = only_problem(write(tmp_path, "nbsp.xml", feed))
    assert problem.reason.startswith("malformed XML at line 1, column ")
    assert problem.reason.endswith("undefined entity")


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE rss [
  <!ENTITY lol "lol">
  <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<rss version="2.0"><channel><title>&lol9;</title>
<item><title>x</title><description>&lol9;</description></item></channel></rss>
"""


def test_billion_laughs_is_refused(tmp_path):
    problem = only_problem(write(tmp_path, "laughs.rss", BILLION_LAUGHS))
    assert "entity 'lol'" in problem.reason
    assert "billion laughs" in problem.reason


def test_an_external_entity_is_refused(tmp_path):
    feed = (
        '<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
        "<rss version='2.0'><channel><item><description>&xxe;</description></item></channel></rss>"
    )
    problem = only_problem(write(tmp_path, "xxe.xml", feed))
    assert problem.reason == "XML declares an external entity 'xxe' (file:///etc/passwd): refused"


def test_an_rss_091_doctype_is_allowed_but_never_fetched(tmp_path):
    feed = (
        '<?xml version="1.0"?>\n<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN"'
        ' "http://my.netscape.com/publish/formats/rss-0.91.dtd">\n'
        '<rss version="0.91"><channel><title>Old</title>'
        "<item><title>T</title><link>http://old.example/t</link><description>Body</description>"
        "</item></channel></rss>"
    )
    document = only_document(write(tmp_path, "old.rss", feed))
    assert (document.title, document.payload, document.source_name) == ("T", "Body", "Old")


def test_xml_that_is_not_a_feed_is_refused(tmp_path):
    sitemap = '<?xml version="1.0"?><urlset><url><loc>https://x.example/</loc></url></urlset>'
    problem = only_problem(write(tmp_path, "sitemap.xml", sitemap))
    assert problem.reason == "XML is not an RSS or Atom feed (root element <urlset>)"


def test_a_feed_without_entries_is_refused(tmp_path):
    feed = "<rss version='2.0'><channel><title>Quiet</title></channel></rss>"
    assert only_problem(write(tmp_path, "quiet.rss", feed)).reason == "feed has no entries"


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("42", "JSON is a number, expected an object or a list of objects"),
        ('"just a string"', "JSON is a string, expected an object or a list of objects"),
        ("[]", "JSON list is empty: no articles"),
        ('{"articles": [{"body": "x"}]}', "no body, text or html field"),
        ('{"title": 42, "body": "x"}', "field 'title' is a number, expected text"),
        ('{"body": ["para 1", "para 2"]}', "field 'body' is a list, expected text"),
        ('{"title": "t", "body": "   "}', "empty body: no article text"),
        (
            '{"body": "x", "published_at": 1718600000}',
            "field 'published_at' is a number, expected text",
        ),
    ],
)
def test_wrong_json_shapes_are_refused_with_the_reason(tmp_path, content, reason):
    path = write(tmp_path, "shape.json", content)
    problem = only_problem(path)
    assert problem.origin == str(path)
    assert problem.reason == reason


def test_a_nul_character_in_a_json_field_is_refused(tmp_path):
    path = write(tmp_path, "nul.jsonl", '{"body": "ok"}\n{"body": "bad\\u0000"}\n')
    good, bad = read(path)
    assert good.payload == "ok"
    assert bad == Problem(f"{path}:2", "field 'body' contains a NUL character")


def test_a_list_of_strings_names_each_entry(tmp_path):
    path = write(tmp_path, "strings.json", '["one", "two"]')
    assert read(path) == [
        Problem(f"{path}#entry 1", "entry is a string, expected an object"),
        Problem(f"{path}#entry 2", "entry is a string, expected an object"),
    ]


def test_a_missing_body_in_a_json_list_names_the_entry_and_spares_the_others(tmp_path):
    records = [{"body": "good"}, {"title": "no body"}, {"text": "also good"}]
    path = write(tmp_path, "list.json", json.dumps(records))
    first, missing, third = read(path)
    assert missing == Problem(f"{path}#entry 2", "no body, text or html field")
    assert (first.payload, third.payload) == ("good", "also good")


def test_an_unparseable_date_names_the_line_and_the_value(tmp_path):
    lines = [{"body": "fine"}, {"body": "x", "published_at": "next Tuesday"}]
    path = write(tmp_path, "dates.jsonl", "\n".join(json.dumps(r) for r in lines))
    _, problem = read(path)
    assert problem == Problem(
        f"{path}:2", "unparseable published_at 'next Tuesday' (expected ISO 8601 or RFC 2822)"
    )


def test_good_and_bad_json_lines_mixed_the_good_still_come_through(tmp_path):
    lines = [
        json.dumps({"title": "A", "body": "first"}),
        '{"title": "broken", "body": ',
        json.dumps({"title": "B", "body": "second"}),
        json.dumps(["not", "an", "object"]),
        json.dumps({"body": "x", "published_at": "2025-13-45"}),
        json.dumps({"title": "C", "html": "<p>third</p>"}),
    ]
    path = write(tmp_path, "mixed.jsonl", "\n".join(lines) + "\n")
    items = read(path)
    assert [d.title for d in documents(items)] == ["A", "B", "C"]
    assert [(p.origin, p.reason) for p in problems(items)] == [
        (f"{path}:2", "malformed JSON at column 29: Expecting value"),
        (f"{path}:4", "line is a list, expected an object"),
        (f"{path}:5", "unparseable published_at '2025-13-45' (expected ISO 8601 or RFC 2822)"),
    ]


def test_good_and_bad_csv_rows_mixed_the_good_still_come_through(tmp_path):
    content = (
        "title,body,published_at\n"
        "Good one,First body,2025-06-17\n"
        "Bad date,Body,17/06/2025 noonish\n"
        "Empty,   ,\n"
        "Too many,Body,2025-06-17,surplus\n"
        "Good two,Second body,\n"
    )
    path = write(tmp_path, "mixed.csv", content)
    items = read(path)
    assert [d.title for d in documents(items)] == ["Good one", "Good two"]
    assert [(p.origin, p.reason) for p in problems(items)] == [
        (
            f"{path}:3",
            "unparseable published_at '17/06/2025 noonish' (expected ISO 8601 or RFC 2822)",
        ),
        (f"{path}:4", "empty body: no article text"),
        (f"{path}:5", "4 cells, but the header (line 1) has 3"),
    ]


def test_a_csv_without_a_body_column_is_refused_at_its_header(tmp_path):
    path = write(tmp_path, "nobody.csv", "title,url\nA,https://x.example\n")
    problem = only_problem(path)
    assert problem.origin == f"{path}:1"
    assert problem.reason == "CSV header has no body, text or html column (found: title, url)"


def test_good_and_bad_feed_entries_mixed_the_good_still_come_through(tmp_path):
    feed = """<?xml version="1.0"?>
<rss version="2.0"><channel><title>Mixed</title>
<item><title>Good</title><description>First body</description></item>
<item><title>Title only</title></item>
<item><title>Bad date</title><description>Body</description><pubDate>someday</pubDate></item>
<item><title>Also good</title><description>Last body</description></item>
</channel></rss>"""
    path = write(tmp_path, "mixed.rss", feed)
    items = read(path)
    assert [d.title for d in documents(items)] == ["Good", "Also good"]
    assert [d.origin for d in documents(items)] == [f"{path}#entry 1", f"{path}#entry 4"]
    assert problems(items) == [
        Problem(f"{path}#entry 2", "feed entry has no content or summary"),
        Problem(
            f"{path}#entry 3",
            "unparseable published date 'someday' (expected RFC 2822 or ISO 8601)",
        ),
    ]


def test_bad_json_feed_items_are_named_and_spare_the_others(tmp_path):
    feed = {
        "version": "https://jsonfeed.org/version/1",
        "title": "Wire",
        "items": [
            "not an item",
            {"id": "2", "title": "No content"},
            {"id": "3", "content_text": "Fine", "date_published": "yesterday"},
            {"id": "4", "content_text": "Fine too", "title": 7},
            {"id": "5", "content_text": "Good"},
        ],
    }
    path = write(tmp_path, "wire.json", json.dumps(feed))
    items = read(path)
    assert [d.payload for d in documents(items)] == ["Good"]
    assert problems(items) == [
        Problem(f"{path}#entry 1", "feed item is a string, expected an object"),
        Problem(f"{path}#entry 2", "feed item has no content_html, content_text or summary"),
        Problem(f"{path}#entry 3", "unparseable date_published 'yesterday' (expected RFC 3339)"),
        Problem(f"{path}#entry 4", "field 'title' is a number, expected text"),
    ]


# Finding files


def test_folders_are_walked_recursively_in_sorted_order_skipping_hidden_entries(tmp_path):
    for name in ["b.txt", "a.txt", "sub/z.txt", "sub/deeper/c.json", ".hidden.txt", ".git/x.txt"]:
        write(tmp_path, name, "x")
    found = list(iter_files([tmp_path]))
    assert found == [
        tmp_path / "a.txt",
        tmp_path / "b.txt",
        tmp_path / "sub" / "deeper" / "c.json",
        tmp_path / "sub" / "z.txt",
    ]


def test_files_are_taken_as_given_even_hidden_ones(tmp_path):
    hidden = write(tmp_path, ".draft.txt", "x")
    assert list(iter_files([hidden])) == [hidden]


def test_a_path_that_does_not_exist_is_a_problem(tmp_path):
    missing = tmp_path / "nope.txt"
    assert list(iter_files([missing])) == [Problem(str(missing), "no such file or folder")]
    assert only_problem(missing).reason == "no such file"


def test_a_symlink_loop_is_walked_once(tmp_path):
    root = tmp_path / "root"
    write(root, "a.txt", "x")
    write(root, "sub/b.txt", "x")
    (root / "sub" / "up").symlink_to(root, target_is_directory=True)
    (root / "self").symlink_to(root / "self")
    assert list(iter_files([root])) == [
        root / "a.txt",
        Problem(str(root / "self"), "cannot access: Too many levels of symbolic links"),
        root / "sub" / "b.txt",
    ]


def test_a_symlinked_folder_is_followed_but_each_real_folder_walked_once(tmp_path):
    write(tmp_path, "real/a.txt", "x")
    (tmp_path / "link").symlink_to(tmp_path / "real", target_is_directory=True)
    found = list(iter_files([tmp_path]))
    assert found == [tmp_path / "link" / "a.txt"]


def test_a_dangling_symlink_is_a_problem(tmp_path):
    link = tmp_path / "gone.txt"
    link.symlink_to(tmp_path / "deleted.txt")
    (problem,) = list(iter_files([tmp_path]))
    assert problem.origin == str(link)
    assert problem.reason.startswith("dangling symlink")
    assert only_problem(link).reason.startswith("dangling symlink")


def test_a_named_pipe_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    assert list(iter_files([tmp_path])) == [Problem(str(fifo), "not a regular file (a named pipe)")]
    assert only_problem(fifo).reason == "not a regular file (a named pipe)"


@pytest.mark.skipif(IS_ROOT, reason="root reads files whatever their mode")
def test_an_unreadable_file_and_folder_are_problems(tmp_path):
    secret = write(tmp_path, "secret.txt", "x")
    closed = tmp_path / "closed"
    write(tmp_path, "closed/inside.txt", "x")
    secret.chmod(0)
    closed.chmod(0)
    try:
        assert list(iter_files([tmp_path])) == [
            Problem(str(closed), "cannot list folder: permission denied"),
            Problem(str(secret), "cannot read: permission denied"),
        ]
        assert only_problem(secret).reason == "cannot read: permission denied"
    finally:
        closed.chmod(0o755)


def test_a_folder_deeper_than_the_recursion_limit_is_walked(tmp_path):
    folders = [tmp_path / "d"]
    for _ in range(1099):
        folders.append(folders[-1] / "d")
    try:
        for folder in folders:
            folder.mkdir()
        story = write(folders[-1], "deep.txt", "x")
        assert list(iter_files([tmp_path])) == [story]
    finally:
        # pytest's own cleanup (shutil.rmtree) recurses and would fail on this tree.
        (folders[-1] / "deep.txt").unlink(missing_ok=True)
        for folder in reversed(folders):
            if folder.exists():
                folder.rmdir()


def test_reading_a_folder_as_a_file_is_a_problem(tmp_path):
    assert only_problem(tmp_path).reason == "not a regular file (a folder)"


def test_the_seed_articles_read_as_text_exactly(tmp_path):
    seeds = sorted(SEEDS.glob("*.txt"))
    assert len(seeds) == 5
    for seed in seeds:
        document = only_document(seed)
        assert document.kind is Kind.TEXT
        assert document.payload == seed.read_text(encoding="utf-8")
        assert document.encoding == "utf-8"
        assert document.origin == str(seed)


# The decoder on its own


@pytest.mark.parametrize(
    ("head", "kind"),
    [
        (b"%PDF-1.4", "PDF"),
        (b"PK\x03\x04", "ZIP"),
        (b"\x89PNG\r\n\x1a\n", "PNG"),
        (b"\x7fELF", "ELF executable"),
        (b"\x1f\x8b\x08", "gzip"),
        (b"abc\x00def\x00\x00", "NUL bytes"),
        (b"Plain text", None),
        (codecs.BOM_UTF16_LE + "text".encode("utf-16-le"), None),
        (b"BMW unveils", None),
    ],
)
def test_looks_binary_names_the_kind(head, kind):
    assert looks_binary(head) == kind


def test_decode_raises_a_decode_error_with_a_reason():
    with pytest.raises(DecodeError) as caught:
        decode(b"%PDF-1.4 ...")
    assert caught.value.reason == "binary file (PDF), not text"
    assert isinstance(caught.value, ValueError)
