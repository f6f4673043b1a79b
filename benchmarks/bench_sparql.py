"""SPARQL latency on a generated graph of about 1M triples shaped like ours: our query path beside rdflib, and
`kg serve` over HTTP (every shipped question; cheap queries under a load of expensive ones).

The graph has what a large build has: places in within chains (province → city → county → township →
village) with division codes, CPPCC bodies and organs located in them and sub-organs of each other, platforms,
mechanisms, topics, people with positions, documents, evidence sentences with their text, mentions of
entities in documents and sentences, and every relation reified as an rdf:Statement with its evidence.

Measured in one run, on the same N-Triples file:
- our path: kg.export.store builds the on-disk pyoxigraph store once (timed), `kg query` opens it read-only
  (timed), then kg.query.run_query (results materialised in Python); median of 5 runs after a warm-up;
  beside it the same on an in-memory pyoxigraph store (what reading the file on every query would give,
  after a parse of several seconds);
- rdflib's default engine on its in-memory store (parse timed, then each query run once), in a separate
  process with a deadline, since rdflib can take tens of seconds per query at this size; a query still
  running at the deadline is reported as "> N s";
- rdflib's API over pyoxigraph (oxrdflib), i.e. `kg.build()`'s graph, median of 3.
Each engine's row count is checked against ours.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import random
import shutil
import statistics
import time
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from tests.serving import FIRST_MENTIONS_BY_JOIN

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "benchmarks" / "work" / "sparql"
RDFLIB_DEADLINE = 420.0  # seconds for rdflib's parse and all its queries together

QUERIES: dict[str, str] = {
    "type lookup": "SELECT ?p ?label WHERE { ?p a cppcc:Platform ; rdfs:label ?label }",
    "two-hop join": "SELECT ?body ?parent WHERE { ?body cppcc:locatedIn ?place . ?place cppcc:within ?parent }",
    "GROUP BY count": "SELECT ?type (COUNT(?s) AS ?n) WHERE { ?s a ?type } GROUP BY ?type",
}

_ZH = "川蓉渝黔滇湘鄂赣皖苏浙闽粤桂琼陕甘宁青新藏蒙晋冀鲁豫吉辽黑京津沪港澳台东西南北中山水河湖江海林田"


def _name(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(_ZH) for _ in range(n))


def generate(path: Path, seed: int = 5) -> int:
    """Write the graph as N-Triples to ``path``; return the number of triples."""
    from kg.vocab import PREFIXES

    rng = random.Random(seed)
    N = ox.NamedNode
    ns = {k: v for k, v in PREFIXES.items()}
    cppcc, rdf_type = ns["cppcc"], N(ns["rdf"] + "type")
    label, alt = N(ns["rdfs"] + "label"), N(ns["skos"] + "altLabel")
    triples: list[ox.Triple] = []
    add = triples.append

    def term(local: str) -> ox.NamedNode:
        return N(cppcc + local)

    def entity(prefix: str, type_: str, name: str, *extra_types: str) -> ox.NamedNode:
        node = N(ns[prefix] + name)
        add(ox.Triple(node, rdf_type, term(type_)))
        for extra in extra_types:
            add(ox.Triple(node, rdf_type, term(extra)))
        add(ox.Triple(node, label, ox.Literal(name, language="zh")))
        return node

    # places: 20 provinces × 8 cities × 6 counties × 6 townships × 4 villages
    places: dict[str, list[ox.NamedNode]] = {"Province": [], "City": [], "County": [], "Township": [], "Village": []}
    levels = [("Province", "省", 20), ("City", "市", 8), ("County", "县", 6), ("Township", "镇", 6), ("Village", "村", 4)]
    code = 0

    def grow(level: int, parent: ox.NamedNode | None, stem: str) -> None:
        nonlocal code
        kind, suffix, count = levels[level]
        for i in range(count):
            code += 1
            name = f"{stem}{_name(rng, 2)}{i}{suffix}"
            node = entity("place", "Place", name, kind)
            add(ox.Triple(node, term("divisionCode"), ox.Literal(f"{code:06d}")))
            if parent is not None:
                add(ox.Triple(node, term("within"), parent))
            places[kind].append(node)
            if level + 1 < len(levels):
                grow(level + 1, node, name[:2])

    grow(0, None, "")

    platforms = [entity("platform", "Platform", f"{_name(rng, 4)}协商{i}") for i in range(2000)]
    mechanisms = [entity("mechanism", "Mechanism", f"{_name(rng, 3)}机制{i}") for i in range(1000)]
    topics = [entity("topic", "Topic", f"{_name(rng, 4)}议题{i}") for i in range(5000)]
    positions = [entity("position", "Position", f"{_name(rng, 3)}书记{i}") for i in range(5000)]
    people = [entity("person", "Person", f"{_name(rng, 3)}{i}") for i in range(20000)]
    bodies: list[ox.NamedNode] = []
    relations: list[tuple[ox.NamedNode, str, ox.NamedNode]] = []
    for kind in ("Province", "City", "County"):
        for place in places[kind]:
            body = entity("body", "CPPCCBody", place.value.rsplit("/", 1)[1] + "政协")
            add(ox.Triple(body, alt, ox.Literal("政协", language="zh")))
            relations.append((body, "locatedIn", place))
            relations.append((body, "runsPlatform", rng.choice(platforms)))
            relations.append((body, "adoptsMechanism", rng.choice(mechanisms)))
            relations.append((body, "consultsOn", rng.choice(topics)))
            bodies.append(body)
    for place in places["Township"]:
        organ = entity("body", "CPPCCBody", place.value.rsplit("/", 1)[1] + "政协工委")
        relations.append((organ, "locatedIn", place))
        relations.append((organ, "subOrganOf", rng.choice(bodies)))
        relations.append((organ, "consultsOn", rng.choice(topics)))
    for person in people:
        relations.append((person, "holdsPosition", rng.choice(positions)))
    for position in positions:
        relations.append((position, "positionIn", rng.choice(bodies)))

    entities = bodies + platforms + topics + people + places["County"] + places["Township"]
    documents = [N(ns["doc"] + f"d{i:05d}") for i in range(10000)]
    for i, doc in enumerate(documents):
        add(ox.Triple(doc, rdf_type, term("Document")))
        add(ox.Triple(doc, N(ns["dcterms"] + "title"), ox.Literal(f"{_name(rng, 8)}工作报告", language="zh")))
        add(ox.Triple(doc, term("sourceFile"), ox.Literal(f"corpus/{i:05d}.txt")))
        day = f"{2015 + i % 10}-{1 + i % 12:02d}-{1 + i % 28:02d}"
        add(ox.Triple(doc, N(ns["dcterms"] + "date"), ox.Literal(day, datatype=N(ns["xsd"] + "date"))))
    sentences: list[tuple[ox.NamedNode, ox.NamedNode]] = []
    for doc in documents:
        for index in range(6):
            sentence = N(ns["sent"] + f"{doc.value.rsplit('/', 1)[1]}-s{index}")
            add(ox.Triple(sentence, rdf_type, term("Sentence")))
            add(ox.Triple(sentence, term("text"), ox.Literal(_name(rng, 40), language="zh")))
            add(ox.Triple(sentence, N(ns["dcterms"] + "isPartOf"), doc))
            add(ox.Triple(sentence, term("sentenceIndex"), ox.Literal(str(index), datatype=N(ns["xsd"] + "integer"))))
            sentences.append((sentence, doc))
            for mentioned in rng.sample(entities, 2):
                add(ox.Triple(mentioned, term("mentionedIn"), doc))
                add(ox.Triple(mentioned, term("mentionedInSentence"), sentence))
    statement = N(ns["rdf"] + "Statement")
    for n, (s, p, o) in enumerate(relations):
        add(ox.Triple(s, term(p), o))
        sentence, doc = sentences[n % len(sentences)]
        st = N(ns["stmt"] + f"{n:08x}")
        add(ox.Triple(st, rdf_type, statement))
        add(ox.Triple(st, N(ns["rdf"] + "subject"), s))
        add(ox.Triple(st, N(ns["rdf"] + "predicate"), term(p)))
        add(ox.Triple(st, N(ns["rdf"] + "object"), o))
        add(ox.Triple(st, term("evidence"), sentence))
        add(ox.Triple(st, N(ns["prov"] + "wasDerivedFrom"), doc))
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as fh:
        ox.serialize(triples, fh, format=ox.RdfFormat.N_TRIPLES)
    return len(set(triples))


def _rdflib_worker(path: str, results: Any) -> None:
    import rdflib

    from kg.vocab import PREFIXES

    started = time.perf_counter()
    graph = rdflib.Graph()
    graph.parse(path, format="nt")
    results.put(("parse", time.perf_counter() - started, len(graph)))
    for name, text in QUERIES.items():
        started = time.perf_counter()
        rows = len(list(graph.query(text, initNs=PREFIXES)))
        results.put((name, time.perf_counter() - started, rows))


def _rdflib_timings(path: Path) -> dict[str, tuple[float, int] | None]:
    """rdflib's figures, each None if the deadline passed before it finished."""
    context = multiprocessing.get_context("spawn")
    results = context.Queue()
    process = context.Process(target=_rdflib_worker, args=(str(path), results), daemon=True)
    process.start()
    deadline = time.monotonic() + RDFLIB_DEADLINE
    out: dict[str, tuple[float, int] | None] = {key: None for key in ("parse", *QUERIES)}
    for _ in out:
        try:
            key, seconds, rows = results.get(timeout=max(0.1, deadline - time.monotonic()))
        except queue.Empty:
            break
        out[key] = (seconds, rows)
    process.kill()
    process.join()
    return out


