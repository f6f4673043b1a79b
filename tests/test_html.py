"""The HTML network page (kg.export.html): offline, escaped, deterministic, and working in a real browser.

The browser tests drive Debian's Chromium through Playwright with every non-file request aborted and recorded.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest

from kg.cli import main
from kg.errors import ConfigError
from kg.export.html import (
    NODE_TYPES,
    HtmlOptions,
    communities,
    document_table,
    folded_positions,
    layout,
    ontology_labels,
    packed,
    page_data,
    render_page,
    script_json,
    script_json_parts,
    select,
    unpacked,
    write_html,
    write_page,
)
from kg.graphview import Edge, Node, PropertyGraph, property_graph
from kg.vocab import PREFIXES, document_iri, entity_iri, sentence_iri

from .browser import launch_chromium
from .conftest import SampleBuild

# ways a page could fetch something over the network
NETWORK_REFERENCES = [
    re.compile(r"""\b(?:src|href|action|poster|srcset)\s*=\s*["']?\s*(?:https?:)?//""", re.I),
    re.compile(r"""url\(\s*["']?\s*(?:https?:)?//""", re.I),
    re.compile(r"@import", re.I),
    re.compile(r"<link\b", re.I),
]

SCRIPT_PAYLOAD = "<script>window.__pwned=1</script>"
IMG_PAYLOAD = '<img src=x onerror="window.__pwned=1">'
INJECTION_NAME = f"{SCRIPT_PAYLOAD}成都{IMG_PAYLOAD}"
INJECTION_SENTENCE = f"坏句子{IMG_PAYLOAD}\u2028第二行{SCRIPT_PAYLOAD}<!-- &amp;"

UNSAFE_IN_SCRIPT = ["</script>", "<!--", "<script>", "a\u2028b\u2029c", "x & y > z", '"quoted" \\ backslash']


def _embedded_data(page: str) -> dict[str, Any]:
    match = re.search(r'<script type="application/json" id="kg-data">(.*?)</script>', page, re.S)
    assert match, "the page has no #kg-data block"
    data: dict[str, Any] = unpacked(json.loads(match[1]))
    return data


def _entity_count(store: ox.Store) -> int:
    classes = " ".join(f"cppcc:{t}" for t in NODE_TYPES + ("Compilation",))
    prefixes = "\n".join(f"PREFIX {p}: <{iri}>" for p, iri in PREFIXES.items())
    rows = list(store.query(f"{prefixes}\nSELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ VALUES ?c {{ {classes} }} ?s a ?c }}"))
    return int(rows[0][0].value)


def _synthetic(count: int) -> PropertyGraph:
    """``count`` nodes of mixed types with Chinese labels, about two edges per node."""
    types = NODE_TYPES[:10]
    nodes = [Node(f"urn:n:{i:06d}", types[i % len(types)], f"节点{i}", aliases=[f"别称{i}"]) for i in range(count)]
    edges = [Edge(nodes[i].iri, nodes[(i * 7 + k) % count].iri, "locatedIn" if k == 1 else "guidedBy") for i in range(count) for k in (1, 3)]
    edges = [e for e in edges if e.source != e.target]
    return PropertyGraph(nodes, sorted(edges, key=lambda e: (e.source, e.predicate, e.target)))


def _injection_store() -> ox.Store:
    """A tiny built graph whose entity name, alias, document title and sentences carry script payloads."""
    ns = {p: iri for p, iri in PREFIXES.items()}
    rdf_type = ox.NamedNode(ns["rdf"] + "type")

    def cppcc(name: str) -> ox.NamedNode:
        return ox.NamedNode(ns["cppcc"] + name)

    body = ox.NamedNode(entity_iri("CPPCCBody", INJECTION_NAME))
    place = ox.NamedNode(entity_iri("Place", "成都市"))
    doc = ox.NamedNode(document_iri("evil-doc"))
    sent = ox.NamedNode(sentence_iri("evil-doc", 0))
    stmt = ox.NamedNode("https://w3id.org/cppcc-kg/stmt/evil")
    zh = {"language": "zh"}
    triples = [
        (body, rdf_type, cppcc("CPPCCBody")),
        (body, ox.NamedNode(ns["rdfs"] + "label"), ox.Literal(INJECTION_NAME, **zh)),
        (body, ox.NamedNode(ns["skos"] + "altLabel"), ox.Literal(IMG_PAYLOAD, **zh)),
        (body, cppcc("mentionedIn"), doc),
        (body, cppcc("mentionedInSentence"), sent),
        (place, rdf_type, cppcc("Place")),
        (place, ox.NamedNode(ns["rdfs"] + "label"), ox.Literal("成都市", **zh)),
        (doc, rdf_type, cppcc("Document")),
        (doc, ox.NamedNode(ns["dcterms"] + "title"), ox.Literal(f"标题{SCRIPT_PAYLOAD}", **zh)),
        (sent, rdf_type, cppcc("Sentence")),
        (sent, cppcc("text"), ox.Literal(INJECTION_SENTENCE, **zh)),
        (body, cppcc("locatedIn"), place),
        (stmt, rdf_type, ox.NamedNode(ns["rdf"] + "Statement")),
        (stmt, ox.NamedNode(ns["rdf"] + "subject"), body),
        (stmt, ox.NamedNode(ns["rdf"] + "predicate"), cppcc("locatedIn")),
        (stmt, ox.NamedNode(ns["rdf"] + "object"), place),
        (stmt, cppcc("evidence"), sent),
        (stmt, ox.NamedNode(ns["prov"] + "wasDerivedFrom"), doc),
    ]
    store = ox.Store()
    store.extend(ox.Quad(s, p, o) for s, p, o in triples)
    return store


