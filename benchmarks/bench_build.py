"""Build throughput beside plain `jieba.lcut` on the same text, what validation costs, peak memory as the
corpus grows, rebuilds from the cache, and extraction on a Dask cluster.

The corpus is made by concatenating varied copies of the sample and dev texts (read from ../shared): each
copy swaps in other place names and numbers and reorders paragraphs, so entities and sentences differ from
copy to copy the way a real news corpus does. Files of about 5 KB, about 5 MB in all (1,058 files).

Every build runs in a fresh process (`python -c`, both cores) so that its peak memory is its own. Set
KG_BENCH_50MB=1 to add the 50 MB point to the memory table (a long run on a shared machine).
"""

from __future__ import annotations

import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
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


def make_corpus_folder(target: int) -> Path:
    folder = WORK / f"corpus-{target // 1000}k"
    make_corpus(target, folder)
    return folder


def time_jieba(text: str) -> tuple[float, float]:
    """Seconds and CPU-seconds for plain `jieba.lcut` over ``text`` in this process (dictionary loaded
    beforehand)."""
    import jieba

    jieba.setLogLevel(60)
    jieba.initialize()
    started, cpu = time.perf_counter(), time.process_time()
    jieba.lcut(text)
    return time.perf_counter() - started, time.process_time() - cpu


BUILD_CHILD = """
import json, resource, sys, time
from pathlib import Path
from kg import compiled, export
from kg.pipeline import build_to
from kg.settings import Settings
corpus, out, options = sys.argv[1], Path(sys.argv[2]), json.loads(sys.argv[3])
def peak_kb():
    # VmHWM: the peak of this program alone. ru_maxrss carries over the benchmark's own size from before exec
    # (Linux folds the old image's peak in), which made a build's main process look as large as the benchmark.
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
formats = export.names() if options["formats"] == "all" else options["formats"].split(",")
started = time.perf_counter()
report = build_to([corpus], out, formats=formats, settings=Settings(validate=options["validate"], workers=options.get("workers", 0)),
                  progress=False, cache=options["cache"], scheduler=options.get("scheduler"))
print(json.dumps({"seconds": time.perf_counter() - started, "triples": report.triples, "extractor": compiled.STATUS.describe(),
                  "documents": report.documents, "characters": report.characters, "extracted": report.extracted,
                  "from_cache": report.from_cache, "violations": len(report.violations), "stages": report.stages,
                  "self_kb": peak_kb(),
                  "children_kb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
                  "cpu": sum(r.ru_utime + r.ru_stime for r in map(resource.getrusage, (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)))}))
"""


def _same_exports(out: Path, clean: Path) -> bool:
    """Do two output folders hold the same exports? Files byte for byte; the query store by its triples."""
    import pyoxigraph as ox

    def files(folder: Path) -> dict[str, bytes]:
        skip = (".kg-cache", "cppcc.oxigraph")
        return {
            str(p.relative_to(folder)): p.read_bytes()
            for p in sorted(folder.rglob("*"))
            if p.is_file() and p.relative_to(folder).parts[0] not in skip
        }

    def triples(folder: Path) -> list[bytes]:
        data = ox.Store.read_only(str(folder / "cppcc.oxigraph" / "db")).dump(format=ox.RdfFormat.N_QUADS)
        return sorted((data or b"").splitlines())

    return files(out) == files(clean) and triples(out) == triples(clean)