def _median(fn: Any, runs: int) -> tuple[float, int]:
    fn()  # warm-up
    times, rows = [], 0
    for _ in range(runs):
        started = time.perf_counter()
        rows = fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times), rows


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:,.1f} ms" if seconds < 10 else f"{seconds:,.1f} s"


def run() -> str:
    return engines() + "\n\n" + endpoint()


def engines() -> str:
    import rdflib
    from oxrdflib import OxigraphStore
    from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

    from kg.export import store as query_store
    from kg.query import run_query
    from kg.vocab import PREFIXES

    source = WORK / "graph.nt"
    started = time.perf_counter()
    triples = generate(source)
    generated = time.perf_counter() - started
    shutil.rmtree(WORK / "graph.oxigraph", ignore_errors=True)  # time the store build from scratch

    started = time.perf_counter()
    query_store.ensure(source)
    build_seconds = time.perf_counter() - started
    started = time.perf_counter()
    store = query_store.open_store(source)  # what each `kg query` does: fresh-check (size+mtime) and open
    open_seconds = time.perf_counter() - started

    ours = {name: _median(lambda text=text: len(run_query(store, text).rows), 5) for name, text in QUERIES.items()}
    over_ox = rdflib.Graph(store=OxigraphStore(store=store), identifier=DATASET_DEFAULT_GRAPH_ID)  # as kg.build()
    via_oxrdflib = {name: _median(lambda text=text: len(list(over_ox.query(text, initNs=PREFIXES))), 3) for name, text in QUERIES.items()}
    memory = ox.Store()
    memory.bulk_load(path=str(source), format=ox.RdfFormat.N_TRIPLES)
    in_memory = {name: _median(lambda text=text: len(run_query(memory, text).rows), 5) for name, text in QUERIES.items()}  # noqa: F821 - false positive: the lambda runs before `del memory`
    del memory
    theirs = _rdflib_timings(source)

    lines = [
        "## sparql",
        "",
        f"Generated graph: {triples:,} triples shaped like ours (places in within chains, bodies, people, "
        f"documents, sentences, mentions, reified relations), written as N-Triples in {generated:.1f} s.",
        f"Our path: on-disk store built once in {build_seconds:.1f} s (kg.export.store); opening it for a query "
        f"takes {_ms(open_seconds)}. rdflib's in-memory parse of the same file: "
        + (f"{theirs['parse'][0]:.1f} s." if theirs["parse"] else f"did not finish in {RDFLIB_DEADLINE:.0f} s."),
        "",
        "| query | rows | kg.query (on-disk store), median of 5 | kg.query on an in-memory store | rdflib over oxrdflib, median of 3 | rdflib default engine, one run | rdflib ÷ kg.query |",
        "|---|---|---|---|---|---|---|",
    ]
    for name in QUERIES:
        ours_s, rows = ours[name]
        ox_s, ox_rows = via_oxrdflib[name]
        assert ox_rows == rows, f"{name}: oxrdflib gave {ox_rows} rows, kg.query {rows}"
        figure = theirs[name]
        if figure is None:
            rdflib_cell, ratio = f"> {RDFLIB_DEADLINE:.0f} s (stopped)", f"> {RDFLIB_DEADLINE / ours_s:,.0f}×"
        else:
            assert figure[1] == rows, f"{name}: rdflib gave {figure[1]} rows, kg.query {rows}"
            rdflib_cell, ratio = _ms(figure[0]), f"{figure[0] / ours_s:,.0f}×"
        assert in_memory[name][1] == rows
        lines.append(f"| {name} | {rows:,} | {_ms(ours_s)} | {_ms(in_memory[name][0])} | {_ms(ox_s)} | {rdflib_cell} | {ratio} |")
    lines += [
        "",
        "Queries: " + "; ".join(f"{name}: `{text}`" for name, text in QUERIES.items()) + ".",
        "Run alone with `.venv/bin/python -m benchmarks.run sparql`.",
    ]
    return "\n".join(lines)


