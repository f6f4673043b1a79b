"""The `kg` command run the way a user runs it: a real process on real files."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

from .conftest import CORPUS, ROOT

SAMPLE = CORPUS / "2021-sichuan-youshilaixieshang-conference-speeches.txt"


def kg(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "kg", *args], cwd=cwd, capture_output=True, text=True, timeout=300)


def test_build_writes_turtle_and_prints_summary(tmp_path: Path) -> None:
    done = kg("build", str(CORPUS), "--out", str(tmp_path), "--formats", "turtle", "--quiet")
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "cppcc.ttl").is_file()
    for word in ("documents", "CPPCCBody", "triples", "time (s)"):
        assert word in done.stdout
    assert not list(tmp_path.glob(".*tmp")), "temporary files left behind"


def test_build_loads_neither_rdflib_nor_the_other_commands(tmp_path: Path) -> None:
    """`kg build` writes RDF with pyoxigraph: rdflib (kg.vocab.CPPCC) and the other commands' modules (a
    server, a SPARQL engine, the HTML page) are not imported, so that they do not slow every build's start."""
    unwanted = ("kg.server", "kg.query", "kg.query_pool", "kg.export.html", "kg.cli.serve", "kg.cli.query")
    probe = ("import sys; from kg.cli import main; status = main(sys.argv[1:]); "
             f"print(status, sorted(m for m in sys.modules if m.split('.')[0] == 'rdflib' or m in {unwanted!r}))")
    done = subprocess.run([sys.executable, "-c", probe, "build", str(SAMPLE), "--out", str(tmp_path), "--formats", "turtle",
                           "--quiet"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "0 []"


def test_a_reader_that_goes_away_ends_the_command_quietly() -> None:
    # kg extract … | head: the pipe's reader is gone before anything is written
    read, write = os.pipe()
    os.close(read)
    try:
        done = subprocess.run([sys.executable, "-m", "kg", "extract", str(SAMPLE), "--format", "jsonl"], cwd=ROOT,
                              stdout=write, stderr=subprocess.PIPE, text=True, timeout=300)
    finally:
        os.close(write)
    assert done.returncode == 128 + signal.SIGPIPE
    assert "Traceback" not in done.stderr and "BrokenPipeError" not in done.stderr, done.stderr


def test_unreadable_file_is_skipped_by_name_and_build_exits_nonzero(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "good.txt").write_text(SAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    (corpus / "broken.txt").write_bytes(b"\xff\xfe\x00\xd8" * 3 + b"\x81")  # no encoding reads this
    done = kg("build", str(corpus), "--out", str(tmp_path / "out"), "--formats", "turtle", "--quiet")
    assert done.returncode == 1
    assert "broken.txt" in done.stderr
    assert "Traceback" not in done.stderr
    assert (tmp_path / "out" / "cppcc.ttl").is_file(), "the readable file is still built"


def test_progress_counts_files_and_documents_and_quiet_silences_it(tmp_path: Path) -> None:
    """The bar (stderr) shows files done of all and the documents extracted, from the cache and failed, in a
    first build and in a rebuild, then the export formats written; --quiet leaves only what went wrong."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in ("a", "b", "c"):
        (corpus / f"{name}.txt").write_text(SAMPLE.read_text(encoding="utf-8").replace("成都", "德阳" if name == "b" else "成都"), encoding="utf-8")
    (corpus / "broken.txt").write_bytes(b"\xff\xfe\x00\xd8" * 3 + b"\x81")
    out = tmp_path / "out"
    first = kg("build", str(corpus), "--out", str(out), "--formats", "turtle", "--workers", "1")
    assert "4/4" in first.stderr and "documents: 18 extracted, 0 from cache; files failed: 1" in first.stderr, first.stderr
    assert "writing: 100%" in first.stderr and "1/1" in first.stderr and "turtle written" in first.stderr, first.stderr
    (corpus / "c.txt").write_text(SAMPLE.read_text(encoding="utf-8").replace("成都", "泸州"), encoding="utf-8")
    again = kg("build", str(corpus), "--out", str(out), "--formats", "turtle", "--workers", "1")
    assert "4/4" in again.stderr and "documents: 6 extracted, 12 from cache; files failed: 1" in again.stderr, again.stderr
    quiet = kg("build", str(corpus), "--out", str(out), "--formats", "turtle", "--workers", "1", "--quiet")
    assert quiet.returncode == 1 and "building" not in quiet.stderr and "broken.txt" in quiet.stderr


def test_empty_input_gives_a_clear_message(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    done = kg("build", str(empty), "--out", str(tmp_path / "out"), "--quiet")
    assert done.returncode == 2
    assert "no documents found" in done.stderr
    assert "Traceback" not in done.stderr
    missing = kg("build", str(tmp_path / "nope"), "--quiet")
    assert missing.returncode == 2 and "no such file" in missing.stderr


def test_extract_prints_one_json_object_per_document() -> None:
    done = kg("extract", str(SAMPLE), "--format", "jsonl")
    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(lines) == 6
    first = next(d for d in lines if d["speaker"] == "成都市政协")
    assert first["document"] == str(SAMPLE)
    assert first["title"].startswith("强化工作举措")
    entity = next(e for e in first["entities"] if e["name"] == "成都市政协")
    assert entity["type"] == "CPPCCBody"
    mention = entity["mentions"][0]
    assert mention["start"] < mention["end"] and mention["sentence"]
    for relation in first["relations"]:
        assert {"subject", "predicate", "object", "evidence"} <= set(relation)


def test_stats_reads_the_built_graph(tmp_path: Path) -> None:
    assert kg("build", str(CORPUS), "--out", str(tmp_path), "--formats", "turtle", "-q").returncode == 0
    done = kg("stats", "--graph", str(tmp_path / "cppcc.ttl"))
    assert done.returncode == 0, done.stderr
    assert "CPPCCBody" in done.stdout and "triples" in done.stdout
    missing = kg("stats", "--graph", str(tmp_path / "missing.ttl"))
    assert missing.returncode == 2 and "missing.ttl" in missing.stderr
