"""Release graphs: stable release and entity IRIs, release metadata, every fact reified with evidence.

Extraction is being improved continuously, so nothing here depends on what the
extractor finds: content is checked on hand-made :class:`~mobkg.extract.Extraction`
records, and graphs built by the real pipeline are checked for metadata and
structure only.
"""

from __future__ import annotations

import hashlib
import importlib
import shutil
from datetime import date
from pathlib import Path

import pytest
from rdflib import RDF, RDFS, XSD, Dataset, Literal, URIRef
from rdflib.compare import graph_diff, isomorphic, to_isomorphic
from rdflib.namespace import SKOS

from mobkg import Entity, EntityType, Extraction, Fact, Predicate, build_release_graph, entity_iri, ingest, release_iri
from mobkg.extract.normalise import name_key
from mobkg.readers import read_release_file
from mobkg.release import Release, SourceFormat
from mobkg.vocab import MOB, PROV, SCHEMA

ROOT = Path(__file__).resolve().parent.parent
INGEST = importlib.import_module("mobkg.ingestion")
RELEASES = Path("tests/data/releases")
"""Fixture releases, relative to the repository root (the tests run from there)."""
ORIGINAL = RELEASES / "aldera-orbit-launch.txt"
CORRECTION = RELEASES / "aldera-orbit-launch-correction.txt"
OTHER = RELEASES / "aldera-tartu-depot.txt"
GOLDEN = ROOT / "tests" / "data" / "build" / "aldera-orbit-launch.trig"

COMPANY = (EntityType.COMPANY, "aldera mobility")
PRODUCT = (EntityType.PRODUCT, "aldera orbit")
PLATFORM = (EntityType.TECHNOLOGY, "flexbase")
PERSON = (EntityType.PERSON, "maarja koppel")
LAUNCH = "Aldera Mobility AS today presented the Aldera Orbit, a compact electric van for city deliveries."
PLATFORM_SENTENCE = "The Orbit rides on the company's own FlexBase platform and carries up to 800 kg."
QUOTE = "\"Delivery fleets asked us for a van that fits an old-town street,\" said Maarja Koppel, chief executive of Aldera Mobility."


@pytest.fixture(autouse=True)
def at_repository_root(monkeypatch):
    """Release sources are recorded as given; run from the root so they are ``tests/data/...``."""
    monkeypatch.chdir(ROOT)


def hand_made_extraction() -> Extraction:
    """What an ideal extractor would find in ORIGINAL (fixed here, whatever the real extractor does)."""
    return Extraction(
        entities=[
            Entity("Aldera Mobility", EntityType.COMPANY, {"Aldera Mobility AS"}),
            Entity("Aldera Orbit", EntityType.PRODUCT, {"Orbit"}),
            Entity("FlexBase", EntityType.TECHNOLOGY),
            Entity("Maarja Koppel", EntityType.PERSON),
            Entity("Tallinn", EntityType.PLACE, wikidata="Q1770"),
            Entity("Estonia", EntityType.PLACE, wikidata="Q191"),
        ],
        facts=[
            Fact(COMPANY, Predicate.LAUNCHED, PRODUCT, LAUNCH, "unveil-verb"),
            Fact(COMPANY, Predicate.PRODUCES, PRODUCT, LAUNCH, "unveil-verb"),
            Fact(COMPANY, Predicate.DEVELOPS, PLATFORM, PLATFORM_SENTENCE, "own-technology"),
            Fact(PRODUCT, Predicate.USES_TECHNOLOGY, PLATFORM, PLATFORM_SENTENCE, "rides-on"),
            Fact(PERSON, Predicate.WORKS_FOR, COMPANY, QUOTE, "quote-title"),
        ],
    )


def read_one(path) -> Release:
    (release,) = read_release_file(path)
    return release


# --- release identity ---------------------------------------------------------


def test_release_iri_is_stable_across_reads_and_locations(tmp_path):
    copy = tmp_path / "renamed.txt"
    shutil.copyfile(ORIGINAL, copy)
    first, again, moved = read_one(ORIGINAL), read_one(ORIGINAL), read_one(copy)
    assert release_iri(first) == release_iri(again) == release_iri(moved)
    assert release_iri(first) != release_iri(read_one(OTHER))


def test_correction_shares_the_iri_of_the_release_it_corrects():
    original, correction = read_one(ORIGINAL), read_one(CORRECTION)
    assert original.corrects is None
    assert correction.corrects == original.title
    assert original.sha256 != correction.sha256
    assert release_iri(correction) == release_iri(original)


