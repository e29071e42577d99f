"""Relation patterns (lexicons/en/patterns.yaml): each pattern's examples run as tests; bad examples fail at load."""

from __future__ import annotations

import copy
import re

import pytest

from mobkg.errors import LexiconError
from mobkg.extract import extract_release
from mobkg.extract.lexicon import load_lexicon
from mobkg.extract.relations import compile_patterns
from mobkg.release import Release, SourceFormat
from mobkg.vocab import Predicate

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


def _compiled_alone(spec: dict):
    lexicon = copy.copy(load_lexicon())
    del lexicon._compiled_patterns
    lexicon.patterns = [spec]
    return compile_patterns(lexicon)


def test_roles_are_named_in_the_order_the_sentence_has_them():
    spec = {"id": "x", "predicate": "hasBrand", "pattern": "{brand:Brand}, a marque of {owner:Company}"}
    (pattern,) = _compiled_alone(spec)
    found = pattern.regex.search("⟨0:Brand⟩, a marque of ⟨1:Company⟩")
    assert found.group(pattern.subject) == "1" and found.group(pattern.object) == "0"


@pytest.mark.parametrize(("spec", "message"), [
    ({"id": "x", "predicate": "hasBrand", "pattern": "{parent:Company} owns {brand:Brand}"},
     "{parent:...} is not a role of hasBrand; its roles are owner (subject) and brand (object)"),
    ({"id": "x", "predicate": "hasBrand", "subject": "O", "object": "S", "pattern": "{S:Brand} of {O:Company}"},
     "`subject:` is not read any more"),
    ({"id": "x", "predicate": "memberOf", "context": "owner", "after": True, "pattern": "members include"},
     "`context: owner` is not a role of memberOf"),
    ({"id": "x", "predicate": "hasBrand", "pattern": "owns brands"}, "it names neither {owner:...} nor {brand:...}"),
])
def test_a_pattern_that_breaks_the_role_schema_is_a_one_line_lexicon_error(spec, message):
    with pytest.raises(LexiconError) as error:
        _compiled_alone(spec)
    assert message in str(error.value) and "pattern x" in str(error.value) and "\n" not in str(error.value)


def test_shipped_patterns_name_the_roles_of_their_predicate():
    from mobkg.extract.relations import ROLES

    for spec in LEXICON.patterns:
        named = {name for name in re.findall(r"\{([A-Za-z]\w*):", spec["pattern"])} - {"words", "verbs"}
        roles = set(ROLES[Predicate(spec["predicate"])])
        assert named <= roles, f"{spec['id']} names {sorted(named - roles)}, not roles of {spec['predicate']}"
        assert "subject" not in spec and "object" not in spec and spec.get("context", next(iter(roles))) in roles
