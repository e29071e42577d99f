"""Build one release's named graph: release metadata, entities, facts and their evidence.

Provenance model (see ``docs/decisions/0001-provenance.md``): every release is a
named graph whose IRI is the release's IRI. Inside it,

* the release node carries PROV-O / schema.org metadata (source, headline, date,
  dateline, wire service, content hash);
* each entity carries its type, ``rdfs:label`` and ``skos:altLabel`` names;
* each fact is asserted as a plain triple (so queries stay simple) **and**
  reified as an ``rdf:Statement`` holding the evidence sentence, the rule that
  read it and ``prov:wasDerivedFrom`` the release.
"""

from __future__ import annotations

import hashlib
import os
from collections import defaultdict
from pathlib import Path
from urllib.parse import quote

from rdflib import OWL, RDF, RDFS, XSD, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, SKOS

from .extract import Entity, Extraction
from .extract.lexicon import load_lexicon
from .extract.normalise import slug, strip_legal_form
from .release import Release
from .vocab import ENTITY_NS, MOB, PROV, RELEASE_NS, SCHEMA, EntityType

__all__ = ["release_iri", "entity_iri", "source_iri", "build_release_graph", "bind_prefixes"]

WIKIDATA = "http://www.wikidata.org/entity/"


def release_iri(release: Release) -> URIRef:
    """IRI of a release and of its named graph; a correction shares it with the release it corrects."""
    return RELEASE_NS[release.key]


def entity_iri(entity_type: EntityType, label: str) -> URIRef:
    """Stable IRI of an entity from its type and normalised name; a company's legal form is left out,
    so "Acme Motors GmbH" in one release and "Acme Motors" in another are one node.

    >>> str(entity_iri(EntityType.BRAND, "OMODA & JAECOO"))
    'https://w3id.org/mobkg/id/brand/omoda-and-jaecoo'
    >>> entity_iri(EntityType.COMPANY, "Acme Motors GmbH") == entity_iri(EntityType.COMPANY, "Acme Motors")
    True
    """
    if entity_type in (EntityType.COMPANY, EntityType.ALLIANCE):
        # The shipped legal forms only: an analyst's lexicon additions never change an entity's IRI.
        label = strip_legal_form(label, load_lexicon(()).legal_forms)
    return ENTITY_NS[f"{entity_type.value.lower()}/{slug(label)}"]


def bind_prefixes(graph: Graph) -> Graph:
    for prefix, namespace in (
        ("mob", str(MOB)), ("schema", str(SCHEMA)), ("prov", str(PROV)), ("skos", str(SKOS)),
        ("id", str(ENTITY_NS)), ("release", str(RELEASE_NS)), ("owl", str(OWL)), ("dct", str(DCTERMS)),
    ):
        graph.bind(prefix, namespace, override=True)
    return graph


def source_iri(release: Release) -> URIRef:
    """Where a release was read from: its URL, else its file path as it was given.

    A relative path stays relative (``file:examples/a.txt``) so that a graph built
    in a checkout does not record where the checkout happens to live; an absolute
    path becomes a ``file:///`` URI.

    >>> from mobkg.release import SourceFormat
    >>> str(source_iri(Release("examples/a b.txt#item2", "T", (), "0" * 64, SourceFormat.TEXT)))
    'file:examples/a%20b.txt#item2'
    """
    if release.url:
        return URIRef(release.url)
    base, _, fragment = release.source.partition("#")
    path = Path(base)
    # os.fsencode: a file name that is not UTF-8 (read as surrogate escapes) becomes its own bytes, %-escaped.
    uri = path.as_uri() if path.is_absolute() else "file:" + quote(os.fsencode(path.as_posix()))
    return URIRef(uri + ("#" + fragment if fragment else ""))


def _add_entities(graph: Graph, entities: list[Entity]) -> dict:
    """Add each entity; return entity key → node.

    Two entities of a release can share an IRI though their keys differ ("Acme Hardware & Mesh"
    and "Acme Hardware and Mesh" have one slug): they become one node with one ``rdfs:label``
    (the first entity's) and the other's names as ``skos:altLabel``, so a node never has two labels.
    """
    nodes, labels, names = {}, {}, defaultdict(set)
    for entity in entities:
        node = nodes[entity.key] = entity_iri(entity.type, entity.label)
        labels.setdefault(node, entity.label)
        names[node] |= entity.names()
        graph.add((node, RDF.type, entity.type.iri))
        if entity.wikidata and not any(graph.objects(node, OWL.sameAs)):
            graph.add((node, OWL.sameAs, URIRef(WIKIDATA + entity.wikidata)))
    for node, label in labels.items():
        graph.add((node, RDFS.label, Literal(label)))
        for alias in sorted(names[node] - {label}):
            graph.add((node, SKOS.altLabel, Literal(alias)))
    return nodes


def build_release_graph(release: Release, extraction: Extraction) -> Graph:
    """Return the named graph of ``release`` (its identifier is :func:`release_iri`)."""
    node = release_iri(release)
    graph = bind_prefixes(Graph(identifier=node))
    graph.add((node, RDF.type, MOB.Release))
    if release.corrects:
        graph.add((node, RDF.type, MOB.Correction))
        graph.add((node, MOB.corrects, Literal(release.corrects)))
    graph.add((node, SCHEMA.headline, Literal(release.title)))
    graph.add((node, MOB.sha256, Literal(release.sha256)))
    graph.add((node, MOB.sourceFormat, Literal(release.format.value)))
    graph.add((node, PROV.hadPrimarySource, source_iri(release)))
    if release.published:
        graph.add((node, SCHEMA.datePublished, Literal(release.published.isoformat(), datatype=XSD.date)))
    if release.wire:
        graph.add((node, MOB.wireService, Literal(release.wire)))
    graph.add((node, DCTERMS.language, Literal(extraction.language, datatype=XSD.language)))
    if release.author:
        graph.add((node, SCHEMA.author, Literal(release.author)))
    for keyword in release.keywords:
        graph.add((node, SCHEMA.keywords, Literal(keyword)))

    nodes = _add_entities(graph, extraction.entities)
    for entity in extraction.entities:
        graph.add((nodes[entity.key], SCHEMA.subjectOf, node))
    dateline_place = _dateline_place(release, extraction)
    if dateline_place is not None:
        graph.add((node, MOB.dateline, nodes[dateline_place.key]))

    for fact in extraction.facts:
        subject, obj = nodes[fact.subject], nodes[fact.object]
        graph.add((subject, fact.predicate.iri, obj))
        digest = hashlib.sha256(f"{subject}|{fact.predicate.value}|{obj}|{fact.evidence}".encode()).hexdigest()[:16]
        statement = URIRef(f"{node}/statement/{digest}")
        graph.add((statement, RDF.type, RDF.Statement))
        graph.add((statement, RDF.subject, subject))
        graph.add((statement, RDF.predicate, fact.predicate.iri))
        graph.add((statement, RDF.object, obj))
        graph.add((statement, MOB.evidence, Literal(fact.evidence)))
        graph.add((statement, MOB.extractedBy, Literal(fact.rule)))
        graph.add((statement, PROV.wasDerivedFrom, node))
    return graph


def _dateline_place(release: Release, extraction: Extraction) -> Entity | None:
    if not release.dateline:
        return None
    from .extract.normalise import name_key

    first = name_key(release.dateline.split(",")[0])
    for entity in extraction.entities:
        if entity.type is EntityType.PLACE and first in {name_key(n) for n in entity.names()}:
            return entity
    return None
