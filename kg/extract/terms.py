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

from kg.extract import termtagger, words
from kg.extract.places import SpanIndex, level_chars_above_town, level_words, levels_of, name_start
from kg.gazetteer import gazetteer
from kg.ingest.meta import self_references
from kg.lexicon import LexiconEntry, read_table, word_set
from kg.rxgate import after_marks
from kg.text import CJK, CJK_CHAR, CPPCC, NUMBER, ORDINAL, QUOTES, is_cjk

_QUOTE_CHARS = QUOTES
_CJK = CJK


@dataclass
class TermHit:
    start: int
    end: int
    type: str
    name: str
    """Canonical name (quotes removed)."""
    surface: str


def merged_by_ending() -> tuple[str, ...]:
    """Venue words written alone that stand for the named venue ending in them (议事厅 after 桂香议事厅)."""
    return _term_words()["merge_by_ending"]


_QUOTE_CHAR = re.compile("[" + re.escape(_QUOTE_CHARS) + "]")


def strip_quotes(text: str) -> str:
    if _QUOTE_CHAR.search(text) is None:
        return text  # most names hold no quote mark: no character-by-character copy
    return "".join(c for c in text if c not in _QUOTE_CHARS)


@lru_cache(maxsize=1)
def _classes() -> tuple[tuple[str, str, str], ...]:
    rows = [(word, type_, kind) for word, type_, kind in read_table("quote_classes.tsv", 3, 3)]
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


def _automaton(entries: tuple[LexiconEntry, ...]) -> ahocorasick.Automaton:
    auto = ahocorasick.Automaton()
    for entry in entries:
        auto.add_word(entry.term, (entry.term, entry.type, entry.canonical))
    auto.make_automaton()
    return auto


_AUTOMATA: dict[tuple[LexiconEntry, ...], ahocorasick.Automaton] = {}


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
        elif (
            after in _publication_words()["periodical"]
            or norm[qs - 2 : qs] in _publication_words()["periodical_before"]
            or _published_after(norm, qe)
        ):
            hits.append(TermHit(qs, qe, "Publication", strip_quotes(inner), norm[qs:qe]))
    return hits


@lru_cache(maxsize=1)
def _publication_words() -> dict[str, tuple[str, ...]]:
    kinds: dict[str, list[str]] = {}
    for kind, word in read_table("publication_words.tsv", 2, 2):
        kinds.setdefault(kind, []).append(word)
    return {k: tuple(sorted(v, key=len, reverse=True)) for k, v in kinds.items()}


def _published_after(norm: str, at: int) -> bool:
    """True when a verb of publishing follows ``at``, a list of outlets between (《江苏政协》刊发,
    被《四川政协报》、人民政协网刊发)."""
    words = _publication_words()
    verbs = words["published"]
    rest = norm[at : at + 24]
    joiners = "".join(words["list_joiner"])
    listed = re.match(f"(?:[{joiners}][《]?[{_CJK}]{{2,10}}[》]?)*", rest)
    return rest.startswith(verbs, listed.end() if listed else 0)


def _either(kind: str) -> str:
    """The words of ``kind`` in kg/data/publication_words.tsv as a regular-expression alternation."""
    return "|".join(map(re.escape, _publication_words()[kind]))


_DATELINE_MARKS = "（(【\n"
"""What a dateline follows (a character-class body), unless it opens a line."""


@lru_cache(maxsize=1)
def _dateline() -> re.Pattern[str]:
    """A dateline opening a news item: 人民政协网杭州9月14日电, 央广网遵义6月8日消息, 文汇报记者广州二十日电,
    中国张掖网临泽讯 (the date may be left out)."""
    day = f"(?:\\d{{1,2}}|{NUMBER})"
    month, date = _publication_words()["month"][0], _publication_words()["day"][0]
    return re.compile(
        f"(?:(?<=[{_DATELINE_MARKS}])|^)([{_CJK}]{{2,8}}?(?:{_either('dateline_ending')}))(?:{_either('reporter')})?"
        f"(?:[{_CJK}]{{2,4}})?(?:(?:{day}{month})?{day}{date})?(?:{_either('dateline_end')})",
        re.M,
    )


_META_LINE = 80
"""A line of at most this many characters that holds a date or a source label is a publishing-metadata line."""


@lru_cache(maxsize=1)
def _meta_mark() -> re.Pattern[str]:
    year = _publication_words()["year"][0]
    return re.compile(f"(?:19|20)\\d\\d\\s*(?:{year}|[-/.])|{_either('meta_label')}")
_TOKEN = re.compile(r"[^\s|｜:：，,、（）()【】\[\]<>《》“”]+")


def _outlet(token: str) -> bool:
    """A word naming an outlet by its ending (澳门日报, 新都区融媒体中心, 人民政协网), not 汇报 or 通报; or a
    WeChat account named after a committee without its level word (江津政协)."""
    words = _publication_words()
    if not (3 <= len(token) <= 16 and re.fullmatch(f"[{_CJK}]+", token)):
        return False
    if token.endswith(words["account"]):
        stem = token[: -len(next(w for w in words["account"] if token.endswith(w)))]
        return 2 <= len(stem) <= 4 and not stem.endswith(tuple(level_words())) and bool(gazetteer().short(stem))
    ending = next((w for w in words["ending"] if token.endswith(w)), "")
    # an ending alone (微信公众号, 客户端) names no outlet: a name is written before it
    return len(token) - len(ending) >= 2 and bool(ending) and not _publication_words_stop(token)


def _metadata_line_outlets(norm: str) -> list[TermHit]:
    """Outlets named in short publishing-metadata lines (来源：新都区融媒体中心, 版权所有：人民政协网, a
    paper's page header 2023年5月14日　星期日　澳门日报　A05): each separated word ending like an outlet."""
    hits: list[TermHit] = []
    at = 0
    for line in norm.split("\n"):
        if len(line.strip()) <= _META_LINE and _meta_mark().search(line):
            for token in _TOKEN.finditer(line):
                if _outlet(token.group()):
                    hits.append(TermHit(at + token.start(), at + token.end(), "Publication", token.group(), token.group()))
        at += len(line) + 1
    return hits


def _quoted(norm: str) -> list[TermHit]:
    hits: list[TermHit] = _titles(norm)
    titled = [(h.start, h.end) for h in hits]
    for match in _QUOTED.finditer(norm):
        if any(a < match.start() and match.end() <= b for a, b in titled) or match.group().startswith("《") and any(a == match.start() for a, _ in titled):
            continue
        inner = next(g for g in match.groups() if g is not None)
        qs, qe = match.span()
        after = re.match(f"[{_CJK}]{{1,{_TAIL}}}", norm[qe:])
        tail = after.group() if after else ""
        # “X”为主题召开协商会, “X”等做法: a function word after the quote ends what the quote names, except
        # 的 before a mechanism that the quote spells out (“群众提、委员议”的议题遴选机制)
        function_word = tail[:1] in _boundary_chars()
        practice = _practice_after().match(tail)
        if practice is not None and not _slogan_like(inner) or practice is not None and "、" in inner:
            # “就地协商”等好做法: a practice named by the quote
            hits.append(TermHit(qs, qe, "Mechanism", strip_quotes(inner), norm[qs:qe]))
            continue
        best: tuple[int, tuple[str, str, str]] | None = None
        own = _class_of_ending(re.sub(r"（[^）]*）$", "", inner))
        named = own is not None and len(inner) > len(own[0])
        for k in range(len(tail), 0, -1):
            cls = _class_of_ending(tail[:k])
            if cls and function_word and not (tail[0] == "的" and cls[1] == "Mechanism"):
                continue
            if cls and len(cls[0]) == 1 and k < len(tail) and not words.is_boundary(tail, k):
                continue  # 报 of 报告, 年 of 年度: a one-character ending inside a longer word
            if cls and len(cls[0]) == 1 and k > 1 and cls[1] == "Event":
                continue  # 年 of “十四五”规划收官之年: a one-character event ending only right after the quote
            middle = tail[: k - len(cls[0])] if cls else ""
            if cls and cls[2] == "in" and not _glued_middle(middle.removeprefix("的") if cls[1] == "Mechanism" else middle):
                continue  # “老旧小区改造”召开专题协商会: a verb between the quote and the ending
            if cls and named and cls[0] in _term_words()["unquoted_too_loose"] and cls[1] != "Event":
                break  # “协商成果督办制度”管理: the quote is named by its own ending, 管理 is the verb
            if cls and cls[2] == "in" and (
                len(tail[: k - len(cls[0])].removeprefix("的")) > 4 or tail.startswith(_term_words()["deictic_start"])
            ):
                continue  # “X”这一议题发表意见: a clause, not a name's ending
            if cls and (cls[2] == "in" or len(cls[0]) == k or tail[: k - len(cls[0])] in ("",) + _term_words()["class_middle"]):
                best = (k, cls)
                break
        inner_clean = re.sub(r"（[^）]*）$", "", inner)
        own = _class_of_ending(inner_clean)
        if best is not None and best[1][1] == "Platform" and best[1][2] == "bare" and norm.endswith(_topic_openers(), 0, qs):
            best = None  # 就“高标准农田管护”协商议事: what is consulted on, not a platform
        if (
            best is not None and own is not None and own[1] == "Platform" and best[1][1] == "Platform"
            and not best[1][0].endswith(merged_by_ending())
        ):
            # “民生议事堂”协商会: a venue named in the quotes, then the kind of meeting held there
            hits.append(TermHit(qs, qe, "Platform", strip_quotes(inner), norm[qs:qe]))
            continue
        if best is not None:
            k, (ending, type_, keep) = best
            if type_ == "Event" and "·" in inner and k > len(ending) + 2:
                # “有事来协商·江油好商量”院坝协商活动: a brand, then an activity of a format of its own
                hits.append(TermHit(qs, qe, "Platform", strip_quotes(inner), norm[qs:qe]))
                continue
            if keep == "in" and type_ == "Platform" and "·" in inner:
                hits.append(TermHit(qs, qe, type_, strip_quotes(inner), norm[qs:qe]))
            elif keep == "in" and type_ == "Platform" and tail[:k] in _term_words().get("venue_type", ()):
                # “邻里好商量”协商议事点: the brand, and the kind of venue it names (both Platforms); the whole
                # is a written form of the brand
                name = strip_quotes(inner)
                hits.append(TermHit(qs, qe, type_, name, norm[qs:qe]))
                hits.append(TermHit(qs, qe + k, type_, name, norm[qs : qe + k]))
                hits.append(TermHit(qe, qe + k, type_, tail[:k], tail[:k]))
            elif keep == "in" and type_ == "Event":
                venue = _venue_within(tail, k - len(ending))
                if venue:  # “有事好商量”协商议事室建设现场观摩会: the venue named on the way is one too
                    hits.append(TermHit(qs, qe + venue, "Platform", strip_quotes(inner) + tail[:venue], norm[qs : qe + venue]))
                es = _event_start(norm, qs)
                name = strip_quotes(norm[es:qs] + inner) + tail[:k]
                hits.append(TermHit(es, qe + k, type_, name, norm[es : qe + k]))
                hits.append(TermHit(qs, qe, type_, name, norm[qs:qe]))
                if es < qs:  # written without its scope or organiser too: an alias
                    hits.append(TermHit(qs, qe + k, type_, name, norm[qs : qe + k]))
            elif keep == "in":
                left = _quote_modifier(norm, qs) if type_ == "Mechanism" else qs
                name = norm[left:qs] + strip_quotes(inner) + tail[:k]
                hits.append(TermHit(left, qe + k, type_, name, norm[left : qe + k]))
                if type_ == "Mechanism":  # the quoted formula alone is a written form of it too (“一事一议”办法)
                    hits.append(TermHit(qs, qe, type_, name, norm[qs:qe]))
            else:
                hits.append(TermHit(qs, qe, type_, strip_quotes(inner), norm[qs:qe]))
            continue
        cls = _class_of_ending(inner_clean)
        if cls is not None and cls[1] == "Platform" and _slogan_like(inner_clean):
            continue  # “有人议事、有处议事”: clauses ending in a platform's word
        if cls is not None and len(inner_clean) > len(cls[0]):
            hits.append(TermHit(qs, qe, cls[1], strip_quotes(inner), norm[qs:qe]))
        elif "·" in inner and not re.search(r"[，。、]", inner):
            hits.append(TermHit(qs, qe, "Platform", inner, norm[qs:qe]))
        elif cls is None and _set_up_venue(norm, qs, qe, inner):
            hits.append(TermHit(qs, qe, "Platform", inner, norm[qs:qe]))
    return hits + _listed_kind(norm, hits)


