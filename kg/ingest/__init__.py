"""Ingest: files and folders in, Documents out.

    discover(paths)        -> Found: the files to read (folders recursively, sorted, supported suffixes
                              only) and what cannot be read (broken links, pipes …) with the reason
    read_documents(path)   -> the Documents in one file (a compilation gives several)
    document_id(path, part) -> the stable id of a file's document (part 0, 1.. for a compilation)
    simplify(text)         -> traditional characters mapped to simplified, same length

Steps for one file (one module each):
    readers/<format>  bytes → text (decode: encoding detection for text files)
    chars             what no export can write replaced, one character for one (form feeds, controls …)
    script            Document.norm: traditional → simplified, character for character
    debris            website debris dropped (debris inside the article blanked, so offsets hold)
    compilation       a 汇编 split into its speeches by its table of contents
    meta              title, date (ISO; yyyy-mm when only the month is given), publication
                      (debris gives the publication and source organisation its header and 来源 lines name)

Document.title is as written; Document.speaker and Document.publication name entities and are given in
simplified characters (identical to the text for simplified-script input). Document.offset is where the
document's text starts in the text the reader produced (for text files: the decoded file, line breaks
normalised to "\\n"), so ``decoded[doc.offset + i] == doc.text[i]`` except where debris was blanked or
kg.ingest.chars replaced a character. Document.source is the file's path as text (kg.ingest.chars.display_path).
A speech listed in a compilation's table of contents but absent from the file has text "" and offset 0.

Raises kg.errors.InputError naming the file when it cannot be read, decoded or holds no text.
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

from kg.errors import InputError
from kg.ingest.chars import display_path, sanitize
from kg.ingest.compilation import Compilation, find_compilation
from kg.ingest.debris import Cleaned, strip_debris
from kg.ingest.discover import Found, discover
from kg.ingest.lines import split_lines
from kg.ingest.meta import dated_publication, describe, title, top_date
from kg.ingest.readers import SUFFIXES, reader_for
from kg.ingest.script import simplify
from kg.model import Document

__all__ = ["SUFFIXES", "Found", "discover", "document_id", "read_documents", "simplify"]

_UNSAFE = re.compile(r"[^0-9A-Za-z_\u3400-\u4dbf\u4e00-\u9fff\-]+")
_SAFE = re.compile(r"[0-9A-Za-z_\u3400-\u4dbf\u4e00-\u9fff\-]+")


def read_documents(path: Path) -> list[Document]:
    """The documents in one file: one, or for a compilation the compilation and one per speech."""
    reader = reader_for(path)
    if reader is None:
        raise InputError(str(path), f"unsupported file type {path.suffix!r} (supported: {', '.join(SUFFIXES)})")
    decoded = sanitize(reader.read(path))
    if not decoded:
        raise InputError(str(path), "the file is empty")
    if not decoded.strip():
        raise InputError(str(path), "the file holds only whitespace")
    cleaned = strip_debris(decoded, simplify(decoded), str(path))
    compilation = find_compilation(cleaned.norm)
    if compilation is None:
        return [_single(path, cleaned)]
    return _compilation(path, cleaned, compilation)


def document_id(path: Path, part: int | None = None) -> str:
    """A stable, IRI-safe identifier: the file stem (ASCII letters, digits, Chinese, '-', '_'), plus a short
    hash of the file name when characters had to be replaced, plus ``-NN`` for a compilation part.
    A name that is not UTF-8 is read as kg.ingest.chars.display_path shows it."""
    name = Path(display_path(path.name))
    stem = _UNSAFE.sub("-", name.stem).strip("-") or "doc"
    if not _SAFE.fullmatch(name.stem):
        stem = f"{stem}-{hashlib.sha1(os.fsencode(path.name)).hexdigest()[:6]}"
    return stem if part is None else f"{stem}-{part:02d}"


def _single(path: Path, cleaned: Cleaned) -> Document:
    heading, publication, date = describe(cleaned.text, cleaned.norm)
    return Document(
        id=document_id(path),
        source=display_path(path),
        text=cleaned.text,
        norm=cleaned.norm,
        title=heading,
        publication=publication or cleaned.publication,
        source_org=cleaned.source_org,
        date=cleaned.date or date,
        offset=cleaned.offset,
        page=cleaned.page,
    )


def _compilation(path: Path, cleaned: Cleaned, compilation: Compilation) -> list[Document]:
    text, norm = cleaned.text, cleaned.norm
    start, end = compilation.front
    front = [line for line in split_lines(norm[:end]) if not line.blank]
    publication, date = dated_publication(norm, front)
    publication = publication or cleaned.publication
    date = cleaned.date or date or top_date(norm, front)
    parent = document_id(path, 0)
    documents = [
        Document(
            id=parent,
            source=display_path(path),
            text=text[start:end],
            norm=norm[start:end],
            title=_compilation_title(text, norm, compilation),
            publication=publication,
            date=date,
            offset=cleaned.offset + start,
        )
    ]
    for number, speech in enumerate(compilation.speeches, start=1):
        body = speech.body or (0, 0)
        speaker = speech.entry.speaker
        documents.append(
            Document(
                id=document_id(path, number),
                source=display_path(path),
                text=text[body[0] : body[1]],
                norm=norm[body[0] : body[1]],
                title=text[speech.entry.title[0] : speech.entry.title[1]].strip(),
                speaker=norm[speaker[0] : speaker[1]] if speaker else None,
                publication=publication,
                date=date,
                offset=cleaned.offset + body[0],
                compilation=parent,
            )
        )
    return documents


def _compilation_title(text: str, norm: str, compilation: Compilation) -> str:
    """The first heading between the table of contents and the first speech, else the first header line."""
    toc_end, front_end = compilation.toc[1], compilation.front[1]
    for line in split_lines(norm[:front_end]):
        if line.start < toc_end or line.blank:
            continue
        if top_date(norm, [line]) or dated_publication(norm, [line]) != (None, None):
            continue
        return text[line.start : line.end].strip()
    return title(text[: compilation.toc[0]])
