"""The HTML network page at 1k, 10k and 50k nodes, drawn by sigma.js and by vis-network side by side: time to
write the page, and in headless Chromium (offline, file://) the time until the network is drawn, one redraw,
and a search that focuses a node; and a screenshot of the sample corpus's first view with its label count.

Graphs are generated: nodes of the ten entity types with Chinese labels, about two edges per node (each node
links to two others, mostly nearby in a ring of communities, sometimes anywhere), evidence sentences on nodes.
"""

from __future__ import annotations

import os
import random
import time
from pathlib import Path
from typing import Any

from kg.export.html import NODE_TYPES, HtmlOptions, write_page
from kg.graphview import Edge, Node, PropertyGraph
from tests.browser import launch_chromium

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "benchmarks" / "work" / "html"
SIZES = (1_000, 10_000, 50_000)
RENDERERS = ("sigma", "vis")
LOADS = 3
"""Page loads per page in the browser; the median one is reported (the machine is shared and noisy)."""
SCREENSHOT = ROOT / "benchmarks" / "html-sample-first-view.png"
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
    load_before = os.getloadavg()[0]
    rows = []
    for count in SIZES:
        graph = synthetic_graph(count)
        for renderer in RENDERERS:
            options = HtmlOptions(max_nodes=0, renderer=renderer)
            dest = WORK / f"graph-{count}-{renderer}.html"
            started = time.perf_counter()
            write_page(graph, dest, options)
            write_s = time.perf_counter() - started
            overview = bool(options.overview_min_nodes) and count >= options.overview_min_nodes
            browser = _in_chromium(dest)
            rows.append((count, len(graph.edges), renderer, overview, write_s, dest.stat().st_size / 1e6, browser))
    sample = _sample_first_view()
    load_after = os.getloadavg()[0]

    lines = [
        "## html",
        "",
        "Pages of generated graphs (mixed types, Chinese labels, about 2 edges per node, clustered), default view",
        "options except no node cap, drawn by each renderer: sigma.js 3 (WebGL, bundled from npm) and vis-network",
        "(canvas, from pyvis's wheel, the fallback without npm). Graphs of 15,000 nodes or more open as an overview of",
        "communities. `write` is one run of `write_page` (select, layout, communities, page data, render, atomic",
        "write). Browser: Debian Chromium headless (`--disable-gpu`: WebGL runs on SwiftShader, in software),",
        "page opened from file:// with every other request aborted, median of 3 page loads; `ready` is from navigation",
        "start to the end of the first complete drawing (labels included); `on screen` is when the frame holding that",
        "drawing has been composited (the end of the next frame: here WebGL is rasterised in software after the page",
        "script has drawn); `model` is when the page script has",
        "parsed the data and built its view model; `redraw` is one full refresh of the drawing; `search` types a",
        "name and presses Enter until the node is selected and its panel filled (in an overview this opens its",
        "community).",
        "",
        f"Conditions: 2 cores shared with other engineers' jobs; 1-minute load average {load_before:.1f} at the start"
        f" and {load_after:.1f} at the end of this section (an idle machine has about 0), so absolute times are"
        " inflated; compare rows with each other.",
        "",
        "| nodes | edges | renderer | opens as | write | page size | model ready | browser ready | on screen | redraw | search+focus | network requests |",
        "|---:|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for count, n_edges, renderer, overview, write_s, size_mb, b in rows:
        lines.append(
            f"| {count:,} | {n_edges:,} | {renderer} | {'communities' if overview else 'whole graph'} | {write_s:.1f} s "
            f"| {size_mb:.1f} MB | {b['model_ms'] / 1000:.2f} s | **{b['ready_ms'] / 1000:.2f} s** | {b['painted_ms'] / 1000:.2f} s"
            f" | {b['redraw_ms']:.0f} ms "
            f"| {b['search_ms']:.0f} ms | {b['requests']} |"
        )
    ratios = {}
    for count in SIZES:
        by = {r[2]: r[6]["ready_ms"] for r in rows if r[0] == count}
        if "sigma" in by and "vis" in by:
            ratios[count] = by["vis"] / by["sigma"]
    lines += [
        "",
        "vis ÷ sigma ready time: " + ", ".join(f"{c:,} nodes {r:.2f}×" for c, r in ratios.items()) + ".",
        "",
        f"Sample's first view (`kg build corpus/`, 1280×800, sigma): {sample['nodes']} nodes, {sample['labels']} labelled,"
        f" {sample['overlaps']} overlapping label pairs, ready in {sample['ready_ms'] / 1000:.2f} s."
        f" Screenshot: `{SCREENSHOT.relative_to(ROOT)}`.",
        "",
        f"![sample first view]({SCREENSHOT.name})",
        "",
        f"Pages are in `{WORK.relative_to(ROOT)}/`. Command: `.venv/bin/python -m benchmarks.run html`.",
    ]
    return "\n".join(lines)


def _open(playwright: Any, page_file: Path, attempts: list[str]) -> tuple[Any, Any]:
    def route(r: Any) -> None:
        if r.request.url.startswith("file:"):
            r.continue_()
        else:
            attempts.append(r.request.url)
            r.abort()

    browser = launch_chromium(playwright)
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.route("**/*", route)
    page = context.new_page()
    page.goto(page_file.as_uri())
    page.wait_for_selector("html[data-kg-ready='1']", state="attached", timeout=300_000)
    page.wait_for_function("window.kgTimings.painted", timeout=300_000)
    return browser, page


def _in_chromium(page_file: Path) -> dict[str, float]:
    from playwright.sync_api import sync_playwright

    attempts: list[str] = []
    with sync_playwright() as playwright:
        loads = []
        for _ in range(LOADS - 1):
            browser, page = _open(playwright, page_file, attempts)
            loads.append(_load_times(page))
            browser.close()
        browser, page = _open(playwright, page_file, attempts)
        loads.append(_load_times(page))
        ready_ms, model_ms, painted_ms = sorted(loads)[len(loads) // 2]
        redraw_ms = page.evaluate(
            "() => { const times = []; for (let i = 0; i < 3; i++) { const t = performance.now(); kg.renderer.redraw();"
            " times.push(performance.now() - t); } times.sort((a, b) => a - b); return times[1]; }"
        )
        target = page.evaluate("kg.data.nodes[Math.floor(kg.data.nodes.length / 2)].label")
        started = time.perf_counter()
        page.fill("#search-input", target)
        page.press("#search-input", "Enter")
        page.wait_for_function("t => document.querySelector('#panel h2')?.textContent === t", arg=target)
        search_ms = (time.perf_counter() - started) * 1000
        browser.close()
    return {
        "ready_ms": ready_ms,
        "model_ms": model_ms,
        "painted_ms": painted_ms,
        "redraw_ms": redraw_ms,
        "search_ms": search_ms,
        "requests": len(attempts),
    }


def _load_times(page: Any) -> tuple[float, float, float]:
    """Ready, model and on-screen times of one page load (ms since navigation start)."""
    return page.evaluate("[window.kgReadyMs, window.kgTimings.model, window.kgTimings.painted]")


def _sample_first_view() -> dict[str, int]:
    """Build the sample corpus's page, open it, count its labels and overlaps, and keep a screenshot."""
    from playwright.sync_api import sync_playwright

    from kg.pipeline import build_to

    out = WORK / "sample"
    build_to([ROOT / "corpus"], out, formats=("html",), progress=False)
    attempts: list[str] = []
    with sync_playwright() as playwright:
        browser, page = _open(playwright, out / "cppcc.html", attempts)
        page.wait_for_timeout(300)
        boxes = [item["box"] for item in page.evaluate("kg.renderer.labels()")]
        overlaps = sum(
            1 for i, a in enumerate(boxes) for b in boxes[i + 1 :] if a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]
        )
        nodes = page.evaluate("kg.data.nodes.length")
        ready_ms = page.evaluate("window.kgReadyMs")
        page.screenshot(path=str(SCREENSHOT))
        browser.close()
    return {"nodes": nodes, "labels": len(boxes), "overlaps": overlaps, "ready_ms": ready_ms}
