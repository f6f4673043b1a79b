"""The ontology, the vocabulary-as-code, the SHACL shapes and the IRI scheme."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from kg import graph as kg_graph
from kg.model import ENTITY_TYPES, Document, Entity, Extraction, Mention, Relation
from kg.nlp import split_sentences
from kg.validate import validate_graph, validate_store
from kg.vocab import CPPCC, ONTOLOGY_FILE, ONTOLOGY_NS, TERMS, entity_iri

STANDARD = ("http://www.w3.org/ns/org#", "https://schema.org/", str(SKOS), "http://www.w3.org/ns/prov#",
            "http://purl.org/dc/terms/", "http://xmlns.com/foaf/0.1/", str(RDF))


@pytest.fixture(scope="module")
def ontology() -> rdflib.Graph:
    return rdflib.Graph().parse(ONTOLOGY_FILE, format="turtle")


def _terms(ontology: rdflib.Graph) -> set[str]:
    kinds = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty)
    return {str(s) for k in kinds for s in ontology.subjects(RDF.type, k) if str(s).startswith(ONTOLOGY_NS)}


def test_vocabulary_matches_ontology_both_ways(ontology: rdflib.Graph) -> None:
    in_code = {ONTOLOGY_NS + name for name in TERMS}
    assert in_code == _terms(ontology)
    assert len(TERMS) == len(in_code)
    assert list(CPPCC.__annotations__) == list(TERMS)
    assert all(isinstance(CPPCC[name], rdflib.URIRef) and str(CPPCC[name]) == ONTOLOGY_NS + name for name in TERMS)


def test_misspelt_term_fails_loudly() -> None:
    with pytest.raises(AttributeError):
        CPPCC.runsPlatfrom  # noqa: B018
    with pytest.raises(AttributeError):
        kg_graph.term("runsPlatfrom")
    assert kg_graph.term("runsPlatform") == ox.NamedNode(str(CPPCC.runsPlatform))


def test_every_term_has_chinese_and_english_label_and_definition(ontology: rdflib.Graph) -> None:
    for term in map(rdflib.URIRef, _terms(ontology)):
        languages = {label.language for label in ontology.objects(term, RDFS.label)}
        assert {"zh", "en"} <= languages, term
        assert ontology.value(term, SKOS.definition) is not None, term


@pytest.mark.parametrize("type_", ENTITY_TYPES)
def test_entity_classes_align_to_standard_vocabularies(ontology: rdflib.Graph, type_: str) -> None:
    parents = [str(p) for p in ontology.transitive_objects(rdflib.URIRef(ONTOLOGY_NS + type_), RDFS.subClassOf)]
    assert any(p.startswith(STANDARD) for p in parents), parents


def test_relations_align_or_are_typed(ontology: rdflib.Graph) -> None:
    for prop in ontology.subjects(RDF.type, OWL.ObjectProperty):
        has_parent = ontology.value(prop, RDFS.subPropertyOf) is not None
        has_range = ontology.value(prop, RDFS.range) is not None or ontology.value(prop, RDFS.domain) is not None
        assert has_parent or has_range, prop


# ------------------------------------------------------------------------ IRIs

WEIRD = 'a "quoted" <b> & c\\d e#f?g/h%i\nj'


def test_same_name_and_type_give_the_same_iri() -> None:
    assert entity_iri("CPPCCBody", "成都市政协") == entity_iri("CPPCCBody", "成都市政协")
    assert entity_iri("CPPCCBody", "成都市政协") == "https://w3id.org/cppcc-kg/id/CPPCCBody/成都市政协"
    assert entity_iri("CPPCCBody", "成都市政协") != entity_iri("PartyGovOrgan", "成都市政协")


def test_iris_of_awkward_names_are_valid_and_distinct() -> None:
    iri = entity_iri("Topic", WEIRD)
    ox.NamedNode(iri)  # raises on an invalid IRI
    rdflib.URIRef(iri)
    assert not set(iri.split("/id/Topic/")[1]) & set(' <>"\\#?/\n')
    assert entity_iri("Topic", "a/b") != entity_iri("Topic", "a%2Fb")


@pytest.mark.parametrize(
    "name",
    ["私\ue000用", "非\ufffe字符", "\ufdd0", "换\x85行", "替\ufffd换", "[方括号]", "异体\U000e0100字", "\U000f0000", ".", ".."],
)
def test_characters_an_iri_cannot_hold_are_percent_encoded(name: str) -> None:
    iri = entity_iri("Topic", name)
    ox.NamedNode(iri)  # raises "Invalid IRI code point" on a raw private-use or non-character
    rdflib.URIRef(iri)
    assert iri.split("/id/Topic/")[1] not in (".", "..")
    assert entity_iri("Topic", "成都市政协!$&'()*+,;=:@~") == "https://w3id.org/cppcc-kg/id/Topic/成都市政协!$&'()*+,;=:@~"


def test_unknown_type_is_refused() -> None:
    with pytest.raises(ValueError):
        entity_iri("Company", "某公司")


# ------------------------------------------------------------------------ SHACL


def _store_for(extraction: Extraction) -> ox.Store:
    table = kg_graph.EntityTable()
    for summary in kg_graph.summarise(extraction):
        table.add(summary)
    store = ox.Store()
    store.extend(ox.Quad(t.subject, t.predicate, t.object) for t in kg_graph.document_triples(extraction))
    store.extend(ox.Quad(t.subject, t.predicate, t.object) for t in kg_graph.entity_triples(table))
    return store


def _tiny_extraction(text: str = "双流区政协搭建协商平台。") -> Extraction:
    doc = Document(id="t1", source="t1.txt", text=text, norm=text, title="标题")
    sentences = split_sentences(text)
    body = Entity("CPPCCBody", "双流区政协", mentions=[Mention(0, 5, "双流区政协", 0)])
    platform = Entity("Platform", "协商平台", mentions=[Mention(7, 11, "协商平台", 0)])
    relation = Relation(body.key, "runsPlatform", platform.key, 0)
    return Extraction(doc, sentences, [body, platform], [relation])


def test_sample_build_conforms_to_shapes(sample_build) -> None:
    assert sample_build.report.violations == []


def test_hand_built_graph_conforms() -> None:
    assert validate_store(_store_for(_tiny_extraction())) == []


def test_violations_are_reported() -> None:
    store = _store_for(_tiny_extraction())
    body = ox.NamedNode(entity_iri("CPPCCBody", "双流区政协"))
    store.remove(ox.Quad(body, ox.NamedNode(str(RDFS.label)), ox.Literal("双流区政协", language="zh")))
    # a relation whose object is not a Platform
    store.add(ox.Quad(body, ox.NamedNode(ONTOLOGY_NS + "runsPlatform"), body))
    violations = validate_store(store)
    assert any("label" in v for v in violations)
    assert any("runsPlatform" in v for v in violations)
    assert validate_graph(rdflib.Graph()) == []


@pytest.mark.parametrize(
    ("predicate", "object_type", "conforms"),
    [
        ("visits", "Platform", True),  # a venue visited (走访…委员工作室)
        ("visits", "CPPCCBody", True),  # a body visited (调研县政协工作)
        ("visits", "Topic", False),
        ("participatesIn", "Platform", True),  # a meeting written as a platform (参加协商议事会)
        ("participatesIn", "Mechanism", False),
    ],
)
def test_ranges_of_visits_and_participation(predicate: str, object_type: str, conforms: bool) -> None:
    extraction = _tiny_extraction()
    other = Entity(object_type, "某对象", mentions=[Mention(7, 11, "协商平台", 0)])
    person = Entity("Person", "张三", mentions=[Mention(0, 2, "双流", 0)])
    extraction.entities.extend([other, person])
    extraction.relations.append(Relation(person.key, predicate, other.key, 0))
    violations = validate_store(_store_for(extraction))
    if conforms:
        assert violations == []
    else:
        assert any(predicate in v for v in violations), violations
