"""Worker processes: the one way mobkg starts them."""

from __future__ import annotations

import multiprocessing
from multiprocessing.context import BaseContext


def worker_context() -> BaseContext:
    """forkserver where the platform has it, else spawn.

    Not fork: the parent holds the store (RocksDB threads), which a forked child must not inherit.
    """
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
