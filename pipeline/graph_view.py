"""The citation graph as one self-contained interactive HTML file (SVG + a little JS), at any size.

Flow: store -> `load_graph` (networkx DiGraph, citing -> cited) -> **graph
view** -> an `.html` file an analyst opens in any browser, offline (no CDN,
no pyvis). Positions come from `layout`: each connected component is laid
out on its own by a force-directed pass (Fruchterman-Reingold: every pair
repels in a small component; in a large one only neighbours closer than a
few spring lengths, found with scipy's k-d tree, so the work grows with the
nodes, not their square) and the components are packed in rows, largest
first, so a thousand small citation chains do not fly to the edges of one
giant layout. Seeded: the same graph draws the same way.

The page embeds the graph as networkx node-link JSON (every `<` written as
`\\u003c`, so no text in it can close the script) and draws it as SVG:
filter by issuer, year and document type, search by number or words, click
a document to highlight what it cites and what cites it, follow its chain
down (what implements it, transitively) or up (what it rests on); hover
shows a document's fields; drag moves a node, the wheel zooms, dragging the
background pans. The page's address can carry a view (`?issuer=...&from=2020
&focus=NODE&chain=down`), so a link shows a chain as the analyst left it. Labels are drawn for the most cited documents and for those
in focus, so a page of 10,000 documents stays legible.
"""
from __future__ import annotations

import html
import json
import math
from collections.abc import Hashable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import networkx
    import numpy

RELATION_COLORS = {
    "implements": "#d62728", "legal_basis": "#1f77b4", "responds_to": "#9467bd", "amends": "#ff7f0e",
    "replaces": "#8c564b", "repeals": "#7f7f7f", "guides": "#2ca02c", "attachment": "#17becf",
    "mentions": "#bbbbbb",
}
# A component this large is laid out with neighbour-only repulsion (k-d tree), not all pairs.
EXACT_LIMIT = 400
LABELLED = 40            # documents labelled on the page before any is in focus: the most cited


def _plain(value: Any) -> Any:
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return str(value)


def _scatter(index: numpy.ndarray, values: numpy.ndarray, n: int) -> numpy.ndarray:
    """Row sums of `values` by `index` (n x 2): `np.add.at`, an order of magnitude faster."""
    import numpy as np

    return np.stack([np.bincount(index, values[:, 0], n), np.bincount(index, values[:, 1], n)], axis=1)


def _force(n: int, edges: numpy.ndarray, seed: int, iterations: int = 60) -> numpy.ndarray:
    """Fruchterman-Reingold positions (n x 2, in about a unit box) of one connected component.
    Repulsion k²/d between all pairs up to EXACT_LIMIT nodes, else between pairs closer than
    3k (about 30 neighbours a node: the grid variant of Fruchterman and Reingold's paper); attraction d²/k along edges; the step cools linearly."""
    import numpy as np

    rng = np.random.default_rng(seed)
    pos = rng.random((n, 2))
    if n == 1:
        return pos * 0
    if n <= 3:     # a pair or a triangle: nothing to settle
        return np.array([[0.0, 0.0], [1.0, 0.0], [0.5, 0.87]])[:n]
    iterations = min(iterations, 20 + 2 * n)
    k = math.sqrt(1.0 / n)
    temp = 0.1
    cool = temp / (iterations + 1)
    src, dst = (edges[:, 0], edges[:, 1]) if len(edges) else (np.zeros(0, int), np.zeros(0, int))
    for _ in range(iterations):
        disp = np.zeros((n, 2))
        if n <= EXACT_LIMIT:
            dx = pos[:, 0, None] - pos[None, :, 0]
            dy = pos[:, 1, None] - pos[None, :, 1]
            w = k * k / np.maximum(dx * dx + dy * dy, 1e-9)
            disp[:, 0] += (dx * w).sum(1)
            disp[:, 1] += (dy * w).sum(1)
        else:
            from scipy.spatial import cKDTree

            pairs = cKDTree(pos).query_pairs(3 * k, output_type="ndarray")
            if len(pairs):
                delta = pos[pairs[:, 0]] - pos[pairs[:, 1]]
                d2 = np.maximum((delta ** 2).sum(-1), 1e-9)
                push = delta * (k * k / d2)[:, None]
                disp += _scatter(pairs[:, 0], push, n) - _scatter(pairs[:, 1], push, n)
        if len(src):
            delta = pos[src] - pos[dst]
            d = np.sqrt(np.maximum((delta ** 2).sum(-1), 1e-18))
            pull = delta * (d / k)[:, None]
            disp += _scatter(dst, pull, n) - _scatter(src, pull, n)
        length = np.sqrt(np.maximum((disp ** 2).sum(-1), 1e-18))
        pos += disp * (np.minimum(length, temp) / length)[:, None]
        temp -= cool
    return pos


