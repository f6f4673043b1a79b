"""kg.nlp: sentences, and jieba-rs giving jieba's words and dictionary tags."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from kg import lexicon
from kg.nlp import dictionary_tag, segment, split_sentences

from .conftest import CORPUS, SHARED

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def jieba_tokenizer():
    """jieba itself with the domain lexicon: what kg.nlp must agree with."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    tok = jieba.Tokenizer()
    tok.initialize()
    for word, freq in lexicon.jieba_words():
        tok.add_word(word, freq)
    return tok


def _texts() -> list[str]:
    files = sorted(CORPUS.glob("*.txt")) + sorted((ROOT / "tests" / "heldout").glob("*.txt"))
    for folder in ("seed", "dev"):
        files += sorted((SHARED / folder).glob("*.txt"))
    return [f.read_text(encoding="utf-8", errors="replace") for f in files]


def test_segment_gives_jiebas_words_on_whole_documents(jieba_tokenizer) -> None:
    texts = _texts()
    assert texts
    for text in texts:
        assert segment(text) == jieba_tokenizer.lcut(text)


@pytest.mark.parametrize(
    "text",
    ["2023-10-13召开", "在10-94号院", "增长3.5%以上", "A股和T恤", "政协委员", "有事来协商", "C++与c#", "a_b&c", " \n ", ""],
)
def test_segment_splits_latin_and_digit_runs_as_jieba_does(jieba_tokenizer, text: str) -> None:
    assert segment(text) == jieba_tokenizer.lcut(text)


def test_dictionary_tag_is_jieba_posseg_table() -> None:
    import jieba.posseg

    table = jieba.posseg.dt.word_tag_tab
    assert len(table) > 300_000
    assert all(dictionary_tag(word) == tag for word, tag in table.items())
    for word in ("有事来协商", "院坝协商", "xyzzy", "不存在的词语组合", ""):
        assert dictionary_tag(word) == table.get(word, "")


def test_sentences_keep_offsets() -> None:
    text = "第一句。第二句！\n\n第三句"
    sentences = split_sentences(text)
    assert [s.text for s in sentences] == ["第一句。", "第二句！", "第三句"]
    assert all(text[s.start : s.end] == s.text for s in sentences)


def test_sentence_ends_are_those_of_the_plain_expression() -> None:
    """_SENTENCE_END, written to start with a character class, matches what ``[。！？!?；;]+[”’」』）)]*|\\n+``
    matches, on random texts of its characters and others."""
    import random
    import re

    from kg.nlp import _SENTENCE_END

    plain = re.compile(r"[。！？!?；;]+[”’」』）)]*|\n+")
    pieces = ["。", "！", "？", "!", "?", "；", ";", "\n", "\n\n", "”", "’", "」", "』", "）", ")", "委员", "说", " ", "（", "\r"]
    rng = random.Random(7)
    for _ in range(5000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 20)))
        assert [(m.span(), m.group()) for m in _SENTENCE_END.finditer(text)] == [
            (m.span(), m.group()) for m in plain.finditer(text)
        ], text


def test_is_cjk_is_the_cjk_character_class() -> None:
    from kg.text import CJK_CHAR, is_cjk

    for code in range(0x110000):
        if not 0xD800 <= code <= 0xDFFF:
            assert is_cjk(chr(code)) == (CJK_CHAR.match(chr(code)) is not None), hex(code)
    assert not is_cjk("")
