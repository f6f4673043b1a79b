"""Dates written in the text, in any common form, and what they mean against a document's own date.

    find_times(text)               -> every time expression in ``text`` (TimeExpr), in order
    resolve(expr, anchor, context) -> (start, end) ISO strings, or None when the text does not fix the date
    parse_date(text)               -> the first date with a year in ``text`` (ISO), or None
    date_only(text)                -> the ISO date when ``text`` is nothing but a date (brackets aside)
    full_date(text)                -> the first date with year, month and day in ``text`` (ISO), or None

Forms: 2024年5月16日, 2024年05月, 2024年, 2024-05-16, 2024/5/16, 2024.05.16 (a clock time after it is
ignored), Chinese numerals (二〇二一年三月十五日), month-day without a year (5月16日), a bare day (16日),
ranges (6月8日至9日, 2023年5月至7月), and words relative to the document's date from
kg/data/time_words.tsv: 昨日, 今天, 昨（十三）日, 今年5月, 去年, 上月; 日前 and 近日 are found but never
give a date. Full-width digits count as digits.

ISO strings carry their precision: ``yyyy-mm-dd`` for a day, ``yyyy-mm`` for a month (ISO 8601 year-month),
``yyyy`` for a year. They sort as text in time order, and a year's dates all start with the year.

An expression's ``role`` says whether it is a point in time ("point") or bounds a period: "since"
(2021年以来, 5月1日起), "after" (5月8日后), "before" (6月底前), "until" (截至11月底, 到2025年).
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from functools import cache

from kg.errors import ConfigError
from kg.lexicon import DATA_DIR, rows

DATE = re.compile(
    r"(?P<year>(?:19|20)\d\d)\s*(?:年|[-/.])\s*(?P<month>\d{1,2})"
    r"(?:\s*月(?:\s*(?P<day>\d{1,2})\s*日?(?!\d))?|[-/.](?P<day2>\d{1,2})(?!\d)|(?!\d))"
)
"""A year and month, with the day when given, in Arabic digits (kept for kg.ingest.meta's line patterns)."""

TIME_WORD_KINDS = frozenset(
    {"day", "month", "year", "vague", "since", "after", "before", "until", "not_date", "plain", "held", "former", "then"}
)
_RELATIVE_KINDS = ("day", "month", "year")
DATE_ONLY_LENGTH = 40
"""More characters than any date written alone (二〇二三年十二月三十一日 is 12, with spaces and a weekday
about 25): a longer line is not only a date."""

_CN_DIGIT = {"〇": 0, "○": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_FULLWIDTH = str.maketrans("０１２３４５６７８９", "0123456789")
_FULLWIDTH_DIGIT = re.compile("[０-９]")
"""A search for one is much cheaper than ``str.translate`` over a text that holds none (most sentences)."""
_Y = r"(?:19|20)\d\d|[一二][〇○零一二三四五六七八九]{3}"
_M = r"1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九]|元"
_D = r"3[01]|[12]\d|0?[1-9]|[一二三]?十[一二三四五六七八九]?|[一二三四五六七八九]"
_CONNECTOR = re.compile(r"\s*[至到~～—－-]{1,2}\s*")
_SPACE = re.compile(r"[\s\u3000]*")
_MONTH_PART = re.compile(r"[上中下]旬|初|中|底|末")


@dataclass(frozen=True)
class TimeExpr:
    """A time expression at ``text[start:end]``: the parts it writes (None where it leaves them out) or a
    ``relative`` word (day/month/year with ``offset``, or "vague"), and its ``role`` in the sentence.
    A range (6月8日至9日) has its second date's parts in ``until``."""

    start: int
    end: int
    year: int | None = None
    month: int | None = None
    day: int | None = None
    relative: str | None = None
    offset: int = 0
    role: str = "point"
    until: tuple[int | None, int | None, int | None] | None = None

    @property
    def explicit(self) -> bool:
        """True when the text writes the year itself (no relative word, nothing left to context)."""
        return self.relative is None and self.year is not None


@cache
def time_words() -> dict[str, dict[str, int]]:
    """kind -> {word: value} from kg/data/time_words.tsv."""
    path = DATA_DIR / "time_words.tsv"
    found: dict[str, dict[str, int]] = {kind: {} for kind in sorted(TIME_WORD_KINDS)}
    for cols, number in rows(path, 2, 3):
        kind, word = cols[0], cols[1]
        if kind not in TIME_WORD_KINDS:
            raise ConfigError(f"{path}, line {number}: unknown kind {kind!r} (expected one of {', '.join(sorted(TIME_WORD_KINDS))})")
        value = 0
        if kind in _RELATIVE_KINDS:
            try:
                value = int(cols[2]) if len(cols) > 2 else 0
            except ValueError:
                raise ConfigError(f"{path}, line {number}: the offset {cols[2]!r} is not an integer") from None
        found[kind][word] = value
    return found


def _alternation(words: object) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))  # type: ignore[call-overload]


