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


PAGE = (
    "溪口区人民政府门户网站\n"
    "首页 | 政务公开 | 政务服务 | 互动交流 | 走进溪口\n"
    "白鹭镇召开院坝协商会 议定老街排水改造\n"
    "当前位置：首页 > 政务动态 > 基层动态\n"
    "发布时间：2024-05-16 10:20　来源：溪口区融媒体中心\n\n"
    "5月15日，宜宾市溪口区政协在白鹭镇松林村召开院坝协商会，围绕老街排水改造开展协商。区政协副主席方明出席。\n\n"
    "【责任编辑：孟晓宇】\n"
    "相关新闻\n"
    "· 珙县政协：山乡坝坝会 议事暖人心\n"
    "· 区政协举行“有事来协商”工作观摩会\n"
    "主办单位：政协宜宾市溪口区委员会办公室　网站维护：某某信息技术有限公司\n"
)


def test_title_above_the_menus_and_not_the_top_bar(tmp_path: Path) -> None:
    """A portal's name on top is no title; a headline written above the breadcrumb is."""
    path = tmp_path / "page.txt"
    path.write_text(PAGE, encoding="utf-8")
    [doc] = read_documents(path)
    assert doc.title == "白鹭镇召开院坝协商会 议定老街排水改造"


def test_what_the_page_names_outside_the_article(tmp_path: Path) -> None:
    """Source and credit lines, link lists and footers give metadata entities; menus give none."""
    from kg.extract import extract_document

    path = tmp_path / "page.txt"
    path.write_text(PAGE, encoding="utf-8")
    [doc] = read_documents(path)
    found = {(e.type, e.name) for e in extract_document(doc).entities if e.attrs.get("source") == SOURCE}
    assert {
        ("Publication", "溪口区融媒体中心"),
        ("Person", "孟晓宇"),
        ("CPPCCBody", "珙县政协"),
        ("Place", "珙县"),
        ("Platform", "坝坝会"),
    } <= found
    assert not any(name in ("政务公开", "走进溪口") for _, name in found)


PUBLICATIONS = [
    # (text, publication) -- the ways reports name where they were published
    ("这一经验被《贵州政协报》、人民政协网转发。", "人民政协网"),
    ("获市政协《议政之声》专刊推广。", "议政之声"),
    ("典型案例被《浙江政协》刊登。", "浙江政协"),
    ("人民政协网杭州9月14日电（通讯员 丁一 记者 王梓）傍晚时分。", "人民政协网"),
    ("央广网遵义6月8日消息（记者 龙婧）。", "央广网"),
    ("中国青石网溪口讯 近日，委员们走进社区。", "中国青石网"),
    ("宁海新闻客户端对此进行了报道。", "宁海新闻客户端"),
    ("宁海县政协网站讯 近日，委员们走进社区。", "宁海县政协网站"),
    ("他编著的《宁海文史资料》出版发行。", "宁海文史资料"),
    ("他出版了诗集《山水吟》。", "山水吟"),
    ("《宁海县志》记载了此事。", "宁海县志"),
    ("此事被环球时报、参考消息报道。", "参考消息"),
    ("（遵义日报 2024年5月16日 记者 王丽娟）", "遵义日报"),
    ("2021-06-23 17:05 来源：新都区融媒体中心", "新都区融媒体中心"),
    ("2023年5月14日　星期日　澳门日报　A05　澳闻", "澳门日报"),
    ("（来源：溪口区政府门户网站）", "溪口区政府门户网站"),
    ("原创 江津政协 2023-05-06 18:00", "江津政协"),
    ("【文汇报记者广州二十日电】四位新委员亮相。", "文汇报"),
    ("据澳门日报报道，委员认为。", "澳门日报"),
    ("中新社澳门十二月十六日电 题：访谈", "中新社"),
    ("来源：大公报", "大公报"),
    ("遂宁日报、宜宾新闻网和南充电视台作了报道。", "宜宾新闻网"),
    ("阆中市融媒体中心记者到现场。", "阆中市融媒体中心"),
    ("工作经验在人民政协报刊发。", "人民政协报"),
    ("关注“江津政协”微信公众号。", "江津政协"),
    ("被学习强国、央视网转载。", "学习强国"),
    ("据星岛日报报道。", "星岛日报"),
    # a known outlet written with its place attached is named so, everywhere in the document
    ("香港大公報訊（記者 李華）港區委員昨日座談。大公報記者隨後採訪。", "香港大公报"),
    # whatever is cited as a report's source (据…报道) is an outlet, whatever its name ends in
    ("据江苏政协报道，委员们积极建言。", "江苏政协"),
    ("据明报消息，港区委员举行座谈。", "明报"),
    # a level word alone before 融媒体中心/电视台 is the document's place of that level, as in 县政协
    ("宣恩县政协联合县融媒体中心开设专栏。", "宣恩县融媒体中心"),
    ("绵竹市政协委员走进社区。市电视台记者随行采访。", "绵竹市电视台"),
]


