"""validate: the fast path gives exactly the reports of a plain pySHACL call, and parses SPARQL once."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest
from pyshacl import validate as shacl_validate
from rdflib import Dataset, Graph
from rdflib.compare import isomorphic

from mobkg.validate import ShaclEngine, load_shapes, validate_graph, validate_graphs
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


@pytest.mark.parametrize("engine", list(ShaclEngine), ids=lambda e: e.value)
@pytest.mark.parametrize("path", SHAPE_FIXTURES, ids=lambda p: p.stem)
def test_report_equals_plain_pyshacl_on_shape_fixtures(path, engine):
    graph = Graph().parse(path, format="turtle")
    conforms, results, text = plain_pyshacl(graph)
    report = validate_graph(graph, engine)
    assert report.conforms == conforms
    assert report.text == text
    assert isomorphic(report.results, results)


@pytest.mark.parametrize("engine", list(ShaclEngine), ids=lambda e: e.value)
def test_report_equals_plain_pyshacl_on_release_graphs(engine):
    for graph in release_graphs_of_the_query_fixture():
        conforms, results, text = plain_pyshacl(graph)
        report = validate_graph(graph, engine)
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
    report = validate_graphs(release_graphs_of_the_query_fixture(), ShaclEngine.PYSHACL)
    assert report.conforms and report.graphs >= 5
    # shapes.ttl has one SPARQL constraint; without the cache it is parsed once per entity.
    assert len(calls) == len(set(calls)) >= 1


def test_nothing_of_one_graph_is_left_for_the_next():
    bad = Graph().parse(DATA / "shapes" / "EntityShape-bad.ttl", format="turtle")
    good = Graph().parse(DATA / "shapes" / "EntityShape-ok.ttl", format="turtle")
    for engine in ShaclEngine:
        for graph in (good, bad, good, bad):  # same prefixes, so the same data graph is reused
            assert validate_graph(graph, engine).conforms == plain_pyshacl(graph)[0]
        assert validate_graph(good, engine).conforms and not validate_graph(bad, engine).conforms


def test_the_shared_data_graph_is_rebuilt_now_and_then(monkeypatch):
    # rdflib's memory store keeps index entries of removed subjects: reused forever, it would grow.
    monkeypatch.setattr(validate_module._validator, "REUSE", 2)
    good = Graph().parse(DATA / "shapes" / "EntityShape-ok.ttl", format="turtle")
    used = []  # kept alive, so that two graphs cannot share an id()
    for _ in range(5):
        validate_graph(good, ShaclEngine.PYSHACL)
        used.append(validate_module._validator.data)
    assert len({id(graph) for graph in used}) >= 2


def real_release_graphs() -> list[Graph]:
    """Graphs of the real releases kept in the repository (archive sample, blind sets, unseen set)."""
    from mobkg.ingestion import release_graph
    from mobkg.readers import find_release_files, read_release_file

    folders = [DATA / "archive-sample", DATA / "blind-2026-12", DATA / "unseen" / "releases"]
    files = [path for folder in folders if folder.exists() for path in find_release_files([folder])]
    return [release_graph(release) for path in files for release in read_release_file(path)]


def mutations(graph: Graph, rng) -> list[Graph]:
    """Copies of ``graph`` with one change each that may or may not break a shape."""
    from rdflib import RDF, RDFS, Literal
    from rdflib.namespace import XSD

    triples = sorted(graph)
    changes = [
        lambda g: g.remove(rng.choice(triples)),                                   # any triple lost
        lambda g: g.remove(rng.choice([t for t in triples if t[1] == RDFS.label] or triples)),
        lambda g: g.remove(rng.choice([t for t in triples if t[1] == RDF.type] or triples)),
        lambda g: g.add((rng.choice(triples)[0], RDFS.label, Literal("second label"))),
        lambda g: g.add((rng.choice(triples)[0], RDFS.label, Literal(7, datatype=XSD.integer))),
        lambda g: g.add((rng.choice(triples)[0], rng.choice(triples)[1], rng.choice(triples)[2])),
    ]
    copies = []
    for change in rng.sample(changes, 2):
        copy = Graph(identifier=graph.identifier)
        copy += graph
        change(copy)
        copies.append(copy)
    return copies


def test_both_engines_agree_on_real_releases_and_their_mutations():
    import random

    rng = random.Random(20261202)
    graphs = real_release_graphs()
    assert len(graphs) >= 30
    verdicts, warned = [], 0
    for original in graphs:
        for graph in [original, *mutations(original, rng)]:
            fast, reference = validate_graph(graph, ShaclEngine.RUDOF), validate_graph(graph, ShaclEngine.PYSHACL)
            assert (fast.conforms, fast.text) == (reference.conforms, reference.text), graph.identifier
            assert fast.warnings == reference.warnings, graph.identifier
            quiet = validate_graph(graph, ShaclEngine.RUDOF, report_warnings=False)
            assert (quiet.conforms, quiet.warnings) == (reference.conforms, reference.warnings), graph.identifier
            verdicts.append(reference.conforms)
            warned += bool(reference.warnings)
    # The mutations must break shapes often, and leave some graphs valid, or agreement proves little.
    assert 0.2 < verdicts.count(False) / len(verdicts) < 0.9
    assert warned, "no graph had a warning: the warnings-only path was not compared"


def test_warnings_are_reported_and_do_not_break_conformance():
    graphs = release_graphs_of_the_query_fixture()  # fx05 has no date: the one sh:Warning
    report = validate_graphs(graphs)
    assert report.conforms
    assert report.warnings == ["<https://w3id.org/mobkg/release/fx05>: release has no publication date"]
    dated = [g for g in graphs if not str(g.identifier).endswith("fx05")]
    assert validate_graphs(dated).warnings == []


@pytest.mark.parametrize("jobs", [1, 2])
def test_validate_store_reports_what_validate_graphs_reports(tmp_path, jobs):
    from rdflib import URIRef

    from mobkg import open_store
    from mobkg.validate import validate_store

    graphs = release_graphs_of_the_query_fixture()
    for i, path in enumerate(SHAPE_FIXTURES):
        fixture = Graph(identifier=URIRef(f"https://w3id.org/mobkg/release/fixture{i:02d}"))
        fixture.parse(path, format="turtle")
        graphs.append(fixture)
    with open_store(tmp_path / "store") as store:
        store.replace_graphs(graphs)
        by_store = validate_store(store, jobs=jobs)
        one_by_one = validate_graphs([store.graph(name) for name in store.graph_names()], report_warnings=False)
    assert not by_store.conforms and by_store.failing  # the -bad fixtures must be caught
    assert (by_store.conforms, by_store.graphs, sorted(by_store.failing), by_store.text) == \
        (one_by_one.conforms, one_by_one.graphs, sorted(one_by_one.failing), one_by_one.text)
    assert sorted(by_store.warnings) == sorted(one_by_one.warnings) and by_store.warnings
