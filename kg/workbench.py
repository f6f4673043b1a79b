"""The SPARQL workbench `kg serve` shows at GET /sparql (without a query): YASGUI with our questions.

    GET /sparql                 → page(): YASGUI (npm @zazuko/yasgui) + the ready-made questions + statistics
    GET /workbench/<file>       → asset(): YASGUI's and Chart.js's files from node_modules, ours from the package

The page loads nothing from the network: every script and style comes from the endpoint itself. YASGUI and
Chart.js are npm packages (package.json at the repository top, installed by `make`); the endpoint finds
them in ``$KG_NODE_MODULES``, ``kg serve --assets DIR``, or the ``node_modules/`` folder beside the package
(a source checkout). When they are missing (e.g. a ``pip install`` without npm), the page says so and how to
fix it, and offers a plain form that still runs queries.

Ready-made questions (ontology/queries/*.rq, read at every request so new ones appear without a restart)
become one-click examples. A question's parameters are bound in its text as a ``VALUES`` row with the
example values at the top of its WHERE clause, so the user sees and edits them; the endpoint predeclares
every prefix of kg.vocab.PREFIXES, so the text needs no PREFIX lines. Class and property completions come
from the graph's VoID description (kg.void), not from the network.
"""

from __future__ import annotations

import html
import json
import os
import re
import urllib.parse
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kg import query
from kg.vocab import PREFIXES
from kg.void import Statistics

OWN_ASSETS = Path(__file__).resolve().parent / "workbench_assets"
NPM_ASSETS: dict[str, str] = {
    "yasgui.min.js": "@zazuko/yasgui/build/yasgui.min.js",
    "yasgui.min.css": "@zazuko/yasgui/build/yasgui.min.css",
    "chart.umd.min.js": "chart.js/dist/chart.umd.min.js",
}
OWN: tuple[str, ...] = ("workbench.js", "workbench.css")
MEDIA = {".js": "text/javascript", ".css": "text/css"}

_WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)
# what a script element must not contain raw: its end tag, comment openers, and JavaScript line separators
_SCRIPT_UNSAFE = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"})


def find_node_modules(explicit: Path | None = None) -> Path | None:
    """Where YASGUI and Chart.js are: ``explicit`` when given (only there), else ``$KG_NODE_MODULES``, else
    ``node_modules/`` of the source checkout; None when the folder lacks them."""
    if explicit is not None:
        candidates = [explicit]
    elif os.environ.get("KG_NODE_MODULES"):
        candidates = [Path(os.environ["KG_NODE_MODULES"])]
    else:
        candidates = [Path(__file__).resolve().parent.parent / "node_modules"]
    for folder in candidates:
        if all((folder / relative).is_file() for relative in NPM_ASSETS.values()):
            return folder
    return None


def example_text(q: query.Question) -> str:
    """What the workbench puts in the editor: the question's text with PREFIX lines for the prefixes it uses
    (the endpoint predeclares them, but so the text is whole SPARQL, for the editor's checker and for any other
    endpoint) and its parameters bound to their examples by a VALUES row at the top of its WHERE clause."""
    return with_prefixes(_with_examples(q))


def with_prefixes(text: str) -> str:
    """``text`` with a PREFIX line for each prefix of kg.vocab.PREFIXES it uses and does not declare, after
    its leading comment lines."""
    code = query._OPAQUE.sub(lambda m: " " * len(m.group(0)), text)
    declared = {m.group(1) for m in re.finditer(r"\bPREFIX\s+([\w.-]*):", code, re.IGNORECASE)}
    used = [p for p in PREFIXES if p not in declared and re.search(rf"(?<![\w.:?$-]){re.escape(p)}:", code)]
    if not used:
        return text
    lines = text.splitlines(keepends=True)
    head = 0
    while head < len(lines) and lines[head].lstrip().startswith("#"):
        head += 1
    block = "".join(f"PREFIX {p}: <{PREFIXES[p]}>\n" for p in used)
    return "".join(lines[:head]) + block + "".join(lines[head:])


