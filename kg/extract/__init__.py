"""Extraction: a Document in, its entities (with mentions and aliases) and relations out.

    extract_document(doc, settings) -> Extraction

Placeholder mechanism (to be replaced by the lexicon/pattern extractor): CPPCC bodies by pattern.
"""

from __future__ import annotations

import re

from kg.model import Document, Entity, Extraction, Mention
from kg.nlp import split_sentences
from kg.settings import Settings

_BODY = re.compile(r"[\u4e00-\u9fff]{2,4}?[省市县区]政协")


def extract_document(doc: Document, settings: Settings | None = None) -> Extraction:
    sentences = split_sentences(doc.norm)
    entities: dict[tuple[str, str], Entity] = {}
    for sentence in sentences:
        for match in _BODY.finditer(sentence.text):
            start = sentence.start + match.start()
            name = match.group()
            entity = entities.setdefault(("CPPCCBody", name), Entity("CPPCCBody", name))
            entity.mentions.append(Mention(start, start + len(name), doc.text[start : start + len(name)], sentence.index))
    return Extraction(doc, sentences, list(entities.values()), [])
