"""The RDF graph seen as a property graph: entity nodes with attributes, relation edges with evidence.

Shared by the exporters that are not RDF (HTML network, Neo4j/LadybugDB CSV, GraphML): they all draw
from ``property_graph(store)`` so they agree on what a node and an edge are.

    Node: iri, type (ontology class local name: CPPCCBody … Publication, Document, Quantity),
          label, aliases, documents [(doc iri, title)], sentences [evidence text], attrs {code, value, …;
          date for a document; startDate, endDate for a dated event}
    Edge: source iri, target iri, predicate (ontology property local name),
          sentences [evidence text], documents [doc iri], dates [ISO dates the documents give]

The edges of a graph read from a file are an EdgeList: a sequence that holds each edge as a number and
makes the Edge when it is read (most edges are mentions in documents, with no sentences, documents or
dates: as objects they were most of the graph's memory). Exporters read them in one pass where they can.
"""

from __future__ import annotations

from array import array
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import chain, product
from typing import overload

import pyoxigraph as ox

from kg.export.graphfile import GraphFile, iri, value
from kg.graph import select
from kg.model import ENTITY_TYPES
from kg.vocab import ONTOLOGY_NS, PREFIXES

ENTITY_RELATIONS = (
    "locatedIn within subOrganOf guidedBy runsPlatform adoptsMechanism consultsOn holdsEvent participatesIn "
    "holdsPosition positionIn leads visits accompanies praises speaksAt hasQuantity"
).split()
DOCUMENT_RELATIONS = ("speaker", "publishedIn", "mentionedIn")


@dataclass(slots=True)
class Node:
    iri: str
    type: str
    label: str
    aliases: list[str] = field(default_factory=list)
    documents: list[tuple[str, str]] = field(default_factory=list)
    sentences: list[str] = field(default_factory=list)
    attrs: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class Edge:
    source: str
    target: str
    predicate: str
    sentences: list[str] = field(default_factory=list)
    documents: list[str] = field(default_factory=list)
    dates: list[str] = field(default_factory=list)
    """When the documents say it held (ISO, any precision): each supporting statement's cppcc:onDate, else its
    document's date; for holdsPosition the tenures' heldOn; for an edge to or from a document, its date."""


class EdgeList(Sequence[Edge]):
    """A property graph's edges in their order, held compactly: each edge is one number (its source,
    predicate and target, numbered in order) in an array, and only the edges with sentences, documents or
    dates keep those (most edges are a mention in a document, with none of them). An Edge is made each time
    one is read: a new object, so changing it changes nothing here. Equal to a list of the same edges."""

    def __init__(self, ends: Sequence[str], predicates: Sequence[str], keys: Iterable[int],
                 lists: dict[int, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]]) -> None:
        self._ends = ends
        """node IRIs, numbered in IRI order"""
        self._predicates = predicates
        """predicate names, numbered in name order"""
        self._keys = array("q", keys)
        """(source × len(predicates) + predicate) × len(ends) + target, sorted: the edges' order"""
        self._lists = lists
        """key -> sentences, documents and dates, for the edges that have any"""

    def _edge(self, key: int) -> Edge:
        ends = self._ends
        rest, target = divmod(key, len(ends))
        source, predicate = divmod(rest, len(self._predicates))
        lists = self._lists.get(key)
        if lists is None:
            return Edge(ends[source], ends[target], self._predicates[predicate])
        return Edge(ends[source], ends[target], self._predicates[predicate], list(lists[0]), list(lists[1]), list(lists[2]))

    def lists(self) -> Iterator[tuple[Sequence[str], Sequence[str], Sequence[str]]]:
        """The sentences, documents and dates of the edges that have any (``edge_lists``), in no set order."""
        return iter(self._lists.values())

    def __len__(self) -> int:
        return len(self._keys)

    @overload
    def __getitem__(self, index: int) -> Edge: ...

    @overload
    def __getitem__(self, index: slice) -> list[Edge]: ...

    def __getitem__(self, index: int | slice) -> Edge | list[Edge]:
        if isinstance(index, slice):
            return list(self._edges(self._keys[index]))
        return self._edge(self._keys[index])

    def __iter__(self) -> Iterator[Edge]:
        return self._edges(self._keys)

    def _edges(self, keys: Iterable[int]) -> Iterator[Edge]:
        """``map(self._edge, keys)``, a third faster: the hot loop of every exporter that reads the edges."""
        ends, predicates, get, count, names = self._ends, self._predicates, self._lists.get, len(self._ends), len(self._predicates)
        for key in keys:
            rest, target = divmod(key, count)
            source, predicate = divmod(rest, names)
            lists = get(key)
            if lists is None:
                yield Edge(ends[source], ends[target], predicates[predicate], [], [], [])
            else:
                yield Edge(ends[source], ends[target], predicates[predicate], list(lists[0]), list(lists[1]), list(lists[2]))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence) or isinstance(other, str | bytes):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other))

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"EdgeList({list(self)!r})"


