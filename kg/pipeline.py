"""The whole flow on one screen.

    files ──kg.cache──▶ entries of unchanged files ─────────────────────────────────────────┐
          ──kg.ingest──▶ Documents ──(workers, or a Dask cluster: kg.extract → kg.graph.document_lines
                         → kg.validate.check_document)──▶ N-Triples + entity summaries + SHACL share ─┤
        ┌────────────────────────────────────────────────────────────────────────────────────────┘
        └▶ SortedLines (+ merged EntityTable → entity_lines, kg.validate.MergedChecks) ──▶ sorted N-Triples
        ──▶ Turtle / N-Triples, or a pyoxigraph Store ──kg.export──▶ staging folder ──(one swap)──▶ exports/

Documents are independent, so extraction runs in worker processes (kg.workers: one per core, each with a
pipe of its own, so a stop never hangs; dictionaries are loaded once before the fork and shared), or as
tasks on a Dask cluster (kg.cluster). Each worker also checks its document against the SHACL shapes. The
main process reads files, keeps each file's results in the cache, sorts each document's triples in bounded
chunks spilled to disk (an external merge sort), merges entity summaries and checks the merged entities,
so memory stays flat as the corpus grows. A store is loaded only when a format other than Turtle or
N-Triples needs one.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import shutil
import tempfile
import time
from collections import Counter, deque
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass, field, replace
from itertools import chain, islice
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import pyoxigraph as ox

from kg import graph, ingest, rebuild, validate, void
from kg.cache import DIRNAME as CACHE_DIR
from kg.cache import Cache, DocResult, FileResult
from kg.errors import InputError, KGError, StageError
from kg.ingest.chars import display_path, is_text_name
from kg.model import Document, Extraction, Quantity
from kg.settings import Settings
from kg.sortedlines import SortedLines
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
    extracted: int = 0
    from_cache: int = 0
    """documents extracted in this build, and taken from the cache of an earlier one"""
    failed: int = 0
    """files that could not be read or extracted (each also in ``skipped``)"""
    state: rebuild.State | None = field(default=None, repr=False)
    """what the next build with the cache starts from (kg.rebuild); None without the cache"""
    previous_turtle: tuple[Path, Path] | None = field(default=None, repr=False)
    """the previous build's Turtle and its chunk index, when this build changed its graph (kg.rebuild)"""
    previous_jsonld: tuple[Path, Path] | None = field(default=None, repr=False)
    """the previous build's JSON-LD and its chunk index, likewise"""
    changes: tuple[list[bytes], list[bytes]] | None = field(default=None, repr=False)
    """the lines the graph lost and gained since the previous build, when this build changed its graph"""

    @property
    def ok(self) -> bool:
        return not self.skipped and not self.violations


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
    cache: bool = True,
    scheduler: str | None = None,
) -> BuildReport:
    """The CLI build: extract, validate, write every format into ``out_dir``, all or nothing.

    With ``cache``, what extraction made of each file is kept in ``out_dir/.kg-cache`` (kg.cache) and a
    rebuild extracts only new and changed files; ``cache=False`` extracts everything and keeps nothing.
    With ``scheduler``, extraction runs as tasks on that Dask cluster (kg.cluster); the rest is the same.

    Everything is written into a staging folder (kg.export.staging) that is swapped in at the end, so
    ``out_dir`` holds the previous build's exports or this one's, never a mix, and an error or a signal
    leaves it as it was. Every format is written from the sorted N-Triples the extraction stage leaves
    (kg.export.graphfile); no store is loaded (validation happens during extraction, kg.validate). Raises OutputError (one line naming the path and what to do)
    when the output side fails.
    """
    from kg import export
    from kg.export.graphfile import GraphFile
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
            cache_dir = stage.out / CACHE_DIR if cache else None
            report = extract_to_ntriples(
                paths, ntriples, settings, progress=progress, exclude=exclude, cache_dir=cache_dir, scheduler=scheduler
            )
            with GraphFile(ntriples, workdir=workdir) as built, _timed(report, "export"):
                if report.state is not None:
                    built.previous_turtle, built.previous_jsonld = report.previous_turtle, report.previous_jsonld
                    built.turtle_index, built.jsonld_index = workdir / "turtle.index", workdir / "jsonld.index"
                    if report.changes is not None:
                        built.changes = report.changes
                        built.previous_out = stage.out
                with Progress(progress, len(formats), unit="format", desc="writing") as shown:
                    written, seconds = export.write_all(
                        formats, built, stage.path, workers=settings.workers or os.cpu_count() or 1, on_written=shown.wrote
                    )
            report.stages.update({f"export:{name}": spent for name, spent in seconds.items()})
            if report.state is not None and cache_dir is not None:
                with _timed(report, "keep state"):
                    chunked = [(stage.path / "cppcc.ttl", workdir / "turtle.index")] if "turtle" in formats else []
                    chunked += [(stage.path / "cppcc.jsonld", workdir / "jsonld.index")] if "jsonld" in formats else []
                    rebuild.save(report.state, cache_dir, ntriples, chunked)
                report.state = report.previous_turtle = report.previous_jsonld = report.changes = None
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
    paths: Sequence[str | Path],
    dest: Path,
    settings: Settings,
    *,
    progress: bool,
    exclude: Sequence[Path] = (),
    cache_dir: Path | None = None,
    scheduler: str | None = None,
) -> BuildReport:
    """Read, extract and write the whole graph to ``dest`` as sorted, duplicate-free N-Triples: the heart
    of every build. Memory stays flat: triples are sorted in bounded chunks spilled beside ``dest`` and
    merged at the end. With ``cache_dir``, files whose entry is there (kg.cache) are not extracted again;
    with ``scheduler`` (a Dask scheduler's address) the others are extracted on that cluster (kg.cluster)."""
    started = time.perf_counter()
    found = ingest.discover(paths, exclude=exclude)
    files = found.files
    store = Cache(cache_dir, settings) if cache_dir is not None else None
    keys = [store.key(path) if store is not None else None for path in files]
    notes: list[tuple[str, str]] = []
    if store is not None and cache_dir is not None:
        try:
            manifest = rebuild.load_manifest(cache_dir, rebuild.fingerprint(store.fingerprint))
            matched = rebuild.match(manifest, files, keys) if manifest is not None else None
            if manifest is not None and matched is not None:
                return _rebuild(manifest, matched, files, keys, dest, settings, store, scheduler, progress, found.skipped, started)
        except rebuild.Stale as exc:
            notes.append((display_path(cache_dir / rebuild.DIRNAME), f"{exc}: every file merged again"))
    report = BuildReport()
    report.notes.extend(notes)
    report.files = len(files)
    report.skipped.extend(found.skipped)

    table = graph.EntityTable()
    relations: set[tuple[str, str, str]] = set()
    merged = validate.MergedChecks() if settings.validate else None
    by_focus: dict[str, list[str]] | None = {} if merged is not None else None
    violations: set[str] = set()
    states: list[rebuild.FileState] | None = [] if store is not None else None
    tally = rebuild.Tally()
    repeats: dict[bytes, int] | None = {} if store is not None else None
    checking = checking_merged = 0.0
    with (
        SortedLines(dest, repeats=repeats) as lines, Progress(progress, len(files)) as shown, _collector_spared(),
        _contents(dest, store is not None) as contents,
    ):
        for index, result in enumerate(_results(files, keys, settings, store, scheduler, report)):
            shown.add(result)
            if result.error is not None:
                report.skipped.append((display_path(result.source), result.error))
                continue
            report.documents += result.documents
            key = keys[index]
            if states is not None and contents is not None and key is not None:
                states.append(rebuild.FileState.of(str(files[index]), key, result, contents))
                tally.add(result)
            gc.freeze()  # see _collector_spared
            for doc in result.docs:
                report.characters += doc.characters
                table.add_rows(doc.summaries)
                relations.update(doc.relations)
                lines.add(doc.ntriples)
                violations.update(doc.violations)
                checking += doc.check_seconds
                if merged is not None and doc.facts is not None:
                    merged.add(doc.facts)
        with _timed(report, "entities"):
            weight = merged.weight if merged is not None else None
            for batch in _entity_batches(sorted(table.aliases), weight):
                descriptions = [t for key in batch for t in graph.entity_lines(table, key)]
                lines.add(graph.ntriples(descriptions))
                if merged is not None:
                    started_check = time.perf_counter()
                    nodes = [graph.identity_term(key) for key in batch]
                    found_by_focus = merged.check_each(nodes, descriptions)
                    for texts in found_by_focus.values():
                        violations.update(texts)
                    if by_focus is not None and set(found_by_focus) <= set(nodes):
                        by_focus.update(found_by_focus)
                    else:  # a violation not about a node of its batch: a rebuild could not redo it alone
                        by_focus = None
                    checking_merged += time.perf_counter() - started_check
        report.extracted, report.from_cache, report.failed = shown.extracted, shown.cached, shown.failed
    report.violations = sorted(violations)
    if merged is not None:
        report.stages["validate (workers, CPU)"] = checking
        report.stages["validate (merged entities)"] = checking_merged
    if store is not None:
        store.prune()
    described = void.describe(dest, workers=settings.workers or os.cpu_count() or 1)  # whole-graph counts, in the graph (kg.void)
    report.triples = lines.count + described.added
    report.entities = Counter(key[0] for key in table.aliases)
    report.relations = Counter(p for _, p, _ in relations)
    if store is not None and states is not None and repeats is not None:
        report.state = rebuild.State(
            rebuild.fingerprint(store.fingerprint), states, repeats, described.firsts, described.dates, described.counts, described.lines,
            by_focus if merged is not None else None, report.triples, tally=tally,
        )
    report.seconds = report.stages["extract"] = time.perf_counter() - started
    return report


