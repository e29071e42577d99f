"""Escapes for text that leaves mobkg for a place that cannot take every character.

Release text is untrusted: a headline may carry a terminal escape sequence, a
label a control character that XML forbids. Two places need care, and each has
one function here, used by every output that goes there:

- **terminals** (:func:`terminal_safe`): query tables, ``stats``, ``path``, the
  saved-query listing, build and validate messages, error lines. Escaped: C0
  controls (tab, line feed and carriage return too, unless ``multiline`` keeps
  line feeds), DEL, the C1 controls U+0080–U+009F (U+009B is a one-byte CSI),
  the bidirectional embeddings, overrides and isolates U+202A–U+202E and
  U+2066–U+2069, the line and paragraph separators U+2028/U+2029 and lone
  surrogates (which cannot be encoded for output at all).
- **XML 1.0 documents** (:func:`xml_safe`): GraphML and the title of the viz page.
  Escaped: what XML 1.0 forbids, i.e. C0 controls other than tab, line feed and
  carriage return, lone surrogates, U+FFFE and U+FFFF. DEL, the C1 controls
  (U+0085 included) and the bidi controls are legal XML 1.0 and kept as they are.

Each escaped character is replaced by a backslash escape: ``\\t``, ``\\n`` and
``\\r`` for tab, line feed and carriage return, ``\\uXXXX`` for any other (all of
them lie in the Basic Multilingual Plane): ``\\u001b``, ``\\u009b``, ``\\u202e``,
``\\ufffe``, ``\\udc80``. That is the escape JSON, Turtle, SPARQL and Python share,
so text stays recognisable, shows what was there, and Turtle printed for a terminal
(a CONSTRUCT result) stays valid Turtle meaning the same graph. A backslash already
in plain text is left alone, so the escaping is for reading, not for decoding back.
Machine formats (RDF serialisations, JSON, CSV) are not passed through these
functions: they carry the data exactly.

>>> terminal_safe("Kestrova \\x1b]0;TITLE\\x07 Motors")
'Kestrova \\\\u001b]0;TITLE\\\\u0007 Motors'
>>> xml_safe("Open\\x1f Charge \\ufffe")
'Open\\\\u001f Charge \\\\ufffe'
"""

from __future__ import annotations

import re

__all__ = ["terminal_safe", "xml_safe"]

_TERMINAL_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029\ud800-\udfff]")
_TERMINAL_UNSAFE_BUT_NEWLINE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029\ud800-\udfff]")
_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


_SHORT_ESCAPES = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def _backslash_escape(found: re.Match) -> str:
    char = found.group(0)
    return _SHORT_ESCAPES.get(char) or f"\\u{ord(char):04x}"


def terminal_safe(text: str, multiline: bool = False) -> str:
    """``text`` with every character that can steer a terminal written as its backslash escape.

    With ``multiline``, line feeds are kept (for a report of several lines); anything
    else that moves the cursor, a carriage return included, is still escaped.
    """
    pattern = _TERMINAL_UNSAFE_BUT_NEWLINE if multiline else _TERMINAL_UNSAFE
    return pattern.sub(_backslash_escape, text)


def xml_safe(text: str) -> str:
    """``text`` with every character XML 1.0 forbids written as its backslash escape."""
    return _XML_FORBIDDEN.sub(_backslash_escape, text)
