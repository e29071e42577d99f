"""Load the extraction lexicons shipped in ``mobkg/lexicons/`` (and any analyst additions).

Language-independent knowledge, at the top:

* ``organizations.tsv`` — companies, brands and alliances: label, type, aliases, Wikidata ID, country
* ``places.tsv`` — continents, regions, countries, subdivisions, cities: label, kind, aliases, country
* ``dateline_abbreviations.tsv`` — region abbreviations datelines use ("Mich.", "BC")

Word knowledge of a language, under ``<language>/`` (``en/`` is the only one so far):

* ``vocabulary.yaml`` — cue words: name heads per type, titles, verbs, stop words, not-names
* ``patterns.yaml`` — relation patterns over typed sentences (see :mod:`mobkg.extract.relations`)
* ``frames.yaml`` — typing frames: the words around a name that say its type (:mod:`mobkg.extract.frames`)

Extra ``*.tsv`` files whose names start with ``organizations`` or ``places`` are
merged in, so an analyst can add ``organizations-local.tsv`` without editing ours.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml

from ..errors import LexiconError
from ..resources import data_dir
from ..vocab import EntityType
from .frames import compile_frames

__all__ = ["GazetteerEntry", "Lexicon", "load_lexicon"]


@dataclass(frozen=True)
class GazetteerEntry:
    label: str
    type: EntityType
    aliases: tuple[str, ...] = ()
    wikidata: str | None = None


@dataclass
class Lexicon:
    vocabulary: dict
    patterns: list[dict]
    entries: list[GazetteerEntry] = field(default_factory=list)
    exact: dict[str, list[GazetteerEntry]] = field(default_factory=dict)
    """Surface form exactly as written → entries."""
    folded: dict[str, list[GazetteerEntry]] = field(default_factory=dict)
    """Case-folded multi-word surface form → entries."""
    max_words: int = 1
    dateline_abbreviations: dict[str, str] = field(default_factory=dict)
    """Region abbreviations of datelines ("Mich." → "Michigan"), read only in datelines."""
    frames: tuple = ()
    """Typing frames (:mod:`mobkg.extract.frames`)."""

    def words(self, name: str) -> frozenset[str]:
        return self._sets[name]

    @property
    def legal_forms(self) -> frozenset[str]:
        """Legal-form suffixes that do not change which company a name denotes (not Group, Company, Holding)."""
        return self._sets["legal_suffixes"] - {"group", "company", "holding", "holdings"}

    def __post_init__(self):
        self._sets = {k: frozenset(v) for k, v in self.vocabulary.items() if isinstance(v, list)}

    def add(self, entry: GazetteerEntry) -> None:
        self.entries.append(entry)
        for surface in {entry.label, *entry.aliases}:
            surface = surface.strip()
            if not surface:
                continue
            self.exact.setdefault(surface, []).append(entry)
            if " " in surface or len(surface) > 3:
                self.folded.setdefault(surface.casefold(), []).append(entry)
            self.max_words = max(self.max_words, len(surface.split()))


_PLACE_KINDS = {"continent", "region", "country", "subdivision", "city", "facility"}


def _read_yaml(path: Path) -> dict:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise LexiconError(f"{path}: cannot read lexicon ({str(exc).splitlines()[0]})") from None
    if not isinstance(data, dict):
        raise LexiconError(f"{path}: expected a YAML mapping")
    # Cue lists are matched in lower case, whatever case an analyst typed them in.
    return {k: ([w.lower() for w in v] if isinstance(v, list) and all(isinstance(w, str) for w in v) else v)
            for k, v in data.items()}


def _read_tsv(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))


@cache
def load_lexicon() -> Lexicon:
    """Load every lexicon file once per process."""
    folder = data_dir("lexicons")
    words = folder / "en"  # word knowledge is per language; gazetteers are not
    vocabulary = _read_yaml(words / "vocabulary.yaml")
    patterns = _read_yaml(words / "patterns.yaml").get("patterns")
    if not isinstance(patterns, list):
        raise LexiconError(f"{words / 'patterns.yaml'}: needs a top-level `patterns:` list")
    lexicon = Lexicon(vocabulary, patterns)
    for path in sorted(folder.glob("dateline_abbreviations*.tsv")):
        lines = [line for line in path.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
        for row in csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE):
            if row.get("abbreviation") and row.get("label"):
                lexicon.dateline_abbreviations[row["abbreviation"].strip()] = row["label"].strip()
    lexicon.frames = compile_frames(_read_yaml(words / "frames.yaml").get("frames"), str(words / "frames.yaml"))
    for path in sorted(folder.glob("organizations*.tsv")):
        for row in _read_tsv(path):
            try:
                entity_type = EntityType(row["type"].strip())
            except (KeyError, ValueError, AttributeError):
                continue
            aliases = tuple(a.strip() for a in (row.get("aliases") or "").split("|") if a.strip())
            lexicon.add(GazetteerEntry(row["label"].strip(), entity_type, aliases, (row.get("wikidata") or "").strip() or None))
    for path in sorted(folder.glob("places*.tsv")):
        for row in _read_tsv(path):
            if (row.get("kind") or "").strip() not in _PLACE_KINDS or not row.get("label"):
                continue
            aliases = tuple(a.strip() for a in (row.get("aliases") or "").split("|") if a.strip())
            lexicon.add(GazetteerEntry(row["label"].strip(), EntityType.PLACE, aliases))
    return lexicon
