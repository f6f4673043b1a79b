"""Who a clause is about: its subject, carried across clauses, and the document's own body.

    subject_of(skeleton, clause)             -> positions of the clause's subject mentions (None: not an entity)
    implicit_subject(skeleton, pos, context) -> who does what the clause at ``pos`` says
    list_members(skeleton, start, end)       -> the entities of a matched {S} or {O} list
    find_context(doc, entities, skeletons)   -> the body the document speaks for (and a speech's speaker)
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache

from kg.extract.organs import TITLE_KINDS, titles_of
from kg.extract.relations.skeleton import PH_FIRST, PH_LAST, Skeleton
from kg.extract.relations.tables import AGENT_TYPES, BODY_TYPES, relation_words
from kg.model import Document, Entity, EntityKey

_LIST_SEPARATORS = ("以及", "、", "和", "及", "与")
_BRACKETS = re.compile(r"（[^（）]*）|\([^()]*\)|【[^【】]*】|\[[^\[\]]*\]")


def subject_of(skeleton: Skeleton, clause: int) -> list[int] | None:
    """The skeleton positions of the clause's subject mentions (empty when it has none; None when its
    subject is something that is not an entity, such as the officials of an organ)."""
    if clause not in skeleton.subjects:
        start, end = skeleton.clauses[clause]
        skeleton.subjects[clause] = clause_subject(skeleton, start, end)
    return skeleton.subjects[clause]


def clause_subject(skeleton: Skeleton, start: int, end: int) -> list[int] | None:
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
            return None if _people_open(skeleton, start) else []
        group = [pos]
        while True:
            nxt = _after_separator(skeleton.text, group[-1] + 1, end)
            following = skeleton.entity_at(nxt) if nxt is not None else None
            if nxt is None or following is None or following.type != entity.type:
                break
            group.append(nxt)
        if skeleton.text.startswith(relation_words().people_noun, group[-1] + 1):
            return None
        return group
    return None if _people_open(skeleton, start) else []


def _people_open(skeleton: Skeleton, start: int) -> bool:
    """True when the clause at ``start`` opens with people that are no entity (大家, 与会人员): its own subject."""
    words = relation_words()
    head = words.subject_prefix.match(skeleton.text, start)
    return skeleton.text.startswith(words.people_subject, head.end() if head is not None else start)


def _after_separator(text: str, pos: int, end: int) -> int | None:
    for sep in _LIST_SEPARATORS:
        if text.startswith(sep, pos) and pos + len(sep) < end:
            return pos + len(sep)
    return None


def _in_subject_position(skeleton: Skeleton, start: int, pos: int) -> bool:
    if pos == start:  # nothing before it (subject_prefix is a repetition, so it matches the empty text)
        return True
    prefix = skeleton.text[start:pos]
    previous = None
    while previous != prefix:
        previous, prefix = prefix, _BRACKETS.sub("", prefix)
    while prefix and (entity := skeleton.placeholder_entity(prefix[-1])) is not None and entity.type == "Place":
        prefix = prefix[:-1]
    if (person := skeleton.entity_at(pos)) is not None and person.type == "Person":
        prefix = _bare_titles().sub("", prefix)  # 副主席|李强来到…, 党组书记、主席|王刚: a title of no organ of ours
    if any(PH_FIRST <= ord(c) <= PH_LAST for c in prefix):
        return False
    return relation_words().subject_prefix.fullmatch(prefix) is not None


@lru_cache(maxsize=1)
def _bare_titles() -> re.Pattern[str]:
    """Titles (kg/data/titles.tsv) written right before a person's name, joined by 、, at the end of a text."""
    titles = sorted(titles_of(*sorted(TITLE_KINDS)), key=len, reverse=True)
    return re.compile("(?:(?:" + "|".join(map(re.escape, titles)) + ")、?)+$")


@dataclass(frozen=True)
class Context:
    doc_body: Entity | None
    """The body the document speaks for or is about (find_context)."""
    speaker: Entity | None = None
    """The person a speech's byline names (某县政协主席 张三 under ——在…会上的发言)."""
    leaders: dict[int, Entity] = field(default_factory=dict)
    """Sentence number -> the person leading the group the sentence may speak of (find_leaders)."""


