"""The HTML network (``exports/cppcc.html``): the graph as an interactive vis-network page built with pyvis.

    PropertyGraph ──select (types, max nodes)──▶ layout (igraph, seeded) ──pyvis Network (bulk add)──▶
        page data (JSON) ──html_assets/page.html──▶ one self-contained UTF-8 file

The page works offline from ``file://``: vis-network (vendored from pyvis's wheel), the page script and its
style are inlined, and a Content-Security-Policy with ``default-src 'none'`` forbids any fetch. Positions are
computed here (igraph's Fruchterman-Reingold, grid variant for large graphs, seeded), so the page is
byte-identical across runs and a 10,000-node graph is drawn without physics; only small graphs keep live
physics in the browser. Text from documents travels as JSON in a ``<script type="application/json">`` block
with ``< > &`` and U+2028/2029 escaped, and the page script sets it with ``textContent`` only; the CSP allows
just the two inline scripts by hash, so an injected ``onerror=`` attribute could not run either.
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
import os
import random
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import pyoxigraph as ox

from kg.errors import ConfigError, ExportError, InputError
from kg.export import BASENAME, atomic_path
from kg.export.graphfile import GraphFile
from kg.graph import ontology_store
from kg.graphview import Edge, Node, PropertyGraph, property_graph
from kg.model import ENTITY_TYPES
from kg.vocab import ONTOLOGY_NS, PREFIXES

Physics = Literal["auto", "on", "off"]
Renderer = Literal["auto", "sigma", "vis"]

NODE_TYPES: tuple[str, ...] = ENTITY_TYPES + ("Quantity", "Document")
"""Every node type the page knows, in legend order."""

# type -> (colour, vis-network shape); shapes are ones that draw the label below the symbol
TYPE_STYLE: dict[str, tuple[str, str]] = {
    "CPPCCBody": ("#d62728", "dot"),
    "PartyGovOrgan": ("#9467bd", "diamond"),
    "Place": ("#2ca02c", "triangle"),
    "Person": ("#ff7f0e", "star"),
    "Position": ("#8c564b", "square"),
    "Platform": ("#1f77b4", "hexagon"),
    "Mechanism": ("#17becf", "triangleDown"),
    "Topic": ("#bcbd22", "dot"),
    "Event": ("#e377c2", "diamond"),
    "Publication": ("#7f7f7f", "square"),
    "Quantity": ("#9edae5", "triangleDown"),
    "Document": ("#393b79", "square"),
}
_OTHER_STYLE = ("#aaaaaa", "dot")

LIVE_PHYSICS_MAX_NODES = 500
"""``physics="auto"`` keeps live physics up to this many nodes; above it positions are fixed."""
GRID_LAYOUT_MIN_NODES = 1000
"""From this size the layout uses the grid variant of Fruchterman-Reingold (near-linear per iteration)."""
EDGE_LABELS_MAX_EDGES = 300
"""Relation names are drawn on edges only up to this many edges (otherwise they are in the panel)."""
DEFAULT_MAX_NODES = 50_000
OVERVIEW_MIN_NODES = 15_000
"""From this many nodes the page opens as an overview of communities that expand on click."""
KAMADA_KAWAI_MAX_NODES = 300
"""Up to this many linked nodes the layout is Kamada-Kawai (even spacing); above it Fruchterman-Reingold."""
COMMUNITY_GRID_MIN_NODES = 200
COMMUNITY_ITERATIONS = 120
"""Layout iterations inside one community of an overview (it is small and seen only once opened)."""
"""In an overview, communities from this size are laid out with the grid variant (the exact one is quadratic)."""
ISOLATED_PIXELS = 90.0
"""Grid step of the nodes without edges, set below the drawing."""
NODE_SENTENCES = 8
"""Evidence sentences of a node kept in the page (its relations carry their own)."""
EDGE_PIXELS = 120.0
SPREAD_PIXELS = 110.0
HIDDEN_PREDICATES = frozenset({"mentionedIn"})
"""Edges not drawn: every node's documents are listed in its panel instead."""

