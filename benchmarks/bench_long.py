"""One very long document: build time as it grows, in windows (kg.extract.windows) and, for the smaller
sizes, extracted whole as before windows existed (the quadratic steps then dominate).

The document is varied copies of the sample and dev texts (as in bench_build) joined by blank lines into
one file with no compilation structure. Each build is `kg build FILE --formats turtle --no-validate` in a
fresh process (both cores); wall seconds and CPU seconds (the process and its workers) are both given, as
the machine is shared: CPU seconds are the steadier measure of the work done.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path
from typing import Any

from benchmarks.bench_build import base_texts, vary

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "benchmarks" / "work" / "long"
SIZES_MB = (1, 2, 4, 8)
WHOLE_MB = (0.25, 0.5, 1)
BIG_MB = 50

CHILD = """
import json, resource, sys, time
from pathlib import Path
import kg.extract.windows as windows
if sys.argv[3] == "whole":
    windows.WINDOW = 10**12  # every document extracted whole, as before windows
from kg.pipeline import build_to
from kg.settings import Settings
started = time.perf_counter()
report = build_to([sys.argv[1]], Path(sys.argv[2]), formats=["turtle"], settings=Settings(validate=False), progress=False)
me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"seconds": time.perf_counter() - started, "documents": report.documents,
                  "cpu": me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime,
                  "characters": report.characters, "triples": report.triples, "stages": report.stages,
                  "main_kb": me.ru_maxrss, "worker_kb": kids.ru_maxrss}))
"""


def make_document(megabytes: float, seed: int = 7) -> Path:
    path = WORK / f"doc-{megabytes:g}MB.txt"
    if path.exists():
        return path
    rng = random.Random(seed)
    texts = base_texts()
    parts: list[str] = []
    size = 0
    while size < megabytes * 1e6:
        part = vary(rng.choice(texts), rng)
        parts.append(part)
        size += len(part.encode("utf-8")) + 2
    WORK.mkdir(parents=True, exist_ok=True)
    path.write_text("\n\n".join(parts), encoding="utf-8")
    return path


def time_build(document: Path, mode: str) -> dict[str, Any]:
    out = WORK / f"out-{document.stem}-{mode}"
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(document), str(out), mode], capture_output=True, text=True, check=True, cwd=ROOT
    )
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def run() -> str:
    windowed = [(mb, time_build(make_document(mb), "windows")) for mb in SIZES_MB]
    whole = [(mb, time_build(make_document(mb), "whole")) for mb in WHOLE_MB]
    big = time_build(make_document(BIG_MB), "windows")
    base = windowed[0][1]
    lines = [
        "## long",
        "",
        "One document of growing length (varied copies of the sample and dev texts in one file), "
        "`kg build FILE --formats turtle --no-validate` in a fresh process. Ratios are to the 1 MB build "
        "in the same mode, measured in this run; linear growth gives ratios equal to the size ratio.",
        "",
        "| document | characters | documents | extraction | wall s | CPU s | CPU × 1 MB | triples | main MB | worker MB |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    whole_base = next(r for mb, r in whole if mb == 1)
    rows = [(mb, r, "windows", base) for mb, r in windowed] + [(BIG_MB, big, "windows", base)]
    rows += [(mb, r, "whole (before)", whole_base) for mb, r in whole]
    for mb, r, mode, ref in rows:
        lines.append(
            f"| {mb:g} MB | {r['characters']:,} | {r['documents']} | {mode} | {r['seconds']:.1f} | {r['cpu']:.1f} | "
            f"{r['cpu'] / ref['cpu']:.2f} | {r['triples']:,} | {r['main_kb'] / 1024:.0f} | {r['worker_kb'] / 1024:.0f} |"
        )
    one_whole, one_windows = whole_base["cpu"], base["cpu"]
    lines += [
        "",
        f"At 1 MB, windows take {one_windows / one_whole:.2f} × the CPU time of whole-document extraction; "
        f"the {BIG_MB} MB document builds in {big['seconds']:.0f} s ({big['cpu'] / base['cpu']:.1f} × the 1 MB "
        f"CPU time for {BIG_MB} × the text). Command: `.venv/bin/python -m benchmarks.run long`.",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    print(run())
