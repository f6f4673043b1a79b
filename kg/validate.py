"""SHACL validation: ontology/shapes.ttl compiled once into Python checks that run where the triples are.

    shapes()                          -> the compiled shapes (read once per process)
    validate_triples(triples)         -> violations of a whole graph (every check, one place)
    validate_store(store)             -> violations of a pyoxigraph store's default graph
    check_document(triples, entities) -> (violations, facts): one document's part, in the worker
    MergedChecks                      -> the cross-document part, in the main process

A build never loads its graph anywhere to validate it. Each worker checks the triples of the documents it
extracted, together with the descriptions of the entities those documents name (a small graph, checked
while it is in memory anyway). Everything about a node that only one document describes (the document,
its sentences, statements, quantities, tenures) is decided there, as is every constraint on single
values (sh:class, sh:datatype, sh:pattern … hold for the merged graph when they hold for each part).
What depends on every document is a count or a combination over an entity's values (shape:Entity needs
``mentionedIn`` or ``referenceSource``; a label at most once): for those the worker sends the values it
saw on the paths involved (``facts``, at most as many per path as a count needs), and the main process
checks each entity once, on its merged description and those facts. So validation costs a small part of
extraction, runs in parallel, is cached with each document, and takes memory that grows with the number
of entities, not of triples.

Terms are N-Triples strings throughout (``<iri>``, ``_:b``, ``"text"@zh``, ``"5"^^<…#integer>``), the
form in which workers send triples. Supported: targets (class, subjects of, objects of, node, implicit
class), node and property shapes with predicate paths, and the components class, datatype (with lexical
checks for the XSD types we use), nodeKind, minCount, maxCount, minLength, maxLength, pattern (flags),
languageIn, in, hasValue, uniqueLang, min/maxInclusive/Exclusive (numbers), node, and, or, not, xone,
plus sh:message, sh:severity and sh:deactivated. A shapes file using anything else is refused with a
message naming the shape and the component, so that no constraint is silently left unchecked.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Set
from dataclasses import dataclass, field, fields
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from kg.errors import ConfigError
from kg.vocab import ONTOLOGY_FILE, SHAPES_FILE

if TYPE_CHECKING:
    import rdflib

SH = "http://www.w3.org/ns/shacl#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
OWL = "http://www.w3.org/2002/07/owl#"
TYPE = f"<{RDF}type>"
SUBCLASS = f"<{RDFS}subClassOf>"
LANG_STRING = f"<{RDF}langString>"
XSD_STRING = f"<{XSD}string>"

Triple = tuple[str, str, str]


@dataclass(frozen=True)
class Violation:
    focus: str
    path: str | None
    message: str
    value: str | None = None
    def __reduce__(self) -> tuple[Any, ...]:
        # field by field: compiled by mypyc (kg.compiled) the class has no __dict__ for pickle to fill, and
        # a frozen dataclass refuses the attribute assignments pickle falls back on
        return (type(self), tuple(getattr(self, f.name) for f in fields(self)))

    def __str__(self) -> str:
        path = f" {_plain(self.path)}" if self.path else ""
        return f"{_plain(self.focus)}{path}: {self.message}"


# ---------------------------------------------------------------------------- compiled shapes


@dataclass(eq=False)
class Shape:
    """A node shape (``path`` None) or property shape, with its constraints compiled."""

    id: str
    path: str | None = None
    message: str | None = None
    classes: tuple[str, ...] = ()
    subjects_of: tuple[str, ...] = ()
    objects_of: tuple[str, ...] = ()
    nodes: tuple[str, ...] = ()
    value_checks: list[tuple[str, Any]] = field(default_factory=list)
    """(component, argument) checked on each value node on its own"""
    min_count: int | None = None
    max_count: int | None = None
    unique_lang: bool = False
    has_value: tuple[str, ...] = ()
    properties: list[Shape] = field(default_factory=list)
    logic: list[tuple[str, list[Shape]]] = field(default_factory=list)
    """("or" | "and" | "xone" | "not" | "node", shapes) each value node is checked against"""
    merged_values: bool = False
    """(property shapes) on a shared focus, the value checks need the values of every document"""

    @property
    def targeted(self) -> bool:
        return bool(self.classes or self.subjects_of or self.objects_of or self.nodes)

    @property
    def counts(self) -> bool:
        """Does a check of this property shape look at the focus's values together (a count, a set)?"""
        return self.min_count is not None or self.max_count is not None or self.unique_lang or bool(self.has_value)

    @property
    def merged(self) -> bool:
        """Has this node shape checks that, on a shared focus, need every document?"""
        return bool(self.logic) or any(p.counts or p.merged_values for p in self.properties)