# ---------------------------------------------------------------------------- the file


def test_build_writes_the_page(sample_build: SampleBuild) -> None:
    page = (sample_build.out / "cppcc.html").read_bytes().decode("utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert '<meta charset="utf-8">' in page
    assert "default-src 'none'" in page


def test_page_references_nothing_on_the_network(sample_build: SampleBuild) -> None:
    page = (sample_build.out / "cppcc.html").read_text(encoding="utf-8")
    for pattern in NETWORK_REFERENCES:
        hits = [page[max(0, m.start() - 40) : m.end() + 40] for m in pattern.finditer(page)]
        assert not hits, f"{pattern.pattern} found: {hits[:3]}"
    assert not list(sample_build.out.glob("lib")), "no pyvis lib/ folder may be copied beside the page"


def test_page_embeds_every_node_of_the_graph(sample_build: SampleBuild, sample_store: ox.Store) -> None:
    data = _embedded_data((sample_build.out / "cppcc.html").read_text(encoding="utf-8"))
    assert len(data["nodes"]) == _entity_count(sample_store) == data["meta"]["total"]
    iris = [n["iri"] for n in data["nodes"]]
    assert iris == sorted(iris)
    ids = set(range(len(iris)))
    assert all(e["from"] in ids and e["to"] in ids for e in data["edges"])
    assert all(0 <= d < len(data["docs"]) for n in data["nodes"] for d in n["docs"])


def test_sample_has_chengdu_cppcc_with_its_sources(sample_build: SampleBuild) -> None:
    data = _embedded_data((sample_build.out / "cppcc.html").read_text(encoding="utf-8"))
    info = {n["iri"]: n for n in data["nodes"]}
    chengdu = info.get(entity_iri("CPPCCBody", "成都市政协"))
    assert chengdu is not None, "成都市政协 is missing from the sample graph"
    assert data["types"][chengdu["type"]]["name"] == "CPPCCBody"
    assert chengdu["docs"] and all(data["docs"][d]["iri"].startswith(PREFIXES["doc"]) for d in chengdu["docs"])
    assert any("成都市政协" in s for s in chengdu["sentences"])
    dated = [d for d in data["docs"] if d["date"]]
    assert dated and all(d["year"] == d["date"][:4] for d in dated)
    assert any(d["publications"] for d in data["docs"]), "the sample's documents name their publication"


def test_page_is_deterministic(sample_build: SampleBuild, sample_store: ox.Store, tmp_path: Path) -> None:
    first = write_html(sample_store, tmp_path / "a")[0].read_bytes()
    second = write_html(sample_store, tmp_path / "b")[0].read_bytes()
    assert first == second
    graph = _synthetic(1500)
    assert render_page(graph, HtmlOptions()) == render_page(graph, HtmlOptions())


def test_page_data_travels_as_columns_and_comes_back_whole() -> None:
    for graph in (_synthetic(60), _dated_graph(), PropertyGraph([], [])):
        data = page_data(graph, HtmlOptions())
        embedded = json.loads(script_json(packed(data)))
        assert isinstance(embedded["nodes"], dict) and unpacked(embedded) == data


def test_page_data_is_written_in_parts_that_make_the_same_text() -> None:
    for graph in (_synthetic(60), _dated_graph(), PropertyGraph([], [])):
        data = packed(page_data(graph, HtmlOptions()))
        parts = list(script_json_parts(data))
        assert len(parts) > len(data) and "".join(parts) == script_json(data)
    tricky = {"a": {"<b>": {"c": [1, "\u2028&"], "d": {}}, "e": {}}, "f": {1: "x", "g": None}, "h": {True: 2}, "i": "</script>"}
    assert "".join(script_json_parts(tricky, depth=5)) == script_json(tricky)


def test_write_is_atomic_and_leaves_no_temporary_files(tmp_path: Path) -> None:
    write_page(_synthetic(30), tmp_path / "x.html", HtmlOptions())
    assert [p.name for p in tmp_path.iterdir()] == ["x.html"]


# ---------------------------------------------------------------------------- escaping


@pytest.mark.parametrize("text", UNSAFE_IN_SCRIPT)
def test_script_json_cannot_close_the_script_block(text: str) -> None:
    encoded = script_json({"t": text})
    for raw in ("<", ">", "&", "\u2028", "\u2029"):
        assert raw not in encoded
    assert json.loads(encoded) == {"t": text}


def test_injected_text_stays_data_in_the_page(tmp_path: Path) -> None:
    page = render_page(property_graph(_injection_store()), HtmlOptions())
    assert SCRIPT_PAYLOAD not in page and IMG_PAYLOAD not in page
    block = re.search(r'<script type="application/json" id="kg-data">(.*?)</script>', page, re.S)
    assert block and not re.search("[<>&\u2028\u2029]", block[1])
    data = _embedded_data(page)
    labels = [n["label"] for n in data["nodes"]]
    assert INJECTION_NAME in labels
    assert any(INJECTION_SENTENCE in n["sentences"] for n in data["nodes"])
    assert any(INJECTION_SENTENCE in e["sentences"] for e in data["edges"])


# ---------------------------------------------------------------------------- view options


def test_max_nodes_keeps_the_most_connected() -> None:
    hub = Node("urn:a:hub", "CPPCCBody", "中心")
    leaves = [Node(f"urn:b:{i}", "Place", f"地{i}") for i in range(4)]
    lonely = Node("urn:c:lonely", "Topic", "孤")
    graph = PropertyGraph([hub, *leaves, lonely], [Edge(hub.iri, leaf.iri, "locatedIn") for leaf in leaves])
    nodes, edges, total = select(graph, HtmlOptions(max_nodes=3))
    assert total == 6
    assert [n.iri for n in nodes] == ["urn:a:hub", "urn:b:0", "urn:b:1"]
    assert [(e.source, e.target) for e in edges] == [("urn:a:hub", "urn:b:0"), ("urn:a:hub", "urn:b:1")]


def test_types_option_keeps_only_those_types() -> None:
    nodes, edges, total = select(_synthetic(100), HtmlOptions(types=("Place", "CPPCCBody")))
    assert {n.type for n in nodes} == {"Place", "CPPCCBody"} and total == len(nodes) == 20
    kept = {n.iri for n in nodes}
    assert all(e.source in kept and e.target in kept for e in edges)


@pytest.mark.parametrize(
    "options, message",
    [({"types": ("Planet",)}, "unknown node type"), ({"physics": "fast"}, "physics"), ({"max_nodes": -1}, "max nodes")],
)
def test_bad_view_options_are_config_errors(options: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        HtmlOptions(**options)


@pytest.mark.parametrize("count, live", [(50, True), (2000, False)])
def test_vis_physics_is_live_only_for_small_graphs(count: int, live: bool) -> None:
    data = _embedded_data(render_page(_synthetic(count), HtmlOptions(renderer="vis")))
    assert data["options"]["physics"]["enabled"] is live
    assert all(isinstance(n["x"], int) and isinstance(n["y"], int) for n in data["nodes"])


def test_layout_is_seeded_and_spreads_nodes() -> None:
    pairs = [(i, (i * 7 + 1) % 3000) for i in range(3000)]
    first = layout(3000, pairs, seed=1)
    assert first == layout(3000, pairs, seed=1)
    assert first != layout(3000, pairs, seed=2)
    assert len(set(first)) > 2900


def test_legend_and_edge_names_come_from_the_ontology() -> None:
    labels = ontology_labels()
    assert labels["CPPCCBody"] == ("政协组织", "CPPCC body")
    assert labels["locatedIn"] == ("位于", "located in")
    assert all(t in labels for t in NODE_TYPES)


def _dated_graph() -> PropertyGraph:
    """Two publications over three years: documents with dates, and entities each mentioned in one document."""
    docs = [
        Node("urn:doc:a", "Document", "甲报道", attrs={"date": "2021-05-16"}),
        Node("urn:doc:b", "Document", "乙报道", attrs={"date": "2022-03-01"}),
        Node("urn:doc:c", "Document", "丙报道", attrs={"date": "2023年7月"}),
    ]
    pubs = [Node("urn:pub:1", "Publication", "甲日报"), Node("urn:pub:2", "Publication", "乙晚报")]
    ents = [Node(f"urn:e:{i}", "CPPCCBody", f"机构{i}", documents=[(docs[i % 3].iri, docs[i % 3].label)]) for i in range(6)]
    edges = [Edge("urn:doc:a", "urn:pub:1", "publishedIn"), Edge("urn:doc:b", "urn:pub:2", "publishedIn"), Edge("urn:doc:c", "urn:pub:1", "publishedIn")]
    edges += [Edge(ents[i].iri, ents[i + 1].iri, "guidedBy", documents=[docs[i % 3].iri]) for i in range(5)]
    nodes = sorted(docs + pubs + ents, key=lambda n: n.iri)
    return PropertyGraph(nodes, sorted(edges, key=lambda e: (e.source, e.predicate, e.target)))


def test_document_table_has_dates_years_and_publications() -> None:
    rows, index = document_table(_dated_graph())
    assert [(r["title"], r["date"], r["year"], r["publications"]) for r in rows] == [
        ("甲报道", "2021-05-16", "2021", ["甲日报"]),
        ("乙报道", "2022-03-01", "2022", ["乙晚报"]),
        ("丙报道", "2023年7月", "2023", ["甲日报"]),
    ]
    assert index == {"urn:doc:a": 0, "urn:doc:b": 1, "urn:doc:c": 2}


def test_hidden_posts_fold_into_person_to_organ_edges() -> None:
    person, post, organ = Node("urn:p", "Person", "某某"), Node("urn:q", "Position", "主席"), Node("urn:r", "CPPCCBody", "某县政协")
    edges = [Edge("urn:p", "urn:q", "holdsPosition", sentences=["某某任主席。"]), Edge("urn:q", "urn:r", "positionIn")]
    assert folded_positions([person, post, organ], edges) == [{"from": 0, "to": 2, "via": 1, "edges": [0, 1]}]
    assert folded_positions([person, post, organ], edges[:1]) == []


def test_isolated_nodes_sit_in_a_grid_below_the_drawing() -> None:
    pairs = [(i, i + 1) for i in range(0, 20)]  # nodes 0..20 in a chain, 21..29 alone
    positions = layout(30, pairs, seed=1)
    lowest_linked = max(y for _, y in positions[:21])
    alone = positions[21:]
    assert all(y > lowest_linked for _, y in alone)
    assert len({y for _, y in alone}) <= 2, "the unlinked nodes form tidy rows"
    assert len(set(alone)) == len(alone)


def test_large_graphs_get_communities_labelled_by_their_most_connected_member() -> None:
    graph = _synthetic(400)
    data = page_data(graph, HtmlOptions(overview_min_nodes=300))
    groups = data["communities"]
    assert data["meta"]["overview"] and 1 < len(groups) < 400
    assert sorted(m for g in groups for m in g["members"]) == list(range(400))
    for g in groups:
        assert max(data["nodes"][m]["degree"] for m in g["members"]) == data["nodes"][g["top"]]["degree"]
        assert g["size"] == len(g["members"]) and g["r"] > 0
    assert data == page_data(graph, HtmlOptions(overview_min_nodes=300)), "communities and layout are seeded"
    degree = {i: data["nodes"][i]["degree"] for i in range(400)}
    assert communities(400, [(e["from"], e["to"]) for e in data["edges"]], degree, seed=1) == [  # type: ignore[arg-type]
        {k: g[k] for k in ("members", "top", "isolated")} for g in groups
    ]


def test_void_statistics_reach_the_page_header_data(sample_store: ox.Store) -> None:
    store = ox.Store()
    store.extend(sample_store.quads_for_pattern(None, None, None))
    void = "http://rdfs.org/ns/void#"
    ds = ox.NamedNode("https://w3id.org/cppcc-kg/dataset")
    store.add(ox.Quad(ds, ox.NamedNode(PREFIXES["rdf"] + "type"), ox.NamedNode(void + "Dataset")))
    store.add(ox.Quad(ds, ox.NamedNode(void + "triples"), ox.Literal("12345", datatype=ox.NamedNode(PREFIXES["xsd"] + "integer"))))
    data = page_data(property_graph(store), HtmlOptions())
    assert data["meta"]["stats"]["triples"] == 12345
    assert page_data(property_graph(sample_store), HtmlOptions())["meta"]["stats"].get("triples") != 12345


# ---------------------------------------------------------------------------- CLI


def test_cli_writes_a_page_with_options(sample_build: SampleBuild, tmp_path: Path) -> None:
    out = tmp_path / "view.html"
    argv = ["html", "--graph", str(sample_build.turtle), "--out", str(out), "--types", "CPPCCBody", "--max-nodes", "5"]
    assert main([*argv, "--renderer", "vis", "--physics", "off"]) == 0
    data = _embedded_data(out.read_text(encoding="utf-8"))
    assert 0 < len(data["nodes"]) <= 5
    assert [t["name"] for t in data["types"]] == ["CPPCCBody"]
    assert data["meta"]["renderer"] == "vis" and data["options"]["physics"]["enabled"] is False
    assert main([*argv, "--overview-from", "2"]) == 0
    data = _embedded_data(out.read_text(encoding="utf-8"))
    assert data["meta"]["overview"] is True and data["communities"]
    assert sorted(m for c in data["communities"] for m in c["members"]) == list(range(len(data["nodes"])))


def test_cli_names_a_missing_graph(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["html", "--graph", str(tmp_path / "none.ttl"), "--out", str(tmp_path / "x.html")]) == 2
    assert "none.ttl" in capsys.readouterr().err


# ---------------------------------------------------------------------------- in Chromium, offline


class OpenPage:
    """A page opened from disk with every non-file request aborted and recorded."""

    def __init__(self, context: Any, path: Path) -> None:
        self.attempts: list[str] = []
        self.errors: list[str] = []
        context.route("**/*", self._route)
        self.page = context.new_page()
        self.page.on("request", lambda r: None if r.url.startswith("file:") else self.attempts.append(r.url))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.goto(path.as_uri())
        self.page.wait_for_selector("html[data-kg-ready='1']", state="attached", timeout=60_000)

    def _route(self, route: Any) -> None:
        url = route.request.url
        if url.startswith("file:"):
            route.continue_()
        else:
            self.attempts.append(url)
            route.abort()

    def js(self, expression: str, arg: Any = None) -> Any:
        return self.page.evaluate(expression, arg)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        yield chromium
        chromium.close()


@pytest.fixture
def open_page(browser: Any) -> Iterator[Any]:
    contexts = []

    def opener(path: Path) -> OpenPage:
        context = browser.new_context(viewport={"width": 1280, "height": 800}, service_workers="block")
        contexts.append(context)
        return OpenPage(context, path)

    yield opener
    for context in contexts:
        context.close()


def _node_id(view: OpenPage, iri: str) -> int:
    found: int = view.js("iri => kg.data.nodes.findIndex(n => n.iri === iri)", iri)
    assert found >= 0, f"{iri} is not in the page"
    return found


def _click_key(view: OpenPage, key: str) -> None:
    """Click a drawn node (display key ``n<id>`` or ``c<community>``) where it is on the screen."""
    point = view.js("key => { kg.renderer.redraw(); return kg.renderer.toViewport(key); }", key)
    box = view.page.locator("#network").bounding_box()
    view.page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])


