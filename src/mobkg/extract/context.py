"""Type names from what surrounds them in the release, before relations are read.

A name's own words do not always say what it is. Its release does: names listed
next to "brands" are brands, names listed after "members include" are
organisations, "X5" after "Bolt X3" is a model, "Acme" after "Acme Motors" is
Acme Motors, a name typed in one sentence keeps that type in the others, and a
headline in Title Case is read only for names the body already typed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..release import Release
from ..vocab import EntityType
from .lexicon import Lexicon
from .frames import list_runs
from .mentions import Mention
from .sentences import Sentence

__all__ = [
    "ParsedSentence", "retype_brand_lists", "retype_listed_organisations", "type_model_families", "type_short_forms",
    "dateline_places", "is_title_case", "known_mentions", "retype_known", "midsentence_names",
    "retype_marque_enumerations", "type_recurring_names", "type_lists_by_majority", "trim_people_after_titles",
    "type_surnames",
]

T = EntityType

_CORPORATE_VERBS = re.compile(
    r"^\s*(?:,\s*)?(?:today |also |has |have |will |had |recently |officially )*(?:announced|announces|said|says|reported|reports|"
    r"unveiled|unveils|launched|launches|introduced|introduces|signed|signs|posted|plans|delivered|delivers|sold|sells|"
    r"completed|completes|opened|opens|acquired|acquires|partnered|agreed|confirmed|confirms|expects|aims|employs|operates|"
    r"develops|developed|builds|produces|manufactures|supplies|invests|invested|presented|presents|showed|shows|"
    r"showcased|showcases|revealed|reveals|debuted|debuts|introduced|unveiled|won|wins|raised|raises|appointed|"
    r"joined|joins|became|becomes|teamed|teams|received|receives|secured|secures|opened|launched)\b"
)

@dataclass
class ParsedSentence:
    sentence: Sentence
    mentions: list[Mention]


def retype_brand_lists(text: str, mentions: list[Mention], lexicon: Lexicon) -> None:
    """Names listed next to "brands"/"marques" are brands: "the A, B and C brands", "brands such as A and B"."""
    nouns = "|".join(sorted(lexicon.words("brand_nouns"), key=len, reverse=True))
    listed = r"(?:\s*(?:,|and|&|as well as|, and)\s*(?:the\s+)?)"
    spans = []
    for m in re.finditer(rf"(?:\b(?:{nouns})\b(?:\s+also)?(?:\s+such as|\s+including|\s+like|\s+include|\s+includes|\s+are|:|\s+-|\s+–|\s+—|,)*\s*)", text, re.IGNORECASE):
        spans.append((m.end(), "after"))
    for m in re.finditer(rf"\b(?:{nouns})\b", text, re.IGNORECASE):
        spans.append((m.start(), "before"))
    for position, direction in spans:
        chain = _adjacent_chain(mentions, position, direction, text, listed)
        for mention in chain:
            coded = mention.type is T.PRODUCT and any(ch.isdigit() for ch in mention.text)
            legal = mention.text.replace(",", " ").split()[-1].lower() in lexicon.words("legal_suffixes")
            corporate_name = mention.type is T.COMPANY and (legal or mention.rule == "gazetteer-legal-name")
            if corporate_name:
                continue  # "Acme Motor Group" stays a company even next to the word "brand"
            if mention.type in (None, T.COMPANY, T.BRAND) or (mention.type is T.PRODUCT and mention.strength < 3 and not coded):
                mention.type, mention.strength, mention.rule = T.BRAND, 3, "brand-list"


def retype_marque_enumerations(text: str, mentions: list[Mention], lexicon: Lexicon) -> None:
    """A sentence about brands that enumerates three or more untyped marque-like names lists brands.

    "From ALPHA, BETA and GAMMA to DELTA, drivers shape the group's brand story": the names are
    not next to the word "brand", but they are written as marques (capitals inside the word) and
    listed in a sentence that speaks of brands.
    """
    if not re.search(r"\b(?:" + "|".join(lexicon.words("brand_nouns")) + r")\b", text, re.IGNORECASE):
        return
    listed = r"(?:\s*(?:,|and|&|as well as|, and|to|from)\s*)+"
    marque_like = [m for m in mentions if m.type in (None, T.BRAND) and _marque_like(m.text)]
    runs: list[list[Mention]] = []
    for mention in sorted(marque_like, key=lambda m: m.start):
        if runs and re.fullmatch(listed, text[runs[-1][-1].end:mention.start]):
            runs[-1].append(mention)
        else:
            runs.append([mention])
    for run in runs:
        if len(run) >= 3:
            for mention in run:
                mention.type, mention.strength, mention.rule = T.BRAND, 3, "marque-enumeration"


def _marque_like(name: str) -> bool:
    """ALPHA, iBETA, GAMMA & DELTA: written with capitals beyond the first letter."""
    letters = [c for c in name if c.isalpha()]
    return len(letters) >= 3 and sum(c.isupper() for c in letters[1:]) >= max(1, (len(letters) - 1) // 2)


def type_recurring_names(parsed: list["ParsedSentence"], names: frozenset[str]) -> None:
    """A name the release keeps using as a subject is the organisation it is about.

    An untyped capitalised word that appears three or more times in mid-sentence, and opens a
    clause with a verb at least once ("Velantra is building", "Velantra will"), is a company.
    """
    counts: dict[str, int] = {}
    subject: set[str] = set()
    for item in parsed:
        for mention in item.mentions:
            if not _recurring_candidate(mention, names):
                continue
            counts[mention.text] = counts.get(mention.text, 0) + 1
            if re.match(r"\s+(?:is|was|has|had|will|would|can|continues|remains|[a-z]+s)\b", item.sentence.text[mention.end:]):
                subject.add(mention.text)
    recurring = {name for name, count in counts.items() if count >= 3 and name in subject}
    for item in parsed:
        for mention in item.mentions:
            if mention.type is None and mention.text in recurring:
                mention.type, mention.strength, mention.rule = T.COMPANY, 1, "recurring-subject"


def _recurring_candidate(mention: Mention, names: frozenset[str]) -> bool:
    """An untyped single word capitalised in mid-sentence, not a number, generic word or short acronym."""
    word = mention.text
    if mention.type is not None or word not in names or " " in word:
        return False
    return not any(c.isdigit() for c in word) and word.lower() not in _GENERIC_WORDS and not (word.isupper() and len(word) <= 3)


def _adjacent_chain(mentions, position, direction, text, separator, lead=r"\s*(?:the\s+)?") -> list[Mention]:
    ordered = sorted(mentions, key=lambda m: m.start)
    chain: list[Mention] = []
    if direction == "after":
        cursor = position
        for mention in ordered:
            if mention.start < cursor:
                continue
            between = text[cursor:mention.start]
            if chain and not re.fullmatch(separator, between):
                break
            if not chain and not re.fullmatch(lead, between):
                break
            chain.append(mention)
            cursor = mention.end
    else:
        cursor = position
        for mention in reversed(ordered):
            if mention.end > cursor:
                continue
            between = text[mention.end:cursor]
            if chain and not re.fullmatch(separator, between):
                break
            if not chain and not re.fullmatch(r"\s*", between):
                break
            chain.append(mention)
            cursor = mention.start
    return chain


def _generic_term(surface: str, lexicon: Lexicon) -> bool:
    """"Green Bonds", "the Merger": a capitalised phrase ending in a financial or legal term (``not_name_heads``)."""
    return surface.split()[-1].lower().strip(".,") in lexicon.words("not_name_heads")


def retype_listed_organisations(text: str, mentions: list[Mention], names: frozenset[str],
                                lexicon: Lexicon) -> None:
    """Untyped names listed as members or partners, or acting as a company does, are organisations.

    ``names`` are the words the release capitalises in mid-sentence: a lone capitalised word that
    opens a sentence ("Speakers confirmed ...") is only taken for a company if it is one of them.
    """
    _type_listed_members(text, mentions, lexicon)
    _type_corporate_subjects(text, mentions, names, lexicon)


def _type_listed_members(text: str, mentions: list[Mention], lexicon: Lexicon) -> None:
    """"members include A, B and C", "together with A": the untyped names listed are organisations."""
    triggers = re.finditer(
        r"\b(?:members?(?: now| also)? (?:include|includes|including|are|such as)|among them|founding members|"
        r"(?:founded|started|established|formed|created) (?:in \d{4} )?by|together with|in partnership with|"
        r"partnered with|teamed up with|collaborat\w+ with|such as|including|join(?:s|ed)?)\b",
        text, re.IGNORECASE)
    separator = r"(?:\s*(?:,|and|&|as well as|, and)\s*(?:the\s+)?(?:[a-z][\w\-]*\s+){0,3}(?:such as\s+|including\s+)?)"
    for trigger in triggers:
        for mention in _adjacent_chain(mentions, trigger.end(), "after", text, separator, lead=r"\s*(?:the\s+)?(?:[a-z][\w\-]*\s+){0,3}"):
            if mention.type is None and mention.text[:1].isupper() and not _generic_term(mention.text, lexicon):
                mention.type, mention.strength, mention.rule = T.COMPANY, 1, "listed-organisation"


def _type_corporate_subjects(text: str, mentions: list[Mention], names: frozenset[str], lexicon: Lexicon) -> None:
    """"Velantra announced", "Velantra has opened": an untyped name before a corporate verb is a company
    (not a person saying something, and not a lone word opening the sentence unless the release capitalises it elsewhere)."""
    for mention in mentions:
        if mention.type is not None or mention.text.lower() in _GENERIC_WORDS:
            continue
        opener = mention.start == len(text) - len(text.lstrip(" \"“'‘(")) and " " not in mention.text
        if opener and mention.text not in names:
            continue
        verb = _CORPORATE_VERBS.match(text[mention.end:])
        spoken = verb and re.search(r"\b(?:said|says)\b", verb.group(0))
        if verb and not (spoken and _looks_like_person(mention.text)) and not _generic_term(mention.text, lexicon):
            mention.type, mention.strength, mention.rule = T.COMPANY, 1, "corporate-subject"


_TITLE_OF = re.compile(r"\b(?:head|director|vice president|vp|manager|lead|chief)\s+of\s+$", re.IGNORECASE)


def trim_people_after_titles(text: str, mentions: list[Mention]) -> None:
    """"Head of Autonomous Driving Brian Holt": the department belongs to the title, the name is the last two words."""
    for mention in mentions:
        words = mention.text.split()
        if mention.type is T.PERSON and len(words) >= 4 and _TITLE_OF.search(text[:mention.start]):
            cut = mention.text.rfind(" ".join(words[-2:]))
            mention.start += cut
            mention.text = mention.text[cut:]


def drop_credited_people(text: str, mentions: list[Mention]) -> None:
    """A name typed only by its given name says nothing in a byline ("By Meg Roe, Wire"), a credit
    ("Photo by Dan Roe on Unsplash") or a line that is the name alone (a contact block)."""
    credit = _CREDIT.search(text) is not None
    for mention in mentions:
        if mention.type is T.PERSON and mention.rule == "given-name" \
                and (credit or text.strip(" .,;:") == mention.text):
            mention.type, mention.strength, mention.rule = None, 0, "credited-name"


_CREDIT = re.compile(r"^\s*By\s|\b(?:photos?|images?|pictures?|video|illustrations?|graphics?)\s+(?:by|credits?|courtesy)\b",
                     re.IGNORECASE)


def type_employers_of_people(text: str, mentions: list[Mention]) -> None:
    """"Tom Berg from Voltaro Media", "Voltaro Media's Tom Berg": a name nothing else typed, right
    after a person and "from"/"of"/"at", or right before "'s" and a person, is the person's organisation."""
    ordered = sorted(mentions, key=lambda m: m.start)
    for before, mention, after in zip([None] + ordered, ordered, ordered[1:] + [None]):
        if mention.type is not None:
            continue
        employs = (before is not None and before.type is T.PERSON
                   and re.fullmatch(r"\s+(?:from|of|at)\s+(?:the\s+)?", text[before.end:mention.start])) \
            or (after is not None and after.type is T.PERSON and re.fullmatch(r"['’]s\s+", text[mention.end:after.start]))
        if employs:
            mention.type, mention.strength, mention.rule = T.COMPANY, 3, "employer-of-person"


