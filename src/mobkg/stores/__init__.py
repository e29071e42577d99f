"""Where graphs live: one interface, an embedded on-disk store and a remote SPARQL endpoint.

``open_store(path=...)`` opens the embedded pyoxigraph store; ``open_store(endpoint=...)``
talks SPARQL 1.1 Protocol and SPARQL 1.1 Update to a server. The CLI and the query
layer only see :class:`~mobkg.stores.base.GraphStore`.
"""

from __future__ import annotations

from .base import GraphStore, QueryKind, QueryResult
from .embedded import EmbeddedStore

__all__ = ["GraphStore", "QueryKind", "QueryResult", "EmbeddedStore", "open_store"]


def open_store(path: str | None = None, *, endpoint: str | None = None, read_only: bool = False) -> GraphStore:
    """Open the embedded store at ``path`` or the remote store at ``endpoint``.

    :raises StoreError: if the store cannot be opened or reached.
    """
    if endpoint:
        from .remote import RemoteStore

        return RemoteStore(endpoint)
    return EmbeddedStore(path or "mobkg-store", read_only=read_only)
