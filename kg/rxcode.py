"""The extractor's regular expressions compiled ahead of time, so that a process does not compile them again.

    record(path)  -> how many patterns: the code of every pattern the extractor compiles, saved at ``path``
                     (scripts/compile_extractor.py, i.e. `make install`, saves build/compiled/regex.bin)
    load(path)    -> how many patterns: those of ``path`` put in ``re``'s cache, so that ``re.compile``
                     returns them instead of compiling (0 when the file is missing or not for this Python);
                     kg.compiled.install calls it when kg is imported (not with KG_PURE_PYTHON=1)

Python compiles a pattern in Python code (re._compiler), and a character class holding a large range costs
it a step per character of the range (``_optimize_charset``): the 21,000 characters of [一-鿿] and the 6,400
placeholders of kg.extract.relations.skeleton in most relation patterns. Compiling the extractor's ~250
patterns was 0.25 s of each worker's warm-up (kg.extract.warm_up), most of the time a rebuild of one
changed file waits for its worker. The code re._compiler makes for a pattern depends only on the pattern,
its flags and the Python that compiles it, so it is saved once and handed to ``_sre.compile`` (what
re._compiler itself ends with), which checks it before use.

``_sre.compile`` and ``re._cache`` are private: they are used only on the Python versions of ``VERSIONS``
(whose ``re`` is known to work this way), and only with a file made by the same Python (version, sre's
MAGIC and code size); otherwise, or when ``_sre`` refuses a pattern's code, patterns are compiled as usual.
Each pattern is keyed by its text and flags, so a pattern edited since the file was made is compiled as
usual too. The patterns are the same objects re.compile would make (tests/test_rxcode.py compares their code
and their matches).
"""

from __future__ import annotations

import marshal
import re
import sys
from pathlib import Path
from typing import Any

VERSIONS = ((3, 11),)
"""Python versions whose ``re`` keeps compiled patterns in ``re._cache`` by (type, pattern, flags) and ends
``re._compiler.compile`` with ``_sre.compile(pattern, flags, code, groups, groupindex, indexgroup)``."""
_MAGIC = b"KGRX1\n"
FILENAME = "regex.bin"
"""The file's name in build/compiled/ (kg.compiled.install loads it)."""

Entry = tuple[str, int, int, list[int], int, dict[str, int], tuple[str | None, ...]]
"""pattern, flags asked for, flags of the compiled pattern, code, groups, group index, index group"""


def supported() -> bool:
    return sys.implementation.name == "cpython" and sys.version_info[:2] in VERSIONS


def _python() -> tuple[Any, ...]:
    import _sre

    return (sys.implementation.name, sys.hexversion, _sre.MAGIC, _sre.CODESIZE, _sre.MAXREPEAT, _sre.MAXGROUPS)


def code_of(pattern: str, flags: int) -> Entry:
    """What ``re._compiler.compile(pattern, flags)`` hands to ``_sre.compile``."""
    from re import _compiler, _parser  # type: ignore[attr-defined]

    parsed = _parser.parse(pattern, flags)
    code = _compiler._code(parsed, flags)
    groupindex = dict(parsed.state.groupdict)
    indexgroup: list[str | None] = [None] * parsed.state.groups
    for name, number in groupindex.items():
        indexgroup[number] = name
    return pattern, flags, flags | parsed.state.flags, [int(op) for op in code], parsed.state.groups - 1, groupindex, tuple(indexgroup)


def compiled(entry: Entry) -> re.Pattern[str]:
    """The pattern of a saved entry, made by ``_sre`` from its code (RuntimeError when ``_sre`` refuses it)."""
    import _sre

    pattern, _, final, code, groups, groupindex, indexgroup = entry
    made: re.Pattern[str] = _sre.compile(pattern, final, code, groups, groupindex, indexgroup)
    return made


def extractor_patterns() -> list[tuple[str, int]]:
    """(pattern, flags) of every pattern the extractor compiles: those in ``re``'s cache once a build's modules
    are imported, the extractor warmed up (every table it loads lazily) and a sample text read and extracted."""
    import tempfile

    import kg.pipeline  # noqa: F401  (the patterns a build compiles on import)
    from kg.extract import extract_document, warm_up
    from kg.ingest import read_documents

    warm_up()
    with tempfile.TemporaryDirectory(prefix="kg-rx-") as folder:
        sample = Path(folder) / "sample.txt"
        sample.write_text(_SAMPLE, encoding="utf-8")
        for doc in read_documents(sample):
            extract_document(doc)
    cache: dict[tuple[type, Any, int], Any] = re._cache  # type: ignore[attr-defined]
    return [(pattern, flags) for kind, pattern, flags in list(cache) if kind is str]


_SAMPLE = "成都市政协召开十三届二次全体会议\n\n2023年5月12日，市政协主席张三率队赴青白江区调研“有事来协商”平台建设。\n"


def record(path: Path) -> int:
    """Save the code of every pattern the extractor compiles at ``path`` (nothing on an unsupported Python)."""
    if not supported():
        return 0
    if any(_loaded.values()):
        raise RuntimeError("patterns were loaded from a saved file in this process: record with KG_PURE_PYTHON=1")
    entries = [code_of(pattern, flags) for pattern, flags in extractor_patterns()]
    path.write_bytes(_MAGIC + marshal.dumps((_python(), entries)))
    return len(entries)


_loaded: dict[Path, int] = {}


def load(path: Path) -> int:
    """Put the patterns saved at ``path`` in ``re``'s cache (once per process and path); how many."""
    if path in _loaded:
        return _loaded[path]
    _loaded[path] = 0
    if not supported():
        return 0
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return 0
    if not data.startswith(_MAGIC):
        return 0
    try:
        python, entries = marshal.loads(data[len(_MAGIC) :])
    except (ValueError, EOFError, TypeError):
        return 0
    if python != _python():
        return 0
    cache: dict[tuple[type, Any, int], Any] = re._cache  # type: ignore[attr-defined]
    room = re._MAXCACHE - len(cache)  # type: ignore[attr-defined]
    count = 0
    for entry in entries[: max(room, 0)]:
        pattern, flags = entry[0], entry[1]
        if (str, pattern, flags) in cache:
            continue
        try:
            cache[str, pattern, flags] = compiled(entry)
        except RuntimeError:  # _sre refused the code: this pattern is compiled as usual when asked for
            continue
        count += 1
    _loaded[path] = count
    return count
