"""Word .docx files: paragraphs and table cells in document order, one line each (python-docx)."""

from __future__ import annotations

import zipfile
from pathlib import Path

import docx
import docx.opc.exceptions
import lxml.etree
from docx.table import Table

from kg.errors import InputError


def read(path: Path) -> str:
    if path.is_dir():
        raise InputError(str(path), "is a folder, not a file")
    try:
        document = docx.Document(str(path))
        lines: list[str] = []
        for block in document.iter_inner_content():
            if isinstance(block, Table):
                lines.extend(cell.text for row in block.rows for cell in row.cells)
            else:
                lines.append(block.text)
    except docx.opc.exceptions.PackageNotFoundError as exc:
        raise InputError(str(path), "cannot open as a Word .docx file (not a .docx package)") from exc
    except (zipfile.BadZipFile, KeyError, lxml.etree.XMLSyntaxError) as exc:
        raise InputError(str(path), f"damaged .docx file: {exc}") from exc
    except OSError as exc:
        raise InputError(str(path), f"cannot read: {exc.strerror or exc}") from exc
    return "\n".join(line.replace("\r", "\n") for line in lines) + "\n"