_LISTED_QUOTES = re.compile("(?:“[^“”\n]{2,20}”(?:[、和及与]|(?=“)))+“[^“”\n]{2,20}”等")
"""A run of quotes written one after another (or joined by 、 和 及 与) and closed by 等."""


def _listed_kind(norm: str, found: list[TermHit]) -> list[TermHit]:
    """Quotes listed and closed by 等 and the kind word that names them all (“院坝说事”“板凳议事”等协商形式,
    “A”、“B”等3个议事平台): each item is of that kind, though only the one nearest the kind word reads it
    as its ending. The kind word is a class ending whose quoted text alone names the entity (keep bare in
    kg/data/quote_classes.tsv), with a count or a class_middle word (协商, 县级) before it."""
    taken = {(h.start, h.end) for h in found}
    hits: list[TermHit] = []
    for run in _LISTED_QUOTES.finditer(norm):
        rest = re.match(f"(?:{_count()})?([{_CJK}]{{1,{_TAIL}}})", norm[run.end() :])
        if rest is None:
            continue
        tail = rest.group(1)
        kind = None
        for k in range(len(tail), 1, -1):
            cls = _class_of_ending(tail[:k])
            if cls is not None and cls[2] == "bare" and tail[: k - len(cls[0])] in ("",) + _term_words()["class_middle"]:
                kind = cls
                break
        if kind is None:
            continue
        for item in re.finditer("“([^“”]+)”", run.group()):
            qs, qe = run.start() + item.start(), run.start() + item.end()
            if (qs, qe) not in taken and not _slogan_like(item.group(1)):
                hits.append(TermHit(qs, qe, kind[1], item.group(1), item.group()))
    return hits


_VENUE_QUOTE_MAX = 8
"""Longest quoted name a set-up verb makes a venue of (longer quotes are wishes or slogans)."""


@lru_cache(maxsize=1)
def _venue_after() -> re.Pattern[str]:
    """What follows a quoted venue that a verb set up: the clause's end, a list joiner, a count (6个) or the
    verb of what is done there (依托“X”开展协商)."""
    table = _term_words()
    units = "".join(table.get("venue_unit", ()))
    verbs = "|".join(map(re.escape, table.get("venue_then", ())))
    return re.compile("|".join(p for p in ("[，。；,;、和等]", f"{NUMBER}[{units}]" if units else "", verbs) if p))


def _set_up_venue(norm: str, qs: int, qe: int, inner: str) -> bool:
    """True for a coined name in quotes that a verb of setting up writes as a venue (设立“心愿墙”，, 建成“民情
    茶室”8个; kg/data/term_words.tsv venue_verb): not a slogan (“有人议事、有处议事”) nor a count of things
    (搭建“一张网络”)."""
    if len(inner) > _VENUE_QUOTE_MAX or _slogan_like(inner) or re.match(NUMBER, inner):
        return False
    before = norm[max(0, qs - 4) : qs].removesuffix("了")
    return before.endswith(_term_words().get("venue_verb", ())) and _venue_after().match(norm, qe) is not None


@lru_cache(maxsize=1)
def _practice_after() -> re.Pattern[str]:
    """What follows a quote naming a practice (“就地协商”等好做法): kg/data/term_words.tsv practice_after."""
    return re.compile("|".join(map(re.escape, _term_words().get("practice_after", ()))) or "(?!)")


_GLUE_TAGS = frozenset({"p", "c", "d", "u", "uj", "r"})


@lru_cache(maxsize=1)
def _clause_openers() -> tuple[str, ...]:
    """Words that open a clause rather than continue a name (kg/data/boundaries.txt: 召开, 开展, 在, 对)."""
    return tuple(sorted(word_set("boundaries.txt"), key=len, reverse=True))


def _glued_middle(middle: str) -> bool:
    """True when the words between a closing quote and a class ending belong to the name (工作现场 of
    “有事来协商”工作现场推进会, 联动 of “委员+网格员”联动机制), False when they open a clause (召开, 开展情况)."""
    if not middle:
        return True
    first = words.tokens(middle)[0]
    return not middle.startswith(_clause_openers()) and words.tag(first) not in _GLUE_TAGS


_ABOVE_TOWN = frozenset({"province", "city", "county"})


def _venue_within(tail: str, limit: int) -> int:
    """The length of the longest start of ``tail`` (at most ``limit`` characters) ending in a venue's class
    word kept with the quote (协商议事室 of 协商议事室建设现场观摩会), 0 when none."""
    for k in range(limit, 1, -1):
        cls = _class_of_ending(tail[:k])
        if cls and cls[1] == "Platform" and cls[2] == "in" and len(cls[0]) >= 2 and _glued_middle(tail[: k - len(cls[0])]):
            return k
    return 0


_SLOGAN_MARKS = "、，,＋+"


def _slogan_like(inner: str) -> bool:
    """A quote of clauses or a formula (有人议事、有处议事; 有事好商量，众人的事情由众人商量; 线下议事点＋网上
    议事群): not one platform's name, whatever its last word."""
    return any(mark in inner for mark in _SLOGAN_MARKS)


_TAIL = 12
"""Characters after a closing quote searched for a class ending (“有事好商量”协商议事室建设现场观摩会)."""
_QUOTED = re.compile(
    "“([^“”「」《》\n]{2,40})”"  # double quotes may hold single ones: “聚力‘四敢’·委员在行动”
    "|[「《‘『]([^“”「」《》‘’『』\n]{2,40})[」》’』]"
)


@lru_cache(maxsize=1)
def _topic_openers() -> tuple[str, ...]:
    """Words after which a quote names what is consulted on (就, 围绕): kg/data/term_words.tsv."""
    return _term_words()["topic_opener"]


@lru_cache(maxsize=1)
def _boundary_chars() -> frozenset[str]:
    """Characters a name built to the left of its ending does not reach across (kg/data/term_words.tsv)."""
    return frozenset(_term_words()["name_boundary"])


def _quote_modifier(norm: str, qs: int) -> int:
    """Where a mechanism named by a quote and a head begins: the nouns written right before the quote belong
    to it (协商成果“双月回访”制度, 季度“回头看”制度), not a verb, an organ or anything past a boundary."""
    start = qs
    while start > 0 and qs - start < 6 and is_cjk(norm[start - 1]) and norm[start - 1] not in _boundary_chars():
        start -= 1
    if start == qs:
        return qs
    start = _after_glued_verbs(norm, name_start(norm, qs, start, 6), qs + 2)
    modifier = norm[start:qs]
    if len(modifier) < 2 or modifier.endswith(_topic_words().get("organ_end", ()) + _term_words().get("actor", ())):
        return qs  # 县政协“X”制度, 委员“双联系”制度: the body or people that run it, not its name
    if any(words.tag(w) not in _NOUN_TAGS for w in words.tokens(modifier)):
        return qs  # 最终达成“X”的办法
    return start


