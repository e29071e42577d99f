"""Technology names written in lower case: listed terms and possessed technology phrases.

"lithium iron phosphate", "cell-to-pack" and "5G" come from ``vocabulary.yaml``'s
``technology_terms``; "Acme's seventh-generation driving system" is a technology
because an organisation possesses a phrase ending in a technology head word.
"""

from __future__ import annotations

import re

from ..vocab import EntityType
from .lexicon import Lexicon
from .mentions import _DETERMINERS, Mention, find_mentions
from .names import Token, defined_alias, tokenize

__all__ = ["technology_terms", "possessed_technologies", "sentence_mentions"]

T = EntityType
_POSSESSED_TECH_HEADS = {"system", "systems", "technology", "technologies", "platform", "architecture", "powertrain",
                         "battery", "batteries", "chip", "chips", "software", "engine", "transmission", "standard"}
_LEADING_ADJECTIVES = {"in-house", "own", "new", "proprietary", "latest", "all-new", "brand-new", "innovative"}


def _overlaps(start: int, end: int, mentions: list[Mention]) -> bool:
    return any(m.start < end and start < m.end for m in mentions)


def _terms_regex(lexicon: Lexicon) -> re.Pattern:
    """One alternation of every technology term, longest first, compiled once per lexicon."""
    cached = getattr(lexicon, "_terms_regex", None)
    if cached is None:
        terms = sorted(lexicon.words("technology_terms"), key=len, reverse=True)
        cached = re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(t) for t in terms) + r")(?![\w-])")
        lexicon._terms_regex = cached
    return cached


def technology_terms(text: str, lexicon: Lexicon, existing: list[Mention]) -> list[Mention]:
    found: list[Mention] = []
    for match in _terms_regex(lexicon).finditer(text.lower()):
        start, end = match.span()
        if _overlaps(start, end, existing) or _overlaps(start, end, found):
            continue
        surface = text[start:end]
        mention = Mention(start, end, surface, T.TECHNOLOGY, 2, set(), None, rule="technology-term")
        alias = defined_alias(text, end)
        if alias and alias[0].isupper():
            mention.defined_alias = alias
        found.append(mention)
    return found


def possessed_technologies(text: str, tokens: list[Token], existing: list[Mention]) -> list[Mention]:
    """``Acme's seventh-generation driving system`` / ``its dual-gun charging technology``."""
    found: list[Mention] = []
    for index in range(len(tokens)):
        if not _possessive(tokens, index):
            continue
        words = _technology_phrase(tokens, index)
        if words is None or _overlaps(words[0].start, words[-1].end, existing) \
                or _overlaps(words[0].start, words[-1].end, found):
            continue
        found.append(_possessed_mention(text, words))
    return found


def _possessive(tokens: list[Token], index: int) -> bool:
    """"Acme's", "its", or the "s" of a possessive the tokenizer split ("Stellantis ' s")."""
    token = tokens[index]
    return token.lower in {"'s", "’s", "its"} or (token.lower == "s" and index > 0 and tokens[index - 1].text in {"'", "’"})


def _technology_phrase(tokens: list[Token], index: int) -> list[Token] | None:
    """The lowercase words after the possessive at ``index`` up to a technology head, without
    leading determiners and praise; None when they do not end in a head or the phrase goes on."""
    words = _lowercase_run(tokens, index + 1)
    while words and words[0].lower in _LEADING_ADJECTIVES | _DETERMINERS:
        words = words[1:]
    if len(words) < 2 or words[-1].lower not in _POSSESSED_TECH_HEADS or _goes_on(tokens, words):
        return None
    return words


def _lowercase_run(tokens: list[Token], start: int) -> list[Token]:
    """Up to seven lowercase words from ``start``, stopping after the first technology head."""
    words: list[Token] = []
    for nxt in tokens[start:start + 7]:
        if not re.fullmatch(r"[a-z][a-z0-9\-]*", nxt.text):
            break
        words.append(nxt)
        if nxt.lower in _POSSESSED_TECH_HEADS:
            break
    return words


def _goes_on(tokens: list[Token], words: list[Token]) -> bool:
    """"the world's largest battery makers": the phrase goes on, it is not a technology name."""
    position = tokens.index(words[-1]) + 1
    after = tokens[position] if position < len(tokens) else None
    return bool(after is not None and re.fullmatch(r"[a-z][a-z\-]*", after.text)) or bool({"and", "or"} & {w.lower for w in words})


def _possessed_mention(text: str, words: list[Token]) -> Mention:
    """The technology a possessed phrase names; "X technology" is labelled X, the full phrase its alias."""
    start = words[0].start
    full = text[start:words[-1].end]
    label = text[start:words[-2].end] if words[-1].lower in {"technology", "technologies"} else full
    return Mention(start, words[-1].end if label == full else words[-2].end, label, T.TECHNOLOGY, 2,
                   {full} - {label}, None, rule="possessed-technology")


def sentence_mentions(text: str, lexicon: Lexicon) -> list[Mention]:
    """Every mention of one sentence: its names, then the lower-case technologies around them."""
    mentions = find_mentions(text, lexicon)
    mentions.extend(technology_terms(text, lexicon, mentions))
    mentions.extend(possessed_technologies(text, tokenize(text, lexicon), mentions))
    return sorted(mentions, key=lambda m: m.start)
