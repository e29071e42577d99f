"""mobkg.server and ``mobkg serve``: start, answer, refuse a busy port and every write by default, stop cleanly."""

from __future__ import annotations

import contextlib
import signal
import socket
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner
from loopback_proxy import fixed_answer_server

import mobkg.server as server_module
from mobkg import StoreError, ingest, open_store, run_query, saved_queries
from mobkg.cli import cli
from mobkg.server import OxigraphServer, is_loopback, oxigraph_executable
from mobkg.stores.remote import RemoteStore

RELEASES = Path(__file__).parent / "data" / "remote" / "releases"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def busy_port():
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        yield listener.getsockname()[1]


def test_missing_oxigraph_command_names_the_extra(monkeypatch, tmp_path):
    monkeypatch.setattr(server_module.sysconfig, "get_path", lambda name: str(tmp_path))
    monkeypatch.setattr(server_module.sys, "executable", str(tmp_path / "python"))
    monkeypatch.setattr(server_module.shutil, "which", lambda name: None)
    with pytest.raises(StoreError, match=r"pip install 'mobkg\[server\]'"):
        oxigraph_executable()


@pytest.mark.server
def test_busy_port_is_refused_before_starting(busy_port, tmp_path):
    with pytest.raises(StoreError, match=f"127.0.0.1:{busy_port}: cannot listen there"):
        OxigraphServer(tmp_path / "store", port=busy_port).start()
    result = CliRunner().invoke(cli, ["serve", "--store", str(tmp_path / "store"), "--port", str(busy_port)])
    assert result.exit_code == 1 and "choose another --port" in result.output


def test_a_file_is_not_a_store(tmp_path):
    (tmp_path / "file").write_text("x")
    with pytest.raises(StoreError, match="not a store folder"):
        OxigraphServer(tmp_path / "file", port=free_port()).start()


@pytest.mark.server
def test_server_publishes_a_built_store_and_releases_it_when_stopped(tmp_path):
    store = open_store(str(tmp_path / "store"))
    ingest([RELEASES], store)
    dump = store.dump_nquads()
    store.close()
    with OxigraphServer(tmp_path / "store", port=free_port()) as server:
        assert RemoteStore(server.url).dump_nquads() == dump
    assert not server.answers()
    reopened = open_store(str(tmp_path / "store"), read_only=True)  # the server's lock is gone
    assert reopened.dump_nquads() == dump
    reopened.close()


