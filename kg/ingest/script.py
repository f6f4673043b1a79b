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
from functools import cache
from pathlib import Path

from kg.errors import ConfigError

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


@cache
def _tables() -> tuple[dict[int, str], dict[int, str], re.Pattern[str]]:
    """The table for traditional text, the table for simplified text (without the characters that are
    also simplified in some use), and a pattern finding the characters that are traditional in every use."""
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
    marked = "".join(sorted(chr(code) for code in plain))
    return full, plain, re.compile(f"[{re.escape(marked)}]")


_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def is_traditional(text: str) -> bool:
    """Whether ``text`` is written in traditional characters: at least one Han character in a hundred is
    one that is traditional in every use."""
    traditional = len(_tables()[2].findall(text))
    return traditional > 0 and traditional * 100 >= len(_HAN.findall(text))


def simplify(text: str, traditional: bool | None = None) -> str:
    """``text`` with traditional characters replaced by simplified ones; always the same length. Characters
    that are also simplified in some use (乾, 於) are replaced only in a ``traditional`` text (by default,
    when ``is_traditional(text)``)."""
    full, plain, _ = _tables()
    if traditional is None:
        traditional = is_traditional(text)
    return text.translate(full if traditional else plain)
