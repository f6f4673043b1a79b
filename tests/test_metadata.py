"""Tests for kg.extract.metadata: entities a document names about itself (speaker, publication, 来源)."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.evaluate import evaluate
from kg.extract.metadata import SOURCE, metadata_entities
from kg.ingest import read_documents, simplify
from kg.model import Document

BODY = "5月20日，威远县政协在严陵镇开展小微协商活动。县政协副主席周晓红出席。\n"


def _doc(text: str = BODY, **meta: str) -> Document:
    return Document(id="t", source="t", text=text, norm=simplify(text), **meta)  # type: ignore[arg-type]


CASES = [
    # (metadata fields, expected (type, name, aliases) entities)
    ({"source_org": "县政协办公室"}, {("CPPCCBody", "威远县政协办公室", frozenset({"县政协办公室"}))}),
    ({"source_org": "威远县委统战部"},
     {("PartyGovOrgan", "威远县委统战部", frozenset()), ("Place", "威远县", frozenset())}),
    ({"source_org": "内江市政协"}, {("CPPCCBody", "内江市政协", frozenset()), ("Place", "内江市", frozenset())}),
    ({"publication": "威远政协网"}, {("Publication", "威远政协网", frozenset())}),
    ({"speaker": "资阳市政协"}, {("CPPCCBody", "资阳市政协", frozenset()), ("Place", "资阳市", frozenset())}),
    ({}, set()),
]


@pytest.mark.parametrize("meta, expected", CASES)
def test_metadata_entities(meta: dict[str, str], expected: set) -> None:
    found = metadata_entities(_doc(**meta))
    assert {(e.type, e.name, frozenset(e.aliases)) for e in found} == expected
    assert all(e.attrs["source"] == SOURCE and not e.mentions for e in found)


def test_short_form_stays_when_the_text_never_says_which() -> None:
    [entity] = metadata_entities(_doc("今年以来开展协商活动23次。\n", source_org="县政协办公室"))
    assert (entity.type, entity.name) == ("CPPCCBody", "县政协办公室")


def test_metadata_of_a_web_page(tmp_path: Path) -> None:
    path = tmp_path / "page.txt"
    path.write_text(
        "威远政协网\n首页 | 政协动态 | 协商议政 | 基层协商\n发布时间：2024-05-21 来源：县政协办公室\n"
        + BODY + "版权所有：中国人民政治协商会议威远县委员会办公室\n",
        encoding="utf-8",
    )
    [doc] = read_documents(path)
    names = {(e.type, e.name) for e in metadata_entities(doc)}
    assert names == {("CPPCCBody", "威远县政协办公室"), ("Publication", "威远政协网")}


def test_evaluate_counts_metadata_entities(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Entities without mentions count in evaluation only when they come from the metadata."""
    import kg.extract as extract

    (tmp_path / "x.txt").write_text("威远政协网\n首页 | 政协动态 | 协商议政 | 基层协商\n" + BODY, encoding="utf-8")
    (tmp_path / "x.gold.json").write_text(
        '{"doc": "x", "entities": [{"name": "威远政协网", "type": "Publication", "aliases": []}]}', encoding="utf-8"
    )
    original = extract.extract_document

    def wired(doc, settings=None):  # type: ignore[no-untyped-def]
        result = original(doc, settings)
        result.entities.extend(metadata_entities(doc))
        return result

    monkeypatch.setattr(extract, "extract_document", wired)
    assert evaluate([tmp_path]).by_type["Publication"].tp == 1
