"""Typed relations between a document's entities, and the counts it gives.

    find_relations(doc, sentences, entities) -> list[Relation]

Three mechanisms, all precise rather than greedy (a wrong edge is worse than a missing one):

1. Names. An organ whose name starts with the name of another body of the same type is a sub-organ
   of it (湖州市政协党组 -> 湖州市政协); a position belongs to the longest body its name starts with
   (中央统战部部长 -> 中央统战部); a platform, event or mechanism named after a body is run, held or
   adopted by it (湖南省政协关于…的实施意见).
2. Sentence patterns (kg/data/relation_patterns.tsv) over a skeleton of each sentence in which every
   entity mention is one placeholder character. A pattern names its trigger and where its object (and
   maybe its subject) stands; a missing subject is the subject of the clause, carried over from an
   earlier clause (Chinese drops subjects), else the document's speaker body.
3. Code for what patterns cannot say: titles before names (湖州市政协党组书记、主席沈国良 ->
   holdsPosition twice), 陪同 (accompanies the person who led), and counts (kg.extract.quantities)
   attached to the clause's subject.

Relations are deduplicated on (subject, predicate, object), keeping the earliest evidence sentence, and
returned in a stable order. ``within`` and the locatedIn of a body to the place in its own name are
left to the entity extractor.
"""

from __future__ import annotations

import importlib
import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, NamedTuple

from kg.errors import ConfigError
from kg.extract.quantities import find_counts, may_count
from kg.lexicon import DATA_DIR, rows
from kg.model import ENTITY_TYPES, Document, Entity, EntityKey, Quantity, Relation, Sentence

BODY_TYPES = frozenset({"CPPCCBody", "PartyGovOrgan"})
AGENT_TYPES = frozenset({"CPPCCBody", "PartyGovOrgan", "Person", "Platform", "Event"})
"""Types that can be the subject of a clause (do something)."""
COUNT_OWNER_TYPES = frozenset({"CPPCCBody", "PartyGovOrgan", "Platform", "Event"})
COUNTED_TYPES = frozenset({"Platform", "Event", "Mechanism", "Topic"})
"""Types of entity a count may count (“小微协商”140余次); 20个县政协 counts no particular body."""

_PH_FIRST = 0xE000
_PH_LAST = 0xF8FF
_PH = "[\ue000-\uf8ff]"
_QUOTES = frozenset("“”\"'‘’「」『』《》〈〉")
_CLAUSE_MARKS = frozenset("，,；;：:")
_CLAUSE_MARK = re.compile("[" + "".join(re.escape(c) for c in sorted(_CLAUSE_MARKS)) + "]")
_PLACEHOLDER = re.compile(_PH)
_SPECIAL = re.compile(r"[\s" + "".join(re.escape(q) for q in sorted(_QUOTES)) + "\ue000-\uf8ff]")
"""Characters a skeleton does not keep as they are (see _Kept)."""
_UNKNOWN = "\ufffd"
"""Stands for a private-use character of the text in a skeleton, where those characters are placeholders."""
_LIST_SEPARATORS = ("以及", "、", "和", "及", "与")
_GAP = "(?:[^\ue000-\uf8ff，,；;：:。！？!?]{0,10}?)"
_SUBJECT = f"(?P<S>{_PH}(?:(?:以及|、|和|及|与){_PH})*)"
_OBJECT = f"(?P<O>{_PH}(?:(?:以及|、|和|及|与)?{_PH})*)"
_BRACKETS = re.compile(r"（[^（）]*）|\([^()]*\)|【[^【】]*】|\[[^\[\]]*\]")

PATTERNS_FILE = "relation_patterns.tsv"
WORDS_FILE = "relation_words.tsv"
_WORD_KINDS = frozenset({"subject_prefix", "local_subject", "people_noun", "accompany", "report_genre", "not_report"})


# --------------------------------------------------------------------------------------------------
# Data files


