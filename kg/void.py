"""Whole-graph statistics, computed once at build time and stored in the graph as a VoID description.

    <https://w3id.org/cppcc-kg/void/dataset> a void:Dataset ;
        void:triples 685109 ; void:distinctSubjects 98012 ; void:entities 61234 ;
        void:classes 24 ; void:properties 41 ;
        void:classPartition <…/void/class/cppcc-CPPCCBody> , … ;
        void:propertyPartition <…/void/property/cppcc-runsPlatform> , … .
    <…/void/class/cppcc-CPPCCBody> void:class cppcc:CPPCCBody ; void:entities 412 .
    <…/void/property/cppcc-runsPlatform> void:property cppcc:runsPlatform ; void:triples 380 ;
        void:distinctSubjects 201 .

The counts describe the data: the description's own triples are not in them (so ``void:triples`` is the
store's size less the description). ``void:entities`` of the dataset counts the subjects that have a type;
a class partition's ``void:entities`` counts the instances of that class. The counts question
(ontology/queries/counts.rq), `kg stats`, the endpoint's workbench and the network page read these
figures instead of scanning the graph.

The build computes them from its sorted, duplicate-free N-Triples file in one streaming pass (lines sorted
byte-wise keep every subject, and every subject-predicate pair, together, so distinct counts need no set)
and appends the description: its IRIs sort after every other subject the build writes, so the file stays
sorted (were they not last, the file is merged anew). Same graph, same bytes: the description holds no
date or other run-dependent value.

Before counting, the same hook adds what needs every document and is asked often: the first mention of each
platform and mechanism (FIRST_MENTION_CLASSES), the earliest date (by its written form, as ``MIN(STR(?date))``
orders them) of the dated documents that mention it::

    platform:有事来协商 cppcc:firstMentioned "2021-03-04"^^xsd:date .

so that "platforms by first mention" reads one triple per entity instead of joining every mention with its
document's date (ontology/queries/first-mentions.rq: 800 ms at 1M triples as a join, milliseconds this way).
Only these classes: the question filters every firstMentioned triple by year, and at 1M triples the ~34k
entities of all classes take ~100 ms to filter where the ~3k platforms and mechanisms take a few.
These lines are inserted in their sorted place (one streaming rewrite of the file) and are data: the VoID
counts include them. Recomputed on every call (earlier firstMentioned lines are dropped first).
"""

from __future__ import annotations

import bisect
import heapq
import mmap
import os
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import groupby, repeat
from operator import itemgetter
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox

from kg.filecopy import append_range
from kg.sortedlines import lower_bound
from kg.vocab import BASE, PREFIXES

VOID = "http://rdfs.org/ns/void#"
VOID_NS = BASE + "void/"
DATASET = VOID_NS + "dataset"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD_INTEGER = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")
FIRST_MENTIONED = PREFIXES["cppcc"] + "firstMentioned"
FIRST_MENTION_CLASSES = ("Platform", "Mechanism")
"""the classes whose instances get cppcc:firstMentioned"""

_TYPE_BYTES = f"<{RDF_TYPE}>".encode()
_DATE_BYTES = f"<{PREFIXES['dcterms']}date>".encode()
_MENTIONED_BYTES = f"<{PREFIXES['cppcc']}mentionedIn>".encode()
_FIRST_BYTES = f"<{FIRST_MENTIONED}>".encode()
_FIRST_CLASSES = {f"<{PREFIXES['cppcc']}{name}> .\n".encode() for name in FIRST_MENTION_CLASSES}
_FIRST_CLASS_TERMS = {f"<{PREFIXES['cppcc']}{name}>".encode() for name in FIRST_MENTION_CLASSES}
_VOID_SUBJECT = f"<{VOID_NS}".encode()
_SIMPLE_LOCAL = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")


@dataclass(frozen=True)
class Statistics:
    """What the VoID description says: counts of the data, by class and by property (IRIs as keys)."""

    triples: int
    subjects: int
    entities: int
    classes: dict[str, int]
    """instances per class"""
    properties: dict[str, tuple[int, int]]
    """(triples, distinct subjects) per property"""


# ---------------------------------------------------------------------------- counting


