"""The ``mobkg`` command line: each command is invoked with CliRunner, its result checked through the library."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner
from rdflib import RDF, RDFS, Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

from mobkg import (
    Entity,
    EntityType,
    Extraction,
    Fact,
    Predicate,
    build_release_graph,
    ingest,
    read_release_file,
    release_iri,
    run_query,
)
from mobkg.cli import cli
from mobkg.readers import find_release_files
from mobkg.vocab import MOB
from conftest import opened_store as opened

ROOT = Path(__file__).resolve().parent.parent
RELEASES = Path("tests/data/releases")
ORIGINAL = RELEASES / "aldera-orbit-launch.txt"
CORRECTION = RELEASES / "aldera-orbit-launch-correction.txt"
OTHER = RELEASES / "aldera-tartu-depot.txt"
BAD_GRAPH = ROOT / "tests" / "data" / "shapes" / "hasBrandShape-bad.ttl"
LABELS_QUERY = "SELECT ?entity ?label WHERE { ?entity <http://www.w3.org/2000/01/rdf-schema#label> ?label } ORDER BY ?entity ?label"


@pytest.fixture(autouse=True)
def at_repository_root(monkeypatch):
    monkeypatch.chdir(ROOT)


@pytest.fixture
def mobkg():
    """Run ``mobkg ARGS...``; exceptions other than exits propagate so bugs show as tracebacks."""
    runner = CliRunner()

    def invoke(*args):
        return runner.invoke(cli, [str(a) for a in args], catch_exceptions=False)

    return invoke


def graph_names(path) -> list[str]:
    with opened(path) as store:
        return store.graph_names()


def release_count(*paths) -> int:
    """How many release graphs the given inputs should produce (corrections share their original's)."""
    return len({release_iri(r) for f in find_release_files(paths) for r in read_release_file(f)})


def hand_made_graph():
    """A release graph with known content, independent of what the extractor finds."""
    (release,) = read_release_file(ORIGINAL)
    company, product = (EntityType.COMPANY, "aldera mobility"), (EntityType.PRODUCT, "aldera orbit")
    extraction = Extraction(
        [Entity("Aldera Mobility", EntityType.COMPANY, {"Aldera Mobility AS"}), Entity("Aldera Orbit", EntityType.PRODUCT)],
        [Fact(company, Predicate.PRODUCES, product, "Aldera Mobility AS today presented the Aldera Orbit.", "test")],
    )
    return build_release_graph(release, extraction)


@pytest.fixture(scope="module")
def built_once(tmp_path_factory):
    path = tmp_path_factory.mktemp("built") / "store"
    here = os.getcwd()
    os.chdir(ROOT)
    try:
        with opened(path) as store:
            ingest(["examples", OTHER], store)
            store.replace_graphs([hand_made_graph()])
    finally:
        os.chdir(here)
    return path


@pytest.fixture
def built(built_once, tmp_path):
    """A store holding the examples plus one hand-made release graph (so facts and entities exist).

    Built once per module and copied (closed RocksDB folders copy safely), since tests may change it.
    """
    return Path(shutil.copytree(built_once, tmp_path / "store"))


# --- build --------------------------------------------------------------------


def test_build_reads_files_and_folders(mobkg, tmp_path):
    store = tmp_path / "store"
    result = mobkg("build", ORIGINAL, "examples", "--store", store)
    assert result.exit_code == 0, result.output
    expected = release_count(ORIGINAL, "examples")
    assert f"{expected} written" in result.stdout
    assert "validation: conforms" in result.stdout
    assert len(graph_names(store)) == expected
    with opened(store) as opened_store:
        headlines = run_query(opened_store, "SELECT ?h WHERE { ?r a <https://w3id.org/mobkg/ontology#Release> ; <https://schema.org/headline> ?h }")
    assert "Aldera Mobility Unveils the Orbit Compact Electric Van" in {row[0] for row in headlines.rows}


def test_missing_path_fails_with_one_line(mobkg, tmp_path):
    result = mobkg("build", "no/such/release.txt", "--store", tmp_path / "store")
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error:") and "no/such/release.txt" in lines[0]
    assert "Traceback" not in result.output


def test_unknown_option_is_a_usage_error(mobkg, tmp_path):
    result = mobkg("build", ORIGINAL, "--store", tmp_path / "store", "--no-such-option")
    assert result.exit_code == 2
    assert "--no-such-option" in result.stderr


def test_unchanged_rebuild_skips(mobkg, tmp_path):
    store = tmp_path / "store"
    assert mobkg("build", "examples", "--store", store).exit_code == 0
    with opened(store) as s:
        before, names = s.dump_nquads(), s.graph_names()
    again = mobkg("build", "examples", "--store", store)
    assert again.exit_code == 0
    assert f"0 written, {len(names)} unchanged" in again.stdout
    with opened(store) as s:
        assert s.graph_names() == names
        assert s.dump_nquads() == before


def test_force_rebuilds_unchanged_releases(mobkg, tmp_path):
    store = tmp_path / "store"
    assert mobkg("build", OTHER, "--store", store).exit_code == 0
    forced = mobkg("build", OTHER, "--store", store, "--force")
    assert forced.exit_code == 0 and "1 written, 0 unchanged" in forced.stdout
    assert len(graph_names(store)) == 1


def _release_state(store_path, release_file) -> tuple[list[str], Graph]:
    (release,) = read_release_file(release_file)
    with opened(store_path) as store:
        return store.graph_names(), store.graph(str(release_iri(release)))


def test_correction_replaces_the_original(mobkg, tmp_path):
    store = tmp_path / "store"
    assert mobkg("build", ORIGINAL, "--store", store).exit_code == 0
    names_before, _ = _release_state(store, ORIGINAL)
    result = mobkg("build", CORRECTION, "--store", store)
    assert result.exit_code == 0 and "1 corrections" in result.stdout
    names_after, graph = _release_state(store, CORRECTION)
    assert names_after == names_before and len(names_after) == 1
    (correction,) = read_release_file(CORRECTION)
    node = release_iri(correction)
    assert (node, RDF.type, MOB.Correction) in graph
    assert graph.value(node, MOB.corrects) == Literal(correction.corrects)
    assert graph.value(node, URIRef("https://schema.org/headline")) == Literal(correction.title)
    assert graph.value(node, MOB.sha256) == Literal(correction.sha256)


def test_original_built_after_its_correction_does_not_overwrite_it(mobkg, tmp_path):
    store = tmp_path / "store"
    assert mobkg("build", CORRECTION, "--store", store).exit_code == 0
    result = mobkg("build", ORIGINAL, "--store", store)
    assert result.exit_code == 0 and "0 written, 1 unchanged" in result.stdout
    names, graph = _release_state(store, ORIGINAL)
    (correction,) = read_release_file(CORRECTION)
    assert len(names) == 1
    assert graph.value(release_iri(correction), MOB.sha256) == Literal(correction.sha256)


def test_correction_wins_within_one_build(mobkg, tmp_path):
    store = tmp_path / "store"
    assert mobkg("build", ORIGINAL, CORRECTION, "--store", store).exit_code == 0
    names, graph = _release_state(store, ORIGINAL)
    (correction,) = read_release_file(CORRECTION)
    assert len(names) == 1
    assert (release_iri(correction), RDF.type, MOB.Correction) in graph


# --- validate -----------------------------------------------------------------


def test_validate_accepts_a_built_store(mobkg, built):
    result = mobkg("validate", "--store", built)
    assert result.exit_code == 0, result.output
    assert f"{len(graph_names(built))} release graphs" in result.stdout


def test_validate_counts_warnings_in_its_summary_and_exits_0(mobkg, tmp_path):
    from conftest import fixture_graphs

    with opened(tmp_path / "store") as store:
        store.replace_graphs(fixture_graphs())  # fx05 has no date: a sh:Warning
    result = mobkg("validate", "--store", tmp_path / "store")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "conforms, 1 warning: 5 release graphs validated"
    assert "warning <https://w3id.org/mobkg/release/fx05>: release has no publication date" in result.stderr


def test_validate_exits_3_on_a_violating_graph(mobkg, built):
    bad = Graph(identifier=URIRef("https://w3id.org/mobkg/release/broken")).parse(BAD_GRAPH, format="turtle")
    with opened(built) as store:
        store.replace_graphs([bad])
    result = mobkg("validate", "--store", built)
    assert result.exit_code == 3
    assert "https://w3id.org/mobkg/release/broken" in result.stderr
    assert "Traceback" not in result.output


def test_validate_without_a_store_fails(mobkg, tmp_path):
    result = mobkg("validate", "--store", tmp_path / "nothing-here")
    assert result.exit_code == 1
    assert len(result.stderr.strip().splitlines()) == 1


# --- query --------------------------------------------------------------------


def _expected_rows(store_path, query) -> list[list[str]]:
    with opened(store_path) as store:
        result = run_query(store, query)
    return [["" if term is None else str(term) for term in row] for row in result.rows]


def test_query_text_as_csv(mobkg, built):
    result = mobkg("query", LABELS_QUERY, "--store", built, "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0] == ["entity", "label"]
    assert rows[1:] == _expected_rows(built, LABELS_QUERY)
    assert ["https://w3id.org/mobkg/id/company/aldera-mobility", "Aldera Mobility"] in rows


def test_query_text_as_json(mobkg, built):
    result = mobkg("query", LABELS_QUERY, "--store", built, "--format", "json")
    assert result.exit_code == 0, result.output
    assert [[r["entity"], r["label"]] for r in json.loads(result.stdout)] == _expected_rows(built, LABELS_QUERY)


def test_query_text_as_table(mobkg, built):
    result = mobkg("query", LABELS_QUERY, "--store", built, "--format", "table")
    assert result.exit_code == 0, result.output
    lines = result.stdout.strip().splitlines()
    expected = _expected_rows(built, LABELS_QUERY)
    assert lines[0].split() == ["entity", "label"]
    assert [line.split(None, 1) for line in lines[2:-1]] == expected
    assert len(expected) > 1
    assert lines[-1] == f"({len(expected)} rows)"


def test_query_from_a_rq_file(mobkg, built, tmp_path):
    path = tmp_path / "companies.rq"
    path.write_text("# Company labels.\n" + LABELS_QUERY + "\n", encoding="utf-8")
    result = mobkg("query", path, "--store", built, "--format", "csv")
    assert result.exit_code == 0, result.output
    assert list(csv.reader(io.StringIO(result.stdout)))[1:] == _expected_rows(built, LABELS_QUERY)


@pytest.fixture
def saved_query_folder(tmp_path, monkeypatch):
    """A queries/ folder with one saved query taking a parameter (the shipped ones may change)."""
    import importlib

    folder = tmp_path / "queries"
    folder.mkdir()
    (folder / "company-products.rq").write_text(
        "# Products a company makes.\n"
        "# @param company: name of the company (bound to the matching entity)\n"
        "PREFIX mob: <https://w3id.org/mobkg/ontology#>\n"
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
        "SELECT DISTINCT ?product WHERE { ?company mob:produces ?p . ?p rdfs:label ?product } ORDER BY ?product\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(importlib.import_module("mobkg.saved"), "data_dir", lambda name: folder)
    return folder


def test_query_by_saved_name_with_a_parameter(mobkg, built, saved_query_folder):
    result = mobkg("query", "company-products", "--store", built, "--param", "company=Aldera Mobility", "--format", "json")
    assert result.exit_code == 0, result.output
    products = [row["product"] for row in json.loads(result.stdout)]
    with opened(built) as store:
        expected = run_query(store, "company-products", {"company": "Aldera Mobility"})
    assert products == [str(row[0]) for row in expected.rows]
    assert "Aldera Orbit" in products


def test_saved_query_without_its_parameter_is_a_usage_error(mobkg, built, saved_query_folder):
    result = mobkg("query", "company-products", "--store", built)
    assert result.exit_code == 2
    assert "--param company=" in result.stderr


def test_queries_lists_the_saved_queries(mobkg, saved_query_folder):
    result = mobkg("queries")
    assert result.exit_code == 0
    assert "company-products" in result.stdout and "Products a company makes." in result.stdout


def test_query_refuses_updates(mobkg, built):
    before = graph_names(built)
    result = mobkg("query", "DROP ALL", "--store", built)
    assert result.exit_code == 2
    assert graph_names(built) == before


def test_query_syntax_error_is_a_usage_error(mobkg, built):
    result = mobkg("query", "SELECT ?x WHERE {", "--store", built)
    assert result.exit_code == 2
    assert len(result.stderr.strip().splitlines()) == 1


# --- export -------------------------------------------------------------------


def _store_dataset(store_path) -> Dataset:
    dataset = Dataset()
    with opened(store_path) as store:
        dataset.parse(data=store.dump_nquads().decode("utf-8"), format="nquads")
    return dataset


def _union(dataset: Dataset) -> Graph:
    union = Graph()
    for s, p, o, _ in dataset.quads((None, None, None, None)):
        union.add((s, p, o))
    return union


@pytest.mark.parametrize("fmt, rdf_format", [("turtle", "turtle"), ("jsonld", "json-ld")])
def test_export_union_formats(mobkg, built, tmp_path, fmt, rdf_format):
    output = tmp_path / f"export.{fmt}"
    result = mobkg("export", "--store", built, "--format", fmt, "-o", output)
    assert result.exit_code == 0, result.output
    exported = Graph().parse(output, format=rdf_format)
    assert isomorphic(exported, _union(_store_dataset(built)))


@pytest.mark.parametrize("fmt, rdf_format", [("nquads", "nquads"), ("trig", "trig")])
def test_export_dataset_formats_keep_one_graph_per_release(mobkg, built, tmp_path, fmt, rdf_format):
    output = tmp_path / f"export.{fmt}"
    result = mobkg("export", "--store", built, "--format", fmt, "-o", output)
    assert result.exit_code == 0, result.output
    exported = Dataset().parse(output, format=rdf_format)
    expected = _store_dataset(built)
    names = sorted(str(g.identifier) for g in exported.graphs() if len(g) and g.identifier != DATASET_DEFAULT_GRAPH_ID)
    assert names == graph_names(built)
    for name in names:
        assert isomorphic(exported.graph(URIRef(name)), expected.graph(URIRef(name))), name
    # and the merged default graph the saved queries read, so the file answers them in any store
    merged = Graph()
    for s, p, o, _ in expected.quads((None, None, None, None)):
        merged.add((s, p, o))
    assert isomorphic(Graph() + exported.graph(DATASET_DEFAULT_GRAPH_ID), merged)


def test_export_graphml(mobkg, built, tmp_path):
    output = tmp_path / "export.graphml"
    result = mobkg("export", "--store", built, "--format", "graphml", "-o", output)
    assert result.exit_code == 0, result.output
    graph = nx.read_graphml(output)
    union = _union(_store_dataset(built))
    entities = {s for cls in EntityType for s in union.subjects(RDF.type, cls.iri)}
    facts = {(s, p.value, o) for p in Predicate for s, o in union.subject_objects(p.iri)}
    assert set(graph.nodes) == {str(e) for e in entities}
    assert {(s, data["predicate"], o) for s, o, data in graph.edges(data=True)} == {(str(s), p, str(o)) for s, p, o in facts}
    company = "https://w3id.org/mobkg/id/company/aldera-mobility"
    assert graph.nodes[company]["label"] in {str(label) for label in union.objects(URIRef(company), RDFS.label)}
    assert graph.nodes[company]["type"] == "Company"


def test_export_without_format_is_a_usage_error(mobkg, built, tmp_path):
    result = mobkg("export", "--store", built, "-o", tmp_path / "x.ttl")
    assert result.exit_code == 2
    assert not (tmp_path / "x.ttl").exists()
