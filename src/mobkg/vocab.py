"""The mobkg vocabulary: namespaces, the ten entity types and the twelve predicates.

``MOB`` is a closed namespace: a misspelt term (``MOB.hasBrnad``) fails at import
time instead of silently minting a new IRI. Domains and ranges are read from
``ontology/mobkg.ttl`` so the ontology stays the single source of truth.
"""

from __future__ import annotations

import enum
from functools import cache

from rdflib import OWL, RDFS, Graph, Namespace, URIRef
from rdflib.namespace import DefinedNamespace

from .resources import data_dir

__all__ = [
    "MOB",
    "SCHEMA",
    "PROV",
    "ORG",
    "ENTITY_NS",
    "RELEASE_NS",
    "EntityType",
    "Predicate",
    "signature",
    "load_ontology",
]


class MOB(DefinedNamespace):
    """Terms of ``https://w3id.org/mobkg/ontology#``."""

    _fail = True
    _NS = Namespace("https://w3id.org/mobkg/ontology#")

    # the ten entity classes
    Company: URIRef
    Brand: URIRef
    Alliance: URIRef
    Technology: URIRef
    Initiative: URIRef
    Person: URIRef
    Event: URIRef
    Sector: URIRef
    Product: URIRef
    Place: URIRef
    # the twelve relations
    hasBrand: URIRef
    subsidiaryOf: URIRef
    memberOf: URIRef
    launched: URIRef
    develops: URIRef
    partnerOf: URIRef
    worksFor: URIRef
    organizedBy: URIRef
    activeIn: URIRef
    produces: URIRef
    headquarteredIn: URIRef
    usesTechnology: URIRef
    # release metadata and provenance (added by this project)
    Release: URIRef
    Correction: URIRef
    Entity: URIRef
    wireService: URIRef
    dateline: URIRef
    sha256: URIRef
    sourceFormat: URIRef
    corrects: URIRef
    evidence: URIRef
    extractedBy: URIRef


SCHEMA = Namespace("https://schema.org/")
PROV = Namespace("http://www.w3.org/ns/prov#")
ORG = Namespace("http://www.w3.org/ns/org#")
ENTITY_NS = Namespace("https://w3id.org/mobkg/id/")
RELEASE_NS = Namespace("https://w3id.org/mobkg/release/")


class EntityType(enum.Enum):
    """The ten entity classes; the value is the class's local name."""

    COMPANY = "Company"
    BRAND = "Brand"
    ALLIANCE = "Alliance"
    TECHNOLOGY = "Technology"
    INITIATIVE = "Initiative"
    PERSON = "Person"
    EVENT = "Event"
    SECTOR = "Sector"
    PRODUCT = "Product"
    PLACE = "Place"

    @property
    def iri(self) -> URIRef:
        return MOB[self.value]


class Predicate(enum.Enum):
    """The twelve relations; the value is the property's local name."""

    HAS_BRAND = "hasBrand"
    SUBSIDIARY_OF = "subsidiaryOf"
    MEMBER_OF = "memberOf"
    LAUNCHED = "launched"
    DEVELOPS = "develops"
    PARTNER_OF = "partnerOf"
    WORKS_FOR = "worksFor"
    ORGANIZED_BY = "organizedBy"
    ACTIVE_IN = "activeIn"
    PRODUCES = "produces"
    HEADQUARTERED_IN = "headquarteredIn"
    USES_TECHNOLOGY = "usesTechnology"

    @property
    def iri(self) -> URIRef:
        return MOB[self.value]

    @property
    def symmetric(self) -> bool:
        return self is Predicate.PARTNER_OF


@cache
def load_ontology() -> Graph:
    """Parse ``ontology/mobkg.ttl`` once and return it (do not mutate the result)."""
    graph = Graph()
    graph.parse(data_dir("ontology") / "mobkg.ttl", format="turtle")
    return graph


def _class_set(graph: Graph, node) -> frozenset[EntityType]:
    """Expand a class or an ``owl:unionOf`` list into entity types."""
    union = graph.value(node, OWL.unionOf)
    members = graph.items(union) if union is not None else [node]
    by_iri = {t.iri: t for t in EntityType}
    return frozenset(by_iri[m] for m in members if m in by_iri)


@cache
def signature(predicate: Predicate) -> tuple[frozenset[EntityType], frozenset[EntityType]]:
    """Return the (domain, range) entity types of ``predicate`` as the ontology declares them.

    >>> d, r = signature(Predicate.HAS_BRAND)
    >>> sorted(t.value for t in d), sorted(t.value for t in r)
    (['Company'], ['Brand'])
    """
    graph = load_ontology()
    domain = _class_set(graph, graph.value(predicate.iri, RDFS.domain))
    range_ = _class_set(graph, graph.value(predicate.iri, RDFS.range))
    return domain, range_


