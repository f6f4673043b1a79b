"""In-document resolution: hits in, entities (canonical names, aliases, mentions) and gazetteer relations out.

    Resolver(doc, sentences, places).place_entity / organ_name / position_name / add

Short forms are completed from what the document says: a bare level word (市 of 市政协, 区 of 区委) stands
for, in order, a place of that kind in the speaker's name, the first place of that kind in the text
(county level and above) or the nearest one before it (towns, streets, communities), and finally the
gazetteer parent of the document's places (市政协 in a 顺德区 text -> 佛山市政协). Where none applies the
short form stays the name. A name shared by several divisions (市中区) takes the division that lies with
the document's other places; without such evidence it gets no code.
"""

from __future__ import annotations

import bisect

from kg.extract.organs import OrganHit, party_committee_endings
from kg.extract.people import PositionHit
from kg.extract.places import (
    SUB_COUNTY_LEVELS,
    PlaceHit,
    SpanIndex,
    find_places,
    level_chars_above_town,
    level_short_forms,
    levels_of,
)
from kg.gazetteer import Division, gazetteer
from kg.model import Document, Entity, EntityKey, Mention, Relation, Sentence
from kg.text import CPPCC

_SUB_COUNTY = SUB_COUNTY_LEVELS
_NAMED_TYPES = frozenset({"CPPCCBody", "PartyGovOrgan", "Person", "Position"})
_YIELDING_TYPES = frozenset({"Topic"})


