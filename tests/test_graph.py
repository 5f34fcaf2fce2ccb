"""The citation graph over the store: the seed letters join through Công điện 280/CĐ-TTg."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import SEED_000 as SEED_SCT  # Sở Công Thương Khánh Hòa, unnumbered draft
from conftest import SEED_001 as SEED_BCT  # 2536/BCT-VP

import congvan
from congvan.pipeline.graph import build_graph, issuer_key
from congvan.pipeline.ingest import ingest

CONGVAN = Path(sys.executable).with_name("congvan")


def _by_symbol(g, number: str, symbol_key: str) -> str:
    hits = [n for n, d in g.nodes(data=True) if d.get("number_key") == f"{number}/{symbol_key}"]
    assert len(hits) == 1, hits
    return hits[0]


@pytest.fixture(scope="module")
def seeds_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("graph") / "seeds.duckdb"
    ingest([SEED_SCT, SEED_BCT], db, workers=2, log=lambda s: None)
    return db


def test_seed_letters_join_through_cong_dien_280(seeds_db: Path) -> None:
    g = congvan.load_graph(str(seeds_db))
    sct = congvan.parse(str(SEED_SCT)).id
    bct = congvan.parse(str(SEED_BCT)).id
    cd280 = _by_symbol(g, "280", "CD-TTG")
    cv4217 = _by_symbol(g, "4217", "UBND-TH")

    assert g.nodes[bct]["in_corpus"] and g.nodes[bct]["number"] == "2536"
    assert not g.nodes[cd280]["in_corpus"] and g.nodes[cd280]["doc_type"] == "Công điện"
    assert g.nodes[cd280]["issuer"] == "Thủ tướng Chính phủ" and g.nodes[cd280]["date"] == "2023-04-19"
    assert not g.nodes[cv4217]["in_corpus"] and "Khánh Hòa" in g.nodes[cv4217]["issuer"]

    assert g.edges[bct, cd280]["relation"] == "implements"
    assert g.edges[sct, cv4217]["relation"] == "implements"
    # Stated inside seed 000's description of 4217, whose unnumbered Công điện
    # was resolved to the 280/CĐ-TTg that seed 001 cites by number.
    edge = g.edges[cv4217, cd280]
    assert edge["relation"] == "implements" and 0.5 < edge["confidence"] <= 1.0
    assert sct in edge["evidence"]

    tables = congvan.load_store(str(seeds_db))
    links = tables["reference_links"].set_index(["letter_id", "idx"])
    sct_refs = tables["citations"][tables["citations"]["letter_id"] == sct]
    unnumbered = sct_refs[(sct_refs["doc_type"] == "Công điện") & sct_refs["number"].isna()]
    assert len(unnumbered) == 1
    link = links.loc[(sct, int(unnumbered["idx"].iloc[0]))]
    assert link["node_id"] == cd280 and link["method"] == "subject"
    assert "280/CĐ-TTg" in link["evidence"] and "2023-04-19" in link["evidence"]

    # Both letters reach the same Công điện.
    assert cd280 in congvan_descendants(g, sct) and cd280 in congvan_descendants(g, bct)


def congvan_descendants(g, node: str) -> set[str]:
    import networkx as nx

    return nx.descendants(g, node)


def test_order_of_ingestion_does_not_matter(tmp_path: Path, seeds_db: Path) -> None:
    db = tmp_path / "later.duckdb"
    ingest([SEED_SCT], db, workers=1, log=lambda s: None)
    before = congvan.load_graph(str(db))
    # Alone, seed 000's unnumbered Công điện has nothing to resolve to.
    assert not any(d.get("number_key") == "280/CD-TTG" for _, d in before.nodes(data=True))
    ingest([SEED_BCT], db, workers=1, log=lambda s: None)
    after = congvan.load_graph(str(db))
    together = congvan.load_graph(str(seeds_db))
    assert sorted(after.nodes) == sorted(together.nodes)
    assert sorted((a, b, d["relation"]) for a, b, d in after.edges(data=True)) == \
        sorted((a, b, d["relation"]) for a, b, d in together.edges(data=True))


def test_graph_cli_descendants_of_280(seeds_db: Path) -> None:
    run = subprocess.run([str(CONGVAN), "graph", "--db", str(seeds_db), "--from", "280/CĐ-TTg", "--descendants",
                          "--format", "json"], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    data = json.loads(run.stdout)
    numbers = sorted(str(n.get("number")) for n in data["nodes"])
    assert numbers == ["2536", "280", "4217", "None"]   # None: seed 000, a draft without a number
    gml = subprocess.run([str(CONGVAN), "graph", "--db", str(seeds_db), "--format", "graphml"],
                         capture_output=True, text=True, timeout=120)
    assert gml.returncode == 0 and "<graphml" in gml.stdout and "280/CD-TTG" in gml.stdout
    bad = subprocess.run([str(CONGVAN), "graph", "--db", str(seeds_db), "--from", "9999/XYZ"],
                         capture_output=True, text=True, timeout=120)
    assert bad.returncode != 0 and "no node matches" in bad.stderr


def _letter(lid: str, number: str | None, symbol: str | None, issuer: str, issued: str, doc_type: str = "Công văn",
            subject: str | None = None) -> dict:
    from congvan.parsers.keys import number_key

    return {"letter_id": lid, "doc_type": doc_type, "number": number, "symbol": symbol,
            "number_key": number_key(number, symbol), "issuer": issuer, "issued": issued,
            "issued_year": int(issued[:4]), "subject": subject}


def _ref(lid: str, idx: int, number: str | None, symbol: str | None, issuer: str | None, date: str | None,
         doc_type: str = "Công văn", text: str = "", subject: str | None = None) -> dict:
    from congvan.parsers.keys import number_key

    return {"letter_id": lid, "idx": idx, "doc_type": doc_type, "number": number, "symbol": symbol,
            "number_key": number_key(number, symbol), "date": date, "year": int(date[:4]) if date else None,
            "issuer": issuer, "relation": "implements", "subject": subject, "text": text or f"{number}/{symbol}",
            "cites_idx": [], "cites_relation": []}


def test_same_number_in_two_provinces_resolves_by_issuer_and_year() -> None:
    letters = [
        _letter("khanhhoa", "4217", "UBND-TH", "UBND tỉnh Khánh Hòa", "2023-05-04"),
        _letter("laocai", "4217", "UBND-TH", "Ủy ban nhân dân tỉnh Lào Cai", "2025-03-01"),
        _letter("citer", "12", "SCT-VP", "Sở Công Thương", "2025-04-01"),
    ]
    refs = [
        _ref("citer", 0, "4217", "UBND-TH", "UBND tỉnh Lào Cai", "2025-03-01"),
        _ref("citer", 1, "4217", "UBND-TH", None, "2023-05-04"),     # no issuer: the year decides
        _ref("citer", 2, "4217", "UBND-TH", None, None),             # neither: two fit, left external
        _ref("citer", 3, "4217", "UBND-TH", "UBND tỉnh Khánh Hoà", "2024-01-02"),  # another year: not in corpus
    ]
    links = {r["idx"]: r for r in build_graph(letters, refs).links}
    assert links[0]["node_id"] == "laocai" and links[0]["confidence"] == 1.0
    assert links[1]["node_id"] == "khanhhoa" and links[1]["confidence"] < 1.0
    assert links[2]["method"] == "external" and "2 letters fit" in links[2]["evidence"]
    assert links[3]["method"] == "external" and links[3]["node_id"] != links[2]["node_id"]


def test_separator_spelling_and_issuer_spelling_do_not_split_identity() -> None:
    letters = [_letter("tt40", "40", "2000/TT/BTC", "Bộ Tài chính", "2000-05-15", doc_type="Thông tư")]
    refs = [_ref("tt117", 0, "40", "2000 /TT-BTC", "Bộ Tài chính", "2000-05-15", doc_type="Thông tư")]
    assert build_graph(letters, refs).links[0]["node_id"] == "tt40"
    assert issuer_key("Ủy ban nhân dân Thành phố Cần Thơ") == issuer_key("UBND TP Cần Thơ") == "ubnd can tho"
    assert issuer_key("Bộ trưởng Bộ Công Thương") == issuer_key("Bộ Công Thương")


def test_unnumbered_reference_with_two_fits_stays_unresolved() -> None:
    subject = "chấn chỉnh, tăng cường trách nhiệm trong xử lý công việc của các bộ, cơ quan, địa phương"
    letters = [
        _letter("cd280", "280", "CĐ-TTg", "Thủ tướng Chính phủ", "2023-04-19", "Công điện", subject),
        _letter("cd999", "999", "CĐ-TTg", "Thủ tướng Chính phủ", "2023-04-01", "Công điện", subject),
        _letter("late", "500", "CĐ-TTg", "Thủ tướng Chính phủ", "2023-06-01", "Công điện", subject),
    ]
    ref = _ref("citer", 0, None, None, "Thủ tướng Chính phủ", None, "Công điện",
               text=f"Công điện của Thủ tướng Chính phủ {subject}")
    citer = _letter("citer", "1", "SCT-VP", "Sở Công Thương", "2023-05-10")
    two = {r["idx"]: r for r in build_graph([*letters, citer], [ref]).links}[0]
    assert two["method"] == "unresolved" and "2 documents fit" in two["evidence"]
    # Without cd999 exactly one older Công điện fits (the later one never does).
    one = build_graph([letters[0], letters[2], citer], [ref]).links[0]
    assert one["node_id"] == "cd280" and one["method"] == "subject"


def test_unnumbered_reference_needs_a_rare_shared_word() -> None:
    # 60 Công điện on storms share the words `phòng chống bão lũ ngập lụt` (topic
    # words: each in more than `_RARE_DF` of the Prime Minister's Công điện).
    from congvan.pipeline.graph import _RARE_DF

    common = "phòng chống bão lũ ngập lụt"
    fillers = [_letter(f"cd{i:03d}", str(100 + i), "CĐ-TTg", "Thủ tướng Chính phủ", "2023-01-02", "Công điện",
                       f"{common} khu vực {i} đợt {i}") for i in range(_RARE_DF + 10)]
    target = _letter("cd280", "280", "CĐ-TTg", "Thủ tướng Chính phủ", "2023-04-19", "Công điện",
                     f"{common} chấn chỉnh kỷ luật")
    citer = _letter("citer", "1", "SCT-VP", "Sở Công Thương", "2023-05-10")
    ref = _ref("citer", 0, None, None, "Thủ tướng Chính phủ", None, "Công điện",
               text=f"Công điện của Thủ tướng Chính phủ {common} chấn chỉnh kỷ luật")
    # Every filler shares 6 of the reference's 10 words (60 %): without the rare-word
    # rule 61 documents would fit and the reference would stay unresolved.
    link = build_graph([*fillers, target, citer], [ref]).links[0]
    assert link["node_id"] == "cd280" and link["method"] == "subject"
    assert "10 of 10 subject words shared with Công điện 280/CĐ-TTg" in link["evidence"]
    assert link["confidence"] == 0.95
    # A reference made of topic words only is looked up by its rarest: here it
    # fits every filler, and stays unresolved.
    generic = dict(ref, text=f"Công điện của Thủ tướng Chính phủ {common} khu vực")
    link = build_graph([*fillers, target, citer], [generic]).links[0]
    assert link["method"] == "unresolved" and f"{len(fillers)} documents fit" in link["evidence"]