@dataclass(frozen=True)
class Pattern:
    predicate: str
    subject_types: frozenset[str]
    object_types: frozenset[str]
    regex: re.Pattern[str]
    source: str
    """File and line, for debugging."""
    context_free: bool = False
    """Whether a match depends only on the text it covers (no anchors, look-arounds, atomic groups or
    possessive repeats): such a pattern is searched once over all the sentences of a document."""

    needs: tuple[int, ...] = ()
    """The types of the mentions a sentence needs for a relation, as masks (see _type_mask): one of the
    subject types when the pattern has {S}, one of the object types when it has {O} (a subject or object
    that is the clause's subject may come from elsewhere, such as the speaker)."""

    @property
    def has_subject(self) -> bool:
        return "S" in self.regex.groupindex

    @property
    def has_object(self) -> bool:
        return "O" in self.regex.groupindex


_TYPE_BITS = {name: 1 << number for number, name in enumerate(ENTITY_TYPES)}


def _type_mask(types: Iterable[str]) -> int:
    """The entity types as one integer, a bit per type (a quick test of whether two sets meet)."""
    mask = 0
    for name in types:
        mask |= _TYPE_BITS[name]
    return mask


@dataclass(frozen=True)
class _Words:
    subject_prefix: re.Pattern[str]
    local_subject: tuple[str, ...]
    people_noun: tuple[str, ...]
    accompany: tuple[str, ...]
    report_genre: tuple[str, ...]
    not_report: tuple[str, ...]


def _data_lines(name: str) -> Iterable[tuple[int, list[str]]]:
    """(line number, columns) of a relation data file, read by the project's one data-file reader."""
    for cols, number in rows(DATA_DIR / name, 1, 9):
        yield number, list(cols)


def _types(value: str, where: str) -> frozenset[str]:
    types = frozenset(t.strip() for t in value.split(",") if t.strip())
    unknown = sorted(types - set(ENTITY_TYPES))
    if not types or unknown:
        raise ConfigError(f"{where}: unknown entity type(s) {unknown or [value]}; use {', '.join(ENTITY_TYPES)}")
    return types


@lru_cache(maxsize=1)
def patterns() -> tuple[Pattern, ...]:
    """The sentence patterns of kg/data/relation_patterns.tsv, compiled (read once per process)."""
    loaded: list[Pattern] = []
    for number, cols in _data_lines(PATTERNS_FILE):
        where = f"kg/data/{PATTERNS_FILE}, line {number}"
        if len(cols) != 4 or not all(cols):
            raise ConfigError(f"{where}: expected 4 tab-separated columns (predicate, subject types, "
                              f"object types, pattern), got {len(cols)}")
        predicate, subject_types, object_types, source = cols
        if "{S}" not in source and "{O}" not in source:
            raise ConfigError(f"{where}: the pattern needs {{S}} or {{O}}: {source!r}")
        expression = source.replace("{S}", _SUBJECT).replace("{O}", _OBJECT).replace("…", _GAP)
        try:
            regex = re.compile(expression)
        except re.error as exc:
            raise ConfigError(f"{where}: bad pattern {source!r}: {exc}") from exc
        context_free = _context_free(_regex_parser().parse(expression, regex.flags))
        subjects, objects = _types(subject_types, where), _types(object_types, where)
        needs = tuple(_type_mask(types) for group, types in (("S", subjects), ("O", objects)) if group in regex.groupindex)
        loaded.append(Pattern(predicate, subjects, objects, regex, where, context_free, needs))
    return tuple(loaded)


def _regex_parser() -> Any:
    """The standard library's regular expression parser (``re._parser``)."""
    return importlib.import_module("re._parser")


def _context_free(items: Any) -> bool:
    """Whether the parsed expression ``items`` matches a piece of text whatever surrounds it."""
    parser = _regex_parser()  # it re-exports the opcodes of re._constants
    contextual = (parser.AT, parser.ASSERT, parser.ASSERT_NOT, parser.ATOMIC_GROUP, parser.POSSESSIVE_REPEAT)
    stack = [items]
    while stack:
        for op, arg in stack.pop():
            if op in contextual:
                return False
            stack.extend(_subpatterns(arg, parser.SubPattern))
    return True


def _subpatterns(arg: Any, kind: type) -> Iterable[Any]:
    if isinstance(arg, kind):
        yield arg
    elif isinstance(arg, (tuple, list)):
        for item in arg:
            yield from _subpatterns(item, kind)