_PLACE_SHAPE = re.compile(r"[A-Z][\w.'’\-]+(?: [A-Z][\w.'’\-]+){0,2}")


def type_places_before_regions(text: str, mentions: list[Mention], lexicon: Lexicon) -> None:
    """"Mishawaka, Indiana", "Oshkosh, Wis.": a name nothing else typed, followed by a known region
    (or a region's postal abbreviation with its period), is a place."""
    ordered = sorted(mentions, key=lambda m: m.start)
    for mention, after in zip(ordered, ordered[1:] + [None]):
        if mention.type is not None or not _PLACE_SHAPE.fullmatch(mention.text):
            continue
        rest = text[mention.end:]
        region = after is not None and after.type is T.PLACE and after.entry is not None \
            and re.fullmatch(r",\s*", text[mention.end:after.start]) and not re.match(r"[-‑'’]", text[after.end:after.end + 1])
        abbreviation = re.match(r",\s+([A-Z][a-z]{1,4}\.|[A-Z]{2})(?=[,;)]|\s+(?-i:[a-z\d])|\.?$)", rest)
        code = abbreviation.group(1) if abbreviation else None
        if code is not None and code.isupper() and (mention.text.isupper() or code == "US"):
            code = None  # "VC, PE, family offices": acronyms in a list, not a city and its state
        if region or code in lexicon.dateline_abbreviations:
            mention.type, mention.strength, mention.rule = T.PLACE, 3, "place-before-region"
        if not region and code in lexicon.dateline_abbreviations:
            _name_region(mentions, code, mention.end + abbreviation.start(1), lexicon)


