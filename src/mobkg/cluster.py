"""Building on a Dask cluster: workers read, extract and validate; this process writes, in order.

``mobkg build --scheduler tcp://HOST:PORT`` (or ``ingest(..., scheduler=...)``) sends each
file of the build (or each part of a feed) to the workers of a running ``distributed``
scheduler instead of to local worker processes. The results come back in file order, so
everything after that is the same code as ``--jobs``: the same decisions about which
release wins a graph, the same batches, the same all-or-nothing writes and skip-unchanged
checks. The build's plan (what the store held) is sent to every worker once
(``Client.scatter(..., broadcast=True)``), not with each task. At most ``WINDOW`` tasks per
worker thread are in flight, so a million-file build holds only a window of results.

The workers must see the release files at the same paths (a shared or copied folder) and
run the same mobkg version. Needs the optional extra: ``pip install 'mobkg[dask]'``.
"""

from __future__ import annotations

import contextlib
from collections import deque
from collections.abc import Iterable, Iterator

from .errors import MobkgError

__all__ = ["cluster_results", "WINDOW"]

WINDOW = 8
"""Tasks in flight per worker thread."""


def _build(plan, task):
    """On a worker: build one task with the build's plan (what ``--jobs`` workers get at start-up)."""
    from . import ingestion

    ingestion._init_worker(plan)  # cheap; each of a worker's threads has its own lexicon context
    return ingestion._build_in_worker(task)


@contextlib.contextmanager
def cluster_results(address: str, tasks: Iterable, plan) -> Iterator[Iterator]:
    """The built results of ``tasks``, in order, computed by the workers of the scheduler at ``address``.

    :raises MobkgError: if ``distributed`` is not installed, the scheduler cannot be reached,
        or a worker is lost for good.
    """
    try:
        from distributed import Client
    except ImportError:
        raise MobkgError("--scheduler needs Dask's distributed package: pip install 'mobkg[dask]'") from None
    try:
        client = Client(address, timeout="10s", set_as_default=False)
    except (OSError, TimeoutError, ValueError) as exc:
        raise MobkgError(f"{address}: cannot reach the Dask scheduler ({str(exc).splitlines()[0][:200]})") from None
    try:
        shared = client.scatter(plan, broadcast=True)
        threads = max(1, sum(client.nthreads().values()))
        yield _in_order(client, shared, iter(tasks), WINDOW * threads)
    finally:
        client.close()


def _in_order(client, plan, tasks: Iterator, window: int) -> Iterator:
    pending: deque = deque()
    for task in tasks:
        pending.append(client.submit(_build, plan, task, pure=False))
        if len(pending) >= window:
            yield _result(pending.popleft())
    while pending:
        yield _result(pending.popleft())


def _result(future):
    try:
        return future.result()
    except MobkgError:
        raise
    except Exception as exc:  # noqa: BLE001 - a lost worker, a killed scheduler: the build stops, nothing torn
        raise MobkgError(f"the Dask cluster failed a task ({type(exc).__name__}: {str(exc)[:200]}); "
                         "what was written before stays; build again to finish") from None
