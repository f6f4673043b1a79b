"""Very long documents are extracted in bounded windows (kg.extract.windows): the same answers, linear time."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from kg import graph
from kg.extract import extract_document, extract_text
from kg.extract.windows import WINDOW, cut_points, extract_in_windows, renumbered, windows
from kg.model import Document
from kg.nlp import split_sentences
from kg.pipeline import build_to
from kg.settings import Settings

PARAGRAPHS = [
    "成都市政协搭建“有事来协商”平台，推动协商议事向基层延伸。",
    "双流区政协主席张三率队到彭镇调研院坝协商工作。",
    "郫都区政协围绕垃圾分类开展小微协商，委员工作室收集群众意见40余条。",
]


def long_document(copies: int) -> Document:
    text = "\n\n".join(PARAGRAPHS[i % len(PARAGRAPHS)] for i in range(copies))
    return Document(id="long", source="long.txt", text=text, norm=text, title="长文")


def test_cut_points_cover_the_text_in_bounded_windows_at_paragraph_breaks() -> None:
    text = long_document(60).norm
    spans = cut_points(text, 300)
    assert spans[0][0] == 0 and spans[-1][1] == len(text)
    assert all(a == b for (_, a), (b, _) in zip(spans, spans[1:]))
    assert all(0 < end - start <= 300 for start, end in spans)
    assert all(text[end - 2 : end] == "\n\n" for _, end in spans[:-1])


def test_a_text_without_breaks_is_cut_after_sentences_or_anywhere() -> None:
    assert [e for _, e in cut_points("协商。" * 50, 40)][:2] == [39, 78]
    assert cut_points("政" * 100, 40) == [(0, 40), (40, 80), (80, 100)]


def test_windows_give_what_each_paragraph_gives_with_whole_document_offsets() -> None:
    doc = long_document(12)
    merged = extract_in_windows(doc, lambda window: extract_document(window), size=120)
    assert merged.document is doc
    assert merged.sentences == split_sentences(doc.norm)
    for entity in merged.entities:
        for m in entity.mentions:
            assert doc.norm[m.start : m.end] == m.text
            sentence = merged.sentences[m.sentence]
            assert sentence.start <= m.start < m.end <= sentence.end
    for relation in merged.relations:
        assert relation.sentence < len(merged.sentences)
    alone = {e.key for paragraph in PARAGRAPHS for e in extract_text(paragraph).entities}
    assert {e.key for e in merged.entities} == alone
    keys = [e.key for e in merged.entities]
    assert len(keys) == len(set(keys))



def test_window_jobs_give_the_graph_of_the_windowed_extraction() -> None:
    doc = long_document(12)
    whole = set(graph.document_triples(extract_in_windows(doc, extract_document, size=120)))
    parts: set[object] = set()
    for window in windows(doc, 120):
        part = renumbered(extract_document(window.doc), window.sentence_base)
        parts |= set(graph.document_triples(part, offset=window.start))
    assert parts == whole


def test_a_long_document_builds_across_workers_with_whole_document_offsets(tmp_path: Path) -> None:
    text = "\n\n".join(PARAGRAPHS[i % len(PARAGRAPHS)] + f"第{i}段。" for i in range(1400))
    assert len(text) > 2 * WINDOW
    (tmp_path / "long.txt").write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    report = build_to([tmp_path / "long.txt"], out, formats=["turtle"], settings=Settings(workers=2, validate=False), progress=False)
    assert report.documents == 1
    store = ox.Store()
    store.bulk_load(path=str(out / "cppcc.ttl"), format=ox.RdfFormat.TURTLE)
    rows = list(store.query(
        "SELECT ?i ?s ?e ?t WHERE { ?x cppcc:sentenceIndex ?i ; cppcc:startOffset ?s ; cppcc:endOffset ?e ; cppcc:text ?t }",
        prefixes={"cppcc": "https://w3id.org/cppcc-kg/ontology#"},
    ))
    assert len(rows) > 1000
    sentences = split_sentences(text)
    for row in rows:
        index, start, end = (int(row[k].value) for k in ("i", "s", "e"))
        assert text[start:end] == row["t"].value == sentences[index].text
