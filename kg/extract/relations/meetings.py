"""What a sentence says about a consultation also holds for the meeting or platform it happens at.

    at_meetings(skeletons, found, entities) -> the relations ``found`` implies for meetings and platforms

1. The topics written after a word of consulting in their clause (relation_words.tsv's consult_cue: 围绕,
   就, 解决 …) are consulted on at each platform and event the sentence names where its consulting happens
   (县政协在…召开“有事好商量”协商议事会，围绕X开展协商: the 协商议事会 consults on X; 组织居民开展小微协商3次，
   解决了X、Y等问题): not one written right after a cue word (围绕“百村共富行动”, a campaign
   consulted about), nor the venue a meeting is held at when the sentence names the meeting too (在…委员工作室
   召开…: relation_words.tsv's venue_marker). A sentence that names no such forum but speaks of the meeting
   held in the sentence before (relation_words.tsv's meeting_word: 会上, 与会, 会议围绕) gives its topics to
   that meeting: the last forum named there (召开“朗池议事”协商议事会。与会人员就X提出建议: 协商议事会).
2. An event named after a platform (“委员议事厅”专题协商会) is a session of it: the platform is run by
   whoever holds the event, and is where the event is and consults on what the event consults on.

    prefer_forums(skeletons, relations) -> the relations without a body's consultation its forum has

   A topic that a platform or event of a sentence consults on is the forum's alone, unless the body is
   written in the sentence as who consults (not only as the owner written before its platform).

    attendance(skeletons, found, context) -> who took part in the meeting a report is about

3. The meeting of a report is the last one held in a clause with a verb of holding (relation_words.tsv's
   hold: 召开, 举行): an event the text says is held, chaired or attended there (holdsEvent, participatesIn,
   locatedIn) or written right before the verb (…推进会召开), else a platform written right after the verb
   (召开“有事来协商·清溪议事”). A kind of meeting held (召开协商议事会; 召开“枫林议事厅”小微协商会:
   relation_words.tsv's unnamed_meeting) is a meeting with no name of its own: it ends the one before, and
   nobody is said to attend it. The meeting stays the one a report is about for a few sentences, and in later ones that speak of it (relation_words.tsv's
   meeting_word: 会上, 与会) until another is held. A sentence there that names no event but says who
   attended, chaired or spoke (relation_words.tsv's attend: 市政协主席张三出席并讲话，副主席李四主持) gives
   participatesIn that meeting to each person before the verb, and to each body there followed by its
   people (有关负责同志) or listed right before the verb (会上，A县政协、B县政协等5个单位作交流发言:
   relation_words.tsv's attend_list_end); one that lists who attended after the verb (出席会议的有A、B:
   relation_words.tsv's attendee_list) gives it to each person listed. A speech's speaker (its byline)
   speaks at the event its opening names.
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
    words = relation_words()
    cues = words.consult_cue
    held: tuple[int, list[Entity]] | None = None  # the last sentence that holds a meeting, and its forums
    for skeleton in skeletons:
        types = {e.type for e in skeleton.entities}
        if types.isdisjoint(MEETING_TYPES):
            forums = []
            holds = False
        else:
            holds = any(w in skeleton.text for w in words.hold)
            forums = _forums(skeleton, cues) if holds or "Topic" in types else []
        if "Topic" in types:
            at = forums
            if not at and held is not None and skeleton.index - held[0] <= _NEXT_SENTENCES \
                    and words.meeting_word.search(skeleton.text) is not None:
                at = held[1][-1:]  # 召开“朗池议事”协商议事会。与会人员就X提出建议: the meeting consulted on X
            if at:
                relations.extend(Relation(m.key, "consultsOn", t.key, skeleton.index)
                                 for t in _cued_topics(skeleton, cues) for m in at)
        if forums and holds:
            held = (skeleton.index, forums)
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


_NEXT_SENTENCES = 1
"""How many sentences after a meeting is held one that speaks of the meeting (会上, 与会人员) may still say what
it consulted on."""


def _forums(skeleton: Skeleton, cues: tuple[str, ...]) -> list[Entity]:
    """The platforms and events of a sentence where its consulting happens: not one written right after a
    cue word (围绕“百村共富行动”: a campaign consulted about), nor, when others are there, a
    venue a meeting is held at (在…委员工作室召开“有事好商量”议事会: relation_words.tsv's venue_marker)."""
    found: list[tuple[Entity, bool]] = []  # (meeting, written after 在)
    for pos in skeleton.marks:
        entity = skeleton.entity_at(pos)
        if entity is None or entity.type not in MEETING_TYPES or skeleton.text.endswith(cues, 0, pos):
            continue
        found.append((entity, _after_venue_marker(skeleton, pos)))
    inside = [e for e, venue in found if not venue]
    return inside if inside else [e for e, _ in found]


def _after_venue_marker(skeleton: Skeleton, pos: int) -> bool:
    """Whether the mention at ``pos`` is where something happens: written after 在 (and places)."""
    at = pos
    while at > 0 and (entity := skeleton.entity_at(at - 1)) is not None and entity.type == "Place":
        at -= 1
    return skeleton.text.endswith(relation_words().venue_marker, 0, at)


def prefer_forums(skeletons: Sequence[Skeleton], relations: Sequence[Relation]) -> list[Relation]:
    """A consultation on a topic that a platform or event of the same sentence consults on too is the
    forum's alone, unless the body is written in the sentence as who consults (not only as the owner written
    before its platform: 县政协“邻里汇”)."""
    at_forum = {(r.sentence, r.object) for r in relations
                if r.predicate == "consultsOn" and r.subject[0] in MEETING_TYPES and r.sentence >= 0}
    if not at_forum:
        return list(relations)
    forum_sentences = {sentence for sentence, _ in at_forum}
    written: set[tuple[int, EntityKey]] = set()
    for skeleton in skeletons:
        if skeleton.index not in forum_sentences:
            continue
        for pos in skeleton.marks:
            entity = skeleton.entity_at(pos)
            following = skeleton.entity_at(pos + 1) if pos + 1 < len(skeleton.text) else None
            if entity is not None and entity.type in BODY_TYPES and (following is None or following.type not in MEETING_TYPES):
                written.add((skeleton.index, entity.key))
    return [r for r in relations
            if not (r.predicate == "consultsOn" and r.subject[0] in BODY_TYPES and (r.sentence, r.object) in at_forum
                    and (r.sentence, r.subject) not in written)]


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
    said_held = {(r.sentence, r.object) for r in found if r.predicate in ("holdsEvent", "participatesIn")}
    said_held |= {(r.sentence, r.subject) for r in found if r.predicate == "locatedIn" and r.subject[0] == "Event"}
    held: dict[int, EntityKey | None] = {}  # sentence -> the meeting held there (None: one with no name of its own)
    said_in = {sentence for sentence, _ in said_held}
    for skeleton in skeletons:
        if skeleton.index not in said_in and not any(e.type in MEETING_TYPES for e in skeleton.entities):
            continue
        for start, end in skeleton.clauses:
            verbs = [at for at in (skeleton.text.find(w, start, end) for w in words.hold) if at >= 0]
            if not verbs:
                continue
            event = next((e for e in skeleton.entities_at(skeleton.marks_between(start, end))
                          if e.type == "Event" and (skeleton.index, e.key) in said_held), None)
            if event is None:  # X推进会召开: the meeting written as what is held
                event = next((e for pos in skeleton.marks_between(start, end)
                              if (e := skeleton.entity_at(pos)) is not None and e.type == "Event"
                              and skeleton.text.startswith(tuple(words.hold), pos + 1)), None)
            if event is not None:
                held.setdefault(skeleton.index, event.key)
            elif (written := _platform_after(skeleton, min(verbs), end)) is not None:
                held.setdefault(skeleton.index, written[1])
    relations: list[Relation] = []
    if context.speaker is not None:
        relations.extend(
            Relation(context.speaker.key, "speaksAt", r.object, r.sentence)
            for r in found
            if r.predicate == "speaksAt" and r.subject == (context.doc_body.key if context.doc_body else None)
            and r.sentence < _OPENING and isinstance(r.object, tuple)
        )
    current: tuple[int, EntityKey | None] | None = None  # (sentence, meeting) of the last meeting held
    for skeleton in skeletons:
        if skeleton.index in held:
            current = (skeleton.index, held[skeleton.index])
        if current is None or current[1] is None or (skeleton.index - current[0] > _STILL_CURRENT
                                                     and words.meeting_word.search(skeleton.text) is None):
            continue
        meeting = current[1]
        if skeleton.index not in held and any(e.type == "Event" for e in skeleton.entities):
            continue
        listed = words.attendee_list.search(skeleton.text)
        if listed is not None:  # 出席会议的有A、B
            relations.extend(Relation(e.key, "participatesIn", meeting, skeleton.index)
                             for e in skeleton.entities_at(skeleton.marks_between(listed.end(), len(skeleton.text)))
                             if e.type == "Person")
        verb = max((skeleton.text.rfind(w) for w in words.attend), default=-1)
        if verb < 0 or listed is not None:
            continue
        for pos in skeleton.marks_between(0, verb):
            entity = skeleton.entity_at(pos)
            if entity is None or entity.key == meeting:
                continue
            if entity.type == "Person" or (entity.type in BODY_TYPES and _attends_itself(skeleton, pos, verb)):
                relations.append(Relation(entity.key, "participatesIn", meeting, skeleton.index))
    return relations


def _platform_after(skeleton: Skeleton, verb: int, end: int) -> tuple[Entity, EntityKey | None] | None:
    """A meeting written as a platform a few characters after the verb of holding at ``verb`` (召开“有事来协商·
    清溪议事”: the last of the platforms written side by side), with its key, or with None when it is a session
    of a kind of meeting, which has no name of its own: a meeting word (relation_words.tsv's unnamed_meeting)
    follows the platform or ends its name or written form (召开“枫林议事厅”小微协商会; 召开协商议事会)."""
    marks = skeleton.marks_between(verb, end)
    if not marks or marks[0] - verb > _VERB_TO_MEETING:
        return None
    at = marks[0]
    while at + 1 < end and (following := skeleton.entity_at(at + 1)) is not None and following.type == "Platform":
        at += 1
    entity = skeleton.entity_at(at)
    if entity is None or entity.type != "Platform":
        return None
    unnamed = relation_words().unnamed_meeting
    offset = skeleton.offsets[at]
    written = next((m.text for m in entity.mentions if m.start == offset), entity.name)
    if skeleton.text.startswith(unnamed, at + 1) or written.endswith(unnamed) or entity.name.endswith(unnamed):
        return entity, None  # a session of a kind of meeting (小微协商会, 协商议事会), which has no name of its own
    return entity, entity.key


_VERB_TO_MEETING = 8
"""The most characters between a verb of holding and the meeting it holds (召开了2024年第一次“院坝会”)."""
_OPENING = 4
"""Sentences of a document's opening (title, subtitle, byline, date line)."""
_STILL_CURRENT = 3
"""How many sentences after it was held a meeting is still the one a report's attendance lines are about."""


def _attends_itself(skeleton: Skeleton, pos: int, verb: int) -> bool:
    """Whether the body at ``pos`` takes part itself: its people follow it (有关负责同志), or it is listed
    right before the verb, maybe after a count of the list and an adverb (顺庆区政协、阆中市政协作交流发言;
    …等6个单位分别作交流发言: relation_words.tsv's attend_list_end)."""
    after = skeleton.text[pos + 1 : verb]
    if after.lstrip("有关相").startswith(relation_words().people_noun):
        return True
    rest = "".join(c for c in after if skeleton.placeholder_entity(c) is None)
    return relation_words().attend_list_end.fullmatch(rest.strip("、和及与")) is not None
