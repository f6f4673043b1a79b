"""What a document says about itself: title, date and publication, read from its kept text."""

from __future__ import annotations

import re
from functools import cache

from kg.ingest import markers
from kg.ingest.dates import DATE, date_only, find_times, full_date, parse_date
from kg.ingest.lines import Line, first_lines, is_prose, last_lines
from kg.lexicon import read_table

TOP_LINES = 8
"""Dated lines and publication lines count only within this many non-blank lines of the top."""
BYLINE_LINES = 3
"""Bylines naming a publication (（湖州日报记者 潘悦）) count only within this many lines of the end."""
_WINDOW = 4000
"""Only this many characters at each end of a text are searched for its title, date and publication."""
DATELINE_LENGTH = 80
"""A line this short (whitespace aside) that is not a sentence may be a dateline (2021-06-23 17:05 来源：…)."""
LEAD_REACH = 30
"""A full date within this many characters of the start of the first paragraph dates the document
(本报讯 2024年5月16日，…; 新华社北京2024年3月13日电)."""
_HEADING = re.compile(r"#(?!#)\s*(?P<title>\S.*)")


@cache
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    found = markers.structure()
    suffix = "|".join(re.escape(s) for s in sorted(found["publication_suffix"], key=len, reverse=True))
    role = "|".join(re.escape(s) for s in sorted(found["byline_role"], key=len, reverse=True))
    name = rf"(?P<publication>[^\s,，、:：（）()]{{1,20}}?(?:{suffix}))"
    dated = re.compile(rf"[（(]\s*{name}\s*[,，、\s]\s*(?P<date>{DATE.pattern})\s*[）)]")
    byline = re.compile(rf"[（(]\s*{name}(?:{role}|\s|[,，、）)])")
    return dated, byline


def title(text: str) -> str:
    """A Markdown level-1 heading, else the first non-blank line."""
    if "#" not in text:  # no heading: most texts (saves a pattern test on every line)
        return next((stripped for line in text.split("\n") if (stripped := line.strip())), "")
    first = ""
    for line in text.split("\n"):
        heading = _HEADING.fullmatch(line.strip())
        if heading:
            return heading["title"].strip()
        if not first and line.strip():
            first = line.strip()
    return first


def dated_publication(norm: str, lines: list[Line]) -> tuple[str | None, str | None]:
    """(publication, date) from a line such as (四川政协报,2021年6月2日) among ``lines``."""
    dated, _ = _patterns()
    for line in lines:
        match = dated.fullmatch(norm[line.start : line.end].strip())
        if match:
            return match["publication"], parse_date(match["date"])
    return None, None


def top_date(norm: str, lines: list[Line]) -> str | None:
    """A line among ``lines`` that is only a date: （2023年12月）."""
    for line in lines:
        iso = date_only(norm[line.start : line.end])
        if iso:
            return iso
    return None


def dateline_date(norm: str, lines: list[Line]) -> str | None:
    """The full date (year, month, day) of the first short line among ``lines`` that is not a sentence: a
    page's publishing line (2021-06-23 17:05 来源：…), a paper's page header (2023年5月14日 星期日 …报 A05),
    a speech's date line (——2025年1月8日在…会议上), a byline or source line with a date (（…报 2024年5月16日 记者 …）)."""
    for line in lines:
        if len(line.key) > DATELINE_LENGTH or line.key.endswith(("。", "！", "？", "!", "?")):
            continue
        iso = full_date(norm[line.start : line.end])
        if iso:
            return iso
    return None


def lead_date(norm: str, lines: list[Line]) -> str | None:
    """The full date that opens the first paragraph among ``lines`` (本报讯 2024年5月16日，…), as a point in time."""
    for line in lines:
        if not is_prose(line):
            continue
        for expr in find_times(norm[line.start : line.start + LEAD_REACH]):
            if expr.explicit and expr.day is not None and expr.role == "point":
                return full_date(norm[line.start + expr.start : line.start + expr.end])
            break
        return None
    return None


def byline_publication(norm: str, lines: list[Line]) -> str | None:
    _, byline = _patterns()
    for line in lines:
        match = byline.match(norm[line.start : line.end].strip())
        if match and match["publication"] not in self_references():
            return match["publication"]
    return None


@cache
def self_references() -> frozenset[str]:
    """Words a paper calls itself by (本报, 本刊): no outlet's name (kg/data/publication_words.tsv, kind self)."""
    return frozenset(word for kind, word in read_table("publication_words.tsv", 2, 2) if kind == "self")


def describe(text: str, norm: str) -> tuple[str, str | None, str | None]:
    """(title, publication, date) of a single document's kept text."""
    head, tail = norm[:_WINDOW], norm[-_WINDOW:]
    top = first_lines(head, TOP_LINES)
    bottom = last_lines(tail, BYLINE_LINES)
    publication, date = dated_publication(head, top)
    date = date or top_date(head, top) or dateline_date(head, top) or lead_date(head, top) or dateline_date(tail, bottom)
    publication = publication or byline_publication(tail, bottom)
    return title(text[:_WINDOW]), publication, date