def tree_memory_kb(root: int, *, pss: bool) -> tuple[int, int]:
    """The resident size of process ``root`` and all its descendants now, in KB, two ways (0 once it is gone):
    the sum of their resident sizes (Rss), which counts a page shared by a forked process and its parent once
    in each, and (with ``pss``, else 0) the sum of their proportional set sizes (Pss: a shared page divided
    among the processes sharing it), which is what the processes hold together in physical memory. Pss is
    read from smaps_rollup, which walks a process's page tables: about 8-10 ms a call beside a 400 MB
    process, against 1 ms for Rss from status (measured here), so time_build reads it less often."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", "rb") as fh:
                    parents[int(entry)] = int(fh.read().rsplit(b")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):  # the process ended meanwhile
                continue
    family, grown = {root}, True
    while grown:
        more = {pid for pid, parent in parents.items() if parent in family} - family
        family |= more
        grown = bool(more)
    rss = proportional = 0
    for pid in family:
        try:
            with open(f"/proc/{pid}/status", "rb") as fh:
                rss += next((int(line.split()[1]) for line in fh if line.startswith(b"VmRSS:")), 0)
            if pss:
                with open(f"/proc/{pid}/smaps_rollup", "rb") as fh:
                    proportional += next((int(line.split()[1]) for line in fh if line.startswith(b"Pss:")), 0)
        except (OSError, ValueError):  # ended meanwhile
            continue
    return rss, proportional


PSS_EVERY = 10
"""time_build reads Pss at every PSS_EVERY-th sample (every 0.5 s) and Rss at every one (50 ms), so that
measuring the build takes about as much of the machine as before Pss was measured."""


def time_build(corpus: Path, out: Path, **options: Any) -> dict[str, Any]:
    """A build in a fresh process; its JSON summary, with ``tree_kb`` and ``tree_pss_kb``: the largest memory
    the build's processes held together (the main process, workers and export processes at once; Rss and Pss
    sums, tree_memory_kb), sampled every 50 ms (Pss every 0.5 s) from here (a thread in the build itself would change what it
    does: kg.export._threaded)."""
    options = {"formats": "turtle", "validate": True, "cache": False, **options}
    with tempfile.TemporaryFile("w+") as stdout, tempfile.TemporaryFile("w+") as stderr:
        child = subprocess.Popen([sys.executable, "-c", BUILD_CHILD, str(corpus), str(out), json.dumps(options)], stdout=stdout, stderr=stderr, text=True)
        tree_kb = tree_pss_kb = samples = 0
        while child.poll() is None:
            rss, pss = tree_memory_kb(child.pid, pss=samples % PSS_EVERY == 0)
            tree_kb, tree_pss_kb, samples = max(tree_kb, rss), max(tree_pss_kb, pss), samples + 1
            time.sleep(0.05)
        stdout.seek(0)
        stderr.seek(0)
        if child.returncode:
            raise RuntimeError(f"build of {corpus} ({options}) exited {child.returncode}:\n{stderr.read()[-4000:]}")
        result: dict[str, Any] = json.loads(stdout.read().strip().splitlines()[-1])
    result["tree_kb"], result["tree_pss_kb"] = tree_kb, tree_pss_kb
    return result


VALIDATORS_CHILD = """
import json, resource, sys, time
from pathlib import Path
nt, which = Path(sys.argv[1]), sys.argv[2]
started = time.perf_counter()
if which == "pyshacl":
    import rdflib
    from pyshacl import validate
    from kg.vocab import ONTOLOGY_FILE, SHAPES_FILE
    data = rdflib.Graph().parse(nt, format="nt")
    conforms, _, _ = validate(data, shacl_graph=rdflib.Graph().parse(SHAPES_FILE), ont_graph=rdflib.Graph().parse(ONTOLOGY_FILE),
                              inference="none", allow_warnings=True)
    found = 0 if conforms else -1
elif which == "pyrudof":
    import pyrudof
    from kg.vocab import ONTOLOGY_FILE, SHAPES_FILE
    r = pyrudof.Rudof(pyrudof.RudofConfig())
    r.read_data(str(nt), format=pyrudof.RDFFormat.NTriples)
    r.read_data(str(ONTOLOGY_FILE), format=pyrudof.RDFFormat.Turtle, merge=True)
    r.read_shacl(str(SHAPES_FILE))
    report = r.validate_shacl(mode=pyrudof.ShaclValidationMode.Native)
    found = len(report.violations)
else:
    from kg.validate import triples_of, validate_triples
    found = len(validate_triples(triples_of(nt.read_bytes())))