@lru_cache(maxsize=1)
def _suffix_pattern() -> re.Pattern[str]:
    loose = frozenset(_term_words()["unquoted_too_loose"])
    endings = [
        e for e, t, keep in _classes()
        if keep == "in" and len(e) >= 2 and t in ("Mechanism", "Event") and e not in loose
    ]
    return re.compile("(" + "|".join(map(re.escape, sorted(endings, key=len, reverse=True))) + ")")


def _suffixed(norm: str, taken: list[TermHit]) -> list[TermHit]:
    """Unquoted names ending in a class word: 精准选题机制, 基层协商骨干培训班.

    A mechanism's name starts on a word edge after any verb glued before it (执行|委员履职考核办法); a head
    inside a longer word (制度化) or after a back-reference (这几项制度, 一套制度) names nothing; a list of
    short verbs shares the head (成果采纳、落实、反馈机制 is one name) and a counted list is distributed
    (议题收集、成果转化三项制度 names 议题收集制度 and 成果转化制度)."""
    hits: list[TermHit] = []
    spans = [(h.start, h.end) for h in taken]
    brands = [(h.start, h.end) for h in taken if h.type == "Platform"]
    table = _term_words()
    not_start = table.get("mechanism_not_start", ())
    not_start_words = tuple(w for w in not_start if len(w) >= 2)
    for match in _suffix_pattern().finditer(norm):
        ms, me = match.span()
        if any(a < me and ms < b for a, b in spans):
            continue
        start = _left_edge(norm, ms)
        _, type_, _ = _class_of_ending(norm[start:me]) or ("", "Mechanism", "")
        if type_ == "Event":
            demonstrative = _demonstrative_end(norm, start, ms)
            if demonstrative >= 0:
                continue  # 以这次现场推进会 refers back to a meeting
            quoted = _quote_before(norm, start)
            brand = next((a for a, b in brands if a < start <= b <= ms), -1) if quoted < 0 else -1
            if brand >= 0:
                quoted = brand  # 全县有事来协商工作推进会: a platform's unquoted name written before the meeting
            if quoted < 0:
                start = _after_glued_verbs(norm, start, ms, "event_verb")  # 省政协启动实施|…专项行动
                if norm.startswith(_publication_words()["year"], start) and re.search(r"(?:19|20)\d\d$", norm[max(0, start - 4) : start]):
                    start -= 4  # 2024|年度委员履职培训班: the year's digits end the name's left edge
            unscoped = quoted if quoted >= 0 else start
            start = _event_start(norm, unscoped)
            if start < unscoped and len(strip_quotes(norm[unscoped:me])) - len(match.group()) >= 2:
                # 全县有事来协商工作推进会 is written without its scope too: an alias
                hits.append(TermHit(unscoped, me, type_, strip_quotes(norm[start:me]), norm[unscoped:me]))
        elif type_ == "Mechanism":
            if not _word_edge(norm, me) or norm.startswith(not_start, start) or norm.startswith(not_start_words, start - 1):
                continue  # 这几项制度; 各|项规章制度: the left edge stopped inside the back-reference
            if norm.startswith(table.get("mechanism_not_before", ()), me):
                continue  # 农村集体产权制度|改革: the head is part of a longer noun
            start = _after_glued_verbs(norm, start, ms)
            count = re.search(f"{_count()}$", norm[start:ms])
            if count is not None and norm[start - 1 : start] == "、":
                hits.extend(_distributed(norm, start, start + count.start(), ms, me))
                continue
            if count is not None and count.start() == start:
                continue  # 三项制度 alone refers to names given elsewhere
            if norm[start - 1 : start] == "、" and 0 < ms - start <= 2:
                start = _coordinated_start(norm, start)
        name = strip_quotes(norm[start:me])
        if len(name) - len(match.group()) < 2 or type_ == "Mechanism" and len(name) < 5:
            continue
        if type_ == "Event" and name[: -len(match.group())] in table.get("event_kind_modifier", ()):
            continue  # 专题座谈会, 工作座谈会: a kind of meeting, not one with a name of its own
        hits.append(TermHit(start, me, type_, name, norm[start:me]))
    return hits


def _demonstrative_end(norm: str, start: int, end: int) -> int:
    """Where a demonstrative within ``norm[start:end]`` ends (这次 of 以这次现场推进会), -1 when none."""
    for word in _term_words().get("demonstrative", ()):
        at = norm.find(word, start, end)
        if at >= 0 and (at == start or len(word) >= 2):
            return at + len(word)
    return -1


_QUOTE_BEFORE = 24


def _quote_before(norm: str, start: int) -> int:
    """The opening of a quoted brand written right before ``start`` (“有事好商量”协商平台建设试点工作推进会),
    -1 when none."""
    if start == 0 or norm[start - 1] != "”":
        return -1
    opening = norm.rfind("“", max(0, start - _QUOTE_BEFORE), start - 1)
    return opening if opening >= 0 and "”" not in norm[opening : start - 1] else -1




@lru_cache(maxsize=1)
def _scope_pattern() -> re.Pattern[str]:
    """A scope written before an event's name with the system it covers: 全省政协系统, 全州政协 (a bare
    全县 before a quoted name is not part of it: 全县“有事来协商”示范点评选)."""
    table = _term_words()
    scopes = "|".join(map(re.escape, table.get("scope", ())))
    systems = "|".join(map(re.escape, table.get("scope_system", ())))
    return re.compile(f"(?:{scopes})(?:{systems})$")


def _left_edge(norm: str, ms: int) -> int:
    """Where an unquoted name ending in a class word that starts at ``ms`` begins (at most 14 characters back,
    never across punctuation, a boundary character or word)."""
    start = ms
    while start > 0 and ms - start < 14 and (re.match(f"[{_CJK}“”]", norm[start - 1])) and norm[start - 1] not in _boundary_chars():
        start -= 1
    start = name_start(norm, ms, start, 14) if start < ms else start
    while start < ms and norm[start] in "”":
        start += 1
    return start


def _after_glued_verbs(norm: str, start: int, ms: int, kind: str = "mechanism_verb") -> int:
    """``start`` moved past the last verb or adverb written before a mechanism's name (各镇认真执行|, 全面推行|)
    or, with ``kind`` event_verb, an event's (启动实施|) that leaves it at least two characters of its own."""
    verbs = _term_words().get(kind, ())
    for at in range(ms - 2, start - 1, -1):
        verb = next((v for v in verbs if norm.startswith(v, at) and ms - at - len(v) >= 2), None)
        if verb is not None:
            return at + len(verb)
    return start


def _list_items(norm: str, last_start: int) -> list[tuple[int, int]]:
    """The items of the 、-list whose last item starts at ``last_start``: [(start, end)], first item first."""
    items = [(last_start, -1)]
    at = last_start - 1
    while at > 0 and norm[at] == "、":
        item_start = at
        while item_start > 0 and at - item_start < 14 and is_cjk(norm[item_start - 1]) and norm[item_start - 1] not in _boundary_chars():
            item_start -= 1
        if item_start >= at:
            break
        items.insert(0, (item_start, at))
        at = item_start - 1
    if len(items) > 1:
        first = max(items[0][0], _left_edge(norm, items[0][1]))
        items[0] = (_after_glued_verbs(norm, first, items[0][1]), items[0][1])
    return items


def _coordinated_start(norm: str, start: int) -> int:
    """The start of a list of short verbs sharing one head (协商成果采纳、落实、反馈机制)."""
    items = _list_items(norm, start)
    if len(items) < 2 or any(b - a > 2 for a, b in items[1:-1]):
        return start
    return items[0][0]


def _distributed(norm: str, start: int, count: int, ms: int, me: int) -> list[TermHit]:
    """议题收集、成果转化、活动评价三项制度: each item with the head (议题收集制度, …)."""
    head = norm[ms:me]
    items = [(a, count if b < 0 else b) for a, b in _list_items(norm, start)]
    return [TermHit(a, b, "Mechanism", strip_quotes(norm[a:b]) + head, norm[a:b]) for a, b in items if b - a >= 2]


_CJK_CHAR = CJK_CHAR


def _event_start(norm: str, start: int) -> int:
    """An event's name takes the body or scope written right before it: 山东省政协基层协商工作经验交流会,
    全州政协…现场会, 全县政协委员履职能力培训班."""
    scopes = _term_words().get("scope", ())
    if norm.startswith(scopes, start - 1):
        return start - 1
    written = next((s for s in scopes if norm.startswith(s, start - len(s))), "")
    if written:
        return start - len(written)  # 召开全县|基层…现场会, 全县|“X”示范点评选: the level word ended the name
    scoped = _scope_pattern().search(norm, max(0, start - 8), start)
    if scoped is not None:
        return scoped.start()  # 全市政协系统“有事来协商”工作推进会
    if norm.startswith(CPPCC, start - len(CPPCC)) or norm.startswith(CPPCC, start):
        at = start if norm.startswith(CPPCC, start) else start - len(CPPCC)
        if norm.startswith(scopes, at - 2):
            return at - 2
        for organ in range(max(0, at - 10), at - 1):
            if gazetteer().lookup(norm[organ:at]):
                return min(organ, start)  # 山东省政协…经验交流会: a place's committee written attached
    return start


