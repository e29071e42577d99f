"""Run the extraction stages over one release: mentions → entities → facts."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..release import Release
from ..vocab import EntityType, Predicate, signature
from .lexicon import Lexicon, load_lexicon
from .mentions import Mention, find_mentions
from .model import Entity, Extraction, Fact
from .normalise import name_key
from .relations import CONTEXT, Hit, Skeleton, SkeletonMention, match_sentence
from .resolve import Registry
from .sentences import Sentence, sentences_of_release

__all__ = ["extract_release"]

T = EntityType
_ORGS = (T.COMPANY, T.BRAND)
_SUBJECTS = (T.COMPANY, T.BRAND, T.ALLIANCE, T.PRODUCT)
"""Types a pronoun ("it", "its") can stand for."""
_CORPORATE_VERBS = re.compile(
    r"^\s*(?:,\s*)?(?:today |also |has |have |will |had |recently |officially )*(?:announced|announces|said|says|reported|reports|"
    r"unveiled|unveils|launched|launches|introduced|introduces|signed|signs|posted|plans|delivered|delivers|sold|sells|"
    r"completed|completes|opened|opens|acquired|acquires|partnered|agreed|confirmed|confirms|expects|aims|employs|operates|"
    r"develops|developed|builds|produces|manufactures|supplies|invests|invested|presented|presents|showed|shows|"
    r"showcased|showcases|revealed|reveals|debuted|debuts|introduced|unveiled|won|wins|raised|raises|appointed|"
    r"joined|joins|became|becomes|teamed|teams|received|receives|secured|secures|opened|launched)\b"
)
_PRONOUN = re.compile(
    r"\b(?P<p>[Ii]ts|[Tt]heir|[Ii]t|Group|[Tt]he (?:[Gg]roup|[Cc]ompany|[Ff]irm|[Cc]armaker|[Aa]utomaker|[Bb]rand|"
    r"[Aa]ssociation|[Aa]lliance|[Cc]onsortium|[Ii]nitiative|[Cc]oalition|[Nn]etwork|[Oo]rgani[sz]ation|"
    r"(?:[\w\-]+ )?(?:maker|manufacturer|supplier|operator|developer|start-up|startup)|"
    r"(?:two |three |four |new )?(?:models|cars|vehicles|SUVs|robots|products))|"
    r"[Bb]oth (?:models|cars|vehicles|SUVs|robots|products))\b(?P<poss>['’]s)?"
)
_PLURAL_PRODUCTS = {"models", "cars", "vehicles", "suvs", "robots", "products"}
_ALLIANCE_NOUNS = {"association", "alliance", "consortium", "initiative", "coalition", "network", "organisation", "organization"}


@dataclass
class _Sentence:
    sentence: Sentence
    mentions: list[Mention]


def _brand_context_retype(text: str, mentions: list[Mention], lexicon: Lexicon) -> None:
    """Names listed next to "brands"/"marques" are brands: "the A, B and C brands", "brands such as A and B"."""
    nouns = "|".join(sorted(lexicon.words("brand_nouns"), key=len, reverse=True))
    listed = r"(?:\s*(?:,|and|&|as well as|, and)\s*(?:the\s+)?)"
    spans = []
    for m in re.finditer(rf"(?:\b(?:{nouns})\b(?:\s+also)?(?:\s+such as|\s+including|\s+like|\s+include|\s+includes|\s+are|:|\s+-|\s+–|\s+—|,)+\s*)", text, re.IGNORECASE):
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


def _member_context_retype(text: str, mentions: list[Mention]) -> None:
    """Untyped names listed as members or partners are organisations."""
    triggers = re.finditer(
        r"\b(?:members?(?: now| also)? (?:include|includes|including|are|such as)|among them|founding members|"
        r"(?:founded|started|established|formed|created) (?:in \d{4} )?by|together with|in partnership with|"
        r"partnered with|teamed up with|collaborat\w+ with|such as|including|join(?:s|ed)?)\b",
        text, re.IGNORECASE)
    separator = r"(?:\s*(?:,|and|&|as well as|, and)\s*(?:the\s+)?(?:[a-z][\w\-]*\s+){0,3}(?:such as\s+|including\s+)?)"
    for trigger in triggers:
        for mention in _adjacent_chain(mentions, trigger.end(), "after", text, separator, lead=r"\s*(?:the\s+)?(?:[a-z][\w\-]*\s+){0,3}"):
            if mention.type is None and mention.text[:1].isupper():
                mention.type, mention.strength, mention.rule = T.COMPANY, 1, "listed-organisation"
    for mention in mentions:
        generic = mention.text.lower() in _GENERIC_WORDS
        verb = _CORPORATE_VERBS.match(text[mention.end:])
        spoken = verb and re.search(r"\b(?:said|says)\b", verb.group(0))
        if mention.type is None and not generic and verb and not (spoken and _looks_like_person(mention.text)):
            mention.type, mention.strength, mention.rule = T.COMPANY, 1, "corporate-subject"


_GENERIC_WORDS = {"suv", "suvs", "ev", "evs", "mpv", "phev", "bev", "evtol", "ai", "esg", "ceo", "cfo", "cto", "r&d", "ota",
                  "adas", "it", "us", "eu", "uk"}


def _code_products(parsed: list["_Sentence"], known: dict[str, EntityType]) -> None:
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


def _dateline_places(release: Release, lexicon: Lexicon) -> list[Mention]:
    places = []
    for part in (release.dateline or "").split(","):
        part = part.strip()
        if not part or len(part) > 40:
            continue
        entries = lexicon.exact.get(part) or lexicon.folded.get(part.casefold(), [])
        entry = next((e for e in entries if e.type is T.PLACE), None)
        label = entry.label if entry else (part.title() if part.isupper() else part)
        places.append(Mention(-1, -1, label, T.PLACE, 3, {part} - {label}, entry, rule="dateline"))
    return places


def _title_case(sentence: Sentence) -> bool:
    """Headlines in Title Case capitalise every word, so capitals say nothing about names there."""
    if not sentence.heading:
        return False
    words = [w for w in re.findall(r"[A-Za-z][\w'’\-]*", sentence.text) if len(w) > 3]
    return len(words) >= 3 and sum(w[0].isupper() for w in words) >= 0.7 * len(words)


def _known_mentions(text: str, known: dict[str, EntityType]) -> list[Mention]:
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


def _short_forms(parsed: list["_Sentence"], known: dict[str, EntityType]) -> None:
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


def _known_retype(mentions: list[Mention], known: dict[str, EntityType]) -> None:
    """Second pass: a surface typed anywhere in the release has that type everywhere (untyped chunks too)."""
    for mention in mentions:
        chosen = known.get(mention.text)
        dual = mention.rule == "gazetteer" and mention.entry is not None and mention.entry.type is mention.type
        if dual and chosen is not None and chosen is not mention.type:
            continue  # "Honda" the company and "Honda" the marque: the gazetteer knows both, the sentence chose
        if chosen is not None and (mention.type is None or mention.strength < 3):
            mention.type = chosen
            mention.strength = max(mention.strength, 2)


def extract_release(release: Release) -> Extraction:
    """Extract the entities and facts of one release."""
    lexicon = load_lexicon()
    sentences = sentences_of_release(release.title, release.body)
    parsed = [_Sentence(s, [] if _title_case(s) else find_mentions(s.text, lexicon)) for s in sentences]
    registry = Registry(lexicon)
    for mention in _dateline_places(release, lexicon):
        registry.observe(mention)
    for item in parsed:
        _brand_context_retype(item.sentence.text, item.mentions, lexicon)
        _member_context_retype(item.sentence.text, item.mentions)
        for mention in item.mentions:
            registry.observe(mention)
    known = registry.surface_types()
    _code_products(parsed, known)
    _short_forms(parsed, known)
    for item in parsed:
        if _title_case(item.sentence):
            item.mentions = _known_mentions(item.sentence.text, known)
        _known_retype(item.mentions, known)
        for mention in item.mentions:
            registry.observe(mention)
    entities, surface_keys = registry.resolve()
    by_key = {e.key: e for e in entities}
    facts = _read_facts(parsed, surface_keys, by_key, lexicon)
    facts += _name_facts(parsed, surface_keys, by_key)
    return _finish(list(by_key.values()), facts)


def _primary(parsed: list[_Sentence], surface_keys) -> tuple | None:
    counts: dict = {}
    for item in parsed:
        for mention in item.mentions:
            key = surface_keys.get(mention.text)
            if key and key[0] is T.COMPANY:
                counts[key] = counts.get(key, 0) + 1
    return max(counts, key=counts.get) if counts else None


def _read_facts(parsed, surface_keys, by_key, lexicon) -> list[Fact]:
    facts: list[Fact] = []
    primary = _primary(parsed, surface_keys)
    previous_subject = primary
    last_company = primary
    about_subject = None
    recent: dict = {}
    for item in parsed:
        sentence, mentions = item.sentence, [m for m in item.mentions if m.type is not None and m.text in surface_keys]
        if sentence.heading:
            about = re.match(r"^About (.+)$", sentence.text.strip())
            if about and about.group(1) in surface_keys:
                about_subject = surface_keys[about.group(1)]
                previous_subject = about_subject
            if sentence.block != -1:
                continue
        skeleton, first_org = _skeleton(sentence.text, mentions, surface_keys, previous_subject, last_company,
                                        primary, about_subject, recent)

        def context(types, position, skeleton=skeleton):
            """The entity a sentence leaves implicit: the nearest mention of the types before the match,
            else the sentence's first one, else the latest one in the text."""
            before = [int(i) for i in re.findall(r"⟨(\d+):", skeleton.text[:position])]
            nearest = next((skeleton.mentions[i].key for i in reversed(before) if skeleton.mentions[i].type in types), None)
            if nearest is not None:
                return nearest
            inside = next((m.key for m in skeleton.mentions if m.type in types), None)
            if inside is not None:
                return inside
            if previous_subject is not None and previous_subject[0] in types:
                return previous_subject
            return next((recent[t] for t in types if t in recent), None)

        for hit in _hits(skeleton, lexicon, sentence.truncated):
            facts.extend(_facts_from_hit(hit, skeleton, sentence.text, by_key, context))
        if first_org is not None:
            previous_subject = first_org
        first_company = next((m.key for m in skeleton.mentions if m.type is T.COMPANY), None)
        if first_company is not None:
            recent["first company"] = first_company
        products = list(dict.fromkeys(m.key for m in skeleton.mentions if m.type is T.PRODUCT))
        if products:
            recent["products"] = products
        for mention in skeleton.mentions:
            recent[mention.type] = mention.key
            if mention.type is T.COMPANY:
                last_company = mention.key
    return facts


