"""Real-world intake: front matter, releases that share a headline, and one release's bug never taking down a build."""

from __future__ import annotations

import string
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mobkg import ingest, open_store, read_release_file
from mobkg.cli import cli
from mobkg.extract import extract_release
from mobkg.extract import pipeline
from mobkg.release import Release, SourceFormat
from mobkg.vocab import SCHEMA

POST = """---
title: Kestrel Mobility joins the Open Drive Alliance
date: 2024-05-02 09:00:00+00:00
author: Jane Roe
categories: [news, autonomy]
tags:
  - lidar
permalink: /news/kestrel-open-drive/
---

Kestrel Mobility, a Lisbon-based maker of delivery robots, has joined the [Open Drive Alliance](https://example.org) as a founding member.

> We are proud to take part.

—Ana Prata, Chief Executive Officer, Kestrel Mobility
"""


def _post(folder: Path, name: str, title: str, body: str) -> Path:
    path = folder / name
    path.write_text(POST.replace("Kestrel Mobility joins the Open Drive Alliance", title).replace(
        "has joined the", body), encoding="utf-8")
    return path


def test_front_matter_is_metadata_not_text(tmp_path):
    (release,) = read_release_file(_post(tmp_path, "post.txt", "Kestrel Mobility joins the Open Drive Alliance", "has joined the"))
    assert release.title == "Kestrel Mobility joins the Open Drive Alliance"
    assert release.format is SourceFormat.MARKDOWN
    assert str(release.published) == "2024-05-02" and release.author == "Jane Roe"
    assert release.keywords == ("news", "autonomy", "lidar")
    assert not any("permalink" in block or block.startswith("title:") for block in release.body)
    assert release.body[0].startswith("Kestrel Mobility, a Lisbon-based maker")


def test_toml_front_matter_and_a_lone_rule_that_is_not_front_matter(tmp_path):
    toml = tmp_path / "hugo.md"
    toml.write_text('+++\ntitle = "Kestrel opens a depot"\ndate = 2025-01-09\n+++\nKestrel opened a depot in Porto.\n',
                    encoding="utf-8")
    (release,) = read_release_file(toml)
    assert release.title == "Kestrel opens a depot" and str(release.published) == "2025-01-09"
    rule = tmp_path / "rule.txt"
    rule.write_text("---\nKestrel opened a depot in Porto and hired forty people there.\n", encoding="utf-8")
    (plain,) = read_release_file(rule)
    assert plain.format is SourceFormat.TEXT


def test_front_matter_metadata_reaches_the_graph(tmp_path):
    store = open_store(tmp_path / "store")
    ingest([_post(tmp_path, "post.md", "Kestrel Mobility joins the Open Drive Alliance", "has joined the")], store)
    (name,) = store.graph_names()
    graph = store.graph(name)
    assert {str(o) for o in graph.objects(None, SCHEMA.author)} == {"Jane Roe"}
    assert {str(o) for o in graph.objects(None, SCHEMA.keywords)} == {"news", "autonomy", "lidar"}
    store.close()


def test_posts_with_front_matter_are_different_releases(tmp_path):
    corpus = tmp_path / "posts"
    corpus.mkdir()
    titles = ["Kestrel Mobility joins the Open Drive Alliance", "Kestrel opens a depot in Porto",
              "Kestrel names a new CFO", "Kestrel wins a robot tender", "Kestrel reports first-half sales"]
    for index, title in enumerate(titles):
        _post(corpus, f"{index}.md", title, "has joined the")
    store = open_store(tmp_path / "store")
    summary = ingest([corpus], store)
    assert (summary.releases, summary.written) == (5, 5) and len(store.graph_names()) == 5
    store.close()


