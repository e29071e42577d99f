"""SPARQL over a store: saved queries from ``queries/``, safe parameters, result formatting.

A saved query is a ``.rq`` file whose header comment says what it answers and
which parameters it takes::

    # Brands of a company.
    # @param company: name or alias of the company, e.g. "Chery"
    SELECT ... WHERE { ... ?company_name ... }

A parameter names an entity: ``--param company="Chery"`` is first matched,
case-insensitively, against every ``rdfs:label`` and ``skos:altLabel``, and the
variable ``?company`` is then replaced by each matching entity's IRI (the
query runs once per match, rows merged). A parameter declared ``(text)``
(``# @param text (text): ...``) is replaced by a string literal instead. Either
way the value is written as a checked RDF term, never spliced in raw, so it
cannot change the query's shape. Constants rather than ``VALUES`` blocks also let
the store plan the query around them: at 10,000 releases that is milliseconds
instead of minutes.
"""

from __future__ import annotations

import csv
import enum
import io
import itertools
import json
import re
from dataclasses import dataclass
from pathlib import Path

from .errors import QueryError, UpdateRefused
from .escapes import terminal_safe
from .resources import data_dir
from .stores import GraphStore, QueryKind, QueryResult

__all__ = [
    "SavedQuery",
    "saved_queries",
    "load_query",
    "bind_parameters",
    "substitute",
    "find_entities",
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
    text_params: frozenset[str] = frozenset()
    """Parameters bound as string literals; the others name entities."""


MAX_QUERY_BYTES = 1024 * 1024
"""Largest ``.rq`` file read; saved queries are a few hundred bytes."""

_PARAM = re.compile(r"^#\s*@param\s+(\w+)\s*(\(text\))?\s*:?\s*(.*)$")


def _parse_saved(path: Path) -> SavedQuery:
    text = path.read_text(encoding="utf-8")
    description, params, text_params = "", {}, set()
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        param = _PARAM.match(line)
        if param:
            params[param.group(1)] = param.group(3).strip()
            if param.group(2):
                text_params.add(param.group(1))
        elif not description and line.strip("# ").strip():
            description = line.strip("# ").strip()
    return SavedQuery(path.stem, path, description, params, text, frozenset(text_params))


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


def _check_declared(params: dict[str, str], declared: dict[str, str] | None) -> None:
    if declared is not None:
        unknown = sorted(set(params) - set(declared))
        if unknown:
            raise QueryError(f"unknown parameter(s) {', '.join(unknown)}; this query takes: {', '.join(declared) or 'none'}")
        missing = sorted(set(declared) - set(params))
        if missing:
            raise QueryError(f"missing parameter(s): {', '.join(f'--param {m}=...' for m in missing)}")
    for name in params:
        if not re.fullmatch(r"[A-Za-z_]\w*", name):
            raise QueryError(f"parameter name {name!r} is not a SPARQL variable name")


def substitute(sparql: str, terms: dict[str, str]) -> str:
    """Replace each variable ``?name`` (or ``$name``) by an already serialised RDF term.

    >>> substitute('SELECT ?b WHERE { ?company :brand ?b }', {"company": "<https://example.org/acme>"})
    'SELECT ?b WHERE { <https://example.org/acme> :brand ?b }'
    """
    for name, term in terms.items():
        sparql = re.sub(rf"[?$]{name}\b", lambda _: term, sparql)
    return sparql


def bind_parameters(sparql: str, params: dict[str, str], declared: dict[str, str] | None = None) -> str:
    """Bind every parameter as an escaped string literal (the form for ``(text)`` parameters).

    :raises QueryError: for an undeclared, missing or badly named parameter.
    """
    _check_declared(params, declared)
    return substitute(sparql, {name: sparql_literal(value) for name, value in params.items()})


_NO_ENTITY = "<urn:mobkg:no-such-entity>"
"""Bound when a name matches nothing, so the query still runs and answers with no rows."""


def find_entities(store: GraphStore, name: str) -> list[str]:
    """IRIs of the entities one of whose labels or aliases is ``name``, ignoring case."""
    lookup = (
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
        "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
        "SELECT DISTINCT ?entity WHERE { ?entity rdfs:label|skos:altLabel ?name . "
        f"FILTER (LCASE(STR(?name)) = LCASE({sparql_literal(name)})) }} ORDER BY ?entity"
    )
    return [str(row[0]) for row in store.query(lookup).rows if row[0] is not None]


def run_query(store: GraphStore, query: str, params: dict[str, str] | None = None) -> QueryResult:
    """Run a saved query name, ``.rq`` file or SPARQL text against ``store``.

    Parameters of a saved query name entities and are resolved to their IRIs first (the
    query runs once per matching entity and the rows are merged); ``(text)`` parameters,
    and every parameter of ad-hoc SPARQL, are bound as string literals.

    :raises UpdateRefused: if the text is a SPARQL UPDATE.
    :raises QueryError: for a syntax error or bad parameters.
    """
    sparql, saved = load_query(query)
    _refuse_updates(sparql)
    params = params or {}
    _check_declared(params, saved.params if saved else None)
    choices: list[list[tuple[str, str]]] = []
    for name, value in params.items():
        if saved is None or name in saved.text_params:
            choices.append([(name, sparql_literal(value))])
        else:
            iris = find_entities(store, value) or [None]
            choices.append([(name, f"<{iri}>" if iri else _NO_ENTITY) for iri in iris])
    results = [store.query(substitute(sparql, dict(combination))) for combination in itertools.product(*choices)]
    return _merge(results)


def _merge(results: list[QueryResult]) -> QueryResult:
    """One result from the runs of a query for several matching entities."""
    first = results[0]
    if len(results) == 1:
        return first
    if first.kind is QueryKind.ASK:
        return QueryResult(QueryKind.ASK, boolean=any(r.boolean for r in results))
    if first.kind is QueryKind.CONSTRUCT:
        graph = first.graph
        for result in results[1:]:
            graph += result.graph
        return QueryResult(QueryKind.CONSTRUCT, graph=graph)
    rows = list(dict.fromkeys(row for result in results for row in result.rows))
    return QueryResult(QueryKind.SELECT, variables=first.variables, rows=rows)


class OutputFormat(enum.Enum):
    """How ``mobkg query`` prints results."""

    TABLE = "table"
    CSV = "csv"
    JSON = "json"


def _cell(term) -> str:
    return "" if term is None else str(term)


def format_result(result: QueryResult, fmt: OutputFormat = OutputFormat.TABLE) -> str:
    """Render a query result as an aligned table, CSV or JSON text.

    The table (and the Turtle a CONSTRUCT prints in table format) is for a terminal, so
    control characters and bidi overrides in the data are shown escaped
    (:func:`~mobkg.escapes.terminal_safe`). CSV and JSON are data: they keep every
    value exactly, so they are what to write to a file or pipe into a program.
    """
    if result.kind is QueryKind.ASK:
        return json.dumps({"boolean": result.boolean}) if fmt == OutputFormat.JSON else str(result.boolean).lower()
    if result.kind is QueryKind.CONSTRUCT:
        if fmt == OutputFormat.JSON:
            return result.graph.serialize(format="json-ld")
        return terminal_safe(result.graph.serialize(format="turtle"), multiline=True)
    rows = [[_cell(term) for term in row] for row in result.rows]
    if fmt == OutputFormat.JSON:
        return json.dumps([dict(zip(result.variables, row)) for row in rows], ensure_ascii=False, indent=2)
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
