/* The cppcc-kg SPARQL workbench: YASGUI (npm @zazuko/yasgui) set up for this endpoint.
 *
 * Everything it needs is in #kg-config (written by kg/workbench.py): the endpoint, our prefixes (predeclared
 * by the endpoint), the ready-made questions with their parameters bound to the examples, and the graph's
 * VoID statistics. Nothing is fetched from the network: class and property completions come from the
 * statistics instead of YASQE's default online vocabulary service, and results are charted by Chart.js,
 * served by the endpoint too. Text from the graph is only ever set as textContent, never as HTML.
 */
(function () {
  "use strict";

  var config = JSON.parse(document.getElementById("kg-config").textContent);
  var Yasr = Yasgui.Yasr;
  var Yasqe = Yasgui.Yasqe;
  var endpoint = new URL(config.endpoint, window.location.href).href;
  var MAX_CHART_ROWS = 200;

  // ------------------------------------------------------------------------------------ helpers

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      if (key === "text") node.textContent = attrs[key];
      else node.setAttribute(key, attrs[key]);
    });
    (children || []).forEach(function (child) { node.appendChild(child); });
    return node;
  }

  var namespaces = Object.keys(config.prefixes).map(function (p) { return [p, config.prefixes[p]]; })
    .sort(function (a, b) { return b[1].length - a[1].length; });

  function shorten(iri) {
    for (var i = 0; i < namespaces.length; i++) {
      if (iri.indexOf(namespaces[i][1]) === 0) return namespaces[i][0] + ":" + iri.slice(namespaces[i][1].length);
    }
    return iri;
  }

  function termText(term) {
    if (!term) return "";
    return term.type === "uri" ? shorten(term.value) : term.value;
  }

  function isNumber(term) {
    return !!term && term.type !== "uri" && term.type !== "bnode" && term.value.trim() !== "" && isFinite(Number(term.value));
  }

  // ------------------------------------------------------------------------------------ chart plugin

  function numericVariables(results) {
    var rows = results.getBindings();
    return results.getVariables().filter(function (v) {
      var bound = rows.filter(function (row) { return row[v]; });
      return bound.length > 0 && bound.every(function (row) { return isNumber(row[v]); });
    });
  }

  function ChartPlugin(yasr) {
    this.yasr = yasr;
    this.priority = 5;
    this.label = "Chart 图表";
    this.chart = null;
    this.options = { type: "bar", label: null, value: null };
  }

  ChartPlugin.prototype.canHandleResults = function () {
    var results = this.yasr.results;
    if (!results || results.hasError() || results.getBoolean() !== undefined) return false;
    var variables = results.getVariables ? results.getVariables() : [];
    return !!variables && variables.length > 0 && results.getBindings().length > 0 && numericVariables(results).length > 0;
  };

  ChartPlugin.prototype.getIcon = function () {
    return el("span", { "class": "kg-chart-icon", text: "▮▮", "aria-hidden": "true" });
  };

  ChartPlugin.prototype.destroy = function () {
    if (this.chart) this.chart.destroy();
    this.chart = null;
  };

  ChartPlugin.prototype.draw = function () {
    var self = this;
    var results = this.yasr.results;
    var variables = results.getVariables();
    var numeric = numericVariables(results);
    var labels = variables.filter(function (v) { return numeric.indexOf(v) < 0; });
    var o = this.options;
    if (numeric.indexOf(o.value) < 0) o.value = numeric[numeric.length - 1];
    if (variables.indexOf(o.label) < 0 || o.label === o.value) o.label = labels.length ? labels[0] : null;

    function select(name, choices, current, onChange) {
      var box = el("select", { "class": "kg-chart-" + name, "aria-label": name });
      choices.forEach(function (choice) {
        var option = el("option", { value: choice[0], text: choice[1] });
        if (choice[0] === current) option.selected = true;
        box.appendChild(option);
      });
      box.addEventListener("change", function () { onChange(box.value); self.draw(); });
      return box;
    }

    this.destroy();
    var rows = results.getBindings();
    var shown = rows.slice(0, MAX_CHART_ROWS);
    var controls = el("div", { "class": "kg-chart-controls" }, [
      el("label", { text: "图表 chart " }, [select("type", [["bar", "bar 柱状"], ["line", "line 折线"], ["pie", "pie 饼图"]], o.type, function (v) { o.type = v; })]),
      el("label", { text: " 标签 label " }, [select("label", [["", "(row 行号)"]].concat(variables.map(function (v) { return [v, "?" + v]; })), o.label || "", function (v) { o.label = v || null; })]),
      el("label", { text: " 数值 value " }, [select("value", numeric.map(function (v) { return [v, "?" + v]; }), o.value, function (v) { o.value = v; })]),
    ]);
    if (rows.length > shown.length) {
      controls.appendChild(el("span", { "class": "kg-chart-note", text: " 只画前 " + MAX_CHART_ROWS + " 行 / first " + MAX_CHART_ROWS + " of " + rows.length + " rows" }));
    }
    var canvas = el("canvas", { "class": "kg-chart-canvas", role: "img", "aria-label": "chart of ?" + o.value });
    var box = el("div", { "class": "kg-chart-box" }, [canvas]);
    this.yasr.resultsEl.appendChild(el("div", { "class": "kg-chart" }, [controls, box]));
    var data = {
      labels: shown.map(function (row, i) { return o.label ? termText(row[o.label]) : String(i + 1); }),
      datasets: [{ label: "?" + o.value, data: shown.map(function (row) { return row[o.value] ? Number(row[o.value].value) : null; }) }],
    };
    this.chart = new Chart(canvas, {
      type: o.type,
      data: data,
      options: { animation: false, responsive: true, maintainAspectRatio: false, plugins: { legend: { display: o.type === "pie" } } },
    });
    window.kgChart = this.chart;  // for tests and the curious: the drawn chart
  };

  Yasr.registerPlugin("chart", ChartPlugin);
  // YASGUI's tabs take the plugin order and the table's first settings from Yasr's defaults
  Yasr.defaults.pluginOrder = ["table", "chart", "response"];
  Yasr.defaults.plugins.table.dynamicConfig = { compact: true };  // plain values: 3, not "3"^^xsd:integer

  // ------------------------------------------------------------------------------------ completions

  var stats = config.statistics;
  function completer(from, name, iris) {
    Yasqe.forkAutocompleter(from, {
      name: name,
      bulk: true,
      persistenceId: null,
      get: function () { return iris; },
    }, true);
  }
  Yasqe.defaults.autocompleters = Yasqe.defaults.autocompleters.filter(function (n) {
    return n !== "class" && n !== "property" && n !== "prefixes";
  });
  completer("class", "kg-class", stats ? Object.keys(stats.classes) : []);
  completer("property", "kg-property", stats ? Object.keys(stats.properties) : []);
  // our prefixes: completed after PREFIX, and declared in the query as soon as one is typed (e.g. "cppcc:")
  completer("prefixes", "kg-prefixes", Object.keys(config.prefixes).sort().map(function (p) { return p + ": <" + config.prefixes[p] + ">"; }));

  // ------------------------------------------------------------------------------------ YASGUI

  var questions = config.questions;
  var first = questions.filter(function (q) { return q.name === "platforms"; })[0] || questions[0];
  var yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: {
      endpoint: endpoint,
      method: "POST",
      acceptHeaderSelect: "application/sparql-results+json,*/*;q=0.9",
      acceptHeaderGraph: "text/turtle,*/*;q=0.9",
    },
    copyEndpointOnNewTab: true,
    endpointCatalogueOptions: { getData: function () { return [{ endpoint: endpoint }]; } },
    persistenceId: "cppcc-kg-workbench",
    yasqe: { value: first ? first.text : "SELECT * WHERE { ?s ?p ?o } LIMIT 10" },
    yasr: { prefixes: config.prefixes, defaultPlugin: "table" },
  });
  window.kgYasgui = yasgui;

  // ------------------------------------------------------------------------------------ page parts

  var statsLine = document.getElementById("kg-stats");
  if (stats) {
    var count = function (local) { return stats.classes[config.prefixes.cppcc + local] || 0; };
    statsLine.textContent = "图谱 graph: " + config.graph + " · " + stats.triples.toLocaleString() + " 三元组 triples · "
      + stats.entities.toLocaleString() + " 节点 typed nodes · " + (count("Document") + count("Compilation")).toLocaleString() + " 文档 documents";
  } else {
    statsLine.textContent = "图谱 graph: " + config.graph + " (无 VoID 统计 / no VoID statistics: rebuild with kg build)";
  }
  document.getElementById("kg-prefix-list").textContent = Object.keys(config.prefixes).map(function (p) { return p + ":"; }).join(" ");

  var list = document.getElementById("kg-question-list");
  questions.forEach(function (q) {
    var button = el("button", { type: "button", "class": "kg-question", "data-name": q.name }, [
      el("span", { "class": "kg-question-zh", lang: "zh", text: q.zh }),
      el("span", { "class": "kg-question-en", lang: "en", text: q.en }),
      el("code", { "class": "kg-question-name", text: q.name + (q.params.length ? " · " + q.params.map(function (p) { return p.name + "=" + p.example; }).join(", ") : "") }),
    ]);
    button.addEventListener("click", function () {
      var tab = yasgui.getTab();
      tab.setQuery(q.text);
      Array.prototype.forEach.call(list.querySelectorAll(".kg-question"), function (b) { b.classList.toggle("kg-selected", b === button); });
      tab.query();
    });
    list.appendChild(el("li", {}, [button]));
  });

  // downloads: the current query run again by the endpoint in the chosen format, saved as a file
  var status = document.getElementById("kg-download-status");
  function download(format, accept) {
    var tab = yasgui.getTab();
    status.textContent = "…";
    fetch(endpoint, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: accept },
      body: new URLSearchParams({ query: tab.getQuery() }),
    }).then(function (response) {
      return response.blob().then(function (blob) {
        if (!response.ok) return blob.text().then(function (text) { throw new Error(response.status + ": " + text); });
        var link = el("a", { href: URL.createObjectURL(blob), download: "cppcc-query." + format });
        document.body.appendChild(link);
        link.click();
        link.remove();
        status.textContent = "";
      });
    }).catch(function (error) { status.textContent = "下载失败 download failed: " + error.message; });
  }
  document.getElementById("kg-download-csv").addEventListener("click", function () { download("csv", "text/csv"); });
  document.getElementById("kg-download-json").addEventListener("click", function () {
    download("json", "application/sparql-results+json, application/ld+json");
  });
})();
