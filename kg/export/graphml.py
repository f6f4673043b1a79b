"""GraphML and GEXF for Gephi, yEd and networkx, from the property graph (kg.graphview).

Nodes are the entities, documents and quantities, keyed by IRI, with the attributes ``type`` (ontology
class), ``type_zh``, ``label`` (the Chinese name), ``aliases``, ``documents``, ``sentences`` and, where
they apply, ``code``, ``referenceSource``, ``value`` (integer), ``atLeast`` (boolean), ``counted``, ``unit``,
``date`` (a document's, ISO), ``startDate`` and ``endDate`` (a dated event's).
Edges carry ``predicate`` (ontology property), ``label`` (its graph-database name, RUNS_PLATFORM),
``sentences``, ``documents`` and ``dates`` (ISO dates the documents give for it); the edge key is the predicate. GraphML and GEXF have no list type, so
list attributes are JSON arrays in a string (``json.loads`` gives the list back).

Both files are written element by element from the property graph (networkx's writers took ten times
longer), edges a batch at a time (_BATCH: nothing is held for the whole graph); networkx reads them back
(tests/test_exports.py). Order is stable (nodes and edges as kg.graphview sorts them) and no date is
written, so two writes of the same graph are byte-identical.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kg.errors import ExportError
from kg.export import BASENAME, atomic_path
from kg.export.graphfile import GraphFile
from kg.export.naming import term_names
from kg.graphview import Edge, Node, PropertyGraph, property_graph

# Characters XML 1.0 cannot hold, even escaped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def json_list(values: Any) -> str:
    """``json.dumps(list(values), ensure_ascii=False)``; a list of strings (every list the exports write) is
    joined from json's own C string encoder, 6x faster than a json.dumps call per list."""
    items = list(values)
    if not items:
        return "[]"
    if all(type(item) is str for item in items):
        return "[" + ", ".join(map(_json_string, items)) + "]"
    return json.dumps(items, ensure_ascii=False)


_json_string: Any = json.encoder.encode_basestring  # type: ignore[attr-defined]


def to_networkx(graph: GraphFile | ox.Store) -> Any:
    """The property graph as a networkx.MultiDiGraph with the attributes written to GraphML and GEXF."""
    import networkx as nx

    g = nx.MultiDiGraph()
    for node in (pg := property_graph(graph)).nodes:
        g.add_node(node.iri, **dict(_node_attrs(node)))
    for edge in pg.edges:
        g.add_edge(edge.source, edge.target, key=edge.predicate, **dict(_edge_attrs(edge)))
    return g


def _node_attrs(node: Node) -> Iterator[tuple[str, str | int | bool]]:
    """A node's attributes, in the order the files give them (kg.graphview's fields, then its attrs by name)."""
    where = f"node {node.iri}"
    yield "type", _xml(node.type, where, "type")
    yield "label", _xml(node.label, where, "label")
    yield "aliases", _xml(json_list(node.aliases), where, "aliases")
    yield "documents", _xml(json_list(d for d, _ in node.documents), where, "documents")
    yield "sentences", _xml(json_list(node.sentences), where, "sentences")
    for name in sorted(node.attrs):
        raw = node.attrs[name]
        yield name, int(raw) if name == "value" else raw == "true" if name == "atLeast" else _xml(raw, where, name)
    yield "type_zh", term_names(node.type).zh


def _edge_attrs(edge: Edge) -> Iterator[tuple[str, str]]:
    where = f"edge {edge.source} {edge.predicate} {edge.target}"
    yield "predicate", edge.predicate
    yield "sentences", _xml(json_list(edge.sentences), where, "sentences")
    yield "documents", _xml(json_list(edge.documents), where, "documents")
    yield "dates", _xml(json_list(edge.dates), where, "dates")
    yield "label", term_names(edge.predicate).graph_name


def _xml(value: str, where: str, name: str) -> str:
    if bad := _NOT_XML.search(value):
        raise ExportError(
            f"{where}: attribute {name} holds the character U+{ord(bad.group()):04X}, which XML cannot carry; "
            "remove control characters from the input document"
        )
    return value


_TEXT_ESCAPES = (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ("\r", "&#13;"))
_ATTR_ESCAPES = (*_TEXT_ESCAPES[:3], ('"', "&quot;"), ("\n", "&#10;"), ("\r", "&#13;"), ("\t", "&#09;"))
# A regex search first finds whether anything needs escaping (most values need nothing); then one
# str.replace per character, "&" first (no replacement brings back a character replaced after it). Both scan
# in C; str.translate looks every character up in a dict and took 40% of these exports on Chinese text.
_TEXT_SPECIAL = re.compile("[&<>\r]")
_ATTR_SPECIAL = re.compile('[&<>"\n\r\t]')


