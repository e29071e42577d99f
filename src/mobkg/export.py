"""Export a store: RDF serialisations of the whole dataset and two property-graph formats.

GraphML and GEXF are the analyst's view: one node per entity (label, type, aliases,
Wikidata item, number of releases that mention it, first and last release date) and
one edge per fact (a unique id; predicate and label; weight = number of releases
stating it; their IRIs and dates, first and last), so they open in networkx, igraph,
Gephi or yEd. GEXF (Gephi's own format) carries each node's and edge's first..last
release date as its time span, so Gephi's timeline plays the graph over time. Both
are XML 1.0, which cannot carry every character a release may hold: those it forbids
are written escaped (:func:`mobkg.escapes.xml_safe`). The RDF formats carry every value exactly.

Loadable as they are: N-Quads and TriG hold one named graph per release **and** the
merged default graph the saved queries read (the union of the release graphs, as
the store keeps it), so another SPARQL store answers the saved queries from the file
alone; ``mobkg load`` reads the release graphs and derives the merged graph again.
Turtle, N-Triples and JSON-LD hold the merged graph only.
"""

from __future__ import annotations

import io
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator

import networkx as nx
import pyoxigraph as ox
from rdflib import RDF, RDFS, Dataset, Graph
from rdflib.namespace import SKOS

from .build import bind_prefixes
from .escapes import xml_safe
from .formats import ExportFormat
from .stores import GraphStore
from .vocab import MOB, SCHEMA, EntityType, Predicate

__all__ = ["ExportFormat", "export_format", "export_store", "load_dataset", "store_quads", "to_networkx", "entity_graph", "JSONLD_CONTEXT"]


def export_format(fmt: ExportFormat | str) -> ExportFormat:
    """``fmt`` as an :class:`ExportFormat`; a string must be one of the format names.

    >>> export_format("graphml")
    <ExportFormat.GRAPHML: 'graphml'>

    :raises ValueError: if ``fmt`` names no export format.
    """
    if isinstance(fmt, ExportFormat):
        return fmt
    try:
        return ExportFormat(fmt)
    except ValueError:
        names = ", ".join(f.value for f in ExportFormat)
        raise ValueError(f"unknown export format {fmt!r}; choose one of {names}") from None


JSONLD_CONTEXT = {
    "mob": str(MOB),
    "schema": str(SCHEMA),
    "prov": "http://www.w3.org/ns/prov#",
    "skos": str(SKOS),
    "rdfs": str(RDFS),
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "id": "https://w3id.org/mobkg/id/",
    "release": "https://w3id.org/mobkg/release/",
    "label": "rdfs:label",
    "altLabel": "skos:altLabel",
    **{p.value: {"@id": f"mob:{p.value}", "@type": "@id"} for p in Predicate},
}

_ENTITY_CLASSES = {str(t.iri): t.value for t in EntityType}
_RELATIONS = {str(p.iri): p.value for p in Predicate}
_TYPE, _LABEL, _ALIAS, _DATE = str(RDF.type), str(RDFS.label), str(SKOS.altLabel), str(SCHEMA.datePublished)
_SAME_AS = "http://www.w3.org/2002/07/owl#sameAs"


def load_dataset(store: GraphStore) -> Dataset:
    """Copy the whole store into an in-memory rdflib Dataset (one graph per release)."""
    dataset = Dataset()
    dataset.parse(data=store.dump_nquads().decode("utf-8"), format="nquads")
    bind_prefixes(dataset)
    return dataset


def store_quads(store: GraphStore) -> Iterator[tuple[str, str, str, str]]:
    """Every quad of ``store`` as ``(subject, predicate, object, graph)`` strings.

    IRIs and blank nodes give their identifier, literals their lexical form. Much
    lighter than :func:`load_dataset` (no rdflib terms), for views that only read.

    :raises StoreError: if the store cannot be read.
    """
    for quad in ox.parse(store.dump_nquads(), format=ox.RdfFormat.N_QUADS):
        graph = quad.graph_name
        yield (quad.subject.value, quad.predicate.value, quad.object.value,
               "" if isinstance(graph, ox.DefaultGraph) else graph.value)


