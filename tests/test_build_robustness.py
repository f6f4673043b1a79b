"""Nothing a file, a signal or the output side can do breaks a build (issue 11).

Hostile files are made here, in the test; builds run as a user runs them (a real `kg build` process) where
the point is the process (exit status, messages, signals), else through kg.pipeline.build_to on tiny
corpora with few formats, to keep the time down.
"""

from __future__ import annotations

import csv
import errno
import fcntl
import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import networkx as nx
import pyoxigraph as ox
import pytest
import rdflib
from lxml import html as lxml_html

from kg import export
from kg.cli import main as cli_main
from kg.errors import ConfigError, OutputError
from kg.export import staging
from kg.lexicon import rows
from kg.pipeline import build_to
from kg.settings import Settings

from .conftest import ROOT

ARTICLE = "成都市政协搭建“有事来协商”平台，双流区政协主席张三参加院坝协商会。\n"
QUICK = Settings(validate=False, workers=1)


def kg(*args: str | bytes, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kg", *args], cwd=ROOT, capture_output=True, text=True, timeout=timeout, errors="replace"
    )


def corpus(folder: Path, count: int = 2, extra: str = "") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(count):
        (folder / f"a{i:02d}.txt").write_text(ARTICLE.replace("张三", f"张{'一二三四五六七八九十'[i % 10]}") + extra, encoding="utf-8")
    return folder


