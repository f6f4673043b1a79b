"""The query workers of `kg serve`: every query in a separate process, with a time and a memory limit, in two
lanes so that cheap queries stay fast while expensive ones run.

    QueryPool.run(query)
      ├─ known to be expensive (it ran past ``slow_after`` before)?
      │     slow lane: wait for one of ``slow_workers`` slots, run in a worker at the lowest CPU priority
      └─ cheap lane: one of ``workers`` idle workers at normal priority
            ├─ answered within ``slow_after`` (nearly every query): done
            └─ still running: its worker moves to the slow lane as it is (every thread reniced to 19, the query goes on)
               and a fresh worker takes its place in the cheap lane; when every slow slot is taken the
               worker is paused (SIGSTOP) until one frees, at most ``slow_workers`` of them; past that the
               query is stopped (503); either way its next run waits for a slow slot without a worker

On two cores an expensive query at nice 19 gets CPU only when cheap ones leave some, so cheap queries keep
their latency while at most ``slow_workers`` expensive queries run.

Limits. pyoxigraph cannot interrupt a query, so queries never run in the server process. A worker past the
deadline is killed (SIGKILL) and replaced: 503. Each worker caps its data segment (RLIMIT_DATA) at its idle
size plus ``memory_mb``: a query that needs more makes an allocation fail, the worker aborts, and the client
gets 503 naming the limit (the worker is replaced). A result is serialised into a buffer that refuses to grow
past ``max_result_bytes``: 422. Workers are forked by a fork server (a fresh single-threaded process with the
query code loaded, never the threaded server: see _context) and named ``kg-query``; they open the same
on-disk store read-only (so a worker starts quickly whatever the graph size, and the store's pages
are shared through the page cache), and run each query on a deep stack (kg.query.on_deep_stack).
"""

from __future__ import annotations

import hashlib
import io
import multiprocessing
import os
import queue
import resource
import select
import signal
import threading
import time
from collections import Counter, OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from http import HTTPStatus
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from kg.errors import QueryError

SLOW_NICE = 19
WORKER_NAME = "kg-query"
"""the process name of every query worker (/proc/PID/comm)"""
KNOWN_SLOW = 1024  # expensive queries remembered (by text), least recently seen forgotten first


@dataclass(frozen=True)
class Limits:
    timeout: float = 30.0
    """seconds a query may run"""
    max_query_bytes: int = 64 * 1024
    max_result_bytes: int = 32 * 1024 * 1024
    workers: int = 3
    """cheap-lane workers (normal CPU priority): one more than the cores of our machines, so that cheap
    queries keep a worker while a query not yet known to be expensive holds one for ``slow_after``"""
    slow_workers: int = 2
    """expensive queries that may run at once (lowest CPU priority)"""
    slow_after: float = 0.5
    """seconds after which a running query counts as expensive"""
    memory_mb: int = 1024
    """memory a query may allocate in its worker, over the worker's idle size"""
    max_connections: int = 64
    """open client connections served at once; more wait in the listen backlog"""
    idle_timeout: float = 15.0
    """seconds a kept-alive connection may sit idle between requests"""
    request_timeout: float = 10.0
    """seconds a request's line, headers and body may take to arrive once it has begun"""
    backlog: int = 128
    """listen backlog: connections the kernel holds while every slot is busy"""


