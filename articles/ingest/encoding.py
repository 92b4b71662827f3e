"""Bytes to trustworthy text: binary sniffing, encoding detection and the mojibake guard.

For: readers.py, which hands every file's bytes to `decode` (after `looks_binary` on the
head, so a PDF is refused before anything is decoded). The order is fixed and explicit:
byte-order marks, BOM-less UTF-16, strict UTF-8, the charset the document declares (HTML
`<meta charset>`, XML declaration), and only then charset-normalizer's guess. Whatever
the route, the result must pass `_check_trustworthy`: text that still reads like
mis-decoded UTF-8 ("Ã©", "â€™") or is full of control characters is refused with a
reason instead of being stored.

Not for: file formats, sizes or gzip (readers.py), nor cleaning the text (clean.py).
Pure Python, no Django.
"""

import codecs
import re
import unicodedata

import charset_normalizer

# How much of the start of a file the binary sniffer looks at.
HEAD_BYTES = 8192
# How much of it the tie-break between candidate encodings looks at.
_SAMPLE_BYTES = 64 * 1024

_BOMS = (
    # UTF-32 first: its little-endian BOM starts with the UTF-16 one.
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# Signatures of formats that are never articles. Only signatures that cannot plausibly
# start a text are listed ("BM" for bitmaps could start "BMW ..."): anything else binary
# is caught by its NUL or control bytes.
_MAGIC = (
    (b"%PDF-", "PDF"),
    (b"PK\x03\x04", "ZIP"),
    (b"PK\x05\x06", "ZIP"),
    (b"PK\x07\x08", "ZIP"),
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"\xff\xd8\xff", "JPEG"),
    (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"),
    (b"\x7fELF", "ELF executable"),
    (b"\x1f\x8b", "gzip"),
    (b"\xfd7zXZ\x00", "XZ"),
    (b"7z\xbc\xaf\x27\x1c", "7-Zip"),
    (b"Rar!\x1a\x07", "RAR"),
    (b"\x28\xb5\x2f\xfd", "Zstandard"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "MS Office 97 document"),
    (b"SQLite format 3\x00", "SQLite database"),
    (b"\xca\xfe\xba\xbe", "Java class or Mach-O"),
    (b"\xcf\xfa\xed\xfe", "Mach-O executable"),
    (b"\x00asm", "WebAssembly"),
    (b"OggS", "Ogg"),
    (b"fLaC", "FLAC"),
    (b"\x1a\x45\xdf\xa3", "Matroska/WebM"),
    (b"wOFF", "WOFF font"),
    (b"wOF2", "WOFF2 font"),
    (b"II*\x00", "TIFF"),
    (b"MM\x00*", "TIFF"),
)

# Control bytes that do not occur in text (tab, newlines, form feed and ESC do).
_CONTROL_BYTES = bytes(set(range(0x20)) - {0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x1B})
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0e-\x1a\x1c-\x1f\x7f-\x9f]")

# When several encodings explain the bytes equally well, the commonest wins.
_PREFERRED = ("cp1252", "cp1251", "koi8-r", "cp1250", "iso8859-2", "iso8859-15", "iso8859-1")
# HTML and XML labels that browsers read as windows-1252 (the WHATWG encoding standard).
_AS_CP1252 = {"iso8859-1", "ascii", "latin-1", "us-ascii"}

# Mis-decoded UTF-8: a UTF-8 lead byte read as a Latin-1/cp1252 letter followed by
# continuation bytes read as Latin-1 symbols, C1 controls or cp1252 punctuation.
_CONT_TO_BYTE = {chr(b): b for b in range(0x80, 0xC0)}
_CP1252_PUNCTUATION = {bytes([b]).decode("cp1252", errors="replace"): b for b in range(0x80, 0xA0)}
_CP1252_PUNCTUATION.pop("\ufffd")  # the five bytes cp1252 leaves undefined
_CONT_TO_BYTE.update(_CP1252_PUNCTUATION)
_CONT = "".join(sorted(_CONT_TO_BYTE)).replace("\\", "\\\\").replace("]", "\\]")
_MOJIBAKE = re.compile(
    f"[\u00c2-\u00df][{_CONT}]|[\u00e0-\u00ef][{_CONT}]{{2}}|[\u00f0-\u00f4][{_CONT}]{{3}}"
)
# What every match of _MOJIBAKE starts with, and no continuation character is: one class,
# which `re` scans for quickly (the three-way alternation tries each branch at every
# character: 3 ms on a 175 kB page).
_MOJIBAKE_LEAD = re.compile("[\u00c2-\u00f4]")
_HIGH_BYTES = bytes(range(0x80, 0x100))
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
# The same sequences as bytes: valid UTF-8 multi-byte characters.
_UTF8_SEQUENCE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)


