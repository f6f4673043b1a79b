"""The whole flow on one screen.

    files ──kg.ingest──▶ Documents ──(worker processes: kg.extract → kg.graph.document_triples)──▶
        N-Triples per document + entity summaries ──▶ SortedLines (+ merged EntityTable → entity_triples)
        ──▶ sorted N-Triples file ──▶ Turtle / N-Triples, or a pyoxigraph Store
        ──kg.validate──▶ SHACL report ──kg.export──▶ staging folder ──(one swap, kg.export.staging)──▶ exports/

Documents are independent, so extraction runs in worker processes (kg.workers: one per core, each with a
pipe of its own, so a stop never hangs; dictionaries are loaded once before the fork and shared). The main process only sorts each document's triples in bounded
chunks spilled to disk (an external merge sort) and merges entity summaries, so memory stays flat as the
corpus grows. A store is loaded only when validation or a format other than Turtle/N-Triples needs one.
"""

from __future__ import annotations

import heapq
import multiprocessing
import os
import shutil
import tempfile
import time
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field, replace
from itertools import chain, groupby, islice
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from kg import graph, ingest, void
from kg.errors import InputError, KGError, StageError
from kg.ingest.chars import display_path, is_text_name
from kg.model import Document, Extraction, Quantity
from kg.settings import Settings
from kg.vocab import digest

if TYPE_CHECKING:
    import rdflib


@dataclass
class BuildReport:
    """What a build read, made and wrote; ``ok`` is False when files were skipped or shapes violated."""

    files: int = 0
    documents: int = 0
    characters: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)
    entities: Counter[str] = field(default_factory=Counter)
    relations: Counter[str] = field(default_factory=Counter)
    triples: int = 0
    seconds: float = 0.0
    stages: dict[str, float] = field(default_factory=dict)
    """Seconds per stage (extract, validate, export:<format>); ``seconds`` is the whole build."""
    violations: list[str] = field(default_factory=list)
    outputs: list[Path] = field(default_factory=list)
    notes: list[tuple[str, str]] = field(default_factory=list)
    """(path, remark) for files read with a caveat; they do not make the build fail."""

    @property
    def ok(self) -> bool:
        return not self.skipped and not self.violations


@dataclass(frozen=True)
class _DocResult:
    ntriples: bytes
    summaries: list[graph.EntitySummary]
    relations: list[tuple[str, str, str]]


# ---------------------------------------------------------------------------- public API


def build(paths: str | Path | Iterable[str | Path], *, settings: Settings | None = None) -> rdflib.Graph:
    """Build the graph of ``paths`` (files and folders) in memory and return it as an rdflib.Graph.

    The graph is backed by pyoxigraph (oxrdflib's store), so SPARQL on it is fast. Files that cannot be
    read raise InputError here (the CLI skips them instead and reports them at the end).
    """
    import rdflib
    from oxrdflib import OxigraphStore
    from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

    store = ox.Store()
    report = build_store(_as_list(paths), store, settings or Settings(), progress=False)
    if report.skipped:
        path, reason = report.skipped[0]
        raise InputError(path, reason)
    return rdflib.Graph(store=OxigraphStore(store=store), identifier=DATASET_DEFAULT_GRAPH_ID)


def extract_text(text: str, *, settings: Settings | None = None) -> Extraction:
    """Extract entities and relations from one text (no files involved)."""
    from kg.extract import extract_text as _extract_text

    return _extract_text(text, settings or Settings())


def build_to(
    paths: Sequence[str | Path],
    out_dir: Path,
    *,
    formats: Sequence[str] = ("turtle",),
    settings: Settings | None = None,
    progress: bool = True,
) -> BuildReport:
    """The CLI build: extract, validate, write every format into ``out_dir``, all or nothing.

    Everything is written into a staging folder (kg.export.staging) that is swapped in at the end, so
    ``out_dir`` holds the previous build's exports or this one's, never a mix, and an error or a signal
    leaves it as it was. Turtle and N-Triples are written straight from the sorted N-Triples the
    extraction stage leaves; a pyoxigraph store is loaded only when validation or another format needs one.
    Raises OutputError (one line naming the path and what to do) when the output side fails.
    """
    from kg import export, validate
    from kg.export.rdf import FROM_NTRIPLES
    from kg.export.staging import Staging, output_error

    started = time.perf_counter()
    settings = settings or Settings()
    formats = export.plan(formats)
    try:
        with Staging(out_dir, export.owned_names()) as stage:
            workdir = stage.path / WORKDIR
            workdir.mkdir()
            ntriples = workdir / "graph.nt"
            exclude = _not_inputs(paths, stage.out, stage.path, export.owned_names())
            report = extract_to_ntriples(paths, ntriples, settings, progress=progress, exclude=exclude)
            needs_store = settings.validate or any(name not in FROM_NTRIPLES for name in formats)
            store = _load_store(ntriples, report) if needs_store else None
            if settings.validate and store is not None:
                with _timed(report, "validate"):
                    report.violations = validate.validate_store(store)
            written: list[Path] = []
            for name in formats:
                with _timed(report, f"export:{name}"):
                    if name in FROM_NTRIPLES:
                        written.extend(FROM_NTRIPLES[name](ntriples, stage.path))
                    else:
                        assert store is not None
                        written.extend(export.write(name, store, stage.path))
            del store
            shutil.rmtree(workdir)
            stage.commit()
    except OSError as exc:
        raise output_error(exc, out_dir) from exc
    report.outputs = [stage.out / path.relative_to(stage.path) for path in written]
    report.seconds = time.perf_counter() - started
    return report


