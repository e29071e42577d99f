"""Find and type the entity mentions of one sentence.

A mention is a capitalised chunk ("Zhejiang Geely Holding Group", "TIGGO 7 CSH",
"Auto Shanghai 2025"), a listed lowercase technology term ("lithium iron
phosphate"), or a possessed technology phrase ("Acme's dual-motor drive system").
Its type comes, in this order, from the gazetteers, the year it carries, its
head word (Group, Summit, Platform, Declaration...), a model code, and the words
around it (a title next to a person, "robotics developer X", "X, a supplier of",
a list of brands). Chunks with no evidence are dropped: precision first.
Chunks (runs of name tokens) and head words come from :mod:`mobkg.extract.names`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import NamedTuple

from ..vocab import EntityType
from .lexicon import GazetteerEntry, Lexicon
from .names import _ACRONYM_PAREN, _FUNCTION_WORDS, _TICKER, _YEAR, NameChunker, Token, defined_alias, tokenize

__all__ = ["Mention", "Token", "tokenize", "find_mentions"]

T = EntityType

_CODE = re.compile(r"(?=.*\d)[A-Za-z0-9][A-Za-z0-9.\-]*|[A-Z]{1,2}")
_SUFFIX_CODES = re.compile(r"[A-Z][A-Za-z0-9\-]*|(?:[A-Z]+-)?[a-z]{1,2}")
_PERSON_TOKEN = re.compile(r"[A-ZÀ-ÖØ-Þ][a-zà-öø-ÿ'’]+(?:-[A-ZÀ-ÖØ-Þa-zà-öø-ÿ][a-zà-öø-ÿ]+)*|[A-Z]\.")
_PARTICLES = {"van", "von", "de", "der", "den", "da", "di", "du", "le", "la", "del", "bin", "al", "ter", "ten"}
_TYPE_NOUNS = {
    "programme": T.INITIATIVE, "program": T.INITIATIVE, "initiative": T.INITIATIVE, "pilot": T.INITIATIVE,
    "project": T.INITIATIVE, "scheme": T.INITIATIVE, "campaign": T.INITIATIVE, "pledge": T.INITIATIVE,
    "summit": T.EVENT, "conference": T.EVENT, "expo": T.EVENT, "exhibition": T.EVENT, "festival": T.EVENT,
    "alliance": T.ALLIANCE, "consortium": T.ALLIANCE, "association": T.ALLIANCE, "coalition": T.ALLIANCE,
}
_GENERIC_PRODUCT_WORDS = {"model", "models", "family", "series", "line", "flagship", "concept", "ev", "bev", "phev", "version",
                          "families", "lines", "versions"}
_DETERMINERS = {"the", "a", "an", "its", "their", "his", "her", "our"}
_ROLE_WORDS = {"partner", "leader", "member", "owner", "host", "lead", "executive", "officer", "principal", "anchor"}
"""Title words that are also roles an organisation plays ("our partner X", "the anchor X")."""
_DESCRIPTOR_ENDS = {",", ".", ";", ":", "(", ")", "of", "in", "for", "that", "which", "who", "whose", "with", "to", "from",
                    "on", "at", "by", "focused", "based", "headquartered", "specialising", "specializing", "dedicated",
                    "built", "made", "sold", "known", "run", "led", "held", "around", "under", "through", "into", "over",
                    "across", "between", "including", "such", "as", "like", "offering", "providing", "which", "where"}
"""Words that end the noun phrase of an apposition ("X, a maker of buses", "X, a firm focused on ...")."""
_PARTITIVES = {"family", "range", "line", "series", "type", "kind", "class", "generation", "set", "suite", "lineup", "portfolio"}
"""Nouns whose "of" continues the noun phrase: "a new family of swap batteries" is batteries."""


@dataclass
class Mention:
    start: int
    end: int
    text: str
    type: EntityType | None
    strength: int
    """3: stated by the sentence's structure, 2: gazetteer or head word, 1: weak cue."""
    aliases: set[str] = field(default_factory=set)
    entry: GazetteerEntry | None = None
    defined_alias: str | None = None
    """An alias the text defines right after the name: ``X ("Y")`` or ``X (ABC)``."""
    rule: str = ""


