"""Topic and Mechanism names found by a learned model over candidate spans (a CRF trained on the gold).

    additions(norm, rule_spans)     -> list[Span]  the Topics the model adds to the rules' own
    candidates(norm)                -> [(start, end)]  the spans the model judges
    describe(norm, rule_spans)      -> Judge: the features of any candidate, in a fixed order
    model_stamp()                   -> what the shipped model was trained from (kg/data/term_model.json)

The rules of kg.extract.terms find topics after a fixed list of openers and mechanisms by their last word;
reporters write topic lists after many more frames (推动解决 X、Y 等问题, 围绕“X”这一议题, 收集 X 等意见) and
name mechanisms in quotes and formulas. The model looks at candidate spans, never across a comma or full
stop: quoted and 《》 spans whole, a quote with the head written after it (协商成果“双月回访”制度) and that
with a start point of kg/data/term_cues.tsv before it; and unquoted spans of the list after an opener of
the cue table (助推 X, 关注 X、Y): from the opener or a 、 to a 、, a closer (等, 问题, 开展) or the clause's
end, five to sixteen characters, no quote mark or question word, not after an opener of rules and methods
(坚持, 建立: their lists are working methods) nor after a cue word that ends a list item (深调研、). Each candidate is described by its first and last characters, its inner
bigrams, the words and dictionary parts of speech on both sides (outside any quote marks), the opener of
its clause, the word after the 等 that ends its list, whether it is quoted, a formula (A、B) or a
question, and what the rules found there (an exact Topic, a Platform inside it, a Topic in the same list).
A linear-chain CRF (python-crfsuite) over one-item sequences, that is a maximum-entropy classifier,
gives each candidate P(Topic), P(Mechanism), P(O). Topic candidates above ADD_THRESHOLD that overlap no
rule Topic/Mechanism nor a better candidate are added to the rules' hits (leave-one-group-out
cross-validation on the training gold chose adding over replacing: kg.extract.termtrain); a candidate
judged a Mechanism is not added (see ADD_TYPES), it only keeps topics out of its span.

A character-level labeller was tried first and dropped: its features cost about 35 µs a character, which
would have halved extraction speed; candidates are about a quarter as many as characters and most need
no more than a dictionary look-up.

The model is loaded once per process (on first use, or by kg.extract.warm_up before workers fork); the
same text gives the same hits on every run. Without the model file the rules work alone.
"""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import ahocorasick

from kg.errors import ConfigError
from kg.extract import words
from kg.lexicon import DATA_DIR, read_table

FEATURE_VERSION = 2
"""Bump when candidates or features change: the shipped model must then be retrained."""

MODEL_PATH = DATA_DIR / "term_model.crfsuite"
STAMP_PATH = DATA_DIR / "term_model.json"
LABELS = ("Topic", "Mechanism")
ADD_THRESHOLD = 0.5
"""A candidate is added when the model gives its type at least this probability."""
ADD_TYPES = ("Topic",)
"""The types the model adds. Its mechanisms lowered the check half of dev2 (Mechanism .797 -> .759 with the
rules' own) and did not help cross-validation: a candidate judged a Mechanism only keeps topics out of it."""
UNQUOTED_MIN = 5
"""Shortest unquoted candidate: four characters are mostly abstractions (产业发展, 民生改善) or lexicon words."""
UNQUOTED_MAX = 16
"""Longest unquoted candidate."""
_UNQUOTED_REACH = 40
"""How far after an opener unquoted candidates may end."""
MIN_LENGTH = 4
"""Shortest quoted candidate: shorter topics and mechanisms are lexicon words the rules find."""
"""Shortest candidate: shorter topics and mechanisms are lexicon words the rules find."""
"""Longest unquoted candidate (quoted and 《》 spans may be up to 60 characters)."""