@dataclass(eq=False)
class Shapes:
    shapes: list[Shape]
    superclasses: dict[str, frozenset[str]]
    """class -> itself and every class it is a subclass of (ontology and shapes graph)"""
    merged_paths: dict[str, int | None]
    """path -> how many of a shared node's values the cross-document checks need (None: all)"""
    inverse_paths: frozenset[str]
    """paths whose subjects the cross-document checks need for a shared node (sh:targetObjectsOf)"""
    predicates: frozenset[str] = frozenset()
    """every predicate a check or target looks at (a Graph keeps only these)"""

    def types(self, cls: str) -> frozenset[str]:
        return self.superclasses.get(cls) or frozenset((cls,))


@cache
def shapes() -> Shapes:
    """ontology/shapes.ttl compiled, with the ontology's subclass axioms (read once per process)."""
    return compile_shapes(SHAPES_FILE.read_text(encoding="utf-8"), ONTOLOGY_FILE.read_text(encoding="utf-8"))


_SUPPORTED = frozenset(
    (
        "targetClass targetSubjectsOf targetObjectsOf targetNode path property class datatype nodeKind minCount "
        "maxCount minLength maxLength pattern flags languageIn in hasValue uniqueLang minInclusive maxInclusive "
        "minExclusive maxExclusive node and or not xone message severity deactivated name description order group "
        "defaultValue"
    ).split()
)
_TARGETS = tuple(f"<{SH}{t}>" for t in ("targetClass", "targetSubjectsOf", "targetObjectsOf", "targetNode"))
_NODE_KINDS = {
    f"<{SH}IRI>": {"iri"},
    f"<{SH}BlankNode>": {"blank"},
    f"<{SH}Literal>": {"literal"},
    f"<{SH}BlankNodeOrIRI>": {"blank", "iri"},
    f"<{SH}BlankNodeOrLiteral>": {"blank", "literal"},
    f"<{SH}IRIOrLiteral>": {"iri", "literal"},
}
_FLAGS = {"i": re.IGNORECASE, "m": re.MULTILINE, "s": re.DOTALL, "x": re.VERBOSE}


def compile_shapes(shapes_ttl: str, ontology_ttl: str = "") -> Shapes:
    """Compile a SHACL shapes graph (Turtle) into checks; ConfigError names anything not supported."""
    graph: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for name, source in ((SHAPES_FILE, shapes_ttl), (ONTOLOGY_FILE, ontology_ttl)):
        try:
            for t in ox.parse(source.encode("utf-8"), format=ox.RdfFormat.TURTLE):
                graph[str(t.subject)][str(t.predicate)].append(str(t.object))
        except SyntaxError as exc:
            raise ConfigError(f"{name}: cannot read it: {exc}") from exc
    superclasses = _closure({s: props[SUBCLASS] for s, props in graph.items() if SUBCLASS in props})
    compiler = _Compiler(graph)
    roots = sorted(
        s
        for s, props in graph.items()
        if f"<{SH}NodeShape>" in props.get(TYPE, ()) or any(t in props for t in _TARGETS)
    )
    compiled = [compiler.shape(s) for s in roots]
    compiled = [s for s in compiled if s.targeted and s.id not in compiler.deactivated]
    merged: dict[str, int | None] = {}
    inverse: set[str] = set()
    for shape in compiled:
        for path, bound in _merged_paths(shape).items():
            old = merged.get(path, 0)
            merged[path] = None if bound is None or old is None else max(bound, old)
        if shape.merged:
            for path in shape.subjects_of:  # to know, across documents, which entities the shape targets
                merged[path] = merged.get(path, 1)
            inverse.update(shape.objects_of)
    used = {TYPE}
    for shape in compiled:
        used |= _paths_in(shape) | set(shape.subjects_of) | set(shape.objects_of)
    return Shapes(compiled, superclasses, merged, frozenset(inverse), frozenset(used))


