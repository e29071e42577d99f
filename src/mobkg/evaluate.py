"""Score extraction against gold annotations, following ``shared/corpus/README.md`` exactly.

Each release file is built on its own (a feed's items together, since one gold
file covers the feed) and compared with ``GOLD_DIR/<name>.json``:

* an output entity is a node typed with one of the ten classes; it matches a gold
  entity when the types are equal and one of its ``rdfs:label``/``skos:prefLabel``/
  ``skos:altLabel`` equals the gold label or an alias under :func:`match_key`;
* an output relation (one of the twelve predicates) matches when both ends match
  gold entities of any type and the gold file lists the triple; ``partnerOf``
  matches in either direction;
* precision counts matching outputs, recall counts gold items found; counts are
  kept per file, per type and per predicate and micro-averaged over the corpus.

A gold file is checked before it is used (:func:`read_gold`): one that is not
UTF-8, not JSON, not an object, or holds an entity or relation of the wrong
shape, an unknown type or predicate, or a relation end that is no entity's label,
is a :class:`~mobkg.errors.MobkgError` (exit 1, like an unreadable release)
naming the file and the key at fault.
"""

from __future__ import annotations

import json

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import RDF, RDFS, Graph
from rdflib.namespace import SKOS

from .errors import MobkgError
from .extract.lexicon import lexicon_additions
from .extract.normalise import match_key
from .ingestion import release_graph
from .readers import read_release_file
from .resources import analyst_dirs
from .vocab import EntityType, Predicate

__all__ = ["Score", "FileResult", "EvalReport", "evaluate", "read_gold", "score_graph", "graph_items"]

_CLASSES = {t.iri: t.value for t in EntityType}
_PREDICATES = {p.iri: p.value for p in Predicate}


@dataclass
class Score:
    """True positives for precision and recall, and the two totals."""

    matched_output: int = 0
    output: int = 0
    found_gold: int = 0
    gold: int = 0

    def __iadd__(self, other: "Score") -> "Score":
        self.matched_output += other.matched_output
        self.output += other.output
        self.found_gold += other.found_gold
        self.gold += other.gold
        return self

    def count(self, *, gold: bool, hit: bool) -> None:
        """Count one output item (``gold=False``) or one gold item, and whether it matched."""
        if gold:
            self.gold += 1
            self.found_gold += hit
        else:
            self.output += 1
            self.matched_output += hit

    @property
    def p(self) -> float:
        return self.matched_output / self.output if self.output else (1.0 if not self.gold else 0.0)

    @property
    def r(self) -> float:
        return self.found_gold / self.gold if self.gold else 1.0

    @property
    def f1(self) -> float:
        return 2 * self.p * self.r / (self.p + self.r) if self.p + self.r else 0.0

    def as_dict(self) -> dict:
        return {"p": round(self.p, 4), "r": round(self.r, 4), "f1": round(self.f1, 4),
                "tp_output": self.matched_output, "output": self.output, "tp_gold": self.found_gold, "gold": self.gold}


@dataclass
class FileResult:
    name: str
    entities: Score = field(default_factory=Score)
    relations: Score = field(default_factory=Score)
    by_type: dict[str, Score] = field(default_factory=dict)
    by_predicate: dict[str, Score] = field(default_factory=dict)
    missed_entities: list[str] = field(default_factory=list)
    spurious_entities: list[str] = field(default_factory=list)
    missed_relations: list[str] = field(default_factory=list)
    spurious_relations: list[str] = field(default_factory=list)


