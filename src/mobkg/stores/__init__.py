"""Where graphs live: one interface, an embedded on-disk store and a remote SPARQL endpoint.

``open_store(path=...)`` opens the embedded pyoxigraph store; ``open_store(endpoint=...)``
talks SPARQL 1.1 Protocol and SPARQL 1.1 Update to a server. The CLI and the query
layer only see :class:`~mobkg.stores.base.GraphStore`.
"""

from __future__ import annotations

from .base import GraphStore, QueryKind, QueryResult
from .embedded import EmbeddedStore

__all__ = ["GraphStore", "QueryKind", "QueryResult", "EmbeddedStore", "open_store"]


def open_store(path: str | None = None, *, endpoint: str | None = None, read_only: bool = False,
               deadline: float | None = None, max_response_bytes: int | None = None) -> GraphStore:
    """Open the embedded store at ``path`` or the remote store at ``endpoint``.

    The store is a context manager: ``with open_store(path) as store:`` closes it
    (and unlocks the folder) when the block ends, whatever happens in it.

    For a remote store, ``deadline`` (seconds per request) and ``max_response_bytes``
    (per answer) default to ``MOBKG_REMOTE_DEADLINE`` / ``MOBKG_REMOTE_MAX_BYTES``,
    else 30 s and 1 GiB (see :mod:`mobkg.stores.endpoint`).

    :raises EndpointError: if ``endpoint`` is not a well-formed http(s) URL (a usage mistake).
    :raises StoreError: if the store cannot be opened or reached.
    """
    if endpoint:
        from .remote import RemoteStore

        return RemoteStore(endpoint, deadline=deadline, max_response_bytes=max_response_bytes)
    return EmbeddedStore(path or "mobkg-store", read_only=read_only)
