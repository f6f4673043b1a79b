"""`kg html [--graph FILE] [--out FILE] [--physics auto|on|off] [--max-nodes N] [--types T1,T2]`:
the interactive network page of a built graph, with view options (`kg build` writes it with the defaults)."""

from __future__ import annotations

import argparse
from pathlib import Path


def add_parser(sub: argparse._SubParsersAction) -> None:
    from kg.export.html import DEFAULT_MAX_NODES, NODE_TYPES

    p = sub.add_parser("html", help="write the interactive network page (offline HTML) of a built graph")
    p.add_argument("--graph", type=Path, default=Path("exports/cppcc.ttl"), metavar="FILE", help="RDF file (default: exports/cppcc.ttl)")
    p.add_argument("--out", type=Path, default=Path("exports/cppcc.html"), metavar="FILE", help="page to write (default: exports/cppcc.html)")
    p.add_argument(
        "--physics",
        choices=("auto", "on", "off"),
        default="auto",
        help="live layout in the browser: auto (small graphs only, default), on (bounded on large graphs), off",
    )
    p.add_argument(
        "--max-nodes",
        type=int,
        default=DEFAULT_MAX_NODES,
        metavar="N",
        help=f"keep the N most connected nodes (default {DEFAULT_MAX_NODES}; 0: all)",
    )
    p.add_argument("--types", default="", metavar="T1,T2", help=f"node types to show (default all): {', '.join(NODE_TYPES)}")
    p.add_argument("--no-documents", action="store_true", help="leave document nodes out")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from kg.export.html import HtmlOptions, html_from_file

    options = HtmlOptions(
        physics=args.physics,
        max_nodes=args.max_nodes,
        types=tuple(t.strip() for t in args.types.split(",") if t.strip()),
        include_documents=not args.no_documents,
    )
    path = html_from_file(args.graph, args.out, options)
    print(f"wrote {path}")
    return 0
