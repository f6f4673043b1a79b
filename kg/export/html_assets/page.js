/* cppcc-kg network page: reads the JSON in #kg-data, draws it with vis-network and wires the search box,
   the type filters and the detail panel. Text from documents is set with textContent only, never as HTML.
   window.kg exposes the network for tests and benchmarks; <html data-kg-ready="1"> marks the first stable
   drawing (window.kgReadyMs: milliseconds since navigation start). */
(function () {
  "use strict";

  var timings = { start: performance.now() };
  window.kgTimings = timings;
  var data = JSON.parse(document.getElementById("kg-data").textContent);
  timings.parsed = performance.now();
  var info = data.info;
  var types = data.types;
  var SVG = "http://www.w3.org/2000/svg";

  // ------------------------------------------------------------------ small DOM helpers (text only)

  function el(tag, text, className) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (className) node.className = className;
    return node;
  }

  function list(items, render) {
    var ul = el("ul");
    items.forEach(function (item) { ul.appendChild(render(item)); });
    return ul;
  }

  function swatch(type) {
    var svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("width", "14");
    svg.setAttribute("height", "14");
    svg.setAttribute("viewBox", "0 0 14 14");
    var points = {
      diamond: "7,1 13,7 7,13 1,7",
      triangle: "7,1 13,13 1,13",
      triangleDown: "1,1 13,1 7,13",
      square: "2,2 12,2 12,12 2,12",
      star: "7,0.5 8.8,5 13.5,5.2 9.8,8.2 11.1,13 7,10.3 2.9,13 4.2,8.2 0.5,5.2 5.2,5",
      hexagon: "7,1 12.2,4 12.2,10 7,13 1.8,10 1.8,4"
    }[type.shape];
    var shape;
    if (points) {
      shape = document.createElementNS(SVG, "polygon");
      shape.setAttribute("points", points);
    } else {
      shape = document.createElementNS(SVG, "circle");
      shape.setAttribute("cx", "7");
      shape.setAttribute("cy", "7");
      shape.setAttribute("r", "6");
    }
    shape.setAttribute("fill", type.color);
    svg.appendChild(shape);
    return svg;
  }

  // ------------------------------------------------------------------ the network

  var nodes = new vis.DataSet(data.nodes);
  var edges = new vis.DataSet(data.edges);
  var container = document.getElementById("network");
  timings.datasets = performance.now();
  var network = new vis.Network(container, { nodes: nodes, edges: edges }, data.options);
  timings.network = performance.now();

  var ready = false;
  function markReady() {
    if (ready) return;
    ready = true;
    window.kgReadyMs = performance.now();
    document.documentElement.setAttribute("data-kg-ready", "1");
  }
  if (data.nodes.length === 0) {
    markReady();
  } else if (data.options.physics.enabled) {
    network.once("stabilizationIterationsDone", function () {
      if (data.meta.bounded) network.setOptions({ physics: { enabled: false } });
      network.once("afterDrawing", markReady);
      network.redraw();
    });
  } else {
    network.once("afterDrawing", markReady);
  }

  // ------------------------------------------------------------------ counts and legend with type filters

  var visibleTypes = types.map(function () { return true; });
  var idsByType = types.map(function () { return []; });
  info.nodes.forEach(function (n, id) { idsByType[n.type].push(id); });
  var checkboxes = [];

  function showCounts() {
    var shown = 0;
    types.forEach(function (t, i) { if (visibleTypes[i]) shown += idsByType[i].length; });
    var text = "显示 " + shown + " / " + data.meta.total + " 个节点 · " + data.meta.edges + " 条关系";
    if (data.meta.shown < data.meta.total) {
      text += "(仅含连接最多的 " + data.meta.shown + " 个 · most connected " + data.meta.shown + " of " + data.meta.total + ")";
    }
    document.getElementById("counts").textContent = text;
  }

  function setTypeVisible(typeIndex, visible) {
    visibleTypes[typeIndex] = visible;
    checkboxes[typeIndex].checked = visible;
    nodes.update(idsByType[typeIndex].map(function (id) { return { id: id, hidden: !visible }; }));
    showCounts();
  }

  var legend = document.getElementById("legend-list");
  types.forEach(function (t, i) {
    var box = el("input");
    box.type = "checkbox";
    box.checked = true;
    box.setAttribute("data-type", t.name);
    box.addEventListener("change", function () { setTypeVisible(i, box.checked); });
    checkboxes.push(box);
    var label = el("label");
    label.appendChild(box);
    label.appendChild(swatch(t));
    var names = el("span", null, "names");
    names.appendChild(el("span", t.zh));
    names.appendChild(el("span", t.en, "en"));
    label.appendChild(names);
    label.appendChild(el("span", t.count, "count"));
    var item = el("li");
    item.appendChild(label);
    legend.appendChild(item);
  });
  showCounts();

  // ------------------------------------------------------------------ detail panel

  var panel = document.getElementById("panel");

  function heading(zh, en) {
    var h = el("h3", zh + " ");
    h.appendChild(el("span", en, "en"));
    return h;
  }

  function documentItem(doc) {
    var li = el("li", doc[1] || doc[0]);
    li.appendChild(el("span", doc[0].split("/").pop(), "doc-id"));
    return li;
  }

  function showNode(id) {
    var n = info.nodes[id];
    var t = types[n.type];
    var kind = el("span", t.zh + " · " + t.en, "kind");
    kind.style.background = t.color;
    panel.replaceChildren(el("h2", n.label), kind);
    if (n.aliases.length) {
      panel.appendChild(heading("别称", "Aliases"));
      panel.appendChild(list(n.aliases, function (a) { return el("li", a); }));
    }
    var attrs = Object.keys(n.attrs);
    if (attrs.length) {
      panel.appendChild(heading("属性", "Attributes"));
      panel.appendChild(list(attrs, function (k) { return el("li", k + ": " + n.attrs[k]); }));
    }
    panel.appendChild(heading("提及文档", "Mentioned in (" + n.documents.length + ")"));
    panel.appendChild(list(n.documents, documentItem));
    panel.appendChild(heading("证据句", "Evidence sentences (" + n.sentences.length + ")"));
    panel.appendChild(list(n.sentences, function (s) { return el("li", s, "sentence"); }));
    panel.appendChild(el("p", n.iri, "iri"));
  }

  function showEdge(id) {
    var e = info.edges[id];
    var vis_edge = data.edges[id];
    var names = data.predicates[e.predicate];
    var h = el("h2", names[0] + " ");
    h.appendChild(el("span", names[1], "en"));
    panel.replaceChildren(h);
    panel.appendChild(el("p", info.nodes[vis_edge.from].label + " → " + info.nodes[vis_edge.to].label, "relation"));
    panel.appendChild(heading("证据句", "Evidence sentences (" + e.sentences.length + ")"));
    panel.appendChild(list(e.sentences, function (s) { return el("li", s, "sentence"); }));
    panel.appendChild(heading("来源文档", "Documents (" + e.documents.length + ")"));
    panel.appendChild(list(e.documents, documentItem));
  }

  network.on("click", function (params) {
    if (params.nodes.length) showNode(params.nodes[0]);
    else if (params.edges.length) showEdge(params.edges[0]);
  });

  // ------------------------------------------------------------------ search by name or alias

  var index = info.nodes.map(function (n) {
    return { label: n.label.toLowerCase(), aliases: n.aliases.map(function (a) { return a.toLowerCase(); }) };
  });

  function rank(entry, q) {
    if (entry.label === q) return 0;
    if (entry.aliases.indexOf(q) >= 0) return 1;
    if (entry.label.indexOf(q) === 0) return 2;
    if (entry.aliases.some(function (a) { return a.indexOf(q) === 0; })) return 3;
    if (entry.label.indexOf(q) >= 0) return 4;
    if (entry.aliases.some(function (a) { return a.indexOf(q) >= 0; })) return 5;
    return -1;
  }

  function search(query) {
    var q = query.trim().toLowerCase();
    if (!q) return [];
    var hits = [];
    index.forEach(function (entry, id) {
      var r = rank(entry, q);
      if (r >= 0) hits.push([r, -info.nodes[id].degree, info.nodes[id].label, id]);
    });
    hits.sort(function (a, b) {
      return a[0] - b[0] || a[1] - b[1] || (a[2] < b[2] ? -1 : a[2] > b[2] ? 1 : a[3] - b[3]);
    });
    return hits.slice(0, 30).map(function (h) { return h[3]; });
  }

  function focusNode(id) {
    var typeIndex = info.nodes[id].type;
    if (!visibleTypes[typeIndex]) setTypeVisible(typeIndex, true);
    network.selectNodes([id]);
    // on large graphs every animation frame redraws the zoomed-out overview: jump instead
    var animation = data.nodes.length <= 2000 ? { duration: 300, easingFunction: "easeInOutQuad" } : false;
    network.focus(id, { scale: Math.max(network.getScale(), 1.2), animation: animation });
    showNode(id);
  }

  var input = document.getElementById("search-input");
  var results = document.getElementById("search-results");
  var current = [];

  function showResults() {
    current = search(input.value);
    results.replaceChildren();
    current.forEach(function (id, i) {
      var n = info.nodes[id];
      var li = el("li", n.label);
      if (i === 0) li.className = "active";
      li.appendChild(el("span", types[n.type].zh, "type"));
      li.addEventListener("mousedown", function (ev) {
        ev.preventDefault();
        choose(id);
      });
      results.appendChild(li);
    });
    if (input.value.trim() && !current.length) results.appendChild(el("li", "没有找到 · no match", "type"));
    results.hidden = !input.value.trim();
  }

  function choose(id) {
    results.hidden = true;
    focusNode(id);
  }

  input.addEventListener("input", showResults);
  input.addEventListener("keydown", function (ev) {
    if (ev.key === "Enter") {
      current = search(input.value);
      if (current.length) choose(current[0]);
    } else if (ev.key === "Escape") {
      results.hidden = true;
    }
  });
  input.addEventListener("blur", function () { results.hidden = true; });

  window.kg = {
    network: network,
    nodes: nodes,
    edges: edges,
    data: data,
    search: search,
    focusNode: focusNode,
    setTypeVisible: setTypeVisible
  };
})();
