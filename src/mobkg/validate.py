"""Validate release graphs against ``ontology/shapes.ttl`` with pySHACL.

Each release graph is validated on its own, with the ontology as the ontology
graph (so ``sh:class`` sees the class hierarchy). Warnings (a release without a
date) are reported but do not make the data non-conforming.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache

from pyshacl import validate as shacl_validate
from rdflib import Graph

from .resources import data_dir
from .vocab import load_ontology

__all__ = ["ValidationReport", "validate_graph", "validate_graphs", "load_shapes"]


@dataclass
class ValidationReport:
    """Outcome of validating one or more graphs: ``conforms``, a results graph and its text."""

    conforms: bool
    results: Graph = field(default_factory=Graph)
    text: str = ""
    graphs: int = 0
    failing: list[str] = field(default_factory=list)
    """Identifiers of the graphs that violate the shapes."""


@cache
def load_shapes() -> Graph:
    """Parse ``ontology/shapes.ttl`` once (do not mutate the result)."""
    shapes = Graph()
    shapes.parse(data_dir("ontology") / "shapes.ttl", format="turtle")
    return shapes


def validate_graph(graph: Graph) -> ValidationReport:
    """Validate one graph; never raises for non-conforming data."""
    conforms, results, text = shacl_validate(
        graph,
        shacl_graph=load_shapes(),
        ont_graph=load_ontology(),
        inference="none",
        advanced=True,
        allow_warnings=True,
        abort_on_first=False,
    )
    failing = [] if conforms else [str(graph.identifier)]
    return ValidationReport(bool(conforms), results, text, 1, failing)


def validate_graphs(graphs: Iterable[Graph]) -> ValidationReport:
    """Validate each graph separately and merge the reports."""
    merged = ValidationReport(True)
    texts = []
    for graph in graphs:
        report = validate_graph(graph)
        merged.graphs += 1
        merged.results += report.results
        if not report.conforms:
            merged.conforms = False
            merged.failing.extend(report.failing)
            texts.append(f"Graph <{graph.identifier}>:\n{report.text}")
    merged.text = "\n".join(texts) if texts else f"Conforms: {merged.graphs} graph(s) validated."
    return merged
