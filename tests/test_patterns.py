"""Relation patterns (lexicons/en/patterns.yaml): each pattern's examples run as tests; bad examples fail at load."""

from __future__ import annotations

import copy

import pytest

from mobkg.errors import LexiconError
from mobkg.extract import extract_release
from mobkg.extract.lexicon import load_lexicon
from mobkg.extract.relations import compile_patterns
from mobkg.release import Release, SourceFormat

LEXICON = load_lexicon()
PATTERNS = compile_patterns(LEXICON)
EXAMPLES = [(pattern, text, facts) for pattern in PATTERNS for text, facts in pattern.examples]


@pytest.mark.parametrize(("pattern", "text", "facts"), EXAMPLES,
                         ids=[f"{p.id}-{i}" for i, (p, _, _) in enumerate(EXAMPLES)])
def test_each_pattern_reads_its_examples(pattern, text, facts):
    extraction = extract_release(Release("p.txt", "A release", (text,), "0" * 64, SourceFormat.TEXT))
    label = {entity.key: entity.label for entity in extraction.entities}
    read = {(label[f.subject], label[f.object]) for f in extraction.facts
            if f.predicate is pattern.predicate and f.rule == pattern.id}
    assert set(facts) <= read, f"{pattern.id} read {sorted(read)} from {text!r}"


def test_examples_exist():
    assert len(EXAMPLES) >= 2


@pytest.mark.parametrize("examples", [
    "one sentence",
    [{"text": "Acme is a maker of vans."}],
    [{"text": "Acme is a maker of vans.", "facts": ["Acme, vans"]}],
    [{"text": "Acme is a maker of vans.", "facts": []}],
])
def test_a_malformed_example_is_a_one_line_lexicon_error(examples):
    lexicon = copy.copy(load_lexicon())
    del lexicon._compiled_patterns
    lexicon.patterns = [{"id": "x", "predicate": "activeIn", "pattern": "{S:Company} makes {items}", "examples": examples}]
    with pytest.raises(LexiconError) as error:
        compile_patterns(lexicon)
    assert "\n" not in str(error.value) and "pattern x" in str(error.value)
