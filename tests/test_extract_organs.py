"""Organs written across a verb, groups a committee sets up, and sub-organs written alone (kg.extract.organs)."""

from __future__ import annotations

import pytest

from kg.extract import extract_text


def _entities(text: str) -> dict[tuple[str, str], set[str]]:
    return {(e.type, e.name): e.aliases for e in extract_text(text).entities if e.mentions}


SET_UP = [
    # (text, the group's name, a name that must not be found)
    ("威远县政协成立基层协商工作领导小组，由县政协主席任组长。", "威远县政协基层协商工作领导小组",
     "威远县政协成立基层协商工作领导小组"),
    ("安岳县政协成立由党组书记、主席任组长的协商议事工作领导小组。", "安岳县政协协商议事工作领导小组", ""),
    ("蓬溪县政协召开常委会。会议研究决定，成立“有事多商量”工作领导小组。", "蓬溪县政协“有事多商量”工作领导小组", ""),
]


@pytest.mark.parametrize(("text", "name", "wrong"), SET_UP)
def test_group_set_up_by_the_committee_before(text: str, name: str, wrong: str) -> None:
    found = _entities(text)
    assert ("CPPCCBody", name) in found
    assert ("CPPCCBody", wrong) not in found


def test_descriptor_that_is_a_verb_alone_stays() -> None:
    found = _entities("平昌县政协提案委员会会同有关部门开展督办。")
    assert ("CPPCCBody", "平昌县政协提案委员会") in found


REFER_BACK = [
    # (text, the organ the bare word is filed under, the bare word)
    ("平昌县政协党组把基层协商纳入重点工作。党组定期专题研究。", "平昌县政协党组", "党组"),
    ("工作室由县政协社会和法制委员会负责联系，专委会将持续跟踪督办。威远县政协召开会议。",
     "威远县政协社会和法制委员会", "专委会"),
]


@pytest.mark.parametrize(("text", "name", "bare"), REFER_BACK)
def test_bare_sub_organ_is_an_alias_of_the_latest_such_organ(text: str, name: str, bare: str) -> None:
    found = _entities(text)
    assert bare in found[("CPPCCBody", name)]
    assert ("CPPCCBody", bare) not in found


@pytest.mark.parametrize("text", ["各县政协也分别成立相应的领导小组。", "县委成立后，党组织不断壮大。", "党组定期专题研究。"])
def test_bare_words_without_an_earlier_organ_are_not_names(text: str) -> None:
    found = _entities(text)
    assert not any(name in ("领导小组", "党组", "相应的领导小组") for _, name in found)


def test_verb_before_a_short_form_organ_is_no_county() -> None:
    """委员会会同县委督查室: 会同 is the verb here, not 会同县 (Hunan)."""
    found = _entities("平昌县政协提案委员会会同县委督查室开展督办。")
    assert ("PartyGovOrgan", "平昌县委督查室") in found
    assert ("Place", "会同县") not in found


