"""Names for property-graph exports, taken from the ontology, and quoting for Cypher.

Neo4j labels and relationship types come from the ontology's English labels (``rdfs:label "runs
platform"@en`` → ``RUNS_PLATFORM``, ``"CPPCC body"@en`` → ``CPPCCBody``); the Chinese labels travel as
properties (``type_zh``). Text from documents never becomes an identifier: it is written as a quoted
string literal (``cypher_string``), and identifiers are backtick-quoted unless they are plain
``[A-Za-z_][A-Za-z0-9_]*`` (``cypher_name``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import pyoxigraph as ox

from kg.errors import ExportError
from kg.graph import ontology_store
from kg.vocab import ONTOLOGY_FILE, ONTOLOGY_NS, PREFIXES

_PLAIN = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_WORD = re.compile(r"[A-Za-z0-9]+")


def cypher_name(name: str) -> str:
    """``name`` as a Cypher identifier: bare when plain ASCII, else in backticks with backticks doubled."""
    if _PLAIN.match(name):
        return name
    return "`" + name.replace("`", "``") + "`"


def cypher_string(text: str) -> str:
    """``text`` as a single-quoted Cypher string literal (backslash, quote and control characters escaped)."""
    out = []
    for ch in text:
        if ch == "\\":
            out.append("\\\\")
        elif ch == "'":
            out.append("\\'")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\r":
            out.append("\\r")
        elif ch == "\t":
            out.append("\\t")
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(ch)
    return "'" + "".join(out) + "'"


def pascal_case(english: str) -> str:
    """``"CPPCC body"`` → ``CPPCCBody``; ``"Party or government organ"`` → ``PartyOrGovernmentOrgan``."""
    return "".join(w[0].upper() + w[1:] for w in _WORD.findall(english))


def upper_snake(english: str) -> str:
    """``"runs platform"`` → ``RUNS_PLATFORM``; ``"sub-organ of"`` → ``SUB_ORGAN_OF``."""
    return "_".join(w.upper() for w in _WORD.findall(english))


@dataclass(frozen=True)
class TermNames:
    """One ontology term's names: local name, English label, Chinese label, and its graph-database name."""

    local: str
    en: str
    zh: str
    graph_name: str


@lru_cache(maxsize=1)
def ontology_names() -> dict[str, TermNames]:
    """Every cppcc: term in ontology/cppcc.ttl by local name; class names PascalCase, properties UPPER_SNAKE."""
    store = ontology_store()
    rows = store.query(
        f"PREFIX rdfs: <{PREFIXES['rdfs']}> PREFIX owl: <{PREFIXES['owl']}>"
        " SELECT ?t ?kind ?en ?zh WHERE { ?t a ?kind ; rdfs:label ?en , ?zh ."
        " FILTER(langMatches(lang(?en), 'en') && langMatches(lang(?zh), 'zh')) }"
    )
    names: dict[str, TermNames] = {}
    if not isinstance(rows, ox.QuerySolutions):
        raise ExportError("the ontology label query returned no solutions; this is a bug in kg.export.naming")
    for row in rows:
        iri, kind, en, zh = (row[i].value for i in range(4))  # type: ignore[union-attr]
        if not iri.startswith(ONTOLOGY_NS):
            continue
        local = iri.removeprefix(ONTOLOGY_NS)
        is_class = kind == PREFIXES["owl"] + "Class"
        names[local] = TermNames(local, en, zh, pascal_case(en) if is_class else upper_snake(en))
    return names


def term_names(local: str) -> TermNames:
    try:
        return ontology_names()[local]
    except KeyError:
        raise ExportError(
            f"ontology term cppcc:{local} has no English and Chinese rdfs:label in {ONTOLOGY_FILE}; add them"
        ) from None
