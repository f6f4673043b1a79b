"""`kg serve` started as a user would (a subprocess on a free loopback port) for the endpoint tests."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from kg.query_pool import workers_of

from .conftest import ROOT


@dataclass(frozen=True)
class Server:
    root: str
    """http://127.0.0.1:PORT"""
    process: subprocess.Popen[str]
    stderr: Path

    @property
    def url(self) -> str:
        """The SPARQL endpoint."""
        return self.root + "/sparql"

    @property
    def port(self) -> int:
        return int(self.root.rsplit(":", 1)[1])

    def errors(self) -> str:
        return self.stderr.read_text(encoding="utf-8", errors="replace")

    def workers(self) -> list[int]:
        """Process ids of the server's query workers (children of its fork server, named kg-query)."""
        return workers_of(self.process.pid)

    def threads(self) -> int:
        return len(list(Path(f"/proc/{self.process.pid}/task").iterdir()))


def rss_mb(pid: int) -> float:
    """Resident memory of a process in MB (0 when it is gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass  # ended
    return 0.0


@contextmanager
def running_server(*args: str, env: dict[str, str] | None = None) -> Iterator[Server]:
    """``kg serve --port 0 --quiet ARGS…`` until the block ends (then SIGTERM, as a service manager would)."""
    with tempfile.TemporaryDirectory(prefix="kg-serve-") as folder:
        stderr = Path(folder) / "stderr"
        command = [sys.executable, "-m", "kg", "serve", "--port", "0", "--quiet", *args]
        with stderr.open("w") as err:
            process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=err, text=True,
                                       env={**os.environ, **(env or {})})  # fmt: skip
        try:
            assert process.stdout is not None
            line = process.stdout.readline()
            found = re.search(r"http://127\.0\.0\.1:(\d+)/sparql", line)
            assert found, f"kg serve did not start: {line!r} {stderr.read_text(encoding='utf-8')}"
            yield Server(f"http://127.0.0.1:{found[1]}", process, stderr)
        finally:
            process.terminate()
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(5)


FIRST_MENTIONS_BY_JOIN = """SELECT ?since ?type ?name ?first (GROUP_CONCAT(DISTINCT STR(?document); separator=" ") AS ?documents)
WHERE {
  { SELECT ?e (MIN(STR(?date)) AS ?first) WHERE {
      VALUES ?class { cppcc:Platform cppcc:Mechanism } ?e a ?class ; cppcc:mentionedIn ?d . ?d dcterms:date ?date .
    } GROUP BY ?e }
  FILTER(SUBSTR(?first, 1, 4) >= STR(?since))
  VALUES ?c { cppcc:Platform cppcc:Mechanism }
  ?e a ?c ; rdfs:label ?name ; cppcc:mentionedIn ?document .
  ?document dcterms:date ?written .
  FILTER(STR(?written) = ?first)
  BIND(STRAFTER(STR(?c), "#") AS ?type)
}
GROUP BY ?since ?type ?name ?first"""
"""The first-mentions question before the build gave each entity its first mention: a join of every mention
with its document's date (?since left unbound). The oracle of tests/test_server.py and the benchmark's
'before' row (benchmarks/bench_sparql.py)."""
