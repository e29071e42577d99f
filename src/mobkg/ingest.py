"""Run the whole pipeline over release files and write the result to a store, atomically.

``ingest`` reads every file first, extracts, builds and validates each release's
graph, and only then writes: one transaction for the whole batch, so a bad file
or a non-conforming graph leaves the store exactly as it was (unless the caller
asks to skip bad files, in which case the good ones are written and the bad
ones reported).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from rdflib import RDF, Graph

from .build import build_release_graph, release_iri
from .errors import ReleaseError, ShapeViolation
from .extract import extract_release
from .readers import find_release_files, read_release_file
from .release import Release
from .stores import GraphStore
from .validate import validate_graph
from .vocab import MOB, EntityType

__all__ = ["IngestSummary", "ingest", "release_graph"]

_ENTITY_CLASSES = frozenset(t.iri for t in EntityType)


@dataclass
class IngestSummary:
    """What a build did."""

    files: int = 0
    releases: int = 0
    written: int = 0
    unchanged: int = 0
    entities: int = 0
    facts: int = 0
    corrections: int = 0
    skipped: list[ReleaseError] = field(default_factory=list)
    warnings: int = 0


def release_graph(release: Release) -> Graph:
    """Extract one release and build its named graph."""
    return build_release_graph(release, extract_release(release))


def _read_all(paths: Iterable[str | os.PathLike], skip_bad: bool, summary: IngestSummary) -> list[Release]:
    releases: list[Release] = []
    for path in find_release_files(paths):
        summary.files += 1
        try:
            releases.extend(read_release_file(path))
        except ReleaseError as error:
            if not skip_bad:
                raise
            summary.skipped.append(error)
    return releases


def _latest_per_graph(releases: list[Release]) -> list[Release]:
    """One release per graph IRI; a correction wins over the release it corrects."""
    chosen: dict[str, Release] = {}
    for release in releases:
        current = chosen.get(release.key)
        if current is None or release.corrects or not current.corrects:
            chosen[release.key] = release
    return list(chosen.values())


def ingest(
    paths: Iterable[str | os.PathLike],
    store: GraphStore,
    *,
    skip_bad: bool = False,
    force: bool = False,
    progress: Callable[[int], None] | None = None,
) -> IngestSummary:
    """Read, extract, build, validate and store every release under ``paths``.

    Releases whose source bytes are unchanged since the last build are skipped
    unless ``force``. A correction replaces the graph of the release it corrects;
    an original never overwrites a correction already in the store.

    :raises ReleaseError: for an unreadable file (unless ``skip_bad``); nothing is written.
    :raises ShapeViolation: if a release graph violates the shapes; nothing is written.
    :raises StoreError: if the store cannot be written; nothing is written.
    """
    summary = IngestSummary()
    releases = _latest_per_graph(_read_all(paths, skip_bad, summary))
    summary.releases = len(releases)
    known = {} if force else store.release_hashes()
    graphs: list[Graph] = []
    for release in releases:
        iri = str(release_iri(release))
        stored_sha, stored_is_correction = known.get(iri, (None, False))
        if stored_sha == release.sha256 or (stored_is_correction and not release.corrects):
            summary.unchanged += 1
            if progress:
                progress(1)
            continue
        graph = release_graph(release)
        report = validate_graph(graph)
        if not report.conforms:
            raise ShapeViolation(f"{release.source}: extracted graph violates the shapes; nothing was written", report.text)
        graphs.append(graph)
        summary.entities += _count_entities(graph)
        summary.facts += sum(1 for _ in graph.subjects(MOB.extractedBy, None))
        summary.corrections += 1 if release.corrects else 0
        if progress:
            progress(1)
    store.replace_graphs(graphs)
    summary.written = len(graphs)
    return summary


def _count_entities(graph: Graph) -> int:
    return len({s for s, o in graph.subject_objects(RDF.type) if o in _ENTITY_CLASSES})
