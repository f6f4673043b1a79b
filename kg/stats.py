"""Counts over a built graph: read from its VoID description (kg.void), or by scanning when it has none."""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import pyoxigraph as ox

from kg import void
from kg.errors import InputError
from kg.model import ENTITY_TYPES
from kg.vocab import ONTOLOGY_NS


@dataclass(frozen=True)
class GraphStats:
    overview: list[tuple[str, int]]
    entities: list[tuple[str, int]]
    relations: list[tuple[str, int]]
    source: str
    """where the counts come from: the graph's VoID description, or a scan"""


def load(path: Path) -> ox.Store:
    """An in-memory store with the RDF file at ``path`` (format from its suffix)."""
    return load_into(ox.Store(), path)


LOAD_BLOCK = 64 << 20
"""Bytes of a line-based file (N-Triples, N-Quads) bulk-loaded at a time by ``load_into(…, lenient=True)``:
about 430,000 of a build's triples. pyoxigraph's bulk loader takes up to a million triples in a batch and
works on one batch per thread at once, so a build's whole N-Triples file loaded in one call peaked at 637 MB
at the 5 MB benchmark corpus (825,007 triples) and 1,831 MB at 50 MB (8.3 million). A block at a time: 345 MB
and 431 MB, for about the same CPU; the store's compaction (``optimize``) then merges the blocks' files, a
second or two more at 5 MB."""


def load_into(store: ox.Store, path: Path, *, lenient: bool = False) -> ox.Store:
    """Bulk-load the RDF file at ``path`` (format from its suffix) into ``store`` (in memory or on disk);
    ``lenient`` skips pyoxigraph's checks of IRIs (for files made from terms it checked, such as a build's
    own N-Triples), and loads an N-Triples or N-Quads file in blocks of whole lines (LOAD_BLOCK), so that
    memory does not grow with the file (a parse error then counts lines from its block's start: for a file
    the user gave, leave ``lenient`` off)."""
    if not path.is_file():
        raise InputError(str(path), "no such graph file; run `kg build` first or pass --graph")
    rdf_format = ox.RdfFormat.from_extension(path.suffix.lstrip(".")) or ox.RdfFormat.TURTLE
    try:
        if lenient and rdf_format in (ox.RdfFormat.N_TRIPLES, ox.RdfFormat.N_QUADS):
            with path.open("rb") as fh:
                for length in _line_blocks(fh, LOAD_BLOCK):
                    store.bulk_load(io.BufferedReader(_Slice(fh, length), 1 << 20), format=rdf_format, lenient=True)
        else:
            store.bulk_load(path=str(path), format=rdf_format, lenient=lenient)
    except (SyntaxError, ValueError, OSError) as exc:
        raise InputError(str(path), f"cannot parse RDF: {exc}") from exc
    return store


def _line_blocks(fh: BinaryIO, size: int) -> Iterator[int]:
    """The lengths of the file's blocks of about ``size`` bytes, each ending at a line's end (a longer line is
    one block), yielded with ``fh`` at the block's start (the caller reads the block before the next)."""
    end = fh.seek(0, os.SEEK_END)
    start = 0
    while start < end:
        fh.seek(start + size)
        fh.readline()
        stop = min(fh.tell(), end)
        fh.seek(start)
        yield stop - start
        start = stop


class _Slice(io.RawIOBase):
    """The next ``length`` bytes of ``fh`` as a file of their own (read without copying the block whole)."""

    def __init__(self, fh: BinaryIO, length: int) -> None:
        super().__init__()
        self._fh, self._left = fh, length

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        n = min(len(buffer), self._left)
        if n <= 0:
            return 0
        got = self._fh.readinto(memoryview(buffer)[:n])  # type: ignore[attr-defined]
        self._left -= got
        return got


def graph_stats(path: Path) -> GraphStats:
    """Counts of the graph at ``path`` (an RDF file, export folder or store folder), read from its VoID
    description (kg.void) through the on-disk query store; a graph without one is counted by scanning."""
    from kg.export.store import open_store
    from kg.graph import ontology_store, select

    store = open_store(path)
    stats = void.read(store)
    source = "the graph's VoID description"
    if stats is None:
        stats, source = void.count_store(store), "counted by scanning; the graph has no VoID description (rebuild it to add one)"
    types = stats.classes
    object_properties = {row[0] for row in select(ontology_store(), "SELECT ?p WHERE { ?p a owl:ObjectProperty }")}
    overview = [
        ("triples", stats.triples),
        ("documents", types.get(ONTOLOGY_NS + "Document", 0) + types.get(ONTOLOGY_NS + "Compilation", 0)),
        ("entities", sum(types.get(ONTOLOGY_NS + t, 0) for t in ENTITY_TYPES)),
        ("evidence sentences", types.get(ONTOLOGY_NS + "Sentence", 0)),
    ]
    entities = [(t, types.get(ONTOLOGY_NS + t, 0)) for t in ENTITY_TYPES]
    skip = {"mentionedIn", "mentionedInSentence", "evidence", "speaker", "publishedIn"}
    rels = sorted(
        (p.removeprefix(ONTOLOGY_NS), n)
        for p, (n, _) in stats.properties.items()
        if p in object_properties and p.removeprefix(ONTOLOGY_NS) not in skip
    )
    return GraphStats(overview, entities, rels, source)
