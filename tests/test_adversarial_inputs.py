"""Hostile or careless inputs: malformed gold and lexicon files, odd file names, feeds.

Every malformed input is one line naming the file (and line, row or key) and what was
expected -- never a traceback; nothing already stored is lost; no two different releases
overwrite each other. CLI tests run the command with ``CliRunner`` and check the result
through the library.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import mobkg.extract.lexicon as lexicon_module
import importlib
from mobkg import ingest, open_store, read_release_file
from mobkg.cli import cli
from mobkg.errors import LexiconError, MobkgError
from mobkg.evaluate import evaluate, read_gold
from mobkg.extract.lexicon import read_lexicon

ingest_module = importlib.import_module("mobkg.ingestion")

pytestmark = pytest.mark.adversarial

RELEASE = """Pellavo Motors Opens Cell Plant in Lyon

LYON, France, June 2, 2025 /PRNewswire/ -- Pellavo Motors, a maker of electric vans, today opened a cell plant in Lyon.

Pellavo Motors is a member of the Open Charge Europe Alliance.
"""


def _no_traceback(result) -> None:
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output


def _one_error_line(result) -> str:
    lines = [line for line in result.output.splitlines() if line.startswith("Error:")]
    assert len(lines) == 1, result.output
    return lines[0]


# --- gold files -----------------------------------------------------------------------------

GOOD_GOLD = {
    "file": "a.txt",
    "entities": [{"label": "Pellavo Motors", "type": "Company", "aliases": ["Pellavo"]},
                 {"label": "Lyon", "type": "Place"}],
    "relations": [["Pellavo Motors", "headquarteredIn", "Lyon"]],
}


def _gold(**change) -> bytes:
    gold = {**GOOD_GOLD, **change}
    return json.dumps({k: v for k, v in gold.items() if v is not ...}).encode()


def _entity(**change) -> bytes:
    entity = {**GOOD_GOLD["entities"][0], **change}
    return _gold(entities=[{k: v for k, v in entity.items() if v is not ...}, GOOD_GOLD["entities"][1]])


MALFORMED_GOLD = {
    "not-json": (b'{"file": "a.txt", "entities": [', "not JSON (line 1"),
    "empty": (b"", "not JSON"),
    "not-utf8": (_gold().replace(b"Lyon", b"Ly\xf6n"), "not UTF-8"),
    "top-level-list": (b"[1, 2]", "must be an object"),
    "top-level-string": (b'"a.txt"', "must be an object"),
    "no-file": (_gold(file=...), '"file" must be the name of a release file'),
    "file-a-number": (_gold(file=5), '"file" must be the name of a release file (a string), found a number 5'),
    "file-outside": (_gold(file="../a.txt"), "inside the releases folder"),
    "file-absolute": (_gold(file="/etc/hostname"), "inside the releases folder"),
    "entities-an-object": (_gold(entities={"label": "x"}), '"entities" must be a list'),
    "entity-a-string": (_gold(entities=["Pellavo Motors"]), '"entities"[0] must be an object'),
    "entity-without-label": (_entity(label=...), '"entities"[0] "label" must be a name'),
    "entity-label-a-number": (_entity(label=7), '"entities"[0] "label" must be a name'),
    "entity-without-type": (_entity(type=...), '"entities"[0] "type" must be one of'),
    "entity-unknown-type": (_entity(type="Firm"), "\"type\" 'Firm' is not one of"),
    "aliases-a-string": (_entity(aliases="Pellavo"), '"aliases" must be a list of names'),
    "relations-an-object": (_gold(relations={"a": "b"}), '"relations" must be a list'),
    "relation-of-two": (_gold(relations=[["Pellavo Motors", "headquarteredIn"]]), "found a list of 2"),
    "relation-of-numbers": (_gold(relations=[[1, 2, 3]]), "list of three strings"),
    "relation-unknown-predicate": (_gold(relations=[["Pellavo Motors", "basedIn", "Lyon"]]),
                                   "unknown predicate 'basedIn'"),
    "relation-unknown-end": (_gold(relations=[["Pellavo Motors", "headquarteredIn", "Paris"]]),
                             "'Paris' is not the label of an entity"),
    "sources-a-string": (_gold(sources="https://example.com"), '"sources" must be a list'),
    "deeply-nested": (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
}


@pytest.fixture
def releases_dir(tmp_path) -> Path:
    folder = tmp_path / "releases"
    folder.mkdir()
    (folder / "a.txt").write_text(RELEASE, encoding="utf-8")
    return folder


@pytest.mark.parametrize("data, expected", MALFORMED_GOLD.values(), ids=MALFORMED_GOLD.keys())
def test_malformed_gold_file_is_one_line_naming_file_and_key(tmp_path, releases_dir, data, expected):
    gold_dir = tmp_path / "gold"
    gold_dir.mkdir()
    (gold_dir / "a.json").write_bytes(data)
    with pytest.raises(MobkgError) as caught:
        read_gold(gold_dir / "a.json")
    assert expected in str(caught.value) and str(gold_dir / "a.json") in str(caught.value)
    assert caught.value.exit_code == 1 and "\n" not in str(caught.value)
    result = CliRunner().invoke(cli, ["eval", str(gold_dir), str(releases_dir)])
    _no_traceback(result)
    assert result.exit_code == 1
    assert expected in _one_error_line(result)


def test_well_formed_gold_file_scores(tmp_path, releases_dir):
    gold_dir = tmp_path / "gold"
    gold_dir.mkdir()
    (gold_dir / "a.json").write_bytes(_gold())
    report = evaluate(gold_dir, releases_dir)
    assert report.entities.gold == 2 and report.relations.gold == 1


def test_every_shipped_gold_file_is_well_formed():
    root = Path(__file__).resolve().parent
    folders = [root / "data" / "unseen" / "gold", root / "data" / "blind-2026-12" / "gold", root / "data" / "blind-2026-12b" / "gold",
               root / "data" / "blind-2027-01" / "gold"]
    files = [path for folder in folders for path in sorted(folder.glob("*.json"))]
    assert files
    for path in files:
        read_gold(path)


# --- lexicon files --------------------------------------------------------------------------

_VOCABULARY = "".join(f"{key}: []\n" for key in lexicon_module._VOCABULARY_LISTS) + "verbs: {launch: [launched]}\n"
_MINIMAL = {
    "en/vocabulary.yaml": _VOCABULARY.replace("honorifics: []", "honorifics: [mr, ms]"),
    "en/patterns.yaml": "patterns:\n  - id: launch\n    predicate: launched\n"
                        "    pattern: '{S:Company} {verbs:launch} (?:the )?{O:Product}'\n",
    "en/frames.yaml": "frames: []\n",
    "organizations.tsv": "label\ttype\taliases\twikidata\tcountry\nPellavo Motors\tCompany\tPellavo\tQ123\tFR\n",
    "places.tsv": "label\tkind\taliases\tcountry\nLyon\tcity\t\tFR\n",
    "dateline_abbreviations.tsv": "# region abbreviations\nabbreviation\tlabel\nMich.\tMichigan\n",
}


def _lexicon_folder(root: Path, **files: str | bytes) -> Path:
    folder = root / "lexicons"
    for name, content in {**_MINIMAL, **{k.replace("__", "/").replace("_tsv", ".tsv").replace("_yaml", ".yaml"): v
                                         for k, v in files.items()}}.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return folder


ORGS_HEADER = "label\ttype\taliases\twikidata\tcountry\n"
MALFORMED_LEXICON = {
    "orgs-not-utf8": ({"organizations-local_tsv": (ORGS_HEADER + "Citro\xebn Lyon\tCompany\t\t\t\n").encode("latin-1")},
                      "organizations-local.tsv: line 2: not UTF-8"),
    "orgs-no-label-column": ({"organizations-local_tsv": "name\ttype\nKestrova\tCompany\n"},
                             "organizations-local.tsv: line 1: the header lacks the column label"),
    "orgs-empty-file": ({"organizations-local_tsv": ""}, "organizations-local.tsv: empty"),
    "orgs-missing-columns": ({"organizations-local_tsv": ORGS_HEADER + "Kestrova Motors\n"},
                             "organizations-local.tsv: line 2: no type"),
    "orgs-spaces-not-tabs": ({"organizations-local_tsv": ORGS_HEADER + "Kestrova Motors    Company\n"},
                             "organizations-local.tsv: line 2: no type"),
    "orgs-empty-label": ({"organizations-local_tsv": ORGS_HEADER + "\tCompany\t\t\t\n"},
                         "organizations-local.tsv: line 2: no label"),
    "orgs-bad-type": ({"organizations-local_tsv": ORGS_HEADER + "Kestrova Motors\tCompnay\t\t\t\n"},
                      "line 2: unknown type 'Compnay'"),
    "orgs-stray-tab": ({"organizations-local_tsv": ORGS_HEADER + "Kestrova Motors\tCompany\t\t\tFR\textra\n"},
                       "line 2: 6 fields but the header has 5"),
    "orgs-bad-wikidata": ({"organizations-local_tsv": ORGS_HEADER + "Kestrova Motors\tCompany\t\twikidata:42\t\n"},
                          "line 2: wikidata 'wikidata:42' is not a Wikidata item ID"),
    "places-bad-kind": ({"places_tsv": "label\tkind\taliases\tcountry\nLyon\ttown\t\tFR\n"},
                        "places.tsv: line 2: unknown kind 'town'"),
    "places-no-kind-column": ({"places_tsv": "label\taliases\nLyon\t\n"}, "header lacks the column kind"),
    "abbreviations-one-column": ({"dateline_abbreviations_tsv": "abbreviation\tlabel\nMich.\n"},
                                 "dateline_abbreviations.tsv: line 2: no label"),
    "abbreviations-not-utf8": ({"dateline_abbreviations_tsv": b"abbreviation\tlabel\nQu\xe9.\tQuebec\n"},
                               "dateline_abbreviations.tsv: line 2: not UTF-8"),
    "vocabulary-not-yaml": ({"en__vocabulary_yaml": "company_heads: [Motors\n"}, "vocabulary.yaml: not valid YAML"),
    "vocabulary-not-utf8": ({"en__vocabulary_yaml": b"company_heads: [Motor\xe9n]\n"}, "vocabulary.yaml: not UTF-8"),
    "vocabulary-a-list": ({"en__vocabulary_yaml": "- Motors\n- Group\n"}, "expected a YAML mapping at the top"),
    "vocabulary-list-is-a-string": ({"en__vocabulary_yaml": _VOCABULARY.replace("company_heads: []",
                                                                             "company_heads: Motors")},
                                    "`company_heads` must be a list of words, found a string"),
    "vocabulary-item-is-a-mapping": ({"en__vocabulary_yaml": _VOCABULARY.replace("company_heads: []",
                                                                              "company_heads: [Motors, {a: b}]")},
                                     "`company_heads`: item 2 must be a word or phrase"),
    "vocabulary-item-is-null": ({"en__vocabulary_yaml": _VOCABULARY.replace("company_heads: []",
                                                                         "company_heads: [Motors, ]\nx: [~]")},
                                "item 1 must be a word or phrase"),
    "vocabulary-missing-list": ({"en__vocabulary_yaml": _VOCABULARY.replace("honorifics: []\n", "")},
                                "missing the cue list `honorifics`"),
    "vocabulary-verbs-a-list": ({"en__vocabulary_yaml": _VOCABULARY.replace("verbs: {launch: [launched]}",
                                                                         "verbs: [launched]")},
                                "`verbs` must map verb-group names to lists of verbs"),
    "patterns-not-a-list": ({"en__patterns_yaml": "patterns: {id: x}\n"}, "needs a top-level `patterns:` list"),
    "patterns-missing": ({"en__patterns_yaml": "pattern: []\n"}, "needs a top-level `patterns:` list, found nothing"),
    "pattern-a-string": ({"en__patterns_yaml": "patterns: ['{S:Company} launched {O:Product}']\n"},
                         "pattern #1 must be a mapping"),
    "pattern-without-predicate": ({"en__patterns_yaml": "patterns:\n  - {id: p1, pattern: '{S:Company} x {O:Product}'}\n"},
                                  "pattern 'p1': needs `predicate`"),
    "pattern-unknown-predicate": ({"en__patterns_yaml": "patterns:\n  - {id: p1, predicate: owns, "
                                                        "pattern: '{S:Company} owns {O:Brand}'}\n"},
                                  "pattern 'p1': unknown predicate 'owns'"),
    "pattern-bad-regex": ({"en__patterns_yaml": "patterns:\n  - {id: p1, predicate: launched, "
                                                "pattern: '{S:Company} (launched {O:Product}'}\n"},
                          "pattern p1 is invalid"),
    "pattern-unknown-verbs": ({"en__patterns_yaml": "patterns:\n  - {id: p1, predicate: launched, "
                                                    "pattern: '{S:Company} {verbs:sell} {O:Product}'}\n"},
                              "pattern p1 is invalid"),
    "frames-not-a-list": ({"en__frames_yaml": "frames: yes\n"}, "needs a top-level `frames:` list"),
}


@pytest.mark.parametrize("files, expected", MALFORMED_LEXICON.values(), ids=MALFORMED_LEXICON.keys())
def test_malformed_lexicon_file_is_a_lexicon_error_naming_file_and_line(tmp_path, files, expected):
    folder = _lexicon_folder(tmp_path, **files)
    with pytest.raises(LexiconError) as caught:
        read_lexicon(folder)
    message = str(caught.value)
    assert expected in message and str(folder) in message and "\n" not in message


def test_minimal_lexicon_reads_and_cue_words_stay_words(tmp_path):
    folder = _lexicon_folder(tmp_path, en__vocabulary_yaml=_VOCABULARY.replace("stop_capitalised: []",
                                                                             "stop_capitalised: [On, no, Yes]"))
    lexicon = read_lexicon(folder)
    assert lexicon.words("stop_capitalised") == {"on", "no", "yes"}  # not YAML's booleans
    assert lexicon.dateline_abbreviations == {"Mich.": "Michigan"}
    assert [e.label for e in lexicon.entries] == ["Pellavo Motors", "Lyon"]


@pytest.fixture
def broken_installed_lexicon(tmp_path, monkeypatch):
    """The installed lexicon folder, as if an analyst had added a local gazetteer without a type column."""
    folder = _lexicon_folder(tmp_path, **{"organizations-local_tsv": "label\tcountry\nKestrova Motors\tFR\n"})
    monkeypatch.setattr(lexicon_module, "data_dir", lambda name: folder)
    lexicon_module.load_lexicon.cache_clear()
    yield folder
    lexicon_module.load_lexicon.cache_clear()


@pytest.mark.parametrize("command", ["build", "build-skip-bad", "eval"])
def test_broken_lexicon_stops_build_and_eval_with_its_own_message(tmp_path, releases_dir, broken_installed_lexicon,
                                                                  command):
    store = tmp_path / "store"
    if command == "eval":
        gold = tmp_path / "gold"
        gold.mkdir()
        (gold / "a.json").write_bytes(_gold())
        args = ["eval", str(gold), str(releases_dir)]
    else:
        args = ["build", str(releases_dir), "--store", str(store)] + (["--skip-bad"] if "skip" in command else [])
    result = CliRunner().invoke(cli, args)
    _no_traceback(result)
    assert result.exit_code == 1
    line = _one_error_line(result)
    assert "organizations-local.tsv: line 1: the header lacks the column type" in line
    assert "internal error" not in line
    if command != "eval":
        opened = open_store(str(store), read_only=True)
        try:
            assert opened.graph_names() == []
        finally:
            opened.close()


# --- helpers for builds ---------------------------------------------------------------------

def _stored(store_path: Path) -> dict[str, str]:
    """{release graph: its source IRI} of a store, read through the library."""
    store = open_store(str(store_path), read_only=True)
    try:
        return {name: stored.source for name, stored in store.release_hashes().items()}
    finally:
        store.close()


def _graph_names(store_path: Path) -> list[str]:
    store = open_store(str(store_path), read_only=True)
    try:
        return store.graph_names()
    finally:
        store.close()


def _headlines(store_path: Path) -> list[str]:
    from mobkg.vocab import SCHEMA

    store = open_store(str(store_path), read_only=True)
    try:
        return sorted(str(o) for name in store.graph_names() for o in store.graph(name).objects(None, SCHEMA.headline))
    finally:
        store.close()


def _build(tmp_path, *args):
    result = CliRunner().invoke(cli, ["build", *map(str, args), "--store", str(tmp_path / "store")])
    _no_traceback(result)
    return result


def _rss(*items: str) -> str:
    return ('<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Pellavo newsroom</title>'
            + "".join(items) + "</channel></rss>")


def _item(title: str | None = "Pellavo Motors Opens Cell Plant", text: str = "Pellavo Motors opened a cell plant.",
          link: str | None = None, date: str | None = None) -> str:
    return ("<item>" + (f"<title>{title}</title>" if title is not None else "")
            + (f"<link>{link}</link>" if link else "") + (f"<pubDate>{date}</pubDate>" if date else "")
            + f"<description>{text}</description></item>")


# --- fault 12: a file name that is not UTF-8 ------------------------------------------------

needs_bytes_names = pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="needs byte file names (Linux)")


@needs_bytes_names
@pytest.mark.parametrize("options", [[], ["--skip-bad"], ["--jobs", "2"]], ids=["plain", "skip-bad", "jobs-2"])
def test_file_name_that_is_not_utf8_is_built_with_a_safe_source_iri(tmp_path, monkeypatch, options):
    monkeypatch.setattr(ingest_module, "MIN_FILES_FOR_WORKERS", 2)  # so --jobs 2 really starts workers
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text(RELEASE.replace("Pellavo", "Quornet"), encoding="utf-8")
    with open(os.path.join(os.fsencode(folder), b"caf\xe9 \xff name.txt"), "wb") as handle:
        handle.write(RELEASE.encode("utf-8"))
    os.chdir(tmp_path)  # a relative path: its IRI is built with quote(), which choked on surrogates
    result = _build(tmp_path, "in", *options)
    assert result.exit_code == 0, result.output
    sources = set(_stored(tmp_path / "store").values())
    assert "file:in/caf%E9%20%FF%20name.txt" in sources and len(sources) == 2


@needs_bytes_names
@pytest.mark.parametrize("options", [[], ["--skip-bad"]])
def test_bad_file_with_a_name_that_is_not_utf8_is_named_without_crashing(tmp_path, options):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text(RELEASE, encoding="utf-8")
    with open(os.path.join(os.fsencode(folder), b"empty\xfe.txt"), "wb"):
        pass
    result = _build(tmp_path, folder, *options)
    assert "empty\\udcfe.txt" in result.output and "empty" in result.output
    if options:
        assert result.exit_code == 0 and len(_stored(tmp_path / "store")) == 1
    else:
        assert result.exit_code == 1 and _stored(tmp_path / "store") == {}


# --- fault 7: a graph that fails the shapes -------------------------------------------------

@pytest.fixture
def second_label_on_one_file(monkeypatch):
    """The extractor, but for ``dot.txt`` its graph gives one entity two rdfs:labels (what repro 09 showed)."""
    from rdflib import RDFS, Literal

    real = ingest_module.release_graph

    def release_graph(release):
        graph = real(release)
        if Path(release.source).name == "dot.txt":
            entity = next(s for s, o in graph.subject_objects(RDFS.label) if "/id/company/" in str(s))
            graph.add((entity, RDFS.label, Literal("Pellavo.Motors Inc.")))
        return graph

    monkeypatch.setattr(ingest_module, "release_graph", release_graph)


def _good_and_dot(tmp_path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a-good.txt").write_text(RELEASE.replace("Pellavo", "Quornet"), encoding="utf-8")
    (folder / "dot.txt").write_text(RELEASE, encoding="utf-8")
    return folder


def test_release_violating_the_shapes_is_skipped_with_skip_bad(tmp_path, second_label_on_one_file):
    result = _build(tmp_path, _good_and_dot(tmp_path), "--skip-bad")
    assert result.exit_code == 0
    skipped = [line for line in result.output.splitlines() if line.startswith("skipped")]
    assert len(skipped) == 1 and "dot.txt" in skipped[0] and "violates the shapes (1 violation)" in skipped[0]
    assert list(_stored(tmp_path / "store").values()) == [f"file:{tmp_path / 'in' / 'a-good.txt'}"] or \
        [Path(s).name for s in _stored(tmp_path / "store").values()] == ["a-good.txt"]


def test_release_violating_the_shapes_stops_the_build_naming_it(tmp_path, second_label_on_one_file):
    result = _build(tmp_path, _good_and_dot(tmp_path))
    assert result.exit_code == 3
    line = _one_error_line(result)
    assert "dot.txt" in line and "violates the shapes (1 violation)" in line and "nothing was written" in line
    assert _stored(tmp_path / "store") == {}


# --- feeds: dates, headlines, links ---------------------------------------------------------

def _feed(tmp_path, *items: str, name: str = "news.rss") -> Path:
    path = tmp_path / name
    path.write_text(_rss(*items), encoding="utf-8")
    return path


@pytest.mark.parametrize("stamp", ["2025-13-45", "2025-02-30T10:00:00Z", "Tue, 31 Feb 2025 10:00:00 +0000",
                                   "Mon, 45 Jan 2025 10:00:00 GMT", "2025-00-10", "not a date"])
def test_impossible_feed_date_is_no_date(tmp_path, stamp):
    (release,) = read_release_file(_feed(tmp_path, _item(date=stamp)))
    assert release.published is None


def test_impossible_feed_date_falls_back_to_the_dateline(tmp_path):
    text = "LYON, France, June 2, 2025 -- Pellavo Motors opened a cell plant."
    (release,) = read_release_file(_feed(tmp_path, _item(text=text, date="2025-13-45")))
    assert str(release.published) == "2025-06-02"


@pytest.mark.parametrize("stamp, day", [("2025-03-04T23:30:00-05:00", "2025-03-04"),
                                        ("Tue, 04 Mar 2025 23:30:00 -0500", "2025-03-04"),
                                        ("2025-03-04", "2025-03-04")])
def test_feed_date_is_the_day_as_written(tmp_path, stamp, day):
    (release,) = read_release_file(_feed(tmp_path, _item(date=stamp)))
    assert str(release.published) == day


def test_atom_entry_with_an_impossible_date_has_no_date(tmp_path):
    path = tmp_path / "news.atom"
    path.write_text('<feed xmlns="http://www.w3.org/2005/Atom"><title>News</title><entry><title>Pellavo Opens Plant'
                    '</title><updated>2025-13-45T00:00:00Z</updated><published>2025-12-45T00:00:00Z</published>'
                    '<summary>Pellavo Motors opened a plant.</summary></entry></feed>', encoding="utf-8")
    (release,) = read_release_file(path)
    assert release.published is None


def test_item_without_title_takes_its_first_sentence_not_its_dateline(tmp_path):
    text = ("LYON, France, June 2, 2025 /PRNewswire/ -- Pellavo Motors opened a cell plant in Lyon. "
            "It will employ 400 people.")
    (release,) = read_release_file(_feed(tmp_path, _item(title=None, text=text)))
    assert release.title == "Pellavo Motors opened a cell plant in Lyon."
    assert release.dateline == "LYON, France" and str(release.published) == "2025-06-02"
    assert release.body[0].startswith("Pellavo Motors opened a cell plant in Lyon. It will employ")


def test_long_first_sentence_is_shortened_at_a_word(tmp_path):
    text = "Pellavo Motors " + "and its partners " * 20 + "opened a plant."
    (release,) = read_release_file(_feed(tmp_path, _item(title=None, text=text)))
    assert len(release.title) <= 120 and release.title.endswith("\u2026") and " and its" in release.title


def test_two_items_without_title_and_one_dateline_are_two_releases(tmp_path):
    dateline = "LYON, France, June 2, 2025 -- "
    feed = _feed(tmp_path, _item(title=None, text=dateline + "Pellavo Motors opened a cell plant. It has 400 staff."),
                 _item(title=None, text=dateline + "Pellavo Motors opened a cell plant. It cost 2 billion euros."))
    result = _build(tmp_path, feed)
    assert result.exit_code == 0 and "kept apart" in result.output
    assert len(_stored(tmp_path / "store")) == 2


def test_two_items_with_one_link_and_different_text_are_two_releases(tmp_path):
    link = "https://news.example.com/pellavo"
    feed = _feed(tmp_path, _item(link=link), _item(title="Pellavo Motors Names a CFO", link=link,
                                                   text="Pellavo Motors named Ines Calloway its CFO."))
    result = _build(tmp_path, feed)
    assert result.exit_code == 0 and "kept apart" in result.output
    assert _headlines(tmp_path / "store") == ["Pellavo Motors Names a CFO", "Pellavo Motors Opens Cell Plant"]
    again = _build(tmp_path, feed)  # unchanged: nothing more, nothing less
    assert again.exit_code == 0 and len(_stored(tmp_path / "store")) == 2


def test_two_items_with_one_link_and_the_same_text_are_one_release(tmp_path):
    link = "https://news.example.com/pellavo"
    result = _build(tmp_path, _feed(tmp_path, _item(link=link), _item(link=link)))
    assert result.exit_code == 0 and "kept apart" not in result.output
    assert len(_stored(tmp_path / "store")) == 1


def test_the_same_link_in_two_files_is_still_one_release(tmp_path):
    link = "https://news.example.com/pellavo"
    first = _feed(tmp_path, _item(link=link), name="a.rss")
    second = _feed(tmp_path, _item(link=link, text="Pellavo Motors opened a cell plant in Lyon."), name="b.rss")
    result = _build(tmp_path, first, second)
    assert result.exit_code == 0 and "kept apart" not in result.output
    assert list(_stored(tmp_path / "store").values()) == [link]


# --- feeds: streaming -----------------------------------------------------------------------

def _cheap_graphs(monkeypatch):
    """Extraction and validation are costly and not what these tests are about: a one-triple graph per release."""
    from rdflib import Graph, Literal

    from mobkg.build import release_iri, source_iri
    from mobkg.vocab import SCHEMA

    def build_one(release):
        graph = Graph(identifier=release_iri(release))
        graph.add((release_iri(release), SCHEMA.headline, Literal(release.title)))
        graph.add((release_iri(release), SCHEMA.url, source_iri(release)))
        return ingest_module._Built(release, graph)

    monkeypatch.setattr(ingest_module, "_build_one", build_one)


def _big_feed(tmp_path, items: int, bad: int | None = None) -> Path:
    body = "Pellavo Motors opened plant number {n} in Lyon."
    return _feed(tmp_path, *(_item(title=f"Pellavo Motors Opens Plant {n}", link=f"https://news.example.com/{n}",
                                   text=("x" * 600 if n == bad else body.format(n=n))) for n in range(items)))


class _SpyStore:
    """Records each write: how many graphs, and how many feed items had been read by then."""

    def __init__(self, store, read):
        self.store, self.read, self.writes = store, read, []

    def __getattr__(self, name):
        return getattr(self.store, name)

    def replace_graphs(self, graphs):
        self.writes.append((len(graphs), len(self.read)))
        self.store.replace_graphs(graphs)


@pytest.fixture
def counted_items(monkeypatch):
    """The feed items read so far (each is appended when the reader turns it into a release)."""
    import mobkg.readers.feed as feed_module

    read, real = [], feed_module._release
    monkeypatch.setattr(feed_module, "_release", lambda *args: read.append(args[1]) or real(*args))
    return read


def test_feed_reader_yields_items_lazily(tmp_path, counted_items):
    from mobkg.readers import iter_release_file

    items = iter_release_file(_big_feed(tmp_path, 300))
    first = next(items)
    assert first.title == "Pellavo Motors Opens Plant 0" and len(counted_items) == 1
    assert sum(1 for _ in items) == 299


def test_big_feed_is_written_in_batches_while_it_is_read(tmp_path, monkeypatch, counted_items):
    _cheap_graphs(monkeypatch)
    store = _SpyStore(open_store(str(tmp_path / "store")), counted_items)
    try:
        summary = ingest([_big_feed(tmp_path, 300)], store, batch_size=50)
    finally:
        store.close()
    assert summary.written == 300
    assert [size for size, _ in store.writes] == [50] * 6
    assert store.writes[0][1] < 300  # the first batch was written before the whole feed was read
    assert len(_graph_names(tmp_path / "store")) == 300


def test_bad_item_of_a_big_feed_keeps_the_batches_before_it(tmp_path, monkeypatch):
    _cheap_graphs(monkeypatch)
    monkeypatch.setattr("mobkg.readers.MAX_RELEASE_CHARS", 500)
    store = open_store(str(tmp_path / "store"))
    try:
        with pytest.raises(MobkgError, match=r"news.rss#item121: release text is"):
            ingest([_big_feed(tmp_path, 300, bad=120)], store, batch_size=50)
    finally:
        store.close()
    assert len(_graph_names(tmp_path / "store")) == 100  # two whole batches; nothing after the bad item


def test_bad_item_of_a_feed_is_skipped_alone_with_skip_bad(tmp_path, monkeypatch):
    _cheap_graphs(monkeypatch)
    monkeypatch.setattr("mobkg.readers.MAX_RELEASE_CHARS", 500)
    store = open_store(str(tmp_path / "store"))
    try:
        summary = ingest([_big_feed(tmp_path, 300, bad=120)], store, batch_size=50, skip_bad=True)
    finally:
        store.close()
    assert summary.written == 299 and [e.source.rsplit("#", 1)[1] for e in summary.skipped] == ["item121"]


def test_small_feed_with_a_bad_item_writes_nothing(tmp_path, monkeypatch):
    _cheap_graphs(monkeypatch)
    monkeypatch.setattr("mobkg.readers.MAX_RELEASE_CHARS", 500)
    store = open_store(str(tmp_path / "store"))
    try:
        with pytest.raises(MobkgError, match="item8"):
            ingest([_big_feed(tmp_path, 20, bad=7)], store)
    finally:
        store.close()
    assert _graph_names(tmp_path / "store") == []


def test_feed_built_by_workers_gives_the_same_store(tmp_path):
    link_items = [_item(title=f"Pellavo Motors Opens Plant {n}", link=f"https://news.example.com/{n}",
                        text=f"Pellavo Motors opened a plant in Lyon. It is plant number {n}.") for n in range(9)]
    feed = _feed(tmp_path, *link_items, _item(title=None, text="Quornet Energy opened a depot in Turin."))
    serial = CliRunner().invoke(cli, ["build", str(feed), "--store", str(tmp_path / "serial")])
    parallel = CliRunner().invoke(cli, ["build", str(feed), "--store", str(tmp_path / "parallel"), "--jobs", "2"])
    assert serial.exit_code == parallel.exit_code == 0, parallel.output
    assert _stored(tmp_path / "serial") == _stored(tmp_path / "parallel") and len(_stored(tmp_path / "serial")) == 10
