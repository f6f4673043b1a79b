"""Tests for kg.ingest: encodings, script normalisation, website debris, compilations, readers, discover."""

from __future__ import annotations

import codecs
import os
import zipfile
from pathlib import Path

import pytest

from kg.errors import EmptyInputError, InputError
from kg.ingest import SUFFIXES, discover, document_id, read_documents, simplify
from kg.ingest.chars import display_path, sanitize
from kg.ingest.dates import parse_date
from kg.ingest.script import is_traditional

from .conftest import CORPUS

SEED = CORPUS / "2021-sichuan-youshilaixieshang-conference-speeches.txt"
"""The sample compilation (the seed text, shipped in corpus/)."""

SHORT = "政协委员\n"
ARTICLE = "成都市政协召开协商会\n\n郫都区政协围绕老旧院落改造开展小微协商，参与群众120余人。\n"

ENCODINGS = [
    # (name, encoder)
    ("utf-8", lambda s: s.encode("utf-8")),
    ("utf-8-sig", lambda s: s.encode("utf-8-sig")),
    ("gb18030", lambda s: s.encode("gb18030")),
    ("gbk", lambda s: s.encode("gbk")),
    ("gb2312", lambda s: s.encode("gb2312")),
    ("utf-16-le-bom", lambda s: codecs.BOM_UTF16_LE + s.encode("utf-16-le")),
    ("utf-16-be-bom", lambda s: codecs.BOM_UTF16_BE + s.encode("utf-16-be")),
    ("utf-16-le-no-bom", lambda s: s.encode("utf-16-le")),
    ("utf-16-be-no-bom", lambda s: s.encode("utf-16-be")),
    ("utf-32-bom", lambda s: s.encode("utf-32")),
]

TRADITIONAL = [
    # (traditional text, a word in it, its simplified form)
    ("崑山市政協邀臺籍委員共商社區事", "崑山市政協", "昆山市政协"),
    ("兩岸鄉親「一家人商量一家事」", "兩岸鄉親", "两岸乡亲"),
    ("協商議事會在綠溪社區舉行", "綠溪社區", "绿溪社区"),
]

WEB_PAGE = """\
某某政协网
首页 | 政协要闻 | 协商议政 | 委员风采 | 基层协商
当前位置：首页 > 基层协商 > 正文
青羊区政协开展“有事来协商”活动
发布时间：2022-05-09 10:15  来源：青羊区政协  浏览次数：302
【字体：大 中 小】
5月6日，青羊区政协在草堂街道组织委员与居民协商停车难问题。
区政协副主席张明出席并讲话。
【打印本页】【关闭窗口】
上一篇：关于开展委员培训的通知
下一篇：学习心得
您可能感兴趣的文稿
- 05-08 泸州市政协工作总结汇编（3篇）
- 05-07 政协提案办理情况通报
阅读排行
- 宜宾市政协委员履职报告
版权所有：某某市政协  主办：某某市政协办公室
蜀ICP备00000000号  技术支持：某某网络公司
建议使用1024×768分辨率浏览本站
"""
DEBRIS_WORDS = ["首页", "当前位置", "浏览次数", "字体", "打印本页", "上一篇", "下一篇", "您可能感兴趣",
                "泸州市政协", "阅读排行", "宜宾市政协", "版权所有", "ICP备", "技术支持", "分辨率"]

SEED_SPEAKERS = ["成都市政协", "泸州市政协", "荣县政协", "绵竹市政协", "通江县政协"]


def write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def only(path: Path):
    documents = read_documents(path)
    assert len(documents) == 1
    return documents[0]


# --- encodings ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", [SHORT, ARTICLE], ids=["short", "article"])
@pytest.mark.parametrize("name,encode", ENCODINGS, ids=[name for name, _ in ENCODINGS])
def test_encodings_are_detected(tmp_path: Path, name: str, encode, text: str) -> None:
    document = only(write(tmp_path, "doc.txt", encode(text)))
    assert document.text == text.strip("\n")
    assert document.title == text.split("\n")[0]


