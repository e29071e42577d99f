"""SPARQL over a store: saved queries from ``queries/``, safe parameters, result formatting.

A saved query is a ``.rq`` file whose header comment says what it answers and
which parameters it takes::

    # Brands of a company.
    # @param company: name or alias of the company, e.g. "Chery"
    SELECT ... WHERE { ... ?company_name ... }

A parameter names an entity: ``--param company="Chery"`` is first matched,
case-insensitively, against every ``rdfs:label`` and ``skos:altLabel``; the query
then runs once per matching entity, with ``?company`` bound to its IRI, and the
rows are merged. A parameter declared ``(text)`` (``# @param text (text): ...``),
and every parameter of SPARQL text given on the command line, is bound to a string
literal instead.

Binding goes through SPARQL, never through the query's text: the values become one
``VALUES`` block of checked, serialised RDF terms at the start of the outermost
``WHERE`` group (:func:`mobkg.sparql.bind_values`). Nothing in the query is
rewritten, so a value cannot change its shape, whatever it holds (``?b``, quotes,
``}``), and a query may project a parameter (``SELECT ?company ...``). Two other
ways were measured and rejected: pyoxigraph's ``substitutions`` refuse a variable
the query does not project (most saved queries), and a trailing ``VALUES`` clause
is joined *after* ``GROUP BY``, so it does not restrict an aggregate at all. On the
embedded store the group follows the block as Oxigraph's ``LATERAL``, which plans
it with the values as constants (brands-of-company on 1,000 releases: 50 ms, as
fast as the old textual constants, instead of 1.5 s with a plain ``VALUES`` join).

Queries are read-only (an UPDATE is refused) and local: a ``SERVICE`` clause,
which would make the store call any URL, is refused unless ``allow_service`` is
given. ``timeout`` stops a query that runs too long (see
:mod:`mobkg.stores.bounded`), and :func:`stream_query` / :func:`write_result`
pass rows from the store to the output one by one.
"""

from __future__ import annotations

import csv
import datetime
import decimal
import enum
import io
import itertools
import json
import re
import textwrap
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

import pyoxigraph as ox
from rdflib import Literal

from .errors import QueryError, UnknownEntity, UpdateRefused
from .escapes import terminal_safe
from .resources import analyst_dirs, data_dir
from .sparql import bind_values, federated, outer_variables
from .vocab import ENTITY_NS
from .stores import EmbeddedStore, GraphStore, QueryKind, QueryResult
from .stores.base import QueryStream

__all__ = [
    "SavedQuery",
    "saved_queries",
    "load_query",
    "read_query_text",
    "bind_parameters",
    "find_entities",
    "suggest_entities",
    "sparql_literal",
    "run_query",
    "stream_query",
    "format_result",
    "python_value",
    "write_result",
    "OutputFormat",
    "DEFAULT_TIMEOUT",
]

DEFAULT_TIMEOUT = 300.0
"""Seconds ``mobkg query`` lets a query run by default."""

TABLE_MAX_ROWS = 10_000
"""Rows :func:`write_result` shows as a table (it must see them all to align the columns)."""


@dataclass(frozen=True)
class SavedQuery:
    name: str
    path: Path
    description: str
    params: dict[str, str]
    text: str
    text_params: frozenset[str] = frozenset()
    """Parameters bound as string literals; the others name entities."""
    origin: str = "bundled"
    """Where it comes from: ``bundled`` (shipped with mobkg) or the analyst's folder that holds it."""


MAX_QUERY_BYTES = 1024 * 1024
"""Largest ``.rq`` file read; saved queries are a few hundred bytes."""

_PARAM = re.compile(r"^#\s*@param\s+(\w+)\s*(\(text\))?\s*:?\s*(.*)$")


def _parse_saved(path: Path, origin: str = "bundled") -> SavedQuery:
    text = path.read_text(encoding="utf-8")
    description, params, text_params = "", {}, set()
    for number, line in enumerate(text.splitlines(), 1):
        if not line.startswith("#"):
            break
        param = _PARAM.match(line)
        if param:
            if param.group(1) in params:
                raise QueryError(f"{path}: line {number}: @param {param.group(1)} is declared twice")
            params[param.group(1)] = param.group(3).strip()
            if param.group(2):
                text_params.add(param.group(1))
        elif re.match(r"#\s*@param\b", line):
            raise QueryError(f"{path}: line {number}: malformed @param line; expected "
                             f"`# @param NAME: what it is` or `# @param NAME (text): what it is`")
        elif not description and line.strip("# ").strip():
            description = line.strip("# ").strip()
    return SavedQuery(path.stem, path, description, params, text, frozenset(text_params), origin)