def layout(graph: networkx.Graph, *, seed: int = 7) -> dict[Hashable, tuple[float, float]]:
    """Node -> (x, y), both in 0..1: components laid out apart and packed in rows, largest first."""
    import networkx as nx
    import numpy as np

    if len(graph) == 0:
        return {}
    und = graph.to_undirected(as_view=True) if graph.is_directed() else graph
    comps = sorted((sorted(c, key=str) for c in nx.connected_components(und)), key=lambda c: (-len(c), str(c[0])))
    boxes: list[tuple[list[Hashable], numpy.ndarray, float]] = []
    for i, nodes in enumerate(comps):
        index = {n: j for j, n in enumerate(nodes)}
        edges = np.array([(index[a], index[b]) for a, b in und.subgraph(nodes).edges() if a != b], dtype=int).reshape(-1, 2)
        pos = _force(len(nodes), edges, seed + i)
        pos -= pos.min(0)
        span = pos.max() or 1.0
        side = math.sqrt(len(nodes))          # the same density in every component
        boxes.append((nodes, pos / span * side, side))
    width = max(max(b[2] for b in boxes), math.sqrt(sum((b[2] + 1) ** 2 for b in boxes)) * 1.15)
    x = y = row_h = 0.0
    out: dict[Hashable, tuple[float, float]] = {}
    for nodes, pos, side in boxes:
        if x > 0 and x + side > width:
            x, y, row_h = 0.0, y + row_h + 1, 0.0
        for n, (px, py) in zip(nodes, pos):
            out[n] = (x + px, y + py)
        x += side + 1
        row_h = max(row_h, side)
    x0, y0 = min(p[0] for p in out.values()), min(p[1] for p in out.values())
    span = max(max(p[0] for p in out.values()) - x0, max(p[1] for p in out.values()) - y0) or 1.0
    return {n: ((px - x0) / span, (py - y0) / span) for n, (px, py) in out.items()}


def graph_json(graph: networkx.DiGraph, *, seed: int = 7) -> dict[str, Any]:
    """networkx node-link data with layout coordinates (`x`, `y` in 40..960)."""
    import networkx as nx

    pos = layout(graph, seed=seed)
    data = nx.node_link_data(graph, edges="edges")
    for node in data["nodes"]:
        x, y = pos.get(node["id"], (0.0, 0.0))
        node["x"] = round(40 + 920 * x, 1)
        node["y"] = round(40 + 920 * y, 1)
        node["in_degree"] = graph.in_degree(node["id"])
        for key, value in list(node.items()):
            node[key] = _plain(value)
    for edge in data["edges"]:
        for key, value in list(edge.items()):
            edge[key] = _plain(value)
    return data


def embed_json(data: Any) -> str:
    """JSON to embed in a `<script>`: `<`, `>` and `&` as \\u escapes (no text in it can close
    the script or open a comment), and the two line separators JavaScript once refused."""
    text = json.dumps(data, ensure_ascii=False)
    for ch, esc in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(ch, esc)
    return text


def graph_html(graph: networkx.DiGraph, path: str | Path, *, title: str = "Citation graph",
               highlight: Iterable[str] = ()) -> Path:
    """Write the interactive view of `graph` to `path` (an .html file) and return the path.

    Nodes in `highlight` (node ids) are drawn with a thick outline, e.g. a
    chosen document and its implementation chain.
    """
    data = graph_json(graph)
    marked = set(highlight)
    for node in data["nodes"]:
        node["highlight"] = node["id"] in marked
    ranked = sorted(data["nodes"], key=lambda n: (-(n.get("in_degree") or 0), str(n["id"])))
    for n in ranked[:LABELLED]:
        n["labelled"] = (n.get("in_degree") or 0) > 0
    legend = "".join(
        f'<span><i style="background:{c}"></i>{html.escape(r)}</span>' for r, c in RELATION_COLORS.items()
    )
    page = _TEMPLATE.replace("__TITLE__", html.escape(title)).replace("__DATA__", embed_json(data)) \
        .replace("__COLORS__", embed_json(RELATION_COLORS)).replace("__LEGEND__", legend) \
        .replace("__COUNTS__", f"{graph.number_of_nodes()} documents, {graph.number_of_edges()} citations")
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(page, encoding="utf-8")
    return out


