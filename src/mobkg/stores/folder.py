"""The folder of an embedded store: which folders mobkg may use, and a record that finds damage.

RocksDB treats the folder it opens as its own: it rewrites ``IDENTITY`` and
``MANIFEST-*``, renames ``LOG`` and deletes ``*.sst`` files it does not know —
even when the open then fails. So mobkg opens a folder only when it is new or
empty, carries mobkg's marker file (:data:`MARKER`), or is a store made before
the marker existed (only RocksDB's file names, a ``CURRENT`` naming a manifest
that is there, an ``OPTIONS-*`` file listing Oxigraph's column families:
adopted, and marked at its first write). Anything else is
refused untouched.

The marker also records the size and CRC-32 of every table file (``*.sst``) as
mobkg last closed the store after writing. Table files never change once
written, so a recorded file whose bytes differ is damaged; checking this at
open matters because pyoxigraph, on a damaged block, can spin in a query
(its quad iterator repeats the read error forever, and an aggregate such as
``COUNT(*)`` keeps consuming it) instead of failing. Files written since the
last record (a build or server that was killed, a store made before the
record) are checked by reading the whole store once through every index
(:func:`mobkg.stores.embedded.read_everything`) when it is opened with no writer
at work; a writer then records them.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
import zlib
from pathlib import Path

from ..errors import StoreError

__all__ = ["MARKER", "FORMAT_VERSION", "StoreFolder", "damaged"]

MARKER = "mobkg-store.json"
FORMAT_VERSION = 1
_KIND = "mobkg-store"

_ROCKSDB_NAME = re.compile(
    r"\d+\.(?:sst|log|blob)|CURRENT|IDENTITY|LOCK|LOG|LOG\.old\.\d+|MANIFEST-\d+|OPTIONS-\d+(?:\.dbtmp)?|\d+\.dbtmp"
)
_CURRENT = re.compile(r"(MANIFEST-\d+)\n?")
_CHUNK = 1 << 20
_OXIGRAPH_FAMILIES = ("id2str", "spog", "posg", "ospg", "gspo", "gpos", "gosp", "dspo", "dpos", "dosp", "graphs")


def damaged(location: str, reason: str) -> StoreError:
    """The one message for a store whose files are damaged."""
    return StoreError(f"{location}: damaged store ({reason}); rebuild it from the releases into a new folder")


class StoreFolder:
    """A checked store folder; a writer holds it locked (``flock`` on the folder) until :meth:`release`."""

    def __init__(self, path: Path, *, record: dict[str, list[int]], marked: bool, lock_fd: int | None):
        self.path = path
        self.record = record
        self.marked = marked
        self._lock_fd = lock_fd
        self._unrecorded: list[str] = []

    @classmethod
    def check(cls, path: str | os.PathLike, *, read_only: bool, lock: bool | None = None) -> StoreFolder:
        """Check that ``path`` may be opened as a store, lock it for a writer, verify the record.

        A read-only check creates and changes nothing; a writer's creates a missing folder.
        ``lock`` (default: ``not read_only``) takes the writer's lock all the same, for a
        reader that must keep writers out (a read-only server).

        :raises StoreError: if the folder is missing (read-only), not a folder, not a mobkg
            store, in use by another writer, or holds a table file that differs from its record.
        """
        target = Path(path)
        if target.exists() and not target.is_dir():
            raise StoreError(f"{path}: exists and is not a store folder; choose another --store")
        if not target.exists():
            if read_only:
                raise StoreError(f"{path}: no store here; run `mobkg build ... --store {path}` first")
            try:
                target.mkdir(parents=True)
            except OSError as exc:
                raise StoreError(f"{path}: cannot create the store folder ({exc.strerror or exc})") from None
        # A writer locks first, so that of two builds started together the second is told the
        # store is in use, never that the half-created folder of the first is not a store.
        lock_fd = _lock(target, path) if (not read_only if lock is None else lock) else None
        try:
            marked, record = _checked_contents(target, path, read_only=read_only)
            _verify(target, str(path), record)
        except BaseException:
            _unlock(lock_fd)
            raise
        folder = cls(target, record=record, marked=marked, lock_fd=lock_fd)
        # Taken now, before the engine opens: a writer's own open replays the write-ahead log
        # of the last writer into new tables, which are not a killed build's leftovers (read
        # for them, a 24,653-release store took 147 s to open instead of 0.4 s).
        folder._unrecorded = folder._scan_unrecorded()
        return folder

    def mark(self) -> None:
        """Write the marker if the folder has none yet (a new or an adopted store).

        :raises StoreError: if the marker cannot be written.
        """
        if not self.marked:
            try:
                _write_marker(self.path, self.record)
            except OSError as exc:
                raise StoreError(f"{self.path}: cannot write the store marker {MARKER} "
                                 f"({exc.strerror or exc})") from None
            self.marked = True

    def record_tables(self) -> None:
        """Record the table files as they are now; call once the engine has closed the store.

        Best effort: a record that cannot be written leaves the old one, which stays true
        (table files are never rewritten, only deleted), so newer files are unrecorded.
        """
        record = {}
        try:
            for entry in os.scandir(self.path):
                if not entry.name.endswith(".sst") or not entry.is_file():
                    continue
                stat = entry.stat()
                known = self.record.get(entry.name)
                if known and known[0] == stat.st_size and known[2:3] == [stat.st_mtime_ns]:
                    record[entry.name] = known  # verified at open and untouched since
                else:
                    record[entry.name] = [stat.st_size, _crc32(Path(entry.path)), stat.st_mtime_ns]
            _write_marker(self.path, record)
        except OSError:
            return
        self.record = record

    def unrecorded_tables(self) -> list[str]:
        """Table files the record did not cover when the folder was checked, when no writer was adding them.

        A running build or server holds the folder's lock while it writes new tables; without
        one, unrecorded tables were left by a store made before the record, a killed build or
        a killed server, and nothing says they are intact. Tables the engine writes after the
        check (replaying its log at open, or this build's own) are not counted.
        """
        return list(self._unrecorded)

    def _scan_unrecorded(self) -> list[str]:
        try:
            names = sorted(name for name in os.listdir(self.path) if name.endswith(".sst") and name not in self.record)
        except OSError:
            return []
        if not names or (self._lock_fd is None and _writer_active(self.path)):
            return []
        return names

    def release(self) -> None:
        """Drop a writer's lock."""
        _unlock(self._lock_fd)
        self._lock_fd = None


def _checked_contents(target: Path, path, *, read_only: bool) -> tuple[bool, dict[str, list[int]]]:
    """Whether the folder is marked, and its record of table files.

    :raises StoreError: if it holds no store (read-only) or is not a mobkg store.
    """
    try:
        names = set(os.listdir(target))
    except OSError as exc:
        raise StoreError(f"{path}: cannot open store ({exc.strerror or exc})") from None
    if read_only and not names - {MARKER}:
        raise StoreError(f"{path}: no store here; run `mobkg build ... --store {path}` first")
    marked = MARKER in names
    if not marked and read_only and _writer_active(target):
        raise StoreError(f"{path}: store is in use by another mobkg process that is creating it; "
                         "wait for it to finish")
    record = _read_marker(target, path) if marked else _check_unmarked(target, path, names)
    if "CURRENT" not in names:
        record = {}  # a new store: any file numbers in an old record would be reused
    return marked, record


def _read_marker(target: Path, path) -> dict[str, list[int]]:
    try:
        data = json.loads((target / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise StoreError(f"{path}: store marker {MARKER} is unreadable ({exc}); "
                         "rebuild the store into a new folder") from None
    if not isinstance(data, dict) or data.get("format") != _KIND or not isinstance(data.get("version"), int):
        raise StoreError(f"{path}: store marker {MARKER} is not mobkg's; rebuild the store into a new folder")
    if data["version"] > FORMAT_VERSION:
        raise StoreError(f"{path}: store made by a newer mobkg (store format {data['version']}, this mobkg "
                         f"reads {FORMAT_VERSION}); upgrade mobkg")
    tables = data.get("tables", {})
    if not isinstance(tables, dict):
        return {}
    return {name: entry for name, entry in tables.items()
            if isinstance(name, str) and isinstance(entry, list) and len(entry) >= 2
            and all(isinstance(number, int) for number in entry)}


def _check_unmarked(target: Path, path, names: set[str]) -> dict[str, list[int]]:
    """An empty folder, or a store made before the marker existed; refuse anything else."""
    if not names:
        return {}
    foreign = sorted(name for name in names if not _ROCKSDB_NAME.fullmatch(name))
    if foreign:
        shown = ", ".join(foreign[:3]) + (", ..." if len(foreign) > 3 else "")
        raise StoreError(f"{path}: not a mobkg store (it holds files mobkg did not write: {shown}); "
                         "choose a new or empty folder for --store")
    try:
        current = (target / "CURRENT").read_bytes()[:100].decode("ascii")
    except (OSError, UnicodeDecodeError):
        current = ""
    found = _CURRENT.fullmatch(current)
    if not found or found.group(1) not in names:
        raise StoreError(f"{path}: not a mobkg store (no marker {MARKER}, and CURRENT does not name a "
                         "manifest that is there); choose a new or empty folder for --store")
    if not any(_is_oxigraph_options(target / name) for name in names if name.startswith("OPTIONS-")):
        raise StoreError(f"{path}: not a mobkg store (no marker {MARKER}, and no RocksDB options file of an "
                         "Oxigraph store); choose a new or empty folder for --store")
    return {}


def _is_oxigraph_options(path: Path) -> bool:
    """Whether ``path`` is an options file RocksDB wrote for Oxigraph's column families."""
    try:
        with path.open("rb") as handle:
            text = handle.read(1 << 20).decode("utf-8", "replace")
    except OSError:
        return False
    return text.startswith("# This is a RocksDB option file.") and all(
        f'[CFOptions "{family}"]' in text for family in _OXIGRAPH_FAMILIES)


def _verify(target: Path, location: str, record: dict[str, list[int]]) -> None:
    for name, entry in sorted(record.items()):
        try:
            size = (target / name).stat().st_size
            if size != entry[0]:
                raise damaged(location, f"{name} is {size} bytes, {entry[0]} when written")
            if _crc32(target / name) != entry[1]:
                raise damaged(location, f"{name} differs from the file mobkg wrote: checksum mismatch")
        except FileNotFoundError:
            continue  # merged into newer files since; the engine says so if it needed it
        except OSError as exc:
            raise StoreError(f"{location}: cannot open store ({name}: {exc.strerror or exc})") from None


def _crc32(path: Path) -> int:
    crc = 0
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            crc = zlib.crc32(chunk, crc)
    return crc


def _write_marker(target: Path, record: dict[str, list[int]]) -> None:
    text = json.dumps({"format": _KIND, "version": FORMAT_VERSION, "tables": record}, sort_keys=True)
    temporary = target / f".{MARKER}.tmp"
    try:
        temporary.write_text(text + "\n", encoding="utf-8")
        os.replace(temporary, target / MARKER)
    finally:
        with contextlib.suppress(OSError):
            temporary.unlink()


def _lock(target: Path, path) -> int:
    """Lock the folder for one writer, from before the engine opens it until its record is written."""
    try:
        fd = os.open(target, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError as exc:
        raise StoreError(f"{path}: cannot open store ({exc.strerror or exc})") from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        raise StoreError(f"{path}: store is in use by another mobkg process; wait for it to finish") from None
    return fd


def _writer_active(target: Path) -> bool:
    """Whether another process holds the folder's writer lock (asked without taking it for long)."""
    try:
        fd = os.open(target, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except OSError:
        return True
    finally:
        os.close(fd)  # closing drops the shared lock, if it was granted
    return False


def _unlock(fd: int | None) -> None:
    if fd is not None:
        with contextlib.suppress(OSError):
            os.close(fd)
