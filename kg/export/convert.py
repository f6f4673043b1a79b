"""Export a graph that was built before (``exports/cppcc.ttl`` or any RDF file) to other formats."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pyoxigraph as ox

from kg import export
from kg.errors import ExportError, InputError


def load_graph(path: Path) -> ox.Store:
    """Read an RDF file into a store's default graph (the named graphs of N-Quads/TriG/JSON-LD merged)."""
    fmt = ox.RdfFormat.from_extension(path.suffix.lstrip("."))
    if fmt is None:
        raise InputError(str(path), "unknown RDF file extension; use .ttl, .nt, .nq, .trig or .jsonld")
    if not path.is_file():
        raise InputError(str(path), "no such file; build the graph first with `kg build` or pass --graph FILE")
    store = ox.Store()
    try:
        store.bulk_extend(ox.Quad(q.subject, q.predicate, q.object) for q in ox.parse(path=str(path), format=fmt))
    except SyntaxError as exc:
        raise InputError(str(path), f"not valid {fmt.name}: {exc}") from exc
    return store


def convert(graph: Path, formats: Sequence[str], out_dir: Path) -> list[Path]:
    """Write each format in ``formats`` ('all' for every registered one) of ``graph`` into ``out_dir``."""
    names = export.names() if list(formats) == ["all"] else list(formats)
    unknown = [n for n in names if n not in export.EXPORTERS]
    if unknown:
        raise ExportError(f"unknown export format {', '.join(unknown)}; choose from {', '.join(export.names())} or all")
    store = load_graph(graph)
    written: list[Path] = []
    for name in names:
        written.extend(export.write(name, store, out_dir))
    return written
