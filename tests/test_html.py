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
    layout,
    ontology_labels,
    render_page,
    script_json,
    select,
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
    data: dict[str, Any] = json.loads(match[1])
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
    assert len(data["nodes"]) == len(data["info"]["nodes"])
    assert [n["id"] for n in data["nodes"]] == list(range(len(data["nodes"])))
    iris = [n["iri"] for n in data["info"]["nodes"]]
    assert iris == sorted(iris)
    ids = set(range(len(iris)))
    assert all(e["from"] in ids and e["to"] in ids for e in data["edges"])
    assert len(data["edges"]) == len(data["info"]["edges"])


def test_sample_has_chengdu_cppcc_with_its_sources(sample_build: SampleBuild) -> None:
    data = _embedded_data((sample_build.out / "cppcc.html").read_text(encoding="utf-8"))
    info = {n["iri"]: n for n in data["info"]["nodes"]}
    chengdu = info.get(entity_iri("CPPCCBody", "成都市政协"))
    assert chengdu is not None, "成都市政协 is missing from the sample graph"
    assert data["types"][chengdu["type"]]["name"] == "CPPCCBody"
    assert chengdu["documents"] and all(doc.startswith(PREFIXES["doc"]) for doc, _ in chengdu["documents"])
    assert any("成都市政协" in s for s in chengdu["sentences"])


def test_page_is_deterministic(sample_build: SampleBuild, sample_store: ox.Store, tmp_path: Path) -> None:
    first = write_html(sample_store, tmp_path / "a")[0].read_bytes()
    second = write_html(sample_store, tmp_path / "b")[0].read_bytes()
    assert first == second
    graph = _synthetic(1500)
    assert render_page(graph, HtmlOptions()) == render_page(graph, HtmlOptions())


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
    labels = [n["label"] for n in data["info"]["nodes"]]
    assert INJECTION_NAME in labels
    assert any(INJECTION_SENTENCE in n["sentences"] for n in data["info"]["nodes"])


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
def test_physics_is_live_only_for_small_graphs(count: int, live: bool) -> None:
    data = _embedded_data(render_page(_synthetic(count), HtmlOptions()))
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


# ---------------------------------------------------------------------------- CLI


def test_cli_writes_a_page_with_options(sample_build: SampleBuild, tmp_path: Path) -> None:
    out = tmp_path / "view.html"
    status = main(["html", "--graph", str(sample_build.turtle), "--out", str(out), "--types", "CPPCCBody", "--max-nodes", "5", "--physics", "off"])
    assert status == 0
    data = _embedded_data(out.read_text(encoding="utf-8"))
    assert 0 < len(data["nodes"]) <= 5
    assert [t["name"] for t in data["types"]] == ["CPPCCBody"]
    assert data["options"]["physics"]["enabled"] is False


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


def _click_edge(view: OpenPage, edge_id: int) -> None:
    """Click the middle of edge ``edge_id`` (on its curve) with the simulation stopped and both ends in view."""
    ends = view.js("id => { const e = kg.data.edges[id]; return [e.from, e.to]; }", edge_id)
    view.js("ends => { kg.network.stopSimulation(); kg.network.fit({nodes: ends, animation: false}); }", ends)
    point = view.js("id => kg.network.canvasToDOM(kg.network.body.edges[id].edgeType.getPoint(0.5))", edge_id)
    box = view.page.locator("#network").bounding_box()
    view.page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])


def test_sample_page_renders_offline(sample_build: SampleBuild, sample_store: ox.Store, open_page: Any, tmp_path: Path) -> None:
    view = open_page(sample_build.out / "cppcc.html")
    count = _entity_count(sample_store)
    assert view.js("kg.network.body.nodeIndices.length") == count
    assert view.js("kg.nodes.length") == count
    assert view.js("document.querySelectorAll('#legend-list input[type=checkbox]').length") >= 1
    assert view.attempts == [], f"the page tried the network: {view.attempts}"
    assert view.errors == []
    view.page.screenshot(path=str(tmp_path / "sample.png"))


