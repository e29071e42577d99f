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

Every file is checked as it is read: a file that is not UTF-8, a TSV row without
a label or with an unknown type, a cue list that is not a list of words, a pattern
without a predicate is a :class:`~mobkg.errors.LexiconError` naming the file and
the line (or key, or pattern) and what was expected -- never a traceback and never
a row silently left out.
"""

from __future__ import annotations

import contextlib
import contextvars
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml

from ..errors import LexiconError, UserLexiconError
from ..resources import data_dir
from ..vocab import EntityType, Predicate
from .frames import compile_frames

__all__ = ["GazetteerEntry", "Lexicon", "load_lexicon", "read_lexicon", "lexicon_additions", "maintained_legal_forms"]


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
    given_names: frozenset[str] = frozenset()
    """Personal given names, case-folded (``given_names.txt``): "Jonathan Jackson" is shaped like a person."""

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
_VOCABULARY_LISTS = (
    "legal_suffixes", "company_heads", "alliance_heads", "event_heads", "initiative_heads", "technology_heads",
    "owned_technology_heads", "technology_terms", "technology_nouns", "product_heads", "generic_sector_words",
    "sector_modifiers", "not_name_heads", "generic_acronyms", "person_titles", "honorifics", "organisation_nouns",
    "brand_nouns", "stop_capitalised", "public_body_heads", "public_body_tails", "news_distributors",
)
"""Cue lists the extractor reads by name: ``vocabulary.yaml`` must give each (an empty list is fine)."""
_WIKIDATA = re.compile(r"Q[1-9][0-9]*")


class _WordLoader(yaml.SafeLoader):
    """YAML without its 1.1 booleans: in a list of cue words, ``on``, ``no`` and ``yes`` are words."""


_WordLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _read_yaml(path: Path, loader: type[yaml.SafeLoader] = yaml.SafeLoader) -> dict:
    try:
        data = yaml.load(path.read_bytes().decode("utf-8"), Loader=loader)  # noqa: S506 - a SafeLoader
    except UnicodeDecodeError as exc:
        raise LexiconError(f"{path}: not UTF-8 (byte {exc.object[exc.start]:#04x} at offset {exc.start}); "
                           f"save it as UTF-8") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        reason = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise LexiconError(f"{path}: not valid YAML{where} ({reason})") from None
    except OSError as exc:
        raise LexiconError(f"{path}: cannot read lexicon ({exc.strerror or exc})") from None
    if not isinstance(data, dict):
        raise LexiconError(f"{path}: expected a YAML mapping at the top (`key: value` lines), "
                           f"found {_kind(data)}")
    return data


def _kind(value) -> str:
    """What a YAML value is, for a message: "a list", "a number", "nothing"."""
    if value is None:
        return "nothing"
    names = {dict: "a mapping", list: "a list", str: "a string", bool: "true/false", int: "a number", float: "a number"}
    return names.get(type(value), f"a {type(value).__name__}")


def _words(value, where: str) -> list[str]:
    """A cue list: a YAML list of strings, matched in lower case whatever case an analyst typed."""
    if not isinstance(value, list):
        raise LexiconError(f"{where} must be a list of words, found {_kind(value)}")
    for number, word in enumerate(value, 1):
        if not isinstance(word, str) or not word.strip():
            raise LexiconError(f"{where}: item {number} must be a word or phrase, found {_kind(word)} {word!r}")
    return [word.lower() for word in value]


def _check_vocabulary(data: dict, path: Path) -> dict:
    """Every cue list is a list of strings and ``verbs`` maps names to lists; the lists the extractor reads exist."""
    vocabulary = {}
    for key, value in data.items():
        if key == "verbs":
            if not isinstance(value, dict):
                raise LexiconError(f"{path}: `verbs` must map verb-group names to lists of verbs, found {_kind(value)}")
            vocabulary[key] = {str(name): _words(verbs, f"{path}: `verbs: {name}`") for name, verbs in value.items()}
        else:
            vocabulary[key] = _words(value, f"{path}: `{key}`")
    missing = [key for key in _VOCABULARY_LISTS if key not in vocabulary]
    if missing:
        raise LexiconError(f"{path}: missing the cue list{'s' if len(missing) > 1 else ''} "
                           f"{', '.join(f'`{key}`' for key in missing)} (a list of words; [] if none)")
    return vocabulary


def _check_patterns(data: dict, path: Path) -> list[dict]:
    """The shape of each relation pattern (compiling it is checked once the lexicon is complete)."""
    patterns = data.get("patterns")
    if not isinstance(patterns, list):
        raise LexiconError(f"{path}: needs a top-level `patterns:` list, found {_kind(patterns)}")
    predicates = {p.value for p in Predicate}
    for number, spec in enumerate(patterns, 1):
        if not isinstance(spec, dict):
            raise LexiconError(f"{path}: pattern #{number} must be a mapping with `id`, `predicate` and `pattern`, "
                               f"found {_kind(spec)}")
        where = f"{path}: pattern {spec.get('id')!r}" if isinstance(spec.get("id"), str) else f"{path}: pattern #{number}"
        for key in ("id", "predicate", "pattern"):
            if not isinstance(spec.get(key), str) or not spec[key].strip():
                raise LexiconError(f"{where}: needs `{key}` (a string)")
        if spec["predicate"] not in predicates:
            raise LexiconError(f"{where}: unknown predicate {spec['predicate']!r}; expected one of "
                               f"{', '.join(sorted(predicates))}")
        for key in ("subject", "object"):
            if key in spec and not isinstance(spec[key], str):
                raise LexiconError(f"{where}: `{key}` must be a group name (a string), found {_kind(spec[key])}")
    return patterns


def _read_tsv(path: Path, required: tuple[str, ...]) -> Iterator[tuple[int, dict[str, str]]]:
    """Rows of a tab-separated lexicon as (line number, {column: value}); ``#`` lines and blank lines are skipped.

    :raises LexiconError: naming the file and line: not UTF-8, no header with the ``required``
        columns, a row with more fields than the header or without a value in a required column.
    """
    rows = [(number, line) for number, line in enumerate(_tsv_text(path).splitlines(), 1)
            if line.strip() and not line.startswith("#")]
    if not rows:
        raise LexiconError(f"{path}: empty; expected a header row with the columns {', '.join(required)}")
    header = _tsv_header(path, rows[0], required)
    for number, line in rows[1:]:
        yield number, _tsv_row(path, number, line, header, required)


def _tsv_text(path: Path) -> str:
    """The text of a TSV lexicon (a UTF-8 byte-order mark dropped); an unreadable file is a LexiconError."""
    try:
        return path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = exc.object[:exc.start].count(b"\n") + 1
        raise LexiconError(f"{path}: line {line}: not UTF-8 (byte {exc.object[exc.start]:#04x}); "
                           f"save the file as UTF-8") from None
    except OSError as exc:
        raise LexiconError(f"{path}: cannot read lexicon ({exc.strerror or exc})") from None


def _tsv_header(path: Path, first: tuple[int, str], required: tuple[str, ...]) -> list[str]:
    """The column names of the header row, which must hold every ``required`` column."""
    header_line, header = first[0], [name.strip() for name in first[1].split("\t")]
    absent = [name for name in required if name not in header]
    if absent:
        raise LexiconError(f"{path}: line {header_line}: the header lacks the column{'s' if len(absent) > 1 else ''} "
                           f"{', '.join(absent)}; expected tab-separated columns {', '.join(required)} (and any others)")
    return header


def _tsv_row(path: Path, number: int, line: str, header: list[str], required: tuple[str, ...]) -> dict[str, str]:
    """One data row as {column: value}: no more fields than the header, a value in every required column."""
    fields = line.split("\t")
    if len(fields) > len(header):
        raise LexiconError(f"{path}: line {number}: {len(fields)} fields but the header has {len(header)} "
                           f"(a stray tab?)")
    row = dict(zip(header, (f.strip() for f in fields)))
    empty = [name for name in required if not row.get(name)]
    if empty:
        raise LexiconError(f"{path}: line {number}: no {' or '.join(empty)}; expected tab-separated "
                           f"{', '.join(header)}")
    return row


def _aliases(row: dict[str, str]) -> tuple[str, ...]:
    return tuple(a.strip() for a in (row.get("aliases") or "").split("|") if a.strip())


_ADDITIONS = ("organizations", "places", "dateline_abbreviations")
"""What an analyst's lexicon folder may hold: ``<name>*.tsv`` files of these three gazetteers."""


