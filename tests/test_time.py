"""Time in the graph: sentence and event dates, tenures (posts held per document and date), the ready-made
questions about time through `kg query`, the shapes and the JSON-LD context for the time terms.

The documents are made up, in the shapes county CPPCC sites and local papers use.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
import rdflib

from kg.cli import main
from kg.export.jsonld import context
from kg.extract import extract_document
from kg.extract.times import Period, sentence_dates, timeline
from kg.model import Document
from kg.nlp import split_sentences
from kg.validate import validate_graph

DOCS = {
    "a.txt": (
        "蓬溪县政协召开协商推进会\n"
        "发布时间：2021-03-16 10:00　来源：蓬溪县政协办公室\n\n"
        "3月15日，蓬溪县政协“有事来协商·蓬事好商量”工作推进会在赤城镇召开。县政协主席周立新出席并讲话，"
        "县政协副主席李秀英主持会议。\n\n"
        "会上，县政协发布《蓬溪县政协协商议事规则》，依托“蓬事好商量”协商平台推动协商向村社延伸。\n"
    ),
    "b.txt": (
        "蓬溪县政协开展院坝协商\n"
        "（遂宁日报 2023年6月9日 记者 王丽娟）\n\n"
        "本报讯 6月8日，蓬溪县政协在桂花村举行院坝协商会，就村道拓宽听取意见。县政协主席何建军，原县政协主席周立新到会。\n\n"
        "2022年5月，时任县政协副主席李秀英带队赴赤城镇调研。\n"
    ),
    "c.txt": (
        "蓬溪县政协搭建议事平台\n\n"
        "近日，县政协主席何建军带队调研“蓬事好商量”协商平台运行情况。\n"
    ),
}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("time")
    corpus = root / "corpus"
    corpus.mkdir()
    for name, text in DOCS.items():
        (corpus / name).write_text(text, encoding="utf-8")
    out = root / "exports"
    assert main(["build", str(corpus), "--out", str(out), "--quiet", "--workers", "1"]) == 0
    return out


def _ask(capsys: pytest.CaptureFixture[str], graph: Path, *args: str) -> list[dict[str, str]]:
    capsys.readouterr()
    assert main(["query", *args, "--graph", str(graph), "--format", "csv"]) == 0
    return list(csv.DictReader(io.StringIO(capsys.readouterr().out)))


def _doc(text: str, date: str | None) -> Document:
    return Document(id="t", source="t.txt", text=text, norm=text, date=date)


# ---------------------------------------------------------------------------- sentence and event dates


def test_a_month_without_year_takes_the_year_written_earlier_in_its_paragraph() -> None:
    text = "2024年，县政协开展协商42场。3月，开展委员培训。\n\n5月8日，召开主席会议。"
    dated = sentence_dates(text, split_sentences(text), "2025-01-08")
    assert dated == {0: Period("2024"), 1: Period("2024-03"), 2: Period("2025-05-08")}


def test_periods_quotes_and_vague_words_give_no_sentence_date() -> None:
    text = "2021年以来，累计协商300场。会议审议《2023年协商计划》。近日，县政协召开会议。截至11月底，建成工作室12个。"
    assert sentence_dates(text, split_sentences(text), "2023-12-01") == {}


def test_event_takes_the_date_nearest_before_its_name() -> None:
    text = "据了解，县政协2021年起在全县开展“院坝协商”试点，2022年印发协商规则。"
    extraction = extract_document(_doc(text, "2023-05-01"))
    events = {e.event[1]: e.period for e in timeline(extraction).events}
    assert events.get("院坝协商试点") == Period("2021"), events


def test_event_range_and_mention_without_a_holding_verb() -> None:
    text = "6月8日至9日，县政协“有事共商量”工作观摩会在赤城镇举行。\n会上传达了市政协“有事好商量”工作现场座谈会精神。"
    extraction = extract_document(_doc(text, "2024-06-12"))
    events = {e.event[1]: e.period for e in timeline(extraction).events}
    assert events == {"有事共商量工作观摩会": Period("2024-06-08", "2024-06-09")}


# ---------------------------------------------------------------------------- the built graph


def test_document_dates_are_typed(built: Path) -> None:
    g = rdflib.Graph().parse(built / "cppcc.ttl")
    dates = {str(d).rsplit("/", 1)[1]: v for d, v in g.subject_objects(rdflib.URIRef("http://purl.org/dc/terms/date"))}
    assert {k: (str(v), v.datatype) for k, v in dates.items()} == {
        "a": ("2021-03-16", rdflib.XSD.date),
        "b": ("2023-06-09", rdflib.XSD.date),
    }


def test_tenures_say_who_held_which_post_when_and_per_which_document(built: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = _ask(
        capsys, built,
        "SELECT ?person ?post ?organ ?on ?doc WHERE { ?t a cppcc:Tenure ; cppcc:holder/rdfs:label ?person ;"
        " cppcc:post/rdfs:label ?post ; prov:wasDerivedFrom ?doc ; cppcc:evidence ?s ."
        " OPTIONAL { ?t cppcc:tenureIn/rdfs:label ?organ } OPTIONAL { ?t cppcc:heldOn ?on } }",
    )
    held = {(r["person"], r["post"], r["doc"].rsplit("/", 1)[1]): r["on"] for r in rows}
    assert held[("周立新", "蓬溪县政协主席", "a")] == "2021-03-16"
    assert held[("何建军", "蓬溪县政协主席", "b")] == "2023-06-09"
    assert held[("周立新", "蓬溪县政协主席", "b")] == "", "原县政协主席: a former post has no date"
    assert held[("李秀英", "蓬溪县政协副主席", "b")] == "2022-05", "时任 in a sentence dated 2022年5月"
    assert held[("何建军", "蓬溪县政协主席", "c")] == "", "an undated document gives no date"
    assert all(r["organ"] == "蓬溪县政协" for r in rows)


def test_plain_holds_position_triples_stay(built: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = _ask(capsys, built, "SELECT ?p WHERE { ?person rdfs:label \"周立新\"@zh ; cppcc:holdsPosition ?p }")
    assert [r["p"].rsplit("/", 1)[1] for r in rows] == ["蓬溪县政协主席"]


def test_event_dates_are_in_the_graph_with_their_evidence(built: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = _ask(
        capsys, built,
        "SELECT ?event ?start ?text WHERE { ?e cppcc:startDate ?start ; rdfs:label ?event ."
        " ?st rdf:subject ?e ; rdf:predicate cppcc:startDate ; rdf:object ?start ; cppcc:evidence/cppcc:text ?text }",
    )
    assert {(r["event"], r["start"]) for r in rows} == {("蓬溪县政协有事来协商·蓬事好商量工作推进会", "2021-03-15")}
    assert rows[0]["text"].startswith("3月15日")


def test_post_holders_in_a_year(built: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = _ask(capsys, built, "post-holders", "--param", "post=蓬溪县政协主席", "--param", "year=2023")
    assert [(r["person"], r["heldOn"]) for r in rows] == [("何建军", "2023-06-09")]
    rows = _ask(capsys, built, "post-holders", "--param", "post=蓬溪县政协主席", "--param", "year=2021")
    assert [r["person"] for r in rows] == ["周立新"]
    assert _ask(capsys, built, "post-holders", "--param", "post=蓬溪县政协主席", "--param", "year=2022") == []


def test_body_by_year(built: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = _ask(capsys, built, "body-by-year", "--param", "body=蓬溪县政协")
    by_year = {(r["year"], r["relation"], r["object"]) for r in rows}
    assert ("2021", "holdsEvent", "蓬溪县政协有事来协商·蓬事好商量工作推进会") in by_year
    assert ("2021", "adoptsMechanism", "蓬溪县政协协商议事规则") in by_year
    assert ("2023", "consultsOn", "村道拓宽") in by_year
    assert {r["year"] for r in rows} == {"2021", "2023"}


def test_first_mentions(built: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = _ask(capsys, built, "first-mentions", "--param", "since=2021")
    first = {r["name"]: r["first"] for r in rows}
    assert first["蓬事好商量"] == "2021-03-16", "first named in a, again in the undated c"
    assert first["院坝协商"] == "2023-06-09", "院坝协商会 of b is filed under the format its title names"
    later = _ask(capsys, built, "first-mentions", "--param", "since=2022")
    assert "蓬事好商量" not in {r["name"] for r in later}
    assert "院坝协商" in {r["name"] for r in later}


# ---------------------------------------------------------------------------- shapes and context

TENURE = """
@prefix cppcc: <https://w3id.org/cppcc-kg/ontology#> . @prefix prov: <http://www.w3.org/ns/prov#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
<http://x/d> a cppcc:Document ; cppcc:sourceFile "d.txt" ; dcterms:date "2024-05"^^xsd:gYearMonth .
<http://x/s> a cppcc:Sentence ; cppcc:text "…"@zh ; dcterms:isPartOf <http://x/d> ; cppcc:sentenceIndex 0 .
<http://x/p> a cppcc:Person ; rdfs:label "张三"@zh ; cppcc:mentionedIn <http://x/d> .
<http://x/q> a cppcc:Person ; rdfs:label "李四"@zh ; cppcc:mentionedIn <http://x/d> .
<http://x/pos> a cppcc:Position ; rdfs:label "县政协主席"@zh ; cppcc:mentionedIn <http://x/d> .
<http://x/t> a cppcc:Tenure ; cppcc:holder <http://x/p> ; cppcc:post <http://x/pos> ;
    prov:wasDerivedFrom <http://x/d> ; cppcc:evidence <http://x/s> ; cppcc:heldOn "2024-05-16"^^xsd:date .
