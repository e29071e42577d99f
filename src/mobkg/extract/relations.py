"""Read facts off sentences with the patterns of ``lexicons/en/patterns.yaml``.

Each sentence becomes a *skeleton*: mentions are replaced by typed placeholders
(``⟨3:Company⟩``), the alias a name defines in parentheses is dropped, and
pronouns (its, it, the group, the company) are replaced by their antecedent.
Patterns are regular expressions over skeletons, compiled from a small template
language documented at the top of ``patterns.yaml``. A sentence cut short by a
scrape is matched only up to its last complete clause.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import LexiconError
from ..vocab import EntityType, Predicate
from .lexicon import Lexicon

__all__ = ["SkeletonMention", "Skeleton", "compile_patterns", "match_sentence", "split_items", "Hit", "CONTEXT", "ROLES"]

_ADJ = r"(?:⟨\d+:Place⟩[-‑–]\w+ )?(?:[\w\-’'&%.,]+ ){0,6}?"
_MODS = r"(?:(?!(?:at|in|on|of|for|with|to|from|by|and|or|the|a|an)\b)[\w\-’']+ ){0,4}?"
_GAP = r"(?:[^⟨⟩.!?;]|⟨\d+:Place⟩){0,120}?"
_ANY = r"[^.!?;]*?"
_ITEMS = (r"(?-i:(?P<items>[a-z][a-z\- ,&]*?))"
          r"(?= for | in | with | to | at | as | across | through | by | from | since | that | which |, which|"
          r", and (?:is|has|was|it|its|[a-z]+s (?!and\b))| \d|, while|[.;:(]|$|⟨)")
_NP = r"[a-z][a-z0-9\-]*(?: [a-z][a-z0-9\-]*){0,3}"
# A list in English form, "a, b and c" or "a and b": a comma joins items only when an "and" closes the list.
_NP_LIST = (rf"(?-i:(?P<items>{_NP}(?:(?:, {_NP})*,? (?:and|&) {_NP})?))"
            r"(?=[,.;:)]| (?:for|in|with|to|across|that|which|from|since|based|headquartered)\b|$)")
_PHRASE = r"(?-i:(?P<items>[a-z][a-z0-9\-]*(?: [a-z][a-z0-9\-]*){0,3}))"
# A business-field descriptor before its head noun: "(a leading) motion control technology (company)".
_FUNCTION = r"(?:in|the|of|for|to|with|at|by|on|from|and|or|as|that|which|its|their|is|are|was|were|has|have|part)\b"
_SECTOR_WORD = rf"(?:(?!{_FUNCTION})[a-z][a-z0-9\-]*|[A-Z]{{2,5}})"
_SECTOR = rf"(?<![\w\-’'⟩])(?-i:(?P<sector>{_SECTOR_WORD}(?: {_SECTOR_WORD}){{0,5}}))"
# A list of fields closed by a plural field noun: "the automotive, marine and energy (sectors)".
_LIST_WORDS = rf"(?!{_FUNCTION})[a-z][a-z\-]*(?: (?!{_FUNCTION})[a-z][a-z\-]*)?"
_SECTOR_LIST = (rf"(?<![\w\-’'])(?-i:(?P<sectorlist>{_LIST_WORDS}(?:(?:, | and |, and | & | or ){_LIST_WORDS})*))"
                r"(?= (?P<fieldhead>sectors|industries|markets|segments|sector|industry|market|segment)\b)")
# "the hospitality, tourism and entertainment sector": a singular head closes a list of two or more.


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


def _types(spec: str) -> tuple[str, bool]:
    plural = "+" in spec
    names = [n.strip().rstrip("+") for n in spec.split("|")]
    for name in names:
        EntityType(name)  # fail loudly on a misspelt type in patterns.yaml
    return "|".join(names), plural


def _mention_regex(group: str, spec: str) -> str:
    names, plural = _types(spec)
    one = rf"⟨\d+:(?:{names})⟩"
    if not plural:
        return rf"⟨(?P<{group}>\d+):(?:{names})⟩"
    # Items may carry a short lowercase descriptor: "carmakers such as A, suppliers such as B and C".
    separator = (r"(?:\s*,\s*(?:and\s+|as well as\s+)?|\s+(?:and|&|as well as|or)\s+)(?:the\s+)?"
                 r"(?:(?-i:[a-z][\w\-]*) (?:(?-i:[a-z][\w\-]*) )?(?:such as |including |like )?)?")
    return rf"(?P<{group}>{one}(?:{separator}{one})*)"


def _compile(template: str, lexicon: Lexicon, groups: dict[str, str]) -> re.Pattern:
    titles = "|".join(sorted((re.escape(t) for t in lexicon.words("person_titles")), key=len, reverse=True))
    verbs = lexicon.vocabulary.get("verbs", {})

    def replace(match: re.Match) -> str:
        inner = match.group(1)
        name, _, types = inner.partition(":")
        if types and name in groups:
            return _mention_regex(groups[name], types)
        if inner == "adj":
            return _ADJ
        if inner == "mods":
            return _MODS
        if inner == "gap":
            return _GAP
        if inner == "any":
            return _ANY
        if inner == "items":
            return _ITEMS
        if inner == "nplist":
            return _NP_LIST
        if inner == "phrase":
            return _PHRASE
        if inner == "sector":
            return _SECTOR
        if inner == "sectors":
            return _SECTOR_LIST
        if inner == "title":
            return rf"(?:{titles})\b"
        if inner == "titletail":
            return r"\s+(?:[\w\-’'&]+\s+){0,6}?"
        if inner.startswith("words:"):
            words = lexicon.words(inner.split(":", 1)[1])
            return "(?:" + "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)) + r")\b"
        if inner.startswith("verbs:"):
            words = verbs[inner.split(":", 1)[1]]
            return "(?:" + "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)) + r")\b"
        raise ValueError(f"unknown placeholder {{{inner}}} in patterns.yaml")

    return re.compile(re.sub(r"\{([A-Za-z][^{}]*)\}", replace, template), re.IGNORECASE)


@dataclass(frozen=True)
class CompiledPattern:
    id: str
    predicate: Predicate
    regex: re.Pattern
    subject: str
    object: str
    after: bool
    object_types: str
    needs: frozenset[str]
    """Entity types of which the skeleton must hold at least one each for the pattern to have a chance."""
    examples: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = ()
    """Sentences and the (subject, object) labels the pattern must read from them (run as tests)."""



def _compiled(lexicon: Lexicon) -> tuple[CompiledPattern, ...]:
    compiled = []
    for number, spec in enumerate(lexicon.patterns, 1):
        try:
            compiled.append(_compile_one(spec, lexicon))
        except (KeyError, TypeError, ValueError, re.error) as exc:
            name = spec.get("id", f"#{number}") if isinstance(spec, dict) else f"#{number}"
            raise LexiconError(f"lexicons/en/patterns.yaml: pattern {name} is invalid ({exc})") from None
    return tuple(compiled)


ROLES: dict[Predicate, tuple[str, str]] = {
    Predicate.HAS_BRAND: ("owner", "brand"),
    Predicate.SUBSIDIARY_OF: ("subsidiary", "parent"),
    Predicate.MEMBER_OF: ("member", "body"),
    Predicate.LAUNCHED: ("launcher", "launch"),
    Predicate.DEVELOPS: ("developer", "technology"),
    Predicate.PARTNER_OF: ("party", "partner"),
    Predicate.WORKS_FOR: ("person", "employer"),
    Predicate.ORGANIZED_BY: ("event", "organiser"),
    Predicate.ACTIVE_IN: ("company", "sector"),
    Predicate.PRODUCES: ("maker", "product"),
    Predicate.HEADQUARTERED_IN: ("company", "place"),
    Predicate.USES_TECHNOLOGY: ("product", "technology"),
}
"""The two roles of each predicate, subject first: a pattern names them in its placeholders
(``{brand:Brand}, a marque of {owner:Company}``), in whatever order the sentence has them.
``S`` and ``O`` name the subject and object of any predicate."""

_ROLE_PLACEHOLDER = re.compile(r"\{([A-Za-z]\w*):([^{}]+)\}")
_NOT_ROLES = {"words", "verbs"}


def _compile_one(spec: dict, lexicon: Lexicon) -> CompiledPattern:
    predicate = Predicate(spec["predicate"])
    template = spec["pattern"]
    groups = _role_groups(spec, predicate)
    named = _named_roles(template, predicate, groups)
    subject_group, object_group = _context_groups(spec, predicate)
    after = bool(spec.get("after"))
    if not (named or (after and "context" in (subject_group, object_group))):
        subject_role, object_role = ROLES[predicate]
        raise ValueError(f"it names neither {{{subject_role}:...}} nor {{{object_role}:...}}")
    after_types = _after_types(predicate, _listed_is_subject(subject_group, object_group, named)) if after else ""
    needs = frozenset(types.replace("+", "") for _, types in named)
    return CompiledPattern(
        spec["id"], predicate, _compile(template, lexicon, groups),
        subject_group, object_group, after, after_types, needs,
        _examples(spec.get("examples", [])),
    )


def _role_groups(spec: dict, predicate: Predicate) -> dict[str, str]:
    """Placeholder name → regex group ("S" the subject, "O" the object) for the predicate's roles."""
    stale = [key for key in ("subject", "object") if key in spec]
    if stale:
        subject_role, object_role = ROLES[predicate]
        raise ValueError(f"`{stale[0]}:` is not read any more: name the roles in the pattern "
                         f"({{{subject_role}:...}}, {{{object_role}:...}}) and write `context: ROLE` "
                         f"for a role the sentence's context fills")
    subject_role, object_role = ROLES[predicate]
    return {"S": "S", "O": "O", subject_role: "S", object_role: "O"}