@pytest.mark.parametrize("word", ["政协", "协商", "联通", "委员会", "中国"])
def test_two_character_gbk_texts_are_not_mistaken(tmp_path: Path, word: str) -> None:
    assert only(write(tmp_path, "w.txt", word.encode("gbk"))).text == word


def test_crlf_line_breaks_are_normalised(tmp_path: Path) -> None:
    document = only(write(tmp_path, "crlf.txt", ARTICLE.replace("\n", "\r\n").encode("gb18030")))
    assert "\r" not in document.text
    assert document.text == ARTICLE.strip("\n")


@pytest.mark.parametrize(
    "data,reason",
    [
        (b"\x80\x80\x80\xff\xff", "cannot decode"),
        (codecs.BOM_UTF8 + b"\xff\xfe\xfd", "cannot decode"),
        (b"\x01\x02\x03\x04 binary", "control character"),
        (b"a\x00b", "cannot decode"),
    ],
    ids=["invalid-everywhere", "bad-utf8-after-bom", "control-bytes", "odd-utf16"],
)
def test_undecodable_file_names_the_file(tmp_path: Path, data: bytes, reason: str) -> None:
    path = write(tmp_path, "bad.txt", data)
    with pytest.raises(InputError) as caught:
        read_documents(path)
    assert str(path) in str(caught.value)
    assert reason in str(caught.value)


@pytest.mark.parametrize("data,reason", [(b"", "empty"), (b" \n\t\r\n  ", "only whitespace")], ids=["empty", "blank"])
def test_empty_file_is_an_error(tmp_path: Path, data: bytes, reason: str) -> None:
    path = write(tmp_path, "empty.txt", data)
    with pytest.raises(InputError, match=reason) as caught:
        read_documents(path)
    assert str(path) in str(caught.value)


def test_folder_with_text_suffix_is_an_error(tmp_path: Path) -> None:
    folder = tmp_path / "folder.txt"
    folder.mkdir()
    with pytest.raises(InputError, match="folder") as caught:
        read_documents(folder)
    assert str(folder) in str(caught.value)


@pytest.mark.skipif(os.geteuid() == 0, reason="root can read any file")
def test_unreadable_file_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path, "secret.txt", ARTICLE)
    path.chmod(0)
    with pytest.raises(InputError, match="cannot read"):
        read_documents(path)


def test_unsupported_suffix_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="unsupported file type"):
        read_documents(write(tmp_path, "doc.xyz", ARTICLE))


# --- traditional characters --------------------------------------------------------------------------


@pytest.mark.parametrize("text,word,simplified", TRADITIONAL)
def test_traditional_text_is_normalised_with_shared_offsets(
    tmp_path: Path, text: str, word: str, simplified: str
) -> None:
    document = only(write(tmp_path, "trad.txt", text + "\n"))
    assert document.text == text
    assert len(document.norm) == len(document.text)
    start = document.text.index(word)
    end = start + len(word)
    assert document.norm[start:end] == simplified
    assert document.text[start:end] == word


def test_simplify_keeps_length_and_simplified_text() -> None:
    assert simplify(ARTICLE) == ARTICLE
    traditional = "".join(text for text, _, _ in TRADITIONAL)
    assert len(simplify(traditional)) == len(traditional)


def test_simplified_characters_listed_as_taiwan_variants_stay() -> None:
    # OpenCC's Taiwan variant table maps 么 to 幺; 么 is the simplified form of 麼 and must stay as written
    assert simplify("停车位怎么分、充电桩怎麼建") == "停车位怎么分、充电桩怎么建"


