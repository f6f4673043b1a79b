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
from functools import cache, lru_cache

from kg.extract import words
from kg.extract.places import PlaceHit, SpanIndex, level_chars_above_town, level_words, levels_of
from kg.lexicon import read_table
from kg.text import CJK, CPPCC, NUMBER, ORDINAL, QUOTES, is_cjk

_CJK = CJK
_QUOTES = QUOTES
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
    party: str = ""
    """A democratic party written before the place (民建 of 民建南岸区委): the organ is that party's."""
    name_sub: int = -1
    """Characters of the name's end that are the sub-organ (-1: as many as written after ``base_end``)."""
    parent: OrganHit | None = None
    """A sub-organ written alone in a title chain (市政协秘书长、办公厅主任): the organ the chain starts with."""

    @property
    def sub_chars(self) -> int:
        """Characters at the end of the organ's name that name its sub-organ (党组 of 市政协党组)."""
        return self.name_sub if self.name_sub >= 0 else self.end - self.base_end


@lru_cache(maxsize=1)
def _roles() -> dict[str, list[tuple[str, str]]]:
    roles: dict[str, list[tuple[str, str]]] = {}
    for word, role, implied in read_table("organs.tsv", 2, 3):
        roles.setdefault(role, []).append((word, implied))
    for items in roles.values():
        items.sort(key=lambda item: len(item[0]), reverse=True)
    return roles


@cache
def _chars(role: str) -> str:
    """The words of ``role`` in kg/data/organs.tsv joined (single characters: 全各本该 …)."""
    return "".join(w for w, _ in _roles().get(role, []))


@cache
def _not_after(head: str) -> str:
    """Characters that, after ``head``, make another word (委员, 委托 after 委)."""
    return "".join(w for w, h in _roles().get("not_after_head", []) if h == head)


def _alternation(role: str) -> str:
    return "|".join(re.escape(w) for w, _ in _roles().get(role, []))


@lru_cache(maxsize=1)
def _patterns() -> dict[str, re.Pattern[str]]:
    return {
        "head": re.compile(f"({_alternation('cppcc_head')}|{_alternation('party_head')})"),
        "cppcc_sub": re.compile(
            f"(?:{ORDINAL}{NUMBER})?([{_CJK}]{{0,8}}?)({_alternation('cppcc_sub')}|{_alternation('cppcc_unit')})"
        ),
        "cppcc_unit": re.compile(_alternation("cppcc_unit")),
        "party_dept": re.compile(f"({_alternation('party_dept')})(?![{_chars('party_dept_not_after')}])"),
        "gov_dept": re.compile(f"({_alternation('gov_dept')})"),
    }


def _implied(word: str) -> str:
    for role in ("party_head", "cppcc_head"):
        for w, implied in _roles().get(role, []):
            if w == word:
                return implied
    return ""


@lru_cache(maxsize=1)
def _level_words_ending() -> dict[str, tuple[str, ...]]:
    """Level words by their last character, longest first (自治州 before 州)."""
    table: dict[str, list[str]] = {}
    for word in level_words():
        table.setdefault(word[-1], []).append(word)
    return {k: tuple(v) for k, v in table.items()}


def _prefix(
    norm: str, at: int, places_by_end: dict[int, PlaceHit], cppcc: bool = False
) -> tuple[PlaceHit | None, str, int] | None:
    """The place or level word ending at ``at``: (place, level word, start) or None. A bare level word
    after another one or a count (区县政协, 8个县政协) is generic; a committee (``cppcc``) stands for no
    place below the county (驻社区政协委员)."""
    if at in places_by_end:
        place = places_by_end[at]
        return place, "", place.start
    if _party_before(norm, at):
        return None  # 盟 of 民盟 is no level word
    for word in _level_words_ending().get(norm[at - 1] if at > 0 else "", ()):
        start = at - len(word)
        if start >= 0 and norm[start:at] == word:
            if (named := places_by_end.get(start)) is not None and named.suffix == word:
                return named, "", named.start  # 渠县|县委, 泸县|县政府: the place's own level written again
            before = norm[start - 1] if start > 0 else ""
            if before and (before in _chars("generic_before_level") or before in level_chars_above_town()) and not _party_before(norm, start):
                return None
            if cppcc and word in _roles_set("named_level") and not set(levels_of(word)) & _ABOVE_TOWN_LEVELS:
                return None
            if len(word) == 1 and before and is_cjk(before) and _level_in_word(norm, start):
                return None  # 通州湾政协工委: 州 ends the word 通州, no bare level word
            if before and is_cjk(before) and word in _roles_set("named_level"):
                # 清芷社区党委 is found through its place; an unknown name before a level word is not ours
                # (民族地区政协), unless a verb or preposition ends there (报送|镇党委, 向|镇政府)
                if not _after_verb(norm, start):
                    return None
            return None if before.isdigit() else (None, word, start)
    return None


