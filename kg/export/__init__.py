"""Exporters, found by name in one registry and imported lazily.

Each exporter is a function ``write(graph: GraphFile, out_dir: Path) -> list[Path]`` that writes its file(s)
into ``out_dir`` atomically (``atomic_path``: a temporary file renamed into place) and deterministically,
and returns the paths written. ``graph`` (kg.export.graphfile) is the built graph as the sorted N-Triples
file a build leaves, with what several exporters derive from it (the property graph) made once.
``write`` also takes a pyoxigraph store (its default graph), for graphs that come from elsewhere.
"""

from __future__ import annotations

import importlib
import os
import shutil
import stat
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from kg.errors import ExportError, OutputError
from kg.export.graphfile import GraphFile
from kg.export.staging import describe_mode, exchange, output_error

if TYPE_CHECKING:
    from kg.export.store import Loaded

# name -> "module:function"
EXPORTERS: dict[str, str] = {
    "turtle": "kg.export.rdf:write_turtle",
    "ntriples": "kg.export.rdf:write_ntriples",
    "nquads": "kg.export.rdf:write_nquads",
    "trig": "kg.export.rdf:write_trig",
    "jsonld": "kg.export.jsonld:write_jsonld",
    "neo4j": "kg.export.neo4j:write_neo4j",
    "graphml": "kg.export.graphml:write_graphml",
    "gexf": "kg.export.graphml:write_gexf",
    "html": "kg.export.html:write_html",
    "store": "kg.export.store:write_store",  # after turtle: the query store is made from cppcc.ttl
}

FILES: dict[str, tuple[str, ...]] = {
    "turtle": ("cppcc.ttl",),
    "ntriples": ("cppcc.nt",),
    "nquads": ("cppcc.nq",),
    "trig": ("cppcc.trig",),
    "jsonld": ("cppcc.jsonld", "context.jsonld"),
    "neo4j": ("neo4j",),
    "graphml": ("cppcc.graphml",),
    "gexf": ("cppcc.gexf",),
    "html": ("cppcc.html",),
    "store": ("cppcc.oxigraph", ".cppcc.oxigraph.lock"),
}
"""The entries each format writes in the output folder (kg.export.staging replaces only these)."""

DEFAULT_FORMATS = ("turtle",)
BASENAME = "cppcc"


def names() -> list[str]:
    return list(EXPORTERS)


def plan(formats: Sequence[str]) -> list[str]:
    """The formats to write, in registry order, each once; ``store`` brings ``turtle`` (it is made from it).
    Raises ExportError for an unknown name or an empty list."""
    wanted = set(formats)
    unknown = sorted(wanted - set(EXPORTERS))
    if unknown:
        raise ExportError(f"unknown export format {', '.join(unknown)}; choose from {', '.join(EXPORTERS)} or all")
    if not wanted:
        raise ExportError(f"no export format given; choose from {', '.join(EXPORTERS)} or all")
    if "store" in wanted:
        wanted.add("turtle")
    return [name for name in EXPORTERS if name in wanted]


def owned_names() -> set[str]:
    """Every entry an export may take in the output folder."""
    return {name for files in FILES.values() for name in files}


def write(name: str, graph: GraphFile | ox.Store, out_dir: Path) -> list[Path]:
    """Write the export called ``name`` of ``graph`` (a build's GraphFile, or a store) into ``out_dir``."""
    try:
        target = EXPORTERS[name]
    except KeyError:
        raise ExportError(f"unknown export format {name!r}; choose from {', '.join(EXPORTERS)}") from None
    module_name, function = target.split(":")
    writer = getattr(importlib.import_module(module_name), function)
    if not isinstance(graph, GraphFile):
        with GraphFile.of_store(graph) as file:
            return write(name, file, out_dir)
    paths: list[Path] = writer(graph, out_dir)
    return paths


JOBS: tuple[tuple[str, ...], ...] = (
    ("neo4j", "graphml", "gexf", "html"),  # the property graph, made once
    ("store",),  # loaded from the N-Triples, put in place once the Turtle file is written (_write_parallel)
    ("nquads", "trig"),  # the same quads
    ("jsonld",),
    ("turtle",),
    ("ntriples",),
)
"""What one forked process writes at a time when processes write a large graph: formats that share what they
derive, one after the other (the store in a process of its own beside them). Longest first: each job goes to
whichever process is free, so they end about together."""
JOB_NICE = 3
"""The nice value of a forked process writing jobs other than the store: the store is the export stage's
longest job, so the others give way to it and all end about together. 9 alternated pairs of the default build
at 5 MB: the store job 8.4-12.3 s -> 5.5-10.2 s, the export stage 10.2 -> 9.4 s (means)."""
PARALLEL_FROM_BYTES = 4_000_000
"""A graph file from this size is exported by forked processes at once (smaller ones are done in less time
than starting them takes)."""


