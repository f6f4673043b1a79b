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
first finds documents, sentences, asserted relations and quantities, the second places each line), with the
named graphs grouped in memory up to a bound of bytes, then appended to a file on disk graph by graph and
copied out in order: nothing is sorted, and no RDF library holds the graph. TriG is the same quads
re-serialised.
"""

from __future__ import annotations

import marshal
import shutil
from array import array
from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from kg.export.graphfile import GraphFile, iri
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
    """What the second pass needs to know from elsewhere in the graph (the first pass): the documents, each
    sentence's document, the documents giving evidence for each asserted triple and for each statement's
    object, and the quantities. What a subject's own lines decide (a document's, sentence's, statement's or
    tenure's graphs) is not kept: it is written, with where the subject's lines end, to a file beside the
    output (``subjects``) that the second pass reads back in step, so memory holds only what one subject's
    lines point at elsewhere (a sentence's document, an asserted relation's documents), not every subject.

    Asserted triples are keyed by their N-Triples line (``s p o .\\n``, as pyoxigraph writes it), so the
    second pass looks a line up as it is read instead of splitting it into terms. Document terms are kept
    once (``_names``): a sentence's document is the same bytes object as every other sentence's of it."""

    def __init__(self, graph: GraphFile, subjects: BinaryIO) -> None:
        self.documents: set[bytes] = set()
        self.sentence_doc: dict[bytes, bytes] = {}
        relation_docs: dict[bytes, set[bytes]] = defaultdict(set)
        object_docs: dict[bytes, set[bytes]] = defaultdict(set)
        self.quantities: set[bytes] = set()
        self._names: dict[bytes, bytes] = {}
        self._subjects = subjects
        self._ends: list[int] = []
        self._wholes: list[tuple[bytes, ...] | None] = []
        current, prefix, start = b"", b"\0", 0
        values: dict[bytes, list[bytes]] = {}
        at = 0
        for line in graph.lines():
            if not line.startswith(prefix):
                if at:
                    self._subject(current, values, at, relation_docs, object_docs)
                current = line[: line.index(b" ")]
                prefix, start, values = current + b" ", len(current) + 1, {}
            at += len(line)
            p = line[start : line.index(b" ", start)]
            if p in _READ:
                o = line[start + len(p) + 1 :]
                values.setdefault(p, []).append(o[:-3] if o.endswith(b" .\n") else o[: o.rindex(b" .")])
        if at:
            self._subject(current, values, at, relation_docs, object_docs)
        self._flush()
        self.relation_docs: dict[bytes, tuple[bytes, ...]] = {line: tuple(docs) for line, docs in relation_docs.items()}
        self.object_docs: dict[bytes, tuple[bytes, ...]] = {obj: tuple(docs) for obj, docs in object_docs.items()}
        del self._names

    def _name(self, term: bytes) -> bytes:
        return self._names.setdefault(term, term)

    def _subject(self, s: bytes, values: dict[bytes, list[bytes]], end: int,
                 relation_docs: dict[bytes, set[bytes]], object_docs: dict[bytes, set[bytes]]) -> None:  # fmt: skip
        """Note what subject ``s`` (its lines end at ``end``) says about others, and which graphs hold it."""
        whole: tuple[bytes, ...] | None = None  # the documents whose graphs hold every line of s
        types = values.get(_TYPE)
        if types:
            if not _DOCUMENTS.isdisjoint(types):
                self.documents.add(s)
                whole = (self._name(s),)
            if _SENTENCE in types and _IS_PART_OF in values:
                doc = self.sentence_doc[s] = self._name(values[_IS_PART_OF][-1])
                if whole is None:
                    whole = (doc,)
            if _STATEMENT in types or _TENURE in types:
                docs = dict.fromkeys(map(self._name, values.get(_DERIVED_FROM, ())))
                if whole is None:
                    whole = tuple(docs)
                if _STATEMENT in types and _SUBJECT in values and _PREDICATE in values and _OBJECT in values:
                    obj = values[_OBJECT][-1]
                    relation_docs[b"%s %s %s .\n" % (values[_SUBJECT][-1], values[_PREDICATE][-1], obj)].update(docs)
                    object_docs[obj].update(docs)
            if _QUANTITY in types:
                self.quantities.add(s)
        self._ends.append(end)
        self._wholes.append(whole)
        if len(self._ends) >= 50_000:
            self._flush()

    def _flush(self) -> None:
        data = marshal.dumps((self._ends, self._wholes))
        self._subjects.write(len(data).to_bytes(8, "little") + data)
        self._ends, self._wholes = [], []

    def line_graphs(self, s: bytes, lines: list[bytes]) -> Iterator[tuple[bytes, Collection[bytes]]]:
        """Each line of subject ``s`` (one whose own lines do not decide its graphs) with the documents whose
        graphs hold it (none: the default graph): a mention of a document or of a sentence goes to that
        document's graph, an asserted triple to those of the documents giving evidence for it, a quantity's
        other lines to those of the statements whose object it is."""
        start = len(s) + 1
        mentioned, in_sentence = start + len(_MENTIONED_IN) + 1, start + len(_IN_SENTENCE) + 1
        documents, sentences, relations = self.documents, self.sentence_doc, self.relation_docs
        quantity = (self.object_docs.get(s) or ()) if s in self.quantities else ()
        for line in lines:
            key = line if line.endswith(b" .\n") else line[: line.rindex(b" .")] + b" .\n"
            docs: Collection[bytes] | None = None
            if key.startswith(_MENTIONED_IN, start) and key[mentioned - 1 : mentioned] == b" ":
                if key[mentioned:-3] in documents:
                    docs = (key[mentioned:-3],)
            elif key.startswith(_IN_SENTENCE, start) and key[in_sentence - 1 : in_sentence] == b" ":
                doc = sentences.get(key[in_sentence:-3])
                if doc is not None:
                    docs = (doc,)
            if docs is None:
                docs = relations.get(key)
                if docs is None:
                    docs = quantity
            yield line, docs


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
    subjects_path = dest.with_name(dest.name + ".subjects")
    try:
        with subjects_path.open("w+b") as subjects:
            sources = _Provenance(graph, subjects)
            subjects.seek(0)
            with (
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
                        parts: dict[bytes, list[bytes]] = defaultdict(list)
                        for line, docs in sources.line_graphs(text[: text.index(b" ")], text.splitlines(keepends=True)):
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
    finally:
        subjects_path.unlink(missing_ok=True)
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
        for name, blocks in self.graphs.items():
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
        with self.path.open("rb") as spilled:
            for name in sorted(self.runs):
                runs = self.runs[name]
                for i in range(0, len(runs), 2):
                    spilled.seek(runs[i])
                    left = runs[i + 1]
                    while left:
                        data = spilled.read(min(left, 1 << 22))
                        if not data:
                            raise OSError(f"{self.path} ended before the quads written to it")
                        out.write(data)
                        left -= len(data)


def copy_nquads(graph: GraphFile, dest: Path) -> None:
    """``dest`` holds the N-Quads of ``graph`` (made once per GraphFile, then copied)."""
    shutil.copyfile(graph.derived("nquads", nquads), dest)