@lru_cache(maxsize=1)
def _byline_marks() -> str:
    """What an outlet of a by-line follows (a character-class body), unless it opens a line."""
    before = "".join(_publication_words()["byline_before"])
    return f"（(【《\\n、{before}"


@lru_cache(maxsize=1)
def _byline() -> re.Pattern[str]:
    """An outlet in a by-line or a list of outlets: （湖州日报记者 …）, 、人民政协网刊发, 据澳门日报报道."""
    return re.compile(
        f"(?:(?<=[{_byline_marks()}])|^)([{_CJK}]{{2,8}}?(?:{_either('byline_ending')}))"
        f"(?={_either('byline_after')}|{_either('published')}|[）)，,】》 　\\n]|{_either('list_end')})",
        re.M,
    )


def _publications(norm: str) -> list[TermHit]:
    """Outlets in by-lines (（湖州日报记者 …）, 、人民政协网刊发), datelines (央广网遵义6月8日消息) and
    publishing-metadata lines (来源：新都区融媒体中心)."""
    hits = [_outlet_hit(norm, *m.span(1)) for m in after_marks(_byline(), _byline_marks(), norm)]
    hits.extend(
        TermHit(m.start(1), m.end(1), "Publication", m.group(1), m.group(1))
        for m in after_marks(_dateline(), _DATELINE_MARKS, norm)
    )
    hits.extend(_metadata_line_outlets(norm))
    hits.extend(_named_outlets(norm))
    hits.extend(_reported_by(norm))
    hits.extend(_accounts(norm))
    taken: set[tuple[int, int]] = set()
    unique: list[TermHit] = []
    shortest: dict[int, int] = {}
    levelled = {h.end: h.start for h in hits if h.end - h.start >= 2 and h.name[0] in level_chars_above_town()}
    for hit in hits:  # of two readings ending together, the shorter (人民政协报, not 工作经验在人民政协报)
        if hit.end not in shortest or hit.start > shortest[hit.end]:
            shortest[hit.end] = hit.start
    for end, start in levelled.items():  # 溪口区融媒体中心 in a source line, not its 区融媒体中心
        if shortest[end] == start and any(h.end == end and h.start < start for h in hits):
            shortest[end] = max(h.start for h in hits if h.end == end and h.start < start)
    for hit in hits:
        if hit.start != shortest[hit.end]:
            continue
        if (hit.start, hit.end) not in taken and not _publication_words_stop(hit.name) and hit.name not in self_references():
            taken.add((hit.start, hit.end))
            unique.append(hit)
    return unique


def _accounts(norm: str) -> list[TermHit]:
    """A committee's account named in running text before the kind of account (关注江北政协微信公众号,
    来源于南岸政协视频号): X政协 with X a place's short form and no level word, as in a metadata line."""
    words = _publication_words()
    hits: list[TermHit] = []
    for account in words["account"]:
        at = norm.find(account)
        while at >= 0:
            end = at + len(account)
            if norm.startswith(words["account_kind"], end):
                for size in (4, 3, 2):
                    token = norm[at - size : end] if at >= size else ""
                    if token and (at - size == 0 or not is_cjk(norm[at - size - 1]) or _word_edge(norm, at - size)) and _outlet(token):
                        hits.append(TermHit(at - size, end, "Publication", token, token))
                        break
            at = norm.find(account, end)
    return hits


@lru_cache(maxsize=1)
def _outlet_ending() -> re.Pattern[str]:
    return re.compile(_either("named_outlet_ending"))


def _outlet_closed(norm: str, end: int) -> bool:
    """True when an outlet's name ending at ``end`` is closed: by no Chinese character, or by a word of a
    by-line or of publishing (讯, 记者, 报道, 刊发) or a list's end (等)."""
    if end >= len(norm) or not is_cjk(norm[end]):
        return True
    words_ = _publication_words()
    return norm.startswith(words_["byline_after"] + words_["published"] + words_["list_end"] + words_["list_joiner"], end)


def _named_outlets(norm: str) -> list[TermHit]:
    """Outlets named after a place or a national name wherever they are written: 遂宁日报, 宜宾新闻网,
    南充电视台, 阆中市融媒体中心, 人民政协报 (the name before the ending is a division, its short form, or
    one of kg/data/publication_words.tsv's outlet_prefix rows)."""
    g = gazetteer()
    prefixes = _publication_words()["outlet_prefix"]
    hits: list[TermHit] = []
    for match in _outlet_ending().finditer(norm):
        at = match.start()
        for size in range(6, 1, -1):
            stem = norm[at - size : at] if at >= size else ""
            if stem and (stem in prefixes or g.lookup(stem) or g.short(stem)):
                start = at - size
                window = norm[max(0, start - 3) : match.end() + 2]
                left = start - max(0, start - 3)
                if start > 0 and is_cjk(norm[start - 1]) and not words.is_boundary(window, left):
                    continue
                if not words.is_boundary(window, left + match.end() - start):
                    break  # 成都新闻界: the ending runs on into a longer word
                if match.group() in _publication_words().get("open_ending", ()) and not _outlet_closed(norm, match.end()):
                    break  # 宁海新闻发布厅, 宁海新闻中心: an ordinary word ending runs on into a longer name
                hits.append(TermHit(start, match.end(), "Publication", norm[start : match.end()], norm[start : match.end()]))
                break
        else:
            level = _level_outlet(norm, at, match.group())
            if level is not None:
                hits.append(TermHit(level, match.end(), "Publication", norm[level : match.end()], norm[level : match.end()]))
    return hits


def _level_outlet(norm: str, at: int, ending: str) -> int | None:
    """Where an outlet named by a level word alone starts (县 of 县融媒体中心; the resolver completes it with
    the document's county), None when ``ending`` takes no level word or the one before ``at`` is no such name
    (各县融媒体中心)."""
    table = _publication_words()
    if ending not in table.get("level_outlet_ending", ()) or at < 1 or norm[at - 1] not in level_chars_above_town():
        return None
    if norm[at - 2 : at - 1] in table.get("level_outlet_not_after", ()):
        return None
    return at - 1


def _outlets_with_place(norm: str, hits: list[TermHit]) -> list[TermHit]:
    """A known outlet written with its place attached before it (香港|文汇报) is named so wherever the
    document names it, its bare name an alias: the paper's own name and the short one both read as it."""
    g = gazetteer()
    longer: dict[str, str] = {}
    found = []
    for hit in hits:
        if hit.type != "Publication" or norm[hit.start : hit.end] != hit.surface or hit.name not in _known_outlets():
            continue
        for size in (3, 2):
            stem = norm[hit.start - size : hit.start] if hit.start >= size else ""
            if stem and (g.lookup(stem) or g.short(stem)):
                longer.setdefault(hit.name, stem + hit.name)
                found.append(TermHit(hit.start - size, hit.end, "Publication", stem + hit.name, norm[hit.start - size : hit.end]))
                break
    if not longer:
        return hits
    renamed = [
        TermHit(h.start, h.end, h.type, longer[h.name], h.surface) if h.type == "Publication" and h.name in longer else h
        for h in hits
    ]
    return renamed + found


@lru_cache(maxsize=1)
def _reported() -> re.Pattern[str]:
    """An outlet cited as a report's source: 据江苏政协报道, 据明报消息 (publication_words.tsv reported_*)."""
    return re.compile(f"(?:{_either('reported_open')})([{_CJK}·]{{2,10}}?)(?:{_either('reported_close')})")


def _reported_by(norm: str) -> list[TermHit]:
    """Outlets named as the source of what follows (据江苏政协报道), whatever their name ends in; not a kind of
    source (据有关媒体报道) nor a body or person's word (据县政协介绍 has no 报道)."""
    not_words = _publication_words().get("reported_not", ())
    return [
        TermHit(m.start(1), m.end(1), "Publication", m.group(1), m.group(1))
        for m in _reported().finditer(norm)
        if not m.group(1).endswith(not_words) and not m.group(1).startswith(not_words)
    ]


def _outlet_hit(norm: str, start: int, end: int) -> TermHit:
    """An outlet's hit; a character that opens the line before its name is no part of it (据澳门日报报道)."""
    if norm[start] in _publication_words()["before_outlet"] and end - start >= 3:
        start += 1
    return TermHit(start, end, "Publication", norm[start:end], norm[start:end])


def _publication_words_stop(name: str) -> bool:
    """True for a name ending in an ordinary word (…工作汇报, 电网), not in an outlet's name (文汇报)."""
    if not name.endswith(_publication_words()["not"]):
        return False
    last = words.tokens(name)[-1]
    return last != name and last.endswith(_publication_words()["not"]) and last not in _known_outlets()


@lru_cache(maxsize=1)
def _known_outlets() -> frozenset[str]:
    """The lexicon's outlets (文汇报): a name ending in one is that outlet's, whatever word it ends in."""
    from kg import lexicon

    return frozenset(e.term for e in lexicon.entries(()) if e.type == "Publication")


@lru_cache(maxsize=1)
def _topic_words() -> dict[str, tuple[str, ...]]:
    kinds: dict[str, list[str]] = {}
    for kind, word in read_table("topic_triggers.tsv", 2, 2):
        kinds.setdefault(kind, []).append(word)
    return {k: tuple(sorted(v, key=len, reverse=True)) for k, v in kinds.items()}


