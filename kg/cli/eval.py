"""`kg eval GOLD_DIR... [-v]`: precision, recall and F1 per entity type against hand-made gold files."""

from __future__ import annotations

import argparse
from pathlib import Path


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("eval", help="score extraction against gold annotations (X.txt beside X.gold.json)")
    p.add_argument("gold_dirs", nargs="+", type=Path, metavar="GOLD_DIR", help="folders of X.txt + X.gold.json")
    p.add_argument("-v", "--verbose", action="store_true", help="list misses and false hits per document")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from kg.evaluate import evaluate, format_report

    print(format_report(evaluate(args.gold_dirs), verbose=args.verbose))
    return 0