def _with_examples(q: query.Question) -> str:
    """The question with a VALUES row of its examples at the top of its WHERE clause, or, when the clause is
    a UNION of groups, at the top of each group (pyoxigraph evaluates a UNION before joining it with what
    surrounds it: bound inside each group, the example is looked up by index instead of the whole graph
    being read)."""
    if not q.params:
        return q.text
    code = _blank_comments(q.text)
    match = _WHERE.search(code)
    if match is None:
        raise query.QueryError(f"{q.path}: a question with parameters needs a WHERE clause for the workbench to bind them")
    names = " ".join(f"?{p.name}" for p in q.params)
    values = " ".join(sparql_literal(p.example, p.kind) for p in q.params)
    notes = "; ".join(f"{p.name}: {p.description}" for p in q.params)
    row = f"VALUES {names} {{ {values} }}" if len(q.params) == 1 else f"VALUES ({names}) {{ ({values}) }}"
    row = f"{row}  # {_one_line(notes)}"
    groups = _union_groups(code, match.end())
    if not groups:
        return q.text[: match.end()] + "\n  " + row + q.text[match.end():]
    out, last = [], 0
    for at in groups:
        out += [q.text[last:at], "\n    " + row]
        last = at
    return "".join(out) + q.text[last:]


def _union_groups(code: str, start: int) -> list[int]:
    """Where the groups of a WHERE clause that is one UNION of groups open (just after each ``{``), or []
    when the clause holds anything else at its top level. ``code`` has strings and comments blanked;
    ``start`` is just after the clause's ``{``."""
    opened: list[int] = []
    depth = 0
    between = ""
    for index in range(start, len(code)):
        char = code[index]
        if char == "{":
            if depth == 0:
                if between.strip() not in ("", "UNION"):
                    return []
                opened.append(index + 1)
                between = ""
            depth += 1
        elif char == "}":
            if depth == 0:
                return opened if len(opened) > 1 and not between.strip() else []
            depth -= 1
        elif depth == 0:
            between += char
    return []


def sparql_literal(value: str, kind: str = "") -> str:
    """``value`` as the SPARQL literal of a parameter of this kind ("", "@zh", "xsd:integer" …)."""
    text = sparql_string(value)
    return text + kind if kind.startswith("@") else f"{text}^^{kind}" if kind else text


def sparql_string(value: str) -> str:
    """``value`` as a SPARQL string literal."""
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")
    return f'"{escaped}"'


def _blank_comments(text: str) -> str:
    """``text`` with comments and strings blanked (IRIs kept), same length."""
    return query._OPAQUE.sub(lambda m: m.group(0) if m.group(0).startswith("<") else " " * len(m.group(0)), text)


def _one_line(text: str) -> str:
    return " ".join(text.split())


