"""People and the posts they hold.

    find_people(norm, sentences, organs) -> (persons, positions)

A name is recognised where a title or a role word announces it (省委书记彭清华, 记者 黄思婷, 居民代表刘桂芳)
and in enumerations after it (副主席钱晓梅、欧阳建华); a name then counts everywhere it recurs in the
document. Names start with a surname from kg/data/surnames.txt (compound surnames included) or are
written with a middle dot (阿依古丽·买买提). Where a name ends is decided by punctuation or by a word that
usually follows names (kg/data/name_followers.txt: 说, 表示, 陪同…).

A post is the organ written before the title plus the title (市政协 + 副主席); a title written after
、 or ， in the same sentence belongs to the organ of the post before it (市政协副主席、秘书长陈思远: 秘书长
of 市政协; 党组书记、主席: 主席 of the body, not of its 党组). Posts are kept only when a person holds them.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import lru_cache

import ahocorasick_rs

from kg.extract import words
from kg.extract.organs import TITLE_KINDS, OrganHit, chained_sub_organ, cppcc_sub_at, titles_of
from kg.extract.places import PlaceHit, SpanIndex, levels_of
from kg.lexicon import read_table, word_set
from kg.model import Sentence
from kg.rxgate import after_marks, gated
from kg.text import CJK, CJK_CHAR, NUMBER

_SKIP = " \u3000：:【[丨|｜︱"
_SEPARATORS = "、，,。；;）)\n 　"
_CJK_RE = CJK_CHAR
_DOT_NAME = re.compile(r"[\u4e00-\u9fff]{1,6}·[\u4e00-\u9fff]{1,6}")


@dataclass
class PersonHit:
    start: int
    end: int
    name: str


@dataclass
class PositionHit:
    start: int
    end: int
    title: str
    organ: OrganHit
    base: bool
    """True when the post is of the organ's base (the body, not its 党组) through an enumeration."""
    surface: str
    """The post as written (副主席, 市政协副主席)."""


@lru_cache(maxsize=1)
def _former() -> tuple[str, ...]:
    """Words before a title saying the post was held before (原, 前): kg/data/titles.tsv, kind former."""
    return titles_of("former")


_TITLE_KINDS = TITLE_KINDS


@lru_cache(maxsize=1)
def _titles() -> tuple[re.Pattern[str], dict[str, str]]:
    kinds = {title: kind for title, kind in read_table("titles.tsv", 2, 2) if kind in _TITLE_KINDS}
    alternation = "|".join(re.escape(t) for t in sorted(kinds, key=len, reverse=True))
    return re.compile(alternation), kinds


@lru_cache(maxsize=1)
def _title_finder() -> ahocorasick_rs.AhoCorasick:
    """The words of _titles' pattern, found leftmost-longest: the matches ``finditer`` gives for their
    alternation, longest first (at the first point where a title starts, the longest one starting there,
    then on from its end), in a fifth of the time over the bench texts."""
    _, kinds = _titles()
    return ahocorasick_rs.AhoCorasick(sorted(kinds, key=len, reverse=True), matchkind=ahocorasick_rs.MatchKind.LeftmostLongest)


@lru_cache(maxsize=1)
def _surnames() -> tuple[frozenset[str], frozenset[str]]:
    names = word_set("surnames.txt")
    return frozenset(n for n in names if len(n) == 1), frozenset(n for n in names if len(n) == 2)


@lru_cache(maxsize=1)
def _followers() -> tuple[str, ...]:
    return tuple(sorted(word_set("name_followers.txt"), key=len, reverse=True))


@lru_cache(maxsize=1)
def _followers_by_first() -> dict[str, tuple[str, ...]]:
    table: dict[str, list[str]] = {}
    for word in _followers():
        table.setdefault(word[0], []).append(word)
    return {k: tuple(v) for k, v in table.items()}


def _follower_at(norm: str, i: int) -> bool:
    return i < len(norm) and norm.startswith(_followers_by_first().get(norm[i], ()), i)


def parse_name(norm: str, p: int) -> tuple[int, int] | None:
    """The span of a person's name starting at ``p`` (after spaces or a colon), or None."""
    while p < len(norm) and norm[p] in _SKIP:
        p += 1
    dot = _DOT_NAME.match(norm, p)
    if dot:
        end = dot.end()
        second = norm.index("·", p) + 1
        for i in range(second + 1, end):
            if _follower_at(norm, i):
                return p, i
        return p, end
    run_end = p
    while run_end < len(norm) and run_end - p < 6 and _CJK_RE.match(norm[run_end]):
        run_end += 1
    single, compound = _surnames()
    if norm[p : p + 2] in compound:
        s = 2
    elif p < len(norm) and norm[p] in single:
        s = 1
    else:
        return None
    given = run_end - p - s
    if given < 1:
        return None
    bounded = run_end == len(norm) or norm[run_end] in _SEPARATORS
    if bounded and s == 2 and given <= 2 and not (given == 2 and _spoken_after(norm, p + s + 1)):
        # 吉克石一，: punctuation closes a name with a two-character surname (一 is no follower here)
        return p, run_end
    if given >= 2 and norm[p + s + 1] in _AND and _closed_at(norm, p + s + 2):
        return p, p + s + 2  # 韦家和一行, 李永和说: 和 closing a name is part of it when a follower comes next
    if given == 1 or _follower_at(norm, p + s + 1):
        return p, p + s + 1
    if given == 2 or _follower_at(norm, p + s + 2):
        return p, p + s + 2
    if given == 3 and s == 1 and bounded:
        if _follower_at(norm, p + s + 1) and not words.tag(norm[p : p + s + 1]):
            return p, p + s + 1  # 钟雷|汇报。: a following verb closes a two-character name before punctuation
        return p, run_end
    if _word_from(norm, p, p + s + 1) and not words.tag(norm[p : p + s + 1]):
        return p, p + s + 1  # 欧阳慧|应邀: the last character starts a word running past the name
    return p, p + s + 2


def _closed_at(norm: str, i: int) -> bool:
    """True when the text ends at ``i`` or punctuation or a word that follows names (but no conjunction) starts there."""
    if norm.startswith("一", i):
        return norm.startswith(("一行", "一同", "一起"), i)  # not 王强和一些委员
    return i >= len(norm) or norm[i] in _SEPARATORS or (norm[i] not in _AND and _follower_at(norm, i))