def test_release_iri_ignores_case_and_spacing_of_the_headline():
    original = read_one(ORIGINAL)
    retyped = Release("x.txt", "  " + original.title.upper().replace(" ", "   "), (), "1" * 64, SourceFormat.TEXT)
    assert release_iri(retyped) == release_iri(original)


def test_release_iri_prefers_the_url_over_the_headline():
    one = Release("a.html", "First headline", (), "1" * 64, SourceFormat.HTML, url="https://news.example/a")
    reworded = Release("b.html", "Reworded headline", (), "2" * 64, SourceFormat.HTML, url="https://news.example/a")
    other = Release("c.html", "First headline", (), "1" * 64, SourceFormat.HTML, url="https://news.example/c")
    assert release_iri(one) == release_iri(reworded)
    assert release_iri(one) != release_iri(other)


# --- entity identity ----------------------------------------------------------


@pytest.mark.parametrize("spelling", ["Aldera Mobility", "ALDERA MOBILITY", "aldera  mobility", "Aldéra Mobility"])
def test_entity_iri_ignores_case_spacing_and_accents(spelling):
    assert entity_iri(EntityType.COMPANY, spelling) == entity_iri(EntityType.COMPANY, "Aldera Mobility")


def test_entity_iri_depends_on_the_type():
    assert entity_iri(EntityType.COMPANY, "Aldera") != entity_iri(EntityType.BRAND, "Aldera")


def test_entity_iris_are_shared_between_releases():
    first = build_release_graph(read_one(ORIGINAL), hand_made_extraction())
    second = build_release_graph(
        read_one(OTHER),
        Extraction([Entity("ALDERA MOBILITY", EntityType.COMPANY, {"Aldera Mobility AS"}), Entity("Tartu", EntityType.PLACE)], []),
    )
    company = entity_iri(EntityType.COMPANY, "Aldera Mobility")
    assert (company, RDF.type, MOB.Company) in first
    assert (company, RDF.type, MOB.Company) in second
    assert first.identifier != second.identifier


def test_entities_built_by_the_pipeline_share_iris_across_releases(store):
    ingest([ORIGINAL, OTHER], store)
    by_key: dict = {}
    for name in store.graph_names():
        graph = store.graph(name)
        for cls in EntityType:
            for node in graph.subjects(RDF.type, cls.iri):
                by_key.setdefault((cls, name_key(str(graph.value(node, RDFS.label)))), set()).add(node)
    assert by_key, "the pipeline found no entity at all (not even the dateline place)"
    assert {key: nodes for key, nodes in by_key.items() if len(nodes) > 1} == {}


# --- graph content ------------------------------------------------------------


def test_every_fact_is_asserted_and_reified_with_its_evidence():
    release = read_one(ORIGINAL)
    extraction = hand_made_extraction()
    graph = build_release_graph(release, extraction)
    node = release_iri(release)
    assert len(set(graph.subjects(RDF.type, RDF.Statement))) == len(extraction.facts)
    for fact in extraction.facts:
        s = entity_iri(*_label_of(extraction, fact.subject))
        o = entity_iri(*_label_of(extraction, fact.object))
        assert (s, fact.predicate.iri, o) in graph
        statements = [
            st for st in graph.subjects(RDF.subject, s)
            if (st, RDF.predicate, fact.predicate.iri) in graph and (st, RDF.object, o) in graph
        ]
        assert len(statements) == 1
        statement = statements[0]
        assert (statement, RDF.type, RDF.Statement) in graph
        assert graph.value(statement, MOB.evidence) == Literal(fact.evidence)
        assert graph.value(statement, MOB.extractedBy) == Literal(fact.rule)
        assert graph.value(statement, PROV.wasDerivedFrom) == node


def _label_of(extraction: Extraction, key) -> tuple[EntityType, str]:
    entity = extraction.entity(key)
    return entity.type, entity.label


def test_entities_carry_label_aliases_wikidata_and_their_release():
    release = read_one(ORIGINAL)
    graph = build_release_graph(release, hand_made_extraction())
    company = entity_iri(EntityType.COMPANY, "Aldera Mobility")
    assert graph.value(company, RDFS.label) == Literal("Aldera Mobility")
    assert set(graph.objects(company, SKOS.altLabel)) == {Literal("Aldera Mobility AS")}
    assert (company, SCHEMA.subjectOf, release_iri(release)) in graph
    tallinn = entity_iri(EntityType.PLACE, "Tallinn")
    assert (tallinn, URIRef("http://www.w3.org/2002/07/owl#sameAs"), URIRef("http://www.wikidata.org/entity/Q1770")) in graph
    assert graph.value(release_iri(release), MOB.dateline) == tallinn


