"""Sentence patterns (kg/data/relation_patterns.tsv) searched over skeletons.

    from_patterns(skeletons, context, types) -> the relations of every match

A context-free pattern is searched once over the joined skeletons of a document; a match gives its {S}
and {O} lists, or the clause's implicit subject (kg.extract.relations.subjects) where the pattern has none.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from kg.extract.relations.skeleton import Skeleton
from kg.extract.relations.subjects import Context, implicit_subject, list_members
from kg.extract.relations.tables import Pattern, patterns, type_mask
from kg.model import Entity, Relation


def from_patterns(skeletons: Sequence[Skeleton], context: Context, types: set[str]) -> list[Relation]:
    """Relations of every pattern match, in the order of the patterns and, for each, of the sentences.

    A pattern is only tried when the document has entities of its types (``types``), on the sentences
    with mentions of the types it needs.
    """
    relations: list[Relation] = []
    mentioned = [(s, type_mask(e.type for e in s.entities)) for s in skeletons if s.marks]
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

    skeletons: list[Skeleton]
    text: str
    starts: list[int]
    """Where each skeleton's text starts in ``text``."""


def _join(skeletons: list[Skeleton]) -> _Joined:
    starts: list[int] = []
    at = 0
    for skeleton in skeletons:
        starts.append(at)
        at += len(skeleton.text) + len(_JOINER)
    return _Joined(skeletons, _JOINER.join(s.text for s in skeletons), starts)


_JOINER = "\n"
"""Between sentence skeletons (which hold no whitespace) when a pattern is searched over a whole document."""


def _add_match(
    relations: list[Relation], pattern: Pattern, skeleton: Skeleton, match: re.Match[str], shift: int,
    context: Context,
) -> None:
    """The relations of one match; ``shift`` is where the skeleton's text starts in the matched text."""
    start = match.start() - shift
    objects: list[Entity] | None = None
    if pattern.has_object:
        objects = [o for o in list_members(skeleton, match.start("O") - shift, match.end("O") - shift)
                   if o.type in pattern.object_types and (not pattern.named_object or has_own_name(o))]
        if not objects:
            return
        if pattern.first_object:
            objects = objects[:1]
    if pattern.has_subject:
        subjects = list_members(skeleton, match.start("S") - shift, match.end("S") - shift)
    else:
        subjects = implicit_subject(skeleton, start, context)
    subjects = [s for s in subjects if s.type in pattern.subject_types]
    if not subjects:
        return
    if objects is None:
        objects = [o for o in implicit_subject(skeleton, start, context) if o.type in pattern.object_types]
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


def has_own_name(platform: Entity) -> bool:
    """A platform with a proper name (“知心大姐”委员工作室, 有事来协商·乐事好商量), not a kind of venue:
    written in quotes (or with a quoted part) somewhere, or a brand with its ·."""
    return "·" in platform.name or any(any(q in m.text for q in "”」』") for m in platform.mentions)