def _spoken_after(norm: str, i: int) -> bool:
    """A following verb at ``i`` (说, 表示) even before punctuation (慕容秀说。); 一 of 吉克石一 is no verb."""
    return any(norm.startswith(w, i) and words.tag(w).startswith("v") for w in _followers())


def _word_from(norm: str, p: int, at: int) -> bool:
    """True when a dictionary word of two or more characters starts at ``at`` and runs past ``at + 1``."""
    window = norm[p : at + 4]
    word = words.word_at(window, at - p)
    return len(word) >= 2 and words.is_boundary(window, at - p) and bool(words.tag(word))


def _title_matches(norm: str, organs: list[OrganHit]) -> list[tuple[int, int, str]]:
    """Titles in reading order: free-standing ones, and the one written straight after each organ (a
    title such as 委员 after 县政协 is otherwise hidden inside the longer cue 政协委员)."""
    pattern, _ = _titles()
    organ_spans = SpanIndex((o.start, o.end) for o in organs)
    found: dict[int, tuple[int, int, str]] = {}
    for _, ts, te in _title_finder().find_matches_as_indexes(norm):  # pattern.finditer's matches
        if not organ_spans.overlaps(ts, te):
            found[ts] = (ts, te, norm[ts:te])
    former = _former()
    for organ in organs:
        gap = len(next((w for w in former if norm.startswith(w, organ.end)), ""))
        after = pattern.match(norm, organ.end) or (pattern.match(norm, organ.end + gap) if gap else None)
        if after and organ.end not in found:
            # 省政协原副主席: a former post, named as the post (the time words say it is a former one)
            found[organ.end] = (organ.end, after.end(), after.group())
    return [found[k] for k in sorted(found)]


def find_people(
    norm: str, sentences: list[Sentence], organs: list[OrganHit], places: list[PlaceHit] | None = None
) -> tuple[list[PersonHit], list[PositionHit]]:
    places = places or []
    pattern, kinds = _titles()
    organ_by_end = {o.end: o for o in organs}
    roster = _roster_names(norm, [], pattern)
    roster_posts = _after_names(norm, roster)
    named = _NamedStarts([(o.start, o.end) for o in organs] + [(p.start, p.end) for p in places if p.candidates])
    persons: list[PersonHit] = []
    positions: list[PositionHit] = []
    sentence_of = _sentence_index(norm, sentences)
    last_organ: OrganHit | None = None
    organ_title = ""  # the title written straight after last_organ (主任 of 县政协办公室主任)
    last_linked = False  # last_organ is a sub-organ written alone in a chain (办公厅 of 秘书长、办公厅主任)
    last_sentence = -1
    pending: list[PositionHit] = []
    for ts, te, title in _title_matches(norm, organs):
        if _runs_on(norm, ts, te):
            continue  # 区长 of 南岸东区长江大道: the title's last character starts another word
        sentence = sentence_of[ts]
        if sentence != last_sentence:
            positions.extend(p for p in pending if p.start in roster_posts)
            last_organ, pending, last_sentence = None, [], sentence
        before = norm[ts - 1] if ts > 0 else "\n"
        kind = kinds[title]
        if kind == "deputy":
            congress = organ_by_end.get(ts)
            kind = "member" if congress is not None and congress.surface.endswith(_congresses()) else "cue"
        position: PositionHit | None = None
        if kind == "head":
            head = PositionHit(ts, te, title, _head_place(ts, title, places), False, title)
            written = organ_by_end[ts].start if ts in organ_by_end else ts  # 县委常委、县政府|副县长
            if pending and not (pending[-1].end <= written and _joined(norm, pending[-1].end, written)):
                positions.extend(p for p in pending if p.start in roster_posts)
                pending = []
            pending.append(head)
        elif kind == "whole":
            # 立法会议员, 行政会议成员: a post named whole, of no organ before it (not the chain's)
            before_organ = organ_by_end.get(ts)  # 澳门特区政府|社会文化司司长: of the organ written before it
            position = (
                PositionHit(before_organ.start, te, title, before_organ, False, norm[before_organ.start : te])
                if before_organ is not None
                else PositionHit(ts, te, title, OrganHit(ts, ts, "", "", None, "", "", ts), False, title)
            )
            if pending and not (pending[-1].end <= ts and _joined(norm, pending[-1].end, ts)):
                positions.extend(p for p in pending if p.start in roster_posts)
                pending = []
            pending.append(position)
        elif kind in ("position", "member"):
            organ = organ_by_end.get(ts)
            if organ is not None:
                position = PositionHit(organ.start, te, title, organ, False, norm[organ.start : te])
                last_organ, organ_title, last_linked = organ, title, False
            elif kind == "position" and last_organ is not None and (
                before in _chain() or (before in _AND and bool(persons) and persons[-1].end == ts - 1)
            ):
                # 区政协主席魏敏和副主席黄亚庆: 和 after a name joins the next holder of a post of the same body
                # 县政协党组成员、副主席: a post of the body, not of its 党组; but a deputy of the sub-organ's
                # own head stays the sub-organ's (县政协办公室主任邝伟，副主任游丽)
                base = not _same_post(organ_title, title)
                of = last_organ
                if base and last_linked and last_organ.parent is not None:
                    of, base = last_organ.parent, False  # 提案委主任X，副秘书长Y: the body's, not the committee's
                position = PositionHit(ts, te, title, of, base, title)
            elif kind == "position" and last_organ is not None and (sub := _chain_link(norm, ts, last_organ)):
                position = PositionHit(sub.start, te, title, sub, False, norm[sub.start : te])
                last_organ, organ_title, last_linked = sub, title, True  # 农业农村委主任X、副主任Y: the sub-organ's
            elif kind == "position" and last_organ is not None and (body := _chained_body(norm, ts, te, last_organ)):
                position = body  # 松溪村党支部书记、村委会主任: the village's committee, named with its place
            elif kind == "position" and (local := _local_head(ts, te, title, places)) is not None:
                position = local  # 光明社区书记, 松溪村主任: the head of a village or community named by its place
            elif kind == "position":
                position = _described_post(norm, ts, te, title)
            if position is None and kind == "member" and before in _chain() and cppcc_sub_at(norm, ts):
                continue  # 县政协常委、委员委主任: the member title starts the next link's committee
            if position is None and kind == "member" and not _member_speaks(norm, ts, te):
                pending = []  # 委员, 成员 alone announce no name (委员常态化参与, 成员单位)
                continue
            if position is None:
                # a title with no organ of ours before it (镇长, 协会会长 of a body we do not know) still
                # announces a name, but gives no post; the posts before a description stay the person's
                # (红星社区党委书记、居委会主任赵丽)
                pending = _described_before(norm, pending, ts)
            else:
                # the chain goes on only when the post before ends where this one starts (、, 兼 between)
                if pending and not (pending[-1].end <= position.start and (
                    _joined(norm, pending[-1].end, position.start) or _comma_joined(norm, pending[-1].end, position)
                )):
                    positions.extend(p for p in pending if p.start in roster_posts)
                    pending = []
                pending.append(position)
        else:
            # 区政协委员、某公司技术员钟晓燕: the post before the description is still the person's
            pending = _described_before(norm, pending, ts)
        bracketed = _bracketed_holder(norm, pending, te)
        if bracketed is not None and not named.overlaps(*bracketed):
            # 王明（县政协副主席）: the post in brackets after the name it belongs to
            persons.append(PersonHit(bracketed[0], bracketed[1], norm[bracketed[0] : bracketed[1]]))
            positions.extend(pending)
            pending = []
            continue
        span = parse_name(norm, te + _one_of(norm, te, kind))
        padded = _padded_name(norm, te) if span is None and kind == "byline" else None
        if padded is not None:
            persons.append(padded)  # 责任编辑：田 野 (and the names after it: 记者 林 涛 何佳)
            span = (padded.start, padded.end)
        elif span is None or not _plausible(norm, *span) or named.overlaps(*span):
            holder = _holder_before(norm, pending, te) if kind in ("position", "member", "head") else None
            if holder is not None:
                # 王明是松溪村党支部书记, 李华同志任县政协秘书长: the name before a copula or a verb of office
                persons.append(PersonHit(holder[0], holder[1], norm[holder[0] : holder[1]]))
                positions.extend(pending)
                pending = []
            continue  # 作者：平远县政协 — a place or organ after a role word is no name
        elif norm.endswith(_kin(), span[0], span[1]):
            continue  # 村民李大爷: a surname and a word of address is no name
        elif kind in ("byline", "cue", "whole") and span[0] == te and words.tag(norm[span[0] : span[1]]) in _GLUED_WORD_TAGS:
            continue  # 作者单位, 居民关心: a word glued to a by-line or role cue is no name
        elif kind == "cue" and span[0] == te and not words.is_boundary(norm[ts : te + 3], te - ts):
            continue  # 居民楼|加装: the role word is part of a longer word
        names = [span]
        while names[-1][1] < len(norm):
            gap = _list_gap(norm, names[-1][1], kind == "byline")
            if not gap:
                break
            nxt = parse_name(norm, names[-1][1] + gap)
            if nxt is None or pattern.match(norm, names[-1][1] + gap) or not _plausible(norm, *nxt) or named.overlaps(*nxt):
                break
            if gap > 1 and not _credit_end(norm, nxt[1]):
                break
            if norm.startswith(("：", ":"), nxt[1]):
                break  # 编辑：王小明 来源：…: a word before a colon is the next label, no name
            names.append(nxt)
        persons.extend(PersonHit(a, b, norm[a:b]) for a, b in names[1 if padded is not None else 0 :])
        positions.extend(pending)
        pending = []
    after_persons, after_positions = _names_before_titles(norm, persons, organs, places)
    persons.extend(after_persons)
    persons.extend(_listed_names(norm, persons, organs, places))
    positions.extend(after_positions)
    positions.extend(p for p in pending if p.start in roster_posts)  # a roster's last posts
    persons.extend(_credits(norm, persons))
    persons.extend(roster)
    persons.extend(_name_lists(norm, persons, organs, places))
    persons.extend(_after_ages(norm, persons))
    persons.extend(_biographies(norm, persons))
    return _recurrences(norm, persons), positions