def to_networkx(dataset: Dataset) -> nx.MultiDiGraph:
    """Entities as nodes, ``mob:`` facts as edges, with release provenance as attributes.

    Node attributes: ``label``, ``type`` (the entity class's local name),
    ``aliases`` (``|``-separated), ``releases`` (how many releases mention the
    entity), ``wikidata`` (where known) and ``first`` / ``last`` (the earliest and
    latest date of those releases, where dated). Edge attributes: ``predicate`` (also the edge key), ``releases``
    (space-separated release IRIs), ``dates`` (their distinct publication
    dates), ``first`` / ``last``, ``label`` (the predicate) and ``weight`` (how
    many releases state the fact). A fact stated by several releases is one edge. Nodes and edges are
    added in sorted order, so the same data always gives the same graph.

    >>> to_networkx(Dataset()).number_of_nodes()
    0
    """
    return _network((str(s), str(p), str(o), str(g)) for s, p, o, g in dataset.quads((None, None, None, None)))


def entity_graph(store: GraphStore) -> nx.MultiDiGraph:
    """:func:`to_networkx` of the whole store, read without building an rdflib Dataset.

    :raises StoreError: if the store cannot be read.
    """
    return _network(store_quads(store))


def _network(quads: Iterable[tuple[str, str, str, str]]) -> nx.MultiDiGraph:
    releases: dict = defaultdict(set)
    labels: dict = defaultdict(Counter)
    types: dict = {}
    aliases: dict = defaultdict(set)
    edges: dict = defaultdict(set)
    dates: dict = {}
    same_as: dict = defaultdict(set)
    # One pass over the quads: asking each release graph in turn is ~10x slower in rdflib.
    for s, p, o, release in quads:
        if p == _TYPE:
            if o in _ENTITY_CLASSES:
                types[s] = _ENTITY_CLASSES[o]
                releases[s].add(release)
        elif p == _LABEL:
            labels[s][o] += 1
        elif p == _ALIAS:
            aliases[s].add(o)
        elif p in _RELATIONS:
            edges[(s, _RELATIONS[p], o)].add(release)
        elif p == _DATE and s == release:
            dates[release] = o
        elif p == _SAME_AS and o.startswith("http://www.wikidata.org/entity/"):
            same_as[s].add(o.rsplit("/", 1)[1])
    graph = nx.MultiDiGraph()
    for node in sorted(types):
        label = _preferred(labels[node]) or node
        mentioned = sorted({dates[r] for r in releases[node] if r in dates})
        graph.add_node(
            node,
            label=label,
            type=types[node],
            aliases="|".join(sorted((aliases[node] | set(labels[node])) - {label})),
            releases=len(releases[node]),
            **({"wikidata": " ".join(sorted(same_as[node]))} if same_as[node] else {}),
            **({"first": mentioned[0], "last": mentioned[-1]} if mentioned else {}),
        )
    for (s, predicate, o), sources in sorted(edges.items()):
        if s not in types or o not in types:
            continue  # not a fact between two entities (the shapes forbid it; be safe anyway)
        stated = sorted({dates[r] for r in sources if r in dates})
        graph.add_edge(
            s, o, key=predicate,
            predicate=predicate,
            label=predicate,
            weight=len(sources),
            releases=" ".join(sorted(sources)),
            dates=" ".join(stated),
            **({"first": stated[0], "last": stated[-1]} if stated else {}),
        )
    return graph


def _preferred(counts: Counter) -> str | None:
    """The label most releases use; ties go to the alphabetically first, so the choice is stable."""
    if not counts:
        return None
    return min(counts, key=lambda label: (-counts[label], label))


EXPORT_STEPS = 3
"""Steps :func:`export_store` reports to its ``progress`` callback: read the store, convert, serialise."""


