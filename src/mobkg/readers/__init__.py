"""Read release files of every supported format into :class:`~mobkg.release.Release` records.

A small registry maps a detected format to its reader::

    .txt / wire text  -> readers.text      (one release)
    .html / .htm      -> readers.html      (main text only: no nav, banners, footers)
    .md / .markdown   -> readers.markdown  (link lists kept apart from prose)
    .xml / .rss / .atom (RSS 2.0, Atom 1.0) -> readers.feed (one release per item)

Bytes are decoded here, once, for all formats (BOMs, UTF-8, then charset
detection), and every unreadable input becomes a :class:`~mobkg.errors.ReleaseError`
naming the file and the reason.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from ..errors import ReleaseError
from ..release import Release, SourceFormat
from . import feed, html, markdown, text

__all__ = ["read_release_file", "find_release_files", "decode", "MAX_BYTES", "RELEASE_SUFFIXES"]

MAX_BYTES = 50 * 1024 * 1024
"""Largest file mobkg reads; press releases are kilobytes, anything near this is not one."""

Reader = Callable[[str, str, str], list[Release]]
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
        if path.is_dir():
            inside = sorted(
                p for p in path.rglob("*")
                if p.is_file() and p.suffix.lower() in _SUFFIXES and not p.name.startswith(".")
                and p.name.lower() != "readme.md"
            )
            if not inside:
                raise ReleaseError(str(path), "folder holds no release files (.txt, .html, .md, .xml, .rss, .atom)")
            found.extend(inside)
        elif path.exists():
            found.append(path)
        else:
            raise ReleaseError(str(path), "no such file or folder; check the path")
    return list(dict.fromkeys(found))


def decode(data: bytes, source: str) -> str:
    """Decode release bytes: BOM, then UTF-8, then detected charset.

    :raises ReleaseError: for empty, binary or undecodable input.
    """
    if not data.strip():
        raise ReleaseError(source, "file is empty; nothing to read")
    for bom, codec in ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
        if data.startswith(bom):
            return _checked(data.decode(codec, errors="strict"), source)
    try:
        return _checked(data.decode("utf-8"), source)
    except UnicodeDecodeError:
        pass
    if b"\x00" in data[:4096]:
        raise ReleaseError(source, "binary file, not a text release")
    from charset_normalizer import from_bytes

    best = from_bytes(data[:1_000_000]).best()
    if best is None or best.encoding is None:
        raise ReleaseError(source, "cannot detect the text encoding; save the file as UTF-8")
    try:
        return _checked(data.decode(best.encoding), source)
    except (UnicodeDecodeError, LookupError):
        raise ReleaseError(source, "cannot decode the text; save the file as UTF-8") from None


def _checked(decoded: str, source: str) -> str:
    sample = decoded[:8192]
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\n\r\f")
    if "\x00" in sample or controls > max(8, len(sample) // 50):
        raise ReleaseError(source, "binary file, not a text release")
    if not decoded.strip():
        raise ReleaseError(source, "file is empty; nothing to read")
    return decoded


def sniff_format(path: Path, head: str) -> SourceFormat:
    """Decide a file's format from its content, falling back to its suffix."""
    start = head.lstrip()[:2000].lower()
    if "<rss" in start or "<rdf:rdf" in start:
        return SourceFormat.RSS
    if "<feed" in start and "xmlns" in start:
        return SourceFormat.ATOM
    if start.startswith(("<!doctype html", "<html")) or "<body" in start:
        return SourceFormat.HTML
    return _SUFFIXES.get(path.suffix.lower(), SourceFormat.TEXT)


def read_release_file(path: str | os.PathLike) -> list[Release]:
    """Read one file into its releases (a feed gives one per item).

    :raises ReleaseError: if the file is missing, unreadable, too large, empty,
        binary, undecodable, malformed, or holds no release.
    """
    path = Path(path)
    source = str(path)
    try:
        if path.is_dir():
            raise ReleaseError(source, "is a folder; pass the folder itself to build, not as a file")
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise ReleaseError(source, f"file is {size // (1024 * 1024)} MiB; releases larger than {MAX_BYTES // (1024 * 1024)} MiB are refused")
        data = path.read_bytes()
    except FileNotFoundError:
        raise ReleaseError(source, "no such file; check the path") from None
    except PermissionError:
        raise ReleaseError(source, "permission denied; make the file readable") from None
    except IsADirectoryError:
        raise ReleaseError(source, "is a folder, not a release file") from None
    except OSError as exc:
        raise ReleaseError(source, f"cannot read file ({exc.strerror or exc})") from None
    content = decode(data, source)
    digest = hashlib.sha256(data).hexdigest()
    releases = _READERS[sniff_format(path, content)](content, source, digest)
    if not releases:
        raise ReleaseError(source, "no release found in the file")
    return releases


def iter_releases(paths: Iterable[str | os.PathLike]) -> Iterator[Release]:
    """Read every release under ``paths`` in order (see :func:`find_release_files`)."""
    for path in find_release_files(paths):
        yield from read_release_file(path)
