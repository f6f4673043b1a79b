"""The extractor compiled with mypyc, used only while it matches the source.

`make install` compiles the modules of ``SOURCES`` (the extractor: kg/extract and the text helpers it
calls on every sentence; the making and checking of a document's triples that follow it in the workers)
with mypyc into ``build/compiled/`` of the checkout (scripts/compile_extractor.py),
outside the source tree, with a manifest recording a hash of each compiled file and of each kg module
they import (mypyc compiles against those modules' types). Python's own import would let a stale
compiled module shadow edited source; here the compiled modules are never found by the ordinary import
path at all: ``install()`` (run by kg/__init__.py, before any other kg module loads) adds a finder for
them to ``sys.meta_path`` only when every recorded hash matches the file as it is now, every compiled
module is present and the set of files to compile is the recorded one. All or nothing, since mypyc
modules call each other natively: one edited file, and the whole extractor runs as pure Python.

    STATUS.compiled   True when the compiled modules are in use
    STATUS.reason     why not, for `kg build`'s summary and `kg --version` ("… run `make install`")

``make install`` also saves the code of the extractor's regular expressions there (kg.rxcode), which
``install()`` puts in ``re``'s cache.

KG_PURE_PYTHON=1 forces pure Python (and compiles every pattern). Worker processes (forked or spawned) and Dask workers import kg
too, so they make the same check and use the same modules.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from importlib.abc import MetaPathFinder
from importlib.machinery import EXTENSION_SUFFIXES, ExtensionFileLoader, ModuleSpec
from importlib.util import spec_from_file_location
from pathlib import Path
from types import ModuleType

from kg import rxcode

ROOT = Path(__file__).resolve().parent.parent
"""The checkout (or site-packages, for a plain `pip install`: no build/ there, so pure Python)."""
BUILD = ROOT / "build" / "compiled"
MANIFEST = "manifest.json"
REBUILD = "run `make install` to compile it again"

SOURCES = ("kg/extract/**/*.py", "kg/text.py", "kg/rxgate.py", "kg/nlp.py", "kg/gazetteer.py", "kg/graph.py", "kg/validate.py", "kg/ingest/dates.py")
"""What is compiled, as globs under ROOT."""
NOT_COMPILED = ("kg/extract/termtrain.py",)
"""Training code (`python -m kg.extract.termtrain`), not on the extraction path; it finds files beside
its own ``__file__``."""


@dataclass
class Status:
    compiled: bool = False
    reason: str = "not checked"
    modules: tuple[str, ...] = ()
    patterns: int = 0
    """regular expressions taken compiled from build/compiled (kg.rxcode) instead of compiled here"""

    def describe(self) -> str:
        if self.compiled:
            return f"compiled (mypyc, {len(self.modules)} modules)"
        return f"pure Python: {self.reason}"


STATUS = Status()


def source_files(root: Path = ROOT) -> list[str]:
    """The files to compile, relative to ``root`` ("kg/extract/terms.py"), sorted."""
    found = {p.relative_to(root).as_posix() for pattern in SOURCES for p in root.glob(pattern)}
    return sorted(found - set(NOT_COMPILED))


def module_name(relative: str) -> str:
    name = relative.removesuffix(".py").replace("/", ".")
    return name.removesuffix(".__init__")


def file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def check(root: Path = ROOT, build: Path = BUILD) -> tuple[dict[str, Path], str]:
    """The compiled modules by name (with the shared library mypyc puts beside them) when the build in
    ``build`` matches the source under ``root``; else nothing and why."""
    try:
        manifest = json.loads((build / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        if not (root / "Makefile").is_file():  # installed by pip: no checkout to compile in
            return {}, "installed without the compiled extractor (`make install` in a source checkout compiles it)"
        return {}, f"the extractor is not compiled ({REBUILD})"
    except (OSError, ValueError) as exc:
        return {}, f"the compiled extractor's manifest is unreadable ({exc}; {REBUILD})"
    if manifest.get("abi") != EXTENSION_SUFFIXES[0]:
        return {}, f"the extractor was compiled for another Python ({manifest.get('abi')}; {REBUILD})"
    hashes: dict[str, str] = manifest.get("hashes", {})
    compiled: dict[str, str] = manifest.get("modules", {})
    if sorted(compiled.values()) != sorted(module_name(f) for f in source_files(root)):
        return {}, f"files were added to or removed from the extractor since it was compiled ({REBUILD})"
    for relative, recorded in sorted(hashes.items()):
        path = root / relative
        if not path.is_file() or file_hash(path) != recorded:
            return {}, f"{relative} changed since the extractor was compiled ({REBUILD})"
    binaries: dict[str, Path] = {}
    for binary, name in compiled.items():
        binaries[name] = build / binary
    shared = manifest.get("shared", {})
    for binary, name in shared.items():
        binaries[name] = build / binary
    missing = [str(p) for p in binaries.values() if not p.is_file()]
    if missing or not binaries:
        return {}, f"the compiled extractor is incomplete ({', '.join(missing[:2])}; {REBUILD})"
    return binaries, ""


class _Loader(ExtensionFileLoader):
    def create_module(self, spec: ModuleSpec) -> ModuleType:
        module: ModuleType = super().create_module(spec)
        if spec.submodule_search_locations is not None:  # mypyc sets a package's __path__ to build/
            module.__path__ = list(spec.submodule_search_locations)
        return module


class _Finder(MetaPathFinder):
    """Specs for the compiled modules only; every other name is left to the ordinary finders."""

    def __init__(self, binaries: dict[str, Path], root: Path) -> None:
        self.binaries = binaries
        self.root = root

    def find_spec(self, fullname: str, path: Sequence[str] | None = None, target: ModuleType | None = None) -> ModuleSpec | None:
        binary = self.binaries.get(fullname)
        if binary is None:
            return None
        package = binary.name.startswith("__init__.")
        # a compiled package's other modules are looked for beside its source, not in build/
        where = [str(self.root.joinpath(*fullname.split(".")))] if package else None
        return spec_from_file_location(
            fullname, binary, loader=_Loader(fullname, str(binary)), submodule_search_locations=where
        )


def install(root: Path = ROOT, build: Path = BUILD) -> Status:
    """Put the compiled extractor on ``sys.meta_path`` if it matches the source (once per process)."""
    if STATUS.reason != "not checked":
        return STATUS
    if os.environ.get("KG_PURE_PYTHON", "") not in ("", "0"):
        STATUS.reason = "KG_PURE_PYTHON is set"
        return STATUS
    # the extractor's regular expressions, compiled ahead of time (kg.rxcode): keyed by their text, so they
    # hold whether or not the modules match the source
    STATUS.patterns = rxcode.load(build / rxcode.FILENAME)
    binaries, reason = check(root, build)
    loaded = sorted(n for n in binaries if n in sys.modules)
    if binaries and loaded:  # imported before kg: mixing the two would call across the boundary
        reason = f"{loaded[0]} was imported as Python before kg"
    if reason:
        STATUS.reason = reason
        return STATUS
    sys.meta_path.insert(0, _Finder(binaries, root))
    STATUS.compiled = True
    STATUS.reason = ""
    STATUS.modules = tuple(sorted(n for n in binaries if not n.endswith("__mypyc")))
    return STATUS
