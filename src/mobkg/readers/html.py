"""HTML pages: the release body only, via trafilatura's main-content extraction.

Navigation, cookie banners, breadcrumbs, related-news asides and footers are left
out by trafilatura; :func:`html_blocks` turns a small fragment (a feed
description, rendered Markdown) into text blocks without that machinery.

libxml2's HTML parser stops at 256 levels of nesting and silently drops the rest
of the document, so a page or fragment nested deeper (100,000 unclosed ``<div>``s)
is refused rather than read in part; the stop also bounds the parser's work.
"""

from __future__ import annotations

import lxml.html
import trafilatura
from lxml import etree

from ..errors import ReleaseError
from ..release import Release, SourceFormat, clean_block
from .text import assemble

__all__ = ["read", "html_blocks"]

MAX_DEPTH = 255
"""Deepest element nesting read; libxml2 drops whatever lies deeper."""
_DEPTH_REFUSED = f"HTML nests elements more than {MAX_DEPTH} levels deep; refused rather than read in part"

_BLOCK_TAGS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "dd", "dt", "td", "th", "div"}


def html_blocks(fragment: str) -> list[str]:
    """Text of each block-level element of an HTML fragment, in document order.

    >>> html_blocks("<p>One <b>two</b>.</p><ul><li>Three</li></ul>")
    ['One two.', 'Three']

    :raises ValueError: if the fragment nests elements more than :data:`MAX_DEPTH` deep.
    """
    if "<" not in fragment:
        return [clean_block(line) for line in fragment.splitlines() if line.strip()]
    parser = _parser()
    try:
        root = lxml.html.fragment_fromstring(fragment.encode("utf-8"), create_parent="div", parser=parser)
    except (etree.ParserError, ValueError):
        return []
    if _too_deep(parser):
        raise ValueError(_DEPTH_REFUSED)
    for bad in root.xpath("//script|//style|//noscript"):
        bad.drop_tree()
    blocks: list[str] = []
    for element in root.iter():
        if not isinstance(element.tag, str) or element.tag not in _BLOCK_TAGS:
            continue
        if any(isinstance(child.tag, str) and child.tag in _BLOCK_TAGS for child in element):
            # Mixed container: take only its own loose text, children come on their own.
            own = (element.text or "") + "".join(child.tail or "" for child in element)
            text = clean_block(own)
        else:
            text = clean_block(element.text_content())
        if text:
            blocks.append(text)
    return blocks


def _parser() -> lxml.html.HTMLParser:
    return lxml.html.HTMLParser(encoding="utf-8")


def _too_deep(parser: lxml.html.HTMLParser) -> bool:
    return any(entry.type_name == "ERR_RESOURCE_LIMIT" for entry in parser.error_log)


def _refuse_deep_nesting(content: str, source: str) -> None:
    parser = _parser()
    try:
        lxml.html.document_fromstring(content.encode("utf-8"), parser=parser)
    except (etree.ParserError, ValueError):
        return  # empty or odd documents: trafilatura decides
    if _too_deep(parser):
        raise ReleaseError(source, _DEPTH_REFUSED)


def read(content: str, source: str, sha256: str) -> list[Release]:
    _refuse_deep_nesting(content, source)
    try:
        document = trafilatura.bare_extraction(
            content,
            with_metadata=True,
            include_comments=False,
            include_tables=False,
            include_links=False,
            favor_precision=True,
        )
    except Exception as exc:  # trafilatura surfaces lxml errors of many kinds
        raise ReleaseError(source, f"malformed HTML ({type(exc).__name__})") from None
    if document is None or not (document.text or "").strip():
        raise ReleaseError(source, "no main text found in the HTML page")
    blocks = [clean_block(line) for line in document.text.splitlines() if line.strip()]
    release = assemble(blocks, source, sha256, SourceFormat.HTML, title=clean_block(document.title or ""),
                       url=document.url or None)
    if release is None:
        return []
    if release.published is None and document.date:
        from datetime import date

        try:
            release = _replace(release, published=date.fromisoformat(document.date[:10]))
        except ValueError:
            pass
    return [release]


def _replace(release: Release, **changes) -> Release:
    from dataclasses import replace

    return replace(release, **changes)
