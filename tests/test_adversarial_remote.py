"""Hostile SPARQL servers and endpoint URLs: every one ends in a one-line error, never a traceback or a fake success.

Each server here is a tiny loopback ``http.server`` in a thread that misbehaves on purpose:
it redirects, drips, floods, forgets what it was sent or answers JSON of another shape.
Results are checked through the library (what the server received, what a store holds).
"""

from __future__ import annotations

import base64
import contextlib
import http.server
import json
import socket
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from click.testing import CliRunner

from mobkg import StoreError, open_store
from mobkg.cli import cli
from mobkg.stores.remote import RemoteStore

pytestmark = pytest.mark.adversarial

RELEASES = Path(__file__).parent / "data" / "remote" / "releases"
SPARQL_JSON = "application/sparql-results+json"
NO_HASHES = b'{"head":{"vars":["g","sha","correction","source"]},"results":{"bindings":[]}}'


@dataclass
class Seen:
    method: str
    path: str
    headers: dict
    body: bytes


@dataclass
class FakeServer:
    url: str
    seen: list[Seen] = field(default_factory=list)

    def paths(self) -> list[str]:
        return [f"{s.method} {s.path}" for s in self.seen]


def answer(handler, status: int, body: bytes = b"", content_type: str | None = SPARQL_JSON, headers=(),
           length: bool = True) -> None:
    handler.send_response(status)
    if content_type:
        handler.send_header("Content-Type", content_type)
    for name, value in headers:
        handler.send_header(name, value)
    if length:
        handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


