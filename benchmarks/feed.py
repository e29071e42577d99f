"""One big feed: wall time and peak memory of ``mobkg build`` on a generated RSS 2.0 feed.

A newsroom export or a wire's archive feed can hold thousands of items in one
file. This writes such a feed (``--items``, default 10,000: invented companies,
brands, people and places in a few phrasings, one ``<item>`` each with a title,
a unique link, a pubDate and an HTML description), builds it into a fresh store
as a child process and records:

* wall seconds of the whole command (Python start-up included), releases/s;
* peak RSS of the build process (``os.wait4``) and of the whole process tree
  (sampled from ``/proc`` twice a second: ``--jobs`` workers are forkserver
  children, which ``RUSAGE_CHILDREN`` does not see);
* the build's exit status and summary line.

    python benchmarks/feed.py                          # 10,000 items, --jobs 1
    python benchmarks/feed.py --items 2000 --jobs 2 --json /tmp/feed.json

The mobkg that runs is the one ``python -c "import mobkg"`` finds (set PYTHONPATH to
compare two checkouts). Not part of the test suite: 10,000 items take minutes.
"""

from __future__ import annotations

import argparse
import html
import json
import os
import platform
import random
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date, timedelta
from pathlib import Path

from proc import descendants, rss_kib

_ONSETS = ["b", "br", "d", "f", "g", "k", "kl", "l", "m", "n", "p", "r", "s", "st", "t", "v", "z", "qu"]
_VOWELS = ["a", "e", "i", "o", "u", "ai", "ea", "io", "y"]
_ENDINGS = ["", "n", "r", "l", "x", "ra", "na", "vo", "ta", "nd"]
_HEADS = ["Motors", "Mobility", "Energy", "Systems", "Robotics", "Batteries", "Logistics", "Charging"]
_PLACES = ["Lyon", "Turin", "Gothenburg", "Pune", "Austin", "Nagoya", "Leipzig", "Valencia", "Ostrava", "Curitiba"]
_GIVEN = ["Ines", "Tariq", "Mirela", "Jonah", "Keiko", "Bram", "Sunita", "Aurel", "Noor", "Felipe"]
_FAMILY = ["Calloway", "Verhoeven", "Oyelaran", "Szabo", "Lindqvist", "Moreau", "Haddad", "Kowal", "Ibsen", "Ruiz"]


def _word(rng: random.Random) -> str:
    return "".join(rng.choice(_ONSETS) + rng.choice(_VOWELS) for _ in range(rng.randint(1, 2))).capitalize() \
        + rng.choice(_ENDINGS)


def _item(rng: random.Random, index: int) -> str:
    company = f"{_word(rng)} {rng.choice(_HEADS)}"
    partner = f"{_word(rng)} {rng.choice(_HEADS)}"
    brand, product, place = _word(rng), f"{_word(rng)} {rng.randint(2, 9)}", rng.choice(_PLACES)
    person = f"{rng.choice(_GIVEN)} {rng.choice(_FAMILY)}"
    day = date(2024, 1, 1) + timedelta(days=index % 700)
    title, sentences = rng.choice([
        (f"{company} Opens Plant in {place}",
         [f"{company} today opened a vehicle plant in {place}.",
          f"The plant will build the {product} for the {brand} brand of {company}."]),
        (f"{company} and {partner} Sign Charging Partnership",
         [f"{company} and {partner} signed a partnership to build charging hubs.",
          f"{company} is headquartered in {place}."]),
        (f"{company} Launches the {product}",
         [f"{company} launched the {product}, an electric van for city deliveries.",
          f'"This van is built for the last mile," said {person}, chief executive officer of {company}.']),
    ])
    body = "".join(f"<p>{html.escape(s)}</p>" for s in sentences)
    return (f"<item><title>{html.escape(title)}</title>"
            f"<link>https://news.example.com/{index:06d}-{_word(rng).lower()}</link>"
            f"<pubDate>{day:%a, %d %b %Y} 09:00:00 +0000</pubDate>"
            f"<description>{html.escape(body)}</description></item>\n")


def write_feed(path: Path, items: int, seed: int = 7) -> Path:
    """Write an RSS 2.0 feed of ``items`` invented releases to ``path`` (the same seed, the same feed)."""
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as out:
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>'
                  "<title>Example mobility newsroom</title><link>https://news.example.com/</link>\n")
        for index in range(items):
            out.write(_item(rng, index))
        out.write("</channel></rss>\n")
    return path


class _TreeSampler(threading.Thread):
    """Samples the summed RSS of a process and all its descendants."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.peak_mib, self.done = pid, 0.0, threading.Event()

    def run(self) -> None:
        while not self.done.wait(0.5):
            self.peak_mib = max(self.peak_mib, sum(rss_kib(p) for p in [self.pid, *descendants(self.pid)]) / 1024)


def measure(feed: Path, store: Path, jobs: int, timeout: float | None) -> dict:
    """Build ``feed`` into ``store`` as a child process; wall time, memory, output."""
    command = [sys.executable, "-c", "from mobkg.cli import main; main()", "build", str(feed), "--store", str(store),
               "--jobs", str(jobs)]
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    sampler = _TreeSampler(process.pid)
    sampler.start()
    timer = threading.Timer(timeout, process.kill) if timeout else None
    if timer:
        timer.start()
    # Read the pipes before waiting (a full pipe would block the child), then reap it with wait4 for its rusage.
    out, err = process.stdout.read(), process.stderr.read()
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    sampler.done.set()
    if timer:
        timer.cancel()
    return {"seconds": round(seconds, 1), "exit": os.waitstatus_to_exitcode(status),
            "peak_build_process_mib": round(usage.ru_maxrss / 1024), "summary": out.strip().splitlines()[:1],
            "stderr_tail": err.strip()[-300:], "peak_tree_mib": round(sampler.peak_mib)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=None, help="kill the build after this many seconds")
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    args = parser.parse_args()
    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="mobkg-feed-bench."))
    workdir.mkdir(parents=True, exist_ok=True)
    feed = write_feed(workdir / f"feed-{args.items}.xml", args.items)
    store = workdir / f"store-{os.getpid()}"
    import mobkg

    result = {"items": args.items, "jobs": args.jobs, "feed_mib": round(feed.stat().st_size / 2**20, 1),
              "mobkg": mobkg.__file__, "machine": f"{os.cpu_count()} CPUs, {platform.processor() or platform.machine()},"
              f" Python {platform.python_version()}", **measure(feed, store, args.jobs, args.timeout)}
    if result["seconds"]:
        result["releases_per_s"] = round(args.items / result["seconds"], 1)
    print(json.dumps(result, indent=2))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
