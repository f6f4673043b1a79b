"""RDF serialisations of the graph, written from the build's sorted N-Triples (deterministic, streamed).

Turtle and TriG are written by pyoxigraph's serialisers with the prefixes of kg.vocab; N-Triples is the
build's file as it is; N-Quads are made from it line by line (kg.export.datasets).

Turtle is written a chunk at a time: runs of whole subjects of about ``TURTLE_CHUNK`` bytes of N-Triples,
each serialised alone, the prefix lines kept once. pyoxigraph ends every subject's statement before the
next, so the chunks put together are byte for byte the file one call would write (tests/test_rebuild.py).
With ``GraphFile.turtle_index`` set, where each chunk starts, its N-Triples' CRC-32 and length and where its
Turtle is in the file are saved there; a rebuild (kg.rebuild) gives the previous file and its index
(``GraphFile.previous_turtle``) and copies the Turtle of every chunk whose N-Triples have not changed
instead of serialising it again (a chunk whose saved Turtle no longer matches its CRC-32 is serialised).
"""

from __future__ import annotations

import marshal
import mmap
import shutil
import zlib
from bisect import bisect_left
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import BinaryIO, Protocol

import pyoxigraph as ox

from kg.export import BASENAME, atomic_path
from kg.export.datasets import copy_nquads, nquads
from kg.export.graphfile import GraphFile
from kg.sortedlines import lower_bound
from kg.vocab import PREFIXES

TURTLE_CHUNK = 1 << 18
"""About how many bytes of N-Triples go into one Turtle chunk."""
_INDEX_MAGIC = b"KGTTL1\n"

Chunk = tuple[bytes, int, int, int, int, int]
"""(first subject, CRC-32 and length of its N-Triples, offset, length and CRC-32 of its Turtle in the file)"""


def write_turtle(graph: GraphFile, out_dir: Path) -> list[Path]:
    """``cppcc.ttl``: subjects in IRI order, each with its triples sorted, prefixes from kg.vocab."""
    dest = out_dir / f"{BASENAME}.ttl"
    previous = read_turtle_index(graph.previous_turtle[1]) if graph.previous_turtle else None
    with atomic_path(dest) as tmp, tmp.open("wb") as fh:
        if previous is not None and graph.previous_turtle is not None:
            with graph.previous_turtle[0].open("rb") as old:
                chunks = write_reusing(graph.path, _TurtleWriter(fh), previous, old, graph.changes)
        else:
            chunks = _write_chunks(graph.path, fh, graph.workers)
    if graph.turtle_index is not None:
        save_index(graph.turtle_index, _INDEX_MAGIC, chunks)
    return [dest]


def read_turtle_index(path: Path) -> list[Chunk] | None:
    """The chunks ``write_turtle`` saved at ``path``; None when it cannot be read."""
    return read_index(path, _INDEX_MAGIC)


def save_index(path: Path, magic: bytes, chunks: list[Chunk]) -> None:
    """Keep the chunks of a file written chunk by chunk at ``path``, after ``magic`` (its writer's mark)."""
    path.write_bytes(magic + marshal.dumps(chunks))


def read_index(path: Path, magic: bytes) -> list[Chunk] | None:
    """The chunks ``save_index`` kept at ``path`` with ``magic``; None when it cannot be read."""
    try:
        data = path.read_bytes()
        if not data.startswith(magic):
            return None
        chunks = marshal.loads(data[len(magic):])
    except (OSError, ValueError, EOFError, TypeError):
        return None
    if not isinstance(chunks, list) or not all(isinstance(c, tuple) and len(c) == 6 for c in chunks):
        return None
    return chunks


def _write_chunks(nt: Path, out: BinaryIO, workers: int = 1) -> list[Chunk]:
    """Turtle of ``nt`` read a block at a time (no mapping: memory stays flat however large the graph);
    with ``workers`` > 1, the blocks are serialised by that many forked processes, and written in order.
    Only where each block lies goes to a worker, which reads the block itself: the messages to the workers
    stay small, so each can be sent two blocks ahead (the main process never waits to send while a worker
    waits to answer) and works while the main process writes."""
    writer = _TurtleWriter(out)
    if workers > 1:
        import multiprocessing

        from kg.workers import ordered_map

        def spans() -> Iterator[tuple[Path, int, int]]:
            at = 0
            for text in blocks(nt):
                yield nt, at, at + len(text)
                at += len(text)

        context = multiprocessing.get_context("fork")
        for chunk in ordered_map(_turtle_of_span, spans(), workers=workers, context=context, window=4 * workers):
            writer.reuse(*chunk)
    else:
        for text in blocks(nt):
            writer.serialise(text)
    return writer.chunks


