"""Building on a Dask cluster (a LocalCluster on loopback): the same store as a local build."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from mobkg import MobkgError, ingest, open_store
from mobkg.cli import cli

distributed = pytest.importorskip("distributed", reason="the dask extra is not installed")

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
pytestmark = pytest.mark.cluster


@pytest.fixture(scope="module")
def scheduler():
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                       dashboard_address=None, silence_logs=40)
    try:
        yield cluster.scheduler_address
    finally:
        cluster.close()


def local_dump(tmp_path: Path, *paths) -> bytes:
    with open_store(str(tmp_path / "local")) as store:
        ingest([str(p) for p in paths], store)
        return store.dump_nquads()


def test_a_cluster_build_writes_what_a_local_build_writes(scheduler, tmp_path):
    result = CliRunner().invoke(cli, ["build", str(EXAMPLES), "--store", str(tmp_path / "store"),
                                      "--scheduler", scheduler])
    assert result.exit_code == 0, result.output
    assert "8 written" in result.output
    with open_store(str(tmp_path / "store"), read_only=True) as store:
        assert store.dump_nquads() == local_dump(tmp_path, EXAMPLES)


def test_an_unchanged_rebuild_on_the_cluster_writes_nothing(scheduler, tmp_path):
    with open_store(str(tmp_path / "store")) as store:
        first = ingest([str(EXAMPLES)], store, scheduler=scheduler)
        again = ingest([str(EXAMPLES)], store, scheduler=scheduler)
        forced = ingest([str(EXAMPLES)], store, scheduler=scheduler, force=True)
        dump = store.dump_nquads()
    assert (first.written, again.written, again.unchanged) == (8, 0, 8)
    assert forced.written == 8 and dump == local_dump(tmp_path, EXAMPLES)


def test_a_bad_file_stops_a_cluster_build_as_it_stops_a_local_one(scheduler, tmp_path):
    (tmp_path / "in").mkdir()
    for example in sorted(EXAMPLES.iterdir()):
        if example.is_file():
            (tmp_path / "in" / example.name).write_bytes(example.read_bytes())
    (tmp_path / "in" / "zz-empty.txt").write_bytes(b"")
    outcomes = []
    for extra in (["--scheduler", scheduler], ["--jobs", "1"]):
        store = tmp_path / f"store{len(outcomes)}"
        result = CliRunner().invoke(cli, ["build", str(tmp_path / "in"), "--store", str(store), *extra])
        with open_store(str(store), read_only=True) as opened:
            outcomes.append((result.exit_code, result.output.strip().splitlines()[-1], opened.dump_nquads()))
    assert outcomes[0][0] == 1 and outcomes[0] == outcomes[1]


def test_an_unreachable_scheduler_is_one_line_and_exit_1(tmp_path):
    result = CliRunner().invoke(cli, ["build", str(EXAMPLES), "--store", str(tmp_path / "store"),
                                      "--scheduler", "tcp://127.0.0.1:9"])
    assert result.exit_code == 1
    assert "cannot reach the Dask scheduler" in result.output and "Traceback" not in result.output


def test_the_library_names_the_scheduler_it_cannot_reach(tmp_path):
    with open_store(str(tmp_path / "store")) as store, pytest.raises(MobkgError, match="127.0.0.1:9"):
        ingest([str(EXAMPLES)], store, scheduler="tcp://127.0.0.1:9")
