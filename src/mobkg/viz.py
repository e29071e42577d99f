"""Visualise the graph as one self-contained, interactive HTML page.

The page needs no network when viewed: everything it runs is inlined. The
stylesheet, ``graph.js`` and ``details.js`` in ``viz_assets/`` are mobkg's own;
the WebGL renderer (sigma.js), the graph model (graphology), the ForceAtlas2
layout and the PNG export come from ``viz_assets/vendor/sigma-bundle.min.js``,
third-party code built from pinned versions by ``scripts/viz-vendor/build.sh``
(licences beside it in ``LICENSES.txt``). The graph travels as JSON in a
``<script type="application/json">`` element. Every
``<``, ``>`` and ``&`` in that JSON is written as a ``\\u`` escape, so no label or
evidence sentence can close the element early, and so is every character HTML
reports as a parse error (controls, DEL, C1 controls, surrogates, noncharacters
such as U+FFFE): the page stays well formed and the browser still gets the data
exactly. The page title, text for a human, is made terminal-safe and legal XML
(:mod:`mobkg.escapes`).

Entities are coloured by type; each edge is one distinct fact and carries, for
every release that states it, the release's headline, date, source URL and
evidence sentences.
"""

from __future__ import annotations

import html
import json
import re
from collections import defaultdict
from collections.abc import Iterable
from importlib.resources import files

import networkx as nx
from rdflib import RDF

from .analysis import resolve_name
from .escapes import terminal_safe, xml_safe
from .export import entity_graph, store_quads
from .stores import GraphStore
from .vocab import MOB, PROV, SCHEMA, EntityType

__all__ = ["TYPE_COLOURS", "viz_data", "render_html", "embed_json"]

TYPE_COLOURS: dict[EntityType, str] = {
    EntityType.COMPANY: "#4e79a7",
    EntityType.BRAND: "#f28e2b",
    EntityType.ALLIANCE: "#e15759",
    EntityType.TECHNOLOGY: "#76b7b2",
    EntityType.INITIATIVE: "#59a14f",
    EntityType.PERSON: "#edc948",
    EntityType.EVENT: "#b07aa1",
    EntityType.SECTOR: "#ff9da7",
    EntityType.PRODUCT: "#9c755f",
    EntityType.PLACE: "#bab0ac",
}
"""Colour of each entity type (Tableau 10), in legend order."""

_STATEMENT_PARTS = {str(RDF.subject): "subject", str(RDF.predicate): "predicate", str(RDF.object): "object"}
_HEADLINE, _DATE, _SUBJECT_OF = str(SCHEMA.headline), str(SCHEMA.datePublished), str(SCHEMA.subjectOf)
_EVIDENCE, _MOB, _SOURCE = str(MOB.evidence), str(MOB), str(PROV.hadPrimarySource)


def _neighbourhood(graph: nx.MultiDiGraph, focus: str, depth: int) -> nx.MultiDiGraph:
    undirected = graph.to_undirected(as_view=True)
    keep: set[str] = set()
    for entity in resolve_name(graph, focus):
        keep.update(nx.single_source_shortest_path_length(undirected, entity.iri, cutoff=depth))
    return graph.subgraph(keep)


