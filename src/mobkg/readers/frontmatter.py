"""Front matter of newsroom posts (Jekyll, Hugo, Eleventy): metadata, not prose.

A post kept by a static-site newsroom opens with a block of YAML between ``---``
lines (or TOML between ``+++`` lines)::

    ---
    title: Acme joins the Open Drive Alliance
    date: 2024-05-02 09:00:00+00:00
    author: Jane Roe
    categories: [news, autonomy]
    permalink: https://acme.example/news/open-drive
    ---

Read as text, every such post would get the headline ``---`` and so one release
identity; here the block becomes release metadata and the rest is the body.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from datetime import date, datetime

import yaml

from ..release import parse_date

__all__ = ["FrontMatter", "split_front_matter"]

MAX_FRONT_MATTER_LINES = 300
"""A front matter block longer than this is not one (it is prose that begins with a rule)."""

_FENCES = {"---": ("---", "..."), "+++": ("+++",)}


@dataclass(frozen=True)
class FrontMatter:
    title: str = ""
    published: date | None = None
    url: str | None = None
    author: str | None = None
    keywords: tuple[str, ...] = ()


def split_front_matter(content: str) -> tuple[FrontMatter | None, str]:
    """Split a leading front matter block off ``content``; ``(None, content)`` if there is none.

    >>> meta, rest = split_front_matter("---\\ntitle: Acme Grows\\ndate: 2024-05-02\\ntags: [EV, Acme]\\n---\\nBody.\\n")
    >>> meta.title, meta.published, meta.keywords, rest
    ('Acme Grows', datetime.date(2024, 5, 2), ('EV', 'Acme'), 'Body.\\n')
    >>> split_front_matter("--- not front matter\\ntext")[0] is None
    True
    """
    text = content.lstrip("\ufeff")
    lines = text.split("\n", MAX_FRONT_MATTER_LINES + 1)
    fence = lines[0].strip()
    if fence not in _FENCES:
        return None, content
    closing = next((i for i, line in enumerate(lines[1:MAX_FRONT_MATTER_LINES + 1], 1)
                    if line.strip() in _FENCES[fence]), None)
    if closing is None:
        return None, content
    block = "\n".join(lines[1:closing])
    try:
        data = tomllib.loads(block) if fence == "+++" else yaml.safe_load(block)
    except (yaml.YAMLError, tomllib.TOMLDecodeError, ValueError, RecursionError):
        return None, content
    if not isinstance(data, dict):
        return None, content
    rest = "\n".join(lines[closing + 1:])
    return _meta(data), rest


def _meta(data: dict) -> FrontMatter:
    fields = {str(key).lower(): value for key, value in data.items()}
    url = next((value.strip() for key in ("canonical_url", "canonicalurl", "url", "permalink", "link")
                if isinstance(value := fields.get(key), str) and re.match(r"https?://", value.strip())), None)
    return FrontMatter(
        title=_one_line(fields.get("title")),
        published=_date(fields.get("date") or fields.get("publishdate") or fields.get("published")),
        url=url,
        author=_one_line(_author(fields.get("author"))) or None,
        keywords=_keywords(fields),
    )


def _keywords(fields: dict) -> tuple[str, ...]:
    keywords = []
    for key in ("categories", "category", "tags", "keywords"):
        value = fields.get(key)
        items = value if isinstance(value, list) else re.split(r"[,;]", value) if isinstance(value, str) else []
        keywords += [str(item).strip() for item in items if isinstance(item, str | int | float) and str(item).strip()]
    return tuple(dict.fromkeys(keywords))[:50]


def _author(author) -> str | None:
    """``author: Jane``, ``author: {name: Jane}`` or ``author: [Jane, Joe]``."""
    if isinstance(author, dict):
        return author.get("name")
    if isinstance(author, list):
        return ", ".join(str(a) for a in author if isinstance(a, str))
    return author


def _one_line(value) -> str:
    return re.sub(r"\s+", " ", value).strip()[:500] if isinstance(value, str) else ""


def _date(value) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip()[:10])
        except ValueError:
            return parse_date(value)
    return None
