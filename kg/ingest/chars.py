"""Text as every export can carry it, and file names as text.

    sanitize(text)       -> the same text, character for character, with what an export cannot write replaced
    control_share(text)  -> the share of control characters (a file that is mostly controls is not text)
    display_path(path)   -> a file name as text, also when it is not UTF-8 (GB18030 tried, else U+FFFD)

Documents are sanitised once, at ingest, so no exporter meets a character it cannot write. Turtle and
N-Triples, XML (GraphML, GEXF), CSV and HTML together can carry every Unicode character except:

    form feed, vertical tab, carriage return, U+0085 (NEL), U+2028/U+2029    line breaks → "\\n"
    other C0 controls, DEL, C1 controls                                        → " "
    lone surrogates (from a broken decoder), non-characters (U+FFFE, U+FDD0…)  → U+FFFD

Each replacement is one character for one, so offsets into the text still hold. Tabs stay. Private-use
characters stay in the text (every format carries them); IRIs percent-encode them (kg.vocab.iri_segment).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

_LINE_BREAKS = "\x0b\x0c\r\x85\u2028\u2029"
_NONCHARACTERS = "\ufdd0-\ufdef\ufffe\uffff"
_ASTRAL_NONCHARACTERS = "".join(f"{chr(plane << 16 | 0xFFFE)}{chr(plane << 16 | 0xFFFF)}" for plane in range(1, 17))
_UNWRITABLE_BASIC = f"[\x00-\x08{_LINE_BREAKS}\x0e-\x1f\x7f-\x9f\ud800-\udfff{_NONCHARACTERS}]"
# The non-characters beyond the BMP are a branch of their own behind a range test: in one class with the
# others they make the class a list that every character is compared with one by one (2.6x slower over the
# 5 MB benchmark corpus's texts: 0.147 against 0.056 CPU-s)
_UNWRITABLE = re.compile(f"{_UNWRITABLE_BASIC}|(?=[\U00010000-\U0010ffff])[{_ASTRAL_NONCHARACTERS}]")
# and a search for one class alone skips ahead in C to a character of it, which an alternation cannot:
# sanitize looks for the BMP's class, and for the other branch only in a text beyond the BMP (0.010 and
# 0.010 CPU-s against 0.059 for the alternation over the same texts)
_UNWRITABLE_IN_BMP = re.compile(_UNWRITABLE_BASIC)
BEYOND_BMP = re.compile("[\U00010000-\U0010ffff]")
_CONTROLS = re.compile("[\x00-\x08\x0e-\x1f\x7f]")


def sanitize(text: str) -> str:
    """``text`` with line-break controls as "\\n", other controls as spaces, surrogates and non-characters
    as U+FFFD; the same length."""
    if not _UNWRITABLE_IN_BMP.search(text) and not (BEYOND_BMP.search(text) and _UNWRITABLE.search(text)):
        return text
    return _UNWRITABLE.sub(_replacement, text)


def _replacement(match: re.Match[str]) -> str:
    char = match.group()
    if char in _LINE_BREAKS:
        return "\n"
    if char <= "\x9f":
        return " "
    return "\ufffd"


def control_share(text: str) -> tuple[float, re.Match[str] | None]:
    """The share of C0 control characters other than tab and line breaks, and the first one."""
    first = _CONTROLS.search(text)
    if first is None:
        return 0.0, None
    return len(_CONTROLS.findall(text)) / len(text), first


def display_path(path: str | Path) -> str:
    """``path`` as text on one line: a name that is not UTF-8 (kept by Python as surrogate escapes) is read
    as GB18030, the usual encoding of Chinese file names from Windows archives, else with U+FFFD for the
    bad bytes; controls, tabs and line breaks in a name become spaces."""
    text = str(path)
    if _has_surrogates(text):
        raw = os.fsencode(text)
        try:
            text = raw.decode("gb18030")
        except UnicodeDecodeError:
            text = raw.decode("utf-8", errors="replace")
    return sanitize(text).replace("\n", " ").replace("\t", " ")


def is_text_name(path: str | Path) -> bool:
    """Whether ``path`` is valid UTF-8 (Python keeps bytes that are not as surrogate escapes)."""
    return not _has_surrogates(str(path))


def _has_surrogates(text: str) -> bool:
    return _ESCAPED_BYTE.search(text) is not None


_ESCAPED_BYTE = re.compile("[\udc80-\udcff]")
"""A byte that is not UTF-8, as Python keeps it in a file name (surrogateescape)."""