@lru_cache(maxsize=1)
def _words() -> _Words:
    found: dict[str, list[str]] = {kind: [] for kind in _WORD_KINDS}
    for number, cols in _data_lines(WORDS_FILE):
        where = f"kg/data/{WORDS_FILE}, line {number}"
        if len(cols) != 2 or cols[0] not in _WORD_KINDS or not cols[1]:
            raise ConfigError(f"{where}: expected 'kind<TAB>value' with kind one of {', '.join(sorted(_WORD_KINDS))}")
        if cols[0] == "subject_prefix":
            try:
                re.compile(cols[1])
            except re.error as exc:
                raise ConfigError(f"{where}: bad expression {cols[1]!r}: {exc}") from exc
        found[cols[0]].append(cols[1])
    prefix = re.compile("(?:" + "|".join(f"(?:{p})" for p in found["subject_prefix"]) + ")*")
    return _Words(
        prefix,
        tuple(found["local_subject"]),
        tuple(found["people_noun"]),
        tuple(found["accompany"]),
        tuple(found["report_genre"]),
        tuple(found["not_report"]),
    )


# --------------------------------------------------------------------------------------------------
# Sentence skeletons


@dataclass
class _Chain:
    """Titles written before one or more names: 湖州市政协党组书记、主席沈国良; 市政协副主席钱晓梅、欧阳建华."""

    positions: list[Entity]
    persons: list[Entity]


class _Skeleton:
    """A sentence as patterns see it (see _skeleton); offsets and clauses are worked out when first asked for."""

    __slots__ = ("index", "text", "entities", "marks", "chains", "_kept", "_segments", "_offsets", "_clauses",
                 "_clause_starts", "_subjects")

    def __init__(
        self, index: int, text: str, entities: list[Entity], marks: list[int], kept: _Kept,
        segments: list[tuple[int, int]], chains: list[_Chain] | None = None, offsets: list[int] | None = None,
    ) -> None:
        self.index = index
        self.text = text
        """The sentence with quotes and spaces removed and each mention replaced by a placeholder."""
        self.entities = entities
        """Entity of placeholder k (character chr(_PH_FIRST + k))."""
        self.marks = marks
        """Positions of the placeholder characters, in order."""
        self.chains = chains or []
        self._kept = kept
        self._segments = segments
        """The document text the skeleton was made of, in order: (start, end) of text, (start, -1) of a mention."""
        self._offsets = offsets
        self._clauses: list[tuple[int, int]] | None = None
        self._clause_starts: list[int] = []
        self._subjects: dict[int, list[int] | None] = {}

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
        code = ord(self.text[pos])
        return self.entities[code - _PH_FIRST] if _PH_FIRST <= code <= _PH_LAST else None

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

    def subject(self, clause: int) -> list[int] | None:
        """The skeleton positions of the clause's subject mentions (empty when it has none; None when its
        subject is something that is not an entity, such as the officials of an organ)."""
        if clause not in self._subjects:
            start, end = self.clauses[clause]
            self._subjects[clause] = _clause_subject(self, start, end)
        return self._subjects[clause]


class _Span(NamedTuple):
    start: int
    end: int
    entity: Entity


def _top_level_spans(entities: Sequence[Entity]) -> list[_Span]:
    """Mentions with nested and overlapping ones dropped (the longest, then earliest, wins)."""
    ordered = sorted(
        (m.start, m.start - m.end, e.type, e.name, number, m.end, e)
        for number, (e, m) in enumerate((e, m) for e in entities for m in e.mentions)
        if m.end > m.start
    )  # ``number`` keeps mentions that tie in their first place in the order given
    kept: list[_Span] = []
    end = -1
    for start, _, _, _, _, stop, entity in ordered:
        if start >= end:
            kept.append(_Span(start, stop, entity))
            end = stop
    return kept


class _Kept:
    """A document's text as skeletons hold it: quote marks and whitespace dropped, private-use characters
    (the placeholders of skeletons) replaced by U+FFFD."""

    __slots__ = ("text", "gone")

    def __init__(self, norm: str) -> None:
        gone: list[int] = []  # document offsets of the dropped characters
        private = False
        for special in _SPECIAL.finditer(norm):
            if _PH_FIRST <= ord(special.group()) <= _PH_LAST:
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


