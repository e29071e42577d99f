"""The records extraction produces."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..vocab import EntityType, Predicate
from .normalise import name_key

__all__ = ["Entity", "Fact", "Extraction"]


@dataclass
class Entity:
    """One entity of a release: a preferred label, its type and the other names it goes by."""

    label: str
    type: EntityType
    aliases: set[str] = field(default_factory=set)
    wikidata: str | None = None

    @property
    def key(self) -> tuple[EntityType, str]:
        """Identity of the entity: its type and normalised label."""
        return self.type, name_key(self.label)

    def names(self) -> set[str]:
        return {self.label, *self.aliases}


@dataclass(frozen=True)
class Fact:
    """A relation between two entities, the sentence it was read from and the rule that read it."""

    subject: tuple[EntityType, str]
    predicate: Predicate
    object: tuple[EntityType, str]
    evidence: str
    rule: str


@dataclass
class Extraction:
    entities: list[Entity]
    facts: list[Fact]
    language: str = "en"
    """ISO 639-1 code of the release's language (only English releases are read for relations)."""

    def entity(self, key: tuple[EntityType, str]) -> Entity:
        for entity in self.entities:
            if entity.key == key:
                return entity
        raise KeyError(key)
