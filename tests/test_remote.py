"""RemoteStore against a real Oxigraph server (started by mobkg.server), checked against the embedded store.

Tests marked ``server`` start ``oxigraph serve`` on 127.0.0.1 with a free port and a
temporary store folder. The others talk to tiny in-process HTTP servers that misbehave
on purpose (errors, junk, silence).
"""

from __future__ import annotations

import contextlib
import http.server
import socket
import threading
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner
from rdflib import RDF, Graph, Literal, URIRef

from mobkg import (
    ExportFormat,
    QueryError,
    StoreError,
    UnknownEntity,
    export_store,
    ingest,
    open_store,
    run_query,
    saved_queries,
)
from mobkg.cli import cli
from mobkg.server import OxigraphServer
from mobkg.stores.remote import RemoteStore
from mobkg.vocab import MOB

DATA = Path(__file__).parent / "data" / "remote"
RELEASES = DATA / "releases"
CORRECTIONS = DATA / "corrections"
PARAMS = {"company": "Voltmark", "member": "Voltmark", "entity": "Voltmark", "technology": "PulseLink charging standard",
          "sector": "charging", "text": "volt"}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    with OxigraphServer(tmp_path_factory.mktemp("oxigraph") / "store", port=free_port()) as running:
        yield running


@pytest.fixture
def endpoint(server) -> str:
    """The server's URL, with every graph deleted first (through the library)."""
    store = RemoteStore(server.url)
    store.replace_graphs([Graph(identifier=URIRef(name)) for name in store.graph_names()])
    assert store.graph_names() == []
    return server.url


@pytest.fixture
def mobkg():
    runner = CliRunner()
    return lambda *args: runner.invoke(cli, [str(a) for a in args], catch_exceptions=False)


def embedded_build(tmp_path: Path, *batches) -> bytes:
    """The N-Quads dump of an embedded store built from each batch of paths in turn."""
    store = open_store(str(tmp_path / "embedded"))
    for paths in batches:
        ingest(paths, store)
    dump = store.dump_nquads()
    store.close()
    return dump


def edges(graph) -> list[tuple]:
    return sorted((u, v, tuple(sorted(data.items()))) for u, v, data in graph.edges(data=True))


def test_endpoint_forms_name_the_same_server():
    for url in ("http://127.0.0.1:7878", "http://127.0.0.1:7878/", "http://127.0.0.1:7878/query"):
        store = RemoteStore(url)
        assert (store.base, store.query_url, store.update_url) == (
            "http://127.0.0.1:7878", "http://127.0.0.1:7878/query", "http://127.0.0.1:7878/update")
    fuseki = RemoteStore("http://h:3030/ds/sparql", query_path="sparql", union_default_graph=True)
    assert (fuseki.query_url, fuseki.update_url) == ("http://h:3030/ds/sparql?union-default-graph", "http://h:3030/ds/update")
    with pytest.raises(StoreError, match="not an http"):
        RemoteStore("127.0.0.1:7878")