def test_characters_also_simplified_in_some_use_stay_in_simplified_text(tmp_path: Path) -> None:
    # 乾 and 於 are traditional in 乾淨 and 於是, but 乾坤 and the surname 於 are written so in simplified text
    assert simplify("区政协委员李乾坤、於晓红参加") == "区政协委员李乾坤、於晓红参加"
    assert simplify("環境乾淨了，於是委員們") == "环境干净了，于是委员们"
    assert simplify("李乾坤", traditional=True) == "李干坤"
    from kg import extract_text

    document = only(write(tmp_path, "s.txt", "县政协主席李乾坤出席会议并讲话。\n"))
    assert document.norm == document.text
    people = [e.name for e in extract_text(document.text).entities if e.type == "Person"]
    assert people == ["李乾坤"]


def test_characters_beyond_the_bmp_are_converted_like_the_others() -> None:
    # the conversion table holds variants outside the BMP (CJK Extension B); they take their own branch of
    # the pattern that decides whether a text needs converting at all
    from kg.ingest.script import _tables

    tables = _tables()
    astral = sorted(chr(code) for code in tables.full if code > 0xFFFF)
    assert astral
    for char in astral[:50]:
        text = f"委员{char}议事"
        assert simplify(text) == text.translate(tables.full if is_traditional(text) else tables.plain)
        assert simplify(text) != text
    assert tables.any.search("全是简体字的一段话") is None


def test_traditional_publication_is_simplified(tmp_path: Path) -> None:
    document = only(write(tmp_path, "t.txt", "崑山市政協舉行協商會\n\n會議在社區舉行。\n\n（兩岸鄉情報）\n"))
    assert document.publication == "两岸乡情报"


# --- website debris ------------------------------------------------------------------------------------


def test_web_page_debris_is_dropped(tmp_path: Path) -> None:
    path = write(tmp_path, "page.txt", WEB_PAGE)
    document = only(path)
    for word in DEBRIS_WORDS:
        assert word not in document.text, word
    assert document.title == "青羊区政协开展“有事来协商”活动"
    assert document.date == "2022-05-09"
    assert document.publication == "某某政协网"
    assert "草堂街道" in document.text and "张明" in document.text
    decoded = WEB_PAGE
    assert decoded[document.offset : document.offset + len(document.title)] == document.title
    # debris inside the article is blanked, so every kept character sits at its place in the file
    for index, char in enumerate(document.text):
        if not char.isspace():
            assert decoded[document.offset + index] == char


def test_debris_only_page_is_an_error(tmp_path: Path) -> None:
    page = "首页 | 政协要闻 | 协商议政 | 委员风采\n版权所有：某某市政协\n"
    with pytest.raises(InputError, match="no article text"):
        read_documents(write(tmp_path, "nav.txt", page))


def test_link_list_stops_at_prose(tmp_path: Path) -> None:
    text = "标题一行\n相关阅读\n- 某文章\n- 另一篇\n这是正文第一段，委员们围绕社区治理开展协商并形成了共识。\n"
    document = only(write(tmp_path, "list.txt", text))
    assert "某文章" not in document.text
    assert "社区治理" in document.text


@pytest.mark.parametrize(
    "first_lines,title,date,publication",
    [
        ("# 关于社区治理的报告\n（2023年12月）\n", "关于社区治理的报告", "2023-12", None),
        ("某县政协工作总结\n(某某政协报,2021年6月2日)\n", "某县政协工作总结", "2021-06-02", "某某政协报"),
        ("某县政协调研\n", "某县政协调研", None, None),
    ],
)
def test_title_date_publication(tmp_path: Path, first_lines: str, title: str, date, publication) -> None:
    document = only(write(tmp_path, "doc.md", first_lines + "\n正文内容，委员们开展了调研。\n"))
    assert (document.title, document.date, document.publication) == (title, date, publication)


def test_byline_gives_publication(tmp_path: Path) -> None:
    text = "某市政协调研\n\n正文内容，委员们开展了调研。\n\n（某某日报记者 张三 通讯员 李四）\n"
    assert only(write(tmp_path, "b.txt", text)).publication == "某某日报"


