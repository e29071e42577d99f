"""ingest: incremental builds, corrections in any order, batches, failures, parallel workers."""

from __future__ import annotations

import hashlib
import importlib
import shutil
from pathlib import Path

import pytest
from rdflib import RDF, RDFS

from mobkg import ReleaseError, ShapeViolation, ingest, open_store, release_iri
from mobkg.readers import iter_release_file, read_release_file
from mobkg.vocab import MOB

DATA = Path(__file__).parent / "data" / "remote"
ORIGINALS = sorted((DATA / "releases").glob("*.txt"))
CORRECTION = DATA / "corrections" / "norvik-tram-order-correction.txt"
EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
ingest_module = importlib.import_module("mobkg.ingestion")


def dump_after(tmp_path: Path, name: str, paths, **options) -> bytes:
    store = open_store(str(tmp_path / name))
    try:
        ingest(paths, store, **options)
        return store.dump_nquads()
    finally:
        store.close()


def graph_of(store, path: Path):
    (release,) = read_release_file(path)
    return store.graph(str(release_iri(release)))


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_second_build_builds_nothing_and_reads_only_superseded_originals(store, monkeypatch):
    paths = [*ORIGINALS, CORRECTION]
    first = ingest(paths, store)
    before = store.dump_nquads()
    reads, builds = [], []
    monkeypatch.setattr(ingest_module, "iter_release_file", lambda path: reads.append(path.name) or iter_release_file(path))
    monkeypatch.setattr(ingest_module, "release_graph", lambda release: builds.append(release) or None)
    second = ingest(paths, store)
    assert first.written == first.releases == len(ORIGINALS)
    assert (second.written, second.unchanged, second.releases) == (0, first.releases, first.releases)
    # Files whose bytes the store holds are skipped unread; the original a correction replaced is
    # read (its hash is in no graph) but not built.
    assert reads == ["norvik-tram-order.txt"] and builds == []
    assert store.dump_nquads() == before


def test_force_rebuilds_to_the_same_content(store):
    ingest([EXAMPLES], store)
    before = store.dump_nquads()
    summary = ingest([EXAMPLES], store, force=True)
    assert summary.written == summary.releases
    assert store.dump_nquads() == before


