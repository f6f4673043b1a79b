"""JSON-LD with a context that maps the vocabulary to short keys.

``context.jsonld`` holds the context alone (for reuse, e.g. as ``"@context": "context.jsonld"`` in your own
documents); ``cppcc.jsonld`` embeds the same context, so it parses offline with no document loader.

The context maps

* every prefix of kg.vocab.PREFIXES (``body:``, ``doc:``, ``cppcc:`` …), so ids read ``body:成都市政协``;
* every ontology class and property to its local name (``CPPCCBody``, ``runsPlatform``, ``text``), object
  properties coerced to ``@id`` so their values are plain strings;
* ``label``, ``altLabel``, ``title``, ``date``, ``isPartOf``, ``wasDerivedFrom``, ``subject``, ``predicate``,
  ``object`` and ``Statement`` to their RDF/SKOS/Dublin Core/PROV terms;
* ``"@language": "zh"``: a plain string value is Chinese text; other literals are value objects
  (``{"@value": "2021-06-02", "@type": "xsd:date"}``, ``{"@value": "corpus/a.txt"}`` for xsd:string).

The node objects are written by hand (pyoxigraph cannot compact to a context, rdflib's serialiser is
slow) as the build's sorted N-Triples are read, one node object a line: subjects in IRI order, properties
in the order of the Turtle, values in a stable order.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterable, Iterator
from functools import lru_cache
from json.encoder import encode_basestring
from pathlib import Path
from typing import Any, BinaryIO

import pyoxigraph as ox

from kg.errors import ExportError
from kg.export import BASENAME, atomic_path
from kg.export.graphfile import GraphFile, datatype, language, value
from kg.export.rdf import Chunk, blocks, read_index, save_index, write_reusing
from kg.graph import ontology_store
from kg.vocab import ONTOLOGY_NS, PREFIXES

CONTEXT_FILE = "context.jsonld"
_RDF, _XSD = PREFIXES["rdf"], PREFIXES["xsd"]
_TYPE = _RDF + "type"
_TYPE_TERM = f"<{_TYPE}>".encode()

# Terms outside the ontology: key -> (prefixed name, is an IRI-valued property)
_EXTRA_TERMS: dict[str, tuple[str, bool]] = {
    "label": ("rdfs:label", False),
    "altLabel": ("skos:altLabel", False),
    "title": ("dcterms:title", False),
    "date": ("dcterms:date", False),
    "isPartOf": ("dcterms:isPartOf", True),
    "wasDerivedFrom": ("prov:wasDerivedFrom", True),
    "subject": ("rdf:subject", True),
    "predicate": ("rdf:predicate", True),
    "object": ("rdf:object", True),
    "Statement": ("rdf:Statement", False),
}


@lru_cache(maxsize=1)
def context() -> dict[str, Any]:
    """The JSON-LD context: prefixes, ontology terms by local name, a few standard terms, @language zh."""
    store = ontology_store()
    owl = PREFIXES["owl"]
    kinds = {"Class": "class", "ObjectProperty": "object", "DatatypeProperty": "data", "AnnotationProperty": "data"}
    terms: dict[str, str] = {}
    for kind, role in kinds.items():
        for q in store.quads_for_pattern(None, ox.NamedNode(_TYPE), ox.NamedNode(owl + kind), None):
            if isinstance(q.subject, ox.NamedNode) and q.subject.value.startswith(ONTOLOGY_NS):
                terms[q.subject.value.removeprefix(ONTOLOGY_NS)] = role
    ctx: dict[str, Any] = {"@language": "zh"}
    ctx.update(PREFIXES)
    for local in sorted(terms):
        if local in ctx:
            raise ExportError(f"ontology term cppcc:{local} clashes with a prefix in the JSON-LD context; rename one")
        ctx[local] = {"@id": f"cppcc:{local}", "@type": "@id"} if terms[local] == "object" else f"cppcc:{local}"
    for key, (name, is_iri) in _EXTRA_TERMS.items():
        ctx[key] = {"@id": name, "@type": "@id"} if is_iri else name
    return ctx


def write_jsonld(graph: GraphFile | ox.Store, out_dir: Path) -> list[Path]:
    """``cppcc.jsonld`` (context embedded) and ``context.jsonld`` (the context alone).

    ``cppcc.jsonld`` is written node by node (one node object a line) as the sorted file is read, in the
    chunks Turtle is written in (kg.export.rdf: runs of whole subjects). With ``GraphFile.jsonld_index`` set,
    the chunks are saved there; a rebuild gives the previous file and its index (``GraphFile.previous_jsonld``)
    and copies the nodes of every chunk whose N-Triples have not changed (a node is made from its subject's
    lines alone), as Turtle does."""
    ctx = context()
    if not isinstance(graph, GraphFile):
        with GraphFile.of_store(graph) as file:
            return write_jsonld(file, out_dir)
    head = json.dumps({"@context": ctx}, ensure_ascii=False, indent=1)
    dest = out_dir / CONTEXT_FILE
    with atomic_path(dest) as tmp:
        tmp.write_text(head + "\n", encoding="utf-8")
    written = [dest]
    dest = out_dir / f"{BASENAME}.jsonld"
    previous = read_index(graph.previous_jsonld[1], _INDEX_MAGIC) if graph.previous_jsonld else None
    with atomic_path(dest) as tmp, tmp.open("wb") as fh:
        writer = _NodeWriter(fh, (head[:-2] + ',\n "@graph": [').encode("utf-8"), ctx)
        if previous is not None and graph.previous_jsonld is not None:
            with graph.previous_jsonld[0].open("rb") as old:
                chunks = write_reusing(graph.path, writer, previous, old, graph.changes)
        else:
            for text in blocks(graph.path):
                writer.serialise(text)
            chunks = writer.chunks
        writer.close()
    if graph.jsonld_index is not None:
        save_index(graph.jsonld_index, _INDEX_MAGIC, chunks)
    written.append(dest)
    return written


_INDEX_MAGIC = b"KGJSONLD1\n"


class _NodeWriter:
    """Writes the JSON-LD chunk after chunk (kg.export.rdf.ChunkWriter): the head once, then each chunk's node
    objects, one a line, and the end of the file on ``close``."""

    def __init__(self, out: BinaryIO, head: bytes, ctx: dict[str, Any]) -> None:
        self.out, self.head = out, head
        self.offset = 0
        self.chunks: list[Chunk] = []
        self.nodes = _Nodes(ctx)

    def serialise(self, text: bytes) -> None:
        body = _SEPARATOR.join(self.nodes.texts(text.splitlines(keepends=True))).encode("utf-8")
        self.reuse(text[: text.find(b" ")], zlib.crc32(text), len(text), body, zlib.crc32(body))

    def reuse(self, first: bytes, crc: int, length: int, body: bytes, body_crc: int) -> None:
        if not self.offset:
            self.out.write(self.head + b"\n  ")
            self.offset = len(self.head) + 3
        else:
            self.out.write(_SEPARATOR_BYTES)
            self.offset += len(_SEPARATOR_BYTES)
        self.out.write(body)
        self.chunks.append((first, crc, length, self.offset, len(body), body_crc))
        self.offset += len(body)

    def close(self) -> None:
        if not self.offset:
            self.out.write(self.head)
        self.out.write(b"\n ]\n}\n")


_SEPARATOR = ",\n  "
_SEPARATOR_BYTES = _SEPARATOR.encode("ascii")


def node_texts(graph: GraphFile, ctx: dict[str, Any]) -> Iterator[str]:
    """One node object per subject as ``json.dumps(node, ensure_ascii=False)`` writes it, in the file's order
    (subjects in IRI order; keys in the order they first occur, values in line order)."""
    return _Nodes(ctx).texts(graph.lines())


class _Nodes:
    """Node objects made from N-Triples lines, with what they look up kept from one call to the next.

    The JSON is put together from strings rather than dumped (json.dumps of a dict per node cost a third of
    the export): the JSON key and value of a line's predicate and object are looked up by the line's text
    after the subject, made when first met (kept for IRIs, blank nodes and typed literals, which recur; up
    to ``_CACHED`` at a time)."""

    def __init__(self, ctx: dict[str, Any]) -> None:
        self.compact = _Compactor(ctx)
        self.keys: dict[bytes, tuple[str, bool]] = {}  # predicate term -> JSON key, whether it is coerced to @id
        self.pairs: dict[bytes, tuple[str, str]] = {}  # "predicate object .\n" -> JSON key and value

    def texts(self, lines: Iterable[bytes]) -> Iterator[str]:
        """The node object of each subject of ``lines`` (whole subjects, sorted)."""
        compact, keys, pairs = self.compact, self.keys, self.pairs
        prefix = b"\0"
        start = 0
        node: dict[str, list[str]] = {}
        node_id = ""
        for line in lines:
            if not line.startswith(prefix):
                if node_id:
                    yield _node_text(node_id, node)
                start = line.index(b" ") + 1
                prefix = line[:start]
                node_id, node = _json(compact.node_id(line[: start - 1])), {}
            rest = line[start:]
            found = pairs.get(rest)
            if found is None:
                p, o = rest.split(b" ", 1)
                o = o[:-3] if o.endswith(b" .\n") else o[: o.rindex(b" .")]
                if p == _TYPE_TERM and o[:1] == b"<":
                    found = ('"@type"', _json(compact.vocab(value(o))))
                else:
                    key = keys.get(p)
                    if key is None:
                        name = compact.vocab(value(p))
                        key = keys[p] = (_json(name), name in compact.coerced)
                    found = (key[0], _json(compact.value(key[1], o)))
                if o[:1] != b'"' or o[-1:] == b">":
                    if len(pairs) >= _CACHED:
                        pairs.clear()
                    pairs[rest] = found
            key_json, item = found
            values = node.get(key_json)
            if values is None:
                node[key_json] = [item]
            else:
                values.append(item)
        if node_id:
            yield _node_text(node_id, node)


_CACHED = 200_000
"""at most this many lines' JSON keys and values are kept (then the look-ups start over)"""


