"""Start-up time: `python -c "import mobkg"` and `mobkg --help`, median of N fresh processes.

    python benchmarks/startup.py            # 15 runs each
    python benchmarks/startup.py --runs 40

Prints one JSON object (seconds); not asserted anywhere. The lazy imports it
measures are checked by tests/test_docs.py (no heavy module is loaded).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path


def median_seconds(command: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    script = Path(sys.executable).parent / "mobkg"
    cli = [str(script)] if script.exists() else [sys.executable, "-m", "mobkg.cli"]
    results = {
        "python -c pass": median_seconds([sys.executable, "-c", "pass"], args.runs),
        "import mobkg": median_seconds([sys.executable, "-c", "import mobkg"], args.runs),
        "mobkg --help": median_seconds([*cli, "--help"], args.runs),
        "runs": args.runs,
    }
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
