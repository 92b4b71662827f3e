"""Content hashes that identify the same body regardless of whitespace and letter case."""

import hashlib


def normalise_for_hash(body: str) -> str:
    """Collapse all whitespace and case-fold, so re-wrapped or re-spaced copies match."""
    return " ".join(body.split()).casefold()


def content_hash(body: str) -> str:
    """SHA-256 (hex) of the normalised body: equal for exact copies of an article."""
    return hashlib.sha256(normalise_for_hash(body).encode("utf-8")).hexdigest()