class Resolver:
    def __init__(
        self, doc: Document, sentences: list[Sentence], places: list[PlaceHit], context: list[PlaceHit] | None = None
    ) -> None:
        self.doc = doc
        self.sentences = sentences
        self.places = places
        self.context = context or []
        """Places of the article whose page lines ``doc`` holds: short forms there are completed with them."""
        self.entities: dict[EntityKey, Entity] = {}
        self.relations: list[Relation] = []
        self._relation_set: set[Relation] = set()
        self._mention_set: set[tuple[EntityKey, int, int]] = set()
        self._located: set[EntityKey] = set()
        self._named_spans = SpanIndex()
        self._brand_halves: dict[str, str] = {}
        self._sentence_starts = [s.start for s in sentences]
        self._choose_divisions()
        self._speaker_places = find_places(doc.speaker) if doc.speaker else []
        for p in self._speaker_places:
            p.candidates = self._pick(p.candidates)

    # -- places ---------------------------------------------------------------------------------

    def _choose_divisions(self) -> None:
        known = [p.candidates[0] for p in self.places + self.context if len(p.candidates) == 1]
        for place in self.places:
            place.candidates = self._pick(place.candidates, known)
            if len(place.candidates) == 1:
                place.name = place.candidates[0].name
                place.level = place.candidates[0].level

    def _pick(self, candidates: list[Division], known: list[Division] | None = None) -> list[Division]:
        if len(candidates) <= 1:
            return candidates
        g = gazetteer()
        known = known if known is not None else []
        scores = []
        for c in candidates:
            chain = {d.code for d in g.chain(c.code)[1:]}
            scores.append(sum(1 for k in known if k.code in chain or c.code in {d.code for d in g.chain(k.code)[1:]}))
        best = max(scores)
        winners = [c for c, s in zip(candidates, scores) if s == best]
        return winners if best > 0 and len(winners) == 1 else candidates

    def sentence_of(self, offset: int) -> int:
        return max(0, bisect.bisect_right(self._sentence_starts, offset) - 1)

    def place_entity(self, place: PlaceHit) -> EntityKey:
        attrs: dict[str, str] = {"level": place.level} if place.level else {}
        if len(place.candidates) == 1:
            division = place.candidates[0]
            attrs = {"code": division.code, "level": division.level}
            key = self.add("Place", division.name, place.start, place.end, attrs)
            self._chain(division)
            return key
        return self.add("Place", place.name, place.start, place.end, attrs)

    def _chain(self, division: Division) -> None:
        chain = gazetteer().chain(division.code)
        for child, parent in zip(chain, chain[1:]):
            child_key = ("Place", child.name)
            parent_key = self.reference("Place", parent.name, {"code": parent.code, "level": parent.level})
            relation = Relation(child_key, "within", parent_key, -1)
            if relation not in self._relation_set:
                self._relation_set.add(relation)
                self.relations.append(relation)

    def home(self, level_word: str, offset: int) -> PlaceHit | Division | None:
        """The place a bare level word stands for at ``offset``."""
        levels = levels_of(level_word)
        def fits(p: PlaceHit) -> bool:
            return p.name.endswith(level_word) and (not p.level or p.level in levels)
        for p in self._speaker_places:
            if fits(p):
                return p
        if set(levels) & set(_SUB_COUNTY):
            before = [p for p in self.places if p.end <= offset and fits(p)] or [p for p in self.context if fits(p)]
            return before[-1] if before else None
        for p in self.places + self.context:
            if fits(p):
                return p
        g = gazetteer()
        for p in self._speaker_places + self.places + self.context:
            if len(p.candidates) == 1:
                for d in g.chain(p.candidates[0].code)[1:]:
                    if d.level in levels and d.name.endswith(level_word):
                        return d
        return None

    def outlet_name(self, name: str, offset: int) -> str:
        """An outlet named by a level word alone (县融媒体中心) completed with the place that level word
        stands for, as 县政协 is; any other name as written."""
        if not name or name[0] not in level_chars_above_town() or gazetteer().lookup(name[:2]):
            return name
        place = self.home(name[0], offset)
        if place is None:
            return name
        full = place.candidates[0].name if isinstance(place, PlaceHit) and len(place.candidates) == 1 else place.name
        return full + name[1:]

    # -- organs and posts -----------------------------------------------------------------------

    def organ_name(self, organ: OrganHit, resolved: dict[int, str]) -> tuple[str, PlaceHit | Division | None]:
        """Canonical name of an organ and the place it belongs to (a democratic party's committee keeps
        the party's name before the place: 民建南岸区委)."""
        name, place = self._organ_name(organ, resolved)
        if name.startswith(organ.party):
            return name, place  # the written form kept when the place is not known (九三学社市委)
        return organ.party + name, place

    def _organ_name(self, organ: OrganHit, resolved: dict[int, str]) -> tuple[str, PlaceHit | Division | None]:
        if organ.parent is not None and organ.parent.type == "CPPCCBody" and organ.parent.start in resolved:
            parent = resolved[organ.parent.start]
            committee = parent[: len(parent) - organ.parent.sub_chars]
            return committee + organ.tail, None
        if organ.refers_to:
            earlier = [(start, name) for start, name in resolved.items() if start < organ.start and name.endswith(organ.refers_to)]
            if earlier:
                return max(earlier)[1], None
            return organ.surface, None
        if organ.cppcc_unit:
            # The committee named earlier in the same sentence; else the speaker of a speech (成立…领导小组
            # with its subject dropped is the speaking committee's); else the latest committee named before.
            committees = [(start, name) for start, name in resolved.items() if start < organ.start and name.endswith(CPPCC)]
            here = self.sentence_of(organ.start)
            in_sentence = [c for c in committees if self.sentence_of(c[0]) == here]
            speaker = self.doc.speaker if self.doc.speaker and self.doc.speaker.endswith(CPPCC) else None
            unit = organ.surface.removeprefix(CPPCC)  # 政协松林乡工委: the committee comes from the text
            if in_sentence:
                return max(in_sentence)[1] + unit, organ.place
            if speaker:
                return speaker + unit, organ.place
            if committees:
                return max(committees)[1] + unit, organ.place
            return organ.surface, organ.place
        if organ.place is not None:
            if organ.tail.startswith(level_short_forms()):
                return organ.place.surface + organ.tail, organ.place  # 香港特区政府…, not 香港特别行政区特区政府…
            return organ.place.name + organ.tail, organ.place
        if organ.level:
            place = self.home(organ.level, organ.start)
            if place is not None:
                return place.name + organ.tail, place
            if organ.tail == organ.surface and not organ.party and not organ.surface.startswith(organ.level):
                return organ.level + organ.surface, None  # 林业局 of 县水利局、林业局: the level it inherits
            return organ.surface, None
        if organ.needs_parent:
            parents = [
                (start, name) for start, name in resolved.items()
                if start < organ.start and name.endswith(party_committee_endings()) and not name.endswith(CPPCC)
            ]
            if parents:
                return max(parents)[1] + organ.tail, None
        return organ.tail, None

    def position_name(self, position: PositionHit, organ_names: dict[int, str]) -> str:
        organ = position.organ
        if not organ.type:
            if position.surface.startswith(CPPCC) and position.surface == position.title:
                # 政协委员 alone: of the one committee the document names, else as written
                committees = {n for n in organ_names.values() if n.endswith(CPPCC) and n != CPPCC}
                if len(committees) == 1:
                    return committees.pop() + position.surface.removeprefix(CPPCC)
            return position.surface  # a body we have no organ for (协会会长): the post as written
        if organ.type == "place":
            # a government head (镇长): the place written before it or the one its level stands for
            place = organ.place.name if organ.place else None
            home = self.home(organ.level, organ.start) if organ.level and place is None else None
            return (place or (home.name if home else "")) + position.title
        name = organ_names.get(organ.start, organ.surface)
        if position.base:
            name = name[: len(name) - organ.sub_chars]
        return name + position.title

    # -- entities -------------------------------------------------------------------------------

    def add(self, type_: str, name: str, start: int, end: int, attrs: dict[str, str] | None = None) -> EntityKey:
        """Record a mention of ``name``. Span arbitration: a topic mention inside a longer mention of a
        named body, person or post (乡村振兴 in 县乡村振兴局) is part of that name and is not recorded; the
        key is still returned. A platform written as the second half of a brand (仁事好商量 of
        有事来协商·仁事好商量) is filed under the brand."""
        key = (type_, name)
        if type_ in _NAMED_TYPES:
            self._named_spans.add(start, end)
        elif type_ in _YIELDING_TYPES and self._named_spans.covers(start, end):
            return key
        written = name
        if type_ == "Platform":
            key = self._brand_key(name)
            name = key[1]
        entity = self.entities.get(key)
        if entity is None:
            entity = self.entities[key] = Entity(type_, name)
        if attrs:
            for k, v in attrs.items():
                entity.attrs.setdefault(k, v)
        text = self.doc.text[start:end]
        if (key, start, end) not in self._mention_set:
            self._mention_set.add((key, start, end))
            entity.mentions.append(Mention(start, end, text, self.sentence_of(start)))
        for alias in (text, self.doc.norm[start:end], written):
            if alias != name:
                entity.aliases.add(alias)
        return key

    def _brand_key(self, name: str) -> EntityKey:
        if "·" in name:
            brand_key: EntityKey = ("Platform", name)
            short = self.entities.pop(("Platform", name.split("·", 1)[1]), None)
            self._brand_halves[name.split("·", 1)[1]] = name
            if short is not None:
                brand = self.entities.setdefault(brand_key, Entity("Platform", name))
                brand.mentions.extend(short.mentions)
                brand.aliases.update(short.aliases | {short.name})
                brand.attrs = {**short.attrs, **brand.attrs}
                self._mention_set = {(brand_key if k == short.key else k, a, b) for k, a, b in self._mention_set}
            return brand_key
        return ("Platform", self._brand_halves.get(name, name))

    def reference(self, type_: str, name: str, attrs: dict[str, str]) -> EntityKey:
        key = (type_, name)
        entity = self.entities.setdefault(key, Entity(type_, name))
        for k, v in attrs.items():
            entity.attrs.setdefault(k, v)
        return key

    def located_in(self, body: EntityKey, place: PlaceHit | Division, offset: int) -> None:
        if isinstance(place, PlaceHit):
            place_key = ("Place", place.name)
            if place_key not in self.entities:
                return
        else:
            place_key = self.reference("Place", place.name, {"code": place.code, "level": place.level})
            self._chain(place)
        if body not in self._located:
            self._located.add(body)
            self.relations.append(Relation(body, "locatedIn", place_key, self.sentence_of(offset)))
