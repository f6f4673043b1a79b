"""Options that travel through the pipeline (frozen so they can be sent to worker processes)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Settings:
    user_lexicons: tuple[Path, ...] = field(default_factory=tuple)
    """Extra lexicon files (same format as kg/data/lexicon.tsv) added to the built-in ones."""
    workers: int = 0
    """Worker processes for extraction; 0 means one per CPU core (1 for tiny inputs)."""
    validate: bool = True
    """Validate the built graph against ontology/shapes.ttl."""