@pytest.mark.server
def test_mobkg_serve_runs_until_sigterm_and_stops_its_server(tmp_path):
    port = free_port()
    command = [sys.executable, "-c", "from mobkg.cli import main; main()", "serve", "--store", str(tmp_path / "store"),
               "--port", str(port), "--writable"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        banner = process.stdout.readline()  # printed once the server answers
        assert f"at http://127.0.0.1:{port}" in banner, process.stderr.read() if process.poll() is not None else banner
        remote = RemoteStore(f"http://127.0.0.1:{port}")
        ingest([RELEASES], remote)
        assert len(remote.graph_names()) == 2
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert not OxigraphServer(tmp_path / "store", port=port).answers()
    store = open_store(str(tmp_path / "store"), read_only=True)
    assert len(store.graph_names()) == 2
    store.close()


# -- read-only by default --------------------------------------------------------------------

EXTRA = "<urn:intruder:s> <urn:intruder:p> \"written by an intruder\" ."


@contextlib.contextmanager
def mobkg_serve(store: Path, *options: str):
    """``mobkg serve --store STORE OPTIONS`` in a child process; yields its URL once the banner is printed."""
    port = free_port()
    command = [sys.executable, "-c", "from mobkg.cli import main; main()", "serve", "--store", str(store),
               "--port", str(port), *options]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        banner = process.stdout.readline()
        assert f"at http://127.0.0.1:{port}" in banner, process.stderr.read() if process.poll() is not None else banner
        yield f"http://127.0.0.1:{port}", banner
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextlib.contextmanager
def turtle_source():
    """A loopback HTTP server answering every GET with one Turtle triple: what a ``LOAD`` would fetch."""
    with fixed_answer_server(EXTRA.encode(), "text/turtle") as base:
        yield f"{base}/extra.ttl"


def writes(url: str, source: str) -> dict[str, tuple[str, str, dict, bytes]]:
    """Every kind of write a SPARQL server takes: UPDATE forms, LOAD, and Graph Store PUT / POST / DELETE."""
    release = "https://w3id.org/mobkg/release/"
    update = {"Content-Type": "application/sparql-update"}
    ntriples = {"Content-Type": "application/n-triples"}
    return {
        "INSERT DATA": ("POST", f"{url}/update", update, f"INSERT DATA {{ {EXTRA} }}".encode()),
        "DELETE WHERE": ("POST", f"{url}/update", update, b"DELETE WHERE { ?s ?p ?o }"),
        "DROP ALL": ("POST", f"{url}/update", update, b"DROP ALL"),
        "CLEAR ALL": ("POST", f"{url}/update", update, b"CLEAR ALL"),
        "LOAD": ("POST", f"{url}/update", update, f"LOAD <{source}>".encode()),
        "LOAD INTO GRAPH": ("POST", f"{url}/update", update, f"LOAD <{source}> INTO GRAPH <urn:intruder:g>".encode()),
        "update as a form": ("POST", f"{url}/update", {"Content-Type": "application/x-www-form-urlencoded"},
                             urllib.parse.urlencode({"update": f"INSERT DATA {{ {EXTRA} }}"}).encode()),
        "PUT a graph": ("PUT", f"{url}/store?graph=urn:intruder:g", ntriples, EXTRA.encode()),
        "PUT the default graph": ("PUT", f"{url}/store?default", ntriples, EXTRA.encode()),
        "POST to the default graph": ("POST", f"{url}/store?default", ntriples, EXTRA.encode()),
        "POST a dataset": ("POST", f"{url}/store", {"Content-Type": "application/n-quads"},
                           EXTRA.replace(" .", " <urn:intruder:g> .").encode()),
        "DELETE the default graph": ("DELETE", f"{url}/store?default", {}, b""),
        "DELETE every release graph": ("DELETE", f"{url}/store?graph={release}", {}, b""),
    }


def send(method: str, url: str, headers: dict, body: bytes) -> int:
    request = urllib.request.Request(url, data=body or None, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def rows_or_unknown(store, name, params):
    """A saved query's rows, or that a parameter names no entity (after a DELETE of everything, say)."""
    from mobkg.errors import UnknownEntity

    try:
        return run_query(store, name, params).rows
    except UnknownEntity as unknown:
        return f"unknown {unknown}"


def state(path: Path) -> tuple[bytes, set, dict]:
    """What a store holds, through the library: its release graphs, its merged default graph, every saved query's rows."""
    store = open_store(str(path), read_only=True)
    try:
        merged = set(run_query(store, "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }").graph)
        rows = {name: rows_or_unknown(store, name, {p: "Voltmark" for p in query.params})
                for name, query in saved_queries().items()}
        return store.dump_nquads(), merged, rows
    finally:
        store.close()


@pytest.fixture
def built_store(tmp_path) -> Path:
    store = open_store(str(tmp_path / "store"))
    ingest([RELEASES], store)
    store.close()
    return tmp_path / "store"


@pytest.mark.server
def test_the_default_server_refuses_every_write_and_the_data_is_unchanged(built_store):
    before = state(built_store)
    with turtle_source() as source, mobkg_serve(built_store) as (url, banner):
        assert "read-only" in banner
        statuses = {name: send(*request) for name, request in writes(url, source).items()}
        reads = send("POST", f"{url}/query", {"Content-Type": "application/sparql-query"}, b"ASK { ?s ?p ?o }")
    assert statuses == {name: 403 for name in statuses}
    assert reads == 200
    assert state(built_store) == before
    assert before[0] and before[1] and any(before[2].values())  # there was something to lose


@pytest.mark.server
@pytest.mark.parametrize("name", ["INSERT DATA", "LOAD", "PUT a graph", "POST a dataset", "DELETE the default graph"])
def test_the_same_writes_change_a_writable_server(built_store, name):
    """The control for the test above: each write it sends does change a store served --writable."""
    before = state(built_store)
    with turtle_source() as source, mobkg_serve(built_store, "--writable") as (url, banner):
        assert "writable" in banner
        status = send(*writes(url, source)[name])
    assert 200 <= status < 300
    assert state(built_store)[:2] != before[:2]


@pytest.mark.server
def test_a_read_only_server_keeps_writers_out_of_its_folder(built_store):
    with mobkg_serve(built_store):
        result = CliRunner().invoke(cli, ["build", str(RELEASES), "--store", str(built_store), "--force"])
    assert result.exit_code == 1 and "in use by another mobkg process" in result.output


def test_a_read_only_server_needs_an_existing_store(tmp_path):
    result = CliRunner().invoke(cli, ["serve", "--store", str(tmp_path / "missing"), "--port", str(free_port())])
    assert result.exit_code == 1 and "no store here" in result.output
    assert not (tmp_path / "missing").exists()


@pytest.mark.parametrize("bind, loopback", [("127.0.0.1", True), ("127.8.9.1", True), ("::1", True),
                                            ("localhost", True), ("0.0.0.0", False), ("::", False),
                                            ("192.0.2.7", False), ("example.org", False)])
def test_is_loopback(bind, loopback):
    assert is_loopback(bind) is loopback


class _StandInServer:
    """Takes OxigraphServer's place so that the warning can be seen without listening beyond loopback."""

    def __init__(self, store, *, port, bind, writable):
        self.url = f"http://{bind}:{port}"

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        pass

    def wait(self):
        return 0


@pytest.mark.parametrize("bind, writable, warned", [
    ("0.0.0.0", False, "warning: listening on 0.0.0.0, not loopback: anyone who can reach port 7878 can query the store\n"),
    ("0.0.0.0", True, "warning: listening on 0.0.0.0, not loopback: anyone who can reach port 7878 can query the store "
                      "and change it (--writable)\n"),
    ("127.0.0.1", True, ""),
])
def test_a_bind_beyond_loopback_is_warned_about_on_stderr(monkeypatch, tmp_path, bind, writable, warned):
    monkeypatch.setattr(server_module, "OxigraphServer", _StandInServer)
    result = CliRunner().invoke(
        cli, ["serve", "--store", str(tmp_path), "--bind", bind, *(["--writable"] if writable else [])])
    assert result.exit_code == 0, result.output
    assert result.stderr == warned
    assert "warning" not in result.stdout


@pytest.mark.server
def test_a_build_into_the_default_server_is_refused_in_one_line_and_changes_nothing(built_store):
    before = state(built_store)
    with mobkg_serve(built_store) as (url, banner):
        result = CliRunner().invoke(cli, ["build", str(RELEASES), "--endpoint", url, "--force"])
    assert result.exit_code == 1 and result.output.count("\n") == 1, result.output
    assert result.output.startswith(f"Error: {url}: HTTP 403 Forbidden for POST /update")
    assert "`mobkg serve --writable` accepts them" in result.output
    assert state(built_store) == before
