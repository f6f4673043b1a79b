"""End to end: the sample corpus built the way `make run` builds it, checked by SPARQL."""

from __future__ import annotations

import pytest
import rdflib
from rdflib.compare import isomorphic

import kg
from kg.vocab import PREFIXES

from .conftest import CORPUS, SampleBuild, plain_strings

PREFIX = "\n".join(f"PREFIX {p}: <{iri}>" for p, iri in PREFIXES.items()) + "\n"

SPEECHES = {
    "成都市政协": "强化工作举措突出创新实践推进“有事来协商”工作向纵深发展",
    "泸州市政协": "创建机制推进衔接 促进“有事来协商”工作落地见效",
    "荣县政协": "细化完善协商机制推进政协协商向基层延伸",
    "绵竹市政协": "“院坝协商”小平台协商为民大情怀",
    "通江县政协": "发挥乡贤界别优势努力提升协商质效",
}


def test_build_reports_success(sample_build: SampleBuild) -> None:
    report = sample_build.report
    assert report.ok, (report.skipped, report.violations[:5])
    assert report.documents == 6  # the compilation and its five speeches
    assert report.triples > 0
    assert sample_build.turtle.is_file()


def test_chengdu_cppcc_with_label_sentence_and_document(sample_store) -> None:
    rows = list(
        sample_store.query(
            PREFIX
            + """SELECT ?label ?text ?title WHERE {
                   ?b a cppcc:CPPCCBody ; rdfs:label ?label ;
                      cppcc:mentionedInSentence ?s ; cppcc:mentionedIn ?d .
                   ?s cppcc:text ?text ; dcterms:isPartOf ?d .
                   ?d dcterms:title ?title .
                   FILTER(STR(?label) = "成都市政协") }"""
        )
    )
    assert rows, "成都市政协 is not a CPPCCBody with a provenance sentence"
    assert all("成都" in row["text"].value or "市政协" in row["text"].value for row in rows)
    assert {row["label"].language for row in rows} == {"zh"}


def test_five_speeches_with_titles_and_speaking_bodies(sample_store) -> None:
    rows = sample_store.query(
        PREFIX
        + """SELECT ?title ?speaker WHERE {
               ?d a cppcc:Document ; dcterms:title ?title ; cppcc:speaker ?b ; dcterms:isPartOf ?c .
               ?c a cppcc:Compilation .
               ?b rdfs:label ?speaker }"""
    )
    found = {row["speaker"].value: row["title"].value for row in rows}
    assert found == SPEECHES


def test_turtle_parses_back_with_rdflib_and_pyoxigraph(sample_build: SampleBuild, sample_store) -> None:
    graph = rdflib.Graph().parse(sample_build.turtle, format="turtle")
    assert len(graph) == len(sample_store) == sample_build.report.triples


def test_turtle_is_byte_identical_across_builds(sample_build: SampleBuild, tmp_path) -> None:
    from kg.pipeline import build_to

    build_to([CORPUS], tmp_path, formats=["turtle"], progress=False)
    assert (tmp_path / "cppcc.ttl").read_bytes() == sample_build.turtle.read_bytes()


def test_python_api_builds_the_same_graph(sample_build: SampleBuild) -> None:
    graph = kg.build(CORPUS)
    assert isinstance(graph, rdflib.Graph)
    expected = rdflib.Graph().parse(sample_build.turtle, format="turtle")
    assert isomorphic(plain_strings(graph), plain_strings(expected))


def test_extract_text_works_twice_after_a_build(tmp_path) -> None:
    """The README's Python example: kg.build, then kg.extract_text more than once in one process (a
    top-level ``kg.extract`` function used to be shadowed by the kg.extract subpackage after a build)."""
    import types

    (tmp_path / "a.txt").write_text("东坡区政协召开常委会议。", encoding="utf-8")
    kg.build([tmp_path])
    for text in ("双流区政协搭建“众人好商量”协商平台。", "郫都区政协主席林远山出席会议。"):
        result = kg.extract_text(text)
        assert result.entities and {e.type for e in result.entities} >= {"CPPCCBody"}
    assert isinstance(kg.extract, types.ModuleType) and "extract_text" in kg.__all__