@pytest.mark.parametrize(
    "text,iso",
    [("2021年6月2日", "2021-06-02"), ("发布时间：2023-10-16 09:32", "2023-10-16"), ("2023年12月", "2023-12"),
     ("2023/1/5", "2023-01-05"), ("2023年13月", None), ("没有日期", None)],
)
def test_parse_date(text: str, iso) -> None:
    assert parse_date(text) == iso


# --- compilations --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed_documents():
    return read_documents(SEED)


def test_seed_compilation_is_split(seed_documents) -> None:
    compilation, *speeches = seed_documents
    assert len(speeches) == 5
    assert compilation.id == document_id(SEED, 0)
    assert compilation.compilation is None
    assert compilation.title == "四川省政协“有事来协商”工作推进会发言材料汇编"
    assert "目 录" in compilation.text
    assert "一、加强组织领导" not in compilation.text
    assert [s.speaker for s in speeches] == SEED_SPEAKERS
    assert [s.id for s in speeches] == [document_id(SEED, n) for n in range(1, 6)]
    assert speeches[0].title == "强化工作举措突出创新实践推进“有事来协商”工作向纵深发展"
    assert speeches[3].title == "“院坝协商”小平台协商为民大情怀"
    for document in seed_documents:
        assert document.publication == "四川政协报"
        assert document.date == "2021-06-02"
    for speech in speeches:
        assert speech.compilation == compilation.id


def test_seed_first_speech_body(seed_documents) -> None:
    first = seed_documents[1]
    assert "双流区政协" in first.text
    assert "您可能感兴趣" not in first.text
    assert "2024年党建工作总结" not in first.text
    decoded = SEED.read_text(encoding="utf-8")
    assert decoded[first.offset : first.offset + len(first.text)] == first.text
    assert all(s.text == "" for s in seed_documents[2:])


COMPILATION = """\
（3篇）某省政协协商工作交流发言汇编
2023年7月
目  录
甲市政协：
建强议事阵地 推动协商向社区延伸 ………… 1
乙县政协：用好乡贤力量 让协商扎根乡村 4
丙区政协：
坚持“三个结合”擦亮品牌 7
某省政协协商工作交流发言材料汇编
（某某日报，2023年7月18日）
建强议事阵地
推动协商向社区延伸甲市政协
甲市政协在社区建成议事厅12个。
坚持“三个
结合” 擦亮品牌
丙区政协
丙区政协开展协商30次。
"""


def test_compilation_detected_generally(tmp_path: Path) -> None:
    path = write(tmp_path, "bundle.txt", COMPILATION.encode("gb18030"))
    compilation, *speeches = read_documents(path)
    assert compilation.title == "某省政协协商工作交流发言材料汇编"
    assert (compilation.publication, compilation.date) == ("某某日报", "2023-07-18")
    assert [s.speaker for s in speeches] == ["甲市政协", "乙县政协", "丙区政协"]
    assert [s.title for s in speeches] == ["建强议事阵地 推动协商向社区延伸", "用好乡贤力量 让协商扎根乡村", "坚持“三个结合”擦亮品牌"]
    assert "议事厅12个" in speeches[0].text and "丙区政协开展" not in speeches[0].text
    assert speeches[1].text == ""
    assert speeches[2].text.endswith("丙区政协开展协商30次。")
    assert "议事厅" not in compilation.text


def test_toc_with_one_entry_is_not_a_compilation(tmp_path: Path) -> None:
    text = "某文\n目录\n甲市政协：\n某某标题 1\n正文内容，委员们开展了调研。\n"
    assert len(read_documents(write(tmp_path, "one.txt", text))) == 1


# --- ids -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name,part,expected",
    [("d01.txt", None, "d01"), ("000_abc.txt", 0, "000_abc-00"), ("政协报告.md", 3, "政协报告-03")],
)
def test_document_id(name: str, part, expected: str) -> None:
    assert document_id(Path("corpus") / name, part) == expected


def test_document_id_replaces_unsafe_characters_stably() -> None:
    first = document_id(Path("a b（1）.txt"))
    assert first == document_id(Path("other/a b（1）.txt"))
    assert first.startswith("a-b-1-")
    assert all(c.isalnum() or c in "-_" for c in first)


