"""Merge the mentions of one release into entities.

Surfaces are first given one type each (the strongest evidence wins; ties go to
the most frequent), then linked into entities: a name and the alias it defines
in parentheses, names sharing a gazetteer entry, a short form and the legal name
it abbreviates ("Acme" / "Acme Motors Co., Ltd."), a bare model code and the
full model name ("X5" / "Bolt X5").
"""

from __future__ import annotations

import re
from collections import defaultdict

from ..vocab import EntityType
from .lexicon import GazetteerEntry, Lexicon
from .frames import FRAME_STRENGTH
from .mentions import Mention
from .model import Entity
from .normalise import name_key, strip_legal_form

__all__ = ["Registry", "Surfaces"]

T = EntityType
_CODE = re.compile(r"[A-Z]{1,3}-?\d{1,4}[A-Za-z]?")


class Surfaces(dict):
    """Surface form → entity key, plus the second entities of names used as two things.

    A name such as "NIO" can be both the company and its marque: the plain mapping
    holds the chosen type's entity, ``second`` maps ``(surface, other type)`` to the
    other one. Keys of the plain mapping are always strings.
    """

    def __init__(self, keys: dict[str, tuple[EntityType, str]]):
        super().__init__(keys)
        self.second: dict[tuple[str, EntityType], tuple[EntityType, str]] = {}

    def key_of(self, surface: str, entity_type: EntityType | None = None) -> tuple[EntityType, str] | None:
        """The entity a mention of ``surface`` typed ``entity_type`` stands for."""
        return self.second.get((surface, entity_type)) or self.get(surface)

    def pairs(self):
        """Every (surface, entity key), second entities included."""
        yield from self.items()
        for (surface, _), key in self.second.items():
            yield surface, key


