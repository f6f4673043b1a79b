"""Build throughput beside plain `jieba.lcut` on the same text, and peak memory as the corpus grows.

The corpus is made by concatenating varied copies of the sample and dev texts (read from ../shared): each
copy swaps in other place names and numbers and reorders paragraphs, so entities and sentences differ from
copy to copy the way a real news corpus does. Files of about 6 KB, about 5 MB in all.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
WORK = ROOT / "benchmarks" / "work" / "build"
TARGET_BYTES = 5_000_000

# Places swapped into the copies (Sichuan cities and counties; the gazetteer knows them all).
CITIES = "成都 德阳 绵阳 广元 遂宁 内江 乐山 南充 宜宾 广安 达州 巴中 雅安 眉山 资阳 自贡 攀枝花 泸州".split()
COUNTIES = "郫都区 双流区 金堂县 崇州市 荣县 绵竹市 通江县 仁寿县 南部县 宣汉县 射洪市 隆昌市 峨眉山市 江安县 邻水县 平昌县 名山区 安岳县".split()


def base_texts() -> list[str]:
    files = sorted((SHARED / "seed").glob("*.txt")) + sorted((SHARED / "dev").glob("*.txt"))
    return [f.read_text(encoding="utf-8") for f in files]


def vary(text: str, rng: random.Random) -> str:
    paragraphs = text.split("\n")
    head, body = paragraphs[:2], paragraphs[2:]
    rng.shuffle(body)
    out = "\n".join(head + body)
    for old in rng.sample(CITIES, 3):
        out = out.replace(old, rng.choice(CITIES))
    for old in rng.sample(COUNTIES, 3):
        out = out.replace(old, rng.choice(COUNTIES))
    return "".join(str(rng.randint(1, 9)) if ch.isdigit() and rng.random() < 0.3 else ch for ch in out)


def make_corpus(target: int, folder: Path, seed: int = 7) -> str:
    """Write varied copies into ``folder`` until ``target`` bytes; return the concatenated text."""
    rng = random.Random(seed)
    texts = base_texts()
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.txt"):
        old.unlink()
    parts: list[str] = []
    size, n = 0, 0
    while size < target:
        chunk = "\n\n".join(vary(rng.choice(texts), rng) for _ in range(2))
        (folder / f"doc{n:05d}.txt").write_text(chunk, encoding="utf-8")
        parts.append(chunk)
        size += len(chunk.encode("utf-8"))
        n += 1
    return "\n".join(parts)


def time_jieba(text: str) -> float:
    """Seconds for plain `jieba.lcut` over ``text`` in this process (dictionary loaded beforehand)."""
    import jieba

    jieba.setLogLevel(60)
    jieba.initialize()
    started = time.perf_counter()
    jieba.lcut(text)
    return time.perf_counter() - started


BUILD_CHILD = """
import json, resource, sys, time
from pathlib import Path
from kg.pipeline import build_to
from kg.settings import Settings
started = time.perf_counter()
settings = Settings(validate=sys.argv[3] == "validate")
report = build_to([sys.argv[1]], Path(sys.argv[2]), formats=["turtle"], settings=settings, progress=False)
print(json.dumps({"seconds": time.perf_counter() - started, "triples": report.triples,
                  "documents": report.documents, "characters": report.characters,
                  "violations": len(report.violations), "stages": report.stages,
                  "self_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                  "children_kb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}))
"""


def time_build(corpus: Path, out: Path, validate: bool = False) -> dict[str, Any]:
    mode = "validate" if validate else "no-validate"
    done = subprocess.run(
        [sys.executable, "-c", BUILD_CHILD, str(corpus), str(out), mode], capture_output=True, text=True, check=True
    )
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def run() -> str:
    rows = []
    full_text = ""
    for target in (TARGET_BYTES // 5, TARGET_BYTES // 2, TARGET_BYTES):
        folder = WORK / f"corpus-{target // 1000}k"
        text = make_corpus(target, folder)
        if target == TARGET_BYTES:
            full_text = text
        rows.append((target, time_build(folder, WORK / f"out-{target // 1000}k")))
    validated = time_build(WORK / f"corpus-{TARGET_BYTES // 1000}k", WORK / "out-validated", validate=True)

    jieba_seconds = time_jieba(full_text)
    chars = len(full_text)
    build = rows[-1][1]
    jieba_rate = chars / jieba_seconds
    build_rate = build["characters"] / build["seconds"]
    validated_rate = validated["characters"] / validated["seconds"]
    stages = ", ".join(f"{k} {v:.1f} s" for k, v in build["stages"].items())
    lines = [
        "## build",
        "",
        f"Corpus: varied copies of the sample and dev texts, {len(full_text.encode('utf-8')) / 1e6:.1f} MB, "
        f"{chars:,} characters, {int(build['documents']):,} documents, {int(build['triples']):,} triples. "
        "Build = `kg build --formats turtle` in a fresh process (both cores), from reading files to the "
        "written Turtle.",
        "",
        "| what | seconds | characters/s | × jieba.lcut |",
        "|---|---|---|---|",
        f"| plain `jieba.lcut` (one core, dictionary preloaded) | {jieba_seconds:.1f} | {jieba_rate:,.0f} | 1.00 |",
        f"| whole `kg build --no-validate` | {build['seconds']:.1f} | {build_rate:,.0f} | "
        f"{build_rate / jieba_rate:.2f} |",
        f"| whole `kg build` with SHACL validation (pySHACL) | {validated['seconds']:.1f} | {validated_rate:,.0f} | "
        f"{validated_rate / jieba_rate:.2f} |",
        "",
        f"Stages of the build without validation: {stages}. With validation, SHACL took "
        f"{validated['stages'].get('validate', 0):.1f} s and {validated['self_kb'] / 1024:.0f} MB "
        "(pySHACL works on an in-memory rdflib copy of the graph).",
        "",
        "Peak memory as the corpus grows, without validation (max RSS of the main process, and of the largest "
        "worker):",
        "",
        "| corpus | triples | main MB | worker MB | seconds |",
        "|---|---|---|---|---|",
    ]
    for target, b in rows:
        lines.append(
            f"| {target / 1e6:.1f} MB | {int(b['triples']):,} | {b['self_kb'] / 1024:.0f} | "
            f"{b['children_kb'] / 1024:.0f} | {b['seconds']:.1f} |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    print(run())
