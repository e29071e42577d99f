"""Analyse the graph as a network: summary statistics, central entities, relationship paths.

Counts come from SPARQL over the store (so they also work against a remote
endpoint); centrality and paths use the networkx view of
:func:`mobkg.export.to_networkx`, where one edge is one distinct fact.

Names are matched the way saved queries match them: case-insensitively against
an entity's label and aliases.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from itertools import pairwise, product

import networkx as nx

from .errors import QueryError, StoreError
from .escapes import terminal_safe
from .export import entity_graph
from .stores import GraphStore
from .vocab import MOB, PROV, SCHEMA, EntityType, Predicate

__all__ = [
    "EntityRef",
    "Centrality",
    "GraphStats",
    "Hop",
    "graph_stats",
    "format_stats",
    "find_entities",
    "resolve_name",
    "shortest_path",
    "format_path",
]

# Exact betweenness is O(nodes x edges); above this size it is estimated from a
# fixed, seeded sample of source nodes so `mobkg stats` stays fast and repeatable.
_EXACT_BETWEENNESS_LIMIT = 1000
_BETWEENNESS_SAMPLE = 256


@dataclass(frozen=True)
class EntityRef:
    """One entity: its IRI, preferred label and type name (e.g. ``"Company"``)."""

    iri: str
    label: str
    type: str

    def __str__(self) -> str:
        return f"{self.label} ({self.type})"


@dataclass(frozen=True)
class Centrality:
    """How central an entity is: ``degree`` counts its distinct facts, ``betweenness`` is normalised to 0..1."""

    entity: EntityRef
    degree: int
    betweenness: float


@dataclass(frozen=True)
class GraphStats:
    """What the store holds; see :func:`graph_stats`."""

    releases: int
    corrections: int
    undated: int
    first_date: date | None
    last_date: date | None
    entities: int
    facts: int
    """Distinct (subject, predicate, object) facts over the twelve relations."""
    statements: int
    """Reified statements, one per fact per release that states it."""
    classes: dict[str, int]
    """Entities per type, all ten types, in vocabulary order."""
    predicates: dict[str, int]
    """Distinct facts per relation, all twelve relations, in vocabulary order."""
    central: list[Centrality]
    """The most central entities: highest betweenness first, then degree, then label."""
    betweenness_sampled: bool = False
    """True when the graph was too large for exact betweenness and it was estimated."""


def _relation_filter() -> str:
    return ", ".join(f"<{p.iri}>" for p in Predicate)


def _int(term) -> int:
    return int(term) if term is not None else 0


def _date(term) -> date | None:
    try:
        return date.fromisoformat(str(term)) if term is not None else None
    except ValueError:
        return None


def graph_stats(store: GraphStore, top: int = 10) -> GraphStats:
    """Count releases, entities and facts in ``store`` and rank its ``top`` most central entities.

    :raises QueryError: if the store rejects one of the counting queries.
    :raises StoreError: if the store cannot be read, or answers a counting query with no row,
        a count that is not a number or a relation it was not asked about (a remote server can).
    """
    try:
        return _graph_stats(store, top)
    except (IndexError, KeyError, ValueError) as error:
        raise StoreError(f"{store.location}: unexpected answer to a counting query ({type(error).__name__}); "
                         "is it a SPARQL 1.1 server holding a mobkg store?") from None


def _graph_stats(store: GraphStore, top: int) -> GraphStats:
    n_releases, n_corrections = store.query(f"""
        SELECT (COUNT(DISTINCT ?r) AS ?n) (COUNT(DISTINCT ?c) AS ?corrections) WHERE {{
          GRAPH ?r {{ ?r a <{MOB.Release}> . OPTIONAL {{ ?r a <{MOB.Correction}> . BIND (?r AS ?c) }} }}
        }}""").rows[0]
    n_dated, first, last = store.query(f"""
        SELECT (COUNT(DISTINCT ?r) AS ?n) (MIN(?d) AS ?first) (MAX(?d) AS ?last) WHERE {{
          GRAPH ?r {{ ?r a <{MOB.Release}> ; <{SCHEMA.datePublished}> ?d . }}
        }}""").rows[0]
    classes = {t.value: 0 for t in EntityType}
    by_class = {t.iri: t.value for t in EntityType}
    for cls, count in store.query("SELECT ?c (COUNT(DISTINCT ?e) AS ?n) WHERE { ?e a ?c } GROUP BY ?c").rows:
        if cls in by_class:
            classes[by_class[cls]] = _int(count)
    predicates = {p.value: 0 for p in Predicate}
    by_predicate = {p.iri: p.value for p in Predicate}
    for predicate, count in store.query(f"""
        SELECT ?p (COUNT(*) AS ?n) WHERE {{
          {{ SELECT DISTINCT ?s ?p ?o WHERE {{ ?s ?p ?o FILTER (?p IN ({_relation_filter()})) }} }}
        }} GROUP BY ?p""").rows:
        predicates[by_predicate[predicate]] = _int(count)
    statements = store.query(
        f"SELECT (COUNT(DISTINCT ?st) AS ?n) WHERE {{ ?st <{PROV.wasDerivedFrom}> ?r ; <{MOB.evidence}> ?e }}"
    ).rows[0][0]
    graph = entity_graph(store)
    central, sampled = _centrality(graph, top)
    return GraphStats(
        releases=_int(n_releases),
        corrections=_int(n_corrections),
        undated=_int(n_releases) - _int(n_dated),
        first_date=_date(first),
        last_date=_date(last),
        entities=sum(classes.values()),
        facts=sum(predicates.values()),
        statements=_int(statements),
        classes=classes,
        predicates=predicates,
        central=central,
        betweenness_sampled=sampled,
    )


def _ref(graph: nx.MultiDiGraph, node: str) -> EntityRef:
    data = graph.nodes[node]
    return EntityRef(node, data.get("label", node), data.get("type", ""))


def _centrality(graph: nx.MultiDiGraph, top: int) -> tuple[list[Centrality], bool]:
    if top <= 0 or graph.number_of_nodes() == 0:
        return [], False
    simple = nx.Graph(graph.to_undirected(as_view=True))
    sampled = simple.number_of_nodes() > _EXACT_BETWEENNESS_LIMIT
    betweenness = nx.betweenness_centrality(
        simple, k=_BETWEENNESS_SAMPLE if sampled else None, seed=0 if sampled else None, normalized=True
    )
    ranked = sorted(
        graph.nodes,
        key=lambda n: (-betweenness[n], -graph.degree(n), graph.nodes[n].get("label", n).casefold(), n),
    )
    return [Centrality(_ref(graph, n), graph.degree(n), round(betweenness[n], 4)) for n in ranked[:top]], sampled


def format_stats(stats: GraphStats) -> str:
    """Render :class:`GraphStats` as the plain text ``mobkg stats`` prints (names terminal-safe)."""
    span = "no dated releases"
    if stats.first_date:
        span = f"{stats.first_date.isoformat()} .. {stats.last_date.isoformat()}"
    lines = [
        f"releases     {stats.releases} ({stats.corrections} corrections, {stats.undated} undated; {span})",
        f"entities     {stats.entities}",
        f"facts        {stats.facts} distinct ({stats.statements} statements with evidence)",
        "",
        "entities per type",
        *(f"  {name:16} {count:>6}" for name, count in stats.classes.items()),
        "",
        "facts per predicate",
        *(f"  {name:16} {count:>6}" for name, count in stats.predicates.items()),
    ]
    if stats.central:
        note = " (betweenness estimated from a sample)" if stats.betweenness_sampled else ""
        names = [terminal_safe(str(c.entity)) for c in stats.central]
        width = max(map(len, names))
        lines += ["", f"most central entities{note}", f"  {'entity':{width}}  degree  betweenness"]
        lines += [f"  {name:{width}}  {c.degree:>6}  {c.betweenness:>11.4f}" for name, c in zip(names, stats.central)]
    return "\n".join(lines)


def _names(data: dict) -> set[str]:
    names = {data.get("label", "")} | set(filter(None, data.get("aliases", "").split("|")))
    return {" ".join(n.split()).casefold() for n in names if n}


def find_entities(graph: nx.MultiDiGraph, name: str) -> list[EntityRef]:
    """Entities of ``graph`` whose label or an alias equals ``name``, ignoring case and extra spaces.

    >>> g = nx.MultiDiGraph()
    >>> g.add_node("urn:x", label="Acme Motors", type="Company", aliases="Acme|ACME AG")
    >>> [str(e) for e in find_entities(g, "acme ag")]
    ['Acme Motors (Company)']
    """
    wanted = " ".join(name.split()).casefold()
    return [_ref(graph, n) for n, data in graph.nodes(data=True) if wanted in _names(data)]


def resolve_name(graph: nx.MultiDiGraph, name: str) -> list[EntityRef]:
    """Like :func:`find_entities`, but a name that fits no entity is an error.

    :raises QueryError: if no entity has the label or alias ``name``.
    """
    found = find_entities(graph, name)
    if not found:
        raise QueryError(
            f"no entity is named {name!r} (label or alias); "
            f"`mobkg query find-entity --param text=...` searches by part of a name"
        )
    return found


@dataclass(frozen=True)
class Hop:
    """One step of a path, from ``start`` to ``end``.

    ``forward`` says which way the fact was stated: ``start --predicate--> end``
    when true, ``end --predicate--> start`` when false.
    """

    start: EntityRef
    predicate: str
    end: EntityRef
    forward: bool


def shortest_path(store: GraphStore, source: str, target: str) -> list[Hop] | None:
    """The shortest chain of facts linking the entities named ``source`` and ``target``.

    Facts are followed in either direction. When a name fits several entities,
    the shortest path between any of them wins. Returns ``[]`` when both names
    denote the same entity and ``None`` when no chain links them.

    :raises QueryError: if no entity has the name ``source`` or ``target``.
    :raises StoreError: if the store cannot be read.
    """
    graph = entity_graph(store)
    starts, ends = resolve_name(graph, source), resolve_name(graph, target)
    undirected = graph.to_undirected(as_view=True)
    best: list[str] | None = None
    for start, end in product(starts, ends):
        try:
            nodes = nx.shortest_path(undirected, start.iri, end.iri)
        except nx.NetworkXNoPath:
            continue
        if best is None or len(nodes) < len(best):
            best = nodes
    if best is None:
        return None
    return [_hop(graph, a, b) for a, b in pairwise(best)]


def _hop(graph: nx.MultiDiGraph, a: str, b: str) -> Hop:
    if graph.has_edge(a, b):
        return Hop(_ref(graph, a), min(graph[a][b]), _ref(graph, b), True)
    return Hop(_ref(graph, a), min(graph[b][a]), _ref(graph, b), False)


def format_path(hops: list[Hop]) -> str:
    """Render a path one hop per line, arrows showing the direction each fact was stated (names terminal-safe).

    >>> a, b = EntityRef("urn:a", "Ada", "Person"), EntityRef("urn:b", "Acme", "Company")
    >>> print(format_path([Hop(a, "worksFor", b, True)]))
    Ada (Person)
      --worksFor--> Acme (Company)
    """
    if not hops:
        return "(the two names denote the same entity)"
    lines = [terminal_safe(str(hops[0].start))]
    for hop in hops:
        arrow = f"--{hop.predicate}-->" if hop.forward else f"<--{hop.predicate}--"
        lines.append(f"  {arrow} {terminal_safe(str(hop.end))}")
    return "\n".join(lines)