# --- other readers ------------------------------------------------------------------------------------------

HTML_PAGE = """<!DOCTYPE html>
<html><head><meta charset="gbk"><title>页面标题_某某政协网</title>
<style>p {{ color: red }}</style><script>var x = "脚本内容";</script></head>
<body>
<div class="nav">首页 | 政协要闻 | 协商议政 | 委员风采</div>
<div class="crumb">当前位置：首页 &gt; 基层协商</div>
<h1>某区政协召开院坝协商会</h1>
<div class="info">发布时间：2023-03-01 来源：某区政协</div>
<div class="content"><p>3月1日，某区政协在<b>东山街道</b>召开
院坝协商会。</p><p>委员们提出建议12条。<br>会议取得实效。</p></div>
<!-- 注释内容 -->
<div class="footer">版权所有：某某市政协</div>
</body></html>
"""


def test_html_reader(tmp_path: Path) -> None:
    path = write(tmp_path, "page.html", HTML_PAGE.format().encode("gbk"))
    document = only(path)
    assert document.title == "某区政协召开院坝协商会"
    assert document.date == "2023-03-01"
    assert "3月1日，某区政协在东山街道召开 院坝协商会。" in document.text
    assert "委员们提出建议12条。\n会议取得实效。" in document.text
    for word in ["脚本内容", "color", "页面标题", "注释内容", "首页", "当前位置", "版权所有"]:
        assert word not in document.text, word


def test_docx_reader(tmp_path: Path) -> None:
    docx = pytest.importorskip("docx")
    document = docx.Document()
    document.add_heading("某县政协协商工作总结", level=1)
    document.add_paragraph("县政协围绕乡村振兴开展协商。")
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "协商次数"
    table.cell(0, 1).text = "42"
    document.add_paragraph("表后段落。")
    path = tmp_path / "report.docx"
    document.save(str(path))
    read = only(path)
    assert read.title == "某县政协协商工作总结"
    assert read.text.split("\n") == ["某县政协协商工作总结", "县政协围绕乡村振兴开展协商。", "协商次数", "42", "表后段落。"]


def test_damaged_docx_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "bad.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hello.txt", "not a word document")
    with pytest.raises(InputError) as caught:
        read_documents(path)
    assert str(path) in str(caught.value)


def _pdf_with_chinese(text: str) -> bytes:
    """A one-page PDF whose text layer is ``text`` (CID font, Identity-H, with a ToUnicode map)."""
    hex_text = text.encode("utf-16-be").hex().upper()
    cmap = (
        "/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /U def "
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def "
        "1 begincodespacerange <0000> <FFFF> endcodespacerange "
        "1 beginbfrange <0000> <FFFF> <0000> endbfrange endcmap end end"
    )
    content = f"BT /F1 12 Tf 72 720 Td <{hex_text}> Tj ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >> "
        "/Contents 5 0 R >>",
        "<< /Type /Font /Subtype /Type0 /BaseFont /Song /Encoding /Identity-H /DescendantFonts [6 0 R] "
        "/ToUnicode 7 0 R >>",
        f"<< /Length {len(content)} >>\nstream\n{content}\nendstream",
        "<< /Type /Font /Subtype /CIDFontType2 /BaseFont /Song "
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /DW 1000 >>",
        f"<< /Length {len(cmap)} >>\nstream\n{cmap}\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode("ascii")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode("ascii")
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode("ascii")
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode("ascii")
    return bytes(out)


def test_pdf_reader(tmp_path: Path) -> None:
    pytest.importorskip("pdfminer")
    path = write(tmp_path, "speech.pdf", _pdf_with_chinese("成都市政协推进有事来协商"))
    assert only(path).text == "成都市政协推进有事来协商"


def test_damaged_pdf_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path, "bad.pdf", b"%PDF-1.4\nthis is not really a pdf")
    with pytest.raises(InputError) as caught:
        read_documents(path)
    assert str(path) in str(caught.value)


