"""Where a release's time goes, on real releases: each stage in this process, and its multiple of the floor.

    python benchmarks/stages.py                                   # 400 releases of ../shared/archive
    python benchmarks/stages.py --sample 1000 --list ../shared/archive/mobility.txt

The floor is reading and decoding the files alone (what no build can avoid). The
stages are what a build does per release: read (parse the format), extract, build
the graph, validate (the build's path: pyrudof gate, warnings counted), serialise
(pyoxigraph N-Triples, what workers hand to the writer) and write (the store's
batched transaction, 200 releases a batch). pySHACL alone is timed on the same
graphs for comparison. Prints JSON; nothing here is asserted.
"""

from __future__ import annotations

import argparse
import json
import platform
import shutil
import sys
import tarfile
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ARCHIVE = HERE.parent.parent / "shared" / "archive" / "wire-archive.tar.xz"


def unpacked(archive: Path, workdir: Path) -> Path:
    if not any(workdir.glob("*/*/*/*.md")):
        workdir.mkdir(parents=True, exist_ok=True)
        with tarfile.open(archive) as tar:
            tar.extractall(workdir, filter="data")
    return workdir


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--archive", type=Path, default=ARCHIVE)
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "mobkg-wire")
    parser.add_argument("--list", type=Path, help="archive paths to sample from (default: every file, in order)")
    parser.add_argument("--sample", type=int, default=400)
    args = parser.parse_args()

    from mobkg import build_release_graph, extract_release, open_store
    from mobkg.readers import decode, find_release_files, read_release_file
    from mobkg.stores.embedded import SerializedGraph
    from mobkg.validate import ShaclEngine, validate_graph

    root = unpacked(args.archive, args.workdir)
    if args.list:
        files = [root / line.strip() for line in args.list.read_text().splitlines() if line.strip()]
    else:
        files = find_release_files([root])
    files = files[: args.sample]

    started = time.perf_counter()
    for path in files:
        decode(path.read_bytes(), str(path))
    floor = (time.perf_counter() - started) / len(files)

    stages = dict.fromkeys(["read", "extract", "build graph", "validate (build path)", "serialise", "write"], 0.0)
    pyshacl_alone, count, triples, batch = 0.0, 0, 0, []
    store_dir = Path(tempfile.mkdtemp(prefix="mobkg-stages-"))
    store = open_store(store_dir / "store")
    try:
        for path in files:
            t0 = time.perf_counter()
            releases = read_release_file(path)
            stages["read"] += time.perf_counter() - t0
            for release in releases:
                count += 1
                t = [time.perf_counter()]
                extraction = extract_release(release)
                t.append(time.perf_counter())
                graph = build_release_graph(release, extraction)
                t.append(time.perf_counter())
                validate_graph(graph, report_warnings=False)
                t.append(time.perf_counter())
                batch.append(SerializedGraph(graph))
                t.append(time.perf_counter())
                for stage, (a, b) in zip(["extract", "build graph", "validate (build path)", "serialise"], zip(t, t[1:])):
                    stages[stage] += b - a
                triples += len(graph)
                t0 = time.perf_counter()
                validate_graph(graph, ShaclEngine.PYSHACL)
                pyshacl_alone += time.perf_counter() - t0
                if len(batch) == 200:
                    t0 = time.perf_counter()
                    store.replace_graphs(batch)
                    stages["write"] += time.perf_counter() - t0
                    batch = []
        t0 = time.perf_counter()
        store.replace_graphs(batch)
        stages["write"] += time.perf_counter() - t0
    finally:
        store.close()
        shutil.rmtree(store_dir, ignore_errors=True)

    per_release = {stage: round(seconds * 1000 / count, 2) for stage, seconds in stages.items()}
    total = sum(per_release.values())
    print(json.dumps({
        "machine": f"{platform.node()} {platform.processor() or platform.machine()}, Python {platform.python_version()}",
        "files": len(files), "releases": count, "triples per release": round(triples / count, 1),
        "floor ms per file (read + decode only)": round(floor * 1000, 2),
        "ms per release": per_release, "total ms per release": round(total, 2),
        "multiple of the floor": {stage: round(ms / (floor * 1000), 1) for stage, ms in per_release.items()},
        "pySHACL alone, ms per release (for comparison)": round(pyshacl_alone * 1000 / count, 2),
        "releases/s on one core": round(1000 / total, 1),
    }, indent=2))


if __name__ == "__main__":
    sys.exit(main())
