"""Hostile store folders: damaged tables, folders that are not stores, a killed ``mobkg serve``.

Each test is bounded: commands that could hang run in a subprocess under a timeout and an
address-space cap, and waits poll against a deadline.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from mobkg import StoreError, ingest, open_store
from conftest import run_mobkg as mobkg

MARKER = "mobkg-store.json"
"""The marker file mobkg writes into each store folder it creates."""

pytestmark = pytest.mark.adversarial

RELEASES = Path(__file__).parent / "data" / "remote" / "releases"
EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
COUNT_ALL = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
ADDRESS_SPACE = 3 << 30
"""RSS cap of a subprocess that could blow up: 3 GiB of address space."""


def one_error_line(result, *expected: str) -> str:
    lines = result.stderr.splitlines()
    assert len(lines) == 1, f"expected one line on stderr, got {lines!r}"
    for part in expected:
        assert part in lines[0], lines[0]
    return lines[0]


def build_store(path: Path, releases: Path = EXAMPLES) -> bytes:
    store = open_store(str(path))
    try:
        ingest([releases], store)
        return store.dump_nquads()
    finally:
        store.close()


def damage_tables(path: Path) -> list[Path]:
    """Overwrite 128 bytes a third of the way into every table file big enough to hold data blocks."""
    damaged = []
    for table in sorted(path.glob("*.sst")):
        size = table.stat().st_size
        if size > 4096:
            with table.open("r+b") as handle:
                handle.seek(size // 3)
                handle.write(b"\x00\xff" * 64)
            damaged.append(table)
    assert damaged
    return damaged


def forget_record(path: Path) -> None:
    """Make ``path`` look like a store whose table files mobkg never recorded."""
    marker = path / MARKER
    data = json.loads(marker.read_text())
    data["tables"] = {}
    marker.write_text(json.dumps(data))


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {entry.name: (entry.read_bytes(), entry.stat().st_mode) for entry in sorted(folder.iterdir())}


def _limited() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE, ADDRESS_SPACE))


def run_bounded(*args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    """``mobkg ARGS`` in a subprocess with an address-space cap; fails the test if it does not finish."""
    command = [sys.executable, "-c", "from mobkg.cli import main; main()", *args]
    try:
        return subprocess.run(command, capture_output=True, text=True, timeout=timeout, preexec_fn=_limited)
    except subprocess.TimeoutExpired:
        pytest.fail(f"mobkg {' '.join(args)} still running after {timeout} s (hang)")


# --- 3. a damaged store ------------------------------------------------------------------------

@pytest.fixture(params=["recorded", "unrecorded"])
def damaged_store(tmp_path, request):
    """A damaged store whose table files mobkg recorded, or not (a legacy store, a killed build)."""
    store = tmp_path / "store"
    build_store(store)
    damage_tables(store)
    if request.param == "unrecorded":
        forget_record(store)
    return store


@pytest.mark.parametrize("command", [
    ["query", COUNT_ALL], ["query", "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"],
    ["query", "SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s"], ["stats"],
], ids=["count", "count-graphs", "order-by", "stats"])
def test_queries_on_a_damaged_store_fail_at_once(damaged_store, command):
    """Before the fix these spun in pyoxigraph, memory growing ~300 MB/s."""
    result = run_bounded(*command, "--store", str(damaged_store))
    assert result.returncode == 1, result.stderr[-500:]
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and str(damaged_store) in lines[0] and "damaged store" in lines[0], lines
    assert "rebuild it from the releases" in lines[0]


@pytest.mark.parametrize("command", [
    ["validate"], ["export", "--format", "nquads", "-o", "{out}/x.nq"], ["viz", "-o", "{out}/x.html"],
    ["query", "SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s"], ["build", str(RELEASES)],
], ids=["validate", "export", "viz", "query", "build"])
def test_every_command_on_a_damaged_store_exits_1_in_one_line(tmp_path, damaged_store, command):
    args = [part.replace("{out}", str(tmp_path)) for part in command]
    result = mobkg(*args, "--store", damaged_store)
    assert result.exit_code == 1
    one_error_line(result, str(damaged_store), "damaged store (")
    assert not (tmp_path / "x.nq").exists() and not (tmp_path / "x.html").exists()


@pytest.mark.parametrize("recorded", [True, False], ids=["recorded", "unrecorded"])
def test_damage_in_any_one_table_is_found_at_open(tmp_path, recorded):
    """Each table file holds part of one index; damage to any of them is found before a query runs."""
    clean = tmp_path / "clean"
    build_store(clean, RELEASES)
    if not recorded:
        forget_record(clean)
    tables = [table.name for table in clean.glob("*.sst") if table.stat().st_size > 1024]
    assert len(tables) >= 5
    for number, name in enumerate(tables):
        store = tmp_path / f"copy-{number}"
        shutil.copytree(clean, store)
        table = store / name
        with table.open("r+b") as handle:
            handle.seek(table.stat().st_size // 3)
            handle.write(b"\x00\xff" * 64)
        with pytest.raises(StoreError, match="damaged store"):
            open_store(str(store), read_only=True).close()


def test_library_raises_store_error_for_a_damaged_store(damaged_store):
    with pytest.raises(StoreError, match="damaged store"):
        open_store(str(damaged_store), read_only=True)


def test_an_undamaged_store_still_opens_and_keeps_its_content(tmp_path):
    store = tmp_path / "store"
    before = build_store(store, RELEASES)
    for _ in range(2):  # a second writer open re-verifies and re-records
        build_store(store, RELEASES)
    result = mobkg("query", COUNT_ALL, "--store", store, "--format", "csv")
    assert result.exit_code == 0, result.output
    reopened = open_store(str(store), read_only=True)
    try:
        assert reopened.dump_nquads() == before
    finally:
        reopened.close()
    tables = json.loads((store / MARKER).read_text())["tables"]
    assert set(tables) == {table.name for table in store.glob("*.sst")}


# --- 4. folders that are not stores ------------------------------------------------------------

USER_FILES = {
    "LOG": b"my diary\n", "000042.sst": b"sensor data\n", "MANIFEST-000001": b"important\n",
    "IDENTITY": b"keep me\n", "000007.dbtmp": b"tmp\n", "000009.blob": b"blob\n",
}


@pytest.mark.parametrize("extra", [
    {"notes.txt": b"notes\n"},                       # a user's folder
    {},                                              # only RocksDB-like names, no CURRENT
    {"CURRENT": b"MANIFEST-000001\n", "000005.log": b"a log\n",  # every name and CURRENT as RocksDB's
     "OPTIONS-000003": b"# This is a RocksDB option file.\n"},
    {"CURRENT": b"MANIFEST-000999\n"},               # CURRENT names a missing manifest
], ids=["user-file", "rocksdb-names", "rocksdb-lookalike", "missing-manifest"])
@pytest.mark.parametrize("command", [["build", str(RELEASES)], ["query", COUNT_ALL], ["export", "--format", "nquads",
                                     "-o", "{out}/x.nq"]], ids=["build", "query", "export"])
def test_a_folder_that_is_not_a_store_is_refused_untouched(tmp_path, extra, command):
    folder = tmp_path / "docs"
    folder.mkdir()
    for name, data in {**USER_FILES, **extra}.items():
        (folder / name).write_bytes(data)
    before = snapshot(folder)
    result = mobkg(*[part.replace("{out}", str(tmp_path)) for part in command], "--store", folder)
    assert result.exit_code == 1
    line = one_error_line(result, str(folder))
    assert "not a mobkg store" in line or "store (" in line
    assert snapshot(folder) == before


def test_a_user_folder_names_the_reason(tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "notes.txt").write_text("notes")
    result = mobkg("build", RELEASES, "--store", folder)
    assert result.exit_code == 1
    one_error_line(result, str(folder), "not a mobkg store", "notes.txt", "new or empty folder")


def test_an_empty_folder_becomes_a_marked_store(tmp_path):
    folder = tmp_path / "empty"
    folder.mkdir()
    assert mobkg("build", RELEASES, "--store", folder).exit_code == 0
    marker = json.loads((folder / MARKER).read_text())
    assert marker["format"] == "mobkg-store" and marker["version"] == 1
    store = open_store(str(folder), read_only=True)
    try:
        assert len(store.graph_names()) == 2
    finally:
        store.close()


def test_a_legacy_store_is_adopted_and_marked(tmp_path):
    store = tmp_path / "store"
    before = build_store(store, RELEASES)
    (store / MARKER).unlink()  # as made before the marker existed
    legacy = snapshot(store)
    assert mobkg("query", COUNT_ALL, "--store", store).exit_code == 0
    assert snapshot(store) == legacy  # a read-only open creates and changes nothing
    assert mobkg("build", RELEASES, "--store", store).exit_code == 0
    assert (store / MARKER).is_file()
    reopened = open_store(str(store), read_only=True)
    try:
        assert reopened.dump_nquads() == before
    finally:
        reopened.close()


def test_a_marker_from_a_newer_mobkg_is_refused(tmp_path):
    store = tmp_path / "store"
    build_store(store, RELEASES)
    (store / MARKER).write_text(json.dumps({"format": "mobkg-store", "version": 99, "tables": {}}))
    result = mobkg("build", RELEASES, "--store", store)
    assert result.exit_code == 1
    one_error_line(result, str(store), "newer mobkg", "upgrade mobkg")


def test_a_second_writer_is_refused_while_the_first_holds_the_folder(tmp_path):
    store = open_store(str(tmp_path / "store"))
    try:
        result = mobkg("build", RELEASES, "--store", tmp_path / "store")
        assert result.exit_code == 1
        one_error_line(result, "store is in use")
    finally:
        store.close()


# --- serve killed with SIGKILL --------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _listening(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(1)
        return probe.connect_ex(("127.0.0.1", port)) == 0


def _servers_of(store: Path) -> list[int]:
    """Pids of oxigraph processes serving ``store`` (Linux /proc), to clean up after a failure."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                argv = (entry / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if b"serve" in argv and str(store).encode() in argv:
                pids.append(int(entry.name))
    return pids