def _word_edge(text: str, i: int) -> bool:
    """True when offset ``i`` of ``text`` falls between two words (发展|展开, not 发展开|展)."""
    window = text[max(0, i - 4) : i + 4]
    return words.is_boundary(window, i - max(0, i - 4))


@lru_cache(maxsize=1)
def _topic_opener() -> re.Pattern[str]:
    table = _topic_words()
    openers = sorted(
        {
            *table.get("open", ()), *table.get("open_list", ()), *table.get("open_quote", ()), *table.get("open_advice", ()),
            *table.get("open_consult", ()),
        },
        key=len, reverse=True,
    )
    return re.compile("|".join(map(re.escape, openers)))


def _closer_at(text: str, closers: tuple[str, ...]) -> int:
    """Where the first closer of ``text`` outside quotes starts on a word edge (发展|展开 is not 展开), -1 if none."""
    best = -1
    for closer in closers:
        at = text.find(closer, 1)
        while at > 0 and (best < 0 or at < best):
            if text.count("“", 0, at) == text.count("”", 0, at) and _word_edge(text, at):
                best = at
                break
            at = text.find(closer, at + 1)
    return best


_SEGMENT = re.compile(f"[{_CJK}、“”]{{2,120}}")


def _topics(norm: str, place_spans: Iterable[tuple[int, int]]) -> list[TermHit]:
    """Topics listed after an opener (kg/data/topic_triggers.tsv): 围绕 X、Y 开展协商; after a weaker opener
    (对/从/包括/推动解决 …) only a list closed by 等/方面/事宜 … counts (对 X、Y 等作了调研); and quoted
    subjects in a frame of their own (议题是“X”)."""
    table = _topic_words()
    strong = set(table.get("open", ()))
    quote_only = set(table.get("open_quote", ()))
    to_comma = set(table.get("open_to_comma", ()))
    closes = table.get("close", ())
    list_closes = table.get("list_close", ())
    advice = set(table.get("open_advice", ()))
    advice_closes = table.get("advice_close", ())
    consult = set(table.get("open_consult", ()))
    consult_closes = (*list_closes, *table.get("consult_close", ()))
    place_starts = {a: b for a, b in place_spans}
    hits: list[TermHit] = []
    for match in _topic_opener().finditer(norm):
        begin = match.end()
        if norm.startswith(table.get("aspect", ()), begin):
            begin += 1
        segment = _SEGMENT.match(norm, begin)
        if not segment:
            continue
        text = segment.group()
        opener = match.group()
        closes_here = advice_closes if opener in advice else consult_closes if opener in consult else list_closes
        if opener in quote_only and not text.startswith("“") or opener not in strong and opener not in quote_only and not _any_of(closes_here).search(text) and not _discussed().search(text):
            continue  # the cheap tests first: most weak openers (对, 以) have no list after them
        if not ((len(opener) >= 2 and opener not in quote_only or _word_edge(norm, match.start())) and (_word_edge(norm, match.end()) or _level_next(norm, begin))):
            continue  # 就 of 就地, 对 of 对接: an opener is a word of its own (a longer one may end a word: 紧紧围绕,
            # 议题涉及; not a verb needing a quote after it: 院坝协商“接地气”)
        quotes = _quote_run(text) if opener in strong or opener in quote_only else 0
        if opener in quote_only:
            # 协商“X”建设: the quotes, and a topic head written after them; not 让协商“有温度” (协商 is the subject)
            if quotes and not norm.endswith(table.get("causative", ()), 0, match.start()):
                rest = text[quotes:]
                head = next((w for w in (*table.get("quote_tail", ()), *table.get("topic_head", ())) if rest.startswith(w)), "")
                hits.extend(_topic_items(norm, begin, text[: quotes + len(head)], place_starts))
            continue
        if quotes and quotes < len(text):
            rest = text[quotes:]
            tail = next((w for w in table.get("quote_tail", ()) if rest.startswith(w)), None)
            if tail is not None:  # 围绕“X”这一议题发表意见
                hits.extend(_topic_items(norm, begin, text[: quotes + len(tail)], place_starts))
                continue
            if not rest.startswith(closes) and not _continues_name(rest, table):
                hits.extend(_topic_items(norm, begin, text[:quotes], place_starts))  # 就“X”邀请…: the quotes alone
                continue
        if opener in strong:
            cut = _closer_at(text, closes)
            after = begin + len(text)
            if cut < 0 and opener in to_comma and (after == len(norm) or norm[after] in "，,。\n 　"):
                if after == len(norm) or norm[after] in "。\n 　" or not _topic_opener().match(norm, after + 1):
                    # a space ends a headline's clause (县政协：聚焦茶旅融合 助力…)
                    cut = len(text)  # 聚焦X，围绕Y、Z开展协商: X heads the list that follows, Y and Z are the topics
        else:
            cut = _closer_at(text, closes_here)
            talk = _discussed_at(text)
            if talk > 0 and (cut < 0 or talk < cut):
                cut = talk  # 对X进行了充分讨论
            if cut > 0 and _opener_within(norm, begin, begin + cut):
                continue  # 以坝坝会形式就X开展协商: the list belongs to the opener inside (就)
        if cut > 0:
            framed = text.startswith(table.get("subject_close", ()), cut)  # 以“X管理”为题: a subject, whatever its ending
            hits.extend(_topic_items(norm, begin, text[:cut], place_starts, framed))
    hits.extend(_framed_topics(norm))
    hits.extend(_enumerated_topics(norm, hits, place_starts))
    titles = [m.span() for m in re.finditer("《[^《》\n]{2,60}》", norm)]
    return [h for h in hits if not any(a < h.start and h.end < b for a, b in titles)]  # 《关于加快发展X的建议》


@lru_cache(maxsize=1)
def _enumeration_end() -> re.Pattern[str]:
    """等, a count, and a word naming what was listed as things consulted on or dealt with (等问题56件,
    等民生实事, 等10个协商议题): kg/data/topic_triggers.tsv enumerated_kind."""
    kinds = "|".join(map(re.escape, _topic_words().get("enumerated_kind", ())))
    return re.compile(f"等(?:{_count()})?(?:{kinds})" if kinds else "(?!)")


_CLAUSE_START = re.compile("[，。；：！？,;:!?\n（）()“”]")
_ENUMERATION_REACH = 80
"""How far before 等 the list of an enumeration may start."""


def _enumerated_topics(norm: str, found: list[TermHit], place_starts: dict[int, int]) -> list[TermHit]:
    """A 、-list closed by 等 and a word for things consulted on or dealt with, whatever verb opens it
    (办结 X、Y 等问题56件, 化解 X、Y 等矛盾纠纷, 梳理形成 X、Y 等10个协商议题). The first item starts after the
    last verb of kg/data/topic_triggers.tsv list_verb written in it; without one it is kept only when short
    (at most four characters before its first 、 past the clause's start). Lists an opener read already are
    left alone."""
    table = _topic_words()
    verbs = table.get("list_verb", ())
    taken = SpanIndex((h.start, h.end) for h in found)
    hits: list[TermHit] = []
    for match in _enumeration_end().finditer(norm):
        end = match.start()
        floor = max(0, end - _ENUMERATION_REACH)
        starts = [m.end() for m in _CLAUSE_START.finditer(norm, floor, end)]
        start = starts[-1] if starts else floor
        first = norm.find("、", start, end)
        if first < 0 or taken.overlaps(start, end) or any(w in norm[start:end] for w in table.get("enumerated_not", ())):
            continue  # 还存在X、Y等问题, 协商能力不强、…等问题: shortcomings of the work, not what was consulted on
        lead = start
        for at in range(first - 2, start - 1, -1):
            verb = next((v for v in verbs if norm.startswith(v, at) and at + len(v) <= first - 2), None)
            if verb is not None and _word_edge(norm, at + len(verb)):
                lead = at + len(verb)
                break
        else:
            if first - start > 6:
                lead = first + 1  # no verb read: the first item's edge is unknown, the others are kept
        while lead < first and norm[lead] in table.get("aspect", ()):
            lead += 1  # 协调解决了|X
        hits.extend(_topic_items(norm, lead, norm[lead:end], place_starts))
    return hits


def _level_next(norm: str, at: int) -> bool:
    """True when a level word of a division starts the list at ``at`` (就|区疾控中心建设: jieba reads 就区)."""
    return at + 1 < len(norm) and norm[at] in level_chars_above_town() and _CJK_CHAR.match(norm, at + 1) is not None


@lru_cache(maxsize=8)
def _any_of(words: tuple[str, ...]) -> re.Pattern[str]:
    """One expression finding any of ``words`` (a closer list tested once per opener)."""
    return re.compile("|".join(map(re.escape, words)) or "(?!)")


@lru_cache(maxsize=1)
def _discussed() -> re.Pattern[str]:
    """A verb of doing, an aspect mark, an adverb and a verb of discussing (进行了充分讨论, 展开协商, 作了深入
    商讨): after a weaker opener it closes the list as the fixed closers do (kg/data/topic_triggers.tsv
    discuss_do, discuss_adverb, discuss_verb)."""
    table = _topic_words()
    do, adverb, verb = (table.get(k, ()) for k in ("discuss_do", "discuss_adverb", "discuss_verb"))
    if not (do and verb):
        return re.compile("(?!)")
    either = "|".join
    return re.compile(
        f"(?:{either(map(re.escape, do))})了?(?:{either(map(re.escape, adverb)) or '(?!)'})?(?:{either(map(re.escape, verb))})"
    )


