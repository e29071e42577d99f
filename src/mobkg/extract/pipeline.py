"""Run the extraction stages over one release: mentions → entities → facts."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

from ..release import Release
from ..vocab import EntityType, Predicate, signature
from .context import (
    ParsedSentence, dateline_places, is_title_case, known_mentions, midsentence_names, retype_brand_lists, retype_known, split_at_connectors,
    retype_marque_enumerations, type_recurring_names,
    retype_listed_organisations, trim_people_after_titles, type_employers_of_people, drop_credited_people, type_lists_by_majority, type_model_families,
    type_places_before_regions, type_short_forms, type_surnames,
)
from .frames import retype_by_frames
from .language import ENGLISH, detect_language
from .lexicon import Lexicon, load_lexicon
from .mentions import Mention
from .model import Entity, Extraction, Fact
from .normalise import name_key
from .relations import CONTEXT, Skeleton
from .resolve import Registry, Surfaces
from .sentences import sentences_of_release
from .skeleton import build_skeleton, sentence_hits
from .terms import sentence_mentions

__all__ = ["extract_release", "Doc", "STAGES", "ExtractionFault"]

T = EntityType
_ORGS = (T.COMPANY, T.BRAND)


@dataclass
class Doc:
    """One release as it flows through the extraction stages; each stage fills in its part."""

    release: Release
    lexicon: Lexicon
    language: str = ENGLISH
    sentences: list = field(default_factory=list)
    parsed: list[ParsedSentence] = field(default_factory=list)
    names: set = field(default_factory=set)
    registry: Registry | None = None
    surface_keys: Surfaces | None = None
    by_key: dict = field(default_factory=dict)
    facts: list[Fact] = field(default_factory=list)


def _detect_language(doc: Doc) -> None:
    doc.language = detect_language(" ".join((doc.release.title, *doc.release.body)))


def _split(doc: Doc) -> None:
    sentences = sentences_of_release(doc.release.title, doc.release.body)
    doc.sentences = without_distributor_sections(sentences, doc.lexicon.words("news_distributors"))
    doc.names = midsentence_names([s.text for s in doc.sentences if not s.heading])


def without_distributor_sections(sentences: list, distributors: frozenset[str]) -> list:
    """The release without the newswire's own "About InvestorWire" section (up to the next "About ..."):
    the distributor describing itself is not the release's content."""
    kept, skipping = [], False
    for sentence in sentences:
        about = re.match(r"About\s+(\S+(?:\s+\S+)?)", sentence.text)
        if about:
            words = about.group(1).lower().split()
            skipping = words[0] in distributors or " ".join(words) in distributors
        describes = re.match(r"(\S+(?:\s+\S+)?)\s+(?:is|was)\s+(?:a|an|the)\b", sentence.text)
        if describes and any(" ".join(describes.group(1).lower().split()[:n]) in distributors for n in (1, 2)):
            continue  # "Benzinga is a leading financial media provider ...": the wire about itself
        if not skipping:
            kept.append(sentence)
    return kept


def _find_mentions(doc: Doc) -> None:
    doc.parsed = [ParsedSentence(s, [] if is_title_case(s) else sentence_mentions(s.text, doc.lexicon))
                  for s in doc.sentences]
    if doc.language != ENGLISH:
        # No word knowledge for this language: only names the gazetteer knows, in their canonical form.
        for item in doc.parsed:
            # A capitalised first word may be any word of the language ("Marka", Polish for brand).
            item.mentions = [m for m in item.mentions if m.entry is not None and m.entry.type is m.type
                             and m.text in (m.entry.label, *m.entry.aliases)
                             and (" " in m.text or m.text in doc.names
                                  or item.sentence.text[:m.start].strip(" „“\"'‘("))]


def _type_sentences(doc: Doc) -> None:
    """Types each sentence's words give its names: lists, frames, titles."""
    for item in doc.parsed:
        retype_brand_lists(item.sentence.text, item.mentions, doc.lexicon)
        retype_marque_enumerations(item.sentence.text, item.mentions, doc.lexicon)
        retype_listed_organisations(item.sentence.text, item.mentions, doc.names, doc.lexicon)
        retype_by_frames(item.sentence.text, item.mentions, doc.lexicon)
        type_places_before_regions(item.sentence.text, item.mentions, doc.lexicon)
        type_lists_by_majority(item.sentence.text, item.mentions, doc.lexicon)
        trim_people_after_titles(item.sentence.text, item.mentions)
        drop_credited_people(item.sentence.text, item.mentions)
        type_employers_of_people(item.sentence.text, item.mentions)
    type_recurring_names(doc.parsed, doc.names)


