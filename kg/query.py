"""SPARQL over the graph: ad-hoc queries, ready-made questions, results as tables or standard formats.

    store = kg.export.store.open_store(Path("exports/cppcc.ttl"))   # parsed once, reused (read-only)
    result = run_query(store, "SELECT ?b WHERE { ?b a cppcc:CPPCCBody }")
    print(format_table(result))
    serialize(execute(store, question("cooccurring").text, {"name": "成都市政协"}), "csv", sys.stdout.buffer)

Queries run on pyoxigraph with every prefix of kg.vocab.PREFIXES predeclared. Ready-made questions are the
``.rq`` files in ontology/queries/; each starts with comment lines::

    # zh: 与给定实体在同一句中共同出现的实体
    # en: Entities mentioned in the same sentences as a given entity
    # param: name | 成都市政协 | 实体名称 / entity name | @zh

A parameter is bound to one literal by SPARQL substitution (SEP-0007, pyoxigraph's ``substitutions``), never
pasted into the query text, so a value cannot change the query; the variable must be projected. The optional
fourth field gives the literal's kind: ``@zh`` for a name matched against labels (``?e rdfs:label ?name`` then
finds it through the store's index, where ``FILTER(STR(?l) = ?name)`` would read every label in the graph),
or a datatype such as ``xsd:integer``; without it the literal is a plain string.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Literal, TypeAlias, TypeVar

import pyoxigraph as ox

from kg.errors import ConfigError, QueryError
from kg.report import format_rows
from kg.vocab import ONTOLOGY_DIR, PREFIXES

QUERIES_DIR = ONTOLOGY_DIR / "queries"

RESULT_FORMATS: dict[str, ox.QueryResultsFormat] = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}
GRAPH_FORMATS: dict[str, ox.RdfFormat] = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "rdfxml": ox.RdfFormat.RDF_XML,
    "jsonld": ox.RdfFormat.JSON_LD,
}

LiveResult: TypeAlias = ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples
T = TypeVar("T")
Term: TypeAlias = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple

_UPDATE_START = re.compile(
    r"^(?:\s|#[^\n]*\n)*(?:(?:PREFIX\s+[^:\s]*:\s*<[^>]*>|BASE\s+<[^>]*>)(?:\s|#[^\n]*\n)*)*"
    r"(INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD|WITH)\b",
    re.IGNORECASE,
)
# Strings, IRIs and comments (whose text is not SPARQL keywords), and the SERVICE keyword itself.
_OPAQUE = re.compile(
    r"'''.*?'''|\"\"\".*?\"\"\"|'(?:[^'\\\n]|\\.)*'|\"(?:[^\"\\\n]|\\.)*\"|<[^<>\"{}|^`\\\x00-\x20]*>|#[^\n]*",
    re.DOTALL,
)
_SERVICE = re.compile(r"(?<![?$:\w])SERVICE(?![\w:])", re.IGNORECASE)
_CODEPOINT = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_NESTING = re.compile(r"[{}()\[\]]")
_ELEMENT = re.compile(r"[{.;,]|\b(?:BIND|OPTIONAL|MINUS|FILTER|UNION|GRAPH|EXISTS|SELECT)\b|[/|]", re.IGNORECASE)

MAX_NESTING = 128
"""deepest nesting of { ( [ a query may have: real queries stay under 20; pyoxigraph's recursive parser and
evaluator overflow the stack at a few thousand levels (a crash, not an error)"""
MAX_ELEMENTS = 4000
"""most patterns, clauses and path steps a query may have (a chain of BINDs nests in the algebra too)"""
STACK_BYTES = 256 << 20
"""stack of the thread that runs a query: 32x the main thread's (on which 3,000 chained MINUS or BIND already
crash), a wide margin above the limits; only the pages a query touches are used"""
_HEADER = re.compile(r"#\s*(zh|en|param)\s*:\s*(.*)")
_NAME = re.compile(r"[a-z][a-z0-9-]*")
_KIND = re.compile(r"(?:@[a-z]{2,3}(?:-[A-Za-z0-9]+)*|(?:xsd):[A-Za-z]+)?")


# ---------------------------------------------------------------------------- ready-made questions


@dataclass(frozen=True)
class Param:
    name: str
    example: str
    description: str
    kind: str = ""
    """empty (a plain string), @<language> (e.g. @zh), or a prefixed datatype such as xsd:integer"""

    def term(self, value: str) -> ox.Literal:
        """``value`` as the literal this parameter binds."""
        if self.kind.startswith("@"):
            return ox.Literal(value, language=self.kind[1:])
        if self.kind:
            prefix, _, local = self.kind.partition(":")
            return ox.Literal(value, datatype=ox.NamedNode(PREFIXES[prefix] + local))
        return ox.Literal(value)


@dataclass(frozen=True)
class Question:
    """A ready-made query shipped as ``ontology/queries/<name>.rq``."""

    name: str
    path: Path
    zh: str
    en: str
    params: tuple[Param, ...]
    text: str

    def examples(self) -> dict[str, str]:
        return {p.name: p.example for p in self.params}


def parse_question(path: Path) -> Question:
    """Read one ``.rq`` file and its header comments (zh, en, and any param lines)."""
    text = path.read_text(encoding="utf-8")
    fields, params = _header(text, str(path))
    missing = [key for key in ("zh", "en") if not fields.get(key)]
    if missing:
        raise ConfigError(f"{path}: the header lacks {' and '.join(f'`# {k}: …`' for k in missing)}; add a description")
    if not _NAME.fullmatch(path.stem):
        raise ConfigError(f"{path}: name queries in lower case with hyphens (e.g. topics-by-place.rq)")
    return Question(path.stem, path, fields["zh"], fields["en"], tuple(params), text)


def _header(text: str, where: str) -> tuple[dict[str, str], list[Param]]:
    """The zh/en fields and the parameters declared by the leading comment lines of a query."""
    fields: dict[str, str] = {}
    params: list[Param] = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        match = _HEADER.match(line)
        if not match:
            continue
        key, value = match.groups()
        if key == "param":
            parts = [part.strip() for part in value.split("|")]
            kind = parts[3] if len(parts) == 4 else ""
            if len(parts) not in (3, 4) or not parts[0].isidentifier() or not _KIND.fullmatch(kind):
                raise ConfigError(f"{where}: bad param line {line!r}; write `# param: NAME | EXAMPLE | DESCRIPTION` "
                                  "and optionally `| @zh` (a label) or `| xsd:integer` (a datatype)")  # fmt: skip
            params.append(Param(parts[0], parts[1], parts[2], kind))
        else:
            fields[key] = value.strip()
    return fields, params


def questions(folder: Path = QUERIES_DIR) -> list[Question]:
    """Every ready-made question, by name."""
    return [parse_question(path) for path in sorted(folder.glob("*.rq"))]


def question(name: str, folder: Path = QUERIES_DIR) -> Question:
    path = folder / f"{name}.rq"
    if not _NAME.fullmatch(name) or not path.is_file():
        known = ", ".join(q.name for q in questions(folder))
        raise QueryError(f"no ready-made query {name!r} in {folder}; choose from: {known} (or see `kg query --list`)")
    return parse_question(path)


def resolve(spec: str, folder: Path = QUERIES_DIR) -> tuple[str, Question | None]:
    """What ``kg query SPEC`` runs: a ready-made question's name, a ``.rq`` file, or SPARQL text itself."""
    if _NAME.fullmatch(spec) and (folder / f"{spec}.rq").is_file():
        q = question(spec, folder)
        return q.text, q
    if spec.endswith((".rq", ".sparql")) or ("{" not in spec and _is_file(spec)):
        path = Path(spec)
        try:
            return path.read_text(encoding="utf-8"), None
        except (OSError, UnicodeDecodeError) as exc:
            raise QueryError(f"{path}: cannot read the query file ({exc}); check the path") from exc
    if _NAME.fullmatch(spec):
        raise QueryError(f"{spec!r} is neither SPARQL nor a ready-made query; see `kg query --list`")
    return spec, None


def _is_file(spec: str) -> bool:
    try:
        return Path(spec).is_file()
    except OSError:  # e.g. a name too long for the file system: then it is query text, not a path
        return False


def bindings(params: Mapping[str, str], q: Question | None = None, text: str = "") -> dict[ox.Variable, Term]:
    """Parameter values as literals for SPARQL substitution, checked against the question's params; a value is
    typed as its ``# param:`` line in the question (or in ``text``'s header) says, else a plain string."""
    if q is not None:
        declared = {p.name: p for p in q.params}
        unknown = sorted(set(params) - set(declared))
        if unknown:
            usable = ", ".join(declared) or "none"
            raise QueryError(f"query {q.name!r} has no parameter {', '.join(unknown)}; its parameters: {usable}")
        missing = [p for p in q.params if p.name not in params]
        if missing:
            hint = " ".join(f"--param {p.name}={p.example}" for p in missing)
            raise QueryError(f"query {q.name!r} needs {', '.join(p.name for p in missing)}: e.g. {hint}")
    declared_params = q.params if q is not None else tuple(_header(text, "the query")[1]) if params and text else ()
    kinds = {p.name: p for p in declared_params}
    out: dict[ox.Variable, Term] = {}
    for name, value in params.items():
        if not name.isidentifier():
            raise QueryError(f"parameter name {name!r} is not a SPARQL variable name; use letters, digits and _")
        out[ox.Variable(name)] = kinds[name].term(value) if name in kinds else ox.Literal(value)
    return out


def parse_params(items: Iterable[str]) -> dict[str, str]:
    """``["name=成都市政协"]`` → ``{"name": "成都市政协"}`` (the CLI's repeated ``--param``)."""
    out: dict[str, str] = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise QueryError(f"--param {item!r}: write NAME=VALUE, e.g. --param name=成都市政协")
        out[name.strip()] = value
    return out


# ---------------------------------------------------------------------------- running


def is_update(text: str) -> bool:
    """True when ``text`` is a SPARQL Update (INSERT, DELETE, LOAD …), to refuse it with a clear message."""
    return bool(_UPDATE_START.match(text))


def uses_service(text: str) -> bool:
    """True when ``text`` has a SERVICE clause (a federated query would make pyoxigraph fetch over HTTP).

    \\u escapes are decoded first, as the SPARQL parser does; strings, IRIs and comments are ignored."""
    decoded = _CODEPOINT.sub(_decode_codepoint, text)
    return bool(_SERVICE.search(_OPAQUE.sub(" ", decoded)))


def _decode_codepoint(match: re.Match[str]) -> str:
    value = int(match.group(1) or match.group(2), 16)
    return chr(value) if value <= 0x10FFFF else match.group(0)


def is_refused(text: str) -> bool:
    """True for what a read-only, offline graph refuses: updates and SERVICE clauses."""
    return is_update(text) or uses_service(text)


def check_shape(text: str) -> None:
    """Refuse, before parsing, a query nested deeper than MAX_NESTING or longer than MAX_ELEMENTS patterns:
    pyoxigraph would recurse that deep and crash the process instead of answering."""
    code = _OPAQUE.sub(" ", text)
    depth = deepest = 0
    for match in _NESTING.finditer(code):
        depth += 1 if match.group(0) in "{([" else -1
        deepest = max(deepest, depth)
    if deepest > MAX_NESTING:
        raise QueryError(f"the query nests {deepest} levels deep ({{ ( [); the limit is {MAX_NESTING}: flatten it")
    elements = sum(1 for _ in _ELEMENT.finditer(code))
    if elements > MAX_ELEMENTS:
        raise QueryError(f"the query has {elements:,} patterns and clauses; the limit is {MAX_ELEMENTS:,}: split it or use VALUES")


def on_deep_stack(function: Callable[[], T]) -> T:
    """``function()`` run in a thread with a STACK_BYTES stack (pyoxigraph parses and evaluates recursively);
    its result returned, its exception raised here."""
    outcome: list[T] = []
    failure: list[BaseException] = []

    def run() -> None:
        try:
            outcome.append(function())
        except BaseException as exc:  # handed to the caller, which raises it
            failure.append(exc)

    with _STACK_LOCK:
        previous = threading.stack_size(STACK_BYTES)
        try:
            thread = threading.Thread(target=run, name="kg-query")
            thread.start()
        finally:
            threading.stack_size(previous)
    thread.join()
    if failure:
        raise failure[0]
    return outcome[0]


_STACK_LOCK = threading.Lock()


def execute(store: ox.Store, text: str, params: Mapping[str, str] | None = None) -> LiveResult:
    """Run a query and return pyoxigraph's (lazy) result; a malformed, too deeply nested or refused query
    raises QueryError. Iterate the result inside on_deep_stack too: evaluation recurses like parsing."""
    check_shape(text)
    if is_update(text):
        raise QueryError("SPARQL Update is refused: the graph is read-only; rebuild it with `kg build` to change it")
    if uses_service(text):
        raise QueryError("SERVICE (federated query) is refused: queries run on the local graph only, without network access")
    try:
        result: LiveResult = store.query(text, prefixes=PREFIXES, substitutions=bindings(params or {}, text=text) or None)
    except SyntaxError as exc:
        raise QueryError(f"malformed query: {_one_line(str(exc))}") from exc
    except RuntimeError as exc:  # e.g. a substituted variable that the query does not project
        raise QueryError(f"query refused: {exc}") from exc
    return result


@dataclass(frozen=True)
class Result:
    """A query result held in memory: rows for SELECT, a boolean for ASK, triples for CONSTRUCT/DESCRIBE."""

    kind: Literal["select", "ask", "graph"]
    variables: tuple[str, ...] = ()
    rows: tuple[tuple[Term | None, ...], ...] = ()
    boolean: bool | None = None
    triples: tuple[ox.Triple, ...] = ()

    def values(self) -> list[dict[str, str]]:
        """Rows as {variable: lexical value} (unbound variables left out): handy in notebooks and tests."""
        return [{v: t.value for v, t in zip(self.variables, row) if t is not None and hasattr(t, "value")} for row in self.rows]


def run_query(store: ox.Store, text: str, params: Mapping[str, str] | None = None) -> Result:
    """Run a query and hold its whole result in memory (for Python callers and the terminal table)."""
    return materialize(execute(store, text, params))


def materialize(live: LiveResult) -> Result:
    if isinstance(live, ox.QueryBoolean):
        return Result("ask", boolean=bool(live))
    if isinstance(live, ox.QueryTriples):
        return Result("graph", triples=tuple(live))
    names = tuple(v.value for v in live.variables)
    rows = tuple(tuple(solution) for solution in live)  # terms in projection order, None when unbound
    return Result("select", variables=names, rows=rows)


def serialize(live: LiveResult, fmt: str, output: IO[bytes]) -> None:
    """Write a result in a standard format: json/xml/csv/tsv for SELECT and ASK, turtle/ntriples/rdfxml/jsonld
    for CONSTRUCT and DESCRIBE (Turtle with the project's prefixes)."""
    if isinstance(live, ox.QueryTriples):
        if fmt not in GRAPH_FORMATS:
            raise QueryError(f"CONSTRUCT/DESCRIBE give a graph: choose --format from {', '.join(GRAPH_FORMATS)}")
        prefixes = PREFIXES if GRAPH_FORMATS[fmt] in (ox.RdfFormat.TURTLE, ox.RdfFormat.RDF_XML) else None
        ox.serialize(live, output, format=GRAPH_FORMATS[fmt], prefixes=prefixes)
        return
    if fmt not in RESULT_FORMATS:
        raise QueryError(f"SELECT/ASK give result rows: choose --format from {', '.join(RESULT_FORMATS)}")
    live.serialize(output, format=RESULT_FORMATS[fmt])


# ---------------------------------------------------------------------------- terminal tables


def short(term: Term | None, prefixes: Mapping[str, str] = PREFIXES) -> str:
    """A term as a reader wants it in a table: prefixed names, literals by their text."""
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        iri = term.value
        best = max((ns for ns in prefixes.values() if iri.startswith(ns)), key=len, default=None)
        if best is not None:
            prefix = next(p for p, ns in prefixes.items() if ns == best)
            return f"{prefix}:{iri[len(best):]}"
        return f"<{iri}>"
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Literal):
        return term.value
    return str(term)


def format_table(result: Result, *, max_width: int = 60) -> str:
    """A result for the terminal: a table for SELECT, true/false for ASK, Turtle for a graph."""
    if result.kind == "ask":
        return "true" if result.boolean else "false"
    if result.kind == "graph":
        turtle = ox.serialize(result.triples, format=ox.RdfFormat.TURTLE, prefixes=PREFIXES) or b""
        return turtle.decode("utf-8").rstrip()
    table = format_rows(result.variables, ([short(t) for t in row] for row in result.rows), max_width=max_width)
    count = len(result.rows)
    return f"{table}\n({count} row{'' if count == 1 else 's'})"


def format_questions(items: Sequence[Question]) -> str:
    rows = [(q.name, " ".join(f"{p.name}={p.example}" for p in q.params), q.zh, q.en) for q in items]
    return format_rows(("name", "params (example)", "问题", "question"), rows)


def _one_line(message: str, limit: int = 300) -> str:
    """A parser message on one line, its long lists of expected characters cut."""
    message = " ".join(message.split())
    return message if len(message) <= limit else message[: limit - 1] + "…"