def _click_edge(view: OpenPage, edge_id: int) -> None:
    """Click the middle of edge ``edge_id`` with both its ends in view."""
    ends = view.js("id => { const e = kg.data.edges[id]; return ['n' + e.from, 'n' + e.to]; }", edge_id)
    view.js("ends => { kg.renderer.fit(ends); kg.renderer.redraw(); }", ends)  # drawn now: positions are current
    a, b = (view.js("key => kg.renderer.toViewport(key)", key) for key in ends)
    box = view.page.locator("#network").bounding_box()
    view.page.mouse.click(box["x"] + (a["x"] + b["x"]) / 2, box["y"] + (a["y"] + b["y"]) / 2)


def _search(view: OpenPage, name: str) -> None:
    view.page.fill("#search-input", name)
    view.page.press("#search-input", "Enter")
    view.page.wait_for_function("name => document.querySelector('#panel h2')?.textContent === name", arg=name)


def _neighbours(data: dict[str, Any], node: int) -> set[int]:
    return {e["to"] if e["from"] == node else e["from"] for e in data["edges"] if node in (e["from"], e["to"])}


def test_sample_page_renders_offline_with_readable_labels(sample_build: SampleBuild, sample_store: ox.Store, open_page: Any, tmp_path: Path) -> None:
    view = open_page(sample_build.out / "cppcc.html")
    count = _entity_count(sample_store)
    assert view.js("kg.data.meta.renderer") == "sigma", "make install builds the sigma.js bundle the page uses"
    assert view.js("kgTimings.nodePasses") == 1, "sigma prepares the graph once for the first drawing"
    view.page.wait_for_function("window.kgTimings.painted")
    assert view.js("kgTimings.painted") >= view.js("kgReadyMs"), "the frame reaches the screen after its drawing"
    assert view.js("kg.renderer.drawnKeys().length") == count == len(view.js("kg.shown()"))
    assert view.js("document.querySelectorAll('#legend-list input[type=checkbox]').length") >= 1
    # labels: most connected first, never overlapping, most nodes named in the first view
    view.page.wait_for_timeout(200)
    labels = view.js("kg.renderer.labels()")
    boxes = [item["box"] for item in labels]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert not (a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]), f"labels overlap: {a} {b}"
    labelled = {item["key"] for item in labels}
    assert len(labelled) >= 0.6 * count
    top = view.js("kg.data.nodes.map((n, k) => [n.degree, k]).sort((a, b) => b[0] - a[0] || a[1] - b[1]).slice(0, 8).map(p => 'n' + p[1])")
    assert set(top) <= labelled, "the most connected nodes are named"
    sizes = view.js("kg.renderer.labels().map(l => l.box[3] - l.box[1])")
    assert max(sizes) > min(sizes), "label size follows importance"
    # zoomed in, every node in view is named
    unnamed = view.js(
        """() => {
        const k = kg.data.nodes.findIndex(n => n.label === '成都市政协');
        const d = kg.renderer.library.getNodeDisplayData('n' + k);
        kg.renderer.library.getCamera().setState({x: d.x, y: d.y, ratio: 0.25, angle: 0});
        kg.renderer.redraw();
        const named = new Set(kg.renderer.labels().map(l => l.key));
        const box = document.getElementById('network').getBoundingClientRect();
        const inView = kg.renderer.drawnKeys().filter(key => { const p = kg.renderer.toViewport(key);
          return p.x > 60 && p.x < box.width - 60 && p.y > 30 && p.y < box.height - 30; });
        return [inView.length, inView.filter(key => !named.has(key))]; }"""
    )
    assert unnamed[0] >= 5 and unnamed[1] == []
    assert view.attempts == [], f"the page tried the network: {view.attempts}"
    assert view.errors == []
    view.page.screenshot(path=str(tmp_path / "sample.png"))


