"""The one exception tree of mobkg.

Every failure the library reports on purpose is a :class:`MobkgError`; the CLI
turns each into a one-line message and an exit code, never a traceback::

    MobkgError                  exit 1   base class: "something failed"
    ├── ReleaseError            exit 1   a release file cannot be read (empty, binary, malformed)
    │   ├── ReleaseFault        exit 1   an internal error while processing one release (a bug)
    │   └── InvalidRelease      exit 3   a release's extracted graph violates the shapes
    ├── StoreError              exit 1   the store cannot be opened, locked, reached or written
    │   └── EndpointError       exit 2   a remote endpoint's URL, limits or settings are malformed
    ├── LexiconError            exit 1   a lexicon or pattern file an analyst edited is invalid
    │   └── UserLexiconError    exit 2   a file in an analyst's own lexicon folder (--lexicon) is invalid
    ├── ConfigError             exit 2   a config file, MOBKG_* variable or folder option is unusable
    ├── OutputError             exit 1   an export or page cannot be written where -o points
    ├── LoadError               exit 1   an RDF file to load is missing, malformed or not release graphs
    │   └── UnknownRdfFormat    exit 2   a file to load has a name that says no RDF format
    ├── QueryError              exit 2   SPARQL text or a saved-query parameter is wrong
    │   ├── UpdateRefused       exit 2   an UPDATE was given where only queries are allowed
    │   └── UnknownEntity       exit 2   a --param names no entity in the store (closest names given)
    └── ShapeViolation          exit 3   the data does not conform to ontology/shapes.ttl

Messages name the thing at fault and, where there is one, the fix.
"""

from __future__ import annotations

__all__ = [
    "MobkgError",
    "ReleaseError",
    "ReleaseFault",
    "InvalidRelease",
    "StoreError",
    "EndpointError",
    "LexiconError",
    "UserLexiconError",
    "ConfigError",
    "OutputError",
    "LoadError",
    "UnknownRdfFormat",
    "QueryError",
    "UpdateRefused",
    "UnknownEntity",
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


class ReleaseFault(ReleaseError):
    """An unexpected internal error while processing one release: a bug to report, not bad input.

    ``stage`` names the step that failed ("extraction", "graph building", "validation")
    and ``detail`` the part of it, so that the one-line message is useful in a report.
    """

    def __init__(self, source: str, stage: str, detail: str):
        super().__init__(source, f"{stage} failed (internal error in {detail}); please report it")
        self.stage, self.detail = stage, detail

    def __reduce__(self):
        return type(self), (self.source, self.stage, self.detail)


class InvalidRelease(ReleaseError):
    """The graph extracted from one release violates the shapes; ``report`` holds the SHACL report."""

    exit_code = 3

    def __init__(self, source: str, report: str, violations: int):
        super().__init__(source, f"extracted graph violates the shapes ({violations} violation"
                                 f"{'' if violations == 1 else 's'})")
        self.report, self.violations = report, violations

    def __reduce__(self):
        return type(self), (self.source, self.report, self.violations)


class StoreError(MobkgError):
    """The store cannot be opened, locked, reached or written."""


class EndpointError(StoreError):
    """A remote store's endpoint URL, or a limit set for it, is malformed: a usage mistake."""

    exit_code = 2


class LexiconError(MobkgError):
    """A file under ``mobkg/lexicons/`` cannot be used (bad YAML, bad pattern, unknown type)."""


class UserLexiconError(LexiconError):
    """A file in an analyst's lexicon folder (``--lexicon``, ``MOBKG_LEXICON``, config) is invalid: a usage mistake."""

    exit_code = 2


class ConfigError(MobkgError):
    """The config file, a ``MOBKG_*`` variable or a ``--queries``/``--lexicon`` folder cannot be used."""

    exit_code = 2


class OutputError(MobkgError):
    """An output (``export -o``, ``viz -o``) cannot be written: a folder, a missing folder, a full disk."""


class LoadError(MobkgError):
    """An RDF file given to ``mobkg load`` cannot be loaded: missing, malformed, empty, not release graphs,
    or a release the store holds with another content."""


class UnknownRdfFormat(LoadError):
    """A file to load has a name whose suffix says no RDF format mobkg reads: a usage mistake."""

    exit_code = 2


class QueryError(MobkgError):
    """A SPARQL query or one of its parameters is not usable."""

    exit_code = 2


class UpdateRefused(QueryError):
    """A SPARQL UPDATE was given to a read-only entry point."""


class UnknownEntity(QueryError):
    """A query parameter names no entity of the store; ``suggestions`` are the closest names it holds."""

    def __init__(self, param: str, name: str, suggestions: tuple[str, ...] = ()):
        hint = f"did you mean {' or '.join(repr(s) for s in suggestions)}? " if suggestions else ""
        super().__init__(f"--param {param}: no entity is named {name!r}; {hint}"
                         f"`mobkg query find-entity --param text=...` searches names")
        self.param, self.name, self.suggestions = param, name, tuple(suggestions)

    def __reduce__(self):
        return type(self), (self.param, self.name, self.suggestions)


class ShapeViolation(MobkgError):
    """Data does not conform to the SHACL shapes; ``report`` holds the text report."""

    exit_code = 3

    def __init__(self, message: str, report: str = ""):
        super().__init__(message)
        self.report = report

    def __reduce__(self):
        return type(self), (str(self), self.report)