def _read_analyst_query(path: Path, origin: str) -> SavedQuery:
    """Read and check one of an analyst's ``.rq`` files, so a mistake is named at load, not at run time.

    :raises QueryError: naming the file: unreadable, not UTF-8, over 1 MiB, a malformed or unused
        ``@param`` line, an UPDATE, or a SPARQL syntax error.
    """
    if not _BARE_NAME.fullmatch(path.stem):
        raise QueryError(f"{path}: a saved query's file name must be a word of letters, digits, - and _")
    try:
        if path.stat().st_size > MAX_QUERY_BYTES:
            raise QueryError(f"{path}: query files larger than {MAX_QUERY_BYTES // 1024} KiB are refused")
        saved = _parse_saved(path, origin)
    except (OSError, UnicodeDecodeError) as exc:
        raise QueryError(f"{path}: cannot read query file ({exc})") from None
    try:
        _refuse_updates(saved.text)
        if not federated(saved.text):  # parsing runs nothing; a SERVICE query is checked when it runs
            ox.Store().query(saved.text)
        used = outer_variables(saved.text) if saved.params else set()
    except SyntaxError as exc:
        raise QueryError(f"{path}: SPARQL syntax error: {str(exc).splitlines()[0]}") from None
    except QueryError as exc:
        raise QueryError(f"{path}: {exc}") from None
    unused = [name for name in saved.params if name not in used]
    if unused:
        raise QueryError(f"{path}: declares @param {', '.join(unused)} but its WHERE clause (outside sub-queries) "
                         f"uses no {', '.join('?' + n for n in unused)}")
    return saved


def saved_queries(folders: Sequence[str | Path] | None = None) -> dict[str, SavedQuery]:
    """The saved queries by name: those shipped in ``queries/``, then an analyst's own.

    ``folders`` are the analyst's folders of ``.rq`` files; ``None`` means the configured
    ones (``MOBKG_QUERIES`` or the config file's ``queries``, see
    :func:`mobkg.resources.analyst_dirs`). An analyst's query of the same name as a
    shipped one replaces it; of two folders holding one name, the first given wins.
    Each analyst's file is checked as it is read.

    :raises QueryError: naming the file, for an analyst's query that is unreadable or invalid.
    :raises ConfigError: if a configured folder does not exist.
    """
    queries = {p.stem: _parse_saved(p) for p in sorted(data_dir("queries").glob("*.rq"))}
    mine: dict[str, SavedQuery] = {}
    for folder in analyst_dirs("queries", None if folders is None else list(folders)):
        for path in sorted(Path(folder).glob("*.rq")):
            if path.stem not in mine:
                mine[path.stem] = _read_analyst_query(path, str(folder))
    return dict(sorted({**queries, **mine}.items()))


def load_query(query: str, folders: Sequence[str | Path] | None = None) -> tuple[str, SavedQuery | None]:
    """Resolve QUERY as given on the command line: a saved query name, a ``.rq`` file, or SPARQL text.

    ``folders``: the analyst's query folders, as for :func:`saved_queries`.

    :raises QueryError: if a ``.rq`` file is named but missing or unreadable, or a bare word
        names no saved query (with the closest names as a hint).
    """
    saved = saved_queries(folders)
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
    if _BARE_NAME.fullmatch(query.strip()):  # no SPARQL text is one bare word: a misspelt saved query
        close = closest(query.strip(), list(saved), cutoff=60)
        hint = f"did you mean {' or '.join(close)}? " if close else ""
        raise QueryError(f"{query.strip()}: no saved query of that name; {hint}`mobkg queries` lists them")
    return query, None


_BARE_NAME = re.compile(r"[A-Za-z][\w\-]*")


def closest(word: str, choices: Sequence[str], *, limit: int = 3, cutoff: float = 70) -> list[str]:
    """The ``choices`` most like ``word`` (rapidfuzz's normalised edit similarity, 0-100, ignoring case), best first.

    >>> closest("brand-of-company", ["brands-of-company", "parent-chain"], cutoff=60)
    ['brands-of-company']
    """
    from rapidfuzz import fuzz, process, utils

    return [choice for choice, _, _ in process.extract(word, choices, scorer=fuzz.ratio, processor=utils.default_process,
                                                       limit=limit, score_cutoff=cutoff)]


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