def test_parallel_and_serial_builds_agree(tmp_path) -> None:
    from kg.pipeline import build_to
    from kg.settings import Settings

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    text = (CORPUS / "2021-sichuan-youshilaixieshang-conference-speeches.txt").read_text(encoding="utf-8")
    for i in range(10):  # enough documents to start the worker pool
        (corpus / f"copy{i:02d}.txt").write_text(text.replace("成都", "成都" if i % 2 else "德阳"), encoding="utf-8")
    serial = build_to([corpus], tmp_path / "serial", formats=["turtle"], settings=Settings(workers=1), progress=False)
    parallel = build_to([corpus], tmp_path / "parallel", formats=["turtle"], settings=Settings(workers=2), progress=False)
    assert serial.triples == parallel.triples
    assert (tmp_path / "serial" / "cppcc.ttl").read_bytes() == (tmp_path / "parallel" / "cppcc.ttl").read_bytes()


def test_files_with_one_name_in_two_folders_stay_apart(tmp_path) -> None:
    from kg.pipeline import build_to

    text = (CORPUS / "2021-sichuan-youshilaixieshang-conference-speeches.txt").read_text(encoding="utf-8")
    for year in ("2021", "2022"):
        (tmp_path / "corpus" / year).mkdir(parents=True)
        (tmp_path / "corpus" / year / "index.txt").write_text(text, encoding="utf-8")
    report = build_to([tmp_path / "corpus"], tmp_path / "out", formats=["turtle"], progress=False)
    assert report.ok and report.documents == 12
    store = SampleBuild(tmp_path / "out", report).store()
    files = {row[0].value for row in store.query(PREFIX + "SELECT DISTINCT ?f WHERE { ?d cppcc:sourceFile ?f }")}
    assert len(files) == 2
    docs = list(store.query(PREFIX + "SELECT ?d WHERE { ?d a cppcc:Document }"))
    assert len(docs) == 10


def test_sorted_lines_merges_spilled_chunks_without_duplicates(tmp_path) -> None:
    from kg.pipeline import SortedLines

    dest = tmp_path / "out.nt"
    with SortedLines(dest, chunk_lines=3) as lines:
        lines.add(b"d\nb\na\n")
        lines.add(b"c\nb\n")
        lines.add(b"a\ne\n")
    assert dest.read_bytes() == b"a\nb\nc\nd\ne\n"
    assert lines.count == 5
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.nt"], "chunk files left behind"


def test_entity_batches_are_bounded_by_count_and_by_the_facts_they_check() -> None:
    """A much-mentioned entity brings one merged fact per document that names it: batches close early
    when they hold many facts, so a check's size does not grow with the corpus."""
    from kg import graph
    from kg.pipeline import ENTITY_BATCH, _entity_batches

    most, heaviest = ENTITY_BATCH
    keys = [("Person", f"人{i:05d}", "") for i in range(most * 2 + 10)]
    heavy = {graph.identity_term(keys[i]) for i in (3, 4, 7, 8)}

    def weight(node: str) -> int:
        return heaviest // 2 if node in heavy else 1

    batches = list(_entity_batches(keys, weight))
    assert [k for batch in batches for k in batch] == keys
    assert [len(b) for b in batches[:2]] == [5, 4]  # keys 3 and 4 fill the first batch, 7 and 8 the second
    assert all(len(b) <= most for b in batches)
    assert [len(b) for b in _entity_batches(keys, None)] == [most, most, 10]


def test_the_progress_bar_starts_no_thread(capsys: pytest.CaptureFixture[str]) -> None:
    """A second thread in the build's process (tqdm's monitor was one) makes the export stage load the query
    store in that process instead of a process of its own (kg.export._write_parallel: a process forked beside
    RocksDB's threads would hang), and the default build with its progress bar took 10% longer than with
    --quiet."""
    import threading

    from kg.pipeline import Progress

    before = threading.active_count()
    with Progress(True, 3) as shown:
        shown.wrote("turtle")
        assert threading.active_count() == before, [t.name for t in threading.enumerate()]
    assert "turtle written" in capsys.readouterr().err
