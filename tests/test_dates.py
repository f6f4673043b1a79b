"""Tests for kg.ingest.dates (time expressions and what they mean) and the document dates kg.ingest reads.

Every sentence here is made up, in the shapes local papers, county CPPCC sites and speeches use.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.errors import ConfigError
from kg.ingest import dates, read_documents
from kg.ingest.dates import date_only, find_times, full_date, parse_date, resolve

# (text, anchor (the document's date), expected (start, end) of the first time expression, or None)
RESOLVED = [
    ("2024年5月16日，县政协召开协商会", None, ("2024-05-16", None)),
    ("2024-05-16 09:30", None, ("2024-05-16", None)),
    ("2024/5/16", None, ("2024-05-16", None)),
    ("2024.05.16", None, ("2024-05-16", None)),
    ("２０２４年５月１６日", None, ("2024-05-16", None)),
    ("二〇二一年三月十五日", None, ("2021-03-15", None)),
    ("二○二二年十二月", None, ("2022-12", None)),
    ("2023年12月", None, ("2023-12", None)),
    ("2023年，县政协开展协商", None, ("2023", None)),
    ("5月16日上午，镇政协工作组", "2024-05-17", ("2024-05-16", None)),
    ("5月16日上午", None, None),
    ("12月28日，市政协", "2024-01-05", ("2023-12-28", None)),
    ("7日召开", "2024-03-08", ("2024-03-07", None)),
    ("28日召开", "2024-03-02", ("2024-02-28", None)),
    ("昨日，区政协", "2024-03-01", ("2024-02-29", None)),
    ("昨天下午", "2024-01-01", ("2023-12-31", None)),
    ("今天上午", "2024-06-21", ("2024-06-21", None)),
    ("昨日", "2024-06", None),
    ("昨（十三）日在横琴", "2023-05-14", ("2023-05-13", None)),
    ("今(14)日", "2023-05-14", ("2023-05-14", None)),
    ("今年5月", "2023-09-14", ("2023-05", None)),
    ("今年4月8日", "2023-09-14", ("2023-04-08", None)),
    ("去年10月", "2023-09-14", ("2022-10", None)),
    ("去年", "2023-09-14", ("2022", None)),
    ("上月", "2023-01-14", ("2022-12", None)),
    ("近日，县政协", "2023-09-14", None),
    ("日前，市政协", "2023-09-14", None),
    ("6月8日至9日，省政协调研组", "2024-06-12", ("2024-06-08", "2024-06-09")),
    ("5月28日至6月2日", "2024-06-12", ("2024-05-28", "2024-06-02")),
    ("2023年5月至7月", None, ("2023-05", "2023-07")),
    ("2019年至2021年", None, ("2019", "2021")),
    ("2023年2月30日", None, None),
]


@pytest.mark.parametrize("text,anchor,expected", RESOLVED)
def test_time_expressions_resolve_against_the_document_date(text: str, anchor: str | None, expected) -> None:
    found = find_times(text)
    assert found, text
    assert resolve(found[0], anchor) == expected


# (text, role of its first time expression)
ROLES = [
    ("2021年以来，县政协累计开展协商", "since"),
    ("今年以来，全县", "since"),
    ("自2022年5月起，每月一次", "since"),
    ("5月8日后，工作组", "after"),
    ("6月底前完成", "before"),
    ("截至11月底，该平台", "until"),
    ("到2025年，实现全覆盖", "until"),
    ("3月14日前往吴兴区", "point"),
    ("3月14日，市政协", "point"),
]


@pytest.mark.parametrize("text,role", ROLES)
def test_role_tells_points_from_period_bounds(text: str, role: str) -> None:
    assert find_times(text)[0].role == role


NOT_DATES = ["15日内办结", "3日左右", "九十年代", "一月一协商、一季一督办", "蜀ICP备2021-1号", "每月5日", "第3日", "共商量了3个月"]


@pytest.mark.parametrize("text", NOT_DATES)
def test_numbers_that_are_not_dates(text: str) -> None:
    assert find_times(text) == []


def test_context_year_wins_over_the_anchor() -> None:
    found = find_times("3月，开展委员培训")
    assert resolve(found[0], "2025-01-08") == ("2025-03", None)
    assert resolve(found[0], "2025-01-08", context="2024") == ("2024-03", None)


def test_offsets_hold_with_full_width_digits() -> None:
    text = "会议于２０２４年５月１６日召开"
    (expr,) = find_times(text)
    assert text[expr.start : expr.end] == "２０２４年５月１６日"


@pytest.mark.parametrize(
    "text,iso",
    [("（2023年12月）", "2023-12"), ("2021年6月2日", "2021-06-02"), ("（二〇二二年七月二十二日）", "2022-07-22"),
     ("2021年6月2日在会上", None), ("（6月2日）", None), ("（今年6月）", None),
     ("（  二〇二二 年 十二 月 三十一 日  ）", "2022-12-31"),
     ("2021年6月2日，县政协召开有事来协商推进会，会议由县政协主席主持，委员代表作了交流发言。", None)],
)
def test_date_only(text: str, iso: str | None) -> None:
    assert date_only(text) == iso


def test_parse_and_full_date() -> None:
    assert parse_date("更新时间：2023年12月") == "2023-12"
    assert full_date("更新时间：2023年12月") is None
    assert full_date("2023年5月14日　星期日　某某日报　A05") == "2023-05-14"
    assert parse_date("近日，县政协召开会议") is None


def test_bad_time_words_file_names_file_and_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "time_words.tsv").write_text("# kind\tword\tvalue\nday\t昨日\tminus one\n", encoding="utf-8")
    monkeypatch.setattr(dates, "DATA_DIR", tmp_path)
    dates.time_words.cache_clear()
    try:
        with pytest.raises(ConfigError, match=r"time_words.tsv, line 2"):
            dates.time_words()
    finally:
        dates.time_words.cache_clear()


# ---------------------------------------------------------------------------- document dates

BODY = "县政协在龙溪社区召开协商议事会，围绕背街小巷停车难开展协商，居民代表30余人参加。\n"

# (the lines around the body, the document's date)
DOCUMENTS = [
    ("县政协召开协商议事会\n发布时间：2024-05-16 09:30　来源：县政协办公室\n\n{body}", "2024-05-16"),
    ("县政协召开协商议事会\n发布日期：2024年05月16日\n\n{body}", "2024-05-16"),
    ("县政协召开协商议事会\n时间：2024/5/16\n\n{body}", "2024-05-16"),
    ("县政协召开协商议事会\n2024-05-16 17:05 来源：县融媒体中心\n\n{body}", "2024-05-16"),
    ("县政协召开协商议事会\n某某网 2024-05-16 17:42:15 来源：某某网\n\n{body}", "2024-05-16"),
    ("县政协召开协商议事会\n2024年05月16日 08:37 | 作者：王某 | 来源：某某网 分享到：\n\n{body}", "2024-05-16"),
    ("县政协召开协商议事会\n2024年5月16日　星期四　某某日报　A05版\n\n{body}", "2024-05-16"),
    ("县政协常委会工作报告\n——2025年1月8日在政协某某县第九届委员会第三次会议上\n\n{body}", "2025-01-08"),
    ("在协商工作推进会上的发言\n（二〇二五年一月八日）\n\n{body}", "2025-01-08"),
    ("县政协召开协商议事会\n\n{body}\n（某某日报 2024年5月16日 记者 王丽娟）\n", "2024-05-16"),
    ("县政协召开协商议事会\n（某某日报 2024年5月16日 记者 王丽娟）\n\n{body}", "2024-05-16"),
    ("县政协召开协商议事会\n\n{body}\n（来源：某某政协报 2025-01-10）\n", "2025-01-10"),
    ("县政协召开协商议事会\n\n本报讯 2024年5月16日，{body}", "2024-05-16"),
    ("县政协召开协商议事会\n\n本报讯 5月16日，{body}", None),
    ("县政协召开协商议事会\n\n2021年以来，{body}", None),
]


@pytest.mark.parametrize("text,date", DOCUMENTS)
def test_document_date_in_any_common_form(tmp_path: Path, text: str, date: str | None) -> None:
    path = tmp_path / "a.txt"
    path.write_text(text.format(body=BODY), encoding="utf-8")
    (document,) = read_documents(path)
    assert document.date == date


def test_publishing_line_wins_over_a_date_in_the_byline(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text(f"县政协召开协商议事会\n发布时间：2024-05-17\n\n{BODY}\n（来源：某某政协报 2024-05-20）\n", encoding="utf-8")
    (document,) = read_documents(path)
    assert document.date == "2024-05-17"
