"""kg.rxgate: a gated expression finds exactly what the plain one finds."""

from __future__ import annotations

import random
import re

import pytest

from kg.extract import events
from kg.rxgate import first_class, gated, required_words

from .conftest import CORPUS

SAMPLES = [
    r"(?:(?:19|20)\d\d年度?)?第[一二三\d]+次(?:主席会议|常委会议)",
    r"第?[一二三\d]+届(?:委员会|常委会)?第?[一二三\d]+次(?:会议|全会)",
    r"(?:“[^“”\n]{2,12}”)?第[一二\d]+(?:场|期)[\u4e00-\u9fff]{2,8}?(?:会|活动)",
    r"(?:中央|省委|市委)(?:政协|统战)工作会议",
    r"(?<=在)(?:市|县)?政协(\w{0,3})会议",
    r"(?=[市县])(?:市|县)政协",
    r"(?:a|b)*c+(?:d|e)?",
    r"(?:x?y?)z|[\s\d]q",
    r"(?:[-\]^]|\\)+w",
]
"""Expressions of the shapes extraction writes: optional parts first, alternations, classes, lookarounds."""

ALPHABET = "第一二三1920年度次届委员会常议主席全场期活动“”中央省市县政协统战工作在abcdexyzq w-]^\\\n"


def _matches(pattern: re.Pattern[str], text: str) -> list[tuple[tuple[int, int], tuple[str | None, ...]]]:
    return [(m.span(), m.groups()) for m in pattern.finditer(text)]


def _texts() -> list[str]:
    rng = random.Random(11)
    randoms = ["".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 80))) for _ in range(400)]
    real = [path.read_text(encoding="utf-8") for path in sorted(CORPUS.glob("*.txt"))]
    return randoms + real


@pytest.mark.parametrize("pattern", SAMPLES + [p.pattern for p in events._patterns().values()])
def test_gated_and_plain_find_the_same_matches(pattern: str) -> None:
    plain, fast = re.compile(pattern), gated(pattern)
    texts = _texts()
    found = 0
    for text in texts:
        expected = _matches(plain, text)
        assert _matches(fast, text) == expected, text
        found += len(expected)
        for pos in (1, 5):  # search from inside the text too (what a lookbehind sees differs there)
            assert [m.span() for m in fast.finditer(text, pos)] == [m.span() for m in plain.finditer(text, pos)]
    assert fast.groups == plain.groups and fast.groupindex == plain.groupindex


def test_the_event_forms_are_gated_and_still_match() -> None:
    session = events._patterns()["session"]
    assert session.pattern.startswith("(?=[")
    assert [m.group() for m in session.finditer("市政协十四届三次会议在成都召开，第二次主席会议")] == ["十四届三次会议", "第二次主席会议"]


@pytest.mark.parametrize(
    ("pattern", "first"),
    [
        (r"(?:ab)?c", "ac"),
        (r"(?:第|\d)+届", r"第\d"),
        (r"x*(?=y)[-\]]", r"x\-\]"),
        (r"(?:a|)b", "ab"),
    ],
)
def test_first_characters(pattern: str, first: str) -> None:
    assert first_class(pattern) == first


@pytest.mark.parametrize("pattern", [r"a*", r"(?:.)b", r"[^a]b", r"(a?)\1b", r"(?i:a)b", r"x?", r"(?:a|b?)"])
def test_first_characters_that_cannot_be_told(pattern: str) -> None:
    assert first_class(pattern) is None
    assert gated(pattern).pattern == pattern


@pytest.mark.parametrize("pattern", [r"abc", r"[ab]c", r"^a?b", r"(?:x)y", r"前天|今天|明天", r"(?:来源|供稿)[:：]"])
def test_expressions_with_a_fast_start_are_left_alone(pattern: str) -> None:
    assert gated(pattern).pattern == pattern


@pytest.mark.parametrize("pattern", SAMPLES + [p.pattern for p in events._patterns().values()])
def test_every_match_holds_a_required_word(pattern: str) -> None:
    """Every match (on random and real texts) holds one of required_words; a text holding none has none."""
    plain, words = re.compile(pattern), required_words(pattern)
    for text in _texts():
        for match in plain.finditer(text):
            assert not words or any(w in match.group() for w in words), (pattern, match.group())


@pytest.mark.parametrize(
    ("pattern", "words"),
    [
        (r"(?:ab)?cd", ("cd",)),
        (r"x(?:第|\d)+届会议", ("届会议",)),
        (r"(?:中央|省委)工作会议|纪念\w+周年", ("工作会议", "纪念")),
        (r"[省市]委(?:全会|会议)", ("会议", "全会")),
        (r"(?:会议|全体会议)", ("会议",)),
        (r"[ab]+c?", ("a", "b")),
        (r"\d+(?:岁)", ("岁",)),
    ],
)
def test_required_words(pattern: str, words: tuple[str, ...]) -> None:
    assert required_words(pattern) == words


@pytest.mark.parametrize("pattern", [r"a*", r"(?:a|b?)c*", r"[^a]+", r"(?i)abc", r"(?i:ab)c*", r"\d+", r"(?=ab)", r".+"])
def test_required_words_that_cannot_be_told(pattern: str) -> None:
    assert required_words(pattern) == ()


def test_events_are_searched_only_in_texts_holding_a_required_word() -> None:
    """fixed_events skips a kind whose required words a text lacks: that kind has no match there (the sample
    corpus and made-up sentences)."""
    texts = [path.read_text(encoding="utf-8") for path in sorted(CORPUS.glob("*.txt"))]
    texts += ["市委十届三次全会召开。", "党的二十大以来，县政协第十五届委员会第二次全体会议", "第三场“院坝协商”议事会"]
    for text in texts:
        for kind, words in events._required().items():
            if not any(w in text for w in words):
                assert not list(events._patterns()[kind].finditer(text)), (kind, text)
    assert events._required()["party"] == ("党的", "全会", "周年", "工作会议")
