"""RemoteStore against a real Oxigraph server (started by mobkg.server), checked against the embedded store.

Tests marked ``server`` start a writable ``oxigraph serve`` on 127.0.0.1 with a free port and a
temporary store folder. The others talk to tiny in-process HTTP servers that misbehave
on purpose (errors, junk, silence).
"""

from __future__ import annotations

import base64
import contextlib
import http.server
import os
import shutil
import socket
import ssl
import subprocess
import threading
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner
from rdflib import RDF, Graph, Literal, URIRef

from mobkg import (
    EndpointError,
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
from mobkg.stores.settings import InsecureEndpointWarning, RemoteSettings, config_path, remote_settings
from mobkg.vocab import MOB

from loopback_proxy import fixed_answer_server, proxy

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
    with OxigraphServer(tmp_path_factory.mktemp("oxigraph") / "store", port=free_port(), writable=True) as running:
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
    check_a_correction_replaces_its_graph(endpoint, mobkg, tmp_path)


def check_a_correction_replaces_its_graph(endpoint, mobkg, tmp_path):
    """On any server: a correction replaces its release's graph, and the merged graph follows (as embedded)."""
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
    assert run_query(remote, "corrected-releases").rows == run_query(embedded, "corrected-releases").rows
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


# -- authenticated servers: credentials from the environment or the config file --------------------

TOKEN = "tok-7f3a9c1e5b"
PASSWORD = "pw-c0rrect-h0rse"


def basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def assert_secret_never_shown(result, *secrets: str) -> None:
    for secret in (*secrets, base64.b64encode(f"ana:{PASSWORD}".encode()).decode()):
        assert secret not in result.output and secret not in (result.stderr or ""), result.output


@pytest.mark.server
def test_a_server_that_wants_a_token_refuses_a_build_without_it_in_one_line(endpoint, tmp_path):
    with proxy(endpoint, authorization=f"Bearer {TOKEN}") as guarded:
        result = CliRunner().invoke(cli, ["build", str(RELEASES), "--endpoint", guarded.url])
    assert result.exit_code == 1, result.output
    assert result.output.count("\n") == 1 and result.output.startswith(f"Error: {guarded.url}: HTTP 401 Unauthorized")
    assert "no credentials were sent: set MOBKG_ENDPOINT_TOKEN" in result.output
    assert RemoteStore(endpoint).graph_names() == []


@pytest.mark.server
def test_with_the_token_from_the_environment_the_build_lands(endpoint, tmp_path):
    with proxy(endpoint, authorization=f"Bearer {TOKEN}") as guarded:
        env = {"MOBKG_ENDPOINT": guarded.url, "MOBKG_ENDPOINT_TOKEN": TOKEN}
        built = CliRunner().invoke(cli, ["build", str(RELEASES)], env=env)
        stats = CliRunner().invoke(cli, ["stats"], env=env)
    assert built.exit_code == 0 and stats.exit_code == 0, built.output + stats.output
    assert RemoteStore(endpoint).dump_nquads() == embedded_build(tmp_path, [RELEASES])
    assert {r.headers.get("Authorization") for r in guarded.seen} == {f"Bearer {TOKEN}"}
    assert {"query", "update"} <= set(guarded.kinds())
    assert_secret_never_shown(built, TOKEN)
    assert_secret_never_shown(stats, TOKEN)


@pytest.mark.server
def test_a_wrong_token_is_refused_and_never_shown_even_when_the_server_repeats_it(endpoint):
    wrong = "tok-wrong-0d15ea5e"
    with proxy(endpoint, authorization=f"Bearer {TOKEN}") as guarded:
        result = CliRunner().invoke(cli, ["build", str(RELEASES), "--endpoint", guarded.url],
                                    env={"MOBKG_ENDPOINT_TOKEN": wrong})
    assert guarded.seen and guarded.seen[0].headers["Authorization"] == f"Bearer {wrong}"  # it was sent, and echoed
    assert result.exit_code == 1 and result.output.count("\n") == 1, result.output
    assert "HTTP 401" in result.output and "refused the credentials from the environment" in result.output
    assert "denied: got ***" in result.output
    assert_secret_never_shown(result, wrong)
    assert RemoteStore(endpoint).graph_names() == []


@pytest.mark.server
def test_basic_credentials_and_split_urls_from_the_config_file(endpoint, tmp_path):
    """A server that splits its endpoints (here /sparql, /sparql-update, /data) and wants HTTP basic auth."""
    routes = {"/ds/sparql-update": "/update", "/ds/sparql": "/query", "/ds/data": "/store"}
    with proxy(endpoint, authorization=basic("ana", PASSWORD), routes=routes) as split:
        config = tmp_path / "config.toml"
        config.write_text(f'[remote]\nuser = "ana"\npassword = "{PASSWORD}"\n'
                          f'query_url = "{split.url}/ds/sparql"\nupdate_url = "{split.url}/ds/sparql-update"\n'
                          f'graph_store_url = "{split.url}/ds/data"\n', encoding="utf-8")
        config.chmod(0o600)
        env = {"MOBKG_CONFIG": str(config)}
        built = CliRunner().invoke(cli, ["build", str(RELEASES), "--endpoint", f"{split.url}/ds"], env=env)
        assert built.exit_code == 0, built.output
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("MOBKG_CONFIG", str(config))
            remote = RemoteStore(f"{split.url}/ds")
            names = remote.graph_names()
            through_graph_store = [set(remote.graph(name)) for name in names]
            missing = remote.graph("https://w3id.org/mobkg/release/none")
    direct = RemoteStore(endpoint)
    assert direct.dump_nquads() == embedded_build(tmp_path, [RELEASES])
    assert through_graph_store == [set(direct.graph(name)) for name in names] and len(names) == 2
    assert len(missing) == 0
    assert {r.path.split("?")[0] for r in split.seen} == set(routes)
    assert_secret_never_shown(built, PASSWORD)


@pytest.mark.parametrize("text, message", [
    ('[remote]\ntoken = "x"\nuser = "ana"\npassword = "y"\n', "both a bearer token and a user/password"),
    ('[remote]\nuser = "ana"\n', "a user without a password"),
    ('[remote]\ntokken = "x"\n', "unknown key 'tokken' in [remote]"),
    ('[remote]\nverify_tls = "no"\n', "verify_tls must be true or false"),
    ('[remote\ntoken = "x"\n', "not a TOML config file"),
    ('remote = 3\n', "[remote] must be a table"),
    ('[remote]\nquery_url = "ftp://h/q"\n', "not an http(s) URL"),
    ('[remote]\nupdate_url = "http://ana:s3cret-pw@h/u"\n', "update_url holds credentials"),
])
def test_a_bad_config_file_is_a_one_line_usage_error(tmp_path, text, message):
    config = tmp_path / "config.toml"
    config.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(cli, ["stats", "--endpoint", "http://127.0.0.1:9"], env={"MOBKG_CONFIG": str(config)})
    assert result.exit_code == 2 and result.output.count("\n") == 1, result.output
    assert message in result.output and "s3cret" not in result.output


def test_a_config_file_named_but_missing_is_a_usage_error(tmp_path):
    result = CliRunner().invoke(cli, ["stats", "--endpoint", "http://127.0.0.1:9"],
                                env={"MOBKG_CONFIG": str(tmp_path / "nope.toml")})
    assert result.exit_code == 2 and "no such file" in result.output


def test_the_environment_wins_over_the_config_file_and_secrets_stay_out_of_reprs(tmp_path):
    config = tmp_path / "config.toml"
    config.write_text(f'[remote]\ntoken = "{TOKEN}"\nquery_url = "http://127.0.0.1:9/from-file"\n', encoding="utf-8")
    config.chmod(0o600)
    environ = {"MOBKG_CONFIG": str(config), "MOBKG_ENDPOINT_QUERY_URL": "http://127.0.0.1:9/from-env"}
    settings = remote_settings(environ)
    assert (settings.token, settings.query_url) == (TOKEN, "http://127.0.0.1:9/from-env")
    store = RemoteStore("http://127.0.0.1:9", settings=settings)
    assert store.query_url == "http://127.0.0.1:9/from-env" and store.update_url == "http://127.0.0.1:9/update"
    assert TOKEN not in repr(settings) and TOKEN not in repr(store) and TOKEN not in repr(store.endpoint)
    assert remote_settings({"MOBKG_CONFIG": os.devnull}) == RemoteSettings(source="no settings")
    assert config_path({"HOME": "/home/ana"}) == (Path("/home/ana/.config/mobkg/config.toml"), False)


def test_credentials_in_the_url_and_in_the_settings_are_one_too_many():
    with pytest.raises(EndpointError, match="credentials in the URL and in arguments"):
        RemoteStore("http://ana:pw@127.0.0.1:9", settings=RemoteSettings(token=TOKEN))


def test_a_config_file_with_a_secret_that_others_can_read_is_warned_about(tmp_path):
    config = tmp_path / "config.toml"
    config.write_text(f'[remote]\ntoken = "{TOKEN}"\n', encoding="utf-8")
    config.chmod(0o644)
    result = CliRunner().invoke(cli, ["stats", "--endpoint", f"http://127.0.0.1:{free_port()}"],
                                env={"MOBKG_CONFIG": str(config)})
    assert result.stderr.splitlines()[0] == f"warning: {config} holds a secret and other users can read it; chmod 600 {config}"
    config.chmod(0o600)
    result = CliRunner().invoke(cli, ["stats", "--endpoint", f"http://127.0.0.1:{free_port()}"],
                                env={"MOBKG_CONFIG": str(config)})
    assert "warning" not in result.stderr and "connection refused" in result.stderr
    assert TOKEN not in result.output


def test_credentials_over_plain_http_beyond_loopback_are_warned_about():
    with pytest.warns(InsecureEndpointWarning, match="credentials are sent unencrypted over http to sparql.example"):
        RemoteStore("http://sparql.example/ds", settings=RemoteSettings(token=TOKEN))  # nothing is sent


# -- TLS: verified by default --------------------------------------------------------------------

@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    """A self-signed certificate for 127.0.0.1, made with the openssl command."""
    if shutil.which("openssl") is None:
        pytest.skip("the openssl command is not installed (apt-get install openssl)")
    folder = tmp_path_factory.mktemp("tls")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", folder / "key.pem", "-out", folder / "cert.pem"],
                   check=True, capture_output=True, timeout=60)
    return folder / "cert.pem", folder / "key.pem"