def _level_in_word(norm: str, at: int) -> bool:
    """True when jieba reads the level character at ``at`` as the end of a place's name that starts before it
    (州 of 通州|湾; not 县 of 及县, a word jieba makes up)."""
    left = max(0, at - 3)
    window = norm[left : at + 3]
    word = words.word_at(window, at - left)
    return (
        len(word) >= 2 and not words.is_boundary(window, at - left) and words.is_boundary(window, at + 1 - left)
        and words.tag(word).startswith("ns")
    )


_ABOVE_TOWN_LEVELS = frozenset({"province", "city", "county"})
_OPENS_ORGAN = frozenset({"v", "p", "c", "vn", "d"})


def _after_verb(norm: str, at: int) -> bool:
    """True when a verb, preposition or conjunction ends at ``at`` (报送|镇党委)."""
    window = norm[max(0, at - 4) : at + 3]
    offset = at - max(0, at - 4)
    if not words.is_boundary(window, offset):
        return False
    return words.tag(words.word_at(window, offset - 1)) in _OPENS_ORGAN


@lru_cache(maxsize=1)
def _formal_term() -> re.Pattern[str]:
    """A committee's term written in its formal name (第八届)."""
    return re.compile(f"{ORDINAL}{NUMBER}(?:{_alternation('cppcc_formal_term')})")


def _formal_committees(norm: str, places: list[PlaceHit]) -> list[OrganHit]:
    """A committee written in its formal form: 政协江油市委员会, 中国人民政治协商会议四川省广汉市委员会办公室,
    政协泸州市第九届委员会常务委员会. The name is the short one of the innermost place (江油市政协,
    广汉市政协办公室, 泸州市政协常委会); the written form is kept as an alias."""
    by_start = {p.start: p for p in places}
    found: list[OrganHit] = []
    for opener in _roles_set("cppcc_formal"):
        at = norm.find(opener)
        while at >= 0:
            place, end = _place_chain(at + len(opener), by_start)
            term = _formal_term().match(norm, end)
            if term is not None:
                end = term.end()
            committee = next((w for w in _roles_set("cppcc_formal_committee") if norm.startswith(w, end)), "")
            if place is not None and committee:
                end += len(committee)
                base_end = end
                tail = CPPCC
                standing = next(((w, n) for w, n in _roles().get("cppcc_formal_standing", []) if norm.startswith(w, end)), None)
                if standing:
                    end += len(standing[0])
                    tail += standing[1]
                else:
                    sub_end = _cppcc_sub_end(norm, end)
                    if sub_end is not None:
                        tail += norm[end:sub_end]
                        end = sub_end
                found.append(OrganHit(at, end, "CPPCCBody", norm[at:end], place, "", tail, base_end,
                                      name_sub=len(tail) - len(CPPCC)))
            at = norm.find(opener, max(end, at + 1))
    found.extend(_formal_party_committees(norm, by_start))
    return found


def _place_chain(end: int, by_start: dict[int, PlaceHit]) -> tuple[PlaceHit | None, int]:
    """The innermost place of the chain written from ``end`` (四川省|绵竹市) and where the chain ends; None
    and ``end`` when no place starts there."""
    place = None
    while end in by_start:
        place = by_start[end]
        end = place.end
    return place, end