def _rebuild(
    manifest: rebuild.Manifest,
    matched: rebuild.Match,
    files: Sequence[Path],
    keys: Sequence[str | None],
    dest: Path,
    settings: Settings,
    store: Cache,
    scheduler: str | None,
    progress: bool,
    skipped: Sequence[tuple[str, str]],
    started: float,
) -> BuildReport:
    """The graph of ``files`` made by changing the previous build's (kg.rebuild): only the files that are
    not ``matched`` are read (extracted, or from their cache entries). The rest of the previous build's
    state is read while the workers extract. Raises rebuild.Stale when that state cannot be used."""
    report = BuildReport()
    report.files = len(files)
    report.skipped.extend(skipped)
    known = {index: manifest.entries[place] for index, place in matched.known.items()}
    results = _results(files, keys, settings, store, scheduler, report, known=known)
    states: list[rebuild.FileState] = []
    new: list[tuple[str, FileResult]] = []
    with Progress(progress, len(files)) as shown, closing(results), _contents(dest, True) as contents:
        first = next(results, None)  # the workers have their jobs now
        previous = rebuild.load(manifest)
        gone: list[tuple[str, FileResult]] = []
        for removed in matched.removed:
            entry = store.peek(previous.files[removed].key)
            if entry is None:
                raise rebuild.Stale(f"the cache entry of {previous.files[removed].path} is gone")
            gone.append((previous.files[removed].path, entry))
        ahead = rebuild.read_ahead(previous, matched.known.values())
        for index, result in enumerate(chain([first] if first is not None else [], results)):
            shown.add(result)
            if result.error is not None:
                report.skipped.append((display_path(result.source), result.error))
                continue
            place = matched.known.get(index)
            key = keys[index]
            if place is not None:
                states.append(previous.files[place])
            elif key is not None and contents is not None:
                states.append(rebuild.FileState.of(str(files[index]), key, result, contents))
                new.append((str(files[index]), result))
        report.extracted, report.from_cache, report.failed = shown.extracted, shown.cached, shown.failed
    with _timed(report, "merge"):
        outcome = rebuild.apply(previous, states, gone, new, dest, settings.validate, ahead)
    report.documents = sum(f.documents for f in states)
    report.characters = sum(f.characters for f in states)
    report.triples = outcome.state.lines
    report.entities, report.relations, report.violations = outcome.entities, outcome.relations, outcome.violations
    if settings.validate:
        report.stages["validate (workers, CPU)"] = sum(d.check_seconds for _, r in new for d in r.docs)
        report.stages["validate (merged entities)"] = outcome.check_seconds
    store.prune()
    report.state, report.changes = outcome.state, outcome.changes
    report.previous_turtle, report.previous_jsonld = previous.turtle, previous.jsonld
    report.seconds = report.stages["extract"] = time.perf_counter() - started
    return report


