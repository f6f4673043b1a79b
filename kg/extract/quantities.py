"""Counts the text gives: 642名委员, 140余次“小微协商”, 参与人数1900余人次, 协商议事点760余个.

    parse_number(text)                 -> int for Arabic (1900, 1.2万) or Chinese (十, 两千, 三百五十) numerals
    find_counts(text, start, spans)    -> Count for every count in ``text`` whose counted thing is known
    may_count(text, start, end)        -> False when ``text[start:end]`` holds no number + measure word

A count is number + measure word (kg/data/quantity_units.tsv). What it counts is, in this order:
an entity mention right after the unit (3次协商议事会), a noun of kg/data/quantity_counted.tsv right
after it (642名委员), an entity mention right before the number (“小微协商”140余次), or a listed noun
ending right before it (参与人数1900余人次). Counts with none of these, counts of one, and rates
(每人每年1个) are skipped: a count nobody can name is noise.

Qualifiers: 余, 多, 以上, 超过, 逾 mean "at least" (at_least=True); 近 and 约 mean "about" and are kept
with at_least=False (the stated figure is the best value we have, but not a lower bound).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from kg.errors import ConfigError
from kg.lexicon import read_table
from kg.model import Quantity
from kg.text import ANY_QUOTES, CN_BIG, CN_DIGITS, CN_UNITS

_CN_DIGITS = CN_DIGITS
_CN_UNITS = CN_UNITS
_CN_BIG = CN_BIG
_CN_NUMERAL = "".join(_CN_DIGITS) + "".join(_CN_UNITS) + "".join(_CN_BIG)
_FULLWIDTH = str.maketrans("０１２３４５６７８９．", "0123456789.")

_QUOTES = ANY_QUOTES
_AFTER_GAP = re.compile(rf"[{_QUOTES}\s]*")
_NOT_COUNTED = "-"
_CLAUSE_END = "，,；;：:。"
_ARABIC = re.compile(rf"(\d+(?:\.\d+)?)([{''.join(CN_BIG)}]?)")


def parse_number(text: str) -> int:
    """The integer value of an Arabic or Chinese numeral; ``1.2万`` -> 12000, ``两千`` -> 2000.

    Raises ValueError for text that is not a numeral.
    """
    s = text.strip().translate(_FULLWIDTH)
    match = _ARABIC.fullmatch(s)
    if match:
        scale = _CN_BIG.get(match.group(2), 1)
        return int(round(float(match.group(1)) * scale))
    if not s or any(ch not in _CN_NUMERAL for ch in s) or s[0] in _LEADING_NOT:
        raise ValueError(f"not a numeral: {text!r}")
    total = section = digit = 0
    for ch in s:
        if ch in _CN_DIGITS:
            digit = _CN_DIGITS[ch]
        elif ch in _CN_UNITS:
            section += (digit or 1) * _CN_UNITS[ch]
            digit = 0
        else:
            section += digit
            total += (section or 1) * _CN_BIG[ch]
            section = digit = 0
    return total + section + digit


@dataclass(frozen=True)
class Count:
    start: int
    """Offset of the number in the text given to find_counts (plus its ``start``)."""
    end: int
    quantity: Quantity


@dataclass(frozen=True)
class _Counted:
    after: dict[str, str]
    before: dict[str, str]
    after_lengths: tuple[int, ...] = ()
    """The lengths of the ``after`` nouns, longest first (the longest noun that fits wins)."""
    before_lengths: tuple[int, ...] = ()


_LEADING_NOT = "".join(CN_UNITS)[1:] + "".join(CN_BIG)
"""Units a numeral does not start with (十 it may: 十五)."""


@lru_cache(maxsize=1)
def _words() -> dict[str, tuple[str, ...]]:
    """kg/data/quantity_words.tsv by kind."""
    kinds: dict[str, list[str]] = {}
    for kind, word in read_table("quantity_words.tsv", 2, 2):
        kinds.setdefault(kind, []).append(word)
    return {k: tuple(v) for k, v in kinds.items()}


@lru_cache(maxsize=1)
def _before_gap() -> re.Pattern[str]:
    return re.compile(rf"[{_QUOTES}\s{''.join(_words()['gap_before'])}]*")


@lru_cache(maxsize=1)
def _units() -> str:
    """The measure words as a regular-expression alternation, longest first."""
    units = sorted({row[0] for row in read_table("quantity_units.tsv", 1, 1)}, key=lambda u: (-len(u), u))
    if not units:
        raise ConfigError("kg/data/quantity_units.tsv: no units listed")
    return "|".join(map(re.escape, units))


@lru_cache(maxsize=1)
def _count_pattern() -> re.Pattern[str]:
    return re.compile(
        rf"(?P<about>{'|'.join(_words()['about'])})?"
        rf"(?P<num>[0-9０-９]+(?:[.．][0-9０-９]+)?[{''.join(CN_BIG)}]?|[{_CN_NUMERAL}]+)"
        rf"(?P<more>{'|'.join(_words()['more'])})?"
        rf"(?P<unit>{_units()})"
        rf"(?P<above>{'|'.join(_words()['above'])})?"
    )


@lru_cache(maxsize=1)
def _count_hint() -> re.Pattern[str]:
    """What every count holds: the last character of its number, then (余|多) and a unit. It starts with
    one of a set of characters, which the regular-expression engine looks for quickly; the count pattern
    (whose first part is optional) is tried at every position instead."""
    return re.compile(rf"[0-9０-９{_CN_NUMERAL}](?:{'|'.join(_words()['more'])})?(?:{_units()})")


@lru_cache(maxsize=1)
def _count_start() -> re.Pattern[str]:
    """A character a count can start with: 近, 约 or a digit."""
    return re.compile(rf"[{''.join(_words()['about'])}0-9０-９{_CN_NUMERAL}]")


def _count_matches(text: str) -> Iterator[re.Match[str]]:
    """The matches of the count pattern, as ``finditer`` gives them, but tried only where a count can start
    (the pattern's optional first part makes the regular-expression engine try every position)."""
    pattern, starts = _count_pattern(), _count_start()
    pos = 0
    while (hit := starts.search(text, pos)) is not None:
        match = pattern.match(text, hit.start())
        if match is None:
            pos = hit.start() + 1
        else:
            yield match
            pos = match.end()


@lru_cache(maxsize=1)
def _counted_nouns() -> _Counted:
    after: dict[str, str] = {}
    before: dict[str, str] = {}
    for noun, label, side in read_table("quantity_counted.tsv", 3, 3):
        if side not in ("after", "before", "both"):
            raise ConfigError(
                f"kg/data/quantity_counted.tsv: noun {noun!r} has side {side!r}; use after, before or both"
            )
        if side in ("after", "both"):
            after[noun] = label
        if side in ("before", "both"):
            before[noun] = label
    return _Counted(after, before, _lengths(after), _lengths(before))


def _lengths(nouns: dict[str, str]) -> tuple[int, ...]:
    return tuple(sorted({len(noun) for noun in nouns}, reverse=True))


def may_count(text: str, start: int = 0, end: int | None = None) -> bool:
    """Whether ``text[start:end]`` holds a number with a measure word (a quick test before find_counts)."""
    return _count_hint().search(text, start, len(text) if end is None else end) is not None


def find_counts(text: str, start: int = 0, spans: list[tuple[int, int, str]] | None = None) -> list[Count]:
    """Counts in ``text`` (which starts at offset ``start`` of the document).

    ``spans`` are entity mentions as (start, end, canonical name) in document offsets; a count is not
    looked for inside a mention (一个联络组、一名副主席挂点 is a mechanism's name, not a count). A span
    with an empty name is no countable thing (a body, a place): it only blocks.
    """
    spans = sorted(spans or [])
    nouns = _counted_nouns()
    counts: list[Count] = []
    for match in _count_matches(text):
        try:
            value = parse_number(match.group("num"))
        except ValueError:
            continue
        if value < 2:
            continue
        begin, finish = start + match.start(), start + match.end()
        if any(s < finish and begin < e for s, e, _ in spans):
            continue
        rate = _words()["rate"][0]
        if text.find(rate, 0, match.start()) >= 0:  # a rate (每人每年1个) when in the same clause
            clause = max(text.rfind(mark, 0, match.start()) for mark in _CLAUSE_END) + 1
            if text.find(rate, clause, match.start()) >= 0:
                continue
        counted = _counted_after(text, match.end(), start, spans, nouns) or _counted_before(
            text, match.start(), start, spans, nouns
        )
        if counted is None:
            continue
        at_least = bool(match.group("more") or match.group("above")) or text.endswith(
            _words()["at_least_before"], 0, match.start()
        )
        counts.append(Count(begin, finish, Quantity(value, counted, match.group("unit"), at_least)))
    return counts


def _counted_after(
    text: str, pos: int, start: int, spans: list[tuple[int, int, str]], nouns: _Counted
) -> str | None:
    pos += _AFTER_GAP.match(text, pos).end() - pos  # type: ignore[union-attr]
    noun = _longest_at(nouns.after, nouns.after_lengths, text, pos)
    for s, e, name in spans:
        if s == start + pos:
            # 286名县政协委员: the listed noun is longer than the mention inside it
            if noun is not None and len(noun[0]) > e - s:
                return None if noun[1] == _NOT_COUNTED else noun[1]
            return name or None
    return None if noun is None or noun[1] == _NOT_COUNTED else noun[1]


def _counted_before(
    text: str, pos: int, start: int, spans: list[tuple[int, int, str]], nouns: _Counted
) -> str | None:
    for _, e, name in reversed(spans):
        if start <= e <= start + pos and _before_gap().fullmatch(text, e - start, pos):
            return name or None
    noun = _longest_before(nouns.before, nouns.before_lengths, text, pos)
    return None if noun is None or noun[1] == _NOT_COUNTED else noun[1]


def _longest_at(table: dict[str, str], lengths: tuple[int, ...], text: str, pos: int) -> tuple[str, str] | None:
    """The longest noun of ``table`` written at ``pos``, with its label (at one place at most one noun of
    each length fits, so the lengths are tried longest first)."""
    for length in lengths:
        label = table.get(text[pos : pos + length])
        if label is not None:
            return text[pos : pos + length], label
    return None


def _longest_before(table: dict[str, str], lengths: tuple[int, ...], text: str, pos: int) -> tuple[str, str] | None:
    """The longest noun of ``table`` that ends right before ``pos``, with its label."""
    for length in lengths:
        if length <= pos:
            label = table.get(text[pos - length : pos])
            if label is not None:
                return text[pos - length : pos], label
    return None

