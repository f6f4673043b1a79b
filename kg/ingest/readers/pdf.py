"""PDF files: the text layer, pages separated by a blank line (pdfminer.six). Scanned pages without a
text layer give no text."""

from __future__ import annotations

from pathlib import Path

from pdfminer.high_level import extract_text
from pdfminer.psexceptions import PSException

from kg.errors import InputError


def read(path: Path) -> str:
    if path.is_dir():
        raise InputError(str(path), "is a folder, not a file")
    try:
        text = extract_text(str(path))
    except PSException as exc:
        raise InputError(str(path), f"cannot read as PDF: {type(exc).__name__}: {exc}") from exc
    except OSError as exc:
        raise InputError(str(path), f"cannot read: {exc.strerror or exc}") from exc
    return text.replace("\r\n", "\n").replace("\f", "\n\n")
