"""Code for what patterns cannot say: titles before names (holdsPosition), 陪同 (accompanies), counts.

    from_titles(skeleton)                 -> holdsPosition of each title chain
    accompanies(skeletons, found)         -> persons listed before 陪同 accompany the leader
    from_counts(doc, sentence, skeleton, spans, context) -> hasQuantity of the clause's subject
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence

from kg.extract.quantities import find_counts, may_count
from kg.extract.relations.skeleton import PH_FIRST, PH_LAST, Skeleton, Span
from kg.extract.relations.subjects import Context, implicit_subject
from kg.extract.relations.tables import COUNT_OWNER_TYPES, COUNTED_TYPES, relation_words
from kg.model import Document, EntityKey, Relation, Sentence


def from_titles(skeleton: Skeleton) -> list[Relation]:
    return [
        Relation(person.key, "holdsPosition", position.key, skeleton.index)
        for chain in skeleton.chains
        for person in chain.persons
        for position in chain.positions
    ]


def accompanies(skeletons: Sequence[Skeleton], found: Sequence[Relation]) -> list[Relation]:
    """Persons listed before 陪同 accompany the person named after it, else the last one who led a visit."""
    leaders: dict[int, EntityKey] = {}
    for relation in found:
        if relation.predicate == "leads" and relation.sentence not in leaders:
            leaders[relation.sentence] = relation.subject
    relations: list[Relation] = []
    for skeleton in skeletons:
        for verb in relation_words().accompany:
            at = skeleton.text.find(verb)
            if at < 0:
                continue
            before = skeleton.text[:at]
            persons = [skeleton.entity_at(p) for p in range(len(before)) if skeleton.entity_at(p) is not None]
            rest = "".join(c for c in before if not PH_FIRST <= ord(c) <= PH_LAST)
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


def from_counts(
    doc: Document, sentence: Sentence, skeleton: Skeleton, inside: Sequence[Span], context: Context
) -> list[Relation]:
    """Counts in the sentence owned by the clause's subject; ``inside`` are the spans starting in it."""
    relations: list[Relation] = []
    if not may_count(doc.norm, sentence.start, sentence.end):
        return relations
    spans = [(s.start, s.end, s.entity.name if s.entity.type in COUNTED_TYPES else "") for s in inside]
    for count in find_counts(doc.norm[sentence.start : sentence.end], sentence.start, spans):
        pos = bisect_left(skeleton.offsets, count.start)  # the first skeleton character at or after it
        owners = [e for e in implicit_subject(skeleton, pos, context) if e.type in COUNT_OWNER_TYPES]
        if owners:
            relations.append(Relation(owners[0].key, "hasQuantity", count.quantity, sentence.index))
    return relations

