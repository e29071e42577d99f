"""Capitalised names of one sentence: tokens, runs of name tokens ("chunks") and their head words.

A chunk is a maximal run of name tokens: capitalised words, model codes, connectors
between name words ("Bank of China"), "of the" in a body's name, legal forms after a
comma ("Acme Motors, Inc."). Its head word (Group, Summit, Platform...) is evidence for
its type (:data:`HEAD_RULES`); :mod:`mobkg.extract.mentions` weighs that evidence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..vocab import EntityType
from .lexicon import Lexicon

__all__ = ["Token", "tokenize", "defined_alias", "NameChunker", "HEAD_RULES"]

T = EntityType

_TOKEN = re.compile(r"\w+(?:[.'’\-/]\w+)*|&|[^\w\s]")
_CONNECTORS = {"&", "of", "de", "der", "von", "van", "da", "di", "du", "la", "le", "del", "y", "for", "den", "ter", "bin", "al"}
_YEAR = re.compile(r"(?:19|20)\d\d")
_NAME_ABBREVIATIONS = {"St", "Ste", "Mt", "Ft", "Pt"}
"""Abbreviations that keep their period inside place names ("St. Louis", "Mt. Fuji")."""
_ACRONYM_PAREN = re.compile(r"\s*\(\s*[\"“]?(?P<inner>[^()\"”]{1,60}?)[\"”]?\s*\)")
_TICKER = re.compile(r"^(?:NASDAQ|NYSE|HKEX|SSE|SZSE|TSE|LSE|KRX|ETR|XETRA|EPA|BIT|OTC|TSX|ASX|SIX|BSE|NSE)\b", re.IGNORECASE)


def defined_alias(text: str, end: int) -> str | None:
    """The short name a text defines in parentheses right after a name ending at ``end``.

    Only the part before a ``;`` or ``,`` counts, and a part with a colon is a listing, not a name:

    >>> defined_alias("Lumen Cells AG (LUMEN; ISIN: CH0000000001) said", 14)
    'LUMEN'
    >>> defined_alias("Lumen Cells (Nasdaq: LMN) said", 11) is None
    True
    """
    paren = _ACRONYM_PAREN.match(text, end)
    if not paren or _TICKER.match(paren.group("inner")):
        return None
    inner = re.split(r"[;,]", paren.group("inner"), maxsplit=1)[0].strip()
    if not inner or ":" in inner or not (inner[0].isupper() or inner[0].isdigit()) or len(inner.split()) > 5 \
            or _YEAR.fullmatch(inner):
        return None
    return inner


_PLACE_COMPOUND = re.compile(
    r"([A-Z][\w.]{2,}(?:-[A-Z0-9][\w.]*)*)(-(?:based|headquartered|owned|built|made|assembled|listed|born|registered|"
    r"designed|engineered|developed|produced|backed|led|run|operated|controlled|founded|focused|bound|wide))"
)
_CALENDAR = {"january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
             "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
             "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}
_FUNCTION_WORDS = {"the", "a", "an", "in", "on", "at", "by", "for", "from", "with", "to", "of", "and", "or", "but", "as",
                   "this", "that", "these", "those", "its", "it", "their", "our", "we", "he", "she", "they", "his", "her",
                   "each", "every", "all", "both", "some", "many", "most", "other", "such", "another", "any", "no",
                   "several", "few", "after", "before", "since", "while", "when", "where", "if", "once", "until", "during",
                   "about", "through", "throughout", "following", "across", "among", "amid", "under", "within",
                   "without", "against", "around", "beyond", "via", "per", "despite", "including", "according",
                   "however", "meanwhile", "moreover", "furthermore", "additionally", "today", "yesterday"}
_COMPANY_PLURALS = {"systems", "technologies", "batteries", "chips", "cells", "motors", "engines", "platforms", "solutions"}
"""Plural heads name firms ("Nordcell Batteries", "Halvorsen Systems"), singular ones name technologies."""


@dataclass(frozen=True)
class Token:
    text: str
    start: int
    end: int

    @property
    def lower(self) -> str:
        return self.text.lower()


def tokenize(text: str, lexicon: Lexicon) -> list[Token]:
    """Tokens with offsets; a period is kept on known abbreviations (Co., Ltd., e.V., U.S.)."""
    tokens = []
    for m in _TOKEN.finditer(text):
        word = m.group(0)
        compound = _PLACE_COMPOUND.fullmatch(word)
        if compound:
            # "Toronto-based", "European-assembled": the name and its participle are two tokens.
            cut = m.start() + compound.end(1)
            tokens.append(Token(compound.group(1), m.start(), cut))
            tokens.append(Token(word[compound.end(1):], cut, m.end()))
            continue
        half = len(word) // 2
        if len(word) >= 6 and len(word) % 2 == 0 and word[:half] == word[half:] and word[0].isupper():
            # "About MAHLEMAHLE is ...": a heading glued to the sentence it heads repeats the name.
            tokens.append(Token(word[:half], m.start(), m.start() + half))
            tokens.append(Token(word[half:], m.start() + half, m.end()))
            continue
        if len(word) > 2 and word[-2] in "'’" and word[-1] in "sS":
            # Possessive: "Acme's" is the name Acme plus 's.
            tokens.append(Token(word[:-2], m.start(), m.end() - 2))
            tokens.append(Token(word[-2:], m.end() - 2, m.end()))
        else:
            tokens.append(Token(word, m.start(), m.end()))
    merged: list[Token] = []
    suffixes = lexicon.words("legal_suffixes")
    for index, token in enumerate(tokens):
        if token.text == "." and merged and merged[-1].end == token.start:
            previous = merged[-1]
            following = tokens[index + 1] if index + 1 < len(tokens) else None
            if re.fullmatch(r"[A-Z]", previous.text) and following is not None and following.text[:1].isupper() \
                    and len(merged) > 1 and merged[-2].text[:1].isupper():
                merged[-1] = Token(previous.text + ".", previous.start, token.end)  # "Walter P. Chrysler": an initial
                continue
            if (previous.lower + ".") in suffixes or re.fullmatch(r"(?:[A-Za-z]\.)+[A-Za-z]", previous.text) \
                    or previous.text in _NAME_ABBREVIATIONS:
                merged[-1] = Token(previous.text + ".", previous.start, token.end)
                continue
        merged.append(token)
    return merged


def _capitalised(token: Token) -> bool:
    text = token.text
    if not text[0].isalnum():
        return False
    if text[0].isupper():
        return True
    if text[0].isdigit():
        return any(c.isalpha() and c.isupper() for c in text)  # 5G, 5GAA, 3M
    return any(c.isupper() for c in text[1:])  # iCAR, e-Platform, eVTOL


class NameChunker:
    """Splits one sentence into tokens and maximal runs of name tokens; knows a name's head word."""

    def __init__(self, text: str, lexicon: Lexicon):
        self.text = text
        self.lexicon = lexicon
        self.tokens = tokenize(text, lexicon)
        self.words = lexicon.words
        self.stop = lexicon.words("stop_capitalised")
        self.titles = lexicon.words("person_titles")
        self.generic_products = lexicon.words("product_heads") - {"model", "concept", "flagship", "family", "series", "line"}

    # -- chunking -------------------------------------------------------------------------
    def _is_title(self, index: int) -> bool:
        """True when a (possibly multi-word) job title starts at ``index``: "Chief Technology Officer"."""
        return self.title_length(index) > 0

    def title_length(self, index: int) -> int:
        for size in (4, 3, 2, 1):
            words = self.tokens[index:index + size]
            if len(words) == size and " ".join(t.lower for t in words) in self.titles:
                return size
        return 0

    def chunks(self) -> list[tuple[int, int]]:
        """Maximal runs of name tokens as (first, last+1) token indexes."""
        spans, i = [], 0
        while i < len(self.tokens):
            skip = self._not_a_start(i)
            if skip:
                i += skip
                continue
            j = i + 1
            while j < len(self.tokens):
                step, ends = self._continuation(j)
                j += step
                if not step or ends:
                    break
            spans.extend(self._split_repeat(i, j))
            i = j
        return spans

    def _not_a_start(self, i: int) -> int:
        """0 when a name may start at token ``i``, else how many tokens to pass over."""
        token = self.tokens[i]
        if not _capitalised(token):
            return 1
        title = self.title_length(i)
        if title:
            return title
        if token.lower in self.stop and not token.text.isupper():
            # "New York", "Global Battery Alliance": a soft stop word may open a longer name;
            # after "said", even "He" may be a surname ("said He Xiaopeng, CEO of ...").
            nxt = self.tokens[i + 1] if i + 1 < len(self.tokens) else None
            after_speech = i > 0 and self.tokens[i - 1].lower in {"said", "says"}
            soft = (token.lower not in _FUNCTION_WORDS or after_speech) and nxt is not None and _capitalised(nxt) \
                and nxt.lower not in self.stop and not self._is_title(i + 1)
            return 0 if soft else 1
        return 0

    def _continuation(self, j: int) -> tuple[int, bool]:
        """How many tokens from ``j`` continue the name before them (0: it ends), and whether the
        name ends right after them (a legal form: "Acme Inc Acme is ...")."""
        for rule in _CONTINUATION_RULES:
            step = rule(self, j)
            if step is not None:
                return step
        return 0, False

    # -- continuation rules, in the order they are tried (None: no say) --
    def _class_word(self, j: int) -> tuple[int, bool] | None:
        nxt = self.tokens[j]
        if nxt.text.isupper() and nxt.lower in self.generic_products:
            return 0, False  # "TIGGO 8 SUV": the class word is not part of the name
        return None

    def _name_word(self, j: int) -> tuple[int, bool] | None:
        nxt = self.tokens[j]
        if _capitalised(nxt) and not self._is_title(j) and nxt.lower not in _FUNCTION_WORDS | _CALENDAR:
            return 1, self._ends_name(j)
        return None

    def _code_word(self, j: int) -> tuple[int, bool] | None:
        if self.tokens[j].text[0].isdigit() and self._is_code(j):
            return 1, False
        return None

    def _connector(self, j: int) -> tuple[int, bool] | None:
        """"Bank of China", "Johnson & Johnson": a connector between two name words."""
        tokens = self.tokens
        if tokens[j].lower in _CONNECTORS and j + 1 < len(tokens) and self._name_start(j + 1):
            return 2, False
        return None

    def _of_the(self, j: int) -> tuple[int, bool] | None:
        tokens = self.tokens
        if tokens[j].lower == "of" and j + 2 < len(tokens) and tokens[j + 1].lower == "the" \
                and self._name_start(j + 2) \
                and self.head_type([tokens[j - 1].text]) in (T.ALLIANCE, T.COMPANY, T.INITIATIVE):
            return 3, False  # "German Association of the Automotive Industry"
        return None

    def _comma_legal_form(self, j: int) -> tuple[int, bool] | None:
        """"Acme Motors, Inc.": a comma before a legal form."""
        tokens = self.tokens
        if tokens[j].text == "," and j + 1 < len(tokens) and tokens[j + 1].lower in self.words("legal_suffixes") \
                and tokens[j + 1].lower not in {"group", "company", "holding", "holdings"}:
            return 2, self._ends_name(j + 1)
        return None

    def _dotted_legal_form(self, j: int) -> tuple[int, bool] | None:
        nxt = self.tokens[j]
        if nxt.lower in self.words("legal_suffixes") and nxt.text not in {"group", "company", "holding"} and "." in nxt.text:
            return 1, False
        return None

    def _name_start(self, index: int) -> bool:
        """A capitalised word, not a stop word or a title, that carries a name on after a connector."""
        token = self.tokens[index]
        return _capitalised(token) and token.lower not in self.stop and not self._is_title(index)

    def _split_repeat(self, first: int, last: int) -> list[tuple[int, int]]:
        """``About Acme Acme is ...``: a heading glued to the sentence it heads repeats the name; two names."""
        words = [t.text for t in self.tokens[first:last]]
        half = len(words) // 2
        if len(words) >= 2 and len(words) % 2 == 0 and words[:half] == words[half:]:
            return [(first, first + half), (first + half, last)]
        return [(first, last)]

    def _ends_name(self, index: int) -> bool:
        """True when the token at ``index`` is a legal form (Inc, GmbH, AG) that no further legal form
        or punctuation follows: the capitalised word after it starts another name."""
        token = self.tokens[index]
        if token.lower not in self.words("legal_suffixes") or token.lower in {"group", "company", "holding", "holdings", "co", "co."}:
            return False
        after = self.tokens[index + 1] if index + 1 < len(self.tokens) else None
        return after is not None and _capitalised(after) and after.lower not in self.words("legal_suffixes")

    def _is_code(self, index: int) -> bool:
        token = self.tokens[index]
        after = self.tokens[index + 1].text if index + 1 < len(self.tokens) else ""
        if after in {",", "%", "."} and index + 2 < len(self.tokens) and self.tokens[index + 2].text[:1].isdigit():
            return False  # 1,346 / 3.5
        if after == "%" or (index + 1 < len(self.tokens) and self.tokens[index + 1].lower in {"km", "kwh", "kw", "mm", "million", "billion", "units", "percent", "per", "cent"}):
            return False
        return len(token.text) <= 5 or bool(_YEAR.fullmatch(token.text))

    def span_text(self, first: int, last: int) -> str:
        return self.text[self.tokens[first].start:self.tokens[last - 1].end]

    def head_type(self, words: list[str]) -> EntityType | None:
        """Type from the last word (or two) of a name: the first rule of :data:`HEAD_RULES` that fits."""
        head = _HeadWords(words)
        for entity_type, fits in HEAD_RULES:
            if fits(self.words, head):
                return entity_type
        return None


