"""ontology/mobkg.ttl defines the fixed vocabulary with exactly the agreed names, domains and ranges."""

from __future__ import annotations

import pytest
from rdflib import OWL, RDF, RDFS, Graph

from mobkg.resources import data_dir
from mobkg.vocab import MOB, EntityType, Predicate, load_ontology, signature

# The vocabulary every graph must use (corpus README, "The vocabulary the graph must use").
CLASSES = ["Company", "Brand", "Alliance", "Technology", "Initiative", "Person", "Event", "Sector", "Product", "Place"]
SIGNATURES = {
    "hasBrand": ({"Company"}, {"Brand"}),
    "subsidiaryOf": ({"Company"}, {"Company"}),
    "memberOf": ({"Company", "Brand", "Person"}, {"Alliance"}),
    "launched": ({"Company", "Brand"}, {"Alliance", "Initiative", "Product", "Technology", "Event"}),
    "develops": ({"Company", "Brand"}, {"Technology"}),
    "partnerOf": ({"Company", "Brand"}, {"Company", "Brand"}),
    "worksFor": ({"Person"}, {"Company", "Brand", "Alliance"}),
    "organizedBy": ({"Event"}, {"Company", "Brand", "Alliance"}),
    "activeIn": ({"Company", "Brand"}, {"Sector"}),
    "produces": ({"Company", "Brand"}, {"Product"}),
    "headquarteredIn": ({"Company"}, {"Place"}),
    "usesTechnology": ({"Product"}, {"Technology"}),
}


def test_ontology_file_parses():
    graph = Graph().parse(data_dir("ontology") / "mobkg.ttl", format="turtle")
    assert (None, RDF.type, OWL.Ontology) in graph


def test_enums_name_exactly_the_fixed_vocabulary():
    assert [t.value for t in EntityType] == CLASSES
    assert sorted(p.value for p in Predicate) == sorted(SIGNATURES)


@pytest.mark.parametrize("name", CLASSES)
def test_class_is_defined_with_label_and_comment(name):
    ontology = load_ontology()
    term = MOB[name]
    assert (term, RDF.type, OWL.Class) in ontology
    assert (term, RDFS.subClassOf, MOB.Entity) in ontology
    assert ontology.value(term, RDFS.label) is not None
    assert ontology.value(term, RDFS.comment) is not None


@pytest.mark.parametrize("name", sorted(SIGNATURES))
def test_property_is_defined_with_label_and_comment(name):
    ontology = load_ontology()
    term = MOB[name]
    assert (term, RDF.type, OWL.ObjectProperty) in ontology
    assert ontology.value(term, RDFS.label) is not None
    assert ontology.value(term, RDFS.comment) is not None


@pytest.mark.parametrize("name", sorted(SIGNATURES))
def test_domain_and_range_match_the_vocabulary(name):
    domain, range_ = signature(Predicate(name))
    assert ({t.value for t in domain}, {t.value for t in range_}) == SIGNATURES[name]


def test_partner_of_is_symmetric_and_only_it():
    ontology = load_ontology()
    symmetric = {p for p in Predicate if (p.iri, RDF.type, OWL.SymmetricProperty) in ontology}
    assert symmetric == {Predicate.PARTNER_OF}
    assert [p for p in Predicate if p.symmetric] == [Predicate.PARTNER_OF]


def mob_terms() -> set:
    """Every term the closed ``MOB`` namespace admits (its ``dir()`` lists them as IRIs)."""
    return set(dir(MOB))


def test_every_mob_term_is_declared_in_the_ontology():
    ontology = load_ontology()
    undeclared = sorted(str(term) for term in mob_terms() if ontology.value(term, RDF.type) is None)
    assert undeclared == []


def test_every_term_the_ontology_declares_is_in_the_mob_namespace_class():
    ontology = load_ontology()
    declared = {s for s in ontology.subjects(RDF.type, None) if str(s).startswith(str(MOB._NS))}
    assert declared <= mob_terms()
    assert len(mob_terms()) >= len(CLASSES) + len(SIGNATURES)


def test_mob_namespace_is_closed():
    with pytest.raises(AttributeError):
        MOB.nope  # noqa: B018
    with pytest.raises(AttributeError):
        MOB["hasBrnad"]