def snapshot(folder: Path) -> dict[str, str]:
    """The exports under ``folder`` (what kg.export.FILES names: not a cache or other files kept there, nor
    flock files and the store's RocksDB internals) by content hash."""
    owned = export.owned_names()
    return {
        str(p.relative_to(folder)): hashlib.sha1(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.name.endswith(".lock") and p.relative_to(folder).parts[0] in owned | MINE
        and not any(part.endswith(".oxigraph") for part in p.relative_to(folder).parts)
    }


MINE = {".gitkeep", "notes", "link"}
"""Files a test puts in an output folder as a user would (they must survive builds)."""


def leftovers(out: Path) -> list[str]:
    """Staging folders, work folders and temporary files a build may leave beside or in ``out``."""
    found = [p.name for p in out.parent.iterdir() if staging.MARK in p.name]
    if out.is_dir():
        found += [
            p.name for p in out.iterdir()
            if p.name.startswith((".kg-build-", ".kg-work", staging.MARK)) or p.name.endswith((".tmp", ".old"))
        ]
    return found


def parse_every_export(out: Path) -> dict[str, int]:
    """Load each export into a real consumer; triple counts of the RDF formats, node counts of the others."""
    counts: dict[str, int] = {}
    for name, fmt in (("cppcc.ttl", ox.RdfFormat.TURTLE), ("cppcc.nt", ox.RdfFormat.N_TRIPLES)):
        counts[name] = len(list(ox.parse(path=str(out / name), format=fmt)))
    for name, fmt in (("cppcc.nq", ox.RdfFormat.N_QUADS), ("cppcc.trig", ox.RdfFormat.TRIG), ("cppcc.jsonld", ox.RdfFormat.JSON_LD)):
        counts[name] = len({(q.subject, q.predicate, q.object) for q in ox.parse(path=str(out / name), format=fmt)})
    counts["rdflib nt"] = len(rdflib.Graph().parse(out / "cppcc.nt", format="nt"))
    counts["graphml nodes"] = nx.read_graphml(out / "cppcc.graphml", force_multigraph=True).number_of_nodes()
    counts["gexf nodes"] = nx.read_gexf(out / "cppcc.gexf").number_of_nodes()
    rows_ = 0
    for path in sorted((out / "neo4j").glob("nodes_*.csv")):
        with path.open(encoding="utf-8", newline="") as fh:
            rows_ += sum(1 for _ in csv.DictReader(fh))
    counts["neo4j nodes"] = rows_
    page = lxml_html.parse(str(out / "cppcc.html")).getroot()
    assert page.find(".//body") is not None
    return counts


# ---------------------------------------------------------------------------- hostile input


def hostile_corpus(folder: Path) -> tuple[list[str], list[str]]:
    """Every kind of bad file of issue 11 items 1 and 6 beside good ones: (good names, bad names)."""
    folder.mkdir()
    good = {
        "good.txt": ARTICLE.encode(),
        "formfeed.txt": f"第一页\f{ARTICLE}\v第二段\u2028成都市政协\u2029完\x85".encode(),
        "private.txt": f"郫都区政协\ue000搭建\ufffe“院坝\ufdd0协商\x85”平台[试点]。成都市政协搭建“有事来\ue000协商”平台。{ARTICLE}".encode(),
        "big5.txt": "雙流區政協搭建「有事來協商」平台，委員工作室參加院壩協商會。".encode("cp950"),
        os.fsdecode(b"\xff\xfe\xe9.txt"): ARTICLE.encode(),
        os.fsdecode("政协通讯.txt".encode("gbk")): ARTICLE.encode(),
    }
    for name, data in good.items():
        (folder / name).write_bytes(data)
    (folder / "binary.txt").write_bytes(bytes(range(32)) * 8)
    (folder / "empty.md").write_bytes(b"")
    (folder / "broken.txt").symlink_to(folder / "nowhere.txt")
    os.mkfifo(folder / "pipe.txt")
    (folder / "exports").mkdir()  # the output folder inside the input folder, with an old page in it
    (folder / "exports" / "cppcc.html").write_text("<p>成都市政协 旧页面</p>", encoding="utf-8")
    return sorted(good), ["binary.txt", "empty.md", "broken.txt", "pipe.txt"]


def test_hostile_corpus_builds_every_good_file_names_every_bad_one_and_every_export_parses(tmp_path: Path) -> None:
    folder = tmp_path / "corpus"
    good, bad = hostile_corpus(folder)
    out = folder / "exports"
    done = kg("build", str(folder), "--out", str(out), "--quiet", "--workers", "1")
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    for name in bad:
        assert f"skipped {folder / name}" in done.stderr
    assert "政协通讯.txt: the path is not UTF-8" in done.stderr
    counts = parse_every_export(out)
    assert len({counts[k] for k in ("cppcc.ttl", "cppcc.nt", "cppcc.nq", "cppcc.trig", "cppcc.jsonld", "rdflib nt")}) == 1
    assert counts["graphml nodes"] == counts["gexf nodes"]
    graph = ox.Store()
    graph.bulk_load(path=str(out / "cppcc.ttl"), format=ox.RdfFormat.TURTLE)
    sources = {r["s"].value for r in graph.query("SELECT ?s WHERE { ?d cppcc:sourceFile ?s }", prefixes={"cppcc": "https://w3id.org/cppcc-kg/ontology#"})}
    from kg.ingest.chars import display_path

    assert sources == {display_path(folder / name) for name in good}, "every good file, nothing from exports/"
    assert "政协通讯.txt" in " ".join(sources)
    labels = {r["l"].value for r in graph.query("SELECT ?l WHERE { ?x rdfs:label ?l }", prefixes={"rdfs": str(rdflib.RDFS)})}
    assert "双流区政协" in labels, "Big5 read as Big5, not GB18030 mojibake"
    assert "有事来\ue000协商" in labels, "a private-use character in a name: kept in the label, percent-encoded in the IRI"
    assert not leftovers(out)


# ---------------------------------------------------------------------------- all or nothing


def test_a_failing_exporter_leaves_the_previous_build_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    build_to([corpus(tmp_path / "a")], out, formats=["turtle", "ntriples", "graphml"], settings=QUICK, progress=False)
    before = snapshot(out)

    def broken(store: ox.Store, out_dir: Path) -> list[Path]:
        raise OutputError(out_dir / "cppcc.graphml", "No space left on device", "the disk is full")

    monkeypatch.setattr("kg.export.graphml.write_graphml", broken)
    with pytest.raises(OutputError):
        build_to([corpus(tmp_path / "b", 3)], out, formats=["turtle", "ntriples", "graphml"], settings=QUICK, progress=False)
    assert snapshot(out) == before
    assert not leftovers(out)


@pytest.mark.parametrize("swap", ["folder", "entries"])
def test_ctrl_c_during_the_swap_gives_the_new_set_and_no_leftovers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, swap: str
) -> None:
    """A Ctrl-C that arrives while the sets are swapped is held back and delivered as the swap ends: the
    new set is in place and the old one, now under the stage's name, is removed all the same."""
    out = tmp_path / "out"
    build_to([corpus(tmp_path / "a")], out, formats=["turtle", "ntriples"], settings=QUICK, progress=False)
    fresh = tmp_path / "fresh"
    build_to([corpus(tmp_path / "b", 3)], fresh, formats=["turtle", "ntriples"], settings=QUICK, progress=False)
    method = "_swap_folders" if swap == "folder" else "_swap_entries"
    original = getattr(staging.Staging, method)

    def interrupted(self: staging.Staging) -> object:
        os.kill(os.getpid(), signal.SIGINT)  # held by signals_held until the swap is done
        return original(self)

    monkeypatch.setattr(staging.Staging, method, interrupted)
    if swap == "entries":
        monkeypatch.setattr(staging.Staging, "_swap_folders", lambda self: False)
    with pytest.raises(KeyboardInterrupt):
        build_to([corpus(tmp_path / "b", 3)], out, formats=["turtle", "ntriples"], settings=QUICK, progress=False)
    assert snapshot(out) == snapshot(fresh)
    assert not leftovers(out)


