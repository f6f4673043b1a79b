"""`kg serve [--port 7878]`: a read-only SPARQL 1.1 endpoint at /sparql and the network page at /."""

from __future__ import annotations

import argparse
import signal
import sys
from pathlib import Path

from kg.errors import ConfigError
from kg.export import BASENAME, store
from kg.server import Limits, make_server


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "serve",
        help="serve the graph over HTTP: a read-only SPARQL endpoint at /sparql and the network page at /",
        description="A SPARQL 1.1 Protocol endpoint (GET/POST, JSON/XML/CSV/TSV/Turtle by Accept) over the built graph. "
        "Queries run in worker processes with a time limit; updates are refused.",
    )
    p.add_argument("--graph", type=Path, default=Path("exports/cppcc.ttl"), metavar="PATH", help="RDF file, export folder or store folder (default: exports/cppcc.ttl)")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1, this machine only)")
    p.add_argument("--port", type=int, default=7878, help="port (default: 7878; 0 picks a free one)")
    p.add_argument("--page", type=Path, default=None, metavar="FILE", help="HTML page served at / (default: cppcc.html beside the graph, or in the export folder)")
    p.add_argument("--timeout", type=float, default=Limits.timeout, metavar="SECONDS", help=f"stop a query after this long (default: {Limits.timeout:g})")
    p.add_argument("--max-query-bytes", type=int, default=Limits.max_query_bytes, metavar="N", help=f"longest query accepted (default: {Limits.max_query_bytes})")
    p.add_argument("--max-result-bytes", type=int, default=Limits.max_result_bytes, metavar="N", help=f"largest result sent (default: {Limits.max_result_bytes})")
    p.add_argument("--workers", type=int, default=Limits.workers, metavar="N", help=f"query worker processes for ordinary queries (default: {Limits.workers})")
    p.add_argument("--slow-workers", type=int, default=Limits.slow_workers, metavar="N",
                   help=f"long-running queries (past --slow-after) that may run at once, at low CPU priority (default: {Limits.slow_workers})")
    p.add_argument("--slow-after", type=float, default=Limits.slow_after, metavar="SECONDS",
                   help=f"a query running longer than this counts as long-running (default: {Limits.slow_after:g})")
    p.add_argument("--memory-mb", type=int, default=Limits.memory_mb, metavar="MB",
                   help=f"memory one query may use; a query needing more is stopped with 503 (default: {Limits.memory_mb})")
    p.add_argument("--max-connections", type=int, default=Limits.max_connections, metavar="N",
                   help=f"client connections served at once (default: {Limits.max_connections})")
    p.add_argument("--idle-timeout", type=float, default=Limits.idle_timeout, metavar="SECONDS",
                   help=f"close a kept-alive connection idle this long (default: {Limits.idle_timeout:g})")
    p.add_argument("--request-timeout", type=float, default=Limits.request_timeout, metavar="SECONDS",
                   help=f"a request's line, headers and body must arrive within this (default: {Limits.request_timeout:g})")
    p.add_argument("--assets", type=Path, default=None, metavar="DIR",
                   help="node_modules folder holding @zazuko/yasgui and chart.js for the query workbench "
                   "(default: $KG_NODE_MODULES, or node_modules/ of the source checkout, installed by make)")
    p.add_argument("--quiet", "-q", action="store_true", help="do not log each request")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    for name in ("timeout", "max_query_bytes", "max_result_bytes", "workers", "slow_workers", "slow_after", "memory_mb",
                 "max_connections", "idle_timeout", "request_timeout"):
        if getattr(args, name) <= 0:
            raise ConfigError(f"--{name.replace('_', '-')} must be above 0 (got {getattr(args, name)})")
    limits = Limits(timeout=args.timeout, max_query_bytes=args.max_query_bytes, max_result_bytes=args.max_result_bytes,
                    workers=args.workers, slow_workers=args.slow_workers, slow_after=args.slow_after,
                    memory_mb=args.memory_mb, max_connections=args.max_connections, idle_timeout=args.idle_timeout,
                    request_timeout=args.request_timeout)  # fmt: skip
    export_dir = args.graph.is_dir() and not (args.graph / store.MANIFEST).is_file()
    page = args.page or (args.graph if export_dir else args.graph.parent) / f"{BASENAME}.html"
    server, pool = make_server(args.graph, host=args.host, port=args.port, page=page, limits=limits, quiet=args.quiet,
                               assets=args.assets)
    port = server.server_address[1]
    print(f"kg serve: SPARQL endpoint at http://{args.host}:{port}/sparql (Ctrl-C to stop)", flush=True)
    if server.RequestHandlerClass.workbench.node_modules is None:  # type: ignore[attr-defined]
        print("kg serve: the query workbench needs YASGUI, an npm package: run `make npm` in the source checkout, "
              "or pass --assets PATH/node_modules; /sparql shows a plain form meanwhile", file=sys.stderr, flush=True)
    signal.signal(signal.SIGTERM, _interrupt)  # `kill` stops the workers too, like Ctrl-C
    try:
        server.serve_forever()
    finally:
        server.server_close()
        pool.close()
    return 0


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt
