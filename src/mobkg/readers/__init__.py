"""Read release files of every supported format into :class:`~mobkg.release.Release` records.

A small registry maps a detected format to its reader::

    .txt / wire text  -> readers.text      (one release)
    .html / .htm      -> readers.html      (main text only: no nav, banners, footers)
    .md / .markdown   -> readers.markdown  (link lists kept apart from prose)
    .xml / .rss / .atom (RSS 2.0, Atom 1.0) -> readers.feed (one release per item)

Bytes are read and decoded here, once, for all formats (see
:mod:`mobkg.readers.decoding`), and every unreadable input becomes a
:class:`~mobkg.errors.ReleaseError` naming the file and the reason. Work is bounded
by design, not by timeouts::

    any file > MAX_BYTES (50 MiB)               refused from its size, before a byte is read
    a text, HTML or Markdown file (one release)
      > MAX_RELEASE_BYTES (5 MiB)               refused before parsing (HTML parsing costs ~1 s/MiB)
    a release whose text (headline + body)
      > MAX_RELEASE_CHARS (500,000 characters)  refused before extraction (a long release is ~30,000)
    HTML nested deeper than 255 elements        refused (the parser would drop the rest)
    XML with a DTD or entity declarations       refused (no bombs; nothing is expanded or fetched)
    special files (FIFOs, devices)              refused (never read, so never blocked on)
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path

from ..errors import ReleaseError
from ..release import Release, SourceFormat
from . import feed, html, markdown, text
from .decoding import decode
from .frontmatter import split_front_matter

__all__ = [
    "read_release_file", "iter_release_file", "find_release_files", "decode",
    "MAX_BYTES", "MAX_RELEASE_BYTES", "MAX_RELEASE_CHARS", "RELEASE_SUFFIXES",
]

MAX_BYTES = 50 * 1024 * 1024
"""Largest file mobkg reads (a feed may hold many releases); larger files are refused unread."""
MAX_RELEASE_BYTES = 5 * 1024 * 1024
"""Largest single-release file (text, HTML, Markdown): press releases are kilobytes, pages a few hundred."""
MAX_RELEASE_CHARS = 500_000
"""Longest release text (headline and body) passed on to extraction."""
_SINGLE_RELEASE = frozenset({SourceFormat.TEXT, SourceFormat.HTML, SourceFormat.MARKDOWN})

Reader = Callable[[str, str, str], Iterable[Release | ReleaseError]]
_READERS: dict[SourceFormat, Reader] = {
    SourceFormat.TEXT: text.read,
    SourceFormat.HTML: html.read,
    SourceFormat.MARKDOWN: markdown.read,
    SourceFormat.RSS: feed.read,
    SourceFormat.ATOM: feed.read,
}
_SUFFIXES = {
    ".txt": SourceFormat.TEXT, ".text": SourceFormat.TEXT,
    ".html": SourceFormat.HTML, ".htm": SourceFormat.HTML, ".xhtml": SourceFormat.HTML,
    ".md": SourceFormat.MARKDOWN, ".markdown": SourceFormat.MARKDOWN,
    ".xml": SourceFormat.RSS, ".rss": SourceFormat.RSS, ".atom": SourceFormat.ATOM,
}
RELEASE_SUFFIXES = frozenset(_SUFFIXES)


def find_release_files(paths: Iterable[str | os.PathLike]) -> list[Path]:
    """Expand files and folders into the sorted list of release files they hold.

    Folders are searched recursively for known suffixes; a file named explicitly
    is taken whatever its suffix.

    :raises ReleaseError: if a path does not exist or a folder holds no release.
    """
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        try:
            found.extend(_expand(path))
        except OSError as exc:  # e.g. a folder on the way that may not be searched
            raise ReleaseError(str(path), f"cannot list ({exc.strerror or exc})") from None
    return list(dict.fromkeys(found))


def _expand(path: Path) -> list[Path]:
    if path.is_dir():
        inside = sorted(
            p for p in path.rglob("*")
            if p.is_file() and _suffix(p) in _SUFFIXES and (not p.name.startswith(".") or p.name.lower() in _SUFFIXES)
            and p.name.lower() != "readme.md"
        )
        if not inside:
            raise ReleaseError(str(path), "folder holds no release files (.txt, .html, .md, .xml, .rss, .atom)")
        return inside
    if path.exists():
        return [path]
    raise ReleaseError(str(path), "no such file or folder; check the path")


def _suffix(path: Path) -> str:
    """The suffix that says a file's format; a file named only ``.md`` (an archive's empty slug) is Markdown.

    Other names that start with a dot (``.DS_Store``, editor back-ups) are not releases.
    """
    return path.suffix.lower() or (path.name.lower() if path.name.lower() in _SUFFIXES else "")


def sniff_format(path: Path, head: str) -> SourceFormat:
    """Decide a file's format from its content, falling back to its suffix."""
    start = head.lstrip()[:2000].lower()
    if "<rss" in start or "<rdf:rdf" in start:
        return SourceFormat.RSS
    if "<feed" in start and "xmlns" in start:
        return SourceFormat.ATOM
    if start.startswith(("<!doctype html", "<html")) or "<body" in start:
        return SourceFormat.HTML
    fmt = _SUFFIXES.get(_suffix(path), SourceFormat.TEXT)
    if fmt is SourceFormat.TEXT and _looks_like_markdown(head):
        return SourceFormat.MARKDOWN  # archives keep Markdown copies under .txt names
    return fmt