@cache
def _patterns() -> list[tuple[str, str, re.Pattern[str]]]:
    """(kind, characters one of which every match writes, or "" when there are none such, pattern)."""
    words = time_words()
    relative = _alternation({**words["day"], **words["month"], **words["year"]})
    vague = _alternation(words["vague"])
    return [
        ("ymd", "年", re.compile(rf"(?<![\d])(?P<y>{_Y})\s*年\s*(?:(?P<m>{_M})\s*月(?:\s*(?P<d>{_D})\s*[日号])?)?(?!代)")),
        ("ymd", "-/.", re.compile(r"(?<![\dA-Za-z.])(?P<y>(?:19|20)\d\d)(?P<sep>[-/.])(?P<m>1[0-2]|0?[1-9])(?:(?P=sep)(?P<d>3[01]|[12]\d|0?[1-9])|(?<=-\d\d)(?![-号]))(?![\d.])")),
        ("ymd", "/", re.compile(r"(?<![\dA-Za-z])(?P<y>(?:19|20)\d\d)\s+(?P<m>1[0-2]|0[1-9])\s*/\s*(?P<d>3[01]|[12]\d|0[1-9])(?!\d)")),
        ("md", "月", re.compile(rf"(?<![\d年第每])(?P<m>{_M})\s*月\s*(?P<d>{_D})\s*[日号]")),
        ("m", "月", re.compile(r"(?<![\d年第每])(?P<m>1[0-2]|[1-9])\s*月(?!\d)(?![日号])")),
        ("d", "日", re.compile(r"(?<![\d年月第每近连续数前后约共])(?P<d>3[01]|[12]\d|[1-9])\s*日")),
        ("rel", "日", re.compile(rf"(?P<rel>[昨今前明])[（(]\s*(?P<d>{_D})\s*[)）]\s*日")),
        ("rel", "", re.compile(rf"(?P<word>{relative})(?:\s*(?P<m>{_M})\s*月(?:\s*(?P<d>{_D})\s*[日号])?|\s*(?P<d2>{_D})\s*[日号])?")),
        ("vague", "", re.compile(vague)),
    ]


def _number(text: str | None) -> int | None:
    if text is None:
        return None
    text = text.strip()
    if text == "元":
        return 1
    if text.isdigit():
        return int(text)
    if len(text) == 4:  # a year written digit by digit: 二〇二一
        return int("".join(str(_CN_DIGIT[c]) for c in text))
    tens, _, units = text.partition("十")
    if "十" not in text:
        return _CN_DIGIT[text]
    return (_CN_DIGIT[tens] if tens else 1) * 10 + (_CN_DIGIT[units] if units else 0)


def _make(kind: str, match: re.Match[str]) -> TimeExpr:
    groups = match.groupdict()
    start, end = match.span()
    if kind == "vague":
        return TimeExpr(start, end, relative="vague")
    if kind == "rel" and groups.get("rel"):
        offset = {"昨": -1, "前": -2, "今": 0, "明": 1}[groups["rel"]]
        return TimeExpr(start, end, day=_number(groups["d"]), relative="day", offset=offset)
    if kind == "rel":
        word = groups["word"]
        words = time_words()
        relative = next(k for k in _RELATIVE_KINDS if word in words[k])
        day = _number(groups.get("d") or groups.get("d2"))
        return TimeExpr(start, end, month=_number(groups.get("m")), day=day, relative=relative, offset=words[relative][word])
    return TimeExpr(start, end, year=_number(groups.get("y")), month=_number(groups.get("m")), day=_number(groups.get("d")))


