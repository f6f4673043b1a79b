"""Sentence skeletons: a sentence as the patterns see it.

    top_level_spans(entities)             -> the mentions that become placeholders (longest, then earliest)
    Kept(norm)                            -> the document text without quote marks and whitespace
    make_skeleton(kept, sentence, spans)  -> Skeleton: each mention one placeholder character, titles
                                             written before a name folded into the person (Chain)
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from kg.model import ENTITY_TYPES, Entity, Sentence

PH_FIRST = 0xE000
PH_LAST = 0xF8FF
PH = "[\ue000-\uf8ff]"
"""Any placeholder. Each entity type has a block of TYPE_SLOTS placeholders (in the order of ENTITY_TYPES), so
a pattern can ask for a mention of some types only (placeholder_class)."""
TYPE_SLOTS = (PH_LAST - PH_FIRST + 1) // len(ENTITY_TYPES)
_TYPE_BLOCK = {name: PH_FIRST + number * TYPE_SLOTS for number, name in enumerate(ENTITY_TYPES)}


def placeholder_class(types: Iterable[str]) -> str:
    """A regular expression character class of the placeholders of mentions of ``types``."""
    blocks = sorted(_TYPE_BLOCK[name] for name in set(types))
    return "[" + "".join(f"{chr(b)}-{chr(b + TYPE_SLOTS - 1)}" for b in blocks) + "]"


class _Codes:
    """Hands out the placeholders of one skeleton: the next free one of an entity's type block."""

    __slots__ = ("used", "by_code")

    def __init__(self) -> None:
        self.used: dict[str, int] = {}
        self.by_code: dict[int, Entity] = {}

    def placeholder(self, entity: Entity) -> str:
        """The entity's placeholder, or U+FFFD when its type's block is full (the mention is then plain text)."""
        number = self.used.get(entity.type, 0)
        if number >= TYPE_SLOTS:
            return _UNKNOWN
        self.used[entity.type] = number + 1
        code = _TYPE_BLOCK[entity.type] + number
        self.by_code[code] = entity
        return chr(code)

_QUOTES = frozenset("“”\"'‘’「」『』《》〈〉")
_CLAUSE_MARKS = frozenset("，,；;：:")
_CLAUSE_MARK = re.compile("[" + "".join(re.escape(c) for c in sorted(_CLAUSE_MARKS)) + "]")
_PLACEHOLDER = re.compile(PH)
_SPECIAL = re.compile(r"[\s" + "".join(re.escape(q) for q in sorted(_QUOTES)) + "\ue000-\uf8ff]")
"""Characters a skeleton does not keep as they are (see Kept)."""
_UNKNOWN = "\ufffd"
"""Stands for a private-use character of the text in a skeleton, where those characters are placeholders."""


@dataclass
class Chain:
    """Titles written before one or more names: 湖州市政协党组书记、主席沈国良; 市政协副主席钱晓梅、欧阳建华."""

    positions: list[Entity]
    persons: list[Entity]