ORGANS = [
    # (text, type, name, alias or "") -- made-up sentences of the shapes real reports use
    # a long descriptor before 委员会, with 政协 inside it
    ("乐山市政协委员履职和基层政协工作委员会副主任郭晓军出席。", "CPPCCBody", "乐山市政协委员履职和基层政协工作委员会", ""),
    ("市政协农业和农村委员会委员参加。内江市", "CPPCCBody", "内江市政协农业和农村委员会", "市政协农业和农村委员会"),
    # units of a committee in a town, standing-committee meetings
    ("市政协青杠镇工作组要把清单报送镇党委。广汉市", "CPPCCBody", "广汉市政协青杠镇工作组", "市政协青杠镇工作组"),
    ("在县政协常委会议上通报办理情况。", "CPPCCBody", "县政协常委会议", ""),
    # a short form after a verb resolves to the town before it
    ("广汉市青杠镇的议事会把清单报送镇党委。", "PartyGovOrgan", "青杠镇党委", "镇党委"),
    # sub-organs written alone in a title chain belong to the committee the chain starts with
    ("眉山市政协秘书长、办公厅主任、港澳委主任吴启明率队调研。", "CPPCCBody", "眉山市政协港澳委", "港澳委"),
    ("眉山市政协秘书长、办公厅主任、港澳委主任吴启明率队调研。", "Position", "眉山市政协办公厅主任", "办公厅主任"),
    # departments: names with 和, lists inheriting the first one's place
    ("区农业农村和水利局、区市场监管局负责同志发言。温江区", "PartyGovOrgan", "温江区农业农村和水利局", ""),
    ("会同县水利局、林业局开展督办。", "PartyGovOrgan", "会同县林业局", "林业局"),
    ("区住房城乡建委负责同志到场。南岸区", "PartyGovOrgan", "南岸区住房城乡建委", "区住房城乡建委"),
    ("县委常委会专题听取汇报。威远县", "PartyGovOrgan", "威远县委常委会", "县委常委会"),
    # democratic parties' committees and their chairs; the CPC prefix is only written
    ("邀请民盟绵阳市委会主委孔令华座谈。", "PartyGovOrgan", "民盟绵阳市委会", ""),
    ("邀请民盟绵阳市委会主委孔令华座谈。", "Position", "民盟绵阳市委会主委", ""),
    ("九三学社泸州市委参加。", "PartyGovOrgan", "九三学社泸州市委", ""),
    ("落实《中共射洪市委关于加强协商工作的意见》。", "PartyGovOrgan", "射洪市委", "中共射洪市委"),
    # a committee's formal name is an alias of its short one
    ("版权所有：政协彭州市委员会办公室", "CPPCCBody", "彭州市政协办公室", "政协彭州市委员会办公室"),
    ("主办：中国人民政治协商会议湖南省浏阳市委员会", "CPPCCBody", "浏阳市政协", "中国人民政治协商会议湖南省浏阳市委员会"),
    ("政协江油市第十一届委员会常务委员会关于提案工作情况的报告", "CPPCCBody", "江油市政协常委会", "政协江油市第十一届委员会常务委员会"),
    ("中共射洪市委员会办公室发文。", "PartyGovOrgan", "射洪市委办公室", "中共射洪市委员会办公室"),
    ("中共阜宁县委员会、阜宁县人民政府印发通知。", "PartyGovOrgan", "阜宁县委", "中共阜宁县委员会"),
    # a listed department keeps its level where the text never names the county; a department jieba reads
    # across the level word (县民|宗局) is still one
    ("县发改局、住建局负责同志参加会议。", "PartyGovOrgan", "县住建局", "住建局"),
    ("县民宗局局长杨文出席。", "Position", "县民宗局局长", ""),
    # a democratic party's committee before a title keeps its name once
    ("市政协副主席、民革市委主委张红参加。", "Position", "民革市委主委", ""),
    # a democratic party's committee of a place the gazetteer does not know keeps the party and the place
    ("民建岚溪市委主委王刚发言。", "PartyGovOrgan", "民建岚溪市委", ""),
    # the office of a Party committee written short (县委办), not 县委 before 办理
    ("县委办主任李军出席。", "Position", "县委办主任", ""),
    # the governments of the special administrative regions
    ("澳門特區政府高度重視。", "PartyGovOrgan", "澳门特区政府", "澳門特區政府"),
    # a county's level word written again before its organ: kept after a two-character name (渠县县委, as
    # ANNOTATION.md names it), dropped after a longer one (the written form stays an alias)
    ("县政协在中共泸县县委的领导下开展工作。", "PartyGovOrgan", "泸县县委", "中共泸县县委"),
    ("泸县县政府召开常务会议。", "PartyGovOrgan", "泸县县政府", ""),
    ("中共泸县县委书记李明出席。", "Position", "泸县县委书记", ""),
    ("三台县县委召开会议。", "PartyGovOrgan", "三台县委", "三台县县委"),
]