_MAGIC_PREFIXES = tuple(magic for magic, _ in _MAGIC)
_BOM_PREFIXES = tuple(bom for bom, _ in _BOMS)


class DecodeError(ValueError):
    """The bytes are not trustworthy text; `reason` says why in one line."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def looks_binary(head: bytes) -> str | None:
    """The kind of binary file `head` (the first few KB) starts, or None if it may be text.

    Known signatures first (PDF, ZIP, PNG ...), then NUL bytes (except in UTF-16, which
    is full of them), then a share of control bytes no text has.
    """
    # One startswith over all the signatures first (34 calls a file before): nearly every
    # file is text, and the kind is looked for only when one matches.
    if head.startswith(_MAGIC_PREFIXES):
        return next(kind for magic, kind in _MAGIC if head.startswith(magic))
    if head.startswith(_BOM_PREFIXES):
        return None
    if b"\x00" in head:
        return None if _utf16_without_bom(head) else "NUL bytes"
    if head and len(head) - len(head.translate(None, _CONTROL_BYTES)) > len(head) * 0.05:
        return "control bytes"
    return None


def decode(data: bytes, *, declared: str | None = None) -> tuple[str, str]:
    """Decode `data` to text with "\\n" newlines and no BOM; return (text, encoding name).

    `declared` is the charset the document itself states (HTML meta, XML declaration);
    it is used only when the bytes are not valid UTF-8, which wins when it fits because
    mislabelled UTF-8 pages are common. Raises DecodeError with a one-line reason:
    binary data, bytes no known encoding explains, or a result that looks mis-decoded.
    """
    kind = looks_binary(data[:HEAD_BYTES])
    if kind:
        raise DecodeError(f"binary file ({kind}), not text")
    text, encoding = _decode(data, declared)
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    _check_trustworthy(text, encoding)
    return text, encoding


def _decode(data: bytes, declared: str | None) -> tuple[str, str]:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            codec = "utf-8" if encoding == "utf-8-sig" else encoding
            try:
                return data[len(bom) :].decode(codec), encoding
            except UnicodeDecodeError as error:
                raise DecodeError(
                    f"starts with a {encoding} byte-order mark but is not valid {codec} "
                    f"(at byte {error.start + len(bom)})"
                ) from None
    guessed = _utf16_without_bom(data[:HEAD_BYTES])
    if guessed:
        try:
            return data.decode(guessed), guessed
        except UnicodeDecodeError:
            raise DecodeError(
                f"looks like {guessed} without a byte-order mark but is not valid {guessed}"
            ) from None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as error:
        utf8_error = error
    if _mostly_utf8(data):
        # Decoding it any other way would turn every accented letter into "Ã©".
        raise DecodeError(
            f"mostly UTF-8 but invalid at byte {utf8_error.start}: any other decoding "
            "would give mojibake"
        )
    if declared:
        encoding = _codec_name(declared)
        if encoding and encoding not in {"utf-8", "utf-16", "utf-32"}:
            try:
                return data.decode(encoding), encoding
            except UnicodeDecodeError:
                pass  # A wrong label is common; let the detector have a go.
    return _detect(data)


def _detect(data: bytes) -> tuple[str, str]:
    matches = list(charset_normalizer.from_bytes(data))
    if not matches:
        raise DecodeError("not text in any known encoding")
    best = matches[0]
    # Related code pages tie closely, and charset-normalizer's own order among them is
    # often wrong (Portuguese cp1252 read as cp1250: "ă" for "ã"). Among the near-ties in
    # noise: first the decoding that glues the fewest symbols to letters (cp1250 "Żółć"
    # read as cp1252 is "¯ó³æ"), then the best language fit (Czech is cp1250, Turkish
    # cp1254), then the commonest encoding.
    close = [m for m in matches if m.chaos <= best.chaos + 0.05]
    sample = data[:_SAMPLE_BYTES]

    def rank(match: charset_normalizer.CharsetMatch) -> tuple[int, float, int]:
        name = codecs.lookup(match.encoding).name
        preference = _PREFERRED.index(name) if name in _PREFERRED else len(_PREFERRED)
        glued = _glued_symbols(sample.decode(match.encoding, errors="ignore"))
        return glued, -round(match.coherence, 2), preference

    chosen = min(close, key=rank)
    return str(chosen), codecs.lookup(chosen.encoding).name


def _glued_symbols(text: str) -> int:
    """Non-ASCII symbols and digits stuck to a letter: "³" in "¯ó³æ", rare in real text."""
    count = 0
    for match in _NON_ASCII.finditer(text):
        if unicodedata.category(match.group())[0] not in "SN":
            continue
        index = match.start()
        before = text[index - 1] if index else " "
        after = text[index + 1 : index + 2] or " "
        if before.isalpha() or after.isalpha():
            count += 1
    return count


def _codec_name(label: str) -> str:
    """Python's codec name for a declared charset label, "" when unknown."""
    try:
        name = codecs.lookup(label.strip().lower()).name
    except LookupError:
        return ""
    return "cp1252" if name in _AS_CP1252 else name


