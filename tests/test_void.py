"""kg.void: whole-graph statistics computed at build time and stored in the graph as a VoID description."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg import query, void
from kg.export import store as query_store
from kg.graph import to_ntriples

from .conftest import ROOT, SampleBuild

EX = "https://example.org/"


def _store(path: Path) -> ox.Store:
    store = ox.Store()
    store.bulk_load(path=str(path), format=ox.RdfFormat.N_TRIPLES)
    return store


def _sorted_ntriples(path: Path, triples: list[ox.Triple]) -> None:
    path.write_bytes(b"".join(sorted(set(to_ntriples(triples).splitlines(keepends=True)))))


def _data_only(store: ox.Store) -> ox.Store:
    """A copy of ``store`` without the VoID description."""
    copy = ox.Store()
    copy.extend(q for q in store if not q.subject.value.startswith(void.VOID_NS))
    return copy


def test_the_build_describes_what_it_built(sample_build: SampleBuild) -> None:
    store = sample_build.store()
    stats = void.read(store)
    assert stats is not None, "the build wrote no VoID description"
    data = _data_only(store)
    assert stats == void.count_store(data), "the description disagrees with a scan of the data"
    assert stats.triples == len(data) < len(store) == sample_build.report.triples
    body = query.PREFIXES["cppcc"] + "CPPCCBody"
    rdf_type = ox.NamedNode(void.RDF_TYPE)
    assert stats.classes[body] == len(list(data.quads_for_pattern(None, rdf_type, ox.NamedNode(body)))) > 0
    assert stats.properties[query.PREFIXES["cppcc"] + "runsPlatform"][0] > 0


def test_the_build_file_stays_sorted(sample_build: SampleBuild) -> None:
    lines = (sample_build.out / "cppcc.nt").read_bytes().splitlines(keepends=True)
    assert lines == sorted(set(lines))
    assert lines[-1].startswith(f"<{void.VOID_NS}".encode()), "the description sorts after the data: appended"


def test_counts_of_a_small_graph(tmp_path: Path) -> None:
    N, L = ox.NamedNode, ox.Literal
    a, b, c, knows, name = N(EX + "a"), N(EX + "b"), N(EX + "c"), N(EX + "knows"), N(EX + "name")
    rdf_type, person, robot = N(void.RDF_TYPE), N(EX + "Person"), N(EX + "Robot")
    path = tmp_path / "g.nt"
    _sorted_ntriples(path, [
        ox.Triple(a, rdf_type, person), ox.Triple(a, rdf_type, robot), ox.Triple(b, rdf_type, person),
        ox.Triple(a, knows, b), ox.Triple(a, knows, c), ox.Triple(b, knows, c), ox.Triple(c, name, L("丙")),
    ])  # fmt: skip
    stats = void.count_ntriples(path)
    assert (stats.triples, stats.subjects, stats.entities) == (7, 3, 2)
    assert stats.classes == {EX + "Person": 2, EX + "Robot": 1}
    assert stats.properties == {void.RDF_TYPE: (3, 2), EX + "knows": (3, 2), EX + "name": (1, 1)}
    assert stats == void.count_store(_store(path))


def test_description_merged_in_when_it_does_not_sort_last(tmp_path: Path) -> None:
    path = tmp_path / "g.nt"
    late = ox.NamedNode("https://z.example/late")  # sorts after https://w3id.org/…/void/
    _sorted_ntriples(path, [ox.Triple(late, ox.NamedNode(EX + "p"), ox.Literal("x")),
                            ox.Triple(ox.NamedNode(EX + "a"), ox.NamedNode(EX + "p"), late)])  # fmt: skip
    added = void.add_description(path)
    lines = path.read_bytes().splitlines(keepends=True)
    assert lines == sorted(set(lines)) and len(lines) == 2 + added
    stats = void.read(_store(path))
    assert stats is not None and stats.triples == 2 and stats.properties == {EX + "p": (2, 2)}


def test_same_graph_same_description(tmp_path: Path) -> None:
    triples = [ox.Triple(ox.NamedNode(EX + f"s{i}"), ox.NamedNode(EX + "p"), ox.Literal(str(i % 3))) for i in range(50)]
    first, second = tmp_path / "1.nt", tmp_path / "2.nt"
    for path in (first, second):
        _sorted_ntriples(path, triples)
        void.add_description(path)
    assert first.read_bytes() == second.read_bytes()


def test_counts_question_reads_the_description(sample_build: SampleBuild) -> None:
    store = query_store.open_store(sample_build.turtle)
    text = query.question("counts").text
    assert "void:classPartition" in text
    rows = {r["type"]: int(r["count"]) for r in query.run_query(store, text).values()}
    stats = void.read(store)
    assert stats is not None and rows == stats.classes
    props = {r["property"]: int(r["triples"]) for r in query.run_query(store, query.question("property-counts").text).values()}
    assert props == {p: n for p, (n, _) in stats.properties.items()}


def _kg(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "kg", *args], cwd=ROOT, capture_output=True, text=True, timeout=120)


def test_kg_stats_reads_the_description(sample_build: SampleBuild) -> None:
    done = _kg("stats", "--graph", str(sample_build.out))
    assert done.returncode == 0, done.stderr
    assert "VoID description" in done.stdout
    store = sample_build.store()
    stats = void.read(store)
    assert stats is not None
    bodies = stats.classes[query.PREFIXES["cppcc"] + "CPPCCBody"]
    assert any(line.split() == ["CPPCCBody", str(bodies)] for line in done.stdout.splitlines())
    assert any(line.split() == ["triples", str(stats.triples)] for line in done.stdout.splitlines())


def test_kg_stats_counts_a_graph_without_description(sample_build: SampleBuild, tmp_path: Path) -> None:
    data = _data_only(sample_build.store())
    path = tmp_path / "old.nt"
    data.dump(str(path), format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
    done = _kg("stats", "--graph", str(path))
    assert done.returncode == 0, done.stderr
    assert "no VoID description" in done.stdout
    assert any(line.split() == ["triples", str(len(data))] for line in done.stdout.splitlines())


@pytest.mark.parametrize("kind", ["class", "property"])
def test_partition_iris_are_readable_and_stable(kind: str) -> None:
    assert void.partition_iri(kind, query.PREFIXES["cppcc"] + "CPPCCBody") == f"{void.VOID_NS}{kind}/cppcc-CPPCCBody"
    odd = "https://example.org/有 空格"
    assert void.partition_iri(kind, odd) == void.partition_iri(kind, odd) != void.partition_iri(kind, odd + "2")


# ---------------------------------------------------------------------------- first mentions

FIRST = ox.NamedNode(void.FIRST_MENTIONED)


def test_first_mentions_of_a_small_graph(tmp_path: Path) -> None:
    N, L = ox.NamedNode, ox.Literal
    xsd = "http://www.w3.org/2001/XMLSchema#"
    date, mentioned = N(query.PREFIXES["dcterms"] + "date"), N(query.PREFIXES["cppcc"] + "mentionedIn")
    d1, d2, d3, a, b, c, t = (N(EX + x) for x in ("d1", "d2", "d3", "a", "b", "c", "t"))
    rdf_type, cppcc = N(void.RDF_TYPE), query.PREFIXES["cppcc"]
    path = tmp_path / "g.nt"
    _sorted_ntriples(path, [
        ox.Triple(a, rdf_type, N(cppcc + "Platform")), ox.Triple(b, rdf_type, N(cppcc + "Mechanism")),
        ox.Triple(c, rdf_type, N(cppcc + "Platform")), ox.Triple(t, rdf_type, N(cppcc + "Topic")),
        ox.Triple(t, mentioned, d1),  # a topic: no first mention stored
        ox.Triple(d1, date, L("2021-03-16", datatype=N(xsd + "date"))),
        ox.Triple(d2, date, L("2021", datatype=N(xsd + "gYear"))),  # "2021" sorts before "2021-03-16"
        ox.Triple(a, mentioned, d1), ox.Triple(a, mentioned, d3),   # d3 has no date
        ox.Triple(b, mentioned, d1), ox.Triple(b, mentioned, d2),
        ox.Triple(c, mentioned, d3),
    ])  # fmt: skip
    before = len(path.read_bytes().splitlines())
    added = void.add_description(path)
    lines = path.read_bytes().splitlines(keepends=True)
    assert lines == sorted(set(lines)) and len(lines) == before + added
    store = _store(path)
    firsts = {q.subject: q.object for q in store.quads_for_pattern(None, FIRST, None)}
    assert firsts == {a: L("2021-03-16", datatype=N(xsd + "date")), b: L("2021", datatype=N(xsd + "gYear"))}
    stats = void.read(store)
    assert stats is not None and stats.properties[void.FIRST_MENTIONED] == (2, 2), "the counts include them"


def test_first_mentions_are_recomputed_not_added_twice(tmp_path: Path) -> None:
    N, L = ox.NamedNode, ox.Literal
    date, mentioned = N(query.PREFIXES["dcterms"] + "date"), N(query.PREFIXES["cppcc"] + "mentionedIn")
    path = tmp_path / "g.nt"
    platform = N(query.PREFIXES["cppcc"] + "Platform")
    _sorted_ntriples(path, [ox.Triple(N(EX + "d"), date, L("2020")), ox.Triple(N(EX + "a"), mentioned, N(EX + "d")),
                            ox.Triple(N(EX + "a"), FIRST, L("1999")), ox.Triple(N(EX + "a"), N(void.RDF_TYPE), platform)])  # fmt: skip
    void.add_first_mentions(path)
    once = path.read_bytes()
    void.add_first_mentions(path)
    assert path.read_bytes() == once
    assert [q.object.value for q in _store(path).quads_for_pattern(None, FIRST, None)] == ["2020"]


def test_the_build_gives_first_mentions(sample_build: SampleBuild) -> None:
    store = sample_build.store()
    rows = query.run_query(store, """SELECT ?e (MIN(STR(?date)) AS ?first) WHERE {
        VALUES ?c { cppcc:Platform cppcc:Mechanism } ?e a ?c ; cppcc:mentionedIn ?d . ?d dcterms:date ?date } GROUP BY ?e""").rows
    assert rows, "the sample has dated documents"
    joined = {e.value: first.value for e, first in rows}
    stored = {q.subject.value: q.object.value for q in store.quads_for_pattern(None, FIRST, None)}
    assert stored == joined


def test_describe_counts_in_its_writing_pass_what_a_separate_pass_counts(sample_build: SampleBuild, tmp_path: Path) -> None:
    path = tmp_path / "g.nt"
    lines = (sample_build.out / "cppcc.nt").read_bytes().splitlines(keepends=True)
    path.write_bytes(b"".join(line for line in lines if not void.is_derived(line)))
    described = void.describe(path)
    assert described.added > len(described.lines), "first mentions were added"
    counted = tmp_path / "counted.nt"  # the file as described, without its description: what was counted
    counted.write_bytes(b"".join(line for line in path.read_bytes().splitlines(keepends=True) if line not in described.lines))
    assert described.counts == void._count(counted)


@pytest.mark.parametrize("chunk", [1, 300, 5000])
def test_describe_in_small_chunks_is_describe_in_one(
    sample_build: SampleBuild, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chunk: int
) -> None:
    """Chunks of whole subjects: a subject's lines, and its first mention, never split between two chunks."""
    lines = (sample_build.out / "cppcc.nt").read_bytes().splitlines(keepends=True)
    data = b"".join(line for line in lines if not line.startswith(void._VOID_SUBJECT))
    results = []
    for size in (chunk, 1 << 30):
        monkeypatch.setattr(void, "CHUNK_BYTES", size)
        path = tmp_path / f"g{size}.nt"
        path.write_bytes(data)
        described = void.describe(path)
        results.append((path.read_bytes(), described.added, described.counts, described.firsts, described.lines))
    assert results[0] == results[1]
    assert results[0][3], "the sample gives first mentions"
    chunks = list(void._subject_chunks(io.BytesIO(data), 0, len(data), chunk))
    assert b"".join(chunks) == data
    subjects = [{line.split(b" ", 1)[0] for line in part.splitlines()} for part in chunks]
    assert all(not a & b for a, b in zip(subjects, subjects[1:]))


