"""A second, deliberately naive scorer written straight from shared/corpus/README.md.

It shares no code with mobkg.evaluate: it reads the output graph with plain rdflib
triple patterns and re-implements name normalisation, so the two can check each other.
"""

from __future__ import annotations


import unicodedata

from rdflib import Graph, Namespace, RDF, RDFS
from rdflib.namespace import SKOS

MOB = Namespace("https://w3id.org/mobkg/ontology#")
TYPES = ["Company", "Brand", "Alliance", "Technology", "Initiative", "Person", "Event", "Sector", "Product", "Place"]
PREDICATES = ["hasBrand", "subsidiaryOf", "memberOf", "launched", "develops", "partnerOf", "worksFor", "organizedBy",
              "activeIn", "produces", "headquarteredIn", "usesTechnology"]


def norm(name: str) -> str:
    text = unicodedata.normalize("NFKC", name).lower()
    for ch in "\"'“”‘’`.,;:()[]":
        text = text.replace(ch, "")
    text = " ".join(text.split())
    if text.startswith("the "):
        text = text[4:]
    return text


def score(graph: Graph, gold: dict) -> tuple[int, int, int, int, int, int, int, int]:
    """(entity tp_out, out, tp_gold, gold, relation tp_out, out, tp_gold, gold)."""
    gold_entities = gold["entities"]
    gold_names = [{norm(e["label"])} | {norm(a) for a in e.get("aliases", [])} for e in gold_entities]
    outputs = []
    names = {}
    for t in TYPES:
        for node in graph.subjects(RDF.type, MOB[t]):
            labels = set()
            for prop in (RDFS.label, SKOS.prefLabel, SKOS.altLabel):
                labels |= {norm(str(v)) for v in graph.objects(node, prop)}
            outputs.append((t, labels))
            names.setdefault(node, set()).update(labels)
    e_tp_out = 0
    found = set()
    for t, labels in outputs:
        hit = [i for i, e in enumerate(gold_entities) if e["type"] == t and labels & gold_names[i]]
        if hit:
            e_tp_out += 1
            found.update(hit)
    gold_triples = {tuple(r) for r in gold["relations"]}
    r_out = 0
    r_tp_out = 0
    found_rel = set()
    for p in PREDICATES:
        for s, o in set(graph.subject_objects(MOB[p])):
            r_out += 1
            s_labels = {gold_entities[i]["label"] for i in range(len(gold_entities)) if names.get(s, set()) & gold_names[i]}
            o_labels = {gold_entities[i]["label"] for i in range(len(gold_entities)) if names.get(o, set()) & gold_names[i]}
            matched = set()
            for a in s_labels:
                for b in o_labels:
                    if (a, p, b) in gold_triples:
                        matched.add((a, p, b))
                    if p == "partnerOf" and (b, p, a) in gold_triples:
                        matched.add((b, p, a))
            if matched:
                r_tp_out += 1
                found_rel |= matched
    return (e_tp_out, len(outputs), len(found), len(gold_entities),
            r_tp_out, r_out, len(found_rel), len(gold_triples))


