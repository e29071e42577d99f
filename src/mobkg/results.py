"""Query answers as Python values and as text: table, CSV, TSV, JSON, JSON Lines.

The store gives rdflib terms; :func:`python_value` turns each cell into the Python
value :func:`mobkg.run_query` rows hold, and :func:`format_result` /
:func:`write_result` print them (rows streamed, except for the aligned table).
"""

from __future__ import annotations

import csv
import datetime
import decimal
import io
import itertools
import json
import textwrap
from typing import TextIO

from rdflib import Literal

from .escapes import terminal_safe
from .formats import OutputFormat
from .stores import QueryKind, QueryResult
from .stores.base import QueryStream

__all__ = ["OutputFormat", "python_value", "format_result", "write_result", "TABLE_MAX_ROWS"]

TABLE_MAX_ROWS = 10_000
"""Rows :func:`write_result` shows as a table (it must see them all to align the columns)."""


def python_value(term):
    """A query answer's cell as a Python value: what :func:`run_query` rows hold.

    An IRI stays an rdflib ``URIRef`` (a ``str`` subclass, so it compares and prints as its
    IRI; ``isinstance(v, URIRef)`` tells it from a string) and a blank node a ``BNode``;
    a literal becomes ``int``, ``float``, ``decimal.Decimal``, ``bool``, ``datetime.date``,
    ``datetime.datetime`` or ``str`` by its datatype; a literal whose text is not valid for
    its datatype ("2025-13-45"^^xsd:date), or of a datatype Python has no type for, is its
    text (``str``); an unbound variable is ``None``.

    >>> from rdflib import Literal, URIRef, XSD
    >>> [python_value(t) for t in (Literal(3), Literal("2025-03-04", datatype=XSD.date), Literal("x", lang="en"))]
    [3, datetime.date(2025, 3, 4), 'x']
    >>> type(python_value(URIRef("urn:x"))).__name__
    'URIRef'
    """
    if not isinstance(term, Literal):
        return term
    value = term.toPython()
    if isinstance(value, _PYTHON_TYPES) and not isinstance(value, Literal):
        return value
    return str(term)


_PYTHON_TYPES = (bool, int, float, decimal.Decimal, datetime.date, str)  # datetime.datetime is a date

def _cell(term) -> str:
    """A cell as text (table, CSV, TSV): booleans as SPARQL writes them, dates in ISO 8601."""
    value = python_value(term)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def _json_value(term):
    """A cell in JSON: numbers and booleans as JSON numbers and booleans, unbound as null, the rest as strings."""
    value = python_value(term)
    if value is None or isinstance(value, (bool, int)):
        return value
    if isinstance(value, (float, decimal.Decimal)):
        number = float(value)
        return number if number == number and abs(number) != float("inf") else str(value)  # JSON has no NaN
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


_TSV_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _tsv_line(cells) -> str:
    return "\t".join(cell.translate(_TSV_ESCAPES) for cell in cells)


def _json_row(variables, row) -> dict:
    return dict(zip(variables, map(_json_value, row)))