def _discussed_at(text: str) -> int:
    """Where the first verb phrase of discussing (:func:`_discussed`) outside quotes starts on a word edge, -1 if none."""
    for match in _discussed().finditer(text, 1):
        at = match.start()
        if text.count("“", 0, at) == text.count("”", 0, at) and _word_edge(text, at):
            return at
    return -1


def _opener_within(norm: str, start: int, end: int) -> bool:
    """True when an opener written as a word of its own lies in ``norm[start:end]``, outside quotes (以“推进
    X”为主题: 推进 is part of the quoted subject, the list is still the one 以 opens)."""
    quoted = [m.span() for m in re.finditer("“[^“”\n]+”", norm[start:end])]
    return any(
        _word_edge(norm, m.start()) and _word_edge(norm, m.end())
        and not any(a < m.start() - start < b for a, b in quoted)
        for m in _topic_opener().finditer(norm, start, end)
    )


def _quote_run(text: str) -> int:
    """The length of the quotes that start ``text`` (“A”、“B”“C”), 0 when it does not start with one."""
    at = 0
    while (quote := re.match("“[^“”]+”", text[at:])) is not None:
        at += quote.end()
        if text[at : at + 2] in ("、“", "和“", "与“", "及“"):
            at += 1
    return at


_NOUN_LIKE = frozenset({"n", "nz", "vn", "ns", "nt", "nr", "ng", "an", "l", "j"})


def _continues_name(rest: str, table: dict[str, tuple[str, ...]]) -> bool:
    """Whether the words after a quote carry its name on (“悬崖村”乡村旅游发展, “老街”改造) rather than start
    the clause's verb (“X”邀请…, “X”连续协商, “X”的协商)."""
    word = words.tokens(rest[:6])[0]
    return words.tag(word) in _NOUN_LIKE or word in table.get("topic_head", ())


def _split_items(text: str) -> list[tuple[int, str]]:
    """(offset, item) of a list written with 、/和/与/及 or as adjacent quotes (“A”“B”), never split inside a quote,
    at a 和/与/及 that is part of a word (企业和谐劳动关系, 参与, 以及) nor at one that would leave an empty item
    (推进|和美乡村建设: no list starts with a conjunction)."""
    items: list[tuple[int, str]] = []
    coordinators = _topic_words().get("coordinator", ())
    longer = tuple(c for c in coordinators if len(c) > 1)  # 以及
    start = 0
    inside = False
    for i, char in enumerate(text):
        if char == "“":
            if i > start and text[i - 1] == "”":
                items.append((start, text[start:i]))
                start = i
            inside = True
        elif char == "”":
            inside = False
        elif not inside and char in coordinators and i > start and (char == "、" or _coordinator_word(text, i)):
            items.append((start, text[start:i]))
            start = i + 1
        elif not inside and longer and text.startswith(longer, i) and i > start and _word_edge(text, i):
            width = next(len(w) for w in longer if text.startswith(w, i))
            if _word_edge(text, i + width):
                items.append((start, text[start:i]))  # 生态治理|以及|社区管理
                start = i + width
    items.append((start, text[start:]))
    return [(at, item) for at, item in items if item]


def _coordinator_word(text: str, i: int) -> bool:
    """True when the conjunction at ``i`` of ``text`` is a word of its own (X|和|Y), not inside 和谐 or 参与."""
    return _word_edge(text, i) and _word_edge(text, i + 1)


_TRAILING_COUNT = re.compile(f"(?:{NUMBER}|[两几])+$")


def _topic_items(norm: str, begin: int, items_text: str, place_starts: dict[int, int], framed: bool = False) -> list[TermHit]:
    table = _topic_words()
    strips = table.get("strip", ())
    stops = set(table.get("stop", ()))
    hits: list[TermHit] = []
    for offset, part in _split_items(items_text):
        start, item = begin + offset, part
        quoted = re.fullmatch(f"“([^“”]+)”(?:{_count()})?(.*)", item)
        if quoted and quoted.group(2) in ("",) + table.get("quote_tail", ()):
            start, item = start + 1, quoted.group(1)  # 围绕“X”这一议题: the quoted X
            cls = _class_of_ending(item)
            if cls is not None and cls[1] != "Topic" and len(item) > len(cls[0]) and not framed:
                continue  # “X行动”, “X机制”: named by its ending (kg/data/quote_classes.tsv)
        else:
            if item.endswith("的") and len(item) > 1:
                item = item[:-1]  # 停车难的|问题: the topic before 的
            if "的" in item:
                cut = item.rindex("的")
                after = item[cut + 1 :]
                if after in strips or after in table.get("generic_after_de", ()):
                    before = item[:cut]
                    start += before.rfind("的") + 1
                    item = before[before.rfind("的") + 1 :]  # 老旧小区停车难的问题: the part before 的
                else:
                    start += cut + 1
                    item = after
            while start in place_starts and place_starts[start] < start + len(item) and norm[start : place_starts[start]].endswith(table.get("strip_place", ())):
                item = item[place_starts[start] - start :]
                start = place_starts[start]
            quoted_place = re.match("“([^“”]{2,12})”", item)
            if quoted_place and quoted_place.group(1).endswith(table.get("quoted_place_end", ())) and len(item) - quoted_place.end() >= 3:
                item = item[quoted_place.end() :]  # “悬崖村”旅游开发: a quoted place before the topic
                start += quoted_place.end()
            stripped = False
            for word in strips:
                if item.endswith(word) and len(item) > len(word):
                    item, stripped = item[: -len(word)], True
            counted = re.search(f"{_count()}$", item) or (_TRAILING_COUNT.search(item) if stripped else None)
            if counted is not None and counted.start() > 0:
                item = item[: counted.start()]  # 停车、照明、绿化三方面问题, A、B两个议题: the count closes the list
            if _not_a_topic(item, table):
                continue
        name = strip_quotes(item)
        if len(name) < 3 or len(name) > 16 or name in stops or place_starts.get(start) == start + len(item):
            continue  # 把太白村纳入…: a place is no topic
        type_ = next((t for kind, t in _HEAD_TYPES if name.endswith(table.get(kind, ()))), "Topic")
        hits.append(TermHit(start, start + len(item), type_, name, norm[start : start + len(item)]))
    return hits


@lru_cache(maxsize=1)
def _count() -> str:
    """A count (两个, 三项) for a regular expression: “A”“B”两个议题, A、B三项制度."""
    units = "".join(_term_words()["count_unit"])
    return f"(?:{NUMBER}|[两几])+[{units}]"

_HEAD_TYPES = (("mechanism_head", "Mechanism"), ("event_head", "Event"))
"""A listed item ending in one of these heads (kg/data/topic_triggers.tsv) is that type: 议事章程, 建设试点."""


def _not_a_topic(item: str, table: dict[str, tuple[str, ...]]) -> bool:
    """An unquoted item that is a back-reference (本次议题), a question (资金怎么筹), a clause (作了说明), an
    organ (the subject of 就县政协开展…) or a slogan (产业项目促发展)."""
    if item.startswith(table.get("deictic", ()) + table.get("not_start", ())) or any(w in item for w in table.get("clause_word", ())):
        return True
    if item.endswith(table.get("organ_end", ()) + table.get("needs_object", ())):
        return True  # 就县政协开展…: the subject of the clause; 就进一步做好|协商…: a verb with its object cut off
    if item.endswith(table.get("relative_end", ())):
        return True  # 就大家关心的|问题, 针对协商中|提出的…: a relative clause or a time, no topic
    if item.endswith(table.get("stop", ())):
        return True  # 区委区政府中心工作: a generic phrase with its owner written before it
    return len(item) >= 5 and item.endswith(table.get("slogan_tail", ()))


@lru_cache(maxsize=1)
def _frames() -> tuple[re.Pattern[str] | None, re.Pattern[str] | None]:
    """The unquoted frame (议题为X，) and the quoted one (议题是“X”, 议题：“X”, 议题——“X”) of
    kg/data/topic_triggers.tsv, compiled."""
    table = _topic_words()
    plain, quoted = table.get("plain_frame", ()), table.get("quote_frame", ())
    return (
        re.compile("(?:" + "|".join(map(re.escape, plain)) + f")[：:]?([{_CJK}]{{3,16}})(?=[，。；,;\n])") if plain else None,
        re.compile("(?:" + "|".join(map(re.escape, quoted)) + ")(?:[：:]|——?)?(?=“)") if quoted else None,
    )


_QUOTE_AT = re.compile("“([^“”\n]{2,40})”")


def _framed_topics(norm: str) -> list[TermHit]:
    """Subjects after a frame of their own: 议题是“X”, 主题为“X”“Y”, and unquoted 议题为X，."""
    table = _topic_words()
    plain, quoted = _frames()
    hits: list[TermHit] = []
    for match in plain.finditer(norm) if plain else ():
        item = match.group(1)
        if not _not_a_topic(item, table) and item not in table.get("stop", ()):
            hits.append(TermHit(match.start(1), match.end(1), "Topic", item, item))
    for match in quoted.finditer(norm) if quoted else ():
        at = match.end()
        while (quote := _QUOTE_AT.match(norm, at)) is not None:
            inner = quote.group(1)
            cls = _class_of_ending(inner)
            if cls is None or cls[1] == "Topic" or len(inner) == len(cls[0]):
                hits.append(TermHit(at + 1, at + 1 + len(inner), "Topic", inner, inner))
            at = quote.end()
            if norm.startswith("、", at):
                at += 1
    return hits


def term_words() -> dict[str, tuple[str, ...]]:
    """The word lists of kg/data/term_words.tsv by kind."""
    return _term_words()