_ONE_OF = "之一"


def _one_of(norm: str, te: int, kind: str) -> int:
    """Characters of 之一 between a post and its holder's name (界别召集人之一何平), 0 when none."""
    return len(_ONE_OF) if kind == "position" and norm.startswith(_ONE_OF, te) else 0


def _described_before(norm: str, pending: list[PositionHit], ts: int) -> list[PositionHit]:
    """The posts of a chain that stay the person's when a description with a title of no organ of ours
    comes next (区政协委员、区工商联副主席、某公司董事长赵飞): the last post before the description (、 and up
    to 16 characters between) and the posts chained before it."""
    for i in range(len(pending) - 1, -1, -1):
        if pending[i].end <= ts and _DESCRIBED.fullmatch(norm, pending[i].end, ts):
            return pending[: i + 1]
    return []


def _bracketed_holder(norm: str, pending: list[PositionHit], te: int) -> tuple[int, int] | None:
    """The name written right before a bracket holding the posts that end at ``te`` (王明（县政协副主席）,
    李红（县政协委员、白鹭镇党委书记）), or None."""
    if not pending or not norm.startswith(("）", ")"), te) or pending[-1].end != te:
        return None
    opening = pending[0].start - 1
    if opening < 1 or norm[opening] not in "（(":
        return None
    span = _without_word_before(norm, _name_ending_at(norm, opening))
    return span if span is not None and _plausible(norm[:opening] + "。", *span) else None


def _without_word_before(norm: str, span: tuple[int, int] | None) -> tuple[int, int] | None:
    """A three-character name read back from a title without the one-character word it starts with (由|李红:
    a preposition before a two-character name), None when the rest is no name."""
    if span is None or span[1] - span[0] != 3 or norm[span[0]] not in _boundary_words():
        return span
    return (span[0] + 1, span[1]) if parse_name(norm[span[0] + 1 : span[1]], 0) == (0, 2) else None


@lru_cache(maxsize=1)
def _boundary_words() -> frozenset[str]:
    """One-character words a name does not start with (kg/data/boundaries.txt: 由, 在, 对)."""
    return frozenset(w for w in word_set("boundaries.txt") if len(w) == 1)


@lru_cache(maxsize=1)
def _after_titles() -> tuple[re.Pattern[str], dict[str, str]]:
    kinds = {title: kind for title, kind in read_table("titles_after.tsv", 2, 2) if kind not in ("listed", "office")}
    return re.compile("|".join(re.escape(t) for t in sorted(kinds, key=len, reverse=True))), kinds


@lru_cache(maxsize=1)
def _listed() -> re.Pattern[str]:
    """等 or a count of people and a role closing a list of names (等驻镇委员, 两位委员): kg/data/titles_after.tsv,
    kind listed."""
    roles = "|".join(re.escape(t) for t, kind in read_table("titles_after.tsv", 2, 2) if kind == "listed")
    return gated(f"(?:等|(?:{NUMBER}|两)+[位名])[{CJK}]{{0,4}}?(?:{roles})")


