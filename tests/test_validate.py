"""SHACL validation (kg.validate): every constraint of every shape in ontology/shapes.ttl is caught when a
built graph breaks it, by the whole-graph check, by the split the build uses (worker part + merged part),
and pySHACL agrees on each broken graph."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from kg import validate
from kg.errors import ConfigError
from kg.validate import TYPE, MergedChecks, Shape, Triple, check_document, compile_shapes, triples_of

from .conftest import SampleBuild

ENTITY_PREDICATES = {
    TYPE,
    "<http://www.w3.org/2000/01/rdf-schema#label>",
    "<http://www.w3.org/2004/02/skos/core#altLabel>",
    "<https://w3id.org/cppcc-kg/ontology#divisionCode>",
    "<https://w3id.org/cppcc-kg/ontology#referenceSource>",
}
"""What kg.graph.entity_triples writes (the merged entity descriptions)."""
ENTITY = "<https://w3id.org/cppcc-kg/ontology#Entity>"
UNTYPED = "<urn:x-test:untyped>"
ODD_LITERAL = '"x"^^<urn:x-test:datatype>'


@dataclass(frozen=True)
class Breach:
    shape: str
    component: str
    focus: str
    path: str | None
    triples: frozenset[Triple]


@pytest.fixture(scope="module")
def base(sample_build: SampleBuild) -> frozenset[Triple]:
    return frozenset(triples_of((sample_build.out / "cppcc.nt").read_bytes()))


def _index(triples: frozenset[Triple]) -> validate.Graph:
    return validate.Graph(triples, validate.shapes())


def breaches(triples: frozenset[Triple]) -> Iterator[Breach]:
    """One broken copy of ``triples`` per constraint of every shape, each on a node the shape targets."""
    graph = _index(triples)
    for shape in validate.shapes().shapes:
        focuses = sorted(graph.focus_nodes(shape))
        assert focuses, f"no node of the sample build is targeted by {shape.id}: add one to corpus/ or the test"
        focus = focuses[0]
        yield from _breach_node(shape, focus, triples, graph)
        for prop in shape.properties:
            yield from _breach_property(shape, prop, focus, triples, graph)


def _breach_node(shape: Shape, focus: str, triples: frozenset[Triple], graph: validate.Graph) -> Iterator[Breach]:
    for kind, _ in shape.value_checks:
        if kind == "class":  # the focus loses its types (targets by subject keep it in focus)
            if shape.classes:
                continue
            changed = {t for t in triples if not (t[0] == focus and t[1] == TYPE)}
        elif kind == "nodeKind":  # the focus becomes a blank node
            changed = {(("_:focus" if s == focus else s), p, o) for s, p, o in triples}
            yield Breach(shape.id, kind, "_:focus", None, frozenset(changed))
            continue
        else:
            raise AssertionError(f"no breach written for node-level sh:{kind} ({shape.id})")
        yield Breach(shape.id, kind, focus, None, frozenset(changed))
    for kind, members in shape.logic:
        paths = set().union(*(validate._paths_in(m) for m in members))
        changed = {t for t in triples if not (t[0] == focus and t[1] in paths)}
        yield Breach(shape.id, kind, focus, None, frozenset(changed))


def _breach_property(
    shape: Shape, prop: Shape, focus: str, triples: frozenset[Triple], graph: validate.Graph
) -> Iterator[Breach]:
    path = prop.path
    assert path is not None
    without = {t for t in triples if not (t[0] == focus and t[1] == path)}

    def replaced(*values: str) -> frozenset[Triple]:
        return frozenset(without | {(focus, path, v) for v in values})

    if prop.min_count:
        yield Breach(shape.id, "minCount", focus, path, frozenset(without))
    if prop.max_count is not None:
        present = graph.values(focus, path) or ['"v"@zh']
        extra = {_variant(present[0], i) for i in range(prop.max_count + 1)}
        yield Breach(shape.id, "maxCount", focus, path, frozenset(triples | {(focus, path, v) for v in extra}))
    for kind, arg in prop.value_checks:
        bad = {
            "class": UNTYPED,
            "datatype": '"12"^^<http://www.w3.org/2001/XMLSchema#integer>' if "string" in str(arg) else '"x"',
            "nodeKind": '"x"' if "IRI" in str(arg) else UNTYPED,
            "pattern": '"!!"',
            "languageIn": '"x"@en',
            "minLength": '""@zh',
            "maxLength": '"' + "x" * 999 + '"',
            "in": UNTYPED,
        }.get(kind)
        if bad is None:
            raise AssertionError(f"no breach written for sh:{kind} ({shape.id}, {path})")
        yield Breach(shape.id, kind, focus, path, replaced(bad))
    for kind, _ in prop.logic:
        if kind == "not":
            raise AssertionError(f"no breach written for sh:not ({shape.id}, {path})")
        yield Breach(shape.id, kind, focus, path, replaced(ODD_LITERAL))


def _variant(term: str, i: int) -> str:
    if term.startswith("<"):
        return f"{term[:-1]}-variant{i}>"
    end = term.rfind('"')
    return f'"{term[1:end]}{i}"{term[end + 1:]}'


def split_check(triples: frozenset[Triple]) -> list[str]:
    """What a build reports: the worker's part (entities shared) and the merged part per entity."""
    graph = _index(triples)
    entities = graph.instances(ENTITY)
    description = [(s, p, o) for s, p, o in triples if s in entities and p in ENTITY_PREDICATES]
    own = [t for t in triples if not (t[0] in entities and t[1] in ENTITY_PREDICATES)]
    local, facts = check_document(own, [t for t in description if t[1] == TYPE], entities)
    merged = MergedChecks()
    merged.add(facts)
    return sorted(set(local) | set(merged.check(entities, description)))