def _name_region(mentions: list[Mention], code: str, start: int, lexicon: Lexicon) -> None:
    """The region a postal or AP abbreviation stands for ("Oshkosh, WI": Wisconsin), named by its code."""
    name = lexicon.dateline_abbreviations[code]
    entry = next((e for e in lexicon.exact.get(name, []) if e.type is T.PLACE), None)
    there = next((m for m in mentions if m.start == start), None)
    if there is None:
        mentions.append(Mention(start, start + len(code), code, T.PLACE, 3, {name}, entry, rule="region-abbreviation"))
    elif there.type is None and there.text == code:
        there.type, there.strength, there.rule, there.entry = T.PLACE, 3, "region-abbreviation", entry
        there.aliases.add(name)


def type_surnames(parsed: list["ParsedSentence"], known: dict[str, EntityType]) -> None:
    """"Quill, who joins in June, ...": an untyped word that is the surname of a person named in full."""
    surnames = {s.split()[-1] for s, t in known.items() if t is T.PERSON and len(s.split()) >= 2}
    surnames -= {s.split()[0] for s, t in known.items() if t in (T.COMPANY, T.BRAND, T.ALLIANCE) and " " in s}
    for item in parsed:
        for mention in item.mentions:
            if mention.type is None and mention.text in surnames:
                mention.type, mention.strength, mention.rule = T.PERSON, 2, "surname"