def _formal_party_committees(norm: str, by_start: dict[int, PlaceHit]) -> list[OrganHit]:
    """中共阜宁县委员会 written in full: the Party committee 阜宁县委, the written form an alias."""
    found: list[OrganHit] = []
    committee = _roles_set("cppcc_formal_committee")
    head = next(iter(_roles_set("party_committee")), "")
    for opener in _roles_set("cpc_prefix"):
        at = norm.find(opener)
        while at >= 0:
            place, end = _place_chain(at + len(opener), by_start)
            word = next((w for w in committee if norm.startswith(w, end)), "")
            if place is not None and word and head:
                end += len(word)
                dept = _patterns()["party_dept"].match(norm, end)
                tail = head + (dept.group() if dept else "")
                found.append(OrganHit(at, dept.end() if dept else end, "PartyGovOrgan",
                                      norm[at : dept.end() if dept else end], place, "", tail, end,
                                      name_sub=len(tail) - len(head)))
            at = norm.find(opener, at + 1)
    return found


def _party_units(norm: str, places: list[PlaceHit]) -> list[OrganHit]:
    """A democratic party's unit below its committees: the party, a place or a level word, a unit word
    (九三学社县支社, 民建白鹭县总支委员会, 民盟县支部); named like the party's committee (the level word
    completed from context, the party kept before it)."""
    by_start = {p.start: p for p in places}
    units = _roles_set("party_unit")
    found: list[OrganHit] = []
    for party in _roles_set("party_prefix"):
        if len(party) < 2:
            continue
        at = norm.find(party)
        while at >= 0:
            after = at + len(party)
            place, end = _place_chain(after, by_start)
            level = "" if place else next((w for w in level_words() if norm.startswith(w, after)), "")
            end += len(level)
            unit = next((w for w in units if norm.startswith(w, end)), "") if place or level else ""
            if unit:
                found.append(OrganHit(at, end + len(unit), "PartyGovOrgan", norm[at : end + len(unit)], place, level,
                                      norm[end : end + len(unit)] if place is None else unit, end + len(unit),
                                      party=party))
            at = norm.find(party, after)
    return found


def _written_before(norm: str, at: int, role: str) -> str:
    """The word of ``role`` written right before ``at`` (中共 of 中共阜宁县委), '' when none."""
    return next((w for w in _roles_set(role) if norm.startswith(w, at - len(w))), "")


def _party_unknown_place(norm: str, at: int) -> tuple[PlaceHit | None, str, int] | None:
    """A democratic party's committee of a place the gazetteer does not know, written before ``at``: the
    party, a name of two to four characters and a level character (民建|岚溪市|委); its start, or None."""
    levels = level_chars_above_town()
    if at < 3 or norm[at - 1] not in levels:
        return None
    for size in (2, 3, 4):
        start = at - 1 - size
        if start > 0 and _party_before(norm, start) and is_cjk(norm[start]) and all(
            is_cjk(c) for c in norm[start : at - 1]
        ):
            return None, "", start
    return None


@lru_cache(maxsize=1)
def _party_last_chars() -> frozenset[str]:
    return frozenset(word[-1] for word in _roles_set("party_prefix"))


def _party_before(norm: str, at: int) -> str:
    """The democratic party written right before ``at`` (民建, 九三学社), '' when none."""
    if at <= 0 or norm[at - 1] not in _party_last_chars():
        return ""
    for word in _roles_set("party_prefix"):
        if norm.startswith(word, at - len(word)):
            return word
    return ""


def _publication_follows(norm: str, end: int) -> bool:
    """True for 四川政协报, 遵义政协网: the organ name is the start of a publication's name."""
    for word in _roles_set("publication_after"):
        if norm.startswith(word, end):
            after = norm[end + len(word) : end + len(word) + 2]
            return not after or not is_cjk(after[0]) or after in _roles_set("publication_byline")
    return False