class Skeleton:
    """A sentence as patterns see it (see make_skeleton); offsets and clauses are worked out when first asked for."""

    __slots__ = ("index", "text", "entities", "marks", "chains", "_kept", "_segments", "_offsets", "_clauses",
                 "_clause_starts", "subjects", "_by_code")

    def __init__(
        self, index: int, text: str, by_code: dict[int, Entity], marks: list[int], kept: Kept,
        segments: list[tuple[int, int]], chains: list[Chain] | None = None, offsets: list[int] | None = None,
    ) -> None:
        self.index = index
        self.text = text
        """The sentence with quotes and spaces removed and each mention replaced by a placeholder."""
        self._by_code = by_code
        self.entities = [by_code[ord(text[m])] for m in marks]
        """The entities of the placeholders, in order."""
        self.marks = marks
        """Positions of the placeholder characters, in order."""
        self.chains = chains or []
        self._kept = kept
        self._segments = segments
        """The document text the skeleton was made of, in order: (start, end) of text, (start, -1) of a mention."""
        self._offsets = offsets
        self._clauses: list[tuple[int, int]] | None = None
        self._clause_starts: list[int] = []
        self.subjects: dict[int, list[int] | None] = {}
        """Clause number -> its subject's positions, as kg.extract.relations.subjects.subject_of found them."""

    @property
    def offsets(self) -> list[int]:
        """Document offset of each skeleton character (increasing)."""
        if self._offsets is None:
            offsets: list[int] = []
            for start, end in self._segments:
                if end < 0:
                    offsets.append(start)
                else:
                    offsets.extend(self._kept.offsets(start, end))
            self._offsets = offsets
        return self._offsets

    @property
    def clauses(self) -> list[tuple[int, int]]:
        """(start, end) of each clause: the text between clause punctuation (，；：)."""
        if self._clauses is None:
            clauses: list[tuple[int, int]] = []
            start = 0
            for mark in _CLAUSE_MARK.finditer(self.text):
                clauses.append((start, mark.start()))
                start = mark.end()
            clauses.append((start, len(self.text)))
            self._clauses = clauses
            self._clause_starts = [clause[0] for clause in clauses]
        return self._clauses

    def entity_at(self, pos: int) -> Entity | None:
        return self._by_code.get(ord(self.text[pos]))

    def placeholder_entity(self, char: str) -> Entity | None:
        """The entity ``char`` stands for (None: not a placeholder)."""
        return self._by_code.get(ord(char))

    def entities_at(self, positions: Iterable[int]) -> list[Entity]:
        return [e for e in (self.entity_at(p) for p in positions) if e is not None]

    def marks_between(self, start: int, end: int) -> list[int]:
        """Placeholder positions p with start <= p < end."""
        return self.marks[bisect_left(self.marks, start) : bisect_left(self.marks, end)]

    def clause_of(self, pos: int) -> int:
        clauses = self.clauses
        number = bisect_right(self._clause_starts, pos) - 1
        if number >= 0 and pos < clauses[number][1]:
            return number
        return len(clauses) - 1


class Span(NamedTuple):
    start: int
    end: int
    entity: Entity


def top_level_spans(entities: Sequence[Entity]) -> list[Span]:
    """Mentions with nested and overlapping ones dropped (the longest, then earliest, wins)."""
    ordered = sorted(
        (m.start, m.start - m.end, e.type, e.name, number, m.end, e)
        for number, (e, m) in enumerate((e, m) for e in entities for m in e.mentions)
        if m.end > m.start
    )  # ``number`` keeps mentions that tie in their first place in the order given
    kept: list[Span] = []
    end = -1
    for start, _, _, _, _, stop, entity in ordered:
        if start >= end:
            kept.append(Span(start, stop, entity))
            end = stop
    return kept


class Kept:
    """A document's text as skeletons hold it: quote marks and whitespace dropped, private-use characters
    (the placeholders of skeletons) replaced by U+FFFD."""

    __slots__ = ("text", "gone")

    def __init__(self, norm: str) -> None:
        gone: list[int] = []  # document offsets of the dropped characters
        private = False
        for special in _SPECIAL.finditer(norm):
            if PH_FIRST <= ord(special.group()) <= PH_LAST:
                private = True
            else:
                gone.append(special.start())
        pieces: list[str] = []
        start = 0
        for at in gone:
            pieces.append(norm[start:at])
            start = at + 1
        pieces.append(norm[start:])
        text = "".join(pieces)
        self.text = _PLACEHOLDER.sub(_UNKNOWN, text) if private else text
        self.gone = gone

    def index(self, offset: int) -> int:
        """Where the kept character at document ``offset`` (or the first one after it) is in ``text``."""
        return offset - bisect_left(self.gone, offset)

    def offsets(self, start: int, end: int) -> list[int]:
        """Document offsets of the kept characters from ``start`` to ``end``."""
        found: list[int] = []
        for at in self.gone[bisect_left(self.gone, start) : bisect_left(self.gone, end)]:
            found.extend(range(start, at))
            start = at + 1
        found.extend(range(start, end))
        return found


