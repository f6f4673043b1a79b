"""The extractor compiled with mypyc (kg.compiled, scripts/compile_extractor.py): used only while it matches
the source, in worker processes and on Dask workers too, and giving the pure extractor's exports byte for
byte.

The tests that need the compiled build skip without it, except under KG_REQUIRE_COMPILED=1 (`make test`
sets it, after `make install` compiled the extractor): there a missing or stale build fails them.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kg import compiled
from kg.workers import ordered_map

from .conftest import CORPUS, ROOT

REQUIRED = os.environ.get("KG_REQUIRE_COMPILED", "") not in ("", "0")


def _need_compiled() -> None:
    if compiled.STATUS.compiled:
        return
    if REQUIRED:
        pytest.fail(f"KG_REQUIRE_COMPILED is set but the extractor runs as {compiled.STATUS.describe()}")
    pytest.skip(f"the extractor is not compiled here ({compiled.STATUS.reason})")


def _python(code: str, *, cwd: Path, pure: bool = False, path: Path | None = None) -> str:
    env = {k: v for k, v in os.environ.items() if k not in ("KG_PURE_PYTHON", "PYTHONPATH")}
    if pure:
        env["KG_PURE_PYTHON"] = "1"
    if path is not None:
        env["PYTHONPATH"] = str(path)
    done = subprocess.run([sys.executable, "-c", code], cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    return done.stdout


# ---- the check itself, on a made-up tree (no compiled build needed)


def _fake_tree(tmp_path: Path) -> tuple[Path, Path]:
    root, build = tmp_path / "src", tmp_path / "build"
    root.mkdir()
    (root / "Makefile").write_text("# a checkout\n", encoding="utf-8")
    for relative in ("kg/extract/__init__.py", "kg/extract/a.py", "kg/text.py", "kg/rxgate.py", "kg/nlp.py",
                     "kg/gazetteer.py", "kg/extract/termtrain.py", "kg/model.py"):
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text(f"# {relative}\n", encoding="utf-8")
    sources = compiled.source_files(root)
    assert "kg/extract/termtrain.py" not in sources and "kg/model.py" not in sources
    modules = {}
    for relative in sources:
        binary = relative.removesuffix(".py") + compiled.EXTENSION_SUFFIXES[0]
        (build / binary).parent.mkdir(parents=True, exist_ok=True)
        (build / binary).write_bytes(b"")
        modules[binary] = compiled.module_name(relative)
    (build / "kg_extractor__mypyc.so").write_bytes(b"")
    hashes = {f: compiled.file_hash(root / f) for f in [*sources, "kg/model.py"]}
    manifest = {"abi": compiled.EXTENSION_SUFFIXES[0], "modules": modules, "hashes": hashes,
                "shared": {"kg_extractor__mypyc.so": "kg_extractor__mypyc"}}
    (build / compiled.MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    return root, build


def test_a_matching_build_is_used(tmp_path: Path) -> None:
    root, build = _fake_tree(tmp_path)
    binaries, reason = compiled.check(root, build)
    assert reason == ""
    assert set(binaries) == {"kg.extract", "kg.extract.a", "kg.text", "kg.rxgate", "kg.nlp", "kg.gazetteer", "kg_extractor__mypyc"}


@pytest.mark.parametrize("relative", ["kg/extract/a.py", "kg/extract/__init__.py", "kg/model.py"])
def test_an_edited_file_means_pure_python(tmp_path: Path, relative: str) -> None:
    root, build = _fake_tree(tmp_path)
    with (root / relative).open("a", encoding="utf-8") as file:
        file.write("# edited\n")
    binaries, reason = compiled.check(root, build)
    assert binaries == {}
    assert relative in reason and "make install" in reason


def test_a_new_or_removed_file_means_pure_python(tmp_path: Path) -> None:
    root, build = _fake_tree(tmp_path)
    (root / "kg/extract/b.py").write_text("# new\n", encoding="utf-8")
    assert compiled.check(root, build)[0] == {}
    (root / "kg/extract/b.py").unlink()
    (root / "kg/extract/a.py").unlink()
    assert compiled.check(root, build)[0] == {}


def test_a_missing_module_or_manifest_means_pure_python(tmp_path: Path) -> None:
    root, build = _fake_tree(tmp_path)
    (build / ("kg/text" + compiled.EXTENSION_SUFFIXES[0])).unlink()
    assert "incomplete" in compiled.check(root, build)[1]
    (build / compiled.MANIFEST).unlink()
    assert "not compiled" in compiled.check(root, build)[1]


def test_an_import_inside_a_function_may_not_rebind_a_module_name(tmp_path: Path) -> None:
    """Compiled by mypyc, ``from m import X`` inside a function rebinds the module's global X: the build
    refuses such a module (scripts/compile_extractor.py) rather than change what the other functions see."""
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import compile_extractor
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    module = tmp_path / "m.py"
    module.write_text("from kg.text import CPPCC\n\ndef f() -> str:\n    from kg.vocab import CPPCC\n    return str(CPPCC)\n\n"
                      "def g() -> str:\n    from kg.vocab import CPPCC as namespace\n    return str(namespace)\n", encoding="utf-8")
    assert compile_extractor.shadowing_imports(str(module)) == [f"{module}:4: f() imports CPPCC, a name of the module"]
    assert not [line for f in compiled.source_files() for line in compile_extractor.shadowing_imports(f)]


# ---- the real build


def test_editing_a_compiled_source_falls_back_to_pure_python(tmp_path: Path) -> None:
    """A copy of the package and its build: compiled as it is, pure Python as soon as a compiled file
    is edited, with nothing else done."""
    _need_compiled()
    shutil.copytree(ROOT / "kg", tmp_path / "kg", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(compiled.BUILD, tmp_path / "build" / "compiled")
    probe = "import kg, kg.extract.people as p; print(kg.compiled.STATUS.compiled, p.__file__)"
    assert _python(probe, cwd=tmp_path, path=tmp_path).split() == [
        "True", str(tmp_path / "build" / "compiled" / "kg" / "extract" / ("people" + compiled.EXTENSION_SUFFIXES[0]))
    ]
    with (tmp_path / "kg" / "extract" / "people.py").open("a", encoding="utf-8") as file:
        file.write("\n# an edit\n")
    assert _python(probe, cwd=tmp_path, path=tmp_path).split() == ["False", str(tmp_path / "kg" / "extract" / "people.py")]
    forced = _python("import kg; print(kg.compiled.STATUS.describe())", cwd=tmp_path, path=tmp_path)
    assert "kg/extract/people.py changed" in forced and "make install" in forced


def test_kg_pure_python_forces_pure_python() -> None:
    out = _python("import kg, kg.extract.terms as t; print(kg.compiled.STATUS.compiled, t.__file__)", cwd=ROOT, pure=True)
    assert out.split() == ["False", str(ROOT / "kg" / "extract" / "terms.py")]


def _probe(_: int) -> tuple[bool, str]:
    import kg.extract.terms

    return compiled.STATUS.compiled, kg.extract.terms.__file__ or ""


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_worker_processes_use_the_compiled_extractor(method: str) -> None:
    _need_compiled()
    context = multiprocessing.get_context(method)
    for is_compiled, where in ordered_map(_probe, range(4), workers=2, context=context):
        assert is_compiled and where.startswith(str(compiled.BUILD))


def test_dask_workers_use_the_compiled_extractor() -> None:
    _need_compiled()
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
    ) as cluster, distributed.Client(cluster) as client:
        # eval: a function this module defines would have to be imported from tests/ on the worker
        probe = "(__import__('kg').compiled.STATUS.compiled, __import__('kg.extract.terms').extract.terms.__file__)"
        is_compiled, where = client.submit(eval, probe).result(timeout=120)
    assert is_compiled and where.startswith(str(compiled.BUILD))


def test_compiled_and_pure_extractors_give_the_same_exports(tmp_path: Path) -> None:
    """`kg build` of the sample corpus, compiled and pure: every export byte for byte (but the Oxigraph
    store's database files, which no two builds write alike)."""
    _need_compiled()
    build = "import sys; from kg.cli import main; sys.exit(main(['build', sys.argv[1], '--out', sys.argv[2], '--no-cache', '--quiet']))"
    outs = {}
    for pure in (False, True):
        out = tmp_path / ("pure" if pure else "compiled")
        code = f"import sys; sys.argv[1:] = [{str(CORPUS)!r}, {str(out)!r}]; {build}"
        summary = _python(code, cwd=tmp_path, pure=pure)
        assert ("pure Python" in summary) is pure, summary
        outs[pure] = out
    def exports(out: Path) -> list[Path]:  # the Oxigraph store's files differ between any two builds
        return sorted(p.relative_to(out) for p in out.rglob("*") if p.is_file() and ".oxigraph" not in p.parent.as_posix())

    files = exports(outs[False])
    assert len(files) > 5 and files == exports(outs[True])
    for relative in files:
        assert (outs[False] / relative).read_bytes() == (outs[True] / relative).read_bytes(), relative
