"""Regular expressions that skip, in C, the positions where no match can start.

    gated(pattern, flags=0) -> re.Pattern   the same matches as re.compile(pattern, flags), searched faster
    first_class(pattern)    -> str | None   a character class body holding every first character of a match
    after_marks(pattern, marks, text)       pattern.finditer(text) for matches that start only at a line
                                            start or after a mark: tried at those points alone
    required_words(pattern) -> tuple[str, ...]  words one of which every match holds (() when none can be told)

Python's re finds the matches of an expression such as ``(?:第?{N}届)?第{N}次(?:会议|全会)`` by trying the
whole expression at every position of the text: the optional parts at its start keep the engine from
knowing which characters a match can start with, so a long document costs a full attempt per character.
``gated`` puts a lookahead for those first characters in front, ``(?=[第一二…\\d])(?:…)``: a position that
cannot start a match fails on one character test. The lookahead consumes nothing and adds no group, so
the matches, their groups and finditer's order are the same (tests/test_rxgate.py compares both on
random and real texts).

An expression is left as compiled when the engine already has a fast path for it (it starts with a
literal character, a character class or an anchor such as ``^``), or when its first characters cannot be
told (it can match the empty string, starts with ``.``, a negated class, a back reference, or is
case-insensitive).
"""

from __future__ import annotations

import re
from functools import lru_cache
from re import _constants as C  # type: ignore[attr-defined]
from re import _parser as P  # type: ignore[attr-defined]
from typing import Any

_CATEGORIES = {
    C.CATEGORY_DIGIT: r"\d",
    C.CATEGORY_NOT_DIGIT: r"\D",
    C.CATEGORY_SPACE: r"\s",
    C.CATEGORY_NOT_SPACE: r"\S",
    C.CATEGORY_WORD: r"\w",
    C.CATEGORY_NOT_WORD: r"\W",
}
_REPEATS = (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT)
_ZERO_WIDTH = (C.AT, C.ASSERT, C.ASSERT_NOT)


class _Unknown(Exception):
    """The first characters of an expression cannot be told."""


