"""`kg html [--graph FILE] [--out FILE] [--renderer auto|sigma|vis] [--max-nodes N] [--overview-from N] [--types T1,T2]`:
the interactive network page of a built graph, with view options (`kg build` writes it with the defaults)."""

from __future__ import annotations

import argparse
from pathlib import Path


def add_parser(sub: argparse._SubParsersAction) -> None:
    from kg.export.html import DEFAULT_MAX_NODES, NODE_TYPES, OVERVIEW_MIN_NODES

    p = sub.add_parser("html", help="write the interactive network page (offline HTML) of a built graph")
    p.add_argument("--graph", type=Path, default=Path("exports/cppcc.ttl"), metavar="FILE", help="RDF file (default: exports/cppcc.ttl)")
    p.add_argument("--out", type=Path, default=Path("exports/cppcc.html"), metavar="FILE", help="page to write (default: exports/cppcc.html)")
    p.add_argument(
        "--renderer",
        choices=("auto", "sigma", "vis"),
        default="auto",
        help="sigma (WebGL, from npm via `make install`), vis (vis-network from pyvis) or auto (sigma when installed)",
    )
    p.add_argument(
        "--overview-from",
        type=int,
        default=OVERVIEW_MIN_NODES,
        metavar="N",
        help=f"open graphs of N nodes or more as an overview of communities (default {OVERVIEW_MIN_NODES}; 0: never)",
    )
    p.add_argument(
        "--physics",
        choices=("auto", "on", "off"),
        default="auto",
        help="vis renderer only: live layout in the browser: auto (small graphs only, default), on (bounded on large graphs), off",
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
        renderer=args.renderer,
        overview_min_nodes=args.overview_from,
    )
    path = html_from_file(args.graph, args.out, options)
    print(f"wrote {path}")
    return 0
