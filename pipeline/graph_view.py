"""The citation graph as one self-contained interactive HTML file (SVG + a little JS).

Flow: store -> `load_graph` (networkx DiGraph, citing -> cited) -> **graph
view** -> an `.html` file an analyst opens in any browser, offline (no CDN,
no pyvis). Node positions come from networkx (`spring_layout`, seeded, so the
same graph draws the same way); the page embeds the graph as networkx
node-link JSON and draws it as SVG: hover shows a document's fields, click
highlights what it cites and what cites it, drag moves a node, the wheel
zooms, dragging the background pans, and the search box finds documents by
number or label.
"""
from __future__ import annotations

import html
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable

if TYPE_CHECKING:
    import networkx

RELATION_COLORS = {
    "implements": "#d62728", "legal_basis": "#1f77b4", "responds_to": "#9467bd", "amends": "#ff7f0e",
    "replaces": "#8c564b", "repeals": "#7f7f7f", "guides": "#2ca02c", "attachment": "#17becf",
    "mentions": "#bbbbbb",
}


def _plain(value: Any) -> Any:
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return str(value)


def graph_json(graph: "networkx.DiGraph", *, seed: int = 7) -> dict[str, Any]:
    """networkx node-link data with layout coordinates (`x`, `y` in 0..1000)."""
    import networkx as nx

    pos = nx.spring_layout(graph, seed=seed, k=1.6 / max(1, graph.number_of_nodes()) ** 0.5) if len(graph) else {}
    xs = [p[0] for p in pos.values()] or [0.0]
    ys = [p[1] for p in pos.values()] or [0.0]
    span_x, span_y = (max(xs) - min(xs)) or 1.0, (max(ys) - min(ys)) or 1.0
    data = nx.node_link_data(graph, edges="edges")
    for node in data["nodes"]:
        x, y = pos.get(node["id"], (0.0, 0.0))
        node["x"] = round(40 + 920 * (x - min(xs)) / span_x, 1)
        node["y"] = round(40 + 920 * (y - min(ys)) / span_y, 1)
        node["in_degree"] = graph.in_degree(node["id"])
        for key, value in list(node.items()):
            node[key] = _plain(value)
    for edge in data["edges"]:
        for key, value in list(edge.items()):
            edge[key] = _plain(value)
    return data


def graph_html(graph: "networkx.DiGraph", path: str | Path, *, title: str = "Citation graph",
               highlight: Iterable[str] = ()) -> Path:
    """Write the interactive view of `graph` to `path` (an .html file) and return the path.

    Nodes in `highlight` (node ids) are drawn with a thick outline, e.g. a
    chosen document and its implementation chain.
    """
    data = graph_json(graph)
    marked = set(highlight)
    for node in data["nodes"]:
        node["highlight"] = node["id"] in marked
    payload = json.dumps(data, ensure_ascii=False).replace("</", "<\\/")
    colors = json.dumps(RELATION_COLORS)
    legend = "".join(
        f'<span><i style="background:{c}"></i>{html.escape(r)}</span>' for r, c in RELATION_COLORS.items()
    )
    page = _TEMPLATE.replace("__TITLE__", html.escape(title)).replace("__DATA__", payload) \
        .replace("__COLORS__", colors).replace("__LEGEND__", legend) \
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
header input{width:16em}
#legend span{margin-right:10px;white-space:nowrap}
#legend i{display:inline-block;width:18px;height:3px;margin-right:3px;vertical-align:middle}
svg{width:100vw;height:calc(100vh - 64px);cursor:grab;display:block}
.n circle{stroke:#333;stroke-width:1}
.n.ext circle{fill:#fff;stroke-dasharray:2 2}
.n.hl circle{stroke:#000;stroke-width:3.5}
.n text{font-size:10px;pointer-events:none}
.dim{opacity:.12}
#tip{position:fixed;pointer-events:none;background:#fffbe6;border:1px solid #cca;padding:6px;max-width:28em;display:none;white-space:pre-wrap}
</style></head><body>
<header><b>__TITLE__</b> &middot; __COUNTS__ &middot; <input id="q" placeholder="find: 280/CĐ-TTg, Công văn ..."> 
<span id="legend">__LEGEND__</span><br><small>filled: letter in the corpus; hollow: cited only. Hover for fields, click to
highlight citations in and out, drag a node, wheel to zoom, drag the background to pan.</small></header>
<svg id="g"><defs></defs><g id="vp"><g id="edges"></g><g id="nodes"></g></g></svg><div id="tip"></div>
<script>
const data = __DATA__, COLORS = __COLORS__, NS = "http://www.w3.org/2000/svg";
const svg = document.getElementById("g"), vp = document.getElementById("vp"), tip = document.getElementById("tip");
const byId = {}; data.nodes.forEach(n => byId[n.id] = n);
const defs = svg.querySelector("defs");
Object.entries(COLORS).forEach(([r, c]) => {
  const m = document.createElementNS(NS, "marker");
  m.setAttribute("id", "a-" + r); m.setAttribute("viewBox", "0 0 10 10"); m.setAttribute("refX", "10");
  m.setAttribute("refY", "5"); m.setAttribute("markerWidth", "7"); m.setAttribute("markerHeight", "7");
  m.setAttribute("orient", "auto");
  const p = document.createElementNS(NS, "path"); p.setAttribute("d", "M0,0L10,5L0,10z"); p.setAttribute("fill", c);
  m.appendChild(p); defs.appendChild(m);
});
const radius = n => 5 + 3 * Math.sqrt(n.in_degree || 0);
data.edges.forEach(e => {
  const l = document.createElementNS(NS, "line");
  l.setAttribute("stroke", COLORS[e.relation] || "#999"); l.setAttribute("stroke-width", e.relation === "mentions" ? 1 : 1.8);
  l.setAttribute("marker-end", "url(#a-" + (COLORS[e.relation] ? e.relation : "mentions") + ")");
  e.el = l; document.getElementById("edges").appendChild(l);
});
data.nodes.forEach(n => {
  const g = document.createElementNS(NS, "g"); g.setAttribute("class", "n" + (n.in_corpus ? "" : " ext") + (n.highlight ? " hl" : ""));
  const c = document.createElementNS(NS, "circle"); c.setAttribute("r", radius(n));
  c.setAttribute("fill", n.in_corpus ? "#4c78a8" : "#fff");
  const t = document.createElementNS(NS, "text"); t.textContent = n.label || n.id; t.setAttribute("dx", radius(n) + 2); t.setAttribute("dy", 3);
  g.appendChild(c); g.appendChild(t); n.el = g; document.getElementById("nodes").appendChild(g);
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
    const a = byId[e.source], b = byId[e.target], dx = b.x - a.x, dy = b.y - a.y, d = Math.hypot(dx, dy) || 1, r = radius(b) + 2;
    e.el.setAttribute("x1", a.x); e.el.setAttribute("y1", a.y);
    e.el.setAttribute("x2", b.x - dx / d * r); e.el.setAttribute("y2", b.y - dy / d * r);
  });
  data.nodes.forEach(n => n.el.setAttribute("transform", `translate(${n.x},${n.y})`));
}
let view = {x: 0, y: 0, k: 0.8}, drag = null, pan = null, focus = null;
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
function select(n) {
  focus = focus === n ? null : n;
  const near = new Set(focus ? [focus.id] : []);
  if (focus) data.edges.forEach(e => { if (e.source === focus.id) near.add(e.target); if (e.target === focus.id) near.add(e.source); });
  data.nodes.forEach(m => m.el.classList.toggle("dim", !!focus && !near.has(m.id)));
  data.edges.forEach(e => e.el.classList.toggle("dim", !!focus && e.source !== focus.id && e.target !== focus.id));
}
const fold = s => (s || "").normalize("NFC").toLowerCase().replace(/[đð]/g, "d");
document.getElementById("q").addEventListener("input", ev => {
  const q = fold(ev.target.value.trim());
  data.nodes.forEach(n => n.el.classList.toggle("dim", !!q && !fold(n.label + " " + n.id + " " + (n.subject || "")).includes(q)));
});
place(); apply();
</script></body></html>
"""