@pytest.mark.parametrize(("text", "publication"), PUBLICATIONS)
def test_publications(text: str, publication: str) -> None:
    from kg.extract import extract_text

    assert ("Publication", publication) in {(e.type, e.name) for e in extract_text(text).entities}


@pytest.mark.parametrize(
    "text",
    ["听取“板凳夜话”推进情况汇报。", "县委常委会听取“有事来协商”专项汇报。", "5月20日，江津政协开展活动。", "成都新闻界人士参加。", "坚持实事求是。", "中国网民数量增长。", "各县融媒体中心负责人参加。", "据有关媒体报道，活动反响良好。"],
)
def test_no_publications(text: str) -> None:
    from kg.extract import extract_text

    assert not any(e.type == "Publication" for e in extract_text(text).entities)


def test_the_source_office_is_completed_with_the_footer_county(tmp_path: Path) -> None:
    path = tmp_path / "page.txt"
    path.write_text(
        "县政协举行协商议事会\n当前位置：首页 > 工作动态\n发布日期：2025-11-07　来源：县政协办公室\n\n"
        "11月5日，县政协在白鹭镇召开协商议事会。\n\n"
        "版权所有：中国人民政治协商会议宣恩县委员会　鄂ICP备12345678号-3\n",
        encoding="utf-8",
    )
    [doc] = read_documents(path)
    names = {(e.type, e.name) for e in metadata_entities(doc)}
    assert ("CPPCCBody", "宣恩县政协办公室") in names


def test_what_the_page_names_is_mentioned_in_the_document(tmp_path: Path) -> None:
    """Entities named only on a page's lines outside the article are still named by that document: the build
    links them with cppcc:mentionedIn, so the shapes (mentionedIn or referenceSource) hold and it exits 0."""
    import subprocess
    import sys

    import pyoxigraph as ox

    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "page.txt").write_text(PAGE, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "kg", "build", str(tmp_path / "in"), "--out", str(tmp_path / "out"), "--formats", "ntriples"],
        capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stderr
    store = ox.Store()
    store.load(path=str(tmp_path / "out" / "cppcc.nt"), format=ox.RdfFormat.N_TRIPLES)
    rows = store.query(
        'PREFIX cppcc: <https://w3id.org/cppcc-kg/ontology#> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> '
        'SELECT ?doc WHERE { ?b rdfs:label "珙县政协"@zh ; cppcc:mentionedIn ?doc }'
    )
    assert len(list(rows)) == 1


def test_an_outlet_ending_alone_names_no_outlet() -> None:
    """来源：微信公众号 names no outlet; 来源：青川县融媒体中心 does."""
    from kg.extract import extract_text

    names = {e.name for e in extract_text("正文。\n来源：微信公众号\n来源：青川县融媒体中心\n").entities if e.type == "Publication"}
    assert "微信公众号" not in names and "青川县融媒体中心" in names


def test_an_outlet_named_with_its_place_once_is_one_outlet() -> None:
    from kg.extract import extract_text

    found = {e.name: e.aliases for e in extract_text("据香港文汇报报道，委员建言。文汇报记者 陈明").entities if e.type == "Publication"}
    assert set(found) == {"香港文汇报"}
    assert "文汇报" in found["香港文汇报"]


@pytest.mark.parametrize("text", ["宁海新闻发布厅里座无虚席。", "宁海新闻中心主任王强介绍。"])
def test_an_ordinary_word_ending_that_runs_on_names_no_outlet(text: str) -> None:
    from kg.extract import extract_text

    assert not any(e.type == "Publication" for e in extract_text(text).entities)