def _type_in_release(doc: Doc) -> None:
    """Types the whole release gives: a name typed in one sentence keeps that type in the others."""
    known = _registry(doc).surface_types()
    type_model_families(doc.parsed, known)
    type_surnames(doc.parsed, known)
    type_short_forms(doc.parsed, known)
    for item in doc.parsed:
        if is_title_case(item.sentence):
            item.mentions = known_mentions(item.sentence.text, known)
        split_at_connectors(item.mentions, known)
        retype_known(item.mentions, known)


def _registry(doc: Doc) -> Registry:
    """Every mention of the release (and its dateline places) registered once."""
    registry = Registry(doc.lexicon)
    for mention in dateline_places(doc.release, doc.lexicon):
        registry.observe(mention)
    for item in doc.parsed:
        for mention in item.mentions:
            registry.observe(mention)
    for mention in _marques_of_products(doc):
        registry.observe(mention)
    return registry


def _marques_of_products(doc: Doc) -> list:
    """"a Porsche 911 GT3 RS": a known marque that the release names only at the head of its models
    is a brand of the release too (and the name facts read that it produces them)."""
    named = {m.text for item in doc.parsed for m in item.mentions if m.type is not None}
    marques = {}
    for item in doc.parsed:
        for mention in item.mentions:
            if mention.type is not T.PRODUCT or mention.rule != "marque-model":
                continue
            words = mention.text.split()
            for cut in (2, 1):
                head = " ".join(words[:cut])
                entry = next((e for e in doc.lexicon.exact.get(head, []) if e.type is T.BRAND), None)
                if entry is not None and cut < len(words):
                    if head not in named:
                        marques.setdefault(head, Mention(-1, -1, head, T.BRAND, 2, set(), entry, rule="marque-of-product"))
                    break
    return list(marques.values())


def _resolve(doc: Doc) -> None:
    doc.registry = _registry(doc)
    entities, doc.surface_keys = doc.registry.resolve()
    doc.by_key = {e.key: e for e in entities}


def _relation_facts(doc: Doc) -> None:
    if doc.language != ENGLISH:
        return  # relation patterns are English
    facts = _read_facts(doc.parsed, doc.surface_keys, doc.by_key, doc.lexicon)
    speakers = _speakers(doc.parsed, facts)
    if speakers:  # read again, with "we" and "our" in each quote standing for its speaker's organisation
        facts += _read_facts(doc.parsed, doc.surface_keys, doc.by_key, doc.lexicon, speakers)
    doc.facts += facts


def _speakers(parsed: list[ParsedSentence], facts: list[Fact]) -> dict[int, tuple]:
    """Block → the organisation of the person a block quotes ("...," said Jane Roe, CEO of Acme)."""
    blocks: dict[str, int] = {}
    for item in parsed:
        if item.sentence.block >= 0:
            blocks.setdefault(item.sentence.text, item.sentence.block)
    speakers: dict[int, tuple] = {}
    for fact in facts:
        block = blocks.get(fact.evidence)
        if fact.predicate is Predicate.WORKS_FOR and block is not None and _QUOTED.search(fact.evidence + " "):
            speakers.setdefault(block, fact.object)
    return speakers


_QUOTED = re.compile(r"[“”\"]|\b(?:said|says|added|commented|explained|noted|stated)\b")


def _names_as_facts(doc: Doc) -> None:
    if doc.language != ENGLISH:
        return
    doc.facts += _name_facts(doc.parsed, doc.surface_keys, doc.by_key)


STAGES: tuple[tuple[str, Callable[[Doc], None]], ...] = (
    ("language detection", _detect_language),
    ("sentence splitting", _split),
    ("name finding", _find_mentions),
    ("sentence typing", _type_sentences),
    ("release typing", _type_in_release),
    ("entity resolution", _resolve),
    ("relation patterns", _relation_facts),
    ("name facts", _names_as_facts),
)
"""The extraction stages in order: each reads and extends the :class:`Doc`."""


class ExtractionFault(Exception):
    """An unexpected error inside one extraction stage (a bug, not bad input)."""

    def __init__(self, stage: str, error: BaseException):
        super().__init__(f"internal error in {stage}: {type(error).__name__}: {error}")
        self.stage = stage

    def __reduce__(self):
        return _fault, (self.stage, str(self))


