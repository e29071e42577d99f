"""Load RDF files of release graphs into a store: validated first, written all or nothing.

This is the way back from ``mobkg export``: N-Quads and TriG files hold one named
graph per release (and, from ``export``, the merged default graph, which the store
derives from the release graphs itself, so it is checked and not copied); a Turtle or
N-Triples file holds one release graph. Every release graph is checked against the
shapes before anything is written, and all of them land in one store transaction.

What already is in the store (the rule of ``mobkg build``, see :mod:`mobkg.ingestion`):
a release graph with the same content is left as it is (``unchanged``); a
correction replaces the release it corrects; an original never replaces a
correction (it is skipped and listed in ``superseded``). Any other release graph the
store holds with a different content is not replaced: the load is refused, naming
the release, and nothing is written.
"""

from __future__ import annotations

import enum
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import RDF, Graph, URIRef
from rdflib.compare import isomorphic

from .errors import LoadError, ShapeViolation, UnknownRdfFormat
from .stores import GraphStore
from .stores.embedded import to_rdflib
from .validate import validate_graphs
from .vocab import MOB

__all__ = ["LoadFormat", "LoadSummary", "load_files", "load_format", "read_release_graphs"]


class LoadFormat(enum.Enum):
    """The RDF formats ``mobkg load`` reads, by file name suffix."""

    NQUADS = "nquads"
    TRIG = "trig"
    TURTLE = "turtle"
    NTRIPLES = "ntriples"


_SUFFIXES = {
    ".nq": LoadFormat.NQUADS, ".nquads": LoadFormat.NQUADS, ".trig": LoadFormat.TRIG,
    ".ttl": LoadFormat.TURTLE, ".turtle": LoadFormat.TURTLE, ".nt": LoadFormat.NTRIPLES,
}
_OXIGRAPH = {
    LoadFormat.NQUADS: ox.RdfFormat.N_QUADS, LoadFormat.TRIG: ox.RdfFormat.TRIG,
    LoadFormat.TURTLE: ox.RdfFormat.TURTLE, LoadFormat.NTRIPLES: ox.RdfFormat.N_TRIPLES,
}


@dataclass
class LoadSummary:
    """What a load did."""

    files: int = 0
    releases: int = 0
    written: int = 0
    unchanged: int = 0
    superseded: list[str] = field(default_factory=list)
    """Release graphs not written, or replaced, because of a correction (one line each)."""


def load_format(path: str | os.PathLike) -> LoadFormat:
    """The format of ``path`` from its suffix (``.nq``, ``.trig``, ``.ttl``, ``.nt``).

    >>> load_format("kg/mobkg.trig")
    <LoadFormat.TRIG: 'trig'>

    :raises UnknownRdfFormat: if the suffix is none of those.
    """
    suffix = Path(path).suffix.lower()
    if suffix not in _SUFFIXES:
        known = ", ".join(sorted(_SUFFIXES))
        raise UnknownRdfFormat(f"{path}: cannot tell the RDF format from the name; use one of {known}")
    return _SUFFIXES[suffix]


def read_release_graphs(paths: Iterable[str | os.PathLike]) -> dict[str, Graph]:
    """Read the release graphs of the files at ``paths``, by graph IRI (nothing is written anywhere).

    :raises UnknownRdfFormat: if a file's suffix names no format :func:`load` reads.
    :raises LoadError: if a file is missing, unreadable, empty, malformed, holds a named graph
        that is not a release graph, default-graph triples no release graph states, or a
        release graph that another file gives with a different content.
    """
    graphs: dict[str, Graph] = {}
    seen_in: dict[str, str] = {}
    for path in paths:
        for name, graph in _read_file(str(path)).items():
            if name in graphs and not _same(graphs[name], graph):
                raise LoadError(f"{path}: release <{name}> differs from the one in {seen_in[name]}; "
                                "nothing was loaded")
            graphs.setdefault(name, graph)
            seen_in.setdefault(name, str(path))
    return graphs