_ASSETS = "html_assets"
_MARKER = re.compile(r"@@([A-Z_]+)@@")


@dataclass(frozen=True)
class HtmlOptions:
    """What the page shows. The defaults are the ones `kg build` uses."""

    physics: Physics = "auto"
    """``auto``: live physics for small graphs only; ``on``: physics (bounded, then frozen, on large graphs); ``off``."""
    max_nodes: int = DEFAULT_MAX_NODES
    """Keep the most connected nodes up to this many (0: no limit); the page says how many were left out."""
    types: tuple[str, ...] = ()
    """Node types to include (empty: all), names from NODE_TYPES."""
    include_documents: bool = True
    """Show documents as nodes (linked to their speaker and publication)."""
    seed: int = 1
    """Seed of the layout: the same graph and seed give the same page."""
    renderer: Renderer = "auto"
    """``sigma`` (WebGL, sigma.js bundled from npm by `make install`), ``vis`` (vis-network from pyvis's wheel,
    canvas) or ``auto``: sigma when its bundle is installed, else vis."""
    overview_min_nodes: int = OVERVIEW_MIN_NODES
    """Open as an overview of communities from this many nodes on (0: never)."""

    def __post_init__(self) -> None:
        if self.physics not in ("auto", "on", "off"):
            raise ConfigError(f"html physics must be auto, on or off, not {self.physics!r}")
        if self.renderer not in ("auto", "sigma", "vis"):
            raise ConfigError(f"html renderer must be auto, sigma or vis, not {self.renderer!r}")
        if self.renderer == "sigma" and _sigma_js() is None:
            raise ConfigError(f"html renderer sigma needs {SIGMA_BUNDLE}; run `make install` (needs npm) or choose vis")
        if self.overview_min_nodes < 0:
            raise ConfigError(f"html overview threshold must be 0 (never) or more, not {self.overview_min_nodes}")
        if self.max_nodes < 0:
            raise ConfigError(f"html max nodes must be 0 (no limit) or more, not {self.max_nodes}")
        unknown = [t for t in self.types if t not in NODE_TYPES]
        if unknown:
            raise ConfigError(f"unknown node type(s) {', '.join(unknown)}; choose from {', '.join(NODE_TYPES)}")


# ---------------------------------------------------------------------------- entry points


def write_html(graph: GraphFile | ox.Store, out_dir: Path) -> list[Path]:
    """Exporter ``html``: ``cppcc.html`` with the default view options."""
    dest = out_dir / f"{BASENAME}.html"
    write_page(property_graph(graph), dest, HtmlOptions())
    return [dest]


def html_from_file(graph_file: Path, dest: Path, options: HtmlOptions) -> Path:
    """`kg html`: read a built graph (Turtle, N-Triples, …) and write its page to ``dest``."""
    if not graph_file.is_file():
        raise InputError(str(graph_file), "no such graph file; run `kg build` first or pass --graph FILE")
    rdf_format = ox.RdfFormat.from_extension(graph_file.suffix.lstrip("."))
    if rdf_format is None or rdf_format.supports_datasets:
        raise InputError(str(graph_file), "not an RDF triples file; pass the Turtle (.ttl) or N-Triples (.nt) export")
    store = ox.Store()
    try:
        store.bulk_load(path=str(graph_file), format=rdf_format)
    except (SyntaxError, OSError) as exc:
        raise InputError(str(graph_file), f"cannot read the graph ({exc}); rebuild it with `kg build`") from exc
    write_page(property_graph(store, include_documents=options.include_documents), dest, options)
    return dest


def write_page(graph: PropertyGraph, dest: Path, options: HtmlOptions) -> Path:
    """Write the page of ``graph`` to ``dest`` atomically, as UTF-8, part by part (the page is not held
    whole, as text nor as bytes, beside its data)."""
    with atomic_path(dest) as tmp, tmp.open("w", encoding="utf-8", newline="") as fh:
        fh.writelines(page_parts(graph, options))
    return dest