class Refused(Exception):
    """A request answered with an HTTP error status and a plain-text message."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class Answer:
    media_type: str
    body: bytes


# ---------------------------------------------------------------------------- inside a worker


class _Capped(io.BytesIO):
    """An in-memory file that refuses to grow past ``limit`` bytes (stops the serialisation of huge results)."""

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit
        self.overflow = False

    def write(self, data: Any) -> int:
        if self.tell() + len(data) > self.limit:
            self.overflow = True
            raise OSError(f"result larger than {self.limit} bytes")
        return super().write(data)


def _answer(store: Any, job: tuple[str, dict[str, str], list[str]], max_bytes: int) -> tuple[str, int, str, bytes]:
    """Run one job in a worker: ("ok", 200, media type, body) or ("error", status, message, b"")."""
    import pyoxigraph as ox

    from kg import query
    from kg.server import GRAPH_MEDIA, RESULT_MEDIA, choose_format

    text, params, accepts = job
    try:
        live = query.execute(store, text, params)
    except QueryError as exc:
        status = HTTPStatus.FORBIDDEN if query.is_refused(text) else HTTPStatus.BAD_REQUEST
        return "error", status, str(exc), b""
    kind = "graph" if isinstance(live, ox.QueryTriples) else "results"
    chosen = choose_format(accepts, kind)
    if chosen is None:
        offered = ", ".join(t[0] for t in (RESULT_MEDIA if kind == "results" else GRAPH_MEDIA).values())
        return "error", HTTPStatus.NOT_ACCEPTABLE, f"no acceptable format for this query; this endpoint writes {offered}", b""
    name, media = chosen
    sink = _Capped(max_bytes)
    try:
        query.serialize(live, name, sink)
    except OSError as exc:
        if sink.overflow:
            message = f"the result is larger than the {max_bytes:,}-byte limit; add LIMIT or select fewer variables"
            return "error", HTTPStatus.UNPROCESSABLE_ENTITY, message, b""
        return "error", HTTPStatus.INTERNAL_SERVER_ERROR, f"cannot read the store: {exc}", b""
    except (RuntimeError, ValueError) as exc:  # evaluation errors pyoxigraph raises while iterating
        return "error", HTTPStatus.BAD_REQUEST, f"query failed: {exc}", b""
    return "ok", HTTPStatus.OK, media, sink.getvalue()


def _name_process(name: str) -> None:
    """Name this process (what ps, top and kg.query_pool.workers_of show) where Linux allows it."""
    comm = Path("/proc/self/comm")
    if comm.exists():
        comm.write_text(name, encoding="ascii")


def _die_with_server(server: int) -> None:
    """End this worker as soon as the server process ``server`` ends, even in the middle of a query, so that a
    server killed outright (SIGKILL, OOM) leaves no query running on: a thread waits on the server's pidfd
    (Linux 5.3+) and kills this process. (The kernel's parent-death signal cannot do it: a worker's parent is
    the fork server, which lives while any worker does.)"""
    if not hasattr(os, "pidfd_open"):
        return
    try:
        handle = os.pidfd_open(server)
    except OSError:  # it has already ended
        os._exit(0)

    def watch() -> None:
        select.select([handle], [], [])
        os.kill(os.getpid(), signal.SIGKILL)

    threading.Thread(target=watch, name="kg-query-watch", daemon=True).start()


def _data_bytes() -> int:
    """This process's data segment (VmData: heap, anonymous mappings, thread stacks), what RLIMIT_DATA caps."""
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmData:"):
                return int(line.split()[1]) * 1024
    raise OSError("no VmData in /proc/self/status")


def _worker_main(conn: Connection, store_dir: str, max_bytes: int, memory_bytes: int, nice: int, server: int) -> None:
    """A worker process: open the store read-only, answer jobs until told to stop (None) or the pipe closes."""
    import pyoxigraph as ox

    from kg import query

    _name_process(WORKER_NAME)
    if nice:  # before any other thread exists: they inherit it
        os.setpriority(os.PRIO_PROCESS, 0, nice)
    _die_with_server(server)
    store = ox.Store.read_only(store_dir)

    def serve() -> None:
        # set here, on the deep-stack thread, whose stack is already mapped (and counted as data)
        limit = _data_bytes() + memory_bytes
        resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))
        conn.send(("ready", 0, "", b""))
        while True:
            try:
                job = conn.recv()
            except EOFError:
                return
            if job is None:
                return
            try:
                conn.send(_answer(store, job, max_bytes))
            except MemoryError:  # Python ran out under the cap: answer, then end (the pool starts a fresh worker)
                conn.send(("retire", HTTPStatus.SERVICE_UNAVAILABLE, _MEMORY_MESSAGE.format(mb=memory_bytes >> 20), b""))
                return

    query.on_deep_stack(serve)


_MEMORY_MESSAGE = "the query needed more than the {mb:,} MB memory limit and was stopped; narrow it or add LIMIT"


# ---------------------------------------------------------------------------- the pool


@dataclass(eq=False)  # identity: workers live in a set
class _Worker:
    process: multiprocessing.process.BaseProcess
    conn: Connection
    lane: str  # "cheap" or "slow"


