"""`kg build --scheduler`: extraction as tasks on a real Dask cluster (a LocalCluster of two worker
processes over TCP on 127.0.0.1) gives the exports of a local build, byte for byte."""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

from kg.cluster import BATCH_CHARACTERS, BATCH_JOBS, SMALLEST_BATCH, _batches
from kg.pipeline import BuildReport, build_to
from kg.settings import Settings

from .conftest import CORPUS

distributed = pytest.importorskip("distributed")

FORMATS = ["turtle", "ntriples", "nquads", "jsonld", "graphml"]
SAMPLE = (CORPUS / "2021-sichuan-youshilaixieshang-conference-speeches.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def cluster():
    import dask

    settings = {"distributed.scheduler.allowed-failures": 0, "distributed.worker.profile.enabled": False}  # as the README says
    with dask.config.set(settings), distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", protocol="tcp://", dashboard_address=None,
        preload=["kg.cluster"],  # as the README tells users to start their workers
    ) as local:
        yield local


def _corpus(folder: Path, n: int) -> Path:
    folder.mkdir(parents=True)
    for i, place in enumerate(["成都", "德阳", "绵阳", "泸州", "宜宾", "南充"][:n]):
        (folder / f"doc{i}.txt").write_text(SAMPLE.replace("成都", place), encoding="utf-8")
    return folder


def _exports(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(out.iterdir()) if p.is_file()}


def test_cluster_build_equals_local_build(cluster, tmp_path: Path, monkeypatch) -> None:
    corpus = _corpus(tmp_path / "corpus", 5)
    (corpus / "broken.txt").write_bytes(b"")  # a bad file: named, skipped, the build goes on
    monkeypatch.chdir(tmp_path)  # relative paths as given, named so in the graph
    local = build_to([Path("corpus")], tmp_path / "local", formats=FORMATS, progress=False, cache=False)
    remote = build_to(
        [Path("corpus")], tmp_path / "remote", formats=FORMATS, progress=False, cache=False, scheduler=cluster.scheduler_address
    )
    assert cluster.scheduler_address.startswith("tcp://127.0.0.1:")
    assert _exports(tmp_path / "remote") == _exports(tmp_path / "local")
    assert remote.documents == local.documents == 30 and remote.extracted == 30
    assert remote.skipped == local.skipped and [p for p, _ in remote.skipped] == ["corpus/broken.txt"]
    assert remote.violations == local.violations == []


def test_a_user_lexicon_reaches_workers_that_warmed_up_without_it(cluster, tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "doc.txt").write_text("某县政协组织委员到村里，村民在茶馆夜话上提出修路的意见。", encoding="utf-8")
    lexicon = tmp_path / "mine.tsv"
    lexicon.write_text("# my terms\n茶馆夜话\tPlatform\n", encoding="utf-8")
    settings = Settings(user_lexicons=(lexicon,))
    build_to([corpus], tmp_path / "local", formats=["turtle"], settings=settings, progress=False, cache=False)
    build_to([corpus], tmp_path / "remote", formats=["turtle"], settings=settings, progress=False, cache=False,
             scheduler=cluster.scheduler_address)
    build_to([corpus], tmp_path / "plain", formats=["turtle"], progress=False, cache=False, scheduler=cluster.scheduler_address)
    remote = (tmp_path / "remote" / "cppcc.ttl").read_bytes()
    assert remote == (tmp_path / "local" / "cppcc.ttl").read_bytes()
    platform = "platform:茶馆夜话 a cppcc:Platform"  # the lexicon's term, found only with the lexicon
    assert platform in remote.decode() and platform not in (tmp_path / "plain" / "cppcc.ttl").read_text(encoding="utf-8")


def _dictionaries_loaded() -> bool:
    """On a worker: has every table extraction loads lazily been loaded?"""
    import importlib

    from kg.extract import _LAZY_MODULES, _table_loaders

    return all(load.cache_info().currsize for name in _LAZY_MODULES for load in _table_loaders(importlib.import_module(name)))


def test_workers_started_with_the_preload_load_the_dictionaries_before_any_task() -> None:
    options = dict(n_workers=1, threads_per_worker=1, processes=True, host="127.0.0.1", protocol="tcp://", dashboard_address=":0")
    with distributed.LocalCluster(**options, preload=["kg.cluster"]) as warm, distributed.LocalCluster(**options) as cold:
        for local, expected in ((warm, True), (cold, False)):
            with distributed.Client(local.scheduler_address, set_as_default=False) as client:
                assert list(client.run(_dictionaries_loaded).values()) == [expected]


def _jobs(sizes: list[int]) -> list[SimpleNamespace]:
    return [SimpleNamespace(doc=SimpleNamespace(text="字" * n), number=i) for i, n in enumerate(sizes)]


def _characters(batch: list[SimpleNamespace]) -> int:
    return sum(len(job.doc.text) for job in batch)