def implicit_subject(skeleton: Skeleton, pos: int, context: Context) -> list[Entity]:
    """Who does what the clause at ``pos`` says: local subject, clause subject, carried, speaker body."""
    clause = skeleton.clause_of(pos)
    start, _ = skeleton.clauses[clause]
    for at in reversed(skeleton.marks_between(start, pos)):
        entity = skeleton.entity_at(at)
        if entity is not None and entity.type in AGENT_TYPES:
            if skeleton.text.startswith(relation_words().local_subject, at + 1):
                return [entity]
    own = subject_of(skeleton, clause)
    if own is None:
        return []
    if own and own[0] < pos:
        return skeleton.entities_at(own)
    if not own and (leader := _group_leader(skeleton, start, context)) is not None:
        return [leader]
    for earlier in range(clause - 1, -1, -1):
        subject = subject_of(skeleton, earlier)
        if subject is None:
            return []
        if subject:
            return skeleton.entities_at(subject)
        if (leader := _group_leader(skeleton, skeleton.clauses[earlier][0], context)) is not None:
            return [leader]
    # 聚焦背街小巷改造等难题，秦州区政协组织委员…: the subject may follow an opening adverbial clause
    # (one that starts with what the pattern matched, not 与会人员就…提出建议，县商务局…)
    if clause == 0 and len(skeleton.clauses) > 1 and _opens_clause(skeleton, start, pos):
        subject = subject_of(skeleton, clause + 1)
        if subject is None:
            return []
        if subject:
            return skeleton.entities_at(subject)
    return [context.doc_body] if context.doc_body is not None else []


def _group_leader(skeleton: Skeleton, start: int, context: Context) -> Entity | None:
    """The leader of the group the clause at ``start`` has as its subject (调研组先后来到…: the person who led
    it, find_leaders), else None."""
    leader = context.leaders.get(skeleton.index)
    if leader is None:
        return None
    words = relation_words()
    head = words.subject_prefix.match(skeleton.text, start)
    at = head.end() if head is not None else start
    return leader if skeleton.text.startswith(_LED_GROUPS, at) else None


def find_leaders(skeletons: Sequence[Skeleton], context: Context) -> Context:
    """The context with, for each sentence, the person leading a group there: one written right before a verb
    of leading (relation_words.tsv's lead_verb: 刘某率调研组来我县; 带队), in that sentence and the next
    _GROUP_SPAN ones, until another leads or a body's group comes (外市政协考察团: the group is the body's)."""
    words = relation_words()
    leaders: dict[int, Entity] = {}
    current: tuple[int, Entity] | None = None
    for skeleton in skeletons:
        for pos, entity in zip(skeleton.marks, skeleton.entities):
            if entity.type == "Person" and words.lead_verb.match(skeleton.text, pos + 1):
                current = (skeleton.index, entity)
                break
            if entity.type in BODY_TYPES and skeleton.text.startswith(_LED_GROUPS, pos + 1):
                current = (skeleton.index, entity)  # 外市政协考察团: from here on the group is that body's
                break
        if current is not None and skeleton.index - current[0] <= _GROUP_SPAN:
            leaders[skeleton.index] = current[1]
    return replace(context, leaders=leaders) if leaders else context


_LED_GROUPS = ("考察组", "调研组", "视察组", "督导组", "考察团", "调研团", "代表团", "一行")
_GROUP_SPAN = 5
"""How many sentences after its leader is named a group is still the one led."""


def _opens_clause(skeleton: Skeleton, start: int, pos: int) -> bool:
    """Whether only subject prefixes (time phrases, list markers) stand before ``pos`` in its clause."""
    return relation_words().subject_prefix.fullmatch(skeleton.text[start:pos]) is not None


_OWNED_TYPES = frozenset({"Platform", "Mechanism", "Event"})


def list_members(skeleton: Skeleton, start: int, end: int) -> list[Entity]:
    """The entities of a matched {S} or {O} list; of places written side by side only the last, and no
    body written right before a platform, mechanism or event it owns."""
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
        if entity.type in BODY_TYPES and nxt is not None and nxt[0].type in _OWNED_TYPES and not nxt[1]:
            continue  # 县政协“邻里汇”: the owner of what follows
        kept.append(entity)
    return kept


