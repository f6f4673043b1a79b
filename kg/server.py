"""`kg serve`: a read-only SPARQL 1.1 Protocol endpoint at /sparql, the workbench, and the network page at /.

    HTTP (stdlib ThreadingHTTPServer, 127.0.0.1 by default, HTTP/1.1 keep-alive)
      ├── /sparql       GET ?query=…, POST application/x-www-form-urlencoded or application/sparql-query
      │                  → kg.query_pool.QueryPool: worker processes with time and memory limits, two lanes
      ├── /sparql       without a query, from a browser: the workbench (kg.workbench, YASGUI)
      ├── /workbench/…  its scripts and styles
      └── /             exports/cppcc.html and the files beside it, or a plain index naming the endpoint

Limits on queries (time, memory, result size, the cheap and slow lanes) are kg.query_pool's. A query longer
than ``max_query_bytes`` gets 413; one nested deeper than kg.query.MAX_NESTING gets 400 before any parser
sees it. Updates (the ``update`` parameter, application/sparql-update, or an update sent as a query) and
SERVICE clauses (pyoxigraph would fetch them over HTTP) get 403; a malformed query gets 400 with the parser's
message; an Accept header that names no format we can write for that query form gets 406.

Limits on connections, so that no client can hold the server: at most ``max_connections`` are served at
once (more wait in the listen backlog of ``backlog``, then get 503); a kept-alive connection idle for
``idle_timeout`` is closed; once a request has begun, its line, headers and body must arrive within
``request_timeout`` (a watchdog closes connections that dribble). Paths and query strings are decoded
strictly (bad percent-escapes, non-UTF-8 or control characters get 400/404, never a traceback); any other
failure of a request is logged with its traceback and answered 500.
"""

from __future__ import annotations

import html
import io
import mimetypes
import socket
import sys
import threading
import time
import traceback
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, cast

from kg import query
from kg.errors import QueryError
from kg.query_pool import Answer, Limits, QueryPool, Refused
from kg.workbench import Workbench

__all__ = ["Answer", "Limits", "QueryPool", "Refused", "choose_format", "make_server", "parse_accept"]

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


# ---------------------------------------------------------------------------- HTTP


@dataclass(frozen=True)
class Site:
    """What `/` serves: the network page and the files beside it, or a plain index."""

    page: Path | None
    graph: str
    triples: int