def test_node_panel_lists_relations_by_kind_with_evidence_and_dated_documents(sample_build: SampleBuild, open_page: Any) -> None:
    view = open_page(sample_build.out / "cppcc.html")
    _search(view, "成都市政协")
    node = _node_id(view, entity_iri("CPPCCBody", "成都市政协"))
    assert view.js("kg.state.selected") == f"n{node}"
    data = view.js("kg.data")
    groups = view.page.locator("#panel section.relation-group")
    kinds = {(g.get_attribute("data-predicate"), g.get_attribute("data-direction")) for g in groups.all()}
    expected = {(e["p"], "out" if e["from"] == node else "in") for e in data["edges"] if node in (e["from"], e["to"])}
    assert kinds == expected and len(kinds) >= 2
    located = view.page.locator("#panel section.relation-group[data-predicate='locatedIn'][data-direction='out']")
    zh, en = ontology_labels()["locatedIn"]
    assert zh in located.locator("h4").text_content() and en in located.locator("h4").text_content()
    item = view.page.locator("#panel li.relation").first
    edge = data["edges"][int(item.get_attribute("data-edge"))]
    if edge["sentences"]:
        assert item.locator(".evidence").text_content() == edge["sentences"][0]
    docs = view.page.locator("#panel li.doc")
    assert docs.count() == len(data["nodes"][node]["docs"]) > 0
    assert docs.first.locator(".doc-date").text_content() == "2021-06-02"
    assert docs.first.locator(".doc-pub").text_content() == "四川政协报"
    # a relation is a link to the other node
    target = other = edge["to"] if edge["from"] == node else edge["from"]
    item.locator("a.node-link").click()
    assert view.page.locator("#panel h2").text_content() == data["nodes"][target]["label"]
    assert view.js("kg.state.selected") == f"n{other}"
    assert view.attempts == [] and view.errors == []


