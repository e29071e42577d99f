"""Saved queries: the ``.rq`` files shipped in ``queries/`` and an analyst's own folders of them.

A saved query is a ``.rq`` file whose header comment says what it answers and which
parameters it takes (see :mod:`mobkg.query`). An analyst's files are checked as they
are read -- SPARQL syntax, ``@param`` lines, no UPDATE -- so a mistake is one line
naming the file, before any store is touched.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from .errors import QueryError
from .resources import analyst_dirs, data_dir
from .sparql import federated, outer_variables, refuse_updates

__all__ = ["SavedQuery", "saved_queries", "closest", "MAX_QUERY_BYTES"]


@dataclass(frozen=True)
class SavedQuery:
    name: str
    path: Path
    description: str
    params: dict[str, str]
    text: str
    text_params: frozenset[str] = frozenset()
    """Parameters bound as string literals; the others name entities."""
    origin: str = "bundled"
    """Where it comes from: ``bundled`` (shipped with mobkg) or the analyst's folder that holds it."""


MAX_QUERY_BYTES = 1024 * 1024
"""Largest ``.rq`` file read; saved queries are a few hundred bytes."""

_PARAM = re.compile(r"^#\s*@param\s+(\w+)\s*(\(text\))?\s*:?\s*(.*)$")


def _parse_saved(path: Path, origin: str = "bundled") -> SavedQuery:
    text = path.read_text(encoding="utf-8")
    description, params, text_params = "", {}, set()
    for number, line in enumerate(text.splitlines(), 1):
        if not line.startswith("#"):
            break
        param = _PARAM.match(line)
        if param:
            if param.group(1) in params:
                raise QueryError(f"{path}: line {number}: @param {param.group(1)} is declared twice")
            params[param.group(1)] = param.group(3).strip()
            if param.group(2):
                text_params.add(param.group(1))
        elif re.match(r"#\s*@param\b", line):
            raise QueryError(f"{path}: line {number}: malformed @param line; expected "
                             f"`# @param NAME: what it is` or `# @param NAME (text): what it is`")
        elif not description and line.strip("# ").strip():
            description = line.strip("# ").strip()
    return SavedQuery(path.stem, path, description, params, text, frozenset(text_params), origin)


def _read_analyst_query(path: Path, origin: str) -> SavedQuery:
    """Read and check one of an analyst's ``.rq`` files, so a mistake is named at load, not at run time.

    :raises QueryError: naming the file: unreadable, not UTF-8, over 1 MiB, a malformed or unused
        ``@param`` line, an UPDATE, or a SPARQL syntax error.
    """
    if not _BARE_NAME.fullmatch(path.stem):
        raise QueryError(f"{path}: a saved query's file name must be a word of letters, digits, - and _")
    try:
        if path.stat().st_size > MAX_QUERY_BYTES:
            raise QueryError(f"{path}: query files larger than {MAX_QUERY_BYTES // 1024} KiB are refused")
        saved = _parse_saved(path, origin)
    except (OSError, UnicodeDecodeError) as exc:
        raise QueryError(f"{path}: cannot read query file ({exc})") from None
    try:
        refuse_updates(saved.text)
        if not federated(saved.text):  # parsing runs nothing; a SERVICE query is checked when it runs
            ox.Store().query(saved.text)
        used = outer_variables(saved.text) if saved.params else set()
    except SyntaxError as exc:
        raise QueryError(f"{path}: SPARQL syntax error: {str(exc).splitlines()[0]}") from None
    except QueryError as exc:
        raise QueryError(f"{path}: {exc}") from None
    unused = [name for name in saved.params if name not in used]
    if unused:
        raise QueryError(f"{path}: declares @param {', '.join(unused)} but its WHERE clause (outside sub-queries) "
                         f"uses no {', '.join('?' + n for n in unused)}")
    return saved


def saved_queries(folders: Sequence[str | Path] | None = None) -> dict[str, SavedQuery]:
    """The saved queries by name: those shipped in ``queries/``, then an analyst's own.

    ``folders`` are the analyst's folders of ``.rq`` files; ``None`` means the configured
    ones (``MOBKG_QUERIES`` or the config file's ``queries``, see
    :func:`mobkg.resources.analyst_dirs`). An analyst's query of the same name as a
    shipped one replaces it; of two folders holding one name, the first given wins.
    Each analyst's file is checked as it is read.

    :raises QueryError: naming the file, for an analyst's query that is unreadable or invalid.
    :raises ConfigError: if a configured folder does not exist.
    """
    queries = {p.stem: _parse_saved(p) for p in sorted(data_dir("queries").glob("*.rq"))}
    mine: dict[str, SavedQuery] = {}
    for folder in analyst_dirs("queries", None if folders is None else list(folders)):
        for path in sorted(Path(folder).glob("*.rq")):
            if path.stem not in mine:
                mine[path.stem] = _read_analyst_query(path, str(folder))
    return dict(sorted({**queries, **mine}.items()))



_BARE_NAME = re.compile(r"[A-Za-z][\w\-]*")


def closest(word: str, choices: Sequence[str], *, limit: int = 3, cutoff: float = 70) -> list[str]:
    """The ``choices`` most like ``word`` (rapidfuzz's normalised edit similarity, 0-100, ignoring case), best first.

    >>> closest("brand-of-company", ["brands-of-company", "parent-chain"], cutoff=60)
    ['brands-of-company']
    """
    from rapidfuzz import fuzz, process, utils

    return [choice for choice, _, _ in process.extract(word, choices, scorer=fuzz.ratio, processor=utils.default_process,
                                                       limit=limit, score_cutoff=cutoff)]