_APPOSITION = re.compile(r"(?<=⟩), (?:a|an|the|which|who|whose|one of|now|formerly|part of|owned by)\b[^,;.]*?(?:, |(?=[.;]|$))")


def _hits(skeleton: Skeleton, lexicon: Lexicon, truncated: bool) -> list[Hit]:
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


def _skeleton(text, mentions, surface_keys, previous_subject, last_company, primary, about_subject, recent):
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
            key = surface_keys.get((thing.text, thing.type)) or surface_keys[thing.text]
            entity_type = key[0]
            if entity_type in _SUBJECTS:
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
        if word.startswith("the "):
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
            possessive = word in ("its", "their") or thing.group("poss")
            pieces.append(f"⟨{index}:{antecedent[0].value}⟩" + ("'s" if possessive else ""))
            if first_org is None and antecedent[0] in _SUBJECTS:
                first_org = antecedent
        cursor = end
    pieces.append(text[cursor:])
    skeleton = "".join(pieces).replace("’s", "'s")
    # Articles before a name carry nothing for the patterns: "the ⟨1:Company⟩" reads as "⟨1:Company⟩".
    skeleton = re.sub(r"\b(?:[Tt]he|[Aa]n?) (?=⟨)", "", skeleton)
    # "Stellantis' plant": a bare apostrophe after a name ending in s is a possessive.
    skeleton = re.sub(r"⟩['’](?=\s)", "⟩'s", skeleton)
    return Skeleton(skeleton, skeleton_mentions), first_org


