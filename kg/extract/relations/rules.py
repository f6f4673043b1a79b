"""Code for what patterns cannot say: titles before names (holdsPosition), 陪同 (accompanies), counts.

    from_titles(skeleton)                 -> holdsPosition of each title chain
    accompanies(skeletons, found)         -> persons listed before 陪同 accompany the leader
    group_visits(skeletons, found)        -> where a led group goes, its leader (and who joined) visits
    host_visits(skeletons, entities, context) -> who comes to 我县 visits the document's own county
    from_counts(doc, sentence, skeleton, spans, context) -> hasQuantity of the clause's subject
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence

from kg.extract.quantities import find_counts, may_count
from kg.extract.relations.skeleton import PH_FIRST, PH_LAST, Skeleton, Span
from kg.extract.relations.subjects import Context, implicit_subject
from kg.extract.relations.tables import COUNT_OWNER_TYPES, COUNTED_TYPES, relation_words
from kg.model import Document, Entity, EntityKey, Relation, Sentence


def from_titles(skeleton: Skeleton) -> list[Relation]:
    return [
        Relation(person.key, "holdsPosition", position.key, skeleton.index)
        for chain in skeleton.chains
        for person in chain.persons
        for position in chain.positions
    ]


def accompanies(skeletons: Sequence[Skeleton], found: Sequence[Relation]) -> list[Relation]:
    """Persons listed before 陪同 accompany the person named after it, else the last one who led a visit, else
    the last person who made one (市政协副主席周某一行来我县调研。县政协主席何某陪同。)."""
    leaders: dict[int, EntityKey] = {}
    for relation in found:
        if relation.predicate == "leads" and relation.sentence not in leaders:
            leaders[relation.sentence] = relation.subject
    for relation in found:
        if relation.predicate == "visits" and relation.subject[0] == "Person" and relation.sentence >= 0:
            leaders.setdefault(relation.sentence, relation.subject)
    relations: list[Relation] = []
    for skeleton in skeletons:
        for verb in relation_words().accompany:
            at = skeleton.text.find(verb)
            if at < 0:
                continue
            before = skeleton.text[:at]
            if (guest := _accompanied_guest(skeleton, at, verb)) is not None:
                relations.extend(guest)
                continue
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


_MENTION = f"[{chr(PH_FIRST)}-{chr(PH_LAST)}]"
_GUEST = re.compile(f"(?P<guest>{_MENTION})(?:一行|等)?[，,]?在(?P<hosts>{_MENTION}(?:[、和及与]{_MENTION})*)(?:等)?(?:的)?$")
"""A person, then 在 and the persons who accompany them, before 陪同下 (王某一行在县委书记陈某陪同下…)."""


def _accompanied_guest(skeleton: Skeleton, at: int, verb: str) -> list[Relation] | None:
    """The persons written between 在 and 陪同下 accompany the person written before 在; None when the
    clause is not written so."""
    if not skeleton.text.startswith("下", at + len(verb)):
        return None
    match = _GUEST.search(skeleton.text, 0, at)
    if match is None:
        return None
    guest = skeleton.entity_at(match.start("guest"))
    hosts = [skeleton.entity_at(p) for p in range(match.start("hosts"), match.end("hosts"))]
    if guest is None or guest.type != "Person":
        return None
    return [Relation(h.key, "accompanies", guest.key, skeleton.index) for h in hosts
            if h is not None and h.type == "Person" and h.key != guest.key]


def group_visits(skeletons: Sequence[Skeleton], found: Sequence[Relation]) -> list[Relation]:
    """A group led by a person (带队到白鹭镇; then 考察组走进松溪村) goes where its leader goes: places the
    group visits in the next sentences (a clause whose subject is a group word of relation_words.tsv,
    group_subject) are visited by the leader, and every place of the visit by those who joined it
    (join_visit: 也参加了考察; 陪同调研). A visitor nobody is said to lead (外市政协考察团来我县考察) has a
    group that goes on too, but no one is said to join it."""
    words = relation_words()
    leaders: dict[int, EntityKey] = {}
    for relation in found:
        if relation.predicate == "leads":
            leaders.setdefault(relation.sentence, relation.subject)
    visitors: dict[int, EntityKey] = {}
    gone: dict[int, list[tuple[EntityKey, EntityKey]]] = {}  # sentence -> (who, place) of its leads and visits
    for relation in found:
        if relation.predicate == "visits" and relation.subject[0] in _VISITOR_TYPES and relation.sentence >= 0:
            visitors.setdefault(relation.sentence, relation.subject)
        if relation.predicate in ("leads", "visits") and isinstance(relation.object, tuple) and relation.object[0] == "Place":
            gone.setdefault(relation.sentence, []).append((relation.subject, relation.object))
    relations: list[Relation] = []
    leader: tuple[int, EntityKey, bool] | None = None  # (sentence, who, whether the text says the person led)
    visited: list[EntityKey] = []
    for skeleton in skeletons:
        index = skeleton.index
        goer = leaders.get(index, visitors.get(index))
        places = [place for who, place in gone.get(index, ()) if who == goer]
        if index in leaders:
            leader, visited = (index, leaders[index], True), places
            continue
        if index in visitors:
            if leader is None or leader[1] != visitors[index] or index - leader[0] > _VISIT_SPAN:
                leader, visited = (index, visitors[index], False), places
                continue
            visited.extend(places)  # the same visitor goes on (考察组走进松溪村)
        if leader is None or index - leader[0] > _VISIT_SPAN:
            continue
        for start, end in skeleton.clauses:
            head = words.subject_prefix.match(skeleton.text, start)
            at = head.end() if head is not None else start
            if not skeleton.text.startswith(words.group_subject, at):
                continue
            verb = min((i for i in (skeleton.text.find(w, at, end) for w in words.visit_verb) if i >= 0), default=-1)
            if verb < 0:
                continue
            for place in skeleton.entities_at(skeleton.marks_between(verb, end)):
                if place.type == "Place":
                    relations.append(Relation(leader[1], "visits", place.key, index))
                    visited.append(place.key)
        if leader[2] and any(w in skeleton.text for w in words.join_visit):
            relations.extend(
                Relation(person.key, "visits", place, index)
                for person in skeleton.entities if person.type == "Person" and person.key != leader[1]
                for place in dict.fromkeys(visited)
            )
    return relations


_VISIT_SPAN = 5


def host_visits(skeletons: Sequence[Skeleton], entities: Sequence[Entity], context: Context) -> list[Relation]:
    """Who comes to the place the document is written in (relation_words.tsv's host_place after a verb of
    going: 来我县调研, 莅临我市) visits that place: the one place the document names whose name ends like the
    host word (我县: one …县 of a county, town or city level), else nothing."""
    words = relation_words()
    relations: list[Relation] = []
    hosts: dict[str, Entity | None] = {}
    for skeleton in skeletons:
        for match in words.host_visit.finditer(skeleton.text):
            word = match.group("host")
            if word not in hosts:
                hosts[word] = _host_place(word, entities)
            host = hosts[word]
            if host is None:
                continue
            relations.extend(Relation(s.key, "visits", host.key, skeleton.index)
                             for s in implicit_subject(skeleton, match.start(), context)
                             if s.type in _VISITOR_TYPES and s.key != host.key)
    return relations


_VISITOR_TYPES = frozenset({"Person", "CPPCCBody", "PartyGovOrgan"})
_HOST_LEVELS = frozenset({"city", "county", "town", "township", "street"})


def _host_place(word: str, entities: Sequence[Entity]) -> Entity | None:
    """The one place of the document a host word (我县) stands for: named with the word's last character."""
    places = [e for e in entities if e.type == "Place" and e.name.endswith(word[-1])
              and e.attrs.get("level") in _HOST_LEVELS]
    return places[0] if len(places) == 1 else None
"""How many sentences after its leader is named a group's visit is still told."""


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