class _Finder(NameChunker):
    """Types the name chunks of one sentence and builds their mentions."""

    # -- typing ---------------------------------------------------------------------------
    def gazetteer(self, surface: str) -> list[GazetteerEntry]:
        found = self.lexicon.exact.get(surface)
        if found:
            return found
        if " " in surface or surface.isupper():
            return self.lexicon.folded.get(surface.casefold(), [])
        return []

    def model_code(self, words: list[str]) -> bool:
        """``TIGGO 7``, ``Han L``, ``SEAL U DM-i``, ``ZEEKR 001 FR``: a name followed by a model code."""
        if len(words) < 2 or _YEAR.fullmatch(words[-1]):
            return False
        if any(e.type is T.PLACE for e in self.gazetteer(words[-1])):
            return False  # "Acme UK" is a regional arm, not a model
        if len(words[0]) < 2 or "&" in words:
            return False  # "R&D" is not the model "D" of a maker "R"
        for k in range(1, len(words)):
            if _CODE.fullmatch(words[k]) and not _YEAR.fullmatch(words[k]):
                return all(_SUFFIX_CODES.fullmatch(x) for x in words[k + 1:]) and words[0][0].isupper()
        return False

    def cue_before(self, first: int) -> str | None:
        """The cue the words before a name give: "Mr" (person), "'s" (possessed), "carmaker" (organisation), "said"."""
        before = [t.lower for t in self.tokens[max(0, first - 3):first]]
        if not before:
            return None
        last = before[-1]
        if last in self.words("honorifics"):
            return "person"
        if last in {"'s", "’s", "s"} and len(before) >= 2:
            return "possessed"
        if self._organisation_noun_before(before):
            return "organisation"
        if last in {"said", "says", "added", "explained", "noted", "commented", "stated"}:
            return "speaker"
        if len(before) >= 2 and last == "," and before[-2] in self.titles:
            return "person"  # "its chief operating officer, Jane Roe, said"
        return None

    def _organisation_noun_before(self, before: list[str]) -> bool:
        """"robotics developer X", "the battery maker X" (but not "group", "leader", "partner")."""
        nouns = self.words("organisation_nouns")
        named = before[-1] in nouns or (len(before) > 1 and " ".join(before[-2:]) in nouns)
        return named and before[-1] not in {"group", "brand", "leader", "player", "partner", "partners"}

    def cue_after(self, last: int) -> str | None:
        """The cue the words after a name give: "said", an apposition ("X, a supplier of"), a ticker."""
        rest = self.tokens[last:last + 10]
        words = [t.lower for t in rest]
        if not words:
            return None
        if words[0] in {"said", "says", "added", "explained", "noted", "commented"}:
            return "speaker"
        if words[0] == "," and len(words) > 1:
            return self._apposition_cue(rest, words[1:])
        if words[0] == "(":
            inner = _ACRONYM_PAREN.match(self.text, self.tokens[last].start)
            if inner and _TICKER.match(inner.group("inner")):
                return "organisation"
        return None

    def _apposition_cue(self, rest: list[Token], tail: list[str]) -> str | None:
        """"X, chief executive of", "X, a supplier of", "X, the brand's new SUV": what the apposition calls X."""
        if len(rest) > 3 and rest[1].text[:1].isupper() and rest[2].text.startswith("-"):
            tail = ["the"] + tail[2:]  # "X, Helsinki-based operator of ...": read past the place
        if self._title_apposition(tail):
            return "title"
        if tail[0] not in {"a", "an", "the"}:
            return None
        # The descriptor's head is its last noun: "a battery technology company" is a company.
        head = None
        for previous, word in zip(tail, tail[1:]):
            if word in _DESCRIPTOR_ENDS and not (word == "of" and previous in _PARTITIVES):
                break
            if word.endswith("ed") and head is not None and self._descriptor_cue(head) is not None:
                break  # "a humanoid robot designed with ...": a participle after the head noun
            head = word
        return self._descriptor_cue(head) if head is not None else None

    def _title_apposition(self, tail: list[str]) -> bool:
        if tail[0] in {"the", "a", "an"} and len(tail) > 1 and (tail[1] in self.titles or tail[1] == "member"):
            return True
        return tail[0] in self.titles or (len(tail) > 1 and " ".join(tail[:2]) in self.titles) or tail[0] in {"who"}

    def _descriptor_cue(self, word: str) -> str | None:
        """The cue of one descriptor word (:data:`DESCRIPTOR_CUES`), or None."""
        for cue, list_name, excluded in DESCRIPTOR_CUES:
            if word in self.words(list_name) and word not in excluded:
                return cue
        return None

    def type_chunk(self, first: int, last: int) -> Typed | None:
        """The type of the name spanning tokens ``first``..``last``: the first rule of
        :data:`TYPING_RULES` that has evidence decides, as (type, strength, rule, gazetteer entry)."""
        chunk = _Chunk(first, last, [t.text for t in self.tokens[first:last]], self.span_text(first, last),
                       self.cue_before(first), self.cue_after(last))
        for rule in TYPING_RULES:
            typed = rule(self, chunk)
            if typed is not None:
                return typed
        return None

    # -- from a chunk to a mention --------------------------------------------------------
    def mention(self, first: int, last: int) -> Mention:
        """The mention of the chunk ``first``..``last``, typed; an untyped one is a candidate that
        release-level context (brand lists, member lists) may still type."""
        if first > 0 and _YEAR.fullmatch(self.tokens[first - 1].text) \
                and self.head_type([t.text for t in self.tokens[first:last]]) is T.EVENT:
            first -= 1  # a year right before an event name belongs to it: "2025 Acme User Summit"
        heads = _Heads(self.trailing_heads(last, self.words("product_heads")),
                       self.trailing_heads(last, self.words("technology_heads") - _NOT_TECH_NAME_HEADS))
        typed = self.type_chunk(first, last)
        for rule in (self._named_product, self._organisation_technology, self._named_technology, self._named_by_noun):
            typed = rule(first, last, heads, typed)
        if typed is not None and typed[3] is None and (_not_a_name(self.tokens[first:last], self.lexicon)
                                                      or _IDENTIFIER_BEFORE.search(self.text, 0, self.tokens[first].start)):
            typed = None  # "the Merger", "Green Bonds", "EV", "WKN: A2QH 97": terms and codes, not names
        return self._built(first, last, heads, typed or (None, 0, "candidate", None))

    def _named_product(self, first: int, last: int, heads: _Heads, typed: Typed | None) -> Typed | None:
        """"the Corvina X5 SUV": a name before a specific product noun."""
        tokens, count = self.tokens, heads.product
        specific = count and tokens[last + count - 1].lower not in _GENERIC_PRODUCT_WORDS \
            and not (last - first == 1 and re.search(r"-[a-z]{4,}$", tokens[first].text))  # "D-segment SUV"
        if typed is None and specific and (first > 0 or last - first > 1 or not tokens[first].text.istitle()):
            return T.PRODUCT, 2, "named-product", None
        return typed

    def _organisation_technology(self, first: int, last: int, heads: _Heads, typed: Typed | None) -> Typed | None:
        """"the Classiq platform", "the Arm architecture": the organisation's technology, named after it."""
        if typed is not None and typed[0] in (T.COMPANY, T.BRAND) and heads.technology \
                and " ".join(t.lower for t in self.tokens[last:last + heads.technology]) in self.words("owned_technology_heads"):
            return T.TECHNOLOGY, 3, "organisation-technology", None
        return typed

    def _named_technology(self, first: int, last: int, heads: _Heads, typed: Typed | None) -> Typed | None:
        """"the Strata platform": a name before a technology noun (not a plain capitalised word)."""
        tokens = self.tokens
        marked = last < len(tokens) and tokens[last].text in {"®", "™"}  # "Quillgate® software": a trademark
        plain_word = last - first == 1 and tokens[first].text.istitle() and not any(c.isdigit() for c in tokens[first].text) \
            and not marked
        if typed is None and heads.technology and (last - first > 1 or len(tokens[first].text) > 2) \
                and tokens[first].lower not in self.stop and not plain_word:
            return T.TECHNOLOGY, 2, "named-technology", None
        return typed

    def _named_by_noun(self, first: int, last: int, heads: _Heads, typed: Typed | None) -> Typed | None:
        """A name before a type noun ("Acme brand", "Strata programme") when nothing else typed it."""
        if typed is not None and typed[0] is not None:
            return typed
        kind = _TYPE_NOUNS.get(self.tokens[last].lower if last < len(self.tokens) else "")
        if kind is not None and (not self.tokens[first].text.istitle() or last - first > 1):
            return kind, 2, "named-" + kind.value.lower(), None
        return typed

    def _built(self, first: int, last: int, heads: _Heads, typed: Typed) -> Mention:
        """The mention itself: a product or technology keeps its head noun as an alias (or in its name)."""
        entity_type, strength, rule, entry = typed
        tokens, text = self.tokens, self.text
        start, end = tokens[first].start, tokens[last - 1].end
        surface = text[start:end]
        aliases: set[str] = set()
        if entity_type is T.PRODUCT and heads.product:
            aliases.add(text[start:tokens[last + heads.product - 1].end])
        if entity_type is T.TECHNOLOGY and heads.technology:
            full = text[start:tokens[last + heads.technology - 1].end]
            if tokens[last + heads.technology - 1].lower == "technology" \
                    or self.head_type([t.text for t in tokens[first:last]]) is T.TECHNOLOGY:
                aliases.add(full)
            else:
                aliases.add(surface)
                surface, end = full, tokens[last + heads.technology - 1].end
        mention = Mention(start, end, surface, entity_type, strength, aliases, entry, rule=rule)
        mention.defined_alias = defined_alias(text, end)
        return mention

    # -- typing rules, in the order they are tried (each returns None when it has no evidence) --
    def _by_gazetteer(self, chunk: _Chunk) -> Typed | None:
        entries = self.gazetteer(chunk.surface)
        if not entries:
            return None
        types = {e.type for e in entries}
        if T.PLACE in types and chunk.before == "organisation":
            return None
        if len(types) > 1 and T.COMPANY in types and T.BRAND in types:
            chosen = T.BRAND if chunk.after == "brand" else T.COMPANY
            return chosen, 2, "gazetteer", next(e for e in entries if e.type is chosen)
        return entries[0].type, 2, "gazetteer", entries[0]

    def _by_term(self, chunk: _Chunk) -> Typed | None:
        if chunk.surface.lower() in self.words("technology_terms"):
            return T.TECHNOLOGY, 2, "technology-term", None
        bodies = self.words("standard_bodies")
        if any(c.isdigit() for c in chunk.surface) and (
                all(part.lower() in bodies for part in chunk.words[0].split("/"))
                or re.fullmatch(r"[A-Z]{2,5}\d{3,5}", chunk.words[0]) and chunk.words[0].rstrip("0123456789").lower() in bodies):
            return T.TECHNOLOGY, 2, "standard", None  # "ISO 26262", "ISO/SAE 21434", "ISO14001": standards
        if any(_YEAR.fullmatch(w) for w in chunk.words) and len(chunk.words) >= 2 and self.head_type(chunk.words) in (None, T.EVENT):
            return T.EVENT, 2, "named-with-year", None
        return None

    def _by_described(self, chunk: _Chunk) -> Typed | None:
        head = chunk.head(self)
        if head is T.PLACE:
            return head, 2, "facility", None
        described = {"technology": T.TECHNOLOGY, "initiative": T.INITIATIVE, "event": T.EVENT}.get(chunk.after)
        if described is not None and head in (None, described):
            return described, 3, f"described-{chunk.after}", None
        if "organisation" in (chunk.before, chunk.after) and head in (None, T.COMPANY):
            return T.COMPANY, 3, "described-organisation", None
        if chunk.after == "brand" and head in (None, T.COMPANY):
            return T.BRAND, 3, "described-brand", None
        if chunk.after == "alliance":
            return T.ALLIANCE, 3, "described-alliance", None
        if head is not None:
            return head, 2, "head-word", None
        return None

    def _by_code(self, chunk: _Chunk) -> Typed | None:
        words = chunk.words
        if words[0].lower() in self.words("currency_codes"):
            return None  # "VND 186.4": an amount
        if self.model_code(words):
            if len(words) == 2 and words[0].isupper() and words[0].lower() not in self.stop \
                    and re.fullmatch(r"v?[1-9]?\d\.\d{1,2}(?:\.\d{1,2})?", words[-1]):
                return T.TECHNOLOGY, 2, "software-version", None  # "ROS 2.0", "AUTOSAR 4.3": releases of software
            return T.PRODUCT, 2, "model-code", None
        if chunk.after == "product":
            return T.PRODUCT, 3, "described-product", None
        return None

    def _by_marque(self, chunk: _Chunk) -> Typed | None:
        """"Honda Civic", "VinFast VF 6": a known marque followed by a model name is a product."""
        if not 2 <= len(chunk.words) <= 4:
            return None
        for cut in range(min(2, len(chunk.words) - 1), 0, -1):
            marque = [e for e in self.gazetteer(self.span_text(chunk.first, chunk.first + cut)) if e.type is T.BRAND]
            if marque and self._model_name(chunk.words[cut:]) and not self._unit_follows(chunk.last):
                return T.PRODUCT, 2, "marque-model", None
        return None

    def _model_name(self, tail: list[str]) -> bool:
        """The words after a marque name a model: no head word, legal form, known name, place or class word."""
        blocked = self.words("legal_suffixes") | self.words("company_heads") | self.words("alliance_heads")
        places = any(e.type is T.PLACE for w in tail for e in self.lexicon.exact.get(w, [])) \
            or any(w.lower() in self.generic_products or w.lower().rstrip("s") in self.generic_products for w in tail)
        return self.head_type(tail) is None and not any(w.lower() in blocked for w in tail) \
            and not self.gazetteer(" ".join(tail)) and not places

    def _unit_follows(self, last: int) -> bool:
        """"Chrysler Airtemp division", "Honda Transmission plant": the name is a unit or a site."""
        after = self.tokens[last].lower if last < len(self.tokens) else ""
        return after in self.words("unit_nouns") or after in self.words("company_heads")

    def _by_person(self, chunk: _Chunk) -> Typed | None:
        words = chunk.words
        person_like = 2 <= len(words) <= 5 and all(_PERSON_TOKEN.fullmatch(w) or w in _PARTICLES for w in words) \
            and words[0] not in _PARTICLES and words[-1] not in _PARTICLES
        if person_like and (chunk.before in {"person", "speaker", "possessed"} or chunk.after in {"title", "speaker"}
                            or self._title_before(chunk.first)):
            return T.PERSON, 3, "person-cue", None
        if person_like and len(words) <= 4 and self._given_name(words):
            return T.PERSON, 2, "given-name", None
        return None

    def _given_name(self, words: list[str]) -> bool:
        """"Jonathan Jackson": a known given name first, and no word that names a firm, place or thing."""
        if words[0].casefold() not in self.lexicon.given_names or not words[0][:1].isupper() or words[0].isupper():
            return False
        if self.head_type(words) is not None:
            return False
        return not any(w.lower() in self.stop or w.lower() in self.words("legal_suffixes")
                       or any(e.type is T.PLACE for e in self.lexicon.exact.get(w, [])) for w in words[1:])

    def _by_legal_name(self, chunk: _Chunk) -> Typed | None:
        """A known company with a legal suffix or regional tail: "Acme Motors Co., Ltd.", "Acme UK"."""
        tails = self.words("legal_suffixes") | self.words("company_heads") | {",", "."}
        for cut in range(len(chunk.words) - 1, 0, -1):
            known = self.gazetteer(self.span_text(chunk.first, chunk.first + cut))
            if known and all(w.lower() in tails for w in chunk.words[cut:]):
                company = next((e for e in known if e.type is T.COMPANY), None)
                if company:
                    return T.COMPANY, 2, "gazetteer-legal-name", company
        return None

    def _title_before(self, first: int) -> bool:
        """``CEO Jane Roe``, ``Chairman Li Wei``: a title word right before a name."""
        if first == 0 or self.tokens[first - 1].lower not in self.titles:
            return False
        # "our partner Vertiko", "the host Acme": a role word after a determiner names an organisation's role too
        return not (self.tokens[first - 1].lower in _ROLE_WORDS and first > 1 and self.tokens[first - 2].lower in _FUNCTION_WORDS)

    # -- extras ---------------------------------------------------------------------------
    def trailing_heads(self, last: int, heads: frozenset[str]) -> int:
        """Number of lowercase words ending in a head word right after a chunk ("humanoid robot", "electric cargo bike");
        a trademark sign between them counts as one of the words ("Strata® computing platform")."""
        mark = 1 if last < len(self.tokens) and self.tokens[last].text in {"®", "™"} else 0
        for size in (3, 2, 1):
            words = self.tokens[last + mark:last + mark + size]
            if len(words) != size or not all(w.text.islower() or w.text.isupper() for w in words):
                continue
            if not all(re.fullmatch(r"[A-Za-z][\w\-]*", w.text) for w in words):
                continue
            if any(w.lower in _FUNCTION_WORDS for w in words):
                continue  # "Platform and solid-state battery": the head belongs to the next phrase
            if " ".join(w.lower for w in words) in heads or (words[-1].lower in heads and size > 1):
                return size + mark
        return 0


