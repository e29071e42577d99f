"""Robustness and throughput on the real wire archive (``../shared/archive``, 24,654 releases).

Builds every release of the archive into a fresh embedded store with ``--skip-bad``
semantics and reports what a first-hour user would want to know:

* releases read, written, unchanged; files refused, grouped by reason;
* internal errors (:class:`mobkg.errors.ReleaseFault`: a bug, must be 0);
* releases whose graph violates the shapes (must be 0: the extractor must not
  emit what the shapes forbid);
* identity collisions: different releases that share a headline and were kept
  apart (each is explained: same headline, different body);
* throughput and peak RSS (this process and its worker processes).

Not part of the test suite (it takes minutes)::

    python benchmarks/archive.py                           # whole archive, --jobs 2
    python benchmarks/archive.py --list ../shared/archive/mobility.txt --jobs 1
    python benchmarks/archive.py --validate                # also re-validate the store afterwards

The archive is unpacked once into ``--workdir`` (default ``/tmp/mobkg-wire``).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

from proc import descendants, rss_kib

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
ARCHIVE = ROOT.parent / "shared" / "archive" / "wire-archive.tar.xz"


def unpack(archive: Path, workdir: Path) -> Path:
    marker = workdir / ".unpacked"
    if not marker.exists():
        workdir.mkdir(parents=True, exist_ok=True)
        with tarfile.open(archive) as tar:
            tar.extractall(workdir, filter="data")
        marker.write_text(str(archive))
    return workdir


def reason_class(reason: str) -> str:
    """A refusal reason without the parts that vary per file (numbers, quoted names)."""
    import re

    reason = re.sub(r"\(\d[^)]*\)", "(N)", reason)
    reason = re.sub(r"\d[\d,.]*", "N", reason)
    return reason[:120]


class WorkerMemory(threading.Thread):
    """Samples, once a second, the RSS of every process descended from this one.

    (Build workers are not this process's children, see :mod:`proc`.)
    """

    def __init__(self):
        super().__init__(daemon=True)
        self.peak_mib = 0.0
        self.stop = threading.Event()

    def run(self):
        while not self.stop.wait(1.0):
            for pid in descendants(os.getpid()):
                self.peak_mib = max(self.peak_mib, rss_kib(pid) / 1024)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--archive", type=Path, default=ARCHIVE)
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "mobkg-wire")
    parser.add_argument("--list", type=Path, help="only the archive paths listed in this file (one per line)")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--validate", action="store_true", help="re-validate every graph of the store afterwards")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON here")
    args = parser.parse_args(argv)

    from mobkg import ingest, open_store
    from mobkg.errors import InvalidRelease, ReleaseFault
    from mobkg.validate import validate_graphs

    root = unpack(args.archive, args.workdir)
    if args.list:
        paths = [root / line.strip() for line in args.list.read_text().splitlines() if line.strip()]
        paths = [p for p in paths if p.exists()]
    else:
        paths = [root]
    commit = subprocess.run(["git", "-C", str(ROOT), "describe", "--always", "--dirty"], capture_output=True,
                            text=True).stdout.strip()  # the code the build runs, taken before it starts
    store_dir = Path(tempfile.mkdtemp(prefix="mobkg-archive-store-"))
    shutil.rmtree(store_dir)
    store = open_store(store_dir)
    memory = WorkerMemory()
    memory.start()
    started = time.perf_counter()
    try:
        summary = ingest(paths, store, skip_bad=True, jobs=args.jobs)
        seconds = time.perf_counter() - started
        refused = Counter()
        faults, invalid = [], []
        for error in summary.skipped:
            if isinstance(error, ReleaseFault):
                faults.append(str(error))
            elif isinstance(error, InvalidRelease):
                invalid.append(str(error))
            else:
                refused[reason_class(error.reason)] += 1
        validation = None
        if args.validate:
            v_started = time.perf_counter()
            report = validate_graphs(store.graph(name) for name in store.graph_names())
            validation = {"graphs": report.graphs, "conforms": report.conforms, "failing": len(report.failing),
                          "seconds": round(time.perf_counter() - v_started, 1)}
        graphs = len(store.graph_names())
    finally:
        store.close()
        memory.stop.set()
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    store_mib = sum(f.stat().st_size for f in store_dir.rglob("*") if f.is_file()) / 2**20
    shutil.rmtree(store_dir, ignore_errors=True)
    figures = {
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "command": "python benchmarks/archive.py " + " ".join(argv if argv is not None else sys.argv[1:]),
        "machine": f"{platform.processor() or platform.machine()}, Python {platform.python_version()}",
        "commit": commit,
        "files": summary.files,
        "releases": summary.releases,
        "written": summary.written,
        "graphs in store": graphs,
        "collisions kept apart": len(summary.collisions),
        "superseded (correction, same URL or same bytes)": len(summary.superseded),
        "corrections": summary.corrections,
        "refused files": sum(refused.values()),
        "refused by reason": dict(refused.most_common()),
        "internal errors": len(faults),
        "shape violations": len(invalid),
        "entities": summary.entities,
        "facts": summary.facts,
        "seconds": round(seconds, 1),
        "releases/s": round(summary.releases / seconds, 1) if seconds else None,
        "peak RSS MiB (build process)": round(own),
        "peak RSS MiB (largest worker, sampled each second)": round(memory.peak_mib),
        "store MiB": round(store_mib, 1),
        "validation": validation,
        "internal error samples": faults[:20],
        "shape violation samples": invalid[:20],
        "collision samples": [str(c) for c in summary.collisions[:10]],
    }
    text = json.dumps(figures, indent=2)
    print(text)
    if args.json:
        args.json.write_text(text + "\n")
    return 1 if faults or invalid else 0


if __name__ == "__main__":
    sys.exit(main())