def _provenance(quads: Iterable[tuple[str, str, str, str]]) -> tuple[dict, dict, dict]:
    """Release headlines, dates and URLs; evidence per (fact, release); releases per entity."""
    headlines: dict[str, str] = {}
    dates: dict[str, str] = {}
    urls: dict[str, str] = {}
    mentions: dict[str, set[str]] = defaultdict(set)
    statements: dict[tuple[str, str], dict[str, str]] = defaultdict(dict)
    sentences: dict[tuple[str, str], set[str]] = defaultdict(set)
    for s, p, o, release in quads:
        if s == release and p == _HEADLINE:
            headlines[release] = o
        elif s == release and p == _DATE:
            dates[release] = o
        elif s == release and p == _SOURCE:
            urls[release] = o
        elif p == _SUBJECT_OF and o == release:
            mentions[s].add(release)
        elif p in _STATEMENT_PARTS:
            statements[(release, s)][_STATEMENT_PARTS[p]] = o
        elif p == _EVIDENCE:
            sentences[(release, s)].add(o)
    releases = {g: {"headline": h, "date": dates.get(g), "url": urls.get(g)} for g, h in headlines.items()}
    evidence: dict[tuple[str, str, str], dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for (release, statement), parts in statements.items():
        predicate = parts.get("predicate", "")
        if len(parts) == 3 and predicate.startswith(_MOB):
            evidence[(parts["subject"], predicate[len(_MOB):], parts["object"])][release] |= sentences[(release, statement)]
    return releases, evidence, mentions


def viz_data(store: GraphStore, focus: str | None = None, depth: int = 2) -> dict:
    """The graph as the page's JSON: ``nodes``, ``edges``, ``types`` and ``releases``.

    With ``focus``, keep only entities at most ``depth`` facts away (in either
    direction) from the entities whose label or alias is ``focus``.

    :raises QueryError: if ``focus`` names no entity.
    :raises ValueError: if ``depth`` is negative.
    :raises StoreError: if the store cannot be read.
    """
    if depth < 0:
        raise ValueError(f"depth must be 0 or more, not {depth}")
    graph = entity_graph(store)
    if focus is not None:
        graph = _neighbourhood(graph, focus, depth)
    releases, evidence, mentions = _provenance(store_quads(store))
    nodes = [
        {
            "id": node,
            "label": attrs["label"],
            "type": attrs["type"],
            "aliases": [a for a in attrs["aliases"].split("|") if a],
            "releases": sorted(mentions[node], key=lambda r: (releases.get(r, {}).get("date") or "", r)),
        }
        for node, attrs in sorted(graph.nodes(data=True))
    ]
    edges = []
    for s, o, predicate, attrs in sorted(graph.edges(keys=True, data=True)):
        stated = evidence.get((s, predicate, o), {})
        sources = [
            {"release": r, "evidence": sorted(stated.get(r, ()))}
            for r in sorted(attrs["releases"].split(), key=lambda r: (releases.get(r, {}).get("date") or "", r))
        ]
        edges.append({"source": s, "target": o, "predicate": predicate, "sources": sources})
    counts = defaultdict(int)
    for node in nodes:
        counts[node["type"]] += 1
    used = {r for node in nodes for r in node["releases"]} | {s["release"] for e in edges for s in e["sources"]}
    return {
        "nodes": nodes,
        "edges": edges,
        "types": [{"name": t.value, "colour": c, "count": counts[t.value]} for t, c in TYPE_COLOURS.items()],
        "releases": {r: releases[r] for r in sorted(used) if r in releases},
        "focus": focus,
        "depth": depth if focus is not None else None,
    }


def embed_json(value: object) -> str:
    """JSON text that is safe inside an HTML ``<script>`` element.

    >>> embed_json({"label": "</script><b>&"})
    '{"label":"\\\\u003c/script\\\\u003e\\\\u003cb\\\\u003e\\\\u0026"}'
    """
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return _UNSAFE_IN_SCRIPT.sub(_json_escape, text)


# Markup, the separators that end a JavaScript line, and what HTML calls a parse error in
# its input: DEL and C1 controls, surrogates, noncharacters (json.dumps escapes C0 itself).
_UNSAFE_IN_SCRIPT = re.compile(
    "[<>&\u2028\u2029\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff"
    + "".join(chr(plane << 16 | 0xFFFE) + chr(plane << 16 | 0xFFFF) for plane in range(1, 17)) + "]"
)


def _json_escape(found: re.Match) -> str:
    encoded = found.group(0).encode("utf-16-be", "surrogatepass")
    return "".join(f"\\u{int.from_bytes(encoded[i:i + 2], 'big'):04x}" for i in range(0, len(encoded), 2))


_MARKER = re.compile(r"__MOBKG_(CSS|VENDOR|JS|TITLE|DATA)__")


def _asset(name: str) -> str:
    return files(__package__).joinpath("viz_assets", *name.split("/")).read_text(encoding="utf-8")


def render_html(store: GraphStore, focus: str | None = None, depth: int = 2) -> str:
    """One self-contained HTML page showing the graph (or the neighbourhood of ``focus``).

    :raises QueryError: if ``focus`` names no entity.
    :raises ValueError: if ``depth`` is negative.
    :raises StoreError: if the store cannot be read.
    """
    data = viz_data(store, focus, depth)
    title = f"mobkg: {len(data['nodes'])} entities, {len(data['edges'])} facts"
    if focus is not None:
        title = f"mobkg: {focus} and {depth} hop{'s' if depth != 1 else ''} around it"
    values = {
        "CSS": _asset("graph.css"),
        "VENDOR": _asset("vendor/sigma-bundle.min.js"),
        "JS": _asset("details.js") + "\n" + _asset("graph.js"),
        "TITLE": html.escape(xml_safe(terminal_safe(title))),
        "DATA": embed_json(data),
    }
    # One pass, so text inside a value (a label, say) is never taken for a marker.
    return _MARKER.sub(lambda match: values[match.group(1)], _asset("graph.html"))