def _skeleton(kept: _Kept, sentence: Sentence, inside: Sequence[_Span]) -> _Skeleton:
    """The skeleton of ``sentence``; ``inside`` are the top-level spans starting in it, in order."""
    text = kept.text
    pieces: list[str] = []
    segments: list[tuple[int, int]] = []
    entities: list[Entity] = []
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
        marks.append(length)
        length += 1
        segments.append((span.start, -1))
        pieces.append(chr(_PH_FIRST + len(entities)))
        entities.append(span.entity)
        titled = titled or span.entity.type == "Position"
        if span.end > pos:
            pos = span.end
            low = kept.index(pos)
    if sentence.end > pos:
        high = kept.index(sentence.end)
        if high > low:
            pieces.append(text[low:high])
            segments.append((pos, sentence.end))
    skeleton = _Skeleton(sentence.index, "".join(pieces), entities, marks, kept, segments)
    if titled:
        text, entities, offsets, marks, chains = _fold(skeleton.text, entities, skeleton.offsets, marks)
        skeleton = _Skeleton(sentence.index, text, entities, marks, kept, segments, chains, offsets)
    return skeleton


def _fold(
    text: str, entities: list[Entity], offsets: list[int], marks: list[int]
) -> tuple[str, list[Entity], list[int], list[int], list[_Chain]]:
    """The skeleton with titles folded into the persons they precede (see _fold_titles), renumbered."""
    mentioned = dict(zip(marks, entities))
    tokens = [(offset, mentioned.get(i), "" if i in mentioned else text[i]) for i, offset in enumerate(offsets)]
    tokens, chains = _fold_titles(tokens)
    kept: list[Entity] = []
    chars: list[str] = []
    folded_marks: list[int] = []
    for _, entity, char in tokens:
        if entity is None:
            chars.append(char)
        else:
            folded_marks.append(len(chars))
            chars.append(chr(_PH_FIRST + len(kept)))
            kept.append(entity)
    return "".join(chars), kept, [t[0] for t in tokens], folded_marks, chains


def _fold_titles(
    tokens: list[tuple[int, Entity | None, str]],
) -> tuple[list[tuple[int, Entity | None, str]], list[_Chain]]:
    """Drop titles written right before a person's name, remembering which person holds which title."""
    out: list[tuple[int, Entity | None, str]] = []
    chains: list[_Chain] = []
    i = 0
    while i < len(tokens):
        j, positions = i, []
        while j < len(tokens) and tokens[j][1] is not None and tokens[j][1].type == "Position":  # type: ignore[union-attr]
            positions.append(tokens[j][1])
            j += 1
            if j + 1 < len(tokens) and tokens[j][2] == "、" and tokens[j + 1][1] is not None and tokens[j + 1][1].type == "Position":  # type: ignore[union-attr]
                j += 1
        if positions and j < len(tokens) and tokens[j][1] is not None and tokens[j][1].type == "Person":  # type: ignore[union-attr]
            persons = [tokens[j][1]]
            out.append(tokens[j])
            k = j + 1
            while k + 1 < len(tokens) and tokens[k][2] == "、" and tokens[k + 1][1] is not None and tokens[k + 1][1].type == "Person":  # type: ignore[union-attr]
                persons.append(tokens[k + 1][1])
                out.extend(tokens[k : k + 2])
                k += 2
            chains.append(_Chain([p for p in positions if p is not None], [p for p in persons if p is not None]))
            i = k
            continue
        out.append(tokens[i])
        i += 1
    return out, chains


def _clause_subject(skeleton: _Skeleton, start: int, end: int) -> list[int] | None:
    """The mention(s) in subject position of the clause: preceded only by time phrases and the like.

    None when the subject position holds the people of an organ (区交通局负责人) rather than an entity.
    """
    for pos in skeleton.marks_between(start, end):
        entity = skeleton.entity_at(pos)
        if entity is not None and entity.type == "Place" and _in_subject_position(skeleton, start, pos):
            # 普雄乡古井社区围绕…召开“板凳会”: a place is the subject, unless a body follows (昆山市政协)
            after = pos + 1
            while (beside := skeleton.entity_at(after) if after < end else None) is not None and beside.type == "Place":
                after += 1
            if beside is None or beside.type not in AGENT_TYPES:
                return None
        if entity is None or entity.type not in AGENT_TYPES:
            continue
        if not _in_subject_position(skeleton, start, pos):
            return []
        group = [pos]
        while True:
            nxt = _after_separator(skeleton.text, group[-1] + 1, end)
            following = skeleton.entity_at(nxt) if nxt is not None else None
            if nxt is None or following is None or following.type != entity.type:
                break
            group.append(nxt)
        if skeleton.text.startswith(_words().people_noun, group[-1] + 1):
            return None
        return group
    return []


