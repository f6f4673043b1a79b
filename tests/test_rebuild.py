"""Rebuilds that change the previous build's graph (kg.rebuild): after every kind of change, the exports are
byte-identical to a clean build's, and a state that cannot be used is said so and the build made in full."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg import rebuild, void
from kg.cache import DIRNAME, Cache, FileResult
from kg.export import jsonld, rdf
from kg.export.graphfile import GraphFile
from kg.pipeline import build_to
from kg.rebuild import DIRNAME as STATE
from kg.settings import Settings
from kg.sortedlines import lower_bound
from kg.vocab import PREFIXES

from .conftest import CORPUS

SAMPLE = (CORPUS / "2021-sichuan-youshilaixieshang-conference-speeches.txt").read_text(encoding="utf-8")
FORMATS = "turtle,ntriples,nquads,jsonld"


def _text(place: str, date: str = "2021年6月") -> str:
    """The sample's speeches under another place name (and compiled on another date)."""
    return SAMPLE.replace("成都", place).replace("2021年6月", date)


def _kg_build(corpus: Path, out: Path, *options: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "kg", "build", str(corpus), "--out", str(out), "--formats", FORMATS, "--workers", "2", "-q"]
    done = subprocess.run([*command, *options], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done


def _exports(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(out.iterdir()) if p.is_file()}


def _same_as_clean(corpus: Path, out: Path, clean: Path, *options: str) -> subprocess.CompletedProcess[str]:
    """Rebuild ``out`` with the CLI, build ``clean`` from nothing, and check that the two agree."""
    done = _kg_build(corpus, out, *options)
    reference = build_to([corpus], clean, formats=FORMATS.split(","), settings=Settings(workers=2, validate="--no-validate" not in options),
                         progress=False, cache=False)  # fmt: skip
    assert _exports(out) == _exports(clean)
    summary = _summary(done)
    assert int(summary["triples"]) == reference.triples
    assert int(summary["SHACL violations"]) == len(reference.violations)
    assert int(summary["documents"]) == reference.documents and int(summary["entities"]) == sum(reference.entities.values())
    # what the state counts for the next rebuild is what every file gives now
    settings = Settings(workers=2, validate="--no-validate" not in options)
    manifest = rebuild.load_manifest(out / DIRNAME, rebuild.fingerprint(Cache(out / DIRNAME, settings).fingerprint))
    assert manifest is not None
    state = rebuild.load(manifest)
    state.checked()
    assert Counter(key[0] for key in state.tally.entities) == reference.entities
    assert Counter(p for _, p, _ in state.tally.relations) == reference.relations
    merged = {v for found in (state.merged or {}).values() for v in found}
    assert sorted(set(state.tally.violations) | merged) == reference.violations
    return done


def _summary(done: subprocess.CompletedProcess[str]) -> dict[str, str]:
    """The figures of the build summary's first table."""
    rows = [line.rsplit(None, 1) for line in done.stdout.split("\n\n", 1)[0].splitlines()[2:]]
    return {name.strip(): value.replace(",", "") for name, value in rows}


def _changed_in_place(done: subprocess.CompletedProcess[str]) -> bool:
    """Did the build change the previous graph (its stages list ``merge``) rather than merge every file?"""
    table = done.stdout.split("\nstage ", 1)[1].split("\n\n", 1)[0]
    stages = [line.split()[0] for line in table.splitlines()[2:]]
    return "merge" in stages and "entities" not in stages


def test_each_kind_of_change_gives_what_a_clean_build_gives(tmp_path: Path) -> None:
    corpus, out = tmp_path / "corpus", tmp_path / "out"
    corpus.mkdir()
    for i, place in enumerate(["德阳", "绵阳", "泸州", "宜宾", "南充"]):
        (corpus / f"doc{i:02d}.txt").write_text(_text(place), encoding="utf-8")
    first = _kg_build(corpus, out)
    assert not _changed_in_place(first) and (out / DIRNAME / STATE / "graph.nt").is_file()

    # one file's text changed, and another's date moved earlier (first mentions move with it)
    (corpus / "doc01.txt").write_text(_text("巴中"), encoding="utf-8")
    (corpus / "doc03.txt").write_text(_text("宜宾", "2019年3月"), encoding="utf-8")
    done = _same_as_clean(corpus, out, tmp_path / "clean1")
    assert _changed_in_place(done)
    assert '"2019-03' in (out / "cppcc.nt").read_text(encoding="utf-8").split("firstMentioned>", 1)[1].split("\n", 1)[0]

    # a file removed, one added, and one whose name another file has (its documents get a suffix)
    (corpus / "doc02.txt").unlink()
    (corpus / "doc05.txt").write_text(_text("雅安"), encoding="utf-8")
    (corpus / "sub").mkdir()
    (corpus / "sub" / "doc00.txt").write_text(_text("眉山", "2018年5月"), encoding="utf-8")
    done = _same_as_clean(corpus, out, tmp_path / "clean2")
    assert _changed_in_place(done)

    # the earliest file removed again, and nothing else
    (corpus / "sub" / "doc00.txt").unlink()
    done = _same_as_clean(corpus, out, tmp_path / "clean3")
    assert _changed_in_place(done) and _summary(done)["extracted"] == "0"


def test_a_file_that_would_change_other_files_ids_is_merged_in_full(tmp_path: Path) -> None:
    corpus, out = tmp_path / "corpus", tmp_path / "out"
    corpus.mkdir()
    for i, place in enumerate(["德阳", "绵阳", "泸州", "宜宾"]):
        (corpus / f"doc{i:02d}.txt").write_text(_text(place), encoding="utf-8")
    _kg_build(corpus, out)
    (corpus / "a").mkdir()  # sorts before doc00.txt, so doc00.txt's documents would now need the suffix
    (corpus / "a" / "doc00.txt").write_text(_text("雅安"), encoding="utf-8")
    done = _same_as_clean(corpus, out, tmp_path / "clean")
    assert not _changed_in_place(done)
    assert "document ids of" in done.stderr and "every file merged again" in done.stderr


@pytest.mark.parametrize("damage", ["graph.nt", "state.bin", "contents.bin"])
def test_a_damaged_state_is_said_and_the_build_made_in_full(tmp_path: Path, damage: str) -> None:
    corpus, out = tmp_path / "corpus", tmp_path / "out"
    corpus.mkdir()
    for i, place in enumerate(["德阳", "绵阳", "泸州", "宜宾"]):
        (corpus / f"doc{i:02d}.txt").write_text(_text(place), encoding="utf-8")
    _kg_build(corpus, out)
    target = out / DIRNAME / STATE / damage
    data = bytearray(target.read_bytes())
    data[len(data) // 2] ^= 0x20  # one bit flipped, as a bad disk would
    target.write_bytes(bytes(data))
    (corpus / "doc01.txt").write_text(_text("巴中"), encoding="utf-8")
    done = _same_as_clean(corpus, out, tmp_path / "clean")
    assert not _changed_in_place(done)
    assert "is damaged" in done.stderr and str(target.name) in done.stderr and "every file merged again" in done.stderr
    (corpus / "doc02.txt").write_text(_text("雅安"), encoding="utf-8")
    assert _changed_in_place(_same_as_clean(corpus, out, tmp_path / "clean2")), "the state was made again"


def test_a_rebuild_without_validation_and_a_new_setting(tmp_path: Path) -> None:
    corpus, out = tmp_path / "corpus", tmp_path / "out"
    corpus.mkdir()
    for i, place in enumerate(["德阳", "绵阳", "泸州", "宜宾"]):
        (corpus / f"doc{i:02d}.txt").write_text(_text(place), encoding="utf-8")
    _kg_build(corpus, out, "--no-validate")
    (corpus / "doc01.txt").write_text(_text("巴中"), encoding="utf-8")
    assert _changed_in_place(_same_as_clean(corpus, out, tmp_path / "clean", "--no-validate"))
    # validation on is another fingerprint: every file is extracted and merged again, without a complaint
    done = _same_as_clean(corpus, out, tmp_path / "clean2")
    assert not _changed_in_place(done) and "note" not in done.stderr


# ---------------------------------------------------------------------------- the parts


@pytest.fixture(scope="module")
def graph_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("graph")
    build_to([CORPUS], out, formats=["ntriples"], settings=Settings(workers=1), progress=False, cache=False)
    return out / "cppcc.nt"


@pytest.mark.parametrize("workers", [1, 2])
def test_turtle_in_chunks_is_the_turtle_of_one_call(
    graph_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, workers: int
) -> None:
    """Chunks serialised here, or by two forked processes (what write_all lets a large graph's Turtle use)."""
    whole = ox.serialize(ox.parse(graph_file.read_bytes(), format=ox.RdfFormat.N_TRIPLES), format=ox.RdfFormat.TURTLE, prefixes=PREFIXES)
    monkeypatch.setattr(rdf, "TURTLE_CHUNK", 3000)
    indexes = []
    for run in ("serial", "parallel"):
        with GraphFile(graph_file) as built:
            built.turtle_index = tmp_path / f"index-{run}"
            built.workers = workers if run == "parallel" else 1
            (ttl,) = rdf.write_turtle(built, tmp_path / run)
        assert ttl.read_bytes() == whole
        indexes.append(rdf.read_turtle_index(tmp_path / f"index-{run}"))
    assert indexes[0] is not None and len(indexes[0]) > 20
    assert indexes[1] == indexes[0]


def test_turtle_reuses_unchanged_chunks_and_never_a_damaged_one(graph_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rdf, "TURTLE_CHUNK", 3000)
    with GraphFile(graph_file) as built:
        built.turtle_index = tmp_path / "index"
        (old,) = rdf.write_turtle(built, tmp_path / "old")
    lines = graph_file.read_bytes().splitlines(keepends=True)
    rng = random.Random(5)
    kept = [line for line in lines if rng.random() > 0.01]  # some lines gone, some subjects gone
    extra = [b"<https://w3id.org/cppcc-kg/id/Platform/%d> <http://www.w3.org/2000/01/rdf-schema#label> \"x\"@zh .\n" % i for i in range(3)]
    changed = tmp_path / "changed.nt"
    changed.write_bytes(b"".join(sorted(set(kept + extra))))
    expected = ox.serialize(ox.parse(changed.read_bytes(), format=ox.RdfFormat.N_TRIPLES), format=ox.RdfFormat.TURTLE, prefixes=PREFIXES)
    damaged = bytearray(old.read_bytes())
    damaged[len(damaged) // 2] ^= 0x01  # a chunk of the old Turtle no longer what the index says
    (tmp_path / "damaged.ttl").write_bytes(bytes(damaged))
    gone, added = sorted(set(lines) - set(kept)), sorted(set(extra) - set(lines))
    for previous in (old, tmp_path / "damaged.ttl"):
        indexes = []
        for changes in (None, (gone, added)):  # chunks compared by CRC-32, or known the same from the changes
            with GraphFile(changed) as built:
                built.previous_turtle = (previous, tmp_path / "index")
                built.changes = changes
                built.turtle_index = tmp_path / f"new-index-{changes is None}"
                (new,) = rdf.write_turtle(built, tmp_path / f"new-{previous.stem}-{changes is None}")
            assert new.read_bytes() == expected
            indexes.append(rdf.read_turtle_index(built.turtle_index))
        assert indexes[0] == indexes[1] and indexes[0] is not None and len(indexes[0]) > 20
    # a chunk is touched by the changes exactly when its N-Triples changed
    chunks = rdf.read_turtle_index(tmp_path / "index")
    assert chunks is not None
    firsts = [first + b" " for first, *_ in chunks]
    before, after = graph_file.read_bytes(), changed.read_bytes()

    def text(data: bytes, number: int) -> bytes:
        start = lower_bound(data, firsts[number], 0, len(data)) if number else 0
        return data[start : lower_bound(data, firsts[number + 1], 0, len(data)) if number + 1 < len(firsts) else len(data)]

    touched = [rdf._touched(sorted(gone + added), chunks, firsts[1:], n) for n in range(len(chunks))]
    assert touched == [text(before, n) != text(after, n) for n in range(len(chunks))]
    assert 0 < sum(touched) < len(chunks)


def test_jsonld_reuses_unchanged_chunks_and_never_a_damaged_one(graph_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The JSON-LD of a changed graph, written reusing the previous file's unchanged chunks, is the JSON-LD
    written from nothing; a chunk of the old file that is not what its index says is made again."""
    monkeypatch.setattr(rdf, "TURTLE_CHUNK", 3000)
    with GraphFile(graph_file) as built:
        built.jsonld_index = tmp_path / "index"
        _, old = jsonld.write_jsonld(built, tmp_path / "old")
    assert old.read_bytes() == b"".join(_jsonld_in_one_go(graph_file))
    lines = graph_file.read_bytes().splitlines(keepends=True)
    rng = random.Random(7)
    kept = [line for line in lines if rng.random() > 0.01]
    extra = [b"<https://w3id.org/cppcc-kg/id/Platform/%d> <http://www.w3.org/2000/01/rdf-schema#label> \"x\"@zh .\n" % i for i in range(3)]
    changed = tmp_path / "changed.nt"
    changed.write_bytes(b"".join(sorted(set(kept + extra))))
    with GraphFile(changed) as built:
        _, fresh = jsonld.write_jsonld(built, tmp_path / "fresh")
    expected = fresh.read_bytes()
    damaged = bytearray(old.read_bytes())
    damaged[len(damaged) // 2] ^= 0x01
    (tmp_path / "damaged.jsonld").write_bytes(bytes(damaged))
    gone, added = sorted(set(lines) - set(kept)), sorted(set(extra) - set(lines))
    made: list[bytes] = []
    serialise = jsonld._NodeWriter.serialise
    monkeypatch.setattr(jsonld._NodeWriter, "serialise", lambda self, text: (made.append(text), serialise(self, text))[1])
    chunks = rdf.read_index(tmp_path / "index", jsonld._INDEX_MAGIC)
    assert chunks is not None and len(chunks) > 20
    for previous in (old, tmp_path / "damaged.jsonld"):
        for changes in (None, (gone, added)):
            made.clear()
            with GraphFile(changed) as built:
                built.previous_jsonld = (previous, tmp_path / "index")
                built.changes = changes
                _, new = jsonld.write_jsonld(built, tmp_path / f"new-{previous.stem}-{changes is None}")
            assert new.read_bytes() == expected
            assert 0 < len(made) < len(chunks) / 2, "most chunks copied, the changed ones made again"


def _jsonld_in_one_go(nt: Path) -> list[bytes]:
    """cppcc.jsonld as one pass over every node writes it (what write_jsonld wrote before it had chunks)."""
    ctx = jsonld.context()
    head = json.dumps({"@context": ctx}, ensure_ascii=False, indent=1)
    with GraphFile(nt) as graph:
        nodes = list(jsonld.node_texts(graph, ctx))
    return [(head[:-2] + ',\n "@graph": [' + ("\n  " + ",\n  ".join(nodes) if nodes else "") + "\n ]\n}\n").encode("utf-8")]


def test_counts_of_a_changed_subject(graph_file: Path) -> None:
    """Counts.change_block from the differing lines equals counting the whole blocks again."""
    lines = graph_file.read_bytes().splitlines(keepends=True)
    blocks: dict[bytes, list[bytes]] = {}
    for line in lines:
        blocks.setdefault(line.split(b" ", 1)[0], []).append(line)
    rng = random.Random(3)
    for subject, block in list(blocks.items())[:300]:
        other = rng.choice(lines).split(b" ", 1)[1]
        new = sorted({line for line in block if rng.random() > 0.3} | {subject + b" " + other})
        whole, changed = void.Counts(), void.Counts()
        whole.add_block(block, -1)
        whole.add_block(new, 1)
        changed.change_block(block, new, set(block) - set(new), set(new) - set(block))
        assert whole.statistics() == changed.statistics() and whole.to_data() == changed.to_data()


def test_what_is_read_ahead_changes_nothing_the_merge_gives(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The rebuild reads the unchanged files' part while the changed ones are extracted (rebuild.read_ahead):
    apply gives the same graph and figures with it as without it, and refuses it for files it does not have."""
    corpus, out = tmp_path / "corpus", tmp_path / "out"
    corpus.mkdir()
    for i, place in enumerate(["德阳", "绵阳", "泸州", "宜宾", "南充"]):
        (corpus / f"doc{i:02d}.txt").write_text(_text(place), encoding="utf-8")
    settings = Settings(workers=2)
    build_to([corpus], out, formats=["ntriples"], settings=settings, progress=False)
    (corpus / "doc01.txt").write_text(_text("巴中"), encoding="utf-8")
    outcomes: list[tuple[bytes, rebuild.Outcome]] = []
    apply = rebuild.apply

    def both(previous: rebuild.State, files: list[rebuild.FileState], gone: list[tuple[str, FileResult]],
             new: list[tuple[str, FileResult]], dest: Path, validate: bool, ahead: rebuild.ReadAhead | None = None) -> rebuild.Outcome:
        assert ahead is not None and len(ahead.kept) == len(files) - 1
        for given in (None, ahead):
            done = apply(previous, files, gone, new, dest, validate, given)
            outcomes.append((dest.read_bytes(), done))
        with pytest.raises(rebuild.Stale):
            apply(previous, files[1:], gone, new, dest, validate, ahead)
        return done

    monkeypatch.setattr(rebuild, "apply", both)
    build_to([corpus], out, formats=["ntriples"], settings=settings, progress=False)
    (without, plain), (with_ahead, read) = outcomes
    assert without == with_ahead
    assert (plain.entities, plain.relations, plain.violations, plain.state.lines) == (read.entities, read.relations, read.violations, read.state.lines)


def _store_lines(out: Path) -> list[bytes]:
    store = ox.Store.read_only(str(out / "cppcc.oxigraph" / "db"))
    data = store.dump(format=ox.RdfFormat.N_QUADS)
    assert data is not None
    return sorted(data.splitlines())


def test_a_rebuild_changes_a_copy_of_the_previous_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The store of a rebuild is the previous one with the changed triples removed and added (no full load),
    and holds what a clean build's store holds."""
    from kg.export import store as store_module

    corpus, out, clean = tmp_path / "corpus", tmp_path / "out", tmp_path / "clean"
    corpus.mkdir()
    for i, place in enumerate(["德阳", "绵阳", "泸州"]):
        (corpus / f"doc{i:02d}.txt").write_text(_text(place), encoding="utf-8")
    formats, settings = ["turtle", "store"], Settings(workers=2)
    build_to([corpus], out, formats=formats, settings=settings, progress=False)
    before = _store_lines(out)

    monkeypatch.setattr(store_module, "CHANGE_COST", 1)  # one file of three changes a third of the lines
    loads: list[Path] = []
    real_load = store_module.ox.Store.bulk_load
    monkeypatch.setattr(store_module.ox.Store, "bulk_load", lambda self, *a, **k: (loads.append(k.get("path")), real_load(self, *a, **k)))
    (corpus / "doc01.txt").write_text(_text("巴中"), encoding="utf-8")
    report = build_to([corpus], out, formats=formats, settings=settings, progress=False)
    assert report.extracted == 6 and loads == [], "the store was changed, not loaded again"
    build_to([corpus], clean, formats=formats, settings=settings, progress=False, cache=False)
    assert _store_lines(out) == _store_lines(clean) != before
    manifest = store_module.read_manifest(out / "cppcc.oxigraph")
    assert manifest is not None and manifest.triples == len(before) - len(set(before) - set(_store_lines(out))) + len(set(_store_lines(out)) - set(before))
    assert store_module.ensure(out / "cppcc.ttl") == out / "cppcc.oxigraph", "its manifest describes the new Turtle"

    # a previous store that is not the previous Turtle's (here: made from an older graph) is not changed: loaded in full
    (corpus / "doc02.txt").write_text(_text("雅安"), encoding="utf-8")
    (out / "cppcc.oxigraph" / "manifest.json").write_text(
        (out / "cppcc.oxigraph" / "manifest.json").read_text(encoding="utf-8").replace('"mtime_ns": ', '"mtime_ns": 1'), encoding="utf-8"
    )
    loads.clear()
    assert build_to([corpus], out, formats=formats, settings=settings, progress=False).extracted == 6
    assert len(loads) == 1, "loaded in full"
    build_to([corpus], clean, formats=formats, settings=settings, progress=False, cache=False)
    assert _store_lines(out) == _store_lines(clean)

    # so are changes that cost more than loading every triple
    monkeypatch.setattr(store_module, "CHANGE_COST", 10)
    (corpus / "doc00.txt").write_text(_text("眉山"), encoding="utf-8")
    loads.clear()
    build_to([corpus], out, formats=formats, settings=settings, progress=False)
    assert len(loads) == 1, "loaded in full"
