"""Hostile extraction inputs: time linear in the length of a list, and lists that stay English."""

from __future__ import annotations

import random
import subprocess
import sys
import textwrap

import pytest

from mobkg.extract import extract_release
from mobkg.extract.language import detect_language
from mobkg.extract.skeleton import _collapse_lists
from mobkg.release import Release, SourceFormat
from mobkg.vocab import EntityType, Predicate

pytestmark = pytest.mark.adversarial


def _names(count: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    syllable = lambda: rng.choice("BDFGKLMNPRSTVZ") + rng.choice("aeiou")  # noqa: E731
    return sorted({(syllable() + syllable() + syllable()).capitalize() + " Motors" for _ in range(count * 2)})[:count]


def _list_release(names: list[str]) -> Release:
    sentence = ", ".join(names[:-1]) + " and " + names[-1] + " joined the Harbour Charging Alliance."
    body = ("Brontel Motors said on Monday that it opened a depot in Lyon.", sentence)
    return Release("list.txt", "Carmakers join charging alliance", body, "0" * 64, SourceFormat.TEXT)


def test_a_list_of_names_is_still_english():
    sentence = ", ".join(_names(60)) + " joined the Harbour Charging Alliance."
    assert detect_language(sentence) == "en"


@pytest.mark.parametrize("count", [8, 120])
def test_every_listed_member_joins(count):
    names = _names(count)
    extraction = extract_release(_list_release(names))
    label = {entity.key: entity.label for entity in extraction.entities}
    members = {label[fact.subject] for fact in extraction.facts if fact.predicate is Predicate.MEMBER_OF}
    companies = {entity.label for entity in extraction.entities if entity.type is EntityType.COMPANY}
    assert set(names) <= companies
    assert set(names) <= members


def test_a_long_list_is_matched_as_its_ends():
    skeleton = ", ".join(f"⟨{i}:Company⟩" for i in range(500)) + " and ⟨500:Company⟩ joined ⟨501:Alliance⟩."
    collapsed, expanded = _collapse_lists(skeleton)
    assert collapsed == "⟨0:Company⟩ and ⟨500:Company⟩ joined ⟨501:Alliance⟩."
    assert expanded == {500: tuple(range(1, 501))}


def test_a_sentence_of_3200_names_is_read_in_bounded_time():
    """Quadratic matching took 71 s for this sentence; linear takes about 3 s. The bound is generous."""
    script = textwrap.dedent(f"""
        import sys; sys.path[:0] = {sys.path!r}
        from tests.test_adversarial_extract import _names, _list_release
        from mobkg.extract import extract_release
        print(len(extract_release(_list_release(_names(3200))).facts))
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=45)
    assert done.returncode == 0, done.stderr
    assert int(done.stdout) >= 3200