def load_files(paths: Iterable[str | os.PathLike], store: GraphStore,
               progress: Callable[[int, int], None] | None = None) -> LoadSummary:
    """Load the release graphs in ``paths`` into ``store``: validated, then one transaction.

    ``progress(done, total)`` is called as release graphs are validated.

    :raises UnknownRdfFormat: if a file's suffix names no format this reads (a usage mistake).
    :raises LoadError: if a file cannot be read as release graphs (see :func:`read_release_graphs`),
        or the store holds one of the releases with a different content (nothing is written).
    :raises ShapeViolation: if a release graph violates the shapes (nothing is written).
    :raises StoreError: if the store cannot be read or written (nothing is written).
    """
    paths = list(paths)
    graphs = read_release_graphs(paths)
    summary = LoadSummary(files=len(paths), releases=len(graphs))
    report = validate_graphs(_counted(list(graphs.values()), progress))
    if not report.conforms:
        raise ShapeViolation(f"{len(report.failing)} of {report.graphs} release graphs violate the shapes; "
                             f"nothing was loaded:\n{report.text}", report.text)
    stored = store.release_hashes()
    writes = []
    for name, graph in graphs.items():
        if name not in stored:
            writes.append(graph)
            continue
        if _same(store.graph(name), graph):
            summary.unchanged += 1
            continue
        incoming, existing = _is_correction(graph, name), stored[name].correction
        if incoming and not existing:
            summary.superseded.append(f"<{name}>: the correction loaded replaces the stored original")
            writes.append(graph)
        elif existing and not incoming:
            summary.superseded.append(f"<{name}>: the store holds a correction of it, which an original never replaces")
        else:
            raise LoadError(f"<{name}>: the store already holds a different version of this release; nothing was "
                            "loaded (load into a new store, or build the release again from its source)")
    store.replace_graphs(writes)
    summary.written = len(writes)
    return summary


def _counted(graphs: list[Graph], progress: Callable[[int, int], None] | None):
    for done, graph in enumerate(graphs, 1):
        yield graph
        if progress is not None:
            progress(done, len(graphs))


def _read_file(path: str) -> dict[str, Graph]:
    fmt = load_format(path)
    if not os.path.exists(path):
        raise LoadError(f"{path}: no such file")
    if os.path.isdir(path):
        raise LoadError(f"{path}: is a folder; give the RDF files to load")
    named: dict[str, Graph] = {}
    default: set[tuple] = set()
    try:
        with open(path, "rb") as file:
            for quad in ox.parse(file, format=_OXIGRAPH[fmt]):
                triple = (to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object))
                if isinstance(quad.graph_name, ox.DefaultGraph):
                    default.add(triple)
                elif isinstance(quad.graph_name, ox.NamedNode):
                    name = quad.graph_name.value
                    named.setdefault(name, Graph(identifier=URIRef(name))).add(triple)
                else:
                    raise LoadError(f"{path}: a named graph is a blank node; a release graph is named by its IRI")
    except SyntaxError as error:
        raise LoadError(f"{path}: not valid {fmt.value} ({_first_line(str(error))})") from None
    except (OSError, ValueError) as error:
        raise LoadError(f"{path}: cannot be read ({_first_line(str(error))})") from None
    if not named and not default:
        raise LoadError(f"{path}: holds no RDF; nothing to load")
    if not named:
        return _single_release(path, default)
    for name, graph in named.items():
        if (URIRef(name), RDF.type, MOB.Release) not in graph:
            raise LoadError(f"{path}: named graph <{name}> is not a release graph (it does not say "
                            f"<{name}> a mob:Release)")
    stated = set().union(*(set(graph) for graph in named.values()))
    extra = default - stated
    if extra:
        s, p, o = sorted(extra)[0]
        raise LoadError(f"{path}: {len(extra)} default-graph triples no release graph states (e.g. <{s}> <{p}> "
                        f"{o.n3()}); the default graph is the merge of the release graphs")
    return named


def _single_release(path: str, triples: set[tuple]) -> dict[str, Graph]:
    """A file of triples is the graph of the one release it describes."""
    releases = sorted({s for s, p, o in triples if p == RDF.type and o == MOB.Release})
    if not releases:
        raise LoadError(f"{path}: describes no release (nothing is a mob:Release); mobkg stores release graphs")
    if len(releases) > 1:
        raise LoadError(f"{path}: holds {len(releases)} releases merged into one graph, which cannot say which "
                        "release states what; export the store with --format nquads or trig to move it")
    if not isinstance(releases[0], URIRef):
        raise LoadError(f"{path}: its release is a blank node; a release graph is named by the release's IRI")
    graph = Graph(identifier=URIRef(str(releases[0])))
    for triple in triples:
        graph.add(triple)
    return {str(releases[0]): graph}


def _is_correction(graph: Graph, name: str) -> bool:
    return (URIRef(name), RDF.type, MOB.Correction) in graph


def _same(one: Graph, other: Graph) -> bool:
    """Same content; blank nodes (which a store renames) compared by isomorphism."""
    if set(one) == set(other):
        return True
    return len(one) == len(other) and isomorphic(one, other)


def _first_line(message: str) -> str:
    return (message.strip().splitlines() or [""])[0][:200]
