"""One reader per file format, found by suffix; each is a module with ``read(path) -> str``.

    text  .txt .md .markdown        bytes decoded by kg.ingest.decode
    html  .html .htm .shtml .xhtml  visible text, block elements as line breaks (lxml)
    docx  .docx                     paragraphs and table cells in document order (python-docx)
    pdf   .pdf                      text layer (pdfminer.six)

Reader modules are imported on first use. Every reader raises kg.errors.InputError naming the file.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Protocol, cast

READERS: dict[str, str] = {
    ".txt": "text",
    ".md": "text",
    ".markdown": "text",
    ".html": "html",
    ".htm": "html",
    ".shtml": "html",
    ".xhtml": "html",
    ".docx": "docx",
    ".pdf": "pdf",
}

SUFFIXES: tuple[str, ...] = tuple(READERS)


class Reader(Protocol):
    def read(self, path: Path) -> str: ...


def reader_for(path: Path) -> Reader | None:
    """The reader module for ``path``'s suffix, or None when the format is not supported."""
    name = READERS.get(path.suffix.lower())
    if name is None:
        return None
    return cast(Reader, importlib.import_module(f"{__name__}.{name}"))
