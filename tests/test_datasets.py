"""kg.export.datasets: which named graph each line of the built graph goes to, and the order of the quads.

A hand-made graph lists each line with the graphs that must hold it (none: the default graph); the N-Quads
must be the default graph's lines in the file's order, then each document's graph in IRI order with its
lines in the file's order, whether the named graphs stay in memory or go to disk.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.export import datasets
from kg.export.graphfile import GraphFile
from kg.vocab import ONTOLOGY_NS, PREFIXES

RDF, PROV, DCT, ONT = PREFIXES["rdf"], PREFIXES["prov"], PREFIXES["dcterms"], ONTOLOGY_NS
D1, D2 = "<https://w3id.org/cppcc-kg/doc/d1>", "<https://w3id.org/cppcc-kg/doc/d2>"
A, B = "<https://w3id.org/cppcc-kg/id/Person/甲>", "<https://w3id.org/cppcc-kg/id/Place/乙>"
C = "<https://w3id.org/cppcc-kg/zz/丙>"  # after the statements in the file
Q1, Q2 = "<https://w3id.org/cppcc-kg/quantity/q1>", "<https://w3id.org/cppcc-kg/quantity/q2>"
S1, S2, S9 = ("<https://w3id.org/cppcc-kg/sentence/" + n + ">" for n in ("d1-s1", "d2-s1", "none"))
ST = ["<https://w3id.org/cppcc-kg/stmt/" + n + ">" for n in ("1", "2", "3", "4")]
TENURE = "<https://w3id.org/cppcc-kg/tenure/t1>"
TYPE, LABEL = f"<{RDF}type>", f"<{PREFIXES['rdfs']}label>"
DERIVED, PART_OF = f"<{PROV}wasDerivedFrom>", f"<{DCT}isPartOf>"
SUBJ, PRED, OBJ = (f"<{RDF}{n}>" for n in ("subject", "predicate", "object"))
RUNS, HAS_QUANTITY, LOCATED = f"<{ONT}runsPlatform>", f"<{ONT}hasQuantity>", f"<{ONT}locatedIn>"
MENTIONED, IN_SENTENCE = f"<{ONT}mentionedIn>", f"<{ONT}mentionedInSentence>"

LINES = [  # (subject, predicate, object) -> the documents whose graphs hold it (empty: the default graph)
    ((D1, TYPE, f"<{ONT}Document>"), {D1}),
    ((D1, f"<{DCT}title>", '"题 . 目\\n"@zh'), {D1}),  # " .\n" escaped inside a literal stays as it is
    ((D2, TYPE, f"<{ONT}Compilation>"), {D2}),
    ((A, LABEL, '"甲"@zh'), set()),  # an entity's description: the default graph
    ((A, MENTIONED, D1), {D1}),  # a mention of a document: that document's graph
    ((A, MENTIONED, B), set()),  # ... of something that is not a document: the default graph
    ((A, IN_SENTENCE, S1), {D1}),  # a mention in a sentence: the graph of the sentence's document
    ((A, IN_SENTENCE, S2), set()),  # ... of a sentence that is part of nothing
    ((A, IN_SENTENCE, S9), set()),  # ... of no sentence
    ((A, RUNS, B), {D1, D2}),  # asserted, with evidence from two documents: both graphs
    ((A, HAS_QUANTITY, Q1), {D2}),
    ((A, LOCATED, B), set()),  # asserted by a statement derived from no document
    ((B, RUNS, A), set()),  # not asserted by any statement
    ((B, IN_SENTENCE, S1), {D1}),  # mentions are looked up sorted by sentence: not in the file's order
    ((Q1, TYPE, f"<{ONT}Quantity>"), {D2}),  # a quantity: the graphs of the statements whose object it is
    ((Q1, f"<{ONT}value>", '"5"^^<http://www.w3.org/2001/XMLSchema#integer>'), {D2}),
    ((Q2, TYPE, f"<{ONT}Quantity>"), set()),  # ... of no statement
    ((S1, TYPE, f"<{ONT}Sentence>"), {D1}),
    ((S1, PART_OF, D1), {D1}),
    ((S1, f"<{ONT}text>", '"句"@zh'), {D1}),
    ((S2, TYPE, f"<{ONT}Sentence>"), set()),
    ((ST[0], TYPE, f"<{RDF}Statement>"), {D1}),
    ((ST[0], SUBJ, A), {D1}),
    ((ST[0], PRED, RUNS), {D1}),
    ((ST[0], OBJ, B), {D1}),
    ((ST[0], DERIVED, D1), {D1}),
    ((ST[0], f"<{ONT}evidence>", S1), {D1}),
    ((ST[0], IN_SENTENCE, S2), {D1}),  # a statement's line goes with the statement, whatever it names
    ((ST[1], TYPE, f"<{RDF}Statement>"), {D2}),
    ((ST[1], SUBJ, A), {D2}),
    ((ST[1], PRED, RUNS), {D2}),
    ((ST[1], OBJ, B), {D2}),
    ((ST[1], DERIVED, D2), {D2}),
    ((ST[2], TYPE, f"<{RDF}Statement>"), {D2}),
    ((ST[2], SUBJ, A), {D2}),
    ((ST[2], PRED, HAS_QUANTITY), {D2}),
    ((ST[2], OBJ, Q1), {D2}),
    ((ST[2], DERIVED, D2), {D2}),
    ((ST[3], TYPE, f"<{RDF}Statement>"), set()),  # a statement derived from no document: the default graph
    ((ST[3], SUBJ, A), set()),
    ((ST[3], PRED, LOCATED), set()),
    ((ST[3], OBJ, B), set()),
    ((TENURE, TYPE, f"<{ONT}Tenure>"), {D1, D2}),  # a tenure: the graphs of every document it is derived from
    ((TENURE, DERIVED, D1), {D1, D2}),
    ((TENURE, DERIVED, D2), {D1, D2}),
    ((C, IN_SENTENCE, S9), set()),
    ((C, IN_SENTENCE, S1), {D1}),
    ((C, LABEL, '"丙"@zh'), set()),
]


def expected_nquads() -> bytes:
    lines = sorted((" ".join(triple) + " .\n").encode() for triple, _ in LINES)
    graphs = {(" ".join(triple) + " .\n").encode(): docs for triple, docs in LINES}
    out = [line for line in lines if not graphs[line]]
    for doc in sorted({d for docs in graphs.values() for d in docs}):
        out += [line[:-3] + b" " + doc.encode() + b" .\n" for line in lines if doc in graphs[line]]
    return b"".join(out)


JOINED, MAPPED = 0, datasets.JOIN_FROM_BYTES  # mentions in a sentence joined on disk or looked up in a map


@pytest.mark.parametrize(
    ("in_memory", "mentions", "join_from"),
    [
        (1, 1, JOINED),
        (300, 2, JOINED),
        (datasets.BYTES_IN_MEMORY, datasets.MENTIONS_IN_MEMORY, JOINED),
        (1, 1, MAPPED),
        (datasets.BYTES_IN_MEMORY, datasets.MENTIONS_IN_MEMORY, MAPPED),
    ],
)
def test_each_line_goes_to_the_graphs_of_the_documents_it_comes_from(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, in_memory: int, mentions: int, join_from: int
) -> None:
    """Kept in memory or written to disk a block (or every few blocks) at a time, the same quads come out;
    and so they do whether the mentions in a sentence are joined to the sentences' documents on disk (sorted
    in memory or merged from several runs) or looked up in a map."""
    nt = tmp_path / "graph.nt"
    nt.write_bytes(b"".join(sorted((" ".join(triple) + " .\n").encode() for triple, _ in LINES)))
    monkeypatch.setattr(datasets, "BYTES_IN_MEMORY", in_memory)
    monkeypatch.setattr(datasets, "MENTIONS_IN_MEMORY", mentions)
    monkeypatch.setattr(datasets, "JOIN_FROM_BYTES", join_from)
    with GraphFile(nt) as built:
        written = datasets.nquads(built, tmp_path / "graph.nq")
    assert written.read_bytes() == expected_nquads()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["graph.nq", "graph.nt"]  # no work file left behind


def test_work_files_are_removed_when_the_export_fails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    nt = tmp_path / "graph.nt"
    nt.write_bytes(b"".join(sorted((" ".join(triple) + " .\n").encode() for triple, _ in LINES)))
    monkeypatch.setattr(datasets, "BYTES_IN_MEMORY", 1)

    def fail(*_: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(datasets._NamedGraphs, "write", fail)
    with GraphFile(nt) as built, pytest.raises(OSError, match="disk full"):
        datasets.nquads(built, tmp_path / "graph.nq")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["graph.nq", "graph.nt"]


@pytest.mark.parametrize("kernel", ["cannot copy between the files", "has no copy_file_range"])
def test_named_graphs_copied_by_reading_where_the_kernel_cannot_copy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kernel: str
) -> None:
    import errno
    import os

    nt = tmp_path / "graph.nt"
    nt.write_bytes(b"".join(sorted((" ".join(triple) + " .\n").encode() for triple, _ in LINES)))
    monkeypatch.setattr(datasets, "BYTES_IN_MEMORY", 300)
    calls = []
    if kernel == "has no copy_file_range":
        monkeypatch.delattr(os, "copy_file_range", raising=False)
    else:

        def cannot(*args: object) -> int:
            calls.append(args)
            raise OSError(errno.EXDEV, "Invalid cross-device link")

        monkeypatch.setattr(os, "copy_file_range", cannot)
    with GraphFile(nt) as built:
        written = datasets.nquads(built, tmp_path / "graph.nq")
    assert written.read_bytes() == expected_nquads()
    assert len(calls) == (1 if kernel == "cannot copy between the files" else 0)  # tried once, then read
