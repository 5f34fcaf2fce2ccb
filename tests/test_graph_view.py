"""The citation graph page at an archive's scale, opened in a real headless browser:
a store of 1,000 letters made from real sample letters (tests/scale_store.py)
gives a graph of more than a thousand documents; the page draws every node,
its filters and chains work from its address, and no subject can break it."""
from __future__ import annotations

import json
import re
from pathlib import Path

import networkx as nx
from headless import dump_dom, needs_chromium, screenshot
from scale_store import scale_db  # noqa: F401 - the fixture

import congvan
from congvan.pipeline.graph_view import embed_json, layout


def _status(dom: str) -> dict[str, int]:
    m = re.search(r'<span id="status" ([^>]*)>', dom)
    assert m, dom[:500]
    return {k: int(v) for k, v in re.findall(r'data-(\w+)="(\d+)"', m.group(1))}


def test_layout_scales_and_keeps_components_apart() -> None:
    g = nx.gnm_random_graph(3000, 2600, seed=4)
    pos = layout(g)
    assert set(pos) == set(g) and all(0 <= x <= 1 and 0 <= y <= 1 for x, y in pos.values())
    assert layout(g) == pos                                   # seeded: the same graph draws the same way
    # Two components never overlap: their bounding boxes are disjoint.
    comps = sorted(nx.connected_components(g), key=len, reverse=True)[:2]
    boxes = [(min(pos[n][0] for n in c), max(pos[n][0] for n in c), min(pos[n][1] for n in c), max(pos[n][1] for n in c))
             for c in comps]
    (a0, a1, b0, b1), (c0, c1, d0, d1) = boxes
    assert a1 < c0 or c1 < a0 or b1 < d0 or d1 < b0
    # Linked documents sit closer than unlinked ones inside the giant component.
    giant = g.subgraph(comps[0])
    def dist(a: str, b: str) -> float:
        return ((pos[a][0] - pos[b][0]) ** 2 + (pos[a][1] - pos[b][1]) ** 2) ** 0.5

    linked = sum(dist(a, b) for a, b in giant.edges) / giant.number_of_edges()
    nodes = sorted(giant)
    unlinked = sum(dist(nodes[i], nodes[-1 - i]) for i in range(200)) / 200
    assert linked < unlinked / 2


@needs_chromium
def test_page_draws_every_node_of_a_thousand_letter_store(scale_db: Path, tmp_path: Path) -> None:
    g = congvan.load_graph(str(scale_db))
    assert g.number_of_nodes() >= 1000
    page = congvan.graph_html(g, str(tmp_path / "graph.html"), title="scale")
    status = _status(dump_dom(page))
    assert status["nodes"] == status["shown"] == g.number_of_nodes() and status["edges"] == g.number_of_edges()
    png = screenshot(page, tmp_path / "graph.png")
    assert png.stat().st_size > 20_000                        # drawn, not a blank page

    # Filters and a chain, from the page's address, counted by the browser.
    issuer = "Sở Y tế tỉnh Nghệ An"
    by_issuer = sum(1 for _, d in g.nodes(data=True) if d.get("issuer") == issuer)
    assert _status(dump_dom(page, f"issuer={issuer}"))["shown"] == by_issuer > 0
    years = sum(1 for _, d in g.nodes(data=True) if d.get("year") and 2000 <= d["year"] <= 2004)
    assert _status(dump_dom(page, "from=2000&to=2004"))["shown"] == years > 0
    root = next(n for n, d in g.nodes(data=True) if d.get("in_corpus") and g.in_degree(n) >= 2)
    dom = dump_dom(page, f"focus={root}&chain=down")
    chain = len(nx.ancestors(g, root)) + 1
    assert f"chain of {chain}" in dom and dom.count('class="n chain') + dom.count(' chain"') >= 1


@needs_chromium
def test_a_subject_cannot_close_the_page_script(tmp_path: Path) -> None:
    g = nx.DiGraph()
    hostile = ["<!--<script>", "</script><script>alert(1)</script>", "a\u2028b", "& &amp; <b>"]
    for i, subject in enumerate(hostile):
        g.add_node(f"n{i}", label=f"Công văn {i}/UBND", subject=subject, in_corpus=True)
    g.add_edge("n0", "n1", relation="implements")
    page = congvan.graph_html(g, str(tmp_path / "g.html"))
    text = page.read_text(encoding="utf-8")
    assert "<!--" not in text.split("<script>", 1)[1] and text.count("</script>") == 1
    assert _status(dump_dom(page))["nodes"] == len(hostile)
    data = json.loads(text.split("const data = ", 1)[1].split(", COLORS = ", 1)[0])
    assert [n["subject"] for n in data["nodes"]] == hostile   # escaped for the script, the same text back


def test_embedded_json_has_no_angle_brackets() -> None:
    data = {"s": "</script><!-- & \u2028"}
    text = embed_json(data)
    assert not set("<>&\u2028") & set(text) and json.loads(text) == data
