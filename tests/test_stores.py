"""The embedded store keeps its default graph equal to the set union of the release graphs."""

from __future__ import annotations

import pytest
from rdflib import Graph, Literal, URIRef

from mobkg import open_store

EX = "https://example.org/"


def release(name: str, *facts: tuple[str, str, str]) -> Graph:
    graph = Graph(identifier=URIRef(EX + "release/" + name))
    for s, p, o in facts:
        graph.add((URIRef(EX + s), URIRef(EX + p), Literal(o)))
    return graph


def merged(store) -> set:
    return {tuple(map(str, row)) for row in store.query("SELECT ?s ?p ?o WHERE { ?s ?p ?o }").rows}


def union_of_releases(store) -> set:
    rows = store.query("SELECT DISTINCT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }").rows
    return {tuple(map(str, row)) for row in rows}


@pytest.mark.parametrize(
    "steps",
    [
        # two releases share a fact; replacing one keeps the shared fact, drops its own
        [("a", [("x", "p", "1"), ("x", "p", "2")]), ("b", [("x", "p", "2"), ("y", "p", "3")]),
         ("a", [("x", "p", "4")])],
        # a correction that says nothing any more
        [("a", [("x", "p", "1")]), ("a", [])],
        # one batch that replaces a graph and adds another holding its old fact
        [("a", [("x", "p", "1")]), ("a+b", None)],
    ],
    ids=["shared-fact", "emptied", "same-batch"],
)
def test_default_graph_is_the_union_of_release_graphs(tmp_path, steps):
    store = open_store(str(tmp_path / "store"))
    try:
        for name, facts in steps:
            if facts is None:
                store.replace_graphs([release("a", ("z", "p", "9")), release("b", ("x", "p", "1"))])
            else:
                store.replace_graphs([release(name, *facts)])
            assert merged(store) == union_of_releases(store)
    finally:
        store.close()


def test_dump_holds_release_graphs_only(tmp_path):
    store = open_store(str(tmp_path / "store"))
    try:
        store.replace_graphs([release("a", ("x", "p", "1"))])
        lines = store.dump_nquads().decode().splitlines()
        assert lines == [f'<{EX}x> <{EX}p> "1" <{EX}release/a> .']
    finally:
        store.close()
