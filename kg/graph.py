"""From extractions to RDF.

Each document's own triples (the Document node, its evidence sentences, which entities it mentions, and
its relations with their evidence) are made by ``document_triples`` in the worker that extracted it.
What needs every document (an entity's type, label and the union of its aliases) is made once at the end
by ``entity_triples`` from the merged ``EntityTable``.

Provenance design (see README, "The graph"):

    body:成都市政协  cppcc:mentionedIn  doc:<id> ;  cppcc:mentionedInSentence  sent:<id>-s3 .
    sent:<id>-s3  a cppcc:Sentence ; cppcc:text "…"@zh ; dcterms:isPartOf doc:<id> .
    body:双流区政协  cppcc:runsPlatform  platform:有事来协商众事好商量 .            # the fact, asserted
    stmt:<hash>  a rdf:Statement ; rdf:subject … ; rdf:predicate … ; rdf:object … ;  # its evidence
        cppcc:evidence sent:<id>-s12 ; prov:wasDerivedFrom doc:<id> [; cppcc:onDate "2024-06-20"^^xsd:date] .

Time (kg.extract.times): a statement whose sentence gives a date carries it as cppcc:onDate; an event gets
cppcc:startDate/endDate (reified like a relation); each holdsPosition is also a cppcc:Tenure:

    tenure:<hash>  a cppcc:Tenure ; cppcc:holder person:… ; cppcc:post position:… ; cppcc:tenureIn body:… ;
        cppcc:heldOn "2024-06-21"^^xsd:date ; prov:wasDerivedFrom doc:<id> ; cppcc:evidence sent:<id>-s5 .
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, fields
from functools import cache, lru_cache
from typing import Any

import pyoxigraph as ox

from kg.extract.times import Timeline, timeline
from kg.model import Document, EntityKey, Extraction, Quantity
from kg.text import CPPCC
from kg.vocab import (
    ONTOLOGY_NS,
    PREFIXES,
    QUANTITY_NS,
    STATEMENT_NS,
    TENURE_NS,
    TERMS,
    digest,
    document_iri,
    entity_iri,
    sentence_iri,
)

_N = ox.NamedNode
RDF = PREFIXES["rdf"]
RDFS = PREFIXES["rdfs"]
XSD = PREFIXES["xsd"]
SKOS = PREFIXES["skos"]
DCTERMS = PREFIXES["dcterms"]
PROV = PREFIXES["prov"]

A = _N(RDF + "type")
LABEL = _N(RDFS + "label")
ALT_LABEL = _N(SKOS + "altLabel")
TITLE = _N(DCTERMS + "title")
DATE = _N(DCTERMS + "date")
IS_PART_OF = _N(DCTERMS + "isPartOf")
DERIVED_FROM = _N(PROV + "wasDerivedFrom")
STATEMENT = _N(RDF + "Statement")
SUBJECT = _N(RDF + "subject")
PREDICATE = _N(RDF + "predicate")
OBJECT = _N(RDF + "object")
XSD_INTEGER = _N(XSD + "integer")
XSD_BOOLEAN = _N(XSD + "boolean")
XSD_DATE = _N(XSD + "date")
XSD_GYEARMONTH = _N(XSD + "gYearMonth")
XSD_GYEAR = _N(XSD + "gYear")

_DATE_TYPES = ((re.compile(r"\d{4}-\d{2}-\d{2}"), XSD_DATE), (re.compile(r"\d{4}-\d{2}"), XSD_GYEARMONTH), (re.compile(r"\d{4}"), XSD_GYEAR))

# Place levels (Entity.attrs["level"]) to ontology subclasses of Place.
PLACE_LEVELS = {
    "province": "Province",
    "city": "City",
    "county": "County",
    "township": "Township",
    "village": "Village",
    "community": "Village",
    "compound": "Compound",
}


_TERMS = frozenset(TERMS)


@cache
def term(local: str) -> ox.NamedNode:
    """An ontology term as a pyoxigraph node; a name not in kg.vocab.TERMS raises AttributeError."""
    if local not in _TERMS:
        raise AttributeError(f"term {local!r} not in namespace {ONTOLOGY_NS!r}")
    return _N(ONTOLOGY_NS + local)


def zh(text: str) -> ox.Literal:
    return ox.Literal(text, language="zh")


def integer(value: int) -> ox.Literal:
    return ox.Literal(str(value), datatype=XSD_INTEGER)


def date_literal(iso: str) -> ox.Literal:
    """An ISO date of kg.ingest.dates as a typed literal: xsd:date (yyyy-mm-dd), xsd:gYearMonth (yyyy-mm)
    or xsd:gYear (yyyy); anything else stays a plain string."""
    for pattern, datatype in _DATE_TYPES:
        if pattern.fullmatch(iso):
            return ox.Literal(iso, datatype=datatype)
    return ox.Literal(iso)


def entity_node(key: EntityKey, anchor: str = "") -> ox.NamedNode:
    return _N(entity_iri(key[0], key[1], anchor))


_entity_node = entity_node


def person_identities(extraction: Extraction) -> dict[EntityKey, str]:
    """Who a person is, beyond their name: the organ of the posts they hold in this document.

    The same name in two documents is one person when the organ of their posts agrees (the same post, or
    a later step in the same body: 县政协副主席 then 县政协主席); a name holding posts in another organ is
    another person, with an IRI of its own (person:李国强_岳池县政协, person:李国强_岳池县住建局); a name
    holding no post keeps the plain IRI (person:李国强). The organ is the one relation extraction gives the
    post (positionIn), else the post itself; of several, the committee they belong to (岳池县政协 over its
    党组), else the first in the text. The label stays the name."""
    organ_of = {
        r.subject: r.object for r in extraction.relations if r.predicate == "positionIn" and isinstance(r.object, tuple)
    }
    held: dict[EntityKey, list[tuple[int, str]]] = {}
    for relation in extraction.relations:
        if relation.predicate != "holdsPosition" or relation.subject[0] != "Person":
            continue
        if not isinstance(relation.object, tuple):
            continue
        organ = organ_of.get(relation.object, relation.object)
        held.setdefault(relation.subject, []).append((max(relation.sentence, 0), organ[1]))
    identities: dict[EntityKey, str] = {}
    for person, organs in held.items():
        names = [name for _, name in sorted(organs)]
        first = names[0]
        identities[person] = min((n for n in names if first.startswith(n)), key=len)
    return identities


@dataclass(frozen=True)
class EntitySummary:
    """What one document says about an entity; merged across documents into the EntityTable."""

    type: str
    name: str
    aliases: tuple[str, ...]
    attrs: tuple[tuple[str, str], ...]
    mentioned: bool
    anchor: str = ""
    """Who a person is beyond the name (person_identities); '' for everything else."""

    def __reduce__(self) -> tuple[Any, ...]:
        # field by field: compiled by mypyc (kg.compiled) the class has no __dict__ for pickle to fill, and
        # a frozen dataclass refuses the attribute assignments pickle falls back on
        return (type(self), tuple(getattr(self, f.name) for f in fields(self)))

    def row(self) -> SummaryRow:
        return (self.type, self.name, self.aliases, self.attrs, self.mentioned, self.anchor)


SummaryRow = tuple[str, str, tuple[str, ...], tuple[tuple[str, str], ...], bool, str]
"""An EntitySummary as plain values, (type, name, aliases, attrs, mentioned, anchor): what the workers send the
main process, the cache keeps and a rebuild's state holds (kg.cache.DocResult.summaries). Tuples of strings
are pickled 2.5x and unpickled 1.7x faster than the objects (no call per summary), and kept without
conversion."""

IdentityKey = tuple[str, str, str]
"""(type, name, anchor): an entity of the whole build."""


@dataclass
class EntityTable:
    """The entities of the whole build, merged by (type, name, anchor) across documents."""

    aliases: dict[IdentityKey, set[str]] = field(default_factory=dict)
    attrs: dict[IdentityKey, dict[str, str]] = field(default_factory=dict)
    mentioned: set[IdentityKey] = field(default_factory=set)

    def add(self, summary: EntitySummary) -> None:
        self.add_row(summary.row())

    def add_row(self, summary: SummaryRow) -> None:
        type_, name, aliases, pairs, mentioned, anchor = summary
        key = (type_, name, anchor)
        self.aliases.setdefault(key, set()).update(aliases)
        attrs = self.attrs.setdefault(key, {})
        for attr, value in pairs:
            attrs.setdefault(attr, value)
        if mentioned:
            self.mentioned.add(key)

    def add_rows(self, summaries: Iterable[SummaryRow]) -> None:
        for summary in summaries:
            self.add_row(summary)

    def __len__(self) -> int:
        return len(self.aliases)


def summarise(extraction: Extraction) -> list[EntitySummary]:
    identities = person_identities(extraction)
    summaries = [
        EntitySummary(
            e.type,
            e.name,
            tuple(sorted(a for a in e.aliases if a != e.name)),
            tuple(sorted((k, v) for k, v in e.attrs.items() if k != "source" or v != METADATA)),
            bool(e.mentions) or e.attrs.get("source") == METADATA,
            identities.get(e.key, ""),
        )
        for e in extraction.entities
    ]
    known = {e.key for e in extraction.entities}
    for _, key in metadata_links(extraction):
        if key not in known:
            summaries.append(EntitySummary(key[0], key[1], (), (), True))
    return summaries


METADATA = "metadata"
"""``Entity.attrs["source"]`` of entities read from a document's metadata (speaker, publication, 来源)."""


