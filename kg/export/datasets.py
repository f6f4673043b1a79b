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
first finds documents, asserted relations and quantities, and joins mentions to their sentences' documents
by sorting on disk, the second places each line), with the named graphs grouped in memory up to a bound of
bytes, then appended to a file on disk graph by graph and copied out in order: no RDF library holds the
graph, and memory does not hold every sentence or subject. TriG is the same quads re-serialised.
"""

from __future__ import annotations

import marshal
import os
import shutil
from array import array
from collections import defaultdict
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from kg.export.graphfile import GraphFile, iri
from kg.filecopy import append_range
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


MENTIONS_IN_MEMORY = 250_000
"""How many mentions in a sentence are sorted in memory at a time before they are merged on disk (tests make
it small)."""

JOIN_FROM_BYTES = 256 << 20
"""From how large a graph file (bytes of N-Triples) the mentions in a sentence are joined to the sentences'
documents on disk rather than looked up in a map of every sentence (at most 25 MB below it; 50 MB of text
make 1.3 GB of N-Triples and 290,000 sentences; tests make it 0 to take the other way)."""


class _Provenance:
    """What the second pass needs to know from elsewhere in the graph (the first pass): the documents, the
    document of the sentence each mention names, the documents giving evidence for each asserted triple and
    for each statement's object, and the quantities.

    What a subject's own lines decide (a document's, sentence's, statement's or tenure's graphs) is not
    kept: it is written, with where the subject's lines end, to a work file (``<dest>.subjects``) that the
    second pass reads back in step. Below JOIN_FROM_BYTES each sentence's document is kept in a map;
    from there it is not: the sentences (in the file's order, so sorted) go to ``<dest>.sentences``, the
    mentions in a sentence are numbered in the file's order and sorted by sentence on disk
    (kg.sortedlines), and the two are merged (a join by sort) into the document of each numbered mention
    (``mention_docs``: 4 bytes a mention), read in the same order by the second pass. Memory holds what one
    subject's lines point at elsewhere (an asserted relation's documents) and the documents, not every
    sentence or subject.

    Asserted triples are keyed by their N-Triples line (``s p o .\\n``, as pyoxigraph writes it), and the
    mentions by their text after the subject (``p o .\\n``), so the second pass looks a line up as it is
    read instead of splitting it into terms. Document terms are kept once (``_names``)."""

    def __init__(self, graph: GraphFile, work: Path) -> None:
        self.documents: set[bytes] = set()
        relation_docs: dict[bytes, set[bytes]] = defaultdict(set)
        object_docs: dict[bytes, set[bytes]] = defaultdict(set)
        self.quantities: set[bytes] = set()
        self.joined = graph.path.stat().st_size >= JOIN_FROM_BYTES
        """whether mentions in a sentence are joined on disk (``mention_docs``), not kept in ``mentions``"""
        sentence_doc: dict[bytes, bytes] = {}
        self._names: dict[bytes, bytes] = {}
        self.subjects = work.with_name(work.name + ".subjects")
        sentences, mentions = work.with_name(work.name + ".sentences"), work.with_name(work.name + ".mentions")
        self._ends: list[int] = []
        self._wholes: list[tuple[bytes, ...] | None] = []
        self._mentions = 0  # mentions in a sentence numbered so far (first pass), then read (second pass)
        read = _READ | {_IN_SENTENCE} if self.joined else _READ
        current, prefix = b"", b"\0"
        values: dict[bytes, list[bytes]] = {}
        at = 0
        try:
            with (
                self.subjects.open("wb") as self._subjects_out,
                sentences.open("wb") as self._sentences_out,
                SortedLines(mentions, MENTIONS_IN_MEMORY) as self._mentions_out,
                graph.path.open("rb") as lines,
            ):
                for line in lines:
                    if not line.startswith(prefix):
                        if at:
                            self._subject(current, values, at, relation_docs, object_docs, sentence_doc)
                        current = line[: line.index(b" ")]
                        prefix, values = current + b" ", {}
                    at += len(line)
                    _, p, o = line.split(b" ", 2)
                    if p in read:
                        values.setdefault(p, []).append(o[:-3] if o.endswith(b" .\n") else o[: o.rindex(b" .")])
                if at:
                    self._subject(current, values, at, relation_docs, object_docs, sentence_doc)
                self._flush()
            self.relation_docs = {line: tuple(docs) for line, docs in relation_docs.items()}
            self.object_docs = {obj: tuple(docs) for obj, docs in object_docs.items()}
            del relation_docs, object_docs
            self.doc_terms: list[bytes] = [b""]
            """the document term of each number in mention_docs (0: none)"""
            self.mention_docs = self._join(sentences, mentions) if self.joined else array("I")
            self.mentions = {_MENTIONED_IN + b" " + d + b" .\n": d for d in self.documents}
            """the text after the subject of a line ``mentionedIn doc .`` (or, not joined, ``mentionedInSentence
            sentence .``) -> the document whose graph holds it"""
            for sentence, doc in sentence_doc.items():
                self.mentions[_IN_SENTENCE + b" " + sentence + b" .\n"] = doc
            del sentence_doc
            self._mentions = 0
        except BaseException:
            self.subjects.unlink(missing_ok=True)
            raise
        finally:
            sentences.unlink(missing_ok=True)
            mentions.unlink(missing_ok=True)
        del self._names

    def _subject(self, s: bytes, values: dict[bytes, list[bytes]], end: int, relation_docs: dict[bytes, set[bytes]],
                 object_docs: dict[bytes, set[bytes]], sentence_doc: dict[bytes, bytes]) -> None:  # fmt: skip
        """Note what subject ``s`` (its lines end at ``end``) says about others, and which graphs hold it."""
        whole: tuple[bytes, ...] | None = None  # the documents whose graphs hold every line of s
        types = values.get(_TYPE)
        if types:
            names = self._names
            if not _DOCUMENTS.isdisjoint(types):
                self.documents.add(s)
                whole = (s,)
            if _SENTENCE in types and _IS_PART_OF in values:
                doc = names.setdefault(values[_IS_PART_OF][-1], values[_IS_PART_OF][-1])
                if self.joined:
                    self._sentences_out.write(s + b"\0" + doc + b"\n")
                else:
                    sentence_doc[s] = doc
                if whole is None:
                    whole = (doc,)
            if _STATEMENT in types or _TENURE in types:
                docs = {names.setdefault(d, d) for d in values.get(_DERIVED_FROM, ())}
                if whole is None:
                    whole = tuple(docs)  # in any order: each document's graph is written by itself
                if _STATEMENT in types and _SUBJECT in values and _PREDICATE in values and _OBJECT in values:
                    obj = values[_OBJECT][-1]
                    relation_docs[b"%s %s %s .\n" % (values[_SUBJECT][-1], values[_PREDICATE][-1], obj)].update(docs)
                    object_docs[obj].update(docs)
            if _QUANTITY in types:
                self.quantities.add(s)
        if whole is None and _IN_SENTENCE in values:  # joined: mentions the second pass looks up, numbered
            first = self._mentions
            sentences = values[_IN_SENTENCE]
            self._mentions += len(sentences)
            self._mentions_out.add_lines([b"%s\0%08x\n" % (o, n) for n, o in enumerate(sentences, first)])
        self._ends.append(end)
        self._wholes.append(whole)
        if len(self._ends) >= 50_000:
            self._flush()

    def _flush(self) -> None:
        data = marshal.dumps((self._ends, self._wholes))
        self._subjects_out.write(len(data).to_bytes(8, "little") + data)
        self._ends, self._wholes = [], []

    def _join(self, sentences: Path, mentions: Path) -> array[int]:
        """The document of each numbered mention (its number in ``doc_terms``, 0 for a mention of no
        sentence that is part of a document): the sentences, sorted, merged with the mentions sorted by
        sentence (``sentence NUL number``; NUL and the space after a subject sort before any byte of a
        term, so both files are in the order of the bare terms)."""
        found = array("I", bytes(4 * self._mentions))  # 0: none
        numbers: dict[bytes, int] = {}
        with sentences.open("rb") as facts, mentions.open("rb") as wanted:
            sentence, doc = b"", b""
            for record in wanted:
                term = record[:-10]
                while sentence < term:
                    fact = facts.readline()
                    if not fact:
                        return found
                    sentence, doc = fact[:-1].split(b"\0", 1)
                if sentence == term:
                    number = numbers.get(doc)
                    if number is None:
                        number = numbers[doc] = len(self.doc_terms)
                        self.doc_terms.append(doc)
                    found[int(record[-9:-1], 16)] = number
        return found

    def place(self, s: bytes, lines: list[bytes], default: list[bytes]) -> dict[bytes, list[bytes]]:
        """The lines of subject ``s`` (one whose own lines do not decide its graphs) for each document whose
        graph holds them; those of the default graph are added to ``default``. A mention of a document or of
        a sentence goes to that document's graph, an asserted triple to those of the documents giving
        evidence for it, a quantity's other lines to those of the statements whose object it is."""
        start = len(s) + 1
        in_sentence, length = _IN_SENTENCE + b" ", len(_IN_SENTENCE) + 1
        mentions, relations, joined = self.mentions, self.relation_docs, self.joined
        mention_docs, doc_terms, n = self.mention_docs, self.doc_terms, self._mentions
        quantity = (self.object_docs.get(s) or ()) if s in self.quantities else ()
        parts: dict[bytes, list[bytes]] = defaultdict(list)
        for line in lines:
            key = line if line.endswith(b" .\n") else line[: line.rindex(b" .")] + b" .\n"
            tail = key[start:]
            doc = mentions.get(tail)
            if doc is None and joined and tail[:length] == in_sentence:
                number = mention_docs[n]
                n += 1
                if number:
                    doc = doc_terms[number]
            if doc is not None:
                parts[doc].append(line)
                continue
            docs = relations.get(key)
            if docs is None:
                docs = quantity
            if not docs:
                default.append(line)
            for doc in docs:
                parts[doc].append(line)
        self._mentions = n
        return parts