def format_result(result: QueryResult, fmt: OutputFormat = OutputFormat.TABLE) -> str:
    """Render a query result as an aligned table, CSV, TSV, JSON or JSON Lines text.

    JSON keeps numbers and booleans as JSON numbers and booleans (an unbound cell is
    ``null``, a date its ISO 8601 text); CSV and TSV write booleans ``true``/``false``.

    The table (and the Turtle a CONSTRUCT prints in table format) is for a terminal, so
    control characters and bidi overrides in the data are shown escaped
    (:func:`~mobkg.escapes.terminal_safe`). CSV, JSON and JSON Lines are data: they keep
    every value exactly, so they are what to write to a file or pipe into a program.
    """
    as_json = fmt in {OutputFormat.JSON, OutputFormat.JSONL}
    if result.kind is QueryKind.ASK:
        return json.dumps({"boolean": result.boolean}) if as_json else str(result.boolean).lower()
    if result.kind is QueryKind.CONSTRUCT:
        if as_json:
            return result.graph.serialize(format="json-ld")
        return terminal_safe(result.graph.serialize(format="turtle"), multiline=True)
    if fmt == OutputFormat.JSONL:
        return "\n".join(json.dumps(_json_row(result.variables, row), ensure_ascii=False) for row in result.rows)
    if fmt == OutputFormat.JSON:
        return json.dumps([_json_row(result.variables, row) for row in result.rows], ensure_ascii=False, indent=2)
    rows = [[_cell(term) for term in row] for row in result.rows]
    if fmt == OutputFormat.TSV:
        return "\n".join(_tsv_line(row) for row in [result.variables, *rows])
    if fmt == OutputFormat.CSV:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(result.variables)
        writer.writerows(rows)
        return buffer.getvalue().rstrip("\n")
    # The table is for a terminal: a label must not steer it (escape sequences, bidi overrides).
    variables = [terminal_safe(v) for v in result.variables]
    rows = [[terminal_safe(cell) for cell in row] for row in rows]
    widths = [max([len(v)] + [len(r[i]) for r in rows]) for i, v in enumerate(variables)]
    line = "  ".join(v.ljust(w) for v, w in zip(variables, widths))
    rule = "  ".join("-" * w for w in widths)
    body = ["  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() for row in rows]
    return "\n".join([line.rstrip(), rule, *body, f"({len(rows)} row{'s' if len(rows) != 1 else ''})"])


def write_result(stream: QueryStream, fmt: OutputFormat, out: TextIO) -> int:
    """Write a query's answer to ``out`` as it arrives; the number of rows written.

    CSV, JSON and JSON Lines are written row by row, so memory does not grow with the
    result; a table needs every row to align its columns, so it shows at most
    :data:`TABLE_MAX_ROWS` rows and then says how to get them all.

    :raises QueryError, StoreError: from the store while the rows are read (what was
        written so far stays written).
    """
    if stream.kind is not QueryKind.SELECT:
        out.write(format_result(stream.collect(), fmt) + "\n")
        return 0
    try:
        if fmt == OutputFormat.TABLE:
            return _write_table(stream, out)
        count = 0
        if fmt == OutputFormat.CSV:
            writer = csv.writer(out, lineterminator="\n")
            writer.writerow(stream.variables)
            for count, row in enumerate(stream.rows, 1):
                writer.writerow([_cell(term) for term in row])
        elif fmt == OutputFormat.TSV:
            out.write(_tsv_line(stream.variables) + "\n")
            for count, row in enumerate(stream.rows, 1):
                out.write(_tsv_line([_cell(term) for term in row]) + "\n")
        elif fmt == OutputFormat.JSONL:
            for count, row in enumerate(stream.rows, 1):
                out.write(json.dumps(_json_row(stream.variables, row), ensure_ascii=False) + "\n")
        else:  # the text format_result gives, one row at a time
            for count, row in enumerate(stream.rows, 1):
                item = json.dumps(_json_row(stream.variables, row), ensure_ascii=False, indent=2)
                out.write(("[\n" if count == 1 else ",\n") + textwrap.indent(item, "  "))
            out.write("\n]\n" if count else "[]\n")
        return count
    finally:
        stream.close()


def _write_table(stream: QueryStream, out: TextIO) -> int:
    rows = list(itertools.islice(stream.rows, TABLE_MAX_ROWS + 1))
    more = len(rows) > TABLE_MAX_ROWS
    text = format_result(QueryResult(QueryKind.SELECT, variables=stream.variables, rows=rows[:TABLE_MAX_ROWS]))
    if more:
        text = text.rsplit("\n", 1)[0] + (f"\n(the first {TABLE_MAX_ROWS} rows; there are more: "
                                          f"use --format csv or jsonl to get them all)")
    out.write(text + "\n")
    return min(len(rows), TABLE_MAX_ROWS)
