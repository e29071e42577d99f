"""Each scoring rule of shared/corpus/README.md, and agreement with an independent scorer."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rdflib import RDF, RDFS, Graph, URIRef, Literal
from rdflib.namespace import SKOS

from mobkg.evaluate import evaluate, score_graph
from mobkg.extract.normalise import match_key
from mobkg.ingestion import release_graph
from mobkg.readers import read_release_file
from mobkg.vocab import MOB

from conftest import ROOT, SHARED
from independent_scorer import score as independent_score

EX = "https://example.org/"


def entity(graph: Graph, name: str, kind: str, label: str, *aliases: str) -> URIRef:
    node = URIRef(EX + name)
    graph.add((node, RDF.type, MOB[kind]))
    graph.add((node, RDFS.label, Literal(label)))
    for alias in aliases:
        graph.add((node, SKOS.altLabel, Literal(alias)))
    return node


GOLD = {
    "entities": [
        {"label": "Acme Motors", "type": "Company", "aliases": ["Acme Motors Co., Ltd."]},
        {"label": "Bolt", "type": "Brand", "aliases": []},
        {"label": "Nova Robotics", "type": "Company", "aliases": []},
    ],
    "relations": [["Acme Motors", "hasBrand", "Bolt"], ["Acme Motors", "partnerOf", "Nova Robotics"]],
}


@pytest.mark.parametrize(
    "written, gold",
    [
        ("The Acme Motors", "acme motors"),
        ("ACME  MOTORS", "Acme Motors"),
        ("Acme Motors Co., Ltd.", "acme motors co ltd"),
        ("“Acme” (Motors)", "acme motors"),
        ("Ａｃｍｅ Motors", "acme motors"),  # NFKC folds full-width letters
    ],
)
def test_names_are_normalised_as_the_rules_say(written, gold):
    assert match_key(written) == match_key(gold)


def test_an_alias_matches_the_gold_entity():
    graph = Graph()
    entity(graph, "a", "Company", "Acme", "Acme Motors Co., Ltd.")
    result = score_graph(graph, GOLD)
    assert result.entities.matched_output == 1 and result.entities.found_gold == 1


def test_the_type_must_match():
    graph = Graph()
    entity(graph, "a", "Brand", "Acme Motors")
    result = score_graph(graph, GOLD)
    assert result.entities.matched_output == 0 and result.entities.found_gold == 0


def test_partner_of_matches_in_either_direction():
    graph = Graph()
    acme = entity(graph, "a", "Company", "Acme Motors")
    nova = entity(graph, "n", "Company", "Nova Robotics")
    graph.add((nova, MOB.partnerOf, acme))
    assert score_graph(graph, GOLD).relations.matched_output == 1


def test_other_predicates_match_only_as_given():
    graph = Graph()
    acme = entity(graph, "a", "Company", "Acme Motors")
    bolt = entity(graph, "b", "Brand", "Bolt")
    graph.add((bolt, MOB.hasBrand, acme))
    result = score_graph(graph, GOLD)
    assert result.relations.matched_output == 0 and result.relations.found_gold == 0
    graph.remove((bolt, MOB.hasBrand, acme))
    graph.add((acme, MOB.hasBrand, bolt))
    assert score_graph(graph, GOLD).relations.found_gold == 1


def test_relation_ends_match_gold_entities_of_any_type():
    graph = Graph()
    acme = entity(graph, "a", "Brand", "Acme Motors")  # wrong type for the entity score...
    bolt = entity(graph, "b", "Brand", "Bolt")
    graph.add((acme, MOB.hasBrand, bolt))
    result = score_graph(graph, GOLD)
    assert result.entities.found_gold == 1  # only Bolt
    assert result.relations.found_gold == 1  # ...but the relation still matches


def test_precision_and_recall_are_counted_separately():
    graph = Graph()
    entity(graph, "a1", "Company", "Acme Motors")
    entity(graph, "a2", "Company", "Acme Motors Co., Ltd.")  # a duplicate still matches
    entity(graph, "x", "Company", "Unrelated Corp")
    result = score_graph(graph, GOLD)
    assert (result.entities.matched_output, result.entities.output) == (2, 3)
    assert (result.entities.found_gold, result.entities.gold) == (1, 3)


@pytest.mark.parametrize(
    "gold_dir, releases_dir",
    [
        (SHARED / "corpus" / "gold", SHARED / "corpus" / "releases"),
        (ROOT / "tests" / "data" / "unseen" / "gold", ROOT / "tests" / "data" / "unseen" / "releases"),
    ],
    ids=["dev-corpus", "unseen"],
)
def test_evaluate_agrees_with_an_independent_scorer(gold_dir, releases_dir):
    if not gold_dir.is_dir():
        pytest.skip(f"{gold_dir} is not available on this machine")
    report = evaluate(gold_dir, releases_dir)
    totals = [0] * 8
    for gold_path in sorted(Path(gold_dir).glob("*.json")):
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        graph = Graph()
        for release in read_release_file(Path(releases_dir) / gold["file"]):
            graph += release_graph(release)
        totals = [a + b for a, b in zip(totals, independent_score(graph, gold))]
    e, r = report.entities, report.relations
    assert totals == [e.matched_output, e.output, e.found_gold, e.gold,
                      r.matched_output, r.output, r.found_gold, r.gold]
