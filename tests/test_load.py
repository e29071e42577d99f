"""Exports load back as they are: into a new mobkg store (``load_files``) or a plain Oxigraph store."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from conftest import fixture_graphs, opened_store, run_mobkg
from rdflib import RDF, Literal, URIRef
from test_queries import CASES, cells

from mobkg import LoadError, ShapeViolation, open_store, run_query
from mobkg.errors import UnknownRdfFormat
from mobkg.export import ExportFormat, export_store
from mobkg.load import load_files, read_release_graphs
from mobkg.vocab import MOB, SCHEMA

FX = "https://w3id.org/mobkg/release/fx0"
SUFFIX = {ExportFormat.NQUADS: "nq", ExportFormat.TRIG: "trig", ExportFormat.TURTLE: "ttl",
          ExportFormat.NTRIPLES: "nt"}


def exported(store, fmt: ExportFormat, folder) -> str:
    path = folder / f"export.{SUFFIX[fmt]}"
    path.write_bytes(export_store(store, fmt))
    return str(path)


def answers(store) -> list:
    return [(name, params, rows_or_unknown(store, name, params)) for name, params, _ in CASES]


def rows_or_unknown(store, name, params):
    """A saved query's rows, or which parameter names no entity in this store (that is an answer too)."""
    from mobkg.errors import UnknownEntity

    try:
        return cells(run_query(store, name, params))
    except UnknownEntity as unknown:
        return f"unknown {unknown}"


@pytest.fixture(scope="module")
def original(fixture_store):
    return answers(fixture_store)


@pytest.mark.parametrize("fmt", [ExportFormat.NQUADS, ExportFormat.TRIG])
def test_export_then_load_answers_every_saved_query_the_same(fixture_store, original, tmp_path, fmt):
    path = exported(fixture_store, fmt, tmp_path)
    with open_store(str(tmp_path / "new")) as store:
        summary = load_files([path], store)
        assert (summary.releases, summary.written, summary.unchanged) == (5, 5, 0)
        assert store.dump_nquads() == fixture_store.dump_nquads()
        assert answers(store) == original


@pytest.mark.parametrize("fmt", [ExportFormat.NQUADS, ExportFormat.TRIG])
def test_an_export_answers_the_saved_queries_in_a_plain_oxigraph_store(fixture_store, original, tmp_path, fmt):
    """Loaded by Oxigraph itself, not by mobkg: the merged default graph comes with the file."""
    folder = tmp_path / "plain"
    plain = ox.Store(str(folder))
    plain.bulk_load(path=exported(fixture_store, fmt, tmp_path), format=ox.RdfFormat.N_QUADS
                    if fmt is ExportFormat.NQUADS else ox.RdfFormat.TRIG)
    plain.flush()
    del plain
    with open_store(str(folder), read_only=True) as store:
        assert answers(store) == original


@pytest.mark.parametrize("fmt", [ExportFormat.TURTLE, ExportFormat.NTRIPLES])
def test_a_one_release_triples_file_loads_as_that_release(tmp_path, fmt):
    (fx01,) = [g for g in fixture_graphs() if str(g.identifier) == FX + "1"]
    with open_store(str(tmp_path / "one")) as one:
        one.replace_graphs([fx01])
        path = exported(one, fmt, tmp_path)
        before = answers(one)
    with open_store(str(tmp_path / "new")) as store:
        assert load_files([path], store).written == 1
        assert store.graph_names() == [FX + "1"]
        assert set(store.graph(FX + "1")) == set(fx01)
        assert answers(store) == before


def test_a_merged_turtle_file_of_several_releases_is_refused(fixture_store, tmp_path):
    path = exported(fixture_store, ExportFormat.TURTLE, tmp_path)
    with open_store(str(tmp_path / "new")) as store:
        with pytest.raises(LoadError, match="holds 5 releases merged into one graph.*--format nquads or trig"):
            load_files([path], store)
        assert store.graph_names() == []


def test_loading_twice_changes_nothing(fixture_store, tmp_path):
    path = exported(fixture_store, ExportFormat.NQUADS, tmp_path)
    with open_store(str(tmp_path / "new")) as store:
        load_files([path], store)
        again = load_files([path, exported(fixture_store, ExportFormat.TRIG, tmp_path)], store)
        assert (again.files, again.releases, again.written, again.unchanged) == (2, 5, 0, 5)
        assert store.dump_nquads() == fixture_store.dump_nquads()


