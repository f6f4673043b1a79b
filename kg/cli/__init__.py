"""The `kg` command: a thin layer over the library.

Each subcommand is a module in this package with ``add_parser(subparsers)`` and ``run(args) -> int``;
COMMANDS lists them in the order `kg --help` shows them. Errors from the library (kg.errors.KGError)
become one clear line on stderr and a non-zero exit status.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from kg import __version__
from kg.errors import KGError

COMMANDS = ("build", "extract", "stats", "eval", "query", "serve", "html", "export")

EXIT_ERROR = 2


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="kg",
        description="Build an RDF knowledge graph from Chinese texts on CPPCC grassroots consultation.",
    )
    top.add_argument("--version", action="version", version=f"cppcc-kg {__version__}")
    sub = top.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMANDS:
        importlib.import_module(f"kg.cli.{name}").add_parser(sub)
    return top


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        status: int = args.run(args)
    except KGError as exc:
        print(f"kg {args.command}: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print(f"kg {args.command}: interrupted", file=sys.stderr)
        return 130
    return status


if __name__ == "__main__":
    sys.exit(main())