@pytest.mark.parametrize(("text", "type_", "name", "alias"), ORGANS)
def test_organs(text: str, type_: str, name: str, alias: str) -> None:
    found = _entities(text)
    assert (type_, name) in found, sorted(found)
    assert not alias or alias in found[(type_, name)]


NOT_ORGANS = [
    # (text, a name that must not be found)
    ("闯出了一条边远地区政协工作服务群众的新路径。", "地区政协"),
    ("家住南岸区铜元局街道新建路社区。", "南岸区铜元局"),
    ("市场监管局", "市场监管局"),
    ("旗水利局、旗林业和草原局负责同志。伊金霍洛旗", "伊金霍洛旗旗林业和草原局"),
    ("县政协常委李明出席。", "县政协常委"),
    # a particle inside is a clause, not a department's name (…的两委成员)
    ("他与白岩村往届的两委成员交谈。", "白岩村往届的两委"),
]


def test_a_town_committee_unit_written_after_a_bare_level_word_is_a_cppcc_body() -> None:
    # 镇政协工委 (…委 read as a department's ending) is the committee's unit in the town, not a government organ
    found = dict((name, type_) for type_, name in _entities("白沙镇党委、镇政协工委联合召开协商会。"))
    assert found.get("白沙镇政协工委") == "CPPCCBody", found
    assert found.get("白沙镇党委") == "PartyGovOrgan", found
    assert dict((n, t) for t, n in _entities("近日，镇政协工委组织委员走访群众。")).get("镇政协工委") == "CPPCCBody"


@pytest.mark.parametrize(("text", "wrong"), NOT_ORGANS)
def test_not_organs(text: str, wrong: str) -> None:
    assert not any(name == wrong for type_, name in _entities(text) if type_ != "Position")


@pytest.mark.parametrize(
    ("text", "wrong"),
    [
        ("贵州省政协在9个区县政协推广这一做法。", "县政协"),
        ("8个县（市）区政协作交流发言。", "区政协"),
        ("驻社区政协委员参加协商。", "社区政协"),
        ("龙泉街道政协委员工作站站长上官琳介绍。", "龙泉街道政协"),
    ],
)
def test_generic_and_sub_county_committees_are_no_bodies(text: str, wrong: str) -> None:
    assert not any(t == "CPPCCBody" and n.endswith(wrong) and n != "龙泉街道政协委员工作站" for t, n in _entities(text))


