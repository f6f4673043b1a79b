"""The graph as an RDF dataset with one named graph per document, for provenance.

Design (see README, "Exports"):

* the **default graph** holds what no single document says: the merged entity descriptions (type, label,
  aliases, division code, reference source) and relations that come from reference data (no evidence);
* the graph named ``doc:<id>`` holds what that document gave: the document's own description (type,
  title, date, source file, speaker, publication, isPartOf), its mentions (``mentionedIn doc:<id>``,
  ``mentionedInSentence``), its evidence sentences, its reified statements and tenures, the quantities it
  counted, and every asserted relation (and event date) it gave evidence for. A relation several documents support appears in
  each of their graphs (the same triple; the union of all graphs is exactly the built graph).

The quads come out in a stable order: the default graph first, then the named graphs in IRI order,
each graph subject by subject (``kg.graph.sorted_triples``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import Any

import pyoxigraph as ox

from kg.graph import DERIVED_FROM, IS_PART_OF, OBJECT, PREDICATE, STATEMENT, SUBJECT, A, sorted_triples, term

Term = Any  # a pyoxigraph term, used as a dictionary key


def document_quads(store: ox.Store) -> Iterator[ox.Quad]:
    """Every triple of ``store``'s default graph placed in the graph(s) of the document(s) it came from."""
    default = ox.DefaultGraph()

    def objects(predicate: ox.NamedNode, obj: ox.NamedNode | None = None) -> Iterator[ox.Quad]:
        return store.quads_for_pattern(None, predicate, obj, default)

    documents = {q.subject for c in ("Document", "Compilation") for q in objects(A, term(c))}
    sentences = {q.subject for q in objects(A, term("Sentence"))}
    statements = {q.subject for q in objects(A, STATEMENT)}
    derived = statements | {q.subject for q in objects(A, term("Tenure"))}
    sentence_doc: dict[Term, Term] = {q.subject: q.object for q in objects(IS_PART_OF) if q.subject in sentences}
    statement_docs: dict[Term, set[Term]] = defaultdict(set)
    for q in objects(DERIVED_FROM):
        if q.subject in derived:
            statement_docs[q.subject].add(q.object)

    parts: dict[Term, dict[Term, Term]] = defaultdict(dict)
    for predicate in (SUBJECT, PREDICATE, OBJECT):
        for q in objects(predicate):
            if q.subject in statements:
                parts[q.subject][predicate] = q.object
    relation_docs: dict[tuple[Term, Term, Term], set[Term]] = defaultdict(set)
    object_docs: dict[Term, set[Term]] = defaultdict(set)
    for stmt, spo in parts.items():
        if len(spo) == 3:
            key = (spo[SUBJECT], spo[PREDICATE], spo[OBJECT])
            relation_docs[key] |= statement_docs[stmt]
            object_docs[spo[OBJECT]] |= statement_docs[stmt]
    quantities = {q.subject for q in objects(A, term("Quantity"))}
    mentioned_in, in_sentence = term("mentionedIn"), term("mentionedInSentence")

    named: dict[str, list[ox.Triple]] = defaultdict(list)
    for t in sorted_triples(store):
        s, p, o = t.subject, t.predicate, t.object
        if s in documents:
            graphs: set[Term] = {s}
        elif s in sentence_doc:
            graphs = {sentence_doc[s]}
        elif s in statement_docs:
            graphs = statement_docs[s]
        elif p == mentioned_in and o in documents:
            graphs = {o}
        elif p == in_sentence and o in sentence_doc:
            graphs = {sentence_doc[o]}
        elif (s, p, o) in relation_docs:
            graphs = relation_docs[(s, p, o)]
        elif s in quantities and s in object_docs:
            graphs = object_docs[s]
        else:
            graphs = set()
        if not graphs:
            yield ox.Quad(s, p, o, default)
        for g in graphs:
            named[g.value].append(t)
    for name in sorted(named):
        graph = ox.NamedNode(name)
        for t in named[name]:
            yield ox.Quad(t.subject, t.predicate, t.object, graph)
