"""`kg stats [--graph PATH]`: counts of documents, entities per type, relations per property in a built graph,
read from the VoID description the build writes into it."""

from __future__ import annotations

import argparse
from pathlib import Path

from kg.report import table
from kg.stats import graph_stats


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("stats", help="show counts per entity type and relation in a built graph")
    p.add_argument("--graph", type=Path, default=Path("exports/cppcc.ttl"), metavar="PATH", help="RDF file, export folder or store folder (default: exports/cppcc.ttl)")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    stats = graph_stats(args.graph)
    print(table(stats.overview, ("graph", str(args.graph))))
    print(f"(counts: {stats.source})")
    print()
    print(table(stats.entities, ("entity type", "count")))
    print()
    print(table(stats.relations, ("relation", "count")))
    return 0
