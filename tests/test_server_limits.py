"""`kg serve` under hostile queries and clients: a real server on loopback, every load bounded in count and time.

Memory, nesting, lanes for cheap and expensive queries, idle and slow connections, the connection bound,
HEAD and odd URLs. Latency targets are measured in benchmarks/bench_sparql.py, not asserted here.
"""

from __future__ import annotations

import http.client
import os
import signal
import socket
import threading
import time
import urllib.parse
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from kg.query import MAX_NESTING
from kg.query_pool import SLOW_NICE, WORKER_NAME, thread_nices

from .conftest import SampleBuild
from .serving import Server, rss_mb, running_server

CHEAP = "SELECT ?b ?p WHERE { ?b cppcc:runsPlatform ?p } ORDER BY ?b ?p"
# a sort of every triple three times over: about 10^9 rows, it grows until a limit stops it
HUNGRY = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?c ?f ?i LIMIT 5"
# a count over the same 10^9 rows: CPU for tens of seconds in constant memory
BUSY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
MEMORY_MB = 150
SLOW_AFTER = 2.0  # far above what CHEAP takes on a busy machine, far below BUSY


def _request(server: Server, method: str, target: str, *, body: str | None = None,
             headers: dict[str, str] | None = None, timeout: float = 60) -> tuple[int, bytes, dict[str, str]]:  # fmt: skip
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=timeout)
    try:
        connection.request(method, target, body=body.encode("utf-8") if body is not None else None, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.read(), dict(response.getheaders())
    finally:
        connection.close()


def _query(server: Server, text: str, accept: str = "text/csv") -> tuple[int, bytes]:
    status, body, _ = _request(server, "POST", "/sparql", body=text,
                               headers={"Content-Type": "application/sparql-query", "Accept": accept})  # fmt: skip
    return status, body


@pytest.fixture(scope="module")
def server(sample_build: SampleBuild) -> Iterator[Server]:
    with running_server("--graph", str(sample_build.out), "--timeout", "8", "--memory-mb", str(MEMORY_MB),
                        "--workers", "2", "--slow-workers", "1", "--slow-after", str(SLOW_AFTER), "--idle-timeout", "2",
                        "--request-timeout", "1.5", "--max-connections", "6") as running:  # fmt: skip
        yield running


def _answers_cheap(server: Server) -> None:
    status, body = _query(server, CHEAP)
    assert status == 200 and "双流区政协".encode() in body


# ---------------------------------------------------------------------------- queries


def test_deep_nesting_is_refused_before_parsing_and_the_workers_live(server: Server) -> None:
    workers = server.workers()
    deep = "SELECT * WHERE " + "{" * 3000 + " ?s ?p ?o " + "}" * 3000
    status, body = _query(server, deep)
    assert status == 400 and f"nests 3000 levels deep ({{ ( [); the limit is {MAX_NESTING}".encode() in body
    deepest = "SELECT * WHERE " + "{" * MAX_NESTING + " ?s ?p ?o " + "}" * MAX_NESTING
    status, body = _query(server, deepest)
    assert status == 200, body[:200]
    assert set(workers) <= set(server.workers()), "no worker died"
    _answers_cheap(server)


def test_workers_are_named_and_a_killed_one_is_replaced(server: Server) -> None:
    workers = server.workers()
    assert len(workers) >= 2, "the server's query workers are found by their name"
    assert all(Path(f"/proc/{pid}/comm").read_text().strip() == WORKER_NAME for pid in workers)
    os.kill(workers[0], signal.SIGKILL)
    for _ in range(5):  # a request passes the dead worker over; one that raced its death is told so (500 naming it)
        status, body = _query(server, CHEAP)
        if status == 200:
            break
        assert b"worker" in body, body
    assert status == 200
    # The dead worker is noticed when a request meets it, and the workers take requests in turn. Which one
    # was killed depends on process ids, which wrap around, so keep asking until it has been met and replaced.
    for _ in range(100):
        if workers[0] not in server.workers() and len(server.workers()) >= len(workers):
            break
        status, body = _query(server, CHEAP)
        assert status == 200 or b"worker" in body, body
        time.sleep(0.1)
    assert workers[0] not in server.workers() and len(server.workers()) >= len(workers), server.workers()
    _answers_cheap(server)


def test_idle_workers_killed_from_outside_are_passed_over(sample_build: SampleBuild) -> None:
    """Every idle worker killed (the OOM killer, a stray SIGKILL): the next request is answered, by a
    replacement, instead of failing on a dead worker; and the lane is whole again."""
    with running_server("--graph", str(sample_build.out), "--workers", "2") as running:
        _answers_cheap(running)  # both workers started and answered: none is starting or busy
        workers = running.workers()
        assert len(workers) == 2
        for pid in workers:
            os.kill(pid, signal.SIGKILL)
        _wait_ended(workers)
        status, body = _query(running, CHEAP)
        assert status == 200 and "双流区政协".encode() in body, body[:300]
        for _ in range(100):
            now = running.workers()
            if len(now) == 2 and not set(now) & set(workers):
                break
            time.sleep(0.1)
        assert len(now) == 2 and not set(now) & set(workers), (workers, now)
        _answers_cheap(running)


def test_a_long_running_lane_worker_killed_while_idle_is_passed_over(sample_build: SampleBuild) -> None:
    """The same in the long-running lane: a query known to run long finds the lane's idle worker dead and
    runs on a new one."""
    with running_server("--graph", str(sample_build.out), "--workers", "2", "--slow-workers", "1",
                        "--slow-after", "0.05", "--timeout", "120") as running:  # fmt: skip
        status, body = _query(running, PAIRS)  # runs past --slow-after: its worker moves to the lane
        assert status == 200, body[:300]
        lane = [pid for pid, nices in ((pid, thread_nices(pid)) for pid in running.workers()) if SLOW_NICE in nices.values()]
        assert len(lane) == 1, lane
        os.kill(lane[0], signal.SIGKILL)
        _wait_ended(lane)
        status, again = _query(running, PAIRS)  # known to run long: straight to that lane
        assert status == 200 and again == body, again[:300]


# a count over every pair of triples: long enough to pass --slow-after, short enough to finish
PAIRS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f }"