def write_trig(path, graphs) -> str:
    from rdflib import Dataset

    dataset = Dataset()
    for graph in graphs:
        named = dataset.graph(graph.identifier)
        for triple in graph:
            named.add(triple)
    path.write_text(dataset.serialize(format="trig"), encoding="utf-8")
    return str(path)


def with_headline(graph, headline: str):
    changed = graph.__class__(identifier=graph.identifier)
    for triple in graph:
        changed.add(triple)
    changed.set((graph.identifier, SCHEMA.headline, Literal(headline)))
    return changed


def test_a_different_version_of_a_stored_release_is_refused_and_nothing_is_written(tmp_path):
    graphs = {str(g.identifier): g for g in fixture_graphs()}
    with open_store(str(tmp_path / "store")) as store:
        store.replace_graphs([graphs[FX + "1"]])
        before = store.dump_nquads()
        path = write_trig(tmp_path / "two.trig", [graphs[FX + "2"], with_headline(graphs[FX + "1"], "Other")])
        with pytest.raises(LoadError, match=f"<{FX}1>: the store already holds a different version"):
            load_files([path], store)
        assert store.dump_nquads() == before


def test_a_correction_replaces_its_original_and_an_original_never_replaces_a_correction(tmp_path):
    fx03 = {str(g.identifier): g for g in fixture_graphs()}[FX + "3"]  # a correction
    original = with_headline(fx03, "Ostrel Cells to Supply Quartz Cells (first version)")
    original.remove((fx03.identifier, RDF.type, MOB.Correction))
    original.remove((fx03.identifier, MOB.corrects, None))
    with open_store(str(tmp_path / "store")) as store:
        store.replace_graphs([original])
        summary = load_files([write_trig(tmp_path / "fix.trig", [fx03])], store)
        assert summary.written == 1 and "replaces the stored original" in summary.superseded[0]
        assert set(store.graph(FX + "3")) == set(fx03)
        summary = load_files([write_trig(tmp_path / "old.trig", [original])], store)
        assert summary.written == 0 and "never replaces" in summary.superseded[0]
        assert set(store.graph(FX + "3")) == set(fx03)


def test_a_graph_that_violates_the_shapes_stops_the_load_before_anything_is_written(tmp_path):
    graphs = fixture_graphs()
    broken = with_headline(graphs[1], "x")
    broken.remove((broken.identifier, SCHEMA.headline, None))  # a release must have a headline
    path = write_trig(tmp_path / "bad.trig", [graphs[0], broken])
    with open_store(str(tmp_path / "store")) as store:
        with pytest.raises(ShapeViolation, match="1 of 2 release graphs violate the shapes; nothing was loaded"):
            load_files([path], store)
        assert store.graph_names() == []


def test_a_named_graph_that_is_not_a_release_is_refused(tmp_path):
    path = tmp_path / "odd.nq"
    path.write_text("<urn:a> <urn:b> <urn:c> <urn:graph> .\n", encoding="utf-8")
    with pytest.raises(LoadError, match="named graph <urn:graph> is not a release graph"):
        read_release_graphs([path])


def test_default_graph_triples_no_release_states_are_refused(fixture_store, tmp_path):
    path = tmp_path / "extra.nq"
    path.write_bytes(export_store(fixture_store, ExportFormat.NQUADS) + b"<urn:a> <urn:b> <urn:c> .\n")
    with pytest.raises(LoadError, match="1 default-graph triples no release graph states .*<urn:a>"):
        read_release_graphs([path])


def test_two_files_disagreeing_on_a_release_are_refused(tmp_path):
    graphs = {str(g.identifier): g for g in fixture_graphs()}
    one = write_trig(tmp_path / "one.trig", [graphs[FX + "1"]])
    other = write_trig(tmp_path / "other.trig", [with_headline(graphs[FX + "1"], "Other")])
    with pytest.raises(LoadError, match=f"release <{FX}1> differs from the one in .*one.trig"):
        read_release_graphs([one, other])