class Handler(BaseHTTPRequestHandler):
    server_version = "cppcc-kg"
    protocol_version = "HTTP/1.1"  # keep-alive: a client's next query skips the TCP handshake
    default_request_version = "HTTP/1.0"  # so that the answer to a garbled request line has a status line
    disable_nagle_algorithm = True  # headers and body go out at once, not 40 ms apart (Nagle + delayed ACK)
    server: EndpointServer
    pool: QueryPool
    limits: Limits
    site: Site
    workbench: Workbench
    quiet = False

    # -- the connection: idle and request timeouts

    def handle_one_request(self) -> None:
        """One request: wait up to ``idle_timeout`` for it to begin, then up to ``request_timeout`` for its
        line and headers (the watchdog closes a connection that dribbles), then answer it."""
        self.connection.settimeout(self.limits.idle_timeout)
        try:
            if not cast(io.BufferedReader, self.rfile).peek(1):
                self.close_connection = True
                return
        except OSError:  # idle past the timeout, or reset by the client
            self.close_connection = True
            return
        self.connection.settimeout(self.limits.request_timeout)
        with self.server.deadlines.watch(self.connection, self.limits.request_timeout):
            try:
                self.raw_requestline = self.rfile.readline(65537)
            except OSError:
                self.close_connection = True
                return
            if len(self.raw_requestline) > 65536:
                self.requestline = self.request_version = self.command = ""
                self.send_error(HTTPStatus.REQUEST_URI_TOO_LONG)
                return
            if not self.raw_requestline:
                self.close_connection = True
                return
            try:
                if not self.parse_request():
                    return  # parse_request answered the error
            except OSError:
                self.close_connection = True
                return
        method = getattr(self, "do_" + self.command, None)
        if method is None:
            self.send_error(HTTPStatus.NOT_IMPLEMENTED, f"Unsupported method ({self.command!r})")
            return
        self.connection.settimeout(self.limits.timeout + self.limits.request_timeout)  # a slow reader of the answer
        try:
            method()
            self.wfile.flush()
        except OSError as exc:  # the client went away or stopped reading: nothing left to answer
            self.log_error("connection lost: %r", exc)
            self.close_connection = True

    # -- routing

    def do_GET(self) -> None:
        self._guard(self._route_get)

    def do_HEAD(self) -> None:
        self._guard(self._route_get)  # the same answer; _send leaves the body out

    def _route_get(self) -> None:
        url = urllib.parse.urlsplit(self.path)
        path = _decoded_path(url.path)
        if path == "/sparql":
            self._get_sparql(_query_params(url.query))
        elif path.startswith("/workbench/"):
            self._workbench_file(path.removeprefix("/workbench/"))
        else:
            self._static(path)

    def do_POST(self) -> None:
        self._guard(lambda: self._post(urllib.parse.urlsplit(self.path)))

    def do_OPTIONS(self) -> None:
        self.send_response(HTTPStatus.NO_CONTENT)
        self._cors()
        self.send_header("Access-Control-Allow-Methods", "GET, HEAD, POST, OPTIONS")
        self.send_header("Access-Control-Allow-Headers", "Content-Type, Accept")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        if not self.quiet:
            super().log_message(format, *args)

    # -- SPARQL

    def _post(self, url: urllib.parse.SplitResult) -> None:
        if _decoded_path(url.path) != "/sparql":
            raise Refused(HTTPStatus.METHOD_NOT_ALLOWED, "POST only to /sparql")
        kind = self.headers.get("Content-Type", "").split(";")[0].strip().lower()
        body = self._body()
        params = _query_params(url.query)
        if kind == "application/x-www-form-urlencoded":
            for key, values in _query_params(_utf8(body, "the form body")).items():
                params.setdefault(key, []).extend(values)
            self._sparql(params, None)
        elif kind == "application/sparql-query":
            self._sparql(params, _utf8(body, "the query"))
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
            self.close_connection = True  # the unread body must not be taken for the next request
            raise Refused(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, f"request body over {self.limits.max_query_bytes:,} bytes of query; shorten it")
        with self.server.deadlines.watch(self.connection, self.limits.request_timeout):
            body = self.rfile.read(size)
        if len(body) < size:
            self.close_connection = True
            raise Refused(HTTPStatus.BAD_REQUEST, f"the body ended after {len(body)} of {size} bytes")
        return body

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
        try:
            query.check_shape(text)  # here, before a worker's parser recurses into it
        except QueryError as exc:
            raise Refused(HTTPStatus.BAD_REQUEST, str(exc)) from exc
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
        relative = path.lstrip("/") or self.site.page.name
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

    def _guard(self, action: Callable[[], None]) -> None:
        try:
            action()
        except Refused as exc:
            self._send(exc.status, "text/plain", (exc.message + "\n").encode("utf-8"))
        except OSError:
            raise  # the connection itself failed: handle_one_request drops it
        except Exception as exc:  # a bug: keep the traceback in the log, give the client one line
            self.log_error("%s", traceback.format_exc())
            message = f"internal error ({type(exc).__name__}); the server log has the details\n"
            self._send(HTTPStatus.INTERNAL_SERVER_ERROR, "text/plain", message.encode("utf-8"))

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


def _decoded_path(raw: str) -> str:
    """A request path, percent-decoded strictly: bad escapes, non-UTF-8 and control characters are refused."""
    try:
        path = urllib.parse.unquote_to_bytes(raw).decode("utf-8")
    except UnicodeDecodeError:
        raise Refused(HTTPStatus.BAD_REQUEST, "the path is not UTF-8 once percent-decoded") from None
    if any(ord(c) < 0x20 or c == "\x7f" for c in path):
        raise Refused(HTTPStatus.NOT_FOUND, "no such page (control characters in the path)")
    return path


def _query_params(raw: str) -> dict[str, list[str]]:
    """Parameters of a query string or form body, decoded strictly as UTF-8."""
    try:
        return urllib.parse.parse_qs(raw, keep_blank_values=True, errors="strict", max_num_fields=100)
    except UnicodeDecodeError:
        raise Refused(HTTPStatus.BAD_REQUEST, "a parameter is not UTF-8 once percent-decoded; encode the query as UTF-8") from None
    except ValueError as exc:  # too many fields
        raise Refused(HTTPStatus.BAD_REQUEST, f"bad parameters: {exc}") from None


