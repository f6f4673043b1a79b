"""Events written in fixed forms, and meetings joined by 暨.

    fixed_events(norm, place_spans) -> list[TermHit]   sessions, Party events, numbered series
    joined_events(norm, hits)       -> hits with A暨B merged into one Event

The forms are regular expressions in kg/data/event_patterns.tsv: a committee's numbered session with the
organiser written attached before it (政协泸州市第九届委员会第十二次主席会议, 达州市政协五届三次会议),
Party congresses and plenary sessions (党的二十大, 十九届四中全会, 市委十届三次全会), central and local work
conferences (中央政协工作会议), and meetings of a series (2024年第二场坝坝协商会). A meeting written "A暨B"
is one Event named by the whole span, with A and B as aliases (../shared/ANNOTATION.md).
"""

from __future__ import annotations

import re
from functools import lru_cache

from kg.extract.places import level_chars_above_town
from kg.extract.quantities import parse_number
from kg.extract.terms import TermHit, strip_quotes
from kg.lexicon import read_table
from kg.rxgate import gated, required_words
from kg.text import CPPCC, NUMBER

_NUMBER = NUMBER
_CPPCC = CPPCC



_PATTERN_KINDS = frozenset({"session", "party", "series", "campaign", "congress"})


@lru_cache(maxsize=1)
def _patterns() -> dict[str, re.Pattern[str]]:
    kinds: dict[str, list[str]] = {}
    for kind, pattern in read_table("event_patterns.tsv", 2, 2):
        if kind not in _PATTERN_KINDS:
            continue
        kinds.setdefault(kind, []).append(pattern.replace("{N}", f"(?:{_NUMBER})"))
    return {kind: gated("|".join(f"(?:{p})" for p in patterns)) for kind, patterns in kinds.items()}


@lru_cache(maxsize=1)
def _required() -> dict[str, tuple[str, ...]]:
    """Words one of which every match of a kind's patterns holds (kg.rxgate.required_words): most texts
    hold none of a Party event's (全会, 党的, 工作会议 …), and telling that costs far less than a search."""
    return {kind: required_words(pattern.pattern) for kind, pattern in _patterns().items()}


def fixed_events(norm: str, place_spans: list[tuple[int, int]]) -> list[TermHit]:
    hits: list[TermHit] = []
    patterns = _patterns()
    required = _required()
    for kind, pattern in patterns.items():
        words = required[kind]
        if words and not any(word in norm for word in words):
            continue
        for match in pattern.finditer(norm):
            start, end = match.span()
            if kind == "session":
                start = _organiser_start(norm, start, place_spans)
                if start == match.start() and any(b in match.group() for b in _congress_bodies()):
                    start = _place_start(norm, start, place_spans)  # 县第十六届人大第一次会议
            elif kind == "congress":
                start = _place_start(norm, start, place_spans)
            hits.append(TermHit(start, end, "Event", strip_quotes(norm[start:end]), norm[start:end]))
    hits.sort(key=lambda h: (h.start, -h.end))
    kept: list[TermHit] = []
    for hit in hits:  # the longest of overlapping readings (市委十届三次全会 over 十届三次全会)
        if kept and hit.start < kept[-1].end:
            if hit.end - hit.start > kept[-1].end - kept[-1].start:
                kept[-1] = hit
            continue
        kept.append(hit)
    return kept


def _organiser_start(norm: str, at: int, place_spans: list[tuple[int, int]]) -> int:
    """Where the organiser written attached before a session starts: 政协 + places (政协南充市), places or a
    level word + 政协 (宜宾市政协, 市政协), a level word + 委 (市委); ``at`` when none."""
    by_end = {b: a for a, b in place_spans}
    start = at
    while start in by_end:
        start = by_end[start]
    if start < at and norm.startswith(_CPPCC, start - len(_CPPCC)):
        return start - len(_CPPCC)  # 政协南充市第八届委员会…
    unknown = _unknown_division().search(norm, max(0, at - 8), at) if start == at else None
    if unknown is not None:
        return unknown.start()  # 政协岚溪市第九届委员会…: a division the gazetteer does not know
    if norm.startswith(_CPPCC, at - len(_CPPCC)):
        before = at - len(_CPPCC)
        if before in by_end:
            return by_end[before]  # 达州市政协五届三次会议
        if before > 0 and norm[before - 1] in level_chars_above_town():
            return before - 1  # 市政协八届十四次主席会议
        named = next((w for w in _organisers() if norm.startswith(w, before - len(w))), "")
        if named:
            return before - len(named)  # 全国政协十四届二次会议
        return before  # 政协第十四届全国委员会第二次会议
    return at


def _place_start(norm: str, at: int, place_spans: list[tuple[int, int]]) -> int:
    """Where the place a congress or its session belongs to starts when written attached before ``at``: the
    places ending there (岚溪县第十五次党代会), else a level word alone (县第十六届人大…); ``at`` when none."""
    by_end = {b: a for a, b in place_spans}
    start = at
    while start in by_end:
        start = by_end[start]
    if start == at and at > 0 and norm[at - 1] in level_chars_above_town():
        return at - 1
    return start


@lru_cache(maxsize=1)
def _unknown_division() -> re.Pattern[str]:
    """政协 + a name of two to four characters + a level character, ending where a session starts."""
    return re.compile(f"{_CPPCC}[\\u4e00-\\u9fff]{{2,4}}[{level_chars_above_town()}]$")


@lru_cache(maxsize=1)
def _organisers() -> tuple[str, ...]:
    """Words that with 政协 name a session's organiser (kg/data/event_patterns.tsv, kind organiser)."""
    return tuple(p for kind, p in read_table("event_patterns.tsv", 2, 2) if kind == "organiser")