def _closure(direct: dict[str, list[str]]) -> dict[str, frozenset[str]]:
    out: dict[str, frozenset[str]] = {}

    def up(cls: str, seen: frozenset[str]) -> frozenset[str]:
        if cls not in out:
            found = {cls}
            for parent in direct.get(cls, ()):
                if parent not in seen:
                    found |= up(parent, seen | {cls})
            out[cls] = frozenset(found)
        return out[cls]

    for cls in list(direct):
        up(cls, frozenset())
    return out


class _Compiler:
    def __init__(self, graph: dict[str, dict[str, list[str]]]) -> None:
        self.graph = graph
        self.done: dict[str, Shape] = {}
        self.deactivated: set[str] = set()

    def shape(self, node: str) -> Shape:
        if node in self.done:
            return self.done[node]
        props = self.graph.get(node, {})
        shape = Shape(node)
        self.done[node] = shape  # before recursing: shapes may refer to each other
        if {f"<{RDFS}Class>", f"<{OWL}Class>"} & set(props.get(TYPE, ())):
            shape.classes += (node,)  # a shape that is also a class targets its instances
        for predicate, values in sorted(props.items()):
            if not predicate.startswith(f"<{SH}"):
                continue
            name = predicate[len(SH) + 1 : -1]
            if name not in _SUPPORTED:
                raise ConfigError(
                    f"{SHAPES_FILE}: shape {_plain(node)} uses sh:{name}, which kg.validate does not check; "
                    "use the components listed in kg/validate.py or add it there"
                )
            self._component(shape, name, values)
        if shape.properties and shape.path is not None:
            raise ConfigError(f"{SHAPES_FILE}: shape {_plain(node)}: sh:property inside a property shape is not supported")
        return shape

    def _component(self, shape: Shape, name: str, values: list[str]) -> None:
        one = values[0]
        if name == "targetClass":
            shape.classes += tuple(values)
        elif name == "targetSubjectsOf":
            shape.subjects_of += tuple(values)
        elif name == "targetObjectsOf":
            shape.objects_of += tuple(values)
        elif name == "targetNode":
            shape.nodes += tuple(values)
        elif name == "path":
            if not one.startswith("<"):
                raise ConfigError(f"{SHAPES_FILE}: shape {_plain(shape.id)}: only predicate paths are supported")
            shape.path = one
        elif name == "property":
            shape.properties += [self.shape(v) for v in sorted(values)]
        elif name == "message":
            shape.message = _literal(one)[0]
        elif name == "deactivated":
            if _literal(one)[0] == "true":
                self.deactivated.add(shape.id)
        elif name == "minCount":
            shape.min_count = int(_literal(one)[0])
        elif name == "maxCount":
            shape.max_count = int(_literal(one)[0])
        elif name == "uniqueLang":
            shape.unique_lang = _literal(one)[0] == "true"
        elif name == "hasValue":
            shape.has_value += tuple(values)
        elif name in ("and", "or", "xone"):
            shape.logic += [(name, [self.shape(m) for m in self._list(head)]) for head in values]
        elif name in ("not", "node"):
            shape.logic += [(name, [self.shape(v)]) for v in values]
        elif name == "class":
            shape.value_checks += [("class", v) for v in values]
        elif name == "datatype":
            shape.value_checks.append(("datatype", one))
        elif name == "nodeKind":
            if one not in _NODE_KINDS:
                raise ConfigError(f"{SHAPES_FILE}: shape {_plain(shape.id)}: unknown sh:nodeKind {_plain(one)}")
            shape.value_checks.append(("nodeKind", one))
        elif name in ("minLength", "maxLength"):
            shape.value_checks.append((name, int(_literal(one)[0])))
        elif name == "pattern":
            flags = self.graph[shape.id].get(f"<{SH}flags>", [])
            mode = 0
            for flag in _literal(flags[0])[0] if flags else "":
                mode |= _FLAGS.get(flag, 0)
            shape.value_checks.append(("pattern", re.compile(_literal(one)[0], mode)))
        elif name == "languageIn":
            shape.value_checks.append(("languageIn", tuple(_literal(v)[0].lower() for v in self._list(one))))
        elif name == "in":
            shape.value_checks.append(("in", frozenset(self._list(one))))
        elif name in ("minInclusive", "maxInclusive", "minExclusive", "maxExclusive"):
            shape.value_checks.append((name, _number(one)))
        # severity, name, description, order, group, defaultValue, flags: nothing to check

    def _list(self, head: str) -> list[str]:
        items: list[str] = []
        while head != f"<{RDF}nil>":
            props = self.graph.get(head, {})
            if f"<{RDF}first>" not in props:
                raise ConfigError(f"{SHAPES_FILE}: {_plain(head)} is not an RDF list")
            items.append(props[f"<{RDF}first>"][0])
            head = props[f"<{RDF}rest>"][0]
        return items