def render_page(graph: PropertyGraph, options: HtmlOptions) -> str:
    """The whole page as text: assets inlined, data embedded, CSP hashes for the two inline scripts."""
    return "".join(page_parts(graph, options))


def page_parts(graph: PropertyGraph, options: HtmlOptions) -> Iterator[str]:
    """The page (``render_page``) as consecutive parts: html_assets/page.html between its markers, and what
    each marker stands for."""
    data = packed(page_data(graph, options))
    library = _sigma_js() if _renderer(options) == "sigma" else _vis_js()
    assert library is not None  # _renderer picks sigma only when its bundle is there
    page_js = _asset("page.js")
    parts = {
        "CSS": _asset("page.css"),
        "LIBRARY_JS": library,
        "PAGE_JS": page_js,
        "SCRIPT_HASHES": " ".join(f"'sha256-{_sha256(s)}'" for s in (library, page_js)),
    }
    template = _asset("page.html")
    end = 0
    for marker in _MARKER.finditer(template):
        yield template[end : marker.start()]
        if marker[1] == "DATA":  # by far the largest part: streamed
            yield from script_json_parts(data)
        else:
            yield parts[marker[1]]
        end = marker.end()
    yield template[end:]


def _renderer(options: HtmlOptions) -> str:
    if options.renderer != "auto":
        return options.renderer
    return "sigma" if _sigma_js() is not None else "vis"


# ---------------------------------------------------------------------------- the data in the page


def page_data(graph: PropertyGraph, options: HtmlOptions) -> dict[str, Any]:
    """Everything the page script needs: nodes with positions and what the panel shows, edges with their
    evidence, the documents table (dates, publications) the filters read, folded person → organ edges, and
    for large graphs the communities of the overview."""
    nodes, edges, total = select(graph, options)
    index = {n.iri: i for i, n in enumerate(nodes)}
    pairs = [(index[e.source], index[e.target]) for e in edges]
    degree: Counter[int] = Counter()
    for a, b in pairs:
        degree[a] += 1
        degree[b] += 1
    renderer = _renderer(options)
    overview = bool(options.overview_min_nodes) and len(nodes) >= options.overview_min_nodes
    if overview:
        groups = communities(len(nodes), pairs, degree, seed=options.seed)
        positions = community_layout(len(nodes), pairs, groups, seed=options.seed)
    else:
        groups = []
        positions = layout(len(nodes), pairs, seed=options.seed)
    live = renderer == "vis" and (options.physics == "on" or (options.physics == "auto" and len(nodes) <= LIVE_PHYSICS_MAX_NODES))

    labels = ontology_labels()
    types = [t for t in NODE_TYPES if any(n.type == t for n in nodes)]
    types += sorted({n.type for n in nodes} - set(types))
    type_index = {t: i for i, t in enumerate(types)}
    docs, doc_index = document_table(graph)
    counts = Counter(n.type for n in nodes)
    data: dict[str, Any] = {
        "meta": {
            "shown": len(nodes),
            "total": total,
            "edges": len(edges),
            "renderer": renderer,
            "live": live,
            "bounded": live and len(nodes) > LIVE_PHYSICS_MAX_NODES,
            "overview": overview,
            "stats": graph.stats,
        },
        "types": [
            {
                "name": t,
                "zh": labels.get(t, (t, t))[0],
                "en": labels.get(t, (t, t))[1],
                "color": TYPE_STYLE.get(t, _OTHER_STYLE)[0],
                "shape": TYPE_STYLE.get(t, _OTHER_STYLE)[1],
                "count": counts[t],
            }
            for t in types
        ],
        "predicates": {p: list(labels.get(p, (p, p))) for p in sorted({e.predicate for e in edges})},
        "nodes": [
            _node_record(n, type_index[n.type], degree[i], positions[i], doc_index) for i, n in enumerate(nodes)
        ],
        "edges": [
            {
                "from": index[e.source],
                "to": index[e.target],
                "p": e.predicate,
                "sentences": e.sentences,
                "docs": sorted({doc_index[d] for d in e.documents if d in doc_index}),
            }
            for e in edges
        ],
        "folded": folded_positions(nodes, edges),
        "docs": docs,
        "communities": groups,
    }
    if renderer == "vis":
        data["options"] = vis_options(len(nodes), live, len(edges) <= EDGE_LABELS_MAX_EDGES)
    return data