_TEMPLATE = """<!DOCTYPE html>
<html lang="vi"><head><meta charset="utf-8"><title>__TITLE__</title>
<style>
body{font:13px system-ui,sans-serif;margin:0;color:#222}
header{padding:6px 10px;background:#f4f4f4;border-bottom:1px solid #ddd}
header input,header select{margin-right:6px}
#q{width:14em} #issuer{max-width:18em} .yr{width:5em}
#legend span{margin-right:10px;white-space:nowrap}
#legend i{display:inline-block;width:18px;height:3px;margin-right:3px;vertical-align:middle}
svg{width:100vw;height:calc(100vh - 92px);cursor:grab;display:block}
.n circle{stroke:#333;stroke-width:1}
.n.ext circle{fill:#fff;stroke-dasharray:2 2}
.n.hl circle{stroke:#000;stroke-width:3.5}
.n.chain circle{stroke:#e6550d;stroke-width:3}
.n text{font-size:10px;pointer-events:none;display:none;paint-order:stroke;stroke:#fff;stroke-width:3px}
.n.lbl text{display:inline}
.dim{opacity:.1}
.off{display:none}
#tip{position:fixed;pointer-events:none;background:#fffbe6;border:1px solid #cca;padding:6px;max-width:28em;display:none;white-space:pre-wrap}
</style></head><body>
<header><b>__TITLE__</b> &middot; __COUNTS__ &middot; <span id="status"></span><br>
<input id="q" placeholder="find: 280/CĐ-TTg, words ..."><select id="issuer"><option value="">every issuer</option></select><select id="type"><option value="">every type</option></select>year <input id="y0" class="yr" type="number" placeholder="from"><input id="y1" class="yr" type="number" placeholder="to">
chain of the selected document: <button id="down" disabled>&darr; what implements it</button><button id="up" disabled>&uarr; what it rests on</button><button id="clear">clear</button>
<br><span id="legend">__LEGEND__</span> <small>filled: letter in the corpus; hollow: cited only. Click a document to select it; hover for fields;
drag a node, wheel to zoom, drag the background to pan.</small></header>
<svg id="g"><defs></defs><g id="vp"><g id="edges"></g><g id="nodes"></g></g></svg><div id="tip"></div>
<script>
const data = __DATA__, COLORS = __COLORS__, NS = "http://www.w3.org/2000/svg";
const svg = document.getElementById("g"), vp = document.getElementById("vp"), tip = document.getElementById("tip");
const status = document.getElementById("status");
const byId = new Map(); data.nodes.forEach(n => { byId.set(n.id, n); n.outs = []; n.ins = []; });
data.edges.forEach(e => { const a = byId.get(e.source), b = byId.get(e.target); if (a && b) { a.outs.push(e); b.ins.push(e); } });
const defs = svg.querySelector("defs");
Object.entries(COLORS).forEach(([r, c]) => {
  const m = document.createElementNS(NS, "marker");
  m.setAttribute("id", "a-" + r); m.setAttribute("viewBox", "0 0 10 10"); m.setAttribute("refX", "10");
  m.setAttribute("refY", "5"); m.setAttribute("markerWidth", "7"); m.setAttribute("markerHeight", "7");
  m.setAttribute("orient", "auto");
  const p = document.createElementNS(NS, "path"); p.setAttribute("d", "M0,0L10,5L0,10z"); p.setAttribute("fill", c);
  m.appendChild(p); defs.appendChild(m);
});
const scale = Math.max(0.25, Math.min(1, 30 / Math.sqrt(data.nodes.length || 1)));
const radius = n => (4 + 2.5 * Math.sqrt(n.in_degree || 0)) * scale;
const edgeLayer = document.getElementById("edges"), nodeLayer = document.getElementById("nodes");
data.edges.forEach(e => {
  const l = document.createElementNS(NS, "line");
  l.setAttribute("stroke", COLORS[e.relation] || "#999"); l.setAttribute("stroke-width", (e.relation === "mentions" ? 1 : 1.8) * scale);
  l.setAttribute("marker-end", "url(#a-" + (COLORS[e.relation] ? e.relation : "mentions") + ")");
  e.el = l; edgeLayer.appendChild(l);
});
data.nodes.forEach(n => {
  const g = document.createElementNS(NS, "g");
  g.setAttribute("class", "n" + (n.in_corpus ? "" : " ext") + (n.highlight ? " hl" : "") + (n.labelled || n.highlight ? " lbl" : ""));
  const c = document.createElementNS(NS, "circle"); c.setAttribute("r", radius(n));
  c.setAttribute("fill", n.in_corpus ? "#4c78a8" : "#fff");
  const t = document.createElementNS(NS, "text"); t.textContent = n.label || n.id; t.setAttribute("dx", radius(n) + 2); t.setAttribute("dy", 3);
  g.appendChild(c); g.appendChild(t); n.el = g; nodeLayer.appendChild(g);
  g.addEventListener("mouseenter", ev => {
    const keys = ["label", "doc_type", "issuer", "date", "subject", "in_corpus", "n_cited", "letter_id"];
    tip.textContent = keys.filter(k => n[k] !== null && n[k] !== undefined).map(k => k + ": " + n[k]).join("\\n");
    tip.style.display = "block";
  });
  g.addEventListener("mousemove", ev => { tip.style.left = ev.clientX + 12 + "px"; tip.style.top = ev.clientY + 12 + "px"; });
  g.addEventListener("mouseleave", () => tip.style.display = "none");
  g.addEventListener("mousedown", ev => { ev.stopPropagation(); drag = {n, x: ev.clientX, y: ev.clientY, moved: false}; });
});
function place() {
  data.edges.forEach(e => {
    const a = byId.get(e.source), b = byId.get(e.target), dx = b.x - a.x, dy = b.y - a.y, d = Math.hypot(dx, dy) || 1, r = radius(b) + 2 * scale;
    e.el.setAttribute("x1", a.x); e.el.setAttribute("y1", a.y);
    e.el.setAttribute("x2", b.x - dx / d * r); e.el.setAttribute("y2", b.y - dy / d * r);
  });
  data.nodes.forEach(n => n.el.setAttribute("transform", `translate(${n.x},${n.y})`));
}
// Filters: the issuers and types most documents have, most first.
function fill(select, key, limit) {
  const count = new Map();
  data.nodes.forEach(n => { if (n[key]) count.set(n[key], (count.get(n[key]) || 0) + 1); });
  [...count.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, limit).forEach(([v, k]) => {
    const o = document.createElement("option"); o.value = v; o.textContent = `${v} (${k})`; select.appendChild(o);
  });
}
const qBox = document.getElementById("q"), issuerBox = document.getElementById("issuer"), typeBox = document.getElementById("type");
const y0Box = document.getElementById("y0"), y1Box = document.getElementById("y1");
fill(issuerBox, "issuer", 200); fill(typeBox, "doc_type", 100);
const fold = s => (s || "").normalize("NFC").toLowerCase().replace(/[đð]/g, "d");
let focus = null, chain = null;
function update() {
  const issuer = issuerBox.value, type = typeBox.value, y0 = parseInt(y0Box.value), y1 = parseInt(y1Box.value);
  const q = fold(qBox.value.trim());
  let shown = 0;
  data.nodes.forEach(n => {
    const year = n.year || parseInt((n.date || "").slice(0, 4)) || null;
    n.shown = (!issuer || n.issuer === issuer) && (!type || n.doc_type === type)
      && (isNaN(y0) || (year !== null && year >= y0)) && (isNaN(y1) || (year !== null && year <= y1));
    if (chain) n.shown = n.shown || chain.has(n.id);
    const match = !q || fold(n.label + " " + n.id + " " + (n.subject || "") + " " + (n.issuer || "")).includes(q);
    const near = !focus || n === focus || chain && chain.has(n.id)
      || !chain && (focus.outs.some(e => e.target === n.id) || focus.ins.some(e => e.source === n.id));
    n.el.classList.toggle("off", !n.shown);
    n.el.classList.toggle("dim", !(match && near));
    n.el.classList.toggle("chain", !!chain && chain.has(n.id));
    n.el.classList.toggle("lbl", !!(n.labelled || n.highlight || (focus && near && (!chain || chain.size <= 300)) || (q && match && shown < 2000)));
    if (n.shown) shown++;
  });
  data.edges.forEach(e => {
    const a = byId.get(e.source), b = byId.get(e.target);
    e.el.classList.toggle("off", !(a.shown && b.shown));
    const inChain = chain ? chain.has(e.source) && chain.has(e.target) : !focus || e.source === focus.id || e.target === focus.id;
    e.el.classList.toggle("dim", !inChain);
  });
  status.textContent = `${shown} of ${data.nodes.length} shown` + (focus ? ` · selected: ${focus.label || focus.id}` : "")
    + (chain ? ` · chain of ${chain.size}` : "");
  status.dataset.nodes = nodeLayer.childElementCount; status.dataset.shown = shown; status.dataset.edges = edgeLayer.childElementCount;
  document.getElementById("down").disabled = document.getElementById("up").disabled = !focus;
}
function follow(dir) {
  if (!focus) return;
  chain = new Set([focus.id]); const todo = [focus];
  while (todo.length) {
    const n = todo.pop();
    (dir === "down" ? n.ins.map(e => e.source) : n.outs.map(e => e.target)).forEach(id => {
      if (!chain.has(id)) { chain.add(id); todo.push(byId.get(id)); }
    });
  }
  update();
}
document.getElementById("down").addEventListener("click", () => follow("down"));
document.getElementById("up").addEventListener("click", () => follow("up"));
document.getElementById("clear").addEventListener("click", () => { focus = null; chain = null; qBox.value = ""; issuerBox.value = "";
  typeBox.value = ""; y0Box.value = ""; y1Box.value = ""; update(); });
[qBox, y0Box, y1Box].forEach(b => b.addEventListener("input", update));
[issuerBox, typeBox].forEach(b => b.addEventListener("change", update));
let view = {x: 0, y: 0, k: 1}, drag = null, pan = null;
const apply = () => vp.setAttribute("transform", `translate(${view.x},${view.y}) scale(${view.k})`);
svg.addEventListener("wheel", ev => { ev.preventDefault(); const f = ev.deltaY < 0 ? 1.15 : 1 / 1.15;
  view.x = ev.offsetX - (ev.offsetX - view.x) * f; view.y = ev.offsetY - (ev.offsetY - view.y) * f; view.k *= f; apply(); });
svg.addEventListener("mousedown", ev => pan = {x: ev.clientX - view.x, y: ev.clientY - view.y});
window.addEventListener("mousemove", ev => {
  if (drag) { drag.n.x += (ev.clientX - drag.x) / view.k; drag.n.y += (ev.clientY - drag.y) / view.k;
    drag.x = ev.clientX; drag.y = ev.clientY; drag.moved = true; place(); }
  else if (pan) { view.x = ev.clientX - pan.x; view.y = ev.clientY - pan.y; apply(); }
});
window.addEventListener("mouseup", () => { if (drag && !drag.moved) select(drag.n); drag = null; pan = null; });
function select(n) { focus = focus === n ? null : n; chain = null; update(); }
const box = svg.getBoundingClientRect(), fit = Math.min(box.width, box.height) / 1000 || 0.8;
view = {x: (box.width - 1000 * fit) / 2, y: 0, k: fit};
// A link can carry the view: ?q=...&issuer=...&type=...&from=YYYY&to=YYYY&focus=NODE&chain=down|up
const params = new URLSearchParams(location.search);
function choose(select, value) {
  if (![...select.options].some(o => o.value === value)) {
    const o = document.createElement("option"); o.value = value; o.textContent = value; select.appendChild(o);
  }
  select.value = value;
}
if (params.get("q")) qBox.value = params.get("q");
if (params.get("issuer")) choose(issuerBox, params.get("issuer"));
if (params.get("type")) choose(typeBox, params.get("type"));
if (params.get("from")) y0Box.value = params.get("from");
if (params.get("to")) y1Box.value = params.get("to");
focus = byId.get(params.get("focus")) || null;
place(); apply(); update();
if (focus && params.get("chain")) follow(params.get("chain"));
</script></body></html>
"""