def _merged_paths(shape: Shape) -> dict[str, int | None]:
    """The paths of a shared focus whose values the cross-document checks of ``shape`` need, with how
    many values they need (None: all); marks the property shapes whose value checks move there."""
    needs: dict[str, int | None] = {}

    def need(path: str, bound: int | None) -> None:
        old = needs.get(path, 0)
        needs[path] = None if bound is None or old is None else max(bound, old)

    for prop in shape.properties:
        assert prop.path is not None
        for _, members in prop.logic:
            if not all(_value_local(m) for m in members):
                raise ConfigError(
                    f"{SHAPES_FILE}: shape {_plain(shape.id)}, path {_plain(prop.path)}: shapes nested in a property "
                    "shape may check only the value itself (sh:class, sh:datatype …), not its properties"
                )
        # A document that gives an entity a value on a path the shape targets by (sh:targetSubjectsOf) is
        # itself a document where the entity is targeted; values on other paths may come from documents
        # where it is not, so those are checked on the merged values.
        prop.merged_values = bool(shape.objects_of) or bool(shape.subjects_of and prop.path not in shape.subjects_of)
        if prop.merged_values and (prop.value_checks or prop.logic):
            need(prop.path, None)
        if prop.counts:
            bound = None if prop.unique_lang or prop.has_value else max(prop.min_count or 0, (prop.max_count or -1) + 1)
            need(prop.path, bound)
    for _, members in shape.logic:  # sh:or … on the focus: every value of every path they look at
        for member in members:
            for path in _paths_in(member):
                need(path, None)
    return needs


def _value_local(shape: Shape) -> bool:
    return shape.path is None and not shape.properties and all(_value_local(m) for _, ms in shape.logic for m in ms)


def _paths_in(shape: Shape) -> set[str]:
    paths = {shape.path} if shape.path else set()
    for member in [*shape.properties, *(m for _, ms in shape.logic for m in ms)]:
        paths |= _paths_in(member)
    return paths


# ---------------------------------------------------------------------------- terms


_ESCAPE = re.compile(r"\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))")
_ECHAR = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'", "\\": "\\"}


@lru_cache(maxsize=1 << 14)
def _literal(term: str) -> tuple[str, str, str]:
    """(lexical form, datatype term, language) of an N-Triples literal."""
    end = term.rfind('"')
    lexical = term[1:end]
    if "\\" in lexical:
        lexical = _ESCAPE.sub(lambda m: chr(int(m[1] or m[2], 16)) if (m[1] or m[2]) else _ECHAR.get(m[3], m[3]), lexical)
    rest = term[end + 1 :]
    if rest.startswith("@"):
        return lexical, LANG_STRING, rest[1:].lower()
    if rest.startswith("^^"):
        return lexical, rest[2:], ""
    return lexical, XSD_STRING, ""


def _kind(term: str) -> str:
    return "iri" if term[0] == "<" else "blank" if term[0] == "_" else "literal"


def _plain(term: str) -> str:
    return term[1:-1] if term.startswith("<") else term


def _short(term: str) -> str:
    return term if len(term) <= 80 else term[:77] + "…"


def _number(term: str) -> float:
    try:
        return float(_literal(term)[0])
    except ValueError:
        raise ConfigError(f"{SHAPES_FILE}: {term} is not a number") from None