@contextlib.contextmanager
def fake_server(respond, host: str = "127.0.0.1"):
    """A loopback server calling ``respond(handler, request)`` for every request; yields a FakeServer."""
    stop = threading.Event()
    server_state = FakeServer("")

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.0"

        def _any(self):
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            request = Seen(self.command, self.path, dict(self.headers), body)
            server_state.seen.append(request)
            self.stop = stop
            try:
                respond(self, request)
            except (BrokenPipeError, ConnectionResetError):
                pass

        do_GET = do_POST = do_PUT = _any

        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer((host, 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    server_state.url = f"http://{host}:{httpd.server_address[1]}"
    try:
        yield server_state
    finally:
        stop.set()
        httpd.shutdown()
        httpd.server_close()


def invoke(*args, env=None):
    """Run the CLI as a user would; exceptions are caught so that a traceback shows as a failed assertion."""
    return CliRunner().invoke(cli, [str(a) for a in args], env=env)


def assert_one_line_error(result, *, exit_code: int = 1, starts: str = "Error: ") -> str:
    assert isinstance(result.exception, SystemExit), f"traceback: {result.exception!r}\n{result.output}"
    assert result.exit_code == exit_code, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith("Error:")]
    assert len(errors) == 1 and "Traceback" not in result.output, result.output
    assert errors[0].startswith(starts), result.output
    return errors[0]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# -- 2: redirects and writes that do not land -----------------------------------------------------

def test_a_redirected_update_is_not_followed_and_the_build_fails(tmp_path):
    with fake_server(lambda h, r: answer(h, 200, b"<html>login</html>", "text/html")) as elsewhere:
        def respond(handler, request):
            if request.path.startswith("/update"):
                answer(handler, 302, headers=[("Location", f"{elsewhere.url}/login")])
            else:
                answer(handler, 200, NO_HASHES)

        with fake_server(respond) as server:
            result = invoke("build", RELEASES, "--endpoint", server.url)
            line = assert_one_line_error(result, starts=f"Error: {server.url}: HTTP 302 redirect")
            assert elsewhere.seen == [] and "give the URL of the server itself" in line
            with pytest.raises(StoreError, match="redirect"):
                RemoteStore(server.url).replace_graphs(_one_graph())
    assert elsewhere.seen == []


@pytest.mark.parametrize("status", [301, 303, 307, 308])
def test_a_redirected_read_is_not_followed_so_credentials_stay_home(status):
    with fake_server(lambda h, r: answer(h, 200, NO_HASHES)) as elsewhere:
        with fake_server(lambda h, r: answer(h, status, headers=[("Location", f"{elsewhere.url}/query")])) as server:
            secret = server.url.replace("http://", "http://ana:s3cret@")
            with pytest.raises(StoreError) as raised:
                RemoteStore(secret).release_hashes()
    assert f"HTTP {status} redirect" in str(raised.value) and "s3cret" not in str(raised.value)
    assert elsewhere.seen == []


@pytest.mark.parametrize("status", [100, 204, 304, 418])
def test_an_update_answered_with_anything_but_a_success_that_landed_fails(status):
    """A 204 (success) whose graphs the server does not hold fails too: the batch is confirmed by asking."""
    def respond(handler, request):
        if request.path.startswith("/update"):
            if status == 100:  # an informational answer and then nothing: not an answer at all
                handler.wfile.write(b"HTTP/1.1 100 Continue\r\n\r\n")
                return
            answer(handler, status, content_type=None)
        elif b"COUNT(*)" in request.body:
            answer(handler, 200, b'{"head":{"vars":["g","n"]},"results":{"bindings":[]}}')
        else:
            answer(handler, 200, NO_HASHES)

    with fake_server(respond) as server:
        with pytest.raises(StoreError) as raised:
            RemoteStore(server.url).replace_graphs(_one_graph())
        result = invoke("build", RELEASES, "--endpoint", server.url)
    assert_one_line_error(result, starts=f"Error: {server.url}: ")
    assert "\n" not in str(raised.value)
    if status == 204:
        assert "does not hold what was sent" in str(raised.value)


def _one_graph():
    from rdflib import Graph, Literal, URIRef

    graph = Graph(identifier=URIRef("https://w3id.org/mobkg/release/a"))
    graph.add((URIRef("urn:x:a"), URIRef("urn:x:says"), Literal("a")))
    return [graph]


# -- 9: deadline per request ------------------------------------------------------------------------

def _drip(handler, data: bytes, *, headers_too: bool = False, pause: float = 0.1, budget: float = 6.0) -> None:
    """Send ``data`` one byte per ``pause`` seconds (never for more than ``budget`` seconds, so an unfixed client ends)."""
    start = time.monotonic()
    head = (f"HTTP/1.0 200 OK\r\nContent-Type: {SPARQL_JSON}\r\nContent-Length: {len(data)}\r\n\r\n").encode()
    if not headers_too:
        handler.wfile.write(head)
        head = b""
    for byte in head + data:
        if handler.stop.is_set():
            return
        handler.wfile.write(bytes([byte]))
        handler.wfile.flush()
        if time.monotonic() - start < budget:
            time.sleep(pause)


@pytest.mark.parametrize("headers_too", [False, True], ids=["body", "headers"])
def test_a_dripping_server_hits_the_deadline(headers_too):
    with fake_server(lambda h, r: _drip(h, NO_HASHES, headers_too=headers_too)) as server:
        start = time.monotonic()
        with pytest.raises(StoreError, match=r"no complete answer within 1 s") as raised:
            RemoteStore(server.url, timeout=5, deadline=1).release_hashes()
        assert time.monotonic() - start < 5  # generous: the deadline is 1 s, each silence only 0.1 s
    assert str(raised.value).startswith(server.url)


def test_the_build_command_takes_its_deadline_from_the_environment(tmp_path):
    with fake_server(lambda h, r: _drip(h, NO_HASHES)) as server:
        start = time.monotonic()
        result = invoke("build", RELEASES, "--endpoint", server.url, env={"MOBKG_REMOTE_DEADLINE": "1"})
        assert time.monotonic() - start < 5
    line = assert_one_line_error(result, starts=f"Error: {server.url}: no complete answer within 1 s")
    assert "MOBKG_REMOTE_DEADLINE" in line


@pytest.mark.parametrize("value", ["soon", "0", "-3", "inf", "nan"])
def test_a_malformed_deadline_is_a_usage_error(value):
    result = invoke("query", "ASK {}", "--endpoint", f"http://127.0.0.1:{free_port()}",
                    env={"MOBKG_REMOTE_DEADLINE": value})
    assert_one_line_error(result, exit_code=2, starts="Error: MOBKG_REMOTE_DEADLINE=")


# -- size cap ---------------------------------------------------------------------------------------

def _flood(handler, request, *, declared: bool):
    rows = ",".join('{"g":{"type":"uri","value":"https://w3id.org/mobkg/release/%d"}}' % i for i in range(200))
    body = ('{"head":{"vars":["g"]},"results":{"bindings":[%s]}}' % rows).encode()
    answer(handler, 200, body, length=declared)  # HTTP/1.0 without a length: the body ends when the socket closes


@pytest.mark.parametrize("declared", [True, False], ids=["content-length", "until-close"])
def test_an_answer_over_the_size_cap_is_refused(declared):
    with fake_server(lambda h, r: _flood(h, r, declared=declared)) as server:
        assert len(RemoteStore(server.url, max_response_bytes=1 << 20).graph_names()) == 200
        with pytest.raises(StoreError, match=r"larger than 1 KiB; raise MOBKG_REMOTE_MAX_BYTES") as raised:
            RemoteStore(server.url, max_response_bytes=1024).graph_names()
        result = invoke("validate", "--endpoint", server.url, env={"MOBKG_REMOTE_MAX_BYTES": "1024"})
    assert str(raised.value).startswith(server.url)
    assert_one_line_error(result, starts=f"Error: {server.url}: the answer is larger than 1 KiB")


# -- 13: unexpected answers and malformed endpoint URLs ----------------------------------------------

ODD_ANSWERS = {
    "fewer-columns": (b'{"head":{"vars":["g"]},"results":{"bindings":[{"g":{"type":"uri","value":"http://x/"}}]}}',
                      SPARQL_JSON),
    "literal-subject": (b'{"head":{"vars":["s","p","o","g"]},"results":{"bindings":[{"s":{"type":"literal","value":"x"},'
                        b'"p":{"type":"uri","value":"http://p"},"o":{"type":"literal","value":"o"},'
                        b'"g":{"type":"uri","value":"http://g"}}]}}', SPARQL_JSON),
    "not-json": (b"<html><body>Please log in</body></html>", SPARQL_JSON),
    "html-content-type": (NO_HASHES, "text/html"),
    "boolean": (b'{"boolean": true}', SPARQL_JSON),
    "json-array": (b"[1, 2, 3]", SPARQL_JSON),
    "deeply-nested": (b"[" * 100_000 + b"]" * 100_000, SPARQL_JSON),
    "bindings-object": (b'{"head":{"vars":[]},"results":{"bindings":{}}}', SPARQL_JSON),
    "vars-not-names": (b'{"head":{"vars":[1, null]},"results":{"bindings":[]}}', SPARQL_JSON),
    "not-utf8": (b'{"head":{"vars":["\xff"]},"results":{"bindings":[]}}', SPARQL_JSON),
    "ntriples-for-json": (b"<http://a> <http://b> <http://c> .\n", "application/n-triples"),
}

COMMANDS = {
    "build": lambda tmp: ["build", RELEASES],
    "export": lambda tmp: ["export", "--format", "nquads", "-o", tmp / "x.nq"],
    "viz": lambda tmp: ["viz", "-o", tmp / "graph.html"],
    "stats": lambda tmp: ["stats"],
    "validate": lambda tmp: ["validate"],
    "query": lambda tmp: ["query", "SELECT ?s WHERE { ?s ?p ?o }"],
    "path": lambda tmp: ["path", "Voltmark", "Halden"],
}


@pytest.mark.parametrize("odd", sorted(ODD_ANSWERS))
@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_an_unexpected_answer_is_a_one_line_store_error(command, odd, tmp_path):
    body, content_type = ODD_ANSWERS[odd]
    with fake_server(lambda h, r: answer(h, 200, body, content_type)) as server:
        result = invoke(*COMMANDS[command](tmp_path), "--endpoint", server.url)
    assert_one_line_error(result, starts=f"Error: {server.url}: ")
    assert not any(s.path.startswith("/update") for s in server.seen)  # a build never wrote
    assert not (tmp_path / "x.nq").exists() and not (tmp_path / "graph.html").exists()


WRONG_TERMS = {
    "literal-graph-name": '{"g":{"type":"literal","value":"x"}}',
    "bad-iri": '{"g":{"type":"uri","value":"not an iri"}}',
    "number-value": '{"g":{"type":"uri","value":5}}',
    "unknown-type": '{"g":{"type":"triple","value":"x"}}',
    "unbound-graph": "{}",
    "extra-key": '{"g":{"type":"uri","value":"http://g"},"h":{"type":"uri","value":"http://h"}}',
    "row-not-object": '"g"',
}


@pytest.mark.parametrize("wrong", sorted(WRONG_TERMS))
def test_wrong_terms_in_the_stores_own_queries_are_store_errors(wrong):
    body = ('{"head":{"vars":["g"]},"results":{"bindings":[%s]}}' % WRONG_TERMS[wrong]).encode()
    with fake_server(lambda h, r: answer(h, 200, body)) as server, \
            pytest.raises(StoreError, match="malformed SPARQL JSON results") as raised:
        RemoteStore(server.url).graph_names()
    assert str(raised.value).startswith(server.url) and "\n" not in str(raised.value)


@pytest.mark.parametrize("rows", [
    "[]",                                                                         # no row at all
    '[{"n":{"type":"literal","value":"many","datatype":"http://www.w3.org/2001/XMLSchema#integer"}}]',
], ids=["no-row", "ill-typed-count"])
def test_stats_on_counts_that_make_no_sense_is_a_store_error(rows):
    """Valid SPARQL JSON with the right variables but no row, or a count that is not a number."""
    def respond(handler, request):
        text = request.body.decode()
        variables = ["n", "corrections"] if "?corrections" in text else ["n", "first", "last"] if "?first" in text \
            else ["n"]
        answer(handler, 200, ('{"head":{"vars":%s},"results":{"bindings":%s}}' % (json.dumps(variables), rows)).encode())

    with fake_server(respond) as server:
        result = invoke("stats", "--endpoint", server.url)
    line = assert_one_line_error(result, starts=f"Error: {server.url}: ")
    assert "Failed to convert" not in result.output and "counting query" in line


@pytest.mark.parametrize("url", [
    "http://127.0.0.1:18304/a b",
    "http://[::1:18304",
    "http://[::zz]:7878",
    "http://127.0.0.1:99999",
    "http://127.0.0.1:port",
    "http://127.0.0.1:0",
    "http://exa mple.org",
    "http://\x01host/",
    "http://host/qu\nery",
    "http://host\t/",
    "http://host..example/",
    "http://:7878/",
    "http://host/ds?default-graph-uri=x",
    "http://host/ds#frag",
    "http://host/d\u00e9",
    "ftp://host/",
    "127.0.0.1:7878",
])
@pytest.mark.parametrize("command", ["query", "build", "stats"])
def test_a_malformed_endpoint_url_is_a_one_line_usage_error(url, command, tmp_path):
    args = {"query": ["query", "ASK {}"], "build": ["build", RELEASES], "stats": ["stats"]}[command]
    result = invoke(*args, "--endpoint", url)
    assert_one_line_error(result, exit_code=2)
    with pytest.raises(StoreError) as raised:
        open_store(endpoint=url)
    assert raised.value.exit_code == 2 and "\n" not in str(raised.value)


# -- weak spots: credentials, --store versus MOBKG_ENDPOINT, an empty --store ---------------------

def test_credentials_are_sent_as_basic_auth_and_never_shown():
    with fake_server(lambda h, r: answer(h, 500, b"database is locked", "text/plain")) as server:
        secret = server.url.replace("http://", "http://ana:s%40cret@")
        store = RemoteStore(secret)
        with pytest.raises(StoreError) as raised:
            store.graph_names()
        result = invoke("stats", env={"MOBKG_ENDPOINT": secret})  # from the environment: never from argv
    shown = server.url.replace("http://", "http://ana:***@")
    assert str(raised.value).startswith(f"{shown}: HTTP 500") and "cret" not in str(raised.value)
    assert "cret" not in repr(store) and "cret" not in store.location
    assert_one_line_error(result, starts=f"Error: {shown}: HTTP 500")
    assert "cret" not in result.output
    expected = "Basic " + base64.b64encode(b"ana:s@cret").decode()
    assert {s.headers.get("Authorization") for s in server.seen} == {expected}
    assert all("@" not in s.path for s in server.seen)


def test_credentials_on_the_command_line_are_refused_before_anything_is_sent():
    with fake_server(lambda h, r: answer(h, 200, NO_HASHES)) as server:
        result = invoke("stats", "--endpoint", server.url.replace("http://", "http://ana:s3cret@"))
    line = assert_one_line_error(result, exit_code=2)
    assert "no credentials on the command line" in line and "MOBKG_ENDPOINT_PASSWORD" in line
    assert "s3cret" not in result.output and server.seen == []


@pytest.mark.parametrize("url", ["http://ana:s3cret@127.0.0.1:{port}", "http://tok3n@127.0.0.1:{port}",
                                 "http://ana:s3cret@[::1:{port}", "http://ana:s3cret@host:port/",
                                 "http://ana:s3cr@t@host/a b"])
def test_a_password_is_redacted_when_the_server_is_down_or_the_url_is_malformed(url):
    url = url.format(port=free_port())
    result = invoke("query", "ASK {}", "--endpoint", url)
    assert result.exit_code in {1, 2} and isinstance(result.exception, SystemExit), result.output
    assert "s3cr" not in result.output and "tok3n" not in result.output and "***@" in result.output


def test_an_explicit_store_wins_over_the_environment(tmp_path):
    dead = f"http://127.0.0.1:{free_port()}"
    result = invoke("build", RELEASES, "--store", tmp_path / "local", env={"MOBKG_ENDPOINT": dead})
    assert result.exit_code == 0, result.output
    assert f"store: {tmp_path / 'local'}" in result.output
    store = open_store(str(tmp_path / "local"), read_only=True)
    assert len(store.graph_names()) == 2
    store.close()


def test_store_and_endpoint_both_on_the_command_line_is_a_usage_error(tmp_path):
    result = invoke("build", RELEASES, "--store", tmp_path / "local", "--endpoint", f"http://127.0.0.1:{free_port()}")
    assert_one_line_error(result, exit_code=2)
    assert not (tmp_path / "local").exists()


@pytest.mark.parametrize("option", ["--store", "--endpoint"])
def test_an_empty_store_or_endpoint_is_a_usage_error(option, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = invoke("build", RELEASES, option, "")
    assert_one_line_error(result, exit_code=2)
    assert list(tmp_path.iterdir()) == []  # no store was made anywhere