@pytest.mark.parametrize("swap", ["folder", "entries"])
def test_the_new_set_replaces_the_old_and_foreign_files_stay(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, swap: str
) -> None:
    if swap == "entries":  # a system that cannot exchange folders: each export renamed into place
        def refuse(a: Path, b: Path) -> None:
            raise OSError(errno.EINVAL, "no exchange here")

        monkeypatch.setattr(staging, "exchange", refuse)
        monkeypatch.setattr("kg.export.exchange", refuse)
    out = tmp_path / "out"
    build_to([corpus(tmp_path / "a")], out, formats=["turtle", "ntriples", "neo4j"], settings=QUICK, progress=False)
    (out / ".gitkeep").write_text("")
    (out / "notes").mkdir()
    (out / "notes" / "mine.txt").write_text("keep me", encoding="utf-8")
    (out / "link").symlink_to("notes/mine.txt")
    fresh = tmp_path / "fresh"
    build_to([corpus(tmp_path / "b", 3)], fresh, formats=["turtle", "neo4j"], settings=QUICK, progress=False)
    build_to([corpus(tmp_path / "b", 3)], out, formats=["turtle", "neo4j"], settings=QUICK, progress=False)
    assert not (out / "cppcc.nt").exists(), "an export of the old build in a format not built now is removed"
    mine = {k: v for k, v in snapshot(out).items() if k in (".gitkeep", "notes/mine.txt", "link")}
    assert snapshot(out) == {**snapshot(fresh), **mine}
    assert (out / "notes" / "mine.txt").read_text(encoding="utf-8") == "keep me"
    assert os.readlink(out / "link") == "notes/mine.txt"
    assert not leftovers(out)


def test_stale_stages_of_dead_builds_are_removed_live_ones_kept(tmp_path: Path) -> None:
    out = tmp_path / "out"
    dead = tmp_path / f".out{staging.MARK}999-dead"
    (dead / ".kg-work").mkdir(parents=True)
    (dead / ".kg-work" / "graph.nt").write_bytes(b"x" * 1000)
    live = tmp_path / f".out{staging.MARK}1-live"
    live.mkdir()
    fd = os.open(live, os.O_RDONLY)
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        out.mkdir()
        (out / ".kg-build-abc123").mkdir()  # what older versions left when killed
        (out / ".cppcc.ttl.xyz.tmp").write_text("half")
        build_to([corpus(tmp_path / "a")], out, formats=["turtle"], settings=QUICK, progress=False)
        assert not dead.exists()
        assert live.exists(), "another build still running keeps its stage"
        assert (out / "cppcc.ttl").is_file()
        assert not (out / ".kg-build-abc123").exists() and not (out / ".cppcc.ttl.xyz.tmp").exists()
    finally:
        os.close(fd)