def _not_a_name(tokens: list[Token], lexicon: Lexicon) -> bool:
    """A capitalised term that names nothing: a financial or legal term, a generic acronym alone,
    a rank or part with its number ("Level 4", "Class 8") or an amount ("VND 186.4")."""
    last = tokens[-1].lower.strip(".,")
    if len(tokens) == 1 and (last in lexicon.words("generic_acronyms") or _COMPOUND_ADJECTIVE.fullmatch(tokens[0].text)
                             or _MEASURE.fullmatch(tokens[0].text)):
        return True
    if tokens[0].lower in lexicon.words("currency_codes") and any(c.isdigit() for c in tokens[-1].text):
        return True
    if tokens[0].lower in _IDENTIFIER_LABELS:
        return True  # "ISIN AT0000000001", "WKN A0B1C2": a securities identifier
    if len(tokens) == 2 and tokens[0].lower in lexicon.words("enumerator_nouns") \
            and re.fullmatch(r"\d[\w.\-]*|[A-Z]|[IVX]+", tokens[1].text):
        return True
    return last in lexicon.words("not_name_heads") and not any(t.lower in lexicon.words("legal_suffixes") for t in tokens)


_IDENTIFIER_LABELS = {"isin", "wkn", "cusip", "sedol", "lei", "cik"}
_IDENTIFIER_BEFORE = re.compile(r"\b(?:ISIN|WKN|CUSIP|SEDOL|LEI|CIK)\s*(?:[:#]\s*|\s)(?:[A-Z0-9]+\s*)?$")
"""A securities identifier's label right before a code: "ISIN: CH0000000001", "WKN A2QH97"."""
_COMPOUND_ADJECTIVE = re.compile(
    r"[\w.]+-(?:powered|driven|enabled|based|ready|first|focused|centric|native|led|backed|compatible|equipped|capable|"
    r"friendly|grade|class|level|scale|wide|free|only|specific|certified|optimi[sz]ed|integrated)", re.IGNORECASE)
