"""Traditional → simplified characters, one character for one character (so offsets are shared).

The table is OpenCC's character data as shipped by the opencc-python-reimplemented package
(dictionary/TSCharacters.txt, with the Taiwan and Hong Kong variant tables mapped through it first);
where OpenCC lists several simplified candidates the first is taken. Phrase-level conversions are not
used: they could change the length of the text.
"""

from __future__ import annotations

import importlib.util
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


def _read_pairs(path: Path) -> dict[str, str]:
    """Single-character entries of an OpenCC dictionary file: source char -> first candidate."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read OpenCC dictionary: {exc.strerror}") from exc
    pairs: dict[str, str] = {}
    for line in lines:
        source, _, targets = line.partition("\t")
        first = targets.split(" ", 1)[0].strip()
        if len(source) == 1 and len(first) == 1 and source != first:
            pairs[source] = first
    return pairs


@cache
def _table() -> dict[int, str]:
    folder = _dictionary_dir()
    characters = _read_pairs(folder / _TABLE_CHARACTERS)
    if not characters:
        raise ConfigError(f"{folder / _TABLE_CHARACTERS}: no character entries found")
    mapping = dict(characters)
    simplified = set(characters.values())  # a variant that is already a simplified character stays (么 is not 幺)
    for name in _TABLES_VARIANTS:
        for variant, standard in _read_pairs(folder / name).items():
            target = characters.get(standard, standard)
            if variant not in mapping and variant not in simplified and target != variant:
                mapping[variant] = target
    return {ord(source): target for source, target in mapping.items()}


def simplify(text: str) -> str:
    """``text`` with traditional characters replaced by simplified ones; always the same length."""
    return text.translate(_table())
