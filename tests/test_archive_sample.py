"""Real wire releases (tests/data/archive-sample): every one builds, validates and stays a release of its own."""

from __future__ import annotations

from pathlib import Path

import pytest

from mobkg import ingest, open_store, read_release_file
from mobkg.validate import validate_graphs

SAMPLE = Path(__file__).resolve().parent / "data" / "archive-sample"
FILES = sorted(p for p in SAMPLE.glob("*.md") if p.name != "README.md")


def test_the_sample_covers_every_wire():
    assert len({f.name.split("__")[0] for f in FILES}) >= 15 and len(FILES) >= 25


@pytest.mark.parametrize("path", FILES, ids=[f.name[:60] for f in FILES])
def test_each_release_reads_with_a_headline_and_a_body(path):
    (release,) = read_release_file(path)
    assert release.title.strip() and release.title != "---" and release.body


def test_the_whole_sample_builds_without_refusals_and_validates(tmp_path):
    store = open_store(tmp_path / "store")
    summary = ingest([SAMPLE], store)  # all or nothing: any internal error or violation raises
    assert (summary.releases, summary.written, summary.skipped) == (len(FILES), len(FILES), [])
    assert summary.collisions == [] and summary.superseded == []
    names = store.graph_names()
    assert len(names) == len(FILES)
    assert validate_graphs(store.graph(name) for name in names).conforms
    store.close()
