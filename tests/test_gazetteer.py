from __future__ import annotations

import pytest

from kg.gazetteer import gazetteer, short_form

CODES = [("成都市", "510100", "city"), ("四川省", "510000", "province"), ("郫都区", "510117", "county")]


@pytest.mark.parametrize(("name", "code", "level"), CODES)
def test_official_codes(name: str, code: str, level: str) -> None:
    (division,) = gazetteer().lookup(name)
    assert (division.code, division.level) == (code, level)


def test_parent_chain_up_to_province() -> None:
    g = gazetteer()
    assert [d.name for d in g.chain(g.lookup("郫都区")[0].code)] == ["郫都区", "成都市", "四川省"]


@pytest.mark.parametrize(("name", "level", "short"), [("四川省", "province", "四川"), ("内蒙古自治区", "province", "内蒙古"),
                                                     ("成都市", "city", "成都"), ("伊犁哈萨克自治州", "city", None)])
def test_short_forms(name: str, level: str, short: str | None) -> None:
    assert short_form(name, level) == short


def test_shared_county_name_has_several_divisions() -> None:
    assert len(gazetteer().lookup("朝阳区")) >= 2


@pytest.mark.parametrize(("district", "municipality"), [("东城区", "北京市"), ("渝中区", "重庆市"), ("浦东新区", "上海市")])
def test_municipality_districts_lie_directly_in_the_municipality(district: str, municipality: str) -> None:
    g = gazetteer()
    (division,) = g.lookup(district)
    assert [d.name for d in g.chain(division.code)] == [district, municipality]
    assert [d.level for d in g.lookup(municipality)] == ["province"]


def test_no_division_lies_in_one_of_the_same_name() -> None:
    g = gazetteer()
    repeats = [code for code in g.by_code if len({d.name for d in g.chain(code)}) < len(g.chain(code))]
    assert repeats == []


def test_a_written_municipality_district_gives_no_place_within_itself() -> None:
    from kg.extract import extract_text

    within = [(r.subject[1], r.object[1]) for r in extract_text("北京市东城区政协委员到社区调研").relations
              if r.predicate == "within"]
    assert ("东城区", "北京市") in within
    assert all(inner != outer for inner, outer in within)
