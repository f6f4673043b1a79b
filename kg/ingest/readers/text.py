"""Plain text and Markdown: the file's bytes, decoded (see kg.ingest.decode)."""

from __future__ import annotations

from pathlib import Path

from kg.errors import InputError
from kg.ingest.decode import decode


def read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except IsADirectoryError as exc:
        raise InputError(str(path), "is a folder, not a file") from exc
    except OSError as exc:
        raise InputError(str(path), f"cannot read: {exc.strerror or exc}") from exc


def read(path: Path) -> str:
    return decode(read_bytes(path), str(path))
