"""Extraction on a Dask cluster: `kg build … --scheduler ADDRESS`.

    extract_on_cluster(jobs, settings, address) -> DocResults, in the order of ``jobs``

The main process reads the files (and keeps the cache) as in a local build; consecutive documents (or
windows of a very long one), about 20,000 characters of them, make one task (``_tasks``: kg.pipeline's
``process_job`` on each), run by a Dask worker; results come back in the order of the documents.
**Workers receive the text**: a document travels to the worker with its text, the result (N-Triples,
entity summaries, the SHACL share) travels back, so the corpus needs no shared storage and the workers
never see the output folder; the contents of ``--lexicon`` files travel with the settings. The main process does everything else as in a
local build: the cache, the merge, the checks on merged entities and the exports, so the outputs are the
same bytes as a local build's.

Workers should run one thread each (``dask worker ADDRESS --nworkers N --nthreads 1 --preload kg.cluster``):
extraction is Python and holds the GIL. With the preload (``dask_setup``) each worker process loads the
dictionaries as it starts, once for every build the cluster serves; without it, on its first task. Dask's
sampling profiler (``distributed.worker.profile.enabled``) costs extraction about a fifth more CPU time:
the README says to turn it off on the workers.

A worker that dies while extracting is replaced by Dask and its task retried on another worker (up to
``distributed.scheduler.allowed-failures`` times); a task that still does not finish fails its documents,
whose file is then reported as failed (with Dask's reason), and the build goes on. The distributed package
is imported only here.
"""

from __future__ import annotations

import tempfile
from collections import deque
from collections.abc import Iterator
from dataclasses import replace
from functools import cache
from pathlib import Path
from typing import Any

from kg.cache import DocResult
from kg.errors import ConfigError
from kg.settings import Settings

BATCH_CHARACTERS = 20_000
"""Characters of text per task (a batch of documents, at most BATCH_JOBS): each Dask task costs the
scheduler and the network a few milliseconds and a round trip, which one task per document multiplied
by a thousand documents; a batch takes a worker a few seconds at most, short enough to keep every worker
busy. The last batches of a build are smaller (``_batches``), so that no worker finishes long before the others."""
BATCH_JOBS = 32
SMALLEST_BATCH = 2_000
"""Characters below which the shrinking batches at the end of a build stop shrinking."""


def extract_on_cluster(jobs: Iterator[Any], settings: Settings, address: str) -> Iterator[DocResult]:
    """Run ``jobs`` (kg.pipeline documents or windows) in batches as tasks on the cluster whose scheduler
    is at ``address``; results in the order of the jobs. Each worker always has a task waiting behind the
    one it runs (a new task is sent whenever any finishes, not only the oldest); at most twice that many
    batches are out or waiting to be merged, so memory stays bounded."""
    try:
        from distributed import Client, as_completed
    except ImportError:
        raise ConfigError("--scheduler needs Dask's distributed package: pip install 'cppcc-kg[dask]'") from None
    lexicons = tuple((Path(p).name, Path(p).read_bytes()) for p in settings.user_lexicons)
    try:
        client = Client(address, timeout="20s", set_as_default=False)
    except OSError as exc:
        raise ConfigError(f"cannot reach the Dask scheduler at {address}: {exc}") from exc
    with client:
        threads = max(1, sum(client.nthreads().values()))
        batches = _batches(jobs, threads)
        in_order: deque[tuple[list[Any], Any]] = deque()
        finished = as_completed(loop=client.loop)
        while True:
            # counted afresh each time: tasks finish while results are merged, and a count carried over
            # would stop new tasks being sent, ending the build with files not yet extracted
            running = sum(1 for _, f in in_order if not f.done())
            while running < 2 * threads and len(in_order) < 4 * threads and (batch := next(batches, None)) is not None:
                future = client.submit(_tasks, batch, settings, lexicons, pure=False)
                in_order.append((batch, future))
                finished.add(future)
                running += 1
            if not in_order:
                return
            if in_order[0][1].done():
                batch, future = in_order.popleft()
                yield from _outcomes(batch, future)
                future.release()
            else:  # wait for any task, then send the next batch
                next(finished)


def _batches(jobs: Iterator[Any], workers: int) -> Iterator[list[Any]]:
    """Consecutive jobs, about BATCH_CHARACTERS of text (or BATCH_JOBS jobs) at a time, in order. Jobs are
    read a few batches ahead; once they are all read, each batch is a share of what is left (guided
    self-scheduling: 1/(2 x workers) of it, down to SMALLEST_BATCH), so the last tasks are short and the
    workers finish together instead of one running the last full batch alone."""
    ahead: deque[Any] = deque()
    size = 0
    ended = False
    while True:
        while not ended and size < 2 * workers * BATCH_CHARACTERS:
            job = next(jobs, None)
            if job is None:
                ended = True
            else:
                ahead.append(job)
                size += len(job.doc.text)
        if not ahead:
            return
        target = BATCH_CHARACTERS if not ended else min(BATCH_CHARACTERS, max(SMALLEST_BATCH, size // (2 * workers)))
        batch: list[Any] = []
        characters = 0
        while ahead and characters < target and len(batch) < BATCH_JOBS:
            job = ahead.popleft()
            batch.append(job)
            characters += len(job.doc.text)
        size -= characters
        yield batch


def _outcomes(batch: list[Any], future: Any) -> list[DocResult]:
    try:
        results: list[DocResult] = future.result()
    except Exception as exc:  # the task never finished (KilledWorker, lost worker): its files fail, not the build
        reason = f"the Dask task extracting it failed: {type(exc).__name__}: {exc}"
        return [DocResult(job.doc.id, 0, b"", [], [], error=reason) for job in batch]
    return results


def _tasks(batch: list[Any], settings: Settings, lexicons: tuple[tuple[str, bytes], ...]) -> list[DocResult]:
    """On a worker: extract a batch of documents (or windows), in order."""
    from kg.pipeline import process_job

    here = _ready(settings, lexicons)
    return [process_job(job, here) for job in batch]


def dask_setup(worker: Any) -> None:
    """Dask's preload hook (``dask worker ADDRESS --preload kg.cluster``): the worker loads the
    dictionaries, word lists and shapes as it starts, before it takes any task, so that no build waits
    for them. Builds with ``--lexicon`` files load those on the first task that needs them."""
    _ready(Settings(), ())


@cache
def _ready(settings: Settings, lexicons: tuple[tuple[str, bytes], ...]) -> Settings:
    """``settings`` as this worker uses them, everything extraction reads loaded (once per process and
    settings)."""
    from kg.extract import warm_up
    from kg.validate import shapes

    here = _here(settings, lexicons)
    warm_up(here)
    if settings.validate:
        shapes()
    return here


def _here(settings: Settings, lexicons: tuple[tuple[str, bytes], ...]) -> Settings:
    """``settings`` with the user lexicons written on this machine (once per content, in a temporary
    folder of this worker process)."""
    if not lexicons:
        return settings
    return replace(settings, user_lexicons=tuple(_written(name, data) for name, data in lexicons))


@cache
def _written(name: str, data: bytes) -> Path:
    folder = Path(tempfile.mkdtemp(prefix="kg-lexicon-"))
    path = folder / name
    path.write_bytes(data)
    return path
