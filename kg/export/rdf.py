"""RDF serialisations of the graph, written with pyoxigraph (fast and deterministic)."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox

from kg.export import BASENAME, atomic_path
from kg.export.datasets import document_quads
from kg.graph import sorted_triples
from kg.vocab import PREFIXES


def write_turtle(store: ox.Store, out_dir: Path) -> list[Path]:
    """``cppcc.ttl``: subjects in IRI order, each with its triples sorted, prefixes from kg.vocab."""
    dest = out_dir / f"{BASENAME}.ttl"
    with atomic_path(dest) as tmp, tmp.open("wb") as fh:
        ox.serialize(sorted_triples(store), fh, format=ox.RdfFormat.TURTLE, prefixes=PREFIXES)
    return [dest]


def write_ntriples(store: ox.Store, out_dir: Path) -> list[Path]:
    """``cppcc.nt``: one triple a line, in the same order as the Turtle."""
    dest = out_dir / f"{BASENAME}.nt"
    with atomic_path(dest) as tmp, tmp.open("wb") as fh:
        ox.serialize(sorted_triples(store), fh, format=ox.RdfFormat.N_TRIPLES)
    return [dest]


def turtle_from_ntriples(ntriples: Path, out_dir: Path) -> list[Path]:
    """``cppcc.ttl`` from sorted N-Triples (what a build leaves), streamed: the same bytes as write_turtle."""
    dest = out_dir / f"{BASENAME}.ttl"
    with atomic_path(dest) as tmp, tmp.open("wb") as fh, ntriples.open("rb") as source:
        ox.serialize(ox.parse(source, format=ox.RdfFormat.N_TRIPLES), fh, format=ox.RdfFormat.TURTLE, prefixes=PREFIXES)
    return [dest]


def ntriples_from_ntriples(ntriples: Path, out_dir: Path) -> list[Path]:
    """``cppcc.nt``: the build's sorted N-Triples as they are: the same bytes as write_ntriples."""
    dest = out_dir / f"{BASENAME}.nt"
    with atomic_path(dest) as tmp:
        shutil.copyfile(ntriples, tmp)
    return [dest]


FROM_NTRIPLES: dict[str, Callable[[Path, Path], list[Path]]] = {
    "turtle": turtle_from_ntriples,
    "ntriples": ntriples_from_ntriples,
}
"""Exporters a build runs on its sorted N-Triples file, without loading a store."""


def write_nquads(store: ox.Store, out_dir: Path) -> list[Path]:
    """``cppcc.nq``: the dataset with one named graph per document (kg.export.datasets)."""
    dest = out_dir / f"{BASENAME}.nq"
    with atomic_path(dest) as tmp, tmp.open("wb") as fh:
        ox.serialize(document_quads(store), fh, format=ox.RdfFormat.N_QUADS)
    return [dest]


def write_trig(store: ox.Store, out_dir: Path) -> list[Path]:
    """``cppcc.trig``: the same dataset as ``cppcc.nq`` in TriG, with prefixes."""
    dest = out_dir / f"{BASENAME}.trig"
    with atomic_path(dest) as tmp, tmp.open("wb") as fh:
        ox.serialize(document_quads(store), fh, format=ox.RdfFormat.TRIG, prefixes=PREFIXES)
    return [dest]