def test_neighbourhood_expand_and_show_all(sample_build: SampleBuild, open_page: Any) -> None:
    view = open_page(sample_build.out / "cppcc.html")
    _search(view, "成都市")
    data = view.js("kg.data")
    node = _node_id(view, entity_iri("Place", "成都市"))
    one = _neighbours(data, node) | {node}
    view.page.locator("#panel button.hood-1").click()
    assert set(view.js("kg.shown()")) == one
    assert view.js("kg.renderer.drawnKeys().length") == len(one)
    assert "局部视图" in view.page.locator("#view-note").text_content()
    view.page.locator("#panel button.hood-2").click()
    two = set().union(*(_neighbours(data, m) for m in one)) | one
    assert set(view.js("kg.shown()")) == two and len(two) > len(one)
    # back to one step, then expand a neighbour: its own neighbours join the view
    view.page.locator("#panel button.hood-1").click()
    neighbour = max(one - {node}, key=lambda m: (len(_neighbours(data, m) - one), -m))
    view.page.locator(f"#panel a.node-link[data-node='{neighbour}']").first.click()
    view.page.locator("#panel button.expand").click()
    assert set(view.js("kg.shown()")) == one | _neighbours(data, neighbour)
    view.page.locator("#show-all").click()
    assert len(view.js("kg.shown()")) == len(data["nodes"])
    assert view.attempts == [] and view.errors == []


