"""Locate the data folders that ship with mobkg (ontology, saved queries, lexicons), and an analyst's own.

In a wheel, ``ontology/`` and ``queries/`` are copied into ``mobkg/data/``; in a
source checkout (editable install, tests) they live at the repository root. This
module is the only place that knows either layout, and where an analyst's own saved
queries and lexicon additions are (:func:`analyst_dirs`: options, ``MOBKG_QUERIES`` /
``MOBKG_LEXICON``, or the config file read by :func:`read_config`).
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from functools import cache
from pathlib import Path

__all__ = ["data_dir", "analyst_dirs", "read_config"]

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


CONFIG_ENV = "MOBKG_CONFIG"
"""Environment variable naming the config file (default ``~/.config/mobkg/config.toml``)."""

FOLDER_ENV = {"queries": "MOBKG_QUERIES", "lexicon": "MOBKG_LEXICON"}
"""Environment variables listing an analyst's own folders (several joined by ``os.pathsep``)."""


def config_path(environ: Mapping[str, str] = os.environ) -> tuple[Path, bool]:
    """The one config file (folders here, remote stores' ``[remote]`` table in :mod:`mobkg.stores.settings`).

    ``$MOBKG_CONFIG``, else ``$XDG_CONFIG_HOME/mobkg/config.toml``, else ``~/.config/mobkg/config.toml``;
    and whether it was named explicitly (then it must exist).
    """
    if named := environ.get(CONFIG_ENV, "").strip():
        return Path(named).expanduser(), True
    base = environ.get("XDG_CONFIG_HOME", "").strip() or str(Path(environ.get("HOME", "~")).expanduser() / ".config")
    return Path(base) / "mobkg" / "config.toml", False


def read_config() -> tuple[dict, Path | None]:
    """The config file's settings and its path (see :func:`config_path`), if there is one.

    :raises ConfigError: if ``MOBKG_CONFIG`` names a missing file, or the file is not valid TOML.
    """
    import tomllib

    from .errors import ConfigError

    path, named = config_path()
    if not named and not path.is_file():
        return {}, None
    try:
        return tomllib.loads(path.read_text(encoding="utf-8")), path
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such config file ({CONFIG_ENV})") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read config file ({exc})") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from None


def analyst_dirs(kind: str, given: Sequence[str | os.PathLike] | None = None) -> tuple[Path, ...]:
    """An analyst's own folders of ``kind`` ("queries" or "lexicon"), merged with the bundled data.

    ``given`` (``--queries DIR`` / ``--lexicon DIR``; an empty list: none) is used as it is;
    with ``None`` the first source that names any wins: ``MOBKG_QUERIES`` / ``MOBKG_LEXICON`` (folders joined by ``os.pathsep``), then the
    config file's ``queries`` / ``lexicon`` key (a path or a list of paths; relative paths are
    relative to the config file).

    :raises ConfigError: if a named folder does not exist or is not a folder, or the config
        key is not a path or a list of paths.
    """
    from .errors import ConfigError

    if kind not in FOLDER_ENV:
        raise ValueError(f"unknown kind {kind!r}; expected one of {sorted(FOLDER_ENV)}")
    env = os.environ.get(FOLDER_ENV[kind], "")
    if given is not None:
        folders, where = [Path(p) for p in given], f"--{kind}"
    elif env.strip():
        folders, where = [Path(p) for p in env.split(os.pathsep) if p.strip()], FOLDER_ENV[kind]
    else:
        config, path = read_config()
        value = config.get(kind)
        if value is None:
            return ()
        values = [value] if isinstance(value, str) else value
        if not isinstance(values, list) or not all(isinstance(v, str) and v.strip() for v in values):
            raise ConfigError(f"{path}: `{kind}` must be a folder path or a list of folder paths")
        folders, where = [path.parent / Path(v).expanduser() for v in values], f"{path}: `{kind}`"
    for folder in folders:
        if not folder.is_dir():
            raise ConfigError(f"{folder}: no such folder (given by {where})")
    return tuple(folders)
