"""The names of mobkg's output formats, importable without the heavy modules behind them.

The command line offers these as choices before any command runs, so they live
apart from the code that writes them (:mod:`mobkg.export`, :mod:`mobkg.query`):
``mobkg --help`` must not pay for importing rdflib, networkx or trafilatura.
"""

from __future__ import annotations

import enum

__all__ = ["ExportFormat", "OutputFormat", "DEFAULT_TIMEOUT"]


class ExportFormat(enum.Enum):
    """The formats ``mobkg export`` writes; the value is the ``--format`` name."""

    TURTLE = "turtle"
    NTRIPLES = "ntriples"
    NQUADS = "nquads"
    TRIG = "trig"
    JSONLD = "jsonld"
    GRAPHML = "graphml"
    GEXF = "gexf"


class OutputFormat(enum.Enum):
    """How ``mobkg query`` prints results."""

    TABLE = "table"
    CSV = "csv"
    JSON = "json"
    JSONL = "jsonl"
    """JSON Lines: one object per row (an ASK answer or a CONSTRUCT graph: as ``json``)."""
    TSV = "tsv"
    """Tab-separated, a header row first; a tab, newline or backslash in a value is written ``\\t``, ``\\n``, ``\\\\``."""


DEFAULT_TIMEOUT = 300.0
"""Seconds ``mobkg query`` lets a query run by default."""
