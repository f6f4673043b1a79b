"""`make bench`: run every benchmarks/bench_*.py module and write benchmarks/results.md.

Each module has ``run() -> str`` returning a Markdown section with its figures; all figures in one
section are measured in the same run, so ratios between them are meaningful on a noisy shared machine.
Run one with `python -m benchmarks.run NAME` (e.g. `build`).
"""

from __future__ import annotations

import importlib
import platform
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results.md"


def main(argv: list[str]) -> int:
    names = argv or sorted(p.stem.removeprefix("bench_") for p in HERE.glob("bench_*.py"))
    sections = []
    for name in names:
        print(f"== {name}", flush=True)
        started = time.perf_counter()
        section = importlib.import_module(f"benchmarks.bench_{name}").run()
        print(section, flush=True)
        sections.append(section + f"\n\n_(section took {time.perf_counter() - started:.0f} s)_\n")
    header = (
        "# Benchmark results\n\n"
        f"Written by `make bench` on {time.strftime('%Y-%m-%d %H:%M')} ({platform.machine()}, "
        f"{platform.python_implementation()} {platform.python_version()}, {_cores()} cores). "
        "Ratios compare figures measured in the same run.\n"
    )
    if argv and RESULTS.exists():  # one section re-run: keep the others
        old = RESULTS.read_text(encoding="utf-8")
        sections = [s for s in _split(old) if not any(s.startswith(f"## {n}") for n in names)] + sections
    RESULTS.write_text(header + "\n" + "\n".join(sections), encoding="utf-8")
    print(f"written {RESULTS}")
    return 0


def _split(text: str) -> list[str]:
    parts = text.split("\n## ")
    return ["## " + p for p in parts[1:]]


def _cores() -> int:
    import os

    return os.cpu_count() or 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