def export_store(store: GraphStore, fmt: ExportFormat | str,
                 progress: Callable[[int], None] | None = None) -> bytes:
    """Serialise the whole store in ``fmt`` (an :class:`ExportFormat` or its name, e.g. ``"graphml"``).

    N-Quads and TriG keep one named graph per release and add the merged default
    graph (their union), so the file answers the saved queries in any SPARQL store;
    Turtle, N-Triples and JSON-LD carry the merged graph only; GraphML and GEXF are
    the property-graph view of :func:`to_networkx` (GEXF with time spans).
    JSON-LD is compacted with :data:`JSONLD_CONTEXT`, embedded in the document.
    ``progress(1)`` is called after each of the :data:`EXPORT_STEPS` steps.

    :raises ValueError: if ``fmt`` is a string that names no export format.
    :raises StoreError: if the store cannot be read.
    """
    fmt = export_format(fmt)
    step = progress or (lambda n: None)
    if fmt in (ExportFormat.GRAPHML, ExportFormat.GEXF):
        network = entity_graph(store)
        step(2)
        data = _graphml(network) if fmt is ExportFormat.GRAPHML else _gexf(network)
        step(1)
        return data
    named = store.dump_nquads()
    step(1)
    merged = _merged_lines(named)
    step(1)
    if fmt in (ExportFormat.NQUADS, ExportFormat.NTRIPLES):
        data = named + merged if fmt is ExportFormat.NQUADS else merged
        step(1)
        return data
    dataset = bind_prefixes(Dataset())
    dataset.parse(data=(named + merged).decode("utf-8"), format="nquads")
    try:
        if fmt is ExportFormat.TRIG:
            return dataset.serialize(format="trig").encode("utf-8")
        return _serialise_union(bind_prefixes(dataset.default_graph), fmt)
    finally:
        step(1)


def _merged_lines(nquads: bytes) -> bytes:
    """The merged default graph of a store's release graphs: each distinct triple once, as sorted N-Triples lines."""
    triples = {f"{ox.Triple(q.subject, q.predicate, q.object)} .\n"
               for q in ox.parse(nquads, format=ox.RdfFormat.N_QUADS)}
    return "".join(sorted(triples)).encode("utf-8")


def _property_graph(network: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """``network`` ready for an XML writer: every string legal XML 1.0, every edge an id of its own.

    Gephi drops an edge whose id it has seen, so the predicate, which many facts share,
    cannot be the id (``e0``, ``e1``... is); it stays the edge's ``label`` and ``predicate``.
    """
    legal = nx.MultiDiGraph()
    legal.add_nodes_from((xml_safe(node), _xml_safe_values(attrs)) for node, attrs in network.nodes(data=True))
    legal.add_edges_from(
        (xml_safe(s), xml_safe(o), f"e{number}", _xml_safe_values(attrs))
        for number, (s, o, attrs) in enumerate(network.edges(data=True))
    )
    return legal


def _graphml(network: nx.MultiDiGraph) -> bytes:
    """GraphML of ``network`` (see :func:`_property_graph`)."""
    buffer = io.BytesIO()
    nx.write_graphml(_property_graph(network), buffer)
    return buffer.getvalue()


def _gexf(network: nx.MultiDiGraph) -> bytes:
    """GEXF 1.2 of ``network``, dynamic: a node's or edge's ``first``..``last`` date is its time span.

    An undated entity or fact (no release stating it has a date) has no span, so Gephi
    shows it at every time.
    """
    graph = _property_graph(network)
    graph.graph["mode"] = "dynamic"
    for _, attrs in graph.nodes(data=True):
        _as_span(attrs)
    for _, _, key, attrs in graph.edges(keys=True, data=True):
        attrs["id"] = key
        _as_span(attrs)
    buffer = io.BytesIO()
    nx.write_gexf(graph, buffer, version="1.2draft")
    return buffer.getvalue()


def _as_span(attrs: dict) -> None:
    """Turn ``first`` / ``last`` into GEXF's ``start`` / ``end`` (inclusive dates)."""
    if "first" in attrs:
        attrs["start"], attrs["end"] = attrs.pop("first"), attrs.pop("last")


def _xml_safe_values(attrs: dict) -> dict:
    return {name: xml_safe(value) if isinstance(value, str) else value for name, value in attrs.items()}


def _serialise_union(union: Graph, fmt: ExportFormat) -> bytes:
    if fmt is ExportFormat.JSONLD:
        return union.serialize(format="json-ld", context=JSONLD_CONTEXT, auto_compact=True).encode("utf-8")
    return union.serialize(format="turtle").encode("utf-8")
