"""What a sentence says about a consultation also holds for the meeting or platform it happens at.

    at_meetings(skeletons, found, entities) -> the relations ``found`` implies for meetings and platforms

1. The topics written after a word of consulting in their clause (relation_words.tsv's consult_cue: 围绕,
   就, 解决 …) are consulted on at each platform and event the sentence names (县政协在…召开“有事好商量”协商议事会，
   围绕X开展协商: the 协商议事会 consults on X; 组织业主开展小微协商4次，解决了X、Y等问题).
2. An event named after a platform (“委员议事厅”专题协商会) is a session of it: the platform is run by
   whoever holds the event, and is where the event is and consults on what the event consults on.

    attendance(skeletons, found, context) -> who took part in the meeting a report is about

3. The meeting of a report is the last event held (holdsEvent or locatedIn) in a clause with a verb of
   holding (relation_words.tsv's hold: 召开, 举行) in the last few sentences. A
   sentence that names no event but says who attended, chaired or spoke (relation_words.tsv's attend:
   市政协主席张三出席并讲话，副主席李四主持; 会上，A县政协、B县政协作交流发言) gives participatesIn that
   meeting to each person before the verb, and to each body there followed by its people (有关负责同志)
   or speaking itself. A speech's speaker (its byline) speaks at the event its opening names.
"""

from __future__ import annotations

from collections.abc import Sequence

from kg.extract.relations.skeleton import Skeleton
from kg.extract.relations.subjects import Context
from kg.extract.relations.tables import BODY_TYPES, relation_words
from kg.model import Entity, EntityKey, Relation

MEETING_TYPES = frozenset({"Platform", "Event"})

_THROUGH_NAME = {"holdsEvent": "runsPlatform", "locatedIn": "locatedIn", "consultsOn": "consultsOn"}
"""Predicate of a relation with an event -> the one its platform gets (see 2 in the module's docstring)."""


def at_meetings(skeletons: Sequence[Skeleton], found: Sequence[Relation], entities: Sequence[Entity]) -> list[Relation]:
    relations: list[Relation] = []
    cues = relation_words().consult_cue
    for skeleton in skeletons:
        types = {e.type for e in skeleton.entities}
        if "Topic" not in types or types.isdisjoint(MEETING_TYPES):
            continue
        meetings = [e for e in skeleton.entities if e.type in MEETING_TYPES]
        relations.extend(
            Relation(m.key, "consultsOn", t.key, skeleton.index) for t in _cued_topics(skeleton, cues) for m in meetings
        )
    named_after = _platforms_of_events(entities)
    for relation in [*found, *relations]:
        for key, is_subject in ((relation.subject, True), (relation.object, False)):
            platform = named_after.get(key) if isinstance(key, tuple) else None
            predicate = _THROUGH_NAME.get(relation.predicate)
            if platform is None or predicate is None or is_subject == (relation.predicate == "holdsEvent"):
                continue
            if is_subject:
                relations.append(Relation(platform, predicate, relation.object, relation.sentence))
            else:
                relations.append(Relation(relation.subject, predicate, platform, relation.sentence))
    return relations


def _cued_topics(skeleton: Skeleton, cues: tuple[str, ...]) -> list[Entity]:
    """The topics written after a cue word in their clause (针对X、Y等问题; 推动解决X)."""
    found: list[Entity] = []
    for start, end in skeleton.clauses:
        at = min((i for i in (skeleton.text.find(w, start, end) for w in cues) if i >= 0), default=-1)
        if at >= 0:
            found.extend(e for e in skeleton.entities_at(skeleton.marks_between(at, end)) if e.type == "Topic")
    return found


def _platforms_of_events(entities: Sequence[Entity]) -> dict[EntityKey, EntityKey]:
    """Event -> the platform with the longest name its name starts with (and is longer than)."""
    platforms = sorted((e.name for e in entities if e.type == "Platform" and len(e.name) >= 2), key=len, reverse=True)
    found: dict[EntityKey, EntityKey] = {}
    for event in entities:
        if event.type == "Event":
            name = next((p for p in platforms if event.name.startswith(p) and len(event.name) > len(p)), None)
            if name is not None:
                found[event.key] = ("Platform", name)
    return found


def attendance(skeletons: Sequence[Skeleton], found: Sequence[Relation], context: Context) -> list[Relation]:
    words = relation_words()
    said_held = {(r.sentence, r.object) for r in found if r.predicate == "holdsEvent"}
    said_held |= {(r.sentence, r.subject) for r in found if r.predicate == "locatedIn" and r.subject[0] == "Event"}
    held: dict[int, EntityKey] = {}  # sentence -> the event held there (in a clause with a verb of holding)
    said_in = {sentence for sentence, _ in said_held}
    for skeleton in skeletons:
        if skeleton.index not in said_in:
            continue
        for start, end in skeleton.clauses:
            if any(w in skeleton.text[start:end] for w in words.hold):
                event = next((e for e in skeleton.entities_at(skeleton.marks_between(start, end))
                              if e.type == "Event" and (skeleton.index, e.key) in said_held), None)
                if event is not None:
                    held.setdefault(skeleton.index, event.key)
    relations: list[Relation] = []
    if context.speaker is not None:
        relations.extend(
            Relation(context.speaker.key, "speaksAt", r.object, r.sentence)
            for r in found
            if r.predicate == "speaksAt" and r.subject == (context.doc_body.key if context.doc_body else None)
            and r.sentence < _OPENING and isinstance(r.object, tuple)
        )
    current: tuple[int, EntityKey] | None = None  # (sentence, event) of the last meeting held
    for skeleton in skeletons:
        if skeleton.index in held:
            current = (skeleton.index, held[skeleton.index])
        if current is None or skeleton.index - current[0] > _STILL_CURRENT:
            continue
        if skeleton.index not in held and any(e.type == "Event" for e in skeleton.entities):
            continue
        verb = max((skeleton.text.rfind(w) for w in words.attend), default=-1)
        if verb < 0:
            continue
        for pos in skeleton.marks_between(0, verb):
            entity = skeleton.entity_at(pos)
            if entity is None or entity.key == current[1]:
                continue
            if entity.type == "Person" or (entity.type in BODY_TYPES and _attends_itself(skeleton, pos, verb)):
                relations.append(Relation(entity.key, "participatesIn", current[1], skeleton.index))
    return relations


_OPENING = 4
"""Sentences of a document's opening (title, subtitle, byline, date line)."""
_STILL_CURRENT = 3
"""How many sentences after it was held a meeting is still the one a report's attendance lines are about."""


def _attends_itself(skeleton: Skeleton, pos: int, verb: int) -> bool:
    """Whether the body at ``pos`` takes part itself: its people follow it (有关负责同志), or it is listed
    right before the verb (顺庆区政协、阆中市政协作交流发言)."""
    after = skeleton.text[pos + 1 : verb]
    if after.lstrip("有关相").startswith(relation_words().people_noun):
        return True
    rest = "".join(c for c in after if skeleton.placeholder_entity(c) is None).removesuffix("交流").removesuffix("作")
    return rest.strip("、和及与") in ("", "等") or rest.endswith("等单位")