_INTEGER = re.compile(r"[+-]?\d+")
_LEXICAL = {
    f"<{XSD}integer>": _INTEGER,
    f"<{XSD}int>": _INTEGER,
    f"<{XSD}long>": _INTEGER,
    f"<{XSD}nonNegativeInteger>": re.compile(r"\+?\d+"),
    f"<{XSD}decimal>": re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)"),
    f"<{XSD}double>": re.compile(r"[+-]?((\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?|INF)|NaN"),
    f"<{XSD}boolean>": re.compile(r"true|false|1|0"),
    f"<{XSD}date>": re.compile(r"-?\d{4,}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])(Z|[+-]\d\d:\d\d)?"),
    f"<{XSD}gYearMonth>": re.compile(r"-?\d{4,}-(0[1-9]|1[0-2])(Z|[+-]\d\d:\d\d)?"),
    f"<{XSD}gYear>": re.compile(r"-?\d{4,}(Z|[+-]\d\d:\d\d)?"),
    f"<{XSD}dateTime>": re.compile(r"-?\d{4,}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)?"),
}


# ---------------------------------------------------------------------------- graphs


class Graph:
    """A set of triples (N-Triples terms) indexed by predicate: checks run column by column, with set
    operations, so that a document's hundreds of triples are checked in well under a millisecond."""

    def __init__(self, triples: Iterable[Triple], compiled: Shapes) -> None:
        self.compiled = compiled
        self.by_predicate: dict[str, list[tuple[str, str]]] = {p: [] for p in compiled.predicates}
        by_predicate = self.by_predicate
        for s, p, o in triples:
            pairs = by_predicate.get(p)
            if pairs is not None:
                pairs.append((s, o))
        self._values: dict[str, dict[str, list[str]]] = {}
        self._subjects: dict[str, set[str]] = {}
        self._instances: dict[str, set[str]] | None = None

    def pairs(self, path: str) -> list[tuple[str, str]]:
        return self.by_predicate.get(path, [])

    def values_of(self, path: str) -> dict[str, list[str]]:
        """subject -> its distinct values on ``path``"""
        found = self._values.get(path)
        if found is None:
            found = {}
            for s, o in self.pairs(path):
                held = found.get(s)
                if held is None:
                    found[s] = [o]
                elif o not in held:
                    held.append(o)
            self._values[path] = found
        return found

    def values(self, node: str, path: str) -> list[str]:
        return self.values_of(path).get(node, [])

    def subjects(self, path: str) -> set[str]:
        found = self._subjects.get(path)
        if found is None:
            found = self._subjects[path] = {s for s, _ in self.pairs(path)}
        return found

    def instances(self, cls: str) -> Set[str]:
        """The nodes typed ``cls`` or a subclass of it."""
        instances = self._instances
        if instances is None:
            instances = self._instances = self._index_types()
        return instances.get(cls, frozenset())

    def _index_types(self) -> dict[str, set[str]]:
        by_class: dict[str, list[str]] = {}
        for s, o in self.pairs(TYPE):
            found = by_class.get(o)
            if found is None:
                by_class[o] = [s]
            else:
                found.append(s)
        instances: dict[str, set[str]] = {}
        for cls, nodes in by_class.items():
            for sup in self.compiled.types(cls):
                instances.setdefault(sup, set()).update(nodes)
        return instances

    def focus_nodes(self, shape: Shape) -> set[str]:
        found: set[str] = set(shape.nodes)
        for cls in shape.classes:
            found |= self.instances(cls)
        for p in shape.subjects_of:
            found |= self.subjects(p)
        for p in shape.objects_of:
            found.update(o for _, o in self.pairs(p))
        return found


def triples_of(ntriples: bytes | str) -> Iterator[Triple]:
    """The triples of N-Triples text as terms (the lines pyoxigraph writes: ``s p o .``)."""
    text = ntriples.decode("utf-8") if isinstance(ntriples, bytes) else ntriples
    for line in text.splitlines():
        if line and line[0] != "#":
            s, p, rest = line.split(" ", 2)
            yield s, p, rest[:-2].rstrip()


# ---------------------------------------------------------------------------- checking


