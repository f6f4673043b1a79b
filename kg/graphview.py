"""The RDF graph seen as a property graph: entity nodes with attributes, relation edges with evidence.

Shared by the exporters that are not RDF (HTML network, Neo4j/LadybugDB CSV, GraphML): they all draw
from ``property_graph(store)`` so they agree on what a node and an edge are.

    Node: iri, type (ontology class local name: CPPCCBody … Publication, Document, Quantity),
          label, aliases, documents [(doc iri, title)], sentences [evidence text], attrs {code, value, …;
          date for a document; startDate, endDate for a dated event}
    Edge: source iri, target iri, predicate (ontology property local name),
          sentences [evidence text], documents [doc iri], dates [ISO dates the documents give]
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import pyoxigraph as ox

from kg.graph import select
from kg.model import ENTITY_TYPES
from kg.vocab import ONTOLOGY_NS

ENTITY_RELATIONS = (
    "locatedIn within subOrganOf guidedBy runsPlatform adoptsMechanism consultsOn holdsEvent participatesIn "
    "holdsPosition positionIn leads visits accompanies praises speaksAt hasQuantity"
).split()
DOCUMENT_RELATIONS = ("speaker", "publishedIn", "mentionedIn")


@dataclass
class Node:
    iri: str
    type: str
    label: str
    aliases: list[str] = field(default_factory=list)
    documents: list[tuple[str, str]] = field(default_factory=list)
    sentences: list[str] = field(default_factory=list)
    attrs: dict[str, str] = field(default_factory=dict)


@dataclass
class Edge:
    source: str
    target: str
    predicate: str
    sentences: list[str] = field(default_factory=list)
    documents: list[str] = field(default_factory=list)
    dates: list[str] = field(default_factory=list)
    """When the documents say it held (ISO, any precision): each supporting statement's cppcc:onDate, else its
    document's date; for holdsPosition the tenures' heldOn; for an edge to or from a document, its date."""


@dataclass
class PropertyGraph:
    nodes: list[Node]
    edges: list[Edge]
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


def property_graph(store: ox.Store, *, include_documents: bool = True, max_sentences: int = 20) -> PropertyGraph:
    """Project the built graph in ``store`` to nodes and edges, in a stable order (by IRI)."""

    def rows(query: str) -> list[list[str]]:
        return select(store, query)

    types = {f"cppcc:{t}" for t in ENTITY_TYPES}
    kinds = " ".join(sorted(types | ({"cppcc:Document", "cppcc:Compilation"} if include_documents else set()) | {"cppcc:Quantity"}))
    nodes: dict[str, Node] = {}
    for iri, cls, label in rows(
        f"SELECT ?s ?c (COALESCE(?l, ?t, '') AS ?name) WHERE {{ VALUES ?c {{ {kinds} }} ?s a ?c ."
        " OPTIONAL { ?s rdfs:label ?l } OPTIONAL { ?s dcterms:title ?t } }"
    ):
        kind = cls.removeprefix(ONTOLOGY_NS)
        nodes[iri] = Node(iri, "Document" if kind == "Compilation" else kind, label)

    for iri, alias in rows("SELECT ?s ?a WHERE { ?s skos:altLabel ?a }"):
        if iri in nodes:
            nodes[iri].aliases.append(alias)
    titles = dict(rows("SELECT ?d ?t WHERE { ?d dcterms:title ?t }"))
    for iri, doc in rows("SELECT ?s ?d WHERE { ?s cppcc:mentionedIn ?d }"):
        if iri in nodes:
            nodes[iri].documents.append((doc, titles.get(doc, "")))
    for iri, text in rows("SELECT ?s ?x WHERE { ?s cppcc:mentionedInSentence ?sn . ?sn cppcc:text ?x }"):
        if iri in nodes:
            nodes[iri].sentences.append(text)
    for iri, code in rows("SELECT ?s ?c WHERE { ?s cppcc:divisionCode ?c }"):
        nodes[iri].attrs["code"] = code
    for iri, value, at_least, counted, unit in rows(
        "SELECT ?q ?v ?a ?c ?u WHERE { ?q a cppcc:Quantity ; cppcc:value ?v ; cppcc:atLeast ?a ; cppcc:counted ?c . OPTIONAL { ?q cppcc:unit ?u } }"
    ):
        node = nodes[iri]
        node.attrs.update(value=value, atLeast=at_least, counted=counted, unit=unit)
        node.label = f"{value}{'余' if at_least == 'true' else ''}{unit}{counted}"
    for iri, source in rows("SELECT ?s ?r WHERE { ?s cppcc:referenceSource ?r }"):
        nodes[iri].attrs["referenceSource"] = source
    doc_dates: dict[str, str] = {}
    for iri, date in rows("SELECT ?d ?v WHERE { ?d dcterms:date ?v }"):
        if iri in nodes:
            nodes[iri].attrs.setdefault("date", date)
            doc_dates.setdefault(iri, date)
    for iri, first, last in rows(
        "SELECT ?e (MIN(STR(?b)) AS ?first) (MAX(STR(COALESCE(?f, ?b))) AS ?last) WHERE { ?e cppcc:startDate ?b ."
        " OPTIONAL { ?e cppcc:endDate ?f } } GROUP BY ?e"
    ):
        if iri in nodes:  # an event named in several documents: the earliest start and the latest end they give
            nodes[iri].attrs.update(startDate=first, endDate=last)
    dates: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    for s, p, o, date in rows(
        "SELECT ?s ?p ?o (COALESCE(?on, ?written) AS ?date) WHERE { ?st a rdf:Statement ; rdf:subject ?s ;"
        " rdf:predicate ?p ; rdf:object ?o ; prov:wasDerivedFrom ?d . FILTER(?p != cppcc:holdsPosition)"
        " OPTIONAL { ?st cppcc:onDate ?on } OPTIONAL { ?d dcterms:date ?written } }"
    ):
        if date:
            dates[(s, p.removeprefix(ONTOLOGY_NS), o)].add(date)
    for s, o, date in rows("SELECT ?h ?p ?on WHERE { ?t a cppcc:Tenure ; cppcc:holder ?h ; cppcc:post ?p ; cppcc:heldOn ?on }"):
        dates[(s, "holdsPosition", o)].add(date)

    evidence: dict[tuple[str, str, str], tuple[list[str], list[str]]] = defaultdict(lambda: ([], []))
    for s, p, o, text, doc in rows(
        "SELECT ?s ?p ?o ?x ?d WHERE { ?st a rdf:Statement ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ;"
        " cppcc:evidence ?sn ; prov:wasDerivedFrom ?d . ?sn cppcc:text ?x }"
    ):
        texts, docs = evidence[(s, p.removeprefix(ONTOLOGY_NS), o)]
        texts.append(text)
        docs.append(doc)
    wanted = ENTITY_RELATIONS + (list(DOCUMENT_RELATIONS) if include_documents else [])
    values = " ".join(f"cppcc:{p}" for p in wanted)
    edges = []
    for s, p, o in rows(f"SELECT ?s ?p ?o WHERE {{ VALUES ?p {{ {values} }} ?s ?p ?o }}"):
        if s not in nodes or o not in nodes:
            continue
        predicate = p.removeprefix(ONTOLOGY_NS)
        texts, docs = evidence.get((s, predicate, o), ([], []))
        when = dates.get((s, predicate, o), set()) | {doc_dates[d] for d in (s, o) if d in doc_dates}
        edges.append(Edge(s, o, predicate, sorted(set(texts))[:max_sentences], sorted(set(docs)), sorted(when)))

    for node in nodes.values():
        node.aliases.sort()
        node.documents.sort()
        node.sentences = sorted(set(node.sentences))[:max_sentences]
    edges.sort(key=lambda e: (e.source, e.predicate, e.target))
    return PropertyGraph([nodes[k] for k in sorted(nodes)], edges, void_stats(store))


_VOID = "http://rdfs.org/ns/void#"


def void_stats(store: ox.Store) -> dict[str, int]:
    """The whole-graph counts a VoID description in the graph states (``void:triples``, ``void:entities``,
    ``void:classes``, ``void:properties``, ``void:documents`` of a ``void:Dataset``); empty when it has none."""
    stats: dict[str, int] = {}
    for name in ("triples", "entities", "classes", "properties", "documents", "distinctSubjects"):
        for row in select(store, f"SELECT ?n WHERE {{ ?d a <{_VOID}Dataset> ; <{_VOID}{name}> ?n }} ORDER BY DESC(?n) LIMIT 1"):
            if row[0].isdigit():
                stats[name] = int(row[0])
    return stats