"""A capitalised compound adjective ("AI-powered", "API-first"): it describes, it names nothing."""
_MEASURE = re.compile(r"\d+(?:[.,]\d+)?\s?(?:[kMGT]W[hp]?|[kM]?V|[kM]?Wh|mAh|Ah|km|mi|mph|kph|km/h|kg|t|m|cm|mm|ft|lbs?|Nm|hp|PS|"
                      r"GB|TB|MB|GHz|MHz|Hz|dB|%)")
"""A quantity with its unit ("800V", "1.5MW", "350kW"): a measure, not a model code."""


class _Heads(NamedTuple):
    """How many product / technology head nouns follow a chunk ("X5 [SUV]", "Strata [platform]")."""

    product: int
    technology: int


_NOT_TECH_NAME_HEADS = frozenset({"model", "network", "pilot", "motor", "assistant", "suite"})
"""Technology heads that do not make the name before them a technology ("Acme network")."""

Typed = tuple[EntityType, int, str, "GazetteerEntry | None"]
"""A typing decision: type, strength (2 prior, 3 cue, 4 frame), the rule's name, the gazetteer entry."""


@dataclass
class _Chunk:
    """A candidate name and the cues around it, as the typing rules see it."""

    first: int
    last: int
    words: list[str]
    surface: str
    before: str | None
    after: str | None

    def head(self, finder: "_Finder") -> EntityType | None:
        return finder.head_type(self.words) if len(self.words) > 1 else None


