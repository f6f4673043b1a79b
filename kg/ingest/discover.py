"""Which files a build reads: given files as they are, folders searched recursively for supported suffixes.

Only regular files are read. What cannot be read is named with the reason, never passed over in silence
and never opened: a broken symbolic link, a named pipe (opening one would wait forever), a device or a
socket with a document suffix, a folder that cannot be listed, a given path that does not exist. Symbolic
links to files are followed; links to folders are not (no loops). Folders in ``exclude`` (the build's own
output folder when it lies inside an input folder) are not entered, so a build never reads its exports.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from kg.errors import EmptyInputError
from kg.ingest.chars import display_path
from kg.ingest.readers import SUFFIXES

_KINDS = (
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


@dataclass
class Found:
    """The files to read, in a stable order, and (path, reason) for each thing that cannot be read."""

    files: list[Path] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)

    def skip(self, path: str | Path, reason: str) -> None:
        self.skipped.append((display_path(path), reason))


def discover(paths: Iterable[str | Path], *, exclude: Iterable[Path] = ()) -> Found:
    """The files under ``paths``. Raises EmptyInputError when there is nothing to read at all."""
    given = [Path(p) for p in paths]
    if not given:
        raise EmptyInputError("(no paths)", "nothing to build: give files or folders of documents")
    excluded = {key for path in exclude if (key := _identity(path)) is not None}
    found = Found()
    for path in given:
        kind = _kind(path)
        if kind == "folder":
            _walk(path, excluded, found)
        elif kind == "file":
            found.files.append(path)
        else:
            found.skip(path, kind)
    if not found.files:
        if found.skipped:
            first, reason = found.skipped[0]
            more = len(found.skipped) - 1
            raise EmptyInputError(first, reason + (f" (and {more} more that cannot be read)" if more else ""))
        names = ", ".join(display_path(p) for p in given)
        raise EmptyInputError(names, f"no documents found (looked for {', '.join(SUFFIXES)})")
    return found


def _walk(top: Path, excluded: set[tuple[int, int]], found: Found) -> None:
    files: list[Path] = []

    def unreadable(error: OSError) -> None:
        found.skip(error.filename or top, f"cannot read the folder: {error.strerror or error}")

    for folder, subfolders, names in os.walk(top, onerror=unreadable):
        subfolders[:] = [s for s in subfolders if _identity(Path(folder, s)) not in excluded]
        for name in names:
            path = Path(folder, name)
            if path.suffix.lower() not in SUFFIXES:
                continue
            kind = _kind(path)
            if kind == "file":
                files.append(path)
            elif kind != "folder":  # a link to a folder named like a document is a folder: not read, no error
                found.skip(path, kind)
    found.files.extend(sorted(files, key=lambda p: p.relative_to(top).parts))


def _kind(path: Path) -> str:
    """"file", "folder", or why ``path`` cannot be read."""
    try:
        info = path.stat()
    except FileNotFoundError:
        if path.is_symlink():
            return f"broken symbolic link (to {display_path(os.readlink(path))})"
        return "no such file or folder"
    except OSError as exc:
        return f"cannot read: {exc.strerror or exc}"
    if stat.S_ISDIR(info.st_mode):
        return "folder"
    if stat.S_ISREG(info.st_mode):
        return "file"
    what = next((name for test, name in _KINDS if test(info.st_mode)), "not a regular file")
    return f"{what}, not a regular file: not read"


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        info = path.stat()
    except OSError:
        return None
    return (info.st_dev, info.st_ino)
