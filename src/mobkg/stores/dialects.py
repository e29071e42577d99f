"""What differs between the SPARQL servers a :class:`~mobkg.stores.remote.RemoteStore` talks to, in one place.

mobkg's layout is one named graph per release plus the merged knowledge graph as
the **default graph** (see :mod:`mobkg.stores.embedded`). Oxigraph (and any
server that keeps a default graph of its own) holds that layout as it is; the
standard dialect sends the embedded store's own SPARQL.

OpenLink Virtuoso (tested: Debian's ``virtuoso-opensource`` 7.2) differs:

* **No default graph of its own.** Its default graph is the union of every graph
  (so a triple stated by three releases comes back three times), and ``INSERT
  DATA`` without ``GRAPH`` is refused. The merged graph is therefore the named
  graph :data:`MERGED_GRAPH`; every query is sent with
  ``default-graph-uri=MERGED_GRAPH``, and each ``GRAPH ?var { … }`` pattern is
  followed by a ``FILTER`` that keeps ``?var`` off the merged graph and off
  Virtuoso's own system graphs, so ``GRAPH ?release`` still ranges over the
  release graphs only. With the default graph set, ``GRAPH <iri>`` finds nothing;
  it is sent as ``GRAPH ?mobkg_graph_N … FILTER (?mobkg_graph_N = <iri>)`` (so a
  ``SELECT *`` shows that extra variable).
* **Protocol.** A ``POST`` with an ``application/sparql-query`` body is never
  answered; queries and updates go as HTML-form posts (``query=`` / ``update=``,
  also SPARQL 1.1 Protocol), both to ``/sparql``.
* **UPDATE dialect.** ``INSERT DATA`` refuses blank nodes ("not allowed in a
  constant clause"): a graph holding one is refused before anything is sent.
  Writes name the merged graph explicitly.
* **No boolean values.** ``EXISTS`` in an expression, ``true`` and comparisons come
  back as ``xsd:integer`` 0 / 1, and a cast to ``xsd:boolean`` as the non-canonical
  ``"1"^^xsd:boolean`` (which rdflib reads as ``true``). Each ``EXISTS`` that is not
  a ``FILTER``'s whole condition is sent wrapped in ``xsd:boolean(…)``; a literal
  ``true`` or a comparison that a query projects still comes back as an integer.
* **No ``LATERAL``** (an Oxigraph extension): it is never sent to a remote store.

The dialect is chosen by ``RemoteStore(dialect=…)``, else the ``MOBKG_REMOTE_DIALECT``
environment variable (``oxigraph``, ``virtuoso`` or ``auto``), else by probing:
a ``Server: Virtuoso/…`` header on the answer to a ``GET`` of the endpoint.
"""

from __future__ import annotations

import enum
import os
import urllib.parse
from collections.abc import Mapping, Sequence

from rdflib import BNode, Graph

from ..errors import EndpointError
from ..sparql import tokens
from .embedded import update_text

__all__ = [
    "Dialect", "MERGED_GRAPH", "DIALECT_ENV", "dialect_from_environment", "detect_dialect",
    "virtuoso_query", "exclude_merged_graph", "exists_as_boolean",
]

MERGED_GRAPH = "https://w3id.org/mobkg/graph/merged"
"""Where a server without a default graph of its own (Virtuoso) holds the merged knowledge graph."""

DIALECT_ENV = "MOBKG_REMOTE_DIALECT"

_VIRTUOSO_SYSTEM_GRAPHS = (
    "http://www.openlinksw.com/schemas/virtrdf#",
    "http://www.w3.org/ns/ldp#",
    "http://localuriqaserver/sparql",
    "http://www.w3.org/2002/07/owl#",
)
_FORM = "application/x-www-form-urlencoded"
_XSD_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"


class Dialect(enum.Enum):
    """The SPARQL server family a remote store speaks to."""

    OXIGRAPH = "oxigraph"
    """Oxigraph: the embedded store's own SPARQL, to ``/query`` and ``/update``."""
    VIRTUOSO = "virtuoso"
    """OpenLink Virtuoso: the merged graph is the named graph :data:`MERGED_GRAPH`."""

    @property
    def query_path(self) -> str:
        """The query endpoint's path under the server's base URL."""
        return "sparql" if self is Dialect.VIRTUOSO else "query"

    @property
    def update_path(self) -> str:
        """The update endpoint's path under the server's base URL."""
        return "sparql" if self is Dialect.VIRTUOSO else "update"

    def query_request(self, sparql: str) -> tuple[bytes, str]:
        """The body and content type of the ``POST`` that runs ``sparql``."""
        if self is Dialect.OXIGRAPH:
            return sparql.encode("utf-8"), "application/sparql-query"
        form = [("query", virtuoso_query(sparql)), ("default-graph-uri", MERGED_GRAPH)]
        return urllib.parse.urlencode(form).encode("ascii"), _FORM

    def update_request(self, graphs: Sequence[Graph]) -> tuple[bytes, str]:
        """The body and content type of the one ``POST`` that replaces ``graphs`` and the merged graph.

        :raises ValueError: if a graph holds a term this server cannot be sent (nothing is sent).
        """
        if self is Dialect.OXIGRAPH:
            return update_text(graphs).encode("utf-8"), "application/sparql-update"
        return urllib.parse.urlencode([("update", _virtuoso_update(graphs))]).encode("ascii"), _FORM