def find_times(text: str) -> list[TimeExpr]:
    """Every time expression in ``text``, in order, longest first where they overlap; ranges joined."""
    if _FULLWIDTH_DIGIT.search(text) is not None:
        text = text.translate(_FULLWIDTH)
    candidates: list[TimeExpr] = []
    for kind, written, pattern in _patterns():
        if written and not _holds_any(text, written):
            continue  # a text without 年 holds no 2024年: the test costs far less than the search
        for match in pattern.finditer(text):
            if match.end() > match.start():
                candidates.append(_make(kind, match))
    candidates.sort(key=lambda e: (e.start, -(e.end - e.start)))
    chosen: list[TimeExpr] = []
    for expr in candidates:
        if chosen and expr.start < chosen[-1].end:
            continue
        if expr.relative is None and expr.year is None and expr.month is None and _not_a_day(text, expr.end):
            continue
        chosen.append(expr)
    return [_with_role(text, e) for e in _join_ranges(text, chosen)]


def _holds_any(text: str, chars: str) -> bool:
    for c in chars:
        if c in text:
            return True
    return False


def _not_a_day(text: str, end: int) -> bool:
    return text.startswith(tuple(time_words()["not_date"]), end)


def _join_ranges(text: str, exprs: list[TimeExpr]) -> list[TimeExpr]:
    joined: list[TimeExpr] = []
    for expr in exprs:
        previous = joined[-1] if joined else None
        if (
            previous is not None
            and previous.until is None
            and previous.relative in (None, "year", "month")
            and expr.relative is None
            and _CONNECTOR.fullmatch(text, previous.end, expr.start)
            and _finer_or_equal(expr, previous)
        ):
            joined[-1] = TimeExpr(
                previous.start, expr.end, previous.year, previous.month, previous.day, previous.relative,
                previous.offset, until=(expr.year, expr.month, expr.day),
            )
            continue
        joined.append(expr)
    return joined


def _finer_or_equal(second: TimeExpr, first: TimeExpr) -> bool:
    """A range's second date writes no larger part than the first has (6月8日至9日, 5月至7月, not 5日至2023年)."""
    if first.day is not None:
        return second.day is not None
    if first.month is not None:
        return second.month is not None and second.day is None
    return second.year is not None and second.month is None


def _with_role(text: str, expr: TimeExpr) -> TimeExpr:
    words = time_words()
    after_start = expr.end + len(_SPACE.match(text, expr.end).group())  # type: ignore[union-attr]
    part = _MONTH_PART.match(text, after_start)
    if part and expr.day is None and expr.month is not None:
        after_start = part.end()
    after = text[after_start : after_start + 4]
    role = "point"
    if not after.startswith(tuple(words["plain"])):
        for kind in ("since", "after", "before"):
            if after.startswith(tuple(words[kind])):
                role = kind
                break
    before = text[max(0, expr.start - 3) : expr.start].rstrip()
    if role == "point" and before.endswith(tuple(words["until"])):
        role = "until"
    if role == expr.role:
        return expr
    return TimeExpr(expr.start, expr.end, expr.year, expr.month, expr.day, expr.relative, expr.offset, role, expr.until)


# ---------------------------------------------------------------------------- meaning


@dataclass(frozen=True)
class _Partial:
    year: int
    month: int | None = None
    day: int | None = None

    @classmethod
    def parse(cls, iso: str | None) -> _Partial | None:
        if not iso:
            return None
        parts = [int(p) for p in iso.split("-")]
        return cls(parts[0], *(parts[1:3]))

    def iso(self) -> str | None:
        try:
            if self.month is None:
                datetime.date(self.year, 1, 1)
                return f"{self.year:04d}"
            if self.day is None:
                datetime.date(self.year, self.month, 1)
                return f"{self.year:04d}-{self.month:02d}"
            return datetime.date(self.year, self.month, self.day).isoformat()
        except ValueError:
            return None


