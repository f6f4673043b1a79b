"""Plain-text tables for build reports and graph statistics."""

from __future__ import annotations

from collections.abc import Iterable
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
    rate = report.characters / report.seconds if report.seconds else 0.0
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
        ("characters/s", f"{rate:,.0f}"),
    ]
    parts = [
        table(overview, ("build", "")),
        table(((t, report.entities.get(t, 0)) for t in ENTITY_TYPES), ("entity type", "count")),
        table(sorted(report.relations.items()), ("relation", "count")),
    ]
    if report.outputs:
        parts.append("written:\n" + "\n".join(f"  {p}" for p in report.outputs))
    return "\n\n".join(parts)


def _width(text: str) -> int:
    """Display width: CJK characters take two columns in a terminal."""
    return sum(2 if "\u2e80" <= ch <= "\uffef" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))