def find_organs(norm: str, places: list[PlaceHit]) -> list[OrganHit]:
    pats = _patterns()
    places_by_end = {p.end: p for p in places}
    hits: list[OrganHit] = []
    cppcc_heads = {w for w, _ in _roles().get("cppcc_head", [])}
    for match in pats["head"].finditer(norm):
        head = match.group(1)
        hs, he = match.span(1)
        prefix = _prefix(norm, hs, places_by_end, head in cppcc_heads)
        if (prefix is None or prefix[0] is None) and head in _roles_set("party_committee"):
            # 民建岚溪市委: a place the gazetteer does not know
            prefix = _party_unknown_place(norm, hs) or prefix
        party = _party_before(norm, prefix[2]) if prefix is not None and head in _roles_set("party_committee") else ""
        extension = next((w for w, h in _roles().get("party_committee_extension", []) if h == head), "")
        if party and extension and norm.startswith(extension, he):
            he += len(extension)  # 民盟广安市委会
        elif he < len(norm) and norm[he] in _not_after(head):
            continue
        implied = _implied(head)
        implied_only = prefix is None
        if prefix is None:
            if not implied:
                continue
            prefix = (None, implied, hs)
        place, level, start = prefix
        is_cppcc = head in cppcc_heads
        end = he
        if is_cppcc:
            after = next((p for p in places if p.start == he and p.level == "township"), None) if places_by_end else None
            sub_from = after.end if after else he
            end = _cppcc_sub_end(norm, sub_from) or he
            if _publication_follows(norm, end):
                continue
        else:
            dept = pats["party_dept"].match(norm, he)
            if dept:
                end = dept.end()
        type_ = "CPPCCBody" if is_cppcc else "PartyGovOrgan"
        tail_start = place.end if place else (hs if implied_only else start + len(level))
        if place is not None and len(place.name) > 2 and place.suffix and hs == place.end + len(place.suffix):
            tail_start = hs  # 三台县|县委 is 三台县委 (the written form stays an alias); 渠县县委 keeps its 县
        start -= len(party)
        if not is_cppcc and not party and place is not None:
            start -= len(_written_before(norm, start, "cpc_prefix"))  # 中共阜宁县委: the written form
        hits.append(OrganHit(start, end, type_, norm[start:end], place, level, norm[tail_start:end], he, party=party))
    hits.extend(_formal_committees(norm, places))
    hits.extend(_party_units(norm, places))
    hits.extend(_town_units(norm, places, hits))
    hits.extend(_government_departments(norm, places_by_end, hits))
    hits.extend(_bare_departments(norm, hits))
    hits.extend(_set_up_groups(norm, hits))
    hits.extend(_coordinated_centre(norm, hits))
    hits = [_with_party_group(norm, h) for h in hits]
    hits.sort(key=lambda h: (h.start, -h.end))
    kept = _drop_nested(hits)
    kept.extend(_referring_back(norm, kept))
    kept.sort(key=lambda h: (h.start, -h.end))
    return kept


_SUB_DESCRIPTOR_MAX = 12
"""Characters a descriptor may have before 委员会/领导小组/工委 (委员工作和地方政协联络委员会)."""
@lru_cache(maxsize=1)
def _short_committee() -> re.Pattern[str]:
    """A committee's short name: two to four characters and the committee ending (港澳委, 文史委)."""
    endings = _roles_set("short_committee_end")
    return re.compile(
        "|".join(f"[{_CJK}]{{2,4}}?{re.escape(e)}(?![{_not_after(e)}])" for e in endings) if endings else "(?!)"
    )


def chained_sub_organ(norm: str, start: int, end: int, parent: OrganHit) -> OrganHit | None:
    """``norm[start:end]`` read as a sub-organ of ``parent`` written alone in a title chain (办公厅, 港澳委,
    文化文史委员会 after 市政协秘书长、), or None."""
    if end - start < 2:
        return None
    if parent.type == "PartyGovOrgan" and norm[start:end] in _roles_set("party_head") and (parent.place or parent.level):
        # 凤溪街道党工委副书记、办事处主任: another organ of the same place
        return OrganHit(start, end, parent.type, norm[start:end], parent.place, parent.level, norm[start:end], end,
                        parent=parent)
    if parent.type != "CPPCCBody" or _cppcc_sub_end(norm, start) != end:
        return None
    return OrganHit(start, end, parent.type, norm[start:end], None, "", norm[start:end], end, parent=parent)