def _listed_names(norm: str, known: list[PersonHit], organs: list[OrganHit], places: list[PlaceHit]) -> list[PersonHit]:
    """Names listed before 等 or a count and a role (钱丽芳、孙建业等驻镇委员发言, 钱丽芳、孙建业两位委员), the list
    opening a clause."""
    taken = SpanIndex(
        [(p.start, p.end) for p in known] + [(o.start, o.end) for o in organs] + [(p.start, p.end) for p in places]
    )
    found: list[PersonHit] = []
    for match in _listed().finditer(norm):
        spans: list[tuple[int, int]] = []
        end = match.start()
        while (span := _name_ending_at(norm, end)) is not None and _plausible(norm, *span):
            spans.append(span)
            if span[0] == 0 or norm[span[0] - 1] != "、":
                break
            end = span[0] - 1
        if not spans or not _opens_clause(norm, spans[-1][0]):
            continue
        found.extend(PersonHit(a, b, norm[a:b]) for a, b in reversed(spans) if not taken.overlaps(a, b))
    return found


def _names_before_titles(
    norm: str, known: list[PersonHit], organs: list[OrganHit], places: list[PlaceHit]
) -> tuple[list[PersonHit], list[PositionHit]]:
    """Names written before their title (毛泽东同志, 张澜先生, 习近平总书记): a name of two to four
    characters starting with a surname, at a word start. A title of kind ``post`` is a post too."""
    pattern, kinds = _after_titles()
    taken = SpanIndex(
        [(p.start, p.end) for p in known] + [(o.start, o.end) for o in organs] + [(p.start, p.end) for p in places]
    )
    persons: list[PersonHit] = []
    positions: list[PositionHit] = []
    for match in pattern.finditer(norm):
        ts, te = match.span()
        if kinds[match.group()] == "acts":
            continue  # 建议, 主持: only after an addressed title (钱丽芳委员建议)
        if kinds[match.group()] == "credit":
            # 陈立新 摄 closing a caption: spaces or a slash may stand between the name and 摄
            if te < len(norm) and not _credit_end(norm, te):
                continue
            while ts > 0 and norm[ts - 1] in " \u3000/／":
                ts -= 1
        if kinds[match.group()] == "addressed":
            ts -= len(next((w for w in _DEPUTY_MARKS if norm.endswith(w, 0, ts)), ""))  # 王明|副县长, not 王明副
        span = _name_ending_at(norm, ts)
        if span is None or taken.overlaps(*span):
            continue
        written = norm[span[0] : span[1]]
        if kinds[match.group()] == "addressed" and not _addressed_follows(norm, te):
            continue  # 钱丽芳委员说, not 由乡镇委员小组
        if kinds[match.group()] == "addressed":
            span = _without_word_before(norm, span)  # 由|李强书记主持
            if span is None or taken.overlaps(*span):
                continue
            written = norm[span[0] : span[1]]
        after_word = kinds[match.group()] == "addressed" and norm[span[0] - 1 : span[0]] in _boundary_words()
        if kinds[match.group()] in ("said", "addressed") and (
            not (_opens_clause(norm, span[0]) or after_word)  # 会议由高明区长主持: after a one-character word
            or (words.tag(written) and not words.tag(written).startswith(("nr", "ns")))
            or written.endswith(_kin())
        ):
            continue  # 王建国说 at the start of a clause, not 大家说 or 村里的老王说
        persons.append(PersonHit(span[0], span[1], norm[span[0] : span[1]]))
        taken.add(*span)
        if kinds[match.group()] == "addressed":
            # 马建华、罗伟强、胡文杰委员对此表示支持: the names listed before the one the title follows
            for listed in _listed_before(norm, span[0]):
                if not taken.overlaps(*listed):
                    persons.append(PersonHit(listed[0], listed[1], norm[listed[0] : listed[1]]))
                    taken.add(*listed)
        if kinds[match.group()] == "post":
            organ = OrganHit(ts, ts, "", "", None, "", "", ts)
            positions.append(PositionHit(ts, te, match.group(), organ, False, match.group()))
    return persons, positions


_DEPUTY_MARKS = ("常务副", "副")
"""Words before an addressed title that make it a deputy's (王明副县长, 李华常务副主任): part of the title."""


def _addressed_follows(norm: str, te: int) -> bool:
    """True when what follows an addressed title (委员, 主席 after a name) shows it addresses a person: a
    verb of speech or action (钱丽芳委员建议), a preposition or adverb opening the predicate (王建国主席对此
    给予肯定, 马建华委员也参加了), or the next name of a list (韩泽民副主席、刘平副主席)."""
    if _speaks_at(norm, te, acts=True):
        return True
    if te >= len(norm):
        return False
    if norm[te] == "、":
        nxt = parse_name(norm, te + 1)
        return nxt is not None and nxt[0] == te + 1
    word = words.word_at(norm[te : te + 4], 0)
    if words.tag(word) in _PREDICATE_OPENERS:
        return True
    # one short word, then a verb of speech or action (李华副主席先后前往, 王芳委员实地察看)
    pattern, kinds = _after_titles()
    verb = pattern.match(norm, te + len(word)) if len(word) <= 2 else None
    return verb is not None and kinds[verb.group()] in ("said", "acts")


_PREDICATE_OPENERS = frozenset({"p", "d", "uj"})
"""jieba tags of a word opening a predicate after a name and its addressed title (对, 为, 在, 也, 分别), or
of the particle 的 (李明委员的提案)."""


def _listed_before(norm: str, start: int) -> list[tuple[int, int]]:
    """Names listed with 、 before a name starting at ``start``, the list opening a clause (马建华、罗伟强、
    胡文杰委员): their spans, or none when the list does not open a clause."""
    spans: list[tuple[int, int]] = []
    end = start
    while end > 0 and norm[end - 1] == "、":
        span = _name_ending_at(norm, end - 1)
        if span is None or not _plausible(norm, *span):
            return []
        spans.append(span)
        end = span[0]
    return spans if spans and _opens_clause(norm, end) else []


_CLAUSE_OPENERS = "。！？；：，、“”（）()\n"
_OF = "的"


def _opens_clause(norm: str, at: int) -> bool:
    """True at the text's start, right after punctuation that opens a clause, or after 的 (开小超市的高建军说)."""
    return at == 0 or norm[at - 1] in _CLAUSE_OPENERS or norm[at - 1] == _OF


