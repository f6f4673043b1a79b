"""HTML pages: the visible text of <body>, one line per block element.

Scripts, styles, forms and other invisible content are removed; whitespace inside a block collapses to
one space as a browser shows it. The encoding is the one the page declares (<meta charset>) when the
bytes decode with it, otherwise detected as for text files.
"""

from __future__ import annotations

import re
from pathlib import Path

import lxml.etree
import lxml.html

from kg.errors import InputError
from kg.ingest.decode import decode
from kg.ingest.readers.text import read_bytes

_DECLARED = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.IGNORECASE)
_INVISIBLE = ("script", "style", "noscript", "template", "head", "iframe", "object", "svg", "select", "button")
_BLOCKS = frozenset(
    "address article aside blockquote body center dd details dialog div dl dt fieldset figcaption figure "
    "footer form h1 h2 h3 h4 h5 h6 header hr li main nav ol p pre section summary table tbody thead tfoot "
    "tr td th ul caption title".split()
)
_SPACE = re.compile(r"[ \t\n\r\f\v]+")
_BLANK_LINES = re.compile(r"\n{3,}")


def read(path: Path) -> str:
    raw = read_bytes(path)
    declared = _DECLARED.search(raw[:4096])
    text = decode(raw, str(path), declared.group(1).decode("ascii") if declared else None)
    return extract_text(text, str(path))


def extract_text(markup: str, source: str) -> str:
    """The visible text of an HTML document given as a string."""
    if not markup.strip():
        raise InputError(source, "the file is empty")
    parser = lxml.html.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True)
    try:
        root = lxml.html.document_fromstring(markup.encode("utf-8"), parser=parser)
    except (lxml.etree.ParserError, ValueError) as exc:
        raise InputError(source, f"cannot parse as HTML: {exc}") from exc
    lxml.etree.strip_elements(root, *_INVISIBLE, with_tail=False)
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        tag = element.tag.lower()
        if tag == "pre":
            continue
        if element.text:
            element.text = _SPACE.sub(" ", element.text)
        if element.tail:
            element.tail = _SPACE.sub(" ", element.tail)
        if tag == "br":
            element.tail = "\n" + (element.tail or "")
        elif tag in _BLOCKS:
            element.text = "\n" + (element.text or "")
            element.tail = "\n" + (element.tail or "")
    body = root.find("body")
    text = lxml.etree.tostring(body if body is not None else root, method="text", encoding="unicode")
    lines = [line.strip(" ") for line in text.split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip("\n") + "\n"