def _cppcc_sub_end(norm: str, at: int) -> int | None:
    """End of the sub-organ written at ``at`` after a CPPCC committee, or None: a sub-organ word straight
    after it (党组, 主席会议, 工作组), a descriptor of up to _SUB_DESCRIPTOR_MAX characters before a word
    that takes one (提案委员会, 文化文史和学习委员会), or a committee's short name (港澳委, 文史委). The
    longest reading wins."""
    pats = _patterns()
    best: int | None = None
    direct = pats["cppcc_sub"].match(norm, at)
    if direct is not None and not direct.group(1):
        best = direct.end()
    described = _roles_set("cppcc_sub_described")
    firsts = {w[0] for w in described}
    for i in range(at + 1, min(len(norm), at + _SUB_DESCRIPTOR_MAX + 1)):
        if not is_cjk(norm[i - 1]) and norm[i - 1] not in _QUOTES:
            break
        if norm[i] not in firsts:
            continue
        word = next((w for w in described if norm.startswith(w, i)), None)
        if word is not None and (best is None or i + len(word) > best) and _descriptor(norm[at:i]):
            best = i + len(word)
    short = _short_committee().match(norm, at)
    if short is not None and (best is None or short.end() > best) and _descriptor(norm[at : short.end() - 1]):
        if not _titles_at(norm, at) or _members_committee(norm, at, short.end()):
            best = short.end()
    if best is None and not _titles_at(norm, at):
        best = _long_short_committee(norm, at)
    return best


_LONG_SHORT_MAX = 12
"""Characters of a committee's long short name before 委 (港澳台侨和外事, 人口资源环境, 文化文史和学习)."""
_NOT_IN_COMMITTEE = frozenset({"v", "p", "u", "uj", "ul", "ud", "uz", "ug", "uv", "d", "r", "f", "zg", "q"})


def _long_short_committee(norm: str, at: int) -> int | None:
    """End of a committee's short name of five to _LONG_SHORT_MAX characters written at ``at`` when a title
    follows it (县政协社会和法制委主任, 市政协港澳台侨和外事委副主任), or None. The name is a run of nouns,
    joined by 和 (a verb beside 和 stays: 文化文史和学习委); a verb or function word makes it a clause."""
    endings = _roles_set("short_committee_end")
    for size in range(5, _LONG_SHORT_MAX + 1):
        end = at + size
        if end >= len(norm) or not is_cjk(norm[end - 1]):
            return None
        ending = next((e for e in endings if norm.startswith(e, end)), "")
        if not ending or norm[end + len(ending) : end + len(ending) + 1] in tuple(_not_after(ending)):
            continue
        if not _titles_at(norm, end + len(ending)) or CPPCC in norm[at:end]:
            continue
        parts = words.tokens(norm[at:end])
        if all(words.tag(w) not in _NOT_IN_COMMITTEE or _beside_and(parts, i) for i, w in enumerate(parts)):
            return end + len(ending)
    return None


def _beside_and(parts: tuple[str, ...] | list[str], i: int) -> bool:
    """True when the word ``parts[i]`` is next to 和 (学习 of 文化文史和学习, 提案 of 提案和委员联络)."""
    return (i > 0 and parts[i - 1] == "和") or (i + 1 < len(parts) and parts[i + 1] == "和")


def _members_committee(norm: str, at: int, end: int) -> bool:
    """True when the committee's short name ending at ``end`` starts with a member title and a title follows
    it (委员委主任, 委员工作委副主任: the committee on members' work, not a member)."""
    return norm.startswith(_member_titles(), at) and _titles_at(norm, end)


def cppcc_sub_at(norm: str, at: int) -> bool:
    """True when a committee's sub-organ that a title follows is written at ``at`` (委员委 of 常委、委员委主任)."""
    end = _cppcc_sub_end(norm, at)
    return end is not None and _titles_at(norm, end)


def _member_titles() -> tuple[str, ...]:
    return titles_of("member")