def _name_ending_at(norm: str, end: int) -> tuple[int, int] | None:
    single, compound = _surnames()
    window_start = max(0, end - 8)
    window = norm[window_start : end]
    for size in (3, 2, 4):
        start = end - size
        if start < 0 or not all(_CJK_RE.match(c) for c in norm[start:end]):
            continue
        surname = 2 if norm[start : start + 2] in compound else 1 if norm[start] in single else 0
        if not surname or size - surname > 2 or (size == 4 and surname == 1):
            continue
        if start > 0 and _CJK_RE.match(norm[start - 1]) and not words.is_boundary(window, start - window_start):
            continue
        if size == 2 and words.tag(norm[start:end]) and not words.tag(norm[start:end]).startswith("nr"):
            continue  # 常务 of 常务副主席, 党委 of 党委书记: a word, not a name
        if parse_name(norm[start:end], 0) == (0, size):
            return start, end
    return None


_CREDIT = re.compile(r"[（(]([^（）()\n]{2,30})[）)][ \t\u3000]*(?=\n|$)")
_DATELINE_CREDIT = re.compile(r"(?:讯|电|消息)[ \u3000]*[（(]([^（）()\n]{2,30})[）)]")
"""Names in brackets right after a dateline (宁海新闻网消息（王明）, 本报讯（李娟）)."""
@lru_cache(maxsize=1)
def _credit_unit() -> re.Pattern[str]:
    """The writer's unit before a credit's name (县政协办): the endings are kg/data/titles.tsv's "unit" rows."""
    endings = "|".join(map(re.escape, titles_of("unit")))
    return re.compile(f"[{CJK}]{{2,16}}(?:{endings})")


@lru_cache(maxsize=1)
def _age() -> re.Pattern[str]:
    """An age written before a name (73岁的王秀英): kg/data/titles.tsv, kinds age and age_link."""
    units = "|".join(map(re.escape, titles_of("age")))
    links = "|".join(map(re.escape, titles_of("age_link")))
    return re.compile(f"(?:\\d{{1,3}}|{NUMBER})(?:{units})(?:{links})?")


@lru_cache(maxsize=1)
def _kin() -> tuple[str, ...]:
    """Words for people by kinship or address after a surname (张大爷, 李阿姨): no name."""
    return titles_of("kin")


def _after_ages(norm: str, known: list[PersonHit]) -> list[PersonHit]:
    """A name right after an age (73岁的王秀英告诉记者): closed by punctuation or a word that follows names."""
    if not any(unit in norm for unit in titles_of("age")):
        return []  # every age holds its unit (岁): a text without one has none, told far cheaper than a search
    taken = SpanIndex((p.start, p.end) for p in known)
    found: list[PersonHit] = []
    for match in _age().finditer(norm):
        span = parse_name(norm, match.end())
        if span is None or span[0] != match.end() or taken.overlaps(*span):
            continue
        closed = span[1] >= len(norm) or norm[span[1]] in _SEPARATORS or _follower_at(norm, span[1])
        written = norm[span[0] : span[1]]
        common = words.tag(written) and not words.tag(written).startswith("nr")  # 居民 of 18岁的居民
        if closed and not common and not written.endswith(_kin()) and _plausible(norm, *span):
            found.append(PersonHit(span[0], span[1], norm[span[0] : span[1]]))
    return found


_SEXES = ("，男，", "，女，", "（男，", "（女，", "(男,", "(女,", ",男,", ",女,")


def _biographies(norm: str, known: list[PersonHit]) -> list[PersonHit]:
    """A name opening a short biography, its sex after a comma or bracket (王明，男，汉族，…; 李华（女，…）):
    the name opens a clause and reads as a name."""
    taken = SpanIndex((p.start, p.end) for p in known)
    found: list[PersonHit] = []
    for mark in _SEXES:
        at = norm.find(mark)
        while at >= 0:
            span = _name_ending_at(norm, at)
            if span is not None and _opens_clause(norm, span[0]) and _plausible(norm[: span[1]] + "。", *span) \
                    and not taken.overlaps(*span):
                found.append(PersonHit(span[0], span[1], norm[span[0] : span[1]]))
                taken.add(*span)
            at = norm.find(mark, at + 1)
    return found


_TOKEN = re.compile(r"[^\s：:]+")


def _roster_names(norm: str, known: list[PersonHit], titles: re.Pattern[str]) -> list[PersonHit]:
    """Names in a roster, written before their posts (名单：王 芳 县政协常委、桂山乡工委主任 陈国栋 …): a word
    that is a whole name, or a surname and one character padded apart with a space (王 芳), followed by a
    word holding a title."""
    taken = SpanIndex((p.start, p.end) for p in known)
    found: list[PersonHit] = []
    at = 0
    for line in norm.split("\n"):
        tokens = [(m.start() + at, m.end() + at) for m in _TOKEN.finditer(line)]
        at += len(line) + 1
        i = 0
        while i < len(tokens) - 1:
            start, end = tokens[i]
            step = 1
            name = norm[start:end]
            single, _ = _surnames()
            if len(name) == 1 and name in single and tokens[i + 1][1] - tokens[i + 1][0] == 1 and i + 2 < len(tokens):
                end, step, name = tokens[i + 1][1], 2, name + norm[tokens[i + 1][0]]  # 王 芳
            post = tokens[i + step] if i + step < len(tokens) else None
            if (
                post is not None
                and 2 <= len(name) <= 4
                and not taken.overlaps(start, end)
                and titles.search(norm, post[0], post[1])
                and parse_name(name, 0) == (0, len(name))
                and _plausible(name + "。", 0, len(name))
            ):
                found.append(PersonHit(start, end, name))
            i += step
    return found


_GLUED_WORD_TAGS = frozenset({"n", "vn", "v"})
"""Dictionary parts of speech of a word glued to a by-line cue that make it no name (作者单位)."""
_PADDED = re.compile(
    r"[：:丨|｜︱]?[ \u3000]*([\u4e00-\u9fff])[ \u3000]([\u4e00-\u9fff])"
    r"(?=[\n）)]|$|[ \u3000](?![\u4e00-\u9fff](?:[ \u3000\n）)]|$)))"
)


def _padded_name(norm: str, at: int) -> PersonHit | None:
    """A two-character name padded apart with a space after a by-line cue (责任编辑：田 野), or None."""
    match = _PADDED.match(norm, at)
    if match is None or match.group(1) not in _surnames()[0]:
        return None
    name = match.group(1) + match.group(2)
    return PersonHit(match.start(1), match.end(2), name) if _plausible(name + "。", 0, 2) else None


