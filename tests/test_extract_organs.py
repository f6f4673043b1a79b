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
    ("射洪市政协召开常委会。会议决定，成立“有事来协商”工作领导小组。", "射洪市政协“有事来协商”工作领导小组", ""),
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
