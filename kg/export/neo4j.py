"""The property graph as CSV files for Neo4j (``neo4j-admin database import`` and ``LOAD CSV``) and LadybugDB.

``exports/neo4j/`` holds:

    nodes_<Label>.csv     one file per node label: id:ID, name, aliases:string[], type, type_zh, …
    rels_<TYPE>.csv       one file per relationship type: :START_ID, :END_ID, :TYPE, predicate, type_zh, …
    schema.cypher         uniqueness constraints on ids (Neo4j)
    load.cypher           constraints + LOAD CSV statements (Neo4j 5, cypher-shell)
    import.sh             the neo4j-admin database import command for the same files
    load.ladybug.cypher   schema + COPY statements for LadybugDB (run with the folder as working directory)

Labels and relationship types are the ontology's English names (kg.export.naming); every node also has
the label ``Resource`` in Neo4j, with a uniqueness constraint on ``id`` (the node's IRI), so the
relationship loaders match both ends through one index. Array properties are joined with U+001F (the
ASCII unit separator), a control character that never occurs in text; it is passed to neo4j-admin as
``--array-delimiter=U+001F`` and split with ``split(…, '\\u001F')`` in Cypher. A value that contains it
is refused (ExportError) rather than silently split.

The folder is written into a temporary folder that then replaces ``exports/neo4j`` (kg.export.atomic_dir).
"""

from __future__ import annotations

import csv
import shlex
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from functools import partial
from itertools import chain, islice
from operator import attrgetter, itemgetter
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kg.errors import ExportError
from kg.export import atomic_dir
from kg.export.graphfile import GraphFile
from kg.export.naming import cypher_name, cypher_string, term_names
from kg.graphview import Edge, Node, PropertyGraph, edge_lists, property_graph
from kg.vocab import ONTOLOGY_NS

FOLDER = "neo4j"
ARRAY_DELIMITER = "\x1f"
ARRAY_DELIMITER_NAME = "U+001F"
COMMON_LABEL = "Resource"
BATCH = 1000

# Typed node attributes (kg.graphview Node.attrs); every other attribute is a string.
ATTR_TYPES = {"value": "long", "atLeast": "boolean"}
_LADYBUG_TYPES = {"string": "STRING", "long": "INT64", "boolean": "BOOLEAN", "string[]": "STRING[]"}
_CYPHER_CASTS = {"long": "toInteger({})", "boolean": "toBoolean({})"}


@dataclass(frozen=True)
class Column:
    """One CSV column: the property name, its neo4j-admin type ('' for string) and the header it gets."""

    name: str
    type: str = "string"
    header: str = ""

    @property
    def csv_header(self) -> str:
        if self.header:
            return self.header
        return self.name if self.type == "string" else f"{self.name}:{self.type}"


NODE_COLUMNS = (
    Column("id", header="id:ID"),
    Column("name"),
    Column("aliases", "string[]"),
    Column("type"),
    Column("type_zh"),
    Column("documents", "string[]"),
    Column("sentences", "string[]"),
)
REL_COLUMNS = (
    Column("start", header=":START_ID"),
    Column("end", header=":END_ID"),
    Column("rel_type", header=":TYPE"),
    Column("predicate"),
    Column("type_zh"),
    Column("sentences", "string[]"),
    Column("documents", "string[]"),
    Column("dates", "string[]"),
)


@dataclass
class _Table:
    name: str
    filename: str
    columns: tuple[Column, ...]
    rows: Callable[[], Iterable[list[str]]]
    """the rows, made as they are written (none for a relationship table: those are written together, in
    one pass over the edges, by _write_relationships)"""


def write_neo4j(source: GraphFile | ox.Store, out_dir: Path) -> list[Path]:
    """``neo4j/``: CSV files per label and type, Cypher loaders for Neo4j and LadybugDB, import.sh.

    Each CSV file is written row by row from the property graph (no table is held as rows or text); the
    relationship files are written at once, in one pass over the edges."""
    graph = property_graph(source)
    _refuse_the_delimiter(graph)
    nodes, label_of = node_tables(graph)
    dest = out_dir / FOLDER
    with atomic_dir(dest) as tmp:
        for table in nodes:
            _write_csv(table, tmp / table.filename)
        rels, pairs = _write_relationships(graph, label_of, tmp)
        scripts = {
            "schema.cypher": schema_cypher(nodes),
            "load.cypher": load_cypher(nodes, rels),
            "import.sh": import_sh(nodes, rels),
            "load.ladybug.cypher": ladybug_cypher(nodes, rels, pairs),
        }
        for name, text in scripts.items():
            (tmp / name).write_bytes(text.encode())
        (tmp / "import.sh").chmod(0o755)
    return [dest / name for name in sorted([table.filename for table in nodes + rels] + list(scripts))]


