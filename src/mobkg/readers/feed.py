"""RSS 2.0 and Atom 1.0 feeds: every item is a release.

Feeds are untrusted XML: before feedparser sees one, defusedxml parses it and
refuses entity declarations (billion laughs) and external entities, which are
never expanded or fetched.
"""

from __future__ import annotations

import re
from datetime import date
from xml.etree.ElementTree import ParseError

import defusedxml.ElementTree as safe_xml
import feedparser
from defusedxml import DefusedXmlException

from ..errors import ReleaseError
from ..release import Release, SourceFormat, clean_block
from .html import html_blocks
from .text import assemble

__all__ = ["read"]

_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")


def _check_xml(content: str, source: str) -> None:
    try:
        safe_xml.fromstring(_DECLARATION.sub("", content, count=1).encode("utf-8"))
    except DefusedXmlException:
        raise ReleaseError(source, "feed declares XML entities or a DTD; refused (possible XML bomb)") from None
    except ParseError as exc:
        raise ReleaseError(source, f"malformed XML ({exc})") from None


def read(content: str, source: str, sha256: str) -> list[Release]:
    _check_xml(content, source)
    parsed = feedparser.parse(content, sanitize_html=False, resolve_relative_uris=False)
    fmt = SourceFormat.ATOM if parsed.version.startswith("atom") else SourceFormat.RSS
    releases = []
    for index, entry in enumerate(parsed.entries):
        title = clean_block(_plain(entry.get("title", "")))
        body_html = ""
        if entry.get("content"):
            body_html = entry.content[0].get("value", "")
        body_html = body_html or entry.get("summary", "") or entry.get("description", "")
        blocks = html_blocks(body_html)
        link = entry.get("link") or None
        release = assemble(blocks, f"{source}#item{index + 1}", sha256, fmt, title=title, url=link)
        if release is None:
            continue
        stamp = entry.get("published_parsed") or entry.get("updated_parsed")
        if release.published is None and stamp:
            from dataclasses import replace

            release = replace(release, published=date(stamp.tm_year, stamp.tm_mon, stamp.tm_mday))
        releases.append(release)
    if not releases:
        raise ReleaseError(source, "feed has no items")
    return releases


def _plain(text: str) -> str:
    return " ".join(html_blocks(text)) if "<" in text else text