def metadata_links(extraction: Extraction) -> list[tuple[str, EntityKey]]:
    """(property, entity) for what the document says about itself: its speaker, publication and source
    organisation, as the entities extraction made of them (falling back to the written name)."""
    doc = extraction.document
    links: list[tuple[str, EntityKey]] = []
    for prop, written, types in (
        ("speaker", doc.speaker, ("CPPCCBody", "PartyGovOrgan")),
        ("publisher", doc.source_org, ("CPPCCBody", "PartyGovOrgan")),
        ("publishedIn", doc.publication, ("Publication",)),
    ):
        if not written:
            continue
        found = next(
            (e.key for e in extraction.entities if e.type in types and (e.name == written or written in e.aliases)),
            None,
        )
        if found is None and prop == "publishedIn":
            found = ("Publication", written)
        elif found is None:
            found = ("CPPCCBody" if CPPCC in written else "PartyGovOrgan", written)
        links.append((prop, found))
    return links


# ---------------------------------------------------------------------------- triples as N-Triples terms
#
# Workers make hundreds of triples per document: they are built as N-Triples terms (strings), the form in
# which they travel to the main process and are validated, not as pyoxigraph objects (several times
# slower to make). The strings are exactly what pyoxigraph writes for the same terms (tests/test_graph.py).

