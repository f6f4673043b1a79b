"""Incremental builds (kg.cache): a rebuild extracts only new and changed files, and its exports are
byte-identical to a clean build of the same corpus."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kg.cache import DIRNAME
from kg.pipeline import BuildReport, build_to
from kg.settings import Settings

from .conftest import CORPUS

FORMATS = ["turtle", "ntriples", "nquads", "jsonld"]
SAMPLE = (CORPUS / "2021-sichuan-youshilaixieshang-conference-speeches.txt").read_text(encoding="utf-8")
PLACES = ["成都", "德阳", "绵阳", "泸州", "荣县", "通江", "南充", "宜宾"]


def _corpus(folder: Path, n: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):  # the sample's speeches under other place names, one file each
        (folder / f"doc{i:02d}.txt").write_text(SAMPLE.replace("成都", PLACES[i % len(PLACES)]), encoding="utf-8")


def _build(corpus: Path, out: Path, *, cache: bool = True, settings: Settings | None = None) -> BuildReport:
    return build_to([corpus], out, formats=FORMATS, settings=settings or Settings(workers=2), progress=False, cache=cache)


def _exports(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(out.iterdir()) if p.is_file()}


def test_rebuild_extracts_only_what_changed_and_equals_a_clean_build(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    _corpus(corpus, 6)
    first = _build(corpus, tmp_path / "out")
    assert (first.extracted, first.from_cache) == (36, 0)  # six compilations of six documents

    again = _build(corpus, tmp_path / "out")
    assert (again.extracted, again.from_cache) == (0, 36)

    (corpus / "doc01.txt").write_text(SAMPLE.replace("成都", "巴中"), encoding="utf-8")  # changed
    (corpus / "doc02.txt").unlink()  # removed
    (corpus / "doc09.txt").write_text(SAMPLE.replace("成都", "雅安"), encoding="utf-8")  # added
    rebuilt = _build(corpus, tmp_path / "out")
    assert (rebuilt.extracted, rebuilt.from_cache) == (12, 24)
    clean = _build(corpus, tmp_path / "clean", cache=False)
    assert clean.from_cache == 0 and not (tmp_path / "clean" / DIRNAME).exists()
    assert _exports(tmp_path / "out") == _exports(tmp_path / "clean")
    assert rebuilt.triples == clean.triples and rebuilt.violations == clean.violations == []
    entries = list((tmp_path / "out" / DIRNAME / "entries").rglob("*.kgc"))
    assert len(entries) == 6, "entries of removed and changed files are dropped"


def test_a_changed_user_lexicon_invalidates_every_entry(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    _corpus(corpus, 4)
    lexicon = tmp_path / "terms.tsv"
    lexicon.write_text("田坎议事会\tPlatform\n", encoding="utf-8")
    settings = Settings(workers=2, user_lexicons=(lexicon,))
    _build(corpus, tmp_path / "out", settings=settings)
    assert _build(corpus, tmp_path / "out", settings=settings).from_cache == 24
    lexicon.write_text("田坎议事会\tPlatform\n院坝会\tPlatform\n", encoding="utf-8")
    assert _build(corpus, tmp_path / "out", settings=settings).extracted == 24
    assert _build(corpus, tmp_path / "out").extracted == 24, "no lexicon is another fingerprint too"


def test_a_damaged_entry_is_never_served(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    _corpus(corpus, 2)
    _build(corpus, tmp_path / "out")
    entries = sorted((tmp_path / "out" / DIRNAME / "entries").rglob("*.kgc"))
    data = entries[0].read_bytes()
    entries[0].write_bytes(data[: len(data) // 2])  # as a write cut short would leave it
    (entries[0].parent / ".leftover.tmp").write_bytes(b"half")
    shutil.rmtree(tmp_path / "out" / DIRNAME / "state")  # else the rebuild reads no entry (kg.rebuild)
    rebuilt = _build(corpus, tmp_path / "out")
    assert (rebuilt.extracted, rebuilt.from_cache) == (6, 6)
    _build(corpus, tmp_path / "clean", cache=False)
    assert _exports(tmp_path / "out") == _exports(tmp_path / "clean")
    assert not list((tmp_path / "out" / DIRNAME).rglob("*.tmp")), "temporary files of killed builds are removed"


def test_entries_lie_in_one_folder_and_subfolders_of_the_older_layout_are_removed(tmp_path: Path) -> None:
    """One folder of entries (a swap removes folders one by one, and each costs the file system a few ms);
    the per-prefix subfolders an earlier version wrote are dropped by the next build."""
    corpus = tmp_path / "corpus"
    _corpus(corpus, 2)
    entries = tmp_path / "out" / DIRNAME / "entries"
    _build(corpus, tmp_path / "out")
    made = sorted(entries.iterdir())
    assert len(made) == 2 and all(p.is_file() and p.suffix == ".kgc" for p in made)
    legacy = entries / made[0].name[:2]
    legacy.mkdir(exist_ok=True)
    os.link(made[0], legacy / made[0].name)  # as the older layout kept it
    rebuilt = _build(corpus, tmp_path / "out")
    assert rebuilt.from_cache == 12
    assert sorted(p.name for p in entries.iterdir()) == [p.name for p in made], "the old subfolder is removed"


def test_a_build_killed_midway_leaves_entries_the_next_build_uses(tmp_path: Path) -> None:
    """SIGKILL a real `kg build` once it has written some entries: the next build takes them from the
    cache, extracts the rest, and writes what a clean build writes."""
    corpus = tmp_path / "corpus"
    _corpus(corpus, 8)
    out = tmp_path / "out"
    command = [sys.executable, "-m", "kg", "build", str(corpus), "--out", str(out), "--formats", "turtle", "--workers", "1", "-q"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    try:
        while len(list((out / DIRNAME).rglob("*.kgc"))) < 2:
            assert process.poll() is None, "the build ended before it could be killed"
            assert time.monotonic() < deadline, "no cache entry written in 120 s"
            time.sleep(0.05)
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()
    done = len(list((out / DIRNAME).rglob("*.kgc")))
    rebuilt = build_to([corpus], out, formats=["turtle"], settings=Settings(workers=2), progress=False)
    assert rebuilt.from_cache == 6 * done and rebuilt.extracted == 6 * (8 - done)
    build_to([corpus], tmp_path / "clean", formats=["turtle"], progress=False, cache=False)
    assert (out / "cppcc.ttl").read_bytes() == (tmp_path / "clean" / "cppcc.ttl").read_bytes()


@pytest.mark.parametrize("flag, cached", [([], True), (["--no-cache"], False)])
def test_cli_says_how_many_documents_came_from_the_cache(tmp_path: Path, flag: list[str], cached: bool) -> None:
    corpus = tmp_path / "corpus"
    _corpus(corpus, 1)
    command = [sys.executable, "-m", "kg", "build", str(corpus), "--out", str(tmp_path / "out"), "--formats", "turtle", "-q"]
    subprocess.run(command + flag, check=True, capture_output=True)
    done = subprocess.run(command + flag, check=True, capture_output=True, text=True, env={**os.environ})
    line = next(x for x in done.stdout.splitlines() if "from the cache" in x)
    assert line.split()[-1] == ("6" if cached else "0")