def _turtle_of_span(job: tuple[Path, int, int]) -> tuple[bytes, int, int, bytes, int]:
    """In a worker: the block ``start``..``end`` of ``path`` read and serialised, with what the index keeps of
    it (``_TurtleWriter.reuse``'s arguments)."""
    path, start, end = job
    with path.open("rb") as fh:
        fh.seek(start)
        text = fh.read(end - start)
    body = _turtle_body(text)
    return text[: text.find(b" ")], zlib.crc32(text), len(text), body, zlib.crc32(body)


def blocks(nt: Path) -> Iterator[bytes]:
    """The N-Triples of ``nt`` in runs of whole subjects of about TURTLE_CHUNK bytes."""
    pending = b""
    with nt.open("rb") as fh:
        while True:
            data = fh.read(TURTLE_CHUNK)
            text = pending + data
            if not data:
                if text:
                    yield text
                return
            end = text.rfind(b"\n") + 1  # the complete lines
            last = text.rfind(b"\n", 0, end - 1) + 1
            cut = lower_bound(text, text[last : text.find(b" ", last)] + b" ", 0, end) if end else 0
            if cut:  # every subject before the last complete line's, whose lines may go on in the next block
                yield text[:cut]
            pending = text[cut:]


def write_reusing(
    nt: Path, writer: ChunkWriter, previous: list[Chunk], old: BinaryIO, changes: tuple[Sequence[bytes], Sequence[bytes]] | None = None
) -> list[Chunk]:
    """What ``writer`` writes of ``nt``, each previous chunk (of ``previous``, an index of ``old``) copied from
    ``old`` when its N-Triples are the same, the others serialised; the new file's chunks.

    With ``changes`` (the lines ``nt`` lost and gained since the graph the index was written from), a chunk
    no changed line falls in is known to be the same without reading it (its length is still checked);
    the others are compared by their CRC-32. The text copied is always checked against its CRC-32."""
    changed = sorted([*changes[0], *changes[1]]) if changes is not None else None
    with nt.open("rb") as fh:
        if nt.stat().st_size == 0:
            return []
        with mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as data:
            size = len(data)
            starts = [0] + [lower_bound(data, first + b" ", 0, size) for first, *_ in previous[1:]] + [size]
            ends = [first + b" " for first, *_ in previous[1:]]
            for number, ((first, crc, length, offset, ttl_length, ttl_crc), start, end) in enumerate(zip(previous, starts, starts[1:])):
                if start >= end:
                    continue
                if end - start == length and (
                    not _touched(changed, previous, ends, number) if changed is not None else zlib.crc32(data[start:end]) == crc
                ):
                    body = _read_at(old, offset, ttl_length)
                    if zlib.crc32(body) == ttl_crc:
                        writer.reuse(first, crc, length, body, ttl_crc)
                        continue
                for span_start, span_end in _spans(data, start, end):
                    writer.serialise(data[span_start:span_end])
            return writer.chunks


def _touched(changed: list[bytes], previous: list[Chunk], ends: list[bytes], number: int) -> bool:
    """Does a line of ``changed`` (sorted) fall in the previous chunk ``number``: from its first subject (the
    file's start, for the first chunk) up to the next chunk's?"""
    low = bisect_left(changed, previous[number][0] + b" ") if number else 0
    high = bisect_left(changed, ends[number]) if number < len(ends) else len(changed)
    return high > low


def _read_at(old: BinaryIO, offset: int, length: int) -> bytes:
    old.seek(offset)
    body = old.read(length)
    return body if len(body) == length else b""


class ChunkWriter(Protocol):
    """Writes a file chunk after chunk (runs of whole subjects of the N-Triples) and keeps its index."""

    chunks: list[Chunk]

    def serialise(self, text: bytes) -> None:
        """Write the chunk of the N-Triples ``text``."""

    def reuse(self, first: bytes, crc: int, length: int, body: bytes, body_crc: int) -> None:
        """Write a chunk whose N-Triples (``first`` subject, CRC-32, ``length``) and text's CRC-32 are known."""


