"""Process memory from /proc, for the benchmarks (Linux only).

Build workers are started by a forkserver, so they are not children of the process that
measures and ``RUSAGE_CHILDREN`` never sees them; /proc does.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["descendants", "rss_kib"]


def descendants(root: int) -> list[int]:
    """Every process descended from ``root`` (not ``root`` itself), at this moment."""
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue  # the process ended while we looked
    found, frontier = [], [root]
    while frontier:
        parent = frontier.pop()
        children = [pid for pid, ppid in parents.items() if ppid == parent]
        found += children
        frontier += children
    return found


def rss_kib(pid: int) -> int:
    """Resident memory of ``pid`` in KiB; 0 for a process that has ended."""
    try:
        return next(int(line.split()[1]) for line in Path(f"/proc/{pid}/status").read_text().splitlines()
                    if line.startswith("VmRSS:"))
    except (OSError, StopIteration, ValueError):
        return 0
