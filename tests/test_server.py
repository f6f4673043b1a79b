"""`kg serve`: started in a subprocess and queried over real HTTP by a standard client (SPARQLWrapper)."""

from __future__ import annotations

import csv
import io
import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import pytest
from SPARQLWrapper import CSV, JSON, POST, TSV, TURTLE, XML, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

from kg.server import Limits, choose_format, make_server, parse_accept

from .conftest import SampleBuild
from .serving import FIRST_MENTIONS_BY_JOIN, running_server

TIMEOUT = 2.0
MAX_RESULT = 4000
MAX_QUERY = 2000
BODY = "https://w3id.org/cppcc-kg/id/CPPCCBody/双流区政协"
PLATFORM = "https://w3id.org/cppcc-kg/id/Platform/有事来协商众事好商量"
PLATFORMS = "SELECT ?b ?p WHERE { ?b cppcc:runsPlatform ?p } ORDER BY ?b ?p"
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }"


@dataclass(frozen=True)
class Endpoint:
    url: str
    root: str


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("site")
    (folder / "cppcc.html").write_text("<html><body>network page</body></html>", encoding="utf-8")
    (folder / "lib").mkdir()
    (folder / "lib" / "app.js").write_text("console.log('ok')", encoding="utf-8")
    (folder / ".secret").write_text("hidden", encoding="utf-8")
    return folder / "cppcc.html"


@pytest.fixture(scope="module")
def endpoint(sample_build: SampleBuild, site: Path) -> Iterator[Endpoint]:
    with running_server("--graph", str(sample_build.turtle), "--page", str(site), "--timeout", str(TIMEOUT),
                        "--max-result-bytes", str(MAX_RESULT), "--max-query-bytes", str(MAX_QUERY)) as server:  # fmt: skip
        yield Endpoint(server.url, server.root)


def _client(endpoint: Endpoint, query: str, fmt: str) -> SPARQLWrapper:
    client = SPARQLWrapper(endpoint.url, returnFormat=fmt)
    client.setQuery(query)
    return client


def _http(url: str, *, data: bytes | None = None, headers: dict[str, str] | None = None) -> tuple[int, str, bytes]:
    request = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers.get("Content-Type", ""), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers.get("Content-Type", ""), exc.read()


# ---------------------------------------------------------------------------- each results format


def test_json(endpoint: Endpoint) -> None:
    data = _client(endpoint, PLATFORMS, JSON).queryAndConvert()
    assert isinstance(data, dict)
    assert {"b": BODY, "p": PLATFORM} in [{k: v["value"] for k, v in b.items()} for b in data["results"]["bindings"]]


def test_xml(endpoint: Endpoint) -> None:
    document = _client(endpoint, PLATFORMS, XML).queryAndConvert()
    uris = [node.firstChild.data for node in document.getElementsByTagName("uri")]  # type: ignore[union-attr]
    assert BODY in uris and PLATFORM in uris


def test_csv(endpoint: Endpoint) -> None:
    body = _client(endpoint, PLATFORMS, CSV).queryAndConvert()
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8"))))  # type: ignore[union-attr]
    assert {"b": BODY, "p": PLATFORM} in rows


def test_tsv(endpoint: Endpoint) -> None:
    lines = _client(endpoint, PLATFORMS, TSV).queryAndConvert().decode("utf-8").splitlines()  # type: ignore[union-attr]
    assert lines[0] == "?b\t?p" and f"<{BODY}>\t<{PLATFORM}>" in lines


def test_construct_turtle(endpoint: Endpoint) -> None:
    result = _client(endpoint, "CONSTRUCT WHERE { ?b cppcc:runsPlatform ?p }", TURTLE).query()
    assert result.response.headers["Content-Type"].startswith("text/turtle")
    triples = {(q.subject.value, q.predicate.value, q.object.value) for q in ox.parse(result.response.read(), format=ox.RdfFormat.TURTLE)}
    assert (BODY, "https://w3id.org/cppcc-kg/ontology#runsPlatform", PLATFORM) in triples


@pytest.mark.parametrize(
    ("accept", "media"),
    [
        ("text/csv", "text/csv"),
        ("application/sparql-results+xml;q=0.5, text/tab-separated-values", "text/tab-separated-values"),
        ("*/*", "application/sparql-results+json"),
    ],
)
def test_post_sparql_query_body_with_accept(endpoint: Endpoint, accept: str, media: str) -> None:
    status, kind, body = _http(endpoint.url, data=PLATFORMS.encode("utf-8"),
                               headers={"Content-Type": "application/sparql-query", "Accept": accept})  # fmt: skip
    assert status == 200 and kind.startswith(media)
    assert "双流区政协" in body.decode("utf-8")


# ---------------------------------------------------------------------------- refusals


def test_update_is_refused_and_changes_nothing(endpoint: Endpoint) -> None:
    client = SPARQLWrapper(endpoint.url)
    client.setMethod(POST)
    client.setQuery("PREFIX ex: <http://example.org/> INSERT DATA { ex:a ex:b ex:c }")
    with pytest.raises(urllib.error.HTTPError) as caught:
        client.query()
    assert caught.value.code == 403 and b"read-only" in caught.value.read()
    status, _, body = _http(endpoint.url, data=b"INSERT DATA { <http://e/a> <http://e/b> <http://e/c> }",
                            headers={"Content-Type": "application/sparql-update"})  # fmt: skip
    assert status == 403 and b"read-only" in body
    ask = _client(endpoint, "ASK { <http://example.org/a> ?p ?o }", JSON).queryAndConvert()
    assert ask == {"head": {}, "boolean": False}


