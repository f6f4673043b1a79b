"""kg.rxcode: the extractor's patterns made from saved code are the patterns re.compile makes."""

from __future__ import annotations

import marshal
import random
import re
import subprocess
import sys
from pathlib import Path

import pytest

from kg import rxcode
from kg.compiled import ROOT

from .conftest import CORPUS

pytestmark = pytest.mark.skipif(not rxcode.supported(), reason="patterns are compiled at run time on this Python")


@pytest.fixture(scope="module")
def saved(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """What `make install` saves, recorded here by a process that compiles every pattern itself."""
    path = tmp_path_factory.mktemp("rx") / rxcode.FILENAME
    done = subprocess.run(
        [sys.executable, "-c", "import sys; from pathlib import Path; from kg import rxcode; print(rxcode.record(Path(sys.argv[1])))", str(path)],
        cwd=ROOT, env={"KG_PURE_PYTHON": "1", "PATH": ""}, capture_output=True, text=True, check=True,
    )
    assert int(done.stdout) > 200
    return path


def _entries(path: Path) -> list[rxcode.Entry]:
    python, entries = marshal.loads(path.read_bytes()[len(rxcode._MAGIC) :])
    assert python == rxcode._python()
    return list(entries)


def _texts() -> list[str]:
    """Corpus text, and random strings of the characters the extractor's patterns are about: CJK, the
    placeholders of relation skeletons, punctuation, digits, letters, spaces."""
    real = [p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*.txt"))[:6]]
    rng = random.Random(9)
    common = "".join(dict.fromkeys("".join(real)))
    alphabet = common + "".join(chr(c) for c in range(0xE000, 0xF900, 97)) + "，。；：、“”《》（）()0123456789年月日第届次 \n\t"
    randoms = ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 300))) for _ in range(60)]
    return real + randoms


def test_saved_code_is_what_re_compiles_and_matches_the_same(saved: Path) -> None:
    from re import _compiler  # type: ignore[attr-defined]

    texts = _texts()
    entries = _entries(saved)
    for entry in entries:
        pattern, flags = entry[0], entry[1]
        assert rxcode.code_of(pattern, flags) == entry  # the same code, groups and flags
        made, usual = rxcode.compiled(entry), _compiler.compile(pattern, flags)
        assert (made.pattern, made.flags, made.groups, made.groupindex) == (usual.pattern, usual.flags, usual.groups, usual.groupindex)
        for text in texts:
            assert [(m.span(), m.groups()) for m in made.finditer(text)] == [(m.span(), m.groups()) for m in usual.finditer(text)]
    # the relation patterns, whose placeholder classes made compiling slow, are among them
    from kg.extract.relations.tables import patterns

    recorded = {(entry[0], entry[1]) for entry in entries}
    assert all((p.regex.pattern, p.regex.flags & ~re.UNICODE) in recorded for p in patterns())


LOAD = """
import re, sys
from pathlib import Path
from kg import rxcode
count = rxcode.load(Path(sys.argv[1]))
hits = sum(1 for key, value in list(re._cache.items()) if re.compile(key[1], key[2]) is value)
print(count, hits)
"""


def test_load_puts_the_patterns_in_res_cache(saved: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", LOAD, str(saved)], cwd=ROOT, env={"KG_PURE_PYTHON": "1", "PATH": ""},
        capture_output=True, text=True, check=True,
    )
    count, hits = map(int, done.stdout.split())
    assert count > 200 and hits >= count


@pytest.mark.parametrize("damage", ["another python", "not marshal", "no magic", "refused code"])
def test_a_file_not_for_this_python_or_damaged_compiles_as_usual(saved: Path, tmp_path: Path, damage: str) -> None:
    entries = _entries(saved)[:3]
    python = rxcode._python()
    path = tmp_path / rxcode.FILENAME
    if damage == "another python":
        path.write_bytes(rxcode._MAGIC + marshal.dumps(((*python[:1], python[1] + 1, *python[2:]), entries)))
    elif damage == "not marshal":
        path.write_bytes(rxcode._MAGIC + b"\xff\x00garbage")
    elif damage == "no magic":
        path.write_bytes(marshal.dumps((python, entries)))
    else:
        pattern, flags, final, code, groups, groupindex, indexgroup = entries[0]
        broken = (pattern, flags, final, [c + 1000 for c in code], groups, groupindex, indexgroup)
        path.write_bytes(rxcode._MAGIC + marshal.dumps((python, [broken])))
    done = subprocess.run(
        [sys.executable, "-c", LOAD, str(path)], cwd=ROOT, env={"KG_PURE_PYTHON": "1", "PATH": ""},
        capture_output=True, text=True, check=True,
    )
    assert done.stdout.split()[0] == "0"
