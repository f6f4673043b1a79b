"""The SPARQL workbench of `kg serve` (kg.workbench): YASGUI served by the endpoint itself, driven in headless
Chromium with every request outside the endpoint aborted and recorded."""

from __future__ import annotations

import csv
import io
import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kg import query, workbench
from kg.export import store as query_store

from .browser import launch_chromium
from .conftest import SampleBuild
from .serving import Server, running_server

pytestmark = pytest.mark.skipif(workbench.find_node_modules() is None, reason="node_modules missing: run `make npm`")


def _get(url: str, accept: str = "text/html") -> tuple[int, str, bytes]:
    request = urllib.request.Request(url, headers={"Accept": accept})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers.get("Content-Type", ""), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers.get("Content-Type", ""), exc.read()


@pytest.fixture(scope="module")
def server(sample_build: SampleBuild) -> Iterator[Server]:
    with running_server("--graph", str(sample_build.out)) as running:
        yield running


# ---------------------------------------------------------------------------- the questions as examples


@pytest.mark.parametrize("name", [q.name for q in query.questions()])
def test_example_text_gives_the_rows_of_the_bound_question(sample_build: SampleBuild, name: str) -> None:
    """What the workbench puts in the editor (PREFIX lines, VALUES with the examples) answers like `kg query`."""
    store = query_store.open_store(sample_build.turtle)
    q = query.question(name)
    text = workbench.example_text(q)
    assert all(f'"{p.example}"' in text for p in q.params)
    expected = query.run_query(store, q.text, q.examples())
    got = query.run_query(store, text)

    def rows(result: query.Result) -> list[list[str]]:  # GROUP_CONCAT's order is the engine's: compare as sets
        return sorted([["、".join(sorted(str(getattr(t, "value", t)).split("、"))) for t in row] for row in result.rows])

    assert got.variables == expected.variables and rows(got) == rows(expected)
    assert got.rows, f"{name}: no rows with the example parameters"


def test_prefix_lines_only_for_what_the_query_uses() -> None:
    text = "# zh: 说明\nSELECT ?b WHERE { ?b a cppcc:CPPCCBody ; rdfs:label \"skos:x\" } # owl:Thing\n"
    out = workbench.with_prefixes(text)
    assert out.splitlines()[1:3] == [f"PREFIX cppcc: <{query.PREFIXES['cppcc']}>", f"PREFIX rdfs: <{query.PREFIXES['rdfs']}>"]
    assert "PREFIX skos" not in out and "PREFIX owl" not in out
    assert workbench.with_prefixes(out) == out


def test_parameter_value_is_a_sparql_string() -> None:
    assert workbench.sparql_string('a"b\\c\nd') == '"a\\"b\\\\c\\nd"'


# ---------------------------------------------------------------------------- over HTTP


def test_sparql_without_query_is_the_workbench_for_a_browser(server: Server) -> None:
    status, kind, body = _get(server.url, "text/html,application/xhtml+xml,*/*;q=0.8")
    assert status == 200 and kind.startswith("text/html")
    page = body.decode("utf-8")
    assert '<script src="/workbench/yasgui.min.js">' in page and "//" not in page.split("<script", 1)[1].split("kg-config")[0]
    config = json.loads(page.split('<script type="application/json" id="kg-config">', 1)[1].split("</script>", 1)[0])
    assert {q["name"] for q in config["questions"]} == {q.name for q in query.questions()}
    assert config["statistics"]["triples"] > 0 and config["prefixes"]["cppcc"] == query.PREFIXES["cppcc"]
    status, _, body = _get(server.url, "application/sparql-results+json")
    assert status == 400 and b"give exactly one query" in body, "a SPARQL client without a query still gets 400"


@pytest.mark.parametrize("name", ["yasgui.min.js", "yasgui.min.css", "chart.umd.min.js", "workbench.js", "workbench.css"])
def test_workbench_files_come_from_the_endpoint(server: Server, name: str) -> None:
    status, kind, body = _get(f"{server.root}/workbench/{name}", "*/*")
    assert status == 200 and kind.split(";")[0] in ("text/javascript", "text/css") and len(body) > 1000


@pytest.mark.parametrize("path", ["/workbench/../../package.json", "/workbench/%2e%2e/package.json", "/workbench/yasgui.min.js.map", "/workbench/"])
def test_only_the_listed_workbench_files(server: Server, path: str) -> None:
    assert _get(server.root + path)[0] == 404


def test_network_page_links_to_the_workbench(server: Server) -> None:
    status, _, body = _get(server.root + "/")
    assert status == 200 and b'href="/sparql"' in body


def test_without_yasgui_a_clear_message_and_a_working_form(sample_build: SampleBuild, tmp_path: Path) -> None:
    with running_server("--graph", str(sample_build.out), "--assets", str(tmp_path), "--workers", "1") as bare:
        status, kind, body = _get(bare.url)
        page = body.decode("utf-8")
        assert status == 200 and 'id="kg-missing-workbench"' in page and "make npm" in page and "--assets" in page
        assert "yasgui.min.js" not in page.split("Looked for")[0], "no script tag pointing at files that are not there"
        link = page.split('<a href="', 2)[1].split('"', 1)[0].replace("&amp;", "&")  # the first ready-made question
        status, kind, body = _get(bare.root + link, "*/*")
        assert status == 200 and kind.startswith("text/csv") and len(body.splitlines()) > 1
        assert _get(bare.root + "/workbench/yasgui.min.js")[0] == 404
        assert "make npm" in bare.errors(), "the server says so when it starts, too"


