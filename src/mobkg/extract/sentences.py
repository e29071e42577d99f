"""Split release blocks into sentences and mark the ones a scrape cut short.

Scrapes that drop linked names leave blocks such as ``"..., Chairman of"``:
a block that does not end in terminal punctuation is either a heading (short,
title-like) or truncated. Relations are never read from the lost tail.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Sentence", "split_sentences", "sentences_of_release"]

_ABBREVIATIONS = {
    "co", "ltd", "inc", "corp", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    "mr", "mrs", "ms", "dr", "prof", "st", "no", "nos", "jr", "sr", "vs", "approx", "etc", "e.v", "u.s", "u.k", "e.g", "i.e",
    "fig", "dept", "est", "ave", "blvd", "rd", "mt", "ft", "gov", "gen", "lt", "col", "sgt", "rev", "hon", "op", "vol", "id",
}
_BOUNDARY = re.compile(r"(?<=[.!?])[\"”’)\]]*\s+(?=[\"“‘(\[]?[A-Z0-9])")
_TERMINAL = re.compile(r"[.!?:][\"”’)\]]*$|[\"”’]$")
_FUNCTION_WORDS = {"of", "to", "the", "and", "by", "with", "from", "a", "an", "in", "at", "for", "as", "on", "between",
                   "including", "such", "that", "which", "who", "its", "their", "his", "her", "like", "via", "than", "or"}


@dataclass(frozen=True)
class Sentence:
    text: str
    block: int
    truncated: bool = False
    heading: bool = False


def split_sentences(block: str) -> list[str]:
    """Split one block into sentences, keeping abbreviations and initials together.

    >>> split_sentences("Acme Co., Ltd. grew in the U.S. market. Sales rose 5%. Mr. Li said so.")
    ['Acme Co., Ltd. grew in the U.S. market.', 'Sales rose 5%.', 'Mr. Li said so.']
    """
    pieces: list[str] = []
    start = 0
    for boundary in _BOUNDARY.finditer(block):
        before = block[start:boundary.start()].rstrip("\"”’)]")
        last = re.search(r"(\S+)\.$", before)
        word = last.group(1).lower().lstrip("(\"“") if last else ""
        if word in _ABBREVIATIONS or re.fullmatch(r"[a-z]", word) or re.fullmatch(r"(?:[a-z]\.)+[a-z]", word):
            continue
        pieces.append(block[start:boundary.start()].strip())
        start = boundary.end()
    pieces.append(block[start:].strip())
    return [p for p in pieces if p]


def _is_heading(block: str) -> bool:
    words = block.split()
    return len(words) <= 14 and words[-1].lower().strip(",;") not in _FUNCTION_WORDS


def sentences_of_release(title: str, body: tuple[str, ...]) -> list[Sentence]:
    """Sentences of a release: the title first (block -1), then each body block's sentences."""
    sentences = [Sentence(title, -1, heading=True)] if title else []
    for index, block in enumerate(body):
        if not block.strip():
            continue
        parts = split_sentences(block)
        complete = bool(_TERMINAL.search(block))
        heading = not complete and _is_heading(block)
        for position, part in enumerate(parts):
            last = position == len(parts) - 1
            sentences.append(Sentence(part, index, truncated=last and not complete and not heading, heading=heading))
    return sentences
