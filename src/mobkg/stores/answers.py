"""A SPARQL server's answers, read defensively: whatever it sends becomes rows of the right shape or an error.

A server can send anything: HTML from a login page, JSON of another shape,
variables the query did not ask for, a literal where only an IRI can be. Here
every answer is checked before anything uses it:

* the media type is the one asked for (or none at all);
* SPARQL JSON results have a ``head`` with a list of distinct variable names and
  ``results.bindings`` holding objects whose keys are among them, each term a
  well-formed ``uri`` / ``bnode`` / ``literal``; an ASK answer is a JSON boolean;
* a SELECT answer has no variable the query does not project (found in its
  text by :func:`projected_variables`; one it leaves out is unbound in every
  row), and its rows come in the query's order of variables, as they do from
  the embedded store;
* for the store's own queries, :class:`Expect` says which variables must be
  bound and to which kinds of term (a graph name is an IRI, never a literal).

Any breach raises :class:`MalformedAnswer` (a ``ValueError``) with the reason;
:mod:`mobkg.stores.remote` turns it into a one-line ``StoreError`` naming the endpoint.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass

import pyoxigraph as ox

__all__ = ["MalformedAnswer", "Expect", "Solutions", "read_solutions", "read_triples", "query_form",
           "projected_variables", "IRI", "NODE", "LITERAL", "ANY"]

IRI = (ox.NamedNode,)
NODE = (ox.NamedNode, ox.BlankNode)
LITERAL = (ox.Literal,)
ANY = (ox.NamedNode, ox.BlankNode, ox.Literal)

SPARQL_JSON_TYPES = frozenset({"application/sparql-results+json", "application/json"})
NTRIPLES_TYPES = frozenset({"application/n-triples", "text/plain"})

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_PROLOGUE = re.compile(r"^(?:\s+|#[^\n]*(?:\n|$)|PREFIX\s+[^\s:]*:\s*<[^>]*>|BASE\s*<[^>]*>)*", re.IGNORECASE)
_FORM = re.compile(r"(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", re.IGNORECASE)
_TOKEN = re.compile(
    r"""'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\""""
    r"""|'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"|<[^<>"{}|^`\\\x00-\x20]*>|\#[^\n]*"""
    r"""|[?$][^\s(){}.,;*?$<>"'=!&|+\-/#]+|\w+|\S""",
    re.DOTALL,
)


class MalformedAnswer(ValueError):
    """An answer that is not what the protocol, or the query, promises."""


@dataclass(frozen=True)
class Expect:
    """What the store's own query needs of each row: variable → allowed term kinds, and which must be bound."""

    kinds: Mapping[str, tuple[type, ...]]
    required: frozenset[str]


@dataclass(frozen=True)
class Solutions:
    """A checked SELECT or ASK answer: ``boolean`` is set for ASK, ``variables`` and ``rows`` for SELECT."""

    variables: list[str]
    rows: list[tuple]
    boolean: bool | None = None


def query_form(sparql: str) -> str | None:
    """``"SELECT"``, ``"ASK"``, ``"CONSTRUCT"`` or ``"DESCRIBE"``: the form of ``sparql``, if its text says.

    >>> query_form("PREFIX ex: <http://e/> # hi\\n  ask { ?s ?p ?o }")
    'ASK'
    """
    found = _FORM.match(_PROLOGUE.sub("", sparql, count=1))
    return found.group(1).upper() if found else None


def projected_variables(sparql: str) -> list[str] | None:
    """The variables a SELECT query projects, in order; ``None`` for ``SELECT *`` or text not understood.

    >>> projected_variables("SELECT DISTINCT ?g (COUNT(?s) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
    ['g', 'n']
    """
    text = _PROLOGUE.sub("", sparql, count=1)
    if not re.match(r"SELECT\b", text, re.IGNORECASE):
        return None
    names: list[str] = []
    depth, recent = 0, []
    for token in _TOKEN.finditer(text, 6):
        word = token.group(0)
        if word.startswith("#"):
            continue
        upper = word.upper()
        if depth == 0:
            if word == "*":
                return None
            if word == "{" or upper in {"WHERE", "FROM"}:
                return names or None
            if word[0] in "?$":
                names.append(word[1:])
            elif word == "(":
                depth, recent = 1, []
            elif upper not in {"DISTINCT", "REDUCED"}:
                return None
            continue
        if word == "(":
            depth += 1
        elif word == ")":
            depth -= 1
            if depth == 0:
                if len(recent) < 2 or recent[-2].upper() != "AS" or recent[-1][0] not in "?$":
                    return None
                names.append(recent[-1][1:])
                continue
        if depth == 1:
            recent.append(word)
    return None


