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

from kg.extract import words
from kg.extract.organs import OrganHit
from kg.extract.places import SpanIndex
from kg.lexicon import read_table, word_set
from kg.model import Sentence

_SKIP = " \u3000：:"
_SEPARATORS = "、，,。；;）)\n 　"
_CJK_RE = re.compile(r"[\u4e00-\u9fff]")
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
def _titles() -> tuple[re.Pattern[str], dict[str, str]]:
    kinds = {title: kind for title, kind in read_table("titles.tsv", 2, 2)}
    alternation = "|".join(re.escape(t) for t in sorted(kinds, key=len, reverse=True))
    return re.compile(alternation), kinds


@lru_cache(maxsize=1)
def _surnames() -> tuple[frozenset[str], frozenset[str]]:
    names = word_set("surnames.txt")
    return frozenset(n for n in names if len(n) == 1), frozenset(n for n in names if len(n) == 2)


@lru_cache(maxsize=1)
def _followers() -> tuple[str, ...]:
    return tuple(sorted(word_set("name_followers.txt"), key=len, reverse=True))


def _follower_at(norm: str, i: int) -> bool:
    return any(norm.startswith(w, i) for w in _followers())


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
    if bounded and s == 2 and given <= 2:
        # 吉克石一，: punctuation closes a name with a two-character surname (一 is no follower here)
        return p, run_end
    if given == 1 or _follower_at(norm, p + s + 1):
        return p, p + s + 1
    if given == 2 or _follower_at(norm, p + s + 2):
        return p, p + s + 2
    if given == 3 and s == 1 and bounded:
        return p, run_end
    return p, p + s + 2


def _title_matches(norm: str, organs: list[OrganHit]) -> list[tuple[int, int, str]]:
    """Titles in reading order: free-standing ones, and the one written straight after each organ (a
    title such as 委员 after 县政协 is otherwise hidden inside the longer cue 政协委员)."""
    pattern, _ = _titles()
    organ_spans = SpanIndex((o.start, o.end) for o in organs)
    found: dict[int, tuple[int, int, str]] = {}
    for match in pattern.finditer(norm):
        ts, te = match.span()
        if not organ_spans.overlaps(ts, te):
            found[ts] = (ts, te, match.group())
    for organ in organs:
        after = pattern.match(norm, organ.end)
        if after and organ.end not in found:
            found[organ.end] = (organ.end, after.end(), after.group())
    return [found[k] for k in sorted(found)]


def find_people(
    norm: str, sentences: list[Sentence], organs: list[OrganHit]
) -> tuple[list[PersonHit], list[PositionHit]]:
    pattern, kinds = _titles()
    organ_by_end = {o.end: o for o in organs}
    persons: list[PersonHit] = []
    positions: list[PositionHit] = []
    sentence_of = _sentence_index(norm, sentences)
    last_organ: OrganHit | None = None
    last_sentence = -1
    pending: list[PositionHit] = []
    for ts, te, title in _title_matches(norm, organs):
        sentence = sentence_of[ts]
        if sentence != last_sentence:
            last_organ, pending, last_sentence = None, [], sentence
        before = norm[ts - 1] if ts > 0 else "\n"
        kind = kinds[title]
        if kind in ("position", "member"):
            organ = organ_by_end.get(ts)
            if organ is not None:
                position = PositionHit(organ.start, te, title, organ, False, norm[organ.start : te])
                last_organ = organ
            elif kind == "position" and before in "、，," and last_organ is not None:
                position = PositionHit(ts, te, title, last_organ, True, title)
            else:
                pending = []
                continue
            pending = [p for p in pending if p.end <= position.start and _joined(norm, p.end, position.start)]
            pending.append(position)
        else:
            # 区政协委员、某公司技术员钟晓燕: the post before the description is still the person's
            pending = [p for p in pending if p.end <= ts and _DESCRIBED.fullmatch(norm, p.end, ts)]
        span = parse_name(norm, te)
        if span is None or not _plausible(norm, *span):
            continue
        names = [span]
        while names[-1][1] < len(norm) and norm[names[-1][1]] == "、":
            nxt = parse_name(norm, names[-1][1] + 1)
            if nxt is None or pattern.match(norm, names[-1][1] + 1) or not _plausible(norm, *nxt):
                break
            names.append(nxt)
        persons.extend(PersonHit(a, b, norm[a:b]) for a, b in names)
        positions.extend(pending)
        pending = []
    return _recurrences(norm, persons), positions


_DESCRIBED = re.compile(r"、[^、，,。；;：:\n（）()]{0,16}")
_NOT_NAME_TAGS = frozenset({"v", "vn", "vd", "d", "p", "c", "u", "m", "mq", "q", "f", "s", "t", "r", "l"})
"""jieba dictionary tags of words that do not start a name (verbs, adverbs, function words, time and
place words: 全部, 关心, 楼下)."""
_FUNCTION_TAGS = frozenset({"c", "p", "u"})


def _plausible(norm: str, start: int, end: int) -> bool:
    """False when jieba reads the span as ordinary words: a word that is no name running from the
    surname into the given name (全部编, 楼下, 关心), a word running across the name's end (文明经|营),
    a conjunction or preposition followed by a word (和群众), a long given name ending in a word (包抓县区)."""
    if "·" in norm[start:end]:
        return True
    span = norm[start : end + 2]
    size = end - start
    if not words.is_boundary(span, size) and not _follower_at(norm, end):
        # a word that usually follows names closes it even where jieba reads across (赵德|明说)
        return False
    first = words.word_at(span, 0)
    single, compound = _surnames()
    if len(first) >= 2 and first not in compound and words.tag(first) in _NOT_NAME_TAGS:
        return False
    if len(first) == size >= 3 and words.tag(first) and not words.tag(first).startswith("nr"):
        # the whole span is one dictionary word that is no name (任组长 of 由县政协主席任组长)
        return False
    if len(first) == 1 and words.tag(first) in _FUNCTION_TAGS:
        second = words.word_at(span, 1)
        if len(second) >= 2 and words.tag(second):
            return False
    if size == 4 and norm[start : start + 2] not in compound:
        last = words.word_at(span, 3)
        if len(last) >= 2 and words.tag(last) and not words.tag(last).startswith("nr"):
            return False
    return True


def _joined(norm: str, end: int, start: int) -> bool:
    return norm[end:start] in ("、", "")


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