def _fault(stage: str, message: str) -> ExtractionFault:
    fault = ExtractionFault.__new__(ExtractionFault)
    Exception.__init__(fault, message)
    fault.stage = stage
    return fault


def extract_release(release: Release, lexicon: Lexicon | None = None) -> Extraction:
    """Extract the entities and facts of one release.

    :raises ExtractionFault: if a stage fails unexpectedly (naming the stage).
    """
    doc = Doc(release, lexicon or load_lexicon())
    for name, stage in STAGES:
        try:
            stage(doc)
        except Exception as error:  # noqa: BLE001 - one release's bug must not take down a build
            raise ExtractionFault(name, error) from error
    extraction = _finish(list(doc.by_key.values()), doc.facts)
    extraction.language = doc.language
    return extraction


def _primary(parsed: list[ParsedSentence], surface_keys) -> tuple | None:
    counts: dict = {}
    for item in parsed:
        for mention in item.mentions:
            key = surface_keys.get(mention.text)
            if key and key[0] is T.COMPANY:
                counts[key] = counts.get(key, 0) + 1
    return max(counts, key=counts.get) if counts else None


def _read_facts(parsed, surface_keys, by_key, lexicon, speakers: dict[int, tuple] | None = None) -> list[Fact]:
    facts: list[Fact] = []
    discourse = _Discourse.starting_with(_primary(parsed, surface_keys))
    for item in parsed:
        sentence = item.sentence
        if sentence.heading and not discourse.read_heading(sentence, surface_keys):
            continue
        if speakers:
            discourse.recent["speaker"] = speakers.get(sentence.block)
        mentions = [m for m in item.mentions if m.type is not None and m.text in surface_keys]
        skeleton, first_org = build_skeleton(sentence.text, mentions, surface_keys, discourse.previous_subject,
                                             discourse.last_company, discourse.primary, discourse.about_subject,
                                             discourse.recent)
        context = partial(discourse.context, skeleton)
        for hit in sentence_hits(skeleton, lexicon, sentence.truncated):
            facts.extend(_facts_from_hit(hit, skeleton, sentence.text, by_key, context))
        discourse.advance(skeleton, first_org)
    return facts


@dataclass
class _Discourse:
    """What the sentences read so far leave to the next: the subject, the last company, the latest
    mention of each type, the organisation an "About X" heading introduces."""

    primary: tuple | None
    previous_subject: tuple | None
    last_company: tuple | None
    about_subject: tuple | None = None
    recent: dict = field(default_factory=dict)

    @classmethod
    def starting_with(cls, primary: tuple | None) -> "_Discourse":
        return cls(primary, primary, primary)

    def read_heading(self, sentence, surface_keys) -> bool:
        """Note the subject of an "About X" heading; True when the heading is still read for facts."""
        about = re.match(r"^About (.+)$", sentence.text.strip())
        if about and about.group(1) in surface_keys:
            self.about_subject = surface_keys[about.group(1)]
            self.previous_subject = self.about_subject
        return sentence.block == -1

    def context(self, skeleton: Skeleton, types, position: int):
        """The entity a sentence leaves implicit: the nearest mention of the types before the match,
        else the sentence's first one, else the latest one in the text."""
        before = [int(i) for i in re.findall(r"⟨(\d+):", skeleton.text[:position])]
        nearest = next((skeleton.mentions[i].key for i in reversed(before) if skeleton.mentions[i].type in types), None)
        if nearest is not None:
            return nearest
        inside = next((m.key for m in skeleton.mentions if m.type in types), None)
        if inside is not None:
            return inside
        if self.previous_subject is not None and self.previous_subject[0] in types:
            return self.previous_subject
        return next((self.recent[t] for t in types if t in self.recent), None)

    def advance(self, skeleton: Skeleton, first_org: tuple | None) -> None:
        """After a sentence: its first organisation is the next subject; its names are the latest."""
        if first_org is not None:
            self.previous_subject = first_org
        first_company = next((m.key for m in skeleton.mentions if m.type is T.COMPANY), None)
        if first_company is not None:
            self.recent["first company"] = first_company
        products = list(dict.fromkeys(m.key for m in skeleton.mentions if m.type is T.PRODUCT))
        if products:
            self.recent["products"] = products
        for mention in skeleton.mentions:
            self.recent[mention.type] = mention.key
            if mention.type is T.COMPANY:
                self.last_company = mention.key


