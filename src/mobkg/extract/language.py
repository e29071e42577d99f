"""Which language a release is written in.

Extraction rules and word lists exist for English only. A release in another
language yields only what needs no language knowledge (gazetteer names in their
canonical form, the dateline, its URL), never inflected fragments ("Lexusów NX").

Only lowercase words count: names say nothing about the language a release is
written in, and a long list of them ("members include A, B, C ...") must not make
an English release look foreign. English is recognised cheaply from its function
words; anything else is handed to py3langid (a trained identifier whose model ships with the package, loaded once
per process on first use).
"""

from __future__ import annotations

import re
from functools import cache

__all__ = ["detect_language", "ENGLISH"]

ENGLISH = "en"

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_FUNCTION_WORDS = frozenset(
    "the of and to in a is for on with that by as at from its it are was be has have will this an or which its "
    "their our we said new".split()
)
_ENGLISH_SHARE = 0.12
"""Share of function words above which a text is English without asking the model (English prose: ~0.3)."""
_MIN_WORDS = 8
"""Texts with fewer lowercase words (a headline alone, a bare list of names) are too short to tell: taken as English."""


@cache
def _identifier():
    import py3langid

    return py3langid


def detect_language(text: str) -> str:
    """ISO 639-1 code of the language ``text`` is written in.

    >>> detect_language("Acme Motors unveiled its new electric van in Munich on Tuesday, the company said.")
    'en'
    >>> detect_language("Lexus po raz kolejny jest partnerem konkursu. Koncerty będą się odbywać w Filharmonii Narodowej w Warszawie.")
    'pl'
    """
    words = [w for w in _WORD.findall(text[:5000]) if w[0].islower()]
    if len(words) < _MIN_WORDS:
        return ENGLISH
    share = sum(1 for w in words if w in _FUNCTION_WORDS) / len(words)
    if share >= _ENGLISH_SHARE:
        return ENGLISH
    language, _ = _identifier().classify(" ".join(words))
    return language