def type_lists_by_majority(text: str, mentions: list[Mention], lexicon: Lexicon) -> None:
    """Untyped names in a list of organisations are organisations: "BYD, Xiaomi, Kestrel and Geely".

    A list is names joined by commas and a final "and"/"or"; when most of its names (and at
    least two) are companies or brands, each capitalised name in it that no rule typed is a company.
    """
    for run in list_runs(text, mentions, min_size=3):
        organisations = sum(1 for m in run if m.type in (T.COMPANY, T.BRAND))
        if organisations < 2 or organisations * 2 <= len(run):
            continue
        for mention in run:
            if mention.type is None and mention.text[:1].isalnum() and not _generic_term(mention.text, lexicon):
                mention.type, mention.strength, mention.rule = T.COMPANY, 2, "organisation-list"


_GENERIC_WORDS = {"suv", "suvs", "ev", "evs", "mpv", "phev", "bev", "evtol", "ai", "esg", "ceo", "cfo", "cto", "r&d", "ota",
                  "adas", "it", "us", "eu", "uk"}


def midsentence_names(sentences: list[str]) -> frozenset[str]:
    """Capitalised words a release uses after the first word of a sentence: its names, not its openers."""
    found = set()
    for text in sentences:
        for match in re.finditer(r"(?<=\S)\s+([A-Z][\w.&\-]*)", text):
            found.add(match.group(1))
    return frozenset(found)


def type_model_families(parsed: list["ParsedSentence"], known: dict[str, EntityType]) -> None:
    """Bare model codes of a family already named: after "Bolt X5", "X3 and X7" are products too."""
    prefixes = {re.match(r"[A-Za-z]+", name.split()[-1]).group(0) for name, kind in known.items()
                if kind is T.PRODUCT and len(name.split()) > 1 and _MODEL_CODE.fullmatch(name.split()[-1])}
    for item in parsed:
        for mention in item.mentions:
            code = _MODEL_CODE.fullmatch(mention.text)
            if mention.type is None and code and code.group(1) in prefixes:
                mention.type, mention.strength, mention.rule = T.PRODUCT, 2, "model-family"


_MODEL_CODE = re.compile(r"([A-Za-z]{1,3})-?\d{1,4}[A-Za-z]?")


def _looks_like_person(surface: str) -> bool:
    words = surface.split()
    return len(words) in (2, 3) and all(w[:1].isupper() and w[1:].islower() for w in words)