Triple = tuple[str, str, str]

_ESCAPES = {c: f"\\u{c:04X}" for c in (*range(0x20), 0x7F, 0xFFFE, 0xFFFF)}
_ESCAPES.update({0x08: "\\b", 0x09: "\\t", 0x0A: "\\n", 0x0C: "\\f", 0x0D: "\\r", 0x22: '\\"', 0x5C: "\\\\"})
_TO_ESCAPE = re.compile("[" + "".join(re.escape(chr(c)) for c in sorted(_ESCAPES)) + "]")
"""Any character of ``_ESCAPES``: most literals hold none, and a search is several times cheaper than
``str.translate`` (a dictionary look-up per character) over Chinese text."""


def literal(text: str, suffix: str = "") -> str:
    """An N-Triples literal: ``"text"`` escaped as pyoxigraph escapes it, then ``@lang`` or ``^^<type>``."""
    if _TO_ESCAPE.search(text) is not None:
        text = text.translate(_ESCAPES)
    return f'"{text}"{suffix}'


def _zh(text: str) -> str:
    return literal(text, "@zh")


def _integer(value: int) -> str:
    return f'"{value}"^^<{XSD}integer>'


def _date(iso: str) -> str:
    for pattern, datatype in _DATE_TYPES:
        if pattern.fullmatch(iso):
            return literal(iso, f"^^<{datatype.value}>")
    return literal(iso)


@cache
def _term(local: str) -> str:
    return f"<{term(local).value}>"


@lru_cache(maxsize=1 << 16)
def entity_term(key: EntityKey, anchor: str = "") -> str:
    """The entity's IRI as an N-Triples term (made once through pyoxigraph, which checks the IRI)."""
    return f"<{entity_node(key, anchor).value}>"


