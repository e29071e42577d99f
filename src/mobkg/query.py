"""SPARQL over a store: a saved query (:mod:`mobkg.saved`) or text, safe parameters, Python rows.

The rows' values and their text formats are in :mod:`mobkg.results`.

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

import itertools
import re
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

import pyoxigraph as ox

from .errors import QueryError, UnknownEntity
from .formats import DEFAULT_TIMEOUT
from .results import OutputFormat, format_result, python_value, write_result
from .saved import _BARE_NAME, MAX_QUERY_BYTES, SavedQuery, _parse_saved, closest, saved_queries
from .sparql import bind_values, federated, outer_variables, refuse_updates
from .stores import EmbeddedStore, GraphStore, QueryKind, QueryResult
from .stores.base import QueryStream
from .vocab import ENTITY_NS

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



def sparql_literal(value: str) -> str:
    """Escape ``value`` as a SPARQL string literal.

    >>> print(sparql_literal('Ac"me } DROP ALL\\n'))
    "Ac\\"me } DROP ALL\\n"
    """
    escaped = (
        value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")
    )
    return f'"{escaped}"'


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
    """IRIs of the entities one of whose labels or aliases is ``name``, ignoring case.

    The usual spellings of ``name`` (as given, lower case, upper case, title case) are looked up
    first, through the store's index of literals: a few milliseconds at any store size, where
    comparing every label in lower case took 0.36 s on a 24,653-release store. Only when none
    of them names an entity are all labels compared (so "vALMORA" is still found).
    """
    prefixes = ("PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
                "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n")
    spellings = dict.fromkeys([name, name.lower(), name.upper(), name.title(), name[:1].upper() + name[1:]])
    values = " ".join(sparql_literal(spelling) for spelling in spellings)
    exact = (f"{prefixes}SELECT DISTINCT ?entity WHERE {{ VALUES ?name {{ {values} }} "
             "?entity rdfs:label|skos:altLabel ?name } ORDER BY ?entity")
    found = [str(row[0]) for row in store.query(exact).rows if row[0] is not None]
    if found:
        return found
    lookup = (
        f"{prefixes}SELECT DISTINCT ?entity WHERE {{ ?entity rdfs:label|skos:altLabel ?name . "
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
    refuse_updates(sparql)
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


