"""Sentence skeletons: names as typed placeholders, pronouns replaced by their antecedents.

"Its founding members are A and B." after "The Harbour Coalition was founded in 2022."
becomes "⟨0:Alliance⟩'s founding members are ⟨1:Company⟩ and ⟨2:Company⟩." — the form
``lexicons/en/patterns.yaml`` is written against. Appositions are read past so that
"A, a unit of B, developed X" credits A, not B.
"""

from __future__ import annotations

import re

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
    pieces, skeleton_mentions, cursor = [], [], 0
    first_org = None
    events = [(m.start, m.end, m) for m in mentions]
    for pronoun in _PRONOUN.finditer(text):
        if any(m.start <= pronoun.start() < m.end for m in mentions):
            continue
        events.append((pronoun.start(), pronoun.end(), pronoun))
    events.sort(key=lambda e: e[0])
    last_org_in_sentence = None
    for start, end, thing in events:
        if start < cursor:
            continue
        pieces.append(text[cursor:start])
        if isinstance(thing, Mention):
            key = surface_keys.key_of(thing.text, thing.type)
            entity_type = key[0]
            if entity_type in SUBJECTS:
                last_org_in_sentence = key
                if first_org is None:
                    first_org = key
            index = len(skeleton_mentions)
            skeleton_mentions.append(SkeletonMention(entity_type, key))
            pieces.append(f"⟨{index}:{entity_type.value}⟩")
            cursor = end
            # Drop the alias the name defines right after itself: X ("Y") / X (ABC).
            defined = re.match(r"\s*\([^()]{1,60}\)", text[cursor:])
            if defined:
                cursor += defined.end()
            continue
        word = thing.group("p").lower()
        if word == "group":
            word = "the group"
        if word.startswith("both "):
            word = "the " + word[5:]
        if word in _FIRST_PERSON:
            antecedent = recent.get("speaker")  # "we" in a quote: the speaker's organisation
        elif word.startswith("the "):
            noun = word[4:]
            if noun in _ALLIANCE_NOUNS:
                antecedent = recent.get(T.ALLIANCE) or (about_subject if about_subject and about_subject[0] is T.ALLIANCE else None)
            elif noun.split()[-1] in _PLURAL_PRODUCTS:
                antecedent = "products"
            elif noun == "group":
                antecedent = about_subject or primary or last_company
            elif noun == "brand":
                antecedent = None
            else:
                antecedent = last_org_in_sentence if last_org_in_sentence and last_org_in_sentence[0] is T.COMPANY \
                    else recent.get("first company") or last_company
        else:
            antecedent = first_org or previous_subject
        if antecedent == "products":
            products = recent.get("products") or []
            if products:
                placeholders = []
                for key in products:
                    placeholders.append(f"⟨{len(skeleton_mentions)}:Product⟩")
                    skeleton_mentions.append(SkeletonMention(T.PRODUCT, key))
                pieces.append(" and ".join(placeholders))
            else:
                pieces.append(text[start:end])
        elif antecedent is None:
            pieces.append(text[start:end])
        else:
            index = len(skeleton_mentions)
            skeleton_mentions.append(SkeletonMention(antecedent[0], antecedent))
            possessive = word in ("its", "their", "our") or thing.group("poss")
            pieces.append(f"⟨{index}:{antecedent[0].value}⟩" + ("'s" if possessive else ""))
            if first_org is None and antecedent[0] in SUBJECTS:
                first_org = antecedent
        cursor = end
    pieces.append(text[cursor:])
    skeleton = "".join(pieces).replace("’s", "'s")
    # Articles before a name carry nothing for the patterns: "the ⟨1:Company⟩" reads as "⟨1:Company⟩".
    skeleton = re.sub(r"\b(?:[Tt]he|[Aa]n?) (?=⟨)", "", skeleton)
    # "Stellantis' plant": a bare apostrophe after a name ending in s is a possessive.
    skeleton = re.sub(r"⟩['’](?=\s)", "⟩'s", skeleton)
    return Skeleton(skeleton, skeleton_mentions), first_org


