"""Shared fixtures: the sample corpus built once per test session, with every registered export."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox
import pytest

from kg import export
from kg.pipeline import BuildReport, build_to

if TYPE_CHECKING:
    import rdflib

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
SHARED = ROOT.parent / "shared"


@dataclass(frozen=True)
class SampleBuild:
    out: Path
    report: BuildReport

    @property
    def turtle(self) -> Path:
        return self.out / "cppcc.ttl"

    def store(self) -> ox.Store:
        store = ox.Store()
        store.bulk_load(path=str(self.turtle), format=ox.RdfFormat.TURTLE)
        return store


def plain_strings(graph: rdflib.Graph) -> rdflib.Graph:
    """A copy of ``graph`` with ``"x"^^xsd:string`` written as plain ``"x"`` (RDF 1.1 makes them the same
    value, but rdflib keeps them apart while pyoxigraph always writes the plain form)."""
    import rdflib
    from rdflib.namespace import XSD

    copy = rdflib.Graph()
    for s, p, o in graph:
        if isinstance(o, rdflib.Literal) and o.datatype == XSD.string:
            o = rdflib.Literal(str(o))
        copy.add((s, p, o))
    return copy


@pytest.fixture(scope="session")
def sample_build(tmp_path_factory: pytest.TempPathFactory) -> SampleBuild:
    out = tmp_path_factory.mktemp("sample-build")
    report = build_to([CORPUS], out, formats=export.names(), progress=False)
    return SampleBuild(out, report)


@pytest.fixture(scope="session")
def sample_store(sample_build: SampleBuild) -> ox.Store:
    return sample_build.store()
