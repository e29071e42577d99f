"""Run the extraction stages over one release: mentions → entities → facts."""

from __future__ import annotations

import re

from ..release import Release
from ..vocab import EntityType, Predicate, signature
from .context import (
    ParsedSentence, dateline_places, is_title_case, known_mentions, midsentence_names, retype_brand_lists, retype_known,
    retype_marque_enumerations, type_recurring_names,
    retype_listed_organisations, type_model_families, type_short_forms,
)
from .lexicon import load_lexicon
from .model import Entity, Extraction, Fact
from .normalise import name_key
from .relations import CONTEXT, Skeleton
from .resolve import Registry
from .sentences import sentences_of_release
from .skeleton import build_skeleton, sentence_hits
from .terms import sentence_mentions

__all__ = ["extract_release"]

T = EntityType
_ORGS = (T.COMPANY, T.BRAND)


def extract_release(release: Release) -> Extraction:
    """Extract the entities and facts of one release."""
    lexicon = load_lexicon()
    sentences = sentences_of_release(release.title, release.body)
    parsed = [ParsedSentence(s, [] if is_title_case(s) else sentence_mentions(s.text, lexicon)) for s in sentences]
    registry = Registry(lexicon)
    names = midsentence_names([s.text for s in sentences if not s.heading])
    for mention in dateline_places(release, lexicon):
        registry.observe(mention)
    for item in parsed:
        retype_brand_lists(item.sentence.text, item.mentions, lexicon)
        retype_marque_enumerations(item.sentence.text, item.mentions, lexicon)
        retype_listed_organisations(item.sentence.text, item.mentions, names)
    type_recurring_names(parsed, names)
    for item in parsed:
        for mention in item.mentions:
            registry.observe(mention)
    known = registry.surface_types()
    type_model_families(parsed, known)
    type_short_forms(parsed, known)
    for item in parsed:
        if is_title_case(item.sentence):
            item.mentions = known_mentions(item.sentence.text, known)
        retype_known(item.mentions, known)
        for mention in item.mentions:
            registry.observe(mention)
    entities, surface_keys = registry.resolve()
    by_key = {e.key: e for e in entities}
    facts = _read_facts(parsed, surface_keys, by_key, lexicon)
    facts += _name_facts(parsed, surface_keys, by_key)
    return _finish(list(by_key.values()), facts)


def _primary(parsed: list[ParsedSentence], surface_keys) -> tuple | None:
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
        skeleton, first_org = build_skeleton(sentence.text, mentions, surface_keys, previous_subject, last_company,
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

        for hit in sentence_hits(skeleton, lexicon, sentence.truncated):
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
