"""kg.sortedlines: the external merge sort gives every distinct line once, in byte order, with the lines
that came more than once counted, whether the chunks are merged by ``sort -m`` or by heapq.merge."""

from __future__ import annotations

import random
import shutil
import time
from collections import Counter
from pathlib import Path

import pytest

from kg import sortedlines
from kg.sortedlines import SortedLines


def _lines(seed: int, count: int) -> list[bytes]:
    """N-Triples-like lines with repeats, non-ASCII text and escapes, in random order."""
    rng = random.Random(seed)
    words = ["政协", "有事来协商", "委员", r"a\tb", r"\u0001", "<x>", "é", "Z", "0"]
    pool = [
        f'<http://e/{rng.randrange(50)}> <http://p/{rng.choice("abc")}> "{"".join(rng.choices(words, k=rng.randrange(4)))}" .\n'.encode()
        for _ in range(count // 3)
    ]
    return [rng.choice(pool) for _ in range(count)]


def _sorted(tmp_path: Path, lines: list[bytes], *, chunk_lines: int, with_sort: bool, name: str) -> tuple[bytes, int, dict[bytes, int]]:
    sortedlines.MERGE_WITH_SORT = with_sort
    try:
        repeats: dict[bytes, int] = {}
        dest = tmp_path / name
        with SortedLines(dest, chunk_lines=chunk_lines, repeats=repeats) as collected:
            for start in range(0, len(lines), 97):
                collected.add(b"".join(lines[start:start + 97]))
        assert not list(tmp_path.glob(f"{name}.*")), "spilled chunks are removed"
        assert not list(tmp_path.glob("sort*")), "sort's own temporary files (over 16 chunks) are removed"
        return dest.read_bytes(), collected.count, repeats
    finally:
        sortedlines.MERGE_WITH_SORT = True


@pytest.mark.parametrize("chunk_lines", [10_000, 500, 64])
def test_sorted_distinct_and_repeats_counted(tmp_path: Path, chunk_lines: int) -> None:
    lines = _lines(7, 3000)
    data, count, repeats = _sorted(tmp_path, lines, chunk_lines=chunk_lines, with_sort=True, name="out.nt")
    times = Counter(lines)
    assert data == b"".join(sorted(times))
    assert count == len(times)
    assert repeats == {line: n for line, n in times.items() if n > 1}


@pytest.mark.skipif(shutil.which("sort") is None, reason="no sort on this system")
def test_sort_merge_same_as_heapq_merge(tmp_path: Path) -> None:
    lines = _lines(11, 5000)
    by_sort = _sorted(tmp_path, lines, chunk_lines=300, with_sort=True, name="a.nt")
    by_heapq = _sorted(tmp_path, lines, chunk_lines=300, with_sort=False, name="b.nt")
    assert by_sort == by_heapq


def test_no_repeats_asked(tmp_path: Path) -> None:
    lines = _lines(3, 2000)
    dest = tmp_path / "out.nt"
    with SortedLines(dest, chunk_lines=100) as collected:
        collected.add_lines(lines)
    assert dest.read_bytes() == b"".join(sorted(set(lines)))
    assert collected.count == len(set(lines))


def test_a_failed_merge_names_the_command(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = tmp_path / "bin"
    fake.mkdir()
    (fake / "sort").write_text("#!/bin/sh\necho 'sort: disk full' >&2\nexit 2\n")
    (fake / "sort").chmod(0o755)
    monkeypatch.setattr(shutil, "which", lambda name: str(fake / name) if name == "sort" else None)
    with pytest.raises(OSError, match="disk full"), SortedLines(tmp_path / "out.nt", chunk_lines=10) as collected:
        collected.add_lines(_lines(5, 100))
    assert not list(tmp_path.glob("out.nt.*"))


def test_an_error_while_chunks_are_sorting_stops_the_sorts_and_removes_the_chunks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A spilled chunk is sorted by a ``sort`` process in the background while lines keep coming; a build that
    fails meanwhile leaves neither a sort running nor a chunk behind."""
    if not Path("/proc/self/task").is_dir():
        pytest.skip("lists child processes through /proc")
    fake = tmp_path / "bin"
    fake.mkdir()
    (fake / "sort").write_text("#!/bin/sh\nexec sleep 30\n")  # a sort that is still running when the block fails
    (fake / "sort").chmod(0o755)
    monkeypatch.setattr(shutil, "which", lambda name: str(fake / name) if name == "sort" else None)

    def sleeping() -> list[int]:
        children = [int(pid) for task in Path("/proc/self/task").iterdir() for pid in (task / "children").read_text().split()]
        ours = []
        for pid in children:
            try:
                command = Path(f"/proc/{pid}/cmdline").read_bytes()
            except OSError:  # it ended meanwhile
                continue
            if b"sleep" in command or str(fake).encode() in command or b"pytest" in command:  # (before its exec)
                ours.append(pid)
        return ours

    with pytest.raises(RuntimeError, match="stop"), SortedLines(tmp_path / "out.nt", chunk_lines=10) as collected:
        collected.add_lines(_lines(5, 100))  # one chunk, spilled: the block goes on while it is sorted
        # looked for a while: the fake sort execs sleep, and a process's command line reads empty while it
        # execs (seen once in CI, under load)
        found, deadline = sleeping(), time.monotonic() + 5
        while not found and time.monotonic() < deadline:
            time.sleep(0.05)
            found = sleeping()
        assert list(tmp_path.glob("out.nt.*")) and found, "the chunk is being sorted in the background"
        raise RuntimeError("stop")
    assert not list(tmp_path.glob("out.nt*"))
    assert not sleeping()