def bind_parameters(sparql: str, params: dict[str, str], declared: dict[str, str] | None = None) -> str:
    """Bind every parameter to a string literal (the form for ``(text)`` parameters) in a ``VALUES`` block.

    >>> print(bind_parameters('SELECT ?o WHERE { ?s ?p ?o FILTER(STR(?o) = ?a) }', {"a": '?b } "'}))
    SELECT ?o WHERE { VALUES (?a) { ("?b } \\"") } ?s ?p ?o FILTER(STR(?o) = ?a) }

    :raises QueryError: for an undeclared, missing, badly named or unused parameter.
    """
    _check_declared(params, declared)
    _check_used(sparql, params)
    return bind_values(sparql, {name: sparql_literal(value) for name, value in params.items()})


def _check_used(sparql: str, params: dict[str, str]) -> None:
    if not params:
        return
    used = outer_variables(sparql)
    for name in params:
        if name not in used:
            raise QueryError(f"--param {name}: the query uses no ?{name} in its WHERE clause (outside sub-queries); "
                             f"nothing to bind")


def read_query_text(data: bytes, source: str = "stdin") -> str:
    """SPARQL text read from a stream (``mobkg query -``), with the limits of a ``.rq`` file.

    :raises QueryError: if it is larger than 1 MiB or not UTF-8.
    """
    if len(data) > MAX_QUERY_BYTES:
        raise QueryError(f"{source}: queries larger than {MAX_QUERY_BYTES // 1024} KiB are refused")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise QueryError(f"{source}: the query is not UTF-8 ({exc.reason} at byte {exc.start})") from None


_NO_ENTITY = "<urn:mobkg:no-such-entity>"
"""Bound when the entities a name matches have IRIs that cannot be bound (a remote store may hold anything)."""


def find_entities(store: GraphStore, name: str) -> list[str]:
    """IRIs of the entities one of whose labels or aliases is ``name``, ignoring case."""
    lookup = (
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
        "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
        "SELECT DISTINCT ?entity WHERE { ?entity rdfs:label|skos:altLabel ?name . "
        f"FILTER (LCASE(STR(?name)) = LCASE({sparql_literal(name)})) }} ORDER BY ?entity"
    )
    return [str(row[0]) for row in store.query(lookup).rows if row[0] is not None]


_ENTITY_NAMES = (
    "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
    "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
    "SELECT DISTINCT ?entity ?name WHERE { ?entity rdfs:label|skos:altLabel ?name "
    f"FILTER (STRSTARTS(STR(?entity), \"{ENTITY_NS}\")) }}"
)


def suggest_entities(store: GraphStore, name: str, limit: int = 3) -> list[str]:
    """Names of the entities most like ``name`` (labels and aliases, one name per entity), best first.

    What ``--param`` answers with "did you mean" when a name matches no entity.
    """
    names: dict[str, str] = {}
    best: dict[str, str] = {}
    for entity, label in store.query(_ENTITY_NAMES).rows:
        if entity is not None and label is not None:
            names.setdefault(str(label), str(entity))
    for match in closest(name, list(names), limit=len(names) or 1):
        best.setdefault(names[match], match)  # the best-scoring name of each entity
        if len(best) == limit:
            break
    return list(best.values())


def run_query(store: GraphStore, query: str, params: dict[str, str] | None = None, *,
              timeout: float | None = None, allow_service: bool = False,
              queries: Sequence[str | Path] | None = None) -> QueryResult:
    """Run a saved query name, ``.rq`` file or SPARQL text against ``store``; all rows at once.

    Parameters of a saved query name entities and are resolved to their IRIs first (the
    query runs once per matching entity and the rows are merged); ``(text)`` parameters,
    and every parameter of ad-hoc SPARQL, are bound as string literals. ``queries`` are
    the analyst's folders of saved queries (see :func:`saved_queries`).

    :raises UpdateRefused: if the text is a SPARQL UPDATE.
    :raises UnknownEntity: if an entity parameter names no entity (with the closest names).
    :raises QueryError: for a syntax error, bad parameters, a ``SERVICE`` clause (unless
        ``allow_service``) or when ``timeout`` seconds have passed.
    :raises StoreError: if the store cannot be read.
    """
    return stream_query(store, query, params, timeout=timeout, allow_service=allow_service, queries=queries).collect()


