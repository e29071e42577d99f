"""Export a store: RDF serialisations of the whole dataset and a GraphML property graph.

GraphML is the analyst's view: one node per entity (label, type, aliases, Wikidata
item, number of releases that mention it) and one edge per fact (a unique id;
predicate and label; weight = number of releases stating it; their IRIs and dates,
first and last), so it opens in networkx, igraph, Gephi or yEd. GraphML is XML 1.0, which cannot carry
every character a release may hold: those it forbids are written escaped
(:func:`mobkg.escapes.xml_safe`). The RDF formats carry every value exactly.
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

__all__ = ["ExportFormat", "export_store", "load_dataset", "store_quads", "to_networkx", "entity_graph", "JSONLD_CONTEXT"]


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
    ``aliases`` (``|``-separated) and ``releases`` (how many releases mention the
    entity). Edge attributes: ``predicate`` (also the edge key), ``releases``
    (space-separated release IRIs) and ``dates`` (their distinct publication
    dates). A fact stated by several releases is one edge. Nodes and edges are
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
        graph.add_node(
            node,
            label=label,
            type=types[node],
            aliases="|".join(sorted((aliases[node] | set(labels[node])) - {label})),
            releases=len(releases[node]),
            **({"wikidata": " ".join(sorted(same_as[node]))} if same_as[node] else {}),
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


def export_store(store: GraphStore, fmt: ExportFormat, progress: Callable[[int], None] | None = None) -> bytes:
    """Serialise the whole store in ``fmt``.

    Turtle and JSON-LD carry the union of all release graphs; N-Quads and TriG keep
    one named graph per release; GraphML is the property-graph view of :func:`to_networkx`.
    JSON-LD is compacted with :data:`JSONLD_CONTEXT`, embedded in the document.
    ``progress(1)`` is called after each of the :data:`EXPORT_STEPS` steps.

    :raises StoreError: if the store cannot be read.
    """
    step = progress or (lambda n: None)
    if fmt is ExportFormat.NQUADS:
        data = store.dump_nquads()
        step(EXPORT_STEPS)
        return data
    if fmt is ExportFormat.GRAPHML:
        network = entity_graph(store)
        step(2)
        data = _graphml(network)
        step(1)
        return data
    dataset = load_dataset(store)
    step(1)
    if fmt is ExportFormat.TRIG:
        step(1)
        data = dataset.serialize(format="trig").encode("utf-8")
        step(1)
        return data
    union = bind_prefixes(Graph())
    for quad in dataset.quads((None, None, None, None)):
        union.add(quad[:3])
    step(1)
    try:
        return _serialise_union(union, fmt)
    finally:
        step(1)


def _graphml(network: nx.MultiDiGraph) -> bytes:
    """GraphML of ``network`` with every string made legal XML 1.0, so no label can break the file.

    Every edge gets an id of its own (``e0``, ``e1``...): Gephi drops an edge whose id it has
    seen, so the predicate, which many facts share, cannot be the id; it is the edge's
    ``label`` and ``predicate``, and ``weight`` counts the releases stating the fact.
    """
    legal = nx.MultiDiGraph()
    legal.add_nodes_from((xml_safe(node), _xml_safe_values(attrs)) for node, attrs in network.nodes(data=True))
    legal.add_edges_from(
        (xml_safe(s), xml_safe(o), f"e{number}", _xml_safe_values(attrs))
        for number, (s, o, attrs) in enumerate(network.edges(data=True))
    )
    buffer = io.BytesIO()
    nx.write_graphml(legal, buffer)
    return buffer.getvalue()


def _xml_safe_values(attrs: dict) -> dict:
    return {name: xml_safe(value) if isinstance(value, str) else value for name, value in attrs.items()}


def _serialise_union(union: Graph, fmt: ExportFormat) -> bytes:
    if fmt is ExportFormat.JSONLD:
        return union.serialize(format="json-ld", context=JSONLD_CONTEXT, auto_compact=True).encode("utf-8")
    return union.serialize(format="turtle").encode("utf-8")