@dataclass(frozen=True)
class Workbench:
    """The workbench of one endpoint: where its files are, and what it tells the page about the graph."""

    node_modules: Path | None
    graph: str
    stats: Statistics | None

    def asset(self, name: str) -> tuple[str, bytes] | None:
        """(media type, bytes) of a workbench file, or None when there is no such file."""
        if name in OWN:
            path = OWN_ASSETS / name
        elif name in NPM_ASSETS and self.node_modules is not None:
            path = self.node_modules / NPM_ASSETS[name]
        else:
            return None
        return MEDIA[path.suffix], path.read_bytes()

    def config(self) -> dict[str, Any]:
        questions = [
            {"name": q.name, "zh": q.zh, "en": q.en, "text": example_text(q),
             "params": [{"name": p.name, "example": p.example, "description": p.description, "kind": p.kind} for p in q.params]}
            for q in query.questions()
        ]  # fmt: skip
        stats = self.stats
        return {
            "endpoint": "/sparql",
            "graph": self.graph,
            "prefixes": PREFIXES,
            "questions": questions,
            "statistics": None if stats is None else {
                "triples": stats.triples,
                "entities": stats.entities,
                "classes": dict(sorted(stats.classes.items())),
                "properties": {p: n for p, (n, _) in sorted(stats.properties.items())},
            },
        }  # fmt: skip

    def page(self) -> str:
        if self.node_modules is None:
            return self.fallback_page()
        data = json.dumps(self.config(), ensure_ascii=False, sort_keys=True).translate(_SCRIPT_UNSAFE)
        return f"""<!doctype html>
<html lang="zh">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>cppcc-kg SPARQL 查询台 / query workbench</title>
<link rel="stylesheet" href="/workbench/yasgui.min.css">
<link rel="stylesheet" href="/workbench/workbench.css">
</head>
<body>
<header id="kg-header">
  <h1>cppcc-kg SPARQL 查询台 <span lang="en">query workbench</span></h1>
  <p id="kg-stats"></p>
  <nav><a href="/">网络图 / network page</a></nav>
</header>
<main>
  <aside id="kg-questions" aria-label="现成问题 / ready-made questions">
    <h2>现成问题 <span lang="en">Ready-made questions</span></h2>
    <p class="kg-hint">点击即运行(参数已填入示例值,可在查询中修改)。<span lang="en">Click to run; parameters hold their examples: edit them in the query.</span></p>
    <ul id="kg-question-list"></ul>
  </aside>
  <section id="kg-work">
    <div id="kg-toolbar">
      <span class="kg-hint">前缀已预先声明 <span lang="en">prefixes are predeclared</span>: <code id="kg-prefix-list"></code></span>
      <span class="kg-downloads">下载结果 / download:
        <button type="button" id="kg-download-csv">CSV</button>
        <button type="button" id="kg-download-json">JSON</button>
      </span>
      <span id="kg-download-status" role="status"></span>
    </div>
    <div id="yasgui"></div>
  </section>
</main>
<script type="application/json" id="kg-config">{data}</script>
<script src="/workbench/chart.umd.min.js"></script>
<script src="/workbench/yasgui.min.js"></script>
<script src="/workbench/workbench.js"></script>
</body>
</html>
"""

    def fallback_page(self) -> str:
        """The page without YASGUI: what is missing, how to get it, and a plain form that still works."""
        items = []
        for q in query.questions():
            link = "/sparql?" + urllib.parse.urlencode({"query": example_text(q), "format": "csv"})
            items.append(f'<li><a href="{html.escape(link)}">{html.escape(q.name)}</a>: {html.escape(q.zh)} / {html.escape(q.en)}</li>')
        looked = ", ".join(NPM_ASSETS.values())
        return f"""<!doctype html>
<html lang="zh"><head><meta charset="utf-8"><title>cppcc-kg SPARQL endpoint</title></head>
<body>
<h1>cppcc-kg SPARQL endpoint</h1>
<div id="kg-missing-workbench" role="alert">
<p><b>查询编辑器未安装。The query editor (YASGUI) is not installed.</b> It is an npm package that is not part of the
Python package. In a source checkout run <code>make npm</code> (or <code>npm ci</code> at the repository top); otherwise
install it anywhere with <code>npm install @zazuko/yasgui chart.js</code> and start the endpoint with
<code>kg serve --assets PATH/node_modules</code> (or set <code>KG_NODE_MODULES</code>). Looked for: {html.escape(looked)}.</p>
<p>The endpoint itself works: this plain form runs queries, and any SPARQL client can use <code>/sparql</code>.</p>
</div>
<p>Graph: {html.escape(self.graph)}{"" if self.stats is None else f" ({self.stats.triples:,} triples)"}.</p>
<form action="/sparql" method="get">
<textarea name="query" rows="8" cols="90">SELECT ?body ?platform WHERE {{ ?b cppcc:runsPlatform ?p ; rdfs:label ?body . ?p rdfs:label ?platform }}</textarea><br>
<select name="format"><option>csv</option><option>json</option><option>xml</option><option>tsv</option><option>turtle</option></select>
<button type="submit">Run</button>
</form>
<h2>Ready-made questions</h2>
<ul>
{chr(10).join(items)}
</ul>
</body></html>
"""
