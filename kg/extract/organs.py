"""CPPCC bodies and Party/government organs built from a place and an organ word.

    find_organs(norm, places) -> list[OrganHit]

A name is [place | level word] + head [+ sub-organ or department]: 成都市政协, 市政协主席会议,
双流区政协东升街道工委, 郫都区委组织部, 区住建局, 镇党委. With a place written the name is complete;
with a bare level word (市政协, 区委) it is a short form that kg.extract.resolve completes from context.
A department written alone (统战部 in 区委常委、统战部部长) belongs to the Party committee before it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from kg.extract import words
from kg.extract.places import PlaceHit, SpanIndex, level_words
from kg.lexicon import read_table

_GENERIC_BEFORE_LEVEL = "全各本该两等每我"
_NOT_AFTER_WEI = "员会托屈婉"
_CJK = "\u4e00-\u9fff"
_QUOTES = "“”‘’「」"
_NOT_IN_DESCRIPTOR = frozenset({"v", "p", "u", "uj", "ul", "ud", "uz", "ug", "uv", "c", "d", "r", "f", "m"})
"""jieba tags of words that do not belong to an organ's descriptor (成立, 由, 的, 和, 每, 各); verbal nouns
(工作, tagged vn) do."""
_OPENS_CLAUSE = frozenset(_NOT_IN_DESCRIPTOR - {"v", "c"})
_SET_UP_WINDOW = 14


@dataclass
class OrganHit:
    start: int
    end: int
    type: str
    surface: str
    place: PlaceHit | None
    """The place written at the start of the name, if any."""
    level: str
    """The bare level word standing for a place (市 of 市政协), '' when a place is written or none."""
    tail: str
    """The name after the place or level word (政协主席会议)."""
    base_end: int
    """End of the organ without its sub-organ (for 市政协党组: the end of 市政协)."""
    needs_parent: bool = False
    """A department written alone: its Party committee comes from the text before it."""
    cppcc_unit: bool = False
    """A CPPCC unit written after its town or street alone (杉林乡委员联络组): the committee it belongs
    to comes from the text before it."""
    refers_to: str = ""
    """A sub-organ written alone (党组, 专委会): the ending of the earlier organ it stands for (党组, 委员会)."""


@lru_cache(maxsize=1)
def _roles() -> dict[str, list[tuple[str, str]]]:
    roles: dict[str, list[tuple[str, str]]] = {}
    for word, role, implied in read_table("organs.tsv", 2, 3):
        roles.setdefault(role, []).append((word, implied))
    for items in roles.values():
        items.sort(key=lambda item: len(item[0]), reverse=True)
    return roles


def _alternation(role: str) -> str:
    return "|".join(re.escape(w) for w, _ in _roles().get(role, []))


@lru_cache(maxsize=1)
def _patterns() -> dict[str, re.Pattern[str]]:
    return {
        "head": re.compile(f"({_alternation('cppcc_head')}|{_alternation('party_head')})"),
        "cppcc_sub": re.compile(
            f"(?:第[一二三四五六七八九十\\d]+)?([{_CJK}]{{0,8}}?)({_alternation('cppcc_sub')}|{_alternation('cppcc_unit')})"
        ),
        "cppcc_unit": re.compile(_alternation("cppcc_unit")),
        "party_dept": re.compile(f"({_alternation('party_dept')})"),
        "gov_dept": re.compile(f"({_alternation('gov_dept')})"),
        "gov_fallback": re.compile(f"[{_CJK}]{{2,6}}?局"),
    }


def _implied(word: str) -> str:
    for role in ("party_head", "cppcc_head"):
        for w, implied in _roles().get(role, []):
            if w == word:
                return implied
    return ""


def _prefix(norm: str, at: int, places_by_end: dict[int, PlaceHit]) -> tuple[PlaceHit | None, str, int] | None:
    """The place or level word ending at ``at``: (place, level word, start) or None."""
    if at in places_by_end:
        place = places_by_end[at]
        return place, "", place.start
    for word in level_words():
        start = at - len(word)
        if start >= 0 and norm[start:at] == word:
            before = norm[start - 1] if start > 0 else ""
            if before and before in _GENERIC_BEFORE_LEVEL:
                return None
            if before and re.match(f"[{_CJK}]", before) and word in ("社区", "街道", "小区", "村", "镇", "乡"):
                # 清芷社区党委 is found through its place; an unknown name before a level word is not ours
                return None
            return None if before.isdigit() else (None, word, start)
    return None


def _publication_follows(norm: str, end: int) -> bool:
    """True for 四川政协报, 遵义政协网: the organ name is the start of a publication's name."""
    for word in ("日报", "报", "网"):
        if norm.startswith(word, end):
            after = norm[end + len(word) : end + len(word) + 2]
            return not after or not re.match(f"[{_CJK}]", after[0]) or after in ("记者", "讯")
    return False