@dataclass
class Counts:
    """The counts of ``Statistics`` as sums over subject blocks (N-Triples terms as keys), so that a rebuild
    can take away the blocks that changed and add their new versions (kg.rebuild)."""

    triples: int = 0
    subjects: int = 0
    entities: int = 0
    classes: Counter[bytes] = field(default_factory=Counter)
    properties: Counter[bytes] = field(default_factory=Counter)
    property_subjects: Counter[bytes] = field(default_factory=Counter)

    def add_block(self, block: list[bytes], sign: int = 1) -> None:
        """Count (``sign`` 1) or take away (-1) the sorted lines of one subject."""
        if not block:
            return
        typed = False
        last = b""
        self.triples += sign * len(block)
        self.subjects += sign
        for line in block:
            _, predicate, rest = line.split(b" ", 2)
            self.properties[predicate] += sign
            if predicate != last:
                self.property_subjects[predicate] += sign
                last = predicate
            if predicate == _TYPE_BYTES:
                self.classes[rest.rsplit(b" .", 1)[0].strip()] += sign
                typed = True
        if typed:
            self.entities += sign

    def add_chunk(self, data: bytes, typed: list[tuple[bytes, bytes]]) -> None:
        """Count the sorted N-Triples lines of whole subjects in ``data``, ``typed`` being its type lines'
        (subject, class): the same counts as ``add_block`` on each subject's lines, by C code over the lines'
        subjects and predicates."""
        parts = _line_parts(data)
        self.triples += len(parts)
        self.subjects += sum(1 for _ in groupby(map(itemgetter(0), parts)))
        self.properties.update(map(itemgetter(1), parts))
        self.property_subjects.update(map(itemgetter(1), map(itemgetter(0), groupby(map(itemgetter(0, 1), parts)))))
        self.classes.update(map(itemgetter(1), typed))
        self.entities += sum(1 for _ in groupby(map(itemgetter(0), typed)))

    def add_first_lines(self, added: int) -> None:
        """Count ``added`` cppcc:firstMentioned lines, each of a subject counted already and without one."""
        if added:
            self.triples += added
            self.properties[_FIRST_BYTES] += added
            self.property_subjects[_FIRST_BYTES] += added

    def change_block(self, old: list[bytes], new: list[bytes], removed: Iterable[bytes], added: Iterable[bytes]) -> None:
        """``add_block(new)`` less ``add_block(old)`` (the sorted lines of one subject before and after), counted
        from the lines that differ: ``removed`` (in old only) and ``added`` (in new only)."""
        changes = [(line, -1) for line in removed] + [(line, 1) for line in added]
        if not changes:
            return
        self.triples += sum(sign for _, sign in changes)
        self.subjects += bool(new) - bool(old)
        pairs: set[tuple[bytes, bytes]] = set()
        for line, sign in changes:
            subject, predicate, rest = line.split(b" ", 2)
            self.properties[predicate] += sign
            pairs.add((subject, predicate))
            if predicate == _TYPE_BYTES:
                self.classes[rest.rsplit(b" .", 1)[0].strip()] += sign
        for subject, predicate in pairs:
            prefix = subject + b" " + predicate + b" "
            had, has = _starts(old, prefix), _starts(new, prefix)
            self.property_subjects[predicate] += has - had
            if predicate == _TYPE_BYTES:
                self.entities += has - had

    def merge(self, other: Counts) -> None:
        """Add the counts of ``other``, made over other subjects."""
        self.triples += other.triples
        self.subjects += other.subjects
        self.entities += other.entities
        self.classes.update(other.classes)
        self.properties.update(other.properties)
        self.property_subjects.update(other.property_subjects)

    def statistics(self) -> Statistics:
        return Statistics(
            self.triples,
            self.subjects,
            self.entities,
            {_iri(c): n for c, n in sorted(self.classes.items()) if n and c.startswith(b"<")},
            {_iri(p): (n, self.property_subjects[p]) for p, n in sorted(self.properties.items()) if n},
        )

    def to_data(self) -> tuple[int, int, int, dict[bytes, int], dict[bytes, int], dict[bytes, int]]:
        clean = (lambda c: {k: n for k, n in c.items() if n})  # noqa: E731
        return (self.triples, self.subjects, self.entities, clean(self.classes), clean(self.properties),
                clean(self.property_subjects))  # fmt: skip

    @classmethod
    def from_data(cls, data: tuple[int, int, int, dict[bytes, int], dict[bytes, int], dict[bytes, int]]) -> Counts:
        triples, subjects, entities, classes, properties, property_subjects = data
        return cls(triples, subjects, entities, Counter(classes), Counter(properties), Counter(property_subjects))


