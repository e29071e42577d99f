"""The embedded store: pyoxigraph's transactional on-disk RocksDB store.

Layout: each release is a named graph; the **default graph is the merged
knowledge graph**, the set union of all release graphs, kept up to date by the
same transaction that writes a release. Queries read the default graph, so an
entity named by 500 releases is one node with one label there, not 500 copies
(pyoxigraph's "union default graph" option does not remove duplicates, and
joins over it grow with the number of releases).

Writes go through one SPARQL UPDATE per batch, which pyoxigraph applies in a
single transaction: a build that fails, or a process that is killed, leaves
the store as it was before.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef

from ..errors import QueryError, StoreError
from .base import RELEASE_HASHES_QUERY, ClosingStore, QueryKind, QueryResult, QueryStream, StoredRelease, hashes_from_rows
from .folder import StoreFolder, damaged

__all__ = ["EmbeddedStore", "read_everything", "to_rdflib", "to_oxigraph", "update_text"]

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def to_rdflib(term) -> URIRef | Literal | BNode | None:
    """Convert a pyoxigraph term to its rdflib equivalent."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        if term.datatype.value == _XSD_STRING:
            # RDF 1.1: a simple literal *is* an xsd:string; rdflib compares them as different.
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(term.datatype.value))
    raise TypeError(f"unsupported RDF term {term!r}")


def to_oxigraph(term: URIRef | Literal | BNode) -> ox.NamedNode | ox.Literal | ox.BlankNode:
    """Convert an rdflib term to pyoxigraph's, which checks it (an IRI must be a valid IRI).

    :raises ValueError: for an invalid IRI, language tag or blank node id.
    """
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise ValueError(f"unsupported RDF term {term!r}")


class SerializedGraph:
    """One graph as N-Triples written by pyoxigraph: how a build's workers hand release graphs to the writer.

    Unpickling an rdflib graph cost the single writer process ~9 ms a release; this
    text costs almost nothing to pass between processes, the engine loads it in one
    call, and, being pyoxigraph's serialisation of checked terms, each line is safe to
    place in SPARQL UPDATE text as it is. Iterating it gives rdflib triples.

    :raises ValueError: if the graph holds a term that is not valid RDF (e.g. an IRI with a space).
    """

    __slots__ = ("identifier", "ntriples")

    def __init__(self, graph: Graph):
        self.identifier = graph.identifier
        triples = [ox.Triple(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o)) for s, p, o in graph]
        self.ntriples = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES).decode("utf-8") if triples else ""

    def __len__(self) -> int:
        return self.ntriples.count("\n")

    def __iter__(self) -> Iterator[tuple]:
        for quad in ox.parse(self.ntriples, format=ox.RdfFormat.N_TRIPLES):
            yield to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object)

    def lines(self) -> list[str]:
        """The graph's triples, one ``S P O .`` line each (with its newline).

        Split at newlines only: a literal may hold U+2028, U+0085 or a form feed, which
        ``str.splitlines`` would also cut at (N-Triples escapes only ``\\n`` and ``\\r``).
        """
        return [line + "\n" for line in self.ntriples.split("\n") if line]

    def has_blank_nodes(self) -> bool:
        return "_:" in self.ntriples  # may also be inside a literal: then only the slower path is taken


def _triple_lines(graph: Graph | SerializedGraph) -> list[str]:
    if isinstance(graph, SerializedGraph):
        return graph.lines()
    return [f"{to_oxigraph(s)} {to_oxigraph(p)} {to_oxigraph(o)} .\n" for s, p, o in graph]


def update_text(graphs: Sequence[Graph | SerializedGraph], merged_graph: str | None = None) -> str:
    """One SPARQL UPDATE that replaces each graph by its new content.

    The merged graph is the default graph, or the named graph ``merged_graph`` on a
    server whose default graph is something else (see :mod:`mobkg.stores.dialects`).
    Terms are written by pyoxigraph, not by string formatting, so a name or URL
    holding quotes, ``>`` or ``} ; DROP ALL`` stays inside its literal or IRI.

    :raises ValueError: if a graph holds a term that is not valid RDF (e.g. an IRI with a space).
    """
    into = f"GRAPH {ox.NamedNode(merged_graph)} " if merged_graph else ""
    template = f"{into}{{ ?s ?p ?o }}" if into else "?s ?p ?o"
    parts = []
    for graph in graphs:
        name = to_oxigraph(graph.identifier)
        others = f"?other != {name}" + (f" && ?other != {ox.NamedNode(merged_graph)}" if merged_graph else "")
        # The merged graph loses what only the old version of this release said.
        parts.append(
            f"DELETE {{ {template} }} WHERE {{ GRAPH {name} {{ ?s ?p ?o }} "
            f"FILTER NOT EXISTS {{ GRAPH ?other {{ ?s ?p ?o }} FILTER ({others}) }} }}"
        )
        parts.append(f"DROP SILENT GRAPH {name}")
    merged: dict[str, None] = {}
    named = []
    for graph in graphs:
        if not len(graph):
            continue
        lines = _triple_lines(graph)
        merged.update(dict.fromkeys(lines))
        named.append(f"GRAPH {to_oxigraph(graph.identifier)} {{\n{''.join(lines)}}}")
    if named:
        union = "".join(merged)
        parts.append("INSERT DATA {\n" + "\n".join(named) + "\n" + (f"{into}{{\n{union}}}\n" if into else union) + "}")
    return " ;\n".join(parts)


