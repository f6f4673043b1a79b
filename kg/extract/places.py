"""Places: administrative divisions from the gazetteer, smaller places (街道, 镇, 村, 社区, 小区) by pattern.

    find_places(norm) -> list[PlaceHit]

Gazetteer names are matched in full (成都市) everywhere; short forms (成都, 四川) of provinces and
prefecture-level cities everywhere, short forms of counties (顺德) only where the full name is also in
the text. A name shared by several divisions (朝阳区, 市中区) keeps all candidates; kg.extract.resolve
picks one with the other places of the document.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

import ahocorasick
import ahocorasick_rs

from kg.extract import words
from kg.gazetteer import Division, gazetteer
from kg.lexicon import read_table, word_set
from kg.text import is_cjk

SUB_COUNTY_LEVELS = ("township", "village", "community", "compound", "group", "zone")
"""Levels of places below the county (kg/data/place_levels.tsv), found by pattern: 乡镇街道, 村, 社区, 小区,
villagers' groups; and zones and landmarks (横琴粤澳深度合作区, 云溪水库), which lie in a county or city."""
_STEM = 4
"""Characters a pattern place's own name may have before its level word, unless kg/data/place_words.tsv
says otherwise for the word or its level (stem_max:小区 = 5, stem_max:zone = 8)."""


@lru_cache(maxsize=512)
def _stem_max(suffix: str) -> int:
    words = _place_words()
    found = words.get(f"stem_max:{suffix}") or words.get(f"stem_max:{levels_of(suffix)[0]}")
    return int(found[0]) if found else _STEM


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
    """province/city/county for divisions; SUB_COUNTY_LEVELS for patterns."""


class SpanIndex:
    """Character spans sorted by start, for overlap and containment checks by bisection.

    A query looks only at spans starting before its end and no further back than the longest span,
    so a check costs O(log n + spans near the query) instead of a scan of every span.
    """

    def __init__(self, spans: Iterable[tuple[int, int]] = ()) -> None:
        self._spans = sorted(spans)
        self._starts = [a for a, _ in self._spans]
        self._longest = max((b - a for a, b in self._spans), default=0)

    def add(self, start: int, end: int) -> None:
        at = bisect.bisect_left(self._spans, (start, end))
        self._spans.insert(at, (start, end))
        self._starts.insert(at, start)
        self._longest = max(self._longest, end - start)

    # The checks below walk the spans near the query in plain loops (no generator): they run tens of
    # thousands of times a document set, and a generator costs an object per call.

    def overlaps(self, start: int, end: int) -> bool:
        """Some span shares a character with [start, end)."""
        spans = self._spans
        floor = start - self._longest
        i = bisect.bisect_right(self._starts, end)
        while i > 0:
            i -= 1
            a, b = spans[i]
            if a < floor:
                return False
            if a < end and start < b:
                return True
        return False

    def covers(self, start: int, end: int, strict: bool = False) -> bool:
        """Some longer span holds [start, end); ``strict``: with characters of its own on both sides."""
        spans = self._spans
        floor = start - self._longest
        i = bisect.bisect_right(self._starts, end)
        while i > 0:
            i -= 1
            a, b = spans[i]
            if a < floor:
                return False
            if strict:
                if a < start and end < b:
                    return True
            elif a <= start and end <= b and b - a > end - start:
                return True
        return False

    def ends_inside(self, start: int, end: int) -> bool:
        """Some span ends where [start, end) ends and starts before it (“茶乡议事”委员工作室 holds 委员工作室)."""
        spans = self._spans
        floor = start - self._longest
        i = bisect.bisect_right(self._starts, end)
        while i > 0:
            i -= 1
            a, b = spans[i]
            if a < floor:
                return False
            if a < start and b == end:
                return True
        return False


@lru_cache(maxsize=1)
def _levels() -> dict[str, tuple[str, ...]]:
    return {word: tuple(levels.split(",")) for word, levels, _ in read_table("place_levels.tsv", 2, 3)}


@lru_cache(maxsize=1)
def _written_after() -> dict[str, tuple[str, ...]]:
    """Level words of places named only right after the place they lie in, with that place's levels (组
    after a village: 龙凤村田家沟组)."""
    return {word: tuple(after.split(",")) for word, _, after in read_table("place_levels.tsv", 2, 3) if after}