# ---------------------------------------------------------------------------- in the browser


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def page(browser: Any, server: Server) -> Iterator[Any]:
    """One workbench page for the browser tests (each runs its own query in it), opened once: a page load
    parses a megabyte of script."""
    context = browser.new_context(viewport={"width": 1300, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.outside = []  # requests to anywhere but the endpoint: aborted and listed here
    page.errors = []

    def route(request_route: Any) -> None:
        url = request_route.request.url
        if url.startswith(server.root + "/") or url.startswith(("blob:", "data:")):
            request_route.continue_()
        else:
            page.outside.append(url)
            request_route.abort()

    page.route("**/*", route)
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.on("console", lambda message: page.errors.append(message.text) if message.type == "error" else None)
    page.goto(server.url)
    page.wait_for_selector(".kg-question")
    yield page
    context.close()


def _run(page: Any, click: str | None = None) -> list[list[str]]:
    """Click ``click`` (which runs a query), or run the editor's query, and return the table rows of its
    answer once drawn."""
    page.evaluate("() => { window.__kgDrawn = false; window.kgYasgui.getTab().getYasr().once('drawn', () => { window.__kgDrawn = true; }); }")
    if click is None:
        page.evaluate("() => { window.kgYasgui.getTab().query(); }")
    else:
        page.click(click)
    page.wait_for_function("window.__kgDrawn === true")
    return _rows(page)


def _rows(page: Any) -> list[list[str]]:
    page.wait_for_selector(".yasr table tbody tr td")
    return [[cell.strip() for cell in row] for row in page.eval_on_selector_all(
        ".yasr table tbody tr", "rows => rows.map(r => Array.from(r.querySelectorAll('td')).map(td => td.innerText))")]  # fmt: skip


def test_pick_a_question_run_it_see_rows(page: Any, server: Server) -> None:
    buttons = page.locator(".kg-question")
    assert buttons.count() == len(query.questions())
    cooccurring = page.locator('.kg-question[data-name="cooccurring"]')
    assert "与给定实体在同一句中共同出现的实体" in cooccurring.inner_text() and "Entities mentioned" in cooccurring.inner_text()
    rows = _run(page, '.kg-question[data-name="cooccurring"]')
    assert any("成都市政协" in row and "有事来协商" in row for row in rows), rows
    assert 'VALUES ?name { "成都市政协"@zh }' in page.evaluate("window.kgYasgui.getTab().getQuery()")
    assert page.locator(".CodeMirror .parseErrorIcon").count() == 0, "the editor finds the query well formed"
    assert page.outside == [] and page.errors == []


def test_results_as_a_chart(page: Any) -> None:
    rows = _run(page, '.kg-question[data-name="counts"]')
    page.locator(".select_chart").click()
    page.wait_for_selector(".kg-chart-canvas")
    labels, values = page.evaluate("[window.kgChart.data.labels, window.kgChart.data.datasets[0].data]")
    assert len(labels) == len(rows) and "cppcc:CPPCCBody" in labels
    assert values[labels.index("cppcc:CPPCCBody")] == next(int(r[1]) for r in rows if r[0] == "cppcc:CPPCCBody")
    page.select_option(".kg-chart-type", "pie")
    assert page.evaluate("window.kgChart.config.type") == "pie"
    page.locator(".select_table").click()
    assert page.outside == [] and page.errors == []


def test_download_csv_and_json(page: Any) -> None:
    _run(page, '.kg-question[data-name="platforms"]')
    with page.expect_download() as csv_download:
        page.click("#kg-download-csv")
    rows = list(csv.DictReader(io.StringIO(Path(csv_download.value.path()).read_text(encoding="utf-8"))))
    assert csv_download.value.suggested_filename.endswith(".csv")
    assert {"place": "四川省", "body": "双流区政协", "platform": "有事来协商众事好商量"} in rows
    with page.expect_download() as json_download:
        page.click("#kg-download-json")
    data = json.loads(Path(json_download.value.path()).read_text(encoding="utf-8"))
    assert data["head"]["vars"] == ["place", "body", "platform"] and len(data["results"]["bindings"]) == len(rows)
    assert page.outside == [] and page.errors == []


def test_typed_prefix_is_declared_and_the_query_runs(page: Any) -> None:
    page.evaluate("window.kgYasgui.getTab().getYasqe().setValue('')")
    page.click(".CodeMirror")
    page.keyboard.type("SELECT ?b WHERE { ?b a cppcc:CPPCCBody }")
    assert page.evaluate("window.kgYasgui.getTab().getQuery()").startswith(f"PREFIX cppcc: <{query.PREFIXES['cppcc']}>")
    assert any("body:双流区政协" in row for row in _run(page))
    assert page.outside == [] and page.errors == []


def test_a_bad_query_shows_the_endpoint_message(page: Any) -> None:
    page.evaluate("() => { const tab = window.kgYasgui.getTab(); tab.setQuery('SELECT ?x WHERE { ?x ?y }'); tab.query().catch(() => null); }")
    page.wait_for_selector(".yasr .errorResult, .yasr .error")
    assert "malformed query" in page.locator(".yasr").inner_text()