# --- discover ----------------------------------------------------------------------------------------------


def test_discover_folders_recursively_sorted_and_filtered(tmp_path: Path) -> None:
    for name in ["b.txt", "a.md", "sub/c.HTML", "sub/deeper/d.docx", "sub/e.pdf", "notes.json", "img.png", "z.markdown"]:
        path = tmp_path / "corpus" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x", encoding="utf-8")
    single = write(tmp_path, "single.txt", ARTICLE)
    found = discover([tmp_path / "corpus", single])
    assert found.skipped == []
    relative = [p.relative_to(tmp_path).as_posix() for p in found.files]
    assert relative == [
        "corpus/a.md", "corpus/b.txt", "corpus/sub/c.HTML", "corpus/sub/deeper/d.docx", "corpus/sub/e.pdf",
        "corpus/z.markdown", "single.txt",
    ]


def test_discover_supports_every_reader_suffix() -> None:
    assert {".txt", ".md", ".html", ".htm", ".docx", ".pdf"} <= set(SUFFIXES)


@pytest.mark.parametrize("paths,message", [([], "nothing to build"), (["/no/such/place"], "no such file or folder")])
def test_discover_errors(paths, message) -> None:
    with pytest.raises(EmptyInputError, match=message):
        discover(paths)


def test_discover_empty_folder(tmp_path: Path) -> None:
    (tmp_path / "notes.json").write_text("{}", encoding="utf-8")
    with pytest.raises(EmptyInputError, match="no documents found"):
        discover([tmp_path])


def test_permission_error_names_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, "locked.txt", ARTICLE)

    def refuse(self: Path) -> bytes:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "read_bytes", refuse)
    with pytest.raises(InputError, match="cannot read: Permission denied") as caught:
        read_documents(path)
    assert str(path) in str(caught.value)


def test_html_declared_charset_wrong_falls_back_to_detection(tmp_path: Path) -> None:
    page = '<html><head><meta charset="gbk"></head><body><p>某区政协召开协商会</p></body></html>'
    assert only(write(tmp_path, "utf8.htm", page.encode("utf-8"))).text == "某区政协召开协商会"


def test_html_declared_big5_is_honoured(tmp_path: Path) -> None:
    page = '<html><head><meta http-equiv="Content-Type" content="text/html; charset=big5"></head>'
    page += "<body><p>崑山市政協舉行協商會</p></body></html>"
    document = only(write(tmp_path, "big5.html", page.encode("big5")))
    assert document.text == "崑山市政協舉行協商會"
    assert document.norm == "昆山市政协举行协商会"


def test_footer_words_and_tables_inside_the_article_are_kept(tmp_path: Path) -> None:
    text = (
        "某市政协举办协商活动\n\n本次活动由市政协主办，委员们围绕社区养老开展协商，提出建议多条。\n"
        "主办单位：某市政协\n| 项目 | 数量 | 单位 | 备注 |\n"
        "活动现场，委员们与居民代表面对面交流，形成了一批务实管用的意见建议。\n"
    )
    document = only(write(tmp_path, "event.txt", text))
    assert "主办单位：某市政协" in document.text
    assert "| 项目 | 数量 |" in document.text


SOURCE_PAGES = [
    # (page lines above the article, source_org, publication)
    ("某县政协网\n首页 | 政协动态 | 协商议政 | 基层协商\n发布时间：2024-05-21 来源：县政协办公室 浏览次数：38\n",
     "县政协办公室", "某县政协网"),
    ("首页 | 政协动态 | 协商议政 | 基层协商\n供稿：区政协提案委员会\n", "区政协提案委员会", None),
    ("首页 | 政协动态 | 协商议政 | 基层协商\n发布单位：市委统战部  日期：2024-03-02\n", "市委统战部", None),
    ("首页 | 政协动态 | 协商议政 | 基层协商\n来源：本站  日期：2024-03-02\n", None, None),
    ("内江市政协\n首页 > 县区动态 > 正文\n", "内江市政协", None),
    ("内江市政协\n首页 > 县区动态 > 正文\n来源：郫都区政协\n", "内江市政协", None),
    ("内江市政协\n首页 > 县区动态 > 正文\n来源：威远县政协办公室\n", "威远县政协办公室", None),
]