def level_words() -> list[str]:
    """Level words, longest first (自治州 before 州)."""
    return sorted(_levels(), key=len, reverse=True)


def levels_of(word: str) -> tuple[str, ...]:
    return _levels().get(word, ())


@lru_cache(maxsize=1)
def _automaton() -> ahocorasick.Automaton:
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


@lru_cache(maxsize=1)
def _stop_starts() -> tuple[str, ...]:
    """Stoplist words that start generic phrases (省级示范区, 国家级开发区): pattern places starting with them
    are dropped."""
    return tuple(row[0] for row in read_table("place_stoplist.txt", 1, 2) if row[1] == "start")


@lru_cache(maxsize=1)
def _stop_ends() -> tuple[str, ...]:
    """Stoplist words that also end generic phrases (示范村): pattern places ending with them are dropped."""
    return tuple(row[0] for row in read_table("place_stoplist.txt", 1, 2) if row[1] == "end")


@lru_cache(maxsize=1)
def _publication_endings() -> tuple[str, ...]:
    return tuple(sorted(word_set("publication_endings.txt"), key=len, reverse=True))


def _in_publication_name(norm: str, start: int, end: int) -> bool:
    """True for 广安 of 广安日报 or 《广安政协》: the place starts a publication's name."""
    for word in _publication_endings():
        if norm.startswith(word, end):
            after = end + len(word)
            window = norm[start : after + 2]
            return words.is_boundary(window, after - start)
    return False


_NOT_NAME_TAGS = frozenset({"v", "vn", "vd", "d", "p", "c", "u", "uj", "ul", "q", "f", "t", "r", "l"})
"""jieba dictionary tags of words that are not part of a place name (verbs, adverbs, numerals, time
words, function words: 改造小区, 以前总觉得小区, 会同县委). Numerals are not among them: 七里街道, 三汇镇."""


@lru_cache(maxsize=1)
def _organ_heads() -> tuple[str, ...]:
    """Organ words a level word may run into (镇党委, 村委会): the level word still ends a place there."""
    rows = read_table("organs.tsv", 2, 3)
    heads = tuple(word for word, role, _ in rows if role in ("party_head", "cppcc_head"))
    return heads + _place_words().get("organ_run", ())


@lru_cache(maxsize=1)
def _place_openers() -> tuple[str, ...]:
    """Words written right before the place of an organ (kg/data/organs.tsv): democratic parties (民建南岸区委),
    中共 (中共射洪市委) and the opening of a committee's formal name (政协射洪市委员会)."""
    roles = ("party_prefix", "cpc_prefix", "cppcc_formal")
    return tuple(word for word, role, _ in read_table("organs.tsv", 2, 3) if role in roles)


def _plausible_division(norm: str, start: int, end: int, after_place: bool) -> bool:
    """Short gazetteer names (和县, 范县, 会同县) inside ordinary words: 黄明亮和县政协, 示范县, 会同县委.
    Checked with jieba on the span and a few characters around it; names of four characters and more, and
    names right after punctuation or another place, are taken as they are."""
    if end - start > 3 or after_place or start == 0 or not is_cjk(norm[start - 1]):
        return True
    if any(norm.endswith(w, 0, start) for w in _place_openers()):
        return True  # 民建|南岸区委, 中共|射洪市委, 政协|射洪市委员会: a word that opens an organ's place
    if end - start >= 3 and norm[start - 1] in _boundaries()[0]:
        return True  # 对|射洪市政协, 赴|大英县: no name runs on from a preposition, whatever word jieba reads (对射)
    if end - start == 2 and norm[start] in _place_words().get("conjunction", ()) and (
        norm[start - 1] not in _boundaries()[0] or levels_of(norm[start - 1])
    ):
        return False  # 各镇和|县直部门, 市和|县两级: a conjunction before a level word, not the county 和县
    if end - start == 2 and norm[start] in _place_words().get("conjunction", ()) \
            and norm[start - 1] in _place_words().get("organ_end", ()) and end < len(norm) and is_cjk(norm[end]):
        return False  # 县水利局和|县自然资源局: a conjunction between two departments, not the county 和县
    left = max(0, start - 3)
    window = norm[left : end + 3]
    s, e = start - left, end - left
    if not words.is_boundary(window, s):
        return False
    if end - start == 2 and not words.is_boundary(window, e):
        return False
    first = words.word_at(window, s)
    if len(first) >= 2 and words.tag(first) in _NOT_NAME_TAGS:
        return False
    if end - start == 3 and words.is_boundary(window, e - 1):
        # 委员会会同县委督查室: jieba reads 会同|县委 and knows 会同 as a word of its own (阜宁 of 中共阜宁县委
        # it knows as a place), so the level character starts a short-form organ
        level_word = words.word_at(window, e - 1)
        stem = words.word_at(window, s)
        return not (
            len(level_word) >= 2 and level_word[1:].startswith(_organ_heads()) and bool(words.tag(stem)) and not words.tag(stem).startswith("ns")
        )
    return True


