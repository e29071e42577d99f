"""Compile the relation patterns of ``lexicons/en/patterns.yaml`` into regular expressions over skeletons.

A pattern names its predicate's two roles (:data:`ROLES`) where the sentence has them,
``{brand:Brand}, a marque of {owner:Company}``, and uses the placeholders documented at
the top of ``patterns.yaml`` ({adj}, {gap}, {items}, {verbs:NAME}...). Each is checked
as it is compiled: an unknown role, type, predicate or placeholder, a bad regular
expression or a malformed example is a :class:`~mobkg.errors.LexiconError` naming the pattern.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import LexiconError
from ..vocab import EntityType, Predicate
from .lexicon import Lexicon

__all__ = ["CompiledPattern", "ROLES", "compile_patterns"]

_ADJ = r"(?:⟨\d+:Place⟩[-‑–]\w+ )?(?:[\w\-’'&%.,]+ ){0,6}?"
_MODS = r"(?:(?!(?:at|in|on|of|for|with|to|from|by|and|or|the|a|an)\b)[\w\-’']+ ){0,4}?"
_GAP = r"(?:[^⟨⟩.!?;]|⟨\d+:Place⟩){0,120}?"
_ANY = r"[^.!?;]*?"
_ITEMS = (r"(?-i:(?P<items>[a-z][a-z\- ,&]*?))"
          r"(?= for | in | with | to | at | as | across | through | by | from | since | that | which |, which|"
          r", and (?:is|has|was|it|its|[a-z]+s (?!and\b))| \d|, while|[.;:(]|$|⟨)")
_NP_WORD = r"(?:[a-z][a-z0-9\-]*|[A-Z]{2,5}(?![\w⟩]))"
_NP = rf"{_NP_WORD}(?: {_NP_WORD}){{0,3}}"
# A list in English form, "a, b and c" or "a and b": a comma joins items only when an "and" closes the list.
_NP_LIST = (rf"(?-i:(?P<items>{_NP}(?:(?:, {_NP})*,? (?:and|&) {_NP})?))"
            r"(?=[,.;:)]| \(| (?:for|in|with|to|across|that|which|from|since|based|headquartered)\b|$)")
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