@lru_cache(maxsize=1)
def _term_words() -> dict[str, tuple[str, ...]]:
    kinds: dict[str, list[str]] = {}
    for kind, word in read_table("term_words.tsv", 2, 2):
        kinds.setdefault(kind, []).append(word)
    return {k: tuple(sorted(v, key=len, reverse=True)) for k, v in kinds.items()}


@lru_cache(maxsize=1)
def _format() -> re.Pattern[str]:
    """A noun of two characters and a meeting word (田坎会, 小区议事会), not the start of a longer word."""
    table = _term_words()
    endings = "|".join(map(re.escape, table["format_ending"]))
    return re.compile(f"([{_CJK}]{{2}})({endings})(?![{''.join(table['format_not_after'])}])")
_NOUN_TAGS = frozenset({"", "n", "ns", "nz", "s", "nr", "ng"})


def _formats(norm: str, taken: list[TermHit], platforms: list[tuple[int, int]]) -> list[TermHit]:
    """Local consultation formats written without quotes: 田坎会 in an enumeration with known formats or
    after 召开/开/组织 (召开地头会, 召开“有事来协商”火塘会), and X议事会 after a noun (小区议事会).

    A format is a noun of a setting plus 会 that jieba does not know as a word: ordinary meetings
    (座谈会, 动员会, 现场会) are dictionary words, a verb before 会 (推进会, 培训会) makes a meeting,
    and kg/data/term_words.tsv lists the nouns that make an ordinary meeting (党员会, 群众会).
    """
    table = _term_words()
    verbs = table.get("format_verb", ())
    not_head = set(table.get("format_not_head", ()))
    occupied = SpanIndex((h.start, h.end) for h in taken)
    platform_ends = {b for _, b in platforms}
    platform_starts = {a for a, _ in platforms}
    hits: list[TermHit] = []
    bare = _term_words()["format_ending"][-1]
    venues = set(_term_words().get("merge_by_ending", ()))
    for match in _format().finditer(norm):
        head, tail = match.group(1), match.group(2)
        ms, me = match.span()
        if occupied.overlaps(ms, me):
            continue
        window = norm[max(0, ms - 4) : me + 1]
        at = ms - max(0, ms - 4)
        if not words.is_boundary(window, at) or words.tag(head) not in _NOUN_TAGS:
            continue
        if tail in venues and norm.rfind("“", 0, ms) > norm.rfind("”", 0, ms):
            continue  # “线下议事屋＋网上议事厅”: a venue word inside a quote is the quote rules' business
        if tail == bare:
            if not words.is_boundary(window, at + 3):
                continue
            whole = words.word_at(window, at)
            if whole == head + tail:
                if words.tag(whole):
                    continue
            elif whole != head or head in not_head:
                continue
            before = norm[max(0, ms - 6) : ms]
            if before.endswith("”"):
                quote = before.rfind("“")
                before = before[:quote] if quote >= 0 else before
            listed = (ms - 1 in platform_ends and norm[ms - 1] == "、") or (
                me < len(norm) and norm[me] == "、" and me + 1 in platform_starts
            )
            if not listed and not before.endswith(verbs):
                continue
        hits.append(TermHit(ms, me, "Platform", norm[ms:me], norm[ms:me]))
    return hits


_STUDIO_BEFORE = re.compile(f"(?:{ORDINAL}{NUMBER})$")


def _named_studios(
    norm: str, hits: list[TermHit], place_spans: list[tuple[int, int]]
) -> list[TermHit]:
    """A studio named as itself: 阆中市政协七里街道委员工作室, 晋江市政协第三委员工作室 (one Platform; the
    generic 委员工作室 inside it is not a separate mention)."""
    by_end = {b: a for a, b in place_spans}
    studio = _term_words()["studio"]
    levels = "".join(w for w in level_words() if len(w) == 1 and set(levels_of(w)) <= _ABOVE_TOWN)
    result: list[TermHit] = []
    for hit in hits:
        if hit.type != "Platform" or hit.name not in studio or hit.surface != hit.name:
            result.append(hit)
            continue
        start = hit.start
        ordinal = _STUDIO_BEFORE.search(norm, max(0, start - 4), start)
        owner = _studio_owner(norm, start) if start not in by_end else -1
        if ordinal is not None:
            start = ordinal.start()
        elif owner >= 0:
            start = owner
        elif start in by_end:
            start = by_end[start]
        if start == hit.start or not norm.startswith(CPPCC, start - len(CPPCC)):
            if owner >= 0:  # 张文有委员工作室, 医卫界委员工作室: a member's or a sector's studio
                result.append(TermHit(owner, hit.end, "Platform", norm[owner : hit.end], norm[owner : hit.end]))
            else:
                result.append(hit)
            continue
        start -= len(CPPCC)
        if start in by_end:
            start = by_end[start]
        elif start > 0 and norm[start - 1] in levels:
            start -= 1
        name = norm[start : hit.end]
        result.append(TermHit(start, hit.end, "Platform", name, name))
        if owner >= 0:  # 县政协王海委员工作室, also written without its committee
            result.append(TermHit(owner, hit.end, "Platform", name, norm[owner : hit.end]))
    return result


def _studio_owner(norm: str, at: int) -> int:
    """Where the member's name or the sector (界别) written right before a studio word at ``at`` starts
    (张文有|委员工作室, 医卫界|委员工作室), -1 when there is none."""
    from kg.extract.people import parse_name, plausible_name

    sector = _term_words().get("sector_end", ())
    left = name_start(norm, at, max(0, at - 10), 10)
    cppcc = norm.rfind(CPPCC, left, at)
    if cppcc >= 0:
        left = cppcc + len(CPPCC)
    if at - left >= 2 and norm[left:at].endswith(sector) and not norm.startswith(CPPCC, at - len(CPPCC)):
        return left
    for size in (3, 2):
        candidate = norm[at - size : at] if at >= size else ""
        if len(candidate) == size and parse_name(candidate + "。", 0) == (0, size) and plausible_name(candidate):
            tags = (words.tag(candidate), words.tag(candidate[1:]) if size == 3 else "")
            if all(not tag or tag.startswith(("nr", "ns", "nz")) for tag in tags):  # not 区|调研
                return at - size
    return -1


_CLAUSE = f"[{_CJK}（）()]{{3,12}}"
_SLOGAN = re.compile(f"(“?)({_CLAUSE}(?:、{_CLAUSE})+)(”?)")
_REPEATED = re.compile(r"(.)\1|一(.)一")


def _slogans(norm: str, taken: list[TermHit]) -> list[TermHit]:
    """Working methods written as an unquoted parallel slogan after 坚持/通过/推行…: 委员月月走、议题季季定,
    议题群众提、委员帮着议、部门跟着办. The clauses must be of one length and either three or more of at
    least five characters, or each hold a repeated character (月月) or an 一X一Y pair; a slogan followed by
    的 and a named method (…的三环节工作法) is that method written out."""
    table = _term_words()
    openers = table.get("slogan_opener", ())
    not_after = table.get("slogan_not", ())
    occupied = SpanIndex((h.start, h.end) for h in taken if (h.start, h.end) not in _quote_spans(norm, h))
    by_start = {h.start: h for h in taken if h.type == "Mechanism"}
    hits: list[TermHit] = []
    for opener in re.finditer("|".join(map(re.escape, openers)), norm):
        match = _SLOGAN.match(norm, opener.end())
        if match is None:
            continue
        quoted = bool(match.group(1)) and bool(match.group(3))
        if bool(match.group(1)) != bool(match.group(3)):
            continue
        ms, me = match.span()
        if norm.startswith("的", me) and norm.startswith(not_after, me + 1):
            if quoted:
                hits.append(TermHit(ms, me, "", "", norm[ms:me]))  # a goal: the quoted name is dropped
            continue
        head = "" if quoted else next((h for h in table.get("slogan_head", ()) if match.group(2).endswith("的" + h)), "")
        formula = match.group(2)[: len(match.group(2)) - len(head) - 1] if head else match.group(2)
        clauses = formula.split("、")
        size = len(clauses[0])
        parallel = all(_REPEATED.search(c) for c in clauses)
        if not (quoted and parallel) and any(len(c) != size for c in clauses):
            continue
        if head and len(clauses) >= 3 and size >= 4 and not occupied.overlaps(ms, me):
            # 党委领导、政府支持、政协搭台、各方参与的工作格局: a formula named by the kind of method after it
            name = formula + head
            hits.append(TermHit(ms, me, "Mechanism", name, norm[ms:me]))
            hits.append(TermHit(ms, ms + len(formula), "Mechanism", name, formula))
            continue
        if head:
            continue
        if not parallel and not (len(clauses) >= 3 and size >= 5):
            continue
        following = norm[me : me + 1]
        if following == "的":
            named = by_start.get(me + 1)
            if named is not None:
                hits.append(TermHit(ms, me, "Mechanism", named.name, norm[ms:me]))
                continue
            if not quoted:
                continue
        elif following not in ("，", "。", "；", ",", "\n", ""):
            continue
        if occupied.overlaps(ms, me):
            continue
        hits.append(TermHit(ms, me, "Mechanism", match.group(2), norm[ms:me]))
    return hits


def _quote_spans(norm: str, hit: TermHit) -> tuple[tuple[int, int], ...]:
    """The span of ``hit`` when it is exactly one quoted text (its quotes included), else nothing."""
    if hit.end - hit.start > 2 and norm[hit.start] == "“" and norm[hit.end - 1] == "”":
        return ((hit.start, hit.end),)
    return ()


