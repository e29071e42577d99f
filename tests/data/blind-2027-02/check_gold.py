#!/usr/bin/env python3
"""Sanity checks for the blind4 gold files (corpus format of /work/shared/corpus/README.md).

Checks, per gold file:
  - the JSON parses and has exactly the keys file, sources, entities, relations;
  - `file` names an existing release in releases/ with the same stem;
  - `sources` is a non-empty list of archive paths listed in mobility.txt, and the release is a
    byte-for-byte copy of that archive file under /work/wire;
  - every entity has a label, one of the ten types and a list of string aliases;
  - no two entities share a label (case-insensitively, after the scorer's normalisation);
  - every entity's label or one of its aliases occurs in the release text (case-insensitively);
  - every relation is a [subject, predicate, object] triple with one of the twelve predicates,
    both ends are entity labels, and the ends' types fit the domain/range table;
  - no duplicate relations (partnerOf counted in both directions).
Usage: python3 check_gold.py [blind4 dir]   (exit status 1 if anything is wrong)
"""
import json
import os
import re
import sys
import unicodedata

TYPES = {"Company", "Brand", "Alliance", "Technology", "Initiative", "Person", "Event",
         "Sector", "Product", "Place"}
DOMAIN_RANGE = {
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
MOBILITY = "/work/shared/archive/mobility.txt"
WIRE = "/work/wire"


def norm(s):
    """The scorer's name normalisation: NFKC, casefold, drop quotes and . , ; : ( ) [ ], leading 'the'."""
    s = unicodedata.normalize("NFKC", s).casefold()
    s = re.sub(r"[\"'\u2018\u2019\u201c\u201d.,;:()\[\]]", " ", s)
    s = " ".join(s.split())
    if s.startswith("the "):
        s = s[4:]
    return s


def check(base):
    errors = []
    gold_dir = os.path.join(base, "gold")
    rel_dir = os.path.join(base, "releases")
    mobility = set(open(MOBILITY, encoding="utf-8").read().splitlines())
    gold_files = sorted(f for f in os.listdir(gold_dir) if f.endswith(".json"))
    releases = sorted(os.listdir(rel_dir))
    stems_g = {f[:-5] for f in gold_files}
    stems_r = {os.path.splitext(f)[0] for f in releases}
    for s in sorted(stems_g ^ stems_r):
        errors.append(f"{s}: gold and release files do not pair up")
    n_ent = n_rel = 0
    for gf in gold_files:
        where = gf
        try:
            g = json.load(open(os.path.join(gold_dir, gf), encoding="utf-8"))
        except Exception as e:  # noqa: BLE001
            errors.append(f"{where}: invalid JSON: {e}")
            continue
        if set(g) != {"file", "sources", "entities", "relations"}:
            errors.append(f"{where}: keys are {sorted(g)}")
            continue
        rel_path = os.path.join(rel_dir, g["file"])
        if os.path.splitext(g["file"])[0] != gf[:-5] or not os.path.isfile(rel_path):
            errors.append(f"{where}: 'file' {g['file']!r} is not its release")
            continue
        raw = open(rel_path, "rb").read()
        text = raw.decode("utf-8")
        text_l = unicodedata.normalize("NFKC", text).casefold()
        if not (isinstance(g["sources"], list) and g["sources"]):
            errors.append(f"{where}: sources must be a non-empty list")
        for src in g["sources"]:
            if src not in mobility:
                errors.append(f"{where}: source {src!r} is not in mobility.txt")
            elif open(os.path.join(WIRE, src), "rb").read() != raw:
                errors.append(f"{where}: release differs from archive file {src}")
        types = {}
        seen = {}
        for ent in g["entities"]:
            if set(ent) != {"label", "type", "aliases"}:
                errors.append(f"{where}: entity keys {sorted(ent)}")
                continue
            lab, typ, al = ent["label"], ent["type"], ent["aliases"]
            if typ not in TYPES:
                errors.append(f"{where}: {lab!r} has unknown type {typ!r}")
            if not isinstance(al, list) or not all(isinstance(a, str) and a for a in al):
                errors.append(f"{where}: {lab!r} aliases must be a list of strings")
                al = []
            if lab in types:
                errors.append(f"{where}: duplicate label {lab!r}")
            key = norm(lab)
            if key in seen:
                errors.append(f"{where}: labels {lab!r} and {seen[key]!r} normalise alike")
            seen[key] = lab
            types[lab] = typ
            if not any(unicodedata.normalize("NFKC", n).casefold() in text_l for n in [lab] + al):
                errors.append(f"{where}: neither label nor any alias of {lab!r} occurs in the text")
            n_ent += 1
        rel_seen = set()
        for r in g["relations"]:
            if not (isinstance(r, list) and len(r) == 3):
                errors.append(f"{where}: bad relation {r!r}")
                continue
            s, p, o = r
            if p not in DOMAIN_RANGE:
                errors.append(f"{where}: unknown predicate in {r}")
                continue
            for end in (s, o):
                if end not in types:
                    errors.append(f"{where}: relation end {end!r} is not an entity label ({r})")
            if s in types and o in types:
                dom, rng = DOMAIN_RANGE[p]
                if types[s] not in dom or types[o] not in rng:
                    errors.append(f"{where}: {r} does not fit {p} ({types[s]} -> {types[o]})")
            if s == o:
                errors.append(f"{where}: self relation {r}")
            key = (s, p, o) if p != "partnerOf" else (min(s, o), p, max(s, o))
            if key in rel_seen:
                errors.append(f"{where}: duplicate relation {r}")
            rel_seen.add(key)
            n_rel += 1
    return errors, len(gold_files), n_ent, n_rel


if __name__ == "__main__":
    base = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
    errs, nf, ne, nr = check(base)
    for e in errs:
        print("ERROR", e)
    print(f"{nf} gold files, {ne} entities, {nr} relations, {len(errs)} problems")
    sys.exit(1 if errs else 0)
