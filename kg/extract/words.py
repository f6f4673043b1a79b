"""Word boundaries and dictionary parts of speech for short spans, from jieba with the domain lexicon.

    tokens(text)      -> jieba's words of ``text`` (a short span: a candidate name with a little context)
    is_boundary(text, i) -> True when offset ``i`` of ``text`` falls between two words
    word_at(text, i)  -> the word holding character ``i``
    tag(word)         -> jieba's dictionary part of speech for ``word`` ('v', 'n', 'nr', ...), '' if unknown

Rules call these only on spans of a few characters around a candidate (a place's left edge, a name after
a title), never on whole documents: jieba segments about 170k characters a second, the extractor has to
stay well above that. Results are cached per span, since a document repeats its names. Words and tags
come from kg.nlp (jieba's words with the domain lexicon kept whole; jieba's dictionary tags).
"""

from __future__ import annotations

from functools import lru_cache

from kg.nlp import dictionary_tag, segment


@lru_cache(maxsize=1 << 16)
def tokens(text: str) -> tuple[str, ...]:
    return tuple(segment(text))


@lru_cache(maxsize=1 << 16)
def _offsets(text: str) -> frozenset[int]:
    offsets = {0}
    at = 0
    for word in tokens(text):
        at += len(word)
        offsets.add(at)
    return frozenset(offsets)


def is_boundary(text: str, i: int) -> bool:
    """True when offset ``i`` of ``text`` falls between two of jieba's words."""
    return i in _offsets(text)


def word_at(text: str, i: int) -> str:
    """The jieba word of ``text`` that holds character ``i``."""
    at = 0
    for word in tokens(text):
        if at <= i < at + len(word):
            return word
        at += len(word)
    return ""


@lru_cache(maxsize=1 << 16)
def tag(word: str) -> str:
    return dictionary_tag(word)