class _TurtleWriter:
    """Writes Turtle chunk after chunk: the prefix lines once, then each chunk's statements."""

    def __init__(self, out: BinaryIO) -> None:
        self.out = out
        self.offset = 0
        self.chunks: list[Chunk] = []

    def serialise(self, text: bytes) -> None:
        self.copy(text, _turtle_body(text))

    def copy(self, text: bytes, body: bytes) -> None:
        self.reuse(text[: text.find(b" ")], zlib.crc32(text), len(text), body, zlib.crc32(body))

    def reuse(self, first: bytes, crc: int, length: int, body: bytes, body_crc: int) -> None:
        """Write a chunk whose N-Triples (``first`` subject, CRC-32, ``length``) and Turtle's CRC-32 are known."""
        if not self.offset:
            self.out.write(_HEADER)
            self.offset = len(_HEADER)
        self.out.write(body)
        self.chunks.append((first, crc, length, self.offset, len(body), body_crc))
        self.offset += len(body)


def _turtle_body(text: bytes) -> bytes:
    """The Turtle of the N-Triples ``text`` (whole subjects), without the prefix lines.

    Parsed leniently (no IRI or language tag validation: half the CPU of a strict parse): the build's
    N-Triples hold IRIs pyoxigraph checked when kg.graph made them and literals escaped as it escapes them
    (or were dumped from a store), so a strict parse gives the same triples."""
    parsed = ox.parse(text, format=ox.RdfFormat.N_TRIPLES, lenient=True)
    turtle = ox.serialize(parsed, format=ox.RdfFormat.TURTLE, prefixes=PREFIXES)
    assert turtle is not None  # no output file given: serialize returns the bytes
    if not turtle.startswith(_HEADER) or turtle.startswith(b"@prefix ", len(_HEADER)):
        raise AssertionError("pyoxigraph wrote other prefix lines for a chunk")  # the chunks would not join
    return turtle[len(_HEADER):]


def _header(turtle: bytes) -> bytes:
    """The prefix lines at the start of pyoxigraph's Turtle."""
    end = 0
    while turtle.startswith(b"@prefix ", end):
        end = turtle.index(b"\n", end) + 1
    return turtle[:end]


def _prefix_lines() -> bytes:
    turtle = ox.serialize([ox.Triple(ox.NamedNode("urn:x"), ox.NamedNode("urn:p"), ox.NamedNode("urn:o"))],
                          format=ox.RdfFormat.TURTLE, prefixes=PREFIXES)  # fmt: skip
    assert turtle is not None
    return _header(turtle)


_HEADER = _prefix_lines()


def _spans(data: mmap.mmap, start: int, end: int) -> Iterator[tuple[int, int]]:
    """Runs of whole subjects of about TURTLE_CHUNK bytes between ``start`` and ``end`` (line starts)."""
    while start < end:
        cut = start + TURTLE_CHUNK
        if cut >= end:
            yield start, end
            return
        line = data.rfind(b"\n", start, cut) + 1
        if line <= start:  # one line longer than a chunk
            line = data.find(b"\n", start) + 1
            if line >= end:
                yield start, end
                return
        subject = data[line : data.find(b" ", line)]
        stop = min(end, lower_bound(data, subject + b" \xff", line, end))
        yield start, stop
        start = stop


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
    """``cppcc.trig``: the same dataset as ``cppcc.nq`` in TriG, with prefixes.

    The N-Quads are parsed leniently (no IRI or language tag validation: half the CPU of a strict parse)
    and from their path: they are made line by line from the build's N-Triples, whose terms are valid (see
    ``_turtle_body``), so a strict parse gives the same quads."""
    dest = out_dir / f"{BASENAME}.trig"
    quads = graph.derived("nquads", nquads)
    with atomic_path(dest) as tmp, tmp.open("wb") as fh:
        parsed = ox.parse(path=quads, format=ox.RdfFormat.N_QUADS, lenient=True)
        ox.serialize(parsed, fh, format=ox.RdfFormat.TRIG, prefixes=PREFIXES)
    return [dest]
