"""Lines of bytes written out sorted and without duplicates, in bounded memory (an external merge sort).

    with SortedLines(dest) as lines:   # chunks of ``chunk_lines`` are spilled beside dest and sorted
        lines.add(b"...\\n...\\n")
    # dest now holds every distinct line once, in byte order; lines.count says how many

The build sorts its N-Triples with it (kg.pipeline), so memory stays flat however large the graph.

Where there is a ``sort`` (coreutils, byte order under LC_ALL=C), each chunk is written as it came and sorted
by a ``sort`` process in the background, and the sorted chunks are merged by ``sort -m``: the caller (the
build's main process, which feeds the extraction workers) never stops to sort, and no Python object is made
per line. Sorting a chunk in the main process stopped both workers for about 0.3 s a chunk (they wait to hand
over their results), and ``sort -m`` is 4x faster than heapq.merge, which runs Python code for every line
(0.2 s against 0.75 s for the 825,000 lines of the 5 MB benchmark corpus's graph). Where there is none
(Windows), chunks are sorted in memory and merged by heapq.merge, with the same result for lines of which
none is a proper prefix of another followed by a byte below the line break (``sort`` compares lines without
their line break, Python with it). N-Triples lines all end in " ." and hold no raw control byte.
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
    ``chunk_lines`` are spilled to files beside ``dest`` and sorted, then merged)."""

    def __init__(self, dest: Path, chunk_lines: int = 250_000, *, repeats: dict[bytes, int] | None = None) -> None:
        self.dest = dest
        self.chunk_lines = chunk_lines
        self.count = 0
        self.repeats = repeats
        """when given, filled with every line added more than once and how many times (kg.rebuild)"""
        self._data: list[bytes] = []  # what was added since the last spill, as given
        self._pending = 0  # its lines
        self._chunks: list[Path] = []
        self._sorting: list[subprocess.Popen[bytes]] = []  # background sorts of spilled chunks, oldest first
        self._added = 0
        self._sort = shutil.which("sort") if MERGE_WITH_SORT else None

    def __enter__(self) -> SortedLines:
        return self

    def __exit__(self, kind: object, *_: object) -> None:
        try:
            if kind is None:
                self._finish()
        finally:
            for process in self._sorting:
                process.kill()
                process.wait()
            for chunk in self._chunks:
                chunk.unlink(missing_ok=True)

    def add(self, data: bytes) -> None:
        """Add the lines of ``data`` (each ending in a line break)."""
        lines = data.count(b"\n")
        self._added += lines
        self._pending += lines
        self._data.append(data)
        if self._pending >= self.chunk_lines:
            self._spill()

    def add_lines(self, lines: list[bytes]) -> None:
        """Add lines (each ending in a line break)."""
        self.add(b"".join(lines))

    def _take(self) -> list[bytes]:
        """The lines added since the last spill, as a list (for a sort in this process)."""
        lines = b"".join(self._data).splitlines(keepends=True)
        self._data, self._pending = [], 0
        return lines

    def _spill(self) -> None:
        chunk = self.dest.with_name(f"{self.dest.name}.{len(self._chunks)}")
        self._chunks.append(chunk)
        if self._sort is None:
            lines = self._take()
            lines.sort()
            chunk.write_bytes(b"".join(lines))
            return
        with chunk.open("wb") as out:
            out.writelines(self._data)
        self._data, self._pending = [], 0
        while len(self._sorting) >= _SORTING:  # bounded: at most that many chunks are sorted at once
            _finished(self._sorting.pop(0), "sort")
        # sorted in place (sort reads all its input before it writes -o); lines that repeat are kept, to be counted
        command = [self._sort, "-T", str(self.dest.parent), "-o", str(chunk), "--", str(chunk)]
        self._sorting.append(_start(command, _c_locale(), stdout=None))

    def _finish(self) -> None:
        # groupby drops repeated lines and writelines writes them, both in C: no Python code runs per line
        if not self._chunks:  # everything fits in memory: no merge needed
            lines = self._take()
            lines.sort()
            self._write(lines)
            return
        if self._pending:
            self._spill()
        if self._sort is not None:
            while self._sorting:
                _finished(self._sorting.pop(0), "sort")
            self._merge_with(self._sort)
            return
        with ExitStack() as stack:
            self._write(heapq.merge(*(stack.enter_context(chunk.open("rb")) for chunk in self._chunks)))

    def _merge_with(self, sort: str) -> None:
        """Merge the sorted chunks with ``sort -m -u`` into ``dest``; with ``repeats``, a second ``sort -m``
        piped into ``uniq -c -d`` lists the lines that come more than once, at the same time."""
        chunks = [str(chunk) for chunk in self._chunks]
        env = _c_locale()
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
"""Sort and merge spilled chunks with the system's ``sort`` when there is one (tests turn it off to compare)."""
_SORTING = 2
"""Chunks sorted at once in the background (each ``sort`` holds its chunk in memory: 37 MB for 250,000 lines
of the 5 MB benchmark corpus's graph)."""


def _c_locale() -> dict[str, str]:
    """The environment for coreutils: byte order (LC_ALL=C)."""
    return {**os.environ, "LC_ALL": "C"}


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