def _after_separator(text: str, pos: int, end: int) -> int | None:
    for sep in _LIST_SEPARATORS:
        if text.startswith(sep, pos) and pos + len(sep) < end:
            return pos + len(sep)
    return None


def _in_subject_position(skeleton: _Skeleton, start: int, pos: int) -> bool:
    if pos == start:  # nothing before it (subject_prefix is a repetition, so it matches the empty text)
        return True
    prefix = skeleton.text[start:pos]
    previous = None
    while previous != prefix:
        previous, prefix = prefix, _BRACKETS.sub("", prefix)
    while prefix and (entity := _placeholder_entity(skeleton, prefix[-1])) is not None and entity.type == "Place":
        prefix = prefix[:-1]
    if any(_PH_FIRST <= ord(c) <= _PH_LAST for c in prefix):
        return False
    return _words().subject_prefix.fullmatch(prefix) is not None


def _placeholder_entity(skeleton: _Skeleton, char: str) -> Entity | None:
    code = ord(char)
    return skeleton.entities[code - _PH_FIRST] if _PH_FIRST <= code <= _PH_LAST else None


# --------------------------------------------------------------------------------------------------
# Subjects


@dataclass(frozen=True)
class _Context:
    doc_body: Entity | None


def _implicit(skeleton: _Skeleton, pos: int, context: _Context) -> list[Entity]:
    """Who does what the clause at ``pos`` says: local subject, clause subject, carried, speaker body."""
    clause = skeleton.clause_of(pos)
    start, _ = skeleton.clauses[clause]
    for at in reversed(skeleton.marks_between(start, pos)):
        entity = skeleton.entity_at(at)
        if entity is not None and entity.type in AGENT_TYPES:
            if skeleton.text.startswith(_words().local_subject, at + 1):
                return [entity]
    own = skeleton.subject(clause)
    if own is None:
        return []
    if own and own[0] < pos:
        return skeleton.entities_at(own)
    for earlier in range(clause - 1, -1, -1):
        subject = skeleton.subject(earlier)
        if subject is None:
            return []
        if subject:
            return skeleton.entities_at(subject)
    # 聚焦背街小巷改造等难题，秦州区政协组织委员…: the subject may follow an opening adverbial clause
    if clause == 0 and len(skeleton.clauses) > 1:
        subject = skeleton.subject(clause + 1)
        if subject is None:
            return []
        if subject:
            return skeleton.entities_at(subject)
    return [context.doc_body] if context.doc_body is not None else []


def _group(skeleton: _Skeleton, start: int, end: int) -> list[Entity]:
    """The entities of a matched {S} or {O} list; of places written side by side only the last."""
    members: list[tuple[Entity, bool]] = []  # (entity, written after something other than a mention)
    previous = start - 1
    for pos in skeleton.marks_between(start, end):
        entity = skeleton.entity_at(pos)
        if entity is not None:
            members.append((entity, not members or pos != previous + 1))
            previous = pos
    kept: list[Entity] = []
    for number, (entity, _) in enumerate(members):
        nxt = members[number + 1] if number + 1 < len(members) else None
        if entity.type == "Place" and nxt is not None and nxt[0].type == "Place" and not nxt[1]:
            continue
        kept.append(entity)
    return kept


