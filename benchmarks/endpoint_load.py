"""`kg serve` measured over real HTTP on loopback (used by bench_sparql.py): latency of every shipped question
at about 1M triples, and cheap queries under a load of expensive ones, with the workers' memory sampled.

Every request loop here is bounded in count and time and talks to 127.0.0.1 only.
"""

from __future__ import annotations

import http.client
import os
import re
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Cheap: what people ask all day (look-ups by name, one entity's neighbourhood, the whole-graph counts).
CHEAP: dict[str, str] = {
    "label lookup": 'SELECT ?e ?t WHERE { ?e rdfs:label "成都市政协"@zh ; a ?t }',
    "one body's platforms": "SELECT ?p WHERE { body:双流区政协 cppcc:runsPlatform ?p }",
    "one place's bodies": "SELECT ?b WHERE { ?b cppcc:locatedIn place:双流区 }",
    "counts (VoID)": "SELECT ?c ?n WHERE { ?d void:classPartition [ void:class ?c ; void:entities ?n ] }",
    "ASK": "ASK { ?b a cppcc:CPPCCBody }",
}
# Expensive: what a careless or hostile client sends.
EXPENSIVE: dict[str, str] = {
    "cross join sorted (memory)": "SELECT * WHERE { ?a a cppcc:Person . ?b a cppcc:Person . ?c a cppcc:Topic } ORDER BY ?a ?b ?c LIMIT 1",
    "cross join counted (CPU)": "SELECT (COUNT(*) AS ?n) WHERE { ?a a cppcc:Person . ?b a cppcc:Sentence }",
    "regex over every literal": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o FILTER(isLiteral(?o) && REGEX(STR(?o), '(a|b)*c.*d$')) }",
    "every path within*": "SELECT (COUNT(*) AS ?n) WHERE { ?a cppcc:within* ?b . ?b cppcc:within* ?c }",
}


@dataclass
class Server:
    root: str
    process: subprocess.Popen[str]

    @property
    def port(self) -> int:
        return int(self.root.rsplit(":", 1)[1])

    def workers(self) -> list[int]:
        """The query workers (children of the fork server, itself a child of the server)."""
        from kg.query_pool import workers_of

        return workers_of(self.process.pid)

    def descendants(self) -> list[int]:
        """Every process under the server: workers, the fork server, multiprocessing's resource tracker."""
        out: list[int] = []
        pending = [self.process.pid]
        while pending:
            parent = pending.pop()
            try:
                tasks = list(Path(f"/proc/{parent}/task").iterdir())
            except OSError:
                continue  # it ended meanwhile
            for task in tasks:
                try:
                    children = [int(p) for p in (task / "children").read_text().split()]
                except OSError:
                    continue  # the thread ended meanwhile
                out += children
                pending += children
        return out


@contextmanager
def serving(graph: Path, *options: str) -> Iterator[Server]:
    command = [sys.executable, "-m", "kg", "serve", "--graph", str(graph), "--port", "0", "--quiet", *options]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        assert process.stdout is not None
        found = re.search(r"http://127\.0\.0\.1:(\d+)/sparql", process.stdout.readline())
        assert found, "kg serve did not start"
        server = Server(f"http://127.0.0.1:{found[1]}", process)
        _wait_ready(server)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)


def _wait_ready(server: Server) -> None:
    client = Client(server.port)
    for _ in range(100):
        if client.query("ASK {}")[0] == 200:
            return
        time.sleep(0.2)
    raise RuntimeError("the endpoint never answered")


class Client:
    """One keep-alive HTTP connection, as a SPARQL client library keeps it."""

    def __init__(self, port: int, timeout: float = 120) -> None:
        self.port = port
        self.timeout = timeout
        self.connection: http.client.HTTPConnection | None = None

    def query(self, text: str, accept: str = "application/sparql-results+json") -> tuple[int, bytes, float]:
        body = urllib.parse.urlencode({"query": text}).encode("utf-8")
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Accept": accept}
        for attempt in range(2):  # a kept-alive connection the server closed meanwhile: reconnect once
            if self.connection is None:
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
            started = time.perf_counter()
            try:
                self.connection.request("POST", "/sparql", body=body, headers=headers)
                response = self.connection.getresponse()
                data = response.read()
                if response.getheader("Connection", "").lower() == "close":
                    self.close()
                return response.status, data, time.perf_counter() - started
            except (OSError, http.client.HTTPException):
                self.close()
                if attempt:
                    raise
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms" if seconds >= 0.1 else f"{seconds * 1000:,.1f} ms"


# ---------------------------------------------------------------------------- latency of the questions