@pytest.mark.parametrize("sizes", [[1500] * 200, [700, 3000, 250, 9000, 1200] * 40, [40] * 500, [20_000] * 9 + [300] * 7, [900] * 3])
def test_batches_cover_the_jobs_in_order_full_first_and_shrinking_at_the_end(sizes: list[int]) -> None:
    jobs = _jobs(sizes)
    batches = list(_batches(iter(jobs), 2))
    assert [job for batch in batches for job in batch] == jobs
    assert batches == list(_batches(iter(_jobs(sizes)), 2)), "the same corpus gives the same tasks"
    assert all(len(batch) <= BATCH_JOBS for batch in batches)
    characters = [_characters(batch) for batch in batches]
    full = [c >= BATCH_CHARACTERS or len(b) == BATCH_JOBS for b, c in zip(batches, characters)]
    if sum(sizes) > 4 * BATCH_CHARACTERS:  # the shrinking starts once every job is read, 2 batches a worker ahead
        assert all(full[: len(full) // 2])
    shrinking = characters[full.index(False) :] if False in full else []
    largest_job = max(sizes)
    assert all(later <= earlier + largest_job for earlier, later in zip(shrinking, shrinking[1:]))
    if len(batches) > 4:
        assert all(c < BATCH_CHARACTERS / 2 or len(b) == 1 for b, c in zip(batches[-2:], characters[-2:]))
        assert all(c >= SMALLEST_BATCH or len(b) == BATCH_JOBS or b is batches[-1] for b, c in zip(batches, characters))


class _DoneAtOnce:
    """A Dask future whose task finished as it was sent (what a fast cluster looks like to the client)."""

    def __init__(self, value: object) -> None:
        self.value = value

    def done(self) -> bool:
        return True

    def result(self) -> object:
        return self.value

    def release(self) -> None:
        pass


class _Client:
    loop = None

    def __init__(self, address: str, **_: object) -> None:
        pass

    def __enter__(self) -> _Client:
        return self

    def __exit__(self, *_: object) -> None:
        pass

    def nthreads(self) -> dict[str, int]:
        return {"a": 1, "b": 1}

    def submit(self, function, *args, pure: bool) -> _DoneAtOnce:  # type: ignore[no-untyped-def]
        return _DoneAtOnce(function(*args))


class _AsCompleted:
    def __init__(self, loop: object = None) -> None:
        self.futures: list[_DoneAtOnce] = []

    def add(self, future: _DoneAtOnce) -> None:
        self.futures.append(future)

    def __next__(self) -> _DoneAtOnce:
        return self.futures.pop(0)


def test_every_job_comes_back_when_tasks_finish_faster_than_results_are_merged(monkeypatch) -> None:
    """Tasks that are done before their results are taken: a count of running tasks carried over from an
    earlier wait stopped new tasks being sent, and the build ended with files never extracted."""
    from kg import cluster as kc

    monkeypatch.setattr(distributed, "Client", _Client)
    monkeypatch.setattr(distributed, "as_completed", _AsCompleted)
    monkeypatch.setattr(kc, "_tasks", lambda batch, settings, lexicons: [job.number for job in batch])
    jobs = _jobs([5_000] * 60)
    assert list(kc.extract_on_cluster(iter(jobs), Settings(), "tcp://127.0.0.1:1")) == list(range(60))


def test_cluster_build_uses_and_fills_the_cache(cluster, tmp_path: Path) -> None:
    corpus = _corpus(tmp_path / "corpus", 3)
    out = tmp_path / "out"
    first = build_to([corpus], out, formats=["turtle"], progress=False, scheduler=cluster.scheduler_address)
    (corpus / "doc0.txt").write_text(SAMPLE.replace("成都", "巴中"), encoding="utf-8")
    second = build_to([corpus], out, formats=["turtle"], progress=False, scheduler=cluster.scheduler_address)
    assert (first.extracted, second.extracted, second.from_cache) == (18, 6, 12)
    build_to([corpus], tmp_path / "clean", formats=["turtle"], progress=False, cache=False)
    assert (out / "cppcc.ttl").read_bytes() == (tmp_path / "clean" / "cppcc.ttl").read_bytes()


def test_a_worker_killed_while_extracting_fails_its_files_not_the_build(cluster, tmp_path: Path, monkeypatch) -> None:
    # small tasks (a document or two each), so that the worker is killed while it has work: with the
    # default batches this small corpus is two tasks, and the victim's may be done before the kill lands
    monkeypatch.setattr("kg.cluster.BATCH_CHARACTERS", 1000)
    corpus = _corpus(tmp_path / "corpus", 6)
    client = distributed.Client(cluster.scheduler_address, set_as_default=False)
    pids = client.run(os.getpid)
    done: list[BuildReport] = []
    build = threading.Thread(
        target=lambda: done.append(
            build_to([corpus], tmp_path / "out", formats=["turtle"], settings=Settings(), progress=False, cache=False,
                     scheduler=cluster.scheduler_address)
        )
    )
    build.start()
    deadline = time.monotonic() + 120
    victim = None
    while victim is None and time.monotonic() < deadline and build.is_alive():
        busy = [w for w, keys in client.processing().items() if any(str(k).startswith("_task") for k in keys)]
        victim = busy[0] if busy else None
        time.sleep(0.01)
    assert victim is not None, "no extraction task seen running"
    os.kill(pids[victim], signal.SIGKILL)
    build.join(timeout=300)
    client.close()
    assert done, "the build did not finish"
    report = done[0]
    failed = [path for path, reason in report.skipped if "Dask task" in reason]
    assert failed and report.failed == len(failed) == len(report.skipped)
    assert all(path.startswith(str(corpus)) for path in failed)
    assert report.documents == 6 * (6 - len(failed)), "every other file is in the graph"