def https_server(certificate):
    """A loopback HTTPS server answering every query as an ASK that holds."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*certificate)
    return fixed_answer_server(b'{"head":{},"boolean":true}', "application/sparql-results+json", tls=context)


def test_tls_is_verified_by_default_and_a_ca_file_or_an_explicit_opt_out_lets_it_through(certificate):
    with https_server(certificate) as url:
        refused = CliRunner().invoke(cli, ["query", "ASK {}", "--endpoint", url])
        trusted = CliRunner().invoke(cli, ["query", "ASK {}", "--endpoint", url],
                                     env={"MOBKG_ENDPOINT_CA_FILE": str(certificate[0])})
        unverified = CliRunner().invoke(cli, ["query", "ASK {}", "--endpoint", url],
                                        env={"MOBKG_ENDPOINT_VERIFY_TLS": "0"})
    assert refused.exit_code == 1 and refused.output.startswith(f"Error: {url}: TLS failed"), refused.output
    assert "CERTIFICATE_VERIFY_FAILED" in refused.output and refused.output.count("\n") == 1
    assert trusted.exit_code == 0 and "warning" not in trusted.output, trusted.output
    assert unverified.exit_code == 0, unverified.output
    assert unverified.stderr == (f"warning: {url}: TLS certificates are not verified (MOBKG_ENDPOINT_VERIFY_TLS or "
                                 "verify_tls is off): anyone on the network path can pose as the server\n")