class _Checker:
    """Runs every shape over a Graph. Each shape's focus nodes fall in three groups: ``full`` (described
    by this graph alone: every check), ``local`` (shared nodes in a worker: only the checks that hold
    when more documents are merged in) and ``merged`` (shared nodes, merged: only the others)."""

    def __init__(self, graph: Graph) -> None:
        self.graph = graph
        self.found: list[Violation] = []
        self._conforms: dict[tuple[int, str], bool] = {}

    def run(self, shared: Set[str] = frozenset(), merged: Set[str] | None = None) -> list[str]:
        """Check every shape: ``shared`` nodes get only their local share; with ``merged`` given, only
        those nodes are checked, fully (their merged descriptions and facts are the graph)."""
        for shape in self.graph.compiled.shapes:
            focus = self.graph.focus_nodes(shape)
            if not focus:
                continue
            if merged is not None:
                self.shape(shape, focus & merged, set(), set())
            else:
                local = focus & shared if shared else set()
                self.shape(shape, focus - local if local else focus, local, set())
        return sorted({str(v) for v in self.found})

    def shape(self, shape: Shape, full: set[str], local: set[str], merged: set[str]) -> None:
        """Check ``shape`` on its focus nodes, each group getting its share of the checks."""
        if shape.value_checks and (full or local):
            self._values(shape, [(node, node) for node in full | local], None)
        for kind, members in shape.logic:
            self._logic(shape, kind, members, [(n, n) for n in sorted(full | merged)], None)
        for prop in shape.properties:
            path = prop.path
            assert path is not None
            if prop.counts:
                self._counts(prop, path, full | merged)
            targets = full | (merged if prop.merged_values else local)
            if not targets or not (prop.value_checks or prop.logic):
                continue
            pairs = self.graph.pairs(path)
            if not self.graph.subjects(path) <= targets:
                pairs = [(s, o) for s, o in pairs if s in targets]
            if pairs:
                self._values(prop, pairs, path)
                for kind, members in prop.logic:
                    self._logic(prop, kind, members, pairs, path)

    def _counts(self, prop: Shape, path: str, targets: set[str]) -> None:
        if not targets:
            return
        if prop.min_count == 1 and not (prop.max_count is not None or prop.has_value or prop.unique_lang):
            for node in targets - self.graph.subjects(path):
                self._add(prop, node, path, "needs at least 1 value(s), has 0")
            return
        if (
            prop.max_count is not None
            and prop.max_count >= 1
            and not (prop.has_value or prop.unique_lang or (prop.min_count or 0) > 1)
            and len(self.graph.pairs(path)) == len(self.graph.subjects(path))
        ):  # one value per subject: only missing values can be wrong
            if prop.min_count:
                for node in targets - self.graph.subjects(path):
                    self._add(prop, node, path, f"needs at least {prop.min_count} value(s), has 0")
            return
        values = self.graph.values_of(path)
        if prop.min_count:
            for node in targets - values.keys() if prop.min_count == 1 else targets:
                n = len(values.get(node, ()))
                if n < prop.min_count:
                    self._add(prop, node, path, f"needs at least {prop.min_count} value(s), has {n}")
        if prop.max_count is not None or prop.has_value or prop.unique_lang:
            for node in targets & values.keys():
                held = values[node]
                if prop.max_count is not None and len(held) > prop.max_count:
                    self._add(prop, node, path, f"allows at most {prop.max_count} value(s), has {len(held)}")
                for value in prop.has_value:
                    if value not in held:
                        self._add(prop, node, path, f"lacks the value {_short(value)}")
                if prop.unique_lang:
                    langs = [_literal(v)[2] for v in held if _kind(v) == "literal" and _literal(v)[2]]
                    for lang in sorted({x for x in langs if langs.count(x) > 1}):
                        self._add(prop, node, path, f"has more than one value in language {lang!r}")
        if prop.has_value and prop.min_count is None:
            for node in targets - values.keys():
                self._add(prop, node, path, f"lacks the value {_short(prop.has_value[0])}")

    def _values(self, shape: Shape, pairs: list[tuple[str, str]], path: str | None) -> None:
        """The value checks of ``shape`` on (focus, value) pairs: each distinct value judged once."""
        distinct = {o for _, o in pairs}
        bad: dict[str, str] = {}
        for kind, arg in shape.value_checks:
            if kind == "class":
                for value in distinct - self.graph.instances(arg):
                    bad.setdefault(value, f"{_short(value)} is not a {_plain(arg)}")
                continue
            for value in distinct:
                problem = _problem(kind, arg, value)
                if problem:
                    bad.setdefault(value, problem)
        if bad:
            for focus, value in pairs:
                if value in bad:
                    self._add(shape, focus, path, bad[value], value)

    def _logic(self, shape: Shape, kind: str, members: list[Shape], pairs: list[tuple[str, str]], path: str | None) -> None:
        for focus, value in pairs:
            passed = sum(self.conforms(m, value) for m in members)
            problem = {
                "or": None if passed else "conforms to none of the sh:or shapes",
                "and": None if passed == len(members) else "does not conform to every sh:and shape",
                "xone": None if passed == 1 else f"conforms to {passed} of the sh:xone shapes, not 1",
                "not": "conforms to the sh:not shape" if passed else None,
                "node": None if passed else f"does not conform to {_plain(members[0].id)}",
            }[kind]
            if problem:
                self._add(shape, focus, path, f"{_short(value)} {problem}", value)

    def conforms(self, shape: Shape, node: str) -> bool:
        """Does ``node`` conform to ``shape`` (a shape nested in sh:or, sh:node …)? Every check applies."""
        key = (id(shape), node)
        known = self._conforms.get(key)
        if known is None:
            inner = _Checker(self.graph)
            inner._conforms = self._conforms
            if shape.path is not None:  # a property shape: its path from ``node``
                inner._counts(shape, shape.path, {node})
                pairs = [(node, v) for v in self.graph.values(node, shape.path)]
                inner._values(shape, pairs, shape.path)
                for kind, members in shape.logic:
                    inner._logic(shape, kind, members, pairs, shape.path)
            else:
                inner.shape(shape, {node}, set(), set())
            known = self._conforms[key] = not inner.found
        return known

    def _add(self, shape: Shape, focus: str, path: str | None, problem: str, value: str | None = None) -> None:
        self.found.append(Violation(focus, path, shape.message or problem, value))