class QueryPool:
    """Worker processes that run queries against one read-only store (see the module docstring)."""

    def __init__(self, store_dir: Path, limits: Limits) -> None:
        self.store_dir = store_dir
        self.limits = limits
        self.events: Counter[str] = Counter()
        """what happened: cheap, slow (queries answered per lane), demoted, paused, stopped-busy, timeout, memory,
        lost-idle (workers found dead while idle, passed over and replaced)"""
        self._context = _context()
        self._cheap: queue.Queue[_Worker] = queue.Queue()
        self._slow_idle: list[_Worker] = []
        self._slots = threading.BoundedSemaphore(max(1, limits.slow_workers))
        self._paused = threading.BoundedSemaphore(max(1, limits.slow_workers))
        self._known_slow: OrderedDict[str, None] = OrderedDict()
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self._closed = False
        for _ in range(max(1, limits.workers)):
            self._cheap.put(self._start("cheap"))

    # -- running a query

    def run(self, text: str, params: Mapping[str, str], accepts: list[str]) -> Answer:
        deadline = time.monotonic() + self.limits.timeout
        job = (text, dict(params), accepts)
        key = hashlib.sha1(text.encode("utf-8")).hexdigest()
        if self._is_known_slow(key):
            return self._run_slow(job, deadline, key)
        worker = self._take_cheap(deadline)
        while not self._delivered(worker, job):
            worker = self._take_cheap(deadline)
        if worker.conn.poll(max(0.0, min(self.limits.slow_after, deadline - time.monotonic()))):
            return self._finish(worker, deadline)
        # still running: an expensive query
        self._remember_slow(key)
        self._replace_later(worker)  # its place in the cheap lane
        worker.lane = "slow"
        _renice(worker, SLOW_NICE)
        self.events["demoted"] += 1
        if not self._slots.acquire(blocking=False):
            self._wait_for_slot(worker, deadline)
        try:
            return self._finish(worker, deadline)
        finally:
            self._slots.release()

    def _wait_for_slot(self, worker: _Worker, deadline: float) -> None:
        """Pause a demoted worker until a slow slot frees (then the caller holds it), or stop its query."""
        if not self._paused.acquire(blocking=False):
            self._kill(worker)
            self.events["stopped-busy"] += 1
            raise Refused(HTTPStatus.SERVICE_UNAVAILABLE, self._busy_message())
        try:
            _signal(worker, signal.SIGSTOP)
            if not self._slots.acquire(timeout=max(0.0, deadline - time.monotonic())):
                self._kill(worker)
                self.events["timeout"] += 1
                raise Refused(HTTPStatus.SERVICE_UNAVAILABLE, f"the query waited for a long-running slot past the "
                              f"{self.limits.timeout:g} s time limit and was stopped; try again later")  # fmt: skip
            _signal(worker, signal.SIGCONT)
            self.events["paused"] += 1
        finally:
            self._paused.release()

    def _busy_message(self) -> str:
        return (f"{self.limits.slow_workers} long-running queries are running and {self.limits.slow_workers} more "
                f"are waiting; this one ran past {self.limits.slow_after:g} s and was stopped. Send it again: it will "
                "wait for its turn")  # fmt: skip

    def _run_slow(self, job: tuple[str, dict[str, str], list[str]], deadline: float, key: str) -> Answer:
        if not self._slots.acquire(timeout=max(0.0, deadline - time.monotonic())):
            raise Refused(HTTPStatus.SERVICE_UNAVAILABLE, f"{self.limits.slow_workers} long-running queries kept the "
                          f"server busy for {self.limits.timeout:g} s; try again later")  # fmt: skip
        try:
            worker = self._take_slow()
            while not self._delivered(worker, job):
                worker = self._take_slow()
            started = time.monotonic()
            answer = self._finish(worker, deadline)
            if time.monotonic() - started < self.limits.slow_after:  # it was slow once (a busy moment): no more
                self._forget_slow(key)
            return answer
        finally:
            self._slots.release()

    def _take_cheap(self, deadline: float) -> _Worker:
        """An idle cheap-lane worker that is alive, waiting for one until the deadline."""
        while True:
            try:
                worker = self._cheap.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                raise Refused(HTTPStatus.SERVICE_UNAVAILABLE, f"all {self.limits.workers} query workers stayed busy "
                              f"for {self.limits.timeout:g} s; try again later") from None  # fmt: skip
            if self._idle_alive(worker):
                return worker

    def _take_slow(self) -> _Worker:
        """An idle slow-lane worker that is alive, or a new one."""
        while True:
            with self._lock:
                worker = self._slow_idle.pop() if self._slow_idle else None
            if worker is None:
                return self._start("slow")
            if self._idle_alive(worker):
                return worker

    def _idle_alive(self, worker: _Worker) -> bool:
        """Whether an idle worker is still there. An idle worker has nothing to send, so a pipe with something to
        read has its other end closed: the worker died while idle (the OOM killer, a stray SIGKILL). Such a
        worker is dropped (a cheap one replaced) and the request takes another, instead of failing on it."""
        try:
            closed = worker.conn.poll(0)
        except OSError:
            closed = True
        if closed:
            self.events["lost-idle"] += 1
            self._lost(worker)
        return not closed

    def _delivered(self, worker: _Worker, job: tuple[str, dict[str, str], list[str]]) -> bool:
        """Send ``job`` to ``worker``; False when the worker turns out to have died since it was checked
        (the job never reached it, so another worker may run it: the worker is dropped, a cheap one replaced)."""
        try:
            worker.conn.send(job)
        except OSError:
            self.events["lost-idle"] += 1
            self._lost(worker)
            return False
        return True

    def _finish(self, worker: _Worker, deadline: float) -> Answer:
        """Wait for ``worker``'s answer until the deadline; then give the worker back to its lane."""
        try:
            if not worker.conn.poll(max(0.0, deadline - time.monotonic())):
                self._lost(worker)
                self.events["timeout"] += 1
                raise Refused(HTTPStatus.SERVICE_UNAVAILABLE,
                              f"the query ran past the {self.limits.timeout:g} s time limit and was stopped; narrow it or add LIMIT")  # fmt: skip
            status_word, status, info, body = worker.conn.recv()
        except (EOFError, OSError) as exc:
            code = self._lost(worker)
            if code == -signal.SIGABRT:  # an allocation over RLIMIT_DATA failed: pyoxigraph aborts
                self.events["memory"] += 1
                raise Refused(HTTPStatus.SERVICE_UNAVAILABLE, _MEMORY_MESSAGE.format(mb=self.limits.memory_mb)) from exc
            raise Refused(HTTPStatus.INTERNAL_SERVER_ERROR, f"the query worker died (exit {code}); try again") from exc
        if status_word == "retire":
            self._lost(worker)
            self.events["memory"] += 1
        else:
            self.events[worker.lane] += 1
            self._give_back(worker)
        if status_word != "ok":
            raise Refused(status, info)
        return Answer(info, body)

    def _give_back(self, worker: _Worker) -> None:
        if worker.lane == "cheap":
            self._cheap.put(worker)
            return
        with self._lock:
            keep = not self._closed and len(self._slow_idle) < self.limits.slow_workers
            if keep:
                self._slow_idle.append(worker)
        if not keep:
            self._stop(worker)

    def _lost(self, worker: _Worker) -> int | None:
        """Kill a worker that failed; a cheap one is replaced. Its exit code."""
        code = self._kill(worker)
        if worker.lane == "cheap":
            self._replace_later(worker)
        return code

    # -- expensive queries, by text

    def _is_known_slow(self, key: str) -> bool:
        with self._lock:
            if key in self._known_slow:
                self._known_slow.move_to_end(key)
                return True
            return False

    def _remember_slow(self, key: str) -> None:
        with self._lock:
            self._known_slow[key] = None
            self._known_slow.move_to_end(key)
            while len(self._known_slow) > KNOWN_SLOW:
                self._known_slow.popitem(last=False)

    def _forget_slow(self, key: str) -> None:
        with self._lock:
            self._known_slow.pop(key, None)

    # -- worker processes

    def _start(self, lane: str) -> _Worker:
        parent, child = self._context.Pipe()
        nice = SLOW_NICE if lane == "slow" else 0
        args = (child, str(self.store_dir), self.limits.max_result_bytes, self.limits.memory_mb << 20, nice, os.getpid())
        process = self._context.Process(target=_worker_main, args=args, daemon=True, name=f"kg-query-{lane}")
        process.start()
        child.close()
        try:
            ready = parent.poll(60) and parent.recv()[0] == "ready"
        except EOFError:  # the worker died opening the store; its traceback is on stderr
            ready = False
        if not ready:
            process.kill()
            raise QueryError(f"{self.store_dir}: a query worker could not open the store; delete the folder to have it rebuilt")
        worker = _Worker(process, parent, lane)
        with self._lock:
            self._all.add(worker)
        return worker

    def _replace_later(self, worker: _Worker) -> None:
        """Start a cheap worker in the background to take ``worker``'s place (the request does not wait)."""

        def start() -> None:
            try:
                fresh = self._start("cheap")
            except QueryError as exc:  # the store went away: say so; requests then get 503 "busy"
                print(f"kg serve: {exc}", flush=True)
                return
            with self._lock:
                closed = self._closed
            if closed:
                self._stop(fresh)
            else:
                self._cheap.put(fresh)

        threading.Thread(target=start, name="kg-query-respawn", daemon=True).start()

    def _kill(self, worker: _Worker) -> int | None:
        with self._lock:
            self._all.discard(worker)
        worker.process.kill()
        worker.process.join(5)
        worker.conn.close()
        return worker.process.exitcode

    def _stop(self, worker: _Worker) -> None:
        with self._lock:
            self._all.discard(worker)
        try:
            worker.conn.send(None)
        except OSError:
            pass  # already gone: nothing to tell it
        worker.process.join(2)
        if worker.process.is_alive():
            worker.process.kill()
            worker.process.join(2)
        worker.conn.close()

    def pids(self) -> list[int]:
        """Process ids of every live worker (for monitoring and tests)."""
        with self._lock:
            return [w.process.pid for w in self._all if w.process.pid is not None]

    def close(self) -> None:
        """Stop every worker: idle ones end when told, busy or paused ones are killed after 2 s in all."""
        with self._lock:
            self._closed = True
            workers, self._all = list(self._all), set()
            self._slow_idle = []
        for worker in workers:
            try:
                worker.conn.send(None)
            except OSError:
                pass  # already gone: nothing to tell it
        deadline = time.monotonic() + 2
        for worker in workers:
            worker.process.join(max(0.0, deadline - time.monotonic()))
        for worker in workers:
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join(2)
            worker.conn.close()