@pytest.mark.parametrize("chunk", [1, 7, 64, 1 << 22])
def test_lines_holding_a_needle_across_chunks(tmp_path: Path, chunk: int) -> None:
    path = tmp_path / "f.nt"
    lines = [b"<s%d> <p> \"x\" .\n" % i if i % 3 else b"<s%d> <date> \"2020\" .\n" % i for i in range(200)]
    for ending in (b"", b"<last> <date> \"1\" ."):  # the last line with and without its newline
        path.write_bytes(b"".join(lines) + ending)
        expected = [line for line in path.read_bytes().splitlines(keepends=True) if b"<date>" in line]
        assert list(void._lines_holding(path, b"<date>", chunk)) == expected


@pytest.mark.parametrize("workers", [2, 3])
def test_describe_by_several_processes_is_describe_by_one(
    sample_build: SampleBuild, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, workers: int
) -> None:
    lines = (sample_build.out / "cppcc.nt").read_bytes().splitlines(keepends=True)
    data = b"".join(line for line in lines if not line.startswith(void._VOID_SUBJECT))  # first mentions kept: redone
    monkeypatch.setattr(void, "PARALLEL_FROM_BYTES", 1000)
    results = []
    for run in (1, workers):
        path = tmp_path / f"g{run}.nt"
        path.write_bytes(data)
        described = void.describe(path, workers=run)
        results.append((path.read_bytes(), described.added, described.counts, described.firsts, described.lines))
    assert results[1] == results[0]
    ranges = void._subject_ranges(tmp_path / "g1.nt", workers)
    assert len(ranges) == workers and ranges[0][0] == 0 and ranges[-1][1] == len(results[0][0])
    written = results[0][0]
    for (_, end), (start, _) in zip(ranges, ranges[1:]):
        assert end == start and written[end - 1 : end] == b"\n"
        before = written[written.rfind(b"\n", 0, end - 1) + 1 : end].split(b" ", 1)[0]
        assert not written.startswith(before + b" ", end), "a subject's lines are split between two ranges"


