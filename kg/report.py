"""Plain-text tables for build reports and graph statistics."""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from kg import compiled
from kg.model import ENTITY_TYPES

if TYPE_CHECKING:
    from kg.pipeline import BuildReport


def format_rows(
    header: Sequence[str], rows: Iterable[Sequence[str]], *, max_width: int = 0, right: Sequence[int] = ()
) -> str:
    """An aligned plain-text table; CJK characters count two columns. Cells wider than ``max_width``
    (0: no limit) are cut with an ellipsis; columns listed in ``right`` are right-aligned."""
    cells = [[_cell(str(c), max_width) for c in row] for row in rows]
    head = [_cell(h, max_width) for h in header]
    widths = [max([display_width(h)] + [display_width(row[i]) for row in cells]) for i, h in enumerate(head)]

    def line(row: Sequence[str]) -> str:
        return "  ".join(pad(c, w, i in right) for i, (c, w) in enumerate(zip(row, widths))).rstrip()

    return "\n".join([line(head), "  ".join("-" * w for w in widths)] + [line(row) for row in cells])


def table(rows: Iterable[tuple[str, object]], header: tuple[str, str]) -> str:
    """A two-column table of names and (right-aligned) values."""
    return format_rows(header, ((a, str(b)) for a, b in rows), right=(1,))


def format_build_report(report: BuildReport) -> str:
    extract = report.stages.get("extract", report.seconds)
    rate = report.characters / extract if extract else 0.0
    overview = [
        ("files", report.files),
        ("documents", report.documents),
        ("  extracted", report.extracted),
        ("  from the cache", report.from_cache),
        ("characters", report.characters),
        ("skipped files", len(report.skipped)),
        ("entities", sum(report.entities.values())),
        ("relations", sum(report.relations.values())),
        ("triples", report.triples),
        ("SHACL violations", len(report.violations)),
        ("time (s)", f"{report.seconds:.2f}"),
        ("characters/s (extract stage, incl. loading dictionaries)", f"{rate:,.0f}"),
        ("extractor", "compiled (mypyc)" if compiled.STATUS.compiled else "pure Python"),
    ]
    parts = [
        table(overview, ("build", "")),
        table(((t, report.entities.get(t, 0)) for t in ENTITY_TYPES), ("entity type", "count")),
        table(sorted(report.relations.items()), ("relation", "count")),
        table(((stage, f"{secs:.2f}") for stage, secs in report.stages.items()), ("stage", "seconds")),
    ]
    if not compiled.STATUS.compiled:
        parts.append(f"extractor: {compiled.STATUS.describe()}")
    if report.outputs:
        parts.append("written:\n" + "\n".join(f"  {line}" for line in _outputs(report.outputs)))
    return "\n\n".join(parts)


def display_width(text: str) -> int:
    """Display width: CJK characters take two columns in a terminal."""
    return sum(2 if "\u2e80" <= ch <= "\uffef" else 1 for ch in text)


def pad(text: str, width: int, right: bool = False) -> str:
    fill = " " * (width - display_width(text))
    return fill + text if right else text + fill


def _cell(text: str, max_width: int) -> str:
    text = " ".join(text.split())
    if max_width <= 0 or display_width(text) <= max_width:
        return text
    out, used = [], 0
    for ch in text:
        used += display_width(ch)
        if used > max_width - 1:
            break
        out.append(ch)
    return "".join(out) + "…"


def _outputs(paths: list[Path]) -> list[str]:
    """Written paths, a folder's files shown as the folder with a count."""
    paths = [p.absolute() for p in paths]
    top = Path(os.path.commonpath([p.parent for p in paths]))
    cwd = Path.cwd()
    counts: dict[Path, int] = {}
    for p in paths:
        entry = top / p.relative_to(top).parts[0]
        counts[entry] = counts.get(entry, 0) + 1
    lines = []
    for entry, n in counts.items():
        shown = entry.relative_to(cwd) if entry.is_relative_to(cwd) else entry
        lines.append(f"{shown}/ ({n} files)" if n > 1 else f"{shown}/" if entry.is_dir() else str(shown))
    return lines