def _utf8(body: bytes, what: str) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Refused(HTTPStatus.BAD_REQUEST, f"{what} is not UTF-8 (byte {exc.start}); send UTF-8") from None


class Deadlines:
    """A watchdog for connections: one that is still inside a ``watch`` block at its deadline is shut down,
    which ends whatever read the handler is blocked in (a client sending one byte at a time never hits the
    socket's per-read timeout)."""

    def __init__(self, tick: float = 0.25) -> None:
        self._deadlines: dict[socket.socket, float] = {}
        self._lock = threading.Lock()
        self._tick = tick
        self.closed = 0
        threading.Thread(target=self._run, name="kg-serve-deadlines", daemon=True).start()

    def watch(self, connection: socket.socket, seconds: float) -> _Watch:
        return _Watch(self, connection, time.monotonic() + seconds)

    def _run(self) -> None:
        while True:
            time.sleep(self._tick)
            now = time.monotonic()
            with self._lock:
                late = [c for c, at in self._deadlines.items() if at <= now]
                for connection in late:
                    del self._deadlines[connection]
            for connection in late:
                self.closed += 1
                try:
                    connection.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass  # already closed by its handler: nothing to end


@dataclass
class _Watch:
    deadlines: Deadlines
    connection: socket.socket
    at: float

    def __enter__(self) -> None:
        with self.deadlines._lock:
            self.deadlines._deadlines[self.connection] = self.at

    def __exit__(self, *_: object) -> None:
        with self.deadlines._lock:
            self.deadlines._deadlines.pop(self.connection, None)


class EndpointServer(ThreadingHTTPServer):
    """A threaded HTTP server that serves at most ``limits.max_connections`` connections at once: the next
    one waits in the listen backlog (``limits.backlog``) for a slot, and after ``SLOT_WAIT`` seconds gets a
    short 503 and is closed."""

    daemon_threads = True
    SLOT_WAIT = 1.0

    def __init__(self, address: tuple[str, int], handler: type[Handler], limits: Limits) -> None:
        self.request_queue_size = limits.backlog
        self.limits = limits
        self.slots = threading.BoundedSemaphore(limits.max_connections)
        self.deadlines = Deadlines()
        self.refused = 0
        super().__init__(address, handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        if not self.slots.acquire(timeout=self.SLOT_WAIT):
            self.refused += 1
            _refuse_busy(request, self.limits.max_connections)
            self.shutdown_request(request)
            return
        try:
            super().process_request(request, client_address)
        except BaseException:
            self.slots.release()
            raise

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self.slots.release()

    def handle_error(self, request: Any, client_address: Any) -> None:
        print(f"kg serve: error while serving {client_address}:\n{traceback.format_exc()}", file=sys.stderr, flush=True)


def _refuse_busy(request: socket.socket, limit: int) -> None:
    body = f"the server is serving its limit of {limit} connections; try again shortly\n".encode()
    head = (f"HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\n"
            f"Content-Length: {len(body)}\r\nRetry-After: 1\r\nConnection: close\r\n\r\n").encode()  # fmt: skip
    try:
        request.settimeout(1.0)
        request.sendall(head + body)
    except OSError:
        pass  # the client is gone or not reading: closing is all that is left


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
                limits: Limits | None = None, quiet: bool = False,
                assets: Path | None = None) -> tuple[EndpointServer, QueryPool]:
    """The endpoint for ``graph`` (an RDF file, export folder or store folder), not yet serving; ``assets``
    is a node_modules folder with YASGUI for the workbench (kg.workbench.find_node_modules looks elsewhere too)."""
    import pyoxigraph as ox

    from kg import void
    from kg.export import store
    from kg.workbench import Workbench, find_node_modules

    limits = limits or Limits()
    folder = store.locate(graph)
    manifest = store.read_manifest(folder)
    stats = void.read(ox.Store.read_only(str(folder / store.DB)))  # read once; the store closes when dropped
    workbench = Workbench(find_node_modules(assets), str(graph), stats)
    pool = QueryPool(folder / store.DB, limits)
    site = Site(page, str(graph), manifest.triples if manifest else 0)
    handler = type("BoundHandler", (Handler,), {"pool": pool, "limits": limits, "site": site, "quiet": quiet, "workbench": workbench})
    try:
        server = EndpointServer((host, port), handler, limits)
    except OSError as exc:
        pool.close()
        raise QueryError(f"cannot listen on {host}:{port} ({exc}); choose another --port") from exc
    return server, pool