_LISTED_NAMES = re.compile(
    r"[：:\n有](?:(?<!有)|(?<=[的还]有))[ \u3000]*([\u4e00-\u9fff·]{2,6}?(?:、[\u4e00-\u9fff·]{2,6}?)+)(?=[。；;，,\n]|等|$)"
)
"""A colon or line break, or 有 after 的 or 还 (``(?:[：:\\n]|(?<=[的还])有)``, written to start with a character
class: the regex engine then skips, in a tight loop, the characters that cannot start a match), then the list."""
_SPACED_LINE = re.compile(r"^[ \u3000]*((?:[\u4e00-\u9fff·]{1,6}[ \u3000]+){2,}[\u4e00-\u9fff·]{1,6})[ \u3000]*$", re.M)
_NAME_GAP = re.compile(r"[ \u3000]{2,}|[ \u3000]*\t[ \u3000]*")


def _name_lists(norm: str, known: list[PersonHit], organs: list[OrganHit], places: list[PlaceHit]) -> list[PersonHit]:
    """Names alone in a list: separated by 、 after a colon, at a line's start or after 的有/还有, up to the
    clause's end or 等 (参加调研的委员有：王芳、李明华、张强。, 出席会议的有王芳、李明华。), or on a line
    of their own separated by spaces, a two-character name padded apart with one (王 芳  李明华  张 强).
    Every item must read as a name, and a list holds at least two (three on a line of spaces), else none
    is taken."""
    taken = SpanIndex(
        [(p.start, p.end) for p in known] + [(o.start, o.end) for o in organs] + [(p.start, p.end) for p in places]
    )
    found: list[PersonHit] = []
    for match in _LISTED_NAMES.finditer("\n" + norm):
        at = match.start(1) - 1  # the text was searched with a line break before it
        spans = []
        for item in match.group(1).split("、"):
            spans.append((at, at + len(item)))
            at += len(item) + 1
        found.extend(_all_names(norm, spans, taken))
    for match in after_marks(_SPACED_LINE, "\n", norm):  # _SPACED_LINE.finditer(norm), tried at line starts only
        line, at = match.group(1), match.start(1)
        spans = []
        pos = 0
        for part in _NAME_GAP.split(line):
            offset = line.index(part, pos)
            item = part.replace(" ", "").replace("\u3000", "")
            if len(item) == 2 and len(part) == 3 and part[1] in " \u3000":
                spans.append((at + offset, at + offset + 3))  # 王 芳: one name padded apart
            elif " " in part or "\u3000" in part:
                spans = []
                break
            else:
                spans.append((at + offset, at + offset + len(part)))
            pos = offset + len(part)
        if len(spans) >= 3:
            found.extend(_all_names(norm, spans, taken, padded=True))
    return found


def _all_names(
    norm: str, spans: list[tuple[int, int]], taken: SpanIndex, padded: bool = False
) -> list[PersonHit]:
    """Persons for the spans when every one reads as a whole name, none when one does not."""
    hits = []
    for a, b in spans:
        name = norm[a:b].replace(" ", "").replace("\u3000", "") if padded else norm[a:b]
        if not 2 <= len(name) <= 4 and "·" not in name or parse_name(name, 0) != (0, len(name)):
            return []
        if not plausible_name(name) or (words.tag(name) and not words.tag(name).startswith("nr")):
            return []
        if not taken.overlaps(a, b):
            hits.append(PersonHit(a, b, name))
    return hits


def _after_names(norm: str, names: list[PersonHit]) -> set[int]:
    """Offsets where the posts written after a roster's names start (the words after each name up to the
    line's end): a post starting there belongs to a name even with no name after it."""
    starts: set[int] = set()
    for name in names:
        line_end = norm.find("\n", name.end)
        line_end = len(norm) if line_end < 0 else line_end
        for match in _TOKEN.finditer(norm, name.end, line_end):
            starts.add(match.start())
            # 县政协常委、桂山乡工委主任: each post of the chain after 、 starts a post of the name too
            starts.update(i + 1 for i in range(match.start(), match.end()) if norm[i] == "、")
    return starts


def _credits(norm: str, known: list[PersonHit]) -> list[PersonHit]:
    """A credit closing a paragraph or following a dateline, in brackets: （罗佳）, （刘永欢、蒋鹏）, （县政协办
    吉伍依莫）, 宁海新闻网消息（王明）: names alone, separated by 、 or spaces, or after the writer's unit."""
    taken = SpanIndex((p.start, p.end) for p in known)
    found: list[PersonHit] = []
    for match in (*_CREDIT.finditer(norm), *_DATELINE_CREDIT.finditer(norm)):
        inner_start = match.start(1)
        parts = [(m.start() + inner_start, m.end() + inner_start) for m in re.finditer(r"[^\s、]+", match.group(1))]
        if parts and _credit_unit().fullmatch(norm, *parts[0]):
            parts = parts[1:]  # （县政协办　吉伍依莫）: the writer's unit first
        if not parts or len(parts) > 4 or "、" in match.group(1) and len(parts) < 2:
            continue
        names = [(a, b) for a, b in parts if b - a <= 4 and not taken.overlaps(a, b)]
        if len(names) == len(parts) and all(parse_name(norm, a) == (a, b) and _plausible(norm, a, b) for a, b in names):
            found.extend(PersonHit(a, b, norm[a:b]) for a, b in names)
    return found


_CHAIN_PUNCTUATION = "、，,"
_AND = "和及与"


@lru_cache(maxsize=1)
def _chain() -> str:
    """Characters joining the titles of one person (市政协副主席、秘书长; 副主席兼秘书长)."""
    return _CHAIN_PUNCTUATION + "".join(titles_of("join"))
_SPACES = re.compile(r"[ \u3000]+")


class _NamedStarts:
    """Organs and gazetteer places, asked whether a name candidate starts with one (越西县 of 越西县政协主席,
    平远县 of 平远县政协): a place inside a name (朝阳 of 王朝阳) does not count."""

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        self.starts = {a for a, _ in spans}

    def overlaps(self, start: int, end: int) -> bool:
        return start in self.starts


def _runs_on(norm: str, ts: int, te: int) -> bool:
    """True when jieba reads the title's last character as the start of a place word running past it
    (长江 of 东区长江大道)."""
    window = norm[max(0, ts - 2) : te + 3]
    at = te - 1 - max(0, ts - 2)
    word = words.word_at(window, at)
    return len(word) >= 2 and words.is_boundary(window, at) and words.tag(word).startswith("ns")


