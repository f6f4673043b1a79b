"""kg.query, the ready-made questions in ontology/queries/, the query store and `kg query`."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg import query
from kg.cli import main
from kg.errors import QueryError
from kg.export import store as query_store
from kg.report import display_width as _width

from .conftest import SampleBuild

Rows = list[dict[str, str]]


def _has(**wanted: str) -> Callable[[Rows], bool]:
    return lambda rows: any(all(row.get(k) == v for k, v in wanted.items()) for row in rows)


def _position_of(person: str, name: str) -> Callable[[Rows], bool]:
    """The person holds a position whose label or one of its aliases is ``name``."""
    return lambda rows: any(
        row["person"] == person and (row["position"] == name or name in row.get("aliases", "").split("、")) for row in rows
    )


def _evidence(relation_local: str, text_part: str) -> Callable[[Rows], bool]:
    return lambda rows: any(
        row.get("relation", "").endswith("#" + relation_local) and text_part in row["text"] for row in rows
    )


# name -> (parameters, what the answer must contain, in words, and the check)
EXPECTED: dict[str, tuple[dict[str, str], str, Callable[[Rows], bool]]] = {
    "platforms": (
        {"place": "四川省"},
        "双流区政协 (in 双流区, within 四川省) runs 有事来协商众事好商量",
        _has(place="四川省", body="双流区政协", platform="有事来协商众事好商量"),
    ),
    "positions": (
        {"organ": "四川省委"},
        "彭清华 holds 省委书记 (label or alias) in 四川省委",
        lambda rows: _position_of("彭清华", "省委书记")(rows) and {r["organ"] for r in rows} == {"四川省委"},
    ),
    "bodies-in-place": (
        {"place": "成都市"},
        "双流区政协东升街道工委 is in 成都市 (through 东升街道, the innermost place its name holds) under 双流区政协",
        _has(place="成都市", body="双流区政协东升街道工委", located="东升街道", parent="双流区政协"),
    ),
    "topics-by-place": (
        {"place": "四川省"},
        "老旧院落改造 is consulted on in 四川省 (by a body in 成都市, within it)",
        _has(place="四川省", topic="老旧院落改造"),
    ),
    "cooccurring": (
        {"name": "成都市政协"},
        "成都市政协 shares sentences with the platform 有事来协商",
        _has(name="成都市政协", other="有事来协商", type="https://w3id.org/cppcc-kg/ontology#Platform"),
    ),
    "evidence": (
        {"name": "双流区政协"},
        "the sentence stating 双流区政协 runsPlatform 有事来协商众事好商量",
        _evidence("runsPlatform", "双流区政协搭建“有事来协商众事好商量”协商平台"),
    ),
    "counts": ({}, "a count for CPPCCBody", lambda rows: any(r["type"].endswith("#CPPCCBody") for r in rows)),
    "property-counts": (
        {},
        "a count for runsPlatform",
        lambda rows: any(r["property"].endswith("#runsPlatform") and int(r["triples"]) > 0 for r in rows),
    ),
    "post-holders": (
        {"post": "四川省委书记", "year": "2021"},
        "彭清华 was 四川省委书记 on the sample's date",
        _has(person="彭清华", heldOn="2021-06-02", organ="四川省委"),
    ),
    "body-by-year": (
        {"body": "双流区政协"},
        "双流区政协 ran 有事来协商众事好商量 in 2021",
        _has(body="双流区政协", year="2021", relation="runsPlatform", object="有事来协商众事好商量"),
    ),
    "first-mentions": (
        {"since": "2021"},
        "the platform 有事来协商众事好商量 first mentioned on the sample's date",
        _has(type="Platform", name="有事来协商众事好商量", first="2021-06-02"),
    ),
}


@pytest.fixture(scope="module")
def store(sample_build: SampleBuild) -> ox.Store:
    return query_store.open_store(sample_build.turtle)


# ---------------------------------------------------------------------------- ready-made questions


def test_every_shipped_query_is_checked_here() -> None:
    assert {q.name for q in query.questions()} == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_shipped_query_answers(store: ox.Store, name: str) -> None:
    params, meaning, check = EXPECTED[name]
    q = query.question(name)
    assert q.zh and q.en
    assert q.examples() == params, "the header's example parameters are the ones tested"
    rows = query.run_query(store, q.text, params).values()
    assert rows, f"{name} gave no rows"
    assert check(rows), f"{name}: expected {meaning}; got {rows[:20]}"


def test_counts_agree_with_the_store(store: ox.Store) -> None:
    rows = query.run_query(store, query.question("counts").text).values()
    body = next(int(r["count"]) for r in rows if r["type"].endswith("#CPPCCBody"))
    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    bodies = {q.subject for q in store.quads_for_pattern(None, rdf_type, ox.NamedNode(query.PREFIXES["cppcc"] + "CPPCCBody"))}
    assert body == len(bodies)


def test_a_parameter_is_a_literal_never_query_text(store: ox.Store) -> None:
    q = query.question("cooccurring")
    hostile = '成都市政协" . } } UNION { ?e ?p ?o } #'
    assert query.run_query(store, q.text, {"name": hostile}).rows == ()
    assert query.run_query(store, q.text, {"name": "市政协"}).rows, "an alias (skos:altLabel) finds the entity too"


@pytest.mark.parametrize(
    ("params", "message"),
    [({}, "needs name: e.g. --param name=成都市政协"), ({"name": "x", "city": "y"}, "has no parameter city")],
)
def test_parameters_are_checked(params: dict[str, str], message: str) -> None:
    with pytest.raises(QueryError, match=message):
        query.bindings(params, query.question("cooccurring"))


def test_header_problems_name_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "no-english.rq"
    bad.write_text("# zh: 说明\nSELECT * { ?s ?p ?o }\n", encoding="utf-8")
    with pytest.raises(Exception, match="no-english.rq.*# en:"):
        query.parse_question(bad)


# ---------------------------------------------------------------------------- running and formats


def test_resolve_name_file_and_text(tmp_path: Path) -> None:
    assert query.resolve("platforms")[1] == query.question("platforms")
    rq = tmp_path / "mine.rq"
    rq.write_text("ASK { ?s ?p ?o }", encoding="utf-8")
    assert query.resolve(str(rq)) == ("ASK { ?s ?p ?o }", None)
    assert query.resolve("SELECT * { ?s ?p ?o }") == ("SELECT * { ?s ?p ?o }", None)
    long_text = "DESCRIBE <urn:" + "x" * 400 + ">"  # no braces, and longer than a file name may be
    assert query.resolve(long_text) == (long_text, None)
    with pytest.raises(QueryError, match="kg query --list"):
        query.resolve("no-such-question")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("SELEC ?x", "malformed query: error at 1:"),
        ("PREFIX ex: <http://example.org/>\nINSERT DATA { ex:a ex:b ex:c }", "read-only"),
        ("DELETE WHERE { ?s ?p ?o }", "read-only"),
        ("SELECT * WHERE { SERVICE <http://127.0.0.1:1/sparql> { ?s ?p ?o } }", "SERVICE .* refused"),
        ("select * { \\u0053ERVICE <http://127.0.0.1:1/sparql> { ?s ?p ?o } }", "without network access"),
    ],
)
def test_refused_queries(store: ox.Store, text: str, message: str) -> None:
    with pytest.raises(QueryError, match=message):
        query.execute(store, text)


PLATFORMS = "SELECT ?b ?p WHERE { ?b cppcc:runsPlatform ?p } ORDER BY ?b ?p"


def _serialized(store: ox.Store, text: str, fmt: str) -> bytes:
    out = io.BytesIO()
    query.serialize(query.execute(store, text), fmt, out)
    return out.getvalue()


@pytest.mark.parametrize(
    "text",
    ['SELECT ?service WHERE { ?service rdfs:label "SERVICE" } # SERVICE <http://x/>', "SELECT * { <http://a/SERVICE> ?p ?o }"],
)
def test_the_word_service_elsewhere_is_fine(text: str) -> None:
    assert not query.uses_service(text)


def test_result_formats_carry_the_same_rows(store: ox.Store) -> None:
    expected = [(r["b"], r["p"]) for r in query.run_query(store, PLATFORMS).values()]
    assert ("https://w3id.org/cppcc-kg/id/CPPCCBody/双流区政协", "https://w3id.org/cppcc-kg/id/Platform/有事来协商众事好商量") in expected

    data = json.loads(_serialized(store, PLATFORMS, "json"))
    assert [(b["b"]["value"], b["p"]["value"]) for b in data["results"]["bindings"]] == expected

    rows = list(csv.reader(io.StringIO(_serialized(store, PLATFORMS, "csv").decode("utf-8"))))
    assert rows[0] == ["b", "p"] and [tuple(r) for r in rows[1:]] == expected

    tsv = _serialized(store, PLATFORMS, "tsv").decode("utf-8").splitlines()
    assert tsv[0] == "?b\t?p" and [tuple(c.strip("<>") for c in line.split("\t")) for line in tsv[1:]] == expected

    ns = {"r": "http://www.w3.org/2005/sparql-results#"}
    root = ET.fromstring(_serialized(store, PLATFORMS, "xml"))
    got = [tuple(b.find("r:uri", ns).text for b in result.findall("r:binding", ns)) for result in root.iterfind(".//r:result", ns)]  # type: ignore[union-attr]
    assert got == expected


def test_construct_gives_turtle_with_our_prefixes(store: ox.Store) -> None:
    turtle = _serialized(store, "CONSTRUCT WHERE { ?b cppcc:runsPlatform ?p }", "turtle")
    assert b"body:\xe5\x8f\x8c\xe6\xb5\x81\xe5\x8c\xba\xe6\x94\xbf\xe5\x8d\x8f cppcc:runsPlatform" in turtle  # body:双流区政协
    triples = list(ox.parse(turtle, format=ox.RdfFormat.TURTLE))
    assert len(triples) == len(query.run_query(store, PLATFORMS).rows)
    with pytest.raises(QueryError, match="choose --format from turtle"):
        _serialized(store, "CONSTRUCT WHERE { ?b cppcc:runsPlatform ?p }", "csv")


def test_table_aligns_chinese_by_display_width() -> None:
    table = query.format_rows(("名称", "n"), [("成都市政协", "1"), ("abc", "22")])
    lines = table.splitlines()
    starts = {_width(line[: line.rindex(" ") + 1]) for line in (lines[0], lines[2], lines[3])}
    assert len(starts) == 1, table
    assert query.format_rows(("x",), [("一二三四五六",)], max_width=7).splitlines()[2] == "一二三…"


# ---------------------------------------------------------------------------- the query store


def test_store_is_built_once_and_rebuilt_when_the_file_changes(tmp_path: Path, sample_build: SampleBuild) -> None:
    ttl = tmp_path / "g.ttl"
    ttl.write_bytes(sample_build.turtle.read_bytes())
    folder = query_store.ensure(ttl)
    db_inode = (folder / query_store.DB).stat().st_ino
    assert query_store.ensure(ttl) == folder and (folder / query_store.DB).stat().st_ino == db_inode

    os.utime(ttl, ns=(1, 1))  # touched, same content: the hash keeps the store
    query_store.ensure(ttl)
    assert (folder / query_store.DB).stat().st_ino == db_inode

    with ttl.open("a", encoding="utf-8") as fh:
        fh.write("<http://example.org/a> <http://example.org/b> <http://example.org/c> .\n")
    before = len(query_store.open_store(sample_build.turtle))
    assert len(query_store.open_store(ttl)) == before + 1
    manifest = query_store.read_manifest(folder)
    assert manifest is not None and manifest.triples == before + 1 and manifest.size == ttl.stat().st_size


def test_a_build_graph_is_loaded_in_blocks_of_whole_lines(tmp_path: Path, sample_build: SampleBuild, monkeypatch: pytest.MonkeyPatch) -> None:
    """A build's own N-Triples (lenient) are bulk-loaded in blocks of whole lines, so that the loader's memory
    does not grow with the graph; the store holds the same triples as one whole load."""
    from kg import stats

    nt = tmp_path / "g.nt"
    lines = (sample_build.out / "cppcc.nt").read_bytes().splitlines(keepends=True)
    long = b'<http://example.org/a> <http://example.org/b> "' + "长".encode() * 4000 + b'"@zh .\n'
    nt.write_bytes(b"".join(lines[:3000]) + long + b"".join(lines[3000:]).rstrip(b"\n"))  # no newline at the end
    whole = stats.load_into(ox.Store(), nt)
    blocks: list[bytes] = []
    real = ox.Store.bulk_load
    monkeypatch.setattr(stats, "LOAD_BLOCK", 5000)  # shorter than the long line
    monkeypatch.setattr(ox.Store, "bulk_load", lambda self, data, **k: (blocks.append(data.read()), real(self, blocks[-1], **k)))
    blocked = stats.load_into(ox.Store(), nt, lenient=True)
    assert len(blocks) > 10 and all(b.endswith(b"\n") for b in blocks[:-1]) and any(long in b for b in blocks)
    assert b"".join(blocks) == nt.read_bytes()
    assert len(blocked) == len(whole) == len(lines) + 1 and set(blocked) == set(whole)


def test_store_export_is_written_by_the_build(sample_build: SampleBuild) -> None:
    folder = sample_build.out / "cppcc.oxigraph"
    manifest = query_store.read_manifest(folder)
    assert manifest is not None and manifest.source == "cppcc.ttl"
    assert len(ox.Store.read_only(str(folder / query_store.DB))) == manifest.triples == len(sample_build.store())


def test_missing_graph_says_how_to_fix(tmp_path: Path) -> None:
    with pytest.raises(Exception, match="run `kg build` first"):
        query_store.open_store(tmp_path / "none.ttl")


# ---------------------------------------------------------------------------- kg query


def test_cli_runs_a_question_as_a_table(sample_build: SampleBuild, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["query", "--graph", str(sample_build.turtle), "platforms", "--param", "place=四川省"]) == 0
    out = capsys.readouterr().out
    assert "有事来协商众事好商量" in out and out.rstrip().endswith("rows)")


def test_cli_param_and_csv(sample_build: SampleBuild, capfdbinary: pytest.CaptureFixture[bytes]) -> None:
    args = ["query", "--graph", str(sample_build.turtle), "cooccurring", "--param", "name=成都市政协", "--format", "csv"]
    assert main(args) == 0
    rows = list(csv.DictReader(io.StringIO(capfdbinary.readouterr().out.decode("utf-8"))))
    assert rows and {r["name"] for r in rows} == {"成都市政协"}


def test_cli_lists_questions(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["query", "--list"]) == 0
    out = capsys.readouterr().out
    assert all(name in out for name in EXPECTED) and "name=成都市政协" in out


def test_cli_error_is_one_line(sample_build: SampleBuild, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["query", "--graph", str(sample_build.turtle), "SELECT ?x WHERE {"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("kg query: error: malformed query") and err.count("\n") == 1


def test_cli_graph_may_be_the_export_folder_or_the_store_folder(sample_build: SampleBuild, capsys: pytest.CaptureFixture[str]) -> None:
    for graph in (sample_build.out, sample_build.out / "cppcc.oxigraph"):
        assert main(["query", "--graph", str(graph), "platforms", "--param", "place=成都市"]) == 0
        assert "有事来协商众事好商量" in capsys.readouterr().out


def test_cli_folder_without_a_graph_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["query", "--graph", str(tmp_path), "counts"]) == 2
    err = capsys.readouterr().err
    assert str(tmp_path) in err and "without cppcc.ttl" in err and err.count("\n") == 1


def test_cli_refuses_a_query_nested_too_deep_instead_of_crashing(sample_build: SampleBuild) -> None:
    deep = "SELECT * WHERE " + "{" * 3000 + " ?s ?p ?o " + "}" * 3000
    done = subprocess.run([sys.executable, "-m", "kg", "query", deep, "--graph", str(sample_build.out)],
                          capture_output=True, text=True, timeout=120)  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert done.stderr == f"kg query: error: the query nests 3000 levels deep ({{ ( [); the limit is {query.MAX_NESTING}: flatten it\n"


def test_queries_run_on_a_deep_stack() -> None:
    """3,000 chained MINUS crash pyoxigraph on a main thread's 8 MB stack (in a subprocess: a crash is a crash)."""
    script = (
        "import pyoxigraph as ox; from kg.query import on_deep_stack; "
        "q = 'SELECT * WHERE { BIND(1 AS ?x) ' + ' '.join(f'MINUS {{ BIND({i} AS ?x) }}' for i in range(2, 3002)) + ' }'; "
        "print(on_deep_stack(lambda: len(list(ox.Store().query(q)))))"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert (done.returncode, done.stdout) == (0, "1\n"), done.stderr[-500:]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("SELECT * WHERE { ?s ?p ?o FILTER(" + "(" * 200 + "1" + ")" * 200 + ") }", "nests 202 levels deep"),
        ("SELECT * WHERE { " + " ".join(f"BIND({i} AS ?x{i})" for i in range(4001)) + " }", "4,003 patterns and clauses"),
    ],
)
def test_shape_limits(text: str, message: str) -> None:
    with pytest.raises(QueryError, match=message):
        query.check_shape(text)
    query.check_shape('SELECT * WHERE { ?s ?p "' + "{" * 500 + '" } # ' + "(" * 500)  # strings and comments do not count