def _wait_ended(pids: list[int]) -> None:
    """Wait until every thread of every process of ``pids`` has ended: a process's files (its pipes) are
    closed with its last thread, which may end after the main one shows as a zombie."""

    def running(pid: int) -> bool:
        try:
            threads = os.listdir(f"/proc/{pid}/task")
        except OSError:
            return False
        return any(_alive_thread(pid, thread) for thread in threads)

    for _ in range(100):
        if not any(running(pid) for pid in pids):
            return
        time.sleep(0.05)
    raise AssertionError(f"still running after SIGKILL: {[pid for pid in pids if running(pid)]}")


def _alive_thread(pid: int, thread: str) -> bool:
    try:
        return Path(f"/proc/{pid}/task/{thread}/stat").read_text().split(") ", 1)[1][0] not in "ZX"
    except OSError:
        return False


def test_a_server_killed_outright_leaves_no_worker_running(sample_build: SampleBuild) -> None:
    """SIGKILL gives the server no chance to stop its workers: they end by themselves (the one running a query too)."""
    with running_server("--graph", str(sample_build.out), "--workers", "2", "--slow-after", "30") as running:
        workers = running.workers()
        assert len(workers) == 2
        busy = threading.Thread(target=_query, args=(running, BUSY), daemon=True)  # a query that runs for minutes
        busy.start()
        time.sleep(1)
        running.process.kill()
        running.process.wait(10)
        for _ in range(100):
            if not any(Path(f"/proc/{pid}").exists() and _alive(pid) for pid in workers):
                break
            time.sleep(0.1)
        assert not any(Path(f"/proc/{pid}").exists() and _alive(pid) for pid in workers), workers


