"""Extraction: a Document in, its entities (with mentions and aliases) and relations out.

    extract_document(doc, settings) -> Extraction
    extract_text(text, settings)    -> Extraction of a text wrapped in a Document (id "text")
    warm_up(settings)               -> load every table extraction reads lazily (once per process)

Stages, each in its own module, all working on ``doc.norm`` (simplified characters, same offsets as
``doc.text``):

    places.find_places    gazetteer divisions and pattern places (街道, 镇, 村, 社区, 小区)
    organs.find_organs    [place | level word] + 政协/委/政府/局 [+ sub-organ]
    terms.find_terms      lexicon terms, quoted names, names by ending, by-lines, topics after 围绕/聚焦
    people.find_people    names after titles and role words, posts with their organs
    resolve.Resolver      canonical names from context (市政协 -> 成都市政协), gazetteer chain, aliases
    relations.find_relations  text-pattern relations (another stage, called last)
    windows.extract_in_windows  a very long document cut into windows, each extracted alone, merged
    metadata.metadata_entities   the speaker, publication and source organisation the document names
"""

from __future__ import annotations

import gc
import importlib
import inspect
from collections.abc import Callable, Sequence
from types import ModuleType

from kg import lexicon
from kg.extract.metadata import metadata_entities, page_entities
from kg.extract.organs import OrganHit, department_after, find_organs
from kg.extract.people import find_people
from kg.extract.places import SUB_COUNTY_LEVELS, PlaceHit, SpanIndex, company_spans, find_places, other_names
from kg.extract.resolve import Resolver
from kg.extract.terms import TermHit, find_rule_terms, find_terms, merged_by_ending, strip_quotes
from kg.model import Document, Entity, EntityKey, Extraction, Relation, Sentence
from kg.nlp import split_sentences
from kg.settings import Settings

_ORGAN_TYPES = ("CPPCCBody", "PartyGovOrgan")


def extract_document(doc: Document, settings: Settings | None = None) -> Extraction:
    """Everything extracted from ``doc``; a very long document is extracted in windows (kg.extract.windows)."""
    from kg.extract.windows import WINDOW, extract_in_windows

    settings = settings or Settings()
    if len(doc.norm) > WINDOW:
        return extract_in_windows(doc, lambda window: _extract_whole(window, settings))
    return _extract_whole(doc, settings)


def _extract_whole(doc: Document, settings: Settings) -> Extraction:
    from kg.extract.relations import find_relations

    sentences = split_sentences(doc.norm)
    # the county a site names only in its footer (中国人民政治协商会议宣恩县委员会) completes the article's
    # short forms (县政协) once the article's own places are tried
    resolver = resolve_entities(doc, sentences, settings, find_places(doc.page) if doc.page else ())
    pages: list[tuple[Document, Resolver]] = []

    def resolve_page(page_doc: Document, context: list[PlaceHit]) -> Resolver:
        pages.append((page_doc, resolve_entities(page_doc, [], settings, context, learned=False)))
        return pages[-1][1]

    page = page_entities(doc, resolver.places, resolve_page)
    entities = _with_metadata(doc, list(resolver.entities.values()), page)
    known = [*resolver.relations, *_page_relations(pages, {e.key for e in entities})]
    relations = find_relations(doc, sentences, entities, known)
    return Extraction(doc, sentences, entities, relations)


def _page_relations(pages: list[tuple[Document, Resolver]], keys: set[EntityKey]) -> list[Relation]:
    """What the page's metadata lines state (地址：梅州市梅江区; a body and its place), between entities the
    extraction keeps, with no evidence sentence (-1): the lines are not part of the article."""
    from kg.extract.relations import find_relations

    found: list[Relation] = []
    for page_doc, page_resolver in pages:
        for relation in find_relations(
            page_doc, split_sentences(page_doc.norm), list(page_resolver.entities.values()), page_resolver.relations
        ):
            if relation.subject in keys and (relation.object in keys or not isinstance(relation.object, tuple)):
                found.append(Relation(relation.subject, relation.predicate, relation.object, -1))
    return found


