"""Very long documents extracted in bounded windows, so extraction time grows linearly with length.

Several extraction steps compare every mention with every other one in the document (context for short
names, longer names that end with a shorter one …): harmless for an article of a few thousand
characters, quadratic for a document of megabytes (1 MB took minutes, 50 MB never finished). A document
longer than ``WINDOW`` characters is therefore cut into windows of at most ``WINDOW`` characters, at
paragraph breaks where possible (else at a line break, else after a sentence end, else anywhere); each
window is extracted as a document of its own and the results are put back together with the whole
document's offsets and sentence numbers:

    sentences   a window's sentences follow the previous windows' (cut points are sentence boundaries
                unless a stretch of ``WINDOW`` characters holds none)
    entities    merged by (type, name): aliases joined, mentions in document order, first attrs kept
    relations   each with its sentence renumbered

What a window loses is context from other windows (a short name resolved from a full name given in an
earlier window, a date given in an earlier window). Real articles and reports are far shorter than a
window and are extracted whole.

A build does not merge here: it sends each window (``windows``) to a worker as a job of its own, numbers
its sentences after the previous windows' (``renumbered``) and makes its triples with the whole document's
offsets (kg.graph.document_triples ``offset``), so one very long document keeps every core busy; the
graph is the same as that of ``extract_in_windows``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace

from kg.model import Document, Entity, Extraction, Mention, Relation, Sentence
from kg.nlp import split_sentences

WINDOW = 20_000
"""Characters per window; documents up to this length are extracted whole."""

_SENTENCE_ENDS = "。！？；!?;"


@dataclass(frozen=True)
class Window:
    """One window of a long document, as a document of its own (its text; the whole one's id and metadata)."""

    doc: Document
    start: int
    """Where the window starts in the whole document's text."""
    sentence_base: int
    """How many sentences of the whole document come before the window."""


def windows(doc: Document, size: int = WINDOW) -> list[Window]:
    """``doc`` cut into windows of at most ``size`` characters (one window when it is not longer)."""
    found: list[Window] = []
    base = 0
    for start, end in cut_points(doc.norm, size):
        window = replace(doc, text=doc.text[start:end], norm=doc.norm[start:end], offset=doc.offset + start)
        found.append(Window(window, start, base))
        base += len(split_sentences(window.norm))
    return found


def renumbered(part: Extraction, base: int) -> Extraction:
    """A window's extraction with its sentences numbered after the ``base`` sentences before it (offsets
    stay the window's own)."""
    if base == 0:
        return part
    sentences = [replace(s, index=s.index + base) for s in part.sentences]
    entities = [
        Entity(e.type, e.name, set(e.aliases), [replace(m, sentence=m.sentence + base) for m in e.mentions], dict(e.attrs))
        for e in part.entities
    ]
    relations = [replace(r, sentence=r.sentence + base) if r.sentence >= 0 else r for r in part.relations]
    return Extraction(part.document, sentences, entities, relations)


def cut_points(text: str, size: int = WINDOW) -> list[tuple[int, int]]:
    """(start, end) of consecutive windows of at most ``size`` characters covering ``text``."""
    spans: list[tuple[int, int]] = []
    start = 0
    while len(text) - start > size:
        end = _cut(text, start, start + size)
        spans.append((start, end))
        start = end
    spans.append((start, len(text)))
    return spans


def _cut(text: str, start: int, limit: int) -> int:
    """The end of the window starting at ``start``: the last good break before ``limit``, in its second half."""
    floor = start + (limit - start) // 2
    for mark in ("\n\n", "\n"):
        at = text.rfind(mark, floor, limit)
        if at >= 0:
            return at + len(mark)
    at = max(text.rfind(end, floor, limit) for end in _SENTENCE_ENDS)
    return at + 1 if at >= 0 else limit


def extract_in_windows(
    doc: Document, extract: Callable[[Document], Extraction], size: int = WINDOW
) -> Extraction:
    """``extract`` run on each window of ``doc``, the results merged as if ``doc`` had been extracted whole."""
    sentences: list[Sentence] = []
    entities: dict[tuple[str, str], Entity] = {}
    relations: list[Relation] = []
    for window in windows(doc, size):
        part = extract(window.doc)
        start, base = window.start, len(sentences)
        sentences.extend(
            Sentence(base + s.index, start + s.start, start + s.end, s.text) for s in part.sentences
        )
        for entity in part.entities:
            merged = entities.setdefault(entity.key, Entity(entity.type, entity.name))
            merged.aliases.update(entity.aliases)
            merged.mentions.extend(_shifted(entity.mentions, start, base))
            for name, value in entity.attrs.items():
                merged.attrs.setdefault(name, value)
        relations.extend(
            replace(r, sentence=r.sentence + base) if r.sentence >= 0 else r for r in part.relations
        )
    return Extraction(doc, sentences, list(entities.values()), _unique(relations))


def _shifted(mentions: list[Mention], start: int, base: int) -> Iterator[Mention]:
    for m in mentions:
        yield Mention(m.start + start, m.end + start, m.text, m.sentence + base)


def _unique(relations: list[Relation]) -> list[Relation]:
    """Relations in order, those from reference data (sentence -1) once although every window gives them."""
    seen: set[Relation] = set()
    out: list[Relation] = []
    for relation in relations:
        if relation not in seen:
            seen.add(relation)
            out.append(relation)
    return out
