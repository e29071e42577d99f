// mobkg graph viewer, drawn with WebGL by sigma.js (vendored, see vendor/LICENSES.txt).
// Reads the graph from <script id="mobkg-data">, gives every entity a starting place on a
// spiral, shows it at once, then runs a bounded number of ForceAtlas2 iterations in a web
// worker (for small graphs, or if a worker cannot start, on the main thread in slices of
// ~12 ms), so the page never freezes. Filters (type, predicate, release dates, minimum facts), search with a list of
// hits, neighbourhood focus, the details panel and PNG export are wired up here; the page's
// state is exposed as window.mobkgView for tests and benchmarks.
(function () {
  "use strict";

  var vendor = window.mobkgVendor;
  var data = JSON.parse(document.getElementById("mobkg-data").textContent);
  var container = document.getElementById("graph");
  var DIM_NODE = "#dfe3e8", DIM_EDGE = "#eceff2", EDGE = "#aeb6bf", STRONG_EDGE = "#1f2328";
  var colours = {};
  data.types.forEach(function (t) { colours[t.name] = t.colour; });

  // ---------------------------------------------------------------- the model
  var entities = {}, order = [];
  data.nodes.forEach(function (n) {
    var dates = n.releases.map(function (r) { return (data.releases[r] || {}).date; }).filter(Boolean);
    entities[n.id] = { id: n.id, label: n.label, kind: n.type, aliases: n.aliases, releases: n.releases,
                       dates: dates, facts: [], degree: 0 };
    order.push(entities[n.id]);
  });
  var facts = [], predicateCounts = {}, allDates = [];
  data.edges.forEach(function (e, i) {
    var s = entities[e.source], t = entities[e.target];
    if (!s || !t) return;
    var dates = e.sources.map(function (x) { return (data.releases[x.release] || {}).date; }).filter(Boolean);
    var fact = { key: "f" + i, source: s, target: t, predicate: e.predicate, sources: e.sources, dates: dates };
    facts.push(fact);
    s.facts.push(fact); s.degree += 1;
    if (t !== s) { t.facts.push(fact); } t.degree += 1;
    predicateCounts[e.predicate] = (predicateCounts[e.predicate] || 0) + 1;
  });
  Object.keys(data.releases).forEach(function (r) { if (data.releases[r].date) allDates.push(data.releases[r].date); });
  allDates.sort();
  var firstDate = allDates[0] || "", lastDate = allDates[allDates.length - 1] || "";
  var factByKey = {};
  facts.forEach(function (f) { factByKey[f.key] = f; });

  var graph = new vendor.Graph({ type: "directed", multi: true, allowSelfLoops: true });
  startingOrder().forEach(function (n, i) {  // a sunflower spiral, neighbours near each other
    var r = 10 * Math.sqrt(i + 0.5), angle = i * 2.399963;
    graph.addNode(n.id, { label: n.label, x: r * Math.cos(angle), y: r * Math.sin(angle),
                          size: Math.min(18, 3 + 1.6 * Math.sqrt(n.degree)), color: colours[n.kind] || "#999" });
  });
  facts.forEach(function (f) {
    graph.addDirectedEdgeWithKey(f.key, f.source.id, f.target.id, { label: f.predicate, size: 1, color: EDGE });
  });

  // Breadth first from the best-connected entity of each component, so that entities sharing a
  // fact start close together: ForceAtlas2 then needs far fewer iterations to untangle them.
  // Ties go by label, so the same data always gets the same picture.
  function startingOrder() {
    function rank(a, b) { return b.degree - a.degree || (a.label < b.label ? -1 : a.label > b.label ? 1 : 0); }
    var seen = new Set(), result = [];
    order.slice().sort(rank).forEach(function (root) {
      if (seen.has(root.id)) return;
      seen.add(root.id);
      for (var queue = [root], head = 0; head < queue.length; head++) {
        var n = queue[head], next = [];
        result.push(n);
        n.facts.forEach(function (f) {
          var other = f.source === n ? f.target : f.source;
          if (!seen.has(other.id)) { seen.add(other.id); next.push(other); }
        });
        next.sort(rank).forEach(function (m) { queue.push(m); });
      }
    });
    return result;
  }

  // ---------------------------------------------------------------- what is shown
  var hiddenTypes = {}, hiddenPredicates = {}, range = { from: firstDate, to: lastDate }, minDegree = 0;
  var shownNodes = new Set(), shownEdges = new Set();
  var focus = null, focusSet = null, hits = [], hitSet = null;

  function inRange(dates) {
    for (var i = 0; i < dates.length; i++) if (dates[i] >= range.from && dates[i] <= range.to) return true;
    return false;
  }

  function applyFilters() {
    var dated = range.from > firstDate || range.to < lastDate, degree = {}, candidates = [];
    order.forEach(function (n) {
      if (!hiddenTypes[n.kind] && (!dated || inRange(n.dates))) degree[n.id] = 0;
    });
    facts.forEach(function (f) {
      if (hiddenPredicates[f.predicate] || !(f.source.id in degree) || !(f.target.id in degree)) return;
      if (dated && !inRange(f.dates)) return;
      candidates.push(f);
      degree[f.source.id] += 1; degree[f.target.id] += 1;
    });
    shownNodes = new Set();
    Object.keys(degree).forEach(function (id) { if (degree[id] >= minDegree) shownNodes.add(id); });
    shownEdges = new Set();
    candidates.forEach(function (f) {
      if (shownNodes.has(f.source.id) && shownNodes.has(f.target.id)) shownEdges.add(f.key);
    });
    if (focus) focusOn(focus); else refresh();
  }

  function refresh() {
    document.getElementById("shown").textContent = shownNodes.size + " of " + order.length + " entities · " +
      shownEdges.size + " of " + facts.length + " facts shown";
    renderHits();
    if (renderer) renderer.refresh();
  }

  function nodeReducer(id, attrs) {
    var res = Object.assign({}, attrs);
    if (!shownNodes.has(id)) { res.hidden = true; return res; }
    var lit = focusSet ? focusSet.has(id) : hitSet ? hitSet.has(id) : true;
    if (!lit) { res.color = DIM_NODE; res.label = ""; res.zIndex = 0; return res; }
    if (focusSet || hitSet) { res.forceLabel = true; res.zIndex = 1; }
    if (id === focus || (hitSet && !focusSet)) res.highlighted = true;
    return res;
  }

  function edgeReducer(key, attrs) {
    var res = Object.assign({}, attrs), f = factByKey[key];
    if (!shownEdges.has(key)) { res.hidden = true; return res; }
    if (focusSet) {
      if (f.source.id === focus || f.target.id === focus) { res.color = STRONG_EDGE; res.size = 2; res.forceLabel = true; res.zIndex = 1; }
      else { res.color = DIM_EDGE; res.label = ""; }
    } else if (hitSet && !(hitSet.has(f.source.id) && hitSet.has(f.target.id))) {
      res.color = DIM_EDGE; res.label = "";
    }
    return res;
  }

  // ---------------------------------------------------------------- the renderer
  var renderer = null;
  try {
    renderer = new vendor.Sigma(graph, container, {
      defaultEdgeType: "arrow", zIndex: true, nodeReducer: nodeReducer, edgeReducer: edgeReducer,
      renderEdgeLabels: facts.length <= 60, labelRenderedSizeThreshold: order.length <= 150 ? 0 : 7,
      labelFont: "system-ui, sans-serif", labelSize: 12, edgeLabelSize: 10, labelDensity: order.length <= 150 ? 10 : 0.8,
      minCameraRatio: 0.01, maxCameraRatio: 20,
      hideEdgesOnMove: facts.length > 5000,  // what keeps a big graph smooth under a slow (software) WebGL
    });
  } catch (error) {  // no WebGL in this browser: say so instead of showing an empty page
    container.classList.add("no-webgl");
    container.textContent = "This view needs WebGL, which this browser does not offer (" + error.message + ").";
  }
  document.getElementById("edge-labels").checked = facts.length <= 60;

  function goTo(n) {
    var shown = renderer && renderer.getNodeDisplayData(n.id);
    if (!shown || !shownNodes.has(n.id)) return;
    var camera = renderer.getCamera();
    camera.animate({ x: shown.x, y: shown.y, ratio: Math.min(camera.ratio, order.length > 200 ? 0.3 : 1) },
                   { duration: 300 });
  }

  // ---------------------------------------------------------------- focus and details
  var details = window.mobkgDetails(data, colours, function (n) { select(n); goTo(n); });

  function focusOn(id) {
    focus = id;
    focusSet = new Set([id]);
    entities[id].facts.forEach(function (f) {
      if (!shownEdges.has(f.key)) return;
      focusSet.add(f.source.id); focusSet.add(f.target.id);
    });
    refresh();
  }

  function select(n) {
    if (!n) { focus = null; focusSet = null; details.hide(); refresh(); return; }
    focusOn(n.id);
    details.show(n);
  }

  // ---------------------------------------------------------------- search
  var search = document.getElementById("search"), counter = document.getElementById("search-count");
  var hitList = document.getElementById("search-hits"), MAX_HITS = 100;

  function runSearch() {
    var text = search.value.trim().toLowerCase();
    hits = !text ? [] : order.filter(function (n) {
      return [n.label].concat(n.aliases).some(function (name) { return name.toLowerCase().indexOf(text) >= 0; });
    }).sort(function (a, b) { return b.degree - a.degree || (a.label < b.label ? -1 : a.label > b.label ? 1 : 0); });
    hitSet = text ? new Set(hits.map(function (n) { return n.id; })) : null;
    counter.textContent = text ? hits.length + (hits.length === 1 ? " match" : " matches") : "";
    refresh();
  }

  function renderHits() {
    document.getElementById("search-results").hidden = !hitSet;
    hitList.textContent = "";
    hits.slice(0, MAX_HITS).forEach(function (n) {
      var li = document.createElement("li"), button = document.createElement("button"), kind = document.createElement("span");
      li.className = shownNodes.has(n.id) ? "hit" : "hit filtered-out";
      button.type = "button";
      button.setAttribute("data-id", n.id);
      button.textContent = n.label;
      button.title = shownNodes.has(n.id) ? "Focus on " + n.label : n.label + " is hidden by the filters";
      kind.className = "hit-type";
      kind.textContent = n.kind;
      button.addEventListener("click", function () { select(n); goTo(n); });
      li.appendChild(button); li.appendChild(kind); hitList.appendChild(li);
    });
    if (hits.length > MAX_HITS) {
      var more = document.createElement("li");
      more.textContent = "… and " + (hits.length - MAX_HITS) + " more: type more of the name";
      hitList.appendChild(more);
    }
  }

  search.addEventListener("input", runSearch);
  search.addEventListener("keydown", function (ev) {
    if (ev.key === "Enter" && hits.length) { select(hits[0]); goTo(hits[0]); }
    if (ev.key === "Escape") { search.value = ""; runSearch(); }
  });

  // ---------------------------------------------------------------- filter controls
  function toggleList(listId, itemClass, names, counts, hidden, swatch) {
    var list = document.getElementById(listId);
    names.forEach(function (name) {
      var li = document.createElement("li"), label = document.createElement("span"), count = document.createElement("span");
      li.className = itemClass;
      li.setAttribute(itemClass === "legend-item" ? "data-type" : "data-predicate", name);
      li.setAttribute("role", "checkbox");
      li.setAttribute("aria-checked", "true");
      li.tabIndex = 0;
      if (swatch) { var dot = document.createElement("span"); dot.className = "swatch"; dot.style.background = swatch[name]; li.appendChild(dot); }
      label.textContent = name;
      label.className = itemClass === "legend-item" ? "type-name" : "predicate-name";
      count.className = itemClass === "legend-item" ? "legend-count" : "predicate-count";
      count.textContent = String(counts[name]);
      li.appendChild(label); li.appendChild(count);
      function toggle() {
        hidden[name] = !hidden[name];
        li.classList.toggle("off", !!hidden[name]);
        li.setAttribute("aria-checked", hidden[name] ? "false" : "true");
        applyFilters();
      }
      li.addEventListener("click", toggle);
      li.addEventListener("keydown", function (ev) { if (ev.key === "Enter" || ev.key === " ") { ev.preventDefault(); toggle(); } });
      list.appendChild(li);
    });
  }

  var typeCounts = {};
  data.types.forEach(function (t) { typeCounts[t.name] = t.count; });
  toggleList("legend-items", "legend-item", data.types.filter(function (t) { return t.count; }).map(function (t) { return t.name; }),
             typeCounts, hiddenTypes, colours);
  toggleList("predicate-items", "predicate-item", Object.keys(predicateCounts).sort(function (a, b) {
    return predicateCounts[b] - predicateCounts[a] || (a < b ? -1 : 1);
  }), predicateCounts, hiddenPredicates, null);

  var from = document.getElementById("date-from"), to = document.getElementById("date-to");
  [from, to].forEach(function (input) {
    input.min = firstDate; input.max = lastDate; input.disabled = !firstDate;
  });
  from.value = firstDate; to.value = lastDate;
  function readDates() {
    range.from = from.value || firstDate;
    range.to = to.value || lastDate;
    applyFilters();
  }
  from.addEventListener("change", readDates); to.addEventListener("change", readDates);

  var degreeInput = document.getElementById("min-degree"), degreeValue = document.getElementById("min-degree-value");
  degreeInput.max = String(order.reduce(function (m, n) { return Math.max(m, n.degree); }, 0));
  degreeInput.addEventListener("input", function () {
    minDegree = Number(degreeInput.value) || 0;
    degreeValue.textContent = String(minDegree);
    applyFilters();
  });

  // ---------------------------------------------------------------- layout
  var layout = { iterations: 0, target: order.length > 5000 ? 150 : order.length > 1000 ? 250 : 400,
                 running: false, mode: null };
  var status = document.getElementById("layout-status"), supervisor = null;
  var timings = { ready: null, layoutDone: null };  // ms since navigation started

  // The worker moves a copy of the graph; its positions reach the drawn graph twice a second and
  // at the end. Were it to move the drawn graph, every iteration would wait for a redraw.
  var shadow = null, syncing = null;
  function copyPositions() {
    if (!shadow) return;
    graph.updateEachNodeAttributes(function (id, attrs) {
      var moved = shadow.getNodeAttributes(id);
      attrs.x = moved.x; attrs.y = moved.y;
      return attrs;
    }, { attributes: ["x", "y"] });
  }

  function layoutDone() {
    layout.running = false;
    if (supervisor) { supervisor.kill(); supervisor = null; }
    if (syncing) { clearInterval(syncing); syncing = null; }
    copyPositions();
    shadow = null;
    status.textContent = "";
    timings.layoutDone = performance.now();
    document.body.setAttribute("data-layout", "done");
  }

  function counted() {
    layout.iterations += 1;
    if (layout.iterations % 10 === 0) status.textContent = "arranging " + layout.iterations + "/" + layout.target;
    if (layout.iterations >= layout.target) layoutDone();
  }

  function layoutOnMainThread(settings) {  // slices of at most ~12 ms, one animation frame apart
    layout.mode = "main thread";
    (function slice() {
      if (!layout.running) return;
      var start = performance.now();
      while (layout.running && performance.now() - start < 12) {
        vendor.forceAtlas2.assign(graph, { iterations: 1, settings: settings });
        counted();
      }
      if (layout.running) requestAnimationFrame(slice);
    })();
  }

  function startLayout() {
    if (graph.order < 2 || graph.size === 0) { layoutDone(); return; }
    var settings = vendor.forceAtlas2.inferSettings(graph);
    settings.barnesHutOptimize = graph.order > 400;
    layout.running = true;
    if (graph.order <= 300) { layoutOnMainThread(settings); return; }  // a few ms in all: not worth a worker
    try {
      shadow = graph.copy();
      supervisor = new vendor.FA2Layout(shadow, { settings: settings });
      supervisor.worker.addEventListener("message", counted);
      supervisor.worker.addEventListener("error", function () { fallBack(settings); });
      layout.mode = "worker";
      supervisor.start();
      syncing = setInterval(copyPositions, 500);
    } catch (error) {
      fallBack(settings);
    }
  }

  function fallBack(settings) {  // no worker here: the main thread, in slices
    if (supervisor) { supervisor.kill(); supervisor = null; }
    if (syncing) { clearInterval(syncing); syncing = null; }
    shadow = null;
    layoutOnMainThread(settings);
  }

  // ---------------------------------------------------------------- pointer: click, drag
  var dragged = null, moved = false;
  if (renderer) {
    renderer.on("clickNode", function (ev) { if (!moved) select(entities[ev.node]); moved = false; });
    renderer.on("clickStage", function () { if (!moved) select(null); moved = false; });
    renderer.on("downNode", function (ev) { dragged = ev.node; moved = false; });
    renderer.getMouseCaptor().on("mousemovebody", function (ev) {
      if (!dragged) return;
      if (!moved && layout.running) layoutDone();  // arranging by hand ends the layout, which would undo it
      moved = true;
      var p = renderer.viewportToGraph(ev);
      graph.mergeNodeAttributes(dragged, { x: p.x, y: p.y });
      ev.preventSigmaDefault();
      ev.original.preventDefault(); ev.original.stopPropagation();
    });
    renderer.getMouseCaptor().on("mouseup", function () { dragged = null; });
  }

  document.addEventListener("keydown", function (ev) {
    if (ev.key === "Escape" && ev.target === document.body) select(null);
  });
  document.getElementById("details-close").addEventListener("click", function () { select(null); });
  document.getElementById("fit").addEventListener("click", function () { if (renderer) renderer.getCamera().animatedReset({ duration: 300 }); });
  document.getElementById("edge-labels").addEventListener("change", function (ev) {
    if (renderer) renderer.setSetting("renderEdgeLabels", ev.target.checked);
  });

  // ---------------------------------------------------------------- PNG export
  document.getElementById("png").addEventListener("click", function () {
    if (!renderer) return;
    vendor.toBlob(renderer, { format: "png", backgroundColor: "#ffffff" }).then(function (blob) {
      var url = URL.createObjectURL(blob), link = document.createElement("a");
      link.href = url;
      link.download = "mobkg-graph.png";
      document.body.appendChild(link);
      link.click();
      link.remove();
      setTimeout(function () { URL.revokeObjectURL(url); }, 10000);
    });
  });

  // ---------------------------------------------------------------- for tests and benchmarks
  window.mobkgView = {
    graph: graph,
    renderer: renderer,
    layout: layout,
    timings: timings,
    stopLayout: function () { if (layout.running) layoutDone(); },
    state: function () {
      var lit = 0;
      shownNodes.forEach(function (id) { if (!focusSet || focusSet.has(id)) lit += 1; });
      return { nodes: shownNodes.size, edges: shownEdges.size, totalNodes: order.length, totalEdges: facts.length,
               shownNodes: Array.from(shownNodes).sort(), focus: focus,
               focused: focusSet ? Array.from(focusSet).sort() : [], litNodes: lit, dimmedNodes: shownNodes.size - lit,
               hits: hits.map(function (n) { return n.id; }), layout: Object.assign({}, layout) };
    },
    viewportPosition: function (id) {  // where a shown entity is drawn, in pixels from the graph's top left
      var shown = renderer.getNodeDisplayData(id);
      return shown ? renderer.framedGraphToViewport(shown) : null;
    },
  };

  applyFilters();
  if (renderer) startLayout(); else layoutDone();
  requestAnimationFrame(function () {
    timings.ready = performance.now();
    document.body.setAttribute("data-ready", "true");
  });
})();