def _add_gazetteers(lexicon: Lexicon, folder: Path, strict: bool = False) -> None:
    """Add the gazetteer TSVs of ``folder``; ``strict``: any other file there is refused (an analyst's folder)."""
    if strict:
        for path in sorted(folder.iterdir()):
            if path.name.startswith(".") or path.name.lower().startswith("readme"):
                continue
            if not (path.is_file() and path.suffix == ".tsv" and path.name.startswith(_ADDITIONS)):
                raise LexiconError(f"{path}: not a lexicon addition; an analyst's lexicon folder holds "
                                   f"{', '.join(name + '*.tsv' for name in _ADDITIONS)} files")
    for path in sorted(folder.glob("dateline_abbreviations*.tsv")):
        for _, row in _read_tsv(path, ("abbreviation", "label")):
            lexicon.dateline_abbreviations[row["abbreviation"]] = row["label"]
    types = ", ".join(t.value for t in EntityType)
    for path in sorted(folder.glob("organizations*.tsv")):
        for number, row in _read_tsv(path, ("label", "type")):
            try:
                entity_type = EntityType(row["type"])
            except ValueError:
                raise LexiconError(f"{path}: line {number}: unknown type {row['type']!r}; expected one of {types}") from None
            wikidata = row.get("wikidata") or None
            if wikidata and not _WIKIDATA.fullmatch(wikidata):
                raise LexiconError(f"{path}: line {number}: wikidata {wikidata!r} is not a Wikidata item ID "
                                   f"(Q and digits, e.g. Q156578); leave it empty if unknown")
            lexicon.add(GazetteerEntry(row["label"], entity_type, _aliases(row), wikidata))
    for path in sorted(folder.glob("places*.tsv")):
        for number, row in _read_tsv(path, ("label", "kind")):
            if row["kind"] not in _PLACE_KINDS:
                raise LexiconError(f"{path}: line {number}: unknown kind {row['kind']!r}; expected one of "
                                   f"{', '.join(sorted(_PLACE_KINDS))}")
            lexicon.add(GazetteerEntry(row["label"], EntityType.PLACE, _aliases(row)))


