"""Every export loads into a real consumer and gives back the graph it came from.

RDF formats go back into rdflib and pyoxigraph (isomorphic / equal to the built graph), the Neo4j CSV into
LadybugDB through the exported load script, GraphML and GEXF into networkx. Each runs on the sample
corpus and on a hand-made graph whose names hold quotes, backslashes, <>&, commas, semicolons, backticks
and newlines. One test loops over every registered exporter for determinism and atomicity.
"""

from __future__ import annotations

import csv
import json
import os
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import networkx as nx
import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import isomorphic

from kg import export, graph
from kg.cli import main as cli_main
from kg.errors import ExportError, OutputError
from kg.export.graphml import to_networkx
from kg.export.jsonld import context
from kg.export.naming import cypher_name, cypher_string, term_names
from kg.graphview import DOCUMENT_RELATIONS, ENTITY_RELATIONS, property_graph
from kg.model import ENTITY_TYPES, Document, Entity, Extraction, Mention, Quantity, Relation, Sentence
from kg.vocab import ONTOLOGY_NS, PREFIXES, document_iri, entity_iri

MINE = ("turtle", "ntriples", "nquads", "trig", "jsonld", "neo4j", "graphml", "gexf")
RDF_FILES = {  # format name -> (file, rdflib format, pyoxigraph format)
    "turtle": ("cppcc.ttl", "turtle", ox.RdfFormat.TURTLE),
    "ntriples": ("cppcc.nt", "nt", ox.RdfFormat.N_TRIPLES),
    "nquads": ("cppcc.nq", "nquads", ox.RdfFormat.N_QUADS),
    "trig": ("cppcc.trig", "trig", ox.RdfFormat.TRIG),
    "jsonld": ("cppcc.jsonld", "json-ld", ox.RdfFormat.JSON_LD),
}
XSD_STRING = PREFIXES["xsd"] + "string"

WEIRD = "双流 \"引号\" 'single' “弯引号” back\\slash <tag> & amp, comma; semi `tick`\nnew line"
BODY = "测试政协" + WEIRD
PLATFORM = "有事来协商" + WEIRD
ALIASES = {"别名;一", "别名,二 \"q\"", WEIRD}


# ---------------------------------------------------------------------------- fixtures


def weird_extraction() -> Extraction:
    text = f"{BODY}搭建{PLATFORM}平台，642名委员参加。"
    doc = Document(
        id="weird doc;1",
        source="corpus/weird \"doc\",1.txt",
        text=text,
        norm=text,
        title=WEIRD,
        speaker="另一个政协, \"发言\"",
        publication="报纸<&>",
        date="2021-06-02",
    )
    body = Entity("CPPCCBody", BODY, set(ALIASES), [Mention(0, len(BODY), BODY, 0)])
    start = text.index(PLATFORM)
    platform = Entity("Platform", PLATFORM, set(), [Mention(start, start + len(PLATFORM), PLATFORM, 0)])
    relations = [
        Relation(body.key, "runsPlatform", platform.key, 0),
        Relation(body.key, "hasQuantity", Quantity(642, "委员;\"x\"", "名", True), 0),
    ]
    return Extraction(doc, [Sentence(0, 0, len(text), text)], [body, platform], relations)


@pytest.fixture(scope="module")
def weird_store() -> ox.Store:
    extraction = weird_extraction()
    table = graph.EntityTable()
    for summary in graph.summarise(extraction):
        table.add(summary)
    store = ox.Store()
    store.bulk_load(graph.to_ntriples(graph.document_triples(extraction)), format=ox.RdfFormat.N_TRIPLES)
    store.bulk_load(graph.to_ntriples(graph.entity_triples(table)), format=ox.RdfFormat.N_TRIPLES)
    return store


