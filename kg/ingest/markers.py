"""Load the ingest data files (kg/data/boilerplate.tsv, kg/data/ingest_markers.tsv) once, on first use."""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

from kg.errors import ConfigError

BOILERPLATE_KINDS = frozenset({"contains", "prefix", "meta", "list", "footer", "nav", "breadcrumb"})
STRUCTURE_KINDS = frozenset(
    {"toc_heading", "publication_suffix", "byline_role", "count_unit", "source_label", "organisation_suffix"}
)


def _load(name: str, kinds: frozenset[str]) -> dict[str, tuple[str, ...]]:
    text = resources.files("kg").joinpath("data", name).read_text(encoding="utf-8")
    found: dict[str, list[str]] = {kind: [] for kind in sorted(kinds)}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) != 2 or not fields[1].strip():
            raise ConfigError(f"kg/data/{name} line {number}: expected 'kind<TAB>marker', got {line!r}")
        kind, marker = fields[0].strip(), fields[1].strip()
        if kind not in kinds:
            raise ConfigError(
                f"kg/data/{name} line {number}: unknown kind {kind!r} (expected one of {', '.join(sorted(kinds))})"
            )
        found[kind].append(marker)
    return {kind: tuple(markers) for kind, markers in found.items()}


@cache
def boilerplate() -> dict[str, tuple[str, ...]]:
    """Website-debris markers by kind (see the header of kg/data/boilerplate.tsv)."""
    return _load("boilerplate.tsv", BOILERPLATE_KINDS)


@cache
def structure() -> dict[str, tuple[str, ...]]:
    """Title, compilation and publication markers by kind (see kg/data/ingest_markers.tsv)."""
    return _load("ingest_markers.tsv", STRUCTURE_KINDS)


@cache
def boilerplate_pattern(kind: str) -> re.Pattern[str]:
    """One regular expression matching any boilerplate marker of ``kind`` (faster than testing each)."""
    found = boilerplate()[kind]
    return re.compile("|".join(re.escape(marker) for marker in sorted(found, key=len, reverse=True)))
