"""validate: the fast path gives exactly the reports of a plain pySHACL call, and parses SPARQL once."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest
from pyshacl import validate as shacl_validate
from rdflib import Dataset, Graph
from rdflib.compare import isomorphic

from mobkg.validate import load_shapes, validate_graph, validate_graphs
from mobkg.vocab import load_ontology

DATA = Path(__file__).parent / "data"
SHAPE_FIXTURES = sorted((DATA / "shapes").glob("*.ttl"))
validate_module = importlib.import_module("mobkg.validate")


def release_graphs_of_the_query_fixture() -> list[Graph]:
    dataset = Dataset()
    dataset.parse(DATA / "fixture-graph.trig", format="trig")
    graphs = []
    for context in dataset.graphs():
        if len(context):
            graph = Graph(identifier=context.identifier)
            graph += context
            graphs.append(graph)
    return graphs


def plain_pyshacl(graph: Graph):
    """How pySHACL is called without the fast path: ontology mixed into a copy, SPARQL parsed per focus node."""
    return shacl_validate(graph, shacl_graph=load_shapes(), ont_graph=load_ontology(), inference="none",
                          advanced=True, allow_warnings=True, abort_on_first=False)


def test_there_are_fixtures_to_compare():
    assert len(SHAPE_FIXTURES) >= 2 * 12 and len(release_graphs_of_the_query_fixture()) >= 5


@pytest.mark.parametrize("path", SHAPE_FIXTURES, ids=lambda p: p.stem)
def test_report_equals_plain_pyshacl_on_shape_fixtures(path):
    graph = Graph().parse(path, format="turtle")
    conforms, results, text = plain_pyshacl(graph)
    report = validate_graph(graph)
    assert report.conforms == conforms
    assert report.text == text
    assert isomorphic(report.results, results)


def test_report_equals_plain_pyshacl_on_release_graphs():
    for graph in release_graphs_of_the_query_fixture():
        conforms, results, text = plain_pyshacl(graph)
        report = validate_graph(graph)
        assert (report.conforms, report.text) == (conforms, text), graph.identifier
        assert isomorphic(report.results, results)


def test_validation_leaves_the_graph_alone():
    (graph, *_) = release_graphs_of_the_query_fixture()
    before = set(graph)
    validate_graph(graph)
    assert set(graph) == before


def test_each_sparql_constraint_is_parsed_once(monkeypatch):
    calls = []
    real = validate_module.prepareQuery
    monkeypatch.setattr(validate_module, "prepareQuery", lambda *a, **k: calls.append(a[0]) or real(*a, **k))
    validate_module._prepared.cache_clear()
    report = validate_graphs(release_graphs_of_the_query_fixture())
    assert report.conforms and report.graphs >= 5
    # shapes.ttl has one SPARQL constraint; without the cache it is parsed once per entity.
    assert len(calls) == len(set(calls)) >= 1


def test_nothing_of_one_graph_is_left_for_the_next():
    bad = Graph().parse(DATA / "shapes" / "EntityShape-bad.ttl", format="turtle")
    good = Graph().parse(DATA / "shapes" / "EntityShape-ok.ttl", format="turtle")
    for graph in (good, bad, good, bad):  # same prefixes, so the same data graph is reused
        assert validate_graph(graph).conforms == plain_pyshacl(graph)[0]
    assert validate_graph(good).conforms and not validate_graph(bad).conforms


def test_the_shared_data_graph_is_rebuilt_now_and_then(monkeypatch):
    # rdflib's memory store keeps index entries of removed subjects: reused forever, it would grow.
    monkeypatch.setattr(validate_module._validator, "REUSE", 2)
    good = Graph().parse(DATA / "shapes" / "EntityShape-ok.ttl", format="turtle")
    used = []  # kept alive, so that two graphs cannot share an id()
    for _ in range(5):
        validate_graph(good)
        used.append(validate_module._validator.data)
    assert len({id(graph) for graph in used}) >= 2


def test_warnings_are_reported_and_do_not_break_conformance():
    graphs = release_graphs_of_the_query_fixture()  # fx05 has no date: the one sh:Warning
    report = validate_graphs(graphs)
    assert report.conforms
    assert report.warnings == ["<https://w3id.org/mobkg/release/fx05>: release has no publication date"]
    dated = [g for g in graphs if not str(g.identifier).endswith("fx05")]
    assert validate_graphs(dated).warnings == []