WORKDIR = ".kg-work"
"""The build's own files (sorted N-Triples, sort chunks) inside the staging folder, removed before the swap."""


def _not_inputs(paths: Sequence[str | Path], out: Path, stage: Path, owned: set[str]) -> list[Path]:
    """What discovery must not read: the stage, and the output folder, or only the exports in it when it
    is itself one of the input folders (``kg build corpus --out corpus``)."""
    given = {Path(p).absolute() for p in paths}
    if out in given or any(g.is_dir() and g.resolve() == out for g in given):
        return [stage, *(out / name for name in owned)]
    return [stage, out]


def build_store(paths: Sequence[str | Path], store: ox.Store, settings: Settings, *, progress: bool) -> BuildReport:
    """Read, extract and load everything into ``store``."""
    with tempfile.TemporaryDirectory(prefix="kg-build-") as workdir:
        ntriples = Path(workdir) / "graph.nt"
        report = extract_to_ntriples(paths, ntriples, settings, progress=progress)
        with _timed(report, "load store"):
            store.bulk_load(path=str(ntriples), format=ox.RdfFormat.N_TRIPLES)
    return report


def extract_to_ntriples(
    paths: Sequence[str | Path], dest: Path, settings: Settings, *, progress: bool, exclude: Sequence[Path] = ()
) -> BuildReport:
    """Read, extract and write the whole graph to ``dest`` as sorted, duplicate-free N-Triples: the heart
    of every build. Memory stays flat: triples are sorted in bounded chunks spilled beside ``dest`` and
    merged at the end."""
    started = time.perf_counter()
    report = BuildReport()
    found = ingest.discover(paths, exclude=exclude)
    files = found.files
    report.files = len(files)
    report.skipped.extend(found.skipped)
    jobs = _jobs(_read_all(files, report), report)

    table = graph.EntityTable()
    relations: set[tuple[str, str, str]] = set()
    with SortedLines(dest) as lines:
        for result in _progress(_extract_all(jobs, settings), progress):
            for summary in result.summaries:
                table.add(summary)
            relations.update(result.relations)
            lines.add(result.ntriples)
        lines.add(graph.to_ntriples(graph.entity_triples(table)))
    report.triples = lines.count + void.add_description(dest)  # whole-graph counts, in the graph (kg.void)
    report.entities = Counter(key[0] for key in table.aliases)
    report.relations = Counter(p for _, p, _ in relations)
    report.seconds = report.stages["extract"] = time.perf_counter() - started
    return report


class SortedLines:
    """Collect lines of bytes, then write them sorted and without duplicates to ``dest`` (an external
    merge sort: chunks of ``chunk_lines`` are sorted in memory and spilled to files beside ``dest``)."""

    def __init__(self, dest: Path, chunk_lines: int = 250_000) -> None:
        self.dest = dest
        self.chunk_lines = chunk_lines
        self.count = 0
        self._lines: list[bytes] = []
        self._chunks: list[Path] = []

    def __enter__(self) -> SortedLines:
        return self

    def __exit__(self, kind: object, *_: object) -> None:
        try:
            if kind is None:
                self._spill()
                self._merge()
        finally:
            for chunk in self._chunks:
                chunk.unlink(missing_ok=True)

    def add(self, data: bytes) -> None:
        self._lines.extend(data.splitlines(keepends=True))
        if len(self._lines) >= self.chunk_lines:
            self._spill()

    def _spill(self) -> None:
        chunk = self.dest.with_name(f"{self.dest.name}.{len(self._chunks)}")
        self._lines.sort()
        chunk.write_bytes(b"".join(self._lines))
        self._chunks.append(chunk)
        self._lines = []

    def _merge(self) -> None:
        with ExitStack() as stack, self.dest.open("wb") as out:
            sources = [stack.enter_context(chunk.open("rb")) for chunk in self._chunks]
            previous = b""
            for line in heapq.merge(*sources):
                if line != previous:
                    out.write(line)
                    self.count += 1
                    previous = line


def _load_store(ntriples: Path, report: BuildReport) -> ox.Store:
    with _timed(report, "load store"):
        store = ox.Store()
        store.bulk_load(path=str(ntriples), format=ox.RdfFormat.N_TRIPLES)
    return store


