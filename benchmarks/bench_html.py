"""The HTML network page at 1k, 5k and 10k nodes: time to write the page, and in headless Chromium (offline,
file://) the time until the network is drawn and stable, one redraw, and a search that focuses a node.

Graphs are generated: nodes of the ten entity types with Chinese labels, about two edges per node (each node
links to two others, mostly nearby in a ring of communities, sometimes anywhere), evidence sentences on nodes.
"""

from __future__ import annotations

import random
import statistics
import time
from pathlib import Path
from typing import Any

from kg.export.html import NODE_TYPES, HtmlOptions, layout, page_data, select, write_page
from kg.graphview import Edge, Node, PropertyGraph
from tests.browser import launch_chromium

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "benchmarks" / "work" / "html"
SIZES = (1_000, 5_000, 10_000)
PREDICATES = ("locatedIn", "guidedBy", "runsPlatform", "adoptsMechanism", "consultsOn", "participatesIn")


def synthetic_graph(count: int, seed: int = 7) -> PropertyGraph:
    """``count`` nodes of mixed types, about 2 edges per node, clustered like a real corpus."""
    rng = random.Random(seed)
    types = NODE_TYPES[:10]
    nodes = [
        Node(
            f"urn:bench:{i:06d}",
            types[rng.randrange(len(types))],
            f"第{i}号基层协商单位",
            aliases=[f"单位{i}"],
            documents=[(f"urn:doc:{i % 97}", f"文档{i % 97}")],
            sentences=[f"第{i}号单位开展“有事来协商”活动,推动解决群众急难愁盼问题。"],
        )
        for i in range(count)
    ]
    edges = set()
    for i in range(count):
        for _ in range(2):
            j = (i + rng.randint(1, 30)) % count if rng.random() < 0.9 else rng.randrange(count)
            if j != i:
                edges.add((nodes[i].iri, rng.choice(PREDICATES), nodes[j].iri))
    return PropertyGraph(nodes, [Edge(s, o, p, sentences=["证据句。"]) for s, p, o in sorted(edges)])


def run() -> str:
    WORK.mkdir(parents=True, exist_ok=True)
    rows = []
    for count in SIZES:
        graph = synthetic_graph(count)
        options = HtmlOptions(max_nodes=0)
        nodes, edges, _ = select(graph, options)
        index = {n.iri: i for i, n in enumerate(nodes)}
        pairs = [(index[e.source], index[e.target]) for e in edges]
        layout_s = _median(lambda: layout(len(nodes), pairs, seed=1))
        data_s = _median(lambda: page_data(graph, options))
        dest = WORK / f"graph-{count}.html"
        write_s = _median(lambda: write_page(graph, dest, options))
        browser = _in_chromium(dest)
        rows.append((count, len(edges), layout_s, data_s, write_s, dest.stat().st_size / 1e6, browser))

    lines = [
        "## html",
        "",
        "Pages of generated graphs (mixed types, Chinese labels, about 2 edges per node); default view options",
        "except no node cap. Writing: median of 3 runs of `write_page` (select, igraph layout, pyvis fill, render,",
        "atomic UTF-8 write); layout and page data are parts of it. Browser: Debian Chromium headless",
        "(`--disable-gpu`, software drawing), page opened from file:// with every other request aborted; `ready` is",
        "from navigation start to the first drawing after the page marks itself stable (physics is off above 500",
        "nodes, so that drawing is final); `redraw` is one full redraw of the whole graph; `search` types a name",
        "and presses Enter until the node is selected and the panel filled.",
        "",
        "| nodes | edges | layout | page data | write page | page size | browser ready | redraw | search+focus | network requests |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for count, n_edges, layout_s, data_s, write_s, size_mb, b in rows:
        lines.append(
            f"| {count:,} | {n_edges:,} | {layout_s:.2f} s | {data_s:.2f} s | {write_s:.2f} s | {size_mb:.1f} MB "
            f"| {b['ready_ms'] / 1000:.2f} s | {b['redraw_ms']:.0f} ms | {b['search_ms']:.0f} ms | {b['requests']} |"
        )
    lines += ["", f"Pages are in `{WORK.relative_to(ROOT)}/`. Command: `.venv/bin/python -m benchmarks.run html`."]
    return "\n".join(lines)


def _median(action: Any, runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def _in_chromium(page_file: Path) -> dict[str, float]:
    from playwright.sync_api import sync_playwright

    attempts: list[str] = []

    def route(r: Any) -> None:
        if r.request.url.startswith("file:"):
            r.continue_()
        else:
            attempts.append(r.request.url)
            r.abort()

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        context = browser.new_context(viewport={"width": 1280, "height": 800})
        context.route("**/*", route)
        page = context.new_page()
        page.goto(page_file.as_uri())
        page.wait_for_selector("html[data-kg-ready='1']", state="attached", timeout=300_000)
        ready_ms = page.evaluate("window.kgReadyMs")
        redraw_ms = page.evaluate(
            "() => { const times = []; for (let i = 0; i < 3; i++) { const t = performance.now(); kg.network.redraw();"
            " times.push(performance.now() - t); } times.sort((a, b) => a - b); return times[1]; }"
        )
        target = page.evaluate("kg.data.info.nodes[Math.floor(kg.data.info.nodes.length / 2)].label")
        started = time.perf_counter()
        page.fill("#search-input", target)
        page.press("#search-input", "Enter")
        page.wait_for_function("t => document.querySelector('#panel h2')?.textContent === t", arg=target)
        search_ms = (time.perf_counter() - started) * 1000
        browser.close()
    return {"ready_ms": ready_ms, "redraw_ms": redraw_ms, "search_ms": search_ms, "requests": len(attempts)}
