"""Validate release graphs against ``ontology/shapes.ttl``: a fast engine gates, pySHACL reports.

Two SHACL engines read the same shapes. pyrudof (Rust) checks each release
first: ~6 times faster than pySHACL per release, it was three quarters of a
build's time before. Only when it finds a result (a violation or a warning) is
the graph validated again by pySHACL, the reference, whose report (``conforms``,
results graph, text) is the one returned; a clean graph gets pySHACL's own
report for a clean graph. So reports are pySHACL's exactly, and the engines
must agree on what is clean: ``tests/test_validate.py`` checks that on every
shape fixture, every real development release and mutations of them.
``MOBKG_SHACL_ENGINE=pyshacl`` (or ``engine=ShaclEngine.PYSHACL``) skips the
gate; where pyrudof is not installed or cannot read a graph, pySHACL runs alone.

The pySHACL path:

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

A whole store (:func:`validate_store`, ``mobkg validate``) is read as N-Triples straight
from the store (no rdflib graph, ~2 ms a release less) and gated in ``jobs`` processes;
only a graph with results other than warnings is read into rdflib and validated again
by pySHACL for its report. (Gating many graphs in one pyrudof call, their nodes renamed
apart so releases cannot mask or break each other, was measured and is no faster: the
cost is per focus node, not per call.)
"""

from __future__ import annotations

import enum
import os
import threading
from collections.abc import Callable, Iterable
from contextlib import contextmanager
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

__all__ = ["ShaclEngine", "ValidationReport", "validate_graph", "validate_graphs", "validate_store", "load_shapes"]


class ShaclEngine(enum.Enum):
    """Which SHACL engine decides whether a graph is clean (pySHACL always writes the reports)."""

    RUDOF = "rudof"
    """pyrudof gates each graph; pySHACL validates only graphs with results. The default."""
    PYSHACL = "pyshacl"
    """pySHACL alone: the reference, ~6 times slower."""


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


class _Gate:
    """pyrudof with the shapes and the ontology's axioms loaded once; each graph is staged and rolled back."""

    def __init__(self):
        import pyrudof  # noqa: PLC0415 - optional at run time: without it pySHACL runs alone

        self.pyrudof = pyrudof
        self.lock = threading.Lock()
        self.rudof = pyrudof.Rudof(pyrudof.RudofConfig())
        self.rudof.read_shacl((data_dir("ontology") / "shapes.ttl").read_text(encoding="utf-8"),
                              reader_mode=pyrudof.ReaderMode.Strict)
        self.rudof.read_data(_ontology_axioms().serialize(format="nt"), format=pyrudof.RDFFormat.NTriples,
                             reader_mode=pyrudof.ReaderMode.Strict)

    def results(self, graph: Graph) -> list[tuple[str, str, str]] | None:
        """(severity, focus node, message) of each result pyrudof finds; None if it could not tell."""
        return self.check(graph.serialize(format="nt"))

    def check(self, text: str) -> list[tuple[str, str, str]] | None:
        """:meth:`results` of a graph given as N-Triples text."""
        with self.lock:
            self.rudof.begin_staging()
            try:
                self.rudof.read_data(text, format=self.pyrudof.RDFFormat.NTriples, merge=True,
                                     reader_mode=self.pyrudof.ReaderMode.Strict)
                return [(str(entry.severity).rsplit("#", 1)[-1], str(entry.focus_node), _message(entry.message))
                        for entry in self.rudof.validate_shacl().violations]
            except self.pyrudof.RudofError:
                return None
            finally:
                self.rudof.rollback_staging()


def _message(message) -> str:
    """pyrudof's message as pySHACL gives it: the text of the literal, without quotes or language tag."""
    text = str(message or "")
    return text[1:text.rindex('"')] if text.startswith('"') and text.count('"') >= 2 else text


@cache
def _gate() -> _Gate | None:
    try:
        return _Gate()
    except ImportError:
        return None


@cache
def _clean_report() -> tuple[Graph, str]:
    """pySHACL's report for a graph without results: what the gate returns for a clean graph."""
    conforms, results, text = _validator.validate(Graph())
    assert conforms
    return results, text


def _default_engine() -> ShaclEngine:
    try:
        return ShaclEngine(os.environ.get("MOBKG_SHACL_ENGINE", "rudof").strip().lower() or "rudof")
    except ValueError:
        return ShaclEngine.RUDOF


