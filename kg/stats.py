"""Counts over a built graph file, computed with SPARQL on pyoxigraph."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from kg.errors import InputError
from kg.graph import select
from kg.model import ENTITY_TYPES
from kg.vocab import ONTOLOGY_NS


@dataclass(frozen=True)
class GraphStats:
    overview: list[tuple[str, int]]
    entities: list[tuple[str, int]]
    relations: list[tuple[str, int]]


def load(path: Path) -> ox.Store:
    """An in-memory store with the RDF file at ``path`` (format from its suffix)."""
    return load_into(ox.Store(), path)


def load_into(store: ox.Store, path: Path) -> ox.Store:
    """Bulk-load the RDF file at ``path`` (format from its suffix) into ``store`` (in memory or on disk)."""
    if not path.is_file():
        raise InputError(str(path), "no such graph file; run `kg build` first or pass --graph")
    try:
        store.bulk_load(path=str(path), format=ox.RdfFormat.from_extension(path.suffix.lstrip(".")) or ox.RdfFormat.TURTLE)
    except (SyntaxError, ValueError, OSError) as exc:
        raise InputError(str(path), f"cannot parse RDF: {exc}") from exc
    return store


def graph_stats(path: Path) -> GraphStats:
    store = load(path)

    def count(query: str) -> dict[str, int]:
        return {name: int(n) for name, n in select(store, query)}

    types = count("SELECT ?t (COUNT(?s) AS ?n) WHERE { ?s a ?t } GROUP BY ?t")
    relations = count(
        f"SELECT ?p (COUNT(*) AS ?n) WHERE {{ ?s ?p ?o . FILTER(isIRI(?o) && STRSTARTS(STR(?p), '{ONTOLOGY_NS}')) }} GROUP BY ?p"
    )
    overview = [
        ("triples", len(store)),
        ("documents", types.get(ONTOLOGY_NS + "Document", 0) + types.get(ONTOLOGY_NS + "Compilation", 0)),
        ("entities", sum(types.get(ONTOLOGY_NS + t, 0) for t in ENTITY_TYPES)),
        ("evidence sentences", types.get(ONTOLOGY_NS + "Sentence", 0)),
    ]
    entities = [(t, types.get(ONTOLOGY_NS + t, 0)) for t in ENTITY_TYPES]
    skip = {"mentionedIn", "mentionedInSentence", "evidence", "speaker", "publishedIn"}
    rels = sorted(
        (p.removeprefix(ONTOLOGY_NS), n) for p, n in relations.items() if p.removeprefix(ONTOLOGY_NS) not in skip
    )
    return GraphStats(overview, entities, rels)
