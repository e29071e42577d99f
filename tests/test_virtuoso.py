"""The remote round trip against a second, independent SPARQL 1.1 server: OpenLink Virtuoso.

``server`` tests start Debian's ``virtuoso-t`` on loopback with a throwaway database
(:mod:`virtuoso`); they are skipped, with the reason, where it is not installed or
does not start. Every saved query must return the same rows as on the embedded store
built from the same releases. The dialect's text rewriting is tested without a server.
"""

from __future__ import annotations

from pathlib import Path


import networkx as nx
import pytest
from click.testing import CliRunner
from rdflib import BNode, Graph, Literal, URIRef
from test_remote import RELEASES, check_a_correction_replaces_its_graph, edges, embedded_build
from virtuoso import VirtuosoServer, VirtuosoUnavailable

from mobkg import ExportFormat, StoreError, export_store, open_store, run_query, saved_queries
from mobkg.cli import cli
from mobkg.stores.dialects import MERGED_GRAPH, Dialect, dialect_from_environment, virtuoso_query
from mobkg.stores.remote import RemoteStore
from mobkg.vocab import MOB

EXAMPLES = Path(__file__).parent.parent / "examples"
EXAMPLE_PARAMS = {  # an entity of the bundled examples for which each parametrized query has rows
    "alliance-members": {"member": "Pathwise Mobility"},
    "brands-of-company": {"company": "Valmora Automotive Group"},
    "companies-in-sector": {"sector": "battery"},
    "entity-provenance": {"entity": "Ana Ribeiro"},
    "find-entity": {"text": "valmora"},
    "parent-chain": {"company": "Voltaro Charging"},
    "partners-of-company": {"company": "Nordcell Batteries"},
    "products-of-company": {"company": "Halvorsen Systems"},
    "products-using-technology": {"technology": "STRATA platform"},
    "technologies-of-company": {"company": "Halvorsen Systems"},
}



@pytest.fixture(scope="module")
def virtuoso():
    try:
        with VirtuosoServer() as running:
            yield running
    except VirtuosoUnavailable as reason:
        pytest.skip(f"Virtuoso cannot run here: {reason}")


@pytest.fixture
def endpoint(virtuoso) -> str:
    """The server's endpoint, with every mobkg graph (and the merged graph) deleted first."""
    store = RemoteStore(virtuoso.url)
    store.replace_graphs([Graph(identifier=URIRef(name)) for name in store.graph_names()])
    store.replace_graphs([Graph(identifier=URIRef(MERGED_GRAPH))])
    assert store.graph_names() == [] and store.dialect is Dialect.VIRTUOSO
    return virtuoso.url


@pytest.fixture
def mobkg():
    runner = CliRunner()
    return lambda *args: runner.invoke(cli, [str(a) for a in args], catch_exceptions=False)


@pytest.mark.server
def test_build_query_export_validate_round_trip(endpoint, mobkg, tmp_path):
    built = mobkg("build", EXAMPLES, "--endpoint", endpoint)
    assert built.exit_code == 0, built.output
    remote = RemoteStore(endpoint)
    assert remote.dump_nquads() == embedded_build(tmp_path, [EXAMPLES])
    embedded = open_store(str(tmp_path / "embedded"), read_only=True)
    assert remote.graph_names() == embedded.graph_names() and len(remote.graph_names()) == 8
    for name, saved in saved_queries().items():
        params = {p: EXAMPLE_PARAMS.get(name, {}).get(p, "Valmora Automotive Group") for p in saved.params}
        cli_run = mobkg("query", name, "--endpoint", endpoint, *[f"-p{k}={v}" for k, v in params.items()])
        assert cli_run.exit_code == 0, (name, cli_run.output)
        rows = run_query(remote, name, params).rows
        expected = run_query(embedded, name, params).rows
        assert rows == expected, name
        assert expected or name == "joint-ventures", name  # the examples give each query something to find
    merged = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
    assert run_query(remote, merged).graph.isomorphic(run_query(embedded, merged).graph)
    assert run_query(remote, f"ASK {{ ?s a <{MOB.Release}> }}").boolean is True

    exported = mobkg("export", "--endpoint", endpoint, "--format", "graphml", "-o", tmp_path / "kg.graphml")
    assert exported.exit_code == 0, exported.output
    (tmp_path / "embedded.graphml").write_bytes(export_store(embedded, ExportFormat.GRAPHML))
    ours, theirs = nx.read_graphml(tmp_path / "kg.graphml"), nx.read_graphml(tmp_path / "embedded.graphml")
    assert dict(ours.nodes(data=True)) == dict(theirs.nodes(data=True)) and len(ours.nodes) > 0
    assert edges(ours) == edges(theirs)
    embedded.close()

    validated = mobkg("validate", "--endpoint", endpoint)
    assert validated.exit_code == 0, validated.output


