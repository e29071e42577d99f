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

Servers differ (Virtuoso has no default graph of its own, takes form posts,
refuses blank nodes in ``INSERT DATA``): :mod:`mobkg.stores.dialects` holds
every difference; the dialect is given, set by ``MOBKG_REMOTE_DIALECT``, or
found by probing the server once, before its first request.

Atomicity: one update request per batch. Oxigraph applies a request in one
transaction, so a failed batch changes nothing; the SPARQL 1.1 Update
recommendation leaves this to the server, so on a server that does not, a
failed request can leave a batch half-applied: rerun the build with ``--force``.
A failure of one batch never undoes the batches written before it (see
:mod:`mobkg.ingest`).

Confirmation: a server that says "200 OK" has not necessarily written
anything (a proxy's login page, a read-only mirror). After each batch the
store asks the server how many triples each graph just written holds and
raises :class:`StoreError` if any differs from what was sent.

Limits (see :mod:`mobkg.stores.endpoint`): each request must finish within a
deadline (30 s; ``deadline=`` or ``MOBKG_REMOTE_DEADLINE``) and its answer
stay under a size cap (1 GiB; ``max_response_bytes=`` or
``MOBKG_REMOTE_MAX_BYTES``); redirects are never followed, on reads or writes:
a ``3xx`` is an error naming where the server points, so that the endpoint can
be corrected; credentials in the URL are sent as Basic authentication and
shown as ``***``.

Errors: a malformed endpoint URL raises :class:`EndpointError` (exit 2) when
the store is opened. A server that is down, an HTTP error or redirect, a
timeout, an answer over the cap or one that is not what the protocol and the
query promise (checked by :mod:`mobkg.stores.answers`) all raise
:class:`StoreError` as one line naming the endpoint; a query the server
rejects as malformed (HTTP 400 from the query endpoint) raises
:class:`QueryError`, as the embedded store does for a syntax error.
"""

from __future__ import annotations

import contextlib
import logging
import re
from collections.abc import Iterator, Sequence

import pyoxigraph as ox
from rdflib import Graph, URIRef

from ..errors import EndpointError, QueryError, StoreError
from . import answers
from .answers import ANY, IRI, LITERAL, NODE, Expect, MalformedAnswer
from .base import RELEASE_HASHES_QUERY, QueryKind, QueryResult, QueryStream, StoredRelease, hashes_from_rows
from .dialects import Dialect, detect_dialect, dialect_from_environment
from .embedded import to_rdflib
from .endpoint import Answer, exchange, limits_from_environment, parse_endpoint, redact

__all__ = ["RemoteStore", "DEFAULT_TIMEOUT"]

DEFAULT_TIMEOUT = 30.0
"""Seconds the server may stay silent (to connect, or between two reads) before a request fails."""

_NTRIPLES = "application/n-triples"
_SPARQL_JSON = "application/sparql-results+json"
_ALL_QUADS = "SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
_GRAPH_NAMES = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
_NOT_IN_IRI = re.compile(r'[\x00-\x20<>"{}|^`\\]')

_QUADS = Expect({"s": NODE, "p": IRI, "o": ANY, "g": NODE}, frozenset("spog"))
_NAMES = Expect({"g": IRI}, frozenset("g"))
_HASHES = Expect({"g": IRI, "sha": LITERAL, "correction": LITERAL, "source": ANY}, frozenset({"g", "sha", "correction"}))
_COUNTS = Expect({"g": IRI, "n": LITERAL}, frozenset({"g", "n"}))


class RemoteStore:
    """A SPARQL 1.1 server holding one named graph per release.

    ``timeout`` bounds each silence of the server, ``deadline`` a whole request and
    ``max_response_bytes`` one answer; ``None`` takes ``MOBKG_REMOTE_DEADLINE`` /
    ``MOBKG_REMOTE_MAX_BYTES`` from the environment, else 30 s / 1 GiB.

    :raises EndpointError: if ``endpoint`` is not a well-formed http(s) URL, or a limit is not positive.
    """

    def __init__(
        self,
        endpoint: str,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        deadline: float | None = None,
        max_response_bytes: int | None = None,
        query_path: str | None = None,
        update_path: str | None = None,
        union_default_graph: bool = False,
        dialect: Dialect | None = None,
    ):
        self.dialect = dialect or dialect_from_environment()
        """The server's :class:`~mobkg.stores.dialects.Dialect`; ``None`` until the first request probes it."""
        self._given = (endpoint, query_path, update_path, union_default_graph)
        self._locate(self.dialect or Dialect.OXIGRAPH)
        self.timeout = timeout
        default_deadline, default_max_bytes = limits_from_environment()
        self.deadline = default_deadline if deadline is None else deadline
        self.max_response_bytes = default_max_bytes if max_response_bytes is None else max_response_bytes
        if not (self.timeout > 0 and self.deadline > 0 and self.max_response_bytes > 0):
            raise EndpointError(f"{self.base}: timeout, deadline and max_response_bytes must be positive")

    def _locate(self, dialect: Dialect) -> None:
        """Set the endpoint and its query / update URLs for ``dialect`` (paths given to the store win)."""
        endpoint, query_path, update_path, union_default_graph = self._given
        query_path = dialect.query_path if query_path is None else query_path
        self.endpoint = parse_endpoint(endpoint, query_path=query_path)
        self.base = self.endpoint.display
        """The endpoint as messages show it (credentials redacted)."""
        self.location = self.base
        self.query_url = self.endpoint.join(query_path)
        if union_default_graph:
            self.query_url += "?union-default-graph"
        self.update_url = self.endpoint.join(dialect.update_path if update_path is None else update_path)

    def _probe(self) -> Dialect:
        """The server's dialect, asked once (a ``GET`` of the endpoint, read for its ``Server`` header).

        A server that cannot be reached is taken, for this request only, to speak the standard
        dialect: the request reports the failure, and the next one asks again.
        """
        if self.dialect is None:
            try:
                answer = exchange(self.endpoint, "GET", self.endpoint.url, timeout=self.timeout,
                                  deadline=self.deadline, max_bytes=self.max_response_bytes)
            except StoreError:
                return Dialect.OXIGRAPH
            self.dialect = detect_dialect(answer.server)
            self._locate(self.dialect)
        return self.dialect

    def __repr__(self) -> str:
        return f"RemoteStore({self.base!r})"

    # -- HTTP -------------------------------------------------------------------------------

    def _request(self, method: str, url: str, *, body: bytes | None = None, content_type: str | None = None,
                 accept: str | None = None) -> Answer:
        """One HTTP exchange; its answer, which is always 2xx.

        :raises StoreError: for every transport failure, redirect or HTTP error (QueryError for a rejected query).
        """
        headers = {}
        if content_type:
            headers["Content-Type"] = content_type
        if accept:
            headers["Accept"] = accept
        answer = exchange(self.endpoint, method, url, body=body, headers=headers, timeout=self.timeout,
                          deadline=self.deadline, max_bytes=self.max_response_bytes)
        if 200 <= answer.status < 300:
            return answer
        path = url.removeprefix(self.endpoint.url) or "/"
        detail = _first_line(answer.body)
        if 300 <= answer.status < 400:
            where = f" to {_one_line(redact(answer.location))[:200]}" if answer.location else ""
            raise StoreError(f"{self.base}: HTTP {answer.status} redirect{where} for {method} {path}; mobkg does not "
                             "follow redirects: give the URL of the server itself as the endpoint")
        if answer.status == 400 and url == self.query_url:
            raise QueryError(f"{self.base}: query rejected: {detail}")
        raise StoreError(
            f"{self.base}: HTTP {answer.status} {_one_line(answer.reason)[:80]} for {method} {path}"
            + (f": {detail}" if detail else "")
            + ("; check the endpoint URL and paths" if answer.status in {404, 405} else "")
        )

    def _solutions(self, sparql: str, expect: Expect | None = None) -> answers.Solutions:
        """The checked answer of a SELECT or ASK query (rows of pyoxigraph terms)."""
        body, content_type = self._probe().query_request(sparql)
        answer = self._request("POST", self.query_url, body=body, content_type=content_type, accept=_SPARQL_JSON)
        try:
            return answers.read_solutions(answer.body, answer.media_type, form=answers.query_form(sparql),
                                          projected=answers.projected_variables(sparql), expect=expect)
        except MalformedAnswer as error:
            raise StoreError(f"{self.base}: malformed SPARQL JSON results ({_one_line(str(error))})") from None

    def _select(self, sparql: str, expect: Expect | None = None) -> QueryResult:
        solutions = self._solutions(sparql, expect)
        if solutions.boolean is not None:
            return QueryResult(QueryKind.ASK, boolean=solutions.boolean)
        with _quiet_rdflib():
            rows = [tuple(to_rdflib(term) for term in row) for row in solutions.rows]
        return QueryResult(QueryKind.SELECT, variables=solutions.variables, rows=rows)

    def _construct(self, sparql: str, what: str) -> list[ox.Triple]:
        """The triples a CONSTRUCT query answers, asked for as N-Triples."""
        body, content_type = self._probe().query_request(sparql)
        answer = self._request("POST", self.query_url, body=body, content_type=content_type, accept=_NTRIPLES)
        try:
            return answers.read_triples(answer.body, answer.media_type)
        except MalformedAnswer as error:
            raise StoreError(f"{self.base}: malformed N-Triples in {what} ({_one_line(str(error))})") from None

    def _graph_triples(self, name: str) -> list[ox.Triple]:
        if _NOT_IN_IRI.search(name):
            raise StoreError(f"{self.base}: {name!r} is not a graph IRI")
        return self._construct(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{name}> {{ ?s ?p ?o }} }}", f"graph <{name}>")

    # -- GraphStore -------------------------------------------------------------------------

    def replace_graphs(self, graphs: Sequence[Graph]) -> None:
        """Replace each graph (and the merged default graph) in one update request, then confirm it landed.

        :raises StoreError: if a graph holds a term that is not valid RDF (nothing is sent),
            the server cannot be reached or refuses the update, or afterwards does not hold
            the graphs as sent.
        """
        if not graphs:
            return
        try:
            body, content_type = self._probe().update_request(graphs)
        except ValueError as error:
            raise StoreError(f"{self.base}: a graph cannot be written ({_first_line(str(error).encode())}); "
                             "nothing was changed") from None
        self._request("POST", self.update_url, body=body, content_type=content_type)
        self._confirm(graphs)

    def _confirm(self, graphs: Sequence[Graph]) -> None:
        """Check that the server holds each of ``graphs`` with as many triples as were sent.

        :raises StoreError: naming the first graph that is missing or differs.
        """
        sent = {str(graph.identifier): len(graph) for graph in graphs if isinstance(graph.identifier, URIRef)}
        if not sent:
            return
        values = " ".join(str(ox.NamedNode(name)) for name in sent)
        rows = self._select(f"SELECT ?g (COUNT(*) AS ?n) WHERE {{ VALUES ?g {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} }} "
                            "GROUP BY ?g", _COUNTS).rows
        held = {}
        for name, count in rows:
            try:
                held[str(name)] = int(str(count))
            except ValueError:
                raise StoreError(f"{self.base}: malformed SPARQL JSON results (a count that is not a number)") from None
        wrong = [name for name, size in sent.items() if held.get(name, 0) != size]
        if wrong:
            name = wrong[0]
            raise StoreError(f"{self.base}: the server accepted the update but does not hold what was sent "
                             f"({len(wrong)} of {len(sent)} graphs differ, e.g. <{name}>: {held.get(name, 0)} of "
                             f"{sent[name]} triples); check that the endpoint is the store's own server, then "
                             "build again")

    def release_hashes(self) -> dict[str, StoredRelease]:
        return hashes_from_rows(self._select(RELEASE_HASHES_QUERY, _HASHES).rows)

    def graph_names(self) -> list[str]:
        return sorted(str(row[0]) for row in self._select(_GRAPH_NAMES, _NAMES).rows)

    def graph(self, name: str) -> Graph:
        return _rdflib_graph(self._graph_triples(name), Graph(identifier=URIRef(name)))

    def query(self, sparql: str) -> QueryResult:
        if answers.query_form(sparql) not in {"CONSTRUCT", "DESCRIBE"}:
            return self._select(sparql)
        return QueryResult(QueryKind.CONSTRUCT, graph=_rdflib_graph(self._construct(sparql, "the CONSTRUCT answer")))

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
        rows = self._solutions(_ALL_QUADS, _QUADS).rows
        return "".join(sorted(f"{ox.Quad(s, p, o, g)} .\n" for s, p, o, g in rows)).encode("utf-8")

    def close(self) -> None:
        """Nothing to release: every request opens and closes its own connection."""


def _rdflib_graph(triples: list[ox.Triple], graph: Graph | None = None) -> Graph:
    graph = Graph() if graph is None else graph
    with _quiet_rdflib():
        for triple in triples:
            graph.add((to_rdflib(triple.subject), to_rdflib(triple.predicate), to_rdflib(triple.object)))
    return graph


@contextlib.contextmanager
def _quiet_rdflib() -> Iterator[None]:
    """Keep rdflib from logging a traceback for each ill-typed literal (``"x"^^xsd:integer``) a server sends.

    Such a literal is valid RDF; it is kept, and whoever needs its value finds it missing.
    """
    logger = logging.getLogger("rdflib.term")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(level)


def _one_line(text: str) -> str:
    return re.sub(r"[\x00-\x1f\x7f]", " ", text).strip()


def _first_line(data: bytes) -> str:
    text = data.decode("utf-8", errors="replace").strip()
    return _one_line(text.splitlines()[0])[:200] if text else ""