_MARKDOWN_LINK = re.compile(r"\[[^\]\n]{1,200}\]\((?:https?:)?//[^)\s]+\)")
_MARKDOWN_HEADING = re.compile(r"^\s*#{1,6} \S", re.MULTILINE)


def _looks_like_markdown(text: str) -> bool:
    """A ``# Title`` first line, or inline links ``[text](https://...)``: Markdown whatever the suffix."""
    first = next((line for line in text[:5000].splitlines() if line.strip()), "")
    return bool(_MARKDOWN_HEADING.match(first)) or len(_MARKDOWN_LINK.findall(text[:20000])) >= 2


def read_release_file(path: str | os.PathLike) -> list[Release]:
    """Read one file into its releases (a feed gives one per item).

    :raises ReleaseError: if the file is missing, unreadable, not a regular file, too
        large, empty, binary, undecodable, malformed, or holds no release, or if any
        item of a feed cannot be read.
    """
    releases = []
    for item in iter_release_file(path):
        if isinstance(item, ReleaseError):
            raise item
        releases.append(item)
    return releases


def iter_release_file(path: str | os.PathLike) -> Iterator[Release | ReleaseError]:
    """Read one file's releases one at a time: a feed's items as they are parsed, not all at once.

    A feed item that cannot be used (too long, hostile markup) is yielded as its
    :class:`~mobkg.errors.ReleaseError` and the items after it are still read.

    :raises ReleaseError: (before the first release) if the file cannot be read at all, as
        :func:`read_release_file` says; after the last, if it held no release.
    """
    path = Path(path)
    source = str(path)
    data = _read_bytes(path, source)
    content = decode(data, source)
    fmt = sniff_format(path, content)
    if fmt in _SINGLE_RELEASE and len(data) > MAX_RELEASE_BYTES:
        raise ReleaseError(source, f"{_mib(len(data))} of {fmt.value} is not a press release; single releases larger "
                                   f"than {_mib(MAX_RELEASE_BYTES)} are refused")
    digest = hashlib.sha256(data).hexdigest()
    del data
    meta = None
    if fmt in (SourceFormat.TEXT, SourceFormat.MARKDOWN):
        meta, rest = split_front_matter(content)
        if meta is not None:  # a static-site newsroom post: Markdown under its metadata
            fmt, content = SourceFormat.MARKDOWN, rest
    found = 0
    try:
        items = markdown.read(content, source, digest, meta) if meta else _READERS[fmt](content, source, digest)
        dated = path_date(path) if fmt in _SINGLE_RELEASE else None
        for item in items:
            found += 1
            if dated and isinstance(item, Release) and item.published is None:
                item = replace(item, published=dated)
            yield _checked(item)
    except ReleaseError:
        raise
    except Exception as exc:  # noqa: BLE001 - third-party parsers fail on hostile input in many ways
        detail = (str(exc).strip().splitlines() or [""])[0][:200]
        detail = f"{type(exc).__name__}: {detail}" if detail else type(exc).__name__
        raise ReleaseError(source, f"cannot read as {fmt.value} ({detail})") from None
    if not found:
        raise ReleaseError(source, "no release found in the file")