TYPING_RULES = (_Finder._by_gazetteer, _Finder._by_term, _Finder._by_described, _Finder._by_code,
                _Finder._by_marque, _Finder._by_person, _Finder._by_legal_name)
"""Typing evidence in order of trust: a gazetteer entry, a known term or standard, the head word or
a cue word around the name, a model code, a known marque before a model name, a person's shape beside
a title, a known name with a legal tail."""


DESCRIPTOR_CUES = (
    ("brand", "brand_nouns", frozenset()),
    ("organisation", "organisation_nouns", frozenset({"leader", "player", "partner"})),
    ("product", "product_heads", _GENERIC_PRODUCT_WORDS),
    ("technology", "technology_nouns", frozenset()),
    ("initiative", "initiative_heads", frozenset()),
    ("event", "event_heads", frozenset({"day", "drive", "launch", "week"})),
    ("alliance", "alliance_heads", frozenset()),
)
"""Descriptor words of an apposition ("X, a leading battery maker"): (cue, vocabulary list, words of
the list that do not count), tried in this order for each word."""


def find_mentions(text: str, lexicon: Lexicon) -> list[Mention]:
    """Typed mentions of one sentence, non-overlapping, in text order."""
    finder = _Finder(text, lexicon)
    return sorted((finder.mention(first, last) for first, last in finder.chunks()), key=lambda m: m.start)