TITLE_KINDS = frozenset({"whole", "position", "member", "head", "cue", "byline", "deputy"})
"""The rows of kg/data/titles.tsv that are titles written before a name (the others are words the people
rules use around titles: join, unit, former, age, kin)."""


@cache
def titles_of(*kinds: str) -> tuple[str, ...]:
    """The words of kg/data/titles.tsv of any of these kinds, in the file's order."""
    return tuple(title for title, kind in read_table("titles.tsv", 2, 2) if kind in kinds)


def _title_words() -> tuple[str, ...]:
    return titles_of(*sorted(TITLE_KINDS))


def _titles_at(norm: str, at: int) -> bool:
    """True when a title starts at ``at`` (常委 of 县政协常委 is a title, not a committee)."""
    return norm.startswith(_title_words(), at)


def party_committee_endings() -> tuple[str, ...]:
    """How a Party committee's name ends (委 of 区委): its departments written alone belong to it."""
    return _roles_set("party_committee")


@cache
def _roles_set(role: str) -> tuple[str, ...]:
    return tuple(w for w, _ in _roles().get(role, []))


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
    while run > 0 and at - run < _SET_UP_WINDOW and (is_cjk(norm[run - 1]) or norm[run - 1] in _QUOTES):
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
    if at == 0 or not is_cjk(norm[at - 1]):
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
    """杉林乡委员联络组, 富世街道委员联络组, 政协松林乡工委: a CPPCC unit after a town or street without its
    committee written before it."""
    units = _patterns()["cppcc_unit"]
    spans = SpanIndex((h.start, h.end) for h in taken)
    found: list[OrganHit] = []
    for place in places:
        if place.level != "township":
            continue
        match = units.match(norm, place.end)
        if match is None or spans.overlaps(place.start, match.end()):
            continue
        end = match.end()
        start = place.start
        if norm.startswith(CPPCC, start - len(CPPCC)) and not spans.overlaps(start - len(CPPCC), start):
            start -= len(CPPCC)  # 政协松林乡工委: the written form keeps 政协
        found.append(
            OrganHit(start, end, "CPPCCBody", norm[start:end], place, "", norm[place.end : end], end, cppcc_unit=True)
        )
    return found


_DEPARTMENT_MAX = 10
"""Characters of a department's own name before 局 (住建和交通运输, 文化广播电视和旅游)."""


def _government_departments(norm: str, places_by_end: dict[int, PlaceHit], taken: list[OrganHit]) -> list[OrganHit]:
    """Departments after a place or level word: listed ones (区住建局, 县住房城乡建委), any X局 whose name
    starts at a word (区住建和交通运输局, not 市|场监管局), and the later links of a list, which inherit
    the first one's place (会同县水利局、林业局)."""
    found: list[OrganHit] = []
    spans = SpanIndex((h.start, h.end) for h in taken)
    candidates = [m.span() for m in _patterns()["gov_dept"].finditer(norm)]
    candidates.extend(_bureaus(norm))
    candidates.sort(key=lambda span: (span[1], span[0]))
    in_places = SpanIndex((p.start, p.end) for p in places_by_end.values())
    for ds, de in candidates:
        if spans.overlaps(ds, de) or in_places.overlaps(de - 1, de):
            continue  # 铜元局 of 铜元局街道 is part of a place
        hit = _department_hit(norm, ds, de, places_by_end) or _listed_after(norm, ds, de, found)
        if hit is not None:
            found.append(hit)
            spans.add(hit.start, hit.end)
    return found


def _bureaus(norm: str) -> list[tuple[int, int]]:
    """Spans X局 where X is 2 to _DEPARTMENT_MAX characters; each start is a candidate."""
    spans: list[tuple[int, int]] = []
    for ending in _roles_set("bureau_end"):
        at = norm.find(ending)
        while at >= 0:
            if norm[at + len(ending) : at + len(ending) + 1] in tuple(_not_after(ending)):
                at = norm.find(ending, at + 1)
                continue  # 委员, 委会: another word
            for size in range(2, _DEPARTMENT_MAX + 1):
                if at - size < 0 or not is_cjk(norm[at - size]) or not is_cjk(norm[at - 1]):
                    break  # the character right before the ending counts too (党组书记、局长: no 组书记、局)
                spans.append((at - size, at + len(ending)))
            at = norm.find(ending, at + 1)
    return spans