@contextmanager
def _collector_spared() -> Iterator[None]:
    """Keep Python's cycle collector off what the build holds (entity summaries, validation facts: a
    million small tuples, none in a cycle), which every full collection would otherwise walk again: a
    rebuild spent more time collecting than decoding the cache. ``freeze`` after each file moves what is
    alive to a generation that is never collected; ``unfreeze`` at the end gives it back."""
    try:
        yield
    finally:
        gc.unfreeze()


@contextmanager
def _contents(dest: Path, keep: bool) -> Iterator[rebuild.Contents | None]:
    """Where the files' state for the next build goes as the build reads them (kg.rebuild.Contents): a file
    beside ``dest``, which saving the state moves into the cache; None when the build keeps no state."""
    contents = rebuild.Contents(dest.with_name("contents.bin"), writing=True) if keep else None
    try:
        yield contents
    finally:
        if contents is not None:
            contents.close()


@contextmanager
def _timed(report: BuildReport, stage: str) -> Iterator[None]:
    started = time.perf_counter()
    yield
    report.stages[stage] = time.perf_counter() - started


# ---------------------------------------------------------------------------- stages


@dataclass(frozen=True)
class _Job:
    """A document for a worker, or one window of a very long one (kg.extract.windows)."""

    doc: Document
    is_compilation: bool
    start: int = 0
    sentence_base: int = 0


