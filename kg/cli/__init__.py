"""The `kg` command: a thin layer over the library.

Each subcommand is a module in this package with ``add_parser(subparsers)`` and ``run(args) -> int``;
COMMANDS lists them in the order `kg --help` shows them. Errors from the library (kg.errors.KGError)
become one clear line on stderr and a non-zero exit status.
"""

from __future__ import annotations

import argparse
import importlib
import os
import signal
import sys
from collections.abc import Sequence

from kg import __version__, compiled
from kg.errors import KGError, Stopped

COMMANDS = ("build", "extract", "stats", "eval", "query", "serve", "html", "export")

EXIT_ERROR = 2


def parser(command: str | None = None) -> argparse.ArgumentParser:
    """The `kg` parser with every command, or with only ``command`` (one of COMMANDS): the parser that
    ``kg COMMAND …`` needs, without importing the other commands' modules (a server, a SPARQL engine and
    the HTML page's code cost `kg build` 50 ms of its start). What either parses or prints for ``command``
    is the same: the command's own arguments and help, and no list of the others (COMMAND is a metavar)."""
    top = argparse.ArgumentParser(
        prog="kg",
        description="Build an RDF knowledge graph from Chinese texts on CPPCC grassroots consultation.",
        formatter_class=argparse.RawDescriptionHelpFormatter,  # --version's line unwrapped
    )
    top.add_argument("--version", action="version", version=f"cppcc-kg {__version__} (extractor: {compiled.STATUS.describe()})")
    sub = top.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in (command,) if command in COMMANDS else COMMANDS:
        importlib.import_module(f"kg.cli.{name}").add_parser(sub)
    return top


def main(argv: Sequence[str] | None = None) -> int:
    _stop_on_signals()
    command = "kg"
    argv = sys.argv[1:] if argv is None else list(argv)
    try:
        args = parser(argv[0] if argv else None).parse_args(argv)
        command = f"kg {args.command}"
        status: int = args.run(args)
    except KGError as exc:
        print(f"{command}: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print(f"{command}: interrupted", file=sys.stderr)
        return 128 + signal.SIGINT
    except Stopped as exc:
        print(f"{command}: stopped by {signal.Signals(exc.signum).name}", file=sys.stderr)
        return 128 + exc.signum
    except BrokenPipeError:
        # the reader of our output went away (kg eval … | head): stop quietly, as a program killed by SIGPIPE
        # does, and point stdout at /dev/null so that flushing it at exit raises nothing more
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 128 + signal.SIGPIPE
    return status


def _stop_on_signals() -> None:
    """SIGTERM (timeout, systemd, docker stop) and SIGHUP (terminal closed) unwind like Ctrl-C does: every
    temporary file and staging folder is removed on the way out."""

    def stop(signum: int, _frame: object) -> None:
        raise Stopped(signum)

    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, stop)


if __name__ == "__main__":
    sys.exit(main())