_STOP = re.compile("[，。；：！？,;:!?\n（）()]")
_STOP_CHARS = "，。；：！？,;:!?\n（）()"
"""_STOP's characters, found by str.find (a scan in C for each, no match object per stop)."""
_OPEN_QUOTES = "“「‘『"
_CLOSE_QUOTES = "”」’』"
_QUOTED = re.compile("[“「《]([^“”「」《》，。；：！？\n]{1,60})[”」》]")
_FORMULA = re.compile("[、—+＋]")
_QUESTION = re.compile("如何|怎样|怎么|怎幺|谁|哪|吗|？")
_DIGIT = re.compile(r"\d")
_QUOTE_CHARS = "“”「」‘’『』《》"
_QUOTE_SET = frozenset(_QUOTE_CHARS)
_NOT_UNQUOTED = re.compile("[、“”「」‘’『』《》]|" + _QUESTION.pattern)
"""What an unquoted candidate may not hold (Judge keeps where it occurs); _FORMULA likewise."""
_FORMULA_CHARS = "、—+＋"
"""_FORMULA's characters."""


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    type: str


@dataclass(frozen=True)
class _Cues:
    automaton: ahocorasick.Automaton
    heads: re.Pattern[str]
    generic: frozenset[str]


@lru_cache(maxsize=1)
def _cues() -> _Cues:
    """The cue words of kg/data/term_cues.tsv: an automaton (word -> its kinds), heads, generic names."""
    kinds: dict[str, list[str]] = {}
    for kind, word in read_table("term_cues.tsv", 2, 2):
        if kind not in ("open", "left", "close", "right", "head", "generic", "rule_open"):
            raise ConfigError(f"{DATA_DIR / 'term_cues.tsv'}: unknown kind {kind!r} for {word!r}")
        kinds.setdefault(word, []).append(kind)
    auto = ahocorasick.Automaton()
    for word, ks in kinds.items():
        auto.add_word(word, (word, tuple(ks)))
    auto.make_automaton()
    heads = sorted((w for w, ks in kinds.items() if "head" in ks), key=len, reverse=True)
    head_after_quote = re.compile("[^，。；：！？“”、\n]{0,6}?(?:" + "|".join(map(re.escape, heads)) + ")")
    generic = frozenset(w for w, ks in kinds.items() if "generic" in ks)
    return _Cues(auto, head_after_quote, generic)