def find_organs(norm: str, places: list[PlaceHit]) -> list[OrganHit]:
    pats = _patterns()
    places_by_end = {p.end: p for p in places}
    hits: list[OrganHit] = []
    cppcc_heads = {w for w, _ in _roles().get("cppcc_head", [])}
    for match in pats["head"].finditer(norm):
        head = match.group(1)
        hs, he = match.span(1)
        if head == "委" and (he < len(norm) and norm[he] in _NOT_AFTER_WEI):
            continue
        prefix = _prefix(norm, hs, places_by_end)
        implied = _implied(head)
        implied_only = prefix is None
        if prefix is None:
            if not implied:
                continue
            prefix = (None, implied, hs)
        place, level, start = prefix
        is_cppcc = head in cppcc_heads
        end = he
        sub_match = None
        if is_cppcc:
            after = next((p for p in places if p.start == he and p.level in ("town", "street")), None) if places_by_end else None
            sub_from = after.end if after else he
            sub_match = pats["cppcc_sub"].match(norm, sub_from)
            if sub_match and sub_match.group(1) and (
                sub_match.group(2) not in ("委员会", "领导小组", "工委") or not _descriptor(sub_match.group(1))
            ):
                sub_match = None
            if sub_match is None and after is not None:
                sub_match = None
            if sub_match:
                end = sub_match.end()
            if _publication_follows(norm, end):
                continue
        else:
            dept = pats["party_dept"].match(norm, he)
            if dept:
                end = dept.end()
        type_ = "CPPCCBody" if is_cppcc else "PartyGovOrgan"
        tail_start = place.end if place else (hs if implied_only else start + len(level))
        hits.append(OrganHit(start, end, type_, norm[start:end], place, level, norm[tail_start:end], he))
    hits.extend(_town_units(norm, places, hits))
    hits.extend(_government_departments(norm, places_by_end, hits))
    hits.extend(_bare_departments(norm, hits))
    hits.extend(_set_up_groups(norm, hits))
    hits.sort(key=lambda h: (h.start, -h.end))
    kept = _drop_nested(hits)
    kept.extend(_referring_back(norm, kept))
    kept.sort(key=lambda h: (h.start, -h.end))
    return kept


def _descriptor(text: str) -> bool:
    """True when ``text`` (社会和法制, 提案, 基层协商工作) reads as an organ's descriptor, False for a clause:
    a function word first, or a verb followed by its object (成立基层协商工作 of
    县政协成立基层协商工作领导小组). A verb alone or before 和 stays (提案委员会, 学习和文史委员会)."""
    parts = [w for w in words.tokens(text) if w not in _QUOTES]
    if not parts:
        return True
    first = words.tag(parts[0])
    if first in _OPENS_CLAUSE:
        return False
    return not (first == "v" and len(parts) > 1 and words.tag(parts[1]) != "c")


def _set_up_groups(norm: str, taken: list[OrganHit]) -> list[OrganHit]:
    """基层协商工作领导小组 in 县政协成立基层协商工作领导小组 or 成立由…任组长的基层协商工作领导小组: the
    descriptor is the run of words before the group back to a verb, function word or punctuation; the
    group belongs to the committee named before it (resolved like a town's unit)."""
    spans = SpanIndex((h.start, h.end) for h in taken)
    found: list[OrganHit] = []
    for word, _ in _roles().get("set_up", []):
        at = norm.find(word)
        while at >= 0:
            end = at + len(word)
            start = _descriptor_start(norm, at)
            if start < at - 1 and not spans.overlaps(start, end):
                found.append(OrganHit(start, end, "CPPCCBody", norm[start:end], None, "", norm[start:end], end,
                                      cppcc_unit=True))
                spans.add(start, end)
            at = norm.find(word, end)
    return found


