"""Lines of bytes written out sorted and without duplicates, in bounded memory (an external merge sort).

    with SortedLines(dest) as lines:   # chunks of ``chunk_lines`` are sorted in memory and spilled beside dest
        lines.add(b"...\\n...\\n")
    # dest now holds every distinct line once, in byte order; lines.count says how many

The build sorts its N-Triples with it (kg.pipeline), so memory stays flat however large the graph.

The spilled chunks are merged by ``sort -m`` (coreutils, byte order under LC_ALL=C) where there is one: 4x
faster than heapq.merge, which runs Python code for every line (0.2 s against 0.75 s for the 825,000 lines of
the 5 MB benchmark corpus's graph); where there is none (Windows), by heapq.merge, with the same result for
lines of which none is a proper prefix of another followed by a byte below the line break (``sort`` compares
lines without their line break, Python with it). N-Triples lines all end in " ." and hold no raw control byte.
"""

from __future__ import annotations

import heapq
import mmap
import os
import shutil
import subprocess
from collections.abc import Iterable
from contextlib import ExitStack
from itertools import groupby
from operator import itemgetter
from pathlib import Path
from typing import IO


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
        self._added = 0

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
        lines = data.splitlines(keepends=True)
        self._added += len(lines)
        self._lines.extend(lines)
        if len(self._lines) >= self.chunk_lines:
            self._spill()

    def add_lines(self, lines: list[bytes]) -> None:
        """Add lines (each ending in a line break)."""
        self._added += len(lines)
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
        sort = shutil.which("sort") if MERGE_WITH_SORT else None
        if sort is not None:
            self._merge_with(sort)
            return
        with ExitStack() as stack:
            self._write(heapq.merge(*(stack.enter_context(chunk.open("rb")) for chunk in self._chunks)))

    def _merge_with(self, sort: str) -> None:
        """Merge the sorted chunks with ``sort -m -u`` into ``dest``; with ``repeats``, a second ``sort -m``
        piped into ``uniq -c -d`` lists the lines that come more than once, at the same time."""
        chunks = [str(chunk) for chunk in self._chunks]
        env = {**os.environ, "LC_ALL": "C"}
        # -T: sort merges more than 16 files a batch at a time through temporary files, kept beside dest
        # (as the chunks are) rather than in /tmp
        spill = ["-T", str(self.dest.parent)]
        merge = _start([sort, "-m", "-u", *spill, "-o", str(self.dest), "--", *chunks], env, stdout=None)
        repeated: dict[bytes, int] | None = None
        try:
            if self.repeats is not None:
                repeated = _repeated([sort, "-m", *spill], chunks, env)
                self.repeats.update(repeated)
        except BaseException:
            merge.kill()
            merge.wait()
            raise
        _finished(merge, "sort -m -u")
        # with the repeated lines counted, the distinct ones are the lines added less the second and later
        # copies of each: no need to read the merged file again (120 MB for the 5 MB benchmark corpus)
        self.count = self._added - sum(repeated.values()) + len(repeated) if repeated is not None else _count_lines(self.dest)

    def _write(self, lines: Iterable[bytes]) -> None:
        with self.dest.open("wb") as out:
            out.writelines(map(itemgetter(0), groupby(lines)) if self.repeats is None else self._counted(lines))
        self.count = _count_lines(self.dest)

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


MERGE_WITH_SORT = True
"""Merge spilled chunks with the system's ``sort`` when there is one (tests turn it off to compare)."""


def _start(command: list[str], env: dict[str, str], *, stdout: int | None, stdin: IO[bytes] | None = None) -> subprocess.Popen[bytes]:
    """Start a coreutils command that dies with this process (kg.workers.die_with_parent: no process
    outlives a build that is killed)."""
    from kg.workers import die_with_parent

    parent = os.getpid()
    return subprocess.Popen(command, env=env, stdin=stdin, stdout=stdout, stderr=subprocess.PIPE,
                            preexec_fn=lambda: die_with_parent(parent))  # fmt: skip


def _finished(process: subprocess.Popen[bytes], what: str) -> None:
    """Wait for ``process`` (its output already read or handed on); a failure is an OSError with its message."""
    err = process.stderr.read() if process.stderr is not None else b""
    process.wait()
    if process.returncode != 0:
        raise OSError(f"{what} failed (exit {process.returncode}): {err.decode(errors='replace').strip()}")


def _repeated(merge: list[str], chunks: list[str], env: dict[str, str]) -> dict[bytes, int]:
    """The lines that come more than once in the sorted files ``chunks``, with how many times: ``sort -m``
    piped into ``uniq -c -d``."""
    uniq = shutil.which("uniq")
    if uniq is None:
        raise OSError("`sort` was found but not `uniq`: cannot count the repeated lines")
    every = _start([*merge, "--", *chunks], env, stdout=subprocess.PIPE)
    assert every.stdout is not None
    try:
        count = _start([uniq, "-c", "-d"], env, stdout=subprocess.PIPE, stdin=every.stdout)
    finally:
        every.stdout.close()
    out, err = count.communicate()
    _finished(every, "sort -m")
    if count.returncode != 0:
        raise OSError(f"uniq -c -d failed (exit {count.returncode}): {err.decode(errors='replace').strip()}")
    repeats: dict[bytes, int] = {}
    for row in out.splitlines(keepends=True):
        times, line = row.lstrip().split(b" ", 1)  # "%7d " then the line
        repeats[line] = int(times)
    return repeats


def _count_lines(path: Path) -> int:
    with path.open("rb") as written:
        return sum(block.count(b"\n") for block in iter(lambda: written.read(1 << 22), b""))


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