def _named_roles(template: str, predicate: Predicate, groups: dict[str, str]) -> list[tuple[str, str]]:
    """(group, types) of each role placeholder; a placeholder naming no role of the predicate is a ValueError."""
    named = []
    for name, types in _ROLE_PLACEHOLDER.findall(template):
        if name in _NOT_ROLES:
            continue
        if name not in groups:
            subject_role, object_role = ROLES[predicate]
            raise ValueError(f"{{{name}:...}} is not a role of {predicate.value}; "
                             f"its roles are {subject_role} (subject) and {object_role} (object)")
        named.append((groups[name], types))
    return named


def _context_groups(spec: dict, predicate: Predicate) -> tuple[str, str]:
    """The subject and object groups, "context" for the role ``context:`` names (the sentence's organisation)."""
    subject_role, object_role = ROLES[predicate]
    context = spec.get("context")
    if context is not None and context not in (subject_role, object_role):
        raise ValueError(f"`context: {context}` is not a role of {predicate.value}; "
                         f"its roles are {subject_role} (subject) and {object_role} (object)")
    return ("context" if context == subject_role else "S"), ("context" if context == object_role else "O")


def _listed_is_subject(subject_group: str, object_group: str, named: list[tuple[str, str]]) -> bool:
    """For `after: true`: whether the mentions listed after the match fill the subject role
    (the role neither the template nor the context fills)."""
    if "context" in (subject_group, object_group):
        return object_group == "context"
    return object_group in {group for group, _ in named}