def level_short_forms() -> tuple[str, ...]:
    """Short forms of level words written after a place's short form in an organ's name (特区 of 香港特区政府)."""
    return _place_words().get("level_short", ())


def _visited(norm: str, start: int, end: int) -> bool:
    """True when ``norm[start:end]`` is written as where someone goes to visit: 来|乐至|调研, 赴|蓬溪|考察."""
    words = _place_words()
    return any(norm.endswith(w, 0, start) for w in words.get("visit_to", ())) and norm.startswith(
        words.get("visit_verb", ()), end
    )


def _suffix_of(name: str) -> str:
    for word in level_words():
        if name.endswith(word):
            return word
    return ""


@lru_cache(maxsize=1)
def _finder() -> tuple[ahocorasick_rs.AhoCorasick, frozenset[str]]:
    """The names of _automaton in an automaton of ahocorasick_rs, and the characters they are written with."""
    names = list(_automaton().keys())
    return ahocorasick_rs.AhoCorasick(names), frozenset("".join(names))


def _longest_matches(text: str) -> list[tuple[int, int, str, bool]]:
    """Leftmost-longest, non-overlapping gazetteer matches (pyahocorasick's iter_long), walked only over
    the stretches of ``text`` that hold a name.

    A character no name is written with leaves iter_long in its start state with nothing pending, so a
    stretch of text up to and including such a character gives the same matches walked alone as within
    the whole text, and a stretch holding no name gives none. ahocorasick_rs finds the names about 20
    times faster than iter_long walks the text (which looks each character up among thousands of first
    characters); only the stretches with a name, 7% of the benchmark corpus, are walked: gazetteer
    matching costs a quarter of what it did. tests/test_extract_places.py checks the matches against a
    walk over the whole text.
    """
    finder, letters = _finder()
    automaton = _automaton()
    found: list[tuple[int, int, str, bool]] = []
    walked = 0
    size = len(text)
    for _, start, end in finder.find_matches_as_indexes(text):  # one occurrence at least in each stretch with any
        if start < walked:
            continue
        while start > walked and text[start - 1] in letters:
            start -= 1
        while end < size and text[end] in letters:
            end += 1
        walked = min(end + 1, size)
        found.extend(
            (end_index - len(word) + 1, end_index + 1, word, full)
            for end_index, (word, full) in automaton.iter_long(text, start, walked)
        )
    return found


def _outermost(divisions: list[Division]) -> list[Division]:
    """Drop divisions lying inside another candidate of the same name (重庆市 the province and its
    city-level rows)."""
    g = gazetteer()
    return [d for d in divisions if not any(o is not d and g.within(d.code, o.code) for o in divisions)]


@lru_cache(maxsize=1)
def _name_max() -> int:
    """The longest name of the gazetteer's automaton."""
    return max((len(name) for name in _automaton().keys()), default=0)