def _department_hit(norm: str, ds: int, de: int, places_by_end: dict[int, PlaceHit]) -> OrganHit | None:
    if norm.endswith(_party_heads(), ds, de):
        return None  # 乡镇党委: a Party committee's head, read (or rejected) as such, not a department
    if norm.endswith(_titles_as_bureau(), ds, de):
        return None  # 九三学社县支社主委: a title ending like a department (主委, 常委) is no department
    prefix = _prefix(norm, ds, places_by_end)
    if prefix is None or not _department_name(norm, ds, de):
        return None
    place, level, start = prefix
    if level and _word_across(norm, start, ds, de) and not _patterns()["gov_dept"].fullmatch(norm, ds, de):
        return None  # 市场监管局 without a place: 市 is the start of 市场 (县民宗局 is a listed department)
    tail_start = place.end if place else start + len(level)
    type_ = "CPPCCBody" if CPPCC in norm[ds:de] else "PartyGovOrgan"  # 镇政协工委: a committee's unit, no department
    return OrganHit(start, de, type_, norm[start:de], place, level, norm[tail_start:de], de)


@lru_cache(maxsize=1)
def _titles_as_bureau() -> tuple[str, ...]:
    """Titles of two or more characters that end the way a department does (主委, 常委 end with 委)."""
    endings = _roles_set("bureau_end")
    return tuple(t for t in _title_words() if len(t) >= 2 and t.endswith(endings))


@lru_cache(maxsize=1)
def _party_heads() -> tuple[str, ...]:
    return tuple(w for w, _ in _roles().get("party_head", []) if len(w) >= 2)


def _department_name(norm: str, ds: int, de: int) -> bool:
    """True when ``norm[ds:de]`` reads as a name (no verb or function word first, no particle within:
    往届的两委 is no department)."""
    text = norm[ds : de - 1]
    return _descriptor(text) and not any(words.tag(w).startswith("u") for w in words.tokens(text))


def _word_across(norm: str, start: int, at: int, end: int) -> bool:
    """True when a dictionary word starting at ``start`` runs across ``at`` and ends before ``end`` (市场
    of 市场监管局; not 县公安局, one word for the whole organ)."""
    window = norm[start : end + 2]
    word = words.word_at(window, 0)
    return at - start < len(word) < end - start and bool(words.tag(word))


def _listed_after(norm: str, ds: int, de: int, found: list[OrganHit]) -> OrganHit | None:
    """林业局 of 会同县水利局、林业局: a department right after another one and 、 takes its place."""
    before = next((h for h in reversed(found) if h.end == ds - 1), None)
    if before is None or norm[ds - 1] != "、" or not _department_name(norm, ds, de):
        return None
    if norm.startswith(tuple(level_words()), ds):
        return None  # 市商务局 of 市文旅局、市商务局 has a level word of its own
    return OrganHit(ds, de, "PartyGovOrgan", norm[ds:de], before.place, before.level, norm[ds:de], de)


def department_after(norm: str, term: OrganHit) -> OrganHit:
    """A lexicon organ with a Party department of three or more characters written right after it
    (中联办|社会工作部, 中联办|宣传部), or another department ending in 部 that a title follows
    (中联办|协调部副部长), as one organ whose base is the lexicon organ; else the organ itself."""
    match = _patterns()["party_dept"].match(norm, term.end)
    if term.type != "PartyGovOrgan":
        return term
    if match is None or len(match.group(1)) < 3:
        size = _titled_department(norm, term.end)
        if not size:
            return term
        end = term.start + len(term.surface) + size
        return OrganHit(term.start, end, term.type, norm[term.start : end], None, "", term.tail + norm[term.end : end], term.end)
    end = term.start + len(term.surface) + len(match.group(1))
    return OrganHit(term.start, end, term.type, norm[term.start : end], None, "", term.tail + match.group(1), term.end)


