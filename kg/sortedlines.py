"""Lines of bytes written out sorted and without duplicates, in bounded memory (an external merge sort).

    with SortedLines(dest) as lines:   # chunks of ``chunk_lines`` are sorted in memory and spilled beside dest
        lines.add(b"...\\n...\\n")
    # dest now holds every distinct line once, in byte order; lines.count says how many

The build sorts its N-Triples with it (kg.pipeline) and the dataset exports their named graphs
(kg.export.datasets), so memory stays flat however large the graph.
"""

from __future__ import annotations

import heapq
import mmap
from collections.abc import Iterable
from contextlib import ExitStack
from itertools import groupby
from operator import itemgetter
from pathlib import Path


class SortedLines:
    """Collect lines of bytes, then write them sorted and without duplicates to ``dest`` (chunks of
    ``chunk_lines`` are sorted in memory and spilled to files beside ``dest``, then merged)."""

    def __init__(self, dest: Path, chunk_lines: int = 250_000, *, repeats: dict[bytes, int] | None = None) -> None:
        self.dest = dest
        self.chunk_lines = chunk_lines
        self.count = 0
        self.repeats = repeats
        """when given, filled with every line added more than once and how many times (kg.rebuild)"""
        self._lines: list[bytes] = []
        self._chunks: list[Path] = []

    def __enter__(self) -> SortedLines:
        return self

    def __exit__(self, kind: object, *_: object) -> None:
        try:
            if kind is None:
                self._finish()
        finally:
            for chunk in self._chunks:
                chunk.unlink(missing_ok=True)

    def add(self, data: bytes) -> None:
        """Add the lines of ``data`` (each ending in a line break)."""
        self._lines.extend(data.splitlines(keepends=True))
        if len(self._lines) >= self.chunk_lines:
            self._spill()

    def add_lines(self, lines: list[bytes]) -> None:
        """Add lines (each ending in a line break)."""
        self._lines.extend(lines)
        if len(self._lines) >= self.chunk_lines:
            self._spill()

    def _spill(self) -> None:
        chunk = self.dest.with_name(f"{self.dest.name}.{len(self._chunks)}")
        self._lines.sort()
        chunk.write_bytes(b"".join(self._lines))
        self._chunks.append(chunk)
        self._lines = []

    def _finish(self) -> None:
        # groupby drops repeated lines and writelines writes them, both in C: no Python code runs per line
        if not self._chunks:  # everything fits in memory: no merge needed
            self._lines.sort()
            self._write(self._lines)
            self._lines = []
            return
        self._spill()
        with ExitStack() as stack:
            self._write(heapq.merge(*(stack.enter_context(chunk.open("rb")) for chunk in self._chunks)))

    def _write(self, lines: Iterable[bytes]) -> None:
        with self.dest.open("wb") as out:
            out.writelines(map(itemgetter(0), groupby(lines)) if self.repeats is None else self._counted(lines))
        with self.dest.open("rb") as written:
            self.count = sum(block.count(b"\n") for block in iter(lambda: written.read(1 << 22), b""))

    def _counted(self, lines: Iterable[bytes]) -> Iterable[bytes]:
        """Each distinct line of sorted ``lines`` once, noting in ``repeats`` those that come more than once."""
        repeats = self.repeats
        assert repeats is not None
        previous, times = b"", 0
        for line in lines:
            if line == previous:
                times += 1
                continue
            if times > 1:
                repeats[previous] = times
            yield line
            previous, times = line, 1
        if times > 1:
            repeats[previous] = times


def lower_bound(data: mmap.mmap | bytes, key: bytes, lo: int, hi: int) -> int:
    """The start of the first line of sorted ``data[lo:hi]`` (both line starts) that is >= ``key``, or ``hi``."""
    while lo < hi:
        mid = (lo + hi) // 2
        start = max(lo, data.rfind(b"\n", lo, mid) + 1)
        end = data.find(b"\n", start) + 1
        if data[start:end] < key:
            lo = end
        else:
            hi = start
    return lo