def _full_over_short(norm: str, matches: list[tuple[int, int, str, bool]]) -> list[tuple[int, int, str, bool]]:
    """Leftmost-longest matches with a short form given up for a full name starting inside it and ending
    after it (来安岳县调研: 安岳县, not 来安, the short form of 来安县, glued to the verb before it); matches the
    full name overlaps are dropped too."""
    automaton = _automaton()
    letters = _finder()[1]
    longest = _name_max()
    result: list[tuple[int, int, str, bool]] = []
    covered = -1
    for start, end, word, full in matches:
        if start < covered:
            continue
        if not full and end < len(norm) and norm[end] in letters:  # a longer name holds the next character
            found = next(
                (
                    (at, at + size, norm[at : at + size])
                    for at in range(start + 1, end)
                    for size in range(min(longest, len(norm) - at), end - at, -1)
                    if automaton.get(norm[at : at + size], (None, False))[1]
                ),
                None,
            )
            if found is not None:
                result.append((found[0], found[1], found[2], True))
                covered = found[1]
                continue
        result.append((start, end, word, full))
    return result


def _gazetteer_hits(norm: str) -> list[PlaceHit]:
    g = gazetteer()
    hits: list[PlaceHit] = []
    matches = _full_over_short(norm, _longest_matches(norm))
    fulls = {word for _, _, word, full in matches if full}
    previous_end = -1
    previous: list[Division] = []
    for start, end, word, full in matches:
        after_place = start == previous_end
        previous_end = end
        outer = previous if after_place else []
        previous = []
        if _in_publication_name(norm, start, end) or not _plausible_division(norm, start, end, after_place):
            continue
        if full:
            divisions = _outermost(g.lookup(word))
            name = word
        else:
            divisions = _outermost([
                d for d in g.short(word)
                if d.level != "county" or d.name in fulls or any(g.within(d.code, o.code) for o in outer)
                or len(g.short(word)) == 1 and _visited(norm, start, end)
            ])  # a county's short form where its full name is written too, right after its province (浙江安吉),
            # or, when no other division has that short form, as the destination of a visit (来乐至调研)
            if not divisions:
                continue
            # A short form followed by a level word of its own is part of a longer, unknown name
            # (南岸街道 is a street of its own, not 南岸区).
            if end < len(norm) and (norm[end] in _level_chars(_ANY_LEVEL) or norm.startswith(_sub_levels(), end)):
                continue
            names = {d.name for d in divisions}
            name = next(iter(names)) if len(names) == 1 else word
        level = divisions[0].level if len({d.level for d in divisions}) == 1 else ""
        hits.append(PlaceHit(start, end, word, name, _suffix_of(name) if full else "", divisions, level))
        previous = divisions
    return hits


@lru_cache(maxsize=1)
def _pattern() -> re.Pattern[str]:
    sub = [w for w in level_words() if set(levels_of(w)) & set(SUB_COUNTY_LEVELS)]
    return re.compile("(" + "|".join(map(re.escape, sub)) + ")")


@lru_cache(maxsize=1)
def _boundaries() -> tuple[frozenset[str], re.Pattern[str]]:
    """Single boundary characters, and the longer boundary words as one pattern."""
    words = word_set("boundaries.txt")
    longer = sorted((w for w in words if len(w) > 1), key=len, reverse=True)
    return frozenset(w for w in words if len(w) == 1), re.compile("|".join(map(re.escape, longer)))


_ABOVE_TOWN = frozenset({"province", "city", "county"})
_ANY_LEVEL = _ABOVE_TOWN | {"township", "village"}


@lru_cache(maxsize=4)
def _level_chars(levels: frozenset[str]) -> str:
    """The one-character level words of ``levels`` (省市州县区… for divisions)."""
    return "".join(w for w, found in _levels().items() if len(w) == 1 and set(found) <= levels)


def level_chars_above_town() -> str:
    """The one-character level words of divisions (省, 市, 州, 县, 区 …)."""
    return _level_chars(_ABOVE_TOWN)


@lru_cache(maxsize=1)
def _sub_levels() -> tuple[str, ...]:
    """Level words of two characters or more below the town (街道, 社区, 小区)."""
    below = {"township", "community", "compound"}
    return tuple(w for w, found in _levels().items() if len(w) >= 2 and set(found) <= below)


@lru_cache(maxsize=1)
def _place_words() -> dict[str, tuple[str, ...]]:
    kinds: dict[str, list[str]] = {}
    for kind, word in read_table("place_words.tsv", 2, 2):
        kinds.setdefault(kind, []).append(word)
    return {k: tuple(v) for k, v in kinds.items()}


