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
each graph's triples in N-Triples line order (subject by subject, as in the Turtle).

``nquads(graph)`` makes the N-Quads file from the build's sorted N-Triples in two streaming passes (the
first finds documents, sentences, statements and quantities, the second places each line), with the named
graphs sorted in bounded chunks on disk (kg.sortedlines): no RDF library holds the graph. TriG is the same
quads re-serialised.
"""

from __future__ import annotations

import shutil
from collections import defaultdict
from pathlib import Path

from kg.export.graphfile import GraphFile, iri, split
from kg.sortedlines import SortedLines
from kg.vocab import ONTOLOGY_NS, PREFIXES

_TYPE = iri(PREFIXES["rdf"] + "type")
_STATEMENT = iri(PREFIXES["rdf"] + "Statement")
_PARTS = tuple(iri(PREFIXES["rdf"] + n) for n in ("subject", "predicate", "object"))
_IS_PART_OF = iri(PREFIXES["dcterms"] + "isPartOf")
_DERIVED_FROM = iri(PREFIXES["prov"] + "wasDerivedFrom")
_DOCUMENTS = {iri(ONTOLOGY_NS + "Document"), iri(ONTOLOGY_NS + "Compilation")}
_SENTENCE, _TENURE, _QUANTITY = (iri(ONTOLOGY_NS + c) for c in ("Sentence", "Tenure", "Quantity"))
_MENTIONED_IN, _IN_SENTENCE = iri(ONTOLOGY_NS + "mentionedIn"), iri(ONTOLOGY_NS + "mentionedInSentence")
_READ = {_TYPE, _IS_PART_OF, _DERIVED_FROM, *_PARTS}


class _Provenance:
    """Where the lines of a graph come from: its documents, each sentence's document, the documents each
    statement or tenure is derived from, the documents giving evidence for each asserted triple and for
    each statement's object, and the quantities (the first pass)."""

    def __init__(self, graph: GraphFile) -> None:
        self.documents: set[bytes] = set()
        self.sentence_doc: dict[bytes, bytes] = {}
        self.statement_docs: dict[bytes, set[bytes]] = {}
        self.relation_docs: dict[tuple[bytes, bytes, bytes], set[bytes]] = defaultdict(set)
        self.object_docs: dict[bytes, set[bytes]] = defaultdict(set)
        self.quantities: set[bytes] = set()
        current = b""
        values: dict[bytes, list[bytes]] = {}
        for line in graph.lines():
            s, p, o = split(line)
            if s != current:
                self._subject(current, values)
                current, values = s, {}
            if p in _READ:
                values.setdefault(p, []).append(o)
        self._subject(current, values)

    def _subject(self, s: bytes, values: dict[bytes, list[bytes]]) -> None:
        types = values.get(_TYPE, ())
        if not types:
            return
        if any(t in _DOCUMENTS for t in types):
            self.documents.add(s)
        if _SENTENCE in types and _IS_PART_OF in values:
            self.sentence_doc[s] = values[_IS_PART_OF][-1]
        if _STATEMENT in types or _TENURE in types:
            docs = self.statement_docs[s] = set(values.get(_DERIVED_FROM, ()))
            if _STATEMENT in types and all(p in values for p in _PARTS):
                subject, predicate, obj = (values[p][-1] for p in _PARTS)
                self.relation_docs[(subject, predicate, obj)] |= docs
                self.object_docs[obj] |= docs
        if _QUANTITY in types:
            self.quantities.add(s)

    def subject_graphs(self, s: bytes) -> set[bytes] | None:
        """The documents whose graphs hold every triple of subject ``s`` (a document, sentence, statement or
        tenure), None when that depends on the triple."""
        if s in self.documents:
            return {s}
        if s in self.sentence_doc:
            return {self.sentence_doc[s]}
        if s in self.statement_docs:
            return self.statement_docs[s]
        return None

    def graphs(self, s: bytes, p: bytes, o: bytes) -> set[bytes] | frozenset[bytes]:
        """The documents whose graphs hold the triple (none: the default graph)."""
        whole = self.subject_graphs(s)
        if whole is not None:
            return whole
        if p == _MENTIONED_IN and o in self.documents:
            return {o}
        if p == _IN_SENTENCE and o in self.sentence_doc:
            return {self.sentence_doc[o]}
        found = self.relation_docs.get((s, p, o))
        if found is not None:
            return found
        if s in self.quantities and self.object_docs.get(s):
            return self.object_docs[s]
        return frozenset()


def nquads(graph: GraphFile, dest: Path) -> Path:
    """Write ``graph`` as N-Quads to ``dest``: the default graph first, then each document's graph.

    The named graphs are sorted on disk a subject's lines at a time (a record holds the graph's name and
    the lines of one subject that go there, joined by U+0001, which N-Triples escapes wherever it occurs):
    a subject's lines stay together in line order, so sorting records sorts lines."""
    sources = _Provenance(graph)
    named = dest.with_name(dest.name + ".named")
    with dest.open("wb") as out:
        with SortedLines(named) as records:
            batch: list[bytes] = []
            for s, lines in graph.blocks():
                whole = sources.subject_graphs(s)
                if whole is not None:  # a document, sentence, statement or tenure: the block goes whole
                    joined = b"\1".join(line[:-1] for line in lines) + b"\n"
                    batch.extend(doc[1:-1] + b"\0" + joined for doc in whole)
                    if not whole:
                        out.writelines(lines)
                else:
                    parts: dict[bytes, list[bytes]] = defaultdict(list)
                    for line in lines:
                        _, p, o = split(line)
                        docs = sources.graphs(s, p, o)
                        if not docs:
                            out.write(line)
                        for doc in docs:
                            parts[doc].append(line[:-1])
                    batch.extend(doc[1:-1] + b"\0" + b"\1".join(part) + b"\n" for doc, part in parts.items())
                if len(batch) >= 5_000:
                    records.add_lines(batch)
                    batch = []
            records.add_lines(batch)
        with named.open("rb") as fh:
            for record in fh:  # "name NUL line U+0001 line …": each " ." at a line's end gets the graph's name
                name, _, joined = record.partition(b"\0")
                end = b" <" + name + b"> .\n"
                out.write(joined[:-3].replace(b" .\1", end) + end)
    named.unlink()
    return dest


def copy_nquads(graph: GraphFile, dest: Path) -> None:
    """``dest`` holds the N-Quads of ``graph`` (made once per GraphFile, then copied)."""
    shutil.copyfile(graph.derived("nquads", nquads), dest)
