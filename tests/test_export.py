"""Every export format round-trips: GraphML through networkx, the RDF formats through rdflib."""

from __future__ import annotations

import io
import json
import re

import networkx as nx
import pytest
from conftest import fixture_graphs
import pyoxigraph as ox
from rdflib import RDF, XSD, Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

from mobkg.export import (
    JSONLD_CONTEXT,
    ExportFormat,
    entity_graph,
    export_store,
    load_dataset,
    to_networkx,
)
from mobkg import open_store
from mobkg.vocab import MOB, SCHEMA, EntityType, Predicate

ENTITY_CLASSES = {t.iri for t in EntityType}
RELATIONS = {p.iri for p in Predicate}
KESTROVA = "https://w3id.org/mobkg/id/company/kestrova-group"
BRISA_PRODUCES = ("https://w3id.org/mobkg/id/brand/brisa", "https://w3id.org/mobkg/id/product/brisa-one")


def union(graphs) -> Graph:
    merged = Graph()
    for graph in graphs:
        for triple in graph:
            merged.add(triple)
    return merged


@pytest.fixture(scope="module")
def source():
    """The fixture graph's union, read independently of the store."""
    return union(fixture_graphs())


@pytest.fixture(scope="module")
def graphml(fixture_store) -> nx.MultiDiGraph:
    return nx.read_graphml(io.BytesIO(export_store(fixture_store, ExportFormat.GRAPHML)), force_multigraph=True)


def test_graphml_has_one_node_per_typed_entity(graphml, source):
    entities = {str(s) for s, o in source.subject_objects(RDF.type) if o in ENTITY_CLASSES}
    assert set(graphml.nodes) == entities
    assert graphml.number_of_nodes() == 24


def test_graphml_has_one_edge_per_distinct_fact(graphml, source):
    facts = {(str(s), str(p), str(o)) for s, p, o in source if p in RELATIONS}
    exported = {(s, str(MOB[data["predicate"]]), o) for s, o, data in graphml.edges(data=True)}
    assert exported == facts
    assert graphml.number_of_edges() == len(facts) == 31


def test_graphml_node_attributes(graphml):
    node = graphml.nodes[KESTROVA]
    assert node["label"] == "Kestrova Group"
    assert node["type"] == "Company"
    assert node["aliases"].split("|") == ["Kestrova", "Kestrova Group AG"]
    assert node["releases"] == 4


def test_graphml_edge_attributes_carry_every_release(graphml):
    (data,) = graphml.get_edge_data(*BRISA_PRODUCES).values()
    assert data["predicate"] == "produces"
    assert data["releases"].split() == ["https://w3id.org/mobkg/release/fx01", "https://w3id.org/mobkg/release/fx05"]
    assert data["dates"] == "2025-01-15"  # fx05 has no date


def test_graphml_edges_have_unique_ids_a_label_and_a_weight(fixture_store):
    """Gephi drops an edge whose id it has seen: the predicate cannot be the id."""
    data = export_store(fixture_store, ExportFormat.GRAPHML)
    ids = re.findall(rb'<edge [^>]*id="([^"]+)"', data)
    assert len(ids) == len(set(ids)) == 31
    (brisa,) = nx.read_graphml(io.BytesIO(data), force_multigraph=True).get_edge_data(*BRISA_PRODUCES).values()
    assert (brisa["label"], brisa["weight"], brisa["first"], brisa["last"]) == ("produces", 2, "2025-01-15", "2025-01-15")


def test_graphml_opens_in_igraph_with_every_fact(fixture_store, tmp_path):
    import igraph

    path = tmp_path / "kg.graphml"
    path.write_bytes(export_store(fixture_store, ExportFormat.GRAPHML))
    graph = igraph.Graph.Read_GraphML(str(path))
    assert (graph.vcount(), graph.ecount()) == (24, 31)
    assert set(graph.es["label"]) <= {p.value for p in Predicate}
    assert min(graph.es["weight"]) >= 1


def test_parallel_facts_stay_separate_edges(graphml):
    helix = "https://w3id.org/mobkg/id/technology/helix-platform"
    assert sorted(d["predicate"] for d in graphml.get_edge_data(KESTROVA, helix).values()) == ["develops", "launched"]