def find_context(doc: Document, entities: Sequence[Entity], skeletons: Sequence[Skeleton]) -> Context:
    """Who the document speaks for: the body (ingest's speaker, else the one body named in a report's
    opening or its byline: a body, or a post and a name: 某县政协党组书记、主席 张三, else the body a
    headline starts with: 江安县政协：用好“四步法”) and the person of a speech's byline. A body that only
    meets for its parent (常委会, 主席会议: relation_words.tsv's acting_organ) gives way to the parent."""
    bodies = [e for e in entities if e.type in BODY_TYPES]
    if doc.speaker:
        for entity in sorted(bodies, key=lambda e: (e.type != "CPPCCBody", e.name)):
            if doc.speaker == entity.name or doc.speaker in entity.aliases:
                return Context(_acting_for(entity, bodies))
        return Context(None)
    found, speaker = _report_author(skeletons, bodies)
    if found is None and skeletons:
        found = _headline_body(skeletons[0])
    return Context(_acting_for(found, bodies) if found is not None else None, speaker)


def _report_author(skeletons: Sequence[Skeleton], bodies: Sequence[Entity]) -> tuple[Entity | None, Entity | None]:
    """The body (and the person, if a byline names one) a report's or speech's opening names."""
    words = relation_words()
    opening = skeletons[:3]
    if any(w in s.text for s in opening for w in words.not_report):
        return None, None
    for number, skeleton in enumerate(opening):
        if not any(w in skeleton.text for w in words.report_genre):
            continue
        named = {e.key: e for e in _authors(skeleton)}
        if len(named) == 1:
            return next(iter(named.values())), None
        # a byline on the next line: "——在…交流会上的发言" then "沂南县政协", or a post and a name
        if not named and number + 1 < len(skeletons):
            byline = skeletons[number + 1]
            if len(byline.text) == 1 and byline.entities[0].type == "CPPCCBody":
                return byline.entities[0], None
            if len(byline.text) == 1 and byline.entities[0].type == "Person" and byline.chains:
                return _body_of_posts(byline.chains[0].positions, bodies), byline.entities[0]
        return None, None
    return None, None


def _body_of_posts(positions: Sequence[Entity], bodies: Sequence[Entity]) -> Entity | None:
    """The CPPCC body (else organ) the posts are in: the one with the shortest name among the bodies whose
    name the posts' names start with (党组书记、主席 of a county CPPCC: the CPPCC, not its Party group)."""
    holders = [b for b in bodies for p in positions if p.name.startswith(b.name) and len(p.name) > len(b.name)]
    if not holders:
        return None
    return min(holders, key=lambda b: (b.type != "CPPCCBody", len(b.name), b.name))


def _headline_body(skeleton: Skeleton) -> Entity | None:
    """The body a headline starts with, followed by a colon (叙州区政协：…)."""
    text = skeleton.text
    if len(text) > 1 and text[1] in "：:":
        entity = skeleton.entity_at(0)
        if entity is not None and entity.type in BODY_TYPES:
            return entity
    return None


def acting_parents(entities: Sequence[Entity]) -> dict[EntityKey, EntityKey]:
    """Each body that meets for its parent (常委会, 主席会议) -> that parent, where the text names it."""
    bodies = [e for e in entities if e.type in BODY_TYPES]
    found: dict[EntityKey, EntityKey] = {}
    for body in bodies:
        parent = _acting_for(body, bodies)
        if parent is not body:
            found[body.key] = parent.key
    return found


def _acting_for(body: Entity, bodies: Sequence[Entity]) -> Entity:
    """The parent of a body that meets for it (阜宁县政协常委会 -> 阜宁县政协), else the body itself."""
    if not body.name.endswith(relation_words().acting_organ):
        return body
    parents = [b for b in bodies if body.name.startswith(b.name) and len(b.name) < len(body.name) and b.type == body.type]
    return max(parents, key=lambda b: len(b.name)) if parents else body


def _authors(skeleton: Skeleton) -> list[Entity]:
    """CPPCC bodies in an opening line that may be its author: not 在X…上 (the host of a meeting) and not
    written right before an event (山东省政协基层协商工作经验交流会)."""
    authors: list[Entity] = []
    for pos, char in enumerate(skeleton.text):
        entity = skeleton.placeholder_entity(char)
        if entity is None or entity.type != "CPPCCBody":
            continue
        following = skeleton.entity_at(pos + 1) if pos + 1 < len(skeleton.text) else None
        if skeleton.text[:pos].endswith("在") or (following is not None and following.type == "Event"):
            continue
        authors.append(entity)
    return authors