def count_ntriples(path: Path) -> Statistics:
    """Counts over a sorted, duplicate-free N-Triples file (what the build writes), in one streaming pass."""
    return _count(path).statistics()


def _count(path: Path) -> Counts:
    triples = subjects = entities = 0
    classes: Counter[bytes] = Counter()
    properties: Counter[bytes] = Counter()
    property_subjects: Counter[bytes] = Counter()
    last_subject = last_pair = b""
    typed = False  # has the current subject a type yet
    with path.open("rb") as fh:
        for line in fh:
            subject, predicate, rest = line.split(b" ", 2)
            triples += 1
            properties[predicate] += 1
            if subject != last_subject:
                subjects += 1
                last_subject = subject
                typed = False
            pair = line[: len(subject) + len(predicate) + 2]
            if pair != last_pair:
                property_subjects[predicate] += 1
                last_pair = pair
            if predicate == _TYPE_BYTES:
                classes[rest.rsplit(b" .", 1)[0].strip()] += 1
                if not typed:
                    entities += 1
                    typed = True
    return Counts(triples, subjects, entities, classes, properties, property_subjects)


def count_store(store: ox.Store) -> Statistics:
    """The same counts by scanning a store's default graph (for graphs built without a description)."""
    from kg.graph import select

    def rows(query: str) -> list[list[str]]:
        return select(store, query)

    void_filter = f"FILTER(!STRSTARTS(STR(?s), '{VOID_NS}'))"
    classes = {c: int(n) for c, n in rows(f"SELECT ?c (COUNT(?s) AS ?n) WHERE {{ ?s a ?c {void_filter} FILTER(isIRI(?c)) }} GROUP BY ?c")}
    properties = {
        p: (int(n), int(d))
        for p, n, d in rows(f"SELECT ?p (COUNT(*) AS ?n) (COUNT(DISTINCT ?s) AS ?d) WHERE {{ ?s ?p ?o {void_filter} }} GROUP BY ?p")
    }
    subjects = int(rows(f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s ?p ?o {void_filter} }}")[0][0])
    entities = int(rows(f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s a ?c {void_filter} }}")[0][0])
    return Statistics(sum(n for n, _ in properties.values()), subjects, entities, classes, properties)


def _iri(term: bytes) -> str:
    text = term.decode("utf-8")
    return text[1:-1] if text.startswith("<") else text


# ---------------------------------------------------------------------------- the description


def partition_iri(kind: str, iri: str) -> str:
    """A stable IRI for the partition of one class or property: ``…/void/class/cppcc-CPPCCBody``."""
    from kg.vocab import digest

    for prefix, namespace in sorted(PREFIXES.items(), key=lambda item: -len(item[1])):
        local = iri[len(namespace):]
        if iri.startswith(namespace) and _SIMPLE_LOCAL.fullmatch(local):
            return f"{VOID_NS}{kind}/{prefix}-{local}"
    return f"{VOID_NS}{kind}/{digest(iri)}"


def description(stats: Statistics) -> list[ox.Triple]:
    """The VoID triples for ``stats``."""
    N = ox.NamedNode
    dataset = N(DATASET)

    def number(value: int) -> ox.Literal:
        return ox.Literal(str(value), datatype=XSD_INTEGER)

    def void(local: str) -> ox.NamedNode:
        return N(VOID + local)

    out = [
        ox.Triple(dataset, N(RDF_TYPE), void("Dataset")),
        ox.Triple(dataset, void("triples"), number(stats.triples)),
        ox.Triple(dataset, void("distinctSubjects"), number(stats.subjects)),
        ox.Triple(dataset, void("entities"), number(stats.entities)),
        ox.Triple(dataset, void("classes"), number(len(stats.classes))),
        ox.Triple(dataset, void("properties"), number(len(stats.properties))),
    ]
    for cls, n in stats.classes.items():
        part = N(partition_iri("class", cls))
        out += [ox.Triple(dataset, void("classPartition"), part), ox.Triple(part, void("class"), N(cls)),
                ox.Triple(part, void("entities"), number(n))]  # fmt: skip
    for prop, (n, subjects) in stats.properties.items():
        part = N(partition_iri("property", prop))
        out += [ox.Triple(dataset, void("propertyPartition"), part), ox.Triple(part, void("property"), N(prop)),
                ox.Triple(part, void("triples"), number(n)), ox.Triple(part, void("distinctSubjects"), number(subjects))]  # fmt: skip
    return out


