"""RDF serialisations of the graph, written from the build's sorted N-Triples (deterministic, streamed).

Turtle and TriG are written by pyoxigraph's serialisers with the prefixes of kg.vocab; N-Triples is the
build's file as it is; N-Quads are made from it line by line (kg.export.datasets).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox

from kg.export import BASENAME, atomic_path
from kg.export.datasets import copy_nquads, nquads
from kg.export.graphfile import GraphFile
from kg.vocab import PREFIXES


def write_turtle(graph: GraphFile, out_dir: Path) -> list[Path]:
    """``cppcc.ttl``: subjects in IRI order, each with its triples sorted, prefixes from kg.vocab."""
    dest = out_dir / f"{BASENAME}.ttl"
    with atomic_path(dest) as tmp, tmp.open("wb") as fh:
        ox.serialize(graph.triples(), fh, format=ox.RdfFormat.TURTLE, prefixes=PREFIXES)
    return [dest]


def write_ntriples(graph: GraphFile, out_dir: Path) -> list[Path]:
    """``cppcc.nt``: one triple a line, in the same order as the Turtle (the build's file as it is)."""
    dest = out_dir / f"{BASENAME}.nt"
    with atomic_path(dest) as tmp:
        shutil.copyfile(graph.path, tmp)
    return [dest]


def write_nquads(graph: GraphFile, out_dir: Path) -> list[Path]:
    """``cppcc.nq``: the dataset with one named graph per document (kg.export.datasets)."""
    dest = out_dir / f"{BASENAME}.nq"
    with atomic_path(dest) as tmp:
        copy_nquads(graph, tmp)
    return [dest]


def write_trig(graph: GraphFile, out_dir: Path) -> list[Path]:
    """``cppcc.trig``: the same dataset as ``cppcc.nq`` in TriG, with prefixes."""
    dest = out_dir / f"{BASENAME}.trig"
    quads = graph.derived("nquads", nquads)
    with atomic_path(dest) as tmp, tmp.open("wb") as fh, quads.open("rb") as source:
        ox.serialize(ox.parse(source, format=ox.RdfFormat.N_QUADS), fh, format=ox.RdfFormat.TRIG, prefixes=PREFIXES)
    return [dest]