def _descriptor_start(norm: str, at: int) -> int:
    """Where the descriptor before ``at`` starts: after the last verb, function word or punctuation."""
    run = at
    while run > 0 and at - run < _SET_UP_WINDOW and (re.match(f"[{_CJK}]", norm[run - 1]) or norm[run - 1] in _QUOTES):
        run -= 1
    start = at
    pos = at
    for word in reversed(words.tokens(norm[run:at])):
        pos -= len(word)
        if word not in _QUOTES and (words.tag(word) in _NOT_IN_DESCRIPTOR or len(word) == 1):
            break
        start = pos
    while start < at and norm[start] in "”’」":
        start += 1
    return start


def _stands_alone(norm: str, at: int, end: int) -> bool:
    """True when the word at ``at`` follows punctuation or a one-character function word (由党组书记)."""
    if at == 0 or not re.match(f"[{_CJK}]", norm[at - 1]):
        return True
    context = norm[max(0, at - 3) : end]
    offset = at - max(0, at - 3)
    if not words.is_boundary(context, offset):
        return False
    before = words.word_at(context, offset - 1)
    return len(before) == 1 and words.tag(before) in _NOT_IN_DESCRIPTOR - {"v", "d", "m", "f", "r"}


def _referring_back(norm: str, hits: list[OrganHit]) -> list[OrganHit]:
    """党组, 专委会, 办公室 written alone (after punctuation or 由, 和…), standing for the latest organ named before it
    that ends the same way (县政协党组 … 。党组定期专题研究)."""
    spans = SpanIndex((h.start, h.end) for h in hits)
    found: list[OrganHit] = []
    for word, ending in _roles().get("refer_back", []):
        at = norm.find(word)
        while at >= 0:
            end = at + len(word)
            earlier = [h for h in hits if h.end <= at and h.surface.endswith(ending) and h.surface != ending]
            if earlier and _stands_alone(norm, at, end) and not spans.overlaps(at, end):
                type_ = earlier[-1].type
                found.append(OrganHit(at, end, type_, word, None, "", word, end, refers_to=ending))
                spans.add(at, end)
            at = norm.find(word, end)
    return found


def _town_units(norm: str, places: list[PlaceHit], taken: list[OrganHit]) -> list[OrganHit]:
    """杉林乡委员联络组, 富世街道委员联络组: a CPPCC unit after a town or street without 政协 before it."""
    units = _patterns()["cppcc_unit"]
    spans = SpanIndex((h.start, h.end) for h in taken)
    found: list[OrganHit] = []
    for place in places:
        if place.level not in ("town", "street"):
            continue
        match = units.match(norm, place.end)
        if match is None or spans.overlaps(place.start, match.end()):
            continue
        end = match.end()
        found.append(
            OrganHit(place.start, end, "CPPCCBody", norm[place.start : end], place, "", norm[place.end : end], end,
                     cppcc_unit=True)
        )
    return found


def _government_departments(norm: str, places_by_end: dict[int, PlaceHit], taken: list[OrganHit]) -> list[OrganHit]:
    pats = _patterns()
    found: list[OrganHit] = []
    spans = SpanIndex((h.start, h.end) for h in taken)
    for pattern in (pats["gov_dept"], pats["gov_fallback"]):
        for match in pattern.finditer(norm):
            ds, de = match.span()
            if spans.overlaps(ds, de):
                continue
            prefix = _prefix(norm, ds, places_by_end)
            if prefix is None:
                continue
            place, level, start = prefix
            tail_start = place.end if place else start + len(level)
            found.append(OrganHit(start, de, "PartyGovOrgan", norm[start:de], place, level, norm[tail_start:de], de))
            spans.add(start, de)
    return found


def _bare_departments(norm: str, taken: list[OrganHit]) -> list[OrganHit]:
    pats = _patterns()
    spans = SpanIndex((h.start, h.end) for h in taken)
    found: list[OrganHit] = []
    for match in pats["party_dept"].finditer(norm):
        ds, de = match.span()
        if match.group(1) not in ("组织部", "宣传部", "统战部", "政法委", "社会工作部"):
            continue
        if spans.overlaps(ds, de):
            continue
        if ds > 0 and re.match(f"[{_CJK}]", norm[ds - 1]):
            continue
        found.append(OrganHit(ds, de, "PartyGovOrgan", norm[ds:de], None, "", norm[ds:de], de, needs_parent=True))
    return found


def _drop_nested(hits: list[OrganHit]) -> list[OrganHit]:
    kept: list[OrganHit] = []
    for hit in hits:
        if kept and hit.start < kept[-1].end:
            if hit.end - hit.start > kept[-1].end - kept[-1].start:
                kept[-1] = hit
            continue
        kept.append(hit)
    return kept