def dialect_from_environment(environ: Mapping[str, str] = os.environ) -> Dialect | None:
    """The dialect ``MOBKG_REMOTE_DIALECT`` names; ``None`` (probe the server) if unset or ``auto``.

    :raises EndpointError: if it names no dialect.
    """
    raw = environ.get(DIALECT_ENV, "").strip().lower()
    if raw in {"", "auto"}:
        return None
    try:
        return Dialect(raw)
    except ValueError:
        names = ", ".join(d.value for d in Dialect)
        raise EndpointError(f"{DIALECT_ENV}={raw!r} is not a server dialect; use one of {names} or auto") from None


def detect_dialect(server_header: str) -> Dialect:
    """The dialect of a server whose HTTP ``Server`` header is ``server_header``."""
    return Dialect.VIRTUOSO if "virtuoso" in server_header.lower() else Dialect.OXIGRAPH


def virtuoso_query(sparql: str) -> str:
    """``sparql`` as sent to Virtuoso: :func:`exclude_merged_graph`, then :func:`exists_as_boolean`."""
    return exists_as_boolean(exclude_merged_graph(sparql))


def exists_as_boolean(sparql: str) -> str:
    """``sparql`` with each ``[NOT] EXISTS { … }`` that is not a ``FILTER``'s condition cast to ``xsd:boolean``.

    >>> exists_as_boolean("SELECT * WHERE { BIND (EXISTS { ?s ?p ?o } AS ?b) FILTER NOT EXISTS { ?s ?q ?o } }")
    'SELECT * WHERE { BIND (<http://www.w3.org/2001/XMLSchema#boolean>(EXISTS { ?s ?p ?o }) AS ?b) FILTER NOT EXISTS { ?s ?q ?o } }'
    """
    toks = list(tokens(sparql))
    inserts = []
    for i, token in enumerate(toks):
        if token.keyword != "EXISTS" or i + 1 >= len(toks) or toks[i + 1].text != "{":
            continue
        first = i - 1 if i > 0 and toks[i - 1].keyword == "NOT" else i
        if first > 0 and toks[first - 1].keyword == "FILTER":
            continue
        close = _matching(toks, i + 1)
        if close is not None:
            inserts += [(toks[first].start, f"<{_XSD_BOOLEAN}>("), (toks[close].start + 1, ")")]
    for position, text in sorted(inserts, key=lambda insert: insert[0], reverse=True):
        sparql = sparql[:position] + text + sparql[position:]
    return sparql


def exclude_merged_graph(sparql: str) -> str:
    """``sparql`` with each ``GRAPH ?v { … }`` followed by ``FILTER (?v NOT IN (<merged>, <system graphs>…))``.

    The filter joins the group holding the ``GRAPH`` pattern, where ``?v`` is bound. A
    ``GRAPH <iri> { … }`` becomes ``GRAPH ?mobkg_graph_N { … } FILTER (?mobkg_graph_N = <iri>)``:
    Virtuoso finds nothing in a graph named by a constant once the default graph is set.
    The rest of the text is kept as it is.

    >>> exclude_merged_graph("SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } }").split("FILTER")[0]
    'SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } '
    >>> exclude_merged_graph("ASK { GRAPH <urn:g> { ?s ?p ?o } }")
    'ASK { GRAPH ?mobkg_graph_1 { ?s ?p ?o } FILTER (?mobkg_graph_1 = <urn:g>) }'
    """
    toks = list(tokens(sparql))
    excluded = ", ".join(f"<{name}>" for name in (MERGED_GRAPH, *_VIRTUOSO_SYSTEM_GRAPHS))
    edits, constants = [], 0  # edits: (start, length replaced, new text)
    for i, token in enumerate(toks[:-2]):
        name = toks[i + 1]
        if token.keyword != "GRAPH" or name.kind not in {"var", "iri"} or toks[i + 2].text != "{":
            continue
        close = _matching(toks, i + 2)
        if close is None:
            continue
        if name.kind == "var":
            condition = f"{name.text} NOT IN ({excluded})"
        else:
            constants += 1
            variable = f"?mobkg_graph_{constants}"
            edits.append((name.start, len(name.text), variable))
            condition = f"{variable} = {name.text}"
        edits.append((toks[close].start + 1, 0, f" FILTER ({condition})"))
    for start, length, text in sorted(edits, key=lambda edit: edit[0], reverse=True):
        sparql = sparql[:start] + text + sparql[start + length:]
    return sparql


def _matching(toks: list, open_index: int) -> int | None:
    depth = 0
    for i in range(open_index, len(toks)):
        if toks[i].kind == "other" and toks[i].text in "{}":
            depth += 1 if toks[i].text == "{" else -1
            if depth == 0:
                return i
    return None  # unbalanced: the server reports the syntax error


def _virtuoso_update(graphs: Sequence[Graph]) -> str:
    """The embedded store's update (:func:`~mobkg.stores.embedded.update_text`) with the merged graph named.

    :raises ValueError: for a blank node (Virtuoso refuses them in ``INSERT DATA``) or an invalid term.
    """
    for graph in graphs:
        if isinstance(graph, Graph) and any(isinstance(term, BNode) for triple in graph for term in triple) \
                or getattr(graph, "has_blank_nodes", lambda: False)():
            raise ValueError(f"<{graph.identifier}> holds a blank node, which Virtuoso refuses in INSERT DATA")
    return update_text(graphs, MERGED_GRAPH)
