"""What a sentence says about a consultation also holds for the meeting or platform it happens at.

    at_meetings(skeletons, found, entities) -> the relations ``found`` implies for meetings and platforms

1. A topic consulted on in a sentence (consultsOn, whoever the pattern gave as subject) is consulted on at
   each platform and event the sentence names (县政协在…召开“有事好商量”协商议事会，围绕X开展协商: the
   协商议事会 consults on X too).
2. An event named after a platform (“委员议事厅”专题协商会) is a session of it: the platform is run by
   whoever holds the event, and is where the event is and consults on what the event consults on.
"""

from __future__ import annotations

from collections.abc import Sequence

from kg.extract.relations.skeleton import Skeleton
from kg.model import Entity, EntityKey, Relation

MEETING_TYPES = frozenset({"Platform", "Event"})

_THROUGH_NAME = {"holdsEvent": "runsPlatform", "locatedIn": "locatedIn", "consultsOn": "consultsOn"}
"""Predicate of a relation with an event -> the one its platform gets (see 2 in the module's docstring)."""


def at_meetings(skeletons: Sequence[Skeleton], found: Sequence[Relation], entities: Sequence[Entity]) -> list[Relation]:
    meetings = {s.index: [e for e in s.entities if e.type in MEETING_TYPES] for s in skeletons}
    relations: list[Relation] = []
    for relation in found:
        if relation.predicate == "consultsOn" and relation.sentence >= 0:
            relations.extend(
                Relation(m.key, "consultsOn", relation.object, relation.sentence)
                for m in meetings.get(relation.sentence, ()) if m.key != relation.subject
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
