"""Sentence skeletons: names as typed placeholders, pronouns replaced by their antecedents.

"Its founding members are A and B." after "The Harbour Coalition was founded in 2022."
becomes "⟨0:Alliance⟩'s founding members are ⟨1:Company⟩ and ⟨2:Company⟩." — the form
``lexicons/en/patterns.yaml`` is written against. Appositions are read past so that
"A, a unit of B, developed X" credits A, not B.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..vocab import EntityType
from .lexicon import Lexicon
from .mentions import Mention
from .relations import Hit, Skeleton, SkeletonMention, match_sentence

__all__ = ["build_skeleton", "sentence_hits", "SUBJECTS"]

T = EntityType
SUBJECTS = (T.COMPANY, T.BRAND, T.ALLIANCE, T.PRODUCT)
"""Types a pronoun ("it", "its") can stand for."""

_PRONOUN = re.compile(
    r"\b(?P<p>[Ii]ts|[Tt]heir|[Ii]t|Group|[Tt]he (?:[Gg]roup|[Cc]ompany|[Ff]irm|[Cc]armaker|[Aa]utomaker|[Bb]rand|"
    r"[Aa]ssociation|[Aa]lliance|[Cc]onsortium|[Ii]nitiative|[Cc]oalition|[Nn]etwork|[Oo]rgani[sz]ation|"
    r"(?:[\w\-]+ )?(?:maker|manufacturer|supplier|operator|developer|start-up|startup)|"
    r"(?:two |three |four |new )?(?:models|cars|vehicles|SUVs|robots|products))|"
    r"[Bb]oth (?:models|cars|vehicles|SUVs|robots|products)|[Ww]e|[Oo]ur|[Uu]s)\b(?P<poss>['’]s)?"
)
_FIRST_PERSON = {"we", "our", "us"}
_PLURAL_PRODUCTS = {"models", "cars", "vehicles", "suvs", "robots", "products"}
_ALLIANCE_NOUNS = {"association", "alliance", "consortium", "initiative", "coalition", "network", "organisation", "organization"}


_APPOSITION = re.compile(r"(?<=⟩), (?:a|an|the|which|who|whose|one of|now|formerly|part of|owned by)\b[^,;.]*?(?:, |(?=[.;]|$))")


_LONG_LIST = re.compile(r"⟨(\d+):([A-Za-z]+)⟩(?:(?:\s*,\s*(?:and\s+)?|\s+(?:and|&|or)\s+)⟨\d+:\2⟩){19,}")
"""Twenty or more names of one type in a row (shorter lists are matched as they are, which keeps
the last complete item of a list a scrape cut short): matched as their first and last, then expanded."""


def sentence_hits(skeleton: Skeleton, lexicon: Lexicon, truncated: bool) -> list[Hit]:
    """Pattern hits of a sentence; a long list of names counts as one list, so time stays linear.

    Patterns are regular expressions, and a list of n names gives each of them n places to start
    and n names to scan from each: a sentence listing 1,600 members would take minutes. A long
    list is matched as its first and last name (joined as the last two were), and a hit on the
    last name stands for every name after the first.

    >>> listed = ", ".join(f"⟨{i}:Company⟩" for i in range(24)) + " and ⟨24:Company⟩ joined ⟨25:Alliance⟩."
    >>> collapsed, expanded = _collapse_lists(listed)
    >>> collapsed, expanded[24] == tuple(range(1, 25))
    ('⟨0:Company⟩ and ⟨24:Company⟩ joined ⟨25:Alliance⟩.', True)
    """
    text, expanded = _collapse_lists(skeleton.text)
    if not expanded:
        return _appositive_hits(skeleton, lexicon, truncated)
    to_full = _position_map(skeleton.text, text)

    def expand(indexes: tuple[int, ...]) -> tuple[int, ...]:
        return tuple(j for i in indexes for j in expanded.get(i, (i,)))

    return [Hit(h.rule, h.predicate, expand(h.subjects), expand(h.objects), h.items, to_full(h.position), to_full(h.end))
            for h in _appositive_hits(Skeleton(text, skeleton.mentions), lexicon, truncated)]


def _collapse_lists(text: str) -> tuple[str, dict[int, tuple[int, ...]]]:
    expanded: dict[int, tuple[int, ...]] = {}

    def collapse(run: re.Match) -> str:
        placeholders = list(re.finditer(r"⟨(\d+):[A-Za-z]+⟩", run.group(0)))
        indexes = tuple(int(p.group(1)) for p in placeholders)
        expanded[indexes[-1]] = indexes[1:]
        last_separator = run.group(0)[placeholders[-2].end():placeholders[-1].start()]
        return placeholders[0].group(0) + last_separator + placeholders[-1].group(0)

    return _LONG_LIST.sub(collapse, text), expanded


def _appositive_hits(skeleton: Skeleton, lexicon: Lexicon, truncated: bool) -> list[Hit]:
    """Pattern hits of a sentence, reading past appositions.

    "A, a unit of B, co-developed X" says A developed X. A match that starts inside an apposition
    and runs past its end ("B, co-developed X") is discarded, and the sentence is matched again
    with its appositions removed ("A co-developed X").
    """
    spans = [m.span() for m in _APPOSITION.finditer(skeleton.text)]
    full = match_sentence(skeleton, lexicon, truncated=truncated)
    if not spans:
        return full
    kept = [h for h in full if not any(start <= h.position < end < h.end for start, end in spans)]
    reduced_text = _APPOSITION.sub(" ", skeleton.text)
    reduced = match_sentence(Skeleton(reduced_text, skeleton.mentions), lexicon, truncated=truncated)
    to_full = _position_map(skeleton.text, reduced_text)
    return kept + [Hit(h.rule, h.predicate, h.subjects, h.objects, h.items, to_full(h.position), to_full(h.end))
                   for h in reduced]


def _position_map(full: str, reduced: str):
    """Map a position in the reduced skeleton to the full one via the placeholder before it."""
    def mapped(position: int) -> int:
        before = re.findall(r"⟨\d+:[A-Za-z]+⟩", reduced[:position])
        if not before:
            return 0
        return full.find(before[-1]) + len(before[-1])
    return mapped


def build_skeleton(text, mentions, surface_keys, previous_subject, last_company, primary, about_subject, recent):
    """Replace mentions by placeholders and pronouns by their antecedent."""
    context = _Antecedents(previous_subject, last_company, primary, about_subject, recent)
    writer = _SkeletonWriter(text, surface_keys, context)
    for start, end, thing in _events(text, mentions):
        if start < writer.cursor:
            continue
        writer.copy_to(start)
        if isinstance(thing, Mention):
            writer.write_mention(thing, end)
        else:
            writer.write_pronoun(thing, start, end)
    return writer.skeleton(), writer.first_org


def _events(text: str, mentions: list[Mention]) -> list[tuple]:
    """Mentions and the pronouns outside them, in the order they start."""
    events = [(m.start, m.end, m) for m in mentions]
    for pronoun in _PRONOUN.finditer(text):
        if any(m.start <= pronoun.start() < m.end for m in mentions):
            continue
        events.append((pronoun.start(), pronoun.end(), pronoun))
    events.sort(key=lambda e: e[0])
    return events


@dataclass(frozen=True)
class _Antecedents:
    """What a pronoun can point back to, known before the sentence is read."""

    previous_subject: tuple | None
    last_company: tuple | None
    primary: tuple | None
    about_subject: tuple | None
    recent: dict

    def of_noun(self, noun: str, org_in_sentence: tuple | None):
        """The antecedent of "the NOUN": the alliance, the products, the group, the company..."""
        if noun in _ALLIANCE_NOUNS:
            about_alliance = self.about_subject if self.about_subject and self.about_subject[0] is T.ALLIANCE else None
            return self.recent.get(T.ALLIANCE) or about_alliance
        if noun.split()[-1] in _PLURAL_PRODUCTS:
            return "products"
        if noun == "group":
            return self.about_subject or self.primary or self.last_company
        if noun == "brand":
            return None
        if org_in_sentence and org_in_sentence[0] is T.COMPANY:
            return org_in_sentence
        return self.recent.get("first company") or self.last_company


def _pronoun_word(pronoun: re.Match) -> str:
    """The pronoun in lower case, with "Group" and "both models" read as "the group", "the models"."""
    word = pronoun.group("p").lower()
    if word == "group":
        return "the group"
    if word.startswith("both "):
        return "the " + word[5:]
    return word


class _SkeletonWriter:
    """Writes one sentence's skeleton piece by piece, numbering its placeholders."""

    def __init__(self, text: str, surface_keys, context: _Antecedents):
        self.text = text
        self.surface_keys = surface_keys
        self.context = context
        self.pieces: list[str] = []
        self.mentions: list[SkeletonMention] = []
        self.cursor = 0
        self.first_org = None
        self.last_org_in_sentence = None

    def copy_to(self, start: int) -> None:
        self.pieces.append(self.text[self.cursor:start])

    def placeholder(self, entity_type: EntityType, key: tuple) -> str:
        index = len(self.mentions)
        self.mentions.append(SkeletonMention(entity_type, key))
        return f"⟨{index}:{entity_type.value}⟩"

    def write_mention(self, mention: Mention, end: int) -> None:
        key = self.surface_keys.key_of(mention.text, mention.type)
        entity_type = key[0]
        if entity_type in SUBJECTS:
            self.last_org_in_sentence = key
            if self.first_org is None:
                self.first_org = key
        self.pieces.append(self.placeholder(entity_type, key))
        self.cursor = end
        # Drop the alias the name defines right after itself: X ("Y") / X (ABC).
        defined = re.match(r"\s*\([^()]{1,60}\)", self.text[self.cursor:])
        if defined:
            self.cursor += defined.end()

    def antecedent(self, word: str):
        if word in _FIRST_PERSON:
            return self.context.recent.get("speaker")  # "we" in a quote: the speaker's organisation
        if word.startswith("the "):
            return self.context.of_noun(word[4:], self.first_org or self.last_org_in_sentence)
        return self.first_org or self.context.previous_subject

    def write_pronoun(self, pronoun: re.Match, start: int, end: int) -> None:
        word = _pronoun_word(pronoun)
        antecedent = self.antecedent(word)
        if antecedent == "products":
            self.write_products(start, end)
        elif antecedent is None:
            self.pieces.append(self.text[start:end])
        else:
            possessive = word in ("its", "their", "our") or pronoun.group("poss")
            self.pieces.append(self.placeholder(antecedent[0], antecedent) + ("'s" if possessive else ""))
            if self.first_org is None and antecedent[0] in SUBJECTS:
                self.first_org = antecedent
        self.cursor = end

    def write_products(self, start: int, end: int) -> None:
        """"the models" / "both cars": the products named most recently, joined by "and"."""
        products = self.context.recent.get("products") or []
        if not products:
            self.pieces.append(self.text[start:end])
            return
        self.pieces.append(" and ".join(self.placeholder(T.PRODUCT, key) for key in products))

    def skeleton(self) -> Skeleton:
        self.pieces.append(self.text[self.cursor:])
        skeleton = "".join(self.pieces).replace("’s", "'s")
        # Articles before a name carry nothing for the patterns: "the ⟨1:Company⟩" reads as "⟨1:Company⟩".
        skeleton = re.sub(r"\b(?:[Tt]he|[Aa]n?) (?=⟨)", "", skeleton)
        # "Stellantis' plant": a bare apostrophe after a name ending in s is a possessive.
        skeleton = re.sub(r"⟩['’](?=\s)", "⟩'s", skeleton)
        return Skeleton(skeleton, self.mentions)