@pytest.mark.server
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="parent-death signal is Linux's prctl")
def test_sigkill_of_mobkg_serve_frees_the_port_and_the_store(tmp_path):
    store = tmp_path / "store"
    build_store(store, RELEASES)
    port = _free_port()
    command = [sys.executable, "-c", "from mobkg.cli import main; main()", "serve", "--store", str(store),
               "--port", str(port)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        banner = process.stdout.readline()  # printed once the server answers
        assert f"at http://127.0.0.1:{port}" in banner, process.stderr.read() if process.poll() is not None else banner
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
        deadline = time.monotonic() + 15
        while _listening(port) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not _listening(port), "the oxigraph server outlived mobkg serve"
        result = mobkg("build", RELEASES, "--store", store, "--force")
        assert result.exit_code == 0, result.output
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        for pid in _servers_of(store):
            os.kill(pid, signal.SIGKILL)
    reopened = open_store(str(store), read_only=True)
    try:
        assert len(reopened.graph_names()) == 2
    finally:
        reopened.close()


def test_a_second_writer_on_a_store_being_created_is_told_it_is_in_use(tmp_path):
    """Two builds started together: the second must not mistake the first's half-created folder
    (engine files, no marker yet) for a folder that is not a store."""
    from mobkg.stores.folder import StoreFolder

    folder = tmp_path / "new-store"
    first = StoreFolder.check(folder, read_only=False)
    try:
        for name in ("LOCK", "000003.log", "IDENTITY"):  # what the engine writes as it opens
            (folder / name).write_bytes(b"")
        with pytest.raises(StoreError, match="in use"):
            StoreFolder.check(folder, read_only=False)
        with pytest.raises(StoreError, match="in use"):
            StoreFolder.check(folder, read_only=True)
    finally:
        first.release()


def test_tables_the_engine_writes_after_the_check_are_not_a_killed_builds(tmp_path, monkeypatch):
    # A writer's own open replays the last writer's log into new tables: reading the whole store
    # for them made every build of a big store pay minutes at its start.
    from rdflib import Graph, Literal, URIRef

    from mobkg.stores import embedded

    path = tmp_path / "store"
    with open_store(str(path)) as store:
        graph = Graph(identifier=URIRef("https://example.org/release/a"))
        graph.add((URIRef("https://example.org/x"), URIRef("https://example.org/p"), Literal("1")))
        store.replace_graphs([graph])
    reads = []
    monkeypatch.setattr(embedded, "read_everything", lambda engine: reads.append(1) or 0)
    engine = embedded.ox.Store

    def open_then_a_new_table(where):
        opened = engine(where)
        (path / "999999.sst").write_bytes(b"")  # what replaying the log at open adds
        return opened
    monkeypatch.setattr(embedded.ox, "Store", open_then_a_new_table)
    with open_store(str(path)) as store:
        assert store.graph_names() == ["https://example.org/release/a"]
    assert reads == []