def test_changed_file_is_rebuilt_alone(store, tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(DATA / "releases", corpus)
    ingest([corpus], store)
    changed = corpus / ORIGINALS[0].name
    changed.write_text(changed.read_text(encoding="utf-8").replace("twelve", "twenty"), encoding="utf-8")
    summary = ingest([corpus], store)
    assert (summary.written, summary.unchanged) == (1, len(ORIGINALS) - 1)
    assert sha256_of(changed) in {stored.sha256 for stored in store.release_hashes().values()}


@pytest.mark.parametrize("order", ["original first", "correction first"])
def test_correction_wins_in_any_order(tmp_path, order):
    paths = [*ORIGINALS, CORRECTION] if order == "original first" else [CORRECTION, *ORIGINALS]
    together = dump_after(tmp_path, "together", paths)
    one_by_one = tmp_path / "one-by-one"
    store = open_store(str(one_by_one))
    ingest(ORIGINALS, store)
    ingest([CORRECTION], store)
    corrected = graph_of(store, CORRECTION)
    assert together == store.dump_nquads()
    assert (corrected.identifier, RDF.type, MOB.Correction) in corrected
    store.close()


def test_original_never_replaces_a_stored_correction(store):
    ingest([CORRECTION], store)
    before = set(graph_of(store, CORRECTION))
    summary = ingest(ORIGINALS, store)
    after = graph_of(store, CORRECTION)
    assert (summary.releases, summary.written, summary.unchanged) == (len(ORIGINALS), len(ORIGINALS) - 1, 1)
    assert set(after) == before and (after.identifier, RDF.type, MOB.Correction) in after


def test_two_files_with_one_headline_are_kept_apart_and_rebuild_builds_nothing(store, tmp_path, monkeypatch):
    corpus = tmp_path / "dup"
    corpus.mkdir()
    text = ORIGINALS[0].read_text(encoding="utf-8")
    (corpus / "a.txt").write_text(text, encoding="utf-8")
    (corpus / "b.txt").write_text(text.replace("twelve", "nine"), encoding="utf-8")
    first = ingest([corpus], store)
    assert (first.releases, first.written) == (2, 2)
    (collision,) = first.collisions
    assert collision.source.endswith("b.txt") and "a.txt" in collision.other
    assert {stored.sha256 for stored in store.release_hashes().values()} == {
        sha256_of(corpus / "a.txt"), sha256_of(corpus / "b.txt")}
    builds = []
    monkeypatch.setattr(ingest_module, "release_graph", lambda release: builds.append(release) or None)
    again = ingest([corpus], store)
    assert builds == [] and (again.written, again.unchanged, again.collisions) == (0, 2, [])


def test_a_changed_file_still_replaces_its_own_release_when_its_headline_is_shared(store, tmp_path):
    corpus = tmp_path / "dup"
    corpus.mkdir()
    text = ORIGINALS[0].read_text(encoding="utf-8")
    (corpus / "a.txt").write_text(text, encoding="utf-8")
    (corpus / "b.txt").write_text(text.replace("twelve", "nine"), encoding="utf-8")
    ingest([corpus], store)
    for name in ("a.txt", "b.txt"):  # each edit replaces that file's own graph: still two releases
        (corpus / name).write_text((corpus / name).read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
        summary = ingest([corpus], store)
        assert (summary.written, summary.unchanged) == (1, 1)
        assert {s.sha256 for s in store.release_hashes().values()} == {sha256_of(corpus / n) for n in ("a.txt", "b.txt")}


def test_one_release_in_two_files_is_one_release(store, tmp_path):
    corpus = tmp_path / "copies"
    corpus.mkdir()
    for name in ("a.txt", "b.txt"):
        shutil.copy(ORIGINALS[0], corpus / name)
    summary = ingest([corpus], store)
    assert (summary.releases, summary.written, summary.collisions) == (1, 1, [])


def test_unreadable_file_in_a_small_build_writes_nothing(store, tmp_path):
    corpus = tmp_path / "bad"
    shutil.copytree(DATA / "releases", corpus)
    (corpus / "zz-empty.txt").write_text("   \n", encoding="utf-8")
    with pytest.raises(ReleaseError, match="empty"):
        ingest([corpus], store)
    assert store.graph_names() == []
    summary = ingest([corpus], store, skip_bad=True)
    assert summary.written == len(ORIGINALS) and len(summary.skipped) == 1


def _break_one(source_name: str):
    """A release_graph that drops the labels of every entity of one file: its graph violates EntityShape."""
    real = ingest_module.release_graph

    def release_graph(release):
        graph = real(release)
        if Path(release.source.partition("#")[0]).name == source_name:
            graph.remove((None, RDFS.label, None))
        return graph

    return release_graph


def test_shape_violation_in_a_small_build_writes_nothing(store, monkeypatch):
    monkeypatch.setattr(ingest_module, "release_graph", _break_one(ORIGINALS[-1].name))
    with pytest.raises(ShapeViolation, match="nothing was written"):
        ingest(ORIGINALS, store)
    assert store.graph_names() == []


def test_big_build_keeps_whole_batches_before_a_failure(store, monkeypatch):
    monkeypatch.setattr(ingest_module, "release_graph", _break_one(ORIGINALS[-1].name))
    with pytest.raises(ShapeViolation, match="1 releases written before it were kept"):
        ingest(ORIGINALS, store, batch_size=1)
    (kept,) = store.graph_names()
    assert len(graph_of(store, ORIGINALS[0])) > 0 and kept == str(graph_of(store, ORIGINALS[0]).identifier)


def test_batches_write_the_same_store_as_one_transaction(tmp_path):
    paths = [EXAMPLES, DATA / "releases", CORRECTION]
    assert dump_after(tmp_path, "one", paths) == dump_after(tmp_path, "batched", paths, batch_size=2)


@pytest.fixture
def workers_for_any_build(monkeypatch):
    monkeypatch.setattr(ingest_module, "MIN_FILES_FOR_WORKERS", 2)


def test_parallel_workers_write_the_same_store(tmp_path, workers_for_any_build, monkeypatch):
    paths = [EXAMPLES, DATA / "releases", CORRECTION]
    serial = dump_after(tmp_path, "serial", paths)
    # Building in this process is now an error: every file must come from a worker.
    monkeypatch.setattr(ingest_module, "_build_one", lambda release: pytest.fail("built in the parent process"))
    assert dump_after(tmp_path, "parallel", paths, jobs=2, batch_size=3) == serial


def test_few_files_are_built_without_workers(tmp_path, monkeypatch):
    monkeypatch.setattr(ingest_module, "worker_context", lambda: pytest.fail("started workers"))
    assert dump_after(tmp_path, "small", ORIGINALS, jobs=2) == dump_after(tmp_path, "serial", ORIGINALS)


def test_parallel_build_reports_an_unreadable_file(store, tmp_path, workers_for_any_build):
    corpus = tmp_path / "bad"
    shutil.copytree(EXAMPLES, corpus)
    (corpus / "zz.txt").write_bytes(b"\x00\x01\x02binary")
    with pytest.raises(ReleaseError, match="binary"):
        ingest([corpus], store, jobs=2)
    assert store.graph_names() == []


def test_jobs_must_be_positive(store):
    with pytest.raises(ValueError):
        ingest([EXAMPLES], store, jobs=0)
