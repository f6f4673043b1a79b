"""Places inside places as the text writes them (the gazetteer's divisions are chained by kg.extract.resolve).

    from_place_chains(doc, entities) -> within(smaller, larger) relations

1. Written chains: places written side by side, each of a lower level than the one before it
   (湄潭县兴隆镇龙凤村: 兴隆镇 within 湄潭县, 龙凤村 within 兴隆镇). A list after the chain shares its
   parent (顺庆区舞凤街道、中城街道: both within 顺庆区). A place of unknown level (a zone, a landmark) may
   stand on either side of one of known level, never two unknown ones together.
2. Context: a town or street the text names with no larger place written before it lies in the nearest
   county-level place named before it in its sentence (顺庆区政协在舞凤街道建成…), else in the one
   county-level place the document names (a report about one county); with two or more counties named
   and none in the sentence, nothing is assumed.

Two places that both come from the gazetteer are left alone: their containment is the gazetteer's, and
``within`` is the direct parent (四川省绵竹市 skips the city between them).
"""

from __future__ import annotations

from collections.abc import Sequence

from kg.extract.relations.tables import place_rank
from kg.model import Document, Entity, Mention, Relation

_LIST_JOINERS = ("、", "和", "及", "与", "，")
"""What may stand between two places of one list after a chain (the comma only between places of one level)."""
_COUNTY = "county"
_TOWN_LEVELS = frozenset({"town", "township", "street"})


def from_place_chains(doc: Document, entities: Sequence[Entity]) -> list[Relation]:
    places = [e for e in entities if e.type == "Place"]
    mentions = sorted(
        ((m, e) for e in places for m in e.mentions if m.end > m.start), key=lambda pair: (pair[0].start, -pair[0].end)
    )
    relations: list[Relation] = []
    has_parent: set[str] = set()
    previous: tuple[Mention, Entity] | None = None
    parent: tuple[Entity, int | None] | None = None  # the parent of the list being written, and its children's level
    for mention, entity in mentions:
        if previous is not None and previous[0].end > mention.start:
            continue  # nested in the previous one
        if previous is not None and mention.start == previous[0].end and _contains(previous[1], entity):
            relations.append(Relation(entity.key, "within", previous[1].key, mention.sentence))
            has_parent.add(entity.name)
            parent = (previous[1], place_rank(entity))
        elif (
            parent is not None and previous is not None
            and doc.norm[previous[0].end : mention.start] in _LIST_JOINERS
            and place_rank(entity) == parent[1] and parent[1] is not None
            and _contains(parent[0], entity)
        ):
            relations.append(Relation(entity.key, "within", parent[0].key, mention.sentence))
            has_parent.add(entity.name)
        else:
            parent = None
        previous = (mention, entity)
    relations.extend(_in_context(mentions, has_parent))
    return relations


def _contains(larger: Entity, smaller: Entity) -> bool:
    """Whether ``smaller`` written right after ``larger`` is a place inside it."""
    if larger.key == smaller.key or ("code" in larger.attrs and "code" in smaller.attrs):
        return False
    outer, inner = place_rank(larger), place_rank(smaller)
    if outer is None and inner is None:
        return False
    return outer is None or inner is None or outer < inner


def _in_context(mentions: Sequence[tuple[Mention, Entity]], has_parent: set[str]) -> list[Relation]:
    """Towns and streets without a written parent: in the county named before them in their sentence,
    else in the document's one county."""
    counties = {e.key: e for _, e in mentions if e.attrs.get("level") == _COUNTY}
    story = next(iter(counties.values())) if len(counties) == 1 else None
    relations: list[Relation] = []
    done: set[str] = set()
    last_county: tuple[int, Entity] | None = None  # (sentence, county) of the last county mention
    for mention, entity in mentions:
        level = entity.attrs.get("level")
        if level == _COUNTY:
            last_county = (mention.sentence, entity)
            continue
        if level not in _TOWN_LEVELS or "code" in entity.attrs or entity.name in has_parent or entity.name in done:
            continue
        county = last_county[1] if last_county is not None and last_county[0] == mention.sentence else story
        if county is not None:
            relations.append(Relation(entity.key, "within", county.key, mention.sentence))
            done.add(entity.name)
    return relations
