"""Exporters, found by name in one registry and imported lazily.

Each exporter is a function ``write(store: pyoxigraph.Store, out_dir: Path) -> list[Path]`` that writes its
file(s) into ``out_dir`` atomically (``atomic_path``: a temporary file renamed into place) and
deterministically, and returns the paths written. ``store`` holds the built graph in its default graph.
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

import pyoxigraph as ox

from kg.errors import ExportError, OutputError
from kg.export.staging import describe_mode, exchange, output_error

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


def write(name: str, store: ox.Store, out_dir: Path) -> list[Path]:
    """Write the export called ``name`` into ``out_dir``."""
    try:
        target = EXPORTERS[name]
    except KeyError:
        raise ExportError(f"unknown export format {name!r}; choose from {', '.join(EXPORTERS)}") from None
    module_name, function = target.split(":")
    writer = getattr(importlib.import_module(module_name), function)
    paths: list[Path] = writer(store, out_dir)
    return paths


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
    _refuse_unless(dest, stat.S_ISDIR, "a folder")
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{dest.name}.", suffix=".tmp", dir=dest.parent))
    except OSError as exc:
        raise output_error(exc, dest) from exc
    try:
        yield tmp
        os.chmod(tmp, 0o777 & ~_umask())
        _replace_dir(tmp, dest)
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise output_error(exc, dest) from exc
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
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
