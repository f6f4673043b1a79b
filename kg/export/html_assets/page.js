/* cppcc-kg network page: reads the JSON in #kg-data and draws it with sigma.js (WebGL; bundled from npm) or,
   when the page was built without it, vis-network (canvas; from pyvis's wheel). Everything the reader does —
   type ticks, filters by document / publication / year / place, a node's neighbourhood, a path between two
   names, expanding communities of a large graph — changes one view model here; the renderer only draws it.
   Text from documents is set with textContent only, never as HTML.
   window.kg exposes the model for tests and benchmarks; <html data-kg-ready="1"> marks the first drawing
   (window.kgReadyMs: milliseconds since navigation start; kgTimings.painted: when that frame was on screen). */
(function () {
  "use strict";

  var timings = { start: performance.now() };
  window.kgTimings = timings;
  var data = JSON.parse(document.getElementById("kg-data").textContent);
  timings.parsed = performance.now();
  // nodes and edges travel as columns (kg.export.html.packed): back to one object per item
  function rows(columns, fix) {
    var keys = Object.keys(columns), count = keys.length ? columns[keys[0]].length : 0, out = new Array(count);
    for (var r = 0; r < count; r++) {
      var item = {};
      for (var c = 0; c < keys.length; c++) item[keys[c]] = columns[keys[c]][r];
      if (fix) fix(item);
      out[r] = item;
    }
    return out;
  }
  data.nodes = rows(data.nodes, function (n) { n.iri = data.iriBase + n.iri; });
  data.edges = rows(data.edges);
  var nodes = data.nodes, edges = data.edges, folded = data.folded, docs = data.docs, types = data.types;
  var groups = data.communities;
  var N = nodes.length;
  var SVG = "http://www.w3.org/2000/svg";
  var LABEL_CHARS = 14;
  var LARGE = N > 5000;  // large graphs: no arrowheads (too small to see in an overview), coarser picking

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

  function button(text, title, onClick, className) {
    var b = el("button", text, className);
    b.type = "button";
    if (title) b.title = title;
    b.addEventListener("click", onClick);
    return b;
  }

  function swatch(type) {
    var svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("width", "14");
    svg.setAttribute("height", "14");
    svg.setAttribute("viewBox", "0 0 14 14");
    var points = data.meta.renderer === "sigma" ? null : {
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

  function shortLabel(label) {
    return label.length <= LABEL_CHARS ? label : label.slice(0, LABEL_CHARS - 1) + "…";
  }

  // ------------------------------------------------------------------ indexes over the data

  var adjacency = [];  // node -> edge indexes touching it
  for (var i = 0; i < N; i++) adjacency.push([]);
  edges.forEach(function (e, k) {
    adjacency[e.from].push(k);
    if (e.to !== e.from) adjacency[e.to].push(k);
  });
  var typeIndex = {};
  types.forEach(function (t, k) { typeIndex[t.name] = k; });
  var POSITION = typeIndex.Position, PLACE = typeIndex.Place, DOCUMENT = typeIndex.Document;
  var docNode = {};  // document row -> its node, for document nodes
  var docRow = {};
  docs.forEach(function (d, k) { docRow[d.iri] = k; });
  nodes.forEach(function (n, k) { if (n.type === DOCUMENT && docRow[n.iri] !== undefined) docNode[k] = docRow[n.iri]; });
  var owner = new Int32Array(N).fill(-1);  // node -> community (overview)
  groups.forEach(function (g, k) { g.members.forEach(function (m) { owner[m] = k; }); });
  var importance = nodes.map(function (n, k) { return k; });  // label order: most connected first
  importance.sort(function (a, b) { return nodes[b].degree - nodes[a].degree || a - b; });

  function other(k, node) { var e = edges[k]; return e.from === node ? e.to : e.from; }

  // ------------------------------------------------------------------ the view model

  var state = {
    typeOn: types.map(function () { return true; }),
    fold: true,
    doc: -1, publication: "", year: "", place: -1,
    focus: null,      // Set of nodes: only these are shown (neighbourhood, expansion, path)
    path: null,       // {nodes: [...], edges: Set of edge indexes}
    expanded: new Set(),  // communities opened in the overview
    selected: null    // display key of the selected node
  };
  var docOk = null, placeOk = null;
  var shown = new Uint8Array(N);

  function filtersActive() { return state.doc >= 0 || state.publication !== "" || state.year !== ""; }

  function computeDocs() {
    if (!filtersActive()) { docOk = null; return; }
    docOk = docs.map(function (d, k) {
      return (state.doc < 0 || state.doc === k) &&
        (state.publication === "" || d.publications.indexOf(state.publication) >= 0) &&
        (state.year === "" || d.year === state.year);
    });
  }

  function computePlace() {
    if (state.place < 0) { placeOk = null; return; }
    // the place and every place within it (cppcc:within, child -> parent)
    var inside = new Set([state.place]), queue = [state.place];
    while (queue.length) {
      var p = queue.pop();
      adjacency[p].forEach(function (k) {
        var e = edges[k];
        if (e.p === "within" && e.to === p && !inside.has(e.from)) { inside.add(e.from); queue.push(e.from); }
      });
    }
    // what is located there, what those are linked to (their people, platforms, posts), and who holds those posts
    var ok = new Set(inside), anchored = [];
    edges.forEach(function (e) {
      if (e.p === "locatedIn" && inside.has(e.to) && !ok.has(e.from)) { ok.add(e.from); anchored.push(e.from); }
    });
    anchored.forEach(function (a) {
      adjacency[a].forEach(function (k) {
        var m = other(k, a);
        if (nodes[m].type !== PLACE && nodes[m].type !== DOCUMENT) ok.add(m);
      });
    });
    edges.forEach(function (e) { if (e.p === "holdsPosition" && ok.has(e.to) && inside.size) ok.add(e.from); });
    placeOk = ok;
  }

  function passes(k) {
    var n = nodes[k];
    if (!state.typeOn[n.type]) return false;
    if (docOk) {
      var hit = docNode[k] !== undefined ? docOk[docNode[k]] : false;
      for (var j = 0; !hit && j < n.docs.length; j++) hit = docOk[n.docs[j]];
      if (!hit) return false;
    }
    return !placeOk || placeOk.has(k);
  }

  function edgeDocsPass(e) {
    if (!docOk || !e.docs.length) return true;
    for (var j = 0; j < e.docs.length; j++) if (docOk[e.docs[j]]) return true;
    return false;
  }

  // The display graph: keys "n<node>", "c<community>" for nodes; "e<edge>", "f<folded>", "a<key>|<key>" for edges.
  // Node and edge keys are made once (every view change would otherwise build tens of thousands of strings).
  var nodeKey = new Array(N), edgeKey = new Array(edges.length);
  for (var nk = 0; nk < N; nk++) nodeKey[nk] = "n" + nk;
  for (var ek = 0; ek < edges.length; ek++) edgeKey[ek] = "e" + ek;
  function displayGraph() {
    var out = { nodes: new Map(), edges: new Map() };
    var overview = data.meta.overview && !state.focus;
    for (var k = 0; k < N; k++) {
      var on = passes(k) && (!state.focus || state.focus.has(k));
      if (on && overview && owner[k] >= 0 && !state.expanded.has(owner[k])) on = false;
      shown[k] = on ? 1 : 0;
    }
    var rep = function (k) {
      if (shown[k]) return nodeKey[k];
      if (overview && owner[k] >= 0 && !state.expanded.has(owner[k]) && passes(k)) return "c" + owner[k];
      return null;
    };
    importance.forEach(function (k) { if (shown[k]) out.nodes.set(nodeKey[k], { node: k }); });
    if (overview) {
      groups.forEach(function (g, c) { if (!state.expanded.has(c)) out.nodes.set("c" + c, { group: c }); });
    }
    var pathEdges = state.path ? state.path.edges : null;
    edges.forEach(function (e, k) {
      if (!edgeDocsPass(e)) return;
      if (shown[e.from] && shown[e.to]) {
        out.edges.set(edgeKey[k], { edge: k, from: nodeKey[e.from], to: nodeKey[e.to], onPath: !!(pathEdges && pathEdges.has(k)) });
        return;
      }
      if (!overview) return;
      var a = rep(e.from), b = rep(e.to);
      if (!a || !b || a === b) return;
      var key = a < b ? "a" + a + "|" + b : "a" + b + "|" + a;
      var agg = out.edges.get(key);
      if (agg) agg.count += 1;
      else out.edges.set(key, { from: a < b ? a : b, to: a < b ? b : a, count: 1 });
    });
    if (state.fold && POSITION !== undefined && !state.typeOn[POSITION]) {
      folded.forEach(function (f, k) {
        if (shown[f.from] && shown[f.to]) {
          out.edges.set("f" + k, { folded: k, from: nodeKey[f.from], to: nodeKey[f.to] });
        }
      });
    }
    return out;
  }

  // ------------------------------------------------------------------ what a drawn item looks like

  var SHRINK = Math.min(1, Math.max(0.25, Math.sqrt(800 / Math.max(1, N))));  // many nodes: smaller discs in the overview
  function nodeSize(k) { return SHRINK * Math.min(22, 3 + 2.2 * Math.sqrt(nodes[k].degree)); }
  function groupSize(c) { return Math.min(40, 6 + 1.6 * Math.sqrt(groups[c].size)); }
  function groupLabel(c) {
    var g = groups[c];
    return g.isolated ? "无连接节点 · unlinked (" + g.size + ")" : shortLabel(nodes[g.top].label) + " 等 " + g.size;
  }

  function nodeLook(key, item) {
    if (item.group !== undefined) {
      var g = groups[item.group];
      return { x: g.x, y: g.y, size: groupSize(item.group), color: g.isolated ? "#b0b0b0" : "#6f7d8c",
        shape: "dot", label: groupLabel(item.group), rank: 1e9 + g.size, border: true };
    }
    var n = nodes[item.node], t = types[n.type];
    return { x: n.x, y: n.y, size: nodeSize(item.node), color: t.color, shape: t.shape, label: shortLabel(n.label), rank: n.degree };
  }

  // ------------------------------------------------------------------ labels: most important first, never overlapping

  var widths = new Map();
  var FONT = getComputedStyle(document.body).fontFamily;

  function labelFont(rank) { return Math.round(Math.min(20, 11 + 1.6 * Math.log2(1 + Math.min(rank, 4096)))); }

  // Width of a label in ems, without measuring: CJK and full-width characters are one em, others at most 0.62
  // (measureText on ten thousand distinct labels takes seconds; a slightly generous box only spaces labels more).
  function textWidth(text, px) {
    var w = widths.get(text);
    if (w === undefined) {
      w = 0;
      for (var j = 0; j < text.length; j++) w += text.charCodeAt(j) >= 0x2e80 ? 1 : 0.62;
      widths.set(text, w);
    }
    return w * px;
  }

  // Draws labels on ctx (viewport pixels): candidates in order of importance, each below its node, else above,
  // right or left of it, wherever its box overlaps no label already placed and (unless the view holds more than
  // DISC_OBSTACLES_MAX nodes) no node's disc. Returns the label boxes drawn (tests read them).
  var DISC_OBSTACLES_MAX = 1500;
  function drawLabels(ctx, width, height, candidates) {
    var CELL = 64, labelGrid = new Map(), discGrid = new Map(), placed = [];
    // cells are numbered (no key strings: thousands of candidates are tried on a large graph's first view)
    function hits(grid, b) {
      for (var gx = Math.floor(b[0] / CELL); gx <= Math.floor(b[2] / CELL); gx++) {
        for (var gy = Math.floor(b[1] / CELL); gy <= Math.floor(b[3] / CELL); gy++) {
          var cell = grid.get((gx + 1024) * 4096 + gy + 1024);
          if (!cell) continue;
          for (var j = 0; j < cell.length; j++) {
            var o = cell[j];
            if (b[0] < o[2] && o[0] < b[2] && b[1] < o[3] && o[1] < b[3]) return true;
          }
        }
      }
      return false;
    }
    function add(grid, b) {
      for (var gx = Math.floor(b[0] / CELL); gx <= Math.floor(b[2] / CELL); gx++) {
        for (var gy = Math.floor(b[1] / CELL); gy <= Math.floor(b[3] / CELL); gy++) {
          var key = (gx + 1024) * 4096 + gy + 1024, cell = grid.get(key);
          if (!cell) grid.set(key, cell = []);
          cell.push(b);
        }
      }
    }
    var inView = candidates.filter(function (c) { return c.x > -50 && c.x < width + 50 && c.y > -50 && c.y < height + 50; });
    if (inView.length <= DISC_OBSTACLES_MAX) {
      inView.forEach(function (c) { add(discGrid, [c.x - c.radius, c.y - c.radius, c.x + c.radius, c.y + c.radius]); });
    }
    ctx.save();
    ctx.textBaseline = "top";
    ctx.lineJoin = "round";
    for (var c = 0; c < inView.length && placed.length < 600; c++) {
      var cand = inView[c];
      var px = cand.font, w = textWidth(cand.label, px) + 4, h = px + 2, r = cand.radius + 1;
      var spots = [
        [cand.x - w / 2, cand.y + r], [cand.x - w / 2, cand.y - r - h],
        [cand.x + r + 1, cand.y - h / 2], [cand.x - r - 1 - w, cand.y - h / 2]
      ];
      // the most important labels may cover a disc when there is no other room; no label ever covers a label
      var box = null, passes = c < 12 ? 2 : 1;
      for (var pass = 0; pass < passes && !box; pass++) {
        for (var sp = 0; sp < spots.length && !box; sp++) {
          var b = [spots[sp][0], spots[sp][1], spots[sp][0] + w, spots[sp][1] + h];
          var inside = b[0] >= 0 && b[2] <= width && b[1] >= 0 && b[3] <= height;
          if (cand.force || (inside && !hits(labelGrid, b) && (pass === 1 || !hits(discGrid, b)))) box = b;
        }
      }
      if (!box) continue;
      add(labelGrid, box);
      placed.push({ key: cand.key, box: box });
      ctx.font = (cand.bold ? "bold " : "") + px + "px " + FONT;
      ctx.textAlign = "center";
      ctx.lineWidth = 3;
      ctx.strokeStyle = "rgba(255,255,255,0.9)";
      ctx.strokeText(cand.label, (box[0] + box[2]) / 2, box[1] + 1);
      ctx.fillStyle = cand.bold ? "#000" : "#222";
      ctx.fillText(cand.label, (box[0] + box[2]) / 2, box[1] + 1);
    }
    ctx.restore();
    return placed;
  }

  // ------------------------------------------------------------------ renderers

  var view = { nodes: new Map(), edges: new Map() };  // what is drawn now (display keys -> items)
  var highlight = null;  // Set of display keys near the selection, or null

  function edgeLook(key, item, dimming) {
    if (item.count !== undefined) return { size: Math.min(6, 0.5 + Math.log2(1 + item.count)), color: "#c8ccd4" };
    if (item.folded !== undefined) return { size: 1.5, color: "#8c564b", dashes: true };
    if (item.onPath) return { size: 4, color: "#d9480f" };
    var dim = dimming && highlight && !(highlight.has(item.from) && highlight.has(item.to));
    return { size: 1.2, color: dim ? "#e4e6ea" : "#a0a8b4" };
  }

  function sigmaRenderer(container) {
    var GRAPH_OPTIONS = { multi: true, type: "directed", allowSelfLoops: true };
    var graph = new graphology.Graph(GRAPH_OPTIONS);
    var xs = [], ys = [];
    nodes.forEach(function (n) { xs.push(n.x); ys.push(-n.y); });
    groups.forEach(function (g) { xs.push(g.x); ys.push(-g.y); });
    var bbox = xs.length ? { x: [Math.min.apply(null, xs) - 1, Math.max.apply(null, xs) + 1], y: [Math.min.apply(null, ys) - 1, Math.max.apply(null, ys) + 1] } : null;
    var sigma = null, lastLabels = [];
    // drawn nodes in label order (most important first, then by key); kept until the drawn graph changes
    var order = null;
    function labelOrder() {
      if (!order) {
        var ranked = graph.mapNodes(function (key, a) { return [a.rank, key]; });
        ranked.sort(function (a, b) { return (b[0] - a[0]) || (a[1] < b[1] ? -1 : 1); });
        order = ranked.map(function (r) { return r[1]; });
      }
      return order;
    }
    function addNode(key, item) {
      var look = nodeLook(key, item);
      // every attribute sigma would otherwise add to its copy, in one order: one object shape for all nodes
      graph.addNode(key, { x: look.x, y: -look.y, size: look.size, color: look.color, label: look.label, rank: look.rank,
        hidden: false, highlighted: false, forceLabel: false, type: "circle", zIndex: 0 });
    }
    function addEdge(key, item) {
      var look = edgeLook(key, item, false);
      var plain = item.count !== undefined || item.folded !== undefined || LARGE;
      graph.addDirectedEdgeWithKey(key, item.from, item.to, { size: look.size, color: look.color, type: plain ? "line" : "arrow",
        label: "", hidden: false, forceLabel: false, zIndex: 0 });
    }
    // communities are drawn as discs of the radius the build gave them (r, in layout units, discs apart), in
    // pixels at the first view, so that the overview's discs do not cover each other
    // (called after a drawing, which set the graph -> viewport map)
    function fitGroupDiscs() {
      var a = sigma.graphToViewport({ x: 0, y: 0 }), b = sigma.graphToViewport({ x: 1000, y: 0 });
      var pixels = Math.abs(b.x - a.x) / 1000;
      groups.forEach(function (g, c) {
        if (graph.hasNode("c" + c)) graph.setNodeAttribute("c" + c, "size", Math.max(3, Math.min(groupSize(c), 0.85 * g.r * pixels)));
      });
    }
    // the drawn edge passing within `tolerance` pixels of a point of the view, the closest one
    function nearestEdge(x, y, tolerance) {
      var best = null, bestDistance = tolerance;
      graph.forEachEdge(function (key, attrs, source, target, sa, ta) {
        var a = sigma.graphToViewport(sa), b = sigma.graphToViewport(ta);
        var dx = b.x - a.x, dy = b.y - a.y, length = dx * dx + dy * dy;
        var t = length ? Math.max(0, Math.min(1, ((x - a.x) * dx + (y - a.y) * dy) / length)) : 0;
        var distance = Math.hypot(x - a.x - t * dx, y - a.y - t * dy);
        if (distance < bestDistance) { bestDistance = distance; best = key; }
      });
      return best;
    }
    // one drawn node: how many times sigma has prepared it for drawing (kgTimings.nodePasses; once for the first drawing)
    var watched = null;
    timings.nodePasses = 0;
    var self = {
      init: function (display, onReady) {
        display.nodes.forEach(function (item, key) { addNode(key, item); });
        watched = graph.order ? graph.nodes()[0] : null;
        display.edges.forEach(function (item, key) { addEdge(key, item); });
        timings.graph = performance.now();
        // sigma starts on an empty graph (its constructor draws what it is given, and the bounding box and the
        // label hook come after it): the whole graph is then processed and drawn once, not twice
        sigma = new Sigma(new graphology.Graph(GRAPH_OPTIONS), container, {
          renderLabels: false,
          renderEdgeLabels: false,
          enableEdgeEvents: false,  // edges are picked by distance on click (nearestEdge): thin ones too, and cheaper
          defaultEdgeType: "arrow",
          hideEdgesOnMove: LARGE,
          pickingDownSizingRatio: LARGE ? 2 : 1,  // exact picking keeps thin edges clickable on small graphs
          zIndex: !LARGE,
          stagePadding: 40,
          labelFont: FONT,
          nodeReducer: function (key, attrs) {
            if (key === watched) timings.nodePasses += 1;
            if (key === state.selected) return Object.assign({}, attrs, { highlighted: true, zIndex: 2 });
            if (highlight && !LARGE && !highlight.has(key)) return Object.assign({}, attrs, { color: "#dfe2e6", zIndex: 0 });
            return attrs;
          },
          edgeReducer: LARGE ? null : function (key, attrs) {
            var item = view.edges.get(key);
            if (!item || !highlight || item.onPath) return attrs;
            var look = edgeLook(key, item, true);
            return Object.assign({}, attrs, { color: look.color, zIndex: look.color === "#a0a8b4" ? 1 : 0 });
          }
        });
        if (bbox) sigma.setCustomBBox(bbox);
        if (groups.length) { sigma.setGraph(graph); fitGroupDiscs(); }  // an overview's few discs need one drawing's scale
        var labelCanvas = sigma.getCanvases().labels;
        sigma.on("afterRender", function () {
          var ctx = labelCanvas.getContext("2d"), size = sigma.getDimensions(), width = size.width, height = size.height;
          // graph -> viewport is affine (normalisation, camera): three points give it, then each node costs six products
          var o = sigma.graphToViewport({ x: 0, y: 0 }), ex = sigma.graphToViewport({ x: 1, y: 0 }), ey = sigma.graphToViewport({ x: 0, y: 1 });
          var xx = ex.x - o.x, xy = ey.x - o.x, yx = ex.y - o.y, yy = ey.y - o.y, radius = sigma.scaleSize(1, sigma.getCamera().ratio);
          var candidates = [], selected = state.selected && graph.hasNode(state.selected) ? state.selected : null;
          function candidate(key, force) {
            var a = graph.getNodeAttributes(key), x = o.x + xx * a.x + xy * a.y, y = o.y + yx * a.x + yy * a.y;
            if (!force && !(x > -50 && x < width + 50 && y > -50 && y < height + 50)) return;
            candidates.push({ key: key, x: x, y: y, radius: radius * a.size, label: a.label, font: labelFont(a.rank),
              rank: a.rank, force: force, bold: force });
          }
          if (selected) candidate(selected, true);
          labelOrder().forEach(function (key) { if (key !== selected) candidate(key, false); });
          lastLabels = drawLabels(ctx, width, height, candidates);
          if (onReady) { var done = onReady; onReady = null; done(); }
        });
        sigma.on("clickNode", function (ev) { handlers.node(ev.node); });
        sigma.on("clickStage", function (ev) {
          var key = nearestEdge(ev.event.x, ev.event.y, 6);
          if (key) handlers.edge(key);
        });
        if (sigma.getGraph() === graph) sigma.refresh(); else sigma.setGraph(graph);
      },
      sync: function (display) {
        order = null;
        graph.forEachEdge(function (key) { if (!display.edges.has(key)) graph.dropEdge(key); });
        graph.forEachNode(function (key) { if (!display.nodes.has(key)) graph.dropNode(key); });
        display.nodes.forEach(function (item, key) { if (!graph.hasNode(key)) addNode(key, item); });
        display.edges.forEach(function (item, key) {
          if (!graph.hasEdge(key)) { addEdge(key, item); return; }
          var look = edgeLook(key, item, false), attrs = graph.getEdgeAttributes(key);
          if (attrs.size !== look.size || attrs.color !== look.color) graph.mergeEdgeAttributes(key, { size: look.size, color: look.color });
        });
        sigma.refresh();
      },
      redraw: function (changed) {
        // a new selection on a large graph: only the nodes whose look changed are re-uploaded
        var keys = changed ? changed.filter(function (key) { return key && graph.hasNode(key); }) : null;
        if (LARGE && keys) sigma.refresh({ partialGraph: { nodes: keys }, skipIndexation: true });
        else sigma.refresh();
      },
      focus: function (key, zoom) {
        var d = sigma.getNodeDisplayData(key);
        if (!d) return;
        var camera = sigma.getCamera();
        var state2 = { x: d.x, y: d.y, ratio: Math.min(camera.ratio, zoom || 0.35) };
        if (N > 2000) camera.setState(state2); else camera.animate(state2, { duration: 300 });
      },
      fit: function (keys) {
        var camera = sigma.getCamera();
        if (!keys || !keys.length) { camera.setState({ x: 0.5, y: 0.5, ratio: 1, angle: 0 }); return; }
        var x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
        keys.forEach(function (key) {
          var d = sigma.getNodeDisplayData(key);
          if (!d) return;
          x0 = Math.min(x0, d.x); x1 = Math.max(x1, d.x); y0 = Math.min(y0, d.y); y1 = Math.max(y1, d.y);
        });
        if (x0 === Infinity) return;
        camera.setState({ x: (x0 + x1) / 2, y: (y0 + y1) / 2, ratio: Math.min(1, Math.max(0.08, 1.3 * Math.max(x1 - x0, y1 - y0))), angle: 0 });
      },
      toViewport: function (key) {
        if (!graph.hasNode(key)) return null;
        var a = graph.getNodeAttributes(key);
        return sigma.graphToViewport({ x: a.x, y: a.y });
      },
      drawnKeys: function () { return graph.nodes(); },
      drawnEdges: function () { return graph.edges(); },
      labels: function () { return lastLabels; },
      get library() { return sigma; }
    };
    return self;
  }

  function visRenderer(container) {
    var vnodes = new vis.DataSet(), vedges = new vis.DataSet(), network = null, lastLabels = [], looks = new Map();
    function visNode(key, item) {
      var look = nodeLook(key, item);
      looks.set(key, look);
      return { id: key, x: look.x, y: look.y, size: 6 + 1.6 * look.size, color: look.color, shape: look.shape, borderWidth: look.border ? 3 : 1 };
    }
    function visEdge(key, item) {
      var look = edgeLook(key, item, true);
      return { id: key, from: item.from, to: item.to, width: look.size, color: { color: look.color }, dashes: !!look.dashes,
        arrows: item.count !== undefined || item.folded !== undefined ? "" : "to" };
    }
    var self = {
      init: function (display, onReady) {
        var ns = [], es = [];
        display.nodes.forEach(function (item, key) { ns.push(visNode(key, item)); });
        display.edges.forEach(function (item, key) { es.push(visEdge(key, item)); });
        vnodes.add(ns);
        vedges.add(es);
        timings.graph = performance.now();
        network = new vis.Network(container, { nodes: vnodes, edges: vedges }, data.options);
        network.on("afterDrawing", function (ctx) {
          var candidates = [], scale = network.getScale();
          var positions = network.getPositions();
          Object.keys(positions).forEach(function (key) {
            var look = looks.get(key);
            if (!look) return;
            var p = network.canvasToDOM(positions[key]);
            candidates.push({ key: key, x: p.x, y: p.y, radius: (6 + 1.6 * look.size) * scale, label: look.label,
              font: labelFont(look.rank), rank: look.rank, force: key === state.selected, bold: key === state.selected });
          });
          candidates.sort(function (a, b) { return (b.force - a.force) || (b.rank - a.rank) || (a.key < b.key ? -1 : 1); });
          var ratio = window.devicePixelRatio || 1;
          ctx.save();
          ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
          lastLabels = drawLabels(ctx, container.clientWidth, container.clientHeight, candidates);
          ctx.restore();
        });
        var ready = function () { if (onReady) { var done = onReady; onReady = null; done(); } };
        if (!ns.length) ready();
        else if (data.options.physics.enabled) {
          network.once("stabilizationIterationsDone", function () {
            if (data.meta.bounded) network.setOptions({ physics: { enabled: false } });
            network.once("afterDrawing", ready);
            network.redraw();
          });
        } else network.once("afterDrawing", ready);
        network.on("click", function (params) {
          if (params.nodes.length) handlers.node(params.nodes[0]);
          else if (params.edges.length) handlers.edge(params.edges[0]);
        });
      },
      sync: function (display) {
        var goneN = vnodes.getIds().filter(function (key) { return !display.nodes.has(key); });
        var goneE = vedges.getIds().filter(function (key) { return !display.edges.has(key); });
        vedges.remove(goneE);
        vnodes.remove(goneN);
        goneN.forEach(function (key) { looks.delete(key); });
        var addN = [], addE = [];
        display.nodes.forEach(function (item, key) { if (!vnodes.get(key)) addN.push(visNode(key, item)); });
        vnodes.add(addN);
        display.edges.forEach(function (item, key) { addE.push(visEdge(key, item)); });
        vedges.update(addE);
        network.selectNodes(state.selected && vnodes.get(state.selected) ? [state.selected] : []);
      },
      redraw: function () { network.redraw(); },
      focus: function (key) {
        var animation = N <= 2000 ? { duration: 300, easingFunction: "easeInOutQuad" } : false;
        network.focus(key, { scale: Math.max(network.getScale(), 1.2), animation: animation });
      },
      fit: function (keys) { network.fit({ nodes: keys && keys.length ? keys : undefined, animation: false }); },
      toViewport: function (key) {
        var p = network.getPositions([key])[key];
        return p ? network.canvasToDOM(p) : null;
      },
      drawnKeys: function () { return vnodes.getIds(); },
      drawnEdges: function () { return vedges.getIds(); },
      labels: function () { return lastLabels; },
      get library() { return network; }
    };
    return self;
  }

  // ------------------------------------------------------------------ applying the model

  var handlers = {};
  var container = document.getElementById("network");
  var renderer = data.meta.renderer === "sigma" && window.Sigma ? sigmaRenderer(container) : visRenderer(container);

  function neighbourhoodKeys(key) {
    var out = new Set([key]);
    if (key && key.charAt(0) === "n") {
      var k = +key.slice(1);
      adjacency[k].forEach(function (e) { out.add("n" + other(e, k)); });
      folded.forEach(function (f) { if (f.from === k) out.add("n" + f.to); if (f.to === k) out.add("n" + f.from); });
    }
    return out;
  }

  function apply(options) {
    computeDocs();
    computePlace();
    view = displayGraph();
    highlight = state.selected && view.nodes.has(state.selected) ? neighbourhoodKeys(state.selected) : null;
    renderer.sync(view);
    showCounts();
    showViewNote();
    if (options && options.fit) renderer.fit(Array.from(view.nodes.keys()));
  }

  var ready = false;
  function markReady() {
    if (ready) return;
    ready = true;
    window.kgReadyMs = performance.now();
    timings.ready = window.kgReadyMs;
    document.documentElement.setAttribute("data-kg-ready", "1");
    // the drawing reaches the screen at the end of the next frame (with software WebGL, as in headless Chromium
    // without a GPU, the compositor waits there for the rasteriser): the first task after that frame stamps it
    requestAnimationFrame(function () { setTimeout(function () { timings.painted = performance.now(); }, 0); });
  }

  // ------------------------------------------------------------------ header counts

  function showCounts() {
    var shownNodes = 0;
    for (var k = 0; k < N; k++) shownNodes += shown[k];
    var shownEdges = 0;
    view.edges.forEach(function (item) { if (item.edge !== undefined) shownEdges += 1; });
    var text = "显示 " + shownNodes + " / " + data.meta.total + " 个节点 · " + shownEdges + " / " + data.meta.edges + " 条关系";
    if (data.meta.overview && !state.focus) text += " · " + (groups.length - state.expanded.size) + " 个社区未展开 communities folded";
    if (data.meta.shown < data.meta.total) {
      text += "(仅含连接最多的 " + data.meta.shown + " 个 · most connected " + data.meta.shown + " of " + data.meta.total + ")";
    }
    var stats = data.meta.stats || {};
    if (stats.triples) text += " · 全图 " + stats.triples.toLocaleString("en") + " 三元组 triples";
    if (stats.entities) text += " · " + stats.entities.toLocaleString("en") + " 实体 entities";
    document.getElementById("counts").textContent = text;
  }

  function showViewNote() {
    var note = document.getElementById("view-note");
    var parts = [];
    if (state.path) parts.push("路径 path: " + state.path.nodes.length + " 个节点 nodes");
    else if (state.focus) parts.push("局部视图 partial view: " + state.focus.size + " 个节点 nodes");
    if (filtersActive() || state.place >= 0) parts.push("已筛选 filtered");
    note.textContent = parts.join(" · ");
    document.getElementById("show-all").disabled = !state.focus && !state.path && !(data.meta.overview && state.expanded.size);
  }

  // ------------------------------------------------------------------ legend with type ticks, folding posts

  var checkboxes = [];

  function setTypeVisible(t, visible) {
    state.typeOn[t] = visible;
    checkboxes[t].checked = visible;
    apply();
  }

  var legend = document.getElementById("legend-list");
  types.forEach(function (t, k) {
    var box = el("input");
    box.type = "checkbox";
    box.checked = true;
    box.setAttribute("data-type", t.name);
    box.addEventListener("change", function () { setTypeVisible(k, box.checked); });
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
  var foldBox = document.getElementById("fold-positions");
  foldBox.checked = state.fold;
  foldBox.addEventListener("change", function () { state.fold = foldBox.checked; apply(); });
  document.getElementById("fold-row").hidden = POSITION === undefined || !folded.length;

  // ------------------------------------------------------------------ filters: document, publication, year, place

  function fillSelect(select, options) {
    options.forEach(function (o) {
      var opt = el("option", o[1]);
      opt.value = String(o[0]);
      select.appendChild(opt);
    });
  }

  function docLine(d) {
    var parts = [d.title || d.iri.split("/").pop()];
    if (d.date) parts.push(d.date);
    if (d.publications.length) parts.push(d.publications.join("、"));
    return parts.join(" · ");
  }

  var docSelect = document.getElementById("filter-doc");
  var pubSelect = document.getElementById("filter-publication");
  var yearSelect = document.getElementById("filter-year");
  var placeSelect = document.getElementById("filter-place");
  var docOrder = docs.map(function (d, k) { return k; });
  docOrder.sort(function (a, b) { return (docs[b].date > docs[a].date) - (docs[b].date < docs[a].date) || a - b; });
  fillSelect(docSelect, docOrder.map(function (k) { return [k, docLine(docs[k])]; }));
  var pubs = {}, years = {};
  docs.forEach(function (d) { d.publications.forEach(function (p) { pubs[p] = 1; }); if (d.year) years[d.year] = 1; });
  fillSelect(pubSelect, Object.keys(pubs).sort().map(function (p) { return [p, p]; }));
  fillSelect(yearSelect, Object.keys(years).sort().reverse().map(function (y) { return [y, y]; }));
  var places = [];
  nodes.forEach(function (n, k) { if (n.type === PLACE) places.push(k); });
  places.sort(function (a, b) { return nodes[b].degree - nodes[a].degree || (nodes[a].label < nodes[b].label ? -1 : 1); });
  fillSelect(placeSelect, places.map(function (k) { return [k, nodes[k].label]; }));
  [[docSelect, "doc", true], [pubSelect, "publication", false], [yearSelect, "year", false], [placeSelect, "place", true]].forEach(function (f) {
    f[0].addEventListener("change", function () {
      state[f[1]] = f[2] ? (f[0].value === "" ? -1 : +f[0].value) : f[0].value;
      apply({ fit: true });
    });
    f[0].disabled = f[0].options.length <= 1;
  });
  document.getElementById("filter-clear").addEventListener("click", function () {
    state.doc = -1; state.publication = ""; state.year = ""; state.place = -1;
    docSelect.value = ""; pubSelect.value = ""; yearSelect.value = ""; placeSelect.value = "";
    apply({ fit: true });
  });

  // ------------------------------------------------------------------ neighbourhoods, expansion, paths

  function passingNeighbours(k) {
    var out = [];
    adjacency[k].forEach(function (e) { var m = other(e, k); if (passes(m) && edgeDocsPass(edges[e])) out.push(m); });
    return out;
  }

  function showNeighbourhood(k, steps) {
    var seen = new Set([k]), frontier = [k];
    for (var s = 0; s < steps; s++) {
      var next = [];
      frontier.forEach(function (f) { passingNeighbours(f).forEach(function (m) { if (!seen.has(m)) { seen.add(m); next.push(m); } }); });
      frontier = next;
    }
    state.focus = seen;
    state.path = null;
    if (!passes(k)) revealNode(k);
    apply({ fit: true });
    select("n" + k);
  }

  function expandNode(k) {
    var focus = state.focus ? new Set(state.focus) : new Set([k]);
    focus.add(k);
    passingNeighbours(k).forEach(function (m) { focus.add(m); });
    state.focus = focus;
    apply();
    select("n" + k);
  }

  function expandGroup(c) {
    state.expanded.add(c);
    apply();
    renderer.fit(groups[c].members.filter(function (m) { return shown[m]; }).map(function (m) { return "n" + m; }));
    showGroup(c);
  }

  function shortestPath(a, b) {
    if (!passes(a) || !passes(b)) return null;
    var previous = new Map([[a, -1]]), queue = [a];
    for (var q = 0; q < queue.length; q++) {
      var k = queue[q];
      if (k === b) break;
      for (var j = 0; j < adjacency[k].length; j++) {
        var e = adjacency[k][j], m = other(e, k);
        if (previous.has(m) || !passes(m) || !edgeDocsPass(edges[e])) continue;
        previous.set(m, e);
        queue.push(m);
      }
    }
    if (!previous.has(b)) return null;
    var pathNodes = [b], pathEdges = [];
    for (var at = b; at !== a;) {
      var via = previous.get(at);
      pathEdges.unshift(via);
      at = other(via, at);
      pathNodes.unshift(at);
    }
    return { nodes: pathNodes, edges: pathEdges };
  }

  function findPath(a, b) {
    var found = shortestPath(a, b);
    if (!found) {
      state.path = null;
      showNoPath(a, b);
      return null;
    }
    state.path = { nodes: found.nodes, edges: new Set(found.edges), order: found.edges };
    state.focus = new Set(found.nodes);
    state.selected = null;
    apply({ fit: true });
    showPath(found);
    return found;
  }

  function showAll() {
    state.focus = null;
    state.path = null;
    state.expanded = new Set();
    apply({ fit: true });
  }
  document.getElementById("show-all").addEventListener("click", showAll);

  // ------------------------------------------------------------------ the panel

  var panel = document.getElementById("panel");

  function heading(zh, en) {
    var h = el("h3", zh + " ");
    h.appendChild(el("span", en, "en"));
    return h;
  }

  function documentItem(k) {
    var d = docs[k];
    var li = el("li", null, "doc");
    li.appendChild(el("span", d.title || d.iri.split("/").pop(), "doc-title"));
    if (d.date) li.appendChild(el("span", d.date, "doc-date"));
    d.publications.forEach(function (p) { li.appendChild(el("span", p, "doc-pub")); });
    li.appendChild(el("span", d.iri.split("/").pop(), "doc-id"));
    return li;
  }

  function nodeLink(k) {
    var a = el("a", nodes[k].label, "node-link");
    a.href = "#";
    a.setAttribute("data-node", String(k));
    a.addEventListener("click", function (ev) { ev.preventDefault(); focusNode(k); });
    var t = types[nodes[k].type];
    var kind = el("span", t.zh, "type");
    kind.style.color = t.color;
    var span = el("span");
    span.appendChild(a);
    span.appendChild(kind);
    return span;
  }

  function predicateNames(p) { return data.predicates[p] || [p, p]; }

  function relationGroups(k) {
    var byKind = new Map();
    adjacency[k].forEach(function (e) {
      var edge = edges[e], out = edge.from === k, key = (out ? "→" : "←") + edge.p;
      if (!byKind.has(key)) byKind.set(key, { p: edge.p, out: out, items: [] });
      byKind.get(key).items.push(e);
    });
    return Array.from(byKind.values()).sort(function (a, b) {
      return (b.out - a.out) || (a.p < b.p ? -1 : a.p > b.p ? 1 : 0);
    });
  }

  function showNode(k) {
    var n = nodes[k], t = types[n.type];
    var kind = el("span", t.zh + " · " + t.en, "kind");
    kind.style.background = t.color;
    panel.replaceChildren(el("h2", n.label), kind);
    var actions = el("div", null, "actions");
    actions.appendChild(button("展开邻居 Expand", "把这个节点的邻居加入视图 · add this node's neighbours to the view", function () { expandNode(k); }, "expand"));
    actions.appendChild(button("只看 1 步邻域", "only this node's neighbourhood, 1 step", function () { showNeighbourhood(k, 1); }, "hood-1"));
    actions.appendChild(button("2 步 2 steps", "only this node's neighbourhood, 2 steps", function () { showNeighbourhood(k, 2); }, "hood-2"));
    actions.appendChild(button("路径起点 Path from", "use as the start of a path", function () { setPathEnd("from", k); }, "path-from"));
    actions.appendChild(button("路径终点 Path to", "use as the end of a path", function () { setPathEnd("to", k); }, "path-to"));
    panel.appendChild(actions);
    if (n.aliases.length) {
      panel.appendChild(heading("别称", "Aliases"));
      panel.appendChild(list(n.aliases, function (a) { return el("li", a); }));
    }
    var attrs = Object.keys(n.attrs);
    if (attrs.length) {
      panel.appendChild(heading("属性", "Attributes"));
      panel.appendChild(list(attrs, function (key) { return el("li", key + ": " + n.attrs[key]); }));
    }
    var kinds = relationGroups(k);
    panel.appendChild(heading("关系", "Relations (" + adjacency[k].length + ")"));
    var rel = el("div", null, "relations");
    kinds.forEach(function (g) {
      var names = predicateNames(g.p);
      var box = el("section", null, "relation-group");
      box.setAttribute("data-predicate", g.p);
      box.setAttribute("data-direction", g.out ? "out" : "in");
      var h = el("h4", (g.out ? "" : "← ") + names[0] + (g.out ? " →" : "") + " ");
      h.appendChild(el("span", (g.out ? "" : "is ") + names[1] + (g.out ? "" : " of") + " (" + g.items.length + ")", "en"));
      box.appendChild(h);
      box.appendChild(list(g.items, function (e) {
        var li = el("li", null, "relation");
        li.setAttribute("data-edge", String(e));
        li.appendChild(nodeLink(other(e, k)));
        if (edges[e].sentences.length) li.appendChild(el("div", edges[e].sentences[0], "evidence"));
        return li;
      }));
      rel.appendChild(box);
    });
    panel.appendChild(rel);
    var docList = n.docs.slice();
    if (docNode[k] !== undefined) docList.unshift(docNode[k]);
    docList.sort(function (a, b) { return (docs[b].date > docs[a].date) - (docs[b].date < docs[a].date) || a - b; });
    panel.appendChild(heading("提及文档", "Documents (" + docList.length + ")"));
    panel.appendChild(list(docList, documentItem));
    panel.appendChild(heading("证据句", "Evidence sentences (" + n.sentences.length + ")"));
    panel.appendChild(list(n.sentences, function (s) { return el("li", s, "sentence"); }));
    panel.appendChild(el("p", n.iri, "iri"));
  }

  function showEdge(e) {
    var edge = edges[e], names = predicateNames(edge.p);
    var h = el("h2", names[0] + " ");
    h.appendChild(el("span", names[1], "en"));
    panel.replaceChildren(h);
    var ends = el("p", null, "relation");
    ends.appendChild(nodeLink(edge.from));
    ends.appendChild(el("span", " → "));
    ends.appendChild(nodeLink(edge.to));
    panel.appendChild(ends);
    panel.appendChild(heading("证据句", "Evidence sentences (" + edge.sentences.length + ")"));
    panel.appendChild(list(edge.sentences, function (s) { return el("li", s, "sentence"); }));
    panel.appendChild(heading("来源文档", "Documents (" + edge.docs.length + ")"));
    panel.appendChild(list(edge.docs, documentItem));
  }

  function showFolded(f) {
    var fold = folded[f];
    var h = el("h2", "任职 ");
    h.appendChild(el("span", "holds a post in (经职务 via " + nodes[fold.via].label + ")", "en"));
    panel.replaceChildren(h);
    var ends = el("p", null, "relation");
    ends.appendChild(nodeLink(fold.from));
    ends.appendChild(el("span", " → "));
    ends.appendChild(nodeLink(fold.via));
    ends.appendChild(el("span", " → "));
    ends.appendChild(nodeLink(fold.to));
    panel.appendChild(ends);
    var sentences = [];
    fold.edges.forEach(function (e) { edges[e].sentences.forEach(function (s) { if (sentences.indexOf(s) < 0) sentences.push(s); }); });
    panel.appendChild(heading("证据句", "Evidence sentences (" + sentences.length + ")"));
    panel.appendChild(list(sentences, function (s) { return el("li", s, "sentence"); }));
  }

  function showGroup(c) {
    var g = groups[c];
    panel.replaceChildren(el("h2", groupLabel(c)));
    panel.appendChild(el("p", "社区 community · " + g.size + " 个节点 nodes", "hint"));
    var top = g.members.slice().sort(function (a, b) { return nodes[b].degree - nodes[a].degree || a - b; }).slice(0, 15);
    panel.appendChild(heading("主要成员", "Most connected members"));
    panel.appendChild(list(top, function (m) { var li = el("li"); li.appendChild(nodeLink(m)); return li; }));
  }

  function showPath(found) {
    panel.replaceChildren(el("h2", nodes[found.nodes[0]].label + " … " + nodes[found.nodes[found.nodes.length - 1]].label));
    panel.appendChild(el("p", "最短路径 shortest path · " + found.edges.length + " 步 steps", "hint"));
    var ol = el("ol", null, "path-steps");
    found.edges.forEach(function (e, s) {
      var edge = edges[e], names = predicateNames(edge.p), li = el("li", null, "path-step");
      li.appendChild(nodeLink(edge.from));
      li.appendChild(el("span", " —" + names[0] + " " + names[1] + "→ ", "predicate"));
      li.appendChild(nodeLink(edge.to));
      if (edge.sentences.length) li.appendChild(el("div", edge.sentences[0], "evidence"));
      ol.appendChild(li);
    });
    panel.appendChild(ol);
  }

  function showNoPath(a, b) {
    panel.replaceChildren(el("h2", nodes[a].label + " … " + nodes[b].label));
    panel.appendChild(el("p", "没有连接路径(在当前筛选下)· no path between them under the current filters", "no-path"));
  }

  // ------------------------------------------------------------------ selection and focus

  function select(key) {
    var before = state.selected;
    state.selected = key;
    highlight = key && view.nodes.has(key) ? neighbourhoodKeys(key) : null;
    renderer.redraw([before, key]);
  }

  function revealNode(k) {
    if (!state.typeOn[nodes[k].type]) { state.typeOn[nodes[k].type] = true; checkboxes[nodes[k].type].checked = true; }
    computeDocs();
    computePlace();
    if (!passes(k)) {
      state.doc = -1; state.publication = ""; state.year = ""; state.place = -1;
      docSelect.value = ""; pubSelect.value = ""; yearSelect.value = ""; placeSelect.value = "";
    }
  }

  function focusNode(k) {
    if (!shown[k]) {
      revealNode(k);
      if (state.focus && !state.focus.has(k)) { state.focus.add(k); state.path = null; }
      if (data.meta.overview && !state.focus && owner[k] >= 0) state.expanded.add(owner[k]);
      state.selected = "n" + k;
      apply();
    } else {
      select("n" + k);  // already drawn: only the selection changes
    }
    renderer.focus("n" + k, 0.35);
    showNode(k);
  }

  handlers.node = function (key) {
    if (key.charAt(0) === "c") { expandGroup(+key.slice(1)); return; }
    select(key);
    showNode(+key.slice(1));
  };
  handlers.edge = function (key) {
    if (key.charAt(0) === "e") showEdge(+key.slice(1));
    else if (key.charAt(0) === "f") showFolded(+key.slice(1));
  };

  // ------------------------------------------------------------------ search by name or alias (also for paths)

  var index = null;  // lower-cased names, made at the first search (not before the first drawing)
  function searchIndex() {
    if (!index) {
      index = nodes.map(function (n) {
        return { label: n.label.toLowerCase(), aliases: n.aliases.map(function (a) { return a.toLowerCase(); }) };
      });
    }
    return index;
  }

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
    searchIndex().forEach(function (entry, k) {
      var r = rank(entry, q);
      if (r >= 0) hits.push([r, -nodes[k].degree, nodes[k].label, k]);
    });
    hits.sort(function (a, b) {
      return a[0] - b[0] || a[1] - b[1] || (a[2] < b[2] ? -1 : a[2] > b[2] ? 1 : a[3] - b[3]);
    });
    return hits.slice(0, 30).map(function (h) { return h[3]; });
  }

  function searchBox(input, results, choose) {
    var current = [];
    function showResults() {
      current = search(input.value);
      results.replaceChildren();
      current.forEach(function (k, j) {
        var li = el("li", nodes[k].label);
        if (j === 0) li.className = "active";
        li.appendChild(el("span", types[nodes[k].type].zh, "type"));
        li.addEventListener("mousedown", function (ev) { ev.preventDefault(); results.hidden = true; choose(k); });
        results.appendChild(li);
      });
      if (input.value.trim() && !current.length) results.appendChild(el("li", "没有找到 · no match", "type"));
      results.hidden = !input.value.trim();
    }
    input.addEventListener("input", showResults);
    input.addEventListener("keydown", function (ev) {
      if (ev.key === "Enter") {
        current = search(input.value);
        results.hidden = true;
        if (current.length) choose(current[0]);
      } else if (ev.key === "Escape") {
        results.hidden = true;
      }
    });
    input.addEventListener("blur", function () { results.hidden = true; });
  }

  searchBox(document.getElementById("search-input"), document.getElementById("search-results"), focusNode);

  var pathEnds = { from: -1, to: -1 };
  var pathInputs = { from: document.getElementById("path-from"), to: document.getElementById("path-to") };
  function setPathEnd(which, k) {
    pathEnds[which] = k;
    pathInputs[which].value = nodes[k].label;
  }
  ["from", "to"].forEach(function (which) {
    var input = pathInputs[which];
    searchBox(input, document.getElementById("path-" + which + "-results"), function (k) { setPathEnd(which, k); });
    input.addEventListener("input", function () { pathEnds[which] = -1; });
  });
  function pathEnd(which) {
    if (pathEnds[which] < 0) {
      var hits = search(pathInputs[which].value);
      if (hits.length) setPathEnd(which, hits[0]);
    }
    return pathEnds[which];
  }
  document.getElementById("path-find").addEventListener("click", function () {
    var a = pathEnd("from"), b = pathEnd("to");
    if (a < 0 || b < 0) {
      panel.replaceChildren(el("p", "请先选两个名称 · choose two names first", "no-path"));
      return;
    }
    findPath(a, b);
  });

  // ------------------------------------------------------------------ start

  computeDocs();
  computePlace();
  view = displayGraph();
  timings.model = performance.now();
  renderer.init(view, markReady);
  timings.network = performance.now();
  showCounts();
  showViewNote();

  window.kg = {
    data: data,
    renderer: renderer,
    state: state,
    view: function () { return view; },
    shown: function () { var out = []; for (var k = 0; k < N; k++) if (shown[k]) out.push(k); return out; },
    search: search,
    focusNode: focusNode,
    setTypeVisible: setTypeVisible,
    showNeighbourhood: showNeighbourhood,
    expandNode: expandNode,
    findPath: findPath,
    showAll: showAll
  };
})();
