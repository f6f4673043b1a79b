"""`kg eval GOLD_DIR... [--texts DIR...] [-v]`: precision, recall and F1 per entity type (and per relation type
where X.rel.json is given) against hand-made gold files."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "eval", help="score extraction against gold annotations (X.gold.json with X.txt beside it or in --texts)"
    )
    p.add_argument("gold_dirs", nargs="+", type=Path, metavar="GOLD_DIR", help="folders of X.gold.json (+ X.txt)")
    p.add_argument(
        "--texts", nargs="+", type=Path, default=[], metavar="DIR",
        help="folders searched, in order, for X.txt when it is not beside X.gold.json",
    )
    p.add_argument("-v", "--verbose", action="store_true", help="list misses and false hits (entities and relations) per document")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from kg.evaluate import evaluate, format_report

    report = evaluate(args.gold_dirs, args.texts)
    if report.missing:
        listed = "\n".join(f"  {path}" for path in report.missing)
        print(f"kg eval: warning: no text found for {len(report.missing)} gold file(s):\n{listed}", file=sys.stderr)
    print(format_report(report, verbose=args.verbose))
    return 0
