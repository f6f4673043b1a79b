"""Exporters, found by name in one registry and imported lazily.

Each exporter is a function ``write(store: pyoxigraph.Store, out_dir: Path) -> list[Path]`` that writes its
file(s) into ``out_dir`` atomically (``atomic_path``: a temporary file renamed into place) and
deterministically, and returns the paths written. ``store`` holds the built graph in its default graph.
"""

from __future__ import annotations

import importlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox

from kg.errors import ExportError

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

DEFAULT_FORMATS = ("turtle",)
BASENAME = "cppcc"


def names() -> list[str]:
    return list(EXPORTERS)


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
    """Yield a temporary path beside ``dest``; on success it is renamed to ``dest``, on error removed."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".tmp", dir=dest.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, dest)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


@contextmanager
def atomic_dir(dest: Path) -> Iterator[Path]:
    """Yield a temporary folder beside ``dest``; on success it replaces ``dest``, on error it is removed.

    A folder cannot be swapped in one rename, so an existing ``dest`` is first renamed aside (and put
    back if the second rename fails), then removed: readers see the old folder or the new one, never a
    half-written one (for an instant there may be neither).
    """
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{dest.name}.", suffix=".tmp", dir=dest.parent))
    try:
        yield tmp
        os.chmod(tmp, 0o777 & ~_umask())
        if not dest.exists():
            os.replace(tmp, dest)
            return
        aside = Path(tempfile.mkdtemp(prefix=f".{dest.name}.", suffix=".old", dir=dest.parent))
        try:
            os.replace(dest, aside / dest.name)
        except BaseException:
            aside.rmdir()
            raise
        try:
            os.replace(tmp, dest)
        except BaseException:
            os.replace(aside / dest.name, dest)
            aside.rmdir()
            raise
        shutil.rmtree(aside)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
