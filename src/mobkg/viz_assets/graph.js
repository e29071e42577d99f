// mobkg graph viewer: vanilla JS + SVG, no dependencies, no network.
// Reads the graph from <script id="mobkg-data">, lays it out with a small
// force-directed simulation (Barnes-Hut repulsion, spring edges, gentle gravity),
// then draws it and wires up search, legend filtering, zoom/pan/drag and the
// details panel. All text from the data is inserted with textContent, never as HTML.
(function () {
  "use strict";

  var SVG_NS = "http://www.w3.org/2000/svg";
  var data = JSON.parse(document.getElementById("mobkg-data").textContent);
  var svg = document.getElementById("graph");
  var nodes = data.nodes.map(function (n) {
    return { id: n.id, label: n.label, type: n.type, aliases: n.aliases, releases: n.releases,
             x: 0, y: 0, vx: 0, vy: 0, degree: 0, edges: [], el: null };
  });
  var byId = {};
  nodes.forEach(function (n) { byId[n.id] = n; });
  var edges = data.edges.filter(function (e) { return byId[e.source] && byId[e.target]; }).map(function (e) {
    return { source: byId[e.source], target: byId[e.target], predicate: e.predicate, sources: e.sources,
             bend: 0, el: null, path: null, text: null };
  });
  var colours = {};
  data.types.forEach(function (t) { colours[t.name] = t.colour; });

  edges.forEach(function (e) {
    e.source.degree += 1; e.target.degree += 1;
    e.source.edges.push(e); e.target.edges.push(e);
  });
  bendParallelEdges();
  edges.forEach(function (e) {  // hubs get longer edges, so their neighbours' labels have room
    e.length = 50 + 8 * (Math.sqrt(e.source.degree) + Math.sqrt(e.target.degree));
  });

  function radius(n) { return 6 + 2.2 * Math.sqrt(n.degree); }

  // ---------------------------------------------------------------- layout
  function bendParallelEdges() {
    var groups = {};
    edges.forEach(function (e) {
      var a = e.source.id < e.target.id ? e.source.id : e.target.id;
      var b = a === e.source.id ? e.target.id : e.source.id;
      (groups[a + "\n" + b] = groups[a + "\n" + b] || []).push(e);
    });
    Object.keys(groups).forEach(function (key) {
      var group = groups[key];
      group.forEach(function (e, i) {
        var sign = e.source.id < e.target.id ? 1 : -1;  // same side whatever the direction
        e.bend = sign * (i - (group.length - 1) / 2) * 26;
      });
    });
  }

  function initialPositions() {
    var order = nodes.slice().sort(function (a, b) {
      return a.type < b.type ? -1 : a.type > b.type ? 1 : a.label < b.label ? -1 : a.label > b.label ? 1 : 0;
    });
    order.forEach(function (n, i) {  // a sunflower spiral: spread out, deterministic
      var r = 30 * Math.sqrt(i + 0.5), angle = i * 2.399963;
      n.x = r * Math.cos(angle); n.y = r * Math.sin(angle);
    });
  }

  function buildTree() {
    var minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
    nodes.forEach(function (n) {
      if (n.x < minX) minX = n.x; if (n.y < minY) minY = n.y;
      if (n.x > maxX) maxX = n.x; if (n.y > maxY) maxY = n.y;
    });
    var root = cell(minX, minY, Math.max(maxX - minX, maxY - minY) + 1);
    nodes.forEach(function (n) { insert(root, n, 0); });
    return root;
  }

  function cell(x, y, size) { return { x: x, y: y, size: size, mass: 0, cx: 0, cy: 0, body: null, kids: null }; }

  function insert(c, n, depth) {
    c.cx = (c.cx * c.mass + n.x) / (c.mass + 1);
    c.cy = (c.cy * c.mass + n.y) / (c.mass + 1);
    c.mass += 1;
    if (!c.kids) {
      if (!c.body && c.mass === 1) { c.body = n; return; }
      if (depth > 40) return;  // coincident points: counted in the mass, not split further
      c.kids = [null, null, null, null];
      if (c.body) { var old = c.body; c.body = null; insertKid(c, old, depth); }
    }
    insertKid(c, n, depth);
  }

  function insertKid(c, n, depth) {
    var half = c.size / 2;
    var right = n.x >= c.x + half ? 1 : 0, down = n.y >= c.y + half ? 1 : 0;
    var i = right + 2 * down;
    if (!c.kids[i]) c.kids[i] = cell(c.x + right * half, c.y + down * half, half);
    insert(c.kids[i], n, depth + 1);
  }

  var seed = 1;
  function random() {  // a seeded generator, so the same data always gets the same picture
    seed = (seed * 16807) % 2147483647;
    return (seed - 1) / 2147483646;
  }

  function repel(c, n, strength) {
    if (!c || c.mass === 0 || c.body === n) return;
    var dx = n.x - c.cx, dy = n.y - c.cy, d2 = dx * dx + dy * dy;
    if (c.kids && c.size * c.size > 0.64 * d2) {  // too close to summarise: open the cell (theta 0.8)
      for (var i = 0; i < 4; i++) repel(c.kids[i], n, strength);
      return;
    }
    if (d2 < 1) { dx = random() - 0.5; dy = random() - 0.5; d2 = 1; }
    var f = strength * c.mass / d2;
    n.vx += dx * f; n.vy += dy * f;
  }

  function simulate() {
    initialPositions();
    var n = nodes.length;
    if (n < 2) return;
    var ticks = n > 3000 ? 120 : n > 800 ? 200 : 320;
    var spring = 0.05, strength = 220, gravity = 0.04;
    for (var t = 0; t < ticks; t++) {
      var alpha = 1 - t / ticks;
      var root = buildTree();
      nodes.forEach(function (a) { repel(root, a, strength); });
      edges.forEach(function (e) {
        var dx = e.target.x - e.source.x, dy = e.target.y - e.source.y;
        var d = Math.sqrt(dx * dx + dy * dy) || 1, f = spring * (d - e.length) / d;
        e.source.vx += dx * f; e.source.vy += dy * f;
        e.target.vx -= dx * f; e.target.vy -= dy * f;
      });
      nodes.forEach(function (a) {
        a.vx -= a.x * gravity; a.vy -= a.y * gravity;
        var step = Math.sqrt(a.vx * a.vx + a.vy * a.vy), limit = 40 * alpha + 1;
        if (step > limit) { a.vx *= limit / step; a.vy *= limit / step; }
        a.x += a.vx * alpha; a.y += a.vy * alpha;
        a.vx *= 0.5; a.vy *= 0.5;
      });
    }
  }

  // ---------------------------------------------------------------- drawing
  function make(tag, attrs, parent) {
    var el = document.createElementNS(SVG_NS, tag);
    Object.keys(attrs || {}).forEach(function (k) { el.setAttribute(k, attrs[k]); });
    if (parent) parent.appendChild(el);
    return el;
  }

  var viewport, view = { x: 0, y: 0, k: 1 };

  function draw() {
    var defs = make("defs", {}, svg);
    [["arrow", "#8c959f"], ["arrow-strong", "#1f2328"]].forEach(function (m) {
      var marker = make("marker", { id: m[0], viewBox: "0 0 10 10", refX: "9", refY: "5", markerUnits: "userSpaceOnUse",
                                    markerWidth: "9", markerHeight: "9", orient: "auto-start-reverse" }, defs);
      make("path", { d: "M0,0 L10,5 L0,10 z", fill: m[1] }, marker);
    });
    viewport = make("g", { id: "viewport" }, svg);
    var edgeLayer = make("g", { id: "edges" }, viewport);
    var nodeLayer = make("g", { id: "nodes" }, viewport);
    edges.forEach(function (e) {
      e.el = make("g", { "class": "edge", "data-predicate": e.predicate }, edgeLayer);
      e.path = make("path", { "marker-end": "url(#arrow)" }, e.el);
      e.text = make("text", { "text-anchor": "middle", dy: "-2" }, e.el);
      e.text.textContent = e.predicate;
    });
    var crowdedDegree = nodes.length > 150 ? 3 : 0;
    nodes.forEach(function (n) {
      var cls = "node" + (n.degree < crowdedDegree ? " minor" : "");
      n.el = make("g", { "class": cls, "data-id": n.id, "data-type": n.type, tabindex: "0" }, nodeLayer);
      make("circle", { r: radius(n).toFixed(1), fill: colours[n.type] || "#999" }, n.el);
      var label = make("text", { x: (radius(n) + 3).toFixed(1), dy: "0.35em" }, n.el);
      label.textContent = n.label;
      var title = make("title", {}, n.el);
      title.textContent = n.label + " (" + n.type + ")";
    });
    if (nodes.length > 150) svg.classList.add("crowded");
    if (edges.length <= 60) {
      svg.classList.add("show-edge-labels");
      document.getElementById("edge-labels").checked = true;
    }
    nodes.forEach(place);
    edges.forEach(route);
  }

  function place(n) { n.el.setAttribute("transform", "translate(" + n.x.toFixed(1) + "," + n.y.toFixed(1) + ")"); }

  function route(e) {
    var s = e.source, t = e.target;
    if (s === t) {  // a fact linking an entity to itself: a small loop above the node
      var r = radius(s);
      e.path.setAttribute("d", "M" + (s.x - r / 2) + "," + (s.y - r) + " C" + (s.x - 3 * r) + "," + (s.y - 5 * r) +
                          " " + (s.x + 3 * r) + "," + (s.y - 5 * r) + " " + (s.x + r / 2) + "," + (s.y - r));
      e.text.setAttribute("x", s.x); e.text.setAttribute("y", s.y - 4 * r);
      return;
    }
    var dx = t.x - s.x, dy = t.y - s.y, d = Math.sqrt(dx * dx + dy * dy) || 1;
    var mx = (s.x + t.x) / 2 - dy / d * e.bend, my = (s.y + t.y) / 2 + dx / d * e.bend;  // control point
    var a = toward(s, mx, my, radius(s)), b = toward(t, mx, my, radius(t) + 2);
    e.path.setAttribute("d", "M" + a[0].toFixed(1) + "," + a[1].toFixed(1) + " Q" + mx.toFixed(1) + "," +
                        my.toFixed(1) + " " + b[0].toFixed(1) + "," + b[1].toFixed(1));
    e.text.setAttribute("x", (0.25 * s.x + 0.5 * mx + 0.25 * t.x).toFixed(1));
    e.text.setAttribute("y", (0.25 * s.y + 0.5 * my + 0.25 * t.y).toFixed(1));
  }

  function toward(n, x, y, r) {
    var dx = x - n.x, dy = y - n.y, d = Math.sqrt(dx * dx + dy * dy) || 1;
    return [n.x + dx / d * r, n.y + dy / d * r];
  }

  // ---------------------------------------------------------------- zoom, pan, drag
  function applyView() {
    viewport.setAttribute("transform", "translate(" + view.x.toFixed(1) + "," + view.y.toFixed(1) + ") scale(" + view.k.toFixed(4) + ")");
  }

  function fit(subset) {
    var list = (subset && subset.length ? subset : nodes).filter(visible);
    var box = svg.getBoundingClientRect();
    if (!list.length || !box.width) return;
    var minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
    list.forEach(function (n) {
      minX = Math.min(minX, n.x - 40); maxX = Math.max(maxX, n.x + 120);
      minY = Math.min(minY, n.y - 40); maxY = Math.max(maxY, n.y + 40);
    });
    var k = Math.min(box.width / (maxX - minX), box.height / (maxY - minY));
    view.k = Math.max(0.05, Math.min(list.length === 1 ? 2 : 2.5, k));
    view.x = box.width / 2 - view.k * (minX + maxX) / 2;
    view.y = box.height / 2 - view.k * (minY + maxY) / 2;
    applyView();
  }

  function toGraph(clientX, clientY) {
    var box = svg.getBoundingClientRect();
    return [(clientX - box.left - view.x) / view.k, (clientY - box.top - view.y) / view.k];
  }

  var gesture = null;
  svg.addEventListener("pointerdown", function (ev) {
    var g = ev.target.closest ? ev.target.closest(".node") : null;
    gesture = { node: g ? byId[g.getAttribute("data-id")] : null, x: ev.clientX, y: ev.clientY,
                vx: view.x, vy: view.y, moved: false };
    svg.setPointerCapture(ev.pointerId);
    if (!gesture.node) svg.classList.add("panning");
  });
  svg.addEventListener("pointermove", function (ev) {
    if (!gesture) return;
    var dx = ev.clientX - gesture.x, dy = ev.clientY - gesture.y;
    if (Math.abs(dx) + Math.abs(dy) > 3) gesture.moved = true;
    if (!gesture.moved) return;
    if (gesture.node) {
      var p = toGraph(ev.clientX, ev.clientY);
      gesture.node.x = p[0]; gesture.node.y = p[1];
      place(gesture.node);
      gesture.node.edges.forEach(route);
    } else {
      view.x = gesture.vx + dx; view.y = gesture.vy + dy;
      applyView();
    }
  });
  svg.addEventListener("pointerup", function () {
    if (gesture && !gesture.moved) {
      if (gesture.node) select(gesture.node); else select(null);
    }
    gesture = null;
    svg.classList.remove("panning");
  });
  svg.addEventListener("wheel", function (ev) {
    ev.preventDefault();
    var p = toGraph(ev.clientX, ev.clientY), box = svg.getBoundingClientRect();
    view.k = Math.max(0.05, Math.min(8, view.k * Math.exp(-ev.deltaY * 0.0015)));
    view.x = ev.clientX - box.left - p[0] * view.k;
    view.y = ev.clientY - box.top - p[1] * view.k;
    applyView();
  }, { passive: false });
  svg.addEventListener("keydown", function (ev) {
    var g = ev.target.closest ? ev.target.closest(".node") : null;
    if (g && (ev.key === "Enter" || ev.key === " ")) { ev.preventDefault(); select(byId[g.getAttribute("data-id")]); }
  });

  // ---------------------------------------------------------------- legend
  var hiddenTypes = {};
  function visible(n) { return !hiddenTypes[n.type]; }

  function drawLegend() {
    var list = document.getElementById("legend-items");
    data.types.forEach(function (t) {
      if (!t.count) return;
      var li = document.createElement("li");
      li.className = "legend-item";
      li.setAttribute("data-type", t.name);
      var swatch = document.createElement("span");
      swatch.className = "swatch";
      swatch.style.background = t.colour;
      var name = document.createElement("span");
      name.textContent = t.name;
      var count = document.createElement("span");
      count.className = "legend-count";
      count.textContent = String(t.count);
      li.appendChild(swatch); li.appendChild(name); li.appendChild(count);
      li.addEventListener("click", function () {
        hiddenTypes[t.name] = !hiddenTypes[t.name];
        li.classList.toggle("off", !!hiddenTypes[t.name]);
        nodes.forEach(function (n) { n.el.classList.toggle("hidden-type", !visible(n)); });
        edges.forEach(function (e) { e.el.classList.toggle("hidden-type", !visible(e.source) || !visible(e.target)); });
      });
      list.appendChild(li);
    });
  }

  // ---------------------------------------------------------------- search
  var search = document.getElementById("search"), counter = document.getElementById("search-count");
  var matches = [];

  function runSearch() {
    var text = search.value.trim().toLowerCase();
    matches = !text ? [] : nodes.filter(function (n) {
      return [n.label].concat(n.aliases).some(function (name) { return name.toLowerCase().indexOf(text) >= 0; });
    });
    var hit = {};
    matches.forEach(function (n) { hit[n.id] = true; });
    nodes.forEach(function (n) {
      n.el.classList.toggle("match", !!hit[n.id]);
      n.el.classList.toggle("dimmed", !!text && !hit[n.id]);
    });
    edges.forEach(function (e) { e.el.classList.toggle("dimmed", !!text && !(hit[e.source.id] && hit[e.target.id])); });
    counter.textContent = text ? matches.length + (matches.length === 1 ? " match" : " matches") : "";
    if (matches.length) fit(matches);
  }
  search.addEventListener("input", runSearch);
  search.addEventListener("keydown", function (ev) {
    if (ev.key === "Enter" && matches.length) select(matches[0]);
    if (ev.key === "Escape") { search.value = ""; runSearch(); fit(); }
  });

  // ---------------------------------------------------------------- details
  var panel = document.getElementById("details"), body = document.getElementById("details-body");
  var selected = null;

  function el(tag, className, text, parent) {
    var e = document.createElement(tag);
    if (className) e.className = className;
    if (text !== undefined && text !== null) e.textContent = text;
    if (parent) parent.appendChild(e);
    return e;
  }

  function release(id) { return data.releases[id] || { headline: id, date: null }; }

  function select(n) {
    if (selected) {
      selected.el.classList.remove("selected");
      selected.edges.forEach(function (e) { e.el.classList.remove("incident"); e.path.setAttribute("marker-end", "url(#arrow)"); });
    }
    selected = n;
    if (!n) { panel.hidden = true; return; }
    n.el.classList.add("selected");
    n.edges.forEach(function (e) { e.el.classList.add("incident"); e.path.setAttribute("marker-end", "url(#arrow-strong)"); });
    showDetails(n);
    keepClearOfPanel(n);
  }

  function keepClearOfPanel(n) {  // pan so the selected entity is not hidden behind the details panel
    var box = svg.getBoundingClientRect(), free = box.width - panel.getBoundingClientRect().width - 40;
    var x = view.x + n.x * view.k;
    if (free > 100 && x > free) { view.x -= x - free * 0.6; applyView(); }
  }

  function showDetails(n) {
    body.textContent = "";
    el("h2", "entity-label", n.label, body);
    var badge = el("span", "type-badge", n.type, body);
    badge.style.background = colours[n.type] || "#999";
    if (n.aliases.length) {
      var aliases = el("div", "aliases", null, body);
      el("strong", null, "Also called: ", aliases);
      n.aliases.forEach(function (a) { el("span", "alias", a, aliases); });
    }
    el("h3", null, "Facts (" + n.edges.length + ")", body);
    var facts = el("ul", "facts", null, body);
    n.edges.slice().sort(function (a, b) {
      return a.predicate < b.predicate ? -1 : a.predicate > b.predicate ? 1 : 0;
    }).forEach(function (e) {
      var li = el("li", "fact", null, facts);
      var line = el("div", "fact-line", null, li);
      end(line, e.source, n);
      el("span", "predicate", " —" + e.predicate + "→ ", line);
      end(line, e.target, n);
      var sources = el("ul", "sources", null, li);
      e.sources.forEach(function (s) {
        var r = release(s.release), item = el("li", "source", null, sources);
        el("span", "headline", r.headline, item);
        if (r.date) el("time", null, r.date, item).setAttribute("datetime", r.date);
        s.evidence.forEach(function (sentence) { el("blockquote", "evidence", sentence, item); });
      });
    });
    el("h3", null, "Mentioned in " + n.releases.length + (n.releases.length === 1 ? " release" : " releases"), body);
    var mentions = el("ul", "mentions", null, body);
    n.releases.forEach(function (id) {
      var r = release(id), item = el("li", null, null, mentions);
      el("span", "headline", r.headline, item);
      if (r.date) el("time", null, r.date, item);
    });
    panel.hidden = false;
    panel.scrollTop = 0;
  }

  function end(parent, other, current) {
    if (other === current) { el("span", "self", other.label, parent); return; }
    var link = el("a", "other", other.label, parent);
    link.setAttribute("data-id", other.id);
    link.setAttribute("tabindex", "0");
    link.addEventListener("click", function () { select(other); fit([other].concat(neighbours(other))); });
  }

  function neighbours(n) {
    return n.edges.map(function (e) { return e.source === n ? e.target : e.source; });
  }

  document.getElementById("details-close").addEventListener("click", function () { select(null); });
  document.getElementById("fit").addEventListener("click", function () { fit(); });
  document.getElementById("edge-labels").addEventListener("change", function (ev) {
    svg.classList.toggle("show-edge-labels", ev.target.checked);
  });

  simulate();
  draw();
  drawLegend();
  fit();
  window.addEventListener("resize", function () { fit(); });
  document.body.setAttribute("data-ready", "true");
})();
