"""Worker processes that can always be stopped: each has its own pipe, nothing is shared between them.

multiprocessing.Pool feeds all its workers through one queue guarded by locks. A worker interrupted while
it sends a result (Ctrl-C reaches every process of the terminal's group) leaves half a message in the
queue or a lock held, and Pool.terminate() then waits forever: Ctrl-C hung `kg build` in 3 of 15 tries.
Here each worker reads jobs from and writes results to a pipe of its own, ignores SIGINT (only the main
process decides to stop) and dies at once on SIGTERM; when the main process stops, for whatever reason,
it kills the workers and waits for nothing they hold.

    ordered_map(function, jobs, workers=N, ...) -> the results, in the order of the jobs

A job's exception is raised in the main process (kg.errors types travel whole); a worker that dies
(killed, out of memory) raises WorkerDied naming the job it was working on.
"""

from __future__ import annotations

import ctypes
import os
import signal
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator
from multiprocessing.connection import Connection, wait
from multiprocessing.context import BaseContext
from typing import Any, NoReturn, TypeVar

Job = TypeVar("Job")
Result = TypeVar("Result")

_DEPTH = 2
"""Jobs sent ahead to each worker, so that it never waits for the main process between two jobs."""
_HELD = {signal.SIGINT, signal.SIGTERM, signal.SIGHUP}


class WorkerDied(RuntimeError):
    def __init__(self, job: object, exitcode: int | None) -> None:
        super().__init__(f"a worker process died (exit code {exitcode}) while working on {job!r:.200}")
        self.job = job
        self.exitcode = exitcode


def ordered_map(
    function: Callable[[Job], Result],
    jobs: Iterable[Job],
    *,
    workers: int,
    context: BaseContext,
    initializer: Callable[..., None] | None = None,
    initargs: tuple[Any, ...] = (),
    window: int = 256,
    depth: int = _DEPTH,
) -> Iterator[Result]:
    """``function`` applied to every job in ``workers`` processes; at most ``window`` jobs in flight or
    waiting to be yielded, so memory stays bounded however many jobs there are. Each worker is sent
    ``depth`` jobs ahead (1 for a few long jobs: the next goes to whichever worker is free first)."""
    return _map(function, jobs, workers, context, initializer, initargs, window, depth, primed=False)


def primed_map(
    function: Callable[[Job], Result],
    jobs: Iterable[Job],
    *,
    workers: int,
    context: BaseContext,
    initializer: Callable[..., None] | None = None,
    initargs: tuple[Any, ...] = (),
    window: int = 256,
    depth: int = _DEPTH,
) -> Generator[Result | None, None, None]:
    """``ordered_map`` whose first value is None, yielded as soon as the workers are started and sent
    their first jobs, so that the caller can do other work while they run."""
    return _map(function, jobs, workers, context, initializer, initargs, window, depth, primed=True)


def _map(
    function: Callable[[Any], Any],
    jobs: Iterable[Any],
    workers: int,
    context: BaseContext,
    initializer: Callable[..., None] | None,
    initargs: tuple[Any, ...],
    window: int,
    depth: int,
    primed: bool,
) -> Generator[Any, None, None]:
    processes: list[Any] = []
    pipes: list[Connection] = []
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, _HELD)  # no signal between fork and _serve's setup
    try:
        for _ in range(workers):
            mine, theirs = context.Pipe()
            process = context.Process(  # type: ignore[attr-defined]
                target=_serve, args=(theirs, function, initializer, initargs, previous, list(pipes), os.getpid()), daemon=True
            )
            process.start()
            theirs.close()
            processes.append(process)
            pipes.append(mine)
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)
    try:
        yield from _drive(pipes, processes, iter(jobs), window, depth, primed)
    except BaseException:
        for process in processes:
            process.kill()
        raise
    finally:
        for pipe in pipes:
            _quietly(pipe.send, None)  # workers still alive end their loop
        for process in processes:
            process.join(timeout=5)
            if process.is_alive():
                process.kill()
                process.join()
        for pipe in pipes:
            pipe.close()


def _drive(
    pipes: list[Connection], processes: list[Any], jobs: Iterator[Any], window: int, depth: int, primed: bool
) -> Iterator[Any]:
    inflight: dict[Connection, deque[tuple[int, Any]]] = {pipe: deque() for pipe in pipes}
    owner = dict(zip(pipes, processes))
    owner_pipe = {id(pipe): pipe for pipe in pipes}
    done: dict[int, Any] = {}
    sent = yielded = 0
    exhausted = False
    while True:
        for pipe in pipes:
            while not exhausted and len(inflight[pipe]) < depth and sent - yielded < window:
                job = next(jobs, _END)
                if job is _END:
                    exhausted = True
                    break
                inflight[pipe].append((sent, job))
                try:
                    pipe.send((sent, job))
                except OSError:  # the worker died since its last result: name the job it held first
                    _died(pipe, owner, inflight)
                sent += 1
        if primed:
            primed = False
            yield None
        busy = [pipe for pipe in pipes if inflight[pipe]]
        if not busy:
            return
        for ready in wait(busy):
            pipe = owner_pipe[id(ready)]
            try:
                index, ok, value = pipe.recv()
            except (EOFError, OSError):  # EOF, or a reset when it died with a job of ours unread
                _died(pipe, owner, inflight)
            inflight[pipe].popleft()
            if not ok:
                raise value
            done[index] = value
        while yielded in done:
            yield done.pop(yielded)
            yielded += 1


_END = object()


def _died(pipe: Connection, owner: dict[Connection, Any], inflight: dict[Connection, deque[tuple[int, Any]]]) -> NoReturn:
    process = owner[pipe]
    process.join(timeout=1)
    raise WorkerDied(inflight[pipe][0][1], process.exitcode) from None


def _serve(
    pipe: Connection,
    function: Callable[[Any], Any],
    initializer: Callable[..., None] | None,
    initargs: tuple[Any, ...],
    mask: set[signal.Signals],
    siblings: list[Connection],
    parent: int,
) -> None:
    for other in siblings:  # the main process's ends of earlier workers' pipes, copied by fork: a worker
        other.close()  # must see EOF when the main process is gone, not wait on a copy a sibling holds
    die_with_parent(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGHUP, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_SETMASK, mask)
    if initializer is not None:
        initializer(*initargs)
    while True:
        try:
            message = pipe.recv()
        except EOFError:
            return
        if message is None:
            return
        index, job = message
        try:
            reply = (index, True, function(job))
        except Exception as exc:  # sent to the main process, which raises it
            reply = (index, False, exc)
        pipe.send(reply)


def die_with_parent(parent: int) -> None:
    """Linux: the kernel sends SIGKILL to this worker when the main process dies (kill -9, OOM killer), so
    that no worker outlives a build and holds its output pipes open. Elsewhere EOF on the pipe ends it.
    (The kernel's notion of parent is the forking thread: ordered_map runs in the main thread.)"""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        prctl = libc.prctl
    except (OSError, AttributeError):  # not Linux (no prctl)
        return
    if prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_PDEATHSIG) failed")
    if os.getppid() != parent:  # the main process died before the request took effect
        os._exit(1)


_PR_SET_PDEATHSIG = 1


def _quietly(call: Callable[..., object], *args: object) -> None:
    try:
        call(*args)
    except OSError:  # the worker is gone already: nothing to tell it
        pass
