"""Extraction: entities of the ten types and facts of the twelve predicates, with evidence.

The stage is rule-based and runs offline. Its knowledge is data under
``mobkg/lexicons/`` (gazetteers of organisations and places, cue words for
types and relations) so analysts extend it without touching Python::

    lexicon.py     load the gazetteers, cue lists and relation patterns
    sentences.py   split blocks into sentences; mark sentences cut short by a scrape
    names.py       tokens, runs of name tokens and their head words
    mentions.py    type the capitalised names of one sentence (an ordered table of evidence rules)
    terms.py       lowercase technology names: listed terms, possessed technology phrases
    context.py     type names from their release context (brand lists, member lists, model families)
    resolve.py     merge mentions into entities (aliases, acronyms, short forms)
    skeleton.py    sentences as typed placeholders, pronouns resolved, appositions read past
    patterns.py    compile patterns.yaml (named roles, placeholders, examples), checked at load
    relations.py   match the compiled patterns against skeletons
    pipeline.py    run the stages over one release
"""

from __future__ import annotations

from .model import Entity, Extraction, Fact
from .pipeline import extract_release

__all__ = ["Entity", "Extraction", "Fact", "extract_release"]