def make_skeleton(kept: Kept, sentence: Sentence, inside: Sequence[Span]) -> Skeleton:
    """The skeleton of ``sentence``; ``inside`` are the top-level spans starting in it, in order."""
    text = kept.text
    pieces: list[str] = []
    segments: list[tuple[int, int]] = []
    codes = _Codes()
    marks: list[int] = []
    length = 0
    titled = False
    pos = sentence.start
    low = kept.index(pos)
    for span in inside:
        high = kept.index(span.start)
        if high > low:
            pieces.append(text[low:high])
            segments.append((pos, span.start))
            length += high - low
        placeholder = codes.placeholder(span.entity)
        if placeholder != _UNKNOWN:
            marks.append(length)
        length += 1
        segments.append((span.start, -1))
        pieces.append(placeholder)
        titled = titled or span.entity.type == "Position"
        if span.end > pos:
            pos = span.end
            low = kept.index(pos)
    if sentence.end > pos:
        high = kept.index(sentence.end)
        if high > low:
            pieces.append(text[low:high])
            segments.append((pos, sentence.end))
    skeleton = Skeleton(sentence.index, "".join(pieces), codes.by_code, marks, kept, segments)
    if titled:
        text, by_code, offsets, marks, chains = _fold(skeleton.text, skeleton.entities, skeleton.offsets, marks)
        skeleton = Skeleton(sentence.index, text, by_code, marks, kept, segments, chains, offsets)
    return skeleton


def _fold(
    text: str, entities: list[Entity], offsets: list[int], marks: list[int]
) -> tuple[str, dict[int, Entity], list[int], list[int], list[Chain]]:
    """The skeleton with titles folded into the persons they precede (see _fold_titles), renumbered."""
    mentioned = dict(zip(marks, entities))
    tokens = [(offset, mentioned.get(i), "" if i in mentioned else text[i]) for i, offset in enumerate(offsets)]
    tokens, chains = _fold_titles(tokens)
    codes = _Codes()
    chars: list[str] = []
    folded_marks: list[int] = []
    for _, entity, char in tokens:
        if entity is None:
            chars.append(char)
        else:
            folded_marks.append(len(chars))
            chars.append(codes.placeholder(entity))
    return "".join(chars), codes.by_code, [t[0] for t in tokens], folded_marks, chains


def _fold_titles(
    tokens: list[tuple[int, Entity | None, str]],
) -> tuple[list[tuple[int, Entity | None, str]], list[Chain]]:
    """Drop titles written right before a person's name, remembering which person holds which title."""
    out: list[tuple[int, Entity | None, str]] = []
    chains: list[Chain] = []
    i = 0
    while i < len(tokens):
        j, positions = i, []
        while j < len(tokens) and _is(tokens[j], "Position"):
            positions.append(tokens[j][1])
            j += 1
            if j + 1 < len(tokens) and tokens[j][2] in _TITLE_JOINERS and _is(tokens[j + 1], "Position"):
                j += 1
            elif j < len(tokens) and tokens[j][2] == "、" and (skip := _plain_title(tokens, j + 1)) is not None:
                j = skip  # 市政协委员、某公司总经理张三: a post that is no entity between the posts and the name
        if positions and j < len(tokens) and _is(tokens[j], "Person"):
            persons = [tokens[j][1]]
            out.append(tokens[j])
            k = j + 1
            while k + 1 < len(tokens) and tokens[k][2] == "、" and _is(tokens[k + 1], "Person"):
                persons.append(tokens[k + 1][1])
                out.extend(tokens[k : k + 2])
                k += 2
            chains.append(Chain([p for p in positions if p is not None], [p for p in persons if p is not None]))
            i = k
            continue
        out.append(tokens[i])
        i += 1
    return out, chains


_TITLE_JOINERS = ("、", "兼")
"""What joins two posts of one person (副主席兼秘书长)."""
_PLAIN_TITLE = 20
"""The longest post written between a person's posts and name that is no entity (某公司总经理)."""
_NOT_IN_TITLE = frozenset("，,。；;：:！？!?（）()")


def _is(token: tuple[int, Entity | None, str], type_: str) -> bool:
    return token[1] is not None and token[1].type == type_


def _plain_title(tokens: list[tuple[int, Entity | None, str]], start: int) -> int | None:
    """Where the person stands after plain text at ``start`` that may be a post (no mention, no clause
    punctuation, at most _PLAIN_TITLE characters), else None."""
    for k in range(start, min(len(tokens), start + _PLAIN_TITLE + 1)):
        if tokens[k][1] is not None:
            return k if k > start and tokens[k][1].type == "Person" else None  # type: ignore[union-attr]
        if tokens[k][2] in _NOT_IN_TITLE or tokens[k][2] == "、":
            return None
    return None
