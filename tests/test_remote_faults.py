"""A remote batch that fails leaves the server as it was, or holding the whole batch: never part of one.

A real Oxigraph server (writable, on loopback) holds the old state: two releases. A build of three more
(one correcting an old release, two new; one batch, so one SPARQL UPDATE) then goes through a loopback
proxy that breaks the update on purpose: the server is killed mid-request, the proxy answers 500, hangs
past the deadline, closes the connection or answers garbage, each before or after the server got the
update. Afterwards, checked through the library on the real server: the release graphs, the merged
default graph and the store's own release list are exactly the old state or exactly the new one (the one
the fault allows), the build failed in one line with exit 1, and building again converges to what a
clean build gives.
"""

from __future__ import annotations

import signal
import socket
import urllib.parse
from pathlib import Path

import pytest
from click.testing import CliRunner

from mobkg import StoreError, ingest, open_store, run_query
from mobkg.cli import cli
from mobkg.server import OxigraphServer
from mobkg.stores.remote import RemoteStore

from loopback_proxy import Answer, proxy, relay

pytestmark = pytest.mark.server

DATA = Path(__file__).parent / "data" / "remote"
RELEASES = DATA / "releases"
BATCH = DATA / "batch"
DEADLINE = "2"  # seconds per request: a hanging proxy fails the build this soon


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def snapshot(store) -> tuple[bytes, frozenset, dict]:
    """Everything a store holds that a build writes: release graphs, merged default graph, release list."""
    merged = frozenset(run_query(store, "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }").graph)
    hashes = {name: (stored.sha256, stored.correction) for name, stored in store.release_hashes().items()}
    return store.dump_nquads(), merged, hashes


@pytest.fixture(scope="module")
def expected(tmp_path_factory) -> dict[str, tuple]:
    """The old state and the new one, as clean embedded builds give them."""
    states = {}
    for name, batches in {"old": [[RELEASES]], "new": [[RELEASES], [BATCH]]}.items():
        store = open_store(str(tmp_path_factory.mktemp(name) / "store"))
        for paths in batches:
            ingest(paths, store)
        states[name] = snapshot(store)
        store.close()
    assert states["old"] != states["new"] and len(states["new"][2]) == len(states["old"][2]) + 2
    return states


