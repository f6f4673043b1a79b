"""Split a compilation (汇编) into its speeches, using its table of contents.

A table of contents is a line that is exactly a TOC heading (目录, whitespace ignored) followed by entries:
a speaking body on its own line ending in a colon (成都市政协:) and then a title ending in a page number
(强化工作举措… 1), or both on one line (成都市政协：强化工作举措… 1). At least two entries make a
compilation. Each speech's body is found after the table of contents by its title, allowing line breaks,
spaces and quote marks to differ; it runs up to the next speech found, or to the end of the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from kg.ingest import markers
from kg.ingest.lines import Line, split_lines, squeeze

_SPEAKER = re.compile(r"(?P<speaker>[^\s:：]{2,30})\s*[:：]")
_ENTRY = re.compile(
    r"(?:(?P<speaker>[^\s:：]{2,30})\s*[:：]\s*)?(?P<title>\S.*?)(?:\s+|\s*[.…·．_]{2,}\s*)(?P<page>\d{1,4})"
)
_LOOSE = "“”\"‘’'「」『』《》"
_GAP = r"[\s" + re.escape(_LOOSE) + r"]*"
MIN_ENTRIES = 2


@dataclass(frozen=True)
class Entry:
    title: tuple[int, int]
    """Span of the title in the table of contents."""
    speaker: tuple[int, int] | None
    """Span of the speaking body in the table of contents."""


@dataclass(frozen=True)
class Speech:
    entry: Entry
    body: tuple[int, int] | None
    """Span of the speech in the text (from its title on), or None when the text does not hold it."""


@dataclass(frozen=True)
class Compilation:
    toc: tuple[int, int]
    """Span of the table of contents, heading included."""
    front: tuple[int, int]
    """Span of the compilation's own text: header, table of contents and preface."""
    speeches: list[Speech]


def find_compilation(norm: str) -> Compilation | None:
    """The compilation structure of ``norm`` (simplified text), or None when it has no table of contents."""
    headings = markers.structure()["toc_heading"]
    if not _heading_pattern(headings).search(norm):
        return None
    lines = split_lines(norm)
    for line in lines:
        if line.key in headings:
            entries, toc_end = _entries(norm, lines[line.number + 1 :])
            if len(entries) >= MIN_ENTRIES:
                return _split(norm, entries, (line.start, toc_end))
    return None


@cache
def _heading_pattern(headings: tuple[str, ...]) -> re.Pattern[str]:
    """A quick test for a line holding only a TOC heading, before the text is split into lines."""
    words = (r"[^\S\n]*".join(re.escape(c) for c in heading) for heading in headings)
    return re.compile(r"^[^\S\n]*(?:" + "|".join(words) + r")[^\S\n]*$", re.MULTILINE)


def _entries(norm: str, lines: list[Line]) -> tuple[list[Entry], int]:
    entries: list[Entry] = []
    speaker: tuple[int, int] | None = None
    end = lines[0].start if lines else len(norm)
    for line in lines:
        if line.blank:
            continue
        content = norm[line.start : line.end]
        offset = line.start + len(content) - len(content.lstrip())
        stripped = content.strip()
        alone = _SPEAKER.fullmatch(stripped)
        if alone and speaker is None:
            speaker = (offset + alone.start("speaker"), offset + alone.end("speaker"))
            continue
        entry = _ENTRY.fullmatch(stripped)
        if entry is None:
            break
        if entry["speaker"]:
            if speaker is not None:
                break
            speaker = (offset + entry.start("speaker"), offset + entry.end("speaker"))
        entries.append(Entry((offset + entry.start("title"), offset + entry.end("title")), speaker))
        speaker, end = None, line.end
    return entries, end


def _split(norm: str, entries: list[Entry], toc: tuple[int, int]) -> Compilation:
    found: list[tuple[Entry, int | None]] = []
    position = toc[1]
    for entry in entries:
        match = _title_pattern(norm[entry.title[0] : entry.title[1]]).search(norm, position)
        if match is None:
            found.append((entry, None))
        else:
            found.append((entry, match.start()))
            position = match.end()
    starts = sorted(start for _, start in found if start is not None)
    speeches = []
    for entry, start in found:
        if start is None:
            speeches.append(Speech(entry, None))
            continue
        end = next((later for later in starts if later > start), len(norm))
        speeches.append(Speech(entry, (start, _rstrip(norm, start, end))))
    front_end = starts[0] if starts else len(norm)
    return Compilation(toc, (0, _rstrip(norm, 0, front_end)), speeches)


def _title_pattern(title: str) -> re.Pattern[str]:
    characters = [c for c in squeeze(title) if c not in _LOOSE]
    return re.compile(_GAP.join(re.escape(c) for c in characters))


def _rstrip(text: str, start: int, end: int) -> int:
    return start + len(text[start:end].rstrip())