def resolve(expr: TimeExpr, anchor: str | None = None, context: str | None = None) -> tuple[str, str | None] | None:
    """(start, end) of ``expr`` as ISO strings (end None unless a range), or None when the text does not fix it.

    ``anchor`` is the document's date (ISO, any precision): relative words and dates without a year are
    read against it; a month-day more than six months after it is taken from the year before. ``context``
    is a date written nearby (ISO): a month or day written without year or month takes them from it first.
    Exact only when it can be: 昨日 needs an anchor with a day, 近日 never gives a date.
    """
    start = _resolve_start(expr, _Partial.parse(anchor), _Partial.parse(context))
    if start is None:
        return None
    first = start.iso()
    if first is None:
        return None
    if expr.until is None:
        return first, None
    year, month, day = expr.until
    end = _Partial(year or start.year, month or (start.month if day is not None else None), day)
    last = end.iso()
    return (first, last) if last is not None and last >= first else (first, None)


def _resolve_start(expr: TimeExpr, anchor: _Partial | None, context: _Partial | None) -> _Partial | None:
    if expr.relative == "vague":
        return None
    if expr.relative == "year":
        if anchor is None:
            return None
        return _Partial(anchor.year + expr.offset, expr.month, expr.day if expr.month else None)
    if expr.relative == "month":
        if anchor is None or anchor.month is None:
            return None
        months = anchor.year * 12 + anchor.month - 1 + expr.offset
        return _Partial(months // 12, months % 12 + 1, expr.day)
    if expr.relative == "day":
        if anchor is None or anchor.month is None or anchor.day is None:
            return None
        base = datetime.date(anchor.year, anchor.month, anchor.day)
        if expr.day is not None:  # 昨（十三）日: the day is written, the month is the anchor's
            return _day_in_month(expr.day, anchor)
        moved = base + datetime.timedelta(days=expr.offset)
        return _Partial(moved.year, moved.month, moved.day)
    if expr.year is not None:
        return _Partial(expr.year, expr.month, expr.day)
    if expr.month is not None:
        if context is not None:
            return _Partial(context.year, expr.month, expr.day)
        if anchor is None:
            return None
        year = anchor.year - 1 if anchor.month is not None and expr.month - anchor.month > 6 else anchor.year
        return _Partial(year, expr.month, expr.day)
    if expr.day is not None:
        if context is not None and context.month is not None:
            return _Partial(context.year, context.month, expr.day)
        if anchor is None or anchor.month is None:
            return None
        return _day_in_month(expr.day, anchor)
    return None


def _day_in_month(day: int, anchor: _Partial) -> _Partial:
    """A day written alone, in the anchor's month, or the month before when it is well past the anchor's day."""
    if anchor.month is not None and anchor.day is not None and day - anchor.day > 7:
        if anchor.month == 1:
            return _Partial(anchor.year - 1, 12, day)
        return _Partial(anchor.year, anchor.month - 1, day)
    return _Partial(anchor.year, anchor.month, day)


# ---------------------------------------------------------------------------- shortcuts


def parse_date(text: str) -> str | None:
    """The first valid date in ``text`` that writes its year and month, as an ISO string, or None."""
    for expr in find_times(text):
        if expr.explicit and expr.month is not None:
            found = _Partial(expr.year or 0, expr.month, expr.day).iso()
            if found:
                return found
    return None


def full_date(text: str) -> str | None:
    """The first valid date in ``text`` with year, month and day all written, as ``yyyy-mm-dd``, or None."""
    for expr in find_times(text):
        if expr.explicit and expr.day is not None:
            found = _Partial(expr.year or 0, expr.month, expr.day).iso()
            if found:
                return found
    return None


def date_only(text: str) -> str | None:
    """The ISO date when ``text`` (brackets and whitespace aside) is nothing but a date with year and month."""
    stripped = text.strip().strip("（）()[]【】 \u3000")
    if len(stripped) > DATE_ONLY_LENGTH:
        return None  # a line of running text: no need to find every time expression in it
    found = find_times(stripped)
    if len(found) != 1 or (found[0].start, found[0].end) != (0, len(stripped.translate(_FULLWIDTH))):
        return None
    expr = found[0]
    if not expr.explicit or expr.month is None or expr.until is not None:
        return None
    return _Partial(expr.year or 0, expr.month, expr.day).iso()