def _read_names(path: Path) -> frozenset[str]:
    """One name per line (``#`` comments and blank lines skipped), case-folded; no file, no names."""
    if not path.is_file():
        return frozenset()
    text = _tsv_text(path)
    return frozenset(line.strip().casefold() for line in text.splitlines() if line.strip() and not line.startswith("#"))


def read_lexicon(folder: Path, additions: Sequence[Path] = ()) -> Lexicon:
    """Read and check every lexicon file under ``folder`` (laid out like ``mobkg/lexicons/``), then ``additions``.

    ``additions`` are an analyst's folders of gazetteer files (``organizations*.tsv``,
    ``places*.tsv``, ``dateline_abbreviations*.tsv``, same columns as the shipped ones),
    merged into the lexicon. Use it to check an edited lexicon folder; :func:`load_lexicon`
    reads the installed one.

    :raises LexiconError: naming the file, the line, row, pattern or key at fault, and what was expected.
    :raises UserLexiconError: the same, for a file in one of ``additions`` (or another file there).
    """
    words = folder / "en"  # word knowledge is per language; gazetteers are not
    vocabulary = _check_vocabulary(_read_yaml(words / "vocabulary.yaml", _WordLoader), words / "vocabulary.yaml")
    vocabulary["legal_suffixes"] = sorted(set(vocabulary["legal_suffixes"]) | maintained_legal_forms())
    patterns = _check_patterns(_read_yaml(words / "patterns.yaml"), words / "patterns.yaml")
    lexicon = Lexicon(vocabulary, patterns)
    _add_gazetteers(lexicon, folder)
    lexicon.given_names = _read_names(folder / "given_names.txt")
    lexicon.frames = compile_frames(_read_yaml(words / "frames.yaml").get("frames"), str(words / "frames.yaml"))
    for extra in additions:
        try:
            _add_gazetteers(lexicon, Path(extra), strict=True)
        except LexiconError as exc:
            raise UserLexiconError(str(exc)) from None
    from .relations import compile_patterns  # noqa: PLC0415 - relations needs this module's Lexicon

    try:  # a bad regular expression or placeholder fails here, not in the middle of a build
        compile_patterns(lexicon)
    except LexiconError as exc:  # relations names the shipped file; name the one read
        raise LexiconError(str(exc).replace("lexicons/en/patterns.yaml", str(words / "patterns.yaml"), 1)) from None
    return lexicon


