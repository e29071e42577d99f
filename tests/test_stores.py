"""The embedded store keeps its default graph equal to the set union of the release graphs."""

from __future__ import annotations

import pytest
from rdflib import Graph, Literal, URIRef

from mobkg import open_store
from mobkg.stores.embedded import SerializedGraph

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
@pytest.mark.parametrize("form", [Graph, SerializedGraph], ids=["rdflib", "serialized"])
def test_default_graph_is_the_union_of_release_graphs(tmp_path, steps, form):
    store = open_store(str(tmp_path / "store"))
    as_given = (lambda graph: graph) if form is Graph else SerializedGraph
    try:
        for name, facts in steps:
            if facts is None:
                store.replace_graphs([as_given(release("a", ("z", "p", "9"))), as_given(release("b", ("x", "p", "1")))])
            else:
                store.replace_graphs([as_given(release(name, *facts))])
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


def test_new_serialized_graphs_are_stored_exactly_as_an_update_stores_them(tmp_path):
    # U+2028, U+0085, a form feed and a vertical tab are line breaks to str.splitlines, not to N-Triples.
    odd = "one\u2028two\x85three\x0cfour\x0bfive\x1csix"
    graphs = [release("a", ("x", "p", 'say "hi" } ; DROP ALL'), ("x", "p", "2"), ("z", "p", odd)),
              release("b", ("x", "p", "2"), ("y", "q", "é"))]
    dumps, merges = [], []
    for fast in (True, False):
        store = open_store(str(tmp_path / f"store-{fast}"))
        try:
            given = [SerializedGraph(g) for g in graphs] if fast else graphs
            assert store._all_new(given) is fast  # the N-Quads load, or the SPARQL UPDATE
            store.replace_graphs(given)
            dumps.append(store.dump_nquads())
            merges.append(merged(store))
        finally:
            store.close()
    assert dumps[0] == dumps[1] and merges[0] == merges[1]
    assert len(merges[0]) == 4  # the shared fact is once in the merged graph
    assert ("https://example.org/z", "https://example.org/p", odd) in merges[0]


def test_a_serialized_graph_reads_back_as_the_same_triples():
    graph = release("a", ("x", "p", "line one\nline two"), ("x", "p", "2"))
    serialized = SerializedGraph(graph)
    assert len(serialized) == len(graph) == 2
    assert set(serialized) == set(graph)


def test_a_term_that_is_not_rdf_cannot_be_serialized():
    graph = Graph(identifier=URIRef(EX + "release/a"))
    graph.add((URIRef(EX + "x y> } ; DROP ALL"), URIRef(EX + "p"), Literal("1")))
    with pytest.raises(ValueError):
        SerializedGraph(graph)


def test_a_read_only_view_whose_tables_a_writer_removed_says_so(tmp_path):
    from mobkg.errors import StoreError
    from mobkg.stores.embedded import EmbeddedStore

    with open_store(str(tmp_path / "store")) as writer:
        writer.replace_graphs([release("a", ("x", "p", "1"))])
    reader = open_store(str(tmp_path / "store"), read_only=True)
    try:
        missing = OSError("IO error: No such file or directory: While open a file for random read: store/000030.sst")
        with pytest.raises(StoreError, match="rewritten while being read"):
            with EmbeddedStore._reading(reader):
                raise missing
    finally:
        reader.close()
