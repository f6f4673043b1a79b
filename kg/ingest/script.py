"""Traditional → simplified characters, one character for one character (so offsets are shared).

The table is OpenCC's character data as shipped by the opencc-python-reimplemented package
(dictionary/TSCharacters.txt, with the Taiwan and Hong Kong variant tables mapped through it first);
where OpenCC lists several simplified candidates the first is taken. Phrase-level conversions are not
used: they could change the length of the text.

Some characters are traditional in one use and standard simplified in another: OpenCC lists them among
their own candidates (乾 in 乾净 but also 乾坤 and the name 李乾坤; 於 the preposition and the surname 於).
They are converted only in a text that is written in traditional characters (one where at least one Han
character in a hundred is traditional in every use); in a simplified text they stay as written.
"""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from kg.errors import ConfigError
from kg.ingest.chars import BEYOND_BMP

_TABLES_VARIANTS = ("TWVariantsRev.txt", "HKVariantsRev.txt")
_TABLE_CHARACTERS = "TSCharacters.txt"


def _dictionary_dir() -> Path:
    spec = importlib.util.find_spec("opencc")
    if spec is None or not spec.submodule_search_locations:
        raise ConfigError("package opencc-python-reimplemented is not installed: pip install opencc-python-reimplemented")
    return Path(next(iter(spec.submodule_search_locations))) / "dictionary"


def _read_pairs(path: Path) -> tuple[dict[str, str], set[str]]:
    """Single-character entries of an OpenCC dictionary file: source char -> first candidate, and the
    sources that are also among their own candidates."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read OpenCC dictionary: {exc.strerror}") from exc
    pairs: dict[str, str] = {}
    own: set[str] = set()
    for line in lines:
        source, _, targets = line.partition("\t")
        candidates = targets.split()
        first = candidates[0] if candidates else ""
        if len(source) == 1 and len(first) == 1 and source != first:
            pairs[source] = first
            if source in candidates:
                own.add(source)
    return pairs, own


@dataclass(frozen=True)
class _Tables:
    full: dict[int, str]
    """Every traditional or variant character -> its simplified form (for a traditional text)."""
    plain: dict[int, str]
    """``full`` without the characters that are also simplified in some use (for a simplified text)."""
    always: re.Pattern[str]
    """Finds the characters that are traditional in every use (the keys of ``plain``)."""
    any: re.Pattern[str]
    """Finds the characters ``full`` converts."""
    any_in_bmp: re.Pattern[str]
    """``any`` for the characters of the BMP alone: one class, which a search skips through in C (an
    alternation cannot: ``any`` takes 6x as long over a text without any; kg.ingest.chars.BEYOND_BMP says
    whether the other branch is worth trying)."""
    own: re.Pattern[str]
    """Finds the characters that are also simplified in some use (乾, 於): the only ones where the tables
    differ."""


@cache
def _tables() -> _Tables:
    folder = _dictionary_dir()
    characters, own = _read_pairs(folder / _TABLE_CHARACTERS)
    if not characters:
        raise ConfigError(f"{folder / _TABLE_CHARACTERS}: no character entries found")
    mapping = dict(characters)
    simplified = set(characters.values())  # a variant that is already a simplified character stays (么 is not 幺)
    for name in _TABLES_VARIANTS:
        for variant, standard in _read_pairs(folder / name)[0].items():
            target = characters.get(standard, standard)
            if variant not in mapping and variant not in simplified and target != variant:
                mapping[variant] = target
    full = {ord(source): target for source, target in mapping.items()}
    plain = {code: target for code, target in full.items() if chr(code) not in own}
    basic = [code for code in full if code <= 0xFFFF]
    return _Tables(
        full, plain, _char_class(plain), _char_class(full), _char_class(basic), _char_class(c for c in full if c not in plain)
    )


def _char_class(codes: Iterable[int]) -> re.Pattern[str]:
    """A pattern for one of these characters. Characters beyond the BMP get a branch of their own behind a
    range test: in one class with the others they make every test a linear scan (60x slower here)."""
    chars = sorted(map(chr, codes))
    basic = "".join(c for c in chars if c <= "\uffff")
    astral = "".join(c for c in chars if c > "\uffff")
    pattern = f"[{re.escape(basic)}]" if basic else "(?!)"
    return re.compile(pattern + f"|(?=[\U00010000-\U0010ffff])[{re.escape(astral)}]" if astral else pattern)


_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def is_traditional(text: str) -> bool:
    """Whether ``text`` is written in traditional characters: at least one Han character in a hundred is
    one that is traditional in every use."""
    traditional = len(_tables().always.findall(text))
    return traditional > 0 and traditional * 100 >= len(_HAN.findall(text))


def simplify(text: str, traditional: bool | None = None) -> str:
    """``text`` with traditional characters replaced by simplified ones; always the same length. Characters
    that are also simplified in some use (乾, 於) are replaced only in a ``traditional`` text (by default,
    when ``is_traditional(text)``).

    Most texts are simplified: one scan (in C) that finds no character to convert returns the text as it
    is, and a text without 乾, 於 … needs no decision on its script."""
    tables = _tables()
    if tables.any_in_bmp.search(text) is None and (BEYOND_BMP.search(text) is None or tables.any.search(text) is None):
        return text
    if traditional is None:
        traditional = tables.own.search(text) is not None and is_traditional(text)
    return text.translate(tables.full if traditional else tables.plain)
