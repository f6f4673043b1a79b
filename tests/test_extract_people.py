"""People announced by role and profession words, with the posts written before them (kg.extract.people)."""

from __future__ import annotations

import pytest

from kg.extract import extract_text


def _names(text: str) -> set[tuple[str, str]]:
    return {(e.type, e.name) for e in extract_text(text).entities if e.mentions}


ROLE_WORDS = [
    # (text, person, post or "")
    ("资阳市政协在安岳县召开协商会。村民代表周德明说：“路修好了就好。”", "周德明", ""),
    ("威远县政协召开协商会。县政协委员、内江某设计院工程师陈晓丽建议增设路灯。", "陈晓丽", "威远县政协委员"),
    ("平昌县政协召开协商会。县政协委员、某企业负责人吴俊建议分步实施。", "吴俊", "平昌县政协委员"),
    ("射洪市政协召开协商会。市政协委员、农艺师唐雪梅建议统一管护。", "唐雪梅", "射洪市政协委员"),
]


@pytest.mark.parametrize(("text", "person", "post"), ROLE_WORDS)
def test_person_after_a_role_word_with_the_post_before(text: str, person: str, post: str) -> None:
    found = _names(text)
    assert ("Person", person) in found
    assert not post or ("Position", post) in found


def test_dictionary_word_after_a_title_is_no_name() -> None:
    found = _names("剑阁县政协成立工作领导小组，由县政协主席任组长。")
    assert not any(t == "Person" for t, _ in found)