def stream_query(store: GraphStore, query: str, params: dict[str, str] | None = None, *,
                 timeout: float | None = None, allow_service: bool = False,
                 queries: Sequence[str | Path] | None = None) -> QueryStream:
    """Like :func:`run_query`, but a SELECT's rows are read from the store as they are iterated.

    The time limit covers the whole query, the rows read included. Iterate the rows to the
    end or ``close()`` the stream.

    :raises UpdateRefused: if the text is a SPARQL UPDATE.
    :raises UnknownEntity: if an entity parameter names no entity (with the closest names).
    :raises QueryError: as :func:`run_query` (also from the iteration, for the time limit).
    :raises StoreError: if the store cannot be read.
    """
    deadline = None if timeout is None else time.monotonic() + timeout
    sparql, saved = load_query(query, queries)
    _refuse_updates(sparql)
    if not allow_service and federated(sparql):
        raise QueryError("SERVICE clauses are refused: `mobkg query` does not call other SPARQL endpoints "
                         "(pass --allow-service to let it)")
    params = params or {}
    _check_declared(params, saved.params if saved else None)
    _check_used(sparql, params)
    choices: list[list[tuple[str, str]]] = []
    for name, value in params.items():
        if saved is None or name in saved.text_params:
            choices.append([(name, sparql_literal(value))])
        else:
            choices.append([(name, term) for term in _entity_terms(store, name, value)])
    lateral = isinstance(store, EmbeddedStore)  # Oxigraph: plan the group with the values as constants
    texts = [bind_values(sparql, dict(combination), lateral=lateral) for combination in itertools.product(*choices)]
    first = store.stream(texts[0], timeout=_left(deadline, timeout))
    if first.kind is not QueryKind.SELECT:
        if len(texts) == 1:
            return first
        rest = [store.stream(text, timeout=_left(deadline, timeout)).collect() for text in texts[1:]]
        merged = _merged(first.collect(), rest)
        return QueryStream(merged.kind, boolean=merged.boolean, graph=merged.graph)
    rows = first.rows if len(texts) == 1 else _distinct_rows(first, store, texts[1:], deadline, timeout)
    return QueryStream(QueryKind.SELECT, variables=first.variables, rows=_python_rows(rows))


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


def _python_rows(rows: Iterator[tuple]) -> Iterator[tuple]:
    """``rows`` with each cell a Python value; closing this closes ``rows`` (and stops the query)."""
    try:
        for row in rows:
            yield tuple(python_value(term) for term in row)
    finally:
        close = getattr(rows, "close", None)
        if close is not None:
            close()


def _entity_terms(store: GraphStore, param: str, name: str) -> list[str]:
    """The serialised IRIs of the entities named ``name``.

    :raises UnknownEntity: if no entity has that name.
    """
    iris = find_entities(store, name)
    if not iris:
        raise UnknownEntity(param, name, tuple(suggest_entities(store, name)))
    terms = []
    for iri in iris:
        try:
            terms.append(str(ox.NamedNode(iri)))
        except ValueError:  # not a valid IRI (a remote store may hold anything): it cannot be bound
            continue
    return terms or [_NO_ENTITY]


def _left(deadline: float | None, timeout: float | None) -> float | None:
    """Seconds left before the deadline (raising the time-limit error once there are none)."""
    if deadline is None:
        return None
    left = deadline - time.monotonic()
    if left <= 0:
        from .stores.bounded import timeout_error

        raise timeout_error(timeout)
    return left


def _distinct_rows(first: QueryStream, store: GraphStore, texts: list[str], deadline, timeout) -> Iterator[tuple]:
    """The rows of the runs for several matching entities, each row once (so these are held in memory)."""
    seen: set[tuple] = set()
    streams = [first]
    try:
        for index in range(len(texts) + 1):
            if index:
                streams.append(store.stream(texts[index - 1], timeout=_left(deadline, timeout)))
            for row in streams[-1].rows:
                if row not in seen:
                    seen.add(row)
                    yield row
    finally:
        streams[-1].close()


def _merged(first: QueryResult, rest: list[QueryResult]) -> QueryResult:
    """One ASK or CONSTRUCT result from the runs of a query for several matching entities."""
    if first.kind is QueryKind.ASK:
        return QueryResult(QueryKind.ASK, boolean=any(r.boolean for r in [first, *rest]))
    graph = first.graph
    for result in rest:
        graph += result.graph
    return QueryResult(QueryKind.CONSTRUCT, graph=graph)


class OutputFormat(enum.Enum):
    """How ``mobkg query`` prints results."""

    TABLE = "table"
    CSV = "csv"
    JSON = "json"
    JSONL = "jsonl"
    """JSON Lines: one object per row (an ASK answer or a CONSTRUCT graph: as ``json``)."""
    TSV = "tsv"
    """Tab-separated, a header row first; a tab, newline or backslash in a value is written ``\\t``, ``\\n``, ``\\\\``."""


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
