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
import random
import re
from collections import Counter
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import pyoxigraph as ox

from kg.errors import ConfigError, ExportError, InputError
from kg.export import BASENAME, atomic_path
from kg.graph import ontology_store
from kg.graphview import Edge, Node, PropertyGraph, property_graph
from kg.model import ENTITY_TYPES
from kg.vocab import ONTOLOGY_NS, PREFIXES

Physics = Literal["auto", "on", "off"]

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
DEFAULT_MAX_NODES = 10_000
EDGE_PIXELS = 120.0
SPREAD_PIXELS = 110.0
LABEL_MAX_CHARS = 14
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

    def __post_init__(self) -> None:
        if self.physics not in ("auto", "on", "off"):
            raise ConfigError(f"html physics must be auto, on or off, not {self.physics!r}")
        if self.max_nodes < 0:
            raise ConfigError(f"html max nodes must be 0 (no limit) or more, not {self.max_nodes}")
        unknown = [t for t in self.types if t not in NODE_TYPES]
        if unknown:
            raise ConfigError(f"unknown node type(s) {', '.join(unknown)}; choose from {', '.join(NODE_TYPES)}")


# ---------------------------------------------------------------------------- entry points


def write_html(store: ox.Store, out_dir: Path) -> list[Path]:
    """Exporter ``html``: ``cppcc.html`` with the default view options."""
    dest = out_dir / f"{BASENAME}.html"
    write_page(property_graph(store), dest, HtmlOptions())
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
    """Write the page of ``graph`` to ``dest`` atomically, as UTF-8."""
    page = render_page(graph, options)
    with atomic_path(dest) as tmp:
        tmp.write_bytes(page.encode("utf-8"))
    return dest


def render_page(graph: PropertyGraph, options: HtmlOptions) -> str:
    """The whole page as text: assets inlined, data embedded, CSP hashes for the two inline scripts."""
    data_json = script_json(page_data(graph, options))
    vis_js = _vis_js()
    page_js = _asset("page.js")
    parts = {
        "CSS": _asset("page.css"),
        "DATA": data_json,
        "VIS_JS": vis_js,
        "PAGE_JS": page_js,
        "SCRIPT_HASHES": " ".join(f"'sha256-{_sha256(s)}'" for s in (vis_js, page_js)),
    }
    return _MARKER.sub(lambda m: parts[m[1]], _asset("page.html"))


# ---------------------------------------------------------------------------- the data in the page


def page_data(graph: PropertyGraph, options: HtmlOptions) -> dict[str, Any]:
    """Everything the page script needs: vis-network nodes, edges and options, plus what the panel shows."""
    nodes, edges, total = select(graph, options)
    index = {n.iri: i for i, n in enumerate(nodes)}
    pairs = [(index[e.source], index[e.target]) for e in edges]
    degree: Counter[int] = Counter()
    for a, b in pairs:
        degree[a] += 1
        degree[b] += 1
    positions = layout(len(nodes), pairs, seed=options.seed)
    live = options.physics == "on" or (options.physics == "auto" and len(nodes) <= LIVE_PHYSICS_MAX_NODES)
    physics = {"live": live, "bounded": live and len(nodes) > LIVE_PHYSICS_MAX_NODES}

    labels = ontology_labels()
    types = [t for t in NODE_TYPES if any(n.type == t for n in nodes)]
    types += sorted({n.type for n in nodes} - set(types))
    type_index = {t: i for i, t in enumerate(types)}
    titles = {doc: title for n in nodes for doc, title in n.documents}
    titles.update({n.iri: n.label for n in nodes if n.type == "Document"})

    net = _network(nodes, positions, degree)
    edge_labels = len(edges) <= EDGE_LABELS_MAX_EDGES
    net.add_edges(pairs)
    for i, (vis_edge, edge) in enumerate(zip(net.edges, edges, strict=True)):
        vis_edge["id"] = i
        del vis_edge["arrows"]  # pyvis sets it on every edge; the global edge options say it once
        if edge_labels:
            vis_edge["label"] = labels.get(edge.predicate, (edge.predicate, ""))[0]

    counts = Counter(n.type for n in nodes)
    return {
        "meta": {"shown": len(nodes), "total": total, "edges": len(edges), **physics},
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
        "options": vis_options(len(nodes), physics["live"], edge_labels),
        "nodes": net.nodes,
        "edges": net.edges,
        "info": {
            "nodes": [_node_info(n, type_index[n.type], degree[i]) for i, n in enumerate(nodes)],
            "edges": [
                {"predicate": e.predicate, "sentences": e.sentences, "documents": [[d, titles.get(d, "")] for d in e.documents]}
                for e in edges
            ],
        },
    }


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