def _context() -> multiprocessing.context.ForkServerContext | multiprocessing.context.SpawnContext:
    """Where workers come from: a fork server (a fresh single-threaded process, never the threaded HTTP
    server, that has imported pyoxigraph and the query code once) forks each one, so a worker replacing a
    demoted or killed one is ready in milliseconds rather than the second or more a fresh interpreter takes
    under load (the cheap lane is a worker short meanwhile). Where there is no fork server: spawn."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["pyoxigraph", "kg.query", "kg.server"])
    return context


def _signal(worker: _Worker, signum: int) -> None:
    pid = worker.process.pid
    if pid is not None:
        try:
            os.kill(pid, signum)
        except OSError:
            pass  # it ended meanwhile: its answer or its death is read next


def _renice(worker: _Worker, nice: int) -> None:
    """Lower the CPU priority of every thread of a worker. On Linux a nice value belongs to a thread, and
    setpriority(pid) changes only the main one: the query runs on another (kg.query.on_deep_stack)."""
    pid = worker.process.pid
    if pid is None:
        return
    for thread in _threads(pid):
        try:
            os.setpriority(os.PRIO_PROCESS, thread, nice)
        except OSError:
            pass  # that thread or the worker ended meanwhile: its answer or its death is read next


def _threads(pid: int) -> list[int]:
    """The thread ids of process ``pid`` (just ``pid`` where /proc does not list them)."""
    try:
        return [int(name) for name in os.listdir(f"/proc/{pid}/task")]
    except OSError:
        return [pid]


def workers_of(pid: int) -> list[int]:
    """Process ids of the query workers under process ``pid`` (a server): its descendants named
    WORKER_NAME (the fork server that makes them is a child of the server, the workers its children)."""
    out: list[int] = []
    pending = [pid]
    while pending:
        parent = pending.pop()
        for thread in _threads(parent):
            try:
                children = Path(f"/proc/{parent}/task/{thread}/children").read_text().split()
            except OSError:
                continue  # the thread or process ended meanwhile
            pending += [int(child) for child in children]
            for child in children:
                try:
                    if Path(f"/proc/{child}/comm").read_text().strip() == WORKER_NAME:
                        out.append(int(child))
                except OSError:
                    continue  # it ended meanwhile
    return sorted(out)


def thread_nices(pid: int) -> dict[int, int]:
    """The nice value of each thread of process ``pid`` (for tests and monitoring)."""
    out = {}
    for thread in _threads(pid):
        try:
            out[thread] = os.getpriority(os.PRIO_PROCESS, thread)
        except OSError:
            continue  # the thread ended meanwhile
    return out