def test_a_label_that_differs_between_releases_becomes_an_alias():
    dataset = Dataset()
    for number, label in enumerate(["Kestrova Group", "KESTROVA GROUP", "Kestrova Group"]):
        graph = dataset.graph(f"urn:release:{number}")
        graph.parse(data=f'<{KESTROVA}> a <{MOB.Company}> ; <http://www.w3.org/2000/01/rdf-schema#label> "{label}" .',
                    format="turtle")
    node = to_networkx(dataset).nodes[KESTROVA]
    assert (node["label"], node["aliases"], node["releases"]) == ("Kestrova Group", "KESTROVA GROUP", 3)


def test_the_store_and_the_dataset_give_the_same_network(fixture_store):
    from_store, from_dataset = entity_graph(fixture_store), to_networkx(load_dataset(fixture_store))
    assert list(from_store.nodes(data=True)) == list(from_dataset.nodes(data=True))
    assert list(from_store.edges(keys=True, data=True)) == list(from_dataset.edges(keys=True, data=True))


def test_graphml_export_is_deterministic(fixture_store):
    assert export_store(fixture_store, ExportFormat.GRAPHML) == export_store(fixture_store, ExportFormat.GRAPHML)


def test_jsonld_is_the_union_with_a_compact_context(fixture_store, source):
    text = export_store(fixture_store, ExportFormat.JSONLD).decode("utf-8")
    document = json.loads(text)
    assert document["@context"] == json.loads(json.dumps(JSONLD_CONTEXT))
    assert isomorphic(Graph().parse(data=text, format="json-ld"), source)
    # the context is used, not just carried: properties appear as short terms
    assert "http://www.w3.org/2000/01/rdf-schema#label" not in text
    assert any("label" in node and "hasBrand" in node for node in document["@graph"])


@pytest.mark.parametrize("fmt, syntax", [(ExportFormat.NQUADS, "nquads"), (ExportFormat.TRIG, "trig")])
def test_quad_formats_keep_one_graph_per_release(fixture_store, fmt, syntax):
    dataset = Dataset()
    dataset.parse(data=export_store(fixture_store, fmt).decode("utf-8"), format=syntax)
    exported = {str(g.identifier): g for g in dataset.graphs() if len(g) and g.identifier != DATASET_DEFAULT_GRAPH_ID}
    expected = {str(g.identifier): g for g in fixture_graphs()}
    assert sorted(exported) == sorted(expected) == [f"https://w3id.org/mobkg/release/fx0{n}" for n in range(1, 6)]
    for name, graph in expected.items():
        assert isomorphic(exported[name], graph), name


def test_turtle_is_the_union(fixture_store, source):
    exported = Graph().parse(data=export_store(fixture_store, ExportFormat.TURTLE).decode("utf-8"), format="turtle")
    assert isomorphic(exported, source)


def test_load_dataset_matches_the_store(fixture_store):
    dataset = load_dataset(fixture_store)
    assert sorted(str(g.identifier) for g in dataset.graphs() if len(g)) == fixture_store.graph_names()


@pytest.mark.parametrize("fmt, syntax", [(ExportFormat.NQUADS, ox.RdfFormat.N_QUADS), (ExportFormat.TRIG, ox.RdfFormat.TRIG)])
def test_quad_formats_carry_the_merged_default_graph(fixture_store, source, fmt, syntax):
    """The saved queries read the default graph: a file without it answers nothing in another store."""
    other = ox.Store()
    other.load(export_store(fixture_store, fmt), format=syntax)
    default = Graph()
    for quad in other.quads_for_pattern(None, None, None, ox.DefaultGraph()):
        default.parse(data=f"{quad} .", format="nt")
    assert isomorphic(default, source)


def test_ntriples_is_the_union_sorted(fixture_store, source):
    data = export_store(fixture_store, ExportFormat.NTRIPLES)
    assert isomorphic(Graph().parse(data=data.decode("utf-8"), format="nt"), source)
    lines = data.decode("utf-8").splitlines()
    assert lines == sorted(set(lines)) and len(lines) == len(source)


@pytest.mark.parametrize("name", [f.value for f in ExportFormat])
def test_a_format_name_is_accepted_as_a_string(fixture_store, name):
    assert export_store(fixture_store, name) == export_store(fixture_store, ExportFormat(name))


@pytest.mark.parametrize("name", ["xml", "GraphML ", "", "ttl"])
def test_an_unknown_format_name_is_refused_not_turtle(fixture_store, name):
    with pytest.raises(ValueError, match="unknown export format .*choose one of turtle"):
        export_store(fixture_store, name)