# ---------------------------------------------------------------------------- kg serve over HTTP

OLD_COUNTS = """SELECT ?type (COUNT(DISTINCT ?s) AS ?count)
WHERE { ?s a ?type . }
GROUP BY ?type
ORDER BY DESC(?count) ?type"""
"""ontology/queries/counts.rq before the VoID statistics: a scan of every typed node"""
OLD_FIRST_MENTIONS = FIRST_MENTIONS_BY_JOIN.replace("WHERE {\n", 'WHERE {\n  VALUES ?since { "2021" }\n', 1) + "\nORDER BY ?first ?type ?name"
"""ontology/queries/first-mentions.rq before the build wrote cppcc:firstMentioned: a join of every mention of a
platform or mechanism with its document's date (example bound as the workbench binds it)"""
LOAD_SECONDS = 30.0


def endpoint_graph() -> tuple[Path, int]:
    """The generated graph plus the sample corpus's build (so every question's example names exist), sorted,
    with its VoID description, as the build writes it."""
    from kg import void
    from kg.pipeline import build_to

    synthetic = WORK / "graph.nt"  # written by engines() in the same run
    if not synthetic.exists():
        generate(synthetic)
    sample = WORK / "sample"
    shutil.rmtree(sample, ignore_errors=True)
    build_to([ROOT / "corpus"], sample, formats=("ntriples",), progress=False)
    prefix = f"<{void.VOID_NS}".encode()
    lines = {line for line in (sample / "cppcc.nt").read_bytes().splitlines(keepends=True) if not line.startswith(prefix)}
    lines.update(synthetic.read_bytes().splitlines(keepends=True))
    union = WORK / "endpoint.nt"
    union.write_bytes(b"".join(sorted(lines)))
    count = len(lines)
    del lines
    void.add_description(union)
    return union, count


