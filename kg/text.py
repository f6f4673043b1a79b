"""Characters and function words of written Chinese that the stages share, kept in one place; the words of
the domain (titles, organ heads, endings, stoplists) are data, in kg/data.

    CJK          -- the CJK range, for a regular expression's character class: f"[{CJK}]"
    CJK_CHAR     -- one CJK character (compiled)
    QUOTE_PAIRS  -- opening mark -> closing mark: “” 「」 《》 ‘’ 『』
    QUOTES       -- the marks of QUOTE_PAIRS
    ANY_QUOTES   -- QUOTES, the ASCII quotes and 〈〉: what is stripped from a name before comparing it
    CN_DIGITS    -- Chinese digit -> value (两 = 2); CN_UNITS (十百千) and CN_BIG (万亿) -> their value
    NUMBER       -- a number written in Chinese or Arabic digits (十四, 5), for regular expressions
    ORDINAL      -- 第, before an ordinal number (第三, 第十届)
    CPPCC        -- 政协, the mark of a CPPCC body's name
"""

from __future__ import annotations

import re

CJK = "\u4e00-\u9fff"
CJK_CHAR = re.compile(f"[{CJK}]")


def is_cjk(char: str) -> bool:
    """``CJK_CHAR.match(char)`` for one character (False for the empty string), without a regex call: the
    extractor asks this of tens of thousands of characters per hundred documents."""
    return "\u4e00" <= char <= "\u9fff"
QUOTE_PAIRS = {"“": "”", "「": "」", "《": "》", "‘": "’", "『": "』"}
QUOTES = "".join(QUOTE_PAIRS) + "".join(QUOTE_PAIRS.values())
ANY_QUOTES = QUOTES + "\"'〈〉"
CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
CN_UNITS = {"十": 10, "百": 100, "千": 1000}
CN_BIG = {"万": 10_000, "亿": 100_000_000}
NUMBER = "[一二三四五六七八九十百零〇\\d]+"
ORDINAL = "第"
CPPCC = "政协"