def test_search_focuses_chengdu_cppcc(sample_build: SampleBuild, open_page: Any) -> None:
    view = open_page(sample_build.out / "cppcc.html")
    view.page.fill("#search-input", "成都市政协")
    assert view.page.locator("#search-results li").first.text_content().startswith("成都市政协")
    view.page.press("#search-input", "Enter")
    target = entity_iri("CPPCCBody", "成都市政协")
    selected = view.js("kg.network.getSelectedNodes().map(id => kg.data.info.nodes[id].iri)")
    assert selected == [target]
    node_id = view.js("iri => kg.data.info.nodes.findIndex(n => n.iri === iri)", target)
    view.page.wait_for_function(
        """id => { const p = kg.network.getPositions([id])[id], v = kg.network.getViewPosition();
                   return Math.hypot(p.x - v.x, p.y - v.y) < 5; }""",
        arg=node_id,
        timeout=5_000,
    )
    assert view.page.locator("#panel h2").text_content() == "成都市政协"
    assert "政协组织" in view.page.locator("#panel .kind").text_content()
    assert view.page.locator("#panel li.sentence").count() >= 1
    assert view.attempts == [] and view.errors == []


def test_type_filter_hides_its_nodes(sample_build: SampleBuild, open_page: Any) -> None:
    view = open_page(sample_build.out / "cppcc.html")
    hidden = "t => kg.data.info.nodes.map((n, id) => [kg.data.types[n.type].name === t, kg.network.body.nodes[id].options.hidden === true])"
    view.page.locator("#legend input[data-type='CPPCCBody']").uncheck()
    states = view.js(hidden, "CPPCCBody")
    assert any(is_body for is_body, _ in states)
    assert all(is_hidden == is_body for is_body, is_hidden in states)
    view.page.locator("#legend input[data-type='CPPCCBody']").check()
    assert not any(is_hidden for _, is_hidden in view.js(hidden, "CPPCCBody"))


def test_clicking_an_edge_shows_relation_and_evidence(sample_build: SampleBuild, open_page: Any) -> None:
    view = open_page(sample_build.out / "cppcc.html")
    if not view.js("kg.data.edges.length"):
        pytest.fail("the sample graph has no edges to click")
    _click_edge(view, 0)
    predicate = view.js("kg.data.info.edges[0].predicate")
    zh, en = ontology_labels()[predicate]
    assert view.page.locator("#panel h2").text_content() == f"{zh} {en}"
    sentences = view.js("kg.data.info.edges[0].sentences")
    assert view.page.locator("#panel li.sentence").all_text_contents() == sentences


def test_injected_markup_shows_as_text_and_runs_nothing(open_page: Any, tmp_path: Path) -> None:
    page_file = write_page(property_graph(_injection_store()), tmp_path / "evil.html", HtmlOptions())
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
    assert view.js("document.querySelectorAll('img, script:not([src]) ~ img, #panel script, #search-results script').length") == 0
    assert view.js("typeof window.__pwned") == "undefined"
    assert view.attempts == [] and view.errors == []


def test_large_graph_is_drawn_without_physics(open_page: Any, tmp_path: Path) -> None:
    page_file = write_page(_synthetic(3000), tmp_path / "big.html", HtmlOptions())
    view = open_page(page_file)
    assert view.js("kg.network.body.nodeIndices.length") == 3000
    assert view.js("kg.network.physics.physicsEnabled") is False
    assert view.js("window.kgReadyMs") < 30_000
    assert view.attempts == [] and view.errors == []


def test_physics_on_is_bounded_then_frozen_on_large_graphs(open_page: Any, tmp_path: Path) -> None:
    page_file = write_page(_synthetic(600), tmp_path / "on.html", HtmlOptions(physics="on"))
    view = open_page(page_file)
    assert view.js("kg.data.meta.bounded") is True
    assert view.js("kg.network.physics.physicsEnabled") is False
    assert view.js("kg.network.body.nodeIndices.length") == 600