def validate_graph(graph: Graph, engine: ShaclEngine | None = None, *, report_warnings: bool = True) -> ValidationReport:
    """Validate one graph; never raises for non-conforming data.

    ``engine`` defaults to ``MOBKG_SHACL_ENGINE`` (``rudof`` or ``pyshacl``), else
    :attr:`ShaclEngine.RUDOF`. The report is pySHACL's either way, except that with
    ``report_warnings=False`` a graph whose only results are warnings gets the clean
    report and just the count in ``warnings`` (what a build needs: warnings never
    stop a release, and most real releases lack a date, which is a warning).
    """
    gate = _gate() if (engine or _default_engine()) is ShaclEngine.RUDOF else None
    found = gate.results(graph) if gate is not None else None
    if _clean(found, report_warnings):
        results, text = _clean_report()
        copy = Graph()
        copy += results
        return ValidationReport(True, copy, text, 1, [], sorted(_warning_line(focus, message) for _, focus, message in found))
    conforms, results, text = _validator.validate(graph)
    failing = [] if conforms else [str(graph.identifier)]
    return ValidationReport(conforms, results, text, 1, failing, _warnings(results))


def _clean(found: list[tuple[str, str, str]] | None, report_warnings: bool) -> bool:
    """Whether the gate's results let a graph pass without pySHACL's report."""
    return found is not None and (not found or (not report_warnings and {f[0] for f in found} == {"Warning"}))


def _warnings(results: Graph) -> list[str]:
    lines = []
    for result in results.subjects(SH.resultSeverity, SH.Warning):
        focus = results.value(result, SH.focusNode)
        message = results.value(result, SH.resultMessage)
        lines.append(_warning_line(focus, message))
    return sorted(lines)


def _warning_line(focus, message) -> str:
    return f"<{focus}>: {message or 'a sh:Warning result'}"


def validate_graphs(graphs: Iterable[Graph], engine: ShaclEngine | None = None, *,
                    report_warnings: bool = True) -> ValidationReport:
    """Validate each graph separately and merge the reports (see :func:`validate_graph`)."""
    merged = ValidationReport(True)
    texts: list[str] = []
    for graph in graphs:
        _add(merged, texts, graph.identifier, validate_graph(graph, engine, report_warnings=report_warnings))
    return _finished(merged, texts)


def validate_store(store, engine: ShaclEngine | None = None, *, jobs: int = 1,
                   progress: Callable[[int], object] | None = None) -> ValidationReport:
    """Validate every named graph of ``store``, as :func:`validate_graphs` with ``report_warnings=False``.

    The gate runs in ``jobs`` worker processes when ``jobs`` > 1; ``progress(n)`` is called
    as each ``n`` graphs are done.
    """
    gate = _gate() if (engine or _default_engine()) is ShaclEngine.RUDOF else None
    names = store.graph_names()
    merged = ValidationReport(True)
    texts: list[str] = []
    clean, _ = _clean_report()
    with _gates(jobs if gate is not None else 1) as check:
        for start in range(0, len(names), STORE_CHUNK):
            chunk = names[start:start + STORE_CHUNK]
            found = check([store.graph_ntriples(name) for name in chunk]) if gate is not None else [None] * len(chunk)
            for name, results in zip(chunk, found):
                if _clean(results, False):
                    lines = sorted(_warning_line(focus, message) for _, focus, message in results)
                    _add(merged, texts, name, ValidationReport(True, clean, "", 1, [], lines))
                else:
                    _add(merged, texts, name, validate_graph(store.graph(name), engine, report_warnings=False))
            if progress is not None:
                progress(len(chunk))
    return _finished(merged, texts)


STORE_CHUNK = 128
"""Graphs read from the store at a time by :func:`validate_store` (bounds its memory)."""


@contextmanager
def _gates(jobs: int):
    """A function gating a list of N-Triples texts: in this process, or in ``jobs`` worker processes."""
    if jobs <= 1:
        yield lambda texts: [_gate().check(text) for text in texts]
        return
    from .processes import worker_context  # noqa: PLC0415 - only a parallel validation needs it

    with worker_context().Pool(jobs) as pool:
        yield lambda texts: pool.map(_check_in_worker, texts, chunksize=8)


def _check_in_worker(text: str) -> list[tuple[str, str, str]] | None:
    gate = _gate()
    return gate.check(text) if gate is not None else None


def _add(merged: ValidationReport, texts: list[str], name, report: ValidationReport) -> None:
    merged.graphs += 1
    merged.results += report.results
    merged.warnings.extend(report.warnings)
    if not report.conforms:
        merged.conforms = False
        merged.failing.extend(report.failing)
        texts.append(f"Graph <{name}>:\n{report.text}")


def _finished(merged: ValidationReport, texts: list[str]) -> ValidationReport:
    merged.text = "\n".join(texts) if texts else f"Conforms: {merged.graphs} graph(s) validated."
    return merged