def packed(data: dict[str, Any]) -> dict[str, Any]:
    """The page data as it travels in the page: nodes and edges as columns (one list per field, so field
    names are not repeated 50,000 times) and node IRIs less their common prefix ``iriBase``; the page script
    turns them back into rows (``unpacked`` here does the same). A third smaller page parses faster."""
    nodes, edges = data["nodes"], data["edges"]
    base = os.path.commonprefix([n["iri"] for n in nodes]) if len(nodes) > 1 else ""
    columns = {key: [n[key] for n in nodes] for key in (nodes[0] if nodes else ())}
    if nodes:
        columns["iri"] = [iri[len(base) :] for iri in columns["iri"]]
    return {
        **data,
        "iriBase": base,
        "nodes": columns,
        "edges": {key: [e[key] for e in edges] for key in (edges[0] if edges else ())},
    }


def unpacked(data: dict[str, Any]) -> dict[str, Any]:
    """Inverse of ``packed``: nodes and edges as lists of dicts with whole IRIs."""

    def rows(columns: dict[str, list[Any]]) -> list[dict[str, Any]]:
        keys = list(columns)
        return [dict(zip(keys, values)) for values in zip(*(columns[k] for k in keys))]

    nodes = rows(data["nodes"])
    for n in nodes:
        n["iri"] = data["iriBase"] + n["iri"]
    out = {k: v for k, v in data.items() if k != "iriBase"}
    return {**out, "nodes": nodes, "edges": rows(data["edges"])}


def select(graph: PropertyGraph, options: HtmlOptions) -> tuple[list[Node], list[Edge], int]:
    """The nodes and edges to draw: wanted types, then the ``max_nodes`` most connected (ties by IRI).

    Returns (nodes in IRI order, edges in (source, predicate, target) order, nodes before the size cap).
    """
    wanted = set(options.types or NODE_TYPES) | (set() if options.types else {n.type for n in graph.nodes})
    if not options.include_documents:
        wanted.discard("Document")
    nodes = [n for n in graph.nodes if n.type in wanted]
    keep = {n.iri for n in nodes}
    edges = [e for e in graph.edges if e.predicate not in HIDDEN_PREDICATES and e.source in keep and e.target in keep]
    total = len(nodes)
    if options.max_nodes and total > options.max_nodes:
        degree: Counter[str] = Counter()
        for e in edges:
            degree[e.source] += 1
            degree[e.target] += 1
        ranked = sorted(nodes, key=lambda n: (-degree[n.iri], n.iri))[: options.max_nodes]
        keep = {n.iri for n in ranked}
        nodes = [n for n in nodes if n.iri in keep]
        edges = [e for e in edges if e.source in keep and e.target in keep]
    return nodes, edges, total