def question_latency(server: Server, queries: dict[str, str], runs: int = 15, clients: int = 8, rounds: int = 6) -> dict[str, dict[str, float]]:
    """Per query: rows, p50 of ``runs`` sequential requests (after a warm-up), and p99 while ``clients``
    clients each send every query ``rounds`` times in their own order."""
    import json

    out: dict[str, dict[str, float]] = {}
    client = Client(server.port)
    for name, text in queries.items():
        status, body, _ = client.query(text)
        assert status == 200, f"{name}: {status} {body[:300]!r}"
        rows = len(json.loads(body)["results"]["bindings"])
        times = []
        for _ in range(runs):
            status, _, seconds = client.query(text)
            assert status == 200
            times.append(seconds)
        out[name] = {"rows": rows, "p50": statistics.median(times), "bytes": len(body)}
    client.close()
    concurrent: dict[str, list[float]] = {name: [] for name in queries}
    failed: Counter[str] = Counter()
    lock = threading.Lock()

    def work(index: int) -> None:
        mine = Client(server.port)
        names = list(queries)
        for _ in range(rounds):
            for name in names[index % len(names):] + names[: index % len(names)]:
                status, body, seconds = mine.query(queries[name])
                with lock:
                    concurrent[name].append(seconds)
                    if status != 200:
                        failed[f"{name}: {_reason(status, body)}"] += 1
        mine.close()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    for name, times in concurrent.items():
        out[name]["p99"] = percentile(times, 99)
        out[name]["p50_concurrent"] = statistics.median(times)
    out["_all"] = {"rps": sum(len(t) for t in concurrent.values()) / elapsed,
                   "p99": percentile([t for ts in concurrent.values() for t in ts], 99)}  # fmt: skip
    out["_failed"] = dict(failed)  # type: ignore[assignment]
    return out


# ---------------------------------------------------------------------------- cheap under expensive load


@dataclass
class LoadResult:
    cheap: list[float] = field(default_factory=list)
    cheap_status: Counter[int] = field(default_factory=Counter)
    expensive_status: Counter[str] = field(default_factory=Counter)
    worker_peak_mb: float = 0.0
    server_peak_mb: float = 0.0
    total_peak_mb: float = 0.0
    most_workers: int = 0
    seconds: float = 0.0


def _rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass  # the process ended
    return 0.0


def _reason(status: int, body: bytes) -> str:
    text = body.decode("utf-8", "replace")
    for key, word in (("memory limit", "memory limit"), ("time limit", "time limit"),
                      ("more are waiting", "slow lane full"), ("waited for a long-running slot", "waited for the slow lane"),
                      ("kept the server busy", "slow lane queue"),
                      ("stayed busy", "workers busy")):  # fmt: skip
        if key in text:
            return f"{status} {word}"
    return str(status)


def load(server: Server, seconds: float, cheap_clients: int = 20, expensive_clients: int = 4) -> LoadResult:
    """``cheap_clients`` clients sending cheap queries back to back and ``expensive_clients`` sending expensive
    ones, for ``seconds``; the server's and its workers' memory sampled every 20 ms."""
    result = LoadResult()
    lock = threading.Lock()
    stop = time.monotonic() + seconds
    done = threading.Event()

    def cheap(index: int) -> None:
        client = Client(server.port)
        texts = list(CHEAP.values())
        n = index
        while time.monotonic() < stop:
            status, _, took = client.query(texts[n % len(texts)])
            n += 1
            with lock:
                result.cheap.append(took)
                result.cheap_status[status] += 1
        client.close()

    def expensive(index: int) -> None:
        client = Client(server.port, timeout=300)
        texts = list(EXPENSIVE.values())
        n = index
        while time.monotonic() < stop:
            status, body, _ = client.query(texts[n % len(texts)])
            n += 1
            with lock:
                result.expensive_status[_reason(status, body)] += 1
        client.close()

    def sample() -> None:
        while not done.is_set():
            workers = server.workers()
            sizes = [_rss_mb(pid) for pid in workers]
            main = _rss_mb(server.process.pid)
            result.worker_peak_mb = max([result.worker_peak_mb, *sizes])
            result.server_peak_mb = max(result.server_peak_mb, main)
            everything = main + sum(_rss_mb(pid) for pid in server.descendants())
            result.total_peak_mb = max(result.total_peak_mb, everything)
            result.most_workers = max(result.most_workers, len(workers))
            time.sleep(0.02)

    sampler = threading.Thread(target=sample)
    sampler.start()
    threads = [threading.Thread(target=cheap, args=(i,)) for i in range(cheap_clients)]
    threads += [threading.Thread(target=expensive, args=(i,)) for i in range(expensive_clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result.seconds = time.perf_counter() - started
    done.set()
    sampler.join()
    return result


def machine_load() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.1f} (1 min) / {five:.1f} (5 min) on {os.cpu_count()} cores"
