"""Export a graph that was built before (``exports/cppcc.ttl`` or any RDF file) to other formats."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pyoxigraph as ox

from kg import export
from kg.errors import InputError


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
    from kg.export.staging import Staging, output_error

    names = export.plan(export.names() if list(formats) == ["all"] else list(formats))
    store = load_graph(graph)
    written: list[Path] = []
    try:
        with Staging(out_dir, export.owned_names(), replace_all=False) as stage:
            for name in names:
                written.extend(export.write(name, store, stage.path))
            stage.commit()
    except OSError as exc:
        raise output_error(exc, out_dir) from exc
    return [stage.out / path.relative_to(stage.path) for path in written]