@dataclass
class _Plan:
    """One file of the build, in order: its cached result, or the jobs its documents make."""

    path: Path
    key: str | None
    result: FileResult | None = None
    jobs: list[_Job] = field(default_factory=list)
    base_ids: list[str] = field(default_factory=list)
    suffix: str = ""


def _results(
    files: Sequence[Path],
    keys: Sequence[str | None],
    settings: Settings,
    store: Cache | None,
    scheduler: str | None,
    report: BuildReport,
    known: dict[int, rebuild.Entry] | None = None,
) -> Generator[FileResult, None, None]:
    """Every file's result in the order of ``files``: from the cache when it has the file, else read here
    and extracted in worker processes (or on the Dask cluster at ``scheduler``), then put in the cache.
    The files of ``known`` (by index) are unchanged since the previous build: their results have no
    documents (kg.rebuild has what they gave)."""
    _init_worker(settings)
    known = known or {}
    todo = sum(1 for i, key in enumerate(keys) if i not in known and (store is None or key is None or not store.has(key)))
    plans = _plans(files, keys, store, report, known)
    pending: deque[_Plan] = deque()
    queued: deque[_Job] = deque()

    def jobs() -> Iterator[_Job]:  # pulled by the workers as they need more: plans are read in order
        while True:
            while not queued:
                plan = next(plans, None)
                if plan is None:
                    return
                pending.append(plan)
                queued.extend(plan.jobs)
            yield queued.popleft()

    # Started before the first file is merged, so that workers extract while this process merges; a
    # rebuild's few files too, beside this process reading the cache (kg.cache).
    started = _extract_all(jobs(), settings, scheduler, beside=todo if todo < 4 and todo < len(files) else 0)
    next(started)
    done = cast(Iterator[DocResult], started)  # after the first value, only results
    while True:
        if not pending:
            plan = next(plans, None)
            if plan is None:
                return
            pending.append(plan)
            queued.extend(plan.jobs)
        plan = pending.popleft()
        if plan.result is not None:
            yield plan.result
            continue
        docs = [next(done) for _ in plan.jobs]
        failed = next((d.error for d in docs if d.error), None)
        documents = len({job.doc.id for job in plan.jobs})
        result = FileResult(str(plan.path), plan.base_ids, plan.suffix, docs, documents, error=failed)
        if store is not None and plan.key is not None and failed is None:
            store.put(plan.key, result)
        yield result


