"""Sentences and words.

    split_sentences(text) -> Sentences with offsets (rule based: 。！？；!?; and line breaks)
    segment(text)         -> jieba's words of ``text``, domain lexicon terms kept whole
    dictionary_tag(word)  -> jieba's dictionary part of speech of ``word``

Words come from jieba-rs (``rjieba``), which gives jieba's words (same dictionary, same algorithm) and
loads in a fraction of jieba's time (jieba: about 1.2 s for its dictionary and 1.5 s more for the tag
table of jieba.posseg, in every process). The segmenter is built on first use, once per process.
"""

from __future__ import annotations

import importlib.util
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from kg.errors import ConfigError
from kg.model import Sentence

_SENTENCE_END = re.compile(r"[。！？!?；;\n](?:(?<=\n)\n*|(?<!\n)[。！？!?；;]*[”’」』）)]*)")
"""Sentence ends, ``[。！？!?；;]+[”’」』）)]*|\\n+`` written to start with a character class (its branches
start with different characters), so that the regex engine skips the characters between them in a tight
loop instead of trying the expression at each."""


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


# ---------------------------------------------------------------------------- words

# jieba's segmentation of runs without Chinese characters: digits, letters and the signs between them are
# split apart ("10-94" -> "10", "-", "94"); jieba-rs keeps such a run whole, so its pieces are split the
# same way here (jieba.finalseg's re_skip), unless the dictionary has the run as a word ("C++").
_NOT_HAN = re.compile(r"[^\u4E00-\u9FD5]+")
_ALNUM_RUN = re.compile(r"([a-zA-Z0-9]+(?:\.\d+)?%?)")


def segment(text: str) -> list[str]:
    """jieba's words of ``text`` (default mode, HMM on) with the domain lexicon kept whole.

    Segmented by jieba-rs (rjieba: the same dictionary and algorithm as jieba, loaded in a fraction of
    the time); tests/test_nlp.py checks the words against jieba's own on whole documents.
    """
    words: list[str] = []
    for word in _segmenter().cut(text):
        if len(word) > 1 and _NOT_HAN.fullmatch(word) and not word.isspace() and not _tagger().has_word(word):
            words.extend(piece for piece in _ALNUM_RUN.split(word) if piece)
        else:
            words.append(word)
    return words


def dictionary_tag(word: str) -> str:
    """jieba's dictionary part of speech of ``word`` ('v', 'n', 'nr', …), '' when the dictionary lacks it.

    Domain lexicon words carry no tag unless jieba's own dictionary has them (as with jieba.posseg).
    """
    tagger = _tagger()
    if not tagger.has_word(word):
        return ""
    tagged = tagger.tag(word, hmm=False)
    if len(tagged) == 1:
        return str(tagged[0][1])
    return _split_word_tag(word)  # a dictionary word its best route splits (2% of them)


@lru_cache(maxsize=1)
def _segmenter() -> Any:
    """jieba-rs (its process-wide instance, loaded on import) with the domain lexicon added, once per
    process. Added words keep a dictionary word's tag and give a new word the tag '' (as jieba.posseg,
    which never sees them), so the same instance serves dictionary_tag."""
    import rjieba

    from kg import lexicon

    for word, freq in lexicon.jieba_words():
        rjieba.add_word(word, freq, None)
    return rjieba


_tagger = _segmenter


def character_frequencies() -> dict[str, int]:
    """How often jieba's dictionary counts each single character as a word (0 when absent: use .get)."""
    parts = _dictionary_columns()
    return {word: int(freq) for word, freq in zip(parts[0::3], parts[1::3]) if len(word) == 1}


@lru_cache(maxsize=1 << 12)
def _split_word_tag(word: str) -> str:
    """The tag of ``word``'s line in jieba's dict.txt (the last one, as a table of the file would keep),
    found in the file's bytes: a build asks this of a handful of words, and a table of all 349,000 lines
    cost every worker process 0.6 s."""
    lines = _dictionary_bytes()
    at = lines.rfind(b"\n" + word.encode("utf-8") + b" ")
    if at < 0:
        return ""
    end = lines.find(b"\n", at + 1)
    line = lines[at + 1 : end if end >= 0 else None].decode("utf-8").split()
    return line[2] if len(line) == 3 else ""


@lru_cache(maxsize=1)
def _dictionary_bytes(name: str = "dict.txt") -> bytes:
    """jieba's dict.txt with a line break before its first line, read only when a word needs it (the
    argument keeps kg.extract.warm_up from loading it: most documents never need it)."""
    return b"\n" + _dictionary_path(name).read_bytes()


@lru_cache(maxsize=1)
def _dictionary_columns(name: str = "dict.txt") -> list[str]:
    """The columns of jieba's dict.txt (``word freq tag`` lines), in one list."""
    return _dictionary_path(name).read_text(encoding="utf-8").split()


def _dictionary_path(name: str) -> Path:
    spec = importlib.util.find_spec("jieba")  # jieba ships the dictionary; finding it does not import it
    if spec is None or spec.origin is None:
        raise ConfigError("jieba is not installed (its dictionary gives parts of speech); reinstall cppcc-kg")
    return Path(spec.origin).parent / name