def test_how_are_two_names_connected(sample_build: SampleBuild, open_page: Any) -> None:
    view = open_page(sample_build.out / "cppcc.html")
    data = view.js("kg.data")
    # a person's IRI may carry the organ of their post: find them by name
    a = view.js("kg.data.nodes.findIndex(n => n.label === '尤权' && kg.data.types[n.type].name === 'Person')")
    b = _node_id(view, entity_iri("Place", "浙江省"))
    assert a >= 0
    # breadth-first search here, to know the length of the shortest path
    dist, queue = {a: 0}, [a]
    for f in queue:
        for m in sorted(_neighbours(data, f) - dist.keys()):
            dist[m] = dist[f] + 1
            queue.append(m)
    assert b in dist
    for field, name in (("#path-from", "尤权"), ("#path-to", "浙江省")):
        view.page.fill(field, name)
        view.page.press(field, "Enter")
    view.page.locator("#path-find").click()
    steps = view.page.locator("#panel li.path-step")
    assert steps.count() == dist[b]
    path = view.js("kg.state.path.nodes")
    assert path[0] == a and path[-1] == b and set(view.js("kg.shown()")) == set(path)
    for x, y in zip(path, path[1:]):
        assert y in _neighbours(data, x)
    steps.first.locator("a.node-link").first.click()
    assert view.page.locator("#panel h2").text_content() == "尤权"
    # an unlinked node has no path to anything
    view.page.fill("#path-to", "社区治理")
    view.page.press("#path-to", "Enter")
    view.page.locator("#path-find").click()
    assert view.page.locator("#panel .no-path").count() == 1
    assert view.attempts == [] and view.errors == []