def identity_term(key: IdentityKey) -> str:
    """The IRI term of an entity of the whole build (EntityTable's keys)."""
    return entity_term(key[:2], key[2])


_A, _LABEL, _ALT_LABEL = f"<{RDF}type>", f"<{RDFS}label>", f"<{SKOS}altLabel>"
_TITLE, _DATE_P, _IS_PART_OF = f"<{DCTERMS}title>", f"<{DCTERMS}date>", f"<{DCTERMS}isPartOf>"
_DERIVED_FROM, _STATEMENT = f"<{PROV}wasDerivedFrom>", f"<{RDF}Statement>"
_SUBJECT, _PREDICATE, _OBJECT = f"<{RDF}subject>", f"<{RDF}predicate>", f"<{RDF}object>"
_BOOLEAN = f"^^<{XSD}boolean>"


def ntriples(triples: Iterable[Triple]) -> bytes:
    """Triples of terms as N-Triples bytes (the lines pyoxigraph would write)."""
    return "".join([f"{s} {p} {o} .\n" for s, p, o in triples]).encode("utf-8")


def sorted_ntriples(triples: Sequence[Triple]) -> bytes:
    """``ntriples(triples)`` with its lines in byte order: each line encoded on its own and sorted, instead
    of the whole text encoded, split into lines again and those sorted. The same bytes whenever each
    triple makes one line, which the escaping of literals and the checked IRIs ensure; a term holding a
    raw line break would make more lines, so that case (never met) takes the split."""
    lines: list[bytes] = []
    broken = False
    for s, p, o in triples:
        line = f"{s} {p} {o} .\n"
        broken = broken or line.find("\n") < len(line) - 1
        lines.append(line.encode())
    lines.sort()
    data = b"".join(lines)
    if broken or b"\r" in data:  # (bytes.count would walk every byte; find and ``in`` use memchr)
        return b"".join(sorted(ntriples(triples).splitlines(keepends=True)))
    return data


def document_triples(extraction: Extraction, is_compilation: bool = False, offset: int = 0) -> list[ox.Triple]:
    """The triples that one document contributes, as pyoxigraph triples (see ``document_lines``)."""
    return _parse(document_lines(extraction, is_compilation, offset))


def document_lines(extraction: Extraction, is_compilation: bool = False, offset: int = 0) -> list[Triple]:
    """The triples that one document contributes (everything except merged entity descriptions).

    For one window of a long document (kg.extract.windows), ``offset`` is where the window starts in the
    whole document: sentence offsets are given in the whole document's text."""
    doc = extraction.document
    d = f"<{_N(document_iri(doc.id)).value}>"  # made through pyoxigraph, which checks the IRI
    identities = person_identities(extraction)

    def _entity(key: EntityKey) -> str:
        return entity_term(key, identities.get(key, ""))

    sentence_terms: dict[int, str] = {}  # each sentence's IRI term made once (it is named by many triples)

    def _sentence(index: int) -> str:
        found = sentence_terms.get(index)
        if found is None:
            found = sentence_terms[index] = f"<{sentence_iri(doc.id, index)}>"
        return found

    out: list[Triple] = [
        (d, _A, _term("Compilation" if is_compilation else "Document")),
        (d, _term("sourceFile"), literal(doc.source)),
    ]
    if doc.title:
        out.append((d, _TITLE, _zh(doc.title)))
    if doc.date:
        out.append((d, _DATE_P, _date(doc.date)))
    if doc.compilation:
        out.append((d, _IS_PART_OF, f"<{_N(document_iri(doc.compilation)).value}>"))
    mentioned_in, in_sentence = _term("mentionedIn"), _term("mentionedInSentence")
    for prop, key in metadata_links(extraction):
        node = _entity(key)
        out.append((d, _term(prop), node))
        out.append((node, mentioned_in, d))

    used_sentences: set[int] = set()
    for entity in extraction.entities:
        if not entity.mentions:
            if entity.attrs.get("source") == METADATA:  # named on the page's lines outside the article
                out.append((_entity(entity.key), mentioned_in, d))
            continue
        node = _entity(entity.key)
        out.append((node, mentioned_in, d))
        for index in sorted({m.sentence for m in entity.mentions}):
            used_sentences.add(index)
            out.append((node, in_sentence, _sentence(index)))

    evidence = _term("evidence")
    times = timeline(extraction)
    on_date = _term("onDate")
    for relation in extraction.relations:
        s = _entity(relation.subject)
        p = _term(relation.predicate)
        if isinstance(relation.object, Quantity):
            o = f"<{_quantity_iri(doc, relation.subject, relation.object, relation.sentence)}>"
            out.extend(_quantity_triples(o, relation.object))
        else:
            o = _entity(relation.object)
        out.append((s, p, o))
        if relation.sentence < 0:
            continue
        used_sentences.add(relation.sentence)
        stmt = f"<{STATEMENT_NS}{digest(doc.id, str(relation.sentence), s[1:-1], p[1:-1], o[1:-1])}>"
        out += [
            (stmt, _A, _STATEMENT),
            (stmt, _SUBJECT, s),
            (stmt, _PREDICATE, p),
            (stmt, _OBJECT, o),
            (stmt, evidence, _sentence(relation.sentence)),
            (stmt, _DERIVED_FROM, d),
        ]
        period = times.sentences.get(relation.sentence)
        if period is not None:
            out.append((stmt, on_date, _date(period.start)))
    out += _time_triples(doc, d, times, identities)
    used_sentences.update(e.sentence for e in times.events)

    sentence_type, text, index_p = _term("Sentence"), _term("text"), _term("sentenceIndex")
    start_p, end_p = _term("startOffset"), _term("endOffset")
    for sentence in extraction.sentences:
        if sentence.index not in used_sentences:
            continue
        sn = _sentence(sentence.index)
        out += [
            (sn, _A, sentence_type),
            (sn, text, _zh(doc.text[sentence.start : sentence.end])),
            (sn, _IS_PART_OF, d),
            (sn, index_p, _integer(sentence.index)),
            (sn, start_p, _integer(sentence.start + offset)),
            (sn, end_p, _integer(sentence.end + offset)),
        ]
    return out


