"""Domain word lists: the lexicon of known terms and the small tables the extractor's rules use.

    rows(path, min_cols, max_cols)        -> (columns, line number) of any tab-separated data file
    read_table(name, min_cols, max_cols) -> rows of kg/data/<name> (tab separated, '#' comments)
    word_set(name)                        -> the first column of kg/data/<name> as a frozenset
    entries(user_lexicons)                -> LexiconEntry for every term of kg/data/lexicon.tsv plus user files
    jieba_words()                         -> (word, frequency) pairs for jieba's user dictionary

Every file is read on first use and kept for the life of the process. A malformed line raises
kg.errors.ConfigError naming the file and the line.

Lexicon format (kg/data/lexicon.tsv and user lexicon files given with Settings.user_lexicons):
one term per line, tab separated, lines starting with '#' are comments:

    term<TAB>type[<TAB>canonical name]

``type`` is one of the entity types (CPPCCBody, PartyGovOrgan, Place, Person, Position, Platform,
Mechanism, Topic, Event, Publication). ``canonical`` (optional) is the name the term is filed under
when it is an alias (院坝会 -> 院坝协商会 would be ``院坝会<TAB>Platform<TAB>院坝协商会``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from kg.errors import ConfigError
from kg.model import ENTITY_TYPES

DATA_DIR = Path(__file__).resolve().parent / "data"


@dataclass(frozen=True)
class LexiconEntry:
    term: str
    type: str
    canonical: str
    source: str
    """File and line the term came from (for error messages and debugging)."""


def rows(path: Path, min_cols: int, max_cols: int) -> list[tuple[tuple[str, ...], int]]:
    """(columns, line number) of each row of a tab-separated data file; '#' lines and blank lines skipped.
    Raises ConfigError naming the file and line for an unreadable file or a row of the wrong width."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read data file: {exc.strerror}") from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: data file is not UTF-8 (byte {exc.start})") from exc
    rows: list[tuple[tuple[str, ...], int]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        cols = tuple(c.strip() for c in line.rstrip("\r\n").split("\t"))
        while len(cols) > min_cols and cols[-1] == "":
            cols = cols[:-1]
        if not cols[0]:
            raise ConfigError(f"{path}, line {number}: the first column is empty (a line starts with a tab): {line!r}")
        if not (min_cols <= len(cols) <= max_cols):
            raise ConfigError(
                f"{path}, line {number}: expected {min_cols}"
                + (f" to {max_cols}" if max_cols != min_cols else "")
                + f" tab-separated columns, got {len(cols)}: {line!r}"
            )
        rows.append((cols, number))
    return rows


@cache
def read_table(name: str, min_cols: int = 1, max_cols: int = 1) -> tuple[tuple[str, ...], ...]:
    """The rows of ``kg/data/<name>``; short rows are padded with empty strings to ``max_cols``."""
    return tuple(
        cols + ("",) * (max_cols - len(cols)) for cols, _ in rows(DATA_DIR / name, min_cols, max_cols)
    )


@cache
def word_set(name: str) -> frozenset[str]:
    """The first column of ``kg/data/<name>`` (extra columns are allowed and ignored)."""
    return frozenset(row[0] for row in read_table(name, 1, 9))


def _read_lexicon(path: Path) -> list[LexiconEntry]:
    found: list[LexiconEntry] = []
    for cols, number in rows(path, 2, 3):
        term, type_ = cols[0], cols[1]
        if type_ not in ENTITY_TYPES:
            raise ConfigError(
                f"{path}, line {number}: unknown entity type {type_!r} for {term!r}; "
                f"use one of {', '.join(ENTITY_TYPES)}"
            )
        canonical = cols[2] if len(cols) > 2 and cols[2] else term
        found.append(LexiconEntry(term, type_, canonical, f"{path}:{number}"))
    return found


@cache
def _builtin() -> tuple[LexiconEntry, ...]:
    return tuple(_read_lexicon(DATA_DIR / "lexicon.tsv"))


@cache
def _user(path: Path) -> tuple[LexiconEntry, ...]:
    if not path.is_file():
        raise ConfigError(f"{path}: user lexicon not found (give a file in the format of kg/data/lexicon.tsv)")
    return tuple(_read_lexicon(path))


def entries(user_lexicons: Iterable[Path] = ()) -> tuple[LexiconEntry, ...]:
    """Built-in lexicon entries followed by those of the user lexicons (later files win on conflicts)."""
    result = list(_builtin())
    for path in user_lexicons:
        result.extend(_user(Path(path).resolve()))
    return tuple(result)


def jieba_words() -> list[tuple[str, int]]:
    """Domain terms for jieba's dictionary, so that segmentation keeps them whole."""
    words = {e.term for e in _builtin()} | {e.canonical for e in _builtin()}
    return [(w, 50000) for w in sorted(words) if len(w) > 1]