@pytest.mark.server
def test_build_query_export_validate_round_trip(endpoint, mobkg, tmp_path):
    built = mobkg("build", RELEASES, "--endpoint", endpoint)
    remote = RemoteStore(endpoint)
    assert built.exit_code == 0, built.output
    assert remote.dump_nquads() == embedded_build(tmp_path, [RELEASES])
    assert len(remote.graph_names()) == 2

    embedded = open_store(str(tmp_path / "embedded"), read_only=True)
    answered = 0
    for name in saved_queries():
        params = {p: PARAMS[p] for p in saved_queries()[name].params}
        result = mobkg("query", name, "--endpoint", endpoint, *[f"-p{k}={v}" for k, v in params.items()])
        try:
            rows = run_query(remote, name, params).rows
        except UnknownEntity:  # a name these releases do not hold: the same answer from both stores
            assert result.exit_code == 2
            with pytest.raises(UnknownEntity):
                run_query(embedded, name, params)
            continue
        assert result.exit_code == 0, result.output
        assert rows == run_query(embedded, name, params).rows, name
        answered += bool(rows)
    assert answered >= len(saved_queries()) // 3  # the fixtures give most queries something to find
    construct = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
    assert run_query(remote, construct).graph.isomorphic(run_query(embedded, construct).graph)
    assert run_query(remote, "ASK { ?s a <https://w3id.org/mobkg/ontology#Release> }").boolean is True

    exported = mobkg("export", "--endpoint", endpoint, "--format", "graphml", "-o", tmp_path / "kg.graphml")
    assert exported.exit_code == 0
    (tmp_path / "embedded.graphml").write_bytes(export_store(embedded, ExportFormat.GRAPHML))
    ours, theirs = nx.read_graphml(tmp_path / "kg.graphml"), nx.read_graphml(tmp_path / "embedded.graphml")
    assert dict(ours.nodes(data=True)) == dict(theirs.nodes(data=True)) and len(ours.nodes) > 0
    assert edges(ours) == edges(theirs)
    embedded.close()

    assert mobkg("validate", "--endpoint", endpoint).exit_code == 0


@pytest.mark.server
def test_environment_variable_selects_the_endpoint(endpoint, tmp_path, monkeypatch):
    monkeypatch.setenv("MOBKG_ENDPOINT", endpoint + "/query")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["build", str(RELEASES)])
    assert result.exit_code == 0 and len(RemoteStore(endpoint).graph_names()) == 2
    assert not (tmp_path / "mobkg-store").exists()  # an explicit --store would win: test_adversarial_remote


@pytest.mark.server
def test_rebuilding_is_idempotent(endpoint, mobkg):
    mobkg("build", RELEASES, "--endpoint", endpoint)
    first = RemoteStore(endpoint).dump_nquads()
    assert mobkg("build", RELEASES, "--endpoint", endpoint).exit_code == 0
    assert RemoteStore(endpoint).dump_nquads() == first
    assert mobkg("build", RELEASES, "--endpoint", endpoint, "--force").exit_code == 0
    assert RemoteStore(endpoint).dump_nquads() == first


@pytest.mark.server
def test_correction_replaces_its_graph(endpoint, mobkg, tmp_path):
    mobkg("build", RELEASES, "--endpoint", endpoint)
    remote = RemoteStore(endpoint)
    names = remote.graph_names()
    assert mobkg("build", CORRECTIONS, "--endpoint", endpoint).exit_code == 0
    assert remote.graph_names() == names
    corrected = [name for name in names if (URIRef(name), RDF.type, MOB.Correction) in remote.graph(name)]
    assert len(corrected) == 1
    assert remote.dump_nquads() == embedded_build(tmp_path, [RELEASES], [CORRECTIONS])
    # The merged default graph that queries read lost what only the original said, on both stores.
    embedded = open_store(str(tmp_path / "embedded"), read_only=True)
    merged = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
    assert run_query(remote, merged).graph.isomorphic(run_query(embedded, merged).graph)
    embedded.close()


@pytest.mark.server
def test_server_down_fails_in_one_line_and_leaves_the_local_store_alone(mobkg, tmp_path, monkeypatch):
    local = tmp_path / "mobkg-store"
    before = embedded_build(tmp_path, [RELEASES])
    (tmp_path / "embedded").rename(local)
    monkeypatch.chdir(tmp_path)  # the local store is the default one
    dead = f"http://127.0.0.1:{free_port()}"
    result = mobkg("build", CORRECTIONS, "--endpoint", dead)
    assert result.exit_code == 1
    assert result.output.strip() == f"Error: {dead}: connection refused; is the server running?"
    store = open_store(str(local), read_only=True)
    assert store.dump_nquads() == before
    store.close()


