"""Load the ingest data files (kg/data/boilerplate.tsv, kg/data/ingest_markers.tsv) once, on first use."""

from __future__ import annotations

import re
from functools import cache

from kg.errors import ConfigError
from kg.lexicon import DATA_DIR, rows

BOILERPLATE_KINDS = frozenset({"contains", "prefix", "meta", "list", "footer", "nav", "breadcrumb"})
STRUCTURE_KINDS = frozenset(
    {"toc_heading", "publication_suffix", "byline_role", "count_unit", "source_label", "organisation_suffix", "site_suffix"}
)


def _load(name: str, kinds: frozenset[str]) -> dict[str, tuple[str, ...]]:
    path = DATA_DIR / name
    found: dict[str, list[str]] = {kind: [] for kind in sorted(kinds)}
    for (kind, marker), number in rows(path, 2, 2):
        if kind not in kinds:
            raise ConfigError(f"{path}, line {number}: unknown kind {kind!r} (expected one of {', '.join(sorted(kinds))})")
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
