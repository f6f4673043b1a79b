"""Named things that are not places, organs or people: platforms, mechanisms, topics, events, publications.

    find_terms(norm, lexicon_entries) -> list[TermHit]

Sources, in order of trust: lexicon terms (Aho-Corasick, longest match); quoted spans classified by the
word that ends them or follows them (kg/data/quote_classes.tsv: “一梯一议”机制 -> Mechanism 一梯一议机制,
“凤城议事”平台 -> Platform 凤城议事); unquoted names ending in such a word (精准选题机制, 基层协商骨干培训班);
publications named in a by-line (（湖州日报记者 …）); topics listed after 围绕/聚焦/就 (kg/data/topic_triggers.tsv).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import ahocorasick

from kg.extract.places import name_start
from kg.lexicon import LexiconEntry, read_table, word_set

_QUOTES = {"“": "”", "「": "」", "《": "》", "‘": "’", "『": "』"}
_QUOTE_CHARS = "“”「」《》‘’『』"
_CJK = "\u4e00-\u9fff"
_TERM_BOUNDARY_CHARS = frozenset("在到于和与及的等了赴向从对把将为是就由、，。；：")


@dataclass
class TermHit:
    start: int
    end: int
    type: str
    name: str
    """Canonical name (quotes removed)."""
    surface: str


def strip_quotes(text: str) -> str:
    return "".join(c for c in text if c not in _QUOTE_CHARS)


@lru_cache(maxsize=1)
def _classes() -> tuple[tuple[str, str, str], ...]:
    rows = read_table("quote_classes.tsv", 3, 3)
    return tuple(sorted(rows, key=lambda r: len(r[0]), reverse=True))


@lru_cache(maxsize=1)
def _classes_by_ending() -> tuple[dict[str, tuple[str, str, str]], tuple[int, ...]]:
    table = {row[0]: (row[0], row[1], row[2]) for row in reversed(_classes())}
    return table, tuple(sorted({len(e) for e in table}, reverse=True))


def _class_of_ending(text: str) -> tuple[str, str, str] | None:
    """The longest class word ``text`` ends with (one dictionary look-up per ending length)."""
    table, lengths = _classes_by_ending()
    for size in lengths:
        if size <= len(text):
            row = table.get(text[-size:])
            if row is not None:
                return row
    return None


def _automaton(entries: tuple[LexiconEntry, ...]) -> "ahocorasick.Automaton":
    auto = ahocorasick.Automaton()
    for entry in entries:
        auto.add_word(entry.term, (entry.term, entry.type, entry.canonical))
    auto.make_automaton()
    return auto


_AUTOMATA: dict[tuple[LexiconEntry, ...], "ahocorasick.Automaton"] = {}


def lexicon_hits(norm: str, entries: tuple[LexiconEntry, ...]) -> list[TermHit]:
    if entries not in _AUTOMATA:
        _AUTOMATA[entries] = _automaton(entries)
    auto = _AUTOMATA[entries]
    if len(auto) == 0:
        return []
    return [
        TermHit(end_index - len(term) + 1, end_index + 1, type_, canonical, term)
        for end_index, (term, type_, canonical) in auto.iter_long(norm)
    ]


def _titles(norm: str) -> list[TermHit]:
    """《…》 titles (which may hold “…” inside): documents are mechanisms, periodicals publications."""
    hits: list[TermHit] = []
    for match in re.finditer("《([^《》\n]{2,60})》", norm):
        inner = match.group(1)
        qs, qe = match.span()
        cls = _class_of_ending(re.sub(r"[（(][^）)]*[）)]$", "", inner))
        after = norm[qe : qe + 2]
        if cls is not None and cls[1] in ("Mechanism", "Publication", "Event"):
            hits.append(TermHit(qs, qe, cls[1], strip_quotes(inner), norm[qs:qe]))
        elif after in ("杂志", "刊物", "期刊") or norm[qs - 2 : qs] in ("刊物",):
            hits.append(TermHit(qs, qe, "Publication", strip_quotes(inner), norm[qs:qe]))
    return hits


def _quoted(norm: str) -> list[TermHit]:
    hits: list[TermHit] = _titles(norm)
    titled = [(h.start, h.end) for h in hits]
    for match in re.finditer("[“「《‘『]([^“”「」《》‘’『』\n]{2,40})[”」》’』]", norm):
        if any(a < match.start() and match.end() <= b for a, b in titled) or match.group().startswith("《") and any(a == match.start() for a, _ in titled):
            continue
        inner = match.group(1)
        qs, qe = match.span()
        after = re.match(f"[{_CJK}]{{1,8}}", norm[qe:])
        tail = after.group() if after else ""
        best: tuple[int, tuple[str, str, str]] | None = None
        for k in range(len(tail), 0, -1):
            cls = _class_of_ending(tail[:k])
            if cls and (cls[2] == "in" or len(cls[0]) == k or tail[: k - len(cls[0])] in ("", "基层", "协商")):
                best = (k, cls)
                break
        inner_clean = re.sub(r"（[^）]*）$", "", inner)
        if best is not None:
            k, (ending, type_, keep) = best
            if keep == "in" and type_ == "Platform" and "·" in inner:
                hits.append(TermHit(qs, qe, type_, strip_quotes(inner), norm[qs:qe]))
            elif keep == "in":
                hits.append(TermHit(qs, qe + k, type_, strip_quotes(inner) + tail[:k], norm[qs : qe + k]))
            else:
                hits.append(TermHit(qs, qe, type_, strip_quotes(inner), norm[qs:qe]))
            if type_ == "Event" and keep == "in":
                hits.append(TermHit(qs, qe, type_, strip_quotes(inner) + tail[:k], norm[qs:qe]))
            continue
        cls = _class_of_ending(inner_clean)
        if cls is not None and len(inner_clean) > len(cls[0]):
            hits.append(TermHit(qs, qe, cls[1], strip_quotes(inner), norm[qs:qe]))
        elif "·" in inner and not re.search(r"[，。、]", inner):
            hits.append(TermHit(qs, qe, "Platform", inner, norm[qs:qe]))
    return hits


@lru_cache(maxsize=1)
def _suffix_pattern() -> "re.Pattern[str]":
    loose = _UNQUOTED_TOO_LOOSE
    endings = [
        e for e, t, keep in _classes()
        if keep == "in" and len(e) >= 2 and t in ("Mechanism", "Event") and e not in loose
    ]
    return re.compile("(" + "|".join(map(re.escape, sorted(endings, key=len, reverse=True))) + ")")


def _suffixed(norm: str, taken: list[TermHit]) -> list[TermHit]:
    """Unquoted names ending in a class word: 精准选题机制, 基层协商骨干培训班."""
    hits: list[TermHit] = []
    spans = [(h.start, h.end) for h in taken]
    for match in _suffix_pattern().finditer(norm):
        ms, me = match.span()
        if any(a < me and ms < b for a, b in spans):
            continue
        start = ms
        while start > 0 and ms - start < 14 and (re.match(f"[{_CJK}“”]", norm[start - 1])) and norm[start - 1] not in _TERM_BOUNDARY_CHARS:
            start -= 1
        start = name_start(norm, ms, start, 14) if start < ms else start
        while start < ms and norm[start] in "”":
            start += 1
        name = strip_quotes(norm[start:me])
        if len(name) - len(match.group()) < 2:
            continue
        _, type_, _ = _class_of_ending(name) or ("", "Mechanism", "")
        hits.append(TermHit(start, me, type_, name, norm[start:me]))
    return hits


_UNQUOTED_TOO_LOOSE = frozenset(
    {"活动", "行动", "主题活动", "工程", "试点", "管理", "标准", "方案", "意见", "模式", "工作流程", "思路", "会议",
     "评选活动", "主题协商活动", "建设试点", "提质工程", "深化年", "提质年"}
)
"""Endings that name a thing only after a quoted name (“委员进村居”活动), not in running text."""

_BYLINE = re.compile(f"(?:(?<=[（(【《\\n、])|^)([{_CJK}]{{2,8}}?(?:日报|晚报|政协报|报|网))(?=记者|[）)，,】》 　等\\n]|讯)", re.M)


def _publications(norm: str) -> list[TermHit]:
    return [TermHit(m.start(1), m.end(1), "Publication", m.group(1), m.group(1)) for m in _BYLINE.finditer(norm)]


@lru_cache(maxsize=1)
def _topic_words() -> dict[str, tuple[str, ...]]:
    kinds: dict[str, list[str]] = {}
    for kind, word in read_table("topic_triggers.tsv", 2, 2):
        kinds.setdefault(kind, []).append(word)
    return {k: tuple(sorted(v, key=len, reverse=True)) for k, v in kinds.items()}


def _topics(norm: str, place_spans: Iterable[tuple[int, int]]) -> list[TermHit]:
    words = _topic_words()
    opens = "|".join(map(re.escape, words.get("open", ())))
    closes = words.get("close", ())
    strips = words.get("strip", ())
    stops = set(words.get("stop", ()))
    place_starts = {a: b for a, b in place_spans}
    hits: list[TermHit] = []
    for match in re.finditer(f"(?:{opens})", norm):
        begin = match.end()
        segment = re.match(f"[{_CJK}、“”]{{2,60}}", norm[begin:])
        if not segment:
            continue
        text = segment.group()
        cut = min((i for i in (text.find(c) for c in closes) if i > 0), default=-1)
        if cut < 0:
            if match.group() in ("围绕", "聚焦", "针对") and begin + len(text) < len(norm) and norm[begin + len(text)] in "，,。":
                cut = len(text)
            else:
                continue
        items_text = text[:cut]
        offset = begin
        for part in re.split("(、|和|与|及)", items_text):
            if part in ("、", "和", "与", "及"):
                offset += len(part)
                continue
            start = offset
            offset += len(part)
            item = part
            if "的" in item:
                start += item.rindex("的") + 1
                item = item[item.rindex("的") + 1 :]
            while start in place_starts and place_starts[start] < start + len(item):
                item = item[place_starts[start] - start :]
                start = place_starts[start]
            for word in strips:
                if item.endswith(word) and len(item) > len(word):
                    item = item[: -len(word)]
            name = strip_quotes(item)
            if len(name) < 3 or len(name) > 16 or name in stops:
                continue
            hits.append(TermHit(start, start + len(item), "Topic", name, norm[start : start + len(item)]))
    return hits


def find_terms(norm: str, entries: tuple[LexiconEntry, ...], place_spans: list[tuple[int, int]]) -> list[TermHit]:
    quoted = _quoted(norm)
    brands = [(h.start, h.end) for h in quoted if h.type == "Platform"]
    hits = [h for h in lexicon_hits(norm, entries) if not any(a < h.start and h.end < b for a, b in brands)]
    hits.extend(quoted)
    hits.extend(_suffixed(norm, hits))
    hits.extend(_publications(norm))
    hits.extend(_topics(norm, place_spans))
    stop = word_set("term_stoplist.txt")
    return [h for h in hits if h.name not in stop]
