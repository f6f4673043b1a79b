"""cppcc-kg: build an RDF knowledge graph from Chinese texts on CPPCC grassroots consultation.

    >>> import kg
    >>> g = kg.build(["corpus/"])          # rdflib.Graph
    >>> result = kg.extract_text("成都市政协搭建协商平台。")   # kg.model.Extraction

Nothing heavy is loaded at import time: dictionaries load on first use. ``kg.extract`` is the extraction
subpackage (a function of that name would be replaced by it as soon as the subpackage is imported).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kg import compiled

compiled.install()  # before any extractor module loads: the mypyc build when it matches the source

__all__ = ["build", "extract_text", "__version__"]
__version__ = "0.1.0"

if TYPE_CHECKING:
    import rdflib

    from kg.model import Extraction


def build(paths: Any, **options: Any) -> rdflib.Graph:
    """Read files/folders and return the knowledge graph as an rdflib.Graph."""
    from kg import pipeline

    return pipeline.build(paths, **options)


def extract_text(text: str, **options: Any) -> Extraction:
    """Extract entities and relations from one text."""
    from kg import pipeline

    return pipeline.extract_text(text, **options)
