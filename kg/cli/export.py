"""`kg export FORMAT[,FORMAT…] [--graph FILE] [--out DIR]`: write a built graph in other formats."""

from __future__ import annotations

import argparse
from pathlib import Path

from kg import export
from kg.export.convert import convert


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("export", help="write a built graph as N-Triples, N-Quads, TriG, JSON-LD, Neo4j CSV, GraphML …")
    p.add_argument(
        "formats",
        metavar="FORMAT",
        help=f"comma-separated formats, or 'all': {', '.join(export.names())}",
    )
    p.add_argument(
        "--graph", type=Path, default=Path("exports/cppcc.ttl"), metavar="FILE", help="RDF file to read (default: exports/cppcc.ttl)"
    )
    p.add_argument("--out", type=Path, default=Path("exports"), metavar="DIR", help="output folder (default: exports)")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    formats = [f.strip() for f in args.formats.split(",") if f.strip()]
    for path in convert(args.graph, formats, args.out):
        print(path)
    return 0