def _nquads(graphs: Sequence[SerializedGraph]) -> str:
    """Each graph's triples in its named graph and, once each, in the merged default graph."""
    named, merged = [], {}
    for graph in graphs:
        name = f" {ox.NamedNode(str(graph.identifier))} .\n"
        for line in graph.lines():
            named.append(line[:-3] + name)  # "S P O .\n" -> "S P O <graph> .\n"
            merged[line] = None
    return "".join(named) + "".join(merged)


class EmbeddedStore(ClosingStore):
    """An on-disk pyoxigraph store at ``path`` (created if missing)."""

    def __init__(self, path: str | Path, *, read_only: bool = False):
        """Open the store, after checking that the folder is one (see :mod:`mobkg.stores.folder`).

        :raises StoreError: if the folder is missing (read-only), not a mobkg store, in use by
            another writer, damaged, or the engine cannot open it.
        """
        self.location = str(path)
        self._folder = StoreFolder.check(path, read_only=read_only)
        self._writer = not read_only
        try:
            self._store = ox.Store.read_only(str(path)) if read_only else ox.Store(str(path))
        except OSError as exc:
            self._folder.release()
            message = str(exc)
            if "lock" in message.lower():
                raise StoreError(f"{path}: store is in use by another mobkg process; wait for it to finish") from None
            if "corruption" in message.lower():
                raise damaged(self.location, _first_line(message)) from None
            raise StoreError(f"{path}: cannot open store ({_first_line(message)})") from None
        except RuntimeError as exc:  # RocksDB reports damaged files as "Corruption: ..."
            self._folder.release()
            raise damaged(self.location, _first_line(str(exc))) from None
        except BaseException:
            self._folder.release()
            raise
        try:
            if self._folder.unrecorded_tables():
                with self._reading():
                    read_everything(self._store)
            if self._writer:
                self._folder.mark()
        except StoreError:
            self.close(record=False)
            raise

    def replace_graphs(self, graphs: Sequence[Graph | SerializedGraph]) -> None:
        """Replace each graph by its new content, all in one transaction; the merged default graph follows.

        New graphs given as :class:`SerializedGraph` (what a build writes) are loaded as one
        N-Quads text, several times faster than the SPARQL UPDATE that replaces graphs
        the store already holds.
        """
        if not graphs:
            return
        try:
            if self._all_new(graphs):
                self._store.load(_nquads(graphs), format=ox.RdfFormat.N_QUADS)  # one transaction
            else:
                self._store.update(update_text(graphs))
        except (OSError, RuntimeError) as exc:
            if _is_corruption(exc):
                raise damaged(self.location, _first_line(str(exc))) from None
            raise StoreError(f"{self.location}: write failed, nothing was changed ({_first_line(str(exc))})") from None
        except (SyntaxError, ValueError) as exc:
            raise StoreError(f"{self.location}: write failed, nothing was changed ({_first_line(str(exc))})") from None
        try:
            # Write the memtables out now: left to RocksDB they pile up in memory (about 90 MB per
            # 1,000 releases) and in write-ahead logs, so a big build's memory and folder keep growing.
            self._store.flush()
        except OSError as exc:
            raise StoreError(f"{self.location}: written, but not flushed to disk ({_first_line(str(exc))})") from None

    def _all_new(self, graphs: Sequence[Graph | SerializedGraph]) -> bool:
        names = [graph.identifier for graph in graphs]
        return (all(isinstance(graph, SerializedGraph) and not graph.has_blank_nodes() for graph in graphs)
                and len(set(names)) == len(names)
                and not any(self._store.contains_named_graph(ox.NamedNode(str(name))) for name in names))

    def release_hashes(self) -> dict[str, StoredRelease]:
        return hashes_from_rows(self.query(RELEASE_HASHES_QUERY).rows)

    def graph_names(self) -> list[str]:
        with self._reading():
            return sorted(node.value for node in self._store.named_graphs())

    def graph(self, name: str) -> Graph:
        graph = Graph(identifier=URIRef(name))
        with self._reading():
            for quad in self._store.quads_for_pattern(None, None, None, ox.NamedNode(name)):
                graph.add((to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object)))
        return graph

    def graph_ntriples(self, name: str) -> str:
        with self._reading():
            return self._store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(name)).decode("utf-8")

    def query(self, sparql: str) -> QueryResult:
        with self._reading():
            try:
                result = self._store.query(sparql)
            except SyntaxError as exc:
                raise QueryError(f"SPARQL syntax error: {_first_line(str(exc))}") from None
            except ValueError as exc:
                raise QueryError(f"query failed: {_first_line(str(exc))}") from None
            # Solutions are computed as they are read, so reading them reads the store too.
            if isinstance(result, ox.QueryBoolean):
                return QueryResult(QueryKind.ASK, boolean=bool(result))
            if isinstance(result, ox.QuerySolutions):
                variables = [v.value for v in result.variables]
                rows = [tuple(to_rdflib(solution[v]) for v in variables) for solution in result]
                return QueryResult(QueryKind.SELECT, variables=variables, rows=rows)
            graph = Graph()
            for triple in result:
                graph.add((to_rdflib(triple.subject), to_rdflib(triple.predicate), to_rdflib(triple.object)))
            return QueryResult(QueryKind.CONSTRUCT, graph=graph)

    def stream(self, sparql: str, *, timeout: float | None = None) -> QueryStream:
        """Run a query, its rows read from the store as they are iterated (see :mod:`mobkg.stores.bounded`).

        :raises QueryError: for a syntax error, or when ``timeout`` seconds have passed.
        :raises StoreError: if the store cannot be read.
        """
        from .bounded import stream_in_child, stream_in_process

        if timeout is None:
            return stream_in_process(self._store, sparql, self.location)
        return stream_in_child(self.location, sparql, timeout)

    def dump_nquads(self) -> bytes:
        """The release graphs as N-Quads (the merged default graph is derived from them, so left out).

        Sorted, so two dumps of the same content compare equal byte for byte.
        """
        with self._reading():
            quads = [f"{quad} .\n" for quad in self._store if not isinstance(quad.graph_name, ox.DefaultGraph)]
        return "".join(sorted(quads)).encode("utf-8")

    def close(self, *, record: bool = True) -> None:
        """Close the engine; a writer then records the table files in the marker and unlocks the folder."""
        store, self._store = self._store, None
        if store is None:
            return
        # The engine closes (finishing its background work) when its last reference goes; only
        # then are the table files final. If someone else still holds it, leave the old record.
        closed = sys.getrefcount(store) <= 2
        del store
        if self._writer and closed and record:
            self._folder.record_tables()
        self._folder.release()

    @contextlib.contextmanager
    def _reading(self) -> Iterator[None]:
        """Turn the engine's read errors into StoreError (a damaged block into "damaged store")."""
        try:
            yield
        except (OSError, RuntimeError) as exc:
            if not self._writer and _vanished_table(exc):
                # A writer (another build) compacted the tables this read-only view still names.
                raise StoreError(f"{self.location}: the store was rewritten while being read (a build is writing "
                                 "it); run the command again when the build has finished") from None
            if _is_corruption(exc):
                raise damaged(self.location, _first_line(str(exc))) from None
            raise StoreError(f"{self.location}: reading the store failed ({_first_line(str(exc))})") from None