@lru_cache(maxsize=64)
def _not_after(suffix: str) -> str:
    """Characters that, right after the level word ``suffix``, make it no place (村民, 村干部; 镇上)."""
    words = _place_words()
    return "".join(words.get(f"not_after:{suffix}", ())) + ("".join(words.get("not_after_one", ())) if len(suffix) == 1 else "")


def name_start(norm: str, end: int, floor: int, max_len: int) -> int:
    """Where a name ending at ``end`` starts: at most ``max_len`` characters back, not before ``floor``,
    not across punctuation, a boundary character or a boundary word."""
    chars, longer = _boundaries()
    start = end
    while start > floor and end - start < max_len and is_cjk(norm[start - 1]) and norm[start - 1] not in chars:
        start -= 1
    cut = start
    for reach in range(max(floor, start - 3), end - 1):
        match = longer.match(norm, reach, end)
        if match is not None:
            cut = max(cut, match.end())
    return min(cut, end)


def _pattern_hits(norm: str, taken: list[PlaceHit]) -> list[PlaceHit]:
    stop = word_set("place_stoplist.txt")
    stop_ends = _stop_ends()
    chars, _ = _boundaries()
    ends = sorted(h.end for h in taken)
    place_ends = set(ends)
    occupied = SpanIndex((h.start, h.end) for h in taken)
    quotes = SpanIndex(m.span() for m in _QUOTED.finditer(norm))
    hits: list[PlaceHit] = []
    carried: dict[int, int] = {}  # where a landmark's name goes on into a community's: its end -> its start
    for match in _pattern().finditer(norm):
        suffix = match.group(1)
        s, e = match.start(), match.end()
        if occupied.overlaps(s, e):
            continue
        if s in carried:
            # 新世纪广场|社区: a community named after the landmark written before it
            levels = levels_of(suffix)
            hits.append(PlaceHit(carried[s], e, norm[carried[s] : e], norm[carried[s] : e], suffix, [], levels[0] if levels else ""))
            place_ends.add(e)
            continue
        if e < len(norm) and norm[e] in _not_after(suffix):
            continue
        at = bisect.bisect_right(ends, s)
        # pattern matches come in reading order without overlap, so every earlier hit ends by ``s``
        floor = max(ends[at - 1] if at else 0, hits[-1].end if hits else 0)
        start = name_start(norm, s, floor, _stem_max(suffix))
        glued = _glued_level(norm, s, e, floor, suffix)
        if glued is not None:
            hits.append(PlaceHit(glued, e, norm[glued:e], norm[glued:e], suffix, [], levels_of(suffix)[0]))
            place_ends.add(e)
            continue
        if floor in place_ends and 2 <= s - floor <= _stem_max(suffix) and _one_word(norm, floor, s, e):
            start = floor  # 东城区前进社区: one word right after a larger place is the name, verb-like or not
        parents = _written_after().get(suffix)
        if parents and not (start == floor and any(p.end == floor and p.level in parents for p in (*taken, *hits))):
            continue  # 组 (田家沟组), 寨 are places only written right after the village or town they lie in
        listed = bool(hits) and hits[-1].suffix == suffix and start == hits[-1].end + 1 and norm[hits[-1].end] == "、"
        start = _word_edge(norm, start, s, e, floor, chars, place_ends, listed, _stem_max(suffix))
        if start < 0 or s - start < 2:
            continue
        name = norm[start:e]
        if name in stop or name.endswith(stop_ends) or name.startswith(_stop_starts()) or norm[start:s] in stop:
            continue
        if quotes.covers(start, e, strict=True):
            continue  # 小事不出院、大事不出社区 in quotes: a slogan, not a place
        levels = levels_of(suffix)
        after = _pattern().match(norm, e)
        if levels and levels[0] == "zone" and after is not None and set(levels_of(after.group(1))) & _NAMED_AFTER_LANDMARK:
            carried[e] = start
            continue
        hits.append(PlaceHit(start, e, name, name, suffix, [], levels[0] if levels else ""))
        place_ends.add(e)
    return hits