def test_a_county_named_only_in_the_footer_completes_the_article(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from kg.extract import extract_document
    from kg.ingest import read_documents

    path = tmp_path / "page.txt"
    path.write_text(
        "县政协举行民主协商恳谈会\n当前位置：首页 > 政协动态\n发布日期：2025-11-07　来源：县政协办公室\n\n"
        "11月5日，县政协在白鹭镇召开协商议事会。县政协副主席田茂林主持。\n\n"
        "版权所有：中国人民政治协商会议宣恩县委员会　鄂ICP备12345678号-3\n",
        encoding="utf-8",
    )
    [doc] = read_documents(path)
    found = {(e.type, e.name) for e in extract_document(doc).entities}
    assert ("CPPCCBody", "宣恩县政协") in found
    assert ("CPPCCBody", "县政协") not in found
    assert ("Position", "宣恩县政协副主席") in found


@pytest.mark.parametrize("text", ["协商议题须经乡镇党委同意。", "乡镇党委副书记兼任召集人。"])
def test_towns_in_general_have_no_committee(text: str) -> None:
    assert not any(t == "PartyGovOrgan" for t, _ in _entities(text))


def test_commissions_after_a_level_word() -> None:
    found = _entities("区城管委、市经信委负责同志参加。遂宁市船山区")
    assert ("PartyGovOrgan", "遂宁市经信委") in found


def test_a_town_unit_written_with_its_committee_keeps_the_written_form() -> None:
    found = _entities("李建平 清水县政协常委 政协松林乡工委主任")
    assert "政协松林乡工委" in found[("CPPCCBody", "清水县政协松林乡工委")]


@pytest.mark.parametrize(("text", "wrong"), [("港區政協委員將積極參與。", "区政协"), ("特区政府高度重视。", "区政府")])
def test_no_district_organ_inside_a_region_word(text: str, wrong: str) -> None:
    """港区政协委员 are Hong Kong's members, 特区政府 a region's government: no 区政协, no 区政府."""
    assert wrong not in {e.name for e in extract_text(text).entities}


def test_no_office_before_a_verb() -> None:
    assert "县委办" not in {e.name for e in extract_text("此事由县委办理。").entities}


PARTY_DEPARTMENT_LISTS = [
    # (text, departments): departments listed after a Party committee's department inherit its committee
    ("威远县政协召开会议。县委组织部、宣传部、统战部有关负责同志参加。",
     {"威远县委组织部", "威远县委宣传部", "威远县委统战部"}),
    ("射洪市政协召开会议。市委统战部、宣传部负责同志列席。", {"射洪市委统战部", "射洪市委宣传部"}),
]


@pytest.mark.parametrize(("text", "departments"), PARTY_DEPARTMENT_LISTS)
def test_a_list_of_party_departments_inherits_the_committee(text: str, departments: set[str]) -> None:
    found = {name for (type_, name) in _entities(text) if type_ == "PartyGovOrgan"}
    assert departments <= found
    assert "宣传部" not in found


CPPCC_GROUPS = [
    # (text, body) -- a committee's groups with a descriptor of their own (made-up sentences)
    ("宁海县政协北片区委员联络组在白鹭镇开展活动。", "宁海县政协北片区委员联络组"),
    ("宁海县政协经济界别联组召开协商会。", "宁海县政协经济界别联组"),
    ("宁海县政协文史指导小组成立。", "宁海县政协文史指导小组"),
    ("宁海县政协成立了文史指导小组。", "宁海县政协文史指导小组"),
    ("宁海县政协第一委员活动组开展活动。", "宁海县政协第一委员活动组"),
    ("宁海县政协“邻里议事汇”推进中心主任方明出席。", "宁海县政协“邻里议事汇”推进中心"),
    ("宁海县政协“有事好商量”联络办公室主任李华介绍。", "宁海县政协“有事好商量”联络办公室"),
]


@pytest.mark.parametrize(("text", "body"), CPPCC_GROUPS)
def test_committee_groups_with_a_descriptor(text: str, body: str) -> None:
    assert ("CPPCCBody", body) in _entities(text)


@pytest.mark.parametrize("text", ["认真落实中央和省委部署。", "中央、省委、市委高度重视。"])
def test_the_centre_coordinated_with_an_organ(text: str) -> None:
    found = _entities(text)
    assert ("PartyGovOrgan", "中共中央") in found and "中央" in found[("PartyGovOrgan", "中共中央")]


def test_the_centre_inside_another_word_is_no_organ() -> None:
    assert ("PartyGovOrgan", "中共中央") not in _entities("大楼装了中央空调和新风。")


def test_a_bureau_after_a_region_s_short_level_word_keeps_the_place_as_written() -> None:
    found = _entities("香港特区政府民政事务局局长许文出席。")
    assert ("PartyGovOrgan", "香港特区政府民政事务局") in found
    assert not any("特别行政区特区" in name for _, name in found)


def test_a_level_character_ending_a_place_s_name_is_no_bare_level_word() -> None:
    found = _entities("通州湾政协工委主任王明发言。")
    assert not any(name.startswith("州") for _, name in found)


def test_more_party_departments() -> None:
    found = _entities("宁海县委机要局局长陈东参加。宁海县委教育工委书记王明出席。")
    assert {("PartyGovOrgan", "宁海县委机要局"), ("PartyGovOrgan", "宁海县委教育工委")} <= set(found)
