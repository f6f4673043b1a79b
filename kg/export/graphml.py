"""GraphML and GEXF for Gephi, yEd and networkx, from the property graph (kg.graphview).

Nodes are the entities, documents and quantities, keyed by IRI, with the attributes ``type`` (ontology
class), ``type_zh``, ``label`` (the Chinese name), ``aliases``, ``documents``, ``sentences`` and, where
they apply, ``code``, ``referenceSource``, ``value`` (integer), ``atLeast`` (boolean), ``counted``, ``unit``,
``date`` (a document's, ISO), ``startDate`` and ``endDate`` (a dated event's).
Edges carry ``predicate`` (ontology property), ``label`` (its graph-database name, RUNS_PLATFORM),
``sentences``, ``documents`` and ``dates`` (ISO dates the documents give for it); the edge key is the predicate. GraphML and GEXF have no list type, so
list attributes are JSON arrays in a string (``json.loads`` gives the list back).

Order is stable (nodes and edges as kg.graphview sorts them) and GEXF's last-modified date is left out,
so two writes of the same graph are byte-identical.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kg.errors import ExportError
from kg.export import BASENAME, atomic_path
from kg.export.naming import term_names
from kg.graphview import property_graph

# Characters XML 1.0 cannot hold, even escaped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def json_list(values: Any) -> str:
    return json.dumps(list(values), ensure_ascii=False)


def to_networkx(store: ox.Store) -> Any:
    """The property graph as a networkx.MultiDiGraph with the attributes written to GraphML and GEXF."""
    g: Any = property_graph(store).to_networkx(join=json_list)
    for node, data in g.nodes(data=True):
        data["type_zh"] = term_names(data["type"]).zh
        if "value" in data:
            data["value"] = int(data["value"])
        if "atLeast" in data:
            data["atLeast"] = data["atLeast"] == "true"
        _check_xml(f"node {node}", data)
    for source, target, key, data in g.edges(keys=True, data=True):
        data["label"] = term_names(data["predicate"]).graph_name
        _check_xml(f"edge {source} {key} {target}", data)
    return g


def _check_xml(where: str, data: dict[str, Any]) -> None:
    for name, value in data.items():
        if isinstance(value, str) and (bad := _NOT_XML.search(value)):
            raise ExportError(
                f"{where}: attribute {name} holds the character U+{ord(bad.group()):04X}, which XML cannot carry; "
                "remove control characters from the input document"
            )


def write_graphml(store: ox.Store, out_dir: Path) -> list[Path]:
    """``cppcc.graphml`` (networkx.write_graphml)."""
    import networkx as nx

    graph = to_networkx(store)
    dest = out_dir / f"{BASENAME}.graphml"
    with atomic_path(dest) as tmp:
        nx.write_graphml(graph, str(tmp), encoding="utf-8", prettyprint=True)
    return [dest]


def write_gexf(store: ox.Store, out_dir: Path) -> list[Path]:
    """``cppcc.gexf`` (GEXF 1.2 by networkx), without the run's date so the file is deterministic."""
    from networkx.readwrite.gexf import GEXFWriter

    graph = to_networkx(store)
    writer = GEXFWriter(encoding="utf-8", prettyprint=True, version="1.2draft")
    writer.add_graph(graph)
    meta = writer.xml.find("meta")
    if meta is not None:
        meta.attrib.pop("lastmodifieddate", None)
    dest = out_dir / f"{BASENAME}.gexf"
    with atomic_path(dest) as tmp, tmp.open("wb") as fh:
        writer.write(fh)
    return [dest]
