"""Relations read from names: a sub-organ named after its body (湖州市政协党组 -> 湖州市政协), a position in
the longest body its name starts with, a platform, event or mechanism named after the body that has it,
and the place a body works in (the innermost place its name holds: 新都区政协桂湖街道工委 -> 桂湖街道;
中共阜宁县委 -> 阜宁县) or a platform stands in (the place its name starts with: 骆市镇协商议事会).

    from_names(doc, sentences, entities) -> list[Relation]

The evidence is the sentence where the entity is first named; an entity the text never names (one read
from the document's metadata, such as the 来源 organisation) gives its relations with sentence -1.
"""

from __future__ import annotations

from collections.abc import Sequence

from kg.extract.relations.tables import BODY_TYPES
from kg.model import Document, Entity, Relation, Sentence


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


def from_names(doc: Document, sentences: Sequence[Sentence], entities: Sequence[Entity]) -> list[Relation]:
    bodies: dict[str, list[Entity]] = {}  # name (or written form) -> bodies of that name, by type
    for named in sorted((e for e in entities if e.type in BODY_TYPES), key=lambda e: (e.type, e.name)):
        bodies.setdefault(named.name, []).append(named)
    named_bodies = dict(bodies)
    for named in sorted((e for e in entities if e.type in BODY_TYPES), key=lambda e: (e.type, e.name)):
        for alias in sorted(named.aliases):
            if len(alias) > _SHORTEST_ALIAS and alias not in bodies:
                bodies.setdefault(alias, []).append(named)
    named_lengths = sorted({len(name) for name in named_bodies}, reverse=True)
    lengths = sorted({len(name) for name in bodies}, reverse=True)
    places = _place_forms(entities)
    relations: list[Relation] = []
    for entity in entities:
        if entity.type not in BODY_TYPES and entity.type not in _NAMED_AFTER:
            continue
        body = _named_after(entity.name, entity.type, named_bodies, named_lengths)
        if body is None and entity.type in _BY_WRITTEN_FORM:
            body = (_named_after(entity.name, entity.type, bodies, lengths)
                    or _named_after(_without_place_prefix(entity.name, places), entity.type, bodies, lengths))
        place = _place_in_name(entity, places)
        if body is None and place is None:
            continue
        sentence = _first_sentence(entity, doc, sentences)
        if sentence is None:
            if entity.mentions:
                continue
            sentence = -1
        if place is not None:
            relations.append(Relation(entity.key, "locatedIn", place.key, sentence))
        if body is None:
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


def _named_after(name: str, type_: str, bodies: dict[str, list[Entity]], lengths: Sequence[int]) -> Entity | None:
    """The body with the longest name (or written form) that ``name`` starts with and is longer than (a
    sub-organ only of a body of its own type); ``lengths`` are those of the names of ``bodies``, longest first."""
    for length in lengths:
        if length >= len(name):
            continue
        for body in bodies.get(name[:length], ()):
            if type_ not in BODY_TYPES or body.type == type_:
                return body
    return None


def _without_place_prefix(name: str, places: Sequence[tuple[str, Entity]]) -> str:
    """``name`` without the place written before the body it is named after (湖州市吴兴区政协议事厅管理办法:
    吴兴区政协…, whose body is named without its city)."""
    return next((name[len(form):] for form, _ in places if name.startswith(form) and len(name) > len(form)), name)


_BY_WRITTEN_FORM = frozenset({"Mechanism", "Platform"})
"""Types whose names may start with a body's written form, or with a place before the body's name
(《中共阜宁县委关于…的实施意见》, 湖州市吴兴区政协议事厅管理办法)."""
_SHORTEST_ALIAS = 2
"""A body's written form shorter than this (or as long) does not name what starts with it (市委 in 市委书记…)."""



def _place_forms(entities: Sequence[Entity]) -> list[tuple[str, Entity]]:
    """(written form, place) for each name and alias of the places the text names, longest first."""
    forms = {(form, e.name): e for e in entities if e.type == "Place" for form in (e.name, *e.aliases)
             if len(form) >= 2}
    return [(form, forms[form, name]) for form, name in sorted(forms, key=lambda k: (-len(k[0]), k))]


def _place_in_name(entity: Entity, places: Sequence[tuple[str, Entity]]) -> Entity | None:
    """The place a body works in (the place whose name ends last in the body's name, the longest there) or
    the place a platform's name starts with."""
    name = entity.name
    if entity.type == "Platform":
        return next((place for form, place in places if name.startswith(form) and len(name) > len(form)), None)
    if entity.type not in BODY_TYPES:
        return None
    best: tuple[int, int, Entity] | None = None
    for form, place in places:
        at = name.rfind(form)
        if at >= 0 and (best is None or (at + len(form), len(form)) > best[:2]):
            best = (at + len(form), len(form), place)
    return best[2] if best is not None else None
