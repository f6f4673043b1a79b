"""Drop website debris around an article: navigation bars, breadcrumbs, publishing-metadata lines,
font/print widgets, previous/next links, link lists (您可能感兴趣的文稿, 阅读排行 …) and footers.

Markers are data (kg/data/boilerplate.tsv); matching uses the simplified form of each line. Debris lines
inside the kept article are blanked with spaces (line breaks kept) rather than cut, so offsets into the
kept text plus ``offset`` are offsets into the decoded file; debris before and after the article is cut.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from itertools import islice

from kg.errors import InputError
from kg.ingest import markers
from kg.ingest.dates import full_date, parse_date
from kg.ingest.lines import Line, is_list_item, is_prose, split_lines

HEADER_LINES = 12
"""Nav bars and breadcrumbs close the page header only within this many non-blank lines of the top
(and before the first line of running text)."""
METADATA_LENGTH = 120
"""Metadata and widget lines are at most this long (whitespace aside); longer lines are text."""
_SEPARATORS = "|｜│¦>›»"
_NAV_SEPARATORS = re.compile(f"[{_SEPARATORS}]")
_NAV_ITEM = 10
_NAV_START = re.compile(f"[^{_SEPARATORS}]{{0,{_NAV_ITEM}}}[{_SEPARATORS}]")
"""What a menu starts with: its first item (at most _NAV_ITEM characters) or a separator; a quick test before
_is_nav splits the line (a line of running text fails it within a few characters)."""
_WIDGETS = re.compile(r"(?:[【\[][^】\]]{1,12}[】\]])+")
_SOURCE_TEXT = r"[:：]\s*(?P<source>[^\s|｜]+)"


@dataclass(frozen=True)
class Cleaned:
    text: str
    """The article in the original script, debris removed (inner debris blanked with spaces)."""
    norm: str
    offset: int
    """Where ``text`` starts in the decoded file."""
    date: str | None
    """From a publishing-metadata line (发布时间 …), ISO."""
    publication: str | None
    """From a 来源 line or the site name in the page header, when it names a publication (simplified)."""
    source_org: str | None = None
    """The organisation a 来源/供稿/发布单位 line names, else a body written alone as the site name in the
    page header (simplified). Where both are given, the one the article does not write itself is kept."""
    page: str = ""
    """The debris lines that say something about the article or its site, in simplified characters, one per
    line: publishing-metadata and credit lines, link lists, previous/next links and footers (menus and
    breadcrumbs left out). Extraction reads entities from them that the page names outside the article."""


def strip_debris(text: str, norm: str, source: str) -> Cleaned:
    lines = split_lines(norm)
    drop, date, publication, organisations, menus = _classify(lines, norm)
    top = next((line for line in lines if line.key and not drop[line.number]), None)
    if top is None:
        raise InputError(source, "no article text is left after removing website debris (menus, footers, link lists)")
    bottom = next(line for line in reversed(lines) if line.key and not drop[line.number])
    first, last = top.start, bottom.end
    dropped = [line for line in lines if drop[line.number]]
    inside = [line for line in dropped if top.number < line.number < bottom.number]
    cleaned_norm = _blank(norm, inside, first, last)
    fresh = [name for name in organisations if name not in cleaned_norm]
    return Cleaned(
        text=_blank(text, inside, first, last),
        norm=cleaned_norm,
        offset=first,
        date=date,
        publication=publication,
        source_org=next(iter(fresh or organisations), None),
        page="\n".join(
            norm[line.start : line.end].strip()
            for line in dropped
            if line.key and line.number not in menus and not _spaced_menu(norm[line.start : line.end])
        ),
    )


@cache
def _set_of(markers: tuple[str, ...]) -> frozenset[str]:
    return frozenset(markers)


@cache
def _source_pattern() -> re.Pattern[str]:
    labels = "|".join(re.escape(m) for m in sorted(markers.structure()["source_label"], key=len, reverse=True))
    return re.compile(rf"(?:{labels}){_SOURCE_TEXT}")


def _organisation(name: str) -> bool:
    """True for a name that ends like an organisation (县政协办公室, 乐山市政协), not 本站 or 原创."""
    return len(name) >= 3 and name.endswith(markers.structure()["organisation_suffix"])


def _classify(lines: list[Line], norm: str) -> tuple[list[bool], str | None, str | None, list[str], set[int]]:
    """Which lines are debris, and what the debris says: (drop, date, publication, organisations named
    as source: the 来源 organisation first, then a body standing alone as the site name, the indices of
    menu and breadcrumb lines)."""
    found = markers.boilerplate()
    suffixes = markers.structure()["publication_suffix"]
    footer, breadcrumb, contains = (markers.boilerplate_pattern(kind) for kind in ("footer", "breadcrumb", "contains"))
    drop = [False] * len(lines)
    menus: set[int] = set()
    headline: int | None = None
    date: str | None = None
    publication: str | None = None
    source: str | None = None
    site_body: str | None = None
    # footers and bare menus count only after the last line of running text (so a 主办单位 or a table row
    # inside the article is kept), menus also before the first; the page header ends at its last menu
    def running(line: Line) -> bool:
        return bool(line.key) and is_prose(line) and not footer.search(line.key)

    first_prose = next((line.number for line in lines if running(line)), len(lines))
    last_prose = next((line.number for line in reversed(lines) if running(line)), -1)
    lists = _set_of(found["list"])
    header_end = -1
    non_blank = 0
    in_list = False  # inside a link list (您可能感兴趣的文稿 …) or the footer: drop until running text
    for line in lines:
        key = line.key
        if not key:
            continue
        non_blank += 1
        in_header = non_blank <= HEADER_LINES and line.number < first_prose
        at_edge = in_header or line.number > last_prose
        if key.rstrip(":：") in lists or (
            line.number > last_prose and len(key) <= METADATA_LENGTH and footer.search(key)
        ):
            drop[line.number], in_list = True, True
            continue
        if in_list and (not is_prose(line) or is_list_item(line)):
            drop[line.number] = True
            continue
        in_list = False
        if (_NAV_START.match(key) and _is_nav(key, found["nav"], at_edge)) or (
            len(key) <= METADATA_LENGTH and breadcrumb.search(key)
        ):
            drop[line.number] = True
            menus.add(line.number)
            if in_header:
                header_end = line.number
        elif len(key) <= METADATA_LENGTH and key.startswith(found["meta"]):
            drop[line.number] = True
            content = norm[line.start : line.end]
            date = date or parse_date(content)
            named = _source_pattern().search(content)
            if named and named["source"].endswith(suffixes):
                publication = publication or named["source"]
            elif named and _organisation(named["source"]):
                source = source or named["source"]
        elif (
            (len(key) <= METADATA_LENGTH and contains.search(key))
            or key.startswith(found["prefix"])
            or _WIDGETS.fullmatch(key)
        ):
            drop[line.number] = True
    if date is None:  # a page header line dropped as debris may still date the page (2023-06-08 17:42 | 作者：…)
        top = list(islice((line for line in lines if line.key), HEADER_LINES))
        header = (norm[line.start : line.end] for line in top if drop[line.number] and len(line.key) <= METADATA_LENGTH)
        date = next((iso for iso in map(full_date, header) if iso), None)
    for line in lines[: max(header_end, 0)]:
        if line.blank or is_prose(line):
            continue
        drop[line.number] = True
        if line.key.endswith(suffixes):
            publication = publication or line.key
        elif _organisation(line.key) and not _NAV_SEPARATORS.search(line.key):
            site_body = site_body or line.key
        elif line.number not in menus and _headline(line.key, norm[line.start : line.end]):
            headline = line.number
    if headline is not None:
        drop[headline] = False  # the article's title, written above the menus: it belongs to the article
    return drop, date, publication, [name for name in (source, site_body) if name], menus


HEADLINE_LENGTH = 8
"""A page-header line of at least this many characters (whitespace aside) may be the article's title."""