_CONTINUATION_RULES = (NameChunker._class_word, NameChunker._name_word, NameChunker._code_word, NameChunker._connector,
                       NameChunker._of_the, NameChunker._comma_legal_form, NameChunker._dotted_legal_form)
"""What carries a name on past token j, in order: a class word ends it; a name word, a model code,
a connector or "of the" before name words, a legal form after a comma or with a period continue it."""

class _HeadWords:
    """The end of a name as the head rules read it: its words, last word and last two words, lowercased."""

    def __init__(self, words: list[str]):
        self.words = words
        self.last = words[-1].lower()
        self.last2 = " ".join(w.lower() for w in words[-2:]) if len(words) > 1 else self.last

    def ends_in(self, heads) -> bool:
        return self.last in heads or self.last2 in heads


def _facility_head(w, head: _HeadWords) -> bool:
    return len(head.words) > 1 and any(x.lower() in w("facility_heads") for x in head.words[1:])


def _place_head(w, head: _HeadWords) -> bool:
    words = head.words  # "Yas Island", "Port of Rotterdam"
    return len(words) > 1 and (head.last in w("place_heads") or (words[0].lower() in {"port", "airport"} and words[1] == "of"))


def _event_head(w, head: _HeadWords) -> bool:
    words = head.words  # "Acme Summit", "Auto Expo", "Mobility Week ASIA"
    return head.ends_in(w("event_heads")) or (len(words) > 2 and words[-2].lower() in w("event_heads") and words[-1].isupper())


