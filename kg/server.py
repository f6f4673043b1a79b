"""`kg serve`: a read-only SPARQL 1.1 Protocol endpoint at /sparql, and the network page at /.

    HTTP (stdlib ThreadingHTTPServer, 127.0.0.1 by default)
      ├── /sparql   GET ?query=…, POST application/x-www-form-urlencoded or application/sparql-query
      │              → QueryPool: worker processes, each with the on-disk store open read-only
      └── /         exports/cppcc.html and the files beside it, or a plain index naming the endpoint

Time limit. pyoxigraph cannot interrupt a running query, so queries never run in the server process: each
runs in one of a few worker processes, and the request thread waits for the answer until the deadline. A
worker that misses it is killed (SIGKILL) and replaced by a fresh one, and the client gets HTTP 503. All
workers open the same RocksDB store read-only (made once by kg.export.store), so a worker starts in about a
second whatever the graph size, and memory is shared through the page cache rather than copied.

Size limits. A query longer than ``max_query_bytes`` gets 413. A result is serialised by pyoxigraph into a
buffer that refuses to grow past ``max_result_bytes``: the query is stopped and the client gets 422 with the
limit and a hint to add LIMIT. Updates (the ``update`` parameter, application/sparql-update, or an update
sent as a query) and SERVICE clauses (pyoxigraph would fetch them over HTTP) get 403; a malformed query gets 400 with the parser's message; an Accept header that
names no format we can write for that query form gets 406.
"""

from __future__ import annotations

import html
import io
import mimetypes
import multiprocessing
import queue
import threading
import time
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from kg.errors import QueryError
from kg.workbench import Workbench

# Media types we can write, per query form; the first of each list is the canonical one we answer with.
RESULT_MEDIA: dict[str, list[str]] = {
    "json": ["application/sparql-results+json", "application/json"],
    "xml": ["application/sparql-results+xml", "application/xml", "text/xml"],
    "csv": ["text/csv"],
    "tsv": ["text/tab-separated-values"],
}
GRAPH_MEDIA: dict[str, list[str]] = {
    "turtle": ["text/turtle", "application/turtle", "application/x-turtle", "text/n3"],
    "ntriples": ["application/n-triples", "text/plain"],
    "rdfxml": ["application/rdf+xml", "application/xml", "text/xml"],
    "jsonld": ["application/ld+json", "application/json"],
}
# Values of the (non-standard but common) ``format``/``output`` parameters, as media types.
FORMAT_PARAM: dict[str, list[str]] = {
    "json": ["application/sparql-results+json", "application/ld+json"],
    "xml": ["application/sparql-results+xml", "application/rdf+xml"],
    "csv": ["text/csv"],
    "tsv": ["text/tab-separated-values"],
    "turtle": ["text/turtle"],
    "n3": ["text/turtle"],
    "ntriples": ["application/n-triples"],
    "rdfxml": ["application/rdf+xml"],
    "rdf+xml": ["application/rdf+xml"],
    "jsonld": ["application/ld+json"],
    "json-ld": ["application/ld+json"],
}
DEFAULT_FORMAT = {"results": "json", "graph": "turtle"}


@dataclass(frozen=True)
class Limits:
    timeout: float = 30.0
    max_query_bytes: int = 64 * 1024
    max_result_bytes: int = 32 * 1024 * 1024
    workers: int = 2