def _inside_other(hits: list[TermHit]) -> list[TermHit]:
    """Topics that lie inside a longer name (基层协商民主建设 in 《关于加强基层协商民主建设的实施意见》,
    公共服务 in the topic 跨境公共服务衔接) are part of that name, not topics of their own."""
    others = SpanIndex((h.start, h.end) for h in hits if h.type not in ("", "Topic"))
    topics = SpanIndex((h.start, h.end) for h in hits if h.type == "Topic")
    event_starts = {h.start for h in hits if h.type == "Event"}
    event_spans = SpanIndex((h.start, h.end) for h in hits if h.type == "Event")
    return [
        h for h in hits
        if h.type != "Topic" or not (
            others.covers(h.start, h.end, strict=True) or topics.covers(h.start, h.end)
            or h.start in event_starts and event_spans.covers(h.start, h.end)  # X of X专题协商会: the meeting's name
        )
    ]


def find_terms(norm: str, entries: tuple[LexiconEntry, ...], place_spans: list[tuple[int, int]]) -> list[TermHit]:
    """The rules' terms plus the Topics and Mechanisms the learned model (kg.extract.termtagger) adds."""
    hits = find_rule_terms(norm, entries, place_spans)
    context = [termtagger.Span(h.start, h.end, h.type) for h in hits if h.type]
    context.extend(termtagger.Span(a, b, "Place") for a, b in place_spans)
    stop = word_set("term_stoplist.txt")
    table = _topic_words()
    place_ends = {b for _, b in place_spans}
    for span in termtagger.additions(norm, context):
        if span.end in place_ends:
            continue  # 调研|组到白鹭镇桃园村: a span ending in a place names where someone went, not a subject
        surface = norm[span.start : span.end]
        name = strip_quotes(surface)
        if name in stop or name in table.get("stop", ()) or surface == name and _not_a_topic(name, table):
            continue  # the model's unquoted spans pass the rules' item checks too (围绕|主题开展协商讨论)
        if surface == name and name.rpartition("的")[2] in table.get("stop", ()) + table.get("generic_after_de", ()):
            continue  # 党和国家的中心工作, 老百姓的关切: what follows 的 names nothing consulted on
        if surface == name and (name + norm[span.end : span.end + 2]).endswith(table.get("stop", ())):
            continue  # 区委区政府中心|工作: a generic phrase cut before its last word
        hits.append(_named_topic(TermHit(span.start, span.end, span.type, name, surface)))
    return hits


def find_rule_terms(norm: str, entries: tuple[LexiconEntry, ...], place_spans: list[tuple[int, int]]) -> list[TermHit]:
    """What the rules alone find (the labeller of kg.extract.termtagger reads these as context)."""
    from kg.extract.events import fixed_events, joined_events

    quoted = _quoted(norm)
    brands = [(h.start, h.end) for h in quoted if h.type == "Platform"]
    brand_index = SpanIndex(brands)
    hits = [
        h for h in lexicon_hits(norm, entries)
        if not brand_index.covers(h.start, h.end, strict=True)
        and not (h.type == "Platform" and brand_index.ends_inside(h.start, h.end))
    ]
    hits.extend(quoted)
    hits = _named_studios(norm, hits, place_spans)
    fixed = fixed_events(norm, place_spans)
    fixed_spans = SpanIndex((h.start, h.end) for h in fixed)
    fixed_exact = {(h.start, h.end) for h in fixed}
    hits = [
        h for h in hits
        if not (h.type == "Event" and fixed_spans.covers(h.start, h.end))
        and (h.start, h.end) not in fixed_exact  # “邻里议事汇”第五期议事会: a series' meeting, not a venue
    ] + fixed
    hits.extend(_suffixed(norm, hits))
    hits.extend(_formats(norm, hits, [(h.start, h.end) for h in hits if h.type == "Platform"]))
    slogans = _slogans(norm, hits)
    replaced = {(h.start, h.end) for h in slogans}
    hits = [h for h in hits if (h.start, h.end) not in replaced]
    hits.extend(h for h in slogans if h.type)
    hits.extend(_publications(norm))
    hits = _outlets_with_place(norm, hits)
    topics = _topics(norm, place_spans)
    hits = _topics_over_verbs(norm, hits, topics + _coordinated_topics(norm, [h for h in hits + topics if h.type == "Topic"]))
    hits = _meetings_over_topics(norm, hits)
    stop = word_set("term_stoplist.txt")
    hits = _platform_activities(hits, entries)
    return joined_events(norm, [
        _named_topic(h) for h in _inside_other(hits)
        if h.name not in stop and not (h.type == "Publication" and _publication_words_stop(h.name))
    ])


def topic_name(name: str) -> str:
    """A topic's name without a verb written before it or a word after it (推进|老旧小区改造, 秸秆综合利用|
    工作; kg/data/topic_triggers.tsv lead_verb, trail_word); the written form stays the mention's surface, so
    it becomes an alias."""
    table = _topic_words()
    for _ in range(2):  # 进一步|推动|…
        verb = next((v for v in table.get("lead_word", ()) if name.startswith(v) and len(name) - len(v) >= 4), None)
        if verb is None:
            break
        name = name[len(verb) :]
    trail = next((w for w in table.get("trail_word", ()) if name.endswith(w) and len(name) - len(w) >= 4), None)
    return name[: -len(trail)] if trail else name


def _named_topic(hit: TermHit) -> TermHit:
    if hit.type != "Topic":
        return hit
    name = topic_name(hit.name)
    return hit if name == hit.name else TermHit(hit.start, hit.end, hit.type, name, hit.surface)


def _meetings_over_topics(norm: str, hits: list[TermHit]) -> list[TermHit]:
    """A meeting named by the topic written before it starts where the topic starts (城市内涝治理专题协商会,
    not 内涝治理专题协商会 cut at a word the left edge stops at)."""
    topics = [(h.start, h.end) for h in hits if h.type == "Topic"]
    result = []
    for hit in hits:
        if hit.type == "Event" and norm[hit.start : hit.end] == hit.name:
            start = next((a for a, b in topics if a < hit.start < b < hit.end), hit.start)
            if start < hit.start:
                hit = TermHit(start, hit.end, "Event", norm[start : hit.end], norm[start : hit.end])
        result.append(hit)
    return result


def _platform_activities(hits: list[TermHit], entries: tuple[LexiconEntry, ...]) -> list[TermHit]:
    """“有事来协商”活动, “火塘夜话”协商活动: a platform's activity in general is no event of its own (a
    named campaign, “委员进网格”活动, is)."""
    platforms = {h.name for h in hits if h.type == "Platform"}
    platforms.update(e.canonical for e in entries if e.type == "Platform")
    endings = _term_words().get("platform_activity", ())

    def generic(hit: TermHit) -> bool:
        if hit.type != "Event":
            return False
        stems = [hit.name[: -len(e)] for e in endings if hit.name.endswith(e)]
        return any(stem in platforms or any(stem.endswith(p) and len(p) >= 3 for p in platforms) for stem in stems)

    return [h for h in hits if not generic(h)]


def _coordinated_topics(norm: str, topics: list[TermHit]) -> list[TermHit]:
    """A theme written in coordination with a known topic is a topic when it ends in a policy head
    (kg/data/topic_triggers.tsv topic_head): 助推生态修复与乡村振兴 gives 生态修复 beside 乡村振兴."""
    table = _topic_words()
    heads = table.get("topic_head", ())
    scopes = table.get("scope", ())
    known = {(t.start, t.end) for t in topics}
    hits: list[TermHit] = []
    for topic in topics:
        if norm[topic.start - 1 : topic.start] in table.get("coordinator", ()):
            end = topic.start - 1
            start = end
            while start > 0 and end - start < 10 and is_cjk(norm[start - 1]) and norm[start - 1] not in _boundary_chars():
                start -= 1
            if not norm.startswith(scopes, start):
                start = name_start(norm, end, start, 10)
        elif norm[topic.end : topic.end + 1] in table.get("coordinator", ()):
            start = topic.end + 1
            end = start
            while end < len(norm) and end - start < 10 and is_cjk(norm[end]) and norm[end] not in _boundary_chars():
                end += 1
            while end > start and not norm[start:end].endswith(heads):
                end -= 1
        else:
            continue
        for scope in scopes:
            if norm.startswith(scope, start) and end - start - len(scope) >= 4:
                start += len(scope)
                break
        item = norm[start:end]
        if any(a == start or b == end for a, b in known):
            continue  # the item is a topic already, read with its own edge (涵盖|农村饮水巩固提升、…)
        if len(item) < 4 or not item.endswith(heads) or _not_a_topic(item, table):
            continue
        if not (_word_edge(norm, start) and _word_edge(norm, end)):
            continue
        known.add((start, end))
        hits.append(TermHit(start, end, "Topic", item, item))
    return hits


def _topics_over_verbs(norm: str, hits: list[TermHit], topics: list[TermHit]) -> list[TermHit]:
    """Topics joined to the other hits. A quote that a topic frame reads as a subject (就“X”协商议事) is not
    a platform named by the verb after it, nor a mechanism named by its ending (以“X管理”为题); a topic with the very span of another name (a lexicon platform in
    quotes) is that name."""
    quoted = {(t.start - 1, t.end + 1) for t in topics if norm[t.start - 1 : t.start] == "“" and norm[t.end : t.end + 1] == "”"}
    kept = [h for h in hits if not (h.type in ("Platform", "Mechanism") and (h.start, h.end) in quoted)]
    named = {(h.start, h.end) for h in kept if h.type}
    return kept + [t for t in topics if (t.start, t.end) not in named]