def add_description(path: Path) -> int:
    """Add first mentions to the sorted N-Triples file at ``path``, count it and add its VoID description,
    keeping the file sorted; return the number of lines added (``describe`` also returns what a rebuild needs;
    a build calls that)."""
    return describe(path).added


@dataclass
class Description:
    """What ``describe`` added to a graph file, and what a rebuild needs to update it (kg.rebuild)."""

    added: int
    counts: Counts
    firsts: dict[bytes, bytes]
    """subject -> its cppcc:firstMentioned line"""
    dates: dict[bytes, tuple[str, bytes]]
    """document_dates of the file"""
    lines: list[bytes]
    """the VoID description's lines, sorted"""


def describe(path: Path, workers: int = 1) -> Description:
    """``add_description``, returning what it added and counted (``workers``: see add_first_mentions)."""
    firsts: dict[bytes, bytes] = {}
    dates = document_dates(path)
    counts = Counts()
    added = add_first_mentions(path, dates=dates, firsts=firsts, counts=counts, workers=workers)  # counted as written
    lines = description_lines(counts)
    if _last_line(path) < lines[0]:
        with path.open("ab") as fh:
            fh.writelines(lines)
    else:
        merged = path.with_name(path.name + ".void")
        with path.open("rb") as source, merged.open("wb") as out:
            out.writelines(heapq.merge(source, lines))
        os.replace(merged, path)
    return Description(added + len(lines), counts, firsts, dates, lines)


def description_lines(counts: Counts) -> list[bytes]:
    """The VoID description of ``counts`` as sorted N-Triples lines."""
    from kg.graph import to_ntriples

    return sorted(set(to_ntriples(description(counts.statistics())).splitlines(keepends=True)))


# ---------------------------------------------------------------------------- first mentions


def document_dates(path: Path) -> dict[bytes, tuple[str, bytes]]:
    """Each dated document of a N-Triples file: subject -> (the date's written form, the literal as written);
    the earliest when a document has several."""
    dates: dict[bytes, tuple[str, bytes]] = {}
    for line in _lines_holding(path, _DATE_BYTES):
        _add_date(dates, line)
    return dates


def _lines_holding(path: Path, needle: bytes, chunk: int = 1 << 22) -> Iterator[bytes]:
    """The lines of the file at ``path`` that hold ``needle`` (with their newline), in order: the file is
    read in chunks of about ``chunk`` bytes and searched in C, line by line only around each hit."""
    with path.open("rb") as fh:
        tail = b""
        while True:
            data = fh.read(chunk)
            if not data:
                break
            data = tail + data
            cut = data.rfind(b"\n") + 1  # whole lines only; the rest waits for the next chunk
            data, tail = data[:cut], data[cut:]
            at = data.find(needle)
            while at >= 0:
                start = data.rfind(b"\n", 0, at) + 1
                end = data.find(b"\n", at) + 1
                yield data[start:end]
                at = data.find(needle, end)
        if tail:
            at = tail.find(needle)
            if at >= 0:
                yield tail


def _add_date(dates: dict[bytes, tuple[str, bytes]], line: bytes) -> None:
    subject, predicate, rest = line.split(b" ", 2)
    if predicate != _DATE_BYTES:
        return
    literal = rest.rsplit(b" .", 1)[0].strip()
    (triple,) = ox.parse(input=line, format=ox.RdfFormat.N_TRIPLES)
    found = (triple.object.value, literal)
    if subject not in dates or found < dates[subject]:
        dates[subject] = found


def block_date(block: list[bytes]) -> tuple[str, bytes] | None:
    """The date ``document_dates`` gives the subject of ``block`` (its sorted lines), None when undated."""
    found: dict[bytes, tuple[str, bytes]] = {}
    for line in block:
        if _DATE_BYTES in line:
            _add_date(found, line)
    return next(iter(found.values()), None)