class Refused(Exception):
    """A request answered with an HTTP error status and a plain-text message."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class Answer:
    media_type: str
    body: bytes


# ---------------------------------------------------------------------------- content negotiation


def parse_accept(header: str) -> list[str]:
    """Media ranges of an Accept header, best first (by q, then as written); q=0 ranges are dropped."""
    ranked: list[tuple[float, int, str]] = []
    for index, part in enumerate(header.split(",")):
        media, *params = [p.strip() for p in part.split(";")]
        if not media:
            continue
        q = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if q > 0:
            ranked.append((-q, index, media.lower()))
    return [media for _, _, media in sorted(ranked)]


def choose_format(accepts: list[str], kind: str) -> tuple[str, str] | None:
    """(format name, media type) for a result of ``kind`` ("results" or "graph"), or None if none is acceptable.

    Media ranges are tried best first; within one range, the default format (JSON or Turtle) wins."""
    table = RESULT_MEDIA if kind == "results" else GRAPH_MEDIA
    default = DEFAULT_FORMAT[kind]
    order = [default] + [name for name in table if name != default]
    for media in accepts or ["*/*"]:
        for name in order:
            for candidate in table[name]:
                if media == candidate or media == "*/*" or (media.endswith("/*") and candidate.startswith(media[:-1])):
                    return name, candidate
    return None


# ---------------------------------------------------------------------------- worker processes


class _Capped(io.BytesIO):
    """An in-memory file that refuses to grow past ``limit`` bytes (stops the serialisation of huge results)."""

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit
        self.overflow = False

    def write(self, data: Any) -> int:
        if self.tell() + len(data) > self.limit:
            self.overflow = True
            raise OSError(f"result larger than {self.limit} bytes")
        return super().write(data)


def _answer(store: Any, job: tuple[str, dict[str, str], list[str]], max_bytes: int) -> tuple[str, int, str, bytes]:
    """Run one job in a worker: ("ok", 200, media type, body) or ("error", status, message, b"")."""
    import pyoxigraph as ox

    from kg import query

    text, params, accepts = job
    try:
        live = query.execute(store, text, params)
    except QueryError as exc:
        status = HTTPStatus.FORBIDDEN if query.is_refused(text) else HTTPStatus.BAD_REQUEST
        return "error", status, str(exc), b""
    kind = "graph" if isinstance(live, ox.QueryTriples) else "results"
    chosen = choose_format(accepts, kind)
    if chosen is None:
        offered = ", ".join(t[0] for t in (RESULT_MEDIA if kind == "results" else GRAPH_MEDIA).values())
        return "error", HTTPStatus.NOT_ACCEPTABLE, f"no acceptable format for this query; this endpoint writes {offered}", b""
    name, media = chosen
    sink = _Capped(max_bytes)
    try:
        query.serialize(live, name, sink)
    except OSError as exc:
        if sink.overflow:
            message = f"the result is larger than the {max_bytes:,}-byte limit; add LIMIT or select fewer variables"
            return "error", HTTPStatus.UNPROCESSABLE_ENTITY, message, b""
        return "error", HTTPStatus.INTERNAL_SERVER_ERROR, f"cannot read the store: {exc}", b""
    except (RuntimeError, ValueError) as exc:  # evaluation errors pyoxigraph raises while iterating
        return "error", HTTPStatus.BAD_REQUEST, f"query failed: {exc}", b""
    return "ok", HTTPStatus.OK, media, sink.getvalue()


def _worker_main(conn: Connection, store_dir: str, max_bytes: int) -> None:
    """A worker process: open the store read-only, answer jobs until told to stop (None) or the pipe closes."""
    import pyoxigraph as ox

    store = ox.Store.read_only(store_dir)
    conn.send(("ready", 0, "", b""))
    while True:
        try:
            job = conn.recv()
        except EOFError:
            return
        if job is None:
            return
        conn.send(_answer(store, job, max_bytes))


@dataclass(eq=False)  # identity: workers live in a set
class _Worker:
    process: multiprocessing.process.BaseProcess
    conn: Connection


class QueryPool:
    """Worker processes that run queries against one read-only store, each query with a deadline."""

    def __init__(self, store_dir: Path, limits: Limits) -> None:
        self.store_dir = store_dir
        self.limits = limits
        self._context = multiprocessing.get_context("spawn")  # never fork a threaded server
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        for _ in range(max(1, limits.workers)):
            self._idle.put(self._start())

    def run(self, text: str, params: Mapping[str, str], accepts: list[str]) -> Answer:
        deadline = time.monotonic() + self.limits.timeout
        try:
            worker = self._idle.get(timeout=self.limits.timeout)
        except queue.Empty:
            raise Refused(HTTPStatus.SERVICE_UNAVAILABLE, f"all {self.limits.workers} query workers stayed busy for {self.limits.timeout:g} s; try again later") from None
        try:
            worker.conn.send((text, dict(params), accepts))
            if not worker.conn.poll(max(0.0, deadline - time.monotonic())):
                worker = self._replace(worker)
                raise Refused(
                    HTTPStatus.SERVICE_UNAVAILABLE,
                    f"the query ran past the {self.limits.timeout:g} s time limit and was stopped; narrow it or add LIMIT",
                )
            status_word, status, info, body = worker.conn.recv()
        except (EOFError, OSError) as exc:
            worker = self._replace(worker)
            raise Refused(HTTPStatus.INTERNAL_SERVER_ERROR, f"the query worker died ({exc}); the query may need too much memory") from exc
        finally:
            self._idle.put(worker)
        if status_word != "ok":
            raise Refused(status, info)
        return Answer(info, body)

    def close(self) -> None:
        with self._lock:
            workers, self._all = list(self._all), set()
        for worker in workers:
            self._stop(worker)

    def _start(self) -> _Worker:
        parent, child = self._context.Pipe()
        process = self._context.Process(
            target=_worker_main, args=(child, str(self.store_dir), self.limits.max_result_bytes), daemon=True
        )
        process.start()
        child.close()
        try:
            ready = parent.poll(60) and parent.recv()[0] == "ready"
        except EOFError:  # the worker died opening the store; its traceback is on stderr
            ready = False
        if not ready:
            process.kill()
            raise QueryError(f"{self.store_dir}: a query worker could not open the store; delete the folder to have it rebuilt")
        worker = _Worker(process, parent)
        with self._lock:
            self._all.add(worker)
        return worker

    def _replace(self, worker: _Worker) -> _Worker:
        with self._lock:
            self._all.discard(worker)
        worker.process.kill()
        worker.process.join(5)
        worker.conn.close()
        return self._start()

    def _stop(self, worker: _Worker) -> None:
        try:
            worker.conn.send(None)
        except OSError:
            pass  # already gone: nothing to tell it
        worker.process.join(2)
        if worker.process.is_alive():
            worker.process.kill()
            worker.process.join(2)
        worker.conn.close()


# ---------------------------------------------------------------------------- HTTP


@dataclass(frozen=True)
class Site:
    """What `/` serves: the network page and the files beside it, or a plain index."""

    page: Path | None
    graph: str
    triples: int


class Handler(BaseHTTPRequestHandler):
    server_version = "cppcc-kg"
    pool: QueryPool
    limits: Limits
    site: Site
    workbench: Workbench
    quiet = False

    # -- routing

    def do_GET(self) -> None:
        url = urllib.parse.urlsplit(self.path)
        if url.path == "/sparql":
            self._guard(lambda: self._get_sparql(urllib.parse.parse_qs(url.query, keep_blank_values=True)))
        elif url.path.startswith("/workbench/"):
            self._guard(lambda: self._workbench_file(url.path.removeprefix("/workbench/")))
        else:
            self._guard(lambda: self._static(url.path))

    def do_POST(self) -> None:
        url = urllib.parse.urlsplit(self.path)
        self._guard(lambda: self._post(url))

    def do_OPTIONS(self) -> None:
        self.send_response(HTTPStatus.NO_CONTENT)
        self._cors()
        self.send_header("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
        self.send_header("Access-Control-Allow-Headers", "Content-Type, Accept")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        if not self.quiet:
            super().log_message(format, *args)

    # -- SPARQL

    def _post(self, url: urllib.parse.SplitResult) -> None:
        if url.path != "/sparql":
            raise Refused(HTTPStatus.METHOD_NOT_ALLOWED, "POST only to /sparql")
        kind = self.headers.get("Content-Type", "").split(";")[0].strip().lower()
        body = self._body()
        params = urllib.parse.parse_qs(url.query, keep_blank_values=True)
        if kind == "application/x-www-form-urlencoded":
            for key, values in urllib.parse.parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True).items():
                params.setdefault(key, []).extend(values)
            self._sparql(params, None)
        elif kind == "application/sparql-query":
            self._sparql(params, body.decode("utf-8", "replace"))
        elif kind == "application/sparql-update":
            raise Refused(HTTPStatus.FORBIDDEN, "this endpoint is read-only: SPARQL Update is refused")
        else:
            raise Refused(
                HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
                f"unsupported Content-Type {kind or '(none)'}; send application/sparql-query or application/x-www-form-urlencoded",
            )

    def _body(self) -> bytes:
        length = self.headers.get("Content-Length")
        if length is None or not length.isdigit():
            raise Refused(HTTPStatus.LENGTH_REQUIRED, "POST needs a Content-Length header")
        size = int(length)
        if size > self.limits.max_query_bytes * 9 + 4096:  # room for percent-encoded Chinese (9 bytes a character)
            raise Refused(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, f"request body over {self.limits.max_query_bytes:,} bytes of query; shorten it")
        return self.rfile.read(size)

    def _get_sparql(self, params: dict[str, list[str]]) -> None:
        """A query, or without one (a person with a browser) the workbench page."""
        if "query" not in params and "update" not in params and self._wants_html():
            self._send(HTTPStatus.OK, "text/html", self.workbench.page().encode("utf-8"))
            return
        self._sparql(params, None)

    def _wants_html(self) -> bool:
        accepts = parse_accept(self.headers.get("Accept", "*/*"))
        return not accepts or "text/html" in accepts or "*/*" in accepts

    def _workbench_file(self, name: str) -> None:
        found = self.workbench.asset(name)
        if found is None:
            raise Refused(HTTPStatus.NOT_FOUND, f"no workbench file {name!r}")
        media, body = found
        self._send(HTTPStatus.OK, media, body, cache=True)

    def _sparql(self, params: dict[str, list[str]], direct: str | None) -> None:
        if "update" in params:
            raise Refused(HTTPStatus.FORBIDDEN, "this endpoint is read-only: SPARQL Update is refused")
        if "default-graph-uri" in params or "named-graph-uri" in params:
            raise Refused(HTTPStatus.BAD_REQUEST, "default-graph-uri/named-graph-uri are not supported: the graph is the default graph")
        queries = params.get("query", []) + ([direct] if direct is not None else [])
        if len(queries) != 1:
            raise Refused(HTTPStatus.BAD_REQUEST, "give exactly one query (the `query` parameter, or an application/sparql-query body)")
        text = queries[0]
        if len(text.encode("utf-8")) > self.limits.max_query_bytes:
            raise Refused(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, f"the query is over the {self.limits.max_query_bytes:,}-byte limit; shorten it")
        accepts = self._requested_formats(params) + parse_accept(self.headers.get("Accept", "*/*"))
        answer = self.pool.run(text, {}, accepts)
        self._send(HTTPStatus.OK, answer.media_type, answer.body)

    def _requested_formats(self, params: dict[str, list[str]]) -> list[str]:
        out: list[str] = []
        for key in ("format", "output", "results"):
            for value in params.get(key, []):
                value = value.strip().lower()
                if value in FORMAT_PARAM:
                    out += FORMAT_PARAM[value]
                elif "/" in value:
                    out.append(value)
                elif value:
                    raise Refused(HTTPStatus.BAD_REQUEST, f"unknown {key}={value!r}; use one of {', '.join(FORMAT_PARAM)} or a media type")
        return out

    # -- pages

    def _static(self, path: str) -> None:
        if path in ("/", "/index.html") and (self.site.page is None or not self.site.page.is_file()):
            self._send(HTTPStatus.OK, "text/html", _index(self.site).encode("utf-8"))
            return
        if self.site.page is None or not self.site.page.is_file():
            raise Refused(HTTPStatus.NOT_FOUND, f"no such page {path}; the endpoint is /sparql")
        root = self.site.page.parent.resolve()
        relative = urllib.parse.unquote(path).lstrip("/") or self.site.page.name
        parts = Path(relative).parts
        target = (root / relative).resolve()
        if any(p.startswith(".") or p.endswith(".oxigraph") for p in parts) or not target.is_relative_to(root) or not target.is_file():
            raise Refused(HTTPStatus.NOT_FOUND, f"no such page {path}")
        media = mimetypes.guess_type(target.name)[0] or ("text/turtle" if target.suffix == ".ttl" else "application/octet-stream")
        body = target.read_bytes()
        if target == self.site.page.resolve():
            body = _with_workbench_link(body)
        self._send(HTTPStatus.OK, media, body)

    # -- responses

    def _guard(self, action: Any) -> None:
        try:
            action()
        except Refused as exc:
            self._send(exc.status, "text/plain", (exc.message + "\n").encode("utf-8"))

    def _send(self, status: int, media: str, body: bytes, *, cache: bool = False) -> None:
        self.send_response(status)
        textual = media.startswith("text/") or media.endswith(("json", "xml", "javascript"))
        self.send_header("Content-Type", f"{media}; charset=utf-8" if textual else media)
        self.send_header("Content-Length", str(len(body)))
        if cache:
            self.send_header("Cache-Control", "max-age=3600")
        self._cors()
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _cors(self) -> None:
        self.send_header("Access-Control-Allow-Origin", "*")


WORKBENCH_LINK = (
    b'<a id="kg-workbench-link" href="/sparql" style="position:fixed;left:8px;bottom:8px;z-index:1000;'
    b'padding:3px 8px;background:#fff;border:1px solid #8b1a1a;border-radius:4px;color:#8b1a1a;'
    b'font:13px sans-serif;text-decoration:none">SPARQL \xe6\x9f\xa5\xe8\xaf\xa2 / query</a>'
)


def _with_workbench_link(page: bytes) -> bytes:
    """The network page with a link to the workbench, unless the page links to /sparql itself."""
    if b'href="/sparql"' in page:
        return page
    end = page.rfind(b"</body>")
    return page + WORKBENCH_LINK if end < 0 else page[:end] + WORKBENCH_LINK + page[end:]


def _index(site: Site) -> str:
    from kg import query

    items = []
    for q in query.questions():
        if q.params:
            items.append(f"<li><b>{html.escape(q.name)}</b> ({html.escape(q.zh)} / {html.escape(q.en)}): needs "
                         f"{html.escape(', '.join(p.name for p in q.params))}; run with <code>kg query {html.escape(q.name)} --param …</code></li>")
        else:
            link = "/sparql?" + urllib.parse.urlencode({"query": q.text, "format": "csv"})
            items.append(f'<li><a href="{html.escape(link)}">{html.escape(q.name)}</a>: {html.escape(q.zh)} / {html.escape(q.en)}</li>')
    return f"""<!doctype html>