def _vanished_table(exc: BaseException) -> bool:
    message = str(exc)
    return "No such file" in message and ".sst" in message


def read_everything(store: ox.Store) -> int:
    """Read every quad of ``store`` through each of its indexes and every term; return the quad count.

    RocksDB checks a block's checksum when it reads it, so a damaged block raises here, from
    a plain Python loop that stops at the first error, rather than in a query that may spin
    on it. Oxigraph picks its index from the bound positions of a pattern, so each index is
    read by one kind of pattern (by subject, predicate, object; per graph by predicate and by
    object). Costs a pass per index: about a second per 100,000 quads.

    :raises RuntimeError, OSError: from pyoxigraph, at the first damaged block.
    """
    subjects, predicates, objects, graph_predicates, graph_objects = set(), set(), set(), set(), set()
    count = 0
    for quad in store:  # the default-graph and graph-first indexes; decodes every term
        count += 1
        subjects.add(quad.subject)
        predicates.add(quad.predicate)
        objects.add(quad.object)
        if not isinstance(quad.graph_name, ox.DefaultGraph):
            graph_predicates.add((quad.predicate, quad.graph_name))
            graph_objects.add((quad.object, quad.graph_name))
    list(store.named_graphs())
    patterns = [
        *((subject, None, None, None) for subject in subjects),
        *((None, predicate, None, None) for predicate in predicates),
        *((None, None, object_, None) for object_ in objects),
        *((None, predicate, None, graph) for predicate, graph in graph_predicates),
        *((None, None, object_, graph) for object_, graph in graph_objects),
    ]
    for pattern in patterns:
        for _ in store.quads_for_pattern(*pattern):
            pass
    return count


def _is_corruption(exc: BaseException) -> bool:
    return "corruption" in str(exc).lower()


def _first_line(message: str) -> str:
    return (message.strip().splitlines() or [""])[0][:200]