_NOT_LEGAL_FORMS = frozenset({"e.g.", "ent.", "private", "unlimited", "etat"})
"""cleanco terms that are also ordinary English words or abbreviations ("e.g.", "Private"): never a legal form here."""


@cache
def maintained_legal_forms() -> frozenset[str]:
    """Legal-form suffixes from the ``cleanco`` package's terms (a maintained list, by country and type).

    Only one-word forms that cannot be mistaken for a word of a name are taken: dotted or
    slashed forms ("S.L.", "s.a.r.l.", "A/S") and undotted forms of four letters or more
    ("SICAV", "BVBA"). cleanco's two- and three-letter forms ("AT", "UK", "AS", "PT") are
    left out: as suffixes they would cut country codes and words off company names, and
    ``vocabulary.yaml`` already lists the short forms that matter (AG, SE, Oy, KK ...).

    >>> {"s.l.", "s.a.r.l.", "a/s", "sicav"} <= maintained_legal_forms()
    True
    >>> {"uk", "at", "as", "e.g."} & maintained_legal_forms()
    set()
    """
    from cleanco.clean import get_unique_terms

    forms = set()
    for term in get_unique_terms():
        term = term.strip().lower()
        if " " in term or term in _NOT_LEGAL_FORMS or not term[:1].isalpha():
            continue
        letters = sum(ch.isalpha() for ch in term)
        if (letters >= 2 and ("." in term or "/" in term)) or (letters >= 4 and term.isalpha()):
            forms.add(term)
    return frozenset(forms)


_ACTIVE_ADDITIONS: contextvars.ContextVar[tuple[Path, ...]] = contextvars.ContextVar("lexicon_additions", default=())


def load_lexicon(additions: Sequence[Path] | None = None) -> Lexicon:
    """The installed lexicon with an analyst's ``additions`` merged in, read once per process.

    ``None``: the additions in effect (:func:`lexicon_additions`; none by default), so the
    extraction stages need not pass them along.

    :raises LexiconError: if a lexicon file is malformed (see :func:`read_lexicon`).
    """
    return _load(_ACTIVE_ADDITIONS.get() if additions is None else tuple(Path(a) for a in additions))


@cache
def _load(additions: tuple[Path, ...]) -> Lexicon:
    return read_lexicon(data_dir("lexicons"), additions)


@contextlib.contextmanager
def lexicon_additions(additions: Sequence[Path]) -> Iterator[Lexicon]:
    """Within the block, :func:`load_lexicon` (and so extraction) uses the analyst's ``additions``.

    :raises LexiconError, UserLexiconError: if a lexicon file is malformed.
    """
    lexicon = load_lexicon(additions)
    token = _ACTIVE_ADDITIONS.set(tuple(Path(a) for a in additions))
    try:
        yield lexicon
    finally:
        _ACTIVE_ADDITIONS.reset(token)


load_lexicon.cache_clear = _load.cache_clear  # type: ignore[attr-defined]  # drop what was read (tests)
