"""mobkg: press releases of the mobility industry → a validated RDF knowledge graph.

The package is the product; the ``mobkg`` command is a thin layer over it::

    >>> from mobkg import open_store, ingest, run_query   # doctest: +SKIP
    >>> store = open_store("mobkg-store")                  # doctest: +SKIP
    >>> ingest(["examples/"], store)                       # doctest: +SKIP
"""

from __future__ import annotations

__version__ = "0.1.0"

from .analysis import GraphStats, graph_stats, shortest_path
from .build import build_release_graph, entity_iri, release_iri
from .errors import (
    ConfigError, EndpointError, LexiconError, MobkgError, OutputError, QueryError, ReleaseError, ShapeViolation,
    StoreError, UnknownEntity, UpdateRefused, UserLexiconError,
)
from .export import ExportFormat, export_store, to_networkx
from .extract import Entity, Extraction, Fact, extract_release
from .ingest import IngestSummary, ingest
from .outputs import write_output
from .query import OutputFormat, format_result, python_value, run_query, saved_queries, stream_query
from .readers import find_release_files, read_release_file
from .release import Release, SourceFormat
from .stores import GraphStore, QueryResult, open_store
from .validate import ValidationReport, validate_graph, validate_graphs
from .viz import render_html
from .vocab import MOB, EntityType, Predicate

__all__ = [
    "__version__",
    "Entity", "Extraction", "Fact", "ExportFormat", "GraphStore", "IngestSummary", "OutputFormat",
    "QueryResult", "Release", "SourceFormat", "ValidationReport", "EntityType", "Predicate", "MOB",
    "MobkgError", "QueryError", "ReleaseError", "ShapeViolation", "StoreError", "UpdateRefused",
    "build_release_graph", "entity_iri", "release_iri", "export_store", "to_networkx", "extract_release",
    "ingest", "format_result", "run_query", "saved_queries", "find_release_files", "read_release_file",
    "open_store", "validate_graph", "validate_graphs", "GraphStats", "graph_stats", "shortest_path", "render_html",
    "LexiconError", "EndpointError", "OutputError", "write_output", "stream_query",
    "UnknownEntity", "ConfigError", "UserLexiconError", "python_value",
]