def _subjects(records: BinaryIO) -> Iterator[tuple[int, tuple[bytes, ...] | None]]:
    """Read back what ``_Provenance`` wrote of each subject, in the file's order: where its lines end and
    the documents whose graphs hold them all (None: it depends on the line)."""
    while size := records.read(8):
        ends, wholes = marshal.loads(records.read(int.from_bytes(size, "little")))
        yield from zip(ends, wholes)


def nquads(graph: GraphFile, dest: Path) -> Path:
    """Write ``graph`` as N-Quads to ``dest``: the default graph first, then each document's graph.

    The second pass reads the file a subject at a time (the first noted where each subject's lines end):
    the default graph's lines are written as they are read; a subject's lines for a named graph are kept,
    as N-Quads, with that graph's others (kg.export.datasets._NamedGraphs)."""
    sources = _Provenance(graph, dest)
    try:
        with (
            sources.subjects.open("rb") as subjects,
            dest.open("wb") as out,
            _NamedGraphs(dest.with_name(dest.name + ".named")) as named,
            graph.path.open("rb") as fh,
        ):
            default: list[bytes] = []  # lines of the default graph, written a batch at a time
            start = 0
            for end, whole in _subjects(subjects):
                text = fh.read(end - start)
                start = end
                if whole is not None:  # a document, sentence, statement or tenure: the block goes whole
                    if whole:
                        named.add_block(whole, text)
                    else:
                        default.append(text)
                else:
                    parts = sources.place(text[: text.index(b" ")], text.splitlines(keepends=True), default)
                    for doc, part in parts.items():
                        named.add_block((doc,), b"".join(part))
                if len(default) >= 5_000:
                    out.writelines(default)
                    default = []
            out.writelines(default)
            named.write(out)
    finally:
        sources.subjects.unlink(missing_ok=True)
    return dest


