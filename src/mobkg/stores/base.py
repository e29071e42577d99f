"""The store interface shared by the embedded and the remote implementation."""

from __future__ import annotations

import enum
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple, Protocol

from rdflib import Graph
from rdflib.term import Node

__all__ = ["ClosingStore", "GraphStore", "QueryKind", "QueryResult", "QueryStream", "RELEASE_HASHES_QUERY", "StoredRelease", "hashes_from_rows"]


class QueryKind(enum.Enum):
    SELECT = "select"
    ASK = "ask"
    CONSTRUCT = "construct"


@dataclass
class QueryResult:
    """Result of a SPARQL query; which fields are set depends on ``kind``."""

    kind: QueryKind
    variables: list[str] = field(default_factory=list)
    rows: list[tuple[Node | None, ...]] = field(default_factory=list)
    boolean: bool | None = None
    graph: Graph | None = None

    def to_dataframe(self):
        """The rows as a ``pandas.DataFrame``, one column per variable (needs ``mobkg[pandas]``).

        Cells keep the values the rows hold (from :func:`mobkg.run_query`: ``int``, ``float``,
        ``bool``, ``datetime.date``, ``str``, IRIs as ``URIRef``); an unbound cell is ``None``.

        :raises MobkgError: if pandas is not installed, or the result is not a SELECT's.
        """
        from ..errors import MobkgError

        if self.kind is not QueryKind.SELECT:
            raise MobkgError(f"to_dataframe needs a SELECT query's rows; this is a {self.kind.value.upper()} answer")
        try:
            import pandas
        except ImportError:
            raise MobkgError("to_dataframe needs pandas: pip install 'mobkg[pandas]'") from None
        return pandas.DataFrame.from_records(self.rows, columns=list(self.variables))


@dataclass
class QueryStream:
    """Result of a SPARQL query as it arrives: a SELECT's ``rows`` are read from the store while iterated.

    Iterate ``rows`` once, to the end or until :meth:`close`; a failure part-way raises the
    store's error from the iteration. ASK and CONSTRUCT answers arrive whole.
    """

    kind: QueryKind
    variables: list[str] = field(default_factory=list)
    rows: Iterator[tuple[Node | None, ...]] = field(default_factory=lambda: iter(()))
    boolean: bool | None = None
    graph: Graph | None = None

    def collect(self) -> QueryResult:
        """Read every row into a :class:`QueryResult`."""
        try:
            return QueryResult(self.kind, list(self.variables), list(self.rows), self.boolean, self.graph)
        finally:
            self.close()

    def close(self) -> None:
        """Stop reading (and stop the query, if it still runs)."""
        close = getattr(self.rows, "close", None)
        if close is not None:
            close()


RELEASE_HASHES_QUERY = """
PREFIX mob: <https://w3id.org/mobkg/ontology#>
PREFIX prov: <http://www.w3.org/ns/prov#>
SELECT ?g ?sha ?correction ?source WHERE {
  GRAPH ?g {
    ?g a mob:Release ; mob:sha256 ?sha . BIND(EXISTS { ?g a mob:Correction } AS ?correction)
    OPTIONAL { ?g prov:hadPrimarySource ?source }
  }
}
"""


class StoredRelease(NamedTuple):
    """What a build needs to know of a release graph already in the store."""

    sha256: str
    correction: bool
    source: str = ""
    """Where the release was read from (``prov:hadPrimarySource``)."""


def hashes_from_rows(rows) -> dict[str, StoredRelease]:
    """Read the rows of :data:`RELEASE_HASHES_QUERY` into ``{graph: StoredRelease}``."""
    return {str(g): StoredRelease(str(sha), str(correction).lower() in {"true", "1"}, str(source or ""))
            for g, sha, correction, source in rows}


class ClosingStore:
    """A store is a context manager: ``with open_store(path) as store:`` closes it at the end of the block."""

    def graph_ntriples(self, name: str) -> str:
        """One named graph as N-Triples text; a store that can dump it directly does so."""
        return self.graph(name).serialize(format="nt")

    def __enter__(self):
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def close(self) -> None:  # pragma: no cover - each store defines its own
        raise NotImplementedError


class GraphStore(Protocol):
    """A quad store holding one named graph per release."""

    location: str

    def replace_graphs(self, graphs: Sequence[Graph]) -> None:
        """Replace each graph (by identifier) with the given content, all or nothing."""

    def release_hashes(self) -> dict[str, StoredRelease]:
        """Map each release graph IRI to (sha256 of its source, whether it is a correction, its source)."""

    def graph_names(self) -> list[str]:
        """IRIs of the named graphs in the store."""

    def graph(self, name: str) -> Graph:
        """A copy of one named graph."""

    def graph_ntriples(self, name: str) -> str:
        """One named graph as N-Triples text (what validation hands the SHACL engine)."""

    def query(self, sparql: str) -> QueryResult:
        """Run a SPARQL query over the union of all graphs."""

    def stream(self, sparql: str, *, timeout: float | None = None) -> QueryStream:
        """Run a SPARQL query, rows streamed; stopped with a QueryError after ``timeout`` seconds."""

    def dump_nquads(self) -> bytes:
        """Every quad of the store as N-Quads."""

    def close(self) -> None:
        """Release the store (locks, connections)."""

    def __enter__(self) -> GraphStore:
        """Return the store itself; leaving the ``with`` block closes it."""

    def __exit__(self, *exc_info) -> None:
        """Close the store."""