def _doc_body(doc: Document, entities: Sequence[Entity], skeletons: Sequence[_Skeleton]) -> Entity | None:
    """The body the document speaks for: ingest's speaker, else the one body named in a report's opening."""
    bodies = [e for e in entities if e.type in BODY_TYPES]
    if doc.speaker:
        for entity in sorted(bodies, key=lambda e: (e.type != "CPPCCBody", e.name)):
            if doc.speaker == entity.name or doc.speaker in entity.aliases:
                return entity
        return None
    words = _words()
    opening = skeletons[:3]
    if any(w in s.text for s in opening for w in words.not_report):
        return None
    for number, skeleton in enumerate(opening):
        if not any(w in skeleton.text for w in words.report_genre):
            continue
        named = {e.key: e for e in _authors(skeleton)}
        if len(named) == 1:
            return next(iter(named.values()))
        # a byline on the next line: "——在…交流会上的发言" then "沂南县政协"
        if not named and number + 1 < len(skeletons):
            byline = skeletons[number + 1]
            if len(byline.text) == 1 and byline.entities[0].type == "CPPCCBody":
                return byline.entities[0]
        return None
    return None


def _authors(skeleton: _Skeleton) -> list[Entity]:
    """CPPCC bodies in an opening line that may be its author: not 在X…上 (the host of a meeting) and not
    written right before an event (山东省政协基层协商工作经验交流会)."""
    authors: list[Entity] = []
    for pos, char in enumerate(skeleton.text):
        entity = _placeholder_entity(skeleton, char)
        if entity is None or entity.type != "CPPCCBody":
            continue
        following = skeleton.entity_at(pos + 1) if pos + 1 < len(skeleton.text) else None
        if skeleton.text[:pos].endswith("在") or (following is not None and following.type == "Event"):
            continue
        authors.append(entity)
    return authors


# --------------------------------------------------------------------------------------------------
# The three mechanisms


def find_relations(doc: Document, sentences: list[Sentence], entities: list[Entity]) -> list[Relation]:
    """Every relation the text states between ``entities`` (and the counts it gives), deduplicated."""
    spans = _top_level_spans(entities)
    starts = [span.start for span in spans]
    inside = [spans[bisect_left(starts, s.start) : bisect_left(starts, s.end)] for s in sentences]
    kept = _Kept(doc.norm)
    skeletons = [_skeleton(kept, sentence, spans_in) for sentence, spans_in in zip(sentences, inside)]
    context = _Context(_doc_body(doc, entities, skeletons))
    found: list[Relation] = []
    found.extend(_from_names(doc, sentences, entities))
    found.extend(_from_patterns(skeletons, context, {e.type for e in entities}))
    for skeleton in skeletons:
        found.extend(_from_titles(skeleton))
    found.extend(_accompanies(skeletons, found))
    for skeleton, sentence, spans_in in zip(skeletons, sentences, inside):
        found.extend(_counts(doc, sentence, skeleton, spans_in, context))
    return _dedupe(found)


def _first_sentence(entity: Entity, doc: Document, sentences: Sequence[Sentence]) -> int | None:
    """Where the entity is first mentioned; for an organ named only inside a title (湖州市政协党组 in
    湖州市政协党组书记), where its name first occurs in the text."""
    mentioned = min((m.sentence for m in entity.mentions), default=None)
    if mentioned is not None:
        return mentioned
    found = [at for form in sorted({entity.name, *entity.aliases}) if form and (at := doc.norm.find(form)) >= 0]
    if not found:
        return None
    first = min(found)
    return next((s.index for s in sentences if s.start <= first < s.end), None)


def _from_names(doc: Document, sentences: Sequence[Sentence], entities: Sequence[Entity]) -> list[Relation]:
    bodies: dict[str, list[Entity]] = {}  # name -> bodies of that name, by type
    for named in sorted((e for e in entities if e.type in BODY_TYPES), key=lambda e: (e.type, e.name)):
        bodies.setdefault(named.name, []).append(named)
    relations: list[Relation] = []
    for entity in entities:
        if entity.type not in BODY_TYPES and entity.type not in _NAMED_AFTER:
            continue
        body = _named_after(entity, bodies)
        if body is None:
            continue
        sentence = _first_sentence(entity, doc, sentences)
        if sentence is None:
            continue
        if entity.type in BODY_TYPES:
            relations.append(Relation(entity.key, "subOrganOf", body.key, sentence))
        elif entity.type == "Position":
            relations.append(Relation(entity.key, "positionIn", body.key, sentence))
        else:
            relations.append(Relation(body.key, _NAMED_AFTER[entity.type], entity.key, sentence))
    return relations