@dataclass
class EvalReport:
    files: list[FileResult]
    entities: Score
    relations: Score
    by_type: dict[str, Score]
    by_predicate: dict[str, Score]

    def as_dict(self, verbose: bool = False) -> dict:
        def file_dict(result: FileResult) -> dict:
            data = {"entities": result.entities.as_dict(), "relations": result.relations.as_dict()}
            if verbose:
                data.update(missed_entities=result.missed_entities, spurious_entities=result.spurious_entities,
                            missed_relations=result.missed_relations, spurious_relations=result.spurious_relations)
            return data

        return {
            "entities": self.entities.as_dict(),
            "relations": self.relations.as_dict(),
            "by_type": {k: v.as_dict() for k, v in sorted(self.by_type.items())},
            "by_predicate": {k: v.as_dict() for k, v in sorted(self.by_predicate.items())},
            "files": {r.name: file_dict(r) for r in self.files},
        }


def graph_items(graph: Graph) -> tuple[dict, list]:
    """Output entities ``{node: (type, names)}`` and relations ``[(s, predicate, o)]`` of a graph."""
    entities = {}
    for node, cls in graph.subject_objects(RDF.type):
        if cls in _CLASSES:
            names = {str(n) for prop in (RDFS.label, SKOS.prefLabel, SKOS.altLabel) for n in graph.objects(node, prop)}
            entities[(node, _CLASSES[cls])] = names
    relations = sorted({(s, _PREDICATES[p], o) for s, p, o in graph if p in _PREDICATES})
    return entities, relations


def score_graph(graph: Graph, gold: dict, name: str = "") -> FileResult:
    """Score one output graph against one gold annotation dict."""
    result = FileResult(name)
    gold_entities = gold.get("entities", [])
    gold_keys = [{match_key(e["label"]), *(match_key(a) for a in e.get("aliases", []))} for e in gold_entities]
    entities, relations = graph_items(graph)

    def gold_matches(names: set[str], entity_type: str | None) -> set[int]:
        keys = {match_key(n) for n in names}
        return {i for i, e in enumerate(gold_entities)
                if (entity_type is None or e["type"] == entity_type) and keys & gold_keys[i]}

    def tally(total: Score, per_key: dict, key: str, *, gold: bool, hit: bool) -> None:
        total.count(gold=gold, hit=hit)
        per_key.setdefault(key, Score()).count(gold=gold, hit=hit)

    found = set()
    for (node, entity_type), names in entities.items():
        hits = gold_matches(names, entity_type)
        tally(result.entities, result.by_type, entity_type, gold=False, hit=bool(hits))
        found |= hits
        if not hits:
            result.spurious_entities.append(f"{entity_type} {sorted(names)[0] if names else node}")
    for i, entity in enumerate(gold_entities):
        tally(result.entities, result.by_type, entity["type"], gold=True, hit=i in found)
        if i not in found:
            result.missed_entities.append(f"{entity['type']} {entity['label']}")

    names_of = {}
    for (node, _), names in entities.items():
        names_of.setdefault(node, set()).update(names)
    gold_relations = [tuple(r) for r in gold.get("relations", [])]
    gold_index = {}
    for index, (s, p, o) in enumerate(gold_relations):
        gold_index.setdefault((s, p, o), index)
        if p == Predicate.PARTNER_OF.value:
            gold_index.setdefault((o, p, s), index)
    found_relations = set()
    for s, predicate, o in relations:
        subjects = {gold_entities[i]["label"] for i in gold_matches(names_of.get(s, set()), None)}
        objects = {gold_entities[i]["label"] for i in gold_matches(names_of.get(o, set()), None)}
        hits = {gold_index[(gs, predicate, go)] for gs in subjects for go in objects if (gs, predicate, go) in gold_index}
        tally(result.relations, result.by_predicate, predicate, gold=False, hit=bool(hits))
        found_relations |= hits
        if not hits:
            first = lambda n: sorted(names_of.get(n, {str(n)}))[0]  # noqa: E731
            result.spurious_relations.append(f"{first(s)} {predicate} {first(o)}")
    for index, (s, p, o) in enumerate(gold_relations):
        tally(result.relations, result.by_predicate, p, gold=True, hit=index in found_relations)
        if index not in found_relations:
            result.missed_relations.append(f"{s} {p} {o}")
    return result