def _json(item: str | dict[str, str]) -> str:
    """``json.dumps(item, ensure_ascii=False)`` of a string or of a dict of strings."""
    if isinstance(item, str):
        return encode_basestring(item)
    return "{" + ", ".join(f"{encode_basestring(k)}: {encode_basestring(v)}" for k, v in item.items()) + "}"


def _node_text(node_id: str, node: dict[str, list[str]]) -> str:
    parts = ['{"@id": ', node_id]
    for key, items in node.items():
        parts += (", ", key, ": ", items[0] if len(items) == 1 else "[" + ", ".join(items) + "]")
    parts.append("}")
    return "".join(parts)


class _Compactor:
    def __init__(self, ctx: dict[str, Any]) -> None:
        self.prefixes = sorted(((iri, p) for p, iri in PREFIXES.items()), key=lambda x: -len(x[0]))
        every_cut = all(iri.endswith(("/", "#")) for iri, _ in self.prefixes)
        self.namespaces = {iri: p for iri, p in reversed(self.prefixes)} if every_cut else {}
        self.terms: dict[str, str] = {}
        self.coerced: set[str] = set()
        self._vocab: dict[str, str] = {}
        self._ids: dict[bytes, str] = {}
        for key, definition in ctx.items():
            if key.startswith("@") or key in PREFIXES:
                continue
            name = definition["@id"] if isinstance(definition, dict) else definition
            self.terms[self.expand(name)] = key
            if isinstance(definition, dict) and definition.get("@type") == "@id":
                self.coerced.add(key)

    @staticmethod
    def expand(name: str) -> str:
        prefix, _, local = name.partition(":")
        return PREFIXES[prefix] + local

    def iri(self, iri: str) -> str:
        """A compact IRI ``prefix:local`` where one fits and reads back the same, else the full IRI (the
        longest namespace that fits: namespaces end in / or #, so only those cuts are looked up)."""
        if not self.namespaces:
            return self._iri_slowly(iri)
        end = len(iri)
        while (cut := max(iri.rfind("/", 0, end), iri.rfind("#", 0, end))) >= 0:
            prefix = self.namespaces.get(iri[: cut + 1])
            local = iri[cut + 1 :]
            if prefix is not None and local and not local.startswith("//"):
                return f"{prefix}:{local}"
            end = cut
        return iri

    def _iri_slowly(self, iri: str) -> str:
        for namespace, prefix in self.prefixes:
            local = iri[len(namespace):]
            if iri.startswith(namespace) and local and not local.startswith("//"):
                return f"{prefix}:{local}"
        return iri

    def vocab(self, iri: str) -> str:
        found = self._vocab.get(iri)
        if found is None:
            found = self._vocab[iri] = self.terms.get(iri) or self.iri(iri)
        return found

    def node_id(self, term: bytes) -> str:
        if term[:1] == b"<":
            found = self._ids.get(term)
            if found is None:
                if len(self._ids) > 100_000:  # entities and documents recur; statements and sentences do not
                    self._ids.clear()
                found = self._ids[term] = self.iri(value(term))
            return found
        if term[:2] == b"_:":
            return term.decode("utf-8")
        raise ExportError(f"RDF-star triple term {term.decode('utf-8', 'replace')} cannot be written as JSON-LD; export Turtle instead")

    def value(self, coerced: bool, term: bytes) -> str | dict[str, str]:
        """The value of ``term`` under a key coerced to @id or not."""
        if term[:1] == b'"':
            lang = language(term)
            if lang == "zh" and not coerced:
                return value(term)
            if lang:
                return {"@value": value(term), "@language": lang}
            kind = datatype(term)
            if not kind or kind == _XSD + "string":
                return {"@value": value(term)}
            return {"@value": value(term), "@type": self.iri(kind)}
        node_id = self.node_id(term)
        return node_id if coerced else {"@id": node_id}
