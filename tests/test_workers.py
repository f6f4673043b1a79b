"""kg.workers: results in job order, a job's exception raised whole, a dead worker named, nothing left."""

from __future__ import annotations

import multiprocessing
import os

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
