"""Places: administrative divisions from the gazetteer, smaller places (街道, 镇, 村, 社区, 小区) by pattern.

    find_places(norm) -> list[PlaceHit]

Gazetteer names are matched in full (成都市) everywhere; short forms (成都, 四川) of provinces and
prefecture-level cities everywhere, short forms of counties (顺德) only where the full name is also in
the text. A name shared by several divisions (朝阳区, 市中区) keeps all candidates; kg.extract.resolve
picks one with the other places of the document.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

import ahocorasick

from kg.gazetteer import Division, gazetteer
from kg.lexicon import read_table, word_set


@dataclass
class PlaceHit:
    start: int
    end: int
    surface: str
    """The text as written (normalised)."""
    name: str
    """Full name: the official one for a unique division, else the surface (pattern places)."""
    suffix: str
    """The level word the name ends with (市, 区, 街道, 村), '' for a bare short form."""
    candidates: list[Division] = field(default_factory=list)
    level: str = ""
    """province/city/county for divisions; town/street/village/community/compound for patterns."""


@lru_cache(maxsize=1)
def _levels() -> dict[str, tuple[str, ...]]:
    return {word: tuple(levels.split(",")) for word, levels in read_table("place_levels.tsv", 2, 2)}


def level_words() -> list[str]:
    """Level words, longest first (自治州 before 州)."""
    return sorted(_levels(), key=len, reverse=True)


def levels_of(word: str) -> tuple[str, ...]:
    return _levels().get(word, ())


@lru_cache(maxsize=1)
def _automaton() -> "ahocorasick.Automaton":
    g = gazetteer()
    stop = word_set("place_stoplist.txt")
    auto = ahocorasick.Automaton()
    for name in g.names():
        if name not in stop and len(name) >= 2:
            auto.add_word(name, (name, True))
    for short in g.short_names():
        if short in stop or short in auto:
            continue
        divisions = g.short(short)
        auto.add_word(short, (short, False))
        del divisions
    auto.make_automaton()
    return auto


def _suffix_of(name: str) -> str:
    for word in level_words():
        if name.endswith(word):
            return word
    return ""


def _longest_matches(text: str) -> list[tuple[int, int, str, bool]]:
    """Leftmost-longest, non-overlapping gazetteer matches."""
    found: list[tuple[int, int, str, bool]] = []
    for end_index, (word, full) in _automaton().iter(text):
        found.append((end_index - len(word) + 1, end_index + 1, word, full))
    found.sort(key=lambda m: (m[0], -(m[1] - m[0])))
    result: list[tuple[int, int, str, bool]] = []
    last_end = 0
    for start, end, word, full in found:
        if start >= last_end:
            result.append((start, end, word, full))
            last_end = end
    return result


def _outermost(divisions: list[Division]) -> list[Division]:
    """Drop divisions lying inside another candidate of the same name (重庆市 the province and its
    city-level rows)."""
    g = gazetteer()
    return [d for d in divisions if not any(o is not d and g.within(d.code, o.code) for o in divisions)]


def _gazetteer_hits(norm: str) -> list[PlaceHit]:
    g = gazetteer()
    hits: list[PlaceHit] = []
    matches = _longest_matches(norm)
    fulls = {word for _, _, word, full in matches if full}
    for start, end, word, full in matches:
        if full:
            divisions = _outermost(g.lookup(word))
            name = word
        else:
            divisions = _outermost([d for d in g.short(word) if d.level != "county" or d.name in fulls])
            if not divisions:
                continue
            # A short form followed by a level word of its own is part of a longer, unknown name.
            if end < len(norm) and norm[end] in "省市县区旗州镇乡村":
                continue
            names = {d.name for d in divisions}
            name = next(iter(names)) if len(names) == 1 else word
        level = divisions[0].level if len({d.level for d in divisions}) == 1 else ""
        hits.append(PlaceHit(start, end, word, name, _suffix_of(name) if full else "", divisions, level))
    return hits


@lru_cache(maxsize=1)
def _pattern() -> "re.Pattern[str]":
    sub = [w for w in level_words() if set(levels_of(w)) & {"town", "street", "village", "community", "compound"}]
    return re.compile("(" + "|".join(map(re.escape, sub)) + ")")


@lru_cache(maxsize=1)
def _boundaries() -> tuple[frozenset[str], tuple[str, ...]]:
    words = word_set("boundaries.txt")
    return frozenset(w for w in words if len(w) == 1), tuple(sorted((w for w in words if len(w) > 1), key=len))


_CJK = re.compile(r"[\u4e00-\u9fff]")
_AFTER_VILLAGE_NOT_PLACE = "民道级居务干"
_AFTER_SMALL_PLACE_NOT_NAME = "上里"


def name_start(norm: str, end: int, floor: int, max_len: int) -> int:
    """Where a name ending at ``end`` starts: at most ``max_len`` characters back, not before ``floor``,
    not across punctuation, a boundary character or a boundary word."""
    chars, words = _boundaries()
    start = end
    while start > floor and end - start < max_len and _CJK.match(norm[start - 1]) and norm[start - 1] not in chars:
        start -= 1
    reach = max(floor, start - 3)
    window = norm[reach:end]
    cut = start
    for word in words:
        index = window.rfind(word)
        if index >= 0:
            cut = max(cut, reach + index + len(word))
    return min(cut, end)


def _pattern_hits(norm: str, taken: list[PlaceHit]) -> list[PlaceHit]:
    stop = word_set("place_stoplist.txt")
    ends = sorted(h.end for h in taken)
    occupied = [(h.start, h.end) for h in taken]
    hits: list[PlaceHit] = []
    for match in _pattern().finditer(norm):
        suffix = match.group(1)
        s, e = match.start(), match.end()
        if any(a < e and s < b for a, b in occupied):
            continue
        if suffix == "村" and e < len(norm) and norm[e] in _AFTER_VILLAGE_NOT_PLACE:
            continue
        if len(suffix) == 1 and e < len(norm) and norm[e] in _AFTER_SMALL_PLACE_NOT_NAME:
            continue
        floor = max([x for x in ends if x <= s] + [h.end for h in hits if h.end <= s] + [0])
        start = name_start(norm, s, floor, 5 if suffix == "小区" else 4)
        if s - start < 2:
            continue
        name = norm[start:e]
        if any(name.endswith(w) for w in stop) or norm[start:s] in stop:
            continue
        levels = levels_of(suffix)
        hits.append(PlaceHit(start, e, name, name, suffix, [], levels[0] if levels else ""))
    return hits


def find_places(norm: str) -> list[PlaceHit]:
    hits = _gazetteer_hits(norm)
    hits.extend(_pattern_hits(norm, hits))
    hits.sort(key=lambda h: h.start)
    return hits