def _facts_from_hit(hit, skeleton: Skeleton, evidence: str, by_key, context) -> list[Fact]:
    domain, range_ = signature(hit.predicate)
    subjects = _hit_keys(hit.subjects, skeleton, context, domain, hit.position)
    objects = _hit_keys(hit.objects, skeleton, context, range_ | {T.INITIATIVE}, hit.position)
    objects += _sector_keys(hit.items, by_key)
    facts = []
    for subject in subjects:
        for obj in objects:
            fact = _fact(hit, subject, obj, evidence, by_key)
            if fact is not None:
                facts.append(fact)
    return facts


def _hit_keys(indexes: tuple[int, ...], skeleton: Skeleton, context, types, position: int) -> list[tuple]:
    """The entity keys of a hit's mention indexes; the context stands in for :data:`CONTEXT`."""
    keys = [context(types, position) if i == CONTEXT else skeleton.mentions[i].key for i in indexes]
    return [k for k in keys if k is not None]


def _sector_keys(items: tuple[str, ...], by_key) -> list[tuple]:
    """The Sector entities of the lowercase fields a hit names, created as they are first named."""
    keys = []
    for item in items:
        key = (T.SECTOR, name_key(item))
        if key not in by_key:
            by_key[key] = Entity(item, T.SECTOR)
        keys.append(key)
    return keys


def _fact(hit, subject: tuple, obj: tuple, evidence: str, by_key) -> Fact | None:
    """The fact a hit states of two entities, if their types fit the predicate; an initiative
    something is a member of is an alliance."""
    if subject == obj:
        return None
    domain, range_ = signature(hit.predicate)
    if hit.predicate is Predicate.MEMBER_OF and obj[0] is T.INITIATIVE:
        _retype(by_key, obj, T.ALLIANCE)
        obj = (T.ALLIANCE, obj[1])
    if subject[0] in domain and obj[0] in range_:
        return Fact(subject, hit.predicate, obj, evidence, hit.rule)
    return None


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
        ((name, key) for name, key in surface_keys.pairs() if key[0] in (T.COMPANY, T.BRAND, T.ALLIANCE)),
        key=lambda item: len(item[0]), reverse=True,
    )
    technologies = {name: key for name, key in surface_keys.pairs() if key[0] is T.TECHNOLOGY}
    seen = set()
    for item in parsed:
        for mention in item.mentions:
            key = surface_keys.get(mention.text)
            if key is None or key in seen:
                continue
            seen.add(key)
            facts.extend(_owner_in_name(mention.text, key, organisations, item.sentence.text))
            if key[0] is T.PRODUCT:
                facts.extend(_technology_in_name(mention.text, key, technologies, item.sentence.text))
    return facts


_NAME_PREDICATES = {T.EVENT: (Predicate.ORGANIZED_BY, False), T.PRODUCT: (Predicate.PRODUCES, True),
                    T.TECHNOLOGY: (Predicate.DEVELOPS, True)}
"""The fact a name that starts with an organisation's name states: type → (predicate, owner is subject)."""


def _owner_in_name(text: str, key: tuple, organisations: list[tuple[str, tuple]], evidence: str) -> list[Fact]:
    """"Acme X5": the longest organisation name the name starts with (after a year) owns it."""
    rule = _NAME_PREDICATES.get(key[0])
    if rule is None:
        return []
    predicate, owner_first = rule
    for name, owner in organisations:
        if owner == key or not re.search(rf"(?:^|\d{{4}} ){re.escape(name)} \S", text):
            continue
        if owner[0] is T.ALLIANCE and predicate is not Predicate.ORGANIZED_BY:
            continue
        subject, obj = (owner, key) if owner_first else (key, owner)
        return [Fact(subject, predicate, obj, evidence, "name-" + predicate.value)]
    return []


def _technology_in_name(text: str, key: tuple, technologies: dict[str, tuple], evidence: str) -> list[Fact]:
    """"Bolt X5 HEV": a product name ending in a technology's name uses it."""
    if len(text.split()) <= 1:
        return []
    last_word = text.split()[-1]
    return [Fact(key, Predicate.USES_TECHNOLOGY, tech, evidence, "name-usesTechnology")
            for name, tech in technologies.items() if last_word == name]


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