def document_table(graph: PropertyGraph) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """Every document of the graph (whether drawn or not) in IRI order: title, date, year and publications,
    for the panel's document lists and the document / publication / year filters. Returns (rows, iri → row)."""
    titles: dict[str, str] = {}
    dates: dict[str, str] = {}
    for n in graph.nodes:
        titles.update((d, t) for d, t in n.documents if t)
        if n.type == "Document":
            titles[n.iri] = n.label
            if "date" in n.attrs:
                dates[n.iri] = n.attrs["date"]
    iris = set(titles) | {d for n in graph.nodes for d, _ in n.documents}
    iris |= {n.iri for n in graph.nodes if n.type == "Document"}
    labels = {n.iri: n.label for n in graph.nodes}
    publications: dict[str, set[str]] = {}
    for e in graph.edges:  # one pass (an EdgeList makes each edge as it is read)
        iris.update(e.documents)
        if e.predicate == "publishedIn" and e.target in labels:
            publications.setdefault(e.source, set()).add(labels[e.target])
    rows: list[dict[str, Any]] = []
    for iri in sorted(iris):
        date = dates.get(iri, "")
        year = _YEAR.match(date)
        rows.append(
            {
                "iri": iri,
                "title": titles.get(iri, ""),
                "date": date,
                "year": year[1] if year else "",
                "publications": sorted(publications.get(iri, ())),
            }
        )
    return rows, {row["iri"]: i for i, row in enumerate(rows)}


_YEAR = re.compile(r"((?:1[89]|20)\d\d)")


def folded_positions(nodes: list[Node], edges: list[Edge]) -> list[dict[str, Any]]:
    """Person → organ edges standing for person → post → organ chains (``holdsPosition`` then ``positionIn``),
    drawn when positions are hidden so that people stay linked to their organs. Each says which post it folds
    (``via``) and which two edges (``edges``, indexes into the page's edges) carry its evidence."""
    index = {n.iri: i for i, n in enumerate(nodes)}
    held: dict[str, list[int]] = {}
    within: dict[str, list[int]] = {}
    for i, e in enumerate(edges):
        if e.predicate == "holdsPosition":
            held.setdefault(e.target, []).append(i)
        elif e.predicate == "positionIn":
            within.setdefault(e.source, []).append(i)
    out = []
    for post in sorted(held.keys() & within.keys()):
        for h in held[post]:
            for w in within[post]:
                out.append({"from": index[edges[h].source], "to": index[edges[w].target], "via": index[post], "edges": [h, w]})
    return sorted(out, key=lambda f: (f["from"], f["to"], f["via"]))