class Judge:
    """The candidates of one text and the features of each (cue points, rule coverage, clause openers)."""

    def __init__(self, norm: str, rule_spans: Sequence[Span]) -> None:
        self.norm = norm
        cues = _cues()
        self.generic = cues.generic
        self.quoted = list(_QUOTED.finditer(norm))
        lefts: set[int] = {0}
        self.opens: dict[int, str] = {}
        self.closes: dict[int, str] = {}
        self.stops = _places_of(norm, _STOP_CHARS)
        # the cue words of the whole text, found once (unquoted() reads them all); those inside a region
        # are the ones a search of each region alone finds, in the same order
        self.cue_hits: list[tuple[int, tuple[str, tuple[str, ...]]]] = list(cues.automaton.iter(norm))
        regions = self._regions()
        region_starts = [a for a, _ in regions]
        for end_index, (word, kinds) in self.cue_hits:
            start, end = end_index - len(word) + 1, end_index + 1
            r = bisect.bisect_right(region_starts, start) - 1
            if r < 0 or end > regions[r][1]:
                continue
            if "open" in kinds:
                self.opens[end] = word
            if "open" in kinds or "left" in kinds:
                lefts.add(end)
            if "close" in kinds:
                self.closes.setdefault(start, word)
        self.commas = _places(norm, "、")
        for at in self.stops:
            lefts.add(at + 1)
        for at in self.commas:
            lefts.add(at + 1)
        quote_chars = _places_of(norm, _QUOTE_CHARS)
        for at in quote_chars:
            if norm[at] not in "《》":  # the quote marks
                lefts.add(at + 1)
        self.lefts = sorted(lefts)
        self.open_ends = sorted(self.opens)
        self.deng = _places(norm, "等")
        # where the text holds what _NOT_UNQUOTED, _QUESTION and _FORMULA look for, found once for the text
        # instead of searching each candidate: their occurrences never overlap (no word of _QUESTION ends
        # where another begins), so a candidate holds a match exactly when an occurrence lies inside it
        self.question_starts: list[int] = []
        self.question_ends: list[int] = []
        for m in _QUESTION.finditer(norm):
            self.question_starts.append(m.start())
            self.question_ends.append(m.end())
        bad = sorted([*((at, at + 1) for at in self.commas), *((at, at + 1) for at in quote_chars),
                      *zip(self.question_starts, self.question_ends)])
        self.bad_starts = [a for a, _ in bad]
        self.bad_ends = [b for _, b in bad]
        self.formula_places = _places_of(norm, _FORMULA_CHARS)
        self._edge_tags: dict[int, str] = {}
        self._bigrams: list[str] = [""] * len(norm)
        cover: list[str] = [""] * len(norm)
        exact: dict[tuple[int, int], str] = {}
        # the rule spans overlapping a window around a quote; the windows' starts and ends both rise (the
        # quotes do not overlap), so the windows starting before a span's end reach furthest in the last one
        window_starts = [max(0, m.start() - 14) for m in self.quoted]
        window_ends = [m.end() + 12 for m in self.quoted]
        near = [
            s for s in rule_spans
            if (w := bisect.bisect_left(window_starts, s.end)) > 0 and window_ends[w - 1] > s.start
        ]
        for span in sorted(near, key=lambda s: (s.start - s.end, s.start)):
            exact.setdefault((span.start, span.end), span.type)
            for i in range(span.start, span.end):
                cover[i] = span.type
        self.cover = cover
        self.exact = exact
        self.rule_terms = sorted((s.start, s.end) for s in rule_spans if s.type in LABELS)

    def _regions(self) -> list[tuple[int, int]]:
        """Where cue words can matter: from the clause start before each quote to a few characters after it."""
        regions: list[tuple[int, int]] = []
        for match in self.quoted:
            i = bisect.bisect_left(self.stops, max(0, match.start() - 14))
            start = self.stops[i - 1] + 1 if i > 0 else 0
            end = min(len(self.norm), match.end() + 14)
            if regions and start <= regions[-1][1]:
                regions[-1] = (regions[-1][0], max(end, regions[-1][1]))
            else:
                regions.append((start, end))
        return regions

    def candidates(self) -> list[tuple[int, int]]:
        """Quoted and 《》 spans whole; with a head written after the quote (“季度通报”制度), also the quote
        plus its head, and that with each start point up to 12 characters before the quote (协商成果“…”制度)."""
        norm = self.norm
        found: set[tuple[int, int]] = set()
        heads = _cues().heads
        for match in self.quoted:
            if match.end(1) - match.start(1) >= MIN_LENGTH:
                found.add(match.span(1))
            head = heads.match(norm, match.end(), match.end() + 10)
            if head is None:
                continue
            found.add((match.start() + 1, head.end()))
            lo = bisect.bisect_left(self.lefts, match.start() - 12)
            for left in self.lefts[lo:]:
                if left >= match.start():
                    break
                if self._next(self.stops, left) > match.start():
                    found.add((left, head.end()))
        return sorted(found)

    def unquoted(self) -> list[tuple[int, int]]:
        """Unquoted spans of the list after an opener (围绕 X、Y 等开展协商, 推动 X 落地): from the opener or a 、
        after it to a 、, a closer or the clause's end (at most _UNQUOTED_REACH characters after the opener),
        UNQUOTED_MIN to UNQUOTED_MAX characters, with no quote mark and no question word."""
        norm = self.norm
        opens: list[int] = []
        closes: list[int] = []
        rule_ends: set[int] = set()
        for end_index, (word, kinds) in self.cue_hits:
            start = end_index - len(word) + 1
            if "rule_open" in kinds:
                rule_ends.add(end_index + 1)
            elif "open" in kinds and start not in rule_ends:  # 坚持|协商前…: an opener inside a method's words
                opens.append(end_index + 1)
            if "close" in kinds:
                closes.append(start)
        found: set[tuple[int, int]] = set()
        for open_end in opens:
            limit = min(self._next(self.stops, open_end), open_end + _UNQUOTED_REACH, len(norm))
            segment = norm[open_end:limit]
            if segment.startswith("、"):
                continue  # 深调研、…: the cue word ends an item, it opens no list
            if not _QUOTE_SET.isdisjoint(segment[:UNQUOTED_MAX]):
                continue  # quoted names are the quoted candidates' business
            # the 、 of the segment, from the document's (sorted) list instead of a walk over its characters
            commas = self.commas[bisect.bisect_left(self.commas, open_end) : bisect.bisect_left(self.commas, limit)]
            lo = bisect.bisect_right(closes, open_end)
            hi = bisect.bisect_right(closes, limit)
            rights = sorted({*commas, *closes[lo:hi], limit})
            for left in [open_end, *(at + 1 for at in commas)]:
                # a span holds a match of _NOT_UNQUOTED when the first occurrence from ``left`` on ends in it
                b = _bisect_left(self.bad_starts, left)
                bad_end = self.bad_ends[b] if b < len(self.bad_ends) else 1 << 30
                for right in rights:
                    if right - left > UNQUOTED_MAX or right >= bad_end:
                        break
                    if right - left >= UNQUOTED_MIN:
                        found.add((left, right))
        return sorted(found)

    def all_candidates(self) -> list[tuple[int, int]]:
        """The quoted candidates and the unquoted ones, each once, in text order."""
        return sorted({*self.candidates(), *self.unquoted()})

    @staticmethod
    def _next(points: list[int], at: int) -> int:
        i = _bisect_left(points, at)
        return points[i] if i < len(points) else 1 << 30

    def _edge_tag(self, edge: int, at: int) -> str:
        """The feature of the first dictionary part of speech found at an edge, '' if none: "et=" for the
        last 4, 3 or 2 characters before ``at``, "ft=" for the first 4, 3 or 2 from ``at`` (of a candidate of
        five characters or more), "lt=" for the 3, 2 or 1 before ``at``, "rt=" for the 3, 2 or 1 from
        ``at``; made once for each place of the text (candidates share their edges)."""
        key = at * 4 + edge
        feature = self._edge_tags.get(key)
        if feature is None:
            feature = ""
            norm = self.norm
            if edge == _ET:
                feature = next(("et=" + t for k in (4, 3, 2) if (t := words.tag(norm[at - k : at]))), "")
            elif edge == _FT:
                feature = next(("ft=" + t for k in (4, 3, 2) if (t := words.tag(norm[at : at + k]))), "")
            elif edge == _LT:
                feature = next(("lt=" + t for k in (3, 2, 1) if at - k >= 0 and (t := words.tag(norm[at - k : at]))), "")
            else:
                feature = next(("rt=" + t for k in (3, 2, 1) if (t := words.tag(norm[at : at + k]))), "")
            self._edge_tags[key] = feature
        return feature

    def has_question(self, start: int, end: int) -> bool:
        """_QUESTION.search(norm[start:end]) finds a match."""
        i = _bisect_left(self.question_starts, start)
        return i < len(self.question_starts) and self.question_ends[i] <= end

    def has_formula(self, start: int, end: int) -> bool:
        """_FORMULA.search(norm[start:end]) finds a match."""
        i = _bisect_left(self.formula_places, start)
        return i < len(self.formula_places) and self.formula_places[i] < end

    def features(self, start: int, end: int) -> list[str]:
        norm = self.norm
        text = norm[start:end]
        size = len(text)
        ql = 1 if start > 0 and norm[start - 1] in _QUOTE_CHARS else 0
        qr = 1 if end < len(norm) and norm[end] in _QUOTE_CHARS else 0
        before, after = start - ql, end + qr
        feats = [
            "len=" + str(min(size, 12)),
            "f1=" + text[0],
            "f2=" + text[:2],
            "e1=" + text[-1],
            "e2=" + text[-2:],
            "e3=" + text[-3:],
            "l1=" + norm[before - 1 : before] if before > 0 else "l1=",
            "l2=" + norm[max(0, before - 2) : before],
            "r1=" + norm[after : after + 1],
            "r2=" + norm[after : after + 2],
            "r3=" + norm[after : after + 3],
        ]
        if before in self.opens:
            feats.append("lw=" + self.opens[before])
        if after in self.closes:
            feats.append("rw=" + self.closes[after])
        quoted_inside = not _QUOTE_SET.isdisjoint(text)
        if not ql and not qr and not quoted_inside:
            feats.append("unq")
        if ql and qr:
            feats.append("title" if norm[start - 1] == "《" else "quoted")
        elif quoted_inside:
            feats.append("hasq")
        if self.has_formula(start, end):
            feats.append("formula")
        if self.has_question(start, end):
            feats.append("question")
        if _DIGIT.search(text):  # per span: a scan of the text for \d (a category, no fast skip) costs more
            feats.append("digit")
        rule = self.exact.get((start, end))
        if rule:
            feats.append("rx=" + rule)
        for type_ in sorted(set(self.cover[start:end]) - {""}):
            feats.append("rin=" + type_)
        if start > 0 and self.cover[start - 1] and self.cover[start - 1] == self.cover[start]:
            feats.append("rcutl=" + self.cover[start])
        if end < len(norm) and self.cover[end] and self.cover[end] == self.cover[end - 1]:
            feats.append("rcutr=" + self.cover[end])
        if text in self.generic:
            feats.append("generic")
        i = bisect.bisect_left(self.stops, start)
        clause_start = self.stops[i - 1] + 1 if i > 0 else 0
        clause_end = self.stops[i] if i < len(self.stops) else len(norm)
        j = bisect.bisect_right(self.open_ends, before)
        if j > 0 and self.open_ends[j - 1] > clause_start:
            feats.append("op=" + self.opens[self.open_ends[j - 1]])
        d = self._next(self.deng, end)
        if d < clause_end and d - end < 30:
            feats.append("le=" + norm[d + 1 : d + 3])
        bigrams = self._bigrams  # "bg=" + text[k : k + 2] for k in range(size - 1), made once per place
        for k in range(start, end - 1):
            bigram = bigrams[k]
            if not bigram:
                bigram = bigrams[k] = "bg=" + norm[k : k + 2]
            feats.append(bigram)
        if size >= 5:  # every k of the loops below
            for feature in (self._edge_tag(_ET, end), self._edge_tag(_FT, start)):
                if feature:
                    feats.append(feature)
        else:
            for k in (4, 3, 2):
                if size > k and (found := words.tag(text[-k:])):
                    feats.append("et=" + found)
                    break
            for k in (4, 3, 2):
                if size > k and (found := words.tag(text[:k])):
                    feats.append("ft=" + found)
                    break
        for feature in (self._edge_tag(_LT, before), self._edge_tag(_RT, after)):
            if feature:
                feats.append(feature)
        comma = self._next(self.commas, clause_start)
        if comma < clause_end and (norm[before - 1 : before] == "、" or norm[after : after + 1] == "、"):
            feats.append("item")
            lo = bisect.bisect_left(self.rule_terms, (clause_start, 0))
            for a, b in self.rule_terms[lo:]:
                if a >= clause_end:
                    break
                if b <= start or a >= end:
                    feats.append("sib=" + self.cover[a])
                    break
        return feats


