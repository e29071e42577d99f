"""Every SHACL shape in ontology/shapes.ttl has a conforming and a violating fixture.

The fixtures live in ``tests/data/shapes/<shape>-ok.ttl`` and ``<shape>-bad.ttl``;
each is a complete release graph. A violating fixture must break *its* shape and
no other, so a shape that silently stops firing, or a fixture that fails for the
wrong reason, both show up here.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import RDF, BNode, Graph, Namespace
from rdflib.namespace import SH

from mobkg.validate import load_shapes, validate_graph

FIXTURES = Path(__file__).parent / "data" / "shapes"
SHAPES_NS = Namespace("https://w3id.org/mobkg/shapes#")
WARNING_ONLY = {"ReleaseDateShape"}
"""Shapes of severity sh:Warning: their violating fixture still conforms."""


def shape_names() -> list[str]:
    shapes = load_shapes()
    return sorted(str(s)[len(SHAPES_NS):] for s in shapes.subjects(RDF.type, SH.NodeShape) if str(s).startswith(SHAPES_NS))


def parts_of(shape) -> set:
    """The shape and every blank node it is made of (property shapes, sh:or members, lists)."""
    shapes = load_shapes()
    found, todo = {shape}, [shape]
    while todo:
        for obj in shapes.objects(todo.pop(), None):
            if isinstance(obj, BNode) and obj not in found:
                found.add(obj)
                todo.append(obj)
    return found


def fixture(shape: str, kind: str) -> Graph:
    path = FIXTURES / f"{shape}-{kind}.ttl"
    assert path.is_file(), f"shape {shape} has no {kind} fixture: write {path.relative_to(FIXTURES.parent.parent.parent)}"
    return Graph().parse(path, format="turtle")


def results(report) -> list[tuple]:
    """(source shape, severity) of each validation result."""
    graph = report.results
    return [
        (graph.value(result, SH.sourceShape), graph.value(result, SH.resultSeverity))
        for result in graph.subjects(RDF.type, SH.ValidationResult)
    ]


def test_shapes_file_defines_the_expected_shapes():
    names = shape_names()
    assert {"EntityShape", "ProvenanceShape", "StatementShape", "ReleaseShape", "ReleaseDateShape", "CorrectionShape"} <= set(names)
    assert sum(name.endswith("Shape") and name[0].islower() for name in names) == 12


@pytest.mark.parametrize("shape", shape_names())
def test_conforming_fixture_conforms(shape):
    report = validate_graph(fixture(shape, "ok"))
    assert report.conforms, report.text
    assert results(report) == [], report.text


@pytest.mark.parametrize("shape", shape_names())
def test_violating_fixture_breaks_its_shape_only(shape):
    report = validate_graph(fixture(shape, "bad"))
    found = results(report)
    assert found, f"{shape}-bad.ttl raised no validation result"
    own = parts_of(SHAPES_NS[shape])
    strangers = {str(source) for source, _ in found if source not in own}
    assert not strangers, f"{shape}-bad.ttl also breaks other shapes: {strangers}\n{report.text}"
    expected = SH.Warning if shape in WARNING_ONLY else SH.Violation
    assert {severity for _, severity in found} == {expected}
    assert report.conforms is (shape in WARNING_ONLY)


def test_every_fixture_belongs_to_a_shape():
    known = set(shape_names())
    orphans = sorted(p.name for p in FIXTURES.glob("*.ttl") if p.stem.rsplit("-", 1)[0] not in known)
    assert orphans == []
