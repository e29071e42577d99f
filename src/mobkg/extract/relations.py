"""Read facts off sentences with the compiled patterns of ``lexicons/en/patterns.yaml``.

Each sentence becomes a *skeleton*: mentions are replaced by typed placeholders
(``⟨3:Company⟩``), the alias a name defines in parentheses is dropped, and
pronouns (its, it, the group, the company) are replaced by their antecedent.
Patterns are regular expressions over skeletons, compiled by :mod:`mobkg.extract.patterns`
from a small template language documented at the top of ``patterns.yaml``. A sentence cut short by a
scrape is matched only up to its last complete clause.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..vocab import EntityType, Predicate
from .lexicon import Lexicon
from .patterns import ROLES, CompiledPattern, compile_patterns

__all__ = ["SkeletonMention", "Skeleton", "compile_patterns", "match_sentence", "split_items", "Hit", "CONTEXT", "ROLES"]


@dataclass
class SkeletonMention:
    """A mention as patterns see it: its placeholder index, type and the entity key it resolves to."""

    type: EntityType
    key: tuple[EntityType, str]


@dataclass
class Skeleton:
    text: str
    mentions: list[SkeletonMention]


CONTEXT = -1
"""Subject index meaning "the organisation the sentence is about" (its first company, else the discourse subject)."""


@dataclass(frozen=True)
class Hit:
    rule: str
    predicate: Predicate
    subjects: tuple[int, ...]
    objects: tuple[int, ...]
    items: tuple[str, ...] = ()
    position: int = 0
    """Where the match starts in the skeleton; a contextual subject is the nearest name before it."""
    end: int = 0


def _indexes(text: str) -> tuple[int, ...]:
    """Mention indexes of a captured group: a bare index (one mention) or a list of placeholders."""
    if text.isdigit():
        return (int(text),)
    return tuple(int(i) for i in re.findall(r"⟨(\d+):", text))


def sector_descriptor(text: str, lexicon: Lexicon) -> tuple[str, ...]:
    """The business field in a descriptor, without the words that only praise or place it.

    >>> from mobkg.extract.lexicon import load_lexicon
    >>> sector_descriptor("global leading motion control technology", load_lexicon())
    ('motion control technology',)
    >>> sector_descriptor("world's largest", load_lexicon()), sector_descriptor("based ICT solutions", load_lexicon())
    ((), ('ICT solutions',))
    """
    modifiers = lexicon.words("sector_modifiers")
    words = text.split()
    while words and (words[0].lower() in modifiers or re.fullmatch(r"(?:most|best|fast|fastest)-\S+|\w+est|\d\S*|\S+-based", words[0])):
        words.pop(0)
    while words and words[-1].lower() in modifiers:
        words.pop()
    if not words or len(" ".join(words)) < 3 or set(w.lower() for w in words) & _VERBS:
        return ()
    if len(words) == 1 and (words[0].lower() in lexicon.words("generic_sector_words") or re.fullmatch(r"[a-z]+ing", words[0])):
        return ()  # "a technology company", "an operating company": no field named
    return (" ".join(words),)


def split_items(text: str, strict: bool = True) -> tuple[str, ...]:
    """Split ``"automobiles, rail transit and electronics"`` into noun phrases.

    ``strict`` drops adjectives standing alone ("automotive"); a list closed by "sectors" keeps them.

    >>> split_items("automobiles, rail transit, renewable energy and electronics")
    ('automobiles', 'rail transit', 'renewable energy', 'electronics')
    >>> split_items("automotive, marine and energy", strict=False)
    ('automotive', 'marine', 'energy')
    """
    parts = re.split(r"\s*,\s*(?:and\s+)?|\s+and\s+|\s+as well as\s+|\s+[&+]\s+", text)
    cleaned = []
    for part in parts:
        part = re.sub(r"^(?:(?:the|a|an|its|their|other|new|emerging|several|many|various|fields|areas|such as|including)\s+)+", "", part.strip())
        part = re.sub(r"\s+(?:and|or|as|in|to|for|with|from|by|at|of|that|which|since|while)$", "", part)
        words = part.split()
        if not words or len(words) > 4 or len(part) < 4 or set(words) & _VERBS \
                or (strict and words[-1] in _NOT_SECTOR_HEADS):
            continue
        if words[-1] in _GENERIC_FIELDS or words[0] in _COUNTS:
            continue  # "two business fields" announces a list, it is not a sector
        cleaned.append(part)
    return tuple(cleaned)


_VERBS = {"owns", "own", "has", "have", "is", "are", "was", "were", "holds", "makes", "sells", "builds", "operates", "runs",
          "supplies", "employs", "plans", "aims", "will", "can", "also", "which", "who", "it", "most", "them", "people",
          "counts", "includes", "offers", "adding", "said", "says", "designed", "responsible", "customers", "consumers"}
_GENERIC_FIELDS = {"field", "fields", "area", "areas", "business", "businesses", "segment", "segments", "sector", "sectors",
                   "market", "markets", "industry", "industries", "activities", "operations"}
_WHERE_NOT_WHAT = {"international", "global", "overseas", "domestic", "foreign", "key", "core", "major", "emerging",
                   "research", "selected", "all", "local", "regional", "export", "target", "premium", "mass"}
"""Words before "markets"/"sectors" that say where or how big, not which business field."""
_COUNTS = {"two", "three", "four", "five", "six", "several", "many", "multiple", "various", "both"}
_NOT_SECTOR_HEADS = {"advanced", "automotive", "commercial", "development", "new", "global", "several", "key", "core",
                     "based", "other", "more", "such", "its", "their", "a", "an", "the", "energy-based"}


_ADJECTIVE = re.compile(r"(?![a-z\-]*(?:ment|ics)$)[a-z\-]+(?:al|ble|ive|ent|ant|ic|ous|ful|ly|ary|term|based|driven|grade|scale|class)")
"""The shape of an English adjective ("intelligent", "competitive", "short-term"), not "entertainment"."""

_SINGULAR_FIELDS = {"sector", "industry", "market", "segment"}


def _listed_fields(items: tuple[str, ...], head: str, lexicon: Lexicon) -> tuple[str, ...]:
    """The fields of a list closed by a field noun. Before "sectors" or "industries" an adjective
    names a field ("the automotive and industrial sectors"); before "markets" or a singular head it
    mostly praises or places ("high-growth markets", "a dynamic and competitive market")."""
    # "serving defense", "highly dynamic": a clause or an adverb, not a field
    kept = tuple(i for i in items if i not in _WHERE_NOT_WHAT and not re.match(r"[a-z]+(?:ing|ly) ", i))
    if head in {"sectors", "industries"}:
        return kept
    modifiers = lexicon.words("sector_modifiers") | _WHERE_NOT_WHAT | lexicon.words("not_field_modifiers")
    return tuple(i for i in kept if not (_ADJECTIVE.fullmatch(i) or re.fullmatch(r"[a-z\-]+(?:ing|ed|growth)", i)
                                         or i.split()[0] in modifiers))


def _without_modifiers(items: tuple[str, ...], lexicon: Lexicon) -> tuple[str, ...]:
    """Business fields as named: praise dropped ("innovative solar energy solutions" → "solar energy
    solutions"), and neither a lone adjective of a coordinated modifier ("intelligent, multi-domain
    robotic systems") nor a clause ("serving defense") counts as a field."""
    modifiers = lexicon.words("sector_modifiers")
    kept = []
    for item in items:
        words = item.split()
        while words and words[0] in modifiers:
            words.pop(0)
        if not words or words[0] in lexicon.words("clause_verbs") or (len(words) == 1 and _ADJECTIVE.fullmatch(words[0])) \
                or " ".join(words) in lexicon.words("not_sectors"):
            continue
        kept.append(" ".join(words))
    return tuple(kept)


def match_sentence(skeleton: Skeleton, lexicon: Lexicon, *, truncated: bool = False) -> list[Hit]:
    """Every pattern hit in one skeleton sentence."""
    text = _matchable(skeleton.text, truncated)
    if not text:
        return []
    hits: list[Hit] = []
    present = set(re.findall(r"⟨\d+:([A-Za-z]+)⟩", text))
    for pattern in compile_patterns(lexicon):
        if any(not present & set(alternatives.split("|")) for alternatives in pattern.needs):
            continue
        for found in pattern.regex.finditer(text):
            hit = _hit(pattern, found, text, lexicon, truncated)
            if hit is not None:
                hits.append(hit)
    return hits


def _matchable(text: str, truncated: bool) -> str:
    """The skeleton as far as it can be read: a sentence cut short ends at its last complete clause."""
    if not truncated:
        return text
    cut = max(text.rfind(","), text.rfind(" and "), text.rfind(" with "))
    return text[:cut] if cut > 0 else ""


def _hit(pattern: CompiledPattern, found: re.Match, text: str, lexicon: Lexicon, truncated: bool) -> Hit | None:
    """The hit one match makes, or None when it names no subject or nothing to relate it to."""
    groups = found.groupdict()
    items = _matched_items(groups, lexicon)
    if items is None:
        return None
    if pattern.after:
        roles = _listed_after(pattern, groups, text[found.end():], truncated)
    else:
        roles = _roles(pattern, groups)
    if roles is None:
        return None
    subjects, objects = roles
    if not (subjects and (objects or items)):
        return None
    return Hit(pattern.id, pattern.predicate, subjects, objects, items, found.start(), found.end())


def _matched_items(groups: dict, lexicon: Lexicon) -> tuple[str, ...] | None:
    """The lowercase fields a match names; None when a lone singular field noun makes it no list."""
    items = _without_modifiers(split_items(groups["items"]), lexicon) if groups.get("items") else ()
    if groups.get("sector"):
        items = sector_descriptor(groups["sector"], lexicon)
    if groups.get("sectorlist"):
        items = _listed_fields(split_items(groups["sectorlist"], strict=False), groups["fieldhead"], lexicon)
        if groups["fieldhead"] in _SINGULAR_FIELDS and len(items) < 2:
            return None  # "the automotive sector" alone: a descriptor, read by the descriptor patterns
    return tuple(dict.fromkeys(_field_name(item) for item in items))


def _field_name(item: str) -> str:
    """A field without the generic noun that only says it is sold ("EV charging solutions" is EV
    charging); kept where nothing specific would remain ("ICT solutions", "defense technologies").

    >>> _field_name("EV charging solutions"), _field_name("fleet telematics technologies"), _field_name("ICT solutions")
    ('EV charging', 'fleet telematics', 'ICT solutions')
    """
    words = item.split()
    if len(words) > 1 and words[-1] in _GENERIC_OFFERINGS:
        rest = words[:-1]
        if len(rest) > 1 or re.fullmatch(r"[a-z\-]+ing", rest[0]):
            return " ".join(rest)
    return item


_GENERIC_OFFERINGS = {"solutions", "technologies", "offerings"}


def _roles(pattern: CompiledPattern, groups: dict) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Subject and object mention indexes of a match, the sentence's context standing in where named."""
    if pattern.subject == "context":
        return (CONTEXT,), _indexes(groups.get(pattern.object) or "")
    objects = (CONTEXT,) if pattern.object == "context" else _indexes(groups.get(pattern.object) or "")
    return _indexes(groups.get(pattern.subject) or ""), objects


def _listed_after(pattern: CompiledPattern, groups: dict, rest: str, truncated: bool):
    """An `after: true` pattern: the role the template leaves out is every fitting mention after the match."""
    if truncated and not rest.strip():
        return None
    listed = tuple(int(i) for i, kind in re.findall(r"⟨(\d+):([A-Za-z]+)⟩", rest)
                   if kind in pattern.object_types.split("|"))
    if "context" in (pattern.subject, pattern.object):
        fixed = (CONTEXT,)
        return (listed, fixed) if pattern.object == "context" else (fixed, listed)
    fixed = _indexes(groups.get(pattern.subject) or groups.get(pattern.object) or "")
    return (listed, fixed) if groups.get(pattern.object) else (fixed, listed)
