"""RSS 2.0 and Atom 1.0 feeds: every item is a release.

Feeds are untrusted XML: before feedparser sees one, defusedxml parses it and
refuses entity declarations (billion laughs) and external entities, which are
never expanded or fetched.

Items are turned into releases one at a time, as they are asked for, so that a
feed of ten thousand items is never held as ten thousand releases (let alone
graphs); an item that cannot be read is yielded as its :class:`ReleaseError`
and the items after it are still read. The feed's XML itself is parsed whole
(it is at most ``MAX_BYTES``).

What an item gives:

* its headline: the title; without one, the first sentence of its text after the
  dateline, shortened at a word to ``HEADLINE_CHARS`` (never the dateline itself);
* its date: the dateline's, else the item's ``pubDate``/``published``/``updated``
  as written (the day in the item's own time zone). A date that does not exist
  (``2025-13-45``, 30 February) is no date: feedparser would roll it over into
  another day, which is worse than none;
* its link, kept only as a safe http(s) IRI. Two items with one link are one
  release only if their text is the same (see :mod:`mobkg.ingestion`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from email.utils import parsedate_tz
from xml.etree.ElementTree import ParseError

import defusedxml.ElementTree as safe_xml
import feedparser
from defusedxml import DefusedXmlException

from ..errors import ReleaseError
from ..release import Release, SourceFormat, clean_block, parse_dateline
from .html import html_blocks
from .text import assemble

__all__ = ["read", "feed_date", "HEADLINE_CHARS"]

HEADLINE_CHARS = 120
"""Longest headline made from an item's text when the item has no title."""

_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_ISO_DATE = re.compile(r"\s*(\d{4})-(\d{1,2})-(\d{1,2})(?:[T\s]|$)")
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"'\u201d\u2019)]?\s+(?=[\"'\u201c\u2018(]?[A-Z0-9])")


def _check_xml(content: str, source: str) -> None:
    try:
        safe_xml.fromstring(_DECLARATION.sub("", content, count=1).encode("utf-8"))
    except DefusedXmlException:
        raise ReleaseError(source, "feed declares XML entities or a DTD; refused (possible XML bomb)") from None
    except ParseError as exc:
        raise ReleaseError(source, f"malformed XML ({exc})") from None


def read(content: str, source: str, sha256: str) -> Iterator[Release | ReleaseError]:
    """The feed's items as releases, lazily; an item that cannot be read comes as its :class:`ReleaseError`.

    :raises ReleaseError: before the first item, if the feed is refused or malformed; after the
        last, if it held no item with any text.
    """
    _check_xml(content, source)
    parsed = feedparser.parse(content, sanitize_html=False, resolve_relative_uris=False)
    fmt = SourceFormat.ATOM if parsed.version.startswith("atom") else SourceFormat.RSS
    items = 0
    for index, entry in enumerate(parsed.entries):
        where = f"{source}#item{index + 1}"
        try:
            release = _release(entry, where, sha256, fmt)
        except ReleaseError as error:
            items += 1
            yield error
            continue
        except Exception as exc:  # noqa: BLE001 - one hostile item must not cost the rest of the feed
            items += 1
            detail = (str(exc).strip().splitlines() or [""])[0][:200]
            yield ReleaseError(where, f"cannot read feed item ({type(exc).__name__}{': ' + detail if detail else ''})")
            continue
        if release is not None:
            items += 1
            yield release
    if not items:
        raise ReleaseError(source, "feed has no items")


def _release(entry, source: str, sha256: str, fmt: SourceFormat) -> Release | None:
    body_html = entry.content[0].get("value", "") if entry.get("content") else ""
    body_html = body_html or entry.get("summary", "") or entry.get("description", "")
    blocks = html_blocks(body_html)
    title = clean_block(_plain(entry.get("title", ""))) or _headline(blocks)
    release = assemble(blocks, source, sha256, fmt, title=title, url=entry.get("link") or None)
    if release is not None and release.published is None:
        published = feed_date(entry.get("published") or "", entry.get("published_parsed")) \
            or feed_date(entry.get("updated") or "", entry.get("updated_parsed"))
        if published:
            release = replace(release, published=published)
    return release


def _headline(blocks: list[str]) -> str:
    """A headline for an item without a title: the first sentence of its text, not its dateline."""
    for block in blocks:
        dateline = parse_dateline(block)
        text = (dateline.rest if dateline else block).strip(" -\u2013\u2014")
        if text:
            sentence = _SENTENCE_END.split(text, maxsplit=1)[0].strip()
            if len(sentence) <= HEADLINE_CHARS:
                return sentence
            cut = sentence[:HEADLINE_CHARS - 1].rsplit(" ", 1)[0].rstrip(" ,;:-")
            return (cut or sentence[:HEADLINE_CHARS - 1]) + "\u2026"
    return ""


def feed_date(text: str, parsed=None) -> date | None:
    """The day a feed's date field names, as written; ``None`` if it names no real day.

    ISO 8601 / RFC 3339 (Atom) and RFC 822 (RSS) dates are read here, strictly and in the
    time zone written; any other form is taken from feedparser (``parsed``) only if the
    year and day it found are written in the text, so a rolled-over date is never used.

    >>> feed_date("2025-03-04T23:30:00-05:00"), feed_date("2025-13-45"), feed_date("Tue, 31 Feb 2025 10:00:00 +0000")
    (datetime.date(2025, 3, 4), None, None)
    """
    iso = _ISO_DATE.match(text)
    try:
        if iso:
            return date(*(int(part) for part in iso.groups()))
        rfc822 = parsedate_tz(text) if text.strip() else None
        if rfc822:
            return date(*rfc822[:3])
    except ValueError:
        return None
    if parsed is None or iso or rfc822:
        return None
    numbers = set(re.findall(r"\d+", text))
    if str(parsed.tm_year) in numbers and ({str(parsed.tm_mday), f"{parsed.tm_mday:02d}"} & numbers):
        try:
            return date(parsed.tm_year, parsed.tm_mon, parsed.tm_mday)
        except ValueError:
            return None
    return None


def _plain(text: str) -> str:
    return " ".join(html_blocks(text)) if "<" in text else text
