"""Markdown copies kept by release archives: prose plus a list of related links.

Inline links keep their text in the sentence; list items that are nothing but a
link (the archive's "Related links" list) are kept apart in ``Release.links``.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt

from ..release import Release, SourceFormat
from .frontmatter import FrontMatter
from .html import html_blocks
from .text import assemble

__all__ = ["read"]

_LINK_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+\[([^\]]+)\]\([^)]*\)\s*$")
_LINK_HEADING = re.compile(r"^\s*#{1,6}\s*(?:related|links|more|see also|further reading)\b.*$", re.IGNORECASE)
_TITLE = re.compile(r"^\s*#\s+(.+?)\s*#*\s*$")
_GLUED_LINK = re.compile(r"(\]\([^()\s]*\))(?=\w)")
"""A link glued to the next word ("About [Acme, Inc](url)Acme is ..."): archives drop the space."""


def read(content: str, source: str, sha256: str, meta: FrontMatter | None = None) -> list[Release]:
    title = ""
    prose_lines: list[str] = []
    links: list[str] = []
    for line in content.replace("\r\n", "\n").split("\n"):
        item = _LINK_ITEM.match(line)
        if item:
            links.append(item.group(1).strip())
            continue
        if _LINK_HEADING.match(line) or re.match(r"^\s*(?:\*\*)?Related Links?(?:\*\*)?:?\s*$", line, re.IGNORECASE):
            continue
        heading = _TITLE.match(line)
        if heading and not title:
            title = heading.group(1)
            continue
        prose_lines.append(line)
    rendered = MarkdownIt("commonmark").render(_GLUED_LINK.sub(r"\1 ", "\n".join(prose_lines)))
    release = assemble(html_blocks(rendered), source, sha256, SourceFormat.MARKDOWN, title=title,
                       links=tuple(links), meta=meta)
    return [release] if release else []
