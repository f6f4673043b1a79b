"""The reusable on-disk store: an RDF file parsed once into pyoxigraph (RocksDB) and reused by every query.

    exports/cppcc.ttl ──(first query, or `kg build` through the "store" exporter)──▶ exports/cppcc.oxigraph/
                                                                                        manifest.json
                                                                                        db/  (RocksDB)

The store is a cache keyed by its source file. ``manifest.json`` records the file's name, size, mtime and
SHA-256: when size and mtime match, the store is used as it is; when only the mtime differs, the hash decides
(a touched but unchanged file keeps its store); otherwise the store is rebuilt. So a query never sees a stale
graph, whoever rewrote the file, and a large graph is parsed once, not on every query.

A rebuild loads the file into a temporary folder beside the store, then swaps it in (kg.export.atomic_dir), holding
a lock file so that two processes never build the same store at once. ``kg build`` loads its store from the
build's N-Triples while other processes write the Turtle file (``load_store``), and puts it in place with its
manifest once that file is written (``install``), under the same lock. Readers open ``db/`` read-only (RocksDB
allows any number of read-only openers); a reader that opened the old store keeps reading its snapshot
(its files stay open after the swap removes them). When the file's folder is not writable, the store lives
under ``$XDG_CACHE_HOME/cppcc-kg/`` instead.

A rebuild (kg.rebuild) knows the lines its graph lost and gained since the previous build. When the previous
build's store is there and describes the previous build's Turtle, the new store is a copy of it (a RocksDB
checkpoint: hard links to its files) with those triples removed and added, instead of every triple loaded
again: on the 5 MB benchmark corpus, one changed file of 1,058, about 0.1 s against 5 s. Anything that does
not match (no previous store, another Turtle, a triple to remove that is not there) loads every triple.
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import json
import os
import shutil
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import pyoxigraph as ox

from kg.errors import ExportError, InputError
from kg.export import BASENAME, atomic_dir, atomic_path, put_in_place, removed_on_error, temp_dir
from kg.export.graphfile import GraphFile
from kg.export.staging import output_error

SUFFIX = ".oxigraph"
MANIFEST = "manifest.json"
DB = "db"
FORMAT_VERSION = 1
CHANGE_COST = 10
"""A triple removed or added costs a store about 27 µs, one bulk-loaded about 5.7 (measured on the 5 MB
benchmark corpus's 825,007 triples): with more changed lines than a tenth of the store's, it is loaded anew."""


@dataclass(frozen=True)
class Manifest:
    """What the store was built from; compared with the source file on every open."""

    source: str
    size: int
    mtime_ns: int
    sha256: str
    triples: int
    version: int = FORMAT_VERSION


def write_store(graph: GraphFile | ox.Store, out_dir: Path) -> list[Path]:
    """Exporter ``store``: the on-disk store of ``out_dir/cppcc.ttl``, so the first query after a build is fast.

    Its manifest describes the Turtle file written before it (list the ``turtle`` format before ``store``);
    the triples are loaded from the build's sorted N-Triples, the same graph (parsed faster than Turtle).
    """
    turtle = _turtle_of(out_dir)
    if not isinstance(graph, GraphFile):
        return [ensure(turtle)]
    return [ensure(turtle, content=graph.path, update=_update_of(graph))]


@dataclass(frozen=True)
class Update:
    """A store to copy and change instead of loading every triple: the one made from ``turtle``, and the
    N-Triples lines to remove from it and add to it (each sorted, as kg.rebuild gives them)."""

    store: Path
    turtle: Path
    deletions: Sequence[bytes]
    insertions: Sequence[bytes]


@dataclass(frozen=True)
class Loaded:
    """A store loaded by ``load_store`` into a temporary folder beside ``dest``, without its manifest yet."""

    folder: Path
    dest: Path
    triples: int


def load_store(graph: GraphFile, out_dir: Path) -> Loaded:
    """The ``store`` export's first half, which needs no Turtle file: the build's N-Triples loaded (or the
    previous build's store changed, as write_store would) into a temporary folder beside the store of
    ``out_dir/cppcc.ttl`` (kg.export.write_all runs it while other processes write that file). ``install``
    finishes it; on an error the folder is removed."""
    try:
        out_dir.mkdir(parents=True, exist_ok=True)  # where the Turtle file goes decides where the store goes
    except OSError as exc:
        raise output_error(exc, out_dir) from exc
    dest = store_dir(out_dir / f"{BASENAME}.ttl")
    folder = temp_dir(dest)
    with removed_on_error(folder, dest):
        triples = _load(folder, graph.path, _update_of(graph), lenient=True)
    return Loaded(folder, dest, triples)


def install(loaded: Loaded, out_dir: Path) -> list[Path]:
    """The ``store`` export's second half, once ``out_dir/cppcc.ttl`` is written: the manifest describing
    it is added to the folder ``load_store`` made, which then replaces the store (unless another process
    made an up-to-date one meanwhile: then it is removed). The folder is gone when this returns or raises."""
    try:
        turtle = _turtle_of(out_dir)
        if store_dir(turtle) != loaded.dest:
            raise ExportError(f"{turtle}: its store goes to {store_dir(turtle)}, not {loaded.dest} where it was loaded")
        with _lock(loaded.dest):
            if _fresh(turtle, loaded.dest):
                shutil.rmtree(loaded.folder)
            else:
                _write_manifest(loaded.folder, _manifest(turtle, loaded.triples))
                put_in_place(loaded.folder, loaded.dest)
    except BaseException:
        shutil.rmtree(loaded.folder, ignore_errors=True)
        raise
    return [loaded.dest]


def _turtle_of(out_dir: Path) -> Path:
    turtle = out_dir / f"{BASENAME}.ttl"
    if not turtle.is_file():
        raise ExportError(f"{turtle}: the store export is made from the Turtle file; build with --formats turtle,store")
    return turtle


def _update_of(graph: GraphFile) -> Update | None:
    if graph.changes is None or graph.previous_out is None or graph.previous_turtle is None:
        return None
    previous = graph.previous_out / f"{BASENAME}{SUFFIX}"
    return Update(previous, graph.previous_turtle[0], *graph.changes)


def store_dir(source: Path) -> Path:
    """Where the store of ``source`` lives: beside it when that folder is writable, else in the user cache."""
    source = source.resolve()
    name = source.stem + SUFFIX
    if os.access(source.parent, os.W_OK):
        return source.parent / name
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "cppcc-kg"
    return cache / hashlib.sha1(str(source).encode("utf-8")).hexdigest()[:16] / name


def ensure(source: Path, content: Path | None = None, update: Update | None = None) -> Path:
    """The folder of an up-to-date store of the RDF file ``source``, built or rebuilt if needed (from
    ``content`` when given: another file holding the same graph; by changing a copy of ``update.store``
    when that is the store of ``update.turtle``)."""
    if not source.is_file():
        raise InputError(str(source), "no such graph file; run `kg build` first or pass --graph FILE")
    dest = store_dir(source)
    if _fresh(source, dest):
        return dest
    dest.parent.mkdir(parents=True, exist_ok=True)
    with _lock(dest):
        if not _fresh(source, dest):  # another process may have built it while we waited
            _rebuild(source, dest, content or source, update, lenient=content is not None)
    return dest


def locate(path: Path) -> Path:
    """The store folder for ``path``: a store folder itself, an RDF file (through its cached store, built if
    needed), or an export folder holding ``cppcc.ttl`` (what ``kg build --out DIR`` writes)."""
    if (path / MANIFEST).is_file():
        return path
    if path.is_dir():
        turtle = path / f"{BASENAME}.ttl"
        if turtle.is_file():
            return ensure(turtle)
        built = path / f"{BASENAME}{SUFFIX}"
        if (built / MANIFEST).is_file():
            return built
        raise InputError(str(path), f"a folder without {BASENAME}.ttl or a store; pass an export folder of `kg build`, an RDF file or a store folder")
    return ensure(path)


def open_store(path: Path) -> ox.Store:
    """A read-only store for ``path``: an RDF file (through its cached store), an export folder or a store folder."""
    folder = locate(path)
    try:
        return ox.Store.read_only(str(folder / DB))
    except OSError as exc:
        raise InputError(str(folder), f"cannot open the store ({exc}); delete the folder to have it rebuilt") from exc


def read_manifest(folder: Path) -> Manifest | None:
    try:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        manifest = Manifest(**data)
    except FileNotFoundError:
        return None
    except (ValueError, TypeError) as exc:
        raise InputError(str(folder / MANIFEST), f"unreadable store manifest ({exc}); delete {folder} to rebuild it") from exc
    return manifest if manifest.version == FORMAT_VERSION else None


def _fresh(source: Path, dest: Path) -> bool:
    manifest = read_manifest(dest)
    if manifest is None or manifest.source != source.name or not (dest / DB).is_dir():
        return False
    stat = source.stat()
    if manifest.size != stat.st_size:
        return False
    if manifest.mtime_ns == stat.st_mtime_ns:
        return True
    if manifest.sha256 != _sha256(source):
        return False
    _write_manifest(dest, Manifest(source.name, stat.st_size, stat.st_mtime_ns, manifest.sha256, manifest.triples))
    return True


def _rebuild(source: Path, dest: Path, content: Path, update: Update | None = None, *, lenient: bool) -> None:
    manifest = _manifest(source, 0)  # the file before it is read: a change while loading is seen later
    with atomic_dir(dest) as work:
        triples = _load(work, content, update, lenient=lenient)
        _write_manifest(work, replace(manifest, triples=triples))


def _load(folder: Path, content: Path, update: Update | None, *, lenient: bool) -> int:
    """A new store in ``folder`` holding the RDF file ``content``: ``update``'s store changed (_updated) when
    that fits, else every triple bulk-loaded; the number of triples.

    ``lenient`` (for a build's N-Triples, not for a file the user gave) skips pyoxigraph's IRI checks: the
    build's N-Triples hold terms pyoxigraph checked when kg.graph made them (or dumped from a store), so
    the same triples are loaded, about a tenth faster."""
    from kg.stats import load_into

    try:
        triples = _updated(folder / DB, update) if update is not None else None
        if triples is None:
            store = ox.Store(str(folder / DB))
            load_into(store, content, lenient=lenient)
            triples = len(store)
            store.optimize()  # compact the bulk-loaded files: lookups get faster (about 4 s at 1M triples)
            store.flush()
            del store  # closes RocksDB (releases its LOCK) before the folder moves
    except OSError as exc:
        raise _with_errno(exc, folder) from exc
    return triples


def _manifest(source: Path, triples: int) -> Manifest:
    stat = source.stat()
    return Manifest(source.name, stat.st_size, stat.st_mtime_ns, _sha256(source), triples)


def _updated(db: Path, update: Update) -> int | None:
    """Make ``db`` a copy of ``update.store`` changed by its lines; return its triples, or None (and leave
    no ``db``) when that store is not the graph of ``update.turtle`` or the lines do not fit it."""
    manifest = read_manifest(update.store)
    try:
        stat = update.turtle.stat()
    except FileNotFoundError:
        return None
    if manifest is None or (manifest.source, manifest.size, manifest.mtime_ns) != (update.turtle.name, stat.st_size, stat.st_mtime_ns):
        return None
    if (len(update.deletions) + len(update.insertions)) * CHANGE_COST > manifest.triples:
        return None  # loading every triple costs less
    if any(b"_:" in line for line in (*update.deletions, *update.insertions)):
        return None  # a blank node's label is not kept by the store, so its triples cannot be found again
    removed = [_quad(t) for t in ox.parse(b"".join(update.deletions), format=ox.RdfFormat.N_TRIPLES)]
    added = [_quad(t) for t in ox.parse(b"".join(update.insertions), format=ox.RdfFormat.N_TRIPLES)]
    ox.Store.read_only(str(update.store / DB)).backup(str(db))
    store = ox.Store(str(db))
    fits = all(q in store for q in removed) and not any(q in store for q in added)
    if fits:
        for quad in removed:
            store.remove(quad)
        store.extend(added)
        store.flush()
    del store
    if not fits:
        shutil.rmtree(db)
        return None
    return manifest.triples - len(removed) + len(added)


def _quad(triple: ox.Triple) -> ox.Quad:
    return ox.Quad(triple.subject, triple.predicate, triple.object)


def _with_errno(exc: OSError, where: Path) -> OSError:
    """RocksDB reports a full disk or a read-only file system as text only (``IO error: … No space left on
    device``): give such an error its errno, so that it is explained like any other (kg.export.staging)."""
    if exc.errno is not None:
        return exc
    for code in (errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES):
        if os.strerror(code) in str(exc):
            return OSError(code, os.strerror(code), str(where))
    return exc


def _write_manifest(folder: Path, manifest: Manifest) -> None:
    with atomic_path(folder / MANIFEST) as tmp:
        tmp.write_text(json.dumps(asdict(manifest), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def _sha256(path: Path) -> str:
    with path.open("rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


@contextmanager
def _lock(dest: Path) -> Iterator[None]:
    with open(dest.with_name(f".{dest.name}.lock"), "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)
