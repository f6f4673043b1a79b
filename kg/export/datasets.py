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
graphs grouped in memory up to a bound, then sorted in chunks on disk (kg.sortedlines): no RDF library
holds the graph. TriG is the same quads re-serialised.
"""

from __future__ import annotations

import shutil
from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from kg.export.graphfile import GraphFile, iri
from kg.sortedlines import SortedLines
from kg.vocab import ONTOLOGY_NS, PREFIXES

_TYPE = iri(PREFIXES["rdf"] + "type")
_STATEMENT = iri(PREFIXES["rdf"] + "Statement")
_SUBJECT, _PREDICATE, _OBJECT = (iri(PREFIXES["rdf"] + n) for n in ("subject", "predicate", "object"))
_IS_PART_OF = iri(PREFIXES["dcterms"] + "isPartOf")
_DERIVED_FROM = iri(PREFIXES["prov"] + "wasDerivedFrom")
_DOCUMENTS = {iri(ONTOLOGY_NS + "Document"), iri(ONTOLOGY_NS + "Compilation")}
_SENTENCE, _TENURE, _QUANTITY = (iri(ONTOLOGY_NS + c) for c in ("Sentence", "Tenure", "Quantity"))
_MENTIONED_IN, _IN_SENTENCE = iri(ONTOLOGY_NS + "mentionedIn"), iri(ONTOLOGY_NS + "mentionedInSentence")
_READ = {_TYPE, _IS_PART_OF, _DERIVED_FROM, _SUBJECT, _PREDICATE, _OBJECT}


class _Provenance:
    """Where the lines of a graph come from: its documents, each sentence's document, the documents each
    statement or tenure is derived from, the documents giving evidence for each asserted triple and for
    each statement's object, and the quantities (the first pass).

    Asserted triples are keyed by their N-Triples line (``s p o .\\n``, as pyoxigraph writes it), and the
    mention lines that go to one document's graph by their text after the subject (``p o .\\n``), so the
    second pass looks a line up as it is read instead of splitting it into terms."""

    def __init__(self, graph: GraphFile) -> None:
        self.documents: set[bytes] = set()
        self.sentence_doc: dict[bytes, bytes] = {}
        self.statement_docs: dict[bytes, set[bytes]] = {}
        self.relation_docs: dict[bytes, set[bytes]] = defaultdict(set)
        self.object_docs: dict[bytes, set[bytes]] = defaultdict(set)
        self.quantities: set[bytes] = set()
        self.ends: list[int] = []
        """where each subject's lines end in the file, in the file's order"""
        current, prefix = b"", b"\0"
        values: dict[bytes, list[bytes]] = {}
        at = 0
        for line in graph.lines():
            if not line.startswith(prefix):
                if at:
                    self.ends.append(at)
                self._subject(current, values)
                current, values = line[: line.index(b" ")], {}
                prefix = current + b" "
            at += len(line)
            _, p, o = line.split(b" ", 2)
            if p in _READ:
                values.setdefault(p, []).append(o[:-3] if o.endswith(b" .\n") else o[: o.rindex(b" .")])
        if at:
            self.ends.append(at)
        self._subject(current, values)
        self.mention_docs: dict[bytes, tuple[bytes]] = {_MENTIONED_IN + b" " + d + b" .\n": (d,) for d in self.documents}
        """the text after the subject of a line ``mentionedIn doc .`` or ``mentionedInSentence sentence .`` -> the
        document whose graph holds it"""
        for sentence, doc in self.sentence_doc.items():
            self.mention_docs[_IN_SENTENCE + b" " + sentence + b" .\n"] = (doc,)

    def _subject(self, s: bytes, values: dict[bytes, list[bytes]]) -> None:
        types = values.get(_TYPE)
        if not types:
            return
        if not _DOCUMENTS.isdisjoint(types):
            self.documents.add(s)
        if _SENTENCE in types and _IS_PART_OF in values:
            self.sentence_doc[s] = values[_IS_PART_OF][-1]
        if _STATEMENT in types or _TENURE in types:
            docs = self.statement_docs[s] = set(values.get(_DERIVED_FROM, ()))
            if _STATEMENT in types and _SUBJECT in values and _PREDICATE in values and _OBJECT in values:
                obj = values[_OBJECT][-1]
                self.relation_docs[b"%s %s %s .\n" % (values[_SUBJECT][-1], values[_PREDICATE][-1], obj)] |= docs
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

    def line_graphs(self, s: bytes, lines: list[bytes]) -> Iterator[tuple[bytes, Collection[bytes]]]:
        """Each line of subject ``s`` (one that ``subject_graphs`` leaves to the triple) with the documents
        whose graphs hold it (none: the default graph)."""
        start = len(s) + 1
        mentions, relations = self.mention_docs, self.relation_docs
        quantity = (self.object_docs.get(s) or ()) if s in self.quantities else ()
        for line in lines:
            key = line if line.endswith(b" .\n") else line[: line.rindex(b" .")] + b" .\n"
            docs: Collection[bytes] | None = mentions.get(key[start:])
            if docs is None:
                docs = relations.get(key)
                if docs is None:
                    docs = quantity
            yield line, docs


def nquads(graph: GraphFile, dest: Path) -> Path:
    """Write ``graph`` as N-Quads to ``dest``: the default graph first, then each document's graph.

    The second pass reads the file a subject at a time (the first found where each subject's lines end):
    the default graph's lines are written as they are read; a subject's lines for a named graph are kept,
    as N-Quads, with that graph's others (kg.export.datasets._NamedGraphs)."""
    sources = _Provenance(graph)
    with dest.open("wb") as out, _NamedGraphs(dest.with_name(dest.name + ".named")) as named, graph.path.open("rb") as fh:
        default: list[bytes] = []  # lines of the default graph, written a batch at a time
        start = 0
        for end in sources.ends:
            text = fh.read(end - start)
            start = end
            s = text[: text.index(b" ")]
            whole = sources.subject_graphs(s)
            if whole is not None:  # a document, sentence, statement or tenure: the block goes whole
                if whole:
                    named.add_block(whole, text)
                else:
                    default.append(text)
            else:
                parts: dict[bytes, list[bytes]] = defaultdict(list)
                for line, docs in sources.line_graphs(s, text.splitlines(keepends=True)):
                    if not docs:
                        default.append(line)
                    for doc in docs:
                        parts[doc].append(line)
                for doc, part in parts.items():
                    named.add_block((doc,), b"".join(part))
            if len(default) >= 5_000:
                out.writelines(default)
                default = []
        out.writelines(default)
        named.write(out)
    return dest


BLOCKS_IN_MEMORY = 250_000
"""How many blocks of named-graph quads (a subject's lines for one graph) are kept in memory before they are
sorted on disk (tests make it small)."""


class _NamedGraphs:
    """The lines of the named graphs as N-Quads, each graph's in the order they are added, written graph
    by graph in the order of the graphs' IRIs.

    Up to BLOCKS_IN_MEMORY blocks (a subject's lines for one graph) are kept in memory, grouped by graph. Past
    that, blocks are sorted on disk (kg.sortedlines) as records "IRI NUL quad U+0001 quad …" (U+0001:
    N-Triples escapes it wherever it occurs): blocks are added in the sorted file's order (subject by
    subject), so sorting records puts each graph's blocks together in that order."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.limit = BLOCKS_IN_MEMORY
        self.graphs: dict[bytes, list[bytes]] = defaultdict(list)  # graph IRI (no <>) -> its blocks' quads
        self.kept = 0
        self.records: SortedLines | None = None

    def __enter__(self) -> _NamedGraphs:
        return self

    def __exit__(self, kind: object, *_: object) -> None:
        if self.records is not None:
            self.records.__exit__(kind, None, None)  # removes its chunks whatever happened
            self.records = None
        self.path.unlink(missing_ok=True)

    def add_block(self, docs: Iterable[bytes], text: bytes) -> None:
        """``text``: N-Triples lines of one subject, each in the graph of every document term in ``docs``."""
        for doc in docs:
            name = doc[1:-1]
            self.graphs[name].append(text.replace(b" .\n", b" <" + name + b"> .\n"))
            self.kept += 1
        if self.kept >= self.limit:
            self._spill()

    def _spill(self) -> None:
        if self.records is None:
            self.records = SortedLines(self.path)
        self.records.add_lines([name + b"\0" + quads[:-1].replace(b"\n", b"\1") + b"\n"
                                for name, blocks in self.graphs.items() for quads in blocks])  # fmt: skip
        self.graphs.clear()
        self.kept = 0

    def write(self, out: BinaryIO) -> None:
        """Write every graph's quads to ``out``."""
        if self.records is None:
            for name in sorted(self.graphs):
                out.writelines(self.graphs[name])
            return
        self._spill()
        self.records.__exit__(None, None, None)  # writes the records sorted to self.path
        self.records = None
        with self.path.open("rb") as fh:
            for record in fh:
                out.write(record[record.index(b"\0") + 1 : -1].replace(b"\1", b"\n") + b"\n")


def copy_nquads(graph: GraphFile, dest: Path) -> None:
    """``dest`` holds the N-Quads of ``graph`` (made once per GraphFile, then copied)."""
    shutil.copyfile(graph.derived("nquads", nquads), dest)