def _utf16_without_bom(head: bytes) -> str | None:
    """ "utf-16-le" or "utf-16-be" when `head` reads as UTF-16 text without a BOM.

    Text in one alphabet puts few distinct values in the high byte of each pair: 0x00
    for ASCII (so NULs in every space or digit at least), 0x04 for Cyrillic, 0x20 for
    dashes and curly quotes. Binary data spreads its high bytes, and has NULs on both
    sides of the pairs or decodes to control characters.
    """
    head = head[: len(head) // 2 * 2]
    pairs = len(head) // 2
    if pairs < 16:  # too few to judge: "abc\0def\0" is not two CJK letters and ASCII
        return None
    for high, low, encoding in (
        (head[1::2], head[0::2], "utf-16-le"),
        (head[0::2], head[1::2], "utf-16-be"),
    ):
        nuls = high.count(0)
        if nuls < pairs * 0.05 or low.count(0) > nuls * 0.01:
            continue
        common = sorted((high.count(value) for value in set(high)), reverse=True)
        if sum(common[:3]) < pairs * 0.95:
            continue
        text = head.decode(encoding, errors="replace")
        if len(_CONTROL_CHARS.findall(text)) <= len(text) * 0.01:
            return encoding
    return None


def _mostly_utf8(data: bytes) -> bool:
    """Whether most non-ASCII bytes form valid UTF-8 characters (so it is broken UTF-8)."""
    high = len(data) - len(data.translate(None, _HIGH_BYTES))
    if not high:
        return False
    in_sequences = sum(len(m) for m in _UTF8_SEQUENCE.findall(data))
    return in_sequences >= high * 0.5


def _check_trustworthy(text: str, encoding: str) -> None:
    if "\x00" in text:
        # Never text, and PostgreSQL cannot store it; looks_binary only saw the head.
        raise DecodeError(f"decoded as {encoding} but contains NUL characters: not text")
    controls = len(_CONTROL_CHARS.findall(text))
    if controls > max(2, len(text) // 100):
        raise DecodeError(
            f"decoded as {encoding} but has {controls} control characters: not text, or "
            "the wrong encoding"
        )
    example = _mojibake(text)
    if example:
        raise DecodeError(
            f"text looks mis-decoded (mojibake such as {example!r}) after decoding as {encoding}"
        )


def _mojibake(text: str) -> str | None:
    """An example if `text` is UTF-8 read as Latin-1/cp1252 upstream ("CafÃ©", "donâ€™t").

    A match only counts when its characters, turned back into bytes, are one valid UTF-8
    character. One three- or four-byte match is enough ("â€™" has no innocent reading);
    two-byte matches ("Ã©") must make up a good share of the non-ASCII characters, so a
    French "É" before a no-break space does not condemn a whole article.
    """
    example = None
    in_matches = 0
    # Every match starts at a lead character, and no lead lies inside a match: trying the
    # match at each lead finds the same sequences as scanning the alternation along the
    # whole text (1.19 -> 0.39 ms a page of the benchmark's HTML).
    for lead in _MOJIBAKE_LEAD.finditer(text):
        match = _MOJIBAKE.match(text, lead.start())
        if match is None:
            continue
        sequence = match.group()
        raw = bytes([ord(sequence[0])] + [_CONT_TO_BYTE[ch] for ch in sequence[1:]])
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError:
            continue
        if len(sequence) > 2:
            return sequence
        example = example or sequence
        in_matches += len(sequence)
    if not example:
        return None
    non_ascii = len(text) - len(text.encode("ascii", errors="ignore"))
    return example if in_matches >= non_ascii * 0.3 else None