@lru_cache(maxsize=1 << 16)
def _problem(kind: str, arg: Any, value: str) -> str | None:
    """What is wrong with ``value`` for the value check (kind, arg), None when nothing; not sh:class."""
    term_kind = _kind(value)
    if kind == "nodeKind":
        return None if term_kind in _NODE_KINDS[arg] else f"{_short(value)} is not of node kind {_plain(arg)}"
    if kind == "in":
        return None if value in arg else f"{_short(value)} is not one of the allowed values"
    if term_kind == "blank":
        return f"{_short(value)} is a blank node (sh:{kind} needs a literal or an IRI)"
    lexical, datatype, lang = _literal(value) if term_kind == "literal" else (_plain(value), "", "")
    if kind == "datatype":
        if term_kind != "literal" or datatype != arg:
            return f"{_short(value)} is not of datatype {_plain(arg)}"
        pattern = _LEXICAL.get(arg)
        if pattern is not None and not pattern.fullmatch(lexical):
            return f"{_short(value)} is not a valid {_plain(arg)}"
        return None
    if kind == "minLength":
        return None if len(lexical) >= arg else f"{_short(value)} is shorter than {arg}"
    if kind == "maxLength":
        return None if len(lexical) <= arg else f"{_short(value)} is longer than {arg}"
    if kind == "pattern":
        return None if arg.search(lexical) else f"{_short(value)} does not match {arg.pattern!r}"
    if kind == "languageIn":
        ok = term_kind == "literal" and any(lang == tag or lang.startswith(tag + "-") for tag in arg)
        return None if ok else f"{_short(value)} is not in language {', '.join(arg)}"
    try:
        number = float(lexical)
    except ValueError:
        return f"{_short(value)} is not a number"
    ok = {
        "minInclusive": number >= arg,
        "maxInclusive": number <= arg,
        "minExclusive": number > arg,
        "maxExclusive": number < arg,
    }[kind]
    return None if ok else f"{_short(value)} is out of range (sh:{kind} {arg:g})"


# ---------------------------------------------------------------------------- entry points


def validate_triples(triples: Iterable[Triple], compiled: Shapes | None = None) -> list[str]:
    """One line per violation of the whole graph made of ``triples`` (every check, in one place)."""
    return _Checker(Graph(triples, compiled or shapes())).run()


def validate_store(store: ox.Store) -> list[str]:
    """One line per violation of ``store``'s default graph (empty when it conforms)."""
    data = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
    return validate_triples(triples_of(data or b""))


def validate_graph(data: rdflib.Graph) -> list[str]:
    """One line per violation of an rdflib graph."""
    return validate_triples((s.n3(), p.n3(), o.n3()) for s, p, o in data)