@pytest.mark.server
def test_a_batch_is_one_update_request(endpoint, monkeypatch):
    remote = RemoteStore(endpoint)
    sent = []
    real = remote._request
    monkeypatch.setattr(remote, "_request", lambda method, url, **kw: sent.append((method, url)) or real(method, url, **kw))
    old = Graph(identifier=URIRef("https://w3id.org/mobkg/release/a"))
    old.add((URIRef("urn:x:a"), URIRef("urn:x:says"), Literal("old")))
    fresh = Graph(identifier=URIRef("https://w3id.org/mobkg/release/b"))
    fresh.add((URIRef("urn:x:b"), URIRef("urn:x:says"), Literal("fresh")))
    remote.replace_graphs([old, fresh])
    assert sent == [("POST", remote.update_url), ("POST", remote.query_url)]  # one write, then one read confirms it
    new = Graph(identifier=old.identifier)
    new.add((URIRef("urn:x:a"), URIRef("urn:x:says"), Literal("new")))
    remote.replace_graphs([new])
    assert set(remote.graph(str(old.identifier))) == set(new)
    # The merged default graph follows: the old statement is gone, the others are there once.
    says = "SELECT ?o WHERE { ?s <urn:x:says> ?o } ORDER BY ?o"
    assert [str(row[0]) for row in remote.query(says).rows] == ["fresh", "new"]


@pytest.mark.server
def test_query_errors_map_like_the_embedded_store(endpoint):
    with pytest.raises(QueryError, match="query rejected"):
        RemoteStore(endpoint).query("SELECT WHERE {")


@pytest.mark.server
def test_wrong_path_names_the_endpoint(server):
    with pytest.raises(StoreError, match=r"HTTP 404 .*check the endpoint URL"):
        RemoteStore(server.url, query_path="no-such-path").graph_names()


@contextlib.contextmanager
def misbehaving_server(status: int, body: bytes, *, silent: bool = False):
    """A loopback HTTP server answering every request with ``status`` and ``body`` (or never, if ``silent``)."""
    release = threading.Event()

    class Handler(http.server.BaseHTTPRequestHandler):
        def _answer(self):
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if silent:
                release.wait(10)
                return
            self.send_response(status)
            self.send_header("Content-Type", "application/sparql-results+json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = do_PUT = do_DELETE = _answer

        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        release.set()
        httpd.shutdown()
        httpd.server_close()


@pytest.mark.parametrize("status, body, message", [
    (500, b"disk full\nmore", r"HTTP 500 Internal Server Error for POST /query: disk full$"),
    (200, b"<html>not json</html>", r"malformed SPARQL JSON results"),
    (200, b'{"head": {"vars": ["g"]}, "results": {"bindings": [{"g": {"type": "triple"}}]}}', r"malformed SPARQL JSON"),
])
def test_http_failures_are_one_line_store_errors(status, body, message):
    with misbehaving_server(status, body) as url, pytest.raises(StoreError, match=message) as raised:
        RemoteStore(url).graph_names()
    assert str(raised.value).startswith(url) and "\n" not in str(raised.value)


def test_a_silent_server_times_out():
    with misbehaving_server(200, b"", silent=True) as url, pytest.raises(StoreError, match=r"no answer within 0.2 s"):
        RemoteStore(url, timeout=0.2).release_hashes()


def test_malformed_ntriples_is_a_store_error():
    with misbehaving_server(200, b"<not n-triples") as url, pytest.raises(StoreError, match="malformed N-Triples"):
        RemoteStore(url).graph("https://w3id.org/mobkg/release/a")


def test_a_graph_that_is_not_rdf_is_refused_before_anything_is_sent():
    broken = Graph(identifier=URIRef("https://w3id.org/mobkg/release/c"))
    broken.add((URIRef("urn:x:not an iri"), URIRef("urn:x:says"), Literal("x")))
    with misbehaving_server(500, b"must not be called") as url, \
            pytest.raises(StoreError, match="cannot be written.*nothing was changed"):
        RemoteStore(url).replace_graphs([broken])
