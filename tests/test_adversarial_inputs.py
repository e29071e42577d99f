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
import mobkg.ingest as ingest_module
from mobkg import ingest, open_store, read_release_file
from mobkg.cli import cli
from mobkg.errors import LexiconError, MobkgError
from mobkg.evaluate import evaluate, read_gold
from mobkg.extract.lexicon import read_lexicon

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
    folders = [root / "data" / "unseen" / "gold", root / "data" / "blind-2026-12" / "gold"]
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
