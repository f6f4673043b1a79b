"""Typed relations and counts (kg.extract.relations, kg.extract.quantities).

Table-driven: each row is a sentence, the entities in it given as (type, name, surface), and triples
that must (or must not) come out. Entities are built by hand so these tests do not depend on the
entity extractor; one end-to-end test at the bottom runs the real pipeline on the seed sample.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.errors import ConfigError
from kg.extract import quantities
from kg.extract.quantities import find_counts, parse_number
from kg.extract.relations import find_relations, tables
from kg.model import Document, Entity, Mention, Quantity, Relation
from kg.nlp import split_sentences

from .conftest import CORPUS

Spec = tuple[str, str, str]  # (type, canonical name, surface written in the sentence)
Triple = tuple[str, str, object]  # (subject name, predicate, object name or Quantity)


PLACE_ATTRS: dict[str, dict[str, str]] = {
    "青川县": {"level": "county"}, "乔庄镇": {"level": "town"}, "白岩村": {"level": "village"},
    "苍溪县": {"level": "county"}, "陵江镇": {"level": "town"}, "歧坪镇": {"level": "town"},
    "白驿镇": {"level": "street"}, "旺苍县": {"level": "county"}, "东河镇": {"level": "town"},
    "广元市": {"level": "city", "code": "510800"}, "四川省": {"level": "province", "code": "510000"},
    "肖家河社区": {"level": "community"}, "桂溪街道": {"level": "street"}, "剑阁县": {"level": "county"},
    "九龙社区": {"level": "community"}, "清水县": {"level": "county"}, "天水市": {"level": "city"},
}
"""Levels (and gazetteer codes) of the made-up places of the tables below."""


def build(text: str, specs: list[Spec], speaker: str | None = None) -> list[Relation]:
    """Find every occurrence of each surface (longest first, no overlaps) and run find_relations.

    An empty surface gives an entity without mentions (a speaker body named only in the byline).
    Places get the level (and code) PLACE_ATTRS gives them, and a mention inside an organ's name too.
    """
    doc = Document(id="t", source="t", text=text, norm=text, speaker=speaker)
    sentences = split_sentences(text)
    entities: dict[tuple[str, str], Entity] = {}
    taken: list[str] = [""] * len(text)  # the type of the mention covering each character
    for type_, name, surface in sorted(specs, key=lambda s: -len(s[2])):
        entity = entities.setdefault((type_, name), Entity(type_, name, attrs=dict(PLACE_ATTRS.get(name, {}))))
        if not surface:
            continue
        entity.aliases.add(surface)
        start = text.find(surface)
        assert start >= 0, f"{surface!r} is not in the test sentence"
        while start >= 0:
            end = start + len(surface)
            covering = set(taken[start:end]) - {""}
            # a place inside an organ's name is a mention of its own, as the entity extractor records it
            if not covering or (type_ == "Place" and covering <= {"CPPCCBody", "PartyGovOrgan"}):
                taken[start:end] = [type_] * len(surface) if not covering else taken[start:end]
                index = next(s.index for s in sentences if s.start <= start < s.end)
                entity.mentions.append(Mention(start, end, surface, index))
            start = text.find(surface, start + 1)
    return find_relations(doc, sentences, list(entities.values()))


def triples(found: list[Relation]) -> set[Triple]:
    return {(r.subject[1], r.predicate, r.object if isinstance(r.object, Quantity) else r.object[1]) for r in found}


B, O, P, N, T = "CPPCCBody", "PartyGovOrgan", "Place", "Person", "Position"  # noqa: E741 - short type codes for the table
F, M, TP, E, PB = "Platform", "Mechanism", "Topic", "Event", "Publication"

CASES: list[tuple[str, str, list[Spec], set[Triple], set[Triple]]] = [
    (
        "runsPlatform: 搭建",
        "双流区政协搭建“众人好商量”协商平台，推动协商向基层延伸。",
        [(B, "双流区政协", "双流区政协"), (F, "众人好商量", "众人好商量")],
        {("双流区政协", "runsPlatform", "众人好商量")},
        set(),
    ),
    (
        "runsPlatform: 挂牌建立",
        "崇州市政协挂牌建立“小微协商”阵地。",
        [(B, "崇州市政协", "崇州市政协"), (F, "小微协商", "小微协商")],
        {("崇州市政协", "runsPlatform", "小微协商")},
        set(),
    ),
    (
        "runsPlatform: 以…为载体, subject carried from the first clause",
        "今年以来，区政协在区委的领导下，以“河畔议事”平台为载体，推动协商议事向村居延伸。",
        [(B, "甲区政协", "区政协"), (O, "甲区委", "区委"), (F, "河畔议事", "河畔议事")],
        {("甲区政协", "runsPlatform", "河畔议事")},
        {("甲区委", "runsPlatform", "河畔议事")},
    ),
    (
        "runsPlatform: X是Y打造的品牌",
        "他说，“山谷议事会”是旗政协打造的基层协商品牌。",
        [(B, "乙旗政协", "旗政协"), (F, "山谷议事会", "山谷议事会")],
        {("乙旗政协", "runsPlatform", "山谷议事会")},
        set(),
    ),
    (
        "runsPlatform: body written right before its named platform (not before a kind of format)",
        "丙区政协“事事好商量”院坝协商会近日在丁村召开。",
        [(B, "丙区政协", "丙区政协"), (F, "事事好商量", "“事事好商量”"), (F, "院坝协商会", "院坝协商会"), (P, "丁村", "丁村")],
        {("丙区政协", "runsPlatform", "事事好商量"), ("院坝协商会", "locatedIn", "丁村")},
        {("丙区政协", "runsPlatform", "院坝协商会")},
    ),
    (
        "runsPlatform: a person is no subject for it",
        "县政协副主席张某带领委员们在戊村召开火塘议事会。",
        [(T, "县政协副主席", "县政协副主席"), (N, "张某", "张某"), (F, "火塘议事会", "火塘议事会"), (P, "戊村", "戊村")],
        {("张某", "holdsPosition", "县政协副主席")},
        {("张某", "runsPlatform", "火塘议事会")},
    ),
    (
        "runsPlatform: a place as subject blocks the speaker body",
        "己镇庚村围绕古桥保护召开“板凳会”。辛县政协表示支持。",
        [(P, "己镇", "己镇"), (P, "庚村", "庚村"), (TP, "古桥保护", "古桥保护"), (F, "板凳会", "板凳会"),
         (B, "辛县政协", "辛县政协")],
        set(),
        {("辛县政协", "runsPlatform", "板凳会"), ("辛县政协", "consultsOn", "古桥保护")},
    ),
    (
        "adoptsMechanism: 建立; enumerated subjects for 联合印发",
        "县委办公室、县政府办公室联合印发《关于推进院坝议事的实施意见》。",
        [(O, "壬县委办公室", "县委办公室"), (O, "壬县政府办公室", "县政府办公室"), (M, "关于推进院坝议事的实施意见", "关于推进院坝议事的实施意见")],
        {
            ("壬县委办公室", "adoptsMechanism", "关于推进院坝议事的实施意见"),
            ("壬县政府办公室", "adoptsMechanism", "关于推进院坝议事的实施意见"),
        },
        set(),
    ),
    (
        "adoptsMechanism: subject dropped, the document's speaker body",
        "二是优化精准选题机制。",
        [(M, "精准选题机制", "精准选题机制"), (B, "癸市政协", "")],
        {("癸市政协", "adoptsMechanism", "精准选题机制")},
        set(),
    ),
    (
        "consultsOn: 围绕 with a list; the meeting the sentence names consults on it too",
        "甲市政协委员工作室在乙社区召开协商议事会，围绕停车难和垃圾分类开展协商。",
        [(F, "甲市政协委员工作室", "甲市政协委员工作室"), (P, "乙社区", "乙社区"), (F, "协商议事会", "协商议事会"),
         (TP, "停车难", "停车难"), (TP, "垃圾分类", "垃圾分类")],
        {("甲市政协委员工作室", "consultsOn", "停车难"), ("甲市政协委员工作室", "consultsOn", "垃圾分类"),
         ("协商议事会", "consultsOn", "停车难"), ("协商议事会", "consultsOn", "垃圾分类"), ("协商议事会", "locatedIn", "乙社区")},
        set(),
    ),
    (
        "an event named after a platform is a session of it",
        "剑阁县政协在九龙社区举行“院坝议事厅”专题协商会，围绕停车难开展协商。",
        [(B, "剑阁县政协", "剑阁县政协"), (P, "九龙社区", "九龙社区"), (E, "院坝议事厅专题协商会", "院坝议事厅”专题协商会"),
         (F, "院坝议事厅", ""), (TP, "停车难", "停车难")],
        {("剑阁县政协", "holdsEvent", "院坝议事厅专题协商会"), ("剑阁县政协", "runsPlatform", "院坝议事厅"),
         ("院坝议事厅专题协商会", "locatedIn", "九龙社区"), ("院坝议事厅", "locatedIn", "九龙社区"),
         ("院坝议事厅专题协商会", "consultsOn", "停车难"), ("院坝议事厅", "consultsOn", "停车难"),
         ("剑阁县政协", "consultsOn", "停车难")},
        set(),
    ),
    (
        "consultsOn: 以…为切入点",
        "丙市政协确定以城乡融合为切入点开展协商。",
        [(B, "丙市政协", "丙市政协"), (TP, "城乡融合", "城乡融合")],
        {("丙市政协", "consultsOn", "城乡融合")},
        set(),
    ),
    (
        "consultsOn: officials of an organ are not the organ",
        "区交通局相关负责人与村民代表围坐一起，就村道拓宽开展协商。",
        [(O, "丁区交通局", "区交通局"), (TP, "村道拓宽", "村道拓宽")],
        set(),
        {("丁区交通局", "consultsOn", "村道拓宽")},
    ),
    (
        "holdsEvent: body before the event; 关于开展 gives the embedded subject",
        "兰州市政协认真落实省政协关于开展“协商在一线”专项行动的部署要求。",
        [(B, "兰州市政协", "兰州市政协"), (B, "甘肃省政协", "省政协"), (E, "协商在一线专项行动", "协商在一线”专项行动")],
        {("甘肃省政协", "holdsEvent", "协商在一线专项行动")},
        {("兰州市政协", "holdsEvent", "协商在一线专项行动")},
    ),
    (
        "holdsEvent: 此次调研是市政协…专项行动",
        "此次调研是市政协“民生议事进社区”专项行动的一项内容。",
        [(B, "湖州市政协", "市政协"), (E, "民生议事进社区专项行动", "民生议事进社区”专项行动")],
        {("湖州市政协", "holdsEvent", "民生议事进社区专项行动")},
        set(),
    ),
    (
        "holdsPosition: two titles for one person, one title for two persons; positionIn from names",
        "湖州市政协党组书记、主席沈甲带队赴吴兴区调研。市政协副主席钱乙、欧阳丙参加调研。",
        [(B, "湖州市政协", "湖州市政协"), (B, "湖州市政协党组", "湖州市政协党组"),
         (T, "湖州市政协党组书记", "湖州市政协党组书记"), (T, "湖州市政协主席", "主席"), (N, "沈甲", "沈甲"),
         (P, "吴兴区", "吴兴区"), (T, "湖州市政协副主席", "市政协副主席"), (N, "钱乙", "钱乙"), (N, "欧阳丙", "欧阳丙")],
        {
            ("沈甲", "holdsPosition", "湖州市政协党组书记"),
            ("沈甲", "holdsPosition", "湖州市政协主席"),
            ("钱乙", "holdsPosition", "湖州市政协副主席"),
            ("欧阳丙", "holdsPosition", "湖州市政协副主席"),
            ("湖州市政协党组书记", "positionIn", "湖州市政协党组"),
            ("湖州市政协主席", "positionIn", "湖州市政协"),
            ("湖州市政协党组", "subOrganOf", "湖州市政协"),
            ("沈甲", "leads", "吴兴区"),
            ("沈甲", "visits", "吴兴区"),
        },
        {("湖州市政协党组书记", "positionIn", "湖州市政协")},
    ),
    (
        "accompanies: persons before 陪同 accompany the one who led",
        "副主席谭甲率调研组来株洲调研。市政协主席刘乙，秘书长陈丙陪同调研。",
        [(T, "省政协副主席", "副主席"), (N, "谭甲", "谭甲"), (P, "株洲市", "株洲"), (T, "株洲市政协主席", "市政协主席"),
         (N, "刘乙", "刘乙"), (T, "株洲市政协秘书长", "秘书长"), (N, "陈丙", "陈丙")],
        {("谭甲", "leads", "株洲市"), ("刘乙", "accompanies", "谭甲"), ("陈丙", "accompanies", "谭甲")},
        set(),
    ),
    (
        "accompanies: persons before 陪同 accompany the one who visited when nobody is said to lead",
        "市政协副主席周甲一行来青山县调研。县政协主席何乙、副主席罗丙陪同。",
        [(T, "某市政协副主席", "市政协副主席"), (N, "周甲", "周甲"), (P, "青山县", "青山县"),
         (T, "青山县政协主席", "县政协主席"), (N, "何乙", "何乙"), (T, "青山县政协副主席", "副主席"), (N, "罗丙", "罗丙")],
        {("周甲", "visits", "青山县"), ("何乙", "accompanies", "周甲"), ("罗丙", "accompanies", "周甲")},
        set(),
    ),
    (
        "accompanies: the persons between 在 and 陪同下 accompany the person before 在",
        "市政协主席王甲一行在县委书记陈乙、县长赵丙的陪同下到桃园村调研。",
        [(T, "某市政协主席", "市政协主席"), (N, "王甲", "王甲"), (T, "某县委书记", "县委书记"), (N, "陈乙", "陈乙"),
         (T, "某县县长", "县长"), (N, "赵丙", "赵丙"), (P, "桃园村", "桃园村")],
        {("陈乙", "accompanies", "王甲"), ("赵丙", "accompanies", "王甲"), ("王甲", "visits", "桃园村")},
        {("王甲", "accompanies", "陈乙")},
    ),
    (
        "subOrganOf and positionIn for Party organs",
        "郫都区委组织部部长王甲出席。",
        [(O, "郫都区委", "郫都区委"), (O, "郫都区委组织部", "郫都区委组织部"), (T, "郫都区委组织部部长", "郫都区委组织部部长"),
         (N, "王甲", "王甲")],
        {("郫都区委组织部", "subOrganOf", "郫都区委"), ("郫都区委组织部部长", "positionIn", "郫都区委组织部"),
         ("王甲", "holdsPosition", "郫都区委组织部部长")},
        set(),
    ),
    (
        "guidedBy: 在…的有力指导下, with a list",
        "沂水县政协在县委的领导和省政协、临沂市政协的指导下，搭建“有事来拉家常”平台。",
        [(B, "沂水县政协", "沂水县政协"), (O, "沂水县委", "县委"), (B, "山东省政协", "省政协"), (B, "临沂市政协", "临沂市政协"),
         (F, "有事来拉家常", "有事来拉家常")],
        {("沂水县政协", "guidedBy", "山东省政协"), ("沂水县政协", "guidedBy", "临沂市政协"),
         ("沂水县政协", "runsPlatform", "有事来拉家常")},
        {("沂水县政协", "guidedBy", "沂水县委")},
    ),
    (
        "praises: passive 受到…的高度赞扬, titles folded into the person",
        "东升街道工委组织开展“坝坝会”，受到中央统战部部长尤甲的高度赞扬。",
        [(B, "双流区政协东升街道工委", "东升街道工委"), (F, "坝坝会", "坝坝会"), (O, "中央统战部", "中央统战部"),
         (T, "中央统战部部长", "中央统战部部长"), (N, "尤甲", "尤甲")],
        {("尤甲", "praises", "双流区政协东升街道工委"), ("双流区政协东升街道工委", "runsPlatform", "坝坝会"),
         ("尤甲", "holdsPosition", "中央统战部部长")},
        set(),
    ),
    (
        "praises: 对…给予充分肯定",
        "市政协对我县的做法给予充分肯定。",
        [(B, "信阳市政协", "市政协"), (P, "光山县", "我县")],
        {("信阳市政协", "praises", "光山县")},
        set(),
    ),
    (
        "locatedIn: an event where it is held; a named platform where it is set up",
        "七里河区政协在西津街道开展“委员议事厅里话养老”活动。市中区政协在青衣坝社区设立“知心大姐”委员工作室。",
        [(B, "七里河区政协", "七里河区政协"), (P, "西津街道", "西津街道"), (E, "委员议事厅里话养老活动", "委员议事厅里话养老”活动"),
         (B, "市中区政协", "市中区政协"), (P, "青衣坝社区", "青衣坝社区"), (F, "知心大姐委员工作室", "知心大姐”委员工作室")],
        {("委员议事厅里话养老活动", "locatedIn", "西津街道"), ("七里河区政协", "holdsEvent", "委员议事厅里话养老活动"),
         ("知心大姐委员工作室", "locatedIn", "青衣坝社区"), ("市中区政协", "runsPlatform", "知心大姐委员工作室")},
        set(),
    ),
    (
        "locatedIn: a kind of venue is where it is set up, for each place of a list",
        "县政协在阿村、乙村设立委员工作室。",
        [(B, "建水县政协", "县政协"), (P, "阿村", "阿村"), (P, "乙村", "乙村"), (F, "委员工作室", "委员工作室")],
        {("建水县政协", "runsPlatform", "委员工作室"), ("委员工作室", "locatedIn", "阿村"), ("委员工作室", "locatedIn", "乙村")},
        {("建水县政协", "locatedIn", "阿村")},
    ),
    (
        "locatedIn: a venue before 在 and a place, and a venue written right after its place",
        "“院落议事亭”在九龙社区协商停车难题。东河镇协商议事室聚焦河道清淤。",
        [(F, "院落议事亭", "院落议事亭"), (P, "九龙社区", "九龙社区"), (P, "东河镇", "东河镇"), (F, "协商议事室", "协商议事室"),
         (TP, "河道清淤", "河道清淤")],
        {("院落议事亭", "locatedIn", "九龙社区"), ("协商议事室", "locatedIn", "东河镇")},
        set(),
    ),
    (
        "locatedIn: a meeting held in a place",
        "6月3日，旺苍县政协在东河镇召开“院坝说事”协商会。",
        [(B, "旺苍县政协", "旺苍县政协"), (P, "东河镇", "东河镇"), (E, "院坝说事协商会", "院坝说事”协商会")],
        {("院坝说事协商会", "locatedIn", "东河镇"), ("旺苍县政协", "holdsEvent", "院坝说事协商会")},
        {("旺苍县政协", "locatedIn", "东河镇")},
    ),
    (
        "within: places written side by side, each smaller; a list after the chain shares the parent",
        "委员们来到青川县乔庄镇白岩村。苍溪县陵江镇、歧坪镇建成议事厅。",
        [(P, "青川县", "青川县"), (P, "乔庄镇", "乔庄镇"), (P, "白岩村", "白岩村"), (P, "苍溪县", "苍溪县"),
         (P, "陵江镇", "陵江镇"), (P, "歧坪镇", "歧坪镇")],
        {("乔庄镇", "within", "青川县"), ("白岩村", "within", "乔庄镇"), ("陵江镇", "within", "苍溪县"),
         ("歧坪镇", "within", "苍溪县")},
        {("白岩村", "within", "青川县"), ("苍溪县", "within", "白岩村")},
    ),
    (
        "within: gazetteer places are left to the gazetteer; a zone of unknown level holds a community",
        "四川省广元市的代表来到成都高新区肖家河社区。",
        [(P, "四川省", "四川省"), (P, "广元市", "广元市"), (P, "成都高新区", "成都高新区"), (P, "肖家河社区", "肖家河社区")],
        {("肖家河社区", "within", "成都高新区")},
        {("广元市", "within", "四川省"), ("成都高新区", "within", "广元市")},
    ),
    (
        "within: a town in the county named before it in its sentence",
        "苍溪县政协在陵江镇召开协商会；剑阁县委在歧坪镇调研。",
        [(B, "苍溪县政协", "苍溪县政协"), (P, "苍溪县", "苍溪县"), (P, "剑阁县", "剑阁县"), (O, "剑阁县委", "剑阁县委"),
         (P, "陵江镇", "陵江镇"), (P, "歧坪镇", "歧坪镇")],
        {("陵江镇", "within", "苍溪县"), ("歧坪镇", "within", "剑阁县")},
        {("歧坪镇", "within", "苍溪县")},
    ),
    (
        "within: a town in the story's one county; a village gets no county",
        "旺苍县政协召开常委会议。会后，委员们前往白驿镇、九龙社区。",
        [(B, "旺苍县政协", "旺苍县政协"), (P, "旺苍县", "旺苍县"), (P, "白驿镇", "白驿镇"), (P, "九龙社区", "九龙社区")],
        {("白驿镇", "within", "旺苍县")},
        {("九龙社区", "within", "旺苍县")},
    ),
    (
        "within: with two counties in the story and none in the sentence nothing is assumed",
        "旺苍县政协和苍溪县政协召开联席会议。委员们前往白驿镇。",
        [(B, "旺苍县政协", "旺苍县政协"), (P, "旺苍县", "旺苍县"), (B, "苍溪县政协", "苍溪县政协"), (P, "苍溪县", "苍溪县"),
         (P, "白驿镇", "白驿镇")],
        set(),
        {("白驿镇", "within", "旺苍县"), ("白驿镇", "within", "苍溪县")},
    ),
    (
        "speaksAt and publishedIn",
        "相关做法被《云南政协报》、云南网等媒体报道，并在全州政协工作现场会上作交流发言。",
        [(PB, "云南政协报", "云南政协报"), (PB, "云南网", "云南网"), (E, "全州政协工作现场会", "全州政协工作现场会"),
         (B, "建水县政协", "")],
        {("建水县政协", "publishedIn", "云南政协报"), ("建水县政协", "publishedIn", "云南网"),
         ("建水县政协", "speaksAt", "全州政协工作现场会")},
        set(),
    ),
    (
        "visits: the more specific of two places written together",
        "县政协组织联络组负责人赴驻马店市驿城区学习考察。",
        [(B, "光山县政协", "县政协"), (P, "驻马店市", "驻马店市"), (P, "驿城区", "驿城区")],
        {("光山县政协", "visits", "驿城区")},
        {("光山县政协", "visits", "驻马店市")},
    ),
    (
        "hasQuantity: count after the unit, the speaker body owns it",
        "通过642名委员联系2000余名基层群众，精准选择题目。",
        [(B, "成都市政协", "")],
        {("成都市政协", "hasQuantity", Quantity(642, "委员", "名", False)),
         ("成都市政协", "hasQuantity", Quantity(2000, "群众", "名", True))},
        set(),
    ),
    (
        "hasQuantity: count of the platform before the number; the clause subject owns it",
        "伊宁市政协已建成“石榴籽”委员工作室12个，开展“小微协商”140余次，参与人数1900余人次。",
        [(B, "伊宁市政协", "伊宁市政协"), (F, "石榴籽委员工作室", "石榴籽”委员工作室"), (F, "小微协商", "小微协商")],
        {("伊宁市政协", "hasQuantity", Quantity(12, "石榴籽委员工作室", "个", False)),
         ("伊宁市政协", "hasQuantity", Quantity(140, "小微协商", "次", True)),
         ("伊宁市政协", "hasQuantity", Quantity(1900, "参与人次", "人次", True))},
        set(),
    ),
    (
        "hasQuantity: rates and counts nobody can name are skipped",
        "每个议事厅至少安排5名委员，经过两个多小时的讨论。",
        [(B, "兰州市政协", "")],
        set(),
        {("兰州市政协", "hasQuantity", Quantity(5, "委员", "名", False))},
    ),
    (
        "runsPlatform: a subject before 推动 inside a clause; 把…作为…载体; counts after list members",
        "省政协副主席唐宁对旺苍县政协推动“院坝茶话”向村组延伸给予肯定。剑阁县政协把“古道议事”作为履职载体，建成“古道议事”议事亭12个、委员工作室5个。",
        [(T, "四川省政协副主席", "省政协副主席"), (N, "唐宁", "唐宁"),
         (B, "旺苍县政协", "旺苍县政协"), (F, "院坝茶话", "院坝茶话"), (B, "剑阁县政协", "剑阁县政协"),
         (F, "古道议事", "古道议事"), (F, "议事亭", "议事亭"), (F, "委员工作室", "委员工作室")],
        {("旺苍县政协", "runsPlatform", "院坝茶话"), ("剑阁县政协", "runsPlatform", "古道议事"),
         ("剑阁县政协", "runsPlatform", "议事亭"), ("剑阁县政协", "runsPlatform", "委员工作室"),
         ("唐宁", "praises", "旺苍县政协")},
        set(),
    ),
    (
        "runsPlatform: a body right before a platform runs the first one written after it",
        "认真落实市政协委员工作室建设要求。苍溪县政协“梨乡议事”协商议事会在陵江镇召开。",
        [(B, "广元市政协", "市政协"), (F, "委员工作室", "委员工作室"), (B, "苍溪县政协", "苍溪县政协"),
         (F, "梨乡议事", "“梨乡议事”"), (F, "协商议事会", "协商议事会"), (P, "陵江镇", "陵江镇")],
        {("苍溪县政协", "runsPlatform", "梨乡议事"), ("协商议事会", "locatedIn", "陵江镇"),
         ("广元市政协", "runsPlatform", "委员工作室")},
        {("苍溪县政协", "runsPlatform", "协商议事会")},
    ),
    (
        "runsPlatform: a headline body and a colon",
        "旺苍县政协：“茶山夜话”解民忧",
        [(B, "旺苍县政协", "旺苍县政协"), (F, "茶山夜话", "“茶山夜话”")],
        {("旺苍县政协", "runsPlatform", "茶山夜话")},
        set(),
    ),
    (
        "adoptsMechanism: a body right before its document; 的 after the verb; 的办法是; a long gap with a mention",
        "对照市政协《议事厅建设指引》抓落实。剑阁县政协建立的“回访”机制管用。苍溪县政协的办法是“群众出题、委员答题”。"
        "旺苍县政协建立县政协领导“包村联户”制度。",
        [(B, "广元市政协", "市政协"), (M, "议事厅建设指引", "议事厅建设指引"), (B, "剑阁县政协", "剑阁县政协"),
         (M, "回访机制", "回访”机制"), (B, "苍溪县政协", "苍溪县政协"), (M, "群众出题、委员答题", "群众出题、委员答题"),
         (B, "旺苍县政协", "旺苍县政协"), (B, "旺苍县政协", "县政协"), (M, "包村联户制度", "包村联户”制度")],
        {("广元市政协", "adoptsMechanism", "议事厅建设指引"), ("剑阁县政协", "adoptsMechanism", "回访机制"),
         ("苍溪县政协", "adoptsMechanism", "群众出题、委员答题"), ("旺苍县政协", "adoptsMechanism", "包村联户制度")},
        set(),
    ),
    (
        "locatedIn: a venue 的 its place, 以…形式, and 在 a place then a comma before 召开",
        "东河镇的“河畔议事厅”常有人来。白岩村以“院坝会”形式商量修路。在乔庄镇，委员联络组召开“板凳议事”协商会。",
        [(P, "东河镇", "东河镇"), (F, "河畔议事厅", "河畔议事厅"), (P, "白岩村", "白岩村"), (F, "院坝会", "院坝会"),
         (P, "乔庄镇", "乔庄镇"), (E, "板凳议事协商会", "板凳议事”协商会")],
        {("河畔议事厅", "locatedIn", "东河镇"), ("院坝会", "locatedIn", "白岩村"), ("板凳议事协商会", "locatedIn", "乔庄镇")},
        set(),
    ),
    (
        "visits: 在 a place 调研; a list marker before the subject",
        "市政协主席郑远近日在苍溪调研时表示支持。· 市政协副主席刘禾到旺苍县调研。",
        [(T, "广元市政协主席", "市政协主席"), (N, "郑远", "郑远"), (P, "苍溪县", "苍溪"), (T, "广元市政协副主席", "市政协副主席"),
         (N, "刘禾", "刘禾"), (P, "旺苍县", "旺苍县")],
        {("郑远", "visits", "苍溪县"), ("刘禾", "visits", "旺苍县")},
        set(),
    ),
    (
        "praises: 对 X … 给予肯定 with the subject carried; 被 X 评为; a body before its platform is its owner",
        "省政协副主席唐宁带队到苍溪县调研，对苍溪县政协“梨乡议事”平台建设给予肯定。剑阁县政协被省政协评为先进集体。",
        [(T, "四川省政协副主席", "省政协副主席"), (N, "唐宁", "唐宁"), (P, "苍溪县", "苍溪县"), (B, "苍溪县政协", "苍溪县政协"),
         (F, "梨乡议事", "梨乡议事"), (B, "剑阁县政协", "剑阁县政协"), (B, "四川省政协", "省政协")],
        {("唐宁", "praises", "梨乡议事"), ("四川省政协", "praises", "剑阁县政协"), ("唐宁", "visits", "苍溪县")},
        {("唐宁", "praises", "苍溪县政协")},
    ),
    (
        "holdsPosition: a name followed by its title",
        "会议传达学习了王明德书记的讲话精神。",
        [(N, "王明德", "王明德"), (T, "书记", "书记")],
        {("王明德", "holdsPosition", "书记")},
        set(),
    ),
    (
        "consultsOn: an opening adverbial clause lends its topic to the next clause's subject only when it opens",
        "与会人员就摊位搬迁提出建议，剑阁县商务局当场认领。就河道清淤问题，剑阁县政协组织委员协商。",
        [(TP, "摊位搬迁", "摊位搬迁"), (O, "剑阁县商务局", "剑阁县商务局"), (TP, "河道清淤", "河道清淤"), (B, "剑阁县政协", "剑阁县政协")],
        {("剑阁县政协", "consultsOn", "河道清淤")},
        {("剑阁县商务局", "consultsOn", "摊位搬迁")},
    ),
    (
        "holdsPosition: posts joined by 兼, and a post that is no entity between the posts and the name",
        "市政协副主席兼秘书长罗敏主持。市政协委员、青溪茶业公司总经理罗川发言。",
        [(T, "广元市政协副主席", "市政协副主席"), (T, "广元市政协秘书长", "秘书长"), (N, "罗敏", "罗敏"),
         (T, "广元市政协委员", "市政协委员"), (N, "罗川", "罗川")],
        {("罗敏", "holdsPosition", "广元市政协副主席"), ("罗敏", "holdsPosition", "广元市政协秘书长"),
         ("罗川", "holdsPosition", "广元市政协委员")},
        set(),
    ),
    (
        "consultsOn: a platform of a sentence about consulting consults on its topics",
        "针对锦苑小区停车难、充电难等问题，组织业主开展小微协商4次。",
        [(P, "锦苑小区", "锦苑小区"), (TP, "停车难", "停车难"), (TP, "充电难", "充电难"), (F, "小微协商", "小微协商")],
        {("小微协商", "consultsOn", "停车难"), ("小微协商", "consultsOn", "充电难")},
        set(),
    ),
    (
        "participatesIn: who attended, chaired or spoke at the meeting the report is about",
        "6月3日，广元市政协在苍溪县召开全市政协协商工作推进会。市政协主席郑远出席会议并讲话，市政协副主席罗敏主持。"
        "会上，剑阁县政协、旺苍县政协作交流发言。市委组织部有关负责同志参加会议。",
        [(B, "广元市政协", "广元市政协"), (P, "苍溪县", "苍溪县"), (E, "全市政协协商工作推进会", "全市政协协商工作推进会"),
         (T, "广元市政协主席", "市政协主席"), (N, "郑远", "郑远"), (T, "广元市政协副主席", "市政协副主席"), (N, "罗敏", "罗敏"),
         (B, "剑阁县政协", "剑阁县政协"), (B, "旺苍县政协", "旺苍县政协"), (O, "广元市委组织部", "市委组织部")],
        {("郑远", "participatesIn", "全市政协协商工作推进会"), ("罗敏", "participatesIn", "全市政协协商工作推进会"),
         ("剑阁县政协", "participatesIn", "全市政协协商工作推进会"), ("旺苍县政协", "participatesIn", "全市政协协商工作推进会"),
         ("广元市委组织部", "participatesIn", "全市政协协商工作推进会")},
        set(),
    ),
    (
        "participatesIn: a meeting only mentioned (传达) is not the one attended; a meeting long past neither",
        "会议传达了全省政协工作会议精神。市政协主席郑远出席。",
        [(E, "全省政协工作会议", "全省政协工作会议"), (T, "广元市政协主席", "市政协主席"), (N, "郑远", "郑远")],
        set(),
        {("郑远", "participatesIn", "全省政协工作会议")},
    ),
    (
        "adoptsMechanism: a body that meets for its parent adopts for it; 把…与…衔接",
        "剑阁县政协主席会议对协商成果实行“清单”管理。剑阁县政协把“三事分流”工作法与院坝协商衔接。",
        [(B, "剑阁县政协主席会议", "剑阁县政协主席会议"), (B, "剑阁县政协", "剑阁县政协"), (M, "清单管理", "清单”管理"),
         (M, "三事分流工作法", "三事分流”工作法"), (F, "院坝协商", "院坝协商")],
        {("剑阁县政协", "adoptsMechanism", "清单管理"), ("剑阁县政协", "adoptsMechanism", "三事分流工作法")},
        {("剑阁县政协主席会议", "adoptsMechanism", "清单管理")},
    ),
    (
        "runsPlatform: 推动 a platform",
        "剑阁县政协推动“剑门议事”平台向村组延伸。",
        [(B, "剑阁县政协", "剑阁县政协"), (F, "剑门议事", "剑门议事")],
        {("剑阁县政协", "runsPlatform", "剑门议事")},
        set(),
    ),
    (
        "visits: where the group a person led goes, and who joined the visit",
        "苍溪县政协主席罗明带队到陵江镇调研。考察组走进白鹤村察看村道。旺苍县政协副主席李强也参加了考察。",
        [(T, "苍溪县政协主席", "苍溪县政协主席"), (N, "罗明", "罗明"), (P, "陵江镇", "陵江镇"), (P, "白鹤村", "白鹤村"),
         (T, "旺苍县政协副主席", "旺苍县政协副主席"), (N, "李强", "李强")],
        {("罗明", "leads", "陵江镇"), ("罗明", "visits", "白鹤村"), ("李强", "visits", "白鹤村"), ("李强", "visits", "陵江镇")},
        set(),
    ),
    (
        "visits and praises: a group led by a person (率调研组, no place) is that person in the next sentences",
        "省政协副主席王立新率调研组来我市调研。调研组先后来到青山镇白石村、河口社区。调研组对“暖心议事厅”给予充分肯定。",
        [(T, "省政协副主席", "省政协副主席"), (N, "王立新", "王立新"), (P, "青山镇", "青山镇"), (P, "白石村", "白石村"),
         (P, "河口社区", "河口社区"), (F, "暖心议事厅", "“暖心议事厅”")],
        {("王立新", "visits", "白石村"), ("王立新", "visits", "河口社区"), ("王立新", "praises", "暖心议事厅")},
        set(),
    ),
    (
        "visits: 莅临 a place; 到 a body to inspect it",
        "市政协主席周海一行莅临旺苍县调研。县政协副主席李强到剑阁县政协考察交流。",
        [(T, "市政协主席", "市政协主席"), (N, "周海", "周海"), (P, "旺苍县", "旺苍县"), (T, "县政协副主席", "县政协副主席"),
         (N, "李强", "李强"), (B, "剑阁县政协", "剑阁县政协")],
        {("周海", "visits", "旺苍县"), ("李强", "visits", "剑阁县政协")},
        set(),
    ),
    (
        "visits: a visiting body's group goes on to the next places (no one is said to lead it)",
        "剑阁县政协考察团来旺苍县考察。考察团一行先后来到东河镇、白岩村。",
        [(B, "剑阁县政协", "剑阁县政协"), (P, "旺苍县", "旺苍县"), (P, "东河镇", "东河镇"), (P, "白岩村", "白岩村")],
        {("剑阁县政协", "visits", "旺苍县"), ("剑阁县政协", "visits", "东河镇"), ("剑阁县政协", "visits", "白岩村")},
        set(),
    ),
    (
        "consultsOn: the sentence after a meeting is held speaks of it (与会人员就…; 会议围绕…)",
        "5月8日，乙县政协在白岩村召开“石桥议事”协商议事会。与会人员就灌溉渠修复、机耕道硬化提出建议。"
        "6月，乙县政协召开供水保障专题协商会。会议围绕农村饮水安全开展协商。",
        [(B, "乙县政协", "乙县政协"), (P, "白岩村", "白岩村"), (F, "石桥议事", "“石桥议事”"), (F, "协商议事会", "协商议事会"),
         (TP, "灌溉渠修复", "灌溉渠修复"), (TP, "机耕道硬化", "机耕道硬化"), (E, "供水保障专题协商会", "供水保障专题协商会"),
         (TP, "农村饮水安全", "农村饮水安全")],
        {("协商议事会", "consultsOn", "灌溉渠修复"), ("协商议事会", "consultsOn", "机耕道硬化"),
         ("供水保障专题协商会", "consultsOn", "农村饮水安全")},
        {("石桥议事", "consultsOn", "灌溉渠修复")},
    ),
    (
        "consultsOn: a meeting two sentences back, or with no word of it, gets nothing",
        "乙县政协召开供水保障专题协商会。县政协主席罗明出席。委员们围绕农村饮水安全建言。",
        [(B, "乙县政协", "乙县政协"), (E, "供水保障专题协商会", "供水保障专题协商会"), (T, "县政协主席", "县政协主席"),
         (N, "罗明", "罗明"), (TP, "农村饮水安全", "农村饮水安全")],
        set(),
        {("供水保障专题协商会", "consultsOn", "农村饮水安全")},
    ),
    (
        "praises: 得到了…的肯定; 对…表示满意; 给与; 为…品牌点赞",
        "东河镇“石桥议事”工作得到了市政协主席周海的充分肯定。周海对白岩村协商议事室建设表示满意。"
        "周海对乙县政协的做法给与了高度评价。省政协副主席王立新为乙县政协“邻里圆桌”品牌点赞。",
        [(P, "东河镇", "东河镇"), (F, "石桥议事", "“石桥议事”"), (T, "市政协主席", "市政协主席"), (N, "周海", "周海"),
         (P, "白岩村", "白岩村"), (F, "协商议事室", "协商议事室"), (B, "乙县政协", "乙县政协"),
         (T, "省政协副主席", "省政协副主席"), (N, "王立新", "王立新"), (F, "邻里圆桌", "“邻里圆桌”")],
        {("周海", "praises", "石桥议事"), ("周海", "praises", "协商议事室"), ("周海", "praises", "乙县政协"),
         ("王立新", "praises", "邻里圆桌")},
        set(),
    ),
    (
        "visits: 对…进行走访",
        "县政协主席罗明对所联系的白岩村进行第二轮走访。",
        [(T, "县政协主席", "县政协主席"), (N, "罗明", "罗明"), (P, "白岩村", "白岩村")],
        {("罗明", "visits", "白岩村")},
        set(),
    ),
    (
        "visits: a list of sites whose first is no entity (考察了X产业园、白岩村)",
        "县政协主席罗明先后考察了竹编产业园、白岩村和东河镇。",
        [(T, "县政协主席", "县政协主席"), (N, "罗明", "罗明"), (P, "白岩村", "白岩村"), (P, "东河镇", "东河镇")],
        {("罗明", "visits", "白岩村"), ("罗明", "visits", "东河镇")},
        set(),
    ),
    (
        "visits: a body's group coming later is that body's, not the earlier leader's",
        "县政协副主席李强带队赴剑阁县考察。旺苍县政协考察团来剑阁县考察。考察团一行实地考察了白岩村。",
        [(T, "县政协副主席", "县政协副主席"), (N, "李强", "李强"), (P, "剑阁县", "剑阁县"), (B, "旺苍县政协", "旺苍县政协"),
         (P, "白岩村", "白岩村")],
        {("李强", "visits", "剑阁县"), ("旺苍县政协", "visits", "白岩村")},
        {("李强", "visits", "白岩村")},
    ),
    (
        "participatesIn: who leads a group out to hold an activity takes part in it (带队赴…开展“…”活动)",
        "县政协副主席李强带队赴东河镇开展“委员进楼院”活动。",
        [(T, "县政协副主席", "县政协副主席"), (N, "李强", "李强"), (P, "东河镇", "东河镇"), (E, "委员进楼院活动", "“委员进楼院”活动")],
        {("李强", "participatesIn", "委员进楼院活动"), ("李强", "leads", "东河镇")},
        set(),
    ),
    (
        "visits: 率先 is no leading",
        "县政协主席赵东率先发言。调研组来到青山镇白石村。",
        [(T, "县政协主席", "县政协主席"), (N, "赵东", "赵东"), (P, "青山镇", "青山镇"), (P, "白石村", "白石村")],
        set(),
        {("赵东", "visits", "白石村")},
    ),
    (
        "visits: who comes to 我县 visits the document's one county",
        "天水市政协副主席刘建华来我县调研委员工作室建设。清水县政协主席周平陪同。",
        [(B, "天水市政协", "天水市政协"), (P, "天水市", "天水市"), (T, "天水市政协副主席", "天水市政协副主席"),
         (N, "刘建华", "刘建华"), (F, "委员工作室", "委员工作室"), (B, "清水县政协", "清水县政协"), (P, "清水县", "清水县"),
         (T, "清水县政协主席", "清水县政协主席"), (N, "周平", "周平")],
        {("刘建华", "visits", "清水县")},
        {("刘建华", "visits", "天水市"), ("周平", "visits", "清水县")},
    ),
    (
        "visits: a body or a venue called on (拜访, 走进), not a place only",
        "澳门街坊总会考察团一行拜访了珠海市政协，随后走进“同心议事厅”。",
        [(O, "澳门街坊总会", "澳门街坊总会"), (B, "珠海市政协", "珠海市政协"), (F, "同心议事厅", "“同心议事厅”")],
        {("澳门街坊总会", "visits", "珠海市政协"), ("澳门街坊总会", "visits", "同心议事厅")},
        set(),
    ),
    (
        "visits: 在 a place, a few words, then a verb of inspecting",
        "市政协主席何勇在松林乡开展专题调研。",
        [(T, "市政协主席", "市政协主席"), (N, "何勇", "何勇"), (P, "松林乡", "松林乡")],
        {("何勇", "visits", "松林乡")},
        set(),
    ),
    (
        "praises: 对 a few words before what is praised, 予以 / 表示 肯定",
        "市政协主席陈东对我县政协委员工作室建设予以充分肯定。刘芳对“石桥议事”的做法表示赞赏。",
        [(T, "市政协主席", "市政协主席"), (N, "陈东", "陈东"), (F, "委员工作室", "委员工作室"), (N, "刘芳", "刘芳"),
         (F, "石桥议事", "“石桥议事”")],
        {("陈东", "praises", "委员工作室"), ("刘芳", "praises", "石桥议事")},
        set(),
    ),
    (
        "praises: 得到 someone's 认可; 肯定了",
        "县政协的“石桥议事”得到省政协的高度认可。副省长李伟肯定了县政协的探索。",
        [(B, "甲县政协", "县政协"), (F, "石桥议事", "“石桥议事”"), (B, "乙省政协", "省政协"), (T, "副省长", "副省长"),
         (N, "李伟", "李伟")],
        {("乙省政协", "praises", "甲县政协"), ("李伟", "praises", "甲县政协"), ("甲县政协", "runsPlatform", "石桥议事")},
        set(),
    ),
    (
        "participatesIn: 主持召开; bodies listed before 等N个单位作交流发言",
        "市政协主席赵刚主持召开全市政协系统基层协商经验交流会。会上，甲县政协、乙区政协等6个单位分别作交流发言。",
        [(T, "市政协主席", "市政协主席"), (N, "赵刚", "赵刚"), (B, "丙市政协", "市政协"),
         (E, "全市政协系统基层协商经验交流会", "全市政协系统基层协商经验交流会"), (B, "甲县政协", "甲县政协"), (B, "乙区政协", "乙区政协")],
        {("赵刚", "participatesIn", "全市政协系统基层协商经验交流会"),
         ("甲县政协", "participatesIn", "全市政协系统基层协商经验交流会"),
         ("乙区政协", "participatesIn", "全市政协系统基层协商经验交流会")},
        set(),
    ),
    (
        "participatesIn: 会上, 应邀出席 keep the meeting current past a few sentences; 出席会议的有 lists who attended",
        "县政协召开民生协商座谈会。座谈会历时半天。大家畅所欲言。气氛热烈。效果良好。会上，县委副书记孙丽讲话。"
        "出席会议的有县政协副主席钱多、周全。县委统战部部长马明应邀出席。",
        [(B, "甲县政协", "县政协"), (E, "民生协商座谈会", "民生协商座谈会"), (T, "县委副书记", "县委副书记"), (N, "孙丽", "孙丽"),
         (T, "县政协副主席", "县政协副主席"), (N, "钱多", "钱多"), (N, "周全", "周全"), (T, "县委统战部部长", "县委统战部部长"),
         (N, "马明", "马明")],
        {("孙丽", "participatesIn", "民生协商座谈会"), ("钱多", "participatesIn", "民生协商座谈会"),
         ("周全", "participatesIn", "民生协商座谈会"), ("马明", "participatesIn", "民生协商座谈会")},
        set(),
    ),
    (
        "participatesIn: a meeting held as a named platform; a kind of meeting (…会) has no attendance",
        "县政协在白石村召开“石桥议事”。县政协副主席田明主持，县民政局有关负责同志参加。"
        "镇里随后召开协商议事会。镇长吴江主持。",
        [(B, "甲县政协", "县政协"), (P, "白石村", "白石村"), (F, "石桥议事", "“石桥议事”"), (T, "县政协副主席", "县政协副主席"),
         (N, "田明", "田明"), (O, "甲县民政局", "县民政局"), (F, "协商议事会", "协商议事会"), (T, "镇长", "镇长"), (N, "吴江", "吴江")],
        {("田明", "participatesIn", "石桥议事"), ("甲县民政局", "participatesIn", "石桥议事")},
        {("吴江", "participatesIn", "协商议事会"), ("吴江", "participatesIn", "石桥议事")},
    ),
    (
        "consultsOn: the meeting a sentence holds consults, not the venue it is held at nor a campaign after 围绕",
        "县政协在白石村委员工作室召开“石桥议事”协商会，围绕“百村振兴行动”，聚焦停车难开展协商。",
        [(B, "甲县政协", "县政协"), (P, "白石村", "白石村"), (F, "委员工作室", "委员工作室"), (F, "石桥议事", "“石桥议事”"),
         (E, "百村振兴行动", "“百村振兴行动”"), (TP, "停车难", "停车难")],
        {("石桥议事", "consultsOn", "停车难")},
        {("委员工作室", "consultsOn", "停车难"), ("百村振兴行动", "consultsOn", "停车难")},
    ),
    (
        "consultsOn: a topic a forum of the sentence consults on is not also the unwritten speaker body's",
        "今年以来，在白石村召开“石桥议事”，围绕停车难开展协商。",
        [(B, "乙县政协", ""), (P, "白石村", "白石村"), (F, "石桥议事", "“石桥议事”"), (TP, "停车难", "停车难")],
        {("石桥议事", "consultsOn", "停车难")},
        {("乙县政协", "consultsOn", "停车难")},
    ),
    (
        "adoptsMechanism: a mechanism named after a body's written form, or after a place and the body",
        "中共阜宁县委出台意见。全县落实《中共阜宁县委关于加强政协工作的实施意见》和《湖州市吴兴区政协议事厅管理办法》。吴兴区政协表示支持。",
        [(O, "阜宁县委", "中共阜宁县委"), (M, "中共阜宁县委关于加强政协工作的实施意见", "中共阜宁县委关于加强政协工作的实施意见"),
         (M, "湖州市吴兴区政协议事厅管理办法", "湖州市吴兴区政协议事厅管理办法"), (B, "吴兴区政协", "吴兴区政协"),
         (P, "湖州市", "湖州市"), (P, "吴兴区", "吴兴区")],
        {("阜宁县委", "adoptsMechanism", "中共阜宁县委关于加强政协工作的实施意见"),
         ("吴兴区政协", "adoptsMechanism", "湖州市吴兴区政协议事厅管理办法")},
        set(),
    ),
    (
        "participatesIn: a meeting written as what is held (…推进会召开) is the one attended after it",
        "白石县“石桥议事”工作推进会召开。县委副书记孙丽出席并讲话。",
        [(E, "石桥议事工作推进会", "“石桥议事”工作推进会"), (T, "县委副书记", "县委副书记"), (N, "孙丽", "孙丽")],
        {("孙丽", "participatesIn", "石桥议事工作推进会")},
        set(),
    ),
    (
        "holdsEvent, speaksAt, participatesIn: 承办 a meeting; 在…上, a body speaks; 带领…开展 an activity",
        "县政协承办全市政协工作推进会。在全市政协工作推进会上，县政协作交流发言。县政协主席钱多带领委员开展“委员进村”活动。",
        [(B, "甲县政协", "县政协"), (E, "全市政协工作推进会", "全市政协工作推进会"), (B, "甲县政协", "县政协"),
         (E, "全市政协工作推进会", "全市政协工作推进会"), (B, "甲县政协", "县政协"), (T, "县政协主席", "县政协主席"),
         (N, "钱多", "钱多"), (E, "委员进村活动", "“委员进村”活动")],
        {("甲县政协", "holdsEvent", "全市政协工作推进会"), ("甲县政协", "speaksAt", "全市政协工作推进会"),
         ("钱多", "participatesIn", "委员进村活动")},
        set(),
    ),
    (
        "runsPlatform: 成立 / 开设 a platform",
        "去年，县政协在白石村成立“石桥议事会”，今年又开设“网上议事厅”。",
        [(B, "甲县政协", "县政协"), (P, "白石村", "白石村"), (F, "石桥议事会", "“石桥议事会”"), (F, "网上议事厅", "“网上议事厅”")],
        {("甲县政协", "runsPlatform", "石桥议事会"), ("甲县政协", "runsPlatform", "网上议事厅")},
        set(),
    ),
    (
        "praises: a speaker's judgement without a verb of praise (表示，X…务实管用; a place's platform: the platform); not a call or a plan (要…, 将…)",
        "县政协主席方明表示，白鹭镇的做法务实管用。王刚认为，松溪村的“院坝夜话”形式新颖、效果明显。"
        "方明指出，青山镇要进一步做好协商工作。王刚表示，县政协将继续支持河口社区形成可复制的经验。",
        [(T, "县政协主席", "县政协主席"), (N, "方明", "方明"), (P, "白鹭镇", "白鹭镇"), (N, "王刚", "王刚"),
         (F, "院坝夜话", "“院坝夜话”"), (P, "青山镇", "青山镇"), (B, "甲县政协", "县政协"), (P, "河口社区", "河口社区"),
         (P, "松溪村", "松溪村")],
        {("方明", "praises", "白鹭镇"), ("王刚", "praises", "院坝夜话")},
        {("方明", "praises", "青山镇"), ("王刚", "praises", "甲县政协"), ("王刚", "praises", "河口社区"),
         ("王刚", "praises", "松溪村")},
    ),
    (
        "visits: a body does not visit the place it is located in (a short form resolved to the wrong body)",
        "市政协领导先后到青山县、石门市调研。",
        [(B, "石门市政协", "市政协"), (P, "青山县", "青山县"), (P, "石门市", "石门市")],
        {("石门市政协", "visits", "青山县")},
        {("石门市政协", "visits", "石门市")},
    ),
    (
        "visits: a title of no organ before the name leaves the person in subject position",
        "副主席李强来到松溪村。秘书长、副主任赵敏随后走访了桃园村。",
        [(N, "李强", "李强"), (P, "松溪村", "松溪村"), (N, "赵敏", "赵敏"), (P, "桃园村", "桃园村")],
        {("李强", "visits", "松溪村"), ("赵敏", "visits", "桃园村")},
        set(),
    ),
    (
        "runsPlatform: 的 a named platform; 打造的; 由…打造",
        "县政协的“石桥议事”在全县推开。市政协打造的“河畔议事”覆盖全市。“邻里圆桌”由区政协牵头打造。",
        [(B, "甲县政协", "县政协"), (F, "石桥议事", "“石桥议事”"), (B, "乙市政协", "市政协"), (F, "河畔议事", "“河畔议事”"),
         (B, "丙区政协", "区政协"), (F, "邻里圆桌", "“邻里圆桌”")],
        {("甲县政协", "runsPlatform", "石桥议事"), ("乙市政协", "runsPlatform", "河畔议事"),
         ("丙区政协", "runsPlatform", "邻里圆桌")},
        set(),
    ),
]

SPEAKERS = {"adoptsMechanism: subject dropped, the document's speaker body": "癸市政协",
            "hasQuantity: count after the unit, the speaker body owns it": "成都市政协",
            "hasQuantity: rates and counts nobody can name are skipped": "兰州市政协",
            "runsPlatform: a place as subject blocks the speaker body": "辛县政协",
            "speaksAt and publishedIn": "建水县政协",
            "consultsOn: a topic a forum of the sentence consults on is not also the unwritten speaker body's": "乙县政协"}


@pytest.mark.parametrize(("name", "text", "specs", "expected", "unexpected"), CASES, ids=[c[0] for c in CASES])
def test_relation_patterns(name: str, text: str, specs: list[Spec], expected: set[Triple], unexpected: set[Triple]) -> None:
    found = triples(build(text, specs, speaker=SPEAKERS.get(name)))
    assert expected <= found, f"missing {expected - found}; got {sorted(map(str, found))}"
    assert not (unexpected & found), f"unexpected {unexpected & found}"


def test_speaker_must_be_an_entity_of_the_document() -> None:
    found = triples(build("二是优化精准选题机制。", [(M, "精准选题机制", "精准选题机制")], speaker="某市政协"))
    assert found == set()


def test_report_opening_names_the_speaker_body() -> None:
    text = "丙县政协2023年基层协商工作总结\n全年开展各类协商活动150余次。"
    found = triples(build(text, [(B, "丙县政协", "丙县政协")]))
    assert ("丙县政协", "hasQuantity", Quantity(150, "协商活动", "次", True)) in found


def test_report_byline_after_the_speech_title() -> None:
    text = "搭建“有事来拉家常”平台\n——在山东省政协基层协商工作经验交流会上的发言\n沂水县政协\n全年开展协商活动300余场次。"
    specs = [(B, "山东省政协", "山东省政协"), (E, "基层协商工作经验交流会", "基层协商工作经验交流会"), (B, "沂水县政协", "沂水县政协")]
    found = triples(build(text, specs))
    assert ("沂水县政协", "hasQuantity", Quantity(300, "协商活动", "场次", True)) in found
    assert ("沂水县政协", "speaksAt", "基层协商工作经验交流会") in found
    assert not [t for t in found if t[0] == "山东省政协" and t[1] != "holdsEvent"]


def test_speech_byline_names_the_body_and_the_speaker() -> None:
    """A post and a name under "——在…上的发言": the post's body is the document's, the person spoke."""
    text = "让协商走进院坝\n——在全市政协协商工作推进会上的交流发言\n剑阁县政协党组书记、主席　罗川\n我们建立“院坝议事”机制。"
    specs = [(E, "全市政协协商工作推进会", "全市政协协商工作推进会"), (T, "剑阁县政协党组书记", "剑阁县政协党组书记"),
             (T, "剑阁县政协主席", "主席"), (N, "罗川", "罗川"), (B, "剑阁县政协", ""), (B, "剑阁县政协党组", ""),
             (M, "院坝议事机制", "院坝议事”机制")]
    found = triples(build(text, specs))
    assert {("剑阁县政协", "speaksAt", "全市政协协商工作推进会"), ("罗川", "speaksAt", "全市政协协商工作推进会"),
            ("剑阁县政协", "adoptsMechanism", "院坝议事机制")} <= found


def test_headline_body_and_acting_organ() -> None:
    """A headline "BODY：…" names the document's body; a standing committee's report speaks for the CPPCC."""
    found = triples(build("剑阁县政协：念好协商经\n二是建立“回访”机制。", [(B, "剑阁县政协", "剑阁县政协"), (M, "回访机制", "回访”机制")]))
    assert ("剑阁县政协", "adoptsMechanism", "回访机制") in found
    text = "政协剑阁县委员会常务委员会2024年工作报告\n一是建立“回访”机制。"
    specs = [(B, "剑阁县政协常委会", "政协剑阁县委员会常务委员会"), (B, "剑阁县政协", ""), (M, "回访机制", "回访”机制")]
    assert ("剑阁县政协", "adoptsMechanism", "回访机制") in triples(build(text, specs))


def test_a_clause_opening_with_people_of_no_entity_has_its_own_subject() -> None:
    # …介绍了情况，大家提出了8条建议: the 8 suggestions are not the bureaus' (nothing carried past 大家)
    text = "会上，甲县住建局、甲县交通局介绍了情况，大家提出了8条意见建议。甲县住建局今年开展协商12次。"
    found = build(text, [(O, "甲县住建局", "甲县住建局"), (O, "甲县交通局", "甲县交通局")])
    counts = {(r.subject[1], r.object.value) for r in found if isinstance(r.object, Quantity)}
    assert ("甲县住建局", 12) in counts
    assert not any(value == 8 for _, value in counts), counts


def test_dedupe_keeps_the_first_evidence_and_order_is_stable() -> None:
    text = "丁市政协搭建“好商量”平台。丁市政协依托“好商量”平台开展协商。"
    specs = [(B, "丁市政协", "丁市政协"), (F, "好商量", "好商量")]
    first = build(text, specs)
    runs = [r for r in first if r.predicate == "runsPlatform"]
    assert len(runs) == 1 and runs[0].sentence == 0
    assert first == build(text, specs)


def test_a_body_is_located_in_the_innermost_place_its_name_holds() -> None:
    """Even where the name is written only inside a title or in full elsewhere, and never in a place the
    body does not name (the pattern 在…召开 gives no body a place)."""
    text = "成都市政协在成都市召开会议。德阳市政协党组成员王立出席。中共旌阳区委、旌阳区政协孝泉镇工委参加。"
    specs = [(B, "成都市政协", "成都市政协"), (P, "成都市", "成都市"), (B, "德阳市政协", "德阳市政协"), (P, "德阳市", "德阳市"),
             (B, "德阳市政协党组", "德阳市政协党组"), (O, "中共旌阳区委", "中共旌阳区委"), (P, "旌阳区", "旌阳区"),
             (B, "旌阳区政协孝泉镇工委", "旌阳区政协孝泉镇工委"), (P, "孝泉镇", "孝泉镇")]
    found = triples(build(text, specs))
    located = {t for t in found if t[1] == "locatedIn"}
    assert located == {("成都市政协", "locatedIn", "成都市"), ("德阳市政协", "locatedIn", "德阳市"),
                       ("德阳市政协党组", "locatedIn", "德阳市"), ("中共旌阳区委", "locatedIn", "旌阳区"),
                       ("旌阳区政协孝泉镇工委", "locatedIn", "孝泉镇")}
    assert not {t for t in found if t[1] == "within"}


def test_place_of_a_body_named_only_in_metadata_has_no_sentence() -> None:
    text = "旌阳区政协召开协商会。"
    body = Entity("CPPCCBody", "旌阳区政协办公室", {"区政协办公室"}, attrs={"source": "metadata"})
    place = Entity("Place", "旌阳区", {"旌阳区"}, [Mention(0, 3, "旌阳区", 0)], {"level": "county"})
    doc = Document(id="t", source="t", text=text, norm=text)
    found = find_relations(doc, split_sentences(text), [body, place])
    assert Relation(body.key, "locatedIn", place.key, -1) in found


def test_known_place_of_a_body_gives_way_to_the_place_in_its_name() -> None:
    text = "旌阳区政协孝泉镇工委召开协商会。"
    body = Entity("CPPCCBody", "旌阳区政协孝泉镇工委", mentions=[Mention(0, 10, text[:10], 0)])
    county = Entity("Place", "旌阳区", mentions=[Mention(0, 3, "旌阳区", 0)], attrs={"level": "county"})
    town = Entity("Place", "孝泉镇", mentions=[Mention(5, 8, "孝泉镇", 0)], attrs={"level": "town"})
    known = [Relation(body.key, "locatedIn", county.key, 0), Relation(county.key, "within", ("Place", "德阳市"), -1)]
    doc = Document(id="t", source="t", text=text, norm=text)
    found = find_relations(doc, split_sentences(text), [body, county, town], known)
    assert Relation(body.key, "locatedIn", town.key, 0) in found and known[1] in found
    assert known[0] not in found


# ---------------------------------------------------------------------------------------------------
# Numbers and counts

NUMBERS = [("1900", 1900), ("1.2万", 12000), ("两千", 2000), ("十", 10), ("十二", 12), ("三百五十", 350),
           ("一万二千", 12000), ("２０", 20), ("三", 3)]


@pytest.mark.parametrize(("text", "value"), NUMBERS)
def test_parse_number(text: str, value: int) -> None:
    assert parse_number(text) == value


@pytest.mark.parametrize("text", ["万", "千", "abc", ""])
def test_parse_number_rejects_non_numerals(text: str) -> None:
    with pytest.raises(ValueError):
        parse_number(text)


COUNTS = [
    ("开展十余次协商活动", Quantity(10, "协商活动", "次", True)),
    ("收集意见建议400余条", Quantity(400, "意见建议", "条", True)),
    ("近30名村民代表参加", Quantity(30, "村民代表", "名", False)),
    ("参与群众1.2万人次", Quantity(12000, "参与人次", "人次", False)),
    ("共有860名以上政协委员", Quantity(860, "委员", "名", True)),
    ("全县286名县政协委员", Quantity(286, "委员", "名", False)),
]


@pytest.mark.parametrize(("text", "quantity"), COUNTS)
def test_find_counts(text: str, quantity: Quantity) -> None:
    assert [c.quantity for c in find_counts(text)] == [quantity]


@pytest.mark.parametrize("text", ["编入14个委员工作小组", "经过两个多小时", "2023年", "宽3.5米", "每人每年至少领办2个议题"])
def test_find_counts_skips_non_counts(text: str) -> None:
    assert find_counts(text) == []


def test_count_inside_a_mention_is_no_count() -> None:
    text = "按照“一个联络组、三名副主席挂点”的要求"
    start = text.index("一个")
    assert find_counts(text, 0, [(start, start + 15, "一个联络组、三名副主席挂点")]) == []


# ---------------------------------------------------------------------------------------------------
# Data files


def test_every_pattern_compiles_and_names_known_types() -> None:
    loaded = tables.patterns()
    assert loaded and all(p.has_subject or p.has_object for p in loaded)


def test_bad_pattern_file_names_file_and_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / tables.PATTERNS_FILE).write_text("# header\nrunsPlatform\tCPPCCBody\tPlatform\t搭建({O}\n", "utf-8")
    monkeypatch.setattr(tables, "DATA_DIR", tmp_path)
    tables.patterns.cache_clear()
    try:
        with pytest.raises(ConfigError, match=r"relation_patterns.tsv, line 2"):
            tables.patterns()
    finally:
        tables.patterns.cache_clear()


def test_unknown_type_in_pattern_file_is_a_config_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / tables.PATTERNS_FILE).write_text("runsPlatform\tBody\tPlatform\t搭建{O}\n", "utf-8")
    monkeypatch.setattr(tables, "DATA_DIR", tmp_path)
    tables.patterns.cache_clear()
    try:
        with pytest.raises(ConfigError, match="unknown entity type"):
            tables.patterns()
    finally:
        tables.patterns.cache_clear()


def test_counted_side_must_be_known() -> None:
    assert quantities._counted_nouns().after["委员"] == "委员"


# ---------------------------------------------------------------------------------------------------
# End to end on the seed sample (real ingest + entity extraction)

SEED = CORPUS / "2021-sichuan-youshilaixieshang-conference-speeches.txt"


def test_seed_sample_end_to_end() -> None:
    from kg.extract import extract_document
    from kg.ingest import read_documents

    found: set[Triple] = set()
    names: set[tuple[str, str]] = set()
    for doc in read_documents(SEED):
        extraction = extract_document(doc)
        found |= triples(extraction.relations)
        names |= {e.key for e in extraction.entities}
    position = next((n for t, n in names if t == "Position" and n.endswith("省委书记")), "四川省委书记")
    for needed in [("CPPCCBody", "双流区政协"), ("Platform", "有事来协商众事好商量"), ("CPPCCBody", "崇州市政协"),
                   ("Platform", "小微协商"), ("Person", "彭清华"), ("Person", "尤权"),
                   ("CPPCCBody", "双流区政协东升街道工委"), ("CPPCCBody", "成都市政协")]:
        assert needed in names, f"entity extraction does not give {needed}"
    assert ("双流区政协", "runsPlatform", "有事来协商众事好商量") in found
    assert ("崇州市政协", "runsPlatform", "小微协商") in found
    assert ("彭清华", "holdsPosition", position) in found
    assert ("尤权", "praises", "双流区政协东升街道工委") in found
    assert ("双流区政协东升街道工委", "subOrganOf", "双流区政协") in found
    assert ("成都市政协", "hasQuantity", Quantity(642, "委员", "名", False)) in found
    assert any(
        t[1] == "hasQuantity" and isinstance(t[2], Quantity) and t[2].counted == "小微协商"
        and t[2].value == 140 and t[2].at_least
        for t in found
    )


def test_quoted_platform_before_an_event_word_stays_the_platform() -> None:
    """“委员议事厅”专题协商会: the quoted part is the platform, not a second name of the event, so what the
    sentence says reaches both (end to end, entities from the real extractor)."""
    from kg.extract import extract_text

    result = extract_text("剑阁县政协在普安镇举行“委员议事厅”专题协商会，就古镇停车难开展协商。")
    events = [e for e in result.entities if e.type == "Event"]
    platforms = {e.name for e in result.entities if e.type == "Platform"}
    assert "委员议事厅" in platforms
    assert events and not any(platforms & {a.strip("“”") for a in e.aliases} for e in events)
    found = triples(result.relations)
    assert {("委员议事厅", "locatedIn", "普安镇"), ("剑阁县政协", "runsPlatform", "委员议事厅"),
            ("普安镇", "within", "剑阁县")} <= found


def test_page_lines_give_relations_without_evidence_sentence() -> None:
    """A page's footer and related-news headlines (Document.page) state relations too: they come with no
    sentence (-1), and a relation the article states keeps the article's sentence."""
    from kg.extract import extract_document

    text = "剑阁县政协召开协商会，围绕古镇停车难开展协商。"
    page = "相关新闻\n· 广元市政协主席郑远到旺苍县调研委员工作室建设\n主办单位：剑阁县政协办公室　地址：广元市剑阁县普安镇"
    found = {(r.subject[1], r.predicate, r.object[1] if isinstance(r.object, tuple) else r.object): r.sentence
             for r in extract_document(Document(id="t", source="t", text=text, norm=text, page=page)).relations}
    assert found[("郑远", "visits", "旺苍县")] == -1
    assert found[("普安镇", "within", "剑阁县")] == -1
    assert found[("剑阁县政协办公室", "subOrganOf", "剑阁县政协")] == -1
    assert found[("剑阁县政协", "locatedIn", "剑阁县")] == 0