BRISA_ONE = "https://w3id.org/mobkg/id/product/brisa-one"
QUARTZ_USE = (BRISA_ONE, "https://w3id.org/mobkg/id/technology/quartz-lfp-cell")
LAUNCH_NIGHT = ("https://w3id.org/mobkg/id/event/brisa-one-launch-night", "https://w3id.org/mobkg/id/brand/brisa")


@pytest.fixture(scope="module")
def dated_store(tmp_path_factory):
    """The fixture with fx05 dated 2025-06-01: Brisa's production of the Brisa One is then stated
    on two dates (fx01, 2025-01-15, and fx05)."""
    graphs = fixture_graphs()
    for graph in graphs:
        if str(graph.identifier).endswith("/fx05"):
            graph.add((graph.identifier, SCHEMA.datePublished, Literal("2025-06-01", datatype=XSD.date)))
    with open_store(str(tmp_path_factory.mktemp("dated") / "store")) as opened:
        opened.replace_graphs(graphs)
        yield opened


def read_gexf(data: bytes) -> nx.MultiDiGraph:
    return nx.MultiDiGraph(nx.read_gexf(io.BytesIO(data)))


def test_gexf_reads_back_with_every_entity_and_distinct_fact(fixture_store, source):
    data = export_store(fixture_store, ExportFormat.GEXF)
    graph = read_gexf(data)
    entities = {str(s) for s, o in source.subject_objects(RDF.type) if o in ENTITY_CLASSES}
    facts = {(str(s), str(p), str(o)) for s, p, o in source if p in RELATIONS}
    assert set(graph.nodes) == entities
    assert {(s, str(MOB[d["predicate"]]), o) for s, o, d in graph.edges(data=True)} == facts
    assert graph.number_of_edges() == len(facts) == 31
    ids = re.findall(rb'<edge [^>]*\bid="([^"]+)"', data)
    assert len(ids) == len(set(ids)) == 31


def test_gexf_nodes_and_edges_carry_the_shared_attributes(fixture_store):
    graph = read_gexf(export_store(fixture_store, ExportFormat.GEXF))
    node = graph.nodes[KESTROVA]
    assert (node["label"], node["type"], node["aliases"], node["releases"]) == (
        "Kestrova Group", "Company", "Kestrova|Kestrova Group AG", 4)
    (edge,) = graph.get_edge_data(*BRISA_PRODUCES).values()
    assert (edge["label"], edge["predicate"], edge["weight"]) == ("produces", "produces", 2)


def test_gexf_is_dynamic_with_time_spans_from_release_dates(dated_store):
    data = export_store(dated_store, ExportFormat.GEXF)
    assert re.search(rb'<graph [^>]*mode="dynamic"', data) and re.search(rb'timeformat="date"', data)
    graph = read_gexf(data)
    (produces,) = graph.get_edge_data(*BRISA_PRODUCES).values()
    assert (produces["start"], produces["end"]) == ("2025-01-15", "2025-06-01")  # fx01 and fx05
    (quartz,) = graph.get_edge_data(*QUARTZ_USE).values()
    assert (quartz["start"], quartz["end"]) == ("2025-03-05", "2025-03-05")  # fx03 alone
    assert (graph.nodes[BRISA_ONE]["start"], graph.nodes[BRISA_ONE]["end"]) == ("2025-01-15", "2025-06-01")
    assert (graph.nodes[KESTROVA]["start"], graph.nodes[KESTROVA]["end"]) == ("2025-01-15", "2025-04-22")


def test_gexf_gives_no_span_to_what_only_undated_releases_state(fixture_store):
    graph = read_gexf(export_store(fixture_store, ExportFormat.GEXF))
    (night,) = graph.get_edge_data(*LAUNCH_NIGHT).values()  # only fx05, which has no date
    assert "start" not in night and "end" not in night
    assert "start" not in graph.nodes[LAUNCH_NIGHT[0]]


def test_gexf_is_legal_xml_whatever_a_label_holds(tmp_path):
    from mobkg.build import bind_prefixes

    graph = bind_prefixes(Graph(identifier=URIRef("https://w3id.org/mobkg/release/x")))
    node = URIRef("https://w3id.org/mobkg/id/company/odd")
    graph.add((node, RDF.type, MOB.Company))
    graph.add((node, URIRef("http://www.w3.org/2000/01/rdf-schema#label"), Literal("Odd\x01 & <Co>")))
    with open_store(str(tmp_path / "store")) as opened:
        opened.replace_graphs([graph])
        data = export_store(opened, ExportFormat.GEXF)
    assert read_gexf(data).nodes[str(node)]["label"] == "Odd\\u0001 & <Co>"