def test_a_failed_part_leaves_the_file_as_it_was_and_no_part_behind(
    sample_build: SampleBuild, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first part is written where the whole file goes and the others beside it: a part that fails
    (in its forked process) leaves the graph file as it was, and neither the whole nor any part."""
    path = tmp_path / "g.nt"
    path.write_bytes((sample_build.out / "cppcc.nt").read_bytes())
    before = path.read_bytes()
    monkeypatch.setattr(void, "PARALLEL_FROM_BYTES", 1000)
    part = void._first_mentions_part

    def failing(job: tuple[Path, int, int, Path, dict[bytes, tuple[str, bytes]]]) -> object:
        if job[1]:  # not the first part
            raise ValueError("a part failed")
        return part(job)

    monkeypatch.setattr(void, "_first_mentions_part", failing)
    with pytest.raises(ValueError, match="a part failed"):
        void.describe(path, workers=3)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["g.nt"]


@pytest.mark.parametrize(
    "data",
    [b"<a> <b>\n", b" <b> <c> .\n", b"<a>  <c> .\n", b"<a> <b> <c> .\n<a> <b> <d> .", b"<a>\n", b"\n"],
)
def test_a_line_without_subject_and_predicate_is_refused(data: bytes) -> None:
    with pytest.raises(ValueError, match="without subject and predicate"):
        void.Counts().add_chunk(b"<a> <b> <c> .\n" + data, [])