def test_sample_build_conforms(base) -> None:
    assert validate.validate_triples(base) == []
    assert split_check(base) == []


def test_every_constraint_of_every_shape_is_caught(base) -> None:
    found = list(breaches(base))
    covered = {(b.shape, b.component) for b in found}
    for shape in validate.shapes().shapes:  # nothing in the file goes without a breach
        kinds = [k for k, _ in shape.value_checks] + [k for k, _ in shape.logic]
        for prop in shape.properties:
            kinds += [k for k, _ in prop.value_checks] + [k for k, _ in prop.logic]
            kinds += ["minCount"] * bool(prop.min_count) + ["maxCount"] * (prop.max_count is not None)
        assert {(shape.id, k) for k in kinds if not (k == "class" and shape.classes)} <= covered
    for breach in found:
        whole = validate.validate_triples(breach.triples)
        where = validate._plain(breach.focus) + (f" {validate._plain(breach.path)}" if breach.path else "")
        assert any(v.startswith(where + ":") for v in whole), (breach.shape, breach.component, where, whole[:3])
        assert split_check(breach.triples) == whole, (breach.shape, breach.component)


def test_pyshacl_agrees_on_each_breach(base) -> None:
    import rdflib
    from pyshacl import validate as pyshacl_validate

    from kg.vocab import ONTOLOGY_FILE, SHAPES_FILE

    shapes = rdflib.Graph().parse(SHAPES_FILE, format="turtle")
    ontology = rdflib.Graph().parse(ONTOLOGY_FILE, format="turtle")
    for breach in breaches(base):
        # the focus, its values and their types: enough for pySHACL to judge the focus, small enough to be quick
        near = {t for t in breach.triples if t[0] == breach.focus}
        near |= {t for t in breach.triples if t[1] == TYPE and any(t[0] == o for _, _, o in near)}
        data = rdflib.Graph().parse(data="".join(f"{s} {p} {o} .\n" for s, p, o in near), format="nt")
        _, report, _ = pyshacl_validate(data, shacl_graph=shapes, ont_graph=ontology, inference="none")
        sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
        flagged = {
            (report.value(r, sh.focusNode).n3(), (report.value(r, sh.resultPath) or rdflib.URIRef("")).n3())
            for r in report.subjects(rdflib.RDF.type, sh.ValidationResult)
        }
        if breach.focus.startswith("_:"):  # rdflib names blank nodes its own way
            flagged = {("_:focus" if f.startswith("_:") else f, p) for f, p in flagged}
        key = (breach.focus, breach.path or "<>")
        assert key in flagged or (breach.path is None and any(f == breach.focus for f, _ in flagged)), (
            breach.shape,
            breach.component,
        )