@pytest.mark.server
def test_correction_replaces_its_graph_and_the_merged_graph_follows(endpoint, mobkg, tmp_path):
    check_a_correction_replaces_its_graph(endpoint, mobkg, tmp_path)


@pytest.mark.server
def test_rebuilding_is_idempotent(endpoint, mobkg):
    assert mobkg("build", RELEASES, "--endpoint", endpoint).exit_code == 0
    first = RemoteStore(endpoint).dump_nquads()
    merged = RemoteStore(endpoint).query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").rows
    assert mobkg("build", RELEASES, "--endpoint", endpoint).exit_code == 0
    assert mobkg("build", RELEASES, "--endpoint", endpoint, "--force").exit_code == 0
    assert RemoteStore(endpoint).dump_nquads() == first
    assert RemoteStore(endpoint).query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").rows == merged


@pytest.mark.server
def test_a_statement_two_releases_share_leaves_the_merged_graph_once_both_are_gone(endpoint):
    remote = RemoteStore(endpoint)
    shared = (URIRef("urn:x:a"), URIRef("urn:x:says"), Literal("both"))
    first, second = Graph(identifier=URIRef("urn:x:g1")), Graph(identifier=URIRef("urn:x:g2"))
    first.add(shared)
    second.add(shared)
    remote.replace_graphs([first, second])
    says = "SELECT ?o WHERE { ?s <urn:x:says> ?o }"
    assert [str(row[0]) for row in remote.query(says).rows] == ["both"]  # once, not once per graph
    remote.replace_graphs([Graph(identifier=first.identifier)])
    assert [str(row[0]) for row in remote.query(says).rows] == ["both"]
    remote.replace_graphs([Graph(identifier=second.identifier)])
    assert remote.query(says).rows == [] and remote.graph_names() == []


@pytest.mark.server
def test_a_blank_node_is_refused_before_anything_is_sent(endpoint):
    graph = Graph(identifier=URIRef("urn:x:g1"))
    graph.add((BNode(), URIRef("urn:x:says"), Literal("x")))
    with pytest.raises(StoreError, match="blank node.*nothing was changed"):
        RemoteStore(endpoint).replace_graphs([graph])
    assert RemoteStore(endpoint).graph_names() == []


def test_graph_patterns_skip_the_merged_graph_and_nothing_else_changes():
    query = ('SELECT * WHERE { GRAPH ?r { ?s ?p "GRAPH ?x {" } OPTIONAL { GRAPH ?q { ?s ?p ?o } } '
             'GRAPH <urn:g> { ?a ?b ?c } BIND (EXISTS { ?a ?b ?c } AS ?e) FILTER NOT EXISTS { ?a ?a ?a } }')
    not_in = f"NOT IN (<{MERGED_GRAPH}>, <http://www.openlinksw.com/schemas/virtrdf#>, <http://www.w3.org/ns/ldp#>, "
    not_in += "<http://localuriqaserver/sparql>, <http://www.w3.org/2002/07/owl#>))"
    assert virtuoso_query(query) == (
        f'SELECT * WHERE {{ GRAPH ?r {{ ?s ?p "GRAPH ?x {{" }} FILTER (?r {not_in} '
        f"OPTIONAL {{ GRAPH ?q {{ ?s ?p ?o }} FILTER (?q {not_in} }} "
        "GRAPH ?mobkg_graph_1 { ?a ?b ?c } FILTER (?mobkg_graph_1 = <urn:g>) "
        "BIND (<http://www.w3.org/2001/XMLSchema#boolean>(EXISTS { ?a ?b ?c }) AS ?e) FILTER NOT EXISTS { ?a ?a ?a } }")


def test_the_dialect_can_be_set_by_environment(monkeypatch):
    assert dialect_from_environment({"MOBKG_REMOTE_DIALECT": "Virtuoso"}) is Dialect.VIRTUOSO
    assert dialect_from_environment({"MOBKG_REMOTE_DIALECT": "auto"}) is None
    with pytest.raises(StoreError, match="not a server dialect"):
        dialect_from_environment({"MOBKG_REMOTE_DIALECT": "fuseki"})
    monkeypatch.setenv("MOBKG_REMOTE_DIALECT", "virtuoso")
    store = RemoteStore("http://127.0.0.1:8890/sparql")
    assert (store.query_url, store.update_url) == ("http://127.0.0.1:8890/sparql", "http://127.0.0.1:8890/sparql")
