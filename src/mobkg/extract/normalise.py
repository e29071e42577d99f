"""Name normalisation shared by entity identity, IRIs and the evaluation's matching."""

from __future__ import annotations

import hashlib
import re
import unicodedata

__all__ = ["match_key", "name_key", "slug", "strip_legal_form"]

_IGNORED = re.compile(r"[\"'“”‘’`.,;:()\[\]]")


def match_key(name: str) -> str:
    """Normalise a name the way the scoring rules compare names.

    Case-insensitive, Unicode NFKC, quotes and ``. , ; : ( ) [ ]`` ignored, leading "the" dropped.

    >>> match_key("The  Chery Automobile Co., Ltd.")
    'chery automobile co ltd'
    """
    text = unicodedata.normalize("NFKC", name).casefold()
    text = _IGNORED.sub("", text)
    text = re.sub(r"\s+", " ", text).strip()
    return re.sub(r"^the ", "", text)


def name_key(name: str) -> str:
    """Identity key of a name: :func:`match_key` with accents folded.

    >>> name_key("Citroën") == name_key("CITROEN")
    True
    """
    decomposed = unicodedata.normalize("NFKD", match_key(name))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def slug(name: str) -> str:
    """IRI-safe slug of a name: ASCII letters, digits and hyphens only.

    >>> slug("OMODA & JAECOO"), slug("Pony.ai"), slug('a"b<c>\\nd')
    ('omoda-and-jaecoo', 'pony-ai', 'ab-c-d')
    """
    text = name_key(name.replace("&", " and ").replace(".", " "))
    ascii_slug = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    if ascii_slug and not any(ch.isalnum() and not ch.isascii() for ch in text):
        return ascii_slug
    # Letters outside ASCII were lost: keep what is left readable, make it unique by hash.
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:10]
    return f"{ascii_slug}-{digest}" if ascii_slug else digest


def strip_legal_form(name: str, suffixes: frozenset[str]) -> str:
    """``name`` without its trailing legal form, so "Acme Motors S.p.A." and "Acme Motors" are one company.

    >>> strip_legal_form("Acme Motors Co., Ltd.", frozenset({"co.", "ltd."}))
    'Acme Motors'
    """
    words = name.replace(",", " ").split()
    while len(words) > 1 and words[-1].lower() in suffixes:
        words.pop()
    return " ".join(words)