def test_type_ticks_and_folded_posts(sample_build: SampleBuild, open_page: Any) -> None:
    view = open_page(sample_build.out / "cppcc.html")
    data = view.js("kg.data")
    types = [t["name"] for t in data["types"]]
    view.page.locator("#legend input[data-type='CPPCCBody']").uncheck()
    assert not any(types[data["nodes"][k]["type"]] == "CPPCCBody" for k in view.js("kg.shown()"))
    view.page.locator("#legend input[data-type='CPPCCBody']").check()
    assert len(view.js("kg.shown()")) == len(data["nodes"])
    # hiding posts keeps people linked to their organs through folded edges
    view.page.locator("#legend input[data-type='Position']").uncheck()
    folded = [k for k in view.js("kg.renderer.drawnEdges()") if k.startswith("f")]
    assert len(folded) == len(data["folded"]) > 0
    for key in folded:
        f = data["folded"][int(key[1:])]
        assert types[data["nodes"][f["from"]]["type"]] == "Person" and types[data["nodes"][f["via"]]["type"]] == "Position"
    view.page.locator("#fold-positions").uncheck()
    assert not [k for k in view.js("kg.renderer.drawnEdges()") if k.startswith("f")]
    assert view.attempts == [] and view.errors == []


def test_filters_by_place_and_document(sample_build: SampleBuild, open_page: Any) -> None:
    view = open_page(sample_build.out / "cppcc.html")
    data = view.js("kg.data")
    label = {n["label"]: k for k, n in enumerate(data["nodes"])}
    view.page.select_option("#filter-place", str(label["四川省"]))
    shown = {data["nodes"][k]["label"] for k in view.js("kg.shown()")}
    assert {"四川省", "成都市", "成都市政协", "郫都区"} <= shown, "the province, what lies within it and what is located there"
    assert not {"浙江省", "杭州市"} & shown
    view.page.select_option("#filter-place", str(label["郫都区"]))
    shown = {data["nodes"][k]["label"] for k in view.js("kg.shown()")}
    assert "郫都区" in shown and "成都市" not in shown and "成都市政协" not in shown
    view.page.locator("#filter-clear").click()
    doc = next(k for k, d in enumerate(data["docs"]) if d["iri"].endswith("-04"))
    view.page.select_option("#filter-doc", str(doc))
    shown = view.js("kg.shown()")
    assert shown and all(doc in data["nodes"][k]["docs"] or data["nodes"][k]["iri"] == data["docs"][doc]["iri"] for k in shown)
    assert len(shown) < len(data["nodes"])
    assert view.attempts == [] and view.errors == []


