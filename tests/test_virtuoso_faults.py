"""The failed-batch faults of ``test_remote_faults.py``, against Virtuoso instead of Oxigraph.

The same batch (one correction, two new releases; one form-posted update) goes through the same
loopback proxy, which answers 500, hangs past the deadline, closes the connection or answers garbage,
before or after Virtuoso got the update. Afterwards Virtuoso holds the old state or the whole new
one, never part of it, and building again converges. (Killing the server is tried on Oxigraph only:
restarting a Virtuoso database in place is not part of the project's test script.)
"""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from rdflib import Graph, URIRef

import test_remote_faults as faults
from loopback_proxy import proxy
from mobkg import ingest
from mobkg.cli import cli
from mobkg.stores.dialects import MERGED_GRAPH
from mobkg.stores.remote import RemoteStore
from test_remote_faults import BATCH, DEADLINE, RELEASES, expected, snapshot  # noqa: F401 - fixture
from test_virtuoso import virtuoso  # noqa: F401 - fixture

pytestmark = pytest.mark.server


@pytest.fixture
def served(virtuoso):  # noqa: F811
    """Virtuoso holding the old state: every mobkg graph dropped, then the two releases built."""
    store = RemoteStore(virtuoso.url)
    store.replace_graphs([Graph(identifier=URIRef(name)) for name in store.graph_names()])
    store.replace_graphs([Graph(identifier=URIRef(MERGED_GRAPH))])
    ingest([RELEASES], store)
    return virtuoso.url


def is_update(request) -> bool:
    return request.method == "POST" and request.body.startswith(b"update=")


@pytest.mark.parametrize("after", [False, True], ids=["before-the-server-got-it", "after-the-server-applied-it"])
@pytest.mark.parametrize("fault", sorted(set(faults.FAULTS) - {"kill"}))
def test_a_failed_batch_leaves_virtuoso_with_the_old_state_or_the_whole_new_one(served, expected, fault, after,  # noqa: F811
                                                                                 monkeypatch):
    assert snapshot(RemoteStore(served)) == expected["old"]
    monkeypatch.setenv("MOBKG_REMOTE_DEADLINE", DEADLINE)
    monkeypatch.setenv("MOBKG_REMOTE_DIALECT", "virtuoso")  # the proxy does not relay Virtuoso's Server header

    def apply(request, forwarded, handler):
        faults.FAULTS[fault](request, forwarded, handler, after=after)

    with proxy(served, fault=apply, faulty=is_update) as running:
        monkeypatch.setattr(faults, "proxy_state", running)
        result = CliRunner().invoke(cli, ["build", str(BATCH), "--endpoint", running.url])
    assert sum(is_update(request) for request in running.seen) == 1  # one batch, one update request
    assert result.exit_code == 1, result.output
    assert result.output.count("\n") == 1 and "build again" in result.output, result.output

    assert snapshot(RemoteStore(served)) == expected["new" if after else "old"], f"{fault}: a torn batch"
    rebuilt = CliRunner().invoke(cli, ["build", str(BATCH), "--endpoint", served])
    assert rebuilt.exit_code == 0, rebuilt.output
    assert snapshot(RemoteStore(served)) == expected["new"]