"""


def test_a_well_formed_tenure_conforms() -> None:
    assert validate_graph(rdflib.Graph().parse(data=TENURE, format="turtle")) == []


@pytest.mark.parametrize(
    "added,path",
    [
        ('cppcc:heldOn "2024-05-17"^^xsd:date', "heldOn"),  # two dates
        ("cppcc:holder <http://x/q>", "holder"),  # two holders
        ("cppcc:post <http://x/p>", "post"),  # a person as post
        ("cppcc:tenureIn <http://x/p>", "tenureIn"),  # a person as organ
    ],
)
def test_shapes_catch_a_malformed_tenure(added: str, path: str) -> None:
    violations = validate_graph(rdflib.Graph().parse(data=f"{TENURE}<http://x/t> {added} .\n", format="turtle"))
    assert any(path in v for v in violations), violations


def test_a_date_of_another_type_is_refused() -> None:
    data = TENURE.replace('cppcc:heldOn "2024-05-16"^^xsd:date', 'cppcc:heldOn "五月"')
    assert any("heldOn" in v for v in validate_graph(rdflib.Graph().parse(data=data, format="turtle")))


def test_a_document_date_of_another_type_is_refused() -> None:
    data = TENURE.replace('dcterms:date "2024-05"^^xsd:gYearMonth', 'dcterms:date "May 2024"')
    assert any("date" in v for v in validate_graph(rdflib.Graph().parse(data=data, format="turtle")))


def test_jsonld_context_covers_the_time_terms(built: Path) -> None:
    ctx = context()
    for term in ("Tenure", "holder", "post", "tenureIn", "heldOn", "startDate", "endDate", "onDate"):
        assert term in ctx, term
    assert ctx["holder"] == {"@id": "cppcc:holder", "@type": "@id"}
    assert ctx["tenure"] == "https://w3id.org/cppcc-kg/tenure/"
    doc = json.loads((built / "cppcc.jsonld").read_text(encoding="utf-8"))
    tenures = [n for n in doc["@graph"] if n.get("@type") == "Tenure"]
    assert tenures and all(n["@id"].startswith("tenure:") and n["holder"].startswith("person:") for n in tenures)


# ---------------------------------------------------------------------------- property-graph exports


def test_neo4j_csv_loaded_into_ladybug_carries_the_dates(built: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    lb = pytest.importorskip("ladybug")
    monkeypatch.chdir(built / "neo4j")
    db = lb.Database(str(tmp_path / "t.lbug"))
    conn = lb.Connection(db)
    try:
        conn.execute(Path("load.ladybug.cypher").read_text(encoding="utf-8"))

        def rows(query: str) -> list[list[object]]:
            result = conn.execute(query)
            found = []
            while result.has_next():
                found.append(result.get_next())
            return sorted(found)

        assert rows("MATCH (d:Document) RETURN d.id, d.date") == [
            ["https://w3id.org/cppcc-kg/doc/a", "2021-03-16"],
            ["https://w3id.org/cppcc-kg/doc/b", "2023-06-09"],
            ["https://w3id.org/cppcc-kg/doc/c", None],
        ]
        assert rows("MATCH (e:Event) WHERE e.startDate IS NOT NULL RETURN e.name, e.startDate, e.endDate") == [
            ["蓬溪县政协有事来协商·蓬事好商量工作推进会", "2021-03-15", "2021-03-15"]
        ]
        held = rows("MATCH (p:Person)-[r:HOLDS_POSITION]->(q:Position) RETURN p.name, q.name, r.dates")
        assert ["李秀英", "蓬溪县政协副主席", ["2021-03-16", "2022-05"]] in held
        assert ["周立新", "蓬溪县政协主席", ["2021-03-16"]] in held, "the former post in b adds no date"
    finally:
        conn.close()
        db.close()


def test_graphml_and_gexf_carry_the_dates(built: Path) -> None:
    import networkx as nx

    for graph in (nx.read_graphml(built / "cppcc.graphml", force_multigraph=True), nx.read_gexf(built / "cppcc.gexf")):
        assert graph.nodes["https://w3id.org/cppcc-kg/doc/b"]["date"] == "2023-06-09"
        event = graph.nodes["https://w3id.org/cppcc-kg/id/Event/蓬溪县政协有事来协商·蓬事好商量工作推进会"]
        assert (event["startDate"], event["endDate"]) == ("2021-03-15", "2021-03-15")
        edges = {(u.rsplit("/", 1)[1], d["predicate"], v.rsplit("/", 1)[1]): d for u, v, d in graph.edges(data=True)}
        assert json.loads(edges[("蓬溪县政协", "consultsOn", "村道拓宽")]["dates"]) == ["2023-06-08"]