def edge_lists(edges: Sequence[Edge]) -> Iterator[tuple[Sequence[str], Sequence[str], Sequence[str]]]:
    """The (sentences, documents, dates) of every edge that has any, in no set order: what a search through
    all the edges' values needs, without making each edge of an EdgeList."""
    if isinstance(edges, EdgeList):
        return edges.lists()
    return ((e.sentences, e.documents, e.dates) for e in edges)


@dataclass
class PropertyGraph:
    nodes: list[Node]
    edges: Sequence[Edge]
    """a list, or (graph_of_lines) an EdgeList"""
    stats: dict[str, int] = field(default_factory=dict)
    """Whole-graph counts from the graph's VoID description when it has one (``triples``, ``entities``,
    ``classes``, ``properties``, ``documents``); empty otherwise."""

    def to_networkx(self, join: Callable[[Iterable[str]], str] = "\n".join) -> object:
        """A networkx.MultiDiGraph with the same nodes, edges and attributes.

        List attributes (aliases, documents, sentences) become one string each, made by ``join``: lines by
        default; the GraphML export passes ``json.dumps`` of the list so values with newlines survive.
        """
        import networkx as nx

        g = nx.MultiDiGraph()
        for n in self.nodes:
            g.add_node(
                n.iri,
                type=n.type,
                label=n.label,
                aliases=join(n.aliases),
                documents=join([d for d, _ in n.documents]),
                sentences=join(n.sentences),
                **n.attrs,
            )
        for e in self.edges:
            g.add_edge(
                e.source,
                e.target,
                key=e.predicate,
                predicate=e.predicate,
                sentences=join(e.sentences),
                documents=join(e.documents),
                dates=join(e.dates),
            )
        return g


def property_graph(
    source: ox.Store | GraphFile, *, include_documents: bool = True, max_sentences: int = 20
) -> PropertyGraph:
    """Project the built graph (a store, or a build's sorted N-Triples file) to nodes and edges, in a stable
    order (by IRI). A GraphFile makes it once and shares it with every exporter that asks."""
    if isinstance(source, GraphFile):
        return source.property_graph(include_documents=include_documents, max_sentences=max_sentences)
    with GraphFile.of_store(source) as file:
        return graph_of_lines(file, include_documents=include_documents, max_sentences=max_sentences)


