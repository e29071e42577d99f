"""Turn the bytes of a release file into text, or refuse them with the reason.

Release files come from scrapers, mail archives and old newsroom systems, so the
encoding is taken from the most trustworthy evidence first::

    1. a byte-order mark           UTF-8, UTF-16 or UTF-32 (LE/BE)
    2. UTF-8                       the file decodes as UTF-8
    3. damaged UTF-8 is refused    valid multi-byte UTF-8 *and* invalid bytes: guessing
                                   another encoding would garble the valid part
    4. a declared charset          <?xml ... encoding="..."?> or <meta charset="...">
    5. Windows-1252                when charset detection finds it as plausible as its best
                                   guess (Western European press releases; a superset of
                                   Latin-1's printable range, so Latin-1 files read right)
    6. the detected charset        Cyrillic, Greek, CJK ... as charset_normalizer reads them

Empty or whitespace-only files and binary data (NUL bytes, many control
characters) are refused, whatever the encoding.
"""

from __future__ import annotations

import codecs
import re

from ..errors import ReleaseError

__all__ = ["decode"]

_BOMS = (  # UTF-32 first: its little-endian mark starts with UTF-16's
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
)
_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
_DECLARED = re.compile(
    rb"""<\?xml[^>]{0,200}?\bencoding\s*=\s*["']([\w.:-]{1,40})["']|<meta[^>]{0,200}?\bcharset\s*=\s*["']?([\w.:-]{1,40})""",
    re.IGNORECASE,
)
# Browsers read these labels as Windows-1252 (WHATWG Encoding Standard); so does mobkg.
_WINDOWS_1252_LABELS = {"iso-8859-1", "iso8859-1", "latin1", "latin-1", "l1", "us-ascii", "ascii", "cp819"}
_DETECTION_SAMPLE = 1_000_000


def decode(data: bytes, source: str) -> str:
    """Decode the bytes of release file ``source`` (see the module docstring for the order).

    :raises ReleaseError: for empty, binary, damaged-UTF-8 or undecodable input.

    >>> decode("Citroën".encode("latin-1"), "a.txt"), decode("Citroën".encode("utf-16"), "b.txt")
    ('Citroën', 'Citroën')
    """
    if not data.strip():
        raise ReleaseError(source, "file is empty; nothing to read")
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return _checked(data.decode(codec), source)
            except UnicodeDecodeError as exc:
                raise ReleaseError(source, f"starts with a {codec.upper()} byte-order mark but is not {codec.upper()} "
                                           f"(byte {exc.start}: {exc.reason}); re-save it as UTF-8") from None
    try:
        return _checked(data.decode("utf-8"), source)
    except UnicodeDecodeError as exc:
        first_error = exc
    if b"\x00" in data:
        raise ReleaseError(source, "binary file, not a text release")
    _refuse_damaged_utf8(data, first_error, source)
    for codec in _declared_codecs(data):
        try:
            return _checked(data.decode(codec), source)
        except (UnicodeDecodeError, LookupError):
            continue
    return _checked(_decode_detected(data, source), source)


def _refuse_damaged_utf8(data: bytes, error: UnicodeDecodeError, source: str) -> None:
    """Refuse text that is mostly UTF-8 with some invalid bytes (truncated, or two encodings mixed).

    A legacy 8-bit file has invalid bytes wherever it has an accented letter and at
    most the odd accidental UTF-8 sequence; damaged UTF-8 has at least as many valid
    multi-byte sequences as invalid bytes.
    """
    valid = len(_UTF8_MULTIBYTE.findall(data))
    invalid = data.decode("utf-8", errors="replace").count("\ufffd") - data.count(b"\xef\xbf\xbd")
    if valid and valid >= invalid:
        raise ReleaseError(source, f"damaged UTF-8: byte {error.start} is invalid ({error.reason}) among valid UTF-8 "
                                   f"text; re-save the file as UTF-8")


def _declared_codecs(data: bytes) -> list[str]:
    found = _DECLARED.search(data[:4096])
    if not found:
        return []
    label = (found.group(1) or found.group(2)).decode("ascii").lower()
    return ["cp1252", "latin-1"] if label in _WINDOWS_1252_LABELS else [label]


def _decode_detected(data: bytes, source: str) -> str:
    from charset_normalizer import from_bytes

    sample = data[:_DETECTION_SAMPLE]
    best = from_bytes(sample).best()
    western = from_bytes(sample, cp_isolation=["cp1252"]).best()
    if western is not None and (best is None or western.chaos <= best.chaos):
        best = western
    if best is None or best.encoding is None:
        raise ReleaseError(source, "cannot detect the text encoding; save the file as UTF-8")
    try:
        return data.decode(best.encoding)
    except (UnicodeDecodeError, LookupError):
        raise ReleaseError(source, "cannot decode the text; save the file as UTF-8") from None


def _checked(decoded: str, source: str) -> str:
    sample = decoded[:8192]
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\n\r\f")
    if "\x00" in decoded or controls > max(8, len(sample) // 50):
        raise ReleaseError(source, "binary file, not a text release")
    if not decoded.strip():
        raise ReleaseError(source, "file is empty; nothing to read")
    return decoded