def _facts_from_hit(hit, skeleton: Skeleton, evidence: str, by_key, context) -> list[Fact]:
    facts = []
    domain, range_ = signature(hit.predicate)
    subjects = [context(domain, hit.position) if i == CONTEXT else skeleton.mentions[i].key for i in hit.subjects]
    subjects = [s for s in subjects if s is not None]
    objects = [context(range_ | {T.INITIATIVE}, hit.position) if i == CONTEXT else skeleton.mentions[i].key for i in hit.objects]
    objects = [o for o in objects if o is not None]
    if hit.items:
        for item in hit.items:
            key = (T.SECTOR, name_key(item))
            if key not in by_key:
                by_key[key] = Entity(item, T.SECTOR)
            objects.append(key)
    for subject in subjects:
        for obj in objects:
            if subject == obj:
                continue
            subject_type, object_type = subject[0], obj[0]
            if hit.predicate is Predicate.MEMBER_OF and object_type is T.INITIATIVE:
                _retype(by_key, obj, T.ALLIANCE)
                obj = (T.ALLIANCE, obj[1])
                object_type = T.ALLIANCE
            if subject_type in domain and object_type in range_:
                facts.append(Fact(subject, hit.predicate, obj, evidence, hit.rule))
    return facts


def _retype(by_key, key, new_type) -> None:
    entity = by_key.pop(key, None)
    if entity is not None:
        entity.type = new_type
        by_key[entity.key] = entity


