"""`kg build [PATH...] [--out DIR]`: corpus files and folders in, exports out, a summary table printed."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kg import export
from kg.pipeline import BuildReport, build_to
from kg.report import format_build_report
from kg.settings import Settings


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("build", help="build the knowledge graph from files and folders into exports/")
    p.add_argument("paths", nargs="*", default=["corpus"], metavar="PATH", help="files or folders (default: corpus)")
    p.add_argument("--out", type=Path, default=Path("exports"), metavar="DIR", help="output folder (default: exports)")
    p.add_argument(
        "--formats",
        default="all",
        metavar="LIST",
        help=f"comma-separated export formats, or 'all' (default): {', '.join(export.names())}",
    )
    p.add_argument("--lexicon", type=Path, action="append", default=[], metavar="FILE", help="extra user lexicon (repeatable)")
    p.add_argument("--workers", type=_count, default=0, metavar="N", help="worker processes (default: one per core)")
    p.add_argument("--no-validate", action="store_true", help="skip SHACL validation")
    p.add_argument(
        "--no-cache", action="store_true", help="extract every file again and keep no cache (default: reuse DIR/.kg-cache)"
    )
    p.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="extract on a Dask cluster (e.g. tcp://10.0.0.5:8786); the documents' text is sent to its workers",
    )
    p.add_argument("--quiet", "-q", action="store_true", help="no progress bar")
    p.set_defaults(run=run)


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected 0 (one per core) or more, got {value}")
    return value


def run(args: argparse.Namespace) -> int:
    formats = export.names() if args.formats == "all" else [f.strip() for f in args.formats.split(",") if f.strip()]
    settings = Settings(user_lexicons=tuple(args.lexicon), workers=args.workers, validate=not args.no_validate)
    report: BuildReport = build_to(
        args.paths,
        args.out,
        formats=formats,
        settings=settings,
        progress=not args.quiet,
        cache=not args.no_cache,
        scheduler=args.scheduler,
    )
    print(format_build_report(report))
    for path, reason in report.notes:
        print(f"kg build: note: {path}: {reason}", file=sys.stderr)
    for path, reason in report.skipped:
        print(f"kg build: skipped {path}: {reason}", file=sys.stderr)
    if report.violations:
        print(f"kg build: {len(report.violations)} SHACL violations:", file=sys.stderr)
        for line in report.violations[:50]:
            print(f"  {line}", file=sys.stderr)
    return 0 if report.ok else 1