def first_mention(subject: bytes, block: list[bytes], dates: dict[bytes, tuple[str, bytes]]) -> bytes | None:
    """The cppcc:firstMentioned line of ``subject`` given its sorted lines (none of them firstMentioned ones)
    and the dates of documents, or None when it gets none (see ``add_first_mentions``)."""
    head = subject + b" "
    if not any(_holds(block, head + _TYPE_BYTES + b" " + cls) for cls in _FIRST_CLASSES):
        return None
    prefix = head + _MENTIONED_BYTES + b" "
    first: tuple[str, bytes] | None = None
    for index in range(bisect.bisect_left(block, prefix), len(block)):
        line = block[index]
        if not line.startswith(prefix):
            break
        date = dates.get(line[len(prefix):].rsplit(b" .", 1)[0].strip())
        if date is not None and (first is None or date < first):
            first = date
    if first is None:
        return None
    return head + _FIRST_BYTES + b" " + first[1] + b" .\n"


def _holds(block: list[bytes], line: bytes) -> bool:
    """Is ``line`` in the sorted ``block``?"""
    index = bisect.bisect_left(block, line)
    return index < len(block) and block[index] == line


def _starts(block: list[bytes], prefix: bytes) -> bool:
    """Does a line of the sorted ``block`` start with ``prefix``?"""
    index = bisect.bisect_left(block, prefix)
    return index < len(block) and block[index].startswith(prefix)


def is_derived(line: bytes) -> bool:
    """Is ``line`` one that ``describe`` makes (a first mention, or part of the VoID description)?"""
    return line.startswith(_VOID_SUBJECT) or line.split(b" ", 2)[1] == _FIRST_BYTES


def add_first_mentions(
    path: Path,
    *,
    dates: dict[bytes, tuple[str, bytes]] | None = None,
    firsts: dict[bytes, bytes] | None = None,
    counts: Counts | None = None,
    workers: int = 1,
) -> int:
    """Give every platform and mechanism mentioned in a dated document its ``cppcc:firstMentioned`` (see the
    module docstring), in sorted place in the sorted N-Triples file at ``path``; return the number of lines added
    (each also put in ``firsts`` under its subject, when given). ``dates``: the file's document_dates, when known;
    ``counts``: given, the file as it is afterwards is counted into it (what ``_count`` would give, in the
    same pass). With ``workers`` > 1 and a file of PARALLEL_FROM_BYTES or more, that many forked processes
    each take a run of whole subjects, and their parts are put together in order (the same file and counts)."""
    if dates is None:
        dates = document_dates(path)
    merged = path.with_name(path.name + ".first")
    ranges = _subject_ranges(path, workers) if workers > 1 and hasattr(os, "fork") else [(0, path.stat().st_size)]
    if len(ranges) > 1:
        import multiprocessing

        from kg.workers import ordered_map

        # the first part is written where the whole goes, the others beside it and then appended (in the kernel)
        outs = [merged] + [merged.with_name(f"{merged.name}.{i}") for i in range(1, len(ranges))]
        jobs = [(path, start, end, out, dates) for (start, end), out in zip(ranges, outs)]
        try:
            parts = list(ordered_map(_first_mentions_part, jobs, workers=len(jobs), context=multiprocessing.get_context("fork"), depth=1))
            with merged.open("r+b") as out:  # not "ab": copy_file_range refuses a file opened to append
                out.seek(0, os.SEEK_END)
                in_kernel = True
                for part in outs[1:]:
                    with part.open("rb") as fh:
                        in_kernel = append_range(fh.fileno(), out.fileno(), 0, os.fstat(fh.fileno()).st_size, in_kernel)
        except BaseException:
            merged.unlink(missing_ok=True)
            raise
        finally:
            for part in outs[1:]:
                part.unlink(missing_ok=True)
    else:
        parts = [_first_mentions_part((path, 0, ranges[0][1], merged, dates))]
    added = sum(part[0] for part in parts)
    had_any = any(part[1] for part in parts)
    for _, _, found, data in parts:
        if firsts is not None:
            firsts.update(found)
        if counts is not None:
            counts.merge(Counts.from_data(data))
    if added or had_any:
        os.replace(merged, path)
    else:
        merged.unlink()
    return added


PARALLEL_FROM_BYTES = 4_000_000
"""A graph file from this size gets its first mentions and counts from several processes (add_first_mentions)."""