print(json.dumps({"seconds": time.perf_counter() - started, "violations": found,
                  "mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def time_validator(nt: Path, which: str) -> dict[str, Any] | None:
    done = subprocess.run([sys.executable, "-c", VALIDATORS_CHILD, str(nt), which], capture_output=True, text=True)
    if done.returncode != 0:
        return None  # e.g. pyrudof not installed: said so in the table
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def time_dask(corpora: list[tuple[Path, int]]) -> tuple[float, list[dict[str, Any]]] | None:
    """Local pool and Dask builds of each corpus, taking turns (``pairs`` of each), against one
    `distributed.LocalCluster` of 2 worker processes started as the README says (``--preload kg.cluster``:
    the workers load the dictionaries as they start, once for every build the cluster serves; Dask's
    sampling profiler off). Returns
    the seconds the cluster took to start (its workers warmed up), and per corpus the median figures."""
    try:
        import dask
        import distributed
    except ImportError:
        return None
    started = time.perf_counter()
    with dask.config.set({"distributed.worker.profile.enabled": False}), distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", protocol="tcp://", dashboard_address=None,
        preload=["kg.cluster"],
    ) as cluster:
        start_seconds = time.perf_counter() - started
        rows = []
        for corpus, pairs in corpora:
            local, dask = [], []
            for _ in range(pairs):
                local.append(time_build(corpus, WORK / "out-local-2", workers=2))
                dask.append(time_build(corpus, WORK / "out-dask-2", scheduler=cluster.scheduler_address))
            same = (WORK / "out-local-2" / "cppcc.ttl").read_bytes() == (WORK / "out-dask-2" / "cppcc.ttl").read_bytes()
            rows.append({
                "corpus": corpus, "pairs": pairs, "documents": local[0]["documents"], "characters": local[0]["characters"],
                "local": statistics.median(b["seconds"] for b in local), "dask": statistics.median(b["seconds"] for b in dask),
                "identical": same,
            })
    return start_seconds, rows


def dask_lines(dask: tuple[float, list[dict[str, Any]]] | None) -> list[str]:
    """The Dask part of the section, from ``time_dask``'s figures."""
    lines: list[str] = []
    if dask is None:
        lines.append("Dask: distributed is not installed (pip install 'cppcc-kg[dask]').")
    else:
        start_seconds, pairs = dask
        lines += [
            "Dask (validation on, no cache): a `distributed.LocalCluster` of 2 worker processes (1 thread each, TCP "
            "on 127.0.0.1, `--preload kg.cluster` and Dask's profiler off as the README says) against the local pool of 2 processes, "
            "the two taking turns on the same corpus (median of the turns):",
            "",
            "| corpus | turns | local pool s | Dask s | Dask / local throughput | overhead per document | same exports |",
            "|---|---|---|---|---|---|---|",
        ]
        for row in pairs:
            overhead = (row["dask"] - row["local"]) / row["documents"] * 1000
            lines.append(
                f"| {row['characters']:,} characters, {int(row['documents']):,} documents | {row['pairs']} | "
                f"{row['local']:.1f} | {row['dask']:.1f} | **{row['local'] / row['dask']:.2f}** | {overhead:+.1f} ms | "
                f"{'yes' if row['identical'] else 'NO'} |"
            )
        lines += [
            "",
            f"Overhead per document is (Dask − local pool) / documents: the client's start, sending texts and "
            f"results, scheduling and the last tasks' wait, all in. Not in it: starting the cluster, "
            f"{start_seconds:.1f} s here (2 workers, each loading the dictionaries as it starts), paid once for "
            "every build a running cluster serves. Documents travel in tasks of about "
            f"{_batch_characters():,} characters each (kg.cluster.BATCH_CHARACTERS), smaller at the end of a build.",
            "",
        ]
    return lines


def _batch_characters() -> int:
    from kg.cluster import BATCH_CHARACTERS

    return BATCH_CHARACTERS


def run() -> str:
    load_before = os.getloadavg()[0]
    sizes = [TARGET_BYTES // 5, TARGET_BYTES // 2, TARGET_BYTES]
    if os.environ.get("KG_BENCH_50MB"):
        sizes.append(TARGET_BYTES * 10)
    rows = []
    full_text = ""
    for target in sizes:
        folder = WORK / f"corpus-{target // 1000}k"
        text = make_corpus(target, folder)
        if target == TARGET_BYTES:
            full_text = text
        rows.append((target, time_build(folder, WORK / f"out-{target // 1000}k")))
    corpus5 = WORK / f"corpus-{TARGET_BYTES // 1000}k"
    corpus1 = WORK / f"corpus-{TARGET_BYTES // 5 // 1000}k"
    # jieba just before and just after the default build: the machine is shared, and the faster of the two
    # (the quieter moment) is the one compared, so load that slows jieba cannot flatter the ratio
    jieba_first = time_jieba(full_text)
    build = time_build(corpus5, WORK / "out-default")
    jieba_second = time_jieba(full_text)
    jieba_seconds, jieba_cpu = min(jieba_first, jieba_second)
    unvalidated = time_build(corpus5, WORK / "out-novalidate", validate=False)
    # what `kg build DIR --out OUT` does: every format, validation on, the cache filled (a first build)
    shutil.rmtree(WORK / "out-all", ignore_errors=True)
    everything = time_build(corpus5, WORK / "out-all", formats="all", cache=True)

    # rebuild: a full build that fills the cache, then one file of 1,000 changed
    out = WORK / "out-cached"
    for old in out.glob(".kg-cache"):
        shutil.rmtree(old)
    cached_full = time_build(corpus5, out, cache=True)
    changed = sorted(corpus5.glob("*.txt"))[500]
    original = changed.read_text(encoding="utf-8")
    changed.write_text(original.replace("政协", "政协委员会", 1), encoding="utf-8")
    try:
        rebuild = time_build(corpus5, out, cache=True)
        clean = time_build(corpus5, WORK / "out-clean")
        identical = (out / "cppcc.ttl").read_bytes() == (WORK / "out-clean" / "cppcc.ttl").read_bytes()
        # the same change with the defaults: out-all holds the first build of every format and its cache
        rebuild_all = time_build(corpus5, WORK / "out-all", formats="all", cache=True)
        shutil.rmtree(WORK / "out-all-clean", ignore_errors=True)
        time_build(corpus5, WORK / "out-all-clean", formats="all")
        identical_all = _same_exports(WORK / "out-all", WORK / "out-all-clean")
    finally:
        changed.write_text(original, encoding="utf-8")

    dask = time_dask([(corpus1, 2), (corpus5, 3)])
    nt1 = WORK / "out-1000k-nt" / "cppcc.nt"
    time_build(corpus1, nt1.parent, formats="ntriples", validate=False)
    validators = {name: time_validator(nt1, name) for name in ("kg", "pyrudof", "pyshacl")}
    # the defaults' memory at the largest corpus too (every format: their processes hold more than a turtle build's)
    defaults_rows = [(TARGET_BYTES, everything)]
    if os.environ.get("KG_BENCH_50MB"):
        big = WORK / f"corpus-{TARGET_BYTES * 10 // 1000}k"
        shutil.rmtree(WORK / "out-all-big", ignore_errors=True)
        defaults_rows.append((TARGET_BYTES * 10, time_build(big, WORK / "out-all-big", formats="all", cache=True)))
    load_after = os.getloadavg()[0]

    chars = len(full_text)
    jieba_rate = chars / jieba_seconds

    def rate(b: dict[str, Any]) -> float:
        return float(b["characters"]) / float(b["seconds"])

    stages = build["stages"]
    extract_cpu = float(build["cpu"])  # every process of the build: main and workers
    workers_check = stages.get("validate (workers, CPU)", 0.0)
    merged_check = stages.get("validate (merged entities)", 0.0)
    lines = [
        "## build",
        "",
        f"Corpus: varied copies of the sample and dev texts, {len(full_text.encode('utf-8')) / 1e6:.1f} MB, "
        f"{chars:,} characters, {int(build['documents']):,} documents in {len(list(corpus5.glob('*.txt'))):,} files, "
        f"{int(build['triples']):,} triples. Each build is `kg build` in a fresh process (both cores), from reading "
        f"files to the written exports, with SHACL validation (the default) unless said otherwise, and no cache "
        f"unless said otherwise. Extractor: {build['extractor']} (kg.compiled; `make install` compiles it). "
        f"Machine load (1-minute average) {load_before:.1f} before, {load_after:.1f} after: "
        "a shared machine, so compare figures within this run only.",
        "",
        "| what | seconds | characters/s | × jieba.lcut |",
        "|---|---|---|---|",
        f"| plain `jieba.lcut` (one core, dictionary preloaded; the faster of {jieba_first[0]:.1f} s just before "
        f"and {jieba_second[0]:.1f} s just after the build below) | {jieba_seconds:.1f} | {jieba_rate:,.0f} | 1.00 |",
        f"| **`kg build --formats turtle`** (validation on) | {build['seconds']:.1f} | {rate(build):,.0f} | "
        f"**{rate(build) / jieba_rate:.2f}** |",
        f"| `kg build --formats turtle --no-validate` | {unvalidated['seconds']:.1f} | {rate(unvalidated):,.0f} | "
        f"{rate(unvalidated) / jieba_rate:.2f} |",
        f"| **`kg build`** (the defaults: every format, validation on, cache on; a first build) | "
        f"{everything['seconds']:.1f} | {rate(everything):,.0f} | **{rate(everything) / jieba_rate:.2f}** |",
        "",
        "Stages of the validated turtle build: "
        + ", ".join(f"{k} {v:.1f} s" for k, v in stages.items())
        + f". CPU: the build used {extract_cpu:.1f} CPU-seconds in all its processes, jieba.lcut {jieba_cpu:.1f}: "
        f"on {os.cpu_count()} idle cores the build could reach at most "
        f"**{jieba_cpu * (os.cpu_count() or 1) / extract_cpu:.2f}× jieba.lcut** (a figure load hardly moves). "
        f"Validation: {workers_check:.1f} s of worker CPU (about {workers_check / extract_cpu:.1%} of the "
        f"build's CPU) and {merged_check:.2f} s for the merged entities in the main "
        f"process ({merged_check / build['seconds']:.1%} of the build); with validation off the build takes "
        f"{unvalidated['seconds'] / build['seconds']:.0%} of the time. The defaults (every format, cache on) used "
        f"{float(everything['cpu']):.1f} CPU-seconds (at most **{jieba_cpu * (os.cpu_count() or 1) / float(everything['cpu']):.2f}× "
        "jieba.lcut** on idle cores); exports, forked processes writing jobs of formats at once (the store in one of its own): "
        + ", ".join(f"{k} {v:.1f} s" for k, v in everything["stages"].items() if k.startswith("export"))
        + ".",
        "",
        "Validators side by side on the 1 MB corpus's graph (N-Triples file, whole graph in one process):",
        "",
        "| validator | seconds | peak MB | violations |",
        "|---|---|---|---|",
    ]
    names = {
        "kg": "kg.validate, whole graph at once (`validate_triples`)",
        "pyrudof": "pyrudof (rudof, Rust), Native mode",
        "pyshacl": "pySHACL (what builds used before)",
    }
    for name, figures in validators.items():
        if figures is None:
            lines.append(f"| {names[name]} | not installed | | |")
        else:
            lines.append(f"| {names[name]} | {figures['seconds']:.1f} | {figures['mb']:.0f} | {figures['violations']} |")
    lines += [
        "",
        "In a build, kg.validate does not run on the whole graph: its per-document part runs in the workers "
        "and the merged-entity part in the main process (figures above).",
        "",
        "Rebuild after changing 1 file of "
        f"{len(list(corpus5.glob('*.txt'))):,} (turtle, validation on, cache in the output folder):",
        "",
        "| build | seconds | documents extracted | from the cache | ratio |",
        "|---|---|---|---|---|",
        f"| full build filling the cache | {cached_full['seconds']:.1f} | {cached_full['extracted']:,} | "
        f"{cached_full['from_cache']:,} | 1.00 |",
        f"| rebuild | {rebuild['seconds']:.1f} | {rebuild['extracted']:,} | {rebuild['from_cache']:,} | "
        f"**{rebuild['seconds'] / cached_full['seconds']:.2f}** |",
        "",
        f"Rebuild output byte-identical to a clean build: {'yes' if identical else 'NO'}. Rebuild stages: "
        + ", ".join(f"{k} {v:.2f} s" for k, v in rebuild["stages"].items())
        + f". (A clean build without cache took {clean['seconds']:.1f} s in the same run.)",
        "",
        "The same change with the defaults (every format, cache on), against the first build of the defaults above:",
        "",
        "| build | seconds | documents extracted | from the cache | ratio |",
        "|---|---|---|---|---|",
        f"| `kg build` (every format), first build | {everything['seconds']:.1f} | {everything['extracted']:,} | "
        f"{everything['from_cache']:,} | 1.00 |",
        f"| rebuild | {rebuild_all['seconds']:.1f} | {rebuild_all['extracted']:,} | {rebuild_all['from_cache']:,} | "
        f"**{rebuild_all['seconds'] / everything['seconds']:.2f}** |",
        "",
        f"Every export identical to a clean build's (files byte for byte; the store by its triples): "
        f"{'yes' if identical_all else 'NO'}. Stages: "
        + ", ".join(f"{k} {v:.2f} s" for k, v in rebuild_all["stages"].items())
        + ".",
        "",
    ]
    lines += dask_lines(dask)
    lines += [
        "Peak memory as the corpus grows (validated turtle builds; max RSS of the main process, and of the "
        "largest worker):",
        "",
        "| corpus | triples | main MB | worker MB | seconds |",
        "|---|---|---|---|---|",
    ]
    for target, b in rows:
        lines.append(
            f"| {target / 1e6:.1f} MB | {int(b['triples']):,} | {b['self_kb'] / 1024:.0f} | "
            f"{b['children_kb'] / 1024:.0f} | {b['seconds']:.1f} |"
        )
    lines += [
        "",
        "The same for the defaults (every format, cache on, a first build): the largest process is now an export's",
        "(the property graph and the store are made in processes of their own):",
        "",
        "| corpus | triples | main MB | largest other process MB | all processes at once MB (Pss) | (Rss) | seconds | export stages |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for target, b in defaults_rows:
        exports = ", ".join(f"{k.removeprefix('export:')} {v:.1f}" for k, v in b["stages"].items() if k.startswith("export:"))
        lines.append(
            f"| {target / 1e6:.1f} MB | {int(b['triples']):,} | {b['self_kb'] / 1024:.0f} | "
            f"{b['children_kb'] / 1024:.0f} | **{b['tree_pss_kb'] / 1024:.0f}** | {b['tree_kb'] / 1024:.0f} | {b['seconds']:.1f} | {exports} |"
        )
    lines += [
        "",
        "All processes at once, sampled by the benchmark (Rss every 50 ms, Pss every 0.5 s): the largest sum of the build's processes' "
        "proportional set sizes (Pss: a page shared by processes divided among them; the physical memory they hold "
        "together, what the machine must have free for the build), and of their resident sizes (Rss: a page a "
        "forked export process still shares with the main process counted in both, so more than the machine "
        "gives them; the figure of earlier runs).",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    if sys.argv[1:] == ["dask"]:  # only the Dask comparison (1 MB and 5 MB corpora), printed
        corpora = [(make_corpus_folder(TARGET_BYTES // 5), 2), (make_corpus_folder(TARGET_BYTES), 3)]
        print("\n".join(dask_lines(time_dask(corpora))))
    else:
        print(run())