_NAMED_AFTER_LANDMARK = frozenset({"community", "compound", "village"})
"""Levels of places that may be named after a landmark or zone written whole before their level word
(新世纪广场社区, 滨江公园小区)."""


def _glued_level(norm: str, s: int, e: int, floor: int, suffix: str) -> int | None:
    """The start of a town whose name ends in a level character that jieba joins to the town's level word
    (芦洪市镇, 龙市镇: 市镇 read as one word), or None. The characters before it, back to a word edge, are
    the rest of the name, after any verb, function word or pronoun (来到|芦洪市镇; 各市镇 is no name)."""
    if s - 1 <= floor or norm[s - 1] not in _level_chars(_ABOVE_TOWN) or "township" not in levels_of(suffix):
        return None
    left = max(floor, s - 1 - _STEM)
    window = norm[left : e + 2]
    if words.word_at(window, s - 1 - left) != norm[s - 1 : e]:
        return None
    at = left
    stem: list[str] = []
    for word in words.tokens(window):
        if at >= s - 1:
            break
        named = is_cjk(word[-1]) and word not in _boundaries()[0] and words.tag(word) not in _NOT_NAME_TAGS
        stem = [*stem, word] if named else []
        at += len(word)
    if at != s - 1 or not stem or len(stem) > 2:
        return None
    start = s - 1 - sum(len(w) for w in stem)
    return start if norm[start:e] not in word_set("place_stoplist.txt") else None


_QUOTED = re.compile("[“「‘][^“”「」‘’\n]{1,40}[”」’]")


def _one_word(norm: str, start: int, s: int, e: int) -> bool:
    """True when jieba reads ``norm[start:s]`` as one word ending where the level word starts."""
    window = norm[start : e + 2]
    word = words.word_at(window, 0)
    _, longer = _boundaries()
    return len(word) == s - start and all(is_cjk(c) for c in word) and not longer.fullmatch(word)


_SINGLE_NOT_NAME = frozenset({"p"})
"""jieba tags of a one-character word, read apart from the name after it, that is no part of the name."""


def _word_edge(
    norm: str, start: int, s: int, e: int, floor: int, chars: frozenset[str], place_ends: set[int], listed: bool = False,
    max_len: int = _STEM,
) -> int:
    """The left edge of a pattern place ``norm[start:e]`` (level word at ``s``) checked against jieba's
    words: -1 when the level word is the start of a longer word (乡亲, 乡贤, 乡镇) or the end of a verb
    (下乡); the edge moved past verbs, adverbs and numerals (以前总觉得|小区 -> nothing left, 推动改造|小区)
    and to the start of a word (原名|射箭台村 -> 射箭台村); one boundary character taken in when jieba
    reads it as part of the name (有庆镇). A name in a list after one of its kind is taken as written
    (城北乡、解放乡)."""
    left = max(floor, start - 2)
    window = norm[left : min(len(norm), e + 2)]
    offset = left
    if (
        not words.is_boundary(window, e - offset)
        and words.tag(words.word_at(window, e - 1 - offset))
        and not any(norm.startswith(head, e) for head in _organ_heads())
    ):
        return -1
    if start == floor and floor in place_ends or listed:
        return start  # 复兴镇建设村: a name right after a larger place is taken whole
    holder = words.word_at(window, s - offset)
    if len(holder) > e - s and words.tag(holder) in _NOT_NAME_TAGS:
        return -1
    whole = words.word_at(window, s - offset)
    if start > floor and norm[start - 1] in chars and len(whole) >= 3 and whole.endswith(norm[s:e]):
        # 到|仁和镇: jieba reads the name with its level word as one word across a boundary character
        begin = s - len(whole) + len(norm[s:e])
        wide = norm[max(floor, begin - 3) : e + 2]
        at_begin = begin - max(floor, begin - 3)
        if floor <= begin < start and norm[begin:e] == whole and words.word_at(wide, at_begin + len(whole) - 1) == whole:
            start = begin  # (not 分别|由镇: read with the words before it, 别 belongs to 分别)
    if start > floor and norm[start - 1] in chars:
        glued = words.word_at(window, start - 1 - offset)
        glued_end = words.is_boundary(window, s - offset) and s - offset - (start - 1 - offset) <= len(glued)
        if len(glued) >= 2 and not words.is_boundary(window, start - offset) and glued_end:
            start -= 1
            if words.is_boundary(window, start - offset) and start > floor:
                # 临港经济|开发区: the boundary character starts a word of the name (经济); the name may go
                # on before it (临港), its edge then checked against the words there
                start = name_start(norm, start, floor, max_len - (s - start))
                left = max(floor, start - 2)
                window = norm[left : min(len(norm), e + 2)]
                offset = left
        elif norm[start - 1] in _level_chars(_ABOVE_TOWN) and start - 1 > floor:
            wide = norm[max(floor, start - 5) : s + 2]
            at_start = start - max(floor, start - 5)
            glued = words.word_at(wide, at_start - 1)
            if len(glued) >= 2 and not words.tag(glued) and words.is_boundary(wide, at_start - len(glued)):
                start -= len(glued)  # 顾县|镇: an unknown word ending in a level character is the name
    at = offset
    for word in words.tokens(window):
        end_of_word = at + len(word)
        if end_of_word > s:
            break
        if end_of_word > start and len(word) == 1 and s - end_of_word >= 2 and words.tag(word) in _SINGLE_NOT_NAME:
            start = end_of_word  # 以|城南社区: a preposition before the name (not a one-character verb: 查|干淖尔苏木)
        elif end_of_word > start and len(word) >= 2 and (
            words.tag(word) in _NOT_NAME_TAGS or word in _levels() or word in _place_words().get("verb", ())
            or word in other_names()  # （原名|白石村）: the word saying another name follows is no part of it
        ):
            start = end_of_word
        elif at < start < end_of_word and len(word) >= 2 and words.tag(word):
            start = end_of_word  # the edge inside a dictionary word (原名|射箭台村): the name starts after it
        at = end_of_word
    return start