def _headline(key: str, written: str) -> bool:
    """True for a page-header line that reads as the article's title rather than the site's name
    (溪口区人民政府门户网站), a menu spaced out with blanks (首页　新闻中心　履职动态…) or a widget: long
    enough, no separators, no site or organisation ending."""
    found = markers.structure()
    endings = found["publication_suffix"] + found["site_suffix"]
    return (
        len(key) >= HEADLINE_LENGTH
        and not _spaced_menu(written)
        and not _NAV_SEPARATORS.search(key)
        and not key.endswith(endings)
        and not _organisation(key)
        and not _WIDGETS.fullmatch(key)
    )


def _spaced_menu(written: str) -> bool:
    """A menu whose items are separated by blanks only (首页　新闻中心　履职动态　委员风采)."""
    items = written.split()
    return len(items) >= 4 and all(len(item) <= _NAV_ITEM // 2 for item in items)


def _is_nav(key: str, starts: tuple[str, ...], at_edge: bool) -> bool:
    """A menu: short items between separators, starting with a nav marker (首页) or, at the top or
    bottom of the page, at least four items."""
    items = [item for item in _NAV_SEPARATORS.split(key) if item]
    if len(items) < 3 or any(len(item) > _NAV_ITEM for item in items):
        return False
    return key.startswith(starts) or (at_edge and len(items) >= 4)


def _blank(text: str, dropped: list[Line], first: int, last: int) -> str:
    """``text[first:last]`` (whole lines) with the ``dropped`` lines in it, in order, blanked with spaces: the
    text is sliced around them, not taken apart line by line (``text`` and the simplified text it was split
    from have their line breaks in the same places)."""
    parts: list[str] = []
    at = first
    for line in dropped:
        parts += (text[at : line.start], " " * (line.end - line.start))
        at = line.end
    parts.append(text[at:last])
    return "".join(parts)