def test_year_and_publication_filters(open_page: Any, tmp_path: Path) -> None:
    view = open_page(write_page(_dated_graph(), tmp_path / "dated.html", HtmlOptions()))
    data = view.js("kg.data")
    assert view.page.locator("#filter-year option").all_text_contents()[1:] == ["2023", "2022", "2021"]
    view.page.select_option("#filter-year", "2022")
    assert sorted(data["nodes"][k]["label"] for k in view.js("kg.shown()")) == ["乙报道", "机构1", "机构4"]
    view.page.select_option("#filter-year", "")
    view.page.select_option("#filter-publication", "甲日报")
    assert sorted(data["nodes"][k]["label"] for k in view.js("kg.shown()")) == ["丙报道", "机构0", "机构2", "机构3", "机构5", "甲报道"]
    _search(view, "机构0")
    assert view.page.locator("#panel li.doc .doc-date").all_text_contents() == ["2021-05-16"]
    assert view.attempts == [] and view.errors == []


def test_clicking_an_edge_shows_relation_and_evidence(sample_build: SampleBuild, open_page: Any) -> None:
    view = open_page(sample_build.out / "cppcc.html")
    edge = view.js("kg.data.edges.findIndex(e => e.sentences.length > 0)")
    assert edge >= 0, "the sample graph has no edge with evidence"
    _click_edge(view, edge)
    predicate = view.js("id => kg.data.edges[id].p", edge)
    zh, en = ontology_labels()[predicate]
    assert view.page.locator("#panel h2").text_content() == f"{zh} {en}"
    assert view.page.locator("#panel li.sentence").all_text_contents() == view.js("id => kg.data.edges[id].sentences", edge)


def test_injected_markup_shows_as_text_and_runs_nothing(open_page: Any, tmp_path: Path) -> None:
    for renderer in ("sigma", "vis"):
        page_file = write_page(property_graph(_injection_store()), tmp_path / f"evil-{renderer}.html", HtmlOptions(renderer=renderer))
        view = open_page(page_file)
        view.page.fill("#search-input", "<script>")
        assert SCRIPT_PAYLOAD in view.page.locator("#search-results li").first.text_content()
        view.page.press("#search-input", "Enter")
        assert view.page.locator("#panel h2").text_content() == INJECTION_NAME
        panel_text = view.page.locator("#panel").text_content()
        assert IMG_PAYLOAD in panel_text and INJECTION_SENTENCE in panel_text and f"标题{SCRIPT_PAYLOAD}" in panel_text
        _click_edge(view, 0)
        assert view.page.locator("#panel li.sentence").all_text_contents() == [INJECTION_SENTENCE]
        assert view.js("document.querySelectorAll('#panel *, #search-results *').length") > 0
        assert view.js("document.querySelectorAll('img, #panel script, #search-results script').length") == 0
        assert view.js("typeof window.__pwned") == "undefined"
        assert view.attempts == [] and view.errors == []


def test_overview_of_communities_expands_on_click(open_page: Any, tmp_path: Path) -> None:
    page_file = write_page(_synthetic(3000), tmp_path / "big.html", HtmlOptions(overview_min_nodes=2000))
    view = open_page(page_file)
    groups = view.js("kg.data.communities")
    drawn = view.js("kg.renderer.drawnKeys()")
    assert sorted(drawn) == sorted(f"c{c}" for c in range(len(groups))) and len(groups) < 300
    _click_key(view, "c0")
    drawn = set(view.js("kg.renderer.drawnKeys()"))
    assert {f"n{m}" for m in groups[0]["members"]} <= drawn and "c0" not in drawn
    assert groups[0]["size"] == len(groups[0]["members"])
    # searching a node of a folded community opens it
    last = groups[-1]["members"][0]
    _search(view, view.js("k => kg.data.nodes[k].label", last))
    assert f"n{last}" in view.js("kg.renderer.drawnKeys()") and view.js("kg.state.selected") == f"n{last}"
    assert view.attempts == [] and view.errors == []


def test_vis_fallback_draws_and_answers(sample_build: SampleBuild, open_page: Any, tmp_path: Path) -> None:
    """Without the npm bundle (a plain `pip install`) the page draws with vis-network from pyvis's wheel."""
    out = tmp_path / "vis.html"
    assert main(["html", "--graph", str(sample_build.turtle), "--out", str(out), "--renderer", "vis"]) == 0
    view = open_page(out)
    assert view.js("kg.data.meta.renderer") == "vis" and view.js("typeof Sigma") == "undefined"
    assert view.js("kg.renderer.drawnKeys().length") == view.js("kg.data.nodes.length")
    _search(view, "成都市政协")
    assert view.page.locator("#panel section.relation-group").count() >= 2
    view.page.locator("#panel button.hood-1").click()
    node = _node_id(view, entity_iri("CPPCCBody", "成都市政协"))
    assert set(view.js("kg.shown()")) == _neighbours(view.js("kg.data"), node) | {node}
    assert view.js("kg.renderer.labels().length") > 0
    assert view.attempts == [] and view.errors == []
