"""mobkg: press releases of the mobility industry → a validated RDF knowledge graph.

The package is the product; the ``mobkg`` command is a thin layer over it::

    >>> from mobkg import open_store, ingest, run_query   # doctest: +SKIP
    >>> store = open_store("mobkg-store")                  # doctest: +SKIP
    >>> ingest(["examples/"], store)                       # doctest: +SKIP
"""

from __future__ import annotations

__version__ = "0.1.0"

import importlib
import typing

from .errors import (
    ConfigError, EndpointError, LexiconError, LoadError, MobkgError, OutputError, QueryError, ReleaseError,
    ShapeViolation, StoreError, UnknownEntity, UpdateRefused, UserLexiconError,
)
from .formats import ExportFormat, OutputFormat

# Public names are imported on first use (PEP 562): `import mobkg` and `mobkg --help`
# stay fast, and a command pays only for the modules it uses.
_LAZY = {name: module for module, names in {
    "analysis": "GraphStats graph_stats shortest_path",
    "build": "build_release_graph entity_iri release_iri",
    "export": "export_store to_networkx",
    "extract": "Entity Extraction Fact extract_release",
    "ingestion": "IngestSummary ingest",
    "load": "LoadSummary load_files",
    "outputs": "write_output",
    "query": "format_result python_value run_query saved_queries stream_query",
    "readers": "find_release_files read_release_file",
    "release": "Release SourceFormat",
    "stores": "GraphStore QueryResult open_store",
    "validate": "ShaclEngine ValidationReport validate_graph validate_graphs validate_store",
    "viz": "render_html",
    "vocab": "MOB EntityType Predicate",
}.items() for name in names.split()}


def __getattr__(name: str):
    try:
        module = _LAZY[name]
    except KeyError:
        raise AttributeError(f"module 'mobkg' has no attribute {name!r}") from None
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


if typing.TYPE_CHECKING:  # for type checkers and editors: the same names, imported eagerly
    from .analysis import GraphStats, graph_stats, shortest_path
    from .build import build_release_graph, entity_iri, release_iri
    from .export import export_store, to_networkx
    from .extract import Entity, Extraction, Fact, extract_release
    from .ingestion import IngestSummary, ingest
    from .load import LoadSummary, load_files
    from .outputs import write_output
    from .query import format_result, python_value, run_query, saved_queries, stream_query
    from .readers import find_release_files, read_release_file
    from .release import Release, SourceFormat
    from .stores import GraphStore, QueryResult, open_store
    from .validate import ShaclEngine, ValidationReport, validate_graph, validate_graphs, validate_store
    from .viz import render_html
    from .vocab import MOB, EntityType, Predicate

__all__ = [
    "__version__",
    "Entity", "Extraction", "Fact", "ExportFormat", "GraphStore", "IngestSummary", "OutputFormat",
    "QueryResult", "Release", "SourceFormat", "ValidationReport", "EntityType", "Predicate", "MOB",
    "MobkgError", "QueryError", "ReleaseError", "ShapeViolation", "StoreError", "UpdateRefused",
    "build_release_graph", "entity_iri", "release_iri", "export_store", "to_networkx", "extract_release",
    "ingest", "format_result", "run_query", "saved_queries", "find_release_files", "read_release_file",
    "open_store", "validate_graph", "validate_graphs", "validate_store", "GraphStats", "graph_stats", "shortest_path", "render_html",
    "LexiconError", "EndpointError", "OutputError", "write_output", "stream_query", "ShaclEngine",
    "LoadError", "LoadSummary", "load_files", "UnknownEntity", "ConfigError", "UserLexiconError", "python_value",
]
