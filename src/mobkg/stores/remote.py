"""The remote store: any SPARQL 1.1 server, over HTTP, holding the embedded store's layout.

Layout: the same as :mod:`mobkg.stores.embedded` -- one named graph per
release, and the default graph holding the merged knowledge graph (the set
union of the release graphs), which is what queries read. ``mobkg serve``
publishes an embedded store as it is; ``mobkg build --endpoint URL`` keeps it
that way because writes send the very SPARQL UPDATE the embedded store runs
(:func:`~mobkg.stores.embedded.update_text`).

Protocol: reads use the SPARQL 1.1 Protocol (``POST`` of an
``application/sparql-query`` body to the query endpoint; SELECT/ASK answers as
SPARQL JSON results, CONSTRUCT answers as N-Triples; one graph is a CONSTRUCT
over ``GRAPH <IRI>``). Writes ``POST`` one ``application/sparql-update`` per
batch to the update endpoint: per graph ``DROP`` then ``INSERT DATA``, so
rebuilding or correcting a release replaces its graph and is idempotent.

Endpoint URLs: ``RemoteStore`` accepts the server's base URL
(``http://127.0.0.1:7878``) or its query URL (``http://127.0.0.1:7878/query``).
Paths default to Oxigraph's layout (``/query``, ``/update``); pass
``query_path`` / ``update_path`` for other servers, e.g. for a Fuseki dataset
``http://host:3030/ds`` the defaults already fit (``/ds/query``, ``/ds/update``).
``union_default_graph=True`` asks Oxigraph for the union of all graphs instead
(only for data not written by mobkg: that union repeats a triple once per
release that states it, and joins over it grow with the number of releases).

Atomicity: one update request per batch. Oxigraph applies a request in one
transaction, so a failed batch changes nothing; the SPARQL 1.1 Update
recommendation leaves this to the server, so on a server that does not, a
failed request can leave a batch half-applied: rerun the build with ``--force``.
A failure of one batch never undoes the batches written before it (see
:mod:`mobkg.ingest`).

Errors: a server that is down, a wrong URL, an HTTP error, a timeout or a
response that is not what the protocol promises all raise :class:`StoreError`
as one line naming the endpoint; a query the server rejects as malformed
(HTTP 400 from the query endpoint) raises :class:`QueryError`, as the embedded
store does for a syntax error.
"""

from __future__ import annotations

import json
import re
import socket
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Sequence

import pyoxigraph as ox
from rdflib import Graph, URIRef

from ..errors import QueryError, StoreError
from .base import RELEASE_HASHES_QUERY, QueryKind, QueryResult, QueryStream, StoredRelease, hashes_from_rows
from .embedded import to_rdflib, update_text

__all__ = ["RemoteStore", "DEFAULT_TIMEOUT"]

DEFAULT_TIMEOUT = 30.0
"""Seconds to wait for the server to answer one request."""

_NTRIPLES = "application/n-triples"
_SPARQL_JSON = "application/sparql-results+json"
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_ALL_QUADS = "SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
_GRAPH_NAMES = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
_PROLOGUE = re.compile(r"^(?:\s+|#[^\n]*\n|PREFIX\s+[\w-]*:\s*<[^>]*>|BASE\s*<[^>]*>)*", re.IGNORECASE)
_CONSTRUCT = re.compile(r"(?:CONSTRUCT|DESCRIBE)\b", re.IGNORECASE)
_NOT_IN_IRI = re.compile(r'[\x00-\x20<>"{}|^`\\]')


