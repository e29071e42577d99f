"""Plain wire text: headline, dateline header, body lines, SOURCE trailer."""

from __future__ import annotations

import re

from ..release import Release, SourceFormat, clean_block, clean_url, is_boilerplate, parse_dateline, split_correction

from .frontmatter import FrontMatter

__all__ = ["read", "blocks_from_text", "assemble"]

_HARD_WRAP = 80


def blocks_from_text(content: str) -> list[str]:
    """Split text into blocks: one per line, or one per paragraph when lines are hard-wrapped.

    Wire scrapes put each paragraph on one line (and may have no blank lines at all);
    e-mailed releases wrap at ~72 columns with blank lines between paragraphs. A
    document is taken as hard-wrapped when none of its lines is longer than the wrap.

    >>> blocks_from_text("Title\\n\\nA line that was\\nwrapped here.\\n")
    ['Title', 'A line that was wrapped here.']
    """
    content = content.replace("\r\n", "\n").replace("\r", "\n")
    hard_wrapped = all(len(line) <= _HARD_WRAP for line in content.split("\n"))
    blocks: list[str] = []
    for paragraph in re.split(r"\n\s*\n", content):
        lines = [line for line in paragraph.split("\n") if line.strip()]
        if hard_wrapped and not _looks_like_list(lines) and not (lines and _is_header(lines[0])):
            blocks.append(clean_block(" ".join(lines)))
        else:
            blocks.extend(clean_block(line) for line in lines)
    return [b for b in blocks if b]


def _is_header(line: str) -> bool:
    return split_correction([line])[0] is not None


def _looks_like_list(lines: list[str]) -> bool:
    return sum(1 for line in lines if re.match(r"\s*(?:[-*•]|\d+[.)])\s", line)) >= 2


def assemble(blocks: list[str], source: str, sha256: str, fmt: SourceFormat, *, title: str = "",
             url: str | None = None, links: tuple[str, ...] = (), meta: FrontMatter | None = None) -> Release | None:
    """Turn body blocks into a Release: correction notice, headline, dateline, trailer.

    Shared by every reader once it has reduced its format to blocks of text; ``url``
    comes from the untrusted page or feed and is kept only as a safe IRI (:func:`clean_url`).
    ``meta`` (front matter) gives the headline, date and URL where the text has none.
    """
    meta = meta or FrontMatter()
    title = title or meta.title
    url = url or meta.url
    corrects, blocks = split_correction(blocks)
    blocks = [b for b in blocks if b]
    if not title and blocks:
        title, blocks = blocks[0], blocks[1:]
    if blocks and title and blocks[0] == title:
        blocks = blocks[1:]
    dateline = None
    for index, block in enumerate(blocks[:3]):
        dateline = parse_dateline(block)
        if dateline:
            blocks = blocks[:index] + ([dateline.rest] if dateline.rest else []) + blocks[index + 1:]
            break
    body = tuple(b for b in blocks if not is_boilerplate(b))
    if not title and not body:
        return None
    return Release(
        source=source,
        title=title or body[0][:120],
        body=body,
        sha256=sha256,
        format=fmt,
        published=(dateline.published if dateline else None) or meta.published,
        dateline=dateline.place if dateline else None,
        wire=dateline.wire if dateline else None,
        url=clean_url(url),
        corrects=corrects,
        links=links,
        author=meta.author,
        keywords=meta.keywords,
    )


def read(content: str, source: str, sha256: str) -> list[Release]:
    release = assemble(blocks_from_text(content), source, sha256, SourceFormat.TEXT)
    return [release] if release else []