def read_solutions(data: bytes, media_type: str, *, form: str | None, projected: list[str] | None,
                   expect: Expect | None = None) -> Solutions:
    """Check and read SPARQL 1.1 Query Results JSON into pyoxigraph terms.

    :raises MalformedAnswer: if anything about it is not what the query and the protocol promise.
    """
    if media_type and media_type not in SPARQL_JSON_TYPES:
        raise MalformedAnswer(f"the server sent {media_type!r}, not SPARQL JSON results")
    try:
        answer = json.loads(data)
    except (ValueError, RecursionError) as error:
        raise MalformedAnswer(f"not JSON: {_short(error)}") from None
    if not isinstance(answer, dict):
        raise MalformedAnswer(f"a JSON {type(answer).__name__}, not an object")
    if "boolean" in answer:
        if not isinstance(answer["boolean"], bool):
            raise MalformedAnswer("'boolean' is not true or false")
        if form == "SELECT":
            raise MalformedAnswer("a yes/no answer to a SELECT query")
        return Solutions([], [], answer["boolean"])
    if form == "ASK":
        raise MalformedAnswer("rows in answer to an ASK query")
    head, results = answer.get("head"), answer.get("results")
    variables = head.get("vars") if isinstance(head, dict) else None
    if not isinstance(variables, list) or not all(isinstance(v, str) for v in variables) \
            or len(set(variables)) != len(variables):
        raise MalformedAnswer("'head.vars' is not a list of distinct variable names")
    bindings = results.get("bindings") if isinstance(results, dict) else None
    if not isinstance(bindings, list):
        raise MalformedAnswer("'results.bindings' is not a list")
    known = set(variables)
    if projected is not None:
        # A variable the server leaves out is unbound in every row; one the query did not ask for is an error.
        if not known <= set(projected):
            raise MalformedAnswer(f"variables {_names(variables)} in answer to a query for {_names(projected)}")
        variables = list(projected)
    rows = []
    for binding in bindings:
        if not isinstance(binding, dict) or not known.issuperset(binding):
            raise MalformedAnswer("a row that is not an object of the answer's variables")
        rows.append(tuple(_term(binding[v], v) if v in binding else None for v in variables))
    if expect is not None:
        _check(rows, variables, expect)
    return Solutions(variables, rows)


def read_triples(data: bytes, media_type: str) -> list[ox.Triple]:
    """Check and read an N-Triples answer.

    :raises MalformedAnswer: if it is not N-Triples of plain terms.
    """
    if media_type and media_type not in NTRIPLES_TYPES:
        raise MalformedAnswer(f"the server sent {media_type!r}, not N-Triples")
    try:
        triples = list(ox.parse(data, ox.RdfFormat.N_TRIPLES))
    except (SyntaxError, ValueError) as error:
        raise MalformedAnswer(f"malformed N-Triples ({_short(error)})") from None
    for triple in triples:
        if not isinstance(triple.subject, NODE) or not isinstance(triple.object, ANY):
            raise MalformedAnswer("an RDF-star triple where plain RDF is due")
    return triples


def _term(value, variable: str) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """A term of SPARQL 1.1 Query Results JSON as a pyoxigraph term."""
    if not isinstance(value, dict) or not isinstance(value.get("value"), str):
        raise MalformedAnswer(f"?{variable} is not a term with a string 'value'")
    kind, text = value.get("type"), value["value"]
    try:
        if kind == "uri":
            return ox.NamedNode(text)
        if kind == "bnode":
            return ox.BlankNode(text)
        if kind in {"literal", "typed-literal"}:
            language, datatype = value.get("xml:lang"), value.get("datatype", _XSD_STRING)
            if language is not None:
                if not isinstance(language, str):
                    raise MalformedAnswer(f"?{variable} has a language tag that is not a string")
                return ox.Literal(text, language=language)
            if not isinstance(datatype, str):
                raise MalformedAnswer(f"?{variable} has a datatype that is not a string")
            return ox.Literal(text, datatype=ox.NamedNode(datatype))
    except (ValueError, TypeError) as error:
        raise MalformedAnswer(f"?{variable} is not a valid {kind} ({_short(error)})") from None
    raise MalformedAnswer(f"?{variable} has the unsupported term type {str(kind)[:40]!r}")


def _check(rows: list[tuple], variables: list[str], expect: Expect) -> None:
    for variable in expect.required - set(variables):
        raise MalformedAnswer(f"?{variable} is missing from the answer")
    for row in rows:
        for variable, term in zip(variables, row):
            if term is None:
                if variable in expect.required:
                    raise MalformedAnswer(f"?{variable} is unbound in a row")
            elif not isinstance(term, expect.kinds.get(variable, ANY)):
                kinds = " or ".join(_KIND_NAMES[kind] for kind in expect.kinds[variable])
                raise MalformedAnswer(f"?{variable} is {_KIND_NAMES[type(term)]} where {kinds} is due")


_KIND_NAMES = {ox.NamedNode: "an IRI", ox.BlankNode: "a blank node", ox.Literal: "a literal"}


def _names(variables: list[str]) -> str:
    shown = " ".join(f"?{v}" for v in variables[:8])[:200]
    return f"[{shown}{' ...' if len(variables) > 8 else ''}]"


def _short(error: BaseException) -> str:
    text = str(error).strip()
    return (text.splitlines()[0] if text else type(error).__name__)[:200]
