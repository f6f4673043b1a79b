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
