"""RDF serialisations of the graph, written with pyoxigraph (fast and deterministic)."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from kg.export import BASENAME, atomic_path
from kg.graph import sorted_triples
from kg.vocab import PREFIXES


def write_turtle(store: ox.Store, out_dir: Path) -> list[Path]:
    """``cppcc.ttl``: subjects in IRI order, each with its triples sorted, prefixes from kg.vocab."""
    dest = out_dir / f"{BASENAME}.ttl"
    with atomic_path(dest) as tmp, tmp.open("wb") as fh:
        ox.serialize(sorted_triples(store), fh, format=ox.RdfFormat.TURTLE, prefixes=PREFIXES)
    return [dest]
