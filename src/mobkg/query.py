"""SPARQL over a store: saved queries from ``queries/``, safe parameters, result formatting.

A saved query is a ``.rq`` file whose header comment says what it answers and
which parameters it takes::

    # Brands of a company.
    # @param company: name or alias of the company, e.g. "Chery"
    SELECT ... WHERE { ... ?company_name ... }

A parameter ``company`` binds the variable ``?company`` through a ``VALUES``
block inserted at the top of the outermost ``WHERE`` group; the value is always
written as an escaped string literal, so it can never change the query's shape.
"""

from __future__ import annotations

import csv
import enum
import io
import json
import re
from dataclasses import dataclass
from pathlib import Path

from .errors import QueryError, UpdateRefused
from .resources import data_dir
from .stores import GraphStore, QueryKind, QueryResult

__all__ = [
    "SavedQuery",
    "saved_queries",
    "load_query",
    "bind_parameters",
    "sparql_literal",
    "run_query",
    "format_result",
    "OutputFormat",
]


@dataclass(frozen=True)
class SavedQuery:
    name: str
    path: Path
    description: str
    params: dict[str, str]
    text: str


MAX_QUERY_BYTES = 1024 * 1024
"""Largest ``.rq`` file read; saved queries are a few hundred bytes."""

_PARAM = re.compile(r"^#\s*@param\s+(\w+)\s*:?\s*(.*)$")


def _parse_saved(path: Path) -> SavedQuery:
    text = path.read_text(encoding="utf-8")
    description, params = "", {}
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        param = _PARAM.match(line)
        if param:
            params[param.group(1)] = param.group(2).strip()
        elif not description and line.strip("# ").strip():
            description = line.strip("# ").strip()
    return SavedQuery(path.stem, path, description, params, text)


def saved_queries() -> dict[str, SavedQuery]:
    """The saved queries shipped in ``queries/``, by name."""
    return {p.stem: _parse_saved(p) for p in sorted(data_dir("queries").glob("*.rq"))}


def load_query(query: str) -> tuple[str, SavedQuery | None]:
    """Resolve QUERY as given on the command line: a saved query name, a ``.rq`` file, or SPARQL text.

    :raises QueryError: if a ``.rq`` file is named but missing or unreadable.
    """
    saved = saved_queries()
    if query in saved:
        return saved[query].text, saved[query]
    if query.strip().endswith(".rq") and "\n" not in query:
        path = Path(query.strip())
        try:
            if path.exists() and not path.is_file():  # a folder, FIFO or device: never read (it may never end)
                raise QueryError(f"{path}: not a regular file; give a .rq file")
            if path.exists() and path.stat().st_size > MAX_QUERY_BYTES:
                raise QueryError(f"{path}: query files larger than {MAX_QUERY_BYTES // 1024} KiB are refused")
            parsed = _parse_saved(path)
        except FileNotFoundError:
            raise QueryError(f"{path}: no such query file; `mobkg queries` lists the saved ones") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise QueryError(f"{path}: cannot read query file ({exc})") from None
        return parsed.text, parsed
    return query, None


def sparql_literal(value: str) -> str:
    """Escape ``value`` as a SPARQL string literal.

    >>> print(sparql_literal('Ac"me } DROP ALL\\n'))
    "Ac\\"me } DROP ALL\\n"
    """
    escaped = (
        value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")
    )
    return f'"{escaped}"'


_UPDATE_KEYWORDS = re.compile(r"^(?:INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD|WITH)\b", re.IGNORECASE)
_PROLOGUE = re.compile(r"^(?:\s+|#[^\n]*\n|PREFIX\s+[\w-]*:\s*<[^>]*>|BASE\s*<[^>]*>)*", re.IGNORECASE)


def _refuse_updates(sparql: str) -> None:
    body = sparql[_PROLOGUE.match(sparql).end():]
    if _UPDATE_KEYWORDS.match(body):
        raise UpdateRefused("SPARQL UPDATE is not allowed here; `mobkg query` only reads (use `mobkg build` to write)")


def bind_parameters(sparql: str, params: dict[str, str], declared: dict[str, str] | None = None) -> str:
    """Bind ``params`` as string literals into the outermost WHERE group of ``sparql``.

    :raises QueryError: for an undeclared or missing parameter, or a query with no WHERE group.
    """
    if declared is not None:
        unknown = sorted(set(params) - set(declared))
        if unknown:
            raise QueryError(f"unknown parameter(s) {', '.join(unknown)}; this query takes: {', '.join(declared) or 'none'}")
        missing = sorted(set(declared) - set(params))
        if missing:
            raise QueryError(f"missing parameter(s): {', '.join(f'--param {m}=...' for m in missing)}")
    if not params:
        return sparql
    for name in params:
        if not re.fullmatch(r"[A-Za-z_]\w*", name):
            raise QueryError(f"parameter name {name!r} is not a SPARQL variable name")
    where = re.search(r"\bWHERE\s*\{", sparql, re.IGNORECASE) or re.search(r"\{", sparql)
    if where is None:
        raise QueryError("cannot bind parameters: the query has no WHERE group")
    names = " ".join(f"?{name}" for name in params)
    values = " ".join(sparql_literal(value) for value in params.values())
    block = f"\n  VALUES ({names}) {{ ({values}) }}\n"
    return sparql[: where.end()] + block + sparql[where.end():]


def run_query(store: GraphStore, query: str, params: dict[str, str] | None = None) -> QueryResult:
    """Run a saved query name, ``.rq`` file or SPARQL text against ``store``.

    :raises UpdateRefused: if the text is a SPARQL UPDATE.
    :raises QueryError: for a syntax error or bad parameters.
    """
    sparql, saved = load_query(query)
    _refuse_updates(sparql)
    sparql = bind_parameters(sparql, params or {}, saved.params if saved else None)
    return store.query(sparql)


class OutputFormat(enum.Enum):
    """How ``mobkg query`` prints results."""

    TABLE = "table"
    CSV = "csv"
    JSON = "json"


def _cell(term) -> str:
    return "" if term is None else str(term)


def format_result(result: QueryResult, fmt: OutputFormat = OutputFormat.TABLE) -> str:
    """Render a query result as an aligned table, CSV or JSON text."""
    if result.kind is QueryKind.ASK:
        return json.dumps({"boolean": result.boolean}) if fmt == OutputFormat.JSON else str(result.boolean).lower()
    if result.kind is QueryKind.CONSTRUCT:
        return result.graph.serialize(format="json-ld" if fmt == OutputFormat.JSON else "turtle")
    rows = [[_cell(term) for term in row] for row in result.rows]
    if fmt == OutputFormat.JSON:
        return json.dumps([dict(zip(result.variables, row)) for row in rows], ensure_ascii=False, indent=2)
    if fmt == OutputFormat.CSV:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(result.variables)
        writer.writerows(rows)
        return buffer.getvalue().rstrip("\n")
    widths = [max([len(v)] + [len(r[i]) for r in rows]) for i, v in enumerate(result.variables)]
    line = "  ".join(v.ljust(w) for v, w in zip(result.variables, widths))
    rule = "  ".join("-" * w for w in widths)
    body = ["  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() for row in rows]
    return "\n".join([line.rstrip(), rule, *body, f"({len(rows)} row{'s' if len(rows) != 1 else ''})"])