def _plans(
    files: Sequence[Path], keys: Sequence[str | None], store: Cache | None, report: BuildReport,
    known: dict[int, rebuild.Entry],
) -> Iterator[_Plan]:
    """A plan per file, in order: cached results (when the entry was made with the ids this build gives
    the file), else the file read into jobs. Unreadable files give a failed result.

    Ids come from file names, so two files with one name in different folders would clash: the later
    file's ids then get a suffix made from its path (stable across runs)."""
    from kg.extract.windows import WINDOW, windows

    seen: set[str] = set()
    for index, (path, key) in enumerate(zip(files, keys)):
        unchanged = known.get(index)
        if unchanged is not None and store is not None and key is not None:
            _, _, base_ids, was, documents = unchanged
            suffix = _id_suffix(path, base_ids, seen)
            if suffix != was:
                raise rebuild.Stale(f"the document ids of {display_path(path)} would change")
            seen.update(i + suffix for i in base_ids)
            store.used.add(key)
            yield _Plan(path, key, FileResult(str(path), base_ids, suffix, [], documents, cached=True))
            continue
        entry = store.get(key) if store is not None and key is not None else None
        if entry is not None:
            gc.freeze()  # see _collector_spared
            suffix = _id_suffix(path, entry.base_ids, seen)
            if suffix == entry.suffix:
                entry.source = str(path)
                seen.update(i + suffix for i in entry.base_ids)
                yield _Plan(path, key, entry)
                continue
        try:
            docs = ingest.read_documents(path)
        except InputError as exc:
            yield _Plan(path, key, FileResult(str(path), error=exc.reason))
            continue
        if not is_text_name(path):
            report.notes.append((display_path(path), "the path is not UTF-8 (read as GB18030, or with U+FFFD for bytes that are not)"))
        base_ids = [doc.id for doc in docs]
        suffix = _id_suffix(path, base_ids, seen)
        if suffix:
            docs = [replace(d, id=d.id + suffix, compilation=d.compilation and d.compilation + suffix) for d in docs]
        seen.update(doc.id for doc in docs)
        compilations = {d.compilation for d in docs if d.compilation}
        plan = _Plan(path, key, base_ids=base_ids, suffix=suffix)
        for doc in docs:
            is_compilation = doc.id in compilations
            if len(doc.norm) <= WINDOW:
                plan.jobs.append(_Job(doc, is_compilation))
            else:
                plan.jobs += [_Job(w.doc, is_compilation, w.start, w.sentence_base) for w in windows(doc)]
        yield plan


def _id_suffix(path: Path, base_ids: Iterable[str], seen: set[str]) -> str:
    """What the document ids of the file at ``path`` get when an earlier file of the build took one of
    them: a hash of its path ("-1a2b3c"); else nothing."""
    return "-" + digest(str(path))[:6] if any(i in seen for i in base_ids) else ""


def _extract_all(jobs: Iterator[_Job], settings: Settings, scheduler: str | None, beside: int = 0) -> Iterator[DocResult | None]:
    """Extract in worker processes (kg.workers) fed a window at a time, so only a window of documents is in
    memory; a worker that dies is reported with the document it was working on. With ``scheduler``, on
    that Dask cluster instead (kg.cluster). The first value is None, yielded once the workers have their
    first jobs; the results follow in order.

    A few documents are extracted in this process, unless they are the ``beside`` files of a rebuild
    (files not in the cache, among many that are): those go to as many workers, which load the
    dictionaries themselves while this process reads and merges the cached results."""
    from kg.extract import warm_up
    from kg.workers import WorkerDied, primed_map

    if scheduler:
        from kg.cluster import extract_on_cluster

        yield None
        yield from extract_on_cluster(jobs, settings, scheduler)
        return
    workers = settings.workers or os.cpu_count() or 1
    fork = hasattr(os, "fork")
    context = multiprocessing.get_context("fork" if fork else "spawn")
    if beside and workers > 1:
        workers, warm_here = min(workers, beside), False
    else:
        first = list(islice(jobs, 4))
        jobs = chain(first, jobs)
        if workers <= 1 or len(first) < 4:  # a few documents: not worth starting processes
            yield None
            yield from map(_process, jobs)
            return
        warm_here = fork
    # Dictionaries are loaded once here: forked workers share them instead of loading their own.
    if warm_here:
        warm_up(settings)
    try:
        results = primed_map(
            _process, jobs, workers=workers, context=context, initializer=_init_worker,
            initargs=(settings, not warm_here), window=64 * workers,
        )
        yield from results
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


def process_job(job: _Job, settings: Settings) -> DocResult:
    """One job's share of a build (a document, or a window of one) with these settings: what a Dask
    task runs (kg.cluster)."""
    _init_worker(settings)
    return _process(job)