@pytest.mark.parametrize(
    "shapes_ttl",
    [
        "@prefix sh: <http://www.w3.org/ns/shacl#> . <urn:s> a sh:NodeShape ; sh:targetClass <urn:C> ; sh:closed true .",
        "@prefix sh: <http://www.w3.org/ns/shacl#> . <urn:s> a sh:NodeShape ; sh:targetClass <urn:C> ; "
        "sh:property [ sh:path ( <urn:p> <urn:q> ) ; sh:minCount 1 ] .",
        "@prefix sh: <http://www.w3.org/ns/shacl#> . <urn:s> a sh:NodeShape ; sh:targetClass <urn:C> ; "
        "sh:property [ sh:path <urn:p> ; sh:or ( [ sh:path <urn:q> ; sh:minCount 1 ] ) ] .",
    ],
)
def test_shapes_the_validator_cannot_check_are_refused(shapes_ttl: str) -> None:
    with pytest.raises(ConfigError, match="shape"):
        compile_shapes(shapes_ttl)


def test_counts_across_documents_are_checked_on_the_merged_entity() -> None:
    """An entity one document names only as a parent (no mention, reference source) and another mentions:
    merged, it is mentioned; a maxCount over two documents' values is caught only when merged."""
    shapes_ttl = """@prefix sh: <http://www.w3.org/ns/shacl#> .
        <urn:s> a sh:NodeShape ; sh:targetClass <urn:C> ;
            sh:property [ sh:path <urn:code> ; sh:maxCount 1 ] ;
            sh:or ( [ sh:path <urn:mentionedIn> ; sh:minCount 1 ] [ sh:path <urn:source> ; sh:minCount 1 ] ) ."""
    compiled = compile_shapes(shapes_ttl)
    e, a = "<urn:e>", "<urn:C>"
    doc1 = [(e, TYPE, a), (e, "<urn:mentionedIn>", "<urn:d1>"), (e, "<urn:code>", '"1"')]
    doc2 = [(e, TYPE, a), (e, "<urn:code>", '"2"')]
    merged = MergedChecks(compiled)
    for doc in (doc1, doc2):
        violations, facts = check_document(doc[1:], doc[:1], {e}, compiled)
        assert violations == []  # each document alone: nothing decided against the entity
        merged.add(facts)
    found = merged.check([e], [(e, TYPE, a)])
    assert found == ["urn:e urn:code: allows at most 1 value(s), has 2"]


def test_a_build_reports_what_breaks_the_shapes_and_exits_1(tmp_path, monkeypatch, capsys) -> None:
    """Through `kg build`: a sentence without its text (decided in the worker) and an entity with two
    labels (decided on the merged entity) are both listed with focus, path and message; exit status 1."""
    from kg import graph
    from kg.cli import main

    from .conftest import CORPUS

    lines, entity_lines = graph.document_lines, graph.entity_lines
    text = "<https://w3id.org/cppcc-kg/ontology#text>"
    label = "<http://www.w3.org/2000/01/rdf-schema#label>"

    def without_text(*args, **kwargs):
        return [t for t in lines(*args, **kwargs) if t[1] != text]

    def two_labels(table, key):
        found = entity_lines(table, key)
        return found + [(found[0][0], label, '"又一个名字"@zh')] if key[1] == "成都市政协" else found

    monkeypatch.setattr(graph, "document_lines", without_text)
    monkeypatch.setattr(graph, "entity_lines", two_labels)
    status = main(["build", str(CORPUS), "--out", str(tmp_path / "out"), "--formats", "turtle", "--workers", "1", "-q"])
    err = capsys.readouterr().err
    assert status == 1
    assert "ontology#text: needs at least 1 value(s), has 0" in err
    assert "CPPCCBody/成都市政协 http://www.w3.org/2000/01/rdf-schema#label: allows at most 1 value(s), has 2" in err
