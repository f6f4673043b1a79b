"""`kg query QUERY`: run SPARQL (text, a .rq file, or a ready-made question's name) against the last build.

    kg query --list
    kg query platforms
    kg query cooccurring --param name=成都市政协 --format csv
    kg query 'SELECT ?b WHERE { ?b a cppcc:CPPCCBody }' --graph exports/cppcc.ttl
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kg import query
from kg.errors import QueryError
from kg.export.store import open_store

FORMATS = ("table", *query.RESULT_FORMATS, *query.GRAPH_FORMATS)


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "query",
        help="run a SPARQL query or a ready-made question against the built graph",
        description="Run SPARQL against the built graph; common prefixes (cppcc:, body:, place:, rdfs:, skos: …) are predeclared.",
    )
    p.add_argument("query", nargs="?", metavar="QUERY", help="SPARQL text, a .rq file, or a ready-made query name (see --list)")
    p.add_argument("--list", action="store_true", help="list the ready-made queries with their descriptions and parameters")
    p.add_argument(
        "--graph",
        type=Path,
        default=Path("exports/cppcc.ttl"),
        metavar="PATH",
        help="RDF file, export folder (kg build --out) or store folder (default: exports/cppcc.ttl; "
        "its on-disk store is built once and reused)",
    )
    p.add_argument(
        "--format",
        choices=FORMATS,
        default="table",
        help="table (default; Turtle for CONSTRUCT/DESCRIBE), SPARQL results json/xml/csv/tsv, or an RDF format for graphs",
    )
    p.add_argument("--param", action="append", default=[], metavar="NAME=VALUE", help="a query parameter, bound as a literal (repeatable)")
    p.add_argument("--width", type=int, default=60, metavar="N", help="cut table cells wider than N columns (0: never; default 60)")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if args.list:
        print(query.format_questions(query.questions()))
        return 0
    if not args.query:
        raise QueryError("give a query: SPARQL text, a .rq file or a ready-made name (kg query --list shows them)")
    text, question = query.resolve(args.query)
    params = query.parse_params(args.param)
    if question is not None:
        query.bindings(params, question)  # checks names and required parameters before opening the store
    query.check_shape(text)
    store = open_store(args.graph)
    if args.format == "table":
        result = query.on_deep_stack(lambda: query.run_query(store, text, params))
        print(query.format_table(result, max_width=args.width))
        return 0
    query.on_deep_stack(lambda: query.serialize(query.execute(store, text, params), args.format, sys.stdout.buffer))
    sys.stdout.buffer.flush()
    return 0