def _name_facts(parsed, surface_keys, by_key) -> list[Fact]:
    """Facts a name states by itself: "Acme Summit 2025" is Acme's event, "Acme X5" its product,
    "Acme Blade Battery" its technology, "Bolt X5 HEV" uses the technology abbreviated HEV."""
    facts = []
    organisations = sorted(
        ((name, key) for name, key in surface_keys.items() if key[0] in (T.COMPANY, T.BRAND, T.ALLIANCE)),
        key=lambda item: len(item[0]), reverse=True,
    )
    technologies = {name: key for name, key in surface_keys.items() if key[0] is T.TECHNOLOGY}
    seen = set()
    for item in parsed:
        for mention in item.mentions:
            key = surface_keys.get(mention.text)
            if key is None or (key, "name") in seen:
                continue
            seen.add((key, "name"))
            rule = {T.EVENT: (Predicate.ORGANIZED_BY, False), T.PRODUCT: (Predicate.PRODUCES, True),
                    T.TECHNOLOGY: (Predicate.DEVELOPS, True)}.get(key[0])
            if rule is not None:
                predicate, owner_first = rule
                for name, owner in organisations:
                    if owner == key or not re.search(rf"(?:^|\d{{4}} ){re.escape(name)} \S", mention.text):
                        continue
                    if owner[0] is T.ALLIANCE and predicate is not Predicate.ORGANIZED_BY:
                        continue
                    subject, obj = (owner, key) if owner_first else (key, owner)
                    facts.append(Fact(subject, predicate, obj, item.sentence.text, "name-" + predicate.value))
                    break
            if key[0] is T.PRODUCT:
                last_word = mention.text.split()[-1]
                for name, tech in technologies.items():
                    if len(mention.text.split()) > 1 and last_word == name:
                        facts.append(Fact(key, Predicate.USES_TECHNOLOGY, tech, item.sentence.text, "name-usesTechnology"))
    return facts


def _finish(entities: list[Entity], facts: list[Fact]) -> Extraction:
    by_key = {}
    for entity in entities:
        if entity.key in by_key:
            by_key[entity.key].aliases |= entity.names() - {by_key[entity.key].label}
        else:
            by_key[entity.key] = entity
    unique, seen = [], set()
    for fact in facts:
        signature_ = (fact.subject, fact.predicate, fact.object)
        if fact.predicate is Predicate.PARTNER_OF:
            ends = sorted((fact.subject, fact.object), key=lambda k: (k[0].value, k[1]))
            signature_ = (ends[0], fact.predicate, ends[1])
        if signature_ in seen or fact.subject not in by_key or fact.object not in by_key:
            continue
        seen.add(signature_)
        unique.append(fact)
    return Extraction(list(by_key.values()), unique)
