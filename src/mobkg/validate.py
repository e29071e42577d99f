"""Validate release graphs against ``ontology/shapes.ttl`` with pySHACL.

Each release graph is validated on its own, with the ontology's RDFS/OWL axioms
mixed in (so ``sh:class`` sees the class hierarchy). Warnings (``sh:Warning``
results, e.g. a release without a date) are reported in ``ValidationReport.warnings``
but do not make the data non-conforming (pySHACL's ``allow_warnings``; a plain SHACL
engine says ``sh:conforms false`` for them).

Speed (a build validates every release): called naively, pySHACL copies the
data graph, mixes the ontology into the copy and re-parses the text of every
SPARQL constraint once per focus node (~35 ms each with rdflib's parser), which
made validation cost 0.5 s for a release with 30 entities (~230 ms for a typical
one). Here the ontology's axioms are extracted once (with pySHACL's own
``inoculate``, so the mixed graph is the one pySHACL would build) into one data
graph; each release's triples are added to it, validated in place (no copy) and
removed again; and that graph parses each SPARQL text once per process (~20 ms
per typical release). The shapes, the options and therefore the results are
unchanged; ``tests/test_validate.py`` checks the reports against a plain
``pyshacl.validate`` call.
"""

from __future__ import annotations

from collections.abc import Iterable
import threading
from dataclasses import dataclass, field
from functools import cache, lru_cache

from pyshacl import validate as shacl_validate
from pyshacl.rdfutil.inoculate import inoculate
from rdflib import Graph
from rdflib.namespace import SH
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.sparql import Query

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
    warnings: list[str] = field(default_factory=list)
    """One line per ``sh:Warning`` result: ``<focus node>: message`` (they do not break ``conforms``)."""


@cache
def load_shapes() -> Graph:
    """Parse ``ontology/shapes.ttl`` once (do not mutate the result)."""
    shapes = Graph()
    shapes.parse(data_dir("ontology") / "shapes.ttl", format="turtle")
    return shapes


@cache
def _ontology_axioms() -> Graph:
    """The RDFS/OWL axioms of the ontology, as pySHACL mixes them into a data graph."""
    axioms = Graph()
    inoculate(axioms, load_ontology())
    return axioms


@lru_cache(maxsize=256)
def _prepared(text: str, namespaces: tuple[tuple[str, str], ...]) -> Query:
    return prepareQuery(text, initNs=dict(namespaces))


class _DataGraph(Graph):
    """A graph to validate that parses each SPARQL text once, not once per focus node."""

    def query(self, query_object, processor="sparql", result="sparql", initNs=None, initBindings=None,  # noqa: N803
              use_store_provided=True, **kwargs):
        if isinstance(query_object, str):
            # rdflib resolves prefixes the text does not declare with the graph's bindings: key on both.
            namespaces = tuple(sorted((prefix, str(ns)) for prefix, ns in (initNs or dict(self.namespaces())).items()))
            query_object = _prepared(query_object, namespaces)
        return super().query(query_object, processor, result, initNs, initBindings, use_store_provided, **kwargs)


class _Validator:
    """One data graph holding the ontology's axioms, lent to one release graph at a time.

    Copying ~300 axioms into a fresh graph for every release cost ~4 of its ~22 ms;
    instead the release's triples are added, validated and removed again. pySHACL
    adds nothing to the graph it validates unless a shape has rules (ours have
    none); if it ever did, the graph is rebuilt rather than reused. rdflib's
    memory store keeps an (empty) index entry for every subject it has seen, so
    the graph is also rebuilt every ``REUSE`` releases, or memory would grow.
    """

    REUSE = 100

    def __init__(self):
        self.lock = threading.Lock()
        self.data: _DataGraph | None = None
        self.prefixes: tuple = ()
        self.uses = 0

    def validate(self, graph: Graph) -> tuple[bool, Graph, str]:
        with self.lock:
            # Reports abbreviate IRIs with the data graph's prefixes, which rdflib cannot unbind:
            # a graph with other prefixes than the last one gets a new data graph.
            prefixes = tuple(sorted((prefix, str(namespace)) for prefix, namespace in graph.namespaces()))
            if self.data is None or prefixes != self.prefixes or self.uses >= self.REUSE:
                self.data = _DataGraph()
                for prefix, namespace in prefixes:
                    self.data.bind(prefix, namespace, override=True)
                self.data += _ontology_axioms()
                self.prefixes, self.uses = prefixes, 0
            self.uses += 1
            data = self.data
            added = [triple for triple in graph if triple not in data]
            data.addN((s, p, o, data) for s, p, o in added)
            try:
                conforms, results, text = shacl_validate(
                    data,
                    shacl_graph=load_shapes(),
                    inference="none",
                    advanced=True,
                    inplace=True,  # the graph is ours: validate it as it is, without a copy
                    allow_warnings=True,
                    abort_on_first=False,
                )
            finally:
                for triple in added:
                    data.remove(triple)
                if len(data) != len(_ontology_axioms()):
                    self.data = None
            return bool(conforms), results, text


_validator = _Validator()


def validate_graph(graph: Graph) -> ValidationReport:
    """Validate one graph; never raises for non-conforming data."""
    conforms, results, text = _validator.validate(graph)
    failing = [] if conforms else [str(graph.identifier)]
    return ValidationReport(conforms, results, text, 1, failing, _warnings(results))


def _warnings(results: Graph) -> list[str]:
    lines = []
    for result in results.subjects(SH.resultSeverity, SH.Warning):
        focus = results.value(result, SH.focusNode)
        message = results.value(result, SH.resultMessage)
        lines.append(f"<{focus}>: {message or 'a sh:Warning result'}")
    return sorted(lines)


def validate_graphs(graphs: Iterable[Graph]) -> ValidationReport:
    """Validate each graph separately and merge the reports."""
    merged = ValidationReport(True)
    texts = []
    for graph in graphs:
        report = validate_graph(graph)
        merged.graphs += 1
        merged.results += report.results
        merged.warnings.extend(report.warnings)
        if not report.conforms:
            merged.conforms = False
            merged.failing.extend(report.failing)
            texts.append(f"Graph <{graph.identifier}>:\n{report.text}")
    merged.text = "\n".join(texts) if texts else f"Conforms: {merged.graphs} graph(s) validated."
    return merged