_NAMED_AFTER = {"Position": "positionIn", "Platform": "runsPlatform", "Event": "holdsEvent", "Mechanism": "adoptsMechanism"}
"""Entity type -> the relation to the body its name starts with (a position is in it, the rest are the body's)."""


def _named_after(entity: Entity, bodies: dict[str, list[Entity]]) -> Entity | None:
    """The body with the longest name that ``entity``'s name starts with and is longer than (a sub-organ
    only of a body of its own type)."""
    name = entity.name
    for length in range(len(name) - 1, -1, -1):
        for body in bodies.get(name[:length], ()):
            if entity.type not in BODY_TYPES or body.type == entity.type:
                return body
    return None


def _from_patterns(skeletons: Sequence[_Skeleton], context: _Context, types: set[str]) -> list[Relation]:
    """Relations of every pattern match, in the order of the patterns and, for each, of the sentences.

    A pattern is only tried when the document has entities of its types (``types``), on the sentences
    with mentions of the types it needs.
    """
    relations: list[Relation] = []
    mentioned = [(s, _type_mask(e.type for e in s.entities)) for s in skeletons if s.marks]
    joined: dict[tuple[int, ...], _Joined] = {}
    for pattern in patterns():
        needs = pattern.needs
        if types.isdisjoint(pattern.subject_types) or types.isdisjoint(pattern.object_types):
            continue
        if needs not in joined:
            if len(needs) == 1:
                chosen = [s for s, kinds in mentioned if kinds & needs[0]]
            else:
                chosen = [s for s, kinds in mentioned if kinds & needs[0] and kinds & needs[1] and len(s.marks) > 1]
            joined[needs] = _join(chosen)
        some = joined[needs]
        if not pattern.context_free:
            for skeleton in some.skeletons:
                for match in _overlapping(pattern.regex, skeleton.text):
                    _add_match(relations, pattern, skeleton, match, 0, context)
            continue
        # A match within one sentence is the sentence's own match there; one running past the sentence's
        # end is tried again on the sentence alone. Every match of a sentence starts where one of the
        # whole text does, since a context-free pattern matches the same text anywhere.
        for match in _overlapping(pattern.regex, some.text):
            number = bisect_right(some.starts, match.start()) - 1
            skeleton, shift = some.skeletons[number], some.starts[number]
            if match.start() - shift >= len(skeleton.text):
                continue  # at the joiner
            if match.end() - shift > len(skeleton.text):
                again = pattern.regex.match(skeleton.text, match.start() - shift)
                if again is not None:
                    _add_match(relations, pattern, skeleton, again, 0, context)
            else:
                _add_match(relations, pattern, skeleton, match, shift, context)
    return relations


@dataclass(frozen=True)
class _Joined:
    """Skeletons with their texts joined, to search a pattern once per document."""

    skeletons: list[_Skeleton]
    text: str
    starts: list[int]
    """Where each skeleton's text starts in ``text``."""


def _join(skeletons: list[_Skeleton]) -> _Joined:
    starts: list[int] = []
    at = 0
    for skeleton in skeletons:
        starts.append(at)
        at += len(skeleton.text) + len(_JOINER)
    return _Joined(skeletons, _JOINER.join(s.text for s in skeletons), starts)


_JOINER = "\n"
"""Between sentence skeletons (which hold no whitespace) when a pattern is searched over a whole document."""


def _add_match(
    relations: list[Relation], pattern: Pattern, skeleton: _Skeleton, match: re.Match[str], shift: int,
    context: _Context,
) -> None:
    """The relations of one match; ``shift`` is where the skeleton's text starts in the matched text."""
    start = match.start() - shift
    objects: list[Entity] | None = None
    if pattern.has_object:
        objects = [o for o in _group(skeleton, match.start("O") - shift, match.end("O") - shift)
                   if o.type in pattern.object_types]
        if not objects:
            return
    if pattern.has_subject:
        subjects = _group(skeleton, match.start("S") - shift, match.end("S") - shift)
    else:
        subjects = _implicit(skeleton, start, context)
    subjects = [
        s for s in subjects
        if s.type in pattern.subject_types
        and not (pattern.predicate == "locatedIn" and s.type == "Platform" and not _has_own_name(s))
    ]
    if not subjects:
        return
    if objects is None:
        objects = [o for o in _implicit(skeleton, start, context) if o.type in pattern.object_types]
    for subject in subjects:
        for obj in objects:
            if obj.key != subject.key:
                relations.append(Relation(subject.key, pattern.predicate, obj.key, skeleton.index))