# ---------------------------------------------------------------------------- tables


def node_tables(graph: PropertyGraph) -> tuple[list[_Table], dict[str, str]]:
    """Node tables per label, and each node's label by IRI."""
    by_label: dict[str, list[Node]] = defaultdict(list)
    label_of: dict[str, str] = {}
    labels: dict[str, str] = {}  # node type -> label
    for node in graph.nodes:
        label = labels.get(node.type)
        if label is None:
            label = labels[node.type] = _identifier(term_names(node.type).graph_name, f"class cppcc:{node.type}")
        by_label[label].append(node)
        label_of[node.iri] = label

    node_tables = []
    for label in sorted(by_label):
        members = by_label[label]
        attrs = sorted({a for n in members for a in n.attrs})
        columns = NODE_COLUMNS + tuple(Column(_identifier(a, f"attribute {a!r}"), ATTR_TYPES.get(a, "string")) for a in attrs)
        node_tables.append(_Table(label, f"nodes_{label}.csv", columns, partial(map, partial(_node_row, attrs=attrs), members)))
    return node_tables, label_of


def _write_relationships(graph: PropertyGraph, label_of: dict[str, str], folder: Path) -> tuple[list[_Table], dict[str, set[tuple[str, str]]]]:
    """The relationship files, one per type, written at once as the edges come; returns their tables (in
    name order, without rows) and the (start, end) label pairs of each type."""
    pairs: dict[str, set[tuple[str, str]]] = defaultdict(set)
    common: dict[str, list[str]] = {}  # predicate -> the type, predicate IRI and Chinese name of its edges' rows
    writers: dict[str, Any] = {}
    with ExitStack() as files:
        for edge in graph.edges:
            shared = common.get(edge.predicate)
            if shared is None:
                names = term_names(edge.predicate)
                rel_type = _identifier(names.graph_name, f"property cppcc:{edge.predicate}")
                shared = common[edge.predicate] = [rel_type, ONTOLOGY_NS + edge.predicate, names.zh]
            writer = writers.get(shared[0])
            if writer is None:
                fh = files.enter_context((folder / f"rels_{shared[0]}.csv").open("w", encoding="utf-8", newline=""))
                writer = writers[shared[0]] = csv.writer(fh, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
                writer.writerow([c.csv_header for c in REL_COLUMNS])
            writer.writerow(_rel_row(edge, common))
            pairs[shared[0]].add((label_of[edge.source], label_of[edge.target]))
    tables = [_Table(t, f"rels_{t}.csv", REL_COLUMNS, tuple) for t in sorted(writers)]
    return tables, dict(pairs)


def _node_row(node: Node, attrs: Sequence[str]) -> list[str]:
    join = ARRAY_DELIMITER.join
    row = [
        node.iri,
        node.label,
        join(node.aliases),
        node.type,
        term_names(node.type).zh,
        join([d for d, _ in node.documents]),
        join(node.sentences),
    ]
    return row + [node.attrs.get(a, "") for a in attrs]


def _rel_row(edge: Edge, common: dict[str, list[str]]) -> list[str]:
    """``common``: predicate -> the type, predicate IRI and Chinese name of its edges' rows."""
    join = ARRAY_DELIMITER.join
    return [edge.source, edge.target, *common[edge.predicate], join(edge.sentences), join(edge.documents), join(edge.dates)]


def _refuse_the_delimiter(graph: PropertyGraph) -> None:
    """ExportError when a value of an array property holds ARRAY_DELIMITER (it would be split): the first in
    the order of the files. All the values are searched at once; one by one only when one holds it."""
    nodes, edges = graph.nodes, graph.edges
    values = chain(
        chain.from_iterable(map(attrgetter("aliases"), nodes)),
        map(itemgetter(0), chain.from_iterable(map(attrgetter("documents"), nodes))),
        chain.from_iterable(map(attrgetter("sentences"), nodes)),
        chain.from_iterable(chain.from_iterable(edge_lists(edges))),
    )
    while chunk := list(islice(values, _SEARCHED_AT_ONCE)):
        if ARRAY_DELIMITER in "\n".join(chunk):
            break
    else:
        return
    labels = {n.iri: term_names(n.type).graph_name for n in nodes}
    for node in sorted(nodes, key=lambda n: labels[n.iri]):
        for array in (node.aliases, [d for d, _ in node.documents], node.sentences):
            _refuse(array, f"node {node.iri}")
    for edge in sorted(edges, key=lambda e: term_names(e.predicate).graph_name):
        for array in (edge.sentences, edge.documents, edge.dates):
            _refuse(array, f"relationship {edge.source} {edge.predicate} {edge.target}")


_SEARCHED_AT_ONCE = 20_000
"""Array values joined for one search of the delimiter (all of them at once held the text of the whole graph)."""


def _refuse(values: Sequence[str], where: str) -> None:
    for value in values:
        if ARRAY_DELIMITER in value:
            raise ExportError(
                f"{where}: value {value!r} contains {ARRAY_DELIMITER_NAME}, the array delimiter of the Neo4j "
                "export; remove control characters from the input document"
            )


def _identifier(name: str, what: str) -> str:
    """Labels, types and property names are file names and bare identifiers: plain ASCII only."""
    if not name or not name.isascii() or not (name[0].isalpha() or name[0] == "_") or not name.replace("_", "").isalnum():
        raise ExportError(f"{what} gives the graph-database name {name!r}, which is not [A-Za-z_][A-Za-z0-9_]*; "
                          "give the term a plain English rdfs:label in ontology/cppcc.ttl")
    return name


def _write_csv(table: _Table, path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
        writer.writerow([c.csv_header for c in table.columns])
        writer.writerows(table.rows())


# ---------------------------------------------------------------------------- Neo4j


def schema_cypher(nodes: Sequence[_Table]) -> str:
    lines = [
        "// Uniqueness constraints (and so indexes) on node ids; run after neo4j-admin import:",
        "//   cypher-shell -d <database> -f schema.cypher",
        _constraint(COMMON_LABEL),
    ]
    lines += [_constraint(t.name) for t in nodes]
    return "\n".join(lines) + "\n"


def _constraint(label: str) -> str:
    name = cypher_name(f"{label.lower()}_id")
    return f"CREATE CONSTRAINT {name} IF NOT EXISTS FOR (n:{cypher_name(label)}) REQUIRE n.id IS UNIQUE;"


def load_cypher(nodes: Sequence[_Table], rels: Sequence[_Table]) -> str:
    """LOAD CSV statements; the CSV files go into the database's import folder (file:/// URLs)."""
    out = [
        "// Load the cppcc-kg property graph into Neo4j 5 with LOAD CSV.",
        "// Copy the nodes_*.csv and rels_*.csv files of this folder into the database's import folder, then:",
        "//   cypher-shell -d <database> -f load.cypher",
        "// (in Neo4j Browser, prefix each LOAD CSV statement with :auto).",
        "",
        schema_cypher(nodes),
    ]
    for table in nodes:
        props = ", ".join(f"{cypher_name(c.name)}: {_cypher_value(c)}" for c in table.columns)
        out += [
            f"LOAD CSV WITH HEADERS FROM {cypher_string('file:///' + table.filename)} AS row",
            "CALL { WITH row",
            f"  CREATE (:{cypher_name(COMMON_LABEL)}:{cypher_name(table.name)} {{{props}}})",
            f"}} IN TRANSACTIONS OF {BATCH} ROWS;",
            "",
        ]
    for table in rels:
        props = ", ".join(f"{cypher_name(c.name)}: {_cypher_value(c)}" for c in table.columns[3:])
        common = cypher_name(COMMON_LABEL)
        out += [
            f"LOAD CSV WITH HEADERS FROM {cypher_string('file:///' + table.filename)} AS row",
            "CALL { WITH row",
            f"  MATCH (a:{common} {{id: row.{cypher_name(':START_ID')}}}), (b:{common} {{id: row.{cypher_name(':END_ID')}}})",
            f"  CREATE (a)-[:{cypher_name(table.name)} {{{props}}}]->(b)",
            f"}} IN TRANSACTIONS OF {BATCH} ROWS;",
            "",
        ]
    return "\n".join(out)


def _cypher_value(column: Column) -> str:
    field = f"row.{cypher_name(column.csv_header)}"
    if column.type == "string[]":
        return f"CASE WHEN coalesce({field}, '') = '' THEN [] ELSE split({field}, '\\u001F') END"
    cast = _CYPHER_CASTS.get(column.type)
    return cast.format(field) if cast else field


def import_sh(nodes: Sequence[_Table], rels: Sequence[_Table]) -> str:
    args = [f"--nodes={COMMON_LABEL}:{t.name}={t.filename}" for t in nodes]
    args += [f"--relationships={t.filename}" for t in rels]
    options = [
        "--overwrite-destination=true",
        "--id-type=string",
        "--multiline-fields=true",
        f"--array-delimiter={ARRAY_DELIMITER_NAME}",
    ]
    body = " \\\n  ".join(shlex.quote(a) for a in options + args)
    return (
        "#!/bin/sh\n"
        "# Import the cppcc-kg property graph into a new Neo4j 5 database with neo4j-admin (the DBMS stopped).\n"
        "#   NEO4J_HOME=/opt/neo4j DATABASE=cppcc sh import.sh\n"
        "# then start Neo4j, run `CREATE DATABASE cppcc` (Enterprise) or use the default database, and\n"
        "#   cypher-shell -d cppcc -f schema.cypher\n"
        "set -eu\n"
        'cd "$(dirname "$0")"\n'
        'ADMIN="${NEO4J_HOME:+$NEO4J_HOME/bin/}neo4j-admin"\n'
        f'"$ADMIN" database import full "${{DATABASE:-neo4j}}" \\\n  {body}\n'
    )


# ---------------------------------------------------------------------------- LadybugDB


def ladybug_cypher(nodes: Sequence[_Table], rels: Sequence[_Table], pairs: dict[str, set[tuple[str, str]]]) -> str:
    """Schema and COPY statements for LadybugDB (Kùzu's successor); file paths are relative to this folder."""
    out = [
        "// Load the cppcc-kg property graph into LadybugDB. With this folder as the working directory:",
        "//   python -c \"import ladybug; ladybug.Connection(ladybug.Database('cppcc.lbug'))"
        ".execute(open('load.ladybug.cypher').read())\"",
        "",
    ]
    for table in nodes:
        cols = ", ".join(
            f"{_lb(c.name)} {_LADYBUG_TYPES[c.type]}" + (" PRIMARY KEY" if c.name == "id" else "") for c in table.columns
        )
        out.append(f"CREATE NODE TABLE {_lb(table.name)}({cols});")
    for table in rels:
        ends = ", ".join(f"FROM {_lb(a)} TO {_lb(b)}" for a, b in sorted(pairs[table.name]))
        cols = ", ".join(f"{_lb(c.name)} {_LADYBUG_TYPES[c.type]}" for c in table.columns[3:])
        out.append(f"CREATE REL TABLE {_lb(table.name)}({ends}, {cols});")
    for table in nodes:
        out.append(f"COPY {_lb(table.name)} FROM ({_ladybug_load(table)} RETURN {_ladybug_returns(table.columns)});")
    for table in rels:
        for a, b in sorted(pairs[table.name]):
            start, end = (_lb(c.name) for c in table.columns[:2])
            returns = _ladybug_returns(table.columns[:2] + table.columns[3:])
            out.append(
                f"COPY {_lb(table.name)} FROM ({_ladybug_load(table)} WITH * MATCH (a:{_lb(a)}), (b:{_lb(b)})"
                f" WHERE a.id = {start} AND b.id = {end} RETURN {returns}) (from={cypher_string(a)}, to={cypher_string(b)});"
            )
    return "\n".join(out) + "\n"


def _lb(name: str) -> str:
    """Always backtick-quoted: LadybugDB reserves words (end, type, …) that are fine as Neo4j property keys."""
    return "`" + name.replace("`", "``") + "`"


def _ladybug_load(table: _Table) -> str:
    headers = ", ".join(f"{_lb(c.name)} {'INT64' if c.type == 'long' else 'BOOLEAN' if c.type == 'boolean' else 'STRING'}"
                        for c in table.columns)
    return f"LOAD WITH HEADERS ({headers}) FROM {cypher_string(table.filename)} (HEADER=true, PARALLEL=false)"


def _ladybug_returns(columns: Sequence[Column]) -> str:
    parts = []
    for c in columns:
        name = _lb(c.name)
        if c.type == "string[]":
            parts.append(
                f"CASE WHEN {name} IS NULL OR {name} = '' THEN CAST([] AS STRING[]) ELSE string_split({name}, '\\u001F') END"
            )
        else:
            parts.append(name)
    return ", ".join(parts)