def read_gold(path: str | Path) -> dict:
    """Read and check one gold file (format: ``shared/corpus/README.md``).

    It must be a UTF-8 JSON object with ``file`` (a release file name inside the
    releases folder), ``entities`` (objects with a ``label``, one of the ten
    ``type`` names and optional string ``aliases``) and ``relations``
    (``[subject label, predicate, object label]``, each end the label of an entity
    of the file); ``sources`` is an optional list of strings.

    :raises MobkgError: (exit 1) naming the file, the key or item at fault and what was expected.
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise MobkgError(f"{path}: cannot read gold file ({exc.strerror or exc})") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise MobkgError(f"{path}: gold file is not UTF-8 (byte {data[exc.start]:#04x} at offset {exc.start}); "
                         f"save it as UTF-8") from None
    try:
        gold = json.loads(text)
    except json.JSONDecodeError as exc:
        raise MobkgError(f"{path}: gold file is not JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from None
    except RecursionError:
        raise MobkgError(f"{path}: gold file is not JSON that can be read (nested too deeply)") from None
    _check_gold(gold, path)
    return gold


_GOLD_KEYS = "an object with \"file\", \"entities\" and \"relations\""


def _check_gold(gold, path: Path) -> None:
    """Raise a one-line :class:`MobkgError` for the first thing in ``gold`` that the format does not allow."""
    def fail(where: str, expected: str, found) -> MobkgError:
        return MobkgError(f"{path}: {where} must be {expected}, found {_json_kind(found)}")

    if not isinstance(gold, dict):
        raise fail("the gold file", _GOLD_KEYS, gold)
    name = gold.get("file")
    if not isinstance(name, str) or not name.strip():
        raise fail('"file"', "the name of a release file (a string)", name)
    if Path(name).is_absolute() or ".." in Path(name).parts:
        raise MobkgError(f"{path}: \"file\" must name a file inside the releases folder, not {name!r}")
    sources = gold.get("sources", [])
    if not isinstance(sources, list) or not all(isinstance(s, str) for s in sources):
        raise fail('"sources"', "a list of URLs (strings)", sources)
    entities, relations = gold.get("entities", []), gold.get("relations", [])
    if not isinstance(entities, list):
        raise fail('"entities"', "a list of entities", entities)
    if not isinstance(relations, list):
        raise fail('"relations"', "a list of [subject, predicate, object] lists", relations)
    types = {t.value for t in EntityType}
    labels = set()
    for number, entity in enumerate(entities):
        where = f'"entities"[{number}]'
        if not isinstance(entity, dict):
            raise fail(where, 'an object with "label" and "type"', entity)
        if not isinstance(entity.get("label"), str) or not entity["label"].strip():
            raise fail(f'{where} "label"', "a name (a non-empty string)", entity.get("label"))
        if not isinstance(entity.get("type"), str):
            raise fail(f'{where} "type"', f"one of {', '.join(sorted(types))}", entity.get("type"))
        if entity["type"] not in types:
            raise MobkgError(f"{path}: {where} \"type\" {entity['type']!r} is not one of {', '.join(sorted(types))}")
        aliases = entity.get("aliases", [])
        if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
            raise fail(f'{where} "aliases"', "a list of names (strings)", aliases)
        labels.add(entity["label"])
    predicates = {p.value for p in Predicate}
    for number, relation in enumerate(relations):
        where = f'"relations"[{number}]'
        if not isinstance(relation, list) or len(relation) != 3 or not all(isinstance(x, str) for x in relation):
            raise fail(where, "a [subject label, predicate, object label] list of three strings", relation)
        subject, predicate, object_ = relation
        if predicate not in predicates:
            raise MobkgError(f"{path}: {where}: unknown predicate {predicate!r}; expected one of "
                             f"{', '.join(sorted(predicates))}")
        for end in (subject, object_):
            if end not in labels:
                raise MobkgError(f"{path}: {where}: {end!r} is not the label of an entity of this file; "
                                 f"add it to \"entities\" or fix the spelling")


def _json_kind(value) -> str:
    if isinstance(value, (list, tuple)):
        return f"a list of {len(value)}" if value else "an empty list"
    names = {dict: "an object", str: "a string", bool: "true/false", int: "a number", float: "a number",
             type(None): "null (or nothing)"}
    return names.get(type(value), type(value).__name__) + (f" {value!r}" if isinstance(value, (str, int, float))
                                                           and not isinstance(value, bool) else "")


def evaluate(gold_dir: str | Path, releases_dir: str | Path, lexicon: Sequence[str | Path] | None = None) -> EvalReport:
    """Build each release of ``releases_dir`` alone and score it against ``gold_dir``.

    ``lexicon``: an analyst's folders of gazetteer additions (``None``: the configured ones,
    see :func:`mobkg.resources.analyst_dirs`).

    :raises MobkgError: if a gold file is malformed (see :func:`read_gold`) or names a missing release.
    :raises ReleaseError: if a release cannot be read.
    :raises LexiconError: if a lexicon file is malformed.
    :raises ConfigError: if a configured lexicon folder does not exist.
    """
    additions = analyst_dirs("lexicon", None if lexicon is None else list(lexicon))
    # a broken lexicon is named as such, not as every release's internal error
    with lexicon_additions(additions):
        return _evaluate(gold_dir, releases_dir)


def _evaluate(gold_dir: str | Path, releases_dir: str | Path) -> EvalReport:
    gold_dir, releases_dir = Path(gold_dir), Path(releases_dir)
    gold_files = sorted(gold_dir.glob("*.json"))
    if not gold_files:
        raise MobkgError(f"{gold_dir}: no gold .json files")
    files = []
    for gold_path in gold_files:
        gold = read_gold(gold_path)
        release_path = releases_dir / gold["file"]
        if not release_path.is_file():
            raise MobkgError(f"{gold_path}: names release {gold['file']!r}, not found in {releases_dir}")
        graph = Graph()
        for release in read_release_file(release_path):
            graph += release_graph(release)
        files.append(score_graph(graph, gold, gold_path.stem))
    entities, relations = Score(), Score()
    by_type: dict[str, Score] = {}
    by_predicate: dict[str, Score] = {}
    for result in files:
        entities += result.entities
        relations += result.relations
        for key, score in result.by_type.items():
            by_type.setdefault(key, Score()).__iadd__(score)
        for key, score in result.by_predicate.items():
            by_predicate.setdefault(key, Score()).__iadd__(score)
    return EvalReport(files, entities, relations, by_type, by_predicate)




def format_report(report: EvalReport, verbose: bool = False) -> str:
    """Human-readable tables of an evaluation: per file, per type, per predicate, micro average."""

    def row(name: str, score: Score) -> str:
        return f"{name:40} {score.p:6.3f} {score.r:6.3f} {score.f1:6.3f}  {score.matched_output:>4}/{score.output:<4} {score.found_gold:>4}/{score.gold:<4}"

    header = f"{'':40} {'P':>6} {'R':>6} {'F1':>6}  {'tp/out':>9} {'tp/gold':>9}"
    lines = ["Per file (entities | relations)", header]
    for result in report.files:
        lines.append(row(f"{result.name} entities", result.entities))
        lines.append(row(f"{result.name} relations", result.relations))
        if verbose:
            for label, items in (("missed entity", result.missed_entities), ("spurious entity", result.spurious_entities),
                                 ("missed relation", result.missed_relations), ("spurious relation", result.spurious_relations)):
                lines.extend(f"    {label}: {item}" for item in items)
    lines += ["", "Per type", header, *(row(k, v) for k, v in sorted(report.by_type.items()))]
    lines += ["", "Per predicate", header, *(row(k, v) for k, v in sorted(report.by_predicate.items()))]
    lines += ["", "Micro average", header, row("entities", report.entities), row("relations", report.relations)]
    return "\n".join(lines)
