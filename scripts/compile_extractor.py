"""Compile the extractor (kg.compiled.SOURCES) with mypyc into build/compiled/ (run by `make install`).

    python scripts/compile_extractor.py          # nothing to do when build/compiled matches the source
    python scripts/compile_extractor.py --force

The modules are built in build/compiled.new/ and moved into place whole, the manifest written last; it
records the hash of each compiled file and of each kg module they import, as read BEFORE compiling (a file
edited while mypyc runs then no longer matches: kg uses pure Python until the next `make install`).
A module mypyc rejects fails this script (and so `make install`) with mypyc's message.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import shutil
import subprocess
import sys
import time
from importlib.machinery import EXTENSION_SUFFIXES
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kg import compiled  # noqa: E402


def kg_imports(relative: str) -> set[str]:
    """The kg modules (files, relative to ROOT) that the module at ``relative`` imports."""
    tree = ast.parse((ROOT / relative).read_text(encoding="utf-8"))
    package = compiled.module_name(relative)
    if not relative.endswith("__init__.py"):
        package = package.rpartition(".")[0]
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else []))
            names.add(base)
            names.update(f"{base}.{a.name}" for a in node.names)  # `from kg import graph`
    files: set[str] = set()
    for name in names:
        if name != "kg" and not name.startswith("kg."):
            continue
        path = ROOT.joinpath(*name.split("."))
        for candidate in (path.with_suffix(".py"), path / "__init__.py"):
            if candidate.is_file():
                files.add(candidate.relative_to(ROOT).as_posix())
    return files


def shadowing_imports(relative: str) -> list[str]:
    """Imports inside a function of the module at ``relative`` that bind a name the module defines at its
    top level. Compiled by mypyc, such an import rebinds the module's global (a function's
    ``from kg.vocab import CPPCC`` replaced kg.text's CPPCC for every other function), so it is refused."""
    tree = ast.parse((ROOT / relative).read_text(encoding="utf-8"))
    top: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.Import | ast.ImportFrom):
            top.update((a.asname or a.name).split(".")[0] for a in node.names)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            top.add(node.name)
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            for target in node.targets if isinstance(node, ast.Assign) else [node.target]:
                top.update(n.id for n in ast.walk(target) if isinstance(n, ast.Name))
    found = []
    for function in ast.walk(tree):
        if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            for inner in ast.walk(function):
                if isinstance(inner, ast.Import | ast.ImportFrom):
                    for alias in inner.names:
                        name = (alias.asname or alias.name).split(".")[0]
                        if name in top:
                            found.append(f"{relative}:{inner.lineno}: {function.name}() imports {name}, a name of the module")
    return found


def hashes(sources: list[str]) -> dict[str, str]:
    files = set(sources)
    for relative in sources:
        files |= kg_imports(relative)
    return {f: compiled.file_hash(ROOT / f) for f in sorted(files)}


