"""Extraction: entities of the ten types and facts of the twelve predicates, with evidence.

The stage is rule-based and runs offline. Its knowledge is data under
``mobkg/lexicons/`` (gazetteers of organisations and places, cue words for
types and relations) so analysts extend it without touching Python::

    sentences.py   split blocks into sentences; mark sentences cut short by a scrape
    lexicon.py     load the gazetteers and cue lists
    mentions.py    find and type entity mentions in one sentence
    resolve.py     merge mentions into entities (aliases, acronyms, short forms)
    relations.py   read facts off sentences from their structure
"""

from __future__ import annotations

from .model import Entity, Extraction, Fact
from .pipeline import extract_release

__all__ = ["Entity", "Extraction", "Fact", "extract_release"]