def _technology_head(w, head: _HeadWords) -> bool:
    return head.last in w("technology_heads") and head.last not in {"motor", "network", "model", "pilot", "assistant"} \
        and head.last not in _COMPANY_PLURALS


def _public_body_head(w, head: _HeadWords) -> bool:
    """"Government of Haryana", "Commission for Air Quality Management", "Federal Transit Administration"."""
    words = [x.lower() for x in head.words]
    if len(words) < 2:
        return False
    for size in (2, 1):
        if len(words) > size + 1 and " ".join(words[:size]) in w("public_body_heads") and words[size] in {"of", "for"}:
            return True
    return head.last in w("public_body_tails")


def _company_head(w, head: _HeadWords) -> bool:
    return head.last in w("legal_suffixes") or head.ends_in(w("company_heads"))


HEAD_RULES = (
    (T.COMPANY, _public_body_head),
    (T.PLACE, _facility_head),
    (T.PLACE, _place_head),
    (T.EVENT, _event_head),
    (T.INITIATIVE, lambda w, head: head.ends_in(w("initiative_heads"))),
    (T.ALLIANCE, lambda w, head: head.ends_in(w("alliance_heads"))),
    (T.TECHNOLOGY, _technology_head),
    (T.COMPANY, _company_head),
)
"""Head-word evidence in order: a public body ("Ministry of ...", "... Administration"), a facility or place head, an event, initiative or alliance head,
a technology head (singular), a legal form or company head."""


