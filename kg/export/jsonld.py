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
slow): subjects in IRI order, properties in the order of the Turtle, values in a stable order.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kg.errors import ExportError
from kg.export import BASENAME, atomic_path
from kg.graph import ontology_store, sorted_triples
from kg.vocab import ONTOLOGY_NS, PREFIXES

CONTEXT_FILE = "context.jsonld"
_RDF, _XSD = PREFIXES["rdf"], PREFIXES["xsd"]
_TYPE = _RDF + "type"
_XSD_STRING = _XSD + "string"

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


def write_jsonld(store: ox.Store, out_dir: Path) -> list[Path]:
    """``cppcc.jsonld`` (context embedded) and ``context.jsonld`` (the context alone)."""
    ctx = context()
    doc = {"@context": ctx, "@graph": node_objects(store, ctx)}
    written = []
    for name, data in ((CONTEXT_FILE, {"@context": ctx}), (f"{BASENAME}.jsonld", doc)):
        dest = out_dir / name
        with atomic_path(dest) as tmp:
            tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        written.append(dest)
    return written


def node_objects(store: ox.Store, ctx: dict[str, Any]) -> list[dict[str, Any]]:
    compact = _Compactor(ctx)
    nodes: list[dict[str, Any]] = []
    current: dict[str, Any] | None = None
    for t in sorted_triples(store):
        node_id = compact.node_id(t.subject)
        if current is None or current["@id"] != node_id:
            current = {"@id": node_id}
            nodes.append(current)
        if t.predicate.value == _TYPE and isinstance(t.object, ox.NamedNode):
            key, value = "@type", compact.vocab(t.object.value)
        else:
            key = compact.vocab(t.predicate.value)
            value = compact.value(key, t.object)
        if key in current:
            if not isinstance(current[key], list):
                current[key] = [current[key]]
            current[key].append(value)
        else:
            current[key] = value
    return nodes


class _Compactor:
    def __init__(self, ctx: dict[str, Any]) -> None:
        self.prefixes = sorted(((iri, p) for p, iri in PREFIXES.items()), key=lambda x: -len(x[0]))
        self.terms: dict[str, str] = {}
        self.coerced: set[str] = set()
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
        """A compact IRI ``prefix:local`` where one fits and reads back the same, else the full IRI."""
        for namespace, prefix in self.prefixes:
            local = iri[len(namespace):]
            if iri.startswith(namespace) and local and not local.startswith("//"):
                return f"{prefix}:{local}"
        return iri

    def vocab(self, iri: str) -> str:
        return self.terms.get(iri) or self.iri(iri)

    def node_id(self, node: ox.NamedNode | ox.BlankNode | ox.Triple) -> str:
        if isinstance(node, ox.NamedNode):
            return self.iri(node.value)
        if isinstance(node, ox.BlankNode):
            return f"_:{node.value}"
        raise ExportError(f"RDF-star triple term {node} cannot be written as JSON-LD; export Turtle instead")

    def value(self, key: str, obj: Any) -> Any:
        if isinstance(obj, ox.Literal):
            if obj.language == "zh" and key not in self.coerced:
                return obj.value
            if obj.language:
                return {"@value": obj.value, "@language": obj.language}
            if obj.datatype.value == _XSD_STRING:
                return {"@value": obj.value}
            return {"@value": obj.value, "@type": self.iri(obj.datatype.value)}
        node_id = self.node_id(obj)
        return node_id if key in self.coerced else {"@id": node_id}