@pytest.mark.parametrize("name, content, message", [
    ("bad.nq", b"<urn:a> <urn:b> .\n", "not valid nquads"),
    ("bad.ttl", b"@prefix : <urn:> .\n:a :b \"unterminated .\n", "not valid turtle"),
    ("bad.trig", b"<urn:g> { <urn:a> <urn:b> <urn:c> \n", "not valid trig"),
    ("binary.nt", bytes(range(256)), "not valid ntriples"),
    ("empty.nq", b"", "holds no RDF"),
    ("comments.ttl", b"# nothing but a comment\n", "holds no RDF"),
    ("norelease.ttl", b"<urn:a> <urn:b> <urn:c> .\n", "describes no release"),
])
def test_unusable_files_are_one_line_errors(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(LoadError, match=message) as caught:
        read_release_graphs([path])
    assert "\n" not in str(caught.value) and caught.value.exit_code == 1


def test_a_missing_file_a_folder_and_an_unknown_suffix(tmp_path):
    with pytest.raises(LoadError, match="no such file"):
        read_release_graphs([tmp_path / "missing.nq"])
    (tmp_path / "folder.trig").mkdir()
    with pytest.raises(LoadError, match="is a folder"):
        read_release_graphs([tmp_path / "folder.trig"])
    with pytest.raises(UnknownRdfFormat, match="cannot tell the RDF format") as caught:
        read_release_graphs([tmp_path / "graph.gexf"])
    assert caught.value.exit_code == 2


def test_a_bad_second_file_means_nothing_of_the_first_is_written(fixture_store, tmp_path):
    good = exported(fixture_store, ExportFormat.NQUADS, tmp_path)
    bad = tmp_path / "bad.nq"
    bad.write_bytes(b"not rdf at all\n")
    with open_store(str(tmp_path / "store")) as store:
        with pytest.raises(LoadError):
            load_files([good, bad], store)
        assert store.graph_names() == []


def test_cli_load_writes_and_reports(fixture_store, tmp_path):
    path = exported(fixture_store, ExportFormat.TRIG, tmp_path)
    result = run_mobkg("load", path, "--store", tmp_path / "new")
    assert result.exit_code == 0, result.output
    assert "5 release graphs read from 1 files: 5 written, 0 unchanged; validation: conforms" in result.output
    with opened_store(tmp_path / "new") as store:
        assert store.dump_nquads() == fixture_store.dump_nquads()


@pytest.mark.parametrize("name, content, code, message", [
    ("bad.nq", b"<urn:a> <urn:b> .\n", 1, "not valid nquads"),
    ("empty.trig", b"", 1, "holds no RDF"),
    ("graph.graphml", b"<graphml/>", 2, "cannot tell the RDF format"),
])
def test_cli_load_errors_are_one_line_with_their_exit_code(tmp_path, name, content, code, message):
    path = tmp_path / name
    path.write_bytes(content)
    result = run_mobkg("load", path, "--store", tmp_path / "store")
    assert result.exit_code == code and message in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_cli_load_of_a_missing_file_exits_1(tmp_path):
    result = run_mobkg("load", tmp_path / "missing.nq", "--store", tmp_path / "store")
    assert result.exit_code == 1 and "missing.nq: no such file" in result.output


def test_cli_load_of_violating_graphs_exits_3_and_writes_nothing(tmp_path):
    graphs = fixture_graphs()
    broken = with_headline(graphs[0], "x")
    broken.remove((broken.identifier, SCHEMA.headline, None))
    result = run_mobkg("load", write_trig(tmp_path / "bad.trig", [broken]), "--store", tmp_path / "store")
    assert result.exit_code == 3 and "violate the shapes; nothing was loaded" in result.output
    with opened_store(tmp_path / "store") as store:
        assert store.graph_names() == []


def test_stores_are_context_managers(tmp_path):
    (fx01,) = [g for g in fixture_graphs() if g.identifier == URIRef(FX + "1")]
    with open_store(str(tmp_path / "store")) as store:
        store.replace_graphs([fx01])
    # closed: the folder is unlocked, so a second writer may open it
    with open_store(str(tmp_path / "store")) as again:
        assert again.graph_names() == [FX + "1"]