def _process(job: _Job) -> DocResult:
    """Extract one document (or window), make its triples and check them; an extractor error is the
    result's ``error`` (the file fails, the build goes on)."""
    from kg.extract import extract_document
    from kg.extract.windows import renumbered

    doc = job.doc
    try:
        extraction = renumbered(extract_document(doc, _settings), job.sentence_base)
        triples = graph.document_lines(extraction, job.is_compilation, offset=job.start)
    except Exception as exc:  # an extractor bug: name the stage and document; the file is reported failed
        error = exc if isinstance(exc, KGError) else StageError("extract", doc.id, f"{type(exc).__name__}: {exc}")
        return DocResult(doc.id, 0, b"", [], [], error=str(error))
    relations = [
        ("/".join(r.subject), r.predicate, repr(r.object) if isinstance(r.object, Quantity) else "/".join(r.object))
        for r in extraction.relations
    ]
    summaries = graph.summarise(extraction)
    # sorted here, in parallel: the main process's sort then merges presorted runs (kg.sortedlines)
    result = DocResult(doc.id, len(doc.text), graph.sorted_ntriples(triples), [s.row() for s in summaries], relations)
    if _settings.validate:
        started = time.perf_counter()
        result.violations, result.facts = _check(triples, summaries, graph.referenced_types(doc))
        result.check_seconds = time.perf_counter() - started
    return result


def _check(
    triples: list[graph.Triple], summaries: list[graph.EntitySummary], referenced: list[graph.Triple]
) -> tuple[list[str], validate.Facts]:
    """The document's share of validation: its triples, with the types of the entities it names (their
    merged descriptions are checked in the main process) and of the nodes of other documents it points
    at (checked with those documents)."""
    types = [t for summary in summaries for t in graph.entity_types(summary)] + referenced
    return validate.check_document(triples, types, {s for s, _, _ in types})


class Progress:
    """Documents extracted and taken from the cache, and files failed, on a progress bar over the ``total``
    files (stderr): files done of all, rate and time left; or, with another ``unit``, the export formats
    written (``wrote``)."""

    def __init__(self, enabled: bool, total: int | None = None, *, unit: str = "file", desc: str = "building") -> None:
        self.enabled = enabled
        self.total = total
        self.unit, self.desc = unit, desc
        self.extracted = self.cached = self.failed = 0
        self.bar: Any = None

    def __enter__(self) -> Progress:
        if self.enabled:
            from tqdm import tqdm

            # no monitor thread: a second thread in this process makes the export stage load the query store
            # here rather than in a process of its own (kg.export._write_parallel), 10% of a default build
            tqdm.monitor_interval = 0
            self.bar = tqdm(total=self.total, unit=self.unit, desc=self.desc, leave=False)
        return self

    def __exit__(self, *_: object) -> None:
        if self.bar is not None:
            self.bar.refresh()  # the last counts, which the bar's rate limit may not have drawn
            self.bar.close()

    def add(self, result: FileResult) -> None:
        if result.error is not None:
            self.failed += 1
        elif result.cached:
            self.cached += result.documents
        else:
            self.extracted += result.documents
        if self.bar is not None:
            self.bar.set_postfix_str(
                f"documents: {self.extracted} extracted, {self.cached} from cache; files failed: {self.failed}",
                refresh=False,
            )
            self.bar.update(1)

    def wrote(self, name: str) -> None:
        """An export format is written (the bar of the export stage)."""
        if self.bar is not None:
            self.bar.set_postfix_str(f"{name} written", refresh=False)
            self.bar.update(1)


ENTITY_BATCH = (5000, 50_000)
"""Entities described and checked together: at most this many, holding at most this many merged facts (a
much-mentioned entity brings one per document that names it, so a batch's check stays the same size however
large the corpus)."""


def _entity_batches(keys: list[tuple[str, str, str]], weight: Callable[[str], int] | None) -> Iterator[list[tuple[str, str, str]]]:
    most, heaviest = ENTITY_BATCH
    batch: list[tuple[str, str, str]] = []
    held = 0
    for key in keys:
        batch.append(key)
        held += weight(graph.identity_term(key)) if weight is not None else 0
        if len(batch) >= most or held >= heaviest:
            yield batch
            batch, held = [], 0
    if batch:
        yield batch


def _as_list(paths: str | Path | Iterable[str | Path]) -> list[str | Path]:
    if isinstance(paths, (str, Path)):
        return [paths]
    return list(paths)