@pytest.mark.parametrize("header, source_org, publication", SOURCE_PAGES)
def test_source_organisation_and_site_name(tmp_path: Path, header: str, source_org, publication) -> None:
    """来源/供稿/发布单位 naming an organisation gives Document.source_org; a body alone as the site name
    is the fallback, and where both are given the one the article does not write itself is kept."""
    path = tmp_path / "page.txt"
    path.write_text(header + ARTICLE + "上一篇：县政协召开常委会\n版权所有：中国人民政治协商会议某县委员会\n", encoding="utf-8")
    [doc] = read_documents(path)
    assert doc.source_org == source_org
    assert doc.publication == publication
    assert doc.text.strip().startswith("成都市政协召开协商会")
    assert "委员会" not in doc.text


# --- hostile files: each problem stays with its file -------------------------------------------------------

UNWRITABLE = "\x0b\x0c\x85\u2028\u2029\x01\x1b\x7f\x9f\ud800\ufffe\uffff\ufdd0\U0010ffff"


def test_sanitize_replaces_what_no_export_can_write_one_for_one() -> None:
    text = "成都\x0c市\x0b政\u2028协\x85院\u2029坝\x01会\x9f议\ud800事\ufffe厅\ue000\t"
    clean = sanitize(text)
    assert len(clean) == len(text)
    assert clean == "成都\n市\n政\n协\n院\n坝 会 议\ufffd事\ufffd厅\ue000\t"
    assert not any(ch in clean for ch in UNWRITABLE)


def test_sanitize_treats_every_code_point_as_documented() -> None:
    everything = "".join(map(chr, range(0x110000)))

    def expected(ch: str) -> str:
        code = ord(ch)
        if ch in "\x0b\x0c\r\x85\u2028\u2029":
            return "\n"
        if (code <= 0x1F and ch not in "\t\n") or 0x7F <= code <= 0x9F:
            return " "
        if 0xD800 <= code <= 0xDFFF or 0xFDD0 <= code <= 0xFDEF or code & 0xFFFE == 0xFFFE:
            return "\ufffd"
        return ch

    assert sanitize(everything) == "".join(map(expected, everything))
    for ch in map(chr, [*range(0x10000, 0x10100), *range(0x1FFF0, 0x20010), *range(0x10FFF0, 0x110000)]):
        assert sanitize(f"议{ch}事\U00020000") == f"议{expected(ch)}事\U00020000"  # only this character beyond the BMP


def test_form_feeds_and_unicode_line_breaks_are_read_as_line_breaks(tmp_path: Path) -> None:
    path = write(tmp_path, "ff.txt", "第一页\x0c第二页\x0b第三行\u2028第四行\x85第五行\u2029\ue000私用区".encode())
    (document,) = read_documents(path)
    assert document.text == "第一页\n第二页\n第三行\n第四行\n第五行\n\ue000私用区"


def test_a_few_stray_control_characters_are_blanked_not_fatal(tmp_path: Path) -> None:
    path = write(tmp_path, "esc.txt", ("\x1b[1m" + ARTICLE).encode("utf-8"))
    (document,) = read_documents(path)
    assert document.text.startswith(" [1m")


@pytest.mark.parametrize(
    "text",
    ["政協", "委員會", "中國", "雙流區政協搭建「有事來協商」平台，張三主席參加院壩協商會。", "臺灣會議"],
)
def test_big5_is_detected_not_read_as_gb18030_mojibake(tmp_path: Path, text: str) -> None:
    raw = text.encode("cp950")
    raw.decode("gb18030")  # the trap: these bytes are valid GB18030 too
    (document,) = read_documents(write(tmp_path, "big5.txt", raw))
    assert document.text == text