def write_all(
    names: Sequence[str], graph: GraphFile, out_dir: Path, *, workers: int = 2, on_written: Callable[[str], None] | None = None
) -> tuple[list[Path], dict[str, float]]:
    """Write every format of ``names`` (in plan order) of ``graph`` into ``out_dir``; return the paths written
    and the seconds each format took. Large graphs are written by ``workers`` processes at once, each taking
    the next job (JOBS) when it is free. ``on_written`` is called with each format's name once it is written
    (for a progress bar: in the order of JOBS when processes write them at once)."""
    told = on_written or (lambda name: None)
    jobs = [[n for n in job if n in names] for job in JOBS]
    jobs = [job for job in jobs if job]
    parallel = workers > 1 and len(jobs) > 1 and graph.path.stat().st_size >= PARALLEL_FROM_BYTES and hasattr(os, "fork")
    if parallel:
        done = _write_parallel(jobs, graph, out_dir, workers, told)
    else:  # in plan order (Turtle first): what the formats derive is shared through ``graph`` anyway
        graph.workers = workers if hasattr(os, "fork") and graph.path.stat().st_size >= PARALLEL_FROM_BYTES else 1
        done = {}
        try:
            for name in names:
                for each, (paths, spent) in _write_job(([name], graph, out_dir, False)).items():
                    if isinstance(paths, list):
                        done[each] = (paths, spent)
                told(name)
        finally:
            graph.workers = 1
    return [p for name in names for p in done[name][0]], {name: done[name][1] for name in names}


def _write_parallel(
    jobs: list[list[str]], graph: GraphFile, out_dir: Path, workers: int, told: Callable[[str], None]
) -> dict[str, tuple[list[Path], float]]:
    """The jobs written by forked processes. The store does not wait for the Turtle file its manifest
    describes: it is loaded into a temporary folder (kg.export.store.load_store) by a process of its own
    beside the others, and put in place with its manifest here once every job is done (store.install); on
    any error the loaded folder is removed. When this process runs other threads (RocksDB's, if it ran here:
    a process forked then would wait forever in RocksDB for background threads it does not have), this
    process loads the store itself, in a thread (pyoxigraph loads without the GIL), while this thread keeps
    handing the others their next jobs: loaded in this thread, it left them idle after their first job."""
    import multiprocessing
    import time
    from concurrent.futures import Future, ThreadPoolExecutor

    from kg.export import store
    from kg.workers import primed_map

    here = ["store"] in jobs and _threaded()
    forked = [job for job in jobs if not (here and job == ["store"])]
    results = primed_map(
        _write_job, [(job, graph, out_dir, True) for job in forked],
        workers=min(workers + (["store"] in forked), len(forked)), context=multiprocessing.get_context("fork"), depth=1,
    )
    done: dict[str, tuple[list[Path] | store.Loaded, float]] = {}
    loaded: list[store.Loaded] = []

    def take(result: dict[str, tuple[list[Path] | Loaded, float]]) -> None:
        done.update(result)
        loaded.extend(outcome for outcome, _ in result.values() if isinstance(outcome, store.Loaded))
        for name, (outcome, _) in result.items():
            if not isinstance(outcome, store.Loaded):
                told(name)

    pool = ThreadPoolExecutor(1, thread_name_prefix="kg-store-load") if here else None
    loading: Future[dict[str, tuple[list[Path] | Loaded, float]]] | None = None  # the store loaded here, not yet taken
    # a store process stopped early (another job failed) cannot remove its temporary folder: this one does
    sweep = ["store"] in forked
    earlier = _store_temps(out_dir) if sweep else set()
    try:
        next(results)  # the processes are started and given their first jobs
        if pool is not None:
            loading = pool.submit(_write_job, (["store"], graph, out_dir, True))
        for result in results:
            assert result is not None
            take(result)
        if loading is not None:
            take(loading.result())  # the load's exception, if it failed
            loading = None
        for each in loaded:
            started = time.perf_counter()
            done["store"] = (store.install(each, out_dir), done["store"][1] + time.perf_counter() - started)
            told("store")
    finally:
        results.close()  # ends the processes when this stops early
        if pool is not None:
            pool.shutdown()  # a load cannot be stopped: wait for it, then remove what it made and was not taken
        if loading is not None and loading.exception() is None:
            loaded.extend(outcome for outcome, _ in loading.result().values() if isinstance(outcome, store.Loaded))
        for each in loaded:
            shutil.rmtree(each.folder, ignore_errors=True)
        if sweep:
            for left in _store_temps(out_dir) - earlier:
                shutil.rmtree(left, ignore_errors=True)
    return {name: (paths, spent) for name, (paths, spent) in done.items() if isinstance(paths, list)}


def _store_temps(out_dir: Path) -> set[Path]:
    """The temporary folders beside the store of ``out_dir``'s Turtle file (where it goes once ``out_dir`` exists)."""
    from kg.export import store

    if not out_dir.is_dir():
        return set()
    dest = store.store_dir(out_dir / f"{BASENAME}.ttl")
    return set(dest.parent.glob(f".{dest.name}.*.tmp")) if dest.parent.is_dir() else set()