def endpoint() -> str:
    from benchmarks import endpoint_load as el
    from kg import query
    from kg.export import store as query_store
    from kg.query_pool import Limits
    from kg.workbench import example_text

    graph, triples = endpoint_graph()
    shutil.rmtree(query_store.store_dir(graph), ignore_errors=True)
    started = time.perf_counter()
    query_store.ensure(graph)
    store_seconds = time.perf_counter() - started
    questions = {q.name: example_text(q) for q in query.questions()}
    questions_plus = {**questions, "counts before VoID (scan)": OLD_COUNTS, "first-mentions before firstMentioned (join)": OLD_FIRST_MENTIONS}
    lines = [
        "## sparql endpoint",
        "",
        f"`kg serve` over HTTP on loopback (keep-alive connections, JSON results), on the generated graph plus the "
        f"sample corpus's build (so every question's example names exist): {triples:,} triples and their VoID "
        f"description; store built in {store_seconds:.1f} s. Machine at the start: {el.machine_load()} "
        "(shared by about 8 engineers: figures are one run's, compare within the run).",
        "",
        "### Every shipped question (parameters bound to their examples, as the workbench sends them)",
        "",
    ]
    with el.serving(graph) as server:
        figures = el.question_latency(server, questions_plus)
    lines += [
        "| question | rows | response | p50 alone (15 runs) | p50, 8 clients | p99, 8 clients | p50 ≤ 50 ms |",
        "|---|---:|---:|---:|---:|---:|:---:|",
    ]
    for name in questions_plus:
        f = figures[name]
        mark = "" if name not in questions else ("yes" if f["p50"] <= 0.05 else "**no**")
        lines.append(f"| {name} | {int(f['rows']):,} | {f['bytes'] / 1024:,.0f} KB | {el.ms(f['p50'])} | "
                     f"{el.ms(f['p50_concurrent'])} | {el.ms(f['p99'])} | {mark} |")  # fmt: skip
    before, after = figures["counts before VoID (scan)"]["p50"], figures["counts"]["p50"]
    join, first = figures["first-mentions before firstMentioned (join)"], figures["first-mentions"]
    assert join["rows"] == first["rows"], "first-mentions gives as many rows as the join it replaced"
    failed = figures["_failed"]
    lines += [
        "",
        "Answers other than 200 under 8 clients: " + ("; ".join(f"{k} ×{n}" for k, n in sorted(failed.items())) or "none") + ".",
        f"8 clients, each sending every question 6 times: {figures['_all']['rps']:,.0f} requests/s, p99 over all "
        f"{el.ms(figures['_all']['p99'])}. The counts question reads the VoID statistics: p50 {el.ms(after)} against "
        f"{el.ms(before)} for the scan it replaced ({before / after:,.0f}× faster, same rows). first-mentions reads "
        f"the cppcc:firstMentioned the build gives each platform and mechanism: p50 {el.ms(first['p50'])} against "
        f"{el.ms(join['p50'])} for the join it replaced ({join['p50'] / first['p50']:,.0f}× faster, "
        f"{int(first['rows']):,} rows each; tests/test_server.py checks that the rows are the same).",
        "",
        f"### Cheap queries while expensive ones run: 20 cheap + 4 expensive clients for {LOAD_SECONDS:.0f} s",
        "",
        "Cheap: " + "; ".join(f"{n}: `{t}`" for n, t in el.CHEAP.items()) + ".",
        "Expensive: " + "; ".join(f"{n}: `{t}`" for n, t in el.EXPENSIVE.items()) + ".",
        "",
        f"Default limits: {Limits.workers} workers, {Limits.slow_workers} long-running at once after "
        f"{Limits.slow_after:g} s, {Limits.memory_mb:,} MB per query, {Limits.timeout:g} s per query. "
        "\"One lane\" is the same server with `--slow-after 30` (nothing is ever moved to the long-running lane: "
        "cheap and expensive queries share the workers), memory limit kept. \"2 workers\" is the default server "
        "with the cheap lane's earlier size. \"Cheap only\" is the default server with the 20 cheap clients "
        "alone: what the shared machine allows cheap queries at that moment.",
        "",
        "| server | load average (1 min) before → after | cheap requests | cheap req/s | cheap p50 | cheap p99 | cheap not 200 | expensive outcomes | largest worker | server process | all processes | most workers |",
        "|---|---|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|",
    ]
    runs = (("one lane", ("--slow-after", "30"), 4), ("two lanes, 2 workers", ("--workers", "2"), 4),
            ("two lanes (default)", (), 4), ("cheap only (default server)", (), 0))  # fmt: skip
    for label, options, expensive in runs:
        load_before = os.getloadavg()[0]
        with el.serving(graph, *options) as server:
            result = el.load(server, LOAD_SECONDS, expensive_clients=expensive)
        load_after = os.getloadavg()[0]
        bad = sum(n for status, n in result.cheap_status.items() if status != 200)
        outcomes = ", ".join(f"{k}: {n}" for k, n in sorted(result.expensive_status.items()))
        lines.append(
            f"| {label} | {load_before:.1f} → {load_after:.1f} | {len(result.cheap):,} | {len(result.cheap) / result.seconds:,.0f} | {el.ms(statistics.median(result.cheap))} | "
            f"{el.ms(el.percentile(result.cheap, 99))} | {bad} | {outcomes} | {result.worker_peak_mb:,.0f} MB | "
            f"{result.server_peak_mb:,.0f} MB | {result.total_peak_mb:,.0f} MB | {result.most_workers} |"
        )
    lines += [
        "",
        f"Memory is resident size (VmRSS) sampled every 20 ms (all processes: the server, its workers, the fork "
        f"server that starts them and multiprocessing's resource tracker); a worker's limit is its idle size plus "
        f"{Limits.memory_mb:,} MB. Machine at the end: {el.machine_load()}.",
        "Run alone with `.venv/bin/python -m benchmarks.run sparql`.",
    ]
    return "\n".join(lines)