@pytest.fixture(scope="module")
def weird_out(weird_store: ox.Store, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("weird-exports")
    for name in MINE:
        export.write(name, weird_store, out)
    return out


@pytest.fixture(params=["sample", "weird"])
def case(request: pytest.FixtureRequest) -> tuple[ox.Store, Path]:
    if request.param == "sample":
        build = request.getfixturevalue("sample_build")
        return request.getfixturevalue("sample_store"), build.out
    return request.getfixturevalue("weird_store"), request.getfixturevalue("weird_out")


# ---------------------------------------------------------------------------- helpers


def triples(store: ox.Store) -> set[tuple[Any, Any, Any]]:
    return {(q.subject, q.predicate, q.object) for q in store.quads_for_pattern(None, None, None, ox.DefaultGraph())}


def to_rdflib(store: ox.Store) -> rdflib.Graph:
    """The store as an rdflib graph, term by term (no serialiser involved); xsd:string as plain literals."""
    g = rdflib.Graph()

    def conv(term: Any) -> Any:
        if isinstance(term, ox.NamedNode):
            return rdflib.URIRef(term.value)
        if isinstance(term, ox.BlankNode):
            return rdflib.BNode(term.value)
        if term.language:
            return rdflib.Literal(term.value, lang=term.language)
        if term.datatype.value == XSD_STRING:
            return rdflib.Literal(term.value)
        return rdflib.Literal(term.value, datatype=rdflib.URIRef(term.datatype.value))

    for s, p, o in triples(store):
        g.add((conv(s), conv(p), conv(o)))
    return g


def rdflib_parse(path: Path, fmt: str) -> rdflib.Graph:
    if fmt in ("nquads", "trig"):
        ds = rdflib.Dataset()
        ds.parse(path, format=fmt)
        merged = rdflib.Graph()
        for s, p, o, _ in ds.quads((None, None, None, None)):
            merged.add((s, p, o))
        return merged
    return rdflib.Graph().parse(path, format=fmt)


def node_labels(store: ox.Store) -> Counter[str]:
    """Nodes per Neo4j label, counted with SPARQL on the store."""
    counts: Counter[str] = Counter()
    for cls in (*ENTITY_TYPES, "Quantity", "Document"):
        classes = "cppcc:Document cppcc:Compilation" if cls == "Document" else f"cppcc:{cls}"
        query = f"PREFIX cppcc: <{ONTOLOGY_NS}> SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ VALUES ?c {{ {classes} }} ?s a ?c }}"
        n = int(next(iter(store.query(query)))["n"].value)
        if n:
            counts[term_names(cls).graph_name] = n
    return counts


def rel_types(store: ox.Store) -> Counter[str]:
    """Relationships per type: triples of each property whose both ends are nodes of the property graph."""
    kinds = " ".join(f"cppcc:{c}" for c in (*ENTITY_TYPES, "Quantity", "Document", "Compilation"))
    counts: Counter[str] = Counter()
    for predicate in (*ENTITY_RELATIONS, *DOCUMENT_RELATIONS):
        query = (
            f"PREFIX cppcc: <{ONTOLOGY_NS}> SELECT (COUNT(*) AS ?n) WHERE {{ ?s cppcc:{predicate} ?o ."
            f" FILTER EXISTS {{ VALUES ?a {{ {kinds} }} ?s a ?a }} FILTER EXISTS {{ VALUES ?b {{ {kinds} }} ?o a ?b }} }}"
        )
        n = int(next(iter(store.query(query)))["n"].value)
        if n:
            counts[term_names(predicate).graph_name] = n
    return counts


def ladybug_rows(conn: Any, query: str) -> list[list[Any]]:
    result = conn.execute(query)
    rows = []
    while result.has_next():
        rows.append(result.get_next())
    return rows


@pytest.fixture
def ladybug(case: tuple[ox.Store, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """A LadybugDB database loaded with the exported script, run as a user would, from the export folder."""
    lb = pytest.importorskip("ladybug")
    _, out = case
    monkeypatch.chdir(out / "neo4j")
    db = lb.Database(str(tmp_path / "cppcc.lbug"))
    conn = lb.Connection(db)
    conn.execute(Path("load.ladybug.cypher").read_text(encoding="utf-8"))
    yield conn
    conn.close()
    db.close()


# ---------------------------------------------------------------------------- RDF


@pytest.mark.parametrize("name", list(RDF_FILES))
def test_rdf_export_loads_back_into_rdflib(case: tuple[ox.Store, Path], name: str) -> None:
    store, out = case
    filename, rdflib_format, _ = RDF_FILES[name]
    assert isomorphic(rdflib_parse(out / filename, rdflib_format), to_rdflib(store))


@pytest.mark.parametrize("name", list(RDF_FILES))
def test_rdf_export_loads_back_into_pyoxigraph(case: tuple[ox.Store, Path], name: str) -> None:
    store, out = case
    filename, _, fmt = RDF_FILES[name]
    parsed = {(q.subject, q.predicate, q.object) for q in ox.parse(path=str(out / filename), format=fmt)}
    assert parsed == triples(store)


def test_nquads_has_one_named_graph_per_document_holding_its_provenance(case: tuple[ox.Store, Path]) -> None:
    store, out = case
    quads = list(ox.parse(path=str(out / "cppcc.nq"), format=ox.RdfFormat.N_QUADS))
    documents = {
        s.value
        for s, p, o in triples(store)
        if p.value == PREFIXES["rdf"] + "type" and o.value in (ONTOLOGY_NS + "Document", ONTOLOGY_NS + "Compilation")
    }
    named = {q.graph_name.value for q in quads if isinstance(q.graph_name, ox.NamedNode)}
    assert named == documents
    where = {}
    for q in quads:
        where.setdefault((q.subject, q.predicate, q.object), set()).add(
            q.graph_name.value if isinstance(q.graph_name, ox.NamedNode) else ""
        )
    for (s, p, o), graphs in where.items():
        if p.value == ONTOLOGY_NS + "mentionedIn":
            assert graphs == {o.value}  # a mention lives in the graph of the document that mentions
        if p.value == PREFIXES["prov"] + "wasDerivedFrom":
            assert graphs == {o.value}  # a statement lives in the graph of its document
        if p.value in (PREFIXES["rdfs"] + "label", PREFIXES["skos"] + "altLabel") and s.value not in documents:
            assert graphs == {""}  # entity descriptions are in the default graph
    trig = {(q.subject, q.predicate, q.object, q.graph_name) for q in ox.parse(path=str(out / "cppcc.trig"), format=ox.RdfFormat.TRIG)}
    assert trig == {(q.subject, q.predicate, q.object, q.graph_name) for q in quads}


def test_asserted_relation_sits_in_the_graph_of_the_document_that_gave_evidence(weird_out: Path) -> None:
    doc = document_iri("weird doc;1")
    runs = (entity_iri("CPPCCBody", BODY), ONTOLOGY_NS + "runsPlatform", entity_iri("Platform", PLATFORM))
    graphs = {
        q.graph_name.value
        for q in ox.parse(path=str(weird_out / "cppcc.nq"), format=ox.RdfFormat.N_QUADS)
        if (q.subject.value, q.predicate.value, q.object.value) == runs
    }
    assert graphs == {doc}


@pytest.mark.parametrize("in_memory", [1, 5000])
def test_nquads_written_to_disk_are_the_ones_grouped_in_memory(
    sample_build: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, in_memory: int
) -> None:
    """Past BYTES_IN_MEMORY bytes, the named graphs go to disk: the same file comes out."""
    from kg.export import datasets
    from kg.export.graphfile import GraphFile

    (tmp_path / "graph.nt").write_bytes((sample_build.out / "cppcc.nt").read_bytes())
    monkeypatch.setattr(datasets, "BYTES_IN_MEMORY", in_memory)
    with GraphFile(tmp_path / "graph.nt") as built:
        written = datasets.nquads(built, tmp_path / "graph.nq")
    assert written.read_bytes() == (sample_build.out / "cppcc.nq").read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["graph.nq", "graph.nt"]  # no record file left behind


def test_jsonld_uses_short_keys_from_the_context_file(case: tuple[ox.Store, Path]) -> None:
    _, out = case
    ctx = json.loads((out / "context.jsonld").read_text(encoding="utf-8"))["@context"]
    assert ctx == context()
    assert ctx["runsPlatform"] == {"@id": "cppcc:runsPlatform", "@type": "@id"}
    assert ctx["label"] == "rdfs:label" and ctx["body"] == PREFIXES["body"]
    data = json.loads((out / "cppcc.jsonld").read_text(encoding="utf-8"))
    assert data["@context"] == ctx
    keys = {k for node in data["@graph"] for k in node}
    assert "label" in keys and "mentionedIn" in keys
    assert not any(k.startswith("http") for k in keys)


def test_jsonld_nodes_are_written_as_json_dumps_writes_them(weird_store: ox.Store, tmp_path: Path) -> None:
    """The node objects are put together from strings: each line is json.dumps of what it parses to, and the
    graph reads back the same (literals of every kind, blank nodes, repeated keys, rdf:type literals)."""
    store = ox.Store()
    store.extend(weird_store.quads_for_pattern(None, None, None, ox.DefaultGraph()))
    s, s2 = ox.NamedNode("https://w3id.org/cppcc-kg/id/Topic/议题"), ox.BlankNode("b0")
    label, alt = ox.NamedNode(PREFIXES["rdfs"] + "label"), ox.NamedNode(PREFIXES["skos"] + "altLabel")
    extra = [
        (s, label, ox.Literal("x", language="en-GB")),
        (s, label, ox.Literal("tab\there \\ \"q\" \x01 \x7f \ufffe \u2028 end", language="zh")),
        (s, alt, ox.Literal("2021-06", datatype=ox.NamedNode(PREFIXES["xsd"] + "gYearMonth"))),
        (s, alt, ox.Literal("plain \"string\"")),
        (s, ox.NamedNode(PREFIXES["rdf"] + "type"), ox.Literal("a literal type")),
        (s, ox.NamedNode(PREFIXES["rdf"] + "type"), ox.NamedNode("http://example.org/other#Type")),
        (s, ox.NamedNode(ONTOLOGY_NS + "runsPlatform"), s2),
        (s, ox.NamedNode("http://example.org/p"), s2),
        (s2, ox.NamedNode(ONTOLOGY_NS + "runsPlatform"), ox.NamedNode("http://example.org/x/é?q=1")),
        (s2, ox.NamedNode(ONTOLOGY_NS + "text"), ox.Literal("乙", language="zh")),
    ]
    store.extend(ox.Quad(a, b, c, ox.DefaultGraph()) for a, b, c in extra)
    export.write("jsonld", store, tmp_path)
    text = (tmp_path / "cppcc.jsonld").read_text(encoding="utf-8")
    nodes = text[text.index('"@graph": [\n') + 12 : text.rindex("\n ]\n}\n")].split(",\n")
    assert len(nodes) > 5
    for line in nodes:
        assert line.startswith("  {")
        assert json.dumps(json.loads(line), ensure_ascii=False) == line[2:]
    assert {json.loads(line)["@id"] for line in nodes} >= {"_:b0", "topic:议题"}
    parsed = ox.Store()
    parsed.load(path=str(tmp_path / "cppcc.jsonld"), format=ox.RdfFormat.JSON_LD)
    assert len(triples(parsed)) == len(triples(store))


# ---------------------------------------------------------------------------- Neo4j / LadybugDB


def test_ladybug_loads_every_node_and_relationship(case: tuple[ox.Store, Path], ladybug: Any) -> None:
    store, _ = case
    nodes = Counter({label: n for label, n in ladybug_rows(ladybug, "MATCH (n) RETURN label(n), count(*)")})
    rels = Counter({t: n for t, n in ladybug_rows(ladybug, "MATCH ()-[r]->() RETURN label(r), count(*)")})
    assert nodes == node_labels(store)
    assert rels == rel_types(store)


@pytest.mark.parametrize("case", ["sample"], indirect=True)
def test_ladybug_finds_shuangliu_platform(ladybug: Any) -> None:
    rows = ladybug_rows(
        ladybug,
        "MATCH (b:CPPCCBody)-[r:RUNS_PLATFORM]->(p:ConsultationPlatform) WHERE b.name = '双流区政协'"
        " RETURN p.name, r.type_zh, size(r.sentences)",
    )
    assert rows, "双流区政协 runs no platform in the sample graph"
    assert all(type_zh == "搭建平台" and sentences > 0 for _, type_zh, sentences in rows)


@pytest.mark.parametrize("case", ["weird"], indirect=True)
def test_ladybug_keeps_awkward_text_intact(ladybug: Any) -> None:
    rows = ladybug_rows(
        ladybug,
        "MATCH (b:CPPCCBody)-[r:RUNS_PLATFORM]->(p:ConsultationPlatform) RETURN b.name, b.aliases, p.name, r.sentences",
    )
    assert len(rows) == 1
    name, aliases, platform, sentences = rows[0]
    assert name == BODY and platform == PLATFORM and set(aliases) == ALIASES
    assert sentences == [weird_extraction().document.text]
    (quantity,) = ladybug_rows(ladybug, "MATCH (q:Quantity) RETURN q.value, q.atLeast, q.counted")
    assert quantity == [642, True, "委员;\"x\""]


def test_neo4j_csv_layout_and_arrays(case: tuple[ox.Store, Path]) -> None:
    store, out = case
    folder = out / "neo4j"
    pg = property_graph(store)
    aliases = {n.iri: sorted(n.aliases) for n in pg.nodes}
    seen = 0
    for path in sorted(folder.glob("nodes_*.csv")):
        with path.open(encoding="utf-8", newline="") as fh:
            rows = list(csv.reader(fh))
        assert rows[0][:3] == ["id:ID", "name", "aliases:string[]"]
        for row in rows[1:]:
            got = row[2].split("\x1f") if row[2] else []
            assert sorted(got) == aliases[row[0]]
            seen += 1
    assert seen == len(pg.nodes)
    for path in sorted(folder.glob("rels_*.csv")):
        with path.open(encoding="utf-8", newline="") as fh:
            header = next(csv.reader(fh))
        assert header[:3] == [":START_ID", ":END_ID", ":TYPE"]
    script = (folder / "import.sh").read_text(encoding="utf-8")
    load = (folder / "load.cypher").read_text(encoding="utf-8")
    for path in folder.glob("*.csv"):
        assert path.name in script and f"'file:///{path.name}'" in load
    assert "--array-delimiter=U+001F" in script
    assert "CREATE CONSTRAINT resource_id IF NOT EXISTS FOR (n:Resource) REQUIRE n.id IS UNIQUE;" in load


def _outside_literals(cypher: str) -> str:
    code = re.sub(r"^//.*$", "", cypher, flags=re.M)
    return re.sub(r"'(?:[^'\\]|\\.)*'", "''", code)


def test_cypher_scripts_keep_document_text_out_of_identifiers(case: tuple[ox.Store, Path]) -> None:
    _, out = case
    for name in ("load.cypher", "load.ladybug.cypher", "schema.cypher"):
        code = _outside_literals((out / "neo4j" / name).read_text(encoding="utf-8"))
        assert code.isascii(), name
        for quoted in re.findall(r"`((?:[^`]|``)*)`", code):
            assert re.fullmatch(r"[A-Za-z_:][A-Za-z0-9_:\[\]]*", quoted), quoted


CYPHER_NAMES = [
    ("RUNS_PLATFORM", "RUNS_PLATFORM"),
    ("_x1", "_x1"),
    ("1abc", "`1abc`"),
    ("id:ID", "`id:ID`"),
    ("双流区政协", "`双流区政协`"),
    ("a`b", "`a``b`"),
    ("a b", "`a b`"),
]


@pytest.mark.parametrize(("name", "quoted"), CYPHER_NAMES)
def test_cypher_name(name: str, quoted: str) -> None:
    assert cypher_name(name) == quoted


def test_cypher_string_escapes_quotes_backslashes_and_newlines() -> None:
    assert cypher_string("a'b\\c\nd\x1f") == "'a\\'b\\\\c\\nd\\u001F'"


def test_array_delimiter_in_a_value_is_refused(tmp_path: Path) -> None:
    store = ox.Store()
    node = ox.NamedNode(entity_iri("Topic", "议题"))
    store.add(ox.Quad(node, graph.A, graph.term("Topic")))
    store.add(ox.Quad(node, graph.LABEL, graph.zh("议题")))
    store.add(ox.Quad(node, graph.ALT_LABEL, graph.zh("bad\x1falias")))
    store.add(ox.Quad(node, graph.ALT_LABEL, graph.zh("good alias")))
    expected = f"node {entity_iri('Topic', '议题')}: value {'bad' + chr(31) + 'alias'!r} contains U+001F"
    with pytest.raises(ExportError, match=re.escape(expected)):
        export.write("neo4j", store, tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_array_delimiter_is_found_past_the_first_search(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The values are searched for the delimiter some at a time (not the whole graph's text at once): one in
    a later search is refused all the same, named as the first in the order of the files."""
    from kg.export import neo4j

    monkeypatch.setattr(neo4j, "_SEARCHED_AT_ONCE", 2)
    store = ox.Store()
    clean, *bad = sorted(("甲", "乙", "丙"), key=lambda name: entity_iri("Topic", name))  # in the files' order
    for name in (clean, *bad):
        node = ox.NamedNode(entity_iri("Topic", name))
        store.add(ox.Quad(node, graph.A, graph.term("Topic")))
        store.add(ox.Quad(node, graph.LABEL, graph.zh(name)))
        for alias in ("x", "y", "z" if name == clean else "bad\x1f" + name):
            store.add(ox.Quad(node, graph.ALT_LABEL, graph.zh(alias)))
    first = entity_iri("Topic", bad[0])
    with pytest.raises(ExportError, match=re.escape(f"node {first}: value ")):
        export.write("neo4j", store, tmp_path)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("writer", ["neo4j", "graphml", "gexf"])
def test_streamed_writers_give_the_same_files_in_any_batch(case: tuple[ox.Store, Path], tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch, writer: str) -> None:
    """GraphML and GEXF write edges a batch at a time and the Neo4j CSV files row by row: the files are the
    ones the build wrote whatever the batch (one edge, two), and searching the delimiter two values at a time
    changes nothing."""
    from kg.export import graphml, neo4j

    store, out = case
    for batch in (1, 2):
        monkeypatch.setattr(graphml, "_BATCH", batch)
        monkeypatch.setattr(neo4j, "_SEARCHED_AT_ONCE", batch)
        written = export.write(writer, store, tmp_path / str(batch))
        for path in written:
            expected = out / path.relative_to(tmp_path / str(batch))
            assert path.read_bytes() == expected.read_bytes(), path.name


# ---------------------------------------------------------------------------- GraphML / GEXF


def test_graphml_loads_back_into_networkx(case: tuple[ox.Store, Path]) -> None:
    store, out = case
    expected = to_networkx(store)
    got = nx.read_graphml(out / "cppcc.graphml", force_multigraph=True)
    assert dict(got.nodes(data=True)) == dict(expected.nodes(data=True))
    edges = lambda g: sorted((u, v, k, sorted(d.items())) for u, v, k, d in g.edges(keys=True, data=True))  # noqa: E731
    assert edges(got) == edges(expected)
    for node in property_graph(store).nodes:
        assert got.nodes[node.iri]["label"] == node.label
        assert json.loads(got.nodes[node.iri]["aliases"]) == node.aliases
        assert got.nodes[node.iri]["type"] == node.type


def test_gexf_loads_back_into_networkx(case: tuple[ox.Store, Path]) -> None:
    store, out = case
    pg = property_graph(store)
    got = nx.read_gexf(out / "cppcc.gexf")
    assert set(got.nodes) == {n.iri for n in pg.nodes}
    assert got.number_of_edges() == len(pg.edges)
    for node in pg.nodes:
        assert got.nodes[node.iri]["label"] == node.label
        assert json.loads(got.nodes[node.iri]["aliases"]) == node.aliases


@pytest.mark.parametrize("case", ["weird"], indirect=True)
def test_graphml_keeps_awkward_text_intact(case: tuple[ox.Store, Path]) -> None:
    _, out = case
    got = nx.read_graphml(out / "cppcc.graphml", force_multigraph=True)
    body = got.nodes[entity_iri("CPPCCBody", BODY)]
    assert body["label"] == BODY and set(json.loads(body["aliases"])) == ALIASES


# ---------------------------------------------------------------------------- every exporter


# Exporters whose output is a database rather than a file: RocksDB writes a random IDENTITY and the
# manifest records the source's mtime, so two builds cannot be byte-identical. Their atomicity is still tested.
NOT_BYTE_DETERMINISTIC = {"store": "an on-disk RocksDB cache keyed by the Turtle file's mtime"}


def _leftovers(folder: Path) -> list[str]:
    """Temporary files and folders of kg.export.atomic_path / atomic_dir."""
    return [p.name for p in folder.iterdir() if p.name.startswith(".") and p.name.endswith((".tmp", ".old"))]


def _snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` but lock files (empty, kept for flock by the store cache)."""
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not (p.name.startswith(".") and p.name.endswith(".lock"))
    }


@pytest.mark.parametrize("name", export.names())
def test_exporter_is_deterministic_and_atomic(
    name: str, sample_store: ox.Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Exporters run after the Turtle in a build (some read it), so every folder starts with it.
    first, second, fresh = tmp_path / "a", tmp_path / "b", tmp_path / "fresh"
    for folder in (first, second, fresh):
        export.write("turtle", sample_store, folder)
    baseline = _snapshot(fresh)
    paths = export.write(name, sample_store, first)
    assert paths and all(p.exists() for p in paths)
    export.write(name, sample_store, second)
    before = _snapshot(first)
    if name not in NOT_BYTE_DETERMINISTIC:
        assert before == _snapshot(second), f"{name}: two writes differ"
    assert not _leftovers(first), f"{name}: temporary files left"

    def failing_replace(src: Any, dst: Any) -> None:
        raise OSError(f"disk full while renaming {src} to {dst}")

    with monkeypatch.context() as patch:
        patch.setattr(os, "replace", failing_replace)
        with pytest.raises(OutputError, match="disk full"):
            export.write(name, sample_store, fresh)
        try:  # over an existing export: a cache may find nothing to rewrite; either way the old one stays
            export.write(name, sample_store, first)
        except OutputError as exc:
            assert "disk full" in str(exc)
    assert _snapshot(first) == before, f"{name}: a failed write changed the previous export"
    assert _snapshot(fresh) == baseline, f"{name}: a failed write left files"
    assert not _leftovers(fresh), f"{name}: temporary files left"


class _FailingStore:
    """A store whose iterators break after a few items: an exporter dying half-way through."""

    def __init__(self, store: ox.Store, after: int = 5) -> None:
        self._store, self._after = store, after

    def __len__(self) -> int:
        return len(self._store)

    def __iter__(self) -> Iterator[Any]:
        return self._broken(iter(self._store))

    def _broken(self, items: Iterator[Any]) -> Iterator[Any]:
        for i, item in enumerate(items):
            if i == self._after:
                raise RuntimeError("store failed mid-export")
            yield item

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._store, name)
        if not callable(attr):
            return attr

        def call(*args: Any, **kwargs: Any) -> Any:
            if name == "dump":  # a whole-graph read dies too
                raise RuntimeError("store failed mid-export")
            result = attr(*args, **kwargs)
            return self._broken(iter(result)) if hasattr(result, "__next__") else result

        return call


@pytest.mark.parametrize("name", MINE)
def test_failing_midway_leaves_no_partial_file(name: str, sample_store: ox.Store, tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match="mid-export"):
        export.write(name, _FailingStore(sample_store), tmp_path)  # type: ignore[arg-type]
    assert list(tmp_path.iterdir()) == []


# ---------------------------------------------------------------------------- CLI


def test_kg_export_writes_formats_from_a_built_graph(sample_build: Any, tmp_path: Path) -> None:
    assert cli_main(["export", "nquads,graphml", "--graph", str(sample_build.turtle), "--out", str(tmp_path)]) == 0
    assert (tmp_path / "cppcc.nq").read_bytes() == (sample_build.out / "cppcc.nq").read_bytes()
    assert (tmp_path / "cppcc.graphml").read_bytes() == (sample_build.out / "cppcc.graphml").read_bytes()


def test_kg_export_rejects_an_unknown_format(sample_build: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli_main(["export", "excel", "--graph", str(sample_build.turtle), "--out", str(tmp_path)]) == 2
    assert "unknown export format excel" in capsys.readouterr().err


# ---------------------------------------------------------------------------- the sorted file exporters read


TERMS = [
    ox.NamedNode("https://w3id.org/cppcc-kg/id/Topic/议题"),
    ox.BlankNode("b0"),
    ox.Literal(WEIRD, language="zh"),
    ox.Literal("tab\there \\ \"q\" \x01 \x7f \ufffe end"),
    ox.Literal("2021-06", datatype=ox.NamedNode(PREFIXES["xsd"] + "gYearMonth")),
    ox.Literal("x", language="en-GB"),
]


@pytest.mark.parametrize("term", TERMS, ids=range(len(TERMS)))
def test_graph_file_reads_terms_as_pyoxigraph_writes_them(term: Any) -> None:
    from kg.export.graphfile import datatype, language, split, value

    line = ox.serialize([ox.Triple(ox.NamedNode("http://s"), ox.NamedNode("http://p"), term)], format=ox.RdfFormat.N_TRIPLES)
    assert line is not None
    _, _, obj = split(line)
    assert value(obj) == term.value
    if isinstance(term, ox.Literal):
        assert language(obj) == (term.language or "")
        assert datatype(obj) in ("", term.datatype.value)


def _property_graph_by_sparql(store: ox.Store, include_documents: bool) -> Any:
    """The property graph as SPARQL on a store defines it (what kg.graphview computed before it read the
    sorted file in one pass): the oracle for graph_of_lines."""
    from collections import defaultdict

    from kg.graphview import Edge, Node, PropertyGraph, void_stats

    def rows(query: str) -> list[list[str]]:
        return graph.select(store, query)

    kinds = " ".join(sorted({f"cppcc:{t}" for t in ENTITY_TYPES} | {"cppcc:Quantity"} | ({"cppcc:Document", "cppcc:Compilation"} if include_documents else set())))
    nodes: dict[str, Node] = {}
    for iri, cls, label in rows(f"SELECT ?s ?c (COALESCE(?l, ?t, '') AS ?n) WHERE {{ VALUES ?c {{ {kinds} }} ?s a ?c . OPTIONAL {{ ?s rdfs:label ?l }} OPTIONAL {{ ?s dcterms:title ?t }} }}"):
        kind = cls.removeprefix(ONTOLOGY_NS)
        nodes[iri] = Node(iri, "Document" if kind == "Compilation" else kind, label)
    for iri, alias in rows("SELECT ?s ?a WHERE { ?s skos:altLabel ?a }"):
        if iri in nodes:
            nodes[iri].aliases.append(alias)
    titles = dict(rows("SELECT ?d ?t WHERE { ?d dcterms:title ?t }"))
    for iri, doc in rows("SELECT ?s ?d WHERE { ?s cppcc:mentionedIn ?d }"):
        if iri in nodes:
            nodes[iri].documents.append((doc, titles.get(doc, "")))
    for iri, text in rows("SELECT ?s ?x WHERE { ?s cppcc:mentionedInSentence ?sn . ?sn cppcc:text ?x }"):
        if iri in nodes:
            nodes[iri].sentences.append(text)
    for iri, code in rows("SELECT ?s ?c WHERE { ?s cppcc:divisionCode ?c }"):
        nodes[iri].attrs["code"] = code
    for iri, v, a, c, u in rows("SELECT ?q ?v ?a ?c ?u WHERE { ?q a cppcc:Quantity ; cppcc:value ?v ; cppcc:atLeast ?a ; cppcc:counted ?c . OPTIONAL { ?q cppcc:unit ?u } }"):
        nodes[iri].attrs.update(value=v, atLeast=a, counted=c, unit=u)
        nodes[iri].label = f"{v}{'余' if a == 'true' else ''}{u}{c}"
    for iri, source in rows("SELECT ?s ?r WHERE { ?s cppcc:referenceSource ?r }"):
        nodes[iri].attrs["referenceSource"] = source
    doc_dates: dict[str, str] = {}
    for iri, date in rows("SELECT ?d ?v WHERE { ?d dcterms:date ?v }"):
        if iri in nodes:
            nodes[iri].attrs.setdefault("date", date)
            doc_dates.setdefault(iri, date)
    for iri, first, last in rows("SELECT ?e (MIN(STR(?b)) AS ?f) (MAX(STR(COALESCE(?x, ?b))) AS ?l) WHERE { ?e cppcc:startDate ?b . OPTIONAL { ?e cppcc:endDate ?x } } GROUP BY ?e"):
        if iri in nodes:
            nodes[iri].attrs.update(startDate=first, endDate=last)
    dates: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    for s, p, o, date in rows("SELECT ?s ?p ?o (COALESCE(?on, ?w) AS ?date) WHERE { ?st a rdf:Statement ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; prov:wasDerivedFrom ?d . FILTER(?p != cppcc:holdsPosition) OPTIONAL { ?st cppcc:onDate ?on } OPTIONAL { ?d dcterms:date ?w } }"):
        if date:
            dates[(s, p.removeprefix(ONTOLOGY_NS), o)].add(date)
    for s, o, date in rows("SELECT ?h ?p ?on WHERE { ?t a cppcc:Tenure ; cppcc:holder ?h ; cppcc:post ?p ; cppcc:heldOn ?on }"):
        dates[(s, "holdsPosition", o)].add(date)
    evidence: dict[tuple[str, str, str], tuple[list[str], list[str]]] = defaultdict(lambda: ([], []))
    for s, p, o, text, doc in rows("SELECT ?s ?p ?o ?x ?d WHERE { ?st a rdf:Statement ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; cppcc:evidence ?sn ; prov:wasDerivedFrom ?d . ?sn cppcc:text ?x }"):
        evidence[(s, p.removeprefix(ONTOLOGY_NS), o)][0].append(text)
        evidence[(s, p.removeprefix(ONTOLOGY_NS), o)][1].append(doc)
    values = " ".join(f"cppcc:{p}" for p in ENTITY_RELATIONS + (list(DOCUMENT_RELATIONS) if include_documents else []))
    edges = []
    for s, p, o in rows(f"SELECT ?s ?p ?o WHERE {{ VALUES ?p {{ {values} }} ?s ?p ?o }}"):
        if s in nodes and o in nodes:
            key = (s, p.removeprefix(ONTOLOGY_NS), o)
            texts, docs = evidence.get(key, ([], []))
            when = dates.get(key, set()) | {doc_dates[d] for d in (s, o) if d in doc_dates}
            edges.append(Edge(s, o, key[1], sorted(set(texts))[:20], sorted(set(docs)), sorted(when)))
    for node in nodes.values():
        node.aliases.sort()
        node.documents.sort()
        node.sentences = sorted(set(node.sentences))[:20]
    edges.sort(key=lambda e: (e.source, e.predicate, e.target))
    return PropertyGraph([nodes[k] for k in sorted(nodes)], edges, void_stats(store))


@pytest.mark.parametrize("include_documents", [True, False])
def test_property_graph_of_the_sorted_file_is_the_one_sparql_defines(case: tuple[ox.Store, Path], include_documents: bool) -> None:
    store, _ = case
    got = property_graph(store, include_documents=include_documents)
    assert got == _property_graph_by_sparql(store, include_documents)
    assert got.nodes and got.edges


def test_property_graph_is_the_same_when_statements_come_before_what_they_cite(case: tuple[ox.Store, Path]) -> None:
    """graph_of_lines joins a statement when the file reaches its end; in a build's file the sentences and
    documents it cites come first. Renamed so that statements and tenures sort first, the graph is still
    the one SPARQL defines (a statement citing a sentence not read yet waits for the end of the file)."""
    store, _ = case

    def renamed(term: Any) -> Any:
        if isinstance(term, ox.NamedNode):
            for part in ("/stmt/", "/tenure/"):
                if part in term.value:
                    return ox.NamedNode(term.value.replace(part, "/0" + part[1:]))
        return term

    moved = ox.Store()
    moved.bulk_extend(ox.Quad(renamed(q.subject), q.predicate, renamed(q.object)) for q in store)
    assert any("/0stmt/" in q.subject.value for q in moved)
    got = property_graph(moved)
    assert got == _property_graph_by_sparql(moved, True) == property_graph(store)
    assert any(e.sentences for e in got.edges) and any(e.dates for e in got.edges)


def test_edge_list_reads_as_the_list_of_its_edges(case: tuple[ox.Store, Path]) -> None:
    """graph_of_lines holds the edges as an EdgeList (numbers, and lists only where there are some): it reads
    like the list of the same edges (index, slice, iteration, equality both ways), and each edge read is a
    new object."""
    from kg.graphview import EdgeList

    store, _ = case
    edges = property_graph(store).edges
    assert isinstance(edges, EdgeList)
    listed = list(edges)
    assert edges == listed and listed == edges and edges != listed[:-1]
    assert [edges[i] for i in range(len(edges))] == listed == edges[:] and edges[1:3] == listed[1:3] and edges[-1] == listed[-1]
    assert any(not e.sentences and not e.documents for e in listed) and any(e.sentences for e in listed)
    edges[0].sentences.append("changed")
    assert edges[0] == listed[0] and "changed" not in edges[0].sentences


def test_exports_written_by_two_processes_are_the_ones_written_by_one(
    sample_build: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kg.export.graphfile import GraphFile

    names = [n for n in export.plan(export.names()) if n != "store"]  # RocksDB files differ run to run
    outputs = {}
    for workers in (1, 2):
        out, work = tmp_path / f"out{workers}", tmp_path / f"work{workers}"
        work.mkdir()
        (work / "graph.nt").write_bytes((sample_build.out / "cppcc.nt").read_bytes())
        monkeypatch.setattr(export, "PARALLEL_FROM_BYTES", 0)
        told: list[str] = []
        with GraphFile(work / "graph.nt", workdir=work) as built:
            written, seconds = export.write_all(names, built, out, workers=workers, on_written=told.append)
        assert set(seconds) == set(names) and all(p.exists() for p in written)
        assert sorted(told) == sorted(names), "each format is told once, when written (the progress bar)"
        outputs[workers] = {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}
    assert outputs[1] == outputs[2]


def test_store_loaded_beside_the_turtle_export_is_the_one_made_after_it(
    sample_build: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Processes load the store while the Turtle file is written (no job waits for it): a forked one (in a
    fresh interpreter, where RocksDB has not run), or this one when it runs other threads; the store put in
    place holds the same triples and a manifest describing cppcc.ttl, as one made after the Turtle file."""
    import subprocess
    import sys

    from kg.export import store as query_store
    from kg.export.graphfile import GraphFile

    monkeypatch.setattr(export, "PARALLEL_FROM_BYTES", 0)
    script = (
        "import sys; from pathlib import Path; from kg import export; from kg.export.graphfile import GraphFile\n"
        "export.PARALLEL_FROM_BYTES = 0\n"
        "assert not export._threaded()\n"
        "with GraphFile(Path(sys.argv[1]), workdir=Path(sys.argv[1]).parent) as built:\n"
        "    export.write_all(['turtle', 'nquads', 'store'], built, Path(sys.argv[2]), workers=2)\n"
    )
    stores = {}
    for way in ("one process", "a forked process", "this process"):
        out, work = tmp_path / f"out-{way}", tmp_path / f"work-{way}"
        work.mkdir()
        (work / "graph.nt").write_bytes((sample_build.out / "cppcc.nt").read_bytes())
        if way == "a forked process":
            subprocess.run([sys.executable, "-c", script, str(work / "graph.nt"), str(out)], check=True, timeout=300)
        else:
            monkeypatch.setattr(export, "_threaded", lambda: True)
            with GraphFile(work / "graph.nt", workdir=work) as built:
                written, _ = export.write_all(["turtle", "nquads", "store"], built, out, workers=1 if way == "one process" else 2)
            assert out / "cppcc.oxigraph" in written
        folder = out / "cppcc.oxigraph"
        assert sorted(p.name for p in out.iterdir()) == [".cppcc.oxigraph.lock", "cppcc.nq", "cppcc.oxigraph", "cppcc.ttl"]
        manifest = query_store.read_manifest(folder)
        assert manifest is not None and query_store.ensure(out / "cppcc.ttl") == folder  # fresh: not rebuilt
        stat = (out / "cppcc.ttl").stat()
        assert (manifest.size, manifest.mtime_ns) == (stat.st_size, stat.st_mtime_ns)
        triples = set(ox.Store.read_only(str(folder / query_store.DB)))
        assert len(triples) == manifest.triples
        stores[way] = (manifest.sha256, manifest.triples, triples)
    assert stores["one process"] == stores["a forked process"] == stores["this process"]


@pytest.mark.parametrize("threaded", [False, True])
def test_a_failed_job_leaves_no_loaded_store_behind(
    sample_build: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, threaded: bool
) -> None:
    """Whether the store is loaded by a process of its own or, in a process running threads, by a thread of
    this one (while the forked processes write the rest), a job that fails leaves no loaded store behind."""
    from kg.export.graphfile import GraphFile

    monkeypatch.setattr(export, "_threaded", lambda: threaded)

    def broken(graph: Any, out_dir: Path) -> list[Path]:
        raise ExportError("turtle broke")

    monkeypatch.setattr(export, "PARALLEL_FROM_BYTES", 0)
    monkeypatch.setitem(export.EXPORTERS, "turtle", f"{__name__}:_broken_turtle")
    globals()["_broken_turtle"] = broken
    out, work = tmp_path / "out", tmp_path / "work"
    work.mkdir()
    (work / "graph.nt").write_bytes((sample_build.out / "cppcc.nt").read_bytes())
    with GraphFile(work / "graph.nt", workdir=work) as built, pytest.raises(ExportError, match="turtle broke"):
        export.write_all(["turtle", "store"], built, out, workers=2)
    assert [p.name for p in out.iterdir() if "oxigraph" in p.name and not p.name.endswith(".lock")] == []


def test_graphml_escapes_and_json_lists_match_their_references() -> None:
    """The fast paths of kg.export.graphml (search, then str.replace; json's C string encoder) give what
    str.translate and json.dumps give, on values with every special character and Chinese text."""
    import json
    import random

    from kg.export import graphml

    text_table = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})
    attr_table = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\n": "&#10;", "\r": "&#13;", "\t": "&#09;"})
    rng = random.Random(5)
    for _ in range(3000):
        value = "".join(rng.choice('&<>"\n\r\t a;#政协\u2028\x7f') for _ in range(rng.randrange(10)))
        assert graphml._text(value) == value.translate(text_table)
        assert graphml._attr(value) == value.translate(attr_table)
        items = [value, value[::-1], "委员"][: rng.randrange(4)]
        assert graphml.json_list(items) == json.dumps(items, ensure_ascii=False)
    assert graphml.json_list([1, "a"]) == json.dumps([1, "a"], ensure_ascii=False)


@pytest.mark.parametrize("batch", [1, 2, 1000])
def test_graphml_and_gexf_escape_every_edge_list_as_one_at_a_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, batch: int) -> None:
    """Edge lists are escaped a batch at a time (joined by NUL): the same as escaping each; and a character XML
    cannot carry is named at the first edge holding it, in both files, which are then not written."""
    import random

    from kg.export import graphml
    from kg.graphview import Edge, Node, PropertyGraph

    monkeypatch.setattr(graphml, "_BATCH", batch)

    rng = random.Random(7)
    values = ["".join(rng.choice('&<>"\n\r\t a;政协') for _ in range(rng.randrange(8))) for _ in range(2000)]
    for escapes, special in ((graphml._TEXT_ESCAPES, graphml._TEXT_SPECIAL), (graphml._ATTR_ESCAPES, graphml._ATTR_SPECIAL)):
        assert graphml._escape_each(values, escapes, special) == [
            graphml._escaped(v, escapes) if special.search(v) else v for v in values
        ]
    nodes = [Node(f"http://x/{i}", "Person", f"人{i}") for i in range(3)]
    edges = [
        Edge(nodes[0].iri, nodes[1].iri, "accompanies", ["好"]),
        Edge(nodes[1].iri, nodes[2].iri, "accompanies", ["坏\ufffe"]),
        Edge(nodes[2].iri, nodes[0].iri, "praises", [], ["d\ud800"]),
    ]
    monkeypatch.setattr(graphml, "property_graph", lambda _: PropertyGraph(nodes, edges))
    for writer in (graphml.write_graphml, graphml.write_gexf):
        expected = f"edge {nodes[1].iri} accompanies {nodes[2].iri}: attribute sentences holds the character U+FFFE"
        with pytest.raises(ExportError, match=re.escape(expected)):
            writer(None, tmp_path)  # type: ignore[arg-type]
    assert list(tmp_path.iterdir()) == []


def test_export_jobs_beside_the_store_give_way_to_it(sample_build: Any, tmp_path: Path) -> None:
    """The store is the export stage's longest job: a forked process writing other formats lowers its own
    priority (JOB_NICE) so that all end about together; a job written in this process changes nothing."""
    import multiprocessing

    from kg.export.graphfile import GraphFile

    work = tmp_path / "work"
    work.mkdir()
    (work / "graph.nt").write_bytes((sample_build.out / "cppcc.nt").read_bytes())
    context = multiprocessing.get_context("fork")
    told: Any = context.Queue()

    def job() -> None:  # in a forked process, as write_all runs each job
        with GraphFile(work / "graph.nt", workdir=work) as built:
            export._write_job((["ntriples"], built, tmp_path / "forked", True))
        told.put(os.getpriority(os.PRIO_PROCESS, 0))

    start = os.getpriority(os.PRIO_PROCESS, 0)
    process = context.Process(target=job)
    process.start()
    process.join(60)
    assert process.exitcode == 0
    assert told.get(timeout=5) == max(start, export.JOB_NICE)
    with GraphFile(work / "graph.nt", workdir=work) as built:
        export._write_job((["ntriples"], built, tmp_path / "here", False))
    assert os.getpriority(os.PRIO_PROCESS, 0) == start, "this process keeps its priority"