def gated(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """``re.compile(pattern, flags)``, with a lookahead for the characters a match can start with when the
    engine has no fast path of its own for it (see the module docstring)."""
    compiled = re.compile(pattern, flags)
    if _has_fast_start(P.parse(pattern, flags)):
        return compiled
    first = first_class(pattern, flags)
    if first is None:
        return compiled
    return re.compile(f"(?=[{first}])(?:{pattern})", flags)


def first_class(pattern: str, flags: int = 0) -> str | None:
    """The body of a character class (what goes between [ and ]) that holds the first character of every
    match of ``pattern``; None when that cannot be told."""
    parsed = P.parse(pattern, flags)
    try:
        items, empty = _first(parsed, parsed.state.flags)
    except _Unknown:
        return None
    if empty or not items:
        return None
    return "".join(dict.fromkeys(items))


def _has_fast_start(parsed: Any) -> bool:
    """Does the engine skip impossible starts itself: a literal, a class, an anchor first, or alternatives
    that each start with a literal (re._compiler's prefix and charset)?"""
    data = parsed.data
    while data and data[0][0] is C.SUBPATTERN:
        data = data[0][1][3].data
    if not data:
        return False
    op, av = data[0]
    if op is C.BRANCH:
        return all(alternative.data and alternative.data[0][0] is C.LITERAL for alternative in av[1])
    return op in (C.LITERAL, C.IN, C.AT)


def _first(sequence: Any, flags: int) -> tuple[list[str], bool]:
    """(class items for the first characters of a match of ``sequence``, can it match the empty string)."""
    items: list[str] = []
    for op, av in sequence:
        found, empty = _first_of(op, av, flags)
        items += found
        if not empty:
            return items, False
    return items, True


def _first_of(op: Any, av: Any, flags: int) -> tuple[list[str], bool]:
    if op is C.LITERAL or op is C.IN:
        if flags & re.IGNORECASE:
            raise _Unknown
        return ([_escaped(av)] if op is C.LITERAL else [_class_item(o, a) for o, a in av]), False
    if op is C.BRANCH:
        items: list[str] = []
        empty = False
        for alternative in av[1]:
            found, can_be_empty = _first(alternative, flags)
            items += found
            empty = empty or can_be_empty
        return items, empty
    if op is C.SUBPATTERN:
        _, add, remove, sub = av
        return _first(sub, (flags | add) & ~remove)
    if op in _REPEATS:
        low, high, sub = av
        if high == 0:
            return [], True
        found, empty = _first(sub, flags)
        return found, empty or low == 0
    if op is C.ATOMIC_GROUP:
        return _first(av, flags)
    if op in _ZERO_WIDTH:  # consumes nothing: the first character is the next element's
        return [], True
    raise _Unknown  # ANY, NOT_LITERAL, GROUPREF, GROUPREF_EXISTS, …


def _class_item(op: Any, av: Any) -> str:
    if op is C.LITERAL:
        return _escaped(av)
    if op is C.RANGE:
        return f"{_escaped(av[0])}-{_escaped(av[1])}"
    if op is C.CATEGORY and av in _CATEGORIES:
        return _CATEGORIES[av]
    raise _Unknown  # NEGATE, a case-insensitive range, …


def _escaped(code: int) -> str:
    char = chr(code)
    return "\\" + char if char in "\\]^-[" else re.escape(char)


def required_words(pattern: str, flags: int = 0) -> tuple[str, ...]:
    """Words one of which every match of ``pattern`` holds, in sorted order; () when none can be told. A
    text holding none of them has no match, which ``any(w in text for w in words)`` tells at a fraction of
    the cost of a search that has no fast path (see the module docstring). Of the parts a match must have,
    in order, the runs of literal characters, an alternation each of whose branches has words, a repeat
    at least once, a class of a few characters: the set whose shortest word is longest (then the
    smallest set)."""
    parsed = P.parse(pattern, flags)
    if parsed.state.flags & re.IGNORECASE:
        return ()
    found = _required(parsed)
    if not found:
        return ()
    # a word holding another of the set adds nothing: a text holding it holds the shorter one
    return tuple(sorted(w for w in found if not any(v != w and v in w for v in found)))


def _better(a: set[str] | None, b: set[str] | None) -> set[str] | None:
    if a is None or b is None:
        return a if b is None else b
    return a if (min(map(len, a)), -len(a)) >= (min(map(len, b)), -len(b)) else b


def _required(sequence: Any) -> set[str] | None:
    best: set[str] | None = None
    run: list[str] = []
    for op, av in sequence:
        if op is C.LITERAL:
            run.append(chr(av))
            continue
        if run:
            best = _better(best, {"".join(run)})
            run = []
        best = _better(best, _required_of(op, av))
    if run:
        best = _better(best, {"".join(run)})
    return best


_FEW = 8
"""A character class of at most this many characters (and nothing else) gives them as words."""


def _required_of(op: Any, av: Any) -> set[str] | None:
    if op is C.SUBPATTERN:
        _, add, _, sub = av
        return None if add & re.IGNORECASE else _required(sub)
    if op is C.ATOMIC_GROUP:
        return _required(av)
    if op is C.BRANCH:
        words: set[str] = set()
        for alternative in av[1]:
            found = _required(alternative)
            if found is None:
                return None
            words |= found
        return words
    if op in _REPEATS:
        low, _, sub = av
        return _required(sub) if low >= 1 else None
    if op is C.IN and len(av) <= _FEW and all(o is C.LITERAL for o, _ in av):
        return {chr(a) for _, a in av}
    return None  # a lookaround, ANY, a range or category, a back reference: no word of its own


@lru_cache(maxsize=4)
def _marks(body: str) -> re.Pattern[str]:
    return re.compile(f"[{body}]")


def after_marks(pattern: re.Pattern[str], marks: str, text: str) -> list[re.Match[str]]:
    """``pattern.finditer(text)`` for a MULTILINE pattern whose matches start only where ``^`` or a lookbehind
    for the character class ``marks`` (holding a line break) holds: ``match`` is tried at those points
    alone, in order, from the end of the last match (``^`` and the lookbehind still see the characters
    before the point). finditer tries every character, and each failed try costs about as much as a
    search for the marks: by-lines, datelines and lines of names cost a fraction of what they did."""
    found: list[re.Match[str]] = []
    resume = 0
    points = [0]
    points.extend(m.end() for m in _marks(marks).finditer(text))
    for point in points:
        if point < resume:
            continue
        match = pattern.match(text, point)
        if match is not None:
            found.append(match)
            resume = max(match.end(), point + 1)
    return found
