"""Streaming the answer of a query on the embedded store, in this process or, with a time limit, in a child.

pyoxigraph evaluates a query in Rust and releases the GIL, but nothing in Python can
stop it: a ``SIGALRM`` handler only runs once control returns to Python, and one
``next()`` of a ``COUNT`` over a cross product never returns (measured: an alarm set
for 0.5 s had not fired after 20 s); a worker thread keeps burning a core after its
caller has given up. So a query with a time limit runs in a child process
(:mod:`mobkg.stores.query_child`) that opens the store read-only, as a second reader
may while a build writes, and streams its answer through a pipe; at the deadline it
is killed. Starting the child costs about 0.2 s; a query without a limit runs here.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph

from ..errors import QueryError, StoreError
from .base import QueryKind, QueryStream

__all__ = ["stream_in_process", "stream_in_child", "query_error", "within", "timeout_error"]

_CHILD = Path(__file__).with_name("query_child.py")


def query_error(location: str, kind: str, message: str) -> QueryError | StoreError:
    """The mobkg error for a pyoxigraph exception raised by a query (by its class name)."""
    message = (message.strip().splitlines() or [""])[0][:200]
    if kind == "SyntaxError":
        return QueryError(f"SPARQL syntax error: {message}")
    if kind == "ValueError":
        return QueryError(f"query failed: {message}")
    if "corruption" in message.lower():
        from .folder import damaged

        return damaged(location, message)
    return StoreError(f"{location}: query failed ({message})")


def _converted(result: ox.QuerySolutions, variables: list[ox.Variable], location: str, on_end=None) -> Iterator[tuple]:
    from .embedded import to_rdflib

    try:
        for solution in result:
            yield tuple(to_rdflib(solution[v]) for v in variables)
    except (SyntaxError, ValueError, OSError, RuntimeError) as error:  # raised while evaluating, row by row
        if on_end is not None:
            on_end(error)
        raise query_error(location, type(error).__name__, str(error)) from None
    if on_end is not None:
        on_end(None)


def _answer(result, location: str, on_end=None) -> QueryStream:
    from .embedded import to_rdflib

    if isinstance(result, ox.QueryBoolean):
        return QueryStream(QueryKind.ASK, boolean=bool(result))
    if isinstance(result, ox.QuerySolutions):
        variables = list(result.variables)
        return QueryStream(QueryKind.SELECT, variables=[v.value for v in variables],
                           rows=_converted(result, variables, location, on_end))
    graph = Graph()
    try:
        for triple in result:
            graph.add((to_rdflib(triple.subject), to_rdflib(triple.predicate), to_rdflib(triple.object)))
    except (SyntaxError, ValueError, OSError, RuntimeError) as error:
        if on_end is not None:
            on_end(error)
        raise query_error(location, type(error).__name__, str(error)) from None
    if on_end is not None:
        on_end(None)
    return QueryStream(QueryKind.CONSTRUCT, graph=graph)


def timeout_error(timeout: float | None = None) -> QueryError:
    """The error of a query stopped at its time limit (``timeout``: what is left of it, not named)."""
    return QueryError("query stopped at its time limit; narrow it, add a LIMIT, or raise --timeout (0: no limit)")


def within(timeout: float, call):
    """``call()`` with a deadline, for blocking I/O (a remote store's request) that cannot be killed.

    The call runs in a daemon thread; at the deadline the caller gets the timeout error and the
    thread is left to end with its own socket timeout.

    :raises QueryError: when ``timeout`` seconds have passed; else whatever ``call`` raises.
    """
    outcome: dict = {}

    def run() -> None:
        try:
            outcome["value"] = call()
        except BaseException as error:  # handed to the caller's thread
            outcome["error"] = error

    worker = threading.Thread(target=run, daemon=True, name="mobkg-query")
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        raise timeout_error(timeout)
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def stream_in_process(store: ox.Store, sparql: str, location: str) -> QueryStream:
    """Run ``sparql`` on an open pyoxigraph store; SELECT rows are converted as they are read.

    :raises QueryError: for a syntax error; :raises StoreError: if the store fails.
    """
    try:
        result = store.query(sparql)
    except (SyntaxError, ValueError, OSError, RuntimeError) as error:
        raise query_error(location, type(error).__name__, str(error)) from None
    return _answer(result, location)


def stream_in_child(location: str, sparql: str, timeout: float) -> QueryStream:
    """Run ``sparql`` on the store at ``location`` in a child process killed after ``timeout`` seconds.

    :raises QueryError: for a syntax error, or when the time is up (also while rows are read).
    :raises StoreError: if the store cannot be read.
    """
    child = subprocess.Popen([sys.executable, "-P", str(_CHILD), location], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    expired = threading.Event()

    def stop() -> None:
        expired.set()
        child.kill()

    timer = threading.Timer(timeout, stop)
    timer.daemon = True
    timer.start()

    def finish(_error=None) -> None:
        """Reap the child; raise the error it reported, or the timeout."""
        timer.cancel()
        if child.poll() is None and _error is not None:
            child.kill()
        status = child.wait()
        report = child.stderr.read() if child.stderr else b""
        for pipe in (child.stdout, child.stderr):
            if pipe is not None:
                pipe.close()
        if expired.is_set():
            raise timeout_error(timeout)
        if status != 0:
            try:
                failure = json.loads(report.decode("utf-8", "replace").strip().splitlines()[-1])
                raise query_error(location, failure["kind"], failure["message"])
            except (ValueError, IndexError, KeyError, TypeError):
                raise StoreError(f"{location}: the query process failed (exit status {status})") from None

    try:
        child.stdin.write(sparql.encode("utf-8"))
        child.stdin.close()
    except BrokenPipeError:
        pass
    try:
        kind = child.stdout.readline().strip()
        if kind == b"ask":
            boolean = child.stdout.read().strip() == b"true"
            finish()
            return QueryStream(QueryKind.ASK, boolean=boolean)
        if kind == b"construct":
            triples = ox.parse(child.stdout, ox.RdfFormat.N_TRIPLES)
            return _answer(_Triples(triples), location, on_end=finish)
        if kind != b"select":
            finish()
            raise StoreError(f"{location}: the query process gave no answer")
        solutions = ox.parse_query_results(child.stdout, ox.QueryResultsFormat.TSV)
        return QueryStream(QueryKind.SELECT, variables=[v.value for v in solutions.variables],
                           rows=_child_rows(solutions, location, finish, child))
    except (SyntaxError, ValueError, OSError) as error:  # the answer was cut short: killed, or the child failed
        finish(error)
        raise StoreError(f"{location}: the query process gave a broken answer") from None


class _Triples:
    """The triples of a CONSTRUCT answer read back from the child (an iterable, like ``QueryTriples``)."""

    def __init__(self, parser):
        self._parser = parser

    def __iter__(self):
        return iter(self._parser)


def _child_rows(solutions, location: str, finish, child) -> Iterator[tuple]:
    from .embedded import to_rdflib

    variables = list(solutions.variables)
    ended = False
    try:
        try:
            for solution in solutions:
                yield tuple(to_rdflib(solution[v]) for v in variables)
        except (SyntaxError, ValueError, OSError) as error:  # cut short: killed at the deadline, or failed
            ended = True
            finish(error)
            raise StoreError(f"{location}: the query process gave a broken answer") from None
        ended = True
        finish()
    finally:
        if not ended:  # the reader stopped early: stop the query too
            child.kill()
            try:
                finish()
            except (QueryError, StoreError):
                pass