def resolve_entities(
    doc: Document,
    sentences: list[Sentence],
    settings: Settings,
    context: Sequence[PlaceHit] = (),
    learned: bool = True,
) -> Resolver:
    """The entity stages on ``doc``: hits found, resolved into entities (``Resolver.entities``) with the
    relations resolution gives (gazetteer chains, locatedIn). ``context``: places of the article a page's
    metadata lines belong to, for completing short forms there; ``learned``: False leaves out the learned
    Topic/Mechanism labeller (page lines name no topics)."""
    norm = doc.norm
    entries = lexicon.entries(settings.user_lexicons)
    places = find_places(norm)
    organs = find_organs(norm, places)
    place_spans = [(p.start, p.end) for p in places]
    terms = find_terms(norm, entries, place_spans) if learned else find_rule_terms(norm, entries, place_spans)
    organ_spans = [(o.start, o.end) for o in organs]
    # an outlet's name inside a longer place's name (新华社 of 新华社区) is part of the place
    in_places = SpanIndex(place_spans)
    terms = [t for t in terms if t.type != "Publication" or not in_places.covers(t.start, t.end)]
    publications = [(t.start, t.end) for t in terms if t.type == "Publication"]
    organs = [o for o in organs if not any(a <= o.start and o.end <= b for a, b in publications)]
    # a place inside an outlet's name (江苏 of 《江苏政协》, 遂宁 of 遂宁日报) is part of that name
    places = [p for p in places if not any(a <= p.start and p.end <= b for a, b in publications)]
    # a place inside a company's name (绵阳涪城网络科技有限公司) is part of that name; companies are no entities
    companies = SpanIndex(company_spans(norm))
    places = [p for p in places if not companies.covers(p.start, p.end)]
    organs = [o for o in organs if not companies.covers(o.start, o.end)]
    for term in terms:
        if term.type in _ORGAN_TYPES and not any(a < term.end and term.start < b for a, b in organ_spans):
            lexicon_organ = OrganHit(term.start, term.end, term.type, term.surface, None, "", term.name, term.end)
            organs.append(department_after(norm, lexicon_organ))
    organs.sort(key=lambda o: o.start)
    persons, positions = find_people(norm, sentences, organs, places)
    organs.extend(p.organ for p in positions if p.organ.parent is not None and p.organ not in organs)
    organs.sort(key=lambda o: o.start)
    # a name inside a longer place (曹娥 of 曹娥街道) is the place's; otherwise a person's name wins
    place_index = SpanIndex(place_spans)
    persons = [p for p in persons if not place_index.covers(p.start, p.end)]
    person_spans = SpanIndex((p.start, p.end) for p in persons)
    places = [p for p in places if not person_spans.overlaps(p.start, p.end)]

    resolver = Resolver(doc, sentences, places, list(context))
    keys: dict[int, EntityKey] = {}
    by_end = {p.end: p for p in places}
    for hit in places:
        earlier = _named_before(norm, hit, by_end)
        if earlier is not None and earlier.start in keys:
            # 年画村原名射箭台村: the former name is the same place's alias
            keys[hit.start] = resolver.add("Place", keys[earlier.start][1], hit.start, hit.end)
        else:
            keys[hit.start] = resolver.place_entity(hit)
    organ_names: dict[int, str] = {}
    for organ in organs:
        name, place = resolver.organ_name(organ, organ_names)
        organ_names[organ.start] = name
        key = resolver.add(organ.type, name, organ.start, organ.end)
        if organ.base_end < organ.end and not _below_county(organ):
            base = name[: len(name) - organ.sub_chars]
            resolver.add(organ.type, base, organ.start, organ.base_end)
        if place is not None:
            resolver.located_in(key, place, organ.start)
    for person in persons:
        resolver.add("Person", person.name, person.start, person.end)
    for position in positions:
        resolver.add("Position", resolver.position_name(position, organ_names), position.start, position.end)
    platform_names = {t.name for t in terms if t.type == "Platform"}
    platform_spans = [(t.start, t.end) for t in terms if t.type == "Platform"]
    formats_alone = {t.name for t in terms if t.type == "Platform" and t.surface == t.name
                     and not any(a <= t.start and t.end <= b and b - a > t.end - t.start for a, b in platform_spans)}
    """Platforms written somewhere on their own, unquoted (a format such as 院坝协商, not a brand), not only
    inside a longer platform's name."""
    for term in terms:
        if term.type in _ORGAN_TYPES:
            continue
        if term.type in ("Event", "Mechanism") and any(a <= term.start and term.end <= b for a, b in organ_spans):
            continue
        if term.type == "Event" and strip_quotes(term.surface) in platform_names:
            # “委员议事厅”专题协商会 gives the event a mention of its quoted part alone: that is the platform
            term = TermHit(term.start, term.end, "Platform", strip_quotes(term.surface), term.surface)
        name = resolver.outlet_name(term.name, term.start) if term.type == "Publication" else term.name
        if term.type == "Topic":
            longer = [t.name for t in terms if t.type == "Topic" and t.name != name and t.name.endswith(name)]
            if longer:
                name = min(longer, key=len)
        if term.type == "Platform" and name.endswith("会") and name[:-1] in formats_alone:
            name = name[:-1]  # 院坝协商会 in a text that names 院坝协商: a session of the format, filed under it
        if term.type == "Platform" and term.surface in merged_by_ending():
            platforms = [k for k in resolver.entities if k[0] == "Platform" and k[1].endswith(term.surface) and k[1] != term.surface]
            if platforms:
                name = platforms[0][1]
        resolver.add(term.type, name, term.start, term.end)
    return resolver


