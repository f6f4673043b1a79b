"""The project's vocabulary as code: every ontology term is in TERMS and an attribute of CPPCC, so a
misspelt term fails loudly (tests/test_ontology.py checks the list against ontology/cppcc.ttl both ways).
CPPCC is an rdflib namespace, made on first use: a build writes RDF with pyoxigraph and never loads
rdflib (about 80 ms of every `kg` command's start).

Also the IRI scheme for instance data:

    entities   https://w3id.org/cppcc-kg/id/<Type>/<name>      e.g. body:成都市政协 (see PREFIXES)
    documents  https://w3id.org/cppcc-kg/doc/<document id>
    sentences  https://w3id.org/cppcc-kg/sentence/<document id>-s<index>
    statements https://w3id.org/cppcc-kg/stmt/<hash>           reified relations with their evidence
    quantities https://w3id.org/cppcc-kg/qty/<hash>
    tenures    https://w3id.org/cppcc-kg/tenure/<hash>       a post held by a person, per document and date
"""

from __future__ import annotations

import hashlib
import re
from functools import cache
from pathlib import Path
from typing import Any

BASE = "https://w3id.org/cppcc-kg/"
ONTOLOGY_DIR = Path(__file__).resolve().parent.parent / "ontology"
ONTOLOGY_FILE = ONTOLOGY_DIR / "cppcc.ttl"
SHAPES_FILE = ONTOLOGY_DIR / "shapes.ttl"

ONTOLOGY_NS = BASE + "ontology#"
ENTITY_NS = BASE + "id/"
DOC_NS = BASE + "doc/"
SENTENCE_NS = BASE + "sentence/"
STATEMENT_NS = BASE + "stmt/"
QUANTITY_NS = BASE + "qty/"
TENURE_NS = BASE + "tenure/"

TERMS: tuple[str, ...] = (
    # classes
    "Entity", "CPPCCBody", "PartyGovOrgan", "Place", "Person", "Position", "Platform", "Mechanism", "Topic", "Event",
    "Publication", "Province", "City", "County", "Township", "Village", "Compound", "Document", "Compilation",
    "Sentence", "Quantity", "Tenure",
    # relations between entities
    "locatedIn", "within", "subOrganOf", "guidedBy", "runsPlatform", "adoptsMechanism", "consultsOn", "holdsEvent",
    "participatesIn", "holdsPosition", "positionIn", "leads", "visits", "accompanies", "praises", "speaksAt",
    "hasQuantity",
    # quantities
    "value", "atLeast", "counted", "unit",
    # places
    "divisionCode",
    # documents and provenance
    "speaker", "publisher", "publishedIn", "sourceFile", "mentionedIn", "mentionedInSentence", "evidence", "text",
    "sentenceIndex", "startOffset", "endOffset", "referenceSource",
    # time
    "onDate", "startDate", "endDate", "holder", "post", "tenureIn", "heldOn", "firstMentioned",
)
"""Every ontology term, by its name in ONTOLOGY_NS."""


def __getattr__(name: str) -> Any:
    """``CPPCC``: the terms as an rdflib DefinedNamespace (CPPCC.runsPlatform is a URIRef; CPPCC.runsPlatfrom
    raises AttributeError), made when first asked for."""
    if name == "CPPCC":
        return _namespace()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@cache
def _namespace() -> Any:
    from rdflib import URIRef
    from rdflib.namespace import DefinedNamespace, DefinedNamespaceMeta, Namespace

    body = {"__module__": __name__, "__annotations__": dict.fromkeys(TERMS, URIRef), "_NS": Namespace(ONTOLOGY_NS), "_fail": True}
    return DefinedNamespaceMeta("CPPCC", (DefinedNamespace,), body)

TYPE_PREFIXES: dict[str, str] = {
    "CPPCCBody": "body",
    "PartyGovOrgan": "organ",
    "Place": "place",
    "Person": "person",
    "Position": "position",
    "Platform": "platform",
    "Mechanism": "mechanism",
    "Topic": "topic",
    "Event": "event",
    "Publication": "pub",
}

PREFIXES: dict[str, str] = {
    "cppcc": ONTOLOGY_NS,
    **{prefix: f"{ENTITY_NS}{type_}/" for type_, prefix in TYPE_PREFIXES.items()},
    "doc": DOC_NS,
    "sent": SENTENCE_NS,
    "stmt": STATEMENT_NS,
    "qty": QUANTITY_NS,
    "tenure": TENURE_NS,
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "prov": "http://www.w3.org/ns/prov#",
    "org": "http://www.w3.org/ns/org#",
    "schema": "https://schema.org/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "void": "http://rdfs.org/ns/void#",
}

# What an IRI path segment may hold as it is (RFC 3987 ipchar): ASCII letters, digits and -._~!$&'()*+,;=:@,
# and the "ucschar" ranges of other characters (Chinese among them). Everything else (space, <>"{}|\\^`[],
# '#', '?', '/', '%', controls, private-use characters, non-characters, U+FFF0-U+FFFD) is percent-encoded
# as its UTF-8 bytes.
_UCSCHAR = "\xa0-\ud7ff\uf900-\ufdcf\ufdf0-\uffef" + "".join(
    f"{chr(plane << 16)}-{chr(plane << 16 | 0xFFFD)}" for plane in range(1, 14)
) + "\U000e1000-\U000efffd"
_NOT_IRI = re.compile(f"[^A-Za-z0-9\\-._~!$&'()*+,;=:@{_UCSCHAR}]+")


def iri_segment(text: str) -> str:
    """``text`` as one IRI path segment: Chinese kept as is, everything an IRI cannot hold percent-encoded
    (and "." or ".." too, which IRI resolution would remove)."""
    if text in (".", ".."):
        return text.replace(".", "%2E")
    if not _NOT_IRI.search(text):
        return text
    return _NOT_IRI.sub(_percent_encoded, text)


def _percent_encoded(match: re.Match[str]) -> str:
    return "".join(f"%{byte:02X}" for byte in match.group().encode("utf-8", errors="surrogatepass"))


def entity_iri(type_: str, name: str, anchor: str = "") -> str:
    """The IRI of an entity: the same type and name give the same IRI on every run and in every document.
    ``anchor`` tells apart people of one name (kg.graph.person_identities): person:李国强_岳池县政协."""
    if type_ not in TYPE_PREFIXES:
        raise ValueError(f"unknown entity type {type_!r}")
    return f"{ENTITY_NS}{type_}/{iri_segment(name + ('_' + anchor if anchor else ''))}"


def document_iri(doc_id: str) -> str:
    return DOC_NS + iri_segment(doc_id)


def sentence_iri(doc_id: str, index: int) -> str:
    return f"{SENTENCE_NS}{iri_segment(doc_id)}-s{index}"


def digest(*parts: str) -> str:
    """A short stable hash for statement, quantity and tenure IRIs."""
    return hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:16]