def test_parameter_kinds(tmp_path: Path) -> None:
    rq = tmp_path / "kinds.rq"
    rq.write_text("# zh: 说明\n# en: what\n# param: name | 成都市 | 地名 | @zh\n# param: year | 2021 | 年份 | xsd:integer\n"
                  "# param: plain | x | 文字\nSELECT ?name ?year ?plain WHERE { }\n", encoding="utf-8")  # fmt: skip
    q = query.parse_question(rq)
    terms = {v.value: t for v, t in query.bindings(q.examples(), q).items()}
    assert terms["name"] == ox.Literal("成都市", language="zh")
    assert terms["year"] == ox.Literal("2021", datatype=ox.NamedNode(query.PREFIXES["xsd"] + "integer"))
    assert terms["plain"] == ox.Literal("x")
    row = query.run_query(ox.Store(), q.text, q.examples()).rows[0]
    assert row == (terms["name"], terms["year"], terms["plain"]), "the text's own header types a value run by text"
    rq.write_text("# zh: 说明\n# en: what\n# param: name | x | 名 | zh\nSELECT ?name WHERE { }\n", encoding="utf-8")
    with pytest.raises(Exception, match="kinds.rq: bad param line.*@zh"):
        query.parse_question(rq)


def test_a_name_parameter_is_found_through_the_label_index(store: ox.Store) -> None:
    """The questions look names up as ``?e ?named ?name`` with ``?name`` a @zh literal, not by comparing strings."""
    for q in query.questions():
        for p in q.params:
            if "标签" in p.description:
                assert p.kind == "@zh", f"{q.name}: declare `| @zh` on the name parameter {p.name}"
                assert f"STR(?l) = ?{p.name}" not in q.text