def graph_of_lines(file: GraphFile, *, include_documents: bool = True, max_sentences: int = 20) -> PropertyGraph:
    """The property graph of a sorted N-Triples file in one pass.

    Nodes are the subjects typed with an entity class, cppcc:Quantity or (``include_documents``)
    cppcc:Document/Compilation; a node's label is its rdfs:label, else its dcterms:title. Edges are the
    triples of ENTITY_RELATIONS (and DOCUMENT_RELATIONS) between two nodes, with the evidence sentences and
    documents of the statements reifying them and the dates those give (cppcc:onDate, else the document's
    dcterms:date; a tenure's heldOn for holdsPosition; the date of a document at either end).

    Memory: what is read is folded in as it is read and kept as compact as the output allows. A subject's
    values (a statement, tenure, quantity) are joined when the subject ends, not kept; a term kept many
    times (a document, a sentence, an edge's ends) is one object (``terms``); the joins keep lists, not
    sets, and deduplicate when the edges are made. In a build's graph every sentence comes before the
    statements citing it (``…/sentence/`` sorts before ``…/stmt/``); a statement citing a sentence whose
    text is not read yet waits for the end of the file (``deferred``), so any sorted file gives the same graph.
    """
    kinds = {_cppcc(t): t for t in ENTITY_TYPES} | {_cppcc("Quantity"): "Quantity"}
    if include_documents:
        kinds |= {_cppcc("Document"): "Document", _cppcc("Compilation"): "Document"}
    wanted = {_cppcc(p): p for p in ENTITY_RELATIONS + (list(DOCUMENT_RELATIONS) if include_documents else [])}
    names = sorted(wanted.values())
    wanted.pop(_MENTIONED_IN, None)  # those edges are made from ``mentions`` (most edges: not kept twice)
    kind_of: dict[bytes, str] = {}
    labels: dict[bytes, str] = {}
    titles: dict[bytes, str] = {}
    aliases: dict[bytes, list[str]] = defaultdict(list)
    mentions: dict[bytes, list[bytes]] = defaultdict(list)  # subject -> documents it is mentionedIn
    in_sentences: dict[bytes, list[bytes]] = defaultdict(list)  # subject -> sentences it is mentionedInSentence
    attrs: dict[bytes, dict[str, str]] = defaultdict(dict)
    dated: dict[bytes, str] = {}
    starts: dict[bytes, list[str]] = defaultdict(list)
    ends: dict[bytes, list[str]] = defaultdict(list)
    texts: dict[bytes, bytes] = {}
    terms: dict[bytes, bytes] = {}  # one object per term kept many times
    quantity: dict[bytes, tuple[dict[str, str], str]] = {}  # a quantity's attrs and label
    triples: list[tuple[bytes, str, bytes]] = []
    stats: dict[str, int] = {}
    local: dict[bytes, str] = {}  # a statement's rdf:predicate -> ontology local name
    dates: dict[_Key, list[str]] = defaultdict(list)
    date_docs: dict[_Key, list[bytes]] = defaultdict(list)  # a statement without cppcc:onDate: its documents' dates
    evidence: dict[_Key, tuple[list[bytes], list[bytes]]] = {}  # sentence texts and documents
    deferred: list[dict[bytes, list[bytes]]] = []

    def term(t: bytes) -> bytes:
        return terms.setdefault(t, t)

    def statement(values: dict[bytes, list[bytes]]) -> None:
        """Every (subject, predicate, object, document) of a statement (a SPARQL join), with its evidence."""
        if not (_SUBJECT in values and _PREDICATE in values and _OBJECT in values and _DERIVED_FROM in values):
            return
        on = list(map(value, values.get(_ON_DATE, ())))  # else the document's date
        on_dates = [date for date in on if date]
        said = [texts[sn] for sn in values.get(_EVIDENCE, ()) if sn in texts]
        docs = [term(d) for d in values[_DERIVED_FROM]]
        for s, p, o in product(values[_SUBJECT], values[_PREDICATE], values[_OBJECT]):
            name = local.get(p)
            if name is None:
                name = local[p] = value(p).removeprefix(ONTOLOGY_NS)
            key = (term(s), name, term(o))
            if p != _HOLDS_POSITION:
                if on:
                    if on_dates:
                        dates[key].extend(on_dates)
                else:
                    date_docs[key].extend(docs)
            if said:
                found = evidence.get(key)
                if found is None:
                    found = evidence[key] = ([], [])
                found[0].extend(said)
                found[1].extend(docs)

    def flush(s: bytes, values: dict[bytes, list[bytes]]) -> None:
        """A subject whose values are kept together (a statement, tenure, quantity, VoID dataset)."""
        types = values.get(_TYPE, ())
        if _STATEMENT in types:
            if all(sn in texts for sn in values.get(_EVIDENCE, ())):
                statement(values)
            else:
                deferred.append(values)
        if _TENURE in types:
            for h, post, held in _product(values, _HOLDER, _POST, _HELD_ON):
                dates[(term(h), "holdsPosition", term(post))].append(value(held))
        if _QUANTITY in types:
            unit = value(values[_UNIT][0]) if _UNIT in values else ""
            for number in values.get(_VALUE, ()):
                for at_least in values.get(_AT_LEAST, ()):
                    for counted in values.get(_COUNTED, ()):
                        v, a, c = value(number), value(at_least), value(counted)
                        quantity[s] = ({"value": v, "atLeast": a, "counted": c, "unit": unit},
                                       f"{v}{'余' if a == 'true' else ''}{unit}{c}")
        if _VOID_DATASET in types:
            for name in _VOID_COUNTS:
                counts = [int(n) for n in map(value, values.get(iri(_VOID + name), ())) if n.isdigit()]
                if counts:
                    stats[name] = max(stats.get(name, 0), *counts)

    current = b""
    kept: dict[bytes, list[bytes]] = {}
    for line in file.lines():  # one line at a time; the hot loop of every property-graph export
        s, p, o = line.split(b" ", 2)
        if s != current:
            if kept:
                flush(current, kept)
                kept = {}
            current = s
        s = current  # one object per subject
        relation = wanted.get(p)
        if relation is not None:
            triples.append((s, relation, term(o[:-3])))
        code = _CODES.get(p)
        if code is None:
            continue
        o = o[:-3]
        if code == _KEEP:
            kept.setdefault(p, []).append(o)
            if p == _TYPE and o in kinds:
                kind_of[s] = kinds[o]
        elif code == _C_TEXT:
            texts[term(s)] = o
        elif code == _C_MENTIONED_IN:
            mentions[s].append(term(o))
        elif code == _C_IN_SENTENCE:
            in_sentences[s].append(term(o))
        elif code == _C_ALT_LABEL:
            aliases[s].append(value(o))
        elif code == _C_LABEL:
            labels.setdefault(s, value(o))
        elif code == _C_TITLE:
            titles.setdefault(s, value(o))
        elif code == _C_DATE:
            dated.setdefault(s, value(o))
        elif code == _C_START:
            starts[s].append(value(o))
        elif code == _C_END:
            ends[s].append(value(o))
        elif code == _C_CODE:
            attrs[s]["code"] = value(o)
        elif code == _C_REFERENCE_SOURCE:
            attrs[s]["referenceSource"] = value(o)
    if kept:
        flush(current, kept)
    for values in deferred:
        statement(values)
    for key, docs in date_docs.items():
        dates[key].extend(dated[d] for d in docs if dated.get(d))
    deferred.clear()  # what was read is freed once joined
    terms.clear()
    date_docs.clear()

    nodes = {s: Node(value(s), kind, labels.get(s, titles.get(s, ""))) for s, kind in kind_of.items()}
    decoded: dict[bytes, str] = {}

    def text(t: bytes) -> str:  # a sentence's text, or a document's IRI, decoded once
        found = decoded.get(t)
        if found is None:
            found = decoded[t] = value(t)
        return found

    entries: dict[bytes, tuple[str, str]] = {}

    def document(d: bytes) -> tuple[str, str]:  # one (IRI, title) tuple per document, shared by every node it mentions
        found = entries.get(d)
        if found is None:
            found = entries[d] = (text(d), titles.get(d, ""))
        return found

    for s, node in nodes.items():
        node.aliases = sorted(aliases.get(s, ()))
        node.attrs.update(attrs.get(s, {}))
        node.documents = sorted([document(d) for d in mentions.get(s, ())])
        said = [texts[sn] for sn in in_sentences.pop(s, ()) if sn in texts]  # freed as the nodes take their sentences
        node.sentences = sorted({text(t) for t in said})[:max_sentences]
    in_sentences.clear()
    texts.clear()
    for s, (numbers, label) in quantity.items():
        nodes[s].attrs.update(numbers)
        nodes[s].label = label
    for folded in (quantity, labels, aliases, attrs, kind_of):  # in the nodes now: freed before the edges are made
        folded.clear()
    doc_dates = {s: date for s, date in dated.items() if s in nodes}
    for s, date in doc_dates.items():
        nodes[s].attrs.setdefault("date", date)
    for s, first in starts.items():
        if first and s in nodes:  # an event named in several documents: the earliest start and the latest end they give
            nodes[s].attrs.update(startDate=min(first), endDate=max(ends.get(s) or first))

    ordered = sorted(nodes, key=lambda s: nodes[s].iri)
    number = {s: i for i, s in enumerate(ordered)}
    named = {name: i for i, name in enumerate(names)}
    keys = []
    lists: dict[int, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {}
    nothing: tuple[list[bytes], list[bytes]] = ([], [])
    no_dates: list[str] = []
    mentioned = ((s, "mentionedIn", d) for s, docs in mentions.items() for d in docs) if include_documents else ()
    for s, predicate, o in chain(triples, mentioned):
        if s not in number or o not in number:
            continue
        key = (s, predicate, o)
        sentences_of, docs_of = evidence.pop(key, nothing)  # each edge is read once: its joins are freed as
        when = set(dates.pop(key, no_dates))  # the edges' own lists are made, so the two are not held at once
        if s in doc_dates or o in doc_dates:
            when |= {doc_dates[d] for d in (s, o) if d in doc_dates}
        keys.append((number[s] * len(names) + named[predicate]) * len(ordered) + number[o])  # EdgeList's key
        if sentences_of or docs_of or when:
            lists[keys[-1]] = (
                tuple(sorted(set(map(text, sentences_of)))[:max_sentences]), tuple(sorted(map(text, set(docs_of)))), tuple(sorted(when)),
            )
    triples.clear()
    mentions.clear()
    keys.sort()
    return PropertyGraph([nodes[s] for s in ordered], EdgeList([nodes[s].iri for s in ordered], names, keys, lists), stats)


_Key = tuple[bytes, str, bytes]
"""An edge as the property graph joins it: (subject term, predicate local name, object term)."""


def _cppcc(local: str) -> bytes:
    return iri(ONTOLOGY_NS + local)


def _product(values: dict[bytes, list[bytes]], *predicates: bytes) -> Iterator[tuple[bytes, ...]]:
    """Every combination of one value per predicate (a SPARQL join of a subject's values); none when one is missing."""
    return product(*(values.get(p, ()) for p in predicates))


_VOID = "http://rdfs.org/ns/void#"
_VOID_DATASET = iri(_VOID + "Dataset")
_VOID_COUNTS = ("triples", "entities", "classes", "properties", "documents", "distinctSubjects")
_TYPE = iri(PREFIXES["rdf"] + "type")
_LABEL, _ALT_LABEL = iri(PREFIXES["rdfs"] + "label"), iri(PREFIXES["skos"] + "altLabel")
_TITLE, _DATE = iri(PREFIXES["dcterms"] + "title"), iri(PREFIXES["dcterms"] + "date")
_STATEMENT = iri(PREFIXES["rdf"] + "Statement")
_SUBJECT, _PREDICATE, _OBJECT = (iri(PREFIXES["rdf"] + n) for n in ("subject", "predicate", "object"))
_DERIVED_FROM = iri(PREFIXES["prov"] + "wasDerivedFrom")
_MENTIONED_IN, _IN_SENTENCE, _TEXT = _cppcc("mentionedIn"), _cppcc("mentionedInSentence"), _cppcc("text")
_CODE, _REFERENCE_SOURCE = _cppcc("divisionCode"), _cppcc("referenceSource")
_START_DATE, _END_DATE, _ON_DATE = _cppcc("startDate"), _cppcc("endDate"), _cppcc("onDate")
_EVIDENCE, _HOLDS_POSITION = _cppcc("evidence"), _cppcc("holdsPosition")
_TENURE, _HOLDER, _POST, _HELD_ON = _cppcc("Tenure"), _cppcc("holder"), _cppcc("post"), _cppcc("heldOn")
_QUANTITY, _VALUE, _AT_LEAST = _cppcc("Quantity"), _cppcc("value"), _cppcc("atLeast")
_COUNTED, _UNIT = _cppcc("counted"), _cppcc("unit")
_KEEP, _C_TEXT, _C_MENTIONED_IN, _C_IN_SENTENCE, _C_ALT_LABEL, _C_LABEL, _C_TITLE = range(7)
_C_DATE, _C_START, _C_END, _C_CODE, _C_REFERENCE_SOURCE = range(7, 12)
_CODES = {
    _TEXT: _C_TEXT, _MENTIONED_IN: _C_MENTIONED_IN, _IN_SENTENCE: _C_IN_SENTENCE, _ALT_LABEL: _C_ALT_LABEL,
    _LABEL: _C_LABEL, _TITLE: _C_TITLE, _DATE: _C_DATE, _START_DATE: _C_START, _END_DATE: _C_END, _CODE: _C_CODE,
    _REFERENCE_SOURCE: _C_REFERENCE_SOURCE,
} | dict.fromkeys(
    (_TYPE, _SUBJECT, _PREDICATE, _OBJECT, _DERIVED_FROM, _EVIDENCE, _ON_DATE, _HOLDER, _POST, _HELD_ON, _VALUE,
     _AT_LEAST, _COUNTED, _UNIT, *(iri(_VOID + name) for name in _VOID_COUNTS)), _KEEP,
)
"""What the property graph reads of each predicate: kept with the subject's other values (_KEEP), or one field."""


def void_stats(store: ox.Store) -> dict[str, int]:
    """The whole-graph counts a VoID description in the graph states (``void:triples``, ``void:entities``,
    ``void:classes``, ``void:properties``, ``void:documents`` of a ``void:Dataset``); empty when it has none."""
    stats: dict[str, int] = {}
    for name in _VOID_COUNTS:
        for row in select(store, f"SELECT ?n WHERE {{ ?d a <{_VOID}Dataset> ; <{_VOID}{name}> ?n }} ORDER BY DESC(?n) LIMIT 1"):
            if row[0].isdigit():
                stats[name] = int(row[0])
    return stats