def _named_before(norm: str, hit: PlaceHit, by_end: dict[int, PlaceHit]) -> PlaceHit | None:
    """The place written right before ``hit`` with a word saying ``hit`` is another name of it (原名, 又名)."""
    bracketed = by_end.get(hit.start - 1)
    if (
        bracketed is not None and norm[hit.start - 1] in "（(" and norm[hit.end : hit.end + 1] in ("）", ")")
        and bracketed.level and bracketed.level == hit.level
    ):
        return bracketed  # 阿土列尔村（悬崖村）: a place of the same level alone in brackets is another name
    for word in other_names():
        for opening in ("", "（", "("):  # 青石村（原名白石村）: the other name in brackets
            earlier = by_end.get(hit.start - len(word) - len(opening))
            if earlier is not None and norm.startswith(opening + word, earlier.end):
                return earlier
    return None


def _below_county(organ: OrganHit) -> bool:
    """A committee's unit named after a town or street (南坪街道政协委员工作站): no committee of the town."""
    return organ.type == "CPPCCBody" and organ.place is not None and organ.place.level in SUB_COUNTY_LEVELS


def _with_metadata(doc: Document, entities: list[Entity], page: list[Entity]) -> list[Entity]:
    """Add the entities the document names about itself (speaker, publication, 来源, what the page's
    metadata lines name); one found in the text too keeps its mentions and gains the written form as an
    alias."""
    by_key = {e.key: e for e in entities}
    for entity in metadata_entities(doc) + page:
        if entity.key in by_key:
            known = by_key[entity.key]
            known.aliases.update(entity.aliases)
            if not known.mentions:
                known.attrs["source"] = entity.attrs["source"]  # a gazetteer parent the page names itself
        else:
            entities.append(entity)
            by_key[entity.key] = entity
    return entities


def extract_text(text: str, settings: Settings | None = None) -> Extraction:
    """Extract from a plain string (simplified with kg.ingest's normalisation)."""
    from kg.ingest.script import simplify

    norm = simplify(text)
    doc = Document(id="text", source="text", text=text, norm=norm, title=text.strip().split("\n", 1)[0])
    return extract_document(doc, settings)


_LAZY_MODULES = (
    "kg.nlp",
    "kg.gazetteer",
    "kg.extract.places",
    "kg.extract.organs",
    "kg.extract.terms",
    "kg.extract.termtagger",
    "kg.extract.people",
    "kg.extract.words",
    "kg.extract.resolve",
    "kg.extract.metadata",
    "kg.extract.relations.tables",
    "kg.extract.quantities",
    "kg.extract.events",
    "kg.extract.relations.subjects",
    "kg.ingest.dates",
)
"""The modules whose tables extraction loads on first use."""


GC_THRESHOLD = 50_000
"""Allocations between two collections of the cycle collector's youngest generation after warm_up."""


def warm_up(settings: Settings | None = None) -> None:
    """Load every table extraction reads lazily: the lexicon (with ``settings``' user lexicons), the
    gazetteer, word lists and patterns, and jieba with the domain lexicon.

    A worker process calls this once before its first document, so that no document pays for loading.
    The tables are the functions of the modules in _LAZY_MODULES that are cached (functools.lru_cache)
    and take no arguments; a module adding a table that way is warmed up without a change here.

    The tables are then frozen out of the cycle collector's sight (gc.freeze): they live as long as the
    process, and each full collection during extraction would otherwise walk their millions of objects
    again (8% of a worker's time on the benchmark corpus). Forked workers inherit the frozen state.

    The collector's youngest generation is then collected every GC_THRESHOLD allocations instead of
    Python's 700: a document makes hundreds of thousands of short-lived objects, few of them in cycles,
    and the frequent young collections cost ~3% of a worker's time (0.7% with the larger threshold).
    """
    settings = settings or Settings()
    lexicon.entries(settings.user_lexicons)
    for name in _LAZY_MODULES:
        for load in _table_loaders(importlib.import_module(name)):
            load()
    gc.freeze()
    gc.set_threshold(GC_THRESHOLD, *gc.get_threshold()[1:])


def _table_loaders(module: ModuleType) -> list[Callable[[], object]]:
    return [
        value
        for value in vars(module).values()
        if callable(value)
        and hasattr(value, "cache_info")
        and getattr(value, "__module__", None) == module.__name__
        and not inspect.signature(value).parameters
    ]