def _threaded() -> bool:
    """Whether this process runs threads besides this one (True where that cannot be told)."""
    try:
        return len(os.listdir("/proc/self/task")) > 1
    except OSError:
        return True


def _write_job(job: tuple[list[str], GraphFile, Path, bool]) -> dict[str, tuple[list[Path] | Loaded, float]]:
    """Each format of the job written in turn; with ``apart`` (when processes write the formats at once)
    the store is only loaded (kg.export.store.load_store), to be put in place when the Turtle file is there."""
    import time

    names, graph, out_dir, apart = job
    done: dict[str, tuple[list[Path] | Loaded, float]] = {}
    if apart and "store" not in names:  # a forked process (see JOB_NICE); the store's own keeps its priority
        os.setpriority(os.PRIO_PROCESS, 0, max(os.getpriority(os.PRIO_PROCESS, 0), JOB_NICE))
    for name in names:
        started = time.perf_counter()
        if apart and name == "store":
            from kg.export.store import load_store

            done[name] = (load_store(graph, out_dir), time.perf_counter() - started)
        else:
            done[name] = (write(name, graph, out_dir), time.perf_counter() - started)
    return done


@contextmanager
def atomic_path(dest: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``dest``; on success it is renamed to ``dest``, on error removed.

    Only a regular file is ever replaced: a folder, symbolic link, pipe or device at ``dest`` is refused
    (OutputError), and so is every OSError on the way (disk full, read-only, permission), named with its path.
    """
    _refuse_unless(dest, stat.S_ISREG, "a file")
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".tmp", dir=dest.parent)
        os.close(fd)
    except OSError as exc:
        raise output_error(exc, dest) from exc
    tmp = Path(tmp_name)
    try:
        yield tmp
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, dest)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise output_error(exc, dest) from exc
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


@contextmanager
def atomic_dir(dest: Path) -> Iterator[Path]:
    """Yield a temporary folder beside ``dest``; on success it replaces ``dest``, on error it is removed.

    The new folder and an existing ``dest`` are exchanged in one step where the system allows it
    (kg.export.staging.exchange), else ``dest`` is renamed aside first (and put back if the second rename
    fails): readers see the old folder or the new one, never a half-written one (in the fallback, for an
    instant, neither). Only a folder is ever replaced; an OSError becomes an OutputError naming the path.
    """
    tmp = temp_dir(dest)
    with removed_on_error(tmp, dest):
        yield tmp
    put_in_place(tmp, dest)


def temp_dir(dest: Path) -> Path:
    """A new temporary folder beside ``dest``, to be put in its place by ``put_in_place`` (atomic_dir's
    first half; OutputError when ``dest`` is not a folder or the folder cannot be made)."""
    _refuse_unless(dest, stat.S_ISDIR, "a folder")
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        return Path(tempfile.mkdtemp(prefix=f".{dest.name}.", suffix=".tmp", dir=dest.parent))
    except OSError as exc:
        raise output_error(exc, dest) from exc


def put_in_place(tmp: Path, dest: Path) -> None:
    """The folder ``tmp`` (from ``temp_dir``) replaces ``dest`` as atomic_dir describes; removed on error."""
    with removed_on_error(tmp, dest):
        os.chmod(tmp, 0o777 & ~_umask())
        _replace_dir(tmp, dest)


@contextmanager
def removed_on_error(folder: Path, dest: Path) -> Iterator[None]:
    """Remove ``folder`` (a temporary folder made for ``dest``) when the block raises; an OSError becomes an
    OutputError naming ``dest``."""
    try:
        yield
    except OSError as exc:
        shutil.rmtree(folder, ignore_errors=True)
        raise output_error(exc, dest) from exc
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise


def _replace_dir(new: Path, dest: Path) -> None:
    if not dest.exists():
        os.replace(new, dest)
        return
    try:
        exchange(new, dest)
    except OSError:
        pass
    else:
        shutil.rmtree(new)  # the old folder, now under the temporary name
        return
    aside = Path(tempfile.mkdtemp(prefix=f".{dest.name}.", suffix=".old", dir=dest.parent))
    try:
        os.replace(dest, aside / dest.name)
    except BaseException:
        aside.rmdir()
        raise
    try:
        os.replace(new, dest)
    except BaseException:
        os.replace(aside / dest.name, dest)
        aside.rmdir()
        raise
    shutil.rmtree(aside)


def _refuse_unless(dest: Path, is_kind: Callable[[int], bool], kind: str) -> None:
    """OutputError unless ``dest`` is missing or ``kind``: never replace a folder, link, pipe or device."""
    try:
        info = os.lstat(dest)
    except FileNotFoundError:
        return
    except OSError as exc:
        raise output_error(exc, dest) from exc
    if not is_kind(info.st_mode):
        what = describe_mode(info.st_mode)
        hint = "give a file name (such as …/cppcc.html)" if stat.S_ISDIR(info.st_mode) else "remove it or choose another --out"
        raise OutputError(dest, f"is {what}, where {kind} is to be written", hint)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