def _time_triples(doc: Document, d: str, times: Timeline, identities: dict[EntityKey, str]) -> list[Triple]:
    """Event dates (plain triples, each reified with its evidence) and tenures (a post held per document and date)."""

    def _entity(key: EntityKey) -> str:
        return entity_term(key, identities.get(key, ""))

    out: list[Triple] = []
    evidence = _term("evidence")
    for dated in times.events:
        node = _entity(dated.event)
        sentence = f"<{sentence_iri(doc.id, dated.sentence)}>"
        for prop, value in (("startDate", dated.period.start), ("endDate", dated.period.end)):
            if value is None:
                continue
            p, o = _term(prop), _date(value)
            stmt = f"<{STATEMENT_NS}{digest(doc.id, str(dated.sentence), node[1:-1], p[1:-1], value)}>"
            out += [
                (node, p, o),
                (stmt, _A, _STATEMENT),
                (stmt, _SUBJECT, node),
                (stmt, _PREDICATE, p),
                (stmt, _OBJECT, o),
                (stmt, evidence, sentence),
                (stmt, _DERIVED_FROM, d),
            ]
    for tenure in times.tenures:
        node = f"<{TENURE_NS}{digest(doc.id, *tenure.person, *tenure.position, tenure.date or '')}>"
        out += [
            (node, _A, _term("Tenure")),
            (node, _term("holder"), _entity(tenure.person)),
            (node, _term("post"), _entity(tenure.position)),
            (node, _DERIVED_FROM, d),
        ]
        if tenure.organ is not None:
            out.append((node, _term("tenureIn"), _entity(tenure.organ)))
        if tenure.date is not None:
            out.append((node, _term("heldOn"), _date(tenure.date)))
        out += [(node, evidence, f"<{sentence_iri(doc.id, index)}>") for index in tenure.sentences]
    return out


def _quantity_iri(doc: Document, subject: EntityKey, q: Quantity, sentence: int) -> str:
    return QUANTITY_NS + digest(doc.id, str(sentence), *subject, str(q.value), q.counted, q.unit, str(q.at_least))