_ET, _FT, _LT, _RT = 0, 1, 2, 3
"""The edges of Judge._edge_tag."""


def _places(text: str, char: str) -> list[int]:
    """Where ``char`` stands in ``text``, in order (a plain scan: what re.finditer(char) gives)."""
    places: list[int] = []
    at = text.find(char)
    while at >= 0:
        places.append(at)
        at = text.find(char, at + 1)
    return places


def _places_of(text: str, chars: str) -> list[int]:
    """Where any of ``chars`` stands in ``text``, in order (what re.finditer of their class gives)."""
    places: list[int] = []
    for char in chars:
        places += _places(text, char)
    places.sort()
    return places


def _bisect_left(points: list[int], at: int) -> int:
    """bisect.bisect_left on a list of ints, compiled natively (the module's call costs more than the search)."""
    lo, hi = 0, len(points)
    while lo < hi:
        mid = (lo + hi) // 2
        if points[mid] < at:
            lo = mid + 1
        else:
            hi = mid
    return lo


def describe(norm: str, rule_spans: Sequence[Span]) -> Judge:
    return Judge(norm, rule_spans)


def candidates(norm: str) -> list[tuple[int, int]]:
    return Judge(norm, ()).candidates()


@lru_cache(maxsize=1)
def _tagger() -> object | None:
    """The shipped model (None when the file is absent: the rules then work alone)."""
    import pycrfsuite

    if not MODEL_PATH.is_file():
        return None
    tagger = pycrfsuite.Tagger()
    try:
        tagger.open(str(MODEL_PATH))
    except (OSError, ValueError) as exc:
        raise ConfigError(f"{MODEL_PATH}: cannot load the Topic/Mechanism model: {exc}") from exc
    return tagger