<html lang="zh"><head><meta charset="utf-8"><title>cppcc-kg SPARQL endpoint</title></head>
<body>
<h1>cppcc-kg SPARQL endpoint</h1>
<p><a href="/sparql">SPARQL 查询台 / query workbench</a></p>
<p>Graph: {html.escape(site.graph)} ({site.triples:,} triples). SPARQL 1.1 Protocol endpoint: <code>/sparql</code>
(GET or POST; results as JSON, XML, CSV or TSV; CONSTRUCT/DESCRIBE as Turtle, N-Triples, RDF/XML or JSON-LD, chosen by Accept).
The network page appears here once <code>kg build</code> has written cppcc.html.</p>
<form action="/sparql" method="get">
<textarea name="query" rows="8" cols="90">SELECT ?body ?platform WHERE {{ ?b cppcc:runsPlatform ?p ; rdfs:label ?body . ?p rdfs:label ?platform }}</textarea><br>
<select name="format"><option>json</option><option>xml</option><option>csv</option><option>tsv</option><option>turtle</option></select>
<button type="submit">Run</button>
</form>
<h2>Ready-made queries</h2>
<ul>
{chr(10).join(items)}
</ul>
</body></html>
"""


def make_server(graph: Path, *, host: str = "127.0.0.1", port: int = 7878, page: Path | None = None,
                limits: Limits = Limits(), quiet: bool = False,
                assets: Path | None = None) -> tuple[ThreadingHTTPServer, QueryPool]:
    """The endpoint for ``graph`` (an RDF file, export folder or store folder), not yet serving; ``assets``
    is a node_modules folder with YASGUI for the workbench (kg.workbench.find_node_modules looks elsewhere too)."""
    import pyoxigraph as ox

    from kg import void
    from kg.export import store
    from kg.workbench import Workbench, find_node_modules

    folder = store.locate(graph)
    manifest = store.read_manifest(folder)
    stats = void.read(ox.Store.read_only(str(folder / store.DB)))  # read once; the store closes when dropped
    workbench = Workbench(find_node_modules(assets), str(graph), stats)
    pool = QueryPool(folder / store.DB, limits)
    site = Site(page, str(graph), manifest.triples if manifest else 0)
    handler = type("BoundHandler", (Handler,), {"pool": pool, "limits": limits, "site": site, "quiet": quiet, "workbench": workbench})
    try:
        server = ThreadingHTTPServer((host, port), handler)
    except OSError as exc:
        pool.close()
        raise QueryError(f"cannot listen on {host}:{port} ({exc}); choose another --port") from exc
    server.daemon_threads = True
    return server, pool
