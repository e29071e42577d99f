"""mobkg.server and ``mobkg serve``: start, answer, refuse a busy port, stop cleanly."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import mobkg.server as server_module
from mobkg import StoreError, ingest, open_store
from mobkg.cli import cli
from mobkg.server import OxigraphServer, oxigraph_executable
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
               "--port", str(port)]
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