def _overlapping(regex: re.Pattern[str], text: str) -> Iterable[re.Match[str]]:
    """Matches starting at every position (重庆市荣昌区政协“…”: {S}{O} must also be tried from 荣昌区政协)."""
    pos = 0
    while (match := regex.search(text, pos)) is not None:
        yield match
        pos = match.start() + 1


def _has_own_name(platform: Entity) -> bool:
    """A platform with a proper name (“知心大姐”委员工作室, 有事来协商·乐事好商量), not a kind of venue."""
    return "·" in platform.name or any(
        any(q in m.text for q in "”」』") and not m.text.endswith(("”", "」", "』")) for m in platform.mentions
    )


def _from_titles(skeleton: _Skeleton) -> list[Relation]:
    return [
        Relation(person.key, "holdsPosition", position.key, skeleton.index)
        for chain in skeleton.chains
        for person in chain.persons
        for position in chain.positions
    ]


def _accompanies(skeletons: Sequence[_Skeleton], found: Sequence[Relation]) -> list[Relation]:
    """Persons listed before 陪同 accompany the person named after it, else the last one who led a visit."""
    leaders: dict[int, EntityKey] = {}
    for relation in found:
        if relation.predicate == "leads" and relation.sentence not in leaders:
            leaders[relation.sentence] = relation.subject
    relations: list[Relation] = []
    for skeleton in skeletons:
        for verb in _words().accompany:
            at = skeleton.text.find(verb)
            if at < 0:
                continue
            before = skeleton.text[:at]
            persons = [skeleton.entity_at(p) for p in range(len(before)) if skeleton.entity_at(p) is not None]
            rest = "".join(c for c in before if not _PH_FIRST <= ord(c) <= _PH_LAST)
            if not persons or any(p.type != "Person" for p in persons if p) or rest.strip("，,、和及") != "":
                continue
            after = skeleton.entity_at(at + len(verb)) if at + len(verb) < len(skeleton.text) else None
            if after is not None and after.type == "Person":
                leader: EntityKey | None = after.key
            else:
                earlier = [s for s in leaders if s <= skeleton.index]
                leader = leaders[max(earlier)] if earlier else None
            if leader is None:
                continue
            relations.extend(
                Relation(p.key, "accompanies", leader, skeleton.index) for p in persons if p and p.key != leader
            )
    return relations


def _counts(
    doc: Document, sentence: Sentence, skeleton: _Skeleton, inside: Sequence[_Span], context: _Context
) -> list[Relation]:
    """Counts in the sentence owned by the clause's subject; ``inside`` are the spans starting in it."""
    relations: list[Relation] = []
    if not may_count(doc.norm, sentence.start, sentence.end):
        return relations
    spans = [(s.start, s.end, s.entity.name if s.entity.type in COUNTED_TYPES else "") for s in inside]
    for count in find_counts(doc.norm[sentence.start : sentence.end], sentence.start, spans):
        pos = bisect_left(skeleton.offsets, count.start)  # the first skeleton character at or after it
        owners = [e for e in _implicit(skeleton, pos, context) if e.type in COUNT_OWNER_TYPES]
        if owners:
            relations.append(Relation(owners[0].key, "hasQuantity", count.quantity, sentence.index))
    return relations


def _object_key(obj: EntityKey | Quantity) -> tuple[str, ...]:
    if isinstance(obj, Quantity):
        return ("~", obj.counted, f"{obj.value:012d}", obj.unit, str(obj.at_least))
    return obj


def _dedupe(relations: Iterable[Relation]) -> list[Relation]:
    ordered = sorted(relations, key=lambda r: (r.sentence, r.predicate, r.subject, _object_key(r.object)))
    seen: set[tuple[EntityKey, str, EntityKey | Quantity]] = set()
    unique: list[Relation] = []
    for relation in ordered:
        identity = (relation.subject, relation.predicate, relation.object)
        if identity not in seen:
            seen.add(identity)
            unique.append(relation)
    return unique