class Registry:
    """Accumulates mentions, then produces entities and a surface → entity-key map."""

    def __init__(self, lexicon: Lexicon):
        self.lexicon = lexicon
        self.votes: dict[str, dict[EntityType, list[int]]] = defaultdict(lambda: defaultdict(list))
        self.entries: dict[str, GazetteerEntry] = {}
        self.defined: list[tuple[str, str]] = []
        self.extra_aliases: dict[str, set[str]] = defaultdict(set)
        self.order: dict[str, int] = {}
        self.typed_entries: set[tuple[str, EntityType]] = set()

    def observe(self, mention: Mention) -> None:
        if mention.type is None:
            return
        surface = mention.text
        self.order.setdefault(surface, len(self.order))
        self.votes[surface][mention.type].append(mention.strength)
        if mention.entry is not None and mention.entry.type is mention.type:
            self.entries.setdefault(surface, mention.entry)
            self.typed_entries.add((surface, mention.type))
        self.extra_aliases[surface] |= mention.aliases
        if mention.defined_alias:
            self.defined.append((surface, mention.defined_alias))
            # A name defined in parentheses is known by that type from here on: "... Architecture (CEA)".
            self.votes[mention.defined_alias][mention.type].append(mention.strength)
            self.order.setdefault(mention.defined_alias, len(self.order))

    def surface_types(self) -> dict[str, EntityType]:
        """The one type chosen for each surface form."""
        chosen = {}
        for surface, votes in self.votes.items():
            chosen[surface] = max(votes, key=lambda t: (max(votes[t]), len(votes[t]), t is T.COMPANY))
        return chosen

    def resolve(self) -> tuple[list[Entity], Surfaces]:
        types = self.surface_types()
        links = _Links(types, self.order)
        self._link_defined_aliases(types, links)
        # One gazetteer entry, one entity.
        links.union_by({s: (e.label, e.type) for s, e in self.entries.items() if types.get(s) is e.type})
        # Same type and name, with or without its legal form: "Acme Motors" / "Acme Motors S.p.A.".
        links.union_by({s: (t, self._core(s)) for s, t in types.items()})
        self._link_short_forms(types, links.union)
        self._link_model_codes(types, links.union)
        self._link_surnames(types, links.union)
        self._link_versions(types, links.union)

        entities, surface_keys = [], {}
        for root, members in links.groups(types).items():
            entity = self._entity(root, members, types)
            entities.append(entity)
            for member in members:
                if types[member] is entity.type:
                    surface_keys[member] = entity.key
        surfaces = Surfaces(surface_keys)
        self._add_second_entities(types, entities, surfaces)
        return entities, surfaces

    def _link_defined_aliases(self, types: dict[str, EntityType], links: "_Links") -> None:
        """X ("Y") / X (ABC): the alias takes the name's type and, having it, the name's entity."""
        for surface, alias in self.defined:
            if alias not in types:
                types[alias] = types[surface]
                links.add(alias)
                self.order.setdefault(alias, len(self.order))
            if types[alias] is types[surface]:
                links.union(surface, alias)

    def _entity(self, root: str, members: list[str], types: dict[str, EntityType]) -> Entity:
        """The entity of one linked group: the root's type, its members of that type as names."""
        entity_type = types[root]
        members = [m for m in members if types[m] is entity_type]
        entry = next((self.entries[m] for m in members if m in self.entries), None)
        label = self._label(members, entry, entity_type)
        if entry is None and entity_type in (T.COMPANY, T.ALLIANCE):
            # "Nordcell Batteries AB" is labelled "Nordcell Batteries" in every release that names it.
            label = strip_legal_form(label, self.lexicon.legal_forms)
        aliases = set(members) | {a for m in members for a in self.extra_aliases.get(m, ())}
        if entry is not None:
            aliases.add(entry.label)
        return Entity(label, entity_type, aliases - {label}, entry.wikidata if entry else None)

    def _add_second_entities(self, types: dict[str, EntityType], entities: list[Entity], surfaces: Surfaces) -> None:
        """A name used as two things (the company NIO and its marque NIO): a mention typed by its
        sentence's structure keeps its own type as a second entity."""
        known_keys = {e.key for e in entities}
        for surface, votes in self.votes.items():
            for entity_type, strengths in votes.items():
                if not self._second_type(surface, entity_type, types):
                    continue
                entity = Entity(surface, entity_type)
                if entity.key not in known_keys:
                    entities.append(entity)
                    known_keys.add(entity.key)
                surfaces.second[(surface, entity_type)] = entity.key

    def _second_type(self, surface: str, entity_type: EntityType, types: dict[str, EntityType]) -> bool:
        """True when ``surface``'s votes for ``entity_type`` (not its chosen type) make it a second thing."""
        if entity_type is types.get(surface):
            return False
        votes = self.votes[surface]
        strengths = votes[entity_type]
        typed_entry = (surface, entity_type) in self.typed_entries
        if max(strengths) < 3 and not typed_entry:
            return False
        # a frame said what the name is: weaker structure cues do not make it a second thing
        return typed_entry or not max(votes.get(types[surface]) or [0]) >= FRAME_STRENGTH > max(strengths)

    def _label(self, members: list[str], entry: GazetteerEntry | None, entity_type: EntityType) -> str:
        if entry is not None:
            return entry.label
        plain = [m for m in members if self._plain_name(m, len(members))]
        # A short form is never the label when its full name is a member: "Halvorsen Systems", not "Halvorsen".
        full = [m for m in members if not any(o != m and o.startswith(m + " ") for o in members)]
        ordered = sorted([m for m in full if m in plain] or full or plain or members, key=lambda m: self.order.get(m, 0))
        return ordered[0]

    def _plain_name(self, member: str, count: int) -> bool:
        """A name without a legal form after its first word, and not an acronym beside longer names."""
        suffixes = self.lexicon.words("legal_suffixes")
        return not any(w.lower().strip(",") in suffixes for w in member.split()[1:]) \
            and not (member.isupper() and len(member) <= 6 and count > 1)

    def _core(self, surface: str) -> str:
        """A name without its trailing legal form ("Co., Ltd.", "GmbH", "S.p.A.")."""
        return name_key(strip_legal_form(surface, self.lexicon.legal_forms))

    def _link_short_forms(self, types, union) -> None:
        """``Acme`` → ``Acme Motors Group``: a short form names the one longer company (or alliance) it starts.

        When several longer names start with it, only one whose remaining words are all corporate
        words (Group, Motors, Co., Ltd.) qualifies: "Acme" is "Acme Group", not "Acme International".
        """
        tails = self.lexicon.words("legal_suffixes") | self.lexicon.words("company_heads") | self.lexicon.words("alliance_heads")
        tails = tails - {"international", "energy", "mobility", "capital", "partners"}
        by_start = _by_leading_words(types)
        for short, short_type in list(types.items()):
            if short_type not in (T.COMPANY, T.ALLIANCE) or len(short.split()) > 2 or len(short) < 3:
                continue
            longer = [s for s in by_start.get((short, short_type), ()) if s.startswith(short + " ")]
            corporate = [s for s in longer if all(w.lower().strip(",") in tails for w in s[len(short):].split())]
            if len(corporate) == 1:
                union(corporate[0], short)
            elif len({self._core(s) for s in longer}) == 1:
                union(longer[0], short)

    def _link_surnames(self, types, union) -> None:
        """``Bercovich`` → ``Michael Bercovich``: a lone word that is the surname of one person named in full.

        Releases name a person in full once, then by surname ("Bercovich, who joins in June, ...");
        the surname alone is often typed weakly as an organisation (it acts like one). Only a weak
        type gives way: a name the gazetteer or the sentence structure typed keeps its type.
        """
        people: dict[str, list[str]] = defaultdict(list)
        for surface, entity_type in types.items():
            if entity_type is T.PERSON and len(surface.split()) >= 2:
                people[surface.split()[-1]].append(surface)
        organisations = [s for s, t in types.items() if t in (T.COMPANY, T.BRAND, T.ALLIANCE)]
        for short, short_type in list(types.items()):
            full = people.get(short, [])
            if " " in short or len(set(full)) != 1 or short_type is T.PLACE:
                continue
            # "Halvorsen" is Halvorsen Systems, whatever Birgit Halvorsen's name.
            if any(name.startswith(short + " ") for name in organisations):
                continue
            if short_type is T.PERSON or self._weakly_typed(short):
                types[short] = T.PERSON
                union(full[0], short)

    def _weakly_typed(self, surface: str) -> bool:
        """Typed by no gazetteer entry and no sentence structure, only by weak cues (strength 2 or less)."""
        strongest = max((max(v) for v in self.votes[surface].values() if v), default=0)
        return strongest <= 2 and not any(s == surface for s, _ in self.typed_entries)

    def _link_versions(self, types, union) -> None:
        """``ROS 2`` → ``ROS 2.0``: the short version of a versioned technology named in the same release."""
        for surface, entity_type in list(types.items()):
            short = re.fullmatch(r"(\S+ v?\d+)\.\d+(?:\.\d+)?", surface)
            if entity_type is not T.TECHNOLOGY or not short or short.group(1) not in types:
                continue
            if max(max(v) for v in self.votes[short.group(1)].values()) <= 2:
                types[short.group(1)] = T.TECHNOLOGY
                union(surface, short.group(1))

    def _link_model_codes(self, types, union) -> None:
        """``L8`` → ``Bolt L8`` when one product name ends with that code."""
        products = [s for s, t in types.items() if t is T.PRODUCT]
        for code in products:
            if not _CODE.fullmatch(code):
                continue
            full = [p for p in products if p != code and p.endswith(" " + code)]
            if len(full) == 1:
                union(full[0], code)