def other_names() -> tuple[str, ...]:
    """Words saying that the place after them is another name of the place before (原名, 又名)."""
    return _place_words().get("other_name", ())


_COMPANY_MAX = 20
"""Characters a company's name may have before its ending."""


def company_spans(norm: str) -> list[tuple[int, int]]:
    """Companies' names (绵阳涪城网络科技有限公司): back from an ending in kg/data/place_words.tsv
    (company_end) over CJK characters to punctuation, at most _COMPANY_MAX characters."""
    endings = _place_words().get("company_end", ())
    spans: list[tuple[int, int]] = []
    for ending in endings:
        at = norm.find(ending)
        while at >= 0:
            start = at
            while start > 0 and at - start < _COMPANY_MAX and is_cjk(norm[start - 1]):
                start -= 1
            if start < at:
                spans.append((start, at + len(ending)))
            at = norm.find(ending, at + len(ending))
    return spans


def find_places(norm: str) -> list[PlaceHit]:
    hits = _gazetteer_hits(norm)
    hits.extend(_pattern_hits(norm, hits))
    hits.extend(_natural_features(norm, hits))
    hits.extend(_visited_venues(norm, hits))
    hits.sort(key=lambda h: h.start)
    return hits


_VENUE_ITEM = 14
"""Characters a visited venue's name may have, its ending included (城东污水处理厂, 县中医院)."""
_VENUES_LISTED = 6
"""How many venues one verb of visiting may list (察看了 A、B 和 C)."""


@lru_cache(maxsize=1)
def _venue_words() -> tuple[re.Pattern[str], tuple[str, ...], tuple[str, ...], str]:
    """The verbs of visiting that open a list of venues, the venues' endings, the words that may follow a
    venue, and the characters joining listed venues (kg/data/place_words.tsv venue_visit, venue_end,
    venue_then, venue_joiner)."""
    table = _place_words()
    verbs = sorted(table.get("venue_visit", ()), key=len, reverse=True)
    ends = tuple(sorted(table.get("venue_end", ()), key=len, reverse=True))
    then = tuple(sorted(table.get("venue_then", ()), key=len, reverse=True))
    opener = re.compile(f"(?:{'|'.join(map(re.escape, verbs))})了?" if verbs else "(?!)")
    return opener, ends, then, "".join(table.get("venue_joiner", ()))