_IN_USE: list[object | None] = []


@contextmanager
def using(tagger: object | None) -> Iterator[None]:
    """Extraction inside the block judges candidates with ``tagger`` (None: the rules alone) instead of the
    shipped model; cross-validation (kg.extract.termtrain) scores fold models through the whole extractor."""
    _IN_USE.append(tagger)
    try:
        yield
    finally:
        _IN_USE.pop()


def model_stamp(path: Path = STAMP_PATH) -> dict[str, object]:
    try:
        stamp: dict[str, object] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read the Topic/Mechanism model's stamp: {exc}") from exc
    return stamp


def _overlaps(spans: Sequence[tuple[int, int]], start: int, end: int) -> bool:
    for a, b in spans:
        if a < end and start < b:
            return True
    return False


def judged(norm: str, rule_spans: Sequence[Span], tagger: object, skip: Sequence[tuple[int, int]] = ()) -> list[tuple[float, int, int, str]]:
    """(probability, start, end, type) of every candidate the model calls a Topic or Mechanism, leaving out
    (unjudged: no features, no tagging) the candidates that overlap a span of ``skip``."""
    judge = Judge(norm, rule_spans)
    result: list[tuple[float, int, int, str]] = []
    for start, end in judge.all_candidates():
        if skip and _overlaps(skip, start, end):
            continue
        label = tagger.tag([judge.features(start, end)])[0]  # type: ignore[attr-defined]
        if label in LABELS:
            result.append((tagger.marginal(label, 0), start, end, label))  # type: ignore[attr-defined]
    return result


