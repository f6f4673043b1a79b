"""Counts over a built graph: read from its VoID description (kg.void), or by scanning when it has none."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from kg import void
from kg.errors import InputError
from kg.model import ENTITY_TYPES
from kg.vocab import ONTOLOGY_NS


@dataclass(frozen=True)
class GraphStats:
    overview: list[tuple[str, int]]
    entities: list[tuple[str, int]]
    relations: list[tuple[str, int]]
    source: str
    """where the counts come from: the graph's VoID description, or a scan"""


def load(path: Path) -> ox.Store:
    """An in-memory store with the RDF file at ``path`` (format from its suffix)."""
    return load_into(ox.Store(), path)


def load_into(store: ox.Store, path: Path, *, lenient: bool = False) -> ox.Store:
    """Bulk-load the RDF file at ``path`` (format from its suffix) into ``store`` (in memory or on disk);
    ``lenient`` skips pyoxigraph's checks of IRIs (for files made from terms it checked)."""
    if not path.is_file():
        raise InputError(str(path), "no such graph file; run `kg build` first or pass --graph")
    try:
        store.bulk_load(path=str(path), format=ox.RdfFormat.from_extension(path.suffix.lstrip(".")) or ox.RdfFormat.TURTLE, lenient=lenient)
    except (SyntaxError, ValueError, OSError) as exc:
        raise InputError(str(path), f"cannot parse RDF: {exc}") from exc
    return store


def graph_stats(path: Path) -> GraphStats:
    """Counts of the graph at ``path`` (an RDF file, export folder or store folder), read from its VoID
    description (kg.void) through the on-disk query store; a graph without one is counted by scanning."""
    from kg.export.store import open_store
    from kg.graph import ontology_store, select

    store = open_store(path)
    stats = void.read(store)
    source = "the graph's VoID description"
    if stats is None:
        stats, source = void.count_store(store), "counted by scanning; the graph has no VoID description (rebuild it to add one)"
    types = stats.classes
    object_properties = {row[0] for row in select(ontology_store(), "SELECT ?p WHERE { ?p a owl:ObjectProperty }")}
    overview = [
        ("triples", stats.triples),
        ("documents", types.get(ONTOLOGY_NS + "Document", 0) + types.get(ONTOLOGY_NS + "Compilation", 0)),
        ("entities", sum(types.get(ONTOLOGY_NS + t, 0) for t in ENTITY_TYPES)),
        ("evidence sentences", types.get(ONTOLOGY_NS + "Sentence", 0)),
    ]
    entities = [(t, types.get(ONTOLOGY_NS + t, 0)) for t in ENTITY_TYPES]
    skip = {"mentionedIn", "mentionedInSentence", "evidence", "speaker", "publishedIn"}
    rels = sorted(
        (p.removeprefix(ONTOLOGY_NS), n)
        for p, (n, _) in stats.properties.items()
        if p in object_properties and p.removeprefix(ONTOLOGY_NS) not in skip
    )
    return GraphStats(overview, entities, rels, source)
