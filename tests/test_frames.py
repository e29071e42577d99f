"""Typing frames (lexicons/en/frames.yaml): every frame's examples run as tests; bad frames fail at load.

Also: a release in a language without rules yields gazetteer names only, and records its language.
"""

from __future__ import annotations

import re

import pytest
import yaml
from rdflib import Literal
from rdflib.namespace import DCTERMS, XSD

from mobkg import build_release_graph
from mobkg.errors import LexiconError
from mobkg.extract import extract_release
from mobkg.extract.frames import compile_frames
from mobkg.extract.lexicon import load_lexicon
from mobkg.release import Release, SourceFormat
from mobkg.resources import data_dir

LEXICON = load_lexicon()
EXAMPLES = [(frame, example) for frame in LEXICON.frames for example in frame.examples]


def _release(text: str) -> Release:
    return Release("f.txt", "A release", (text,), "0" * 64, SourceFormat.TEXT)


@pytest.mark.parametrize(("frame", "example"), EXAMPLES, ids=[f"{f.id}-{i}" for i, (f, _) in enumerate(EXAMPLES)])
def test_each_frame_fires_on_its_examples(frame, example):
    name = re.search(r"\[([^\]]+)\]", example).group(1)
    extraction = extract_release(_release(example.replace(f"[{name}]", name)))
    types = {e.type for e in extraction.entities if name in e.names()}
    if frame.type is None:
        assert not types, f"{frame.id}: {name!r} should not be an entity, got {types}"
    else:
        assert frame.type in types, f"{frame.id}: {name!r} typed {types}, expected {frame.type}"


def test_every_frame_has_an_example():
    assert all(frame.examples for frame in LEXICON.frames)


@pytest.mark.parametrize("broken", [
    [{"id": "x", "type": "Gadget", "before": "a"}],
    [{"id": "x", "type": "Company"}],
    [{"id": "x", "type": "Company", "before": "(unclosed"}],
    [{"id": "x", "type": "Company", "after": "a", "examples": ["no brackets here"]}],
    {"not": "a list"},
])
def test_a_broken_frame_is_a_one_line_lexicon_error(broken):
    with pytest.raises(LexiconError) as error:
        compile_frames(broken, "frames.yaml")
    assert "\n" not in str(error.value) and str(error.value).startswith("frames.yaml")


def test_the_bundled_frames_file_is_what_the_lexicon_loads():
    data = yaml.safe_load((data_dir("lexicons") / "en" / "frames.yaml").read_text(encoding="utf-8"))
    assert [f.id for f in compile_frames(data["frames"], "frames.yaml")] == [f.id for f in LEXICON.frames]


POLISH = ("Marka po raz kolejny jest partnerem festiwalu muzycznego w Warszawie. Nowy Lexusów NX zachwyca kierowców, "
          "a Lexus przygotował specjalną edycję modelu dla klientów w Polsce i w Niemczech.")


def test_a_release_in_another_language_yields_gazetteer_names_only():
    release = Release("pl.txt", "Lexus w Warszawie", (POLISH,), "0" * 64, SourceFormat.TEXT)
    extraction = extract_release(release)
    assert extraction.language == "pl"
    labels = {e.label for e in extraction.entities}
    assert "Lexus" in labels and "Warsaw" not in labels | {"Warszawie"}
    assert not any("Lexusów" in e.label or e.label == "Marka" for e in extraction.entities)
    assert extraction.facts == []
    graph = build_release_graph(release, extraction)
    assert (graph.identifier, DCTERMS.language, Literal("pl", datatype=XSD.language)) in graph


def test_an_english_release_records_english():
    extraction = extract_release(_release("Corvina Motors, a Turin-based maker of vans, opened a plant in Porto today."))
    assert extraction.language == "en"