def _by_leading_words(types: dict[str, EntityType]) -> dict[tuple[str, EntityType], list[str]]:
    """Surfaces indexed by their first word and first two words (with the type): linear, not pairwise."""
    by_start: dict[tuple[str, EntityType], list[str]] = defaultdict(list)
    for surface, entity_type in types.items():
        words = surface.split()
        for size in (1, 2):
            if len(words) > size:
                by_start[" ".join(words[:size]), entity_type].append(surface)
    return by_start


class _Links:
    """Union-find over surface forms; a group's representative is its earliest-seen surface."""

    def __init__(self, surfaces, order: dict[str, int]):
        self.parent = {s: s for s in surfaces}
        self.order = order

    def add(self, surface: str) -> None:
        self.parent[surface] = surface

    def find(self, s: str) -> str:
        parent = self.parent
        while parent[s] != s:
            parent[s] = parent[parent[s]]
            s = parent[s]
        return s

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            # Keep the earlier-seen surface as the representative.
            if self.order.get(ra, 0) <= self.order.get(rb, 0):
                self.parent[rb] = ra
            else:
                self.parent[ra] = rb

    def union_by(self, keys: dict[str, tuple]) -> None:
        """Link every surface to the first one with the same key."""
        first: dict[tuple, str] = {}
        for surface, key in keys.items():
            if key in first:
                self.union(first[key], surface)
            else:
                first[key] = surface

    def groups(self, surfaces) -> dict[str, list[str]]:
        """Representative → its surfaces, in the order of ``surfaces``."""
        groups: dict[str, list[str]] = defaultdict(list)
        for surface in surfaces:
            groups[self.find(surface)].append(surface)
        return groups
