"""kg.workers: results in job order, a job's exception raised whole, a dead worker named, nothing left."""

from __future__ import annotations

import multiprocessing
import os
from pathlib import Path

import pytest

from kg.errors import InputError
from kg.workers import WorkerDied, ordered_map

FORK = multiprocessing.get_context("fork")


def square_or_fail(n: int) -> int:
    if n == 13:
        raise InputError(f"doc{n}.txt", "cannot decode")
    if n == 21:
        os._exit(9)  # a worker killed outright (out of memory, a crash)
    return n * n


def test_results_come_in_job_order() -> None:
    assert list(ordered_map(square_or_fail, range(12), workers=3, context=FORK, window=5)) == [n * n for n in range(12)]


def test_a_jobs_error_is_raised_whole_and_workers_are_gone() -> None:
    before = set(multiprocessing.active_children())
    with pytest.raises(InputError) as caught:
        list(ordered_map(square_or_fail, range(20), workers=2, context=FORK))
    assert caught.value.path == "doc13.txt" and caught.value.reason == "cannot decode"
    assert set(multiprocessing.active_children()) == before


def test_a_dead_worker_names_its_job() -> None:
    with pytest.raises(WorkerDied) as caught:
        list(ordered_map(square_or_fail, range(18, 30), workers=2, context=FORK))
    assert caught.value.job == 21 and caught.value.exitcode == 9


MAIN_KILLED = """
import multiprocessing, os, sys, time
from pathlib import Path
from kg.workers import ordered_map

def stay(n):
    Path(sys.argv[1], f"{os.getpid()}").touch()
    time.sleep(120)  # busy in a job, not waiting on the pipe
    return n

list(ordered_map(stay, range(4), workers=2, context=multiprocessing.get_context("fork")))
"""


@pytest.mark.skipif(not os.path.isdir("/proc"), reason="Linux: the kernel stops a worker whose parent died")
def test_workers_do_not_outlive_a_killed_main_process(tmp_path: Path) -> None:
    """kill -9 of the main process (or the OOM killer) takes its workers with it, even mid-job: none is left
    holding the build's pipes and output open."""
    import signal
    import subprocess
    import sys
    import time

    main = subprocess.Popen([sys.executable, "-c", MAIN_KILLED, str(tmp_path)])
    deadline = time.monotonic() + 120
    while len(list(tmp_path.iterdir())) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    workers = [int(p.name) for p in tmp_path.iterdir()]
    assert len(workers) == 2
    main.send_signal(signal.SIGKILL)
    main.wait()
    deadline = time.monotonic() + 30
    while any(os.path.exists(f"/proc/{pid}") and "Z" not in _state(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not [pid for pid in workers if os.path.exists(f"/proc/{pid}") and "Z" not in _state(pid)]


def _state(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return "Z"
