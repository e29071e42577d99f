"""Run the extraction stages over one release."""

from __future__ import annotations

from ..release import Release
from ..vocab import EntityType
from .model import Entity, Extraction

__all__ = ["extract_release"]


def extract_release(release: Release) -> Extraction:
    """Extract the entities and facts of one release."""
    entities: list[Entity] = []
    if release.dateline:
        for part in release.dateline.split(","):
            part = part.strip()
            if part:
                entities.append(Entity(part.title() if part.isupper() else part, EntityType.PLACE))
    return Extraction(entities, [])