def _alive(pid: int) -> bool:
    """A process that has not ended (a zombie waiting for its parent to read its status has)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1][0] != "Z"
    except OSError:
        return False


def test_a_query_over_the_memory_limit_is_stopped_with_503(server: Server) -> None:
    idle = {pid: rss_mb(pid) for pid in server.workers()}
    peak: dict[int, float] = {}
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            for pid in server.workers():
                peak[pid] = max(peak.get(pid, 0.0), rss_mb(pid))
            time.sleep(0.01)

    sampler = threading.Thread(target=sample)
    sampler.start()
    try:
        status, body = _query(server, HUNGRY)
    finally:
        done.set()
        sampler.join()
    assert status == 503 and f"more than the {MEMORY_MB:,} MB memory limit".encode() in body, body
    baseline = max(idle.values())
    assert max(peak.values()) < baseline + MEMORY_MB + 64, f"a worker grew to {max(peak.values()):.0f} MB (idle {baseline:.0f} MB)"
    _answers_cheap(server)


def test_cheap_queries_are_answered_while_expensive_ones_run(server: Server) -> None:
    """Three expensive queries at once with one slow slot: one runs on (reniced) until the time limit stops
    it, one is paused waiting for the slot until the time limit (or resumes in its last milliseconds, see
    below), the third is stopped at once with a 503 that says why; cheap queries are answered meanwhile."""

    def timed(text: str) -> tuple[int, bytes, float]:
        status, body = _query(server, text)
        return status, body, time.monotonic()

    with ThreadPoolExecutor(3) as pool:
        expensive = [pool.submit(timed, BUSY.replace("COUNT(*)", f"COUNT(*) + {i}")) for i in range(3)]
        time.sleep(SLOW_AFTER + 1)
        for _ in range(40):  # both demoted by now; under load, give the renice a moment more
            nices = {pid: sorted(set(thread_nices(pid).values())) for pid in server.workers()}
            if list(nices.values()).count([SLOW_NICE]) == 2:
                break
            time.sleep(0.1)
        answers = [timed(CHEAP) for _ in range(5)]
        outcomes = [f.result() for f in expensive]
    # the demoted workers run at the lowest priority in every thread (the query runs on a thread of its own);
    # the ordinary workers, the one that replaced the demoted one among them, at the normal one
    assert list(nices.values()).count([SLOW_NICE]) == 2, nices
    assert all(n in ([0], [SLOW_NICE]) for n in nices.values()), f"a worker with threads at different priorities: {nices}"
    assert [status for status, _, _ in answers] == [200] * 5, answers
    assert all(status == 503 for status, _, _ in outcomes), outcomes
    said = " | ".join(sorted(body.decode("utf-8") for _, body, _ in outcomes))
    assert said.count("1 long-running queries are running and 1 more are waiting") == 1, said
    # the other two were stopped by the time limit: the one running in the slot, and the one paused for it. The
    # two started together, so their limits fall milliseconds apart: when the first one's stop frees the slot
    # before the second one's limit, the second resumes for those milliseconds and is stopped running
    ran, waited = said.count("ran past the 8 s time limit and was stopped"), said.count("waited for a long-running slot past the 8 s time limit")
    assert ran >= 1 and ran + waited == 2, said
    last_expensive = max(at for _, _, at in outcomes)
    assert answers[-1][2] < last_expensive, "the cheap queries were answered while the expensive ones ran"
    _answers_cheap(server)


# ---------------------------------------------------------------------------- connections


def test_idle_connection_is_closed(server: Server) -> None:
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as idle:
        started = time.monotonic()
        assert idle.recv(1) == b""  # closed by the server, not by our 10 s timeout
        assert time.monotonic() - started < 8


def test_keep_alive_connection_serves_several_requests(server: Server) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    try:
        for _ in range(3):
            connection.request("GET", "/sparql?" + urllib.parse.urlencode({"query": CHEAP}), headers={"Accept": "text/csv"})
            response = connection.getresponse()
            assert response.status == 200 and response.read()
    finally:
        connection.close()


def test_a_client_dribbling_its_headers_is_cut_off(server: Server) -> None:
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as slow:
        slow.sendall(b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: x\r\n")
        started = time.monotonic()
        closed = False
        for _ in range(40):  # one byte every 0.2 s: never idle long enough for a per-read timeout
            try:
                slow.sendall(b"X")
                time.sleep(0.2)
                slow.setblocking(False)
                try:
                    closed = slow.recv(1024) == b""
                except BlockingIOError:
                    pass  # nothing yet: the connection is open
                finally:
                    slow.setblocking(True)
            except OSError:  # reset: closed by the server
                closed = True
            if closed:
                break
        assert closed and time.monotonic() - started < 6


def test_connections_are_bounded(server: Server) -> None:
    """Six slots: silent clients hold them; the next client gets a short 503 rather than a thread of its
    own; when the silent ones are closed (idle timeout), service resumes."""
    threads_before = server.threads()
    silent = [socket.create_connection(("127.0.0.1", server.port), timeout=10) for _ in range(9)]
    try:
        time.sleep(0.5)
        assert server.threads() <= threads_before + 6 + 1, "one thread per served connection, at most six"
        status, body, headers = _request(server, "GET", "/sparql?query=ASK%7B%7D", timeout=30)
        assert status in (200, 503)  # 200 once the idle timeout freed slots, else the short refusal
        if status == 503:
            assert b"limit of 6 connections" in body and headers.get("Retry-After") == "1"
    finally:
        for connection in silent:
            connection.close()
    deadline = time.monotonic() + 15
    while _request(server, "GET", "/sparql?query=ASK%7B%7D")[0] != 200:
        assert time.monotonic() < deadline, "service did not resume"
        time.sleep(0.2)


# ---------------------------------------------------------------------------- requests


def test_head_gives_the_headers_of_get(server: Server) -> None:
    for target in ("/sparql", "/sparql?" + urllib.parse.urlencode({"query": CHEAP}), "/workbench/workbench.js"):
        get_status, get_body, get_headers = _request(server, "GET", target, headers={"Accept": "text/html,*/*"})
        status, body, headers = _request(server, "HEAD", target, headers={"Accept": "text/html,*/*"})
        assert (status, body) == (get_status, b"") and status == 200, target
        assert headers["Content-Length"] == get_headers["Content-Length"] == str(len(get_body))
        assert headers["Content-Type"] == get_headers["Content-Type"]


@pytest.mark.parametrize(
    ("target", "status"),
    [
        ("/%00", 404),
        ("/a%00b/c", 404),
        ("/%FF%FE", 400),
        ("/%", 404),
        ("/sparql?query=%FF", 400),
        ("/sparql?query=%00", 400),
        ("/workbench/%00", 404),
        ("/..%2f..%2fetc%2fpasswd", 404),
    ],
)
def test_odd_urls_get_a_status_not_a_dropped_connection(server: Server, target: str, status: int) -> None:
    got, body, _ = _request(server, "GET", target)
    assert got == status and body.endswith(b"\n"), (target, got, body)
    _answers_cheap(server)
    assert "Traceback" not in server.errors()


def test_unknown_method_and_bad_request_line(server: Server) -> None:
    assert _request(server, "DELETE", "/sparql")[0] == 501
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as raw:
        raw.sendall(b"NONSENSE\r\n\r\n")
        assert raw.recv(100).startswith(b"HTTP/1.1 400")
