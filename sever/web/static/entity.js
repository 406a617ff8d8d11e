// The entity graph: click a node to fetch its neighbours from /ui/entity/neighbours and draw
// them around it; double-click to open that node's page. The server-drawn SVG is the fallback
// when scripting is off. Written for this page: plain SVG, no library.
(function () {
  "use strict";
  var svg = document.getElementById("graph");
  if (!svg) return;
  var NS = "http://www.w3.org/2000/svg";
  var size = svg.viewBox.baseVal.width;
  var nodes = {}, edges = {}, expanded = {};

  function add(tag, parent, attrs, text) {
    var el = document.createElementNS(NS, tag);
    Object.keys(attrs).forEach(function (k) { el.setAttribute(k, attrs[k]); });
    if (text) el.textContent = text;
    parent.appendChild(el);
    return el;
  }

  var STRUCTURE = { ownership: true, list_link: true, directorship: true, employment: true };

  // Names are written for the expanded nodes, list entries and anything tied by ownership,
  // directorship, employment or a list link; the rest (payment counterparties, shared values)
  // show theirs on hover, so a busy node stays readable.
  function named() {
    var out = {};
    Object.keys(edges).forEach(function (key) {
      var e = edges[key];
      if (STRUCTURE[e.kind]) { out[e.src] = true; out[e.dst] = true; }
    });
    Object.keys(nodes).forEach(function (id) {
      if (expanded[id] || nodes[id].kind === "entity") out[id] = true;
    });
    return out;
  }

  function draw() {
    while (svg.firstChild) svg.removeChild(svg.firstChild);
    var shown = named();
    var lines = add("g", svg, { "class": "edges" });
    Object.keys(edges).forEach(function (key) {
      var e = edges[key], a = nodes[e.src], b = nodes[e.dst];
      var line = add("line", lines, { "class": "edge " + e.kind, x1: a.x, y1: a.y, x2: b.x, y2: b.y });
      add("title", line, {}, e.text);
      if (e.kind === "ownership" || e.kind === "list_link") {
        add("text", lines, { "class": "edge-label", x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 }, e.text);
      }
    });
    var dots = add("g", svg, { "class": "nodes" });
    Object.keys(nodes).forEach(function (id) {
      var n = nodes[id];
      var g = add("g", dots, { "class": "node " + n.kind + (expanded[id] ? " expanded" : ""), "data-id": id });
      add("circle", g, { cx: n.x, cy: n.y, r: expanded[id] ? 12 : 8 });
      add("title", g, {}, n.label + " (" + n.kind + " " + id + ")");
      if (shown[id]) add("text", g, { x: n.x, y: n.y + 22 }, n.label.slice(0, 28));
      g.addEventListener("click", function () { expand(id); });
      g.addEventListener("dblclick", function () {
        window.location.href = "/ui/entity?node=" + encodeURIComponent(id);
      });
    });
  }

  // A small force layout (Fruchterman-Reingold): nodes repel, edges pull, the drawing is then
  // fitted to the view. New nodes start next to the node they were expanded from.
  function relax() {
    var ids = Object.keys(nodes), k = size / Math.sqrt(ids.length + 1) * 1.2, heat = size / 8;
    for (var step = 0; step < 200; step++) {
      var move = {};
      ids.forEach(function (a) { move[a] = { x: 0, y: 0 }; });
      for (var i = 0; i < ids.length; i++) {
        for (var j = i + 1; j < ids.length; j++) {
          var p = nodes[ids[i]], q = nodes[ids[j]];
          var dx = p.x - q.x, dy = p.y - q.y, d = Math.max(Math.sqrt(dx * dx + dy * dy), 0.01);
          var push = k * k / d;
          move[ids[i]].x += dx / d * push; move[ids[i]].y += dy / d * push;
          move[ids[j]].x -= dx / d * push; move[ids[j]].y -= dy / d * push;
        }
      }
      Object.keys(edges).forEach(function (key) {
        var e = edges[key], p = nodes[e.src], q = nodes[e.dst];
        var dx = p.x - q.x, dy = p.y - q.y, d = Math.max(Math.sqrt(dx * dx + dy * dy), 0.01);
        var pull = d * d / k;
        move[e.src].x -= dx / d * pull; move[e.src].y -= dy / d * pull;
        move[e.dst].x += dx / d * pull; move[e.dst].y += dy / d * pull;
      });
      ids.forEach(function (a) {
        var m = move[a], length = Math.max(Math.sqrt(m.x * m.x + m.y * m.y), 0.01);
        nodes[a].x += m.x / length * Math.min(length, heat);
        nodes[a].y += m.y / length * Math.min(length, heat);
      });
      heat *= 0.97;
    }
    var xs = ids.map(function (a) { return nodes[a].x; }), ys = ids.map(function (a) { return nodes[a].y; });
    var left = Math.min.apply(null, xs), top = Math.min.apply(null, ys);
    var span = Math.max(Math.max.apply(null, xs) - left, Math.max.apply(null, ys) - top, 1);
    var margin = 60, scale = (size - 2 * margin) / span;
    ids.forEach(function (a) {
      nodes[a].x = margin + (nodes[a].x - left) * scale;
      nodes[a].y = margin + (nodes[a].y - top) * scale;
    });
  }

  function expand(id) {
    if (expanded[id]) return;
    fetch("/ui/entity/neighbours?node=" + encodeURIComponent(id), { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
      .then(function (data) {
        expanded[id] = true;
        var from = nodes[id];
        data.nodes.forEach(function (n, i) {
          if (nodes[n.id]) {
            if (!nodes[n.id].label) { nodes[n.id].label = n.label; nodes[n.id].kind = n.kind; }
            return;
          }
          var angle = 2 * Math.PI * i / Math.max(data.nodes.length, 1);
          n.x = from.x + 40 * Math.cos(angle);
          n.y = from.y + 40 * Math.sin(angle);
          nodes[n.id] = n;
        });
        data.edges.forEach(function (e) { edges[e.src + "\u0000" + e.dst + "\u0000" + e.kind] = e; });
        relax();
        draw();
        svg.setAttribute("data-expanded", Object.keys(expanded).length);
      });
  }

  var start = svg.getAttribute("data-node");
  nodes[start] = { id: start, x: size / 2, y: size / 2, label: "", kind: "" };
  expand(start);
})();