def _head_place(ts: int, title: str, places: list[PlaceHit]) -> OrganHit:
    """The place a government head's title belongs to, as an organ of kind "place": the place written
    right before it (平远县县长), else the place its level character stands for (县长, 副镇长)."""
    written = next((p for p in places if p.end == ts), None)
    if written is not None:
        return OrganHit(written.start, ts, "place", "", written, "", "", ts)
    level = next((c for c in title if levels_of(c)), "")
    return OrganHit(ts, ts, "place", "", None, level, "", ts)


def _chain_link(norm: str, ts: int, chain_organ: OrganHit) -> OrganHit | None:
    """The sub-organ written alone between a chain separator and the title at ``ts`` (办公厅 of
    市政协秘书长、办公厅主任), belonging to the organ the chain started with."""
    start = ts
    while start > 0 and ts - start <= 12 and _CJK_RE.match(norm[start - 1]):
        start -= 1
    if start == ts or start == 0 or norm[start - 1] not in _chain():
        return None
    base = chain_organ.parent or chain_organ
    return chained_sub_organ(norm, start, ts, base)


def _local_head(ts: int, te: int, title: str, places: list[PlaceHit]) -> PositionHit | None:
    """A post of a village's or community's head written straight after the place (光明社区书记, 松溪村
    主任; kg/data/titles.tsv, kind local_head), named with the place; None for other titles or places."""
    if title not in _local_heads():
        return None
    place = next((p for p in places if p.end == ts and p.level in ("village", "community")), None)
    if place is None:
        return None
    organ = OrganHit(place.start, ts, "place", "", place, "", "", ts)
    return PositionHit(place.start, te, title, organ, False, title)


@lru_cache(maxsize=1)
def _local_heads() -> frozenset[str]:
    return frozenset(titles_of("local_head"))


@lru_cache(maxsize=1)
def _congresses() -> tuple[str, ...]:
    """How a congress's name ends, whose 代表 is a post (人大 of 县人大): kg/data/titles.tsv, kind congress."""
    return titles_of("congress")


def _holder_before(norm: str, pending: list[PositionHit], te: int) -> tuple[int, int] | None:
    """The name of whoever holds the posts ``pending`` (a chain ending at ``te``, closed by punctuation)
    when a copula or a verb of taking office stands between them (王明是松溪村党支部书记, 李华同志任县政协
    秘书长; kg/data/titles_after.tsv, kind office): the name opens the clause; None otherwise."""
    if not pending or pending[-1].end != te or (te < len(norm) and norm[te] not in _SEPARATORS):
        return None
    verb = next((w for w in _office_verbs() if norm.endswith(w, 0, pending[0].start)), "")
    if not verb:
        return None
    end = pending[0].start - len(verb)
    end -= len(next((w for w in _addresses() if norm.endswith(w, 0, end)), ""))  # 李华同志任…
    span = _name_ending_at(norm, end)
    if span is None or not _opens_clause(norm, span[0]) or not _plausible(norm[: span[1]] + "。", *span):
        return None
    return span


@lru_cache(maxsize=1)
def _office_verbs() -> tuple[str, ...]:
    return tuple(sorted((t for t, kind in read_table("titles_after.tsv", 2, 2) if kind == "office"), key=len, reverse=True))


@lru_cache(maxsize=1)
def _addresses() -> tuple[str, ...]:
    """Words of address after a name (同志, 先生): kg/data/titles_after.tsv, kind name."""
    return tuple(sorted((t for t, kind in read_table("titles_after.tsv", 2, 2) if kind == "name"), key=len, reverse=True))


def _chained_body(norm: str, ts: int, te: int, chain_organ: OrganHit) -> PositionHit | None:
    """A post of a village's or community's own committee written alone in a title chain (村委会主任 of
    松溪村党支部书记、村委会主任; kg/data/titles.tsv, kind local_body): named after the place the chain's
    organ is of (松溪村村委会主任), as a government head is."""
    body = next((w for w in _local_bodies() if norm.endswith(w, 0, ts)), "")
    start = ts - len(body)
    if not body or start < 1 or norm[start - 1] not in _chain() or not (chain_organ.place or chain_organ.level):
        return None
    organ = OrganHit(start, start, "place", "", chain_organ.place, chain_organ.level, "", start)
    return PositionHit(start, te, norm[start:te], organ, False, norm[start:te])


@lru_cache(maxsize=1)
def _local_bodies() -> tuple[str, ...]:
    return tuple(sorted(titles_of("local_body"), key=len, reverse=True))


def _speaks_at(norm: str, at: int, acts: bool = False) -> bool:
    """True when a verb of speech (kg/data/titles_after.tsv, kind said) or a comma follows at ``at``; with
    ``acts``, also a verb of kind acts (after an addressed title: 钱丽芳委员建议)."""
    if at < len(norm) and norm[at] in "，,：:":
        return True
    pattern, kinds = _after_titles()
    said = pattern.match(norm, at)
    return said is not None and (kinds[said.group()] == "said" or acts and kinds[said.group()] == "acts")


def _member_speaks(norm: str, ts: int, te: int) -> bool:
    """True when a member title opening a clause is followed by a name and a verb of speech (委员钱丽芳说)
    or by a list of names (委员钱丽芳、孙建业参加调研)."""
    span = parse_name(norm, te) if _opens_clause(norm, ts) else None
    if span is None or span[0] != te or not _plausible(norm, *span):
        return False
    if _speaks_at(norm, span[1]):
        return True
    nxt = parse_name(norm, span[1] + 1) if norm.startswith("、", span[1]) else None
    return nxt is not None and nxt[0] == span[1] + 1 and _plausible(norm, *nxt)  # 委员钱丽芳、孙建业


def _same_post(head: str, title: str) -> bool:
    """True when ``title`` is ``head`` or a deputy of it (主任 and 副主任, 局长 and 常务副局长)."""
    core = head.removeprefix("副")
    return len(core) >= 2 and title.endswith(core)


def _list_gap(norm: str, end: int, byline: bool) -> int:
    """Characters between a name ending at ``end`` and the next name of the same list: 1 for 、 (and for
    和 or 及 when a name closed by punctuation or a following word comes next), the run of spaces after a
    byline's name (通讯员 冉丽 杜鹏飞), 0 when no list goes on."""
    if norm[end] == "、":
        return 1
    if norm[end] in _AND and not byline:
        nxt = parse_name(norm, end + 1)
        if nxt is not None and nxt[0] == end + 1 and (
            nxt[1] >= len(norm) or norm[nxt[1]] in _SEPARATORS or _follower_at(norm, nxt[1])
        ):
            return 1
    spaces = _SPACES.match(norm, end)
    return spaces.end() - end if byline and spaces else 0


