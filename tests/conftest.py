"""Shared fixtures: paths to the shared development material and small stores."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
EXAMPLES = ROOT / "examples"


@pytest.fixture
def store(tmp_path):
    from mobkg import open_store

    opened = open_store(str(tmp_path / "store"))
    yield opened
    opened.close()


FIXTURE_GRAPH = ROOT / "tests" / "data" / "fixture-graph.trig"


def fixture_graphs():
    """The named graphs of the hand-written tests/data/fixture-graph.trig (five releases, 24 entities)."""
    from rdflib import Dataset

    dataset = Dataset()
    dataset.parse(FIXTURE_GRAPH, format="trig")
    return [graph for graph in dataset.graphs() if len(graph)]


@pytest.fixture(scope="module")
def fixture_store(tmp_path_factory):
    """An embedded store holding the fixture graph; shared by a module's tests, so never write to it."""
    from mobkg import open_store

    path = str(tmp_path_factory.mktemp("fixture") / "store")
    with open_store(path) as writer:
        writer.replace_graphs(fixture_graphs())
    # Read-only, as the commands that read it beside the tests open it: a writer left open could
    # compact away the tables their read-only views still read.
    opened = open_store(path, read_only=True)
    yield opened
    opened.close()


def run_mobkg(*args):
    """Run ``mobkg ARGS`` in-process; an exception other than the exit is a bug, so it is re-raised."""
    from mobkg.cli import cli

    result = CliRunner().invoke(cli, [str(a) for a in args])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    assert "Traceback" not in result.output
    return result


@contextlib.contextmanager
def opened_store(path):
    """The store at ``path`` through the library, closed afterwards: the CLI must never read a
    store this process holds open (a second open of the same folder is refused)."""
    from mobkg import open_store

    store = open_store(str(path))
    try:
        yield store
    finally:
        store.close()


@pytest.fixture(autouse=True)
def no_remote_settings_from_this_machine(monkeypatch):
    """A developer's own ~/.config/mobkg/config.toml or MOBKG_ENDPOINT_* never reach a test (nor its fake servers)."""
    import os

    for name in [name for name in os.environ if name.startswith("MOBKG_ENDPOINT_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("MOBKG_CONFIG", os.devnull)