BYTES_IN_MEMORY = 64 << 20
"""How many bytes of named-graph quads are kept in memory before they are written to disk (tests make it
small)."""


class _NamedGraphs:
    """The lines of the named graphs as N-Quads, each graph's in the order they are added, written graph
    by graph in the order of the graphs' IRIs.

    Up to BYTES_IN_MEMORY bytes of quads are kept in memory, grouped by graph. Past that, they are appended
    to a file beside the output, graph after graph, noting where each graph's run starts and how long it
    is; ``write`` copies each graph's runs in the order they were written (the order the lines were added),
    graph by graph. Nothing is sorted or compared: the time is that of writing the bytes twice, and memory
    holds the bound and two numbers per graph and run."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.limit = BYTES_IN_MEMORY
        self.graphs: dict[bytes, list[bytes]] = defaultdict(list)  # graph IRI (no <>) -> its blocks' quads
        self.kept = 0
        self.runs: dict[bytes, array[int]] = {}  # graph IRI -> (offset, length) of each run on disk
        self.file: BinaryIO | None = None
        self.size = 0

    def __enter__(self) -> _NamedGraphs:
        return self

    def __exit__(self, *_: object) -> None:
        if self.file is not None:
            self.file.close()
            self.file = None
        self.path.unlink(missing_ok=True)

    def add_block(self, docs: Iterable[bytes], text: bytes) -> None:
        """``text``: N-Triples lines of one subject, each in the graph of every document term in ``docs``."""
        for doc in docs:
            name = doc[1:-1]
            quads = text.replace(b" .\n", b" <" + name + b"> .\n")
            self.graphs[name].append(quads)
            self.kept += len(quads)
        if self.kept >= self.limit:
            self._spill()

    def _spill(self) -> None:
        if self.file is None:
            self.file = self.path.open("wb")
        for name in sorted(self.graphs):  # the runs of each write in the order write reads them
            blocks = self.graphs[name]
            length = sum(map(len, blocks))
            self.file.writelines(blocks)
            self.runs.setdefault(name, array("q")).extend((self.size, length))
            self.size += length
        self.graphs.clear()
        self.kept = 0

    def write(self, out: BinaryIO) -> None:
        """Write every graph's quads to ``out``."""
        if self.file is None:
            for name in sorted(self.graphs):
                out.writelines(self.graphs[name])
            return
        self._spill()
        self.file.close()
        self.file = None
        out.flush()
        with self.path.open("rb") as spilled:
            in_kernel = True  # until the kernel cannot copy between these files (kg.filecopy)
            for name in sorted(self.runs):
                runs = self.runs[name]
                for i in range(0, len(runs), 2):
                    in_kernel = append_range(spilled.fileno(), out.fileno(), runs[i], runs[i + 1], in_kernel)
        out.seek(0, os.SEEK_END)  # the writer's position after what was copied past it


def copy_nquads(graph: GraphFile, dest: Path) -> None:
    """``dest`` holds the N-Quads of ``graph`` (made once per GraphFile, then copied)."""
    shutil.copyfile(graph.derived("nquads", nquads), dest)