def _escaped(text: str, escapes: tuple[tuple[str, str], ...]) -> str:
    for char, entity in escapes:
        text = text.replace(char, entity)
    return text


def _text(value: str | int | bool) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value)
    return _escaped(text, _TEXT_ESCAPES) if _TEXT_SPECIAL.search(text) else text


def _attr(value: str | int | bool) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value)
    return _escaped(text, _ATTR_ESCAPES) if _ATTR_SPECIAL.search(text) else text


def _kind(value: str | int | bool) -> str:
    return "boolean" if isinstance(value, bool) else "long" if isinstance(value, int) else "string"


def _declared(graph: PropertyGraph) -> tuple[dict[str, str], dict[str, str]]:
    """Every node and edge attribute name with its type, in the order the files declare them (the order
    _node_attrs gives them, node after node)."""
    nodes: dict[str, str] = {}
    for node in graph.nodes:
        if not nodes:
            nodes.update(dict.fromkeys(("type", "label", "aliases", "documents", "sentences"), "string"))
        for name in sorted(node.attrs):
            nodes.setdefault(name, _ATTR_KINDS.get(name, "string"))
        nodes.setdefault("type_zh", "string")
    edges = {name: "string" for name in ("predicate", "sentences", "documents", "dates", "label")}
    return nodes, edges


_ATTR_KINDS = {"value": "long", "atLeast": "boolean"}
"""The node attributes _node_attrs gives as a number and a boolean (the others are strings)."""


_NO_LISTS = ("[]", "[]", "[]")


def _edge_lists(edges: Sequence[Edge], escapes: tuple[tuple[str, str], ...], special: re.Pattern[str]) -> list[str]:
    """The JSON lists of ``edges`` (sentences, documents, dates: three per edge, in _edge_attrs' order),
    escaped; an ExportError naming the first edge with a character XML cannot carry, as _edge_attrs would."""
    lists: list[str] = []
    for edge in edges:
        if edge.sentences or edge.documents or edge.dates:
            lists += (json_list(edge.sentences), json_list(edge.documents), json_list(edge.dates))
        else:  # most edges (mentions in documents)
            lists += _NO_LISTS
    if _NOT_XML.search("".join(lists)):
        for edge in edges:
            dict(_edge_attrs(edge))
    return _escape_each(lists, escapes, special)


def _escape_each(values: list[str], escapes: tuple[tuple[str, str], ...], special: re.Pattern[str]) -> list[str]:
    """``[_escaped(v, escapes) if special.search(v) else v for v in values]``, done on all of them at once:
    joined by NUL (no value holds one: XML cannot carry it, _xml refused it), escaped, split again."""
    joined = "\0".join(values)
    if not special.search(joined):
        return values
    return _escaped(joined, escapes).split("\0")


class _Made(dict[str, str]):
    """``make(key)`` of each key, made when first asked for (a pass over the edges to find them all would
    make every edge of an EdgeList once more)."""

    def __init__(self, make: Callable[[str], str]) -> None:
        super().__init__()
        self.make = make

    def __missing__(self, key: str) -> str:
        made = self[key] = self.make(key)
        return made


def _edge_names(escape: Callable[[str | int | bool], str]) -> tuple[_Made, _Made, _Made]:
    """``escape`` of each edge end (a node's IRI), of each predicate and of its graph name, made as asked for."""
    return _Made(escape), _Made(escape), _Made(lambda p: escape(term_names(p).graph_name))


def write_graphml(graph: GraphFile | ox.Store, out_dir: Path) -> list[Path]:
    """``cppcc.graphml``: GraphML as networkx reads it (``networkx.read_graphml(path, force_multigraph=True)``),
    written element by element."""
    pg = property_graph(graph)
    node_keys, edge_keys = _declared(pg)
    ids = {("node", name): f"d{i}" for i, name in enumerate(node_keys)}
    ids.update({("edge", name): f"d{i}" for i, name in enumerate(edge_keys, start=len(node_keys))})
    dest = out_dir / f"{BASENAME}.graphml"
    with atomic_path(dest) as tmp, tmp.open("w", encoding="utf-8") as fh:
        fh.write(
            "<?xml version='1.0' encoding='utf-8'?>\n"
            '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
            ' xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">\n'
        )
        for (scope, name), key in ids.items():
            kind = node_keys[name] if scope == "node" else edge_keys[name]
            fh.write(f'<key id="{key}" for="{scope}" attr.name="{name}" attr.type="{kind}"/>\n')
        fh.write('<graph edgedefault="directed">\n')
        for node in pg.nodes:
            fh.write(f'<node id="{_attr(node.iri)}">\n')
            fh.writelines(_graphml_data(ids[("node", name)], value) for name, value in _node_attrs(node))
            fh.write("</node>\n")
        ends, predicates, _ = _edge_names(_attr)
        first = _Made(lambda p: _graphml_data(ids[("edge", "predicate")], p))
        last = _Made(lambda p: _graphml_data(ids[("edge", "label")], term_names(p).graph_name))
        sentences, documents, dates = (f'  <data key="{ids[("edge", name)]}">' for name in ("sentences", "documents", "dates"))
        for start in range(0, len(pg.edges), _BATCH):
            batch = pg.edges[start : start + _BATCH]  # made once (an EdgeList makes the edges it is asked for)
            lists = iter(_edge_lists(batch, _TEXT_ESCAPES, _TEXT_SPECIAL))  # never empty: "[]" at least
            fh.write("".join([
                f'<edge source="{ends[edge.source]}" target="{ends[edge.target]}" id="{predicates[edge.predicate]}">\n'
                f"{first[edge.predicate]}{sentences}{next(lists)}</data>\n{documents}{next(lists)}</data>\n"
                f"{dates}{next(lists)}</data>\n{last[edge.predicate]}</edge>\n"
                for edge in batch
            ]))
        fh.write("</graph></graphml>\n")
    return [dest]