class RemoteStore:
    """A SPARQL 1.1 server holding one named graph per release.

    :raises StoreError: if ``endpoint`` is not an http(s) URL.
    """

    def __init__(
        self,
        endpoint: str,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        query_path: str = "query",
        update_path: str = "update",
        union_default_graph: bool = False,
    ):
        parts = urllib.parse.urlsplit(endpoint.strip())
        if parts.scheme not in {"http", "https"} or not parts.netloc:
            raise StoreError(f"{endpoint}: not an http(s) URL; give the server's URL, e.g. http://127.0.0.1:7878")
        path = parts.path.rstrip("/")
        if path.endswith("/" + query_path.strip("/")):
            path = path[: -len(query_path.strip("/")) - 1]
        self.base = urllib.parse.urlunsplit((parts.scheme, parts.netloc, path, "", ""))
        self.location = self.base
        self.timeout = timeout
        self.query_url = f"{self.base}/{query_path.strip('/')}"
        if union_default_graph:
            self.query_url += "?union-default-graph"
        self.update_url = f"{self.base}/{update_path.strip('/')}"

    # -- HTTP -------------------------------------------------------------------------------

    def _request(self, method: str, url: str, *, body: bytes | None = None, content_type: str | None = None,
                 accept: str | None = None) -> bytes:
        """One HTTP exchange; its response body.

        :raises StoreError: for every transport or HTTP failure (QueryError for a rejected query).
        """
        headers = {}
        if content_type:
            headers["Content-Type"] = content_type
        if accept:
            headers["Accept"] = accept
        request = urllib.request.Request(url, data=body, headers=headers, method=method)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return response.read()
        except urllib.error.HTTPError as error:
            detail = _first_line(error.read())
            if error.code == 400 and url == self.query_url:
                raise QueryError(f"{self.base}: query rejected: {detail}") from None
            path = urllib.parse.urlsplit(url).path or "/"
            raise StoreError(
                f"{self.base}: HTTP {error.code} {error.reason} for {method} {path}"
                + (f": {detail}" if detail else "")
                + ("; check the endpoint URL and paths" if error.code in {404, 405} else "")
            ) from None
        except urllib.error.URLError as error:
            raise StoreError(f"{self.base}: {_describe(error.reason, self.timeout)}") from None
        except TimeoutError:
            raise StoreError(f"{self.base}: no answer within {self.timeout:g} s; is the server overloaded?") from None
        except (ConnectionError, OSError) as error:
            raise StoreError(f"{self.base}: {_describe(error, self.timeout)}") from None

    def _solutions(self, sparql: str) -> tuple[list[str], list[tuple], bool | None]:
        """Variables and rows (pyoxigraph terms) of a SELECT, or the answer of an ASK."""
        data = self._request("POST", self.query_url, body=sparql.encode("utf-8"),
                             content_type="application/sparql-query", accept=_SPARQL_JSON)
        try:
            answer = json.loads(data)
            if "boolean" in answer:
                return [], [], bool(answer["boolean"])
            variables = list(answer["head"]["vars"])
            rows = [
                tuple(_json_term(binding[v]) if v in binding else None for v in variables)
                for binding in answer["results"]["bindings"]
            ]
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            raise StoreError(f"{self.base}: malformed SPARQL JSON results ({error})") from None
        return variables, rows, None

    def _select(self, sparql: str) -> QueryResult:
        variables, rows, boolean = self._solutions(sparql)
        if boolean is not None:
            return QueryResult(QueryKind.ASK, boolean=boolean)
        return QueryResult(QueryKind.SELECT, variables=variables,
                           rows=[tuple(to_rdflib(term) for term in row) for row in rows])

    def _construct(self, sparql: str, what: str) -> list[ox.Triple]:
        """The triples a CONSTRUCT query answers, asked for as N-Triples."""
        data = self._request("POST", self.query_url, body=sparql.encode("utf-8"),
                             content_type="application/sparql-query", accept=_NTRIPLES)
        try:
            return list(ox.parse(data, ox.RdfFormat.N_TRIPLES))
        except (SyntaxError, ValueError) as error:
            raise StoreError(f"{self.base}: malformed N-Triples in {what} ({_first_line(str(error).encode())})") from None

    def _graph_triples(self, name: str) -> list[ox.Triple]:
        if _NOT_IN_IRI.search(name):
            raise StoreError(f"{self.base}: {name!r} is not a graph IRI")
        return self._construct(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{name}> {{ ?s ?p ?o }} }}", f"graph <{name}>")

    # -- GraphStore -------------------------------------------------------------------------

    def replace_graphs(self, graphs: Sequence[Graph]) -> None:
        """Replace each graph (and the merged default graph) in one update request.

        :raises StoreError: if a graph holds a term that is not valid RDF (nothing is sent),
            or the server cannot be reached or refuses the update.
        """
        if not graphs:
            return
        try:
            update = update_text(graphs)
        except ValueError as error:
            raise StoreError(f"{self.base}: a graph cannot be written ({_first_line(str(error).encode())}); "
                             "nothing was changed") from None
        self._request("POST", self.update_url, body=update.encode("utf-8"), content_type="application/sparql-update")

    def release_hashes(self) -> dict[str, StoredRelease]:
        return hashes_from_rows(self._select(RELEASE_HASHES_QUERY).rows)

    def graph_names(self) -> list[str]:
        return sorted(str(row[0]) for row in self._select(_GRAPH_NAMES).rows)

    def graph(self, name: str) -> Graph:
        graph = Graph(identifier=URIRef(name))
        for triple in self._graph_triples(name):
            graph.add((to_rdflib(triple.subject), to_rdflib(triple.predicate), to_rdflib(triple.object)))
        return graph

    def query(self, sparql: str) -> QueryResult:
        if not _CONSTRUCT.match(_PROLOGUE.sub("", sparql, count=1)):
            return self._select(sparql)
        graph = Graph()
        for triple in self._construct(sparql, "the CONSTRUCT answer"):
            graph.add((to_rdflib(triple.subject), to_rdflib(triple.predicate), to_rdflib(triple.object)))
        return QueryResult(QueryKind.CONSTRUCT, graph=graph)

    def stream(self, sparql: str, *, timeout: float | None = None) -> QueryStream:
        """Run a query with a deadline of ``timeout`` seconds for the whole exchange; the answer arrives whole.

        :raises QueryError: if the server rejects the query, or when the time is up.
        :raises StoreError: for every transport or HTTP failure.
        """
        from .bounded import within

        result = self.query(sparql) if timeout is None else within(timeout, lambda: self.query(sparql))
        return QueryStream(result.kind, result.variables, iter(result.rows), result.boolean, result.graph)

    def dump_nquads(self) -> bytes:
        # The same text as EmbeddedStore.dump_nquads (pyoxigraph's quad syntax, sorted lines),
        # so dumps of the two stores compare byte for byte.
        _, rows, _ = self._solutions(_ALL_QUADS)
        return "".join(sorted(f"{ox.Quad(s, p, o, g)} .\n" for s, p, o, g in rows)).encode("utf-8")

    def close(self) -> None:
        """Nothing to release: every request opens and closes its own connection."""


