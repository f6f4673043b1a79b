"""Plain-text tables for build reports and graph statistics."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from kg.model import ENTITY_TYPES

if TYPE_CHECKING:
    from kg.pipeline import BuildReport


def table(rows: Iterable[tuple[str, object]], header: tuple[str, str]) -> str:
    rows = [(str(a), str(b)) for a, b in rows]
    width = max([_width(header[0])] + [_width(a) for a, _ in rows])
    vwidth = max([len(header[1])] + [len(b) for _, b in rows])
    lines = [f"{_pad(header[0], width)}  {header[1]:>{vwidth}}", f"{'-' * width}  {'-' * vwidth}"]
    lines += [f"{_pad(a, width)}  {b:>{vwidth}}" for a, b in rows]
    return "\n".join(lines)


def format_build_report(report: "BuildReport") -> str:
    extract = report.stages.get("extract", report.seconds)
    rate = report.characters / extract if extract else 0.0
    overview = [
        ("files", report.files),
        ("documents", report.documents),
        ("characters", report.characters),
        ("skipped files", len(report.skipped)),
        ("entities", sum(report.entities.values())),
        ("relations", sum(report.relations.values())),
        ("triples", report.triples),
        ("SHACL violations", len(report.violations)),
        ("time (s)", f"{report.seconds:.2f}"),
        ("extraction characters/s", f"{rate:,.0f}"),
    ]
    parts = [
        table(overview, ("build", "")),
        table(((t, report.entities.get(t, 0)) for t in ENTITY_TYPES), ("entity type", "count")),
        table(sorted(report.relations.items()), ("relation", "count")),
        table(((stage, f"{secs:.2f}") for stage, secs in report.stages.items()), ("stage", "seconds")),
    ]
    if report.outputs:
        parts.append("written:\n" + "\n".join(f"  {line}" for line in _outputs(report.outputs)))
    return "\n\n".join(parts)


def _width(text: str) -> int:
    """Display width: CJK characters take two columns in a terminal."""
    return sum(2 if "\u2e80" <= ch <= "\uffef" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


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