_BATCH = 1000
"""Edges written at a time."""


def _graphml_data(key: str, value: str | int | bool) -> str:
    text = _text(value)
    return f'  <data key="{key}">{text}</data>\n' if text else f'  <data key="{key}" />\n'


def write_gexf(graph: GraphFile | ox.Store, out_dir: Path) -> list[Path]:
    """``cppcc.gexf``: GEXF 1.2 as networkx reads it (``networkx.read_gexf``), without a date so that the
    file is deterministic; node labels are the nodes' names, edge labels the relations' graph names."""
    pg = property_graph(graph)
    node_keys, edge_keys = _declared(pg)
    node_keys.pop("label", None)  # an empty graph declares no keys
    edge_keys.pop("label", None)
    edge_keys["networkx_key"] = "string"
    node_ids = {name: str(i) for i, name in enumerate(node_keys)}
    edge_ids = {name: str(i) for i, name in enumerate(edge_keys, start=len(node_keys))}
    dest = out_dir / f"{BASENAME}.gexf"
    with atomic_path(dest) as tmp, tmp.open("w", encoding="utf-8") as fh:
        fh.write(
            "<?xml version='1.0' encoding='utf-8'?>\n"
            '<gexf xmlns="http://www.gexf.net/1.2draft" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
            ' xsi:schemaLocation="http://www.gexf.net/1.2draft http://www.gexf.net/1.2draft/gexf.xsd" version="1.2">\n'
            "  <meta>\n    <creator>cppcc-kg</creator>\n  </meta>\n"
            '  <graph defaultedgetype="directed" mode="static" name="">\n'
        )
        for scope, keys, ids in (("edge", edge_keys, edge_ids), ("node", node_keys, node_ids)):
            fh.write(f'    <attributes mode="static" class="{scope}">\n')
            fh.writelines(f'      <attribute id="{ids[name]}" title="{name}" type="{kind}" />\n' for name, kind in keys.items())
            fh.write("    </attributes>\n")
        fh.write("    <nodes>\n")
        for node in pg.nodes:
            values = dict(_node_attrs(node))
            label = values.pop("label")
            fh.write(f'      <node id="{_attr(node.iri)}" label="{_attr(label)}">\n        <attvalues>\n')
            fh.writelines(f'          <attvalue for="{node_ids[k]}" value="{_attr(v)}" />\n' for k, v in values.items())
            fh.write("        </attvalues>\n      </node>\n")
        fh.write("    </nodes>\n    <edges>\n")
        ends, predicates, labels = _edge_names(_attr)
        predicate, sentences, documents, dates, key = (
            f'          <attvalue for="{edge_ids[name]}" value="'
            for name in ("predicate", "sentences", "documents", "dates", "networkx_key")
        )
        for start in range(0, len(pg.edges), _BATCH):
            batch = pg.edges[start : start + _BATCH]
            lists = iter(_edge_lists(batch, _ATTR_ESCAPES, _ATTR_SPECIAL))
            fh.write("".join([
                f'      <edge source="{ends[edge.source]}" target="{ends[edge.target]}" id="{number}"'
                f' label="{labels[edge.predicate]}">\n        <attvalues>\n'
                f'{predicate}{predicates[edge.predicate]}" />\n{sentences}{next(lists)}" />\n'
                f'{documents}{next(lists)}" />\n{dates}{next(lists)}" />\n{key}{predicates[edge.predicate]}" />\n'
                "        </attvalues>\n      </edge>\n"
                for number, edge in enumerate(batch, start)
            ]))
        fh.write("    </edges>\n  </graph>\n</gexf>\n")
    return [dest]
