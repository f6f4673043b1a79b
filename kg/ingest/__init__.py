"""Ingest: files and folders in, Documents out.

    discover(paths)        -> the files to read (folders recursively, sorted, supported suffixes only)
    read_documents(path)   -> the Documents in one file (a compilation gives several)

Raises kg.errors.InputError naming the file when it cannot be read or decoded.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from pathlib import Path

from kg.errors import EmptyInputError, InputError
from kg.model import Document

SUFFIXES = (".txt", ".md", ".markdown")


def discover(paths: Iterable[str | Path]) -> list[Path]:
    files: list[Path] = []
    given = [Path(p) for p in paths]
    if not given:
        raise EmptyInputError("(no paths)", "nothing to build: give files or folders of documents")
    for path in given:
        if path.is_dir():
            files.extend(p for p in sorted(path.rglob("*")) if p.is_file() and p.suffix.lower() in SUFFIXES)
        elif path.is_file():
            files.append(path)
        else:
            raise InputError(str(path), "no such file or folder")
    if not files:
        names = ", ".join(str(p) for p in given)
        raise EmptyInputError(names, f"no documents found (looked for {', '.join(SUFFIXES)})")
    return files


def read_documents(path: Path) -> list[Document]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(str(path), f"cannot read: {exc.strerror}") from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(str(path), f"cannot decode as UTF-8 at byte {exc.start}") from exc
    title = next((line.strip() for line in text.splitlines() if line.strip()), path.stem)
    return [Document(id=document_id(path), source=str(path), text=text, norm=text, title=title)]


def document_id(path: Path, part: int | None = None) -> str:
    """A stable, IRI-safe identifier: the file stem (slugged) plus a short hash of the stem."""
    stem = re.sub(r"[^\w\-]+", "-", path.stem).strip("-") or "doc"
    digest = hashlib.sha1(path.name.encode("utf-8")).hexdigest()[:6]
    base = f"{stem}-{digest}" if not re.fullmatch(r"[\w\-]+", path.stem) else stem
    return base if part is None else f"{base}-{part:02d}"