def _subject_ranges(path: Path, parts: int) -> list[tuple[int, int]]:
    """About ``parts`` byte ranges of the sorted file at ``path`` that cover it, each a run of whole subjects;
    one range below PARALLEL_FROM_BYTES."""
    size = path.stat().st_size
    if size < PARALLEL_FROM_BYTES or parts <= 1:
        return [(0, size)]
    cuts = [0]
    with path.open("rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as data:
        for i in range(1, parts):
            line = data.rfind(b"\n", 0, size * i // parts) + 1
            if line <= cuts[-1]:
                continue
            subject = data[line : data.find(b" ", line)]
            cut = lower_bound(data, subject + b" \xff", line, size)  # after the last line of that subject
            if cuts[-1] < cut < size:
                cuts.append(cut)
    cuts.append(size)
    return list(zip(cuts, cuts[1:]))


def _first_mentions_part(
    job: tuple[Path, int, int, Path, dict[bytes, tuple[str, bytes]]],
) -> tuple[int, bool, dict[bytes, bytes], tuple[int, int, int, dict[bytes, int], dict[bytes, int], dict[bytes, int]]]:
    """add_first_mentions on the bytes ``start``..``end`` of ``path`` (whole subjects), written to ``out_path``:
    (lines added, were there first mentions before, the first-mention lines by subject, the counts).

    The bytes are taken in chunks of whole subjects. A chunk's subjects and predicates come from one regex
    pass and are counted by C code (groupby, Counter.update); its type lines are found by searching the bytes,
    and only the lines of the few subjects that get a first mention are split one by one. The chunk is
    written in slices around the lines added. (1.2x faster than a Python loop over the lines, on the 825,000
    lines of the 5 MB benchmark corpus's graph.)"""
    path, start, end, out_path, dates = job
    had_any = False
    added = 0
    firsts: dict[bytes, bytes] = {}
    counts = Counts()
    with path.open("rb") as source, out_path.open("wb") as out:
        for data in _subject_chunks(source, start, end, CHUNK_BYTES):
            if _FIRST_NEEDLE in data:  # an earlier call's first mentions: recomputed here
                kept = [line for line in data.splitlines(keepends=True) if line.split(b" ", 2)[1] != _FIRST_BYTES]
                had_any = had_any or len(kept) < data.count(b"\n")
                data = b"".join(kept)
            typed = _type_lines(data)
            at = 0
            view = memoryview(data)
            firsts_here = _chunk_firsts(data, typed, dates)
            for offset, line in firsts_here:
                out.write(view[at:offset])
                out.write(line)
                firsts[line[: line.index(b" ")]] = line
                at = offset
                added += 1
            out.write(view[at:])
            view.release()
            counts.add_chunk(data, typed)
            counts.add_first_lines(len(firsts_here))
    return added, had_any, firsts, counts.to_data()


CHUNK_BYTES = 1 << 22
"""About how much of the graph file describe takes at a time (whole subjects: more for a larger subject)"""
_FIRST_NEEDLE = b" " + _FIRST_BYTES + b" "
_TYPE_NEEDLE = b" " + _TYPE_BYTES + b" "


def _line_parts(data: bytes) -> list[tuple[bytes, bytes, bytes]]:
    """(subject, predicate, the rest) of each N-Triples line of ``data`` (whole lines), in order, by C code:
    the lines split at their first two spaces, where a regex findall stepping a line at a time took 0.92
    against 0.74 CPU-s over the 5 MB corpus's graph. ValueError for a line without a subject, a predicate
    and something after them, as with the regex (which let a line starting with a space pass as one starting
    after it)."""
    lines = data.split(b"\n")
    try:
        if lines.pop():
            raise IndexError  # text after the last line break
        parts = list(map(itemgetter(0, 1, 2), map(bytes.split, lines, repeat(b" "), repeat(2))))
        if parts and not (min(map(len, map(itemgetter(0), parts))) and min(map(len, map(itemgetter(1), parts)))):
            raise IndexError  # an empty subject or predicate: a line starting with a space, or two in a row
    except IndexError:
        raise ValueError("a N-Triples line without subject and predicate in the graph file") from None
    return parts


def _subject_chunks(source: BinaryIO, start: int, end: int, size: int = 1 << 22) -> Iterator[bytes]:
    """The bytes ``start``..``end`` of the sorted N-Triples file ``source`` (whole subjects, whole lines) in
    chunks of about ``size`` bytes, each holding whole subjects (a subject's lines are never split)."""
    source.seek(start)
    remaining = end - start
    carry = b""
    while remaining > 0:
        block = source.read(min(size, remaining))
        if not block:
            break
        remaining -= len(block)
        data = carry + block
        if remaining <= 0:
            carry = data
            break
        whole = data.rfind(b"\n") + 1
        last = data.rfind(b"\n", 0, whole - 1) + 1  # the last whole line
        if whole == 0 or last == 0:
            carry = data
            continue
        cut = lower_bound(data, data[last : data.index(b" ", last)] + b" ", 0, last)  # where its subject starts
        if cut == 0:  # one subject so far: read on
            carry = data
            continue
        yield data[:cut]
        carry = data[cut:]
    if carry:
        yield carry


def _type_lines(data: bytes) -> list[tuple[bytes, bytes]]:
    """(subject, class term) of each rdf:type line of ``data`` (whole N-Triples lines), in order. A subject
    holds no space, so the type predicate found right after a line's first space is that line's predicate."""
    found: list[tuple[bytes, bytes]] = []
    at = data.find(_TYPE_NEEDLE)
    while at >= 0:
        start = data.rfind(b"\n", 0, at) + 1
        end = data.index(b"\n", at)
        if data.find(b" ", start, at) < 0:
            found.append((data[start:at], data[at + len(_TYPE_NEEDLE) : end].rsplit(b" .", 1)[0].strip()))
        at = data.find(_TYPE_NEEDLE, end)
    return found


def _chunk_firsts(data: bytes, typed: list[tuple[bytes, bytes]], dates: dict[bytes, tuple[str, bytes]]) -> list[tuple[int, bytes]]:
    """The first-mention lines of the subjects of ``data`` (whole subjects' sorted lines; ``typed``: its type
    lines), each with the offset in ``data`` it goes before."""
    found: list[tuple[int, bytes]] = []
    seen = b""
    for subject, cls in typed:
        if cls not in _FIRST_CLASS_TERMS or subject == seen:
            continue
        seen = subject
        prefix = subject + b" " + _MENTIONED_BYTES + b" "
        first: tuple[str, bytes] | None = None
        at = lower_bound(data, prefix, 0, len(data))
        while data.startswith(prefix, at):
            end = data.index(b"\n", at)
            date = dates.get(data[at + len(prefix) : end].rsplit(b" .", 1)[0].strip())
            if date is not None and (first is None or date < first):
                first = date
            at = end + 1
        if first is not None:
            line = subject + b" " + _FIRST_BYTES + b" " + first[1] + b" .\n"
            found.append((lower_bound(data, line, 0, len(data)), line))
    return found


def _last_line(path: Path) -> bytes:
    """The last line of a file, read from its end."""
    with path.open("rb") as fh:
        fh.seek(0, os.SEEK_END)
        size = fh.tell()
        block = 4096
        while True:
            start = max(0, size - block)
            fh.seek(start)
            data = fh.read(size - start)
            cut = data.rstrip(b"\n").rfind(b"\n")
            if cut >= 0 or start == 0:
                return data[cut + 1:]
            block *= 2


# ---------------------------------------------------------------------------- reading


def read(store: ox.Store) -> Statistics | None:
    """The statistics the graph's VoID description gives, or None when it has none."""
    from kg.graph import select

    head = select(store, f"""SELECT ?t ?s ?e WHERE {{ <{DATASET}> void:triples ?t ; void:distinctSubjects ?s ;
                                                     void:entities ?e }}""")
    if not head:
        return None
    triples, subjects, entities = (int(v) for v in head[0])
    classes = {c: int(n) for c, n in select(store, f"""SELECT ?c ?n WHERE {{
        <{DATASET}> void:classPartition ?part . ?part void:class ?c ; void:entities ?n }}""")}
    properties = {p: (int(n), int(d)) for p, n, d in select(store, f"""SELECT ?p ?n ?d WHERE {{
        <{DATASET}> void:propertyPartition ?part . ?part void:property ?p ; void:triples ?n ; void:distinctSubjects ?d }}""")}
    return Statistics(triples, subjects, entities, classes, properties)