def additions(norm: str, rule_spans: Sequence[Span], tagger: object | None = None, threshold: float = ADD_THRESHOLD) -> list[Span]:
    """The model's Topics and Mechanisms that the rules (``rule_spans``) do not have: candidates at or above
    ``threshold``, most probable first, overlapping no rule Topic/Mechanism and no candidate taken before."""
    if tagger is None:
        tagger = _IN_USE[-1] if _IN_USE else _tagger()
    if tagger is None:
        return []
    taken = [(s.start, s.end) for s in rule_spans if s.type in LABELS]
    added: list[Span] = []
    # a candidate overlapping a rule Topic/Mechanism can never be taken nor keep anything out: not judged
    for p, start, end, label in sorted(judged(norm, rule_spans, tagger, skip=tuple(taken)), key=lambda z: (-z[0], z[1], z[2])):
        if p < threshold or _overlaps(taken, start, end):
            continue
        if label not in ADD_TYPES:
            taken.append((start, end))  # judged a mechanism: no topic inside it either
            continue
        taken.append((start, end))
        added.append(Span(start, end, label))
    return sorted(added, key=lambda s: s.start)


def name_of(text: str) -> str:
    """A span's name: its text without quote marks."""
    return "".join(c for c in text if c not in _QUOTE_CHARS)