_PATH_DATE = re.compile(
    r"(?:^|[/\\])((?:19|20)\d\d)(?:[/\\](\d\d)[/\\]?(\d\d)|-(\d\d)-(\d\d))(?=[/\\_.-]|$)")


def path_date(path: str | os.PathLike) -> date | None:
    """The date a release archive files a release under, when its path says: ``2024/0319/``, ``2024/03/19/``
    or ``2024-03-19``; the deepest such date counts. Used only when the text gives no date.

    >>> path_date("wire/2024/0319/a-launch.md"), path_date("news/2025-11-02-recall.html"), path_date("2024/13/01/x.md")
    (datetime.date(2024, 3, 19), datetime.date(2025, 11, 2), None)
    """
    found = None
    for match in _PATH_DATE.finditer(str(path)):
        year, month, day = match.group(1), match.group(2) or match.group(4), match.group(3) or match.group(5)
        try:
            found = date(int(year), int(month), int(day))
        except ValueError:
            continue
    return found


def _checked(item: Release | ReleaseError) -> Release | ReleaseError:
    """``item``, or its error if the release is too long to be passed on to extraction."""
    if isinstance(item, ReleaseError):
        return item
    length = len(item.title) + sum(len(block) for block in item.body)
    if length > MAX_RELEASE_CHARS:
        return ReleaseError(item.source, f"release text is {length:,} characters; releases longer than "
                                         f"{MAX_RELEASE_CHARS:,} characters are refused")
    return item


def _read_bytes(path: Path, source: str) -> bytes:
    """The file's bytes: regular files only, size checked before reading, read bounded."""
    try:
        # O_NONBLOCK: opening a FIFO must not wait for a writer; fstat then refuses it.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except FileNotFoundError:
        raise ReleaseError(source, "no such file; check the path") from None
    except PermissionError:
        raise ReleaseError(source, "permission denied; make the file readable") from None
    except IsADirectoryError:
        raise ReleaseError(source, "is a folder, not a release file; pass folders to build on their own") from None
    except OSError as exc:
        raise ReleaseError(source, f"cannot open file ({exc.strerror or exc})") from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise ReleaseError(source, "is a folder, not a release file; pass folders to build on their own")
        if not stat.S_ISREG(info.st_mode):
            raise ReleaseError(source, "is not a regular file (a device, FIFO or socket); nothing to read")
        if info.st_size > MAX_BYTES:
            raise ReleaseError(source, f"file is {_mib(info.st_size)}; files larger than {_mib(MAX_BYTES)} are refused")
        with os.fdopen(fd, "rb", closefd=False) as handle:
            data = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        raise ReleaseError(source, f"cannot read file ({exc.strerror or exc})") from None
    finally:
        os.close(fd)
    if len(data) > MAX_BYTES:  # the file grew after it was measured
        raise ReleaseError(source, f"file is larger than {_mib(MAX_BYTES)}; files that large are refused")
    return data


def _mib(size: int) -> str:
    return f"{size / (1024 * 1024):.0f} MiB" if size >= 1024 * 1024 else f"{size} bytes"


def iter_releases(paths: Iterable[str | os.PathLike]) -> Iterator[Release]:
    """Read every release under ``paths`` in order (see :func:`find_release_files`)."""
    for path in find_release_files(paths):
        yield from read_release_file(path)