def test_same_headline_different_text_keeps_both_and_says_so(tmp_path):
    corpus = tmp_path / "posts"
    corpus.mkdir()
    _post(corpus, "a.md", "Kestrel Mobility update", "has joined the")
    _post(corpus, "b.md", "Kestrel Mobility update", "has left the")
    result = CliRunner().invoke(cli, ["build", str(corpus), "--store", str(tmp_path / "store")], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "2 releases read from 2 files: 2 written" in result.output
    assert "1 kept apart" in result.output and "b.md: same headline as" in result.output


def test_a_company_named_next_to_its_own_marque_does_not_crash():
    # A gazetteer company whose short name is also its marque: the name gets a second entity.
    text = ("Toyota Motor Corporation owns the Toyota, Lexus and Daihatsu brands. Toyota unveiled the Toyota bZ4X "
            "at the Toyota Summit 2025. The Toyota brand grew.")
    extraction = extract_release(Release("t.txt", "Toyota news", (text,), "0" * 64, SourceFormat.TEXT))
    assert any(e.label == "Toyota bZ4X" for e in extraction.entities)


def _broken_stage(doc):
    """A name-facts stage with a bug that only releases from files named bad* meet."""
    if Path(doc.release.source).name.startswith("bad"):
        raise KeyError("boom")


@pytest.fixture
def broken_name_facts(monkeypatch):
    stages = tuple((name, _broken_stage if name == "name facts" else stage) for name, stage in pipeline.STAGES)
    monkeypatch.setattr(pipeline, "STAGES", stages)


def test_an_internal_error_names_file_and_stage_and_writes_nothing(tmp_path, broken_name_facts):
    good = tmp_path / "good.txt"
    good.write_text("Kestrel opens a depot\n\nKestrel opened a depot in Porto.\n", encoding="utf-8")
    bad = _post(tmp_path, "bad.md", "Kestrel Mobility joins the Open Drive Alliance", "has joined the")
    store_dir = tmp_path / "store"
    result = CliRunner().invoke(cli, ["build", str(good), str(bad), "--store", str(store_dir)], catch_exceptions=False)
    assert result.exit_code == 1
    (line,) = [line for line in result.output.splitlines() if line.strip()]
    assert line == f"Error: {bad}: extraction failed (internal error in name facts); please report it"
    store = open_store(store_dir)
    assert store.graph_names() == []
    store.close()


def test_skip_bad_skips_a_release_with_an_internal_error(tmp_path, broken_name_facts):
    good = tmp_path / "good.txt"
    good.write_text("Kestrel opens a depot\n\nKestrel opened a depot in Porto.\n", encoding="utf-8")
    bad = _post(tmp_path, "bad.md", "Kestrel Mobility joins the Open Drive Alliance", "has joined the")
    result = CliRunner().invoke(cli, ["build", str(good), str(bad), "--store", str(tmp_path / "store"), "--skip-bad"],
                                catch_exceptions=False)
    assert result.exit_code == 0
    assert f"skipped {bad}: extraction failed (internal error in name facts); please report it" in result.output
    assert "1 written" in result.output and "1 skipped" in result.output


_NAME = st.text(alphabet=string.ascii_letters, min_size=1, max_size=9).map(str.capitalize)
_GLUE = st.sampled_from([" ", ", ", " and ", " & ", " (", ") ", " \"", "\" ", " – ", " — ", "-", "'s ", " of ",
                         ". ", "; ", ": ", " the ", " its ", " a ", " GmbH", " Co., Ltd.", " Inc.", "\n", " 2025 ",
                         " joined ", " owns ", " launched ", " partnered with ", " brand ", " said ", " CEO "])
_TEXT = st.lists(st.one_of(_NAME, _NAME.map(str.upper), _NAME.map(str.lower), _GLUE, st.text(max_size=5)),
                 min_size=1, max_size=60).map("".join)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(title=_TEXT, body=st.lists(_TEXT, min_size=1, max_size=4))
def test_extraction_never_raises(title, body):
    release = Release("h.txt", title.strip() or "T", tuple(b for b in body if b.strip()) or ("x",), "0" * 64,
                      SourceFormat.TEXT)
    extraction = extract_release(release)
    keys = {e.key for e in extraction.entities}
    assert all(f.subject in keys and f.object in keys for f in extraction.facts)


def test_two_spellings_with_one_iri_make_one_node_with_one_label():
    from rdflib import RDFS
    from rdflib.namespace import SKOS

    from mobkg import Entity, EntityType, Extraction, build_release_graph
    from mobkg.build import entity_iri
    from mobkg.validate import validate_graph

    release = Release("a.txt", "Kestrel news", ("Body.",), "0" * 64, SourceFormat.TEXT)
    one, other = Entity("Kestrel Hardware & Mesh", EntityType.COMPANY), Entity("Kestrel Hardware and Mesh", EntityType.COMPANY)
    assert one.key != other.key and entity_iri(one.type, one.label) == entity_iri(other.type, other.label)
    graph = build_release_graph(release, Extraction([one, other], []))
    node = entity_iri(one.type, one.label)
    assert [str(o) for o in graph.objects(node, RDFS.label)] == ["Kestrel Hardware & Mesh"]
    assert {str(o) for o in graph.objects(node, SKOS.altLabel)} == {"Kestrel Hardware and Mesh"}
    assert validate_graph(graph).conforms


def test_a_gazetteer_company_is_not_taken_for_a_surname():
    # A headline fragment "What Scania" once looked like a person, and "Scania" like their surname.
    text = ("Chief engineer Lena Scania said the new trucks are ready. Scania delivered 40 trucks to Porto. "
            "Scania said demand rose.")
    extraction = extract_release(Release("v.txt", "What Scania Did This Year", (text,), "0" * 64, SourceFormat.TEXT))
    assert any(e.label == "Scania" and e.type.value == "Company" for e in extraction.entities)


def test_eval_reports_an_internal_error_in_one_line(tmp_path, broken_name_facts):
    import json

    releases, gold = tmp_path / "releases", tmp_path / "gold"
    releases.mkdir(), gold.mkdir()
    _post(releases, "bad.md", "Kestrel Mobility joins the Open Drive Alliance", "has joined the")
    (gold / "bad.json").write_text(json.dumps({"file": "bad.md", "entities": [], "relations": []}), encoding="utf-8")
    result = CliRunner().invoke(cli, ["eval", str(gold), str(releases)], catch_exceptions=False)
    assert result.exit_code == 1
    assert result.output.strip() == (f"Error: {releases / 'bad.md'}: extraction failed (internal error in name facts); "
                                     "please report it")


def test_a_release_named_only_by_its_suffix_is_read(tmp_path):
    from mobkg.readers import find_release_files

    (tmp_path / ".md").write_text("# Kestrel opens a depot\n\nKestrel opened a depot in Porto.\n", encoding="utf-8")
    (tmp_path / ".DS_Store").write_bytes(b"\x00\x01")
    (tmp_path / ".draft.md.swp").write_text("x", encoding="utf-8")
    assert [p.name for p in find_release_files([tmp_path])] == [".md"]
    (release,) = read_release_file(tmp_path / ".md")
    assert release.format is SourceFormat.MARKDOWN and release.title == "Kestrel opens a depot"
