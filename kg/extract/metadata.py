"""Entities a document names about itself rather than in its running text.

    metadata_entities(doc) -> list[Entity]

kg.ingest reads them from lines it drops as debris or splits off: ``Document.speaker`` (the body a
compilation's table of contents puts before a speech), ``Document.publication`` (a 来源 line, a byline
or the site name in a page header) and ``Document.source_org`` (来源/供稿/发布单位：县政协办公室, or a
body standing alone as a site's name). Navigation, link lists and footers give none.

A place written at the start of such a body's name (乐山市 of 乐山市政协) is returned as a Place too.
Each entity carries ``attrs["source"] == "metadata"`` and no mentions. Organ names are read with the
organ patterns (kg.extract.organs) and short forms completed from the document like any other mention
(来源：县政协办公室 in a 岳池县 page -> 岳池县政协办公室, alias 县政协办公室).
"""

from __future__ import annotations

from collections.abc import Callable

from kg.extract.organs import OrganHit, find_organs
from kg.extract.places import PlaceHit, find_places
from kg.extract.resolve import Resolver
from kg.model import Document, Entity
from kg.text import CPPCC

SOURCE = "metadata"
"""The value of ``Entity.attrs["source"]`` for entities read from a document's metadata."""
_CPPCC_MARK = CPPCC


def metadata_entities(doc: Document) -> list[Entity]:
    found: list[Entity] = []
    resolver: Resolver | None = None
    for written, speaker in ((doc.speaker, True), (doc.source_org, False)):
        if not written:
            continue
        hit = _whole_organ(written)
        if hit is not None and hit.level and resolver is None:
            resolver = Resolver(doc, [], find_places(doc.norm), find_places(doc.page) if doc.page else [])
        name = resolver.organ_name(hit, {})[0] if hit is not None and resolver is not None else written
        if hit is not None and speaker:
            type_ = "CPPCCBody" if _CPPCC_MARK in written else "PartyGovOrgan"
        elif hit is not None:
            type_ = hit.type
        else:
            type_ = "CPPCCBody" if _CPPCC_MARK in written else "PartyGovOrgan"
        found.append(_entity(type_, name, written))
        if hit is not None and hit.place is not None:
            found.append(_place(hit.place))
    if doc.publication:
        found.append(_entity("Publication", doc.publication, doc.publication))
    return _unique(found)


def page_entities(
    doc: Document, context: list[PlaceHit], resolve: Callable[[Document, list[PlaceHit]], Resolver]
) -> list[Entity]:
    """The entities the page's metadata lines name (``Document.page``: source and credit lines, link lists,
    footers), read with the entity stages ``resolve`` (short forms completed with the article's places
    ``context``), as metadata entities without mentions."""
    if not doc.page:
        return []
    page = Document(id=doc.id, source=doc.source, text=doc.page, norm=doc.page, speaker=doc.speaker)
    found = []
    for entity in resolve(page, context).entities.values():
        if entity.mentions:
            found.append(Entity(entity.type, entity.name, set(entity.aliases), [], {**entity.attrs, "source": SOURCE}))
    return found


def _whole_organ(written: str) -> OrganHit | None:
    """The organ hit spanning all of ``written`` (市政协办公室), or None when the patterns do not read it so."""
    places: list[PlaceHit] = find_places(written)
    for hit in find_organs(written, places):
        if hit.start == 0 and hit.end == len(written):
            return hit
    return None


def _entity(type_: str, name: str, written: str) -> Entity:
    aliases = {written} if written != name else set()
    return Entity(type_, name, aliases, [], {"source": SOURCE})


def _place(place: PlaceHit) -> Entity:
    """The place written at the start of a body's name (乐山市 of 乐山市政协), a Place of the document too."""
    entity = Entity("Place", place.name, set(), [], {"source": SOURCE})
    if len(place.candidates) == 1:
        division = place.candidates[0]
        entity.name = division.name
        entity.attrs.update(code=division.code, level=division.level)
    return entity


def _unique(entities: list[Entity]) -> list[Entity]:
    kept: dict[tuple[str, str], Entity] = {}
    for entity in entities:
        if entity.key in kept:
            kept[entity.key].aliases.update(entity.aliases)
        else:
            kept[entity.key] = entity
    return list(kept.values())