def layout(count: int, pairs: list[tuple[int, int]], *, seed: int) -> list[tuple[int, int]]:
    """Positions in pixels for ``count`` nodes joined by ``pairs``, seeded (same input, same output).

    The nodes with edges are laid out by igraph's Fruchterman-Reingold in C (from GRID_LAYOUT_MIN_NODES on,
    its grid variant, which only repels nearby nodes: 10,000 nodes in about a second); nodes without any edge
    are set in a tidy grid below the drawing instead of floating around its clusters. Scaled so that the
    median edge is at least EDGE_PIXELS long and the drawing at least SPREAD_PIXELS·√count wide.
    """
    if count == 0:
        return []
    linked = sorted({a for a, b in pairs if a != b} | {b for a, b in pairs if a != b})
    has_edge = set(linked)
    alone = [i for i in range(count) if i not in has_edge] if len(linked) < count else []
    positions: list[tuple[int, int]] = [(0, 0)] * count
    placed = _force_layout(len(linked), _reindex(pairs, linked), seed=seed, spread=count)
    for i, xy in zip(linked, placed):
        positions[i] = xy
    if alone:
        bottom = max((y for _, y in placed), default=-ISOLATED_PIXELS)
        width = max((abs(x) for x, _ in placed), default=0) * 2
        columns = max(1, min(len(alone), int(width // ISOLATED_PIXELS) or math.ceil(math.sqrt(len(alone)))))
        left = -(min(columns, len(alone)) - 1) * ISOLATED_PIXELS / 2
        for k, i in enumerate(alone):
            row, col = divmod(k, columns)
            positions[i] = (round(left + col * ISOLATED_PIXELS), round(bottom + (row + 1.5) * ISOLATED_PIXELS))
    return positions


def _reindex(pairs: list[tuple[int, int]], keep: list[int]) -> list[tuple[int, int]]:
    new = {old: i for i, old in enumerate(keep)}
    return [(new[a], new[b]) for a, b in pairs if a in new and b in new]


def _force_layout(
    count: int, pairs: list[tuple[int, int]], *, seed: int, spread: int, grid_from: int = GRID_LAYOUT_MIN_NODES, niter: int = 0
) -> list[tuple[int, int]]:
    """Fruchterman-Reingold of ``count`` nodes, centred and scaled (see ``layout``); ``spread`` is the node
    count the drawing's width is sized for; ``niter`` iterations (0: 300 with the grid variant, else 500)."""
    if count == 0:
        return []
    if count == 1:
        return [(0, 0)]
    import igraph

    g = igraph.Graph(n=count, edges=sorted({(min(a, b), max(a, b)) for a, b in pairs if a != b}))
    big = count >= grid_from
    igraph.set_random_number_generator(random.Random(seed))
    try:
        if count <= KAMADA_KAWAI_MAX_NODES:  # spreads small graphs evenly, leaving room for their labels
            coords = g.layout_kamada_kawai(maxiter=50 * count, seed=g.layout_circle().coords).coords
        else:
            coords = g.layout_fruchterman_reingold(niter=niter or (300 if big else 500), grid=big).coords
    finally:
        igraph.set_random_number_generator(random)
    cx = sum(x for x, _ in coords) / count
    cy = sum(y for _, y in coords) / count
    lengths = sorted(math.dist(coords[a], coords[b]) for a, b in g.get_edgelist())
    median = lengths[len(lengths) // 2] if lengths else 0.0
    extent = max(max(abs(x - cx), abs(y - cy)) for x, y in coords) or 1.0
    scale = max(EDGE_PIXELS / median if median > 1e-9 else 0.0, SPREAD_PIXELS * math.sqrt(spread) / 2 / extent)
    return [(round((x - cx) * scale), round((y - cy) * scale)) for x, y in coords]


def communities(count: int, pairs: list[tuple[int, int]], degree: Counter[int], *, seed: int) -> list[dict[str, Any]]:
    """Communities of a large graph for its overview (igraph's Leiden, modularity, seeded): each with its
    members (node indexes), the member with most edges (``top``, whose name labels it) and its size. Nodes
    without edges form one last group (``isolated``). Largest communities first."""
    import igraph

    g = igraph.Graph(n=count, edges=sorted({(min(a, b), max(a, b)) for a, b in pairs if a != b}))
    igraph.set_random_number_generator(random.Random(seed))
    try:
        membership = g.community_leiden(objective_function="modularity", n_iterations=4).membership
    finally:
        igraph.set_random_number_generator(random)
    groups: dict[int, list[int]] = {}
    alone: list[int] = []
    for i, c in enumerate(membership):
        (groups.setdefault(c, []) if degree[i] else alone).append(i)
    ordered = sorted(groups.values(), key=lambda m: (-len(m), m[0]))
    out = [{"members": m, "top": min(m, key=lambda i: (-degree[i], i)), "isolated": False} for m in ordered]
    if alone:
        out.append({"members": alone, "top": min(alone), "isolated": True})
    return out


def community_layout(count: int, pairs: list[tuple[int, int]], groups: list[dict[str, Any]], *, seed: int) -> list[tuple[int, int]]:
    """Positions for an overview: the graph of communities (edges weighted by how many links join them) laid
    out first, then each community's members laid out on their own and placed in a disc around its centre,
    discs apart. Each community's centre and radius are written into its dict (``x``, ``y``, ``r``)."""
    owner = [0] * count
    for k, group in enumerate(groups):
        for i in group["members"]:
            owner[i] = k
    between: Counter[tuple[int, int]] = Counter()
    inside: list[list[tuple[int, int]]] = [[] for _ in groups]
    for a, b in pairs:
        ka, kb = owner[a], owner[b]
        if ka == kb:
            inside[ka].append((a, b))
        else:
            between[(min(ka, kb), max(ka, kb))] += 1
    centres = _force_layout(len(groups), list(between), seed=seed, spread=len(groups))
    radii = [SPREAD_PIXELS * math.sqrt(len(g["members"])) / 2 + SPREAD_PIXELS for g in groups]
    # spread the centres until no two discs overlap
    factor = 1.0
    for a in range(len(groups)):
        for b in range(a + 1, len(groups)):
            gap = math.dist(centres[a], centres[b])
            factor = max(factor, (radii[a] + radii[b]) / gap if gap > 1e-9 else 1.0)
    positions: list[tuple[int, int]] = [(0, 0)] * count
    for k, group in enumerate(groups):
        members = group["members"]
        local = [(float(x), float(y)) for x, y in _force_layout(len(members), _reindex(inside[k], members), seed=seed, spread=len(members), grid_from=COMMUNITY_GRID_MIN_NODES, niter=COMMUNITY_ITERATIONS)]
        extent = max((max(abs(x), abs(y)) for x, y in local), default=0) or 1
        shrink = min(1.0, (radii[k] - SPREAD_PIXELS / 2) / extent)
        cx, cy = centres[k][0] * factor, centres[k][1] * factor
        if group["isolated"]:
            side = math.ceil(math.sqrt(len(members)))
            local = [((j % side - side / 2) * ISOLATED_PIXELS, (j // side - side / 2) * ISOLATED_PIXELS) for j in range(len(members))]
            shrink = min(1.0, (radii[k] - SPREAD_PIXELS / 2) / (side / 2 * ISOLATED_PIXELS or 1))
        for i, (x, y) in zip(members, local):
            positions[i] = (round(cx + x * shrink), round(cy + y * shrink))
        group.update(x=round(cx), y=round(cy), r=round(radii[k]), size=len(members))
    return positions


def vis_options(count: int, live: bool, edge_labels: bool) -> dict[str, Any]:
    """vis-network options: live physics for small graphs, fixed positions otherwise.

    With ``physics="on"`` on a large graph the stabilisation is bounded (fewer iterations the larger the graph,
    the layout is already computed) and the page freezes physics afterwards.
    """
    big = count > LIVE_PHYSICS_MAX_NODES
    physics: dict[str, Any] = {"enabled": False}
    if live:
        physics = {
            "enabled": True,
            "solver": "forceAtlas2Based",
            "forceAtlas2Based": {"gravitationalConstant": -60, "springLength": 120, "avoidOverlap": 0.3},
            "maxVelocity": 40,
            "minVelocity": 1,
            "stabilization": {"enabled": True, "iterations": max(10, min(100, 50_000 // count)) if big else 200, "updateInterval": 50, "fit": True},
        }
    return {
        "autoResize": True,
        "layout": {"improvedLayout": False, "randomSeed": 1},
        "physics": physics,
        "nodes": {
            "borderWidth": 1,
            "font": {"face": _FONT_FACE, "size": 14, "strokeWidth": 3, "strokeColor": "#ffffff"},
        },
        "edges": {
            "arrows": {"to": {"enabled": True, "scaleFactor": 0.5}},
            "color": {"color": "#a0a8b4", "highlight": "#d9480f", "hover": "#d9480f"},
            "width": 1,
            "smooth": False,
            "font": {"face": _FONT_FACE, "size": 10, "color": "#555555", "strokeWidth": 2, "align": "middle"},
        },
        "interaction": {
            "hover": not big,
            "hideEdgesOnDrag": big,
            "hideEdgesOnZoom": big,
            "tooltipDelay": 200,
            "multiselect": False,
            "navigationButtons": False,
            "keyboard": False,
        },
    }


_FONT_FACE = '"Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", "WenQuanYi Micro Hei", sans-serif'


def _node_record(node: Node, type_index: int, degree: int, position: tuple[int, int], doc_index: dict[str, int]) -> dict[str, Any]:
    return {
        "iri": node.iri,
        "type": type_index,
        "label": node.label,
        "x": position[0],
        "y": position[1],
        "degree": degree,
        "aliases": node.aliases,
        "docs": sorted({doc_index[d] for d, _ in node.documents if d in doc_index}),
        "sentences": node.sentences[:NODE_SENTENCES],
        "attrs": dict(sorted(node.attrs.items())),
    }


# ---------------------------------------------------------------------------- text, assets, ontology labels


_JSON_ESCAPES = (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029"))


def script_json(value: Any) -> str:
    """JSON safe inside an HTML ``<script>`` block: ``</script>``, ``<!--`` and line separators cannot appear."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    for raw, escaped in _JSON_ESCAPES:  # str.replace runs in C; str.translate with a dict is ten times slower
        text = text.replace(raw, escaped)
    return text


def script_json_parts(value: Any, depth: int = 2) -> Iterator[str]:
    """``script_json(value)`` in consecutive parts: the members of a dict, and of the dicts it holds down to
    ``depth`` levels, each made (and escaped) on its own, so the whole text is never held at once. On the 50 MB
    benchmark graph the page's data is 19 million characters, which as one string (and its escaped copies)
    raised the HTML export's peak by 54 MB; the largest part is one column of the nodes or edges."""
    if depth <= 0 or not isinstance(value, dict) or not all(isinstance(key, str) for key in value):
        yield script_json(value)  # (json.dumps writes a key that is not text its own way)
        return
    yield "{"
    for index, (key, item) in enumerate(value.items()):
        yield ("," if index else "") + script_json(key) + ":"
        yield from script_json_parts(item, depth - 1)
    yield "}"


@lru_cache(maxsize=1)
def ontology_labels() -> dict[str, tuple[str, str]]:
    """Local name of every ontology term -> (Chinese label, English label), from ontology/cppcc.ttl."""
    store = ontology_store()
    found: dict[str, dict[str, str]] = {}
    for term, _, label, _ in store.quads_for_pattern(None, ox.NamedNode(PREFIXES["rdfs"] + "label"), None):
        if isinstance(term, ox.NamedNode) and term.value.startswith(ONTOLOGY_NS) and isinstance(label, ox.Literal):
            found.setdefault(term.value.removeprefix(ONTOLOGY_NS), {})[label.language or ""] = label.value
    return {name: (by_lang.get("zh", name), by_lang.get("en", name)) for name, by_lang in sorted(found.items())}


@cache
def _asset(name: str) -> str:
    return resources.files("kg.export").joinpath(_ASSETS, name).read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def _vis_js() -> str:
    """vis-network's standalone build, shipped inside the pyvis wheel (newest version it carries)."""
    lib = resources.files("pyvis").joinpath("templates", "lib")
    found = sorted(
        (tuple(int(p) for p in d.name.removeprefix("vis-").split(".")), d)
        for d in lib.iterdir()
        if re.fullmatch(r"vis-\d+(\.\d+)*", d.name) and d.joinpath("vis-network.min.js").is_file()
    )
    if not found:
        raise ExportError(f"{lib}: no vis-*/vis-network.min.js inside pyvis; reinstall it (pip install 'pyvis>=0.3.2')")
    text = found[-1][1].joinpath("vis-network.min.js").read_text(encoding="utf-8")
    if "</script" in text.lower():
        raise ExportError(f"{found[-1][1]}: vis-network.min.js contains '</script' and cannot be inlined; pin pyvis 0.3.2")
    return text


SIGMA_BUNDLE = "kg/export/html_assets/sigma.bundle.js"


@lru_cache(maxsize=1)
def _sigma_js() -> str | None:
    """sigma.js + graphology bundled by `make install` (npm, esbuild), or None when it was not built."""
    bundle = resources.files("kg.export").joinpath(_ASSETS, "sigma.bundle.js")
    if not bundle.is_file():
        return None
    text = bundle.read_text(encoding="utf-8")
    if "</script" in text.lower():
        raise ExportError(f"{SIGMA_BUNDLE} contains '</script' and cannot be inlined; rebuild it with `make install`")
    return text


def _sha256(text: str) -> str:
    return base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")