class Served:
    """A writable Oxigraph server over one store folder, which a fault may kill and the test restarts."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.server = OxigraphServer(folder, port=free_port(), writable=True).start()

    @property
    def url(self) -> str:
        return self.server.url

    def kill(self) -> None:
        self.server.process.send_signal(signal.SIGKILL)
        self.server.process.wait()

    def restart(self) -> None:
        self.server.stop()
        self.server = OxigraphServer(self.folder, port=free_port(), writable=True).start()

    def snapshot(self) -> tuple:
        return snapshot(RemoteStore(self.url))


@pytest.fixture
def served(tmp_path):
    served = Served(tmp_path / "store")
    ingest([RELEASES], RemoteStore(served.url))
    yield served
    served.server.stop()


def is_update(request) -> bool:
    return request.path.startswith("/update")


# -- the faults: each answers the client itself, or not at all ------------------------------------

def answer_500(request, forwarded, handler, *, after: bool):
    if after:
        forwarded()
    relay(handler, Answer(500, "text/plain", b"internal error"))


def hang(request, forwarded, handler, *, after: bool):
    if after:
        forwarded()
    proxy_state.release.wait(60)  # until the proxy shuts down: far past the deadline
    handler.close_connection = True


def close(request, forwarded, handler, *, after: bool):
    if after:
        forwarded()
    handler.close_connection = True
    handler.connection.shutdown(socket.SHUT_RDWR)


def garbage(request, forwarded, handler, *, after: bool):
    if after:
        forwarded()
    handler.wfile.write(b"\x00\xffSPARQL? never heard of it\r\n\r\n")
    handler.close_connection = True


def kill_server(request, forwarded, handler, *, after: bool):
    """Kill the server with SIGKILL: after it applied the update, or while it has received half of it."""
    if after:
        forwarded()
    else:
        target = urllib.parse.urlsplit(proxy_state.target)
        with socket.create_connection((target.hostname, target.port), timeout=10) as sock:
            head = (f"POST /update HTTP/1.1\r\nHost: {target.netloc}\r\nContent-Type: application/sparql-update\r\n"
                    f"Content-Length: {len(request.body)}\r\n\r\n")
            sock.sendall(head.encode() + request.body[: len(request.body) // 2])
            served_now.kill()
    if after:
        served_now.kill()
    handler.close_connection = True
    handler.connection.shutdown(socket.SHUT_RDWR)


proxy_state = None  # the running proxy, for the faults that need it
served_now = None   # the running server, for the fault that kills it

FAULTS = {
    "500": answer_500,
    "hang": hang,
    "close": close,
    "garbage": garbage,
    "kill": kill_server,
}


@pytest.mark.parametrize("after", [False, True], ids=["before-the-server-got-it", "after-the-server-applied-it"])
@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_a_failed_batch_leaves_the_old_state_or_the_whole_new_one(served, expected, fault, after, monkeypatch):
    global proxy_state, served_now
    served_now = served
    before = served.snapshot()
    assert before == expected["old"]
    monkeypatch.setenv("MOBKG_REMOTE_DEADLINE", DEADLINE)

    def apply(request, forwarded, handler):
        FAULTS[fault](request, forwarded, handler, after=after)

    with proxy(served.url, fault=apply, faulty=is_update) as running:
        proxy_state = running
        result = CliRunner().invoke(cli, ["build", str(BATCH), "--endpoint", running.url])
    assert running.kinds().count("update") == 1  # one batch, one update request
    assert result.exit_code == 1, result.output
    assert result.output.count("\n") == 1 and result.output.startswith(f"Error: {running.url}: "), result.output
    assert "build again" in result.output

    if fault == "kill":
        served.restart()
    landed = served.snapshot()
    assert landed == expected["new" if after else "old"], f"{fault}: a torn batch"

    rebuilt = CliRunner().invoke(cli, ["build", str(BATCH), "--endpoint", served.url])
    assert rebuilt.exit_code == 0, rebuilt.output
    assert served.snapshot() == expected["new"]  # converged on what a clean build holds


def test_a_confirmation_that_goes_wrong_after_the_update_landed_leaves_the_new_state(served, expected, monkeypatch):
    monkeypatch.setenv("MOBKG_REMOTE_DEADLINE", DEADLINE)
    updated = []

    def after_update(request):
        updated.append(is_update(request))
        return len(updated) >= 2 and updated[-2]  # the query right after the update: the count that confirms it

    with proxy(served.url, fault=lambda r, forwarded, handler: garbage(r, forwarded, handler, after=False),
               faulty=after_update) as running:
        result = CliRunner().invoke(cli, ["build", str(BATCH), "--endpoint", running.url])
    assert result.exit_code == 1 and result.output.startswith(f"Error: {running.url}: "), result.output
    assert served.snapshot() == expected["new"]
    assert CliRunner().invoke(cli, ["build", str(BATCH), "--endpoint", served.url]).exit_code == 0
    assert served.snapshot() == expected["new"]


def test_batches_before_the_failed_one_stay_and_the_error_says_how_many(served, expected, monkeypatch):
    """Three batches of one release each; the second update fails: the first batch stays, whole."""
    updates = []

    def second_update(request):
        if not is_update(request):
            return False
        updates.append(request)
        return len(updates) == 2

    with proxy(served.url, fault=lambda r, forwarded, handler: answer_500(r, forwarded, handler, after=False),
               faulty=second_update) as running, pytest.raises(StoreError) as raised:
        ingest([BATCH], RemoteStore(running.url), batch_size=1)
    message = str(raised.value)
    assert "HTTP 500" in message and "the earlier batches (1 release) were written; this batch of 1 release was not confirmed" in message
    held = served.snapshot()[2]
    added = set(held) - set(expected["old"][2])
    assert len(added) == 1 and added <= set(expected["new"][2])  # exactly one new release, the first batch
    ingest([BATCH], RemoteStore(served.url))
    assert served.snapshot() == expected["new"]
