"""SHACL validation of a built graph against ontology/shapes.ttl (pySHACL), with the ontology's subclass
axioms available so that, e.g., a cppcc:County counts as a cppcc:Place."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pyoxigraph as ox

from kg.vocab import ONTOLOGY_FILE, SHAPES_FILE

if TYPE_CHECKING:
    import rdflib


def validate_store(store: ox.Store) -> list[str]:
    """Return one line per violation (empty when the graph conforms)."""
    import rdflib

    data = rdflib.Graph()
    data.parse(data=store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph()), format="nt")
    return validate_graph(data)


def validate_graph(data: rdflib.Graph) -> list[str]:
    import rdflib
    from pyshacl import validate

    shapes = rdflib.Graph().parse(SHAPES_FILE, format="turtle")
    ontology = rdflib.Graph().parse(ONTOLOGY_FILE, format="turtle")
    conforms, results, _ = validate(data, shacl_graph=shapes, ont_graph=ontology, inference="none", allow_warnings=True)
    if conforms:
        return []
    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    lines = []
    for result in results.subjects(rdflib.RDF.type, sh.ValidationResult):
        focus = results.value(result, sh.focusNode)
        path = results.value(result, sh.resultPath)
        message = results.value(result, sh.resultMessage)
        lines.append(f"{focus} {path or ''}: {message}".strip())
    return sorted(lines)
