"""Shared fixtures: paths to the shared development material and small stores."""

from __future__ import annotations

from pathlib import Path

import pytest

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

    opened = open_store(str(tmp_path_factory.mktemp("fixture") / "store"))
    opened.replace_graphs(fixture_graphs())
    yield opened
    opened.close()
