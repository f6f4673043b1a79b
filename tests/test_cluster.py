"""`kg build --scheduler`: extraction as tasks on a real Dask cluster (a LocalCluster of two worker
processes over TCP on 127.0.0.1) gives the exports of a local build, byte for byte."""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

import pytest

from kg.pipeline import BuildReport, build_to
from kg.settings import Settings

from .conftest import CORPUS

distributed = pytest.importorskip("distributed")

FORMATS = ["turtle", "ntriples", "nquads", "jsonld", "graphml"]
SAMPLE = (CORPUS / "2021-sichuan-youshilaixieshang-conference-speeches.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def cluster():
    import dask

    with dask.config.set({"distributed.scheduler.allowed-failures": 0}), distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", protocol="tcp://", dashboard_address=None
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
