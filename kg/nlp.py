"""Sentences and tokens.

Sentence splitting is rule based (。！？；!?; and line breaks). jieba is loaded lazily, once per process,
with the domain lexicon added so that domain terms are not split.
"""

from __future__ import annotations

import re
from functools import lru_cache

from kg.model import Sentence

_SENTENCE_END = re.compile(r"[。！？!?；;]+[”’」』）)]*|\n+")


def split_sentences(text: str) -> list[Sentence]:
    """Split ``text`` into sentences with offsets; whitespace-only pieces are dropped."""
    sentences: list[Sentence] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        end = match.end() if not match.group().startswith("\n") else match.start()
        _append(sentences, text, start, end)
        start = match.end()
    _append(sentences, text, start, len(text))
    return sentences


def _append(sentences: list[Sentence], text: str, start: int, end: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        sentences.append(Sentence(len(sentences), start, end, text[start:end]))


@lru_cache(maxsize=1)
def tokenizer() -> object:
    """The process-wide jieba tokenizer with the domain lexicon loaded (built on first call)."""
    import logging

    import jieba

    from kg import lexicon

    jieba.setLogLevel(logging.WARNING)  # no "Building prefix dict…" chatter on stderr
    tok = jieba.Tokenizer()
    tok.initialize()
    for word, freq in lexicon.jieba_words():
        tok.add_word(word, freq)
    return tok
