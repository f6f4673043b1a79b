"""A built graph as the exporters read it: one sorted N-Triples file, read in streaming passes.

    GraphFile(path)            a sorted, duplicate-free N-Triples file: what a build leaves (subjects in IRI
                               order, each with its triples sorted; kg.pipeline.extract_to_ntriples)
    GraphFile.of_store(store)  the same, dumped from a pyoxigraph store (`kg export` of any RDF file, tests)
    .lines()                   its lines
    .property_graph()          kg.graphview's nodes and edges, made once for every exporter that needs them

Exporters read the file instead of a store: no exporter loads the graph into an RDF library, and what
several of them need (the property graph) is made once. Terms stay N-Triples bytes (``<iri>``,
``"text"@zh``, ``"5"^^<…#integer>``, ``_:b``) as pyoxigraph writes them (canonical N-Triples: IRIs as
they are, literals with ``\\" \\\\ \\n \\r \\t \\b \\f \\uXXXX`` escapes); ``value`` gives the IRI, lexical
form or blank node label of a term, as pyoxigraph's ``.value`` does.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

if TYPE_CHECKING:
    from kg.graphview import PropertyGraph

Term = bytes


class GraphFile:
    """A sorted, duplicate-free N-Triples file and what exporters derive from it (made once, on first use)."""

    def __init__(self, path: Path, *, workdir: Path | None = None, owned: Path | None = None) -> None:
        self.path = path
        self.workdir = workdir or path.parent
        """where files derived from the graph are written (kg.export.datasets' N-Quads)"""
        self._owned = owned  # a temporary folder this object made and removes on close()
        self._derived: dict[tuple[Any, ...], Any] = {}
        self.previous_turtle: tuple[Path, Path] | None = None
        """(Turtle file, its chunk index) of the previous build, for kg.export.rdf.write_turtle to reuse"""
        self.turtle_index: Path | None = None
        """where kg.export.rdf.write_turtle saves the chunk index of the Turtle it writes"""
        self.previous_jsonld: tuple[Path, Path] | None = None
        """(JSON-LD file, its chunk index) of the previous build, for kg.export.jsonld.write_jsonld to reuse"""
        self.jsonld_index: Path | None = None
        """where kg.export.jsonld.write_jsonld saves the chunk index of the JSON-LD it writes"""
        self.changes: tuple[Sequence[bytes], Sequence[bytes]] | None = None
        """the lines this graph lost and gained since the previous build's (``previous_turtle``'s and
        ``previous_jsonld``'s) graph"""
        self.previous_out: Path | None = None
        """the folder holding the previous build's exports (kg.export.store updates a copy of its store)"""
        self.workers = 1
        """processes an exporter may use for its own work (kg.export.write_all sets it when it writes the
        formats one after the other in this process)"""

    @classmethod
    def of_store(cls, store: ox.Store) -> GraphFile:
        """The default graph of ``store`` as a sorted file in a temporary folder (removed by ``close``)."""
        folder = Path(tempfile.mkdtemp(prefix="kg-graph-"))
        try:
            data = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
            assert data is not None  # no output file given: dump returns the bytes
            path = folder / "graph.nt"
            path.write_bytes(b"".join(sorted(set(data.splitlines(keepends=True)))))
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise
        return cls(path, owned=folder)

    def close(self) -> None:
        self._derived.clear()
        if self._owned is not None:
            shutil.rmtree(self._owned, ignore_errors=True)
            self._owned = None

    def __enter__(self) -> GraphFile:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def lines(self) -> Iterator[bytes]:
        with self.path.open("rb") as fh:
            yield from fh

    def triples(self) -> Iterator[ox.Triple]:
        """The triples as pyoxigraph objects, in the file's order."""
        with self.path.open("rb") as fh:
            yield from ox.parse(fh, format=ox.RdfFormat.N_TRIPLES)  # type: ignore[misc]

    def derived(self, name: str, make: Callable[[GraphFile, Path], Path]) -> Path:
        """The file ``make(self, dest)`` writes into the work folder, made once."""
        key = ("file", name)
        if key not in self._derived:
            dest = self.workdir / f"{self.path.stem}.{name}"
            self._derived[key] = make(self, dest)
        path: Path = self._derived[key]
        return path

    def property_graph(self, *, include_documents: bool = True, max_sentences: int = 20) -> PropertyGraph:
        """kg.graphview's property graph of this file, made on first use and shared by later callers."""
        from kg.graphview import graph_of_lines

        key = ("property_graph", include_documents, max_sentences)
        if key not in self._derived:
            self._derived[key] = graph_of_lines(self, include_documents=include_documents, max_sentences=max_sentences)
        result: PropertyGraph = self._derived[key]
        return result


def split(line: bytes) -> tuple[Term, Term, Term]:
    """The subject, predicate and object terms of one N-Triples line (``s p o .``)."""
    s, p, rest = line.split(b" ", 2)
    return s, p, rest[: rest.rindex(b" .")]


_ESCAPE = re.compile(r"\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))", re.S)
_CHARS = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'", "\\": "\\"}


def _unescape(match: re.Match[str]) -> str:
    code = match[1] or match[2]
    return chr(int(code, 16)) if code else _CHARS.get(match[3], match[3])


def value(term: Term) -> str:
    """An IRI's text, a literal's lexical form, a blank node's label (pyoxigraph's ``.value``)."""
    first = term[:1]
    if first == b"<":
        return term[1:-1].decode("utf-8")
    if first == b'"':
        text = term[1 : term.rindex(b'"')].decode("utf-8")
        return _ESCAPE.sub(_unescape, text) if "\\" in text else text
    return term[2:].decode("utf-8")


def datatype(term: Term) -> str:
    """A literal's datatype IRI ('' for a language-tagged or plain one, '' for IRIs and blank nodes)."""
    if term[:1] != b'"' or not term.endswith(b">"):
        return ""
    return term[term.rindex(b"^^<") + 3 : -1].decode("utf-8")


def language(term: Term) -> str:
    """A literal's language tag, '' when it has none."""
    if term[:1] != b'"':
        return ""
    tail = term[term.rindex(b'"') + 1 :]
    return tail[1:].decode("ascii") if tail.startswith(b"@") else ""


def iri(text: str) -> Term:
    """The N-Triples term of an IRI."""
    return f"<{text}>".encode()