@contextmanager
def _timed(report: BuildReport, stage: str) -> Iterator[None]:
    started = time.perf_counter()
    yield
    report.stages[stage] = time.perf_counter() - started


# ---------------------------------------------------------------------------- stages


def _read_all(files: Sequence[Path], report: BuildReport) -> Iterator[Document]:
    """Every document of every readable file; unreadable files go to ``report.skipped``.

    Ids come from file names, so two files with one name in different folders would clash: the later
    file's ids then get a suffix made from its path (stable across runs).
    """
    seen: set[str] = set()
    for path in files:
        try:
            docs = ingest.read_documents(path)
        except InputError as exc:
            report.skipped.append((display_path(exc.path), exc.reason))
            continue
        if not is_text_name(path):
            report.notes.append((display_path(path), "the path is not UTF-8 (read as GB18030, or with U+FFFD for bytes that are not)"))
        if any(doc.id in seen for doc in docs):
            suffix = "-" + digest(str(path))[:6]
            docs = [
                replace(doc, id=doc.id + suffix, compilation=doc.compilation and doc.compilation + suffix)
                for doc in docs
            ]
        seen.update(doc.id for doc in docs)
        yield from docs


@dataclass(frozen=True)
class _Job:
    """A document for a worker, or one window of a very long one (kg.extract.windows)."""

    doc: Document
    is_compilation: bool
    start: int = 0
    sentence_base: int = 0


def _jobs(documents: Iterator[Document], report: BuildReport) -> Iterator[_Job]:
    """A job for each document, file by file, counted into ``report``; a document longer than a window
    gives a job per window, so one huge document keeps every worker busy."""
    from kg.extract.windows import WINDOW, windows

    for _, group in groupby(documents, key=lambda d: d.source):
        docs = list(group)
        compilations = {d.compilation for d in docs if d.compilation}
        for doc in docs:
            report.documents += 1
            report.characters += len(doc.text)
            is_compilation = doc.id in compilations
            if len(doc.norm) <= WINDOW:
                yield _Job(doc, is_compilation)
                continue
            for window in windows(doc):
                yield _Job(window.doc, is_compilation, window.start, window.sentence_base)


def _extract_all(jobs: Iterator[_Job], settings: Settings) -> Iterator[_DocResult]:
    """Extract in worker processes (kg.workers) fed a window at a time, so only a window of documents is in
    memory; a worker that dies is reported with the document it was working on."""
    from kg.extract import warm_up
    from kg.workers import WorkerDied, ordered_map

    workers = settings.workers or os.cpu_count() or 1
    _init_worker(settings)
    first = list(islice(jobs, 4))
    jobs = chain(first, jobs)
    if workers <= 1 or len(first) < 4:  # a few documents: not worth starting processes
        yield from map(_process, jobs)
        return
    # Dictionaries are loaded once here: forked workers share them instead of loading their own.
    fork = hasattr(os, "fork")
    if fork:
        warm_up(settings)
    context = multiprocessing.get_context("fork" if fork else "spawn")
    try:
        yield from ordered_map(
            _process, jobs, workers=workers, context=context, initializer=_init_worker,
            initargs=(settings, not fork), window=64 * workers,
        )
    except WorkerDied as exc:
        doc = exc.job.doc if isinstance(exc.job, _Job) else None
        where = f"{doc.id} ({doc.source})" if doc is not None else "?"
        raise StageError("extract", where, f"the worker process died (exit code {exc.exitcode})") from None


_settings: Settings = Settings()


def _init_worker(settings: Settings, warm: bool = False) -> None:
    global _settings
    _settings = settings
    if warm:
        from kg.extract import warm_up

        warm_up(settings)


def _process(job: _Job) -> _DocResult:
    from kg.extract import extract_document
    from kg.extract.windows import renumbered

    doc = job.doc
    try:
        extraction = renumbered(extract_document(doc, _settings), job.sentence_base)
        triples = graph.document_triples(extraction, job.is_compilation, offset=job.start)
    except KGError:
        raise
    except Exception as exc:  # an extractor bug: name the stage and document, keep the traceback
        raise StageError("extract", f"{doc.id} ({doc.source})", f"{type(exc).__name__}: {exc}") from exc
    relations = [
        ("/".join(r.subject), r.predicate, repr(r.object) if isinstance(r.object, Quantity) else "/".join(r.object))
        for r in extraction.relations
    ]
    return _DocResult(graph.to_ntriples(triples), graph.summarise(extraction), relations)


def _progress(items: Iterator[Any], enabled: bool) -> Iterator[Any]:
    if not enabled:
        return items
    from tqdm import tqdm

    return iter(tqdm(items, unit="doc", desc="extracting", leave=False))


def _as_list(paths: str | Path | Iterable[str | Path]) -> list[str | Path]:
    if isinstance(paths, (str, Path)):
        return [paths]
    return list(paths)