def _credit_end(norm: str, end: int) -> bool:
    """True when a byline's name ending at ``end`` is followed by a space, a closing bracket or the line's end."""
    return end >= len(norm) or norm[end] in " \u3000）)】]\n"


@lru_cache(maxsize=1)
def _association_heads() -> tuple[str, ...]:
    return tuple(sorted(word_set("association_heads.txt") | _association_names(), key=len, reverse=True))


@lru_cache(maxsize=1)
def _association_names() -> frozenset[str]:
    return frozenset(word_set("association_names.txt"))


_DESCRIPTOR_CHARS = re.compile(r"[\u4e00-\u9fff]")
_DESCRIPTOR_MAX = 14


def _described_post(norm: str, ts: int, te: int, title: str) -> PositionHit | None:
    """A post of a body we have no organ for, written whole before the name: 凉山州彝绣协会会长,
    院落自治小组组长. The descriptor runs back from the title to punctuation (at most _DESCRIPTOR_MAX
    characters) and must end with an association's head word (kg/data/association_heads.txt)."""
    if not any(norm.endswith(h, 0, ts) for h in _association_heads()):
        return None
    start = ts
    while start > 0 and ts - start < _DESCRIPTOR_MAX and _DESCRIPTOR_CHARS.match(norm[start - 1]):
        start -= 1
    if ts - start == _DESCRIPTOR_MAX and start > 0 and _DESCRIPTOR_CHARS.match(norm[start - 1]):
        return None
    head = next(h for h in _association_heads() if norm.endswith(h, 0, ts))
    first = words.word_at(norm[start:ts], 0)
    if words.tag(first) in _FUNCTION_TAGS and ts - start - len(first) > len(head):
        start += len(first)  # 以及|澳门工会联合总会理事长: a conjunction before the descriptor is not in it
    if ts - start <= len(head) and head not in _association_names():
        return None
    organ = OrganHit(start, ts, "", norm[start:ts], None, "", norm[start:ts], ts)
    return PositionHit(start, te, title, organ, False, norm[start:te])


_DESCRIBED = re.compile(r"、[^、，,。；;：:\n（）()]{0,16}")
_NOT_NAME_TAGS = frozenset({"v", "vn", "vd", "d", "p", "c", "u", "m", "mq", "q", "f", "s", "t", "r", "l"})
"""jieba dictionary tags of words that do not start a name (verbs, adverbs, function words, time and
place words: 全部, 关心, 楼下)."""
_FUNCTION_TAGS = frozenset({"c", "p", "u"})
_VERB_LIKE_TAGS = frozenset({"v", "vd", "d", "p", "c", "u", "r"})
"""Tags of a two-character dictionary word that is no name even where it is written alone (应邀, 随即)."""


def _plausible(norm: str, start: int, end: int) -> bool:
    """False when jieba reads the span as ordinary words: a word that is no name running from the
    surname into the given name (全部编, 楼下, 关心), a word running across the name's end (文明经|营),
    a conjunction or preposition followed by a word (和群众), a long given name ending in a word (包抓县区)."""
    if "·" in norm[start:end]:
        return True
    if norm.startswith("》", end):
        return False  # the end of a title (《居民公约》)
    span = norm[start : end + 2]
    size = end - start
    if not words.is_boundary(span, size) and not _follower_at(norm, end) and words.tag(words.word_at(span, size - 1)):
        # a word that usually follows names closes it even where jieba reads across (赵德|明说); a guess
        # of jieba's for an unknown word (穆大贵种|了) decides nothing
        return False
    first = words.word_at(span, 0)
    single, compound = _surnames()
    if size == 2 and words.tag(norm[start:end]) in _VERB_LIKE_TAGS:
        return False  # 应邀|参加: a verb or adverb read whole, though jieba joins it to the next word
    if len(first) >= 2 and first not in compound and words.tag(first) in _NOT_NAME_TAGS:
        return False
    if len(first) == size >= 3 and words.tag(first) and not words.tag(first).startswith(("nr", "ns", "nz")):
        # the whole span is one dictionary word that is no name (任组长 of 由县政协主席任组长)
        return False
    if len(first) == 1 and words.tag(first) in _FUNCTION_TAGS:
        second = words.word_at(span, 1)
        if (len(second) >= 2 and words.tag(second)) or words.tag(first) == "c":
            return False  # 和群众, 和镇村干部: a conjunction, not a surname
    if size == 4 and norm[start : start + 2] not in compound:
        last = words.word_at(span, 3)
        if len(last) >= 2 and words.tag(last) and not words.tag(last).startswith("nr"):
            return False
    return True


def plausible_name(name: str) -> bool:
    """True when ``name`` written alone reads as a person's name rather than ordinary words."""
    return _plausible(name + "。", 0, len(name))


def _comma_joined(norm: str, end: int, position: PositionHit) -> bool:
    """True when a comma stands between posts of no name yet and a post written with its organ
    (市政协党组成员、副主席，市委统战部部长王明: one person's two chains of posts)."""
    return norm[end : position.start] in ("，", ",") and position.surface != position.title


def _joined(norm: str, end: int, start: int) -> bool:
    between = norm[end:start]
    return between in ("", "、") or between in _chain()[len(_CHAIN_PUNCTUATION) :]


def _recurrences(norm: str, persons: list[PersonHit]) -> list[PersonHit]:
    names = {p.name for p in persons if len(p.name) >= 2}
    found: dict[tuple[int, int], PersonHit] = {(p.start, p.end): p for p in persons}
    for name in names:
        start = norm.find(name)
        while start >= 0:
            found.setdefault((start, start + len(name)), PersonHit(start, start + len(name), name))
            start = norm.find(name, start + 1)
    return sorted(found.values(), key=lambda p: p.start)


def _sentence_index(norm: str, sentences: list[Sentence]) -> _SentenceOf:
    return _SentenceOf([s.start for s in sentences])


class _SentenceOf:
    """offset -> index of the sentence holding it (the one before, between sentences)."""

    def __init__(self, starts: list[int]) -> None:
        self.starts = starts

    def __getitem__(self, offset: int) -> int:
        return bisect.bisect_right(self.starts, offset) - 1