def _quantity_triples(node: str, q: Quantity) -> list[Triple]:
    out = [
        (node, _A, _term("Quantity")),
        (node, _term("value"), _integer(q.value)),
        (node, _term("atLeast"), f'"{"true" if q.at_least else "false"}"{_BOOLEAN}'),
        (node, _term("counted"), _zh(q.counted)),
    ]
    if q.unit:
        out.append((node, _term("unit"), _zh(q.unit)))
    return out


def entity_triples(table: EntityTable) -> Iterator[ox.Triple]:
    """Type, label, aliases and reference attributes of every entity, merged across documents."""
    for key in sorted(table.aliases):
        yield from _parse(entity_lines(table, key))


def referenced_types(doc: Document) -> list[Triple]:
    """The types of the nodes ``doc``'s triples point at that another document describes (for checking
    one document alone): the compilation a speech is part of."""
    if not doc.compilation:
        return []
    return [(f"<{_N(document_iri(doc.compilation)).value}>", _A, _term("Compilation"))]


def entity_types(summary: EntitySummary) -> list[Triple]:
    """The type triples of an entity as one document's summary of it gives them (a place's level too)."""
    node = entity_term((summary.type, summary.name), summary.anchor)
    out = [(node, _A, _term(summary.type))]
    if summary.type == "Place":
        level = PLACE_LEVELS.get(dict(summary.attrs).get("level", ""))
        if level:
            out.append((node, _A, _term(level)))
    return out


def entity_lines(table: EntityTable, key: IdentityKey) -> list[Triple]:
    """The merged description of one entity of ``table``: type, label, aliases, reference attributes."""
    type_, name, anchor = key
    node = entity_term((type_, name), anchor)
    out = [(node, _A, _term(type_))]
    attrs = table.attrs.get(key, {})
    level = PLACE_LEVELS.get(attrs.get("level", ""))
    if type_ == "Place" and level:
        out.append((node, _A, _term(level)))
    out.append((node, _LABEL, _zh(name)))
    out += [(node, _ALT_LABEL, _zh(alias)) for alias in sorted(table.aliases[key] - {name})]
    if "code" in attrs:
        out.append((node, _term("divisionCode"), literal(attrs["code"])))
    if key not in table.mentioned:
        out.append((node, _term("referenceSource"), literal(attrs.get("source", "gazetteer"))))
    return out


def _parse(triples: list[Triple]) -> list[ox.Triple]:
    return list(ox.parse(ntriples(triples), format=ox.RdfFormat.N_TRIPLES))  # type: ignore[arg-type]


@cache
def ontology_store() -> ox.Store:
    """ontology/cppcc.ttl in a pyoxigraph store (read once per process); exporters take labels from it."""
    from kg.errors import ConfigError
    from kg.vocab import ONTOLOGY_FILE

    store = ox.Store()
    try:
        store.bulk_load(path=str(ONTOLOGY_FILE), format=ox.RdfFormat.TURTLE)
    except (OSError, SyntaxError) as exc:
        raise ConfigError(f"cannot read the ontology {ONTOLOGY_FILE}: {exc}; reinstall cppcc-kg") from exc
    return store


def select(store: ox.Store, query: str) -> list[list[str]]:
    """Run a SELECT query (kg.vocab.PREFIXES predeclared); each row's values as strings, "" when unbound."""
    solutions = store.query(query, prefixes=PREFIXES)
    if isinstance(solutions, (ox.QueryBoolean, ox.QueryTriples)):
        raise TypeError(f"expected a SELECT query, got {type(solutions).__name__}: {query[:80]}")
    return [[term.value if term is not None else "" for term in row] for row in solutions]  # type: ignore[union-attr]


def sorted_triples(store: ox.Store) -> Iterator[ox.Triple]:
    """The default graph of ``store`` in N-Triples line order: subjects in IRI order, each with its triples
    sorted. A stable, readable order, the same as the build's sorted N-Triples."""
    data = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
    assert data is not None  # no output file given: dump returns the bytes
    lines = sorted(set(data.splitlines(keepends=True)))
    yield from ox.parse(b"".join(lines), format=ox.RdfFormat.N_TRIPLES)  # type: ignore[misc]


def to_ntriples(triples: Iterable[ox.Triple]) -> bytes:
    """Triples as N-Triples bytes, the compact form sent from workers to the main process."""
    data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
    assert data is not None  # no output file given: serialize returns the bytes
    return data