def test_non_utf8_file_name_is_read_with_a_readable_id(tmp_path: Path) -> None:
    gbk = tmp_path / os.fsdecode("政协通讯.txt".encode("gbk"))
    gbk.write_text(ARTICLE, encoding="utf-8")
    junk = tmp_path / os.fsdecode(b"\xff\xfe.txt")
    junk.write_text(ARTICLE, encoding="utf-8")
    (named,) = read_documents(gbk)
    assert named.id == "政协通讯"
    assert named.source == str(tmp_path / "政协通讯.txt")
    (other,) = read_documents(junk)
    assert "\ufffd" in other.source and other.id.startswith("doc-")
    assert display_path(junk).encode("utf-8")  # printable and encodable


def test_discover_names_broken_links_pipes_and_unreadable_things(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "good.txt").write_text(ARTICLE, encoding="utf-8")
    (corpus / "broken.txt").symlink_to(corpus / "gone.txt")
    os.mkfifo(corpus / "pipe.txt")
    (corpus / "folder.md").mkdir()  # a folder with a document suffix is just a folder
    (corpus / "loop").symlink_to(corpus)  # not followed
    found = discover([corpus, tmp_path / "missing.txt"])
    assert found.files == [corpus / "good.txt"]
    reasons = dict(found.skipped)
    assert "broken symbolic link" in reasons[str(corpus / "broken.txt")]
    assert "named pipe" in reasons[str(corpus / "pipe.txt")]
    assert "no such file" in reasons[str(tmp_path / "missing.txt")]
    assert len(found.skipped) == 3


def test_discover_leaves_out_excluded_folders(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "exports").mkdir()
    (tmp_path / "exports" / "cppcc.html").write_text("<p>政协</p>", encoding="utf-8")
    assert discover([tmp_path], exclude=[tmp_path / "exports"]).files == [tmp_path / "a.txt"]


def test_lines_are_split_with_their_offsets_and_keys() -> None:
    import random
    import re

    from kg.ingest.lines import Line, first_lines, last_lines, split_lines

    def reference(norm: str) -> list[Line]:
        lines, start = [], 0
        for number, content in enumerate(norm.split("\n")):
            lines.append(Line(number, start, start + len(content), re.sub(r"\s+", "", content)))
            start += len(content) + 1
        return lines

    spaces = [chr(c) for c in range(0x110000) if re.fullmatch(r"\s", chr(c))]
    rnd = random.Random(9)
    texts = ["", "\n", "\n\n", " \n\u3000", "政协\n\n委员 调研\t\n"]
    texts += ["".join(rnd.choice([*spaces, "\n", "\n", "议", "a"]) for _ in range(rnd.randrange(40))) for _ in range(3000)]
    for text in texts:
        assert split_lines(text) == reference(text)
        assert all(type(line) is Line for line in split_lines(text))
        filled = [line for line in reference(text) if not line.blank]
        for limit in (1, 2, 3, 8):
            assert first_lines(text, limit) == filled[:limit]
            assert last_lines(text, limit) == filled[-limit:]


def test_menu_lines_pass_the_quick_test_before_their_items_are_counted() -> None:
    import random

    from kg.ingest import debris

    rnd = random.Random(5)
    alphabet = [*debris._SEPARATORS, "首", "页", "a", "1", "新闻中心"]
    keys = ["首页|新闻|政协", "|||首页|新闻|政协", "一二三四五六七八九十|新闻|政协", "一二三四五六七八九十一|新闻|政协"]
    keys += ["".join(rnd.choice(alphabet) for _ in range(rnd.randrange(1, 30))) for _ in range(20000)]
    menus = 0
    for key in keys:
        for at_edge in (False, True):
            if debris._is_nav(key, ("首页",), at_edge):
                menus += 1
                assert debris._NAV_START.match(key), key
    assert menus > 1000