@lru_cache(maxsize=1)
def _session_parts() -> re.Pattern[str]:
    """The term and sitting numbers of a session (kg/data/event_patterns.tsv, kind session_numbers)."""
    [pattern] = [p for kind, p in read_table("event_patterns.tsv", 2, 2) if kind == "session_numbers"]
    return re.compile(pattern.replace("{N}", f"({_NUMBER})"))


def _session_key(name: str) -> str | None:
    """A session's name with its organiser dropped and its numbers normalised (政协泸州市第九届委员会第十二次
    主席会议 and 九届十二次主席会议 give the same key); None for a name with no session in it."""
    match = _session_parts().search(name)
    if match is None:
        return None
    body = next((w for w in _session_bodies() if w in match.group()), "")
    return f"{parse_number(match.group(1))}/{parse_number(match.group(2))}/{body}/{name[match.end():]}"


@lru_cache(maxsize=1)
def _congress_bodies() -> tuple[str, ...]:
    """Bodies written between a session's numbers that make it a people's congress's session, named with its
    place (县第十六届人大第一次会议): kg/data/event_patterns.tsv, kind congress_body."""
    return tuple(p for kind, p in read_table("event_patterns.tsv", 2, 2) if kind == "congress_body")


@lru_cache(maxsize=1)
def _session_bodies() -> tuple[str, ...]:
    """Bodies written between a session's numbers that make it another body's session (十四届全国人大二次会议,
    十四届常委会第五次会议 beside 十四届二次会议): kg/data/event_patterns.tsv, kind session_body."""
    return tuple(p for kind, p in read_table("event_patterns.tsv", 2, 2) if kind == "session_body")


def same_sessions(hits: list[TermHit]) -> list[TermHit]:
    """Events naming the same session (the title's 八届十四次主席会议… and the text's 政协南充市第八届委员会
    第十四次主席会议…) are filed under the longest name."""
    longest: dict[str, str] = {}
    for hit in hits:
        key = _session_key(hit.name) if hit.type == "Event" else None
        if key is not None and len(hit.name) > len(longest.get(key, "")):
            longest[key] = hit.name
    if not longest:
        return hits
    result = []
    for hit in hits:
        key = _session_key(hit.name) if hit.type == "Event" else None
        result.append(TermHit(hit.start, hit.end, hit.type, longest[key], hit.surface) if key in longest else hit)
    return result


@lru_cache(maxsize=1)
def _joiners() -> tuple[str, ...]:
    """Words joining two meetings into one (暨): kg/data/event_patterns.tsv, kind joined."""
    return tuple(p for kind, p in read_table("event_patterns.tsv", 2, 2) if kind == "joined")


@lru_cache(maxsize=1)
def _joined_second() -> re.Pattern[str]:
    """A meeting after 暨 that no other rule finds (kg/data/event_patterns.tsv, kind joined_second)."""
    found = [p for kind, p in read_table("event_patterns.tsv", 2, 2) if kind == "joined_second"]
    return re.compile("|".join(f"(?:{p})" for p in found) or "(?!)")


def _scopes() -> tuple[str, ...]:
    """Words of scope that may stand between 暨 and the second meeting (kg/data/term_words.tsv, scope)."""
    from kg.extract.terms import term_words

    return term_words().get("scope", ())


def joined_events(norm: str, hits: list[TermHit]) -> list[TermHit]:
    """A暨B: the two events become one named by the whole span (quotes removed); A and B are kept as
    mentions of it, so their written forms are its aliases."""
    events: dict[int, TermHit] = {}
    starts: dict[int, TermHit] = {}
    for hit in hits:  # the longest event ending (starting) at each place: “有事来协商”工作推进会, not its quote alone
        if hit.type == "Event":
            if hit.end not in events or hit.start < events[hit.end].start:
                events[hit.end] = hit
            if hit.start not in starts or hit.end > starts[hit.start].end:
                starts[hit.start] = hit
    merged: list[TermHit] = []
    used: set[int] = set()
    for end, first in sorted(events.items()):
        joined = next((w for w in _joiners() if norm.startswith(w, end)), "")
        if not joined:
            continue
        second = starts.get(end + len(joined))
        scope = next((w for w in _scopes() if norm.startswith(w, end + len(joined))), "")
        if second is None and scope:
            second = starts.get(end + len(joined) + len(scope))  # …常委会议暨全县有事来协商工作推进会
        if second is None and (plain := _joined_second().match(norm, end + len(joined))) is not None:
            second = TermHit(plain.start(), plain.end(), "Event", plain.group(), plain.group())  # …推进会暨现场观摩会
        if second is None:
            continue
        whole = norm[first.start : second.end]
        name = strip_quotes(whole)
        merged.append(TermHit(first.start, second.end, "Event", name, whole))
        merged.append(TermHit(first.start, first.end, "Event", name, first.surface))
        merged.append(TermHit(second.start, second.end, "Event", name, second.surface))
        used.update({id(first), id(second)})
    if not merged:
        return same_sessions(hits)
    spans = [(m.start, m.end, m.name) for m in merged if m.surface == norm[m.start : m.end] and any(j in m.surface for j in _joiners())]
    rest = []
    for hit in hits:
        if id(hit) in used:
            continue
        inside = next((name for a, b, name in spans if hit.type == "Event" and a <= hit.start and hit.end <= b), None)
        rest.append(hit if inside is None else TermHit(hit.start, hit.end, "Event", inside, hit.surface))
    return same_sessions(rest + merged)
