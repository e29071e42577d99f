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
A server that splits them over hosts or prefixes takes whole URLs instead
(``query_url`` / ``update_url`` / ``graph_store_url`` settings); a graph-store
URL is only read from (one release graph, ``GET ?graph=``): every write goes
through the update URL, one request per batch.

Access (see :mod:`mobkg.stores.settings`): a bearer token or basic credentials,
a CA file and the split URLs come from the environment or the config file,
never the command line; ``https`` is verified unless ``verify_tls`` is off,
which, like credentials sent over plain ``http`` beyond loopback, is warned
about (:class:`~mobkg.stores.settings.InsecureEndpointWarning`). A secret never
appears in a message, even one that repeats what the server answered.
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
:mod:`mobkg.ingestion`).

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
import urllib.parse
import warnings
from collections.abc import Iterator, Sequence

import pyoxigraph as ox
from rdflib import Graph, URIRef

from ..errors import EndpointError, QueryError, StoreError
from . import answers
from .answers import ANY, IRI, LITERAL, NODE, Expect, MalformedAnswer
from .base import RELEASE_HASHES_QUERY, ClosingStore, QueryKind, QueryResult, QueryStream, StoredRelease, hashes_from_rows
from .dialects import Dialect, detect_dialect, dialect_from_environment
from .embedded import to_rdflib
from .endpoint import Answer, exchange, limits_from_environment, parse_endpoint, redact
from .settings import (
    ENV_PREFIX, InsecureEndpointWarning, RemoteSettings, config_path, header_secrets, remote_settings, scrub,
)

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


