"""The committed graph in kg/ is what building examples/ gives today.

``scripts/build-kg`` writes kg/ from examples/; when the extractor, the builder or
the examples change, these tests fail until the script is run again. Graphs are
compared by isomorphism, one named graph at a time, never as text.
"""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest
from rdflib import RDF, Dataset, Graph, URIRef
from rdflib.compare import graph_diff, isomorphic, to_isomorphic
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

from mobkg import EntityType, ingest
from mobkg.cli import cli

ROOT = Path(__file__).resolve().parent.parent
KG = ROOT / "kg"
STALE = "kg/ is stale: run scripts/build-kg"


@pytest.fixture(scope="module")
def fresh() -> Dataset:
    """examples/ built now, into a temporary store, from the repository root (as the script does)."""
    import os
    import tempfile

    from mobkg import open_store

    here = os.getcwd()
    with tempfile.TemporaryDirectory() as folder:
        os.chdir(ROOT)
        try:
            store = open_store(os.path.join(folder, "store"))
            try:
                ingest(["examples"], store)
                dataset = Dataset()
                dataset.parse(data=store.dump_nquads().decode("utf-8"), format="nquads")
            finally:
                store.close()
        finally:
            os.chdir(here)
    return dataset


def committed(name: str) -> Path:
    path = KG / name
    if not path.is_file():
        pytest.fail(f"{STALE} (kg/{name} is missing)")
    return path


def names(dataset: Dataset) -> list[str]:
    """The release graphs (the merged default graph an export carries is not one)."""
    return sorted(str(g.identifier) for g in dataset.graphs() if len(g) and g.identifier != DATASET_DEFAULT_GRAPH_ID)


def union(dataset: Dataset) -> Graph:
    graph = Graph()
    for s, p, o, _ in dataset.quads((None, None, None, None)):
        graph.add((s, p, o))
    return graph


def describe(actual: Graph, expected: Graph) -> str:
    _, only_fresh, only_kg = graph_diff(to_isomorphic(actual), to_isomorphic(expected))
    return f"built now but not in kg/: {len(only_fresh)} triples, in kg/ but not built now: {len(only_kg)} triples"


def test_trig_holds_the_current_graph_of_every_release(fresh):
    kg = Dataset().parse(committed("mobkg.trig"), format="trig")
    assert names(kg) == names(fresh), f"{STALE} (the releases differ)"
    for name in names(fresh):
        now, then = fresh.graph(URIRef(name)), kg.graph(URIRef(name))
        assert isomorphic(now, then), f"{STALE} (<{name}> differs: {describe(now, then)})"


def test_trig_carries_the_merged_graph_the_saved_queries_read(fresh):
    kg = Dataset().parse(committed("mobkg.trig"), format="trig")
    merged = Graph() + kg.graph(DATASET_DEFAULT_GRAPH_ID)
    assert isomorphic(merged, union(fresh)), f"{STALE} (the merged default graph differs: {describe(union(fresh), merged)})"


def test_turtle_is_the_union(fresh):
    kg = Graph().parse(committed("mobkg.ttl"), format="turtle")
    assert isomorphic(kg, union(fresh)), f"{STALE} (kg/mobkg.ttl differs: {describe(union(fresh), kg)})"


def test_graphml_has_every_entity(fresh):
    graph = nx.read_graphml(committed("mobkg.graphml"))
    now = union(fresh)
    entities = {str(s) for cls in EntityType for s in now.subjects(RDF.type, cls.iri)}
    assert set(graph.nodes) == entities, f"{STALE} (kg/mobkg.graphml has other entities)"


def test_visualisation_shows_every_entity(fresh):
    if "viz" not in cli.commands:
        pytest.skip("no `mobkg viz` command, so scripts/build-kg does not write kg/graph.html")
    page = committed("graph.html").read_text(encoding="utf-8")
    now = union(fresh)
    missing = sorted(str(s) for cls in EntityType for s in now.subjects(RDF.type, cls.iri) if f'"{s}"' not in page)
    assert missing == [], f"{STALE} (kg/graph.html lacks {len(missing)} entities, e.g. {missing[:3]})"