def _examples(examples) -> tuple[tuple[str, tuple[tuple[str, str], ...]], ...]:
    """``[{text: ..., facts: ["A > B", ...]}, ...]`` as tuples; anything else is a ValueError."""
    if not isinstance(examples, list):
        raise ValueError("examples must be a list")
    checked = []
    for example in examples:
        if not (isinstance(example, dict) and isinstance(example.get("text"), str) and isinstance(example.get("facts"), list)
                and example["facts"] and all(isinstance(f, str) and f.count(" > ") == 1 for f in example["facts"])):
            raise ValueError('each example needs a text and a list of facts written "Subject > Object"')
        checked.append((example["text"], tuple(tuple(f.split(" > ")) for f in example["facts"])))
    return tuple(checked)


def _after_types(predicate: Predicate, subject_side: bool) -> str:
    from ..vocab import signature

    domain, range_ = signature(predicate)
    return "|".join(sorted(t.value for t in (domain if subject_side else range_)))


def compile_patterns(lexicon: Lexicon) -> tuple[CompiledPattern, ...]:
    """The lexicon's patterns, compiled once and kept on the lexicon."""
    cached = getattr(lexicon, "_compiled_patterns", None)
    if cached is None:
        cached = _compiled(lexicon)
        lexicon._compiled_patterns = cached
    return cached


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
    parts = re.split(r"\s*,\s*(?:and\s+)?|\s+and\s+|\s+as well as\s+|\s+&\s+", text)
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
    return items


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
