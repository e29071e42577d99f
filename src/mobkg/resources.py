"""Locate the data folders that ship with mobkg (ontology, saved queries, lexicons).

In a wheel, ``ontology/`` and ``queries/`` are copied into ``mobkg/data/``; in a
source checkout (editable install, tests) they live at the repository root. This
module is the only place that knows either layout.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

__all__ = ["data_dir"]

_PACKAGE = Path(__file__).resolve().parent
_FOLDERS = {"ontology", "queries", "lexicons"}


@cache
def data_dir(name: str) -> Path:
    """Return the folder holding the shipped data called ``name``.

    :raises ValueError: if ``name`` is not one of ontology, queries, lexicons.
    :raises FileNotFoundError: if the installation lacks the folder.

    >>> data_dir("ontology").joinpath("mobkg.ttl").is_file()
    True
    """
    if name not in _FOLDERS:
        raise ValueError(f"unknown data folder {name!r}; expected one of {sorted(_FOLDERS)}")
    if name == "lexicons":
        candidates = [_PACKAGE / "lexicons"]
    else:
        candidates = [_PACKAGE / "data" / name, _PACKAGE.parent.parent / name]
    for folder in candidates:
        if folder.is_dir():
            return folder
    raise FileNotFoundError(f"mobkg data folder {name!r} is missing; reinstall mobkg")
