"""Write a command's output (an export, the viz page) to the place the user named, keeping what it is.

``mobkg export -o`` and ``mobkg viz -o`` both end here. The target decides how it is written:

- ``-``: standard output.
- a new file, or an existing regular file: atomically. The data goes to a temporary
  file in the same folder, is fsynced and renamed over the target, so a reader sees the
  old content or the new, never a torn file. An existing file keeps its permission
  bits and, where the user may set them, its owner and group; a new file gets the
  usual mode (0666 less the umask).
- a symlink: followed, however many links deep. The link stays a link; its final
  target gets the data by these same rules (a dangling link creates its target).
- a FIFO or a character or block device: written straight into, opened without
  creating or truncating anything, so ``-o /dev/null`` or a named pipe read by another
  program works and the node stays what it was. A FIFO is given :data:`FIFO_READER_WAIT`
  seconds for a program to open it for reading (a shell redirection would wait forever);
  then the write fails. Such a write is not atomic.

A folder, a socket, a missing parent folder or a file without write permission is
refused before anything is written (:func:`check_output_path`), so the CLI can reject
it as a usage mistake before it spends time exporting.

Limits: replacing a regular file gives it a new inode, so other hard links to the old
file keep the old content; extended attributes and ACLs of the old file are not copied.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import secrets
import stat
import sys
import time
from pathlib import Path
from typing import BinaryIO

from .errors import OutputError

__all__ = ["STDOUT", "FIFO_READER_WAIT", "check_output_path", "write_output"]

STDOUT = "-"
"""The target that means standard output."""

FIFO_READER_WAIT = 30.0
"""Seconds a FIFO is given for a reader to appear before writing to it fails."""

_STREAMED = {stat.S_IFIFO: "FIFO", stat.S_IFCHR: "character device", stat.S_IFBLK: "block device"}


def _resolve(target: str | os.PathLike) -> tuple[Path, os.stat_result | None]:
    """The path the data really goes to (symlinks followed) and its status, ``None`` if it does not exist yet.

    :raises OutputError: if the path cannot be an output.
    """
    path = Path(os.path.realpath(target))
    try:
        status = os.stat(path)
    except FileNotFoundError:
        status = None
    except OSError as exc:  # a symlink loop, a parent that is a file, no permission to look
        raise OutputError(f"{os.fspath(target)}: cannot write here ({exc.strerror or exc})") from None
    if status is None:
        if not path.parent.is_dir():
            raise OutputError(f"{os.fspath(target)}: folder {path.parent} does not exist; create it first")
        return path, None
    if stat.S_ISDIR(status.st_mode):
        raise OutputError(f"{os.fspath(target)}: is a folder; give a file name")
    if not stat.S_ISREG(status.st_mode) and stat.S_IFMT(status.st_mode) not in _STREAMED:
        raise OutputError(f"{os.fspath(target)}: is a socket or other special file; give a file name")
    if not os.access(path, os.W_OK):
        raise OutputError(f"{os.fspath(target)}: no permission to write it")
    return path, status


def check_output_path(target: str | os.PathLike) -> None:
    """Check that ``target`` can be written by :func:`write_output`, without writing anything.

    :raises OutputError: if ``target`` is a folder, a socket, in a folder that does not
        exist, or a file the user may not write.
    """
    if os.fspath(target) != STDOUT:
        _resolve(target)


def write_output(target: str | os.PathLike, data: bytes, stdout: BinaryIO | None = None) -> None:
    """Write ``data`` to ``target`` by the rules of this module; ``-`` writes to ``stdout``.

    ``stdout`` defaults to the process's binary standard output.

    :raises OutputError: if ``target`` cannot be an output (see :func:`check_output_path`)
        or the write fails (disk full, I/O error, the reader of a pipe went away);
        a regular file is then left as it was.
    """
    name = os.fspath(target)
    try:
        if name == STDOUT:
            if stdout is None:
                sys.stdout.flush()  # text already printed comes first
                stdout = sys.stdout.buffer
            stdout.write(data)
            stdout.flush()
            return
        path, status = _resolve(target)
        if status is not None and not stat.S_ISREG(status.st_mode):
            _write_into(path, data, status)
        else:
            _replace_atomically(path, data, status)
    except BrokenPipeError:
        raise OutputError(f"{_shown(name)}: the program reading it closed the pipe before the end") from None
    except OSError as exc:
        raise OutputError(f"{_shown(name)}: cannot write ({exc.strerror or exc})") from None


def _shown(name: str) -> str:
    return "stdout" if name == STDOUT else name


def _write_into(path: Path, data: bytes, status: os.stat_result) -> None:
    """Write into a FIFO or device as it is: no O_CREAT (never make a regular file), no truncation."""
    if stat.S_ISFIFO(status.st_mode):
        descriptor = _open_fifo(path)
    else:
        descriptor = os.open(path, os.O_WRONLY | os.O_NOCTTY)
    with os.fdopen(descriptor, "wb") as sink:
        sink.write(data)
        sink.flush()
        if stat.S_ISBLK(status.st_mode):
            os.fsync(sink.fileno())


def _open_fifo(path: Path) -> int:
    """Open a FIFO for writing once a reader has it open, rather than blocking in open() for ever.

    :raises OutputError: if no reader appears within :data:`FIFO_READER_WAIT` seconds.
    """
    deadline = time.monotonic() + FIFO_READER_WAIT
    while True:
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_NOCTTY | os.O_NONBLOCK)
        except OSError as exc:
            if exc.errno != errno.ENXIO:  # ENXIO: nobody reads it yet
                raise
            if time.monotonic() >= deadline:
                raise OutputError(f"{path}: no program opened this FIFO for reading within "
                                  f"{FIFO_READER_WAIT:g} s; start the reader first") from None
            time.sleep(0.05)
            continue
        fcntl.fcntl(descriptor, fcntl.F_SETFL, fcntl.fcntl(descriptor, fcntl.F_GETFL) & ~os.O_NONBLOCK)
        return descriptor


def _replace_atomically(path: Path, data: bytes, existing: os.stat_result | None) -> None:
    temporary, descriptor = _create_temporary(path, private=existing is not None)
    try:
        with os.fdopen(descriptor, "wb") as sink:
            sink.write(data)
            sink.flush()
            if existing is not None:
                _copy_ownership(sink.fileno(), existing)
                os.fchmod(sink.fileno(), stat.S_IMODE(existing.st_mode))  # after chown, which clears set-id bits
            os.fsync(sink.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    _sync_folder(path.parent)


def _create_temporary(path: Path, private: bool) -> tuple[Path, int]:
    """A new, exclusively created file next to ``path``.

    Private (0600) when it will take an existing file's mode, so the data is never more
    readable than the file it replaces; else 0666 less the umask, the mode of a new file.
    """
    while True:
        temporary = path.with_name(f".{path.name[:200]}.{secrets.token_hex(4)}.tmp")
        try:
            return temporary, os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600 if private else 0o666)
        except FileExistsError:
            continue


def _copy_ownership(descriptor: int, existing: os.stat_result) -> None:
    """Give the new file the old one's owner and group, or just its group, as far as permitted."""
    for uid in (existing.st_uid, -1):
        try:
            os.fchown(descriptor, uid, existing.st_gid)
            return
        except PermissionError:
            continue


def _sync_folder(folder: Path) -> None:
    """Make the rename durable; some file systems cannot fsync a folder, which is not an error."""
    with contextlib.suppress(OSError):
        descriptor = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