def build(sources: list[str], recorded: dict[str, str]) -> float:
    from mypyc.build import mypycify
    from setuptools import Distribution

    started = time.monotonic()
    new = compiled.BUILD.with_name("compiled.new")
    work = compiled.BUILD.with_name("mypyc")
    for folder in (new, work):
        shutil.rmtree(folder, ignore_errors=True)
    os.chdir(ROOT)  # mypyc names modules by their paths, and reads [tool.mypy] of pyproject.toml here
    extensions = mypycify(sources, opt_level="3", multi_file=True, group_name="kg_extractor", target_dir=str(work / "c"))
    dist = Distribution({"name": "kg-extractor", "ext_modules": extensions})
    command = dist.get_command_obj("build_ext")
    command.build_lib = str(new)  # type: ignore[attr-defined]
    command.build_temp = str(work / "temp")  # type: ignore[attr-defined]
    command.parallel = os.cpu_count() or 1  # type: ignore[attr-defined]
    dist.run_command("build_ext")
    modules = {compiled.module_name(s) for s in sources}
    binaries: dict[str, str] = {}
    shared: dict[str, str] = {}
    for path in sorted(new.rglob("*" + EXTENSION_SUFFIXES[0])):
        relative = path.relative_to(new).as_posix()
        name = compiled.module_name(relative.removesuffix(EXTENSION_SUFFIXES[0]) + ".py")
        if name in modules:
            binaries[relative] = name
        elif name.endswith("__mypyc"):
            shared[relative] = name
        else:
            raise SystemExit(f"compile_extractor: mypyc made {relative}, which is no module of the extractor")
    if set(binaries.values()) != modules:
        raise SystemExit(f"compile_extractor: modules not built: {sorted(modules - set(binaries.values()))}")
    manifest = {"abi": EXTENSION_SUFFIXES[0], "modules": binaries, "shared": shared, "hashes": recorded}
    shutil.rmtree(compiled.BUILD, ignore_errors=True)
    new.rename(compiled.BUILD)
    (compiled.BUILD / compiled.MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    shutil.rmtree(work, ignore_errors=True)
    return time.monotonic() - started


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--force", action="store_true", help="compile even when build/compiled matches the source")
    args = parser.parse_args(argv)
    binaries, reason = compiled.check()
    if binaries and not args.force:
        print(f"compile_extractor: build/compiled matches the source ({len(binaries)} modules)")
        return save_patterns()
    if reason:
        print(f"compile_extractor: {reason.split(' (')[0]}: compiling with mypyc …", flush=True)
    compiler = os.environ.get("CC", "cc").split()[0]
    if shutil.which(compiler) is None:
        raise SystemExit(f"compile_extractor: no C compiler ({compiler}): `make system-deps` installs gcc and python3-dev")
    sources = compiled.source_files()
    shadowing = [line for relative in sources for line in shadowing_imports(relative)]
    if shadowing:
        print("\n".join(shadowing), file=sys.stderr)
        print("compile_extractor: import these under another name (from m import X as y): compiled by mypyc, an "
              "import inside a function rebinds the module's own name. kg runs as pure Python meanwhile.", file=sys.stderr)
        return 1
    recorded = hashes(sources)
    try:
        seconds = build(sources, recorded)
    except (Exception, SystemExit) as exc:
        print(
            f"compile_extractor: mypyc could not compile the extractor ({type(exc).__name__}: {exc}; its message is "
            "above). kg runs it as pure Python meanwhile. Rewrite the construct it names (e.g. x in (a, *b) as "
            "x in (a,) + b), or leave the file out in kg/compiled.py's NOT_COMPILED.",
            file=sys.stderr,
        )
        return 1
    if hashes(sources) != recorded:
        print("compile_extractor: a file changed while it was compiled: kg runs pure Python until `make install` again")
    print(f"compile_extractor: {len(sources)} modules compiled into {compiled.BUILD.relative_to(ROOT)} in {seconds:.0f} s")
    return save_patterns()


def save_patterns() -> int:
    """The code of the extractor's regular expressions in build/compiled (kg.rxcode), recorded afresh (a few
    seconds) in a process that compiles every pattern itself."""
    from kg import rxcode

    if not rxcode.supported():
        print(f"compile_extractor: regular expressions are compiled at run time on Python {sys.version.split()[0]}")
        return 0
    dest = compiled.BUILD / rxcode.FILENAME
    new = dest.with_name(dest.name + ".new")
    done = subprocess.run(
        [sys.executable, "-c", "import sys; from pathlib import Path; from kg import rxcode; print(rxcode.record(Path(sys.argv[1])))", str(new)],
        cwd=ROOT, env={**os.environ, "KG_PURE_PYTHON": "1"}, capture_output=True, text=True,
    )
    if done.returncode:
        new.unlink(missing_ok=True)
        print(done.stderr, file=sys.stderr)
        print("compile_extractor: the regular expressions could not be recorded (above); they are compiled at run time", file=sys.stderr)
        return 1
    new.replace(dest)
    print(f"compile_extractor: {done.stdout.strip()} regular expressions saved compiled in {dest.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