def test_graph_matches_the_golden_file():
    graph = build_release_graph(read_one(ORIGINAL), hand_made_extraction())
    golden = _golden_graph(graph.identifier)
    assert isomorphic(graph, golden), _diff(graph, golden)


def test_graph_written_by_ingest_matches_the_golden_file(store, monkeypatch):
    monkeypatch.setattr(INGEST, "extract_release", lambda release: hand_made_extraction())
    summary = ingest([ORIGINAL], store)
    assert (summary.written, summary.facts) == (1, len(hand_made_extraction().facts))
    (name,) = store.graph_names()
    stored = store.graph(name)
    golden = _golden_graph(URIRef(name))
    assert isomorphic(stored, golden), _diff(stored, golden)


def _golden_graph(identifier: URIRef):
    dataset = Dataset().parse(GOLDEN, format="trig")
    names = [g.identifier for g in dataset.graphs() if len(g)]
    assert names == [identifier], f"{GOLDEN.name} holds graphs {names}, expected <{identifier}>"
    return dataset.graph(identifier)


def _diff(actual, expected) -> str:
    _, only_actual, only_expected = graph_diff(to_isomorphic(actual), to_isomorphic(expected))
    return "only built:\n" + only_actual.serialize(format="nt") + "only golden:\n" + only_expected.serialize(format="nt")


# --- the real pipeline: metadata and structure --------------------------------


def test_ingest_records_the_release_metadata(store):
    ingest([ORIGINAL], store)
    release = read_one(ORIGINAL)
    node = release_iri(release)
    graph = store.graph(str(node))
    assert (node, RDF.type, MOB.Release) in graph
    assert (node, RDF.type, MOB.Correction) not in graph
    assert graph.value(node, SCHEMA.headline) == Literal("Aldera Mobility Unveils the Orbit Compact Electric Van")
    assert graph.value(node, SCHEMA.datePublished) == Literal(date(2025, 5, 12).isoformat(), datatype=XSD.date)
    assert graph.value(node, MOB.wireService) == Literal("Baltic Newswire")
    assert graph.value(node, MOB.sha256) == Literal(hashlib.sha256(ORIGINAL.read_bytes()).hexdigest())
    assert graph.value(node, MOB.sourceFormat) == Literal("text")
    assert graph.value(node, PROV.hadPrimarySource) == URIRef("file:" + ORIGINAL.as_posix())
    place = graph.value(node, MOB.dateline)
    assert place is not None and (place, RDF.type, MOB.Place) in graph
    assert name_key("Tallinn") in {name_key(str(n)) for n in graph.objects(place, RDFS.label)} | {
        name_key(str(n)) for n in graph.objects(place, SKOS.altLabel)
    }


def test_ingest_records_what_a_correction_corrects(store):
    ingest([CORRECTION], store)
    node = release_iri(read_one(CORRECTION))
    graph = store.graph(str(node))
    assert (node, RDF.type, MOB.Correction) in graph
    assert graph.value(node, MOB.corrects) == Literal("Aldera Mobility Unveils the Orbit Compact Electric Van")
    assert graph.value(node, MOB.sha256) == Literal(hashlib.sha256(CORRECTION.read_bytes()).hexdigest())


def test_absolute_source_paths_become_file_uris(store):
    ingest([ROOT / ORIGINAL], store)
    node = release_iri(read_one(ORIGINAL))
    assert store.graph(str(node)).value(node, PROV.hadPrimarySource) == URIRef((ROOT / ORIGINAL).as_uri())


def test_every_fact_the_pipeline_extracts_is_reified(store):
    ingest(["examples", RELEASES], store)
    for name in store.graph_names():
        graph = store.graph(name)
        for predicate in Predicate:
            for s, o in graph.subject_objects(predicate.iri):
                backing = [
                    st for st in graph.subjects(RDF.subject, s)
                    if (st, RDF.predicate, predicate.iri) in graph and (st, RDF.object, o) in graph
                    and graph.value(st, MOB.evidence) and graph.value(st, PROV.wasDerivedFrom) == URIRef(name)
                ]
                assert backing, f"<{s}> {predicate.value} <{o}> in <{name}> has no statement with evidence"
