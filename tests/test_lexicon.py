"""Lexicon loading: legal forms from cleanco's maintained list, an analyst's own gazetteer folders."""

from __future__ import annotations

from pathlib import Path

import pytest

from mobkg import EntityType, UserLexiconError, entity_iri, ingest, open_store
from mobkg.extract import extract_release
from mobkg.extract.lexicon import lexicon_additions, load_lexicon, maintained_legal_forms
from mobkg.release import Release, SourceFormat

from conftest import EXAMPLES, opened_store, run_mobkg

ENTITY_IRIS = ("SELECT DISTINCT ?e WHERE { ?e <http://www.w3.org/2000/01/rdf-schema#label> ?l "
               "FILTER(STRSTARTS(STR(?e), 'https://w3id.org/mobkg/id/')) }")
QUILLON_TEXT = ("Quillon today said it will supply charging software to Valmora Automotive Group.",
                "Quillon is a member of the Open Charge Europe Alliance.")


def quillon_release() -> Release:
    return Release("quillon.txt", "Quillon to supply Valmora", QUILLON_TEXT, "0" * 64, SourceFormat.TEXT)


@pytest.fixture
def additions(tmp_path) -> Path:
    """An analyst's folder naming one company the shipped gazetteer does not know."""
    folder = tmp_path / "my-lexicon"
    folder.mkdir()
    (folder / "organizations-mine.tsv").write_text(
        "label\ttype\taliases\twikidata\tcountry\nQuillon Vantage\tCompany\tQuillon\t\tFR\n", encoding="utf-8")
    (folder / "README.md").write_text("notes are allowed\n", encoding="utf-8")
    return folder


# --- legal forms ---------------------------------------------------------------------------------

@pytest.mark.parametrize("form", ["S.A.R.L.", "BVBA", "SICAV", "S.L.N.E.", "Sp.j."])
def test_a_legal_form_only_cleanco_lists_names_the_same_company(form):
    assert form.lower() in maintained_legal_forms()  # not in vocabulary.yaml: from cleanco's list
    assert entity_iri(EntityType.COMPANY, f"Orvand Mobility {form}") == entity_iri(EntityType.COMPANY, "Orvand Mobility")


@pytest.mark.parametrize("word", ["UK", "AT", "AS", "PT", "Private", "e.g."])
def test_cleancos_short_or_word_like_forms_are_not_taken(word):
    # "Orvand UK" is the UK business, not the company's legal name
    assert word.lower() not in maintained_legal_forms()
    assert entity_iri(EntityType.COMPANY, f"Orvand {word}") != entity_iri(EntityType.COMPANY, "Orvand")


def test_the_projects_own_forms_are_kept():
    assert {"gmbh", "s.l.", "oy", "k.k.", "s.p.a."} <= load_lexicon().legal_forms


def test_a_name_with_a_legal_form_is_one_entity_with_the_name_without_it():
    text = ("Orvand Mobility S.A.R.L. today opened a depot in Lyon.",
            "Orvand Mobility is a member of the Open Charge Europe Alliance.")
    extraction = extract_release(Release("orvand.txt", "Orvand opens a depot", text, "0" * 64, SourceFormat.TEXT))
    orvand = [e for e in extraction.entities if e.label.startswith("Orvand")]
    assert len(orvand) == 1 and orvand[0].type is EntityType.COMPANY


# --- an analyst's folder -------------------------------------------------------------------------

def test_an_analysts_folder_adds_names_to_extraction(additions):
    before = {e.label for e in extract_release(quillon_release()).entities}
    with lexicon_additions([additions]):
        after = {e.label: e.type for e in extract_release(quillon_release()).entities}
    assert "Quillon Vantage" not in before
    assert after["Quillon Vantage"] is EntityType.COMPANY
    # outside the block the shipped lexicon is back
    assert "Quillon Vantage" not in {e.label for e in extract_release(quillon_release()).entities}


def test_entity_iris_do_not_change_when_an_analyst_adds_entries(tmp_path, additions):
    iris = []
    for name, lexicon in (("plain", []), ("added", [additions])):
        store = open_store(str(tmp_path / name))
        try:
            ingest([EXAMPLES], store, lexicon=lexicon)
            iris.append({str(row[0]) for row in store.query(ENTITY_IRIS).rows})
        finally:
            store.close()
    plain, added = iris
    assert plain and plain <= added
    assert entity_iri(EntityType.COMPANY, "Pathwise Mobility S.L.") == entity_iri(EntityType.COMPANY, "Pathwise Mobility")


def test_build_workers_use_the_analysts_folder(tmp_path, additions):
    feed = tmp_path / "news.rss"
    items = "".join(f"<item><title>Quillon news {n}</title><link>https://quillon.example/{n}</link>"
                    f"<pubDate>Mon, 03 Mar 2025 09:00:00 GMT</pubDate><description>{' '.join(QUILLON_TEXT)}"
                    f"</description></item>" for n in range(3))
    feed.write_text(f'<?xml version="1.0"?><rss version="2.0"><channel><title>Q</title>{items}</channel></rss>',
                    encoding="utf-8")
    store = tmp_path / "store"
    result = run_mobkg("build", feed, "--store", store, "--jobs", "2", "--lexicon", additions)
    assert result.exit_code == 0, result.output
    with opened_store(store) as opened:
        iris = {str(row[0]) for row in opened.query(ENTITY_IRIS).rows}
    assert str(entity_iri(EntityType.COMPANY, "Quillon Vantage")) in iris


def test_the_environment_names_the_folder_when_no_option_does(tmp_path, additions, monkeypatch):
    gold = tmp_path / "gold"
    gold.mkdir()
    monkeypatch.setenv("MOBKG_LEXICON", str(tmp_path / "missing"))
    result = run_mobkg("eval", gold, tmp_path)
    assert result.exit_code == 2 and "missing: no such folder (given by MOBKG_LEXICON)" in result.output


@pytest.mark.parametrize(("name", "text", "message"), [
    ("organizations-bad.tsv", "label\ttype\nQuillon\tCompanny\n", "line 2: unknown type 'Companny'"),
    ("organizations-bad.tsv", "label\tcountry\nQuillon\tFR\n", "the header lacks the column type"),
    ("places-bad.tsv", "label\tkind\nQuillonville\ttown\n", "line 2: unknown kind 'town'"),
    ("vocabulary.yaml", "legal_suffixes: [zz]\n", "not a lexicon addition"),
])
def test_a_bad_file_in_the_folder_is_a_usage_error_naming_it(tmp_path, name, text, message):
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / name).write_bytes(text.encode("utf-8"))
    with pytest.raises(UserLexiconError, match=message):
        load_lexicon([folder])
    result = run_mobkg("build", EXAMPLES, "--store", tmp_path / "store", "--lexicon", folder)
    assert result.exit_code == 2, result.output
    (line,) = result.output.strip().splitlines()
    assert line.startswith(f"Error: {folder / name}:") and message in line
    with opened_store(tmp_path / "store") as store:
        assert store.graph_names() == []  # nothing was read or written
