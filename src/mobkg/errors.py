"""The one exception tree of mobkg.

Every failure the library reports on purpose is a :class:`MobkgError`; the CLI
turns each into a one-line message and an exit code, never a traceback::

    MobkgError                  exit 1   base class: "something failed"
    ├── ReleaseError            exit 1   a release file cannot be read (empty, binary, malformed)
    ├── StoreError              exit 1   the store cannot be opened, locked, reached or written
    ├── LexiconError            exit 1   a lexicon or pattern file an analyst edited is invalid
    ├── QueryError              exit 2   SPARQL text or a saved-query parameter is wrong
    │   └── UpdateRefused       exit 2   an UPDATE was given where only queries are allowed
    └── ShapeViolation          exit 3   the data does not conform to ontology/shapes.ttl

Messages name the thing at fault and, where there is one, the fix.
"""

from __future__ import annotations

__all__ = [
    "MobkgError",
    "ReleaseError",
    "StoreError",
    "LexiconError",
    "QueryError",
    "UpdateRefused",
    "ShapeViolation",
]


class MobkgError(Exception):
    """Base class of every error mobkg raises on purpose."""

    exit_code = 1


class ReleaseError(MobkgError):
    """A release file or feed cannot be read."""

    def __init__(self, source: str, reason: str):
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason

    def __reduce__(self):
        # Build workers send errors to the parent by pickle, which would call __init__(message).
        return type(self), (self.source, self.reason)


class StoreError(MobkgError):
    """The store cannot be opened, locked, reached or written."""


class LexiconError(MobkgError):
    """A file under ``mobkg/lexicons/`` cannot be used (bad YAML, bad pattern, unknown type)."""


class QueryError(MobkgError):
    """A SPARQL query or one of its parameters is not usable."""

    exit_code = 2


class UpdateRefused(QueryError):
    """A SPARQL UPDATE was given to a read-only entry point."""


class ShapeViolation(MobkgError):
    """Data does not conform to the SHACL shapes; ``report`` holds the text report."""

    exit_code = 3

    def __init__(self, message: str, report: str = ""):
        super().__init__(message)
        self.report = report

    def __reduce__(self):
        return type(self), (str(self), self.report)
