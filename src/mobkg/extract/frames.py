"""Typing frames: the words around a name decide its type when they say it plainly.

``lexicons/en/frames.yaml`` lists frames such as "joined the X as a member" (X is a
membership body) or "the X hybrid" (X is a model). A frame is strong evidence: it
overrides a gazetteer prior or a head word, but only for the types it names in
``retypes``. A frame that fires on the last (``after``) or first (``before``)
name of a list types the whole list: "the A, B and C hybrids".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from typing import TYPE_CHECKING

from ..errors import LexiconError
from ..vocab import EntityType

if TYPE_CHECKING:
    from .lexicon import Lexicon
    from .mentions import Mention

__all__ = ["Frame", "compile_frames", "retype_by_frames", "list_runs", "FRAME_STRENGTH"]

FRAME_STRENGTH = 4
"""Votes of a frame: above structure cues (3) and gazetteer or head words (2)."""

_LOOK_BEHIND = 160
_LIST_SEPARATOR = re.compile(r"\s*(?:,|,?\s*(?:and|or|&|as well as))\s*(?:the\s+)?")


@dataclass(frozen=True)
class Frame:
    id: str
    type: EntityType | None
    """None: the words around it show that the name is not an entity ("Head of Urban Robotics Lab, VP at ...")."""
    retypes: frozenset[EntityType | None]
    keep_heads: tuple[str, ...] = ()
    """Vocabulary lists: a name whose last word is in one of them keeps its type ("the Volkswagen Group")."""
    before: re.Pattern | None = None
    after: re.Pattern | None = None
    examples: tuple[str, ...] = ()


def compile_frames(items, source: str) -> tuple[Frame, ...]:
    """Check and compile the ``frames:`` list of ``frames.yaml``.

    :raises LexiconError: naming the frame and what is wrong with it.
    """
    if not isinstance(items, list):
        raise LexiconError(f"{source}: needs a top-level `frames:` list")
    frames = []
    for index, item in enumerate(items):
        where = f"{source}: frame {item.get('id', index) if isinstance(item, dict) else index}"
        if not isinstance(item, dict) or not isinstance(item.get("id"), str):
            raise LexiconError(f"{where}: each frame needs an `id`")
        frames.append(_frame(item, where))
    return tuple(frames)


def _frame(item: dict, where: str) -> Frame:
    if "before" not in item and "after" not in item:
        raise LexiconError(f"{where}: give `before`, `after` or both")
    try:
        entity_type = _type(item.get("type"))
        retypes = frozenset(_type(t) for t in item.get("retypes") or [])
        before = re.compile(f"(?:{item['before']})$", re.IGNORECASE) if "before" in item else None
        after = re.compile(str(item["after"]), re.IGNORECASE) if "after" in item else None
    except re.error as exc:
        raise LexiconError(f"{where}: bad regular expression ({exc})") from None
    except ValueError as exc:
        raise LexiconError(f"{where}: {exc}") from None
    examples = _strings(item, "examples", where)
    if not all(re.search(r"\[[^\]]+\]", e) for e in examples):
        raise LexiconError(f"{where}: each example is a sentence with the name in [brackets]")
    return Frame(item["id"], entity_type, retypes, _strings(item, "keep_heads", where), before, after, examples)


def _strings(item: dict, key: str, where: str) -> tuple[str, ...]:
    """A frame field that holds a string or a list of strings."""
    value = item.get(key) or []
    value = [value] if isinstance(value, str) else value
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise LexiconError(f"{where}: `{key}` must be a string or a list of strings")
    return tuple(value)


def _type(name) -> EntityType | None:
    """An entity type by name; ``none`` stands for "no type" (an untyped name, or not a name)."""
    return None if name == "none" else EntityType(name)


def retype_by_frames(text: str, mentions: list[Mention], lexicon: Lexicon) -> None:
    """Give each mention the type of the first frame that fires on it (or on the list it ends or starts)."""
    runs = {id(m): (run, i) for run in list_runs(text, mentions) for i, m in enumerate(run)}
    for mention in sorted(mentions, key=lambda m: m.start):
        for frame in lexicon.frames:
            if mention.type not in frame.retypes:
                continue
            head = mention.text.replace(",", " ").split()[-1].lower()
            if any(head in lexicon.words(name) for name in frame.keep_heads):
                continue
            before = frame.before is None or frame.before.search(text, max(0, mention.start - _LOOK_BEHIND), mention.start)
            after = frame.after is None or frame.after.match(text, mention.end)
            if not (before and after):
                continue
            for listed in _listed_with(mention, frame, runs):
                if listed.type in frame.retypes:
                    listed.type, listed.strength, listed.rule = frame.type, FRAME_STRENGTH, "frame-" + frame.id
            break


def _listed_with(mention: Mention, frame: Frame, runs: dict[int, tuple[list[Mention], int]]) -> list[Mention]:
    """The names a frame types: a one-sided frame types the rest of the list the name starts
    (``before``) or the part of it the name ends (``after``); a two-sided one only the name.
    ``runs`` maps a mention's ``id`` to its list and its place in it."""
    if id(mention) not in runs or (frame.before is not None and frame.after is not None):
        return [mention]
    run, index = runs[id(mention)]
    return run[index:] if frame.after is None else run[:index + 1]


def list_runs(text: str, mentions: list[Mention], min_size: int = 2) -> list[list[Mention]]:
    """The lists a sentence names: runs of ``min_size`` or more mentions joined by list punctuation.

    Only a real list counts, one joined by "and"/"or"/"&" somewhere ("A, B and C"): "X, Y" alone is
    more often an apposition or a clause boundary ("in the Alliance, Acme would ...").
    """
    runs: list[tuple[list[Mention], bool]] = []
    for mention in sorted(mentions, key=lambda m: m.start):
        between = text[runs[-1][0][-1].end:mention.start] if runs else ""
        if runs and _LIST_SEPARATOR.fullmatch(between):
            run, joined = runs[-1]
            run.append(mention)
            runs[-1] = (run, joined or bool(re.search(r"\b(?:and|or|as well as)\b|&", between)))
        else:
            runs.append(([mention], False))
    return [run for run, joined in runs if joined and len(run) >= min_size]
