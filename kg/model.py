"""Small value objects passed between the pipeline stages.

    Document  -- one text (a file, or one speech split out of a compilation), from kg.ingest
    Sentence  -- a span of a document's text, from kg.nlp
    Mention   -- a span of text that names an entity, from kg.extract
    Entity    -- one thing (type + canonical name) with its aliases and mentions
    Relation  -- a typed link between two entities (or an entity and a literal) with its evidence
    Extraction -- everything extracted from one document

Offsets are character offsets into ``Document.text`` (the original script; ``Document.norm`` is the
simplified-character form of the same length, so offsets are shared).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal as TypingLiteral

EntityType = TypingLiteral[
    "CPPCCBody",
    "PartyGovOrgan",
    "Place",
    "Person",
    "Position",
    "Platform",
    "Mechanism",
    "Topic",
    "Event",
    "Publication",
]

ENTITY_TYPES: tuple[str, ...] = (
    "CPPCCBody",
    "PartyGovOrgan",
    "Place",
    "Person",
    "Position",
    "Platform",
    "Mechanism",
    "Topic",
    "Event",
    "Publication",
)

EntityKey = tuple[str, str]
"""(type, canonical name): the identity of an entity across documents."""


@dataclass(frozen=True)
class Document:
    """One document ready for extraction.

    ``id`` is stable across runs (derived from the file name and, for a compilation, the part number).
    ``text`` is the document's own text in its original script with website debris removed;
    ``norm`` is the same text with traditional characters mapped to simplified, same length.
    ``offset`` is where ``text`` starts in the decoded source file (for tracing back).
    ``source_org`` is the organisation a web page names as its source (来源/供稿/发布单位：X区政协办公室)
    or, failing that, a body written alone as the site's name in the page header (simplified characters).
    """

    id: str
    source: str
    text: str
    norm: str
    title: str = ""
    speaker: str | None = None
    publication: str | None = None
    source_org: str | None = None
    date: str | None = None
    offset: int = 0
    compilation: str | None = None
    page: str = ""
    """What the web page says outside the article (source and credit lines, link lists, footers), simplified,
    one line each; entities named there are the document's metadata entities."""

    def __post_init__(self) -> None:
        if len(self.text) != len(self.norm):
            raise ValueError(f"{self.source}: normalised text must keep the length of the original")


@dataclass(frozen=True)
class Sentence:
    index: int
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    text: str
    sentence: int


@dataclass
class Entity:
    type: str
    name: str
    aliases: set[str] = field(default_factory=set)
    mentions: list[Mention] = field(default_factory=list)
    attrs: dict[str, str] = field(default_factory=dict)
    """Extra facts, e.g. ``code`` (administrative division code) and ``level`` for places."""

    @property
    def key(self) -> EntityKey:
        return (self.type, self.name)


@dataclass(frozen=True)
class Quantity:
    """A count the text gives (642名委员): ``value`` with ``unit``/``counted`` noun; ``at_least`` for 余/多."""

    value: int
    counted: str
    unit: str = ""
    at_least: bool = False


@dataclass(frozen=True)
class Relation:
    """``subject`` --predicate--> ``object`` found in sentence ``sentence`` of the document.

    ``predicate`` is the local name of an ontology property (e.g. ``runsPlatform``).
    ``object`` is an EntityKey or a Quantity. ``sentence`` is -1 for relations that come from
    reference data (the gazetteer) rather than from the text.
    """

    subject: EntityKey
    predicate: str
    object: EntityKey | Quantity
    sentence: int


@dataclass
class Extraction:
    document: Document
    sentences: list[Sentence]
    entities: list[Entity]
    relations: list[Relation]