class RemoteStore(ClosingStore):
    """A SPARQL 1.1 server holding one named graph per release.

    ``timeout`` bounds each silence of the server, ``deadline`` a whole request and
    ``max_response_bytes`` one answer; ``None`` takes ``MOBKG_REMOTE_DEADLINE`` /
    ``MOBKG_REMOTE_MAX_BYTES`` from the environment, else 30 s / 1 GiB. ``settings`` (credentials,
    TLS, split URLs) default to :func:`~mobkg.stores.settings.remote_settings`: the environment
    and the config file.

    :raises EndpointError: if ``endpoint`` or a split URL is not a well-formed http(s) URL, a
        limit is not positive, the settings are malformed, or credentials are given twice.
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
        settings: RemoteSettings | None = None,
        dialect: Dialect | None = None,
    ):
        self._settings = remote_settings() if settings is None else settings
        self.dialect = dialect or dialect_from_environment()
        """The server's :class:`~mobkg.stores.dialects.Dialect`; ``None`` until the first request probes it."""
        self._given = (endpoint, query_path, update_path, union_default_graph)
        self._locate(self.dialect or Dialect.OXIGRAPH)
        if self.endpoint.authorization and self._settings.authorization:
            raise EndpointError(f"{self.endpoint.display}: credentials in the URL and in {self._settings.source}; "
                                "keep one")
        self.timeout = timeout
        default_deadline, default_max_bytes = limits_from_environment()
        self.deadline = default_deadline if deadline is None else deadline
        self.max_response_bytes = default_max_bytes if max_response_bytes is None else max_response_bytes
        if not (self.timeout > 0 and self.deadline > 0 and self.max_response_bytes > 0):
            raise EndpointError(f"{self.base}: timeout, deadline and max_response_bytes must be positive")
        self.graph_store_url = self._settings.split_url("graph_store_url")
        self._tls = self._settings.tls_context()
        self._headers = {"Authorization": auth} if (auth := self._settings.authorization) else {}
        self._secrets = self._settings.secrets + header_secrets(self.endpoint.authorization)
        urls = [self.query_url, self.update_url, *([self.graph_store_url] if self.graph_store_url else [])]
        for warning in self._settings.insecurities(urls, credentials=bool(auth or self.endpoint.authorization)):
            warnings.warn(f"{self.base}: {warning}", InsecureEndpointWarning, stacklevel=3)

    def _locate(self, dialect: Dialect) -> None:
        """Set the endpoint and its query / update URLs for ``dialect`` (split URLs, then paths given, win)."""
        endpoint, query_path, update_path, union_default_graph = self._given
        query_path = dialect.query_path if query_path is None else query_path
        self.endpoint = parse_endpoint(endpoint, query_path=query_path)
        self.base = self.endpoint.display
        """The endpoint as messages show it (credentials redacted)."""
        self.location = self.base
        self.query_url = self._settings.split_url("query_url") or self.endpoint.join(query_path)
        if union_default_graph:
            self.query_url += "?union-default-graph"
        self.update_url = (self._settings.split_url("update_url")
                           or self.endpoint.join(dialect.update_path if update_path is None else update_path))

    def _probe(self) -> Dialect:
        """The server's dialect, asked once (a ``GET`` of the endpoint, read for its ``Server`` header).

        A server that cannot be reached is taken, for this request only, to speak the standard
        dialect: the request reports the failure, and the next one asks again.
        """
        if self.dialect is None:
            try:
                # A server with split URLs is asked at its query URL: the base URL may be no service at all.
                url = self.query_url if self._settings.split_url("query_url") else self.endpoint.url
                answer = exchange(self.endpoint, "GET", url, headers=dict(self._headers),
                                  timeout=self.timeout, deadline=self.deadline, max_bytes=self.max_response_bytes,
                                  tls=self._tls)
            except StoreError:
                return Dialect.OXIGRAPH
            self.dialect = detect_dialect(answer.server)
            self._locate(self.dialect)
        return self.dialect

    def __repr__(self) -> str:
        return f"RemoteStore({self.base!r})"

    # -- HTTP -------------------------------------------------------------------------------

    def _request(self, method: str, url: str, *, body: bytes | None = None, content_type: str | None = None,
                 accept: str | None = None, allow: frozenset[int] = frozenset()) -> Answer:
        """One HTTP exchange; its answer, which is always 2xx (or a status in ``allow``).

        :raises StoreError: for every transport failure, redirect or HTTP error (QueryError for a rejected query).
        """
        with self._scrubbed():
            return self._exchange(method, url, body=body, content_type=content_type, accept=accept, allow=allow)

    @contextlib.contextmanager
    def _scrubbed(self) -> Iterator[None]:
        """Take every secret out of the message of an error raised inside (it may quote the server)."""
        try:
            yield
        except (StoreError, QueryError) as error:
            scrubbed = scrub(str(error), self._secrets)
            if scrubbed == str(error):
                raise
            raise type(error)(scrubbed) from None

    def _exchange(self, method: str, url: str, *, body: bytes | None, content_type: str | None,
                  accept: str | None, allow: frozenset[int]) -> Answer:
        headers = dict(self._headers)
        if content_type:
            headers["Content-Type"] = content_type
        if accept:
            headers["Accept"] = accept
        answer = exchange(self.endpoint, method, url, body=body, headers=headers, timeout=self.timeout,
                          deadline=self.deadline, max_bytes=self.max_response_bytes, tls=self._tls)
        if 200 <= answer.status < 300 or answer.status in allow:
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
            + (self._access_hint(answer.status, url) if answer.status in {401, 403} else "")
        )

    def _access_hint(self, status: int, url: str) -> str:
        """What to do about a 401 or 403: which credentials were refused, or how to send some."""
        if self._headers or self.endpoint.authorization:
            source = "the URL" if self.endpoint.authorization else self._settings.source
            return f"; the server refused the credentials from {source}"
        if status == 403 and url == self.update_url:
            return "; the server refuses writes (a read-only server? `mobkg serve --writable` accepts them)"
        return (f"; no credentials were sent: set {ENV_PREFIX}TOKEN, or {ENV_PREFIX}USER and {ENV_PREFIX}PASSWORD, "
                f"or put them in [remote] of {config_path()[0]}")

    def _solutions(self, sparql: str, expect: Expect | None = None) -> answers.Solutions:
        """The checked answer of a SELECT or ASK query (rows of pyoxigraph terms)."""
        body, content_type = self._probe().query_request(sparql)
        answer = self._request("POST", self.query_url, body=body, content_type=content_type, accept=_SPARQL_JSON)
        try:
            return answers.read_solutions(answer.body, answer.media_type, form=answers.query_form(sparql),
                                          projected=answers.projected_variables(sparql), expect=expect)
        except MalformedAnswer as error:
            raise StoreError(f"{self.base}: malformed SPARQL JSON results "
                             f"({scrub(_one_line(str(error)), self._secrets)})") from None

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
            raise StoreError(f"{self.base}: malformed N-Triples in {what} "
                             f"({scrub(_one_line(str(error)), self._secrets)})") from None

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
        if self.graph_store_url is None:
            return _rdflib_graph(self._graph_triples(name), Graph(identifier=URIRef(name)))
        if _NOT_IN_IRI.search(name):
            raise StoreError(f"{self.base}: {name!r} is not a graph IRI")
        url = f"{self.graph_store_url}?{urllib.parse.urlencode({'graph': name})}"
        answer = self._request("GET", url, accept=_NTRIPLES, allow=frozenset({404}))
        if answer.status == 404:
            return Graph(identifier=URIRef(name))  # the Graph Store Protocol's answer for a graph with no triples
        try:
            triples = answers.read_triples(answer.body, answer.media_type)
        except MalformedAnswer as error:
            raise StoreError(f"{self.base}: malformed N-Triples in graph <{name}> "
                             f"({scrub(_one_line(str(error)), self._secrets)})") from None
        return _rdflib_graph(triples, Graph(identifier=URIRef(name)))

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