_TITLED_DEPARTMENT = re.compile(f"[{_CJK}]{{1,4}}?部")


def _titled_department(norm: str, at: int) -> int:
    """Characters of a department of two to five characters ending in 部 written at ``at`` with a title
    straight after it (协调部副部长 after 中联办), 0 when none: a lexicon organ's department we do not list."""
    match = _TITLED_DEPARTMENT.match(norm, at)
    if match is None or not _titles_at(norm, match.end()) or not _descriptor(norm[at : match.end() - 1]):
        return 0
    return match.end() - at


def _bare_departments(norm: str, taken: list[OrganHit]) -> list[OrganHit]:
    pats = _patterns()
    spans = SpanIndex((h.start, h.end) for h in taken)
    found: list[OrganHit] = []
    for match in pats["party_dept"].finditer(norm):
        ds, de = match.span()
        if match.group(1) not in _roles_set("bare_dept"):
            continue
        if spans.overlaps(ds, de):
            continue
        if ds > 0 and is_cjk(norm[ds - 1]):
            continue
        listed = _listed_party_department(norm, ds, de, taken + found)
        found.append(listed or OrganHit(ds, de, "PartyGovOrgan", norm[ds:de], None, "", norm[ds:de], de, needs_parent=True))
    return found


def _listed_party_department(norm: str, ds: int, de: int, hits: list[OrganHit]) -> OrganHit | None:
    """宣传部 of 县委组织部、宣传部: a department after another Party department and 、 is the same
    committee's (its place or level and the committee's part of the name are inherited)."""
    before = next((h for h in hits if h.end == ds - 1), None)
    if before is None or norm[ds - 1] != "、" or before.type != "PartyGovOrgan":
        return None
    # the department's own part: after its committee (县委|组织部), or all of a listed one (宣传部 of 委宣传部)
    own = before.end - before.base_end if before.base_end < before.end else len(before.surface)
    committee = before.tail[: len(before.tail) - own]
    if not committee.endswith(party_committee_endings()):
        return None
    return OrganHit(ds, de, "PartyGovOrgan", norm[ds:de], before.place, before.level, committee + norm[ds:de], de)


def _coordinated_centre(norm: str, hits: list[OrganHit]) -> list[OrganHit]:
    """中央 written alone and coordinated with a Party or government organ after it (落实中央和省委部署,
    中央、省委): the Party's Central Committee (kg/data/organs.tsv, centre), the written form an alias."""
    found: list[OrganHit] = []
    starts = {h.start for h in hits if h.type == "PartyGovOrgan"}
    for word, name in _roles().get("centre", []):
        at = norm.find(word)
        while at >= 0:
            end = at + len(word)
            before = norm[at - 1] if at > 0 else ""
            joined = end < len(norm) and norm[end] in _chars("centre_joiner") and end + 1 in starts
            if joined and not (before and before in _chars("centre_not_after")):
                found.append(OrganHit(at, end, "PartyGovOrgan", word, None, "", name, end))
            at = norm.find(word, end)
    return found


def _with_party_group(norm: str, hit: OrganHit) -> OrganHit:
    """A government or congress organ with its Party group or committee written straight after it
    (县发改局党组, 县人大常委会党组, 县工商联党组): one organ whose base is the organ written first, so that
    党组书记、局长 gives the group's secretary and the bureau's head."""
    if hit.type != "PartyGovOrgan" or hit.base_end != hit.end or hit.surface.endswith(_roles_set("party_committee")):
        return hit
    group = next((w for w in _roles_set("party_group") if norm.startswith(w, hit.end)), "")
    if not group:
        return hit
    end = hit.end + len(group)
    return OrganHit(hit.start, end, hit.type, norm[hit.start : end], hit.place, hit.level, hit.tail + group, hit.end,
                    party=hit.party)


def _drop_nested(hits: list[OrganHit]) -> list[OrganHit]:
    kept: list[OrganHit] = []
    for hit in hits:
        if kept and hit.start < kept[-1].end:
            if hit.end - hit.start > kept[-1].end - kept[-1].start:
                kept[-1] = hit
            continue
        kept.append(hit)
    return kept
