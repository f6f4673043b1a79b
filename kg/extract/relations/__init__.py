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

Besides: places inside places as written (kg.extract.relations.places), and what a sentence says about a
consultation carried to the meeting or platform it names (kg.extract.relations.meetings). The entity
extractor's own relations (gazetteer ``within`` chains, the place of an organ) come in as ``known``.
Relations are deduplicated on (subject, predicate, object), keeping the earliest evidence sentence, and
returned in a stable order.

The package, by step:

    tables     the data files (patterns, words) and the entity types the steps reason with
    skeleton   sentence skeletons (mentions as placeholders, titles folded into persons)
    subjects   clause subjects, carried subjects, the document's own body
    names      mechanism 1: relations read from names
    places     places inside places as the text writes them
    matching   mechanism 2: sentence patterns over skeletons
    meetings   what holds for the meeting or platform a sentence is about
    rules      mechanism 3: titles, 陪同, counts
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Sequence

from kg.extract.relations.matching import from_patterns
from kg.extract.relations.meetings import at_meetings, attendance, prefer_forums
from kg.extract.relations.names import from_names
from kg.extract.relations.places import from_place_chains
from kg.extract.relations.rules import accompanies, from_counts, from_titles, group_visits, host_visits
from kg.extract.relations.skeleton import Kept, make_skeleton, top_level_spans
from kg.extract.relations.subjects import acting_parents, find_context, find_leaders
from kg.extract.relations.tables import PATTERNS_FILE, WORDS_FILE, Pattern, patterns
from kg.model import Document, Entity, EntityKey, Quantity, Relation, Sentence

__all__ = ["PATTERNS_FILE", "WORDS_FILE", "Pattern", "find_relations", "patterns"]


def find_relations(
    doc: Document, sentences: list[Sentence], entities: list[Entity], known: Sequence[Relation] = ()
) -> list[Relation]:
    """Every relation the text states between ``entities`` (and the counts it gives), with the ``known``
    ones (the entity extractor's gazetteer chains and organ places) first, deduplicated. A body whose
    name holds a place is located in that place, not in another one known from context."""
    spans = top_level_spans(entities)
    starts = [span.start for span in spans]
    inside = [spans[bisect_left(starts, s.start) : bisect_left(starts, s.end)] for s in sentences]
    kept = Kept(doc.norm)
    skeletons = [make_skeleton(kept, sentence, spans_in) for sentence, spans_in in zip(sentences, inside)]
    context = find_leaders(skeletons, find_context(doc, entities, skeletons))
    named = from_names(doc, sentences, entities)
    placed = {r.subject: r.object for r in named if r.predicate == "locatedIn"}
    found = [r for r in known if r.predicate != "locatedIn" or placed.get(r.subject, r.object) == r.object]
    found.extend(named)
    found.extend(from_place_chains(doc, entities))
    found.extend(_by_parents(from_patterns(skeletons, context, {e.type for e in entities}), acting_parents(entities)))
    found.extend(at_meetings(skeletons, found, entities))
    found.extend(attendance(skeletons, found, context))
    for skeleton in skeletons:
        found.extend(from_titles(skeleton))
    found.extend(accompanies(skeletons, found))
    found.extend(group_visits(skeletons, found))
    found.extend(host_visits(skeletons, entities, context))
    for skeleton, sentence, spans_in in zip(skeletons, sentences, inside):
        found.extend(from_counts(doc, sentence, skeleton, spans_in, context))
    return _dedupe(_away_from_home(prefer_forums(skeletons, found)))


_GOING = frozenset({"visits", "leads"})


def _away_from_home(relations: list[Relation]) -> list[Relation]:
    """Without a body's visits to the place it is located in: a body does not go to its own seat (a short form
    resolved to the wrong body gives such a pair: 市政协领导到射洪市 read as 射洪市政协)."""
    seats = {(r.subject, r.object) for r in relations if r.predicate == "locatedIn"}
    return [r for r in relations if not (r.predicate in _GOING and (r.subject, r.object) in seats)]


_FOR_PARENT = frozenset({"adoptsMechanism"})
"""Predicates where a body that meets for its parent (县政协主席会议) acts for the parent (县政协)."""


def _by_parents(relations: list[Relation], parents: dict[EntityKey, EntityKey]) -> list[Relation]:
    return [
        Relation(parents[r.subject], r.predicate, r.object, r.sentence)
        if r.predicate in _FOR_PARENT and r.subject in parents else r
        for r in relations
    ]


def _object_key(obj: EntityKey | Quantity) -> tuple[str, ...]:
    if isinstance(obj, Quantity):
        return ("~", obj.counted, f"{obj.value:012d}", obj.unit, str(obj.at_least))
    return obj


def _dedupe(relations: Iterable[Relation]) -> list[Relation]:
    """One relation per (subject, predicate, object), with the earliest sentence of the article that states
    it (-1, no sentence, only when none does), in the order of their sentences."""
    best: dict[tuple[EntityKey, str, EntityKey | Quantity], Relation] = {}
    for relation in relations:
        identity = (relation.subject, relation.predicate, relation.object)
        known = best.get(identity)
        if known is None or (relation.sentence >= 0 and (known.sentence < 0 or relation.sentence < known.sentence)):
            best[identity] = relation
    return sorted(best.values(), key=lambda r: (r.sentence, r.predicate, r.subject, _object_key(r.object)))