def test_service_clause_is_refused(endpoint: Endpoint) -> None:
    with pytest.raises(urllib.error.HTTPError) as caught:
        _client(endpoint, "SELECT * WHERE { SERVICE <http://127.0.0.1:1/sparql> { ?s ?p ?o } }", JSON).query()
    assert caught.value.code == 403 and b"without network access" in caught.value.read()


def test_malformed_query_gets_400_with_the_parser_message(endpoint: Endpoint) -> None:
    with pytest.raises(QueryBadFormed) as caught:
        _client(endpoint, "SELECT ?x WHERE { ?x ", JSON).query()
    assert "malformed query: error at 1:" in str(caught.value)


def test_query_over_the_size_limit_gets_413(endpoint: Endpoint) -> None:
    long_query = "SELECT ?x WHERE { ?x ?p ?o } # " + "长" * MAX_QUERY
    status, _, body = _http(endpoint.url, data=urllib.parse.urlencode({"query": long_query}).encode("ascii"),
                            headers={"Content-Type": "application/x-www-form-urlencoded"})  # fmt: skip
    assert status == 413 and b"byte limit" in body


def test_result_over_the_size_limit_gets_422(endpoint: Endpoint) -> None:
    with pytest.raises(urllib.error.HTTPError) as caught:
        _client(endpoint, "SELECT * WHERE { ?s ?p ?o }", JSON).query()
    assert caught.value.code == 422 and b"add LIMIT" in caught.value.read()


def test_query_past_the_timeout_is_stopped_and_the_endpoint_recovers(endpoint: Endpoint) -> None:
    started = time.monotonic()
    with pytest.raises(urllib.error.HTTPError) as caught:
        _client(endpoint, SLOW, JSON).query()
    took = time.monotonic() - started
    assert caught.value.code == 503 and b"time limit" in caught.value.read()
    assert TIMEOUT <= took < TIMEOUT + 10
    assert _client(endpoint, "ASK { ?s ?p ?o }", JSON).queryAndConvert()["boolean"] is True  # type: ignore[index]


def test_unacceptable_format_gets_406(endpoint: Endpoint) -> None:
    query = urllib.parse.urlencode({"query": PLATFORMS})
    status, _, body = _http(f"{endpoint.url}?{query}", headers={"Accept": "image/png"})
    assert status == 406 and b"application/sparql-results+json" in body


# ---------------------------------------------------------------------------- pages


def test_network_page_and_files_beside_it(endpoint: Endpoint) -> None:
    page = _http(endpoint.root + "/")[2]
    assert page.startswith(b"<html><body>network page<a id=\"kg-workbench-link\" href=\"/sparql\"")
    assert page.endswith(b"</a></body></html>"), "a link to the workbench, added before </body>"
    status, kind, body = _http(endpoint.root + "/lib/app.js")
    assert status == 200 and body == b"console.log('ok')"
    for path in ("/.secret", "/%2e%2e/%2e%2e/etc/passwd", "/cppcc.oxigraph/manifest.json", "/nothing.html"):
        assert _http(endpoint.root + path)[0] == 404, path


def test_plain_index_when_there_is_no_page(sample_build: SampleBuild, tmp_path: Path) -> None:
    server, pool = make_server(sample_build.turtle, port=0, page=tmp_path / "absent.html",
                               limits=Limits(workers=1), quiet=True)  # fmt: skip
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        status, kind, body = _http(f"http://127.0.0.1:{server.server_address[1]}/")
        assert status == 200 and kind.startswith("text/html")
        assert b"/sparql" in body and "各政协机构搭建或依托的协商平台".encode() in body
    finally:
        server.shutdown()
        server.server_close()
        pool.close()


# ---------------------------------------------------------------------------- content negotiation


@pytest.mark.parametrize(
    ("accept", "kind", "expected"),
    [
        ("application/sparql-results+json", "results", ("json", "application/sparql-results+json")),
        ("application/json", "graph", ("jsonld", "application/json")),
        ("text/html;q=0.9, text/*;q=0.8", "results", ("xml", "text/xml")),
        ("application/xml", "graph", ("rdfxml", "application/xml")),
        ("*/*", "graph", ("turtle", "text/turtle")),
        ("text/csv;q=0, image/png", "results", None),
    ],
)
def test_choose_format(accept: str, kind: str, expected: tuple[str, str] | None) -> None:
    assert choose_format(parse_accept(accept), kind) == expected


def test_json_answer_is_valid(endpoint: Endpoint) -> None:
    status, kind, body = _http(f"{endpoint.url}?{urllib.parse.urlencode({'query': 'ASK { ?s ?p ?o }'})}")
    assert status == 200 and json.loads(body) == {"head": {}, "boolean": True}



@pytest.mark.parametrize("since", ["2000", "2021", "2022"])
def test_first_mentions_gives_the_rows_of_the_join_it_replaced(endpoint: Endpoint, since: str) -> None:
    from kg.query import question
    from kg.workbench import example_text

    def rows(text: str) -> set[tuple[str, ...]]:
        status, _, body = _http(endpoint.url, data=urllib.parse.urlencode({"query": text}).encode("utf-8"),
                                headers={"Accept": "application/sparql-results+json"})  # fmt: skip
        assert status == 200, body[:300]
        bindings = json.loads(body)["results"]["bindings"]
        return {(b["type"]["value"], b["name"]["value"], b["first"]["value"], *sorted(b["documents"]["value"].split()))
                for b in bindings}  # fmt: skip

    asked = example_text(question("first-mentions")).replace('"2021"', f'"{since}"')
    old = FIRST_MENTIONS_BY_JOIN.replace("WHERE {", f'WHERE {{ VALUES ?since {{ "{since}" }}', 1)
    expected = rows(old)
    assert rows(asked) == expected
    if since <= "2021":
        assert expected, "the sample's platforms are first mentioned in 2021"