def _visited_venues(norm: str, taken: list[PlaceHit]) -> list[PlaceHit]:
    """Hospitals, schools, plants and other sites written as the object of a verb of visiting (视察县人民医院,
    察看了城东污水处理厂和…): a place there, named as written. Only the object of such a verb counts (县人民医院
    院长 names no place), each item of a list after it ending in a venue word; a place found already at the
    start of the item is part of the venue's name (白鹭镇卫生院)."""
    opener, ends, then, joiners = _venue_words()
    if not ends:
        return []
    not_start = _stop_starts() + _place_words().get("venue_not_start", ())
    closers = _place_words().get("venue_list_end", ())
    stop, stop_ends = word_set("place_stoplist.txt"), _stop_ends()
    found: list[PlaceHit] = []
    quotes: SpanIndex | None = None
    for match in opener.finditer(norm):
        at = match.end()
        for _ in range(_VENUES_LISTED):
            run = _CJK_RUN.match(norm[at : at + _VENUE_ITEM])
            if run is None:
                break
            item = run.group()
            cut = next((i for i in range(2, len(item)) if item[i] in joiners or item.startswith(closers, i)), len(item))
            end = next(
                (i for i in range(cut, 2, -1) if item[:i].endswith(ends) and (i == cut or item.startswith(then, i))),
                0,
            )
            if opener.search(item, 1, end or cut):
                break  # 调研|组实地察看了…: the object is the later verb's
            name = item[:end]
            if len(name) >= 3 and name not in ends and not name.startswith(not_start) and name not in stop and not name.endswith(stop_ends):
                ending = next(w for w in reversed(ends) if name.endswith(w))
                overlapping = [h for h in (*taken, *found) if h.start < at + end and at < h.end]
                if quotes is None:
                    quotes = SpanIndex(m.span() for m in _QUOTED.finditer(norm))
                inside = all(h.start == at and h.end <= at + end - len(ending) for h in overlapping)
                if inside and not quotes.overlaps(at, at + end):
                    found.append(PlaceHit(at, at + end, name, name, ending, [], "zone"))
            nxt = at + cut
            if nxt >= len(norm) or norm[nxt] not in joiners:
                break
            at = nxt + 1
    return found


_CJK_RUN = re.compile(f"[\\u4e00-\\u9fff]{{2,{_VENUE_ITEM}}}")


_FEATURE_MIN = 3
"""Characters a river, lake or mountain's name must have to be taken on jieba's word alone (金沙江, not 长江
in a slogan)."""


@lru_cache(maxsize=1)
def _feature_endings() -> str:
    return "".join(_place_words().get("feature_end", ()))


def _natural_features(norm: str, taken: list[PlaceHit]) -> list[PlaceHit]:
    """Rivers, lakes and mountains jieba's dictionary knows as place names (金沙江, 曹娥江, 大渡河): a word of
    at least _FEATURE_MIN characters tagged ns, ending in a feature character, outside quotes, not the start
    of a longer place (金沙江畔 is still 金沙江; 七星山社区 is the community's)."""
    endings = _feature_endings()
    if not endings:
        return []
    occupied = SpanIndex((h.start, h.end) for h in taken)
    quotes: SpanIndex | None = None
    found: list[PlaceHit] = []
    at = 0
    for match in re.finditer(f"[{endings}]", norm):
        e = match.end()
        left = max(0, e - 6)
        window = norm[left : e + 2]
        word = words.word_at(window, e - 1 - left)
        start = e - len(word)
        if len(word) < _FEATURE_MIN or start < at or not words.is_boundary(window, e - left):
            continue
        if not words.tag(word).startswith("ns") or occupied.overlaps(start, e) or word in _levels():
            continue
        if norm.startswith(level_words_tuple(), e):
            continue
        if quotes is None:
            quotes = SpanIndex(m.span() for m in _QUOTED.finditer(norm))
        if quotes.overlaps(start, e):
            continue
        found.append(PlaceHit(start, e, word, word, "", [], ""))
        at = e
    return found


@lru_cache(maxsize=1)
def level_words_tuple() -> tuple[str, ...]:
    return tuple(level_words())