def test_a_symlinked_output_folder_is_followed_and_kept(tmp_path: Path) -> None:
    real = tmp_path / "real"
    real.mkdir()
    link = tmp_path / "link"
    link.symlink_to(real)
    build_to([corpus(tmp_path / "a")], link, formats=["turtle"], settings=QUICK, progress=False)
    assert link.is_symlink() and (real / "cppcc.ttl").is_file()


def test_the_working_directory_as_out_is_updated_in_place(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = corpus(tmp_path / "a")
    monkeypatch.chdir(folder)
    inode = folder.stat().st_ino
    build_to([Path(".")], Path("."), formats=["turtle"], settings=QUICK, progress=False)
    assert folder.stat().st_ino == inode, "the shell's working directory is not swapped away"
    assert (folder / "cppcc.ttl").is_file() and (folder / "a00.txt").is_file()
    assert not leftovers(folder)


# ---------------------------------------------------------------------------- output-side errors


@pytest.mark.parametrize("kind", ["file", "fifo", "symlink-to-file", "broken-symlink"])
def test_out_that_is_not_a_folder_is_refused_untouched(tmp_path: Path, kind: str, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    target = tmp_path / "target"
    target.write_text("precious", encoding="utf-8")
    if kind == "file":
        out.write_text("precious", encoding="utf-8")
    elif kind == "fifo":
        os.mkfifo(out)
    elif kind == "symlink-to-file":
        out.symlink_to(target)
    else:
        out.symlink_to(tmp_path / "nowhere")
    status = cli_main(["build", str(corpus(tmp_path / "a")), "--out", str(out), "--formats", "turtle", "-q", "--no-validate"])
    err = capsys.readouterr().err
    assert status == 2
    assert err.count("\n") == 1 and str(out) in err and "--out" in err
    assert target.read_text(encoding="utf-8") == "precious"
    assert not leftovers(out)


@pytest.mark.parametrize("kind", ["symlink", "fifo"])
def test_an_export_name_taken_by_a_link_or_pipe_is_never_replaced(tmp_path: Path, kind: str) -> None:
    out = tmp_path / "out"
    out.mkdir()
    elsewhere = tmp_path / "elsewhere.ttl"
    elsewhere.write_text("mine", encoding="utf-8")
    if kind == "symlink":
        (out / "cppcc.ttl").symlink_to(elsewhere)
    else:
        os.mkfifo(out / "cppcc.ttl")
    with pytest.raises(OutputError, match="cppcc.ttl: is a"):
        build_to([corpus(tmp_path / "a")], out, formats=["turtle"], settings=QUICK, progress=False)
    assert elsewhere.read_text(encoding="utf-8") == "mine"
    assert (out / "cppcc.ttl").is_symlink() if kind == "symlink" else (out / "cppcc.ttl").is_fifo()


@pytest.mark.parametrize(
    "code,words",
    [(errno.ENOSPC, "disk is full"), (errno.EROFS, "read-only"), (errno.EACCES, "permission denied"), (errno.EDQUOT, "quota")],
)
def test_output_errors_are_one_line_naming_the_path_and_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], code: int, words: str
) -> None:
    out = tmp_path / "out"
    build_to([corpus(tmp_path / "a")], out, formats=["turtle"], settings=QUICK, progress=False)
    before = snapshot(out)
    real_open = Path.open

    def failing_open(self: Path, mode: str = "r", *args: object, **kwargs: object) -> object:
        if "w" in mode and self.name.startswith(".cppcc.ttl"):
            raise OSError(code, os.strerror(code), str(self))
        return real_open(self, mode, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "open", failing_open)
    status = cli_main(["build", str(corpus(tmp_path / "b", 3)), "--out", str(out), "--formats", "turtle", "-q", "--no-validate"])
    err = capsys.readouterr().err
    assert status == 2
    assert err.count("\n") == 1 and words in err and ".cppcc.ttl" in err, err
    assert snapshot(out) == before
    assert not leftovers(out)


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A real 1.2 MB file system (tmpfs), where the machine lets the tests mount one (as root)."""
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1200k", "tmpfs", str(mount)], capture_output=True)
    if done.returncode != 0:
        pytest.skip("cannot mount a tmpfs here")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=True)


def test_a_really_full_disk_is_one_line_and_keeps_the_old_set(small_disk: Path) -> None:
    out = small_disk / "exports"
    folder = ROOT / "corpus"
    assert kg("build", str(folder), "--out", str(out), "-q", "--no-validate", "--formats", "turtle").returncode == 0
    before = snapshot(out)
    done = kg("build", str(folder), "--out", str(out), "-q", "--no-validate")  # every format: does not fit
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "disk is full" in done.stderr and str(out) in done.stderr, done.stderr
    assert snapshot(out) == before
    assert not leftovers(out)
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    done = kg("build", str(folder), "--out", str(out), "-q", "--no-validate", "--formats", "turtle")
    assert done.returncode == 2 and "read-only" in done.stderr and done.stderr.count("\n") == 1, done.stderr
    assert snapshot(out) == before


def test_kg_html_out_a_folder_or_device_is_one_line_exit_2(tmp_path: Path) -> None:
    out = tmp_path / "out"
    build_to([corpus(tmp_path / "a")], out, formats=["turtle"], settings=QUICK, progress=False)
    for dest in (tmp_path, Path("/dev/null")):
        done = kg("html", "--graph", str(out / "cppcc.ttl"), "--out", str(dest))
        assert done.returncode == 2, done.stderr
        assert done.stderr.count("\n") == 1 and str(dest) in done.stderr and "Traceback" not in done.stderr
    assert Path("/dev/null").is_char_device()


# ---------------------------------------------------------------------------- arguments and smaller defects


def test_bad_arguments_are_refused_with_exit_2(tmp_path: Path) -> None:
    folder = corpus(tmp_path / "a")
    for args, words in (
        (["--formats", ",,"], "no export format"),
        (["--formats", "turtle,nope"], "unknown export format"),
        (["--workers", "-3"], "0 (one per core) or more"),
        (["--workers", "two"], "whole number"),
    ):
        done = kg("build", str(folder), "--out", str(tmp_path / "out"), "-q", *args)
        assert done.returncode == 2 and words in done.stderr and "Traceback" not in done.stderr, (args, done.stderr)
    assert not (tmp_path / "out").exists()


def test_non_utf8_arguments_build(tmp_path: Path) -> None:
    folder = corpus(tmp_path / os.fsdecode(b"in\xff"))
    out = tmp_path / os.fsdecode(b"out\xfe")
    done = subprocess.run(
        [sys.executable, "-m", "kg", "build", os.fsencode(folder), "--out", os.fsencode(out), "-q", "--formats", "turtle", "--no-validate"],
        cwd=ROOT, capture_output=True, timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert (out / "cppcc.ttl").is_file()


def test_store_alone_is_made_from_this_builds_graph_not_a_stale_turtle(tmp_path: Path) -> None:
    out = tmp_path / "out"
    build_to([corpus(tmp_path / "a", 1)], out, formats=["turtle"], settings=QUICK, progress=False)
    old = (out / "cppcc.ttl").read_bytes()
    build_to([corpus(tmp_path / "b", 3)], out, formats=["store"], settings=QUICK, progress=False)
    assert (out / "cppcc.ttl").read_bytes() != old
    manifest = json.loads((out / "cppcc.oxigraph" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["sha256"] == hashlib.sha256((out / "cppcc.ttl").read_bytes()).hexdigest()


def test_an_empty_term_in_a_lexicon_says_so(tmp_path: Path) -> None:
    lexicon = tmp_path / "mine.tsv"
    lexicon.write_text("院坝会\tPlatform\n\tPlatform\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="line 2: the first column is empty"):
        rows(lexicon, 2, 3)


# ---------------------------------------------------------------------------- signals


def catches_signals(pid: int, timeout: float = 60.0) -> None:
    """Wait until process ``pid`` has installed its SIGTERM and SIGINT handlers (``SigCgt`` in /proc)."""
    wanted = (1 << (signal.SIGTERM - 1)) | (1 << (signal.SIGINT - 1))
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except FileNotFoundError:
            return  # it has already finished
        caught = int(next(line.split()[1] for line in status.splitlines() if line.startswith("SigCgt:")), 16)
        if caught & wanted == wanted:
            return
        time.sleep(0.01)
    pytest.fail(f"kg build (pid {pid}) did not install its signal handlers in {timeout:.0f} s")


def test_kills_at_any_moment_leave_the_old_set_or_the_new_one(tmp_path: Path) -> None:
    """SIGKILL, SIGTERM and Ctrl-C (SIGINT to the whole process group, workers included) at several moments
    of a real `kg build` over a previous good build: the folder holds exactly one build's set, a clean stop
    says so and exits at once (no hang), and the next build leaves no staging behind."""
    a = corpus(tmp_path / "a", 6)
    b = corpus(tmp_path / "b", 6, extra="郫都区政协开展小微协商。\n")
    args = ["--quiet", "--workers", "2", "--no-validate", "--formats", "turtle,nquads,neo4j,graphml"]
    out = tmp_path / "out"
    assert kg("build", str(a), "--out", str(out), *args).returncode == 0
    started = time.monotonic()
    assert kg("build", str(b), "--out", str(tmp_path / "ref-b"), *args).returncode == 0
    full = time.monotonic() - started
    sets = {"a": snapshot(out), "b": snapshot(tmp_path / "ref-b")}
    assert sets["a"] != sets["b"]
    current = "a"
    for sig, at, group in (
        (signal.SIGKILL, 0.3, False),
        (signal.SIGTERM, 0.5, False),
        (signal.SIGINT, 0.6, True),
        (signal.SIGKILL, 0.85, False),
        (signal.SIGTERM, 0.95, True),
    ):
        other = "b" if current == "a" else "a"
        process = subprocess.Popen(
            [sys.executable, "-m", "kg", "build", str(a if other == "a" else b), "--out", str(out), *args],
            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, start_new_session=True,
        )
        begun = time.monotonic()
        catches_signals(process.pid)  # a signal during interpreter start-up kills any program; the build's moments follow
        time.sleep(max(0.0, full * at - (time.monotonic() - begun)))
        if group:
            os.killpg(process.pid, sig)
        else:
            process.send_signal(sig)
        try:
            _, err = process.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            pytest.fail(f"kg build hung after {sig.name}")
        state = snapshot(out)
        assert state in (sets["a"], sets["b"]), f"{sig.name} at {at:.0%}: a mix of two builds"
        current = "a" if state == sets["a"] else "b"
        if sig != signal.SIGKILL and process.returncode == -sig:
            # the signal's default action: only in the last instant, as the interpreter shuts down having finished
            # (it restores the default handlers then), so the folder must hold the new set
            assert state == sets[other], f"{sig.name} at {at:.0%} killed the build before it finished: {err}"
        elif sig != signal.SIGKILL and process.returncode != 0:
            assert process.returncode == 128 + sig and f"by {sig.name}" in err or "interrupted" in err, err
            assert "Traceback" not in err
        if sig != signal.SIGKILL:
            assert not leftovers(out), f"{sig.name}: a clean stop leaves nothing behind"
    assert kg("build", str(b), "--out", str(out), *args).returncode == 0
    assert snapshot(out) == sets["b"]
    assert not leftovers(out), "the next build removes what killed builds left"


def test_signals_held_while_another_thread_could_take_them() -> None:
    """A thread started before the block (as RocksDB's and rayon's are after a store export) does not block
    SIGINT, so the kernel hands it the signal the main thread holds back: it is still held until the end."""
    import threading
    import time

    stop = threading.Event()
    other = threading.Thread(target=stop.wait, daemon=True)
    other.start()
    reached_end = False
    try:
        with pytest.raises(KeyboardInterrupt):
            with staging.signals_held():
                os.kill(os.getpid(), signal.SIGINT)
                time.sleep(0.2)  # long enough for any thread to take it and for Python to run its handler
                reached_end = True
    finally:
        stop.set()
        other.join()
    assert reached_end, "the signal interrupted the block"
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