@dataclass
class Facts:
    """What one document saw of its shared nodes (entities) on the paths the cross-document checks need:
    values (at most as many per path as a count needs), subjects pointing at them, types of those values."""

    values: list[Triple] = field(default_factory=list)
    inverse: list[Triple] = field(default_factory=list)
    types: list[tuple[str, str]] = field(default_factory=list)


def check_document(
    triples: list[Triple], types: list[Triple], shared: Set[str], compiled: Shapes | None = None
) -> tuple[list[str], Facts]:
    """The worker's part for one document: its ``triples``, with the ``types`` of the entities it names
    (``shared``, whose descriptions are merged and checked in the main process). Returns the violations
    decided here and the facts MergedChecks needs."""
    compiled = compiled or shapes()
    graph = Graph(triples + types, compiled)
    raw_types = graph.values_of(TYPE)
    merged_paths, inverse_paths = compiled.merged_paths, compiled.inverse_paths
    values: dict[tuple[str, str], set[str]] = {}
    first: dict[tuple[str, str], str] = {}
    for s, p, o in triples:
        if p in merged_paths and s in shared:
            values.setdefault((s, p), set()).add(o)
        if p in inverse_paths and o in shared and ((o, p) not in first or s < first[(o, p)]):
            first[(o, p)] = s
    facts = Facts()
    for (node, path), found in sorted(values.items()):
        bound = merged_paths[path]
        for value in sorted(found)[:bound] if bound is not None else sorted(found):
            facts.values.append((node, path, value))
            facts.types += [(value, cls) for cls in raw_types.get(value, ())]
    facts.inverse = [(s, p, o) for (o, p), s in sorted(first.items())]
    return _Checker(graph).run(shared), facts


class MergedChecks:
    """The main process's part: facts from every document, kept within each path's bound, then the
    shared nodes checked on their merged descriptions, a batch at a time (``check``)."""

    def __init__(self, compiled: Shapes | None = None) -> None:
        self.compiled = compiled or shapes()
        self.values: dict[str, dict[str, list[str]]] = {}
        self.inverse: dict[str, dict[str, str]] = {}
        self.types: dict[str, set[str]] = {}

    def add(self, facts: Facts) -> None:
        for s, p, o in facts.values:
            held = self.values.setdefault(s, {}).setdefault(p, [])
            if o in held:
                continue
            held.append(o)
            bound = self.compiled.merged_paths.get(p)
            if bound is not None and len(held) > bound:
                held.sort()
                del held[bound:]  # the smallest values: the same whatever the order of the documents
        for s, p, o in facts.inverse:
            old = self.inverse.setdefault(o, {}).get(p)
            if old is None or s < old:
                self.inverse[o][p] = s
        for node, cls in facts.types:
            self.types.setdefault(node, set()).add(cls)

    def weight(self, node: str) -> int:
        """How many facts about ``node`` a check of it reads: its values (with their types) and the
        subjects pointing at it."""
        return sum(len(values) for values in self.values.get(node, {}).values()) + len(self.inverse.get(node, ()))

    def check(self, nodes: Iterable[str], descriptions: Iterable[Triple]) -> list[str]:
        """Violations of the shared ``nodes`` on their merged ``descriptions`` (their entity triples) and
        the facts gathered from the documents: every check of every shape that targets them, except the
        value checks the workers made on the documents' own triples."""
        return sorted({text for found in self.check_each(nodes, descriptions).values() for text in found})

    def check_each(self, nodes: Iterable[str], descriptions: Iterable[Triple]) -> dict[str, list[str]]:
        """``check``'s violations by their focus node (a rebuild checks again only the nodes it changed)."""
        wanted = set(nodes)
        triples = list(descriptions)
        for node in wanted:
            for path, values in self.values.get(node, {}).items():
                for value in values:
                    triples.append((node, path, value))
                    triples += [(value, TYPE, cls) for cls in self.types.get(value, ())]
            triples += [(s, p, node) for p, s in self.inverse.get(node, {}).items()]
        checker = _Checker(Graph(triples, self.compiled))
        checker.run(merged=wanted)
        found: dict[str, set[str]] = {}
        for violation in checker.found:
            found.setdefault(violation.focus, set()).add(str(violation))
        return {focus: sorted(texts) for focus, texts in sorted(found.items())}