def _json_term(value: dict) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """A term of SPARQL 1.1 Query Results JSON as a pyoxigraph term."""
    kind = value["type"]
    if kind == "uri":
        return ox.NamedNode(value["value"])
    if kind == "bnode":
        return ox.BlankNode(value["value"])
    if kind in {"literal", "typed-literal"}:
        if "xml:lang" in value:
            return ox.Literal(value["value"], language=value["xml:lang"])
        datatype = value.get("datatype", _XSD_STRING)
        return ox.Literal(value["value"], datatype=ox.NamedNode(datatype))
    raise ValueError(f"unsupported term type {kind!r}")


def _describe(reason, timeout: float) -> str:
    if isinstance(reason, ConnectionRefusedError):
        return "connection refused; is the server running?"
    if isinstance(reason, TimeoutError):
        return f"no answer within {timeout:g} s; is the server overloaded?"
    if isinstance(reason, socket.gaierror):
        return "unknown host; check the endpoint URL"
    if isinstance(reason, ConnectionResetError):
        return "connection reset by the server"
    text = getattr(reason, "strerror", None) or str(reason)
    return f"cannot reach the server ({text})"


def _first_line(data: bytes) -> str:
    text = data.decode("utf-8", errors="replace").strip()
    return text.splitlines()[0][:200] if text else ""