def layout(count: int, pairs: list[tuple[int, int]], *, seed: int) -> list[tuple[int, int]]:
    """Positions in pixels for ``count`` nodes joined by ``pairs``, seeded (same input, same output).

    igraph's Fruchterman-Reingold in C; from GRID_LAYOUT_MIN_NODES on, its grid variant, which only repels
    nearby nodes, so 10,000 nodes take about a second (networkx's spring_layout takes minutes).
    Scaled so that the median edge is at least EDGE_PIXELS long and the drawing at least SPREAD_PIXELS·√count
    wide: the overview of a large graph is then zoomed out far enough that vis-network skips the labels
    (drawn again as one zooms in), which keeps its redraws fast.
    """
    if count == 0:
        return []
    if count == 1:
        return [(0, 0)]
    import igraph

    g = igraph.Graph(n=count, edges=sorted({(min(a, b), max(a, b)) for a, b in pairs if a != b}))
    big = count >= GRID_LAYOUT_MIN_NODES
    igraph.set_random_number_generator(random.Random(seed))
    try:
        coords = g.layout_fruchterman_reingold(niter=300 if big else 500, grid=big).coords
    finally:
        igraph.set_random_number_generator(random)
    cx = sum(x for x, _ in coords) / count
    cy = sum(y for _, y in coords) / count
    lengths = sorted(math.dist(coords[a], coords[b]) for a, b in g.get_edgelist())
    median = lengths[len(lengths) // 2] if lengths else 0.0
    extent = max(max(abs(x - cx), abs(y - cy)) for x, y in coords) or 1.0
    scale = max(EDGE_PIXELS / median if median > 1e-9 else 0.0, SPREAD_PIXELS * math.sqrt(count) / 2 / extent)
    return [(round((x - cx) * scale), round((y - cy) * scale)) for x, y in coords]


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
            "smooth": {"enabled": True, "type": "continuous"} if not big else False,
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


def _network(nodes: list[Node], positions: list[tuple[int, int]], degree: Counter[int]) -> Any:
    """A pyvis Network holding the nodes (ids are indexes into ``nodes``), filled in bulk."""
    from pyvis.network import Network

    net = Network(directed=True)
    net.node_ids = _IdList()  # pyvis checks membership in this list once per node and twice per edge
    ids = list(range(len(nodes)))
    net.add_nodes(
        ids,
        label=[_short(n.label or n.iri.rsplit("/", 1)[-1]) for n in nodes],
        x=[x for x, _ in positions],
        y=[y for _, y in positions],
        color=[TYPE_STYLE.get(n.type, _OTHER_STYLE)[0] for n in nodes],
        shape=[TYPE_STYLE.get(n.type, _OTHER_STYLE)[1] for n in nodes],
        size=[min(40, round(10 + 4 * math.sqrt(degree[i]))) for i in ids],
    )
    return net


class _IdList(list[Any]):
    """pyvis keeps node ids in a list and tests ``id in list`` for every node and edge added (quadratic);
    this list answers ``in`` from a set, so filling 10,000 nodes takes milliseconds instead of seconds."""

    def __init__(self) -> None:
        super().__init__()
        self._members: set[Any] = set()

    def append(self, item: Any) -> None:
        super().append(item)
        self._members.add(item)

    def __contains__(self, item: object) -> bool:
        return item in self._members


def _node_info(node: Node, type_index: int, degree: int) -> dict[str, Any]:
    return {
        "iri": node.iri,
        "type": type_index,
        "label": node.label,
        "aliases": node.aliases,
        "documents": [list(d) for d in node.documents],
        "sentences": node.sentences,
        "attrs": dict(sorted(node.attrs.items())),
        "degree": degree,
    }


def _short(label: str) -> str:
    return label if len(label) <= LABEL_MAX_CHARS else label[: LABEL_MAX_CHARS - 1] + "…"


# ---------------------------------------------------------------------------- text, assets, ontology labels


_JSON_ESCAPES = (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029"))


def script_json(value: Any) -> str:
    """JSON safe inside an HTML ``<script>`` block: ``</script>``, ``<!--`` and line separators cannot appear."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    for raw, escaped in _JSON_ESCAPES:  # str.replace runs in C; str.translate with a dict is ten times slower
        text = text.replace(raw, escaped)
    return text


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


def _sha256(text: str) -> str:
    return base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")