def dateline_places(release: Release, lexicon: Lexicon) -> list[Mention]:
    """The places of a dateline: "AUBURN HILLS, Mich. and LIUZHOU, China" names four."""
    places = []
    for part in re.split(r",|\s+(?:and|&)\s+|\s*/\s*", release.dateline or ""):
        part = part.strip()
        if not part or len(part) > 40:
            continue
        part = lexicon.dateline_abbreviations.get(part, part)
        entries = lexicon.exact.get(part) or lexicon.folded.get(part.casefold(), []) \
            or lexicon.exact.get(part.title(), [])
        entry = next((e for e in entries if e.type is T.PLACE), None)
        label = entry.label if entry else (part.title() if part.isupper() else part)
        places.append(Mention(-1, -1, label, T.PLACE, 3, {part} - {label}, entry, rule="dateline"))
    return places


def is_title_case(sentence: Sentence) -> bool:
    """Headlines in Title Case capitalise every word, so capitals say nothing about names there."""
    if not sentence.heading:
        return False
    words = [w for w in re.findall(r"[A-Za-z][\w'’\-]*", sentence.text) if len(w) > 3]
    return len(words) >= 3 and sum(w[0].isupper() for w in words) >= 0.7 * len(words)


def known_mentions(text: str, known: dict[str, EntityType]) -> list[Mention]:
    """Mentions of names already typed elsewhere in the release, longest first, whole words only."""
    mentions: list[Mention] = []
    present = [surface for surface in known if surface in text]
    if not present:
        return mentions
    alternation = re.compile(r"(?<![\w&])(?:" + "|".join(re.escape(s) for s in sorted(present, key=len, reverse=True)) + r")(?![\w&])")
    for found in alternation.finditer(text):
        surface = found.group(0)
        mentions.append(Mention(found.start(), found.end(), surface, known[surface], 2, rule="known-name"))
    return mentions


def type_short_forms(parsed: list["ParsedSentence"], known: dict[str, EntityType]) -> None:
    """An untyped name that is the first word of exactly one known organisation is that organisation: "Acme" after "Acme Motors"."""
    longer: dict[str, set[str]] = {}
    for name, kind in known.items():
        words = name.split()
        if kind in (T.COMPANY, T.ALLIANCE) and len(words) > 1 and len(words[0]) > 2:
            longer.setdefault(words[0], set()).add(name)
    for item in parsed:
        for mention in item.mentions:
            if mention.type is None and len(longer.get(mention.text, ())) == 1:
                (name,) = longer[mention.text]
                mention.type, mention.strength, mention.rule = known[name], 2, "short-form"


def split_at_connectors(mentions: list[Mention], known: dict[str, EntityType]) -> None:
    """"Utility Market Development for Flash": an untyped run that ends, after a connector, in a name
    the release types elsewhere is that name ("Flash"); the words before it are not a name."""
    for mention in mentions:
        if mention.type is not None and mention.rule != "head-word":
            continue
        cuts = _CUT_CONNECTORS if mention.type is None else _CUT_AFTER_TITLE
        for connector in cuts.finditer(mention.text):
            tail = mention.text[connector.end():]
            if known.get(tail) is not None and (mention.type is None or known[tail] in (T.COMPANY, T.BRAND, T.ALLIANCE)):
                mention.start += connector.end()
                mention.text = tail
                mention.type, mention.strength, mention.rule = known[tail], 2, "known-name-after-connector"
                break


_CUT_CONNECTORS = re.compile(r" (?:for|of|at|&|and) (?:the )?")
_CUT_AFTER_TITLE = re.compile(r" (?:for|at) (?:the )?")
"""A run a head word typed ("... Development for Acme Motors") is cut only after "for"/"at", never
after "of" ("Bank of China" is one name)."""


def retype_known(mentions: list[Mention], known: dict[str, EntityType]) -> None:
    """Second pass: a surface typed anywhere in the release has that type everywhere (untyped chunks too)."""
    for mention in mentions:
        chosen = known.get(mention.text)
        dual = mention.rule == "gazetteer" and mention.entry is not None and mention.entry.type is mention.type
        if dual and chosen is not None and chosen is not mention.type:
            continue  # "Honda" the company and "Honda" the marque: the gazetteer knows both, the sentence chose
        if chosen is not None and (mention.type is None or mention.strength < 3):
            mention.type = chosen
            mention.strength = max(mention.strength, 2)


