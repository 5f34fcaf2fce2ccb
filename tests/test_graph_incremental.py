"""Incremental graph resolution gives exactly the tables of one full rebuild.

Flow position: store -> **graph** (pipeline/graph_update.py, rules in
pipeline/graph.py). Letters are written into a store in random orders and
splits, removed (`store.drop_orphans`) and written again with other bytes
(a new letter id) or under the same id (`write_batch` replacing rows); after
every step the incremental resolution must leave `nodes`, `edges`,
`reference_links` and the lookup state exactly as `build_graph` over the
whole store gives them (the lookup state's gap keys are certificates: each
must still part the words read from the others, not be the tightest one). The synthetic corpus is small-worded so that number
keys, subjects and issuers collide; the lookup thresholds are also lowered so
that its rare-word and fallback rules are crossed back and forth.
"""
from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest

from congvan.parsers.keys import number_key
from congvan.pipeline import graph, graph_update, store

ISSUERS = ["Thủ tướng Chính phủ", "UBND tỉnh Khánh Hòa", "Ủy ban nhân dân tỉnh Lào Cai", "Sở Công Thương",
           "Sở Công Thương Khánh Hòa", "Bộ Tài chính", None]
TYPES = ["Công văn", "Công điện", "Quyết định", "Văn bản", None]
SYMBOLS = ["CĐ-TTg", "UBND-TH", "SCT-VP", "QĐ-BTC", "2023/TT-BTC", "BTC-VP"]
WORDS = ("chấn chỉnh tăng cường trách nhiệm xử lý công việc phòng chống thiên tai bão lũ ngập lụt "
         "kỷ luật hành chính cải cách thủ tục đầu tư công giải ngân vốn an toàn thực phẩm dịch bệnh "
         "kiểm tra giám sát thuế hải quan xuất nhập khẩu").split()


def _subject(rng: random.Random) -> str:
    # Zipf-like: a few topic words in most subjects, the rest rare.
    weights = [1 / (k + 1) for k in range(len(WORDS))]
    return " ".join(dict.fromkeys(rng.choices(WORDS, weights, k=rng.randint(3, 9))))


def _date(rng: random.Random) -> str | None:
    r = rng.random()
    if r < 0.15:
        return None
    year = rng.randint(2020, 2024)
    if r < 0.25:
        return str(year)
    return f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


def _letter(rng: random.Random, lid: str) -> dict[str, Any]:
    number = str(rng.randint(1, 12)) if rng.random() < 0.8 else None
    symbol = rng.choice(SYMBOLS) if number else None
    issued = _date(rng)
    return {"letter_id": lid, "doc_type": rng.choice(TYPES[:4]), "number": number, "symbol": symbol,
            "number_key": number_key(number, symbol), "issuer": rng.choice(ISSUERS), "issued": issued,
            "issued_year": int(issued[:4]) if issued else None,
            "subject": _subject(rng) if rng.random() < 0.9 else None}


def _refs(rng: random.Random, lid: str, pool: list[dict[str, Any]]) -> list[dict[str, Any]]:
    refs: list[dict[str, Any]] = []
    for idx in range(rng.randint(0, 5)):
        target = rng.choice(pool)
        kind = rng.random()
        date = target["issued"] if rng.random() < 0.6 else _date(rng)
        ref = {"letter_id": lid, "idx": idx, "doc_type": target["doc_type"], "number": None, "symbol": None,
               "number_key": None, "date": date, "year": int(date[:4]) if date else None,
               "issuer": target["issuer"] if rng.random() < 0.7 else rng.choice(ISSUERS),
               "relation": rng.choice(["implements", "legal_basis", "mentions", None]), "subject": None, "text": "",
               "cites_idx": [], "cites_relation": []}
        if kind < 0.55 and target["number"]:
            # By number: the target's, another's, or one outside the corpus.
            number, symbol = (target["number"], target["symbol"]) if rng.random() < 0.8 else \
                (str(rng.randint(1, 12)), rng.choice(SYMBOLS))
            ref.update(number=number, symbol=symbol, number_key=number_key(number, symbol),
                       text=f"{ref['doc_type'] or 'Văn bản'} số {number}/{symbol}")
            if rng.random() < 0.3:
                ref["subject"] = _subject(rng)    # an external node learns words from its citations
        else:
            # By subject: the target's, with words dropped or added.
            words = (target["subject"] or _subject(rng)).split()
            words = [w for w in words if rng.random() < 0.85] + rng.sample(WORDS, rng.randint(0, 2))
            ref["doc_type"] = target["doc_type"] if rng.random() < 0.9 else rng.choice(TYPES)
            who = f" của {ref['issuer']}" if ref["issuer"] else ""
            ref["text"] = f"{ref['doc_type'] or ''}{who} {' '.join(words)}".strip()
            if rng.random() < 0.3:
                ref["subject"] = " ".join(words)
        refs.append(ref)
    # Some descriptions state how the documents they name relate (`cites`).
    for ref in refs:
        others = [r["idx"] for r in refs if r["idx"] != ref["idx"]]
        if others and rng.random() < 0.3:
            picked = rng.sample(others, rng.randint(1, min(2, len(others))))
            ref["cites_idx"] = picked
            ref["cites_relation"] = [rng.choice(["implements", "mentions", "amends"]) for _ in picked]
    return refs


def corpus(seed: int, n: int) -> list[tuple[dict[str, Any], list[dict[str, Any]]]]:
    rng = random.Random(seed)
    letters = [_letter(rng, f"L{seed}-{i:03d}") for i in range(n)]
    return [(letter, _refs(rng, letter["letter_id"], letters)) for letter in letters]


def _variant(rng: random.Random, letter: dict[str, Any], refs: list[dict[str, Any]], pool: list[dict[str, Any]],
             lid: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The same file with other bytes: some fields read differently."""
    new = dict(_letter(rng, lid), **{k: letter[k] for k in ("doc_type", "issuer") if rng.random() < 0.5})
    if rng.random() < 0.5:
        new.update(number=letter["number"], symbol=letter["symbol"], number_key=letter["number_key"])
    new_refs = [dict(r, letter_id=lid) for r in refs] if rng.random() < 0.5 else _refs(rng, lid, pool)
    return new, new_refs


class Store:
    """A store written the way ingest writes it: files rows, write_batch, drop_orphans."""

    def __init__(self, path: Path) -> None:
        self.con = store.connect(path)

    def write(self, items: list[tuple[dict[str, Any], list[dict[str, Any]]]]) -> None:
        store.write_batch(self.con, [{
            "files": [store.file_row(f"/{letter['letter_id']}.txt", letter["letter_id"], 1, "txt", "ok",
                                     letter_id=letter["letter_id"])],
            "letters": [letter], "citations": refs} for letter, refs in items])

    def remove(self, ids: list[str]) -> list[str]:
        self.con.execute("DELETE FROM files WHERE letter_id IN (SELECT unnest(?::VARCHAR[]))", [ids])
        return store.drop_orphans(self.con)


def tables(con: Any) -> dict[str, list[tuple[Any, ...]]]:
    out = {}
    for table, order in (("nodes", "node_id"), ("edges", "src, dst"), ("reference_links", "letter_id, idx"),
                         ("graph_letters", "letter_id"), ("graph_node_words", "node_id, word")):
        out[table] = con.execute(f"SELECT * FROM {table} ORDER BY {order}").fetchall()
    out["graph_ref_words"] = con.execute("SELECT letter_id, idx, tkey, ikey, word, is_read FROM graph_ref_words "
                                         "ORDER BY letter_id, idx, word").fetchall()
    return out


def gaps_hold(con: Any, g: graph.Graph) -> None:
    """Every stored gap key still parts the reference's words read (keys below it) from the
    others (keys at or above it), with document frequencies as a full build counts them."""
    blocks = graph._SubjectBlocks(n for n in g.nodes.values() if not n.node_id.startswith("u:"))
    gaps = {}
    for lid, idx, tkey, ikey, word, is_read, gap_df, gap_word in con.execute("SELECT * FROM graph_ref_words").fetchall():
        gaps.setdefault((lid, idx), []).append((tkey, ikey or None, word, is_read, gap_df, gap_word))
    for key, words in gaps.items():
        for tkey, ikey, word, is_read, gap_df, gap_word in words:
            df = sum(len(b.get(word, ())) for b in blocks._blocks(tkey, ikey))
            assert graph.key_below(df, word, gap_df, gap_word) == is_read, (key, word, df, gap_df, gap_word)


def expected(con: Any) -> dict[str, list[tuple[Any, ...]]]:
    """The tables one full rebuild gives, computed beside the store (the store is left as it is)."""
    def rows(sql: str) -> list[dict[str, Any]]:
        cur = con.execute(sql)
        cols = [d[0] for d in cur.description]
        return [dict(zip(cols, r)) for r in cur.fetchall()]

    letters = rows(f"SELECT {', '.join(graph_update.LETTER_COLS)} FROM letters")
    g = graph.build_graph(letters, rows(f"SELECT {', '.join(graph_update.REF_COLS)} FROM citations"))
    gaps_hold(con, g)
    mem = store.connect(":memory:")
    store.append_rows(mem, "nodes", [n.row() for n in g.nodes.values()])
    store.append_rows(mem, "edges", g.edges)
    store.append_rows(mem, "reference_links", g.links)
    graph_update._append(mem, "graph_letters", {"letter_id": [r["letter_id"] for r in letters]})
    graph_update._append(mem, "graph_node_words", graph_update._node_words(g.nodes.values()))
    graph_update._append(mem, "graph_ref_words", graph_update._ref_words(g.plans))
    return tables(mem)


def assert_same(con: Any, step: str) -> None:
    got, want = tables(con), expected(con)
    for table in want:
        if got[table] != want[table]:
            extra = sorted(set(got[table]) - set(want[table]))[:3]
            missing = sorted(set(want[table]) - set(got[table]))[:3]
            pytest.fail(f"{step}: {table} differs from a full rebuild: extra {extra}, missing {missing}")


@pytest.fixture(params=["default", "low"])
def thresholds(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    if request.param == "low":
        # Few documents per block here: low thresholds make words cross between rare,
        # topic and too-common as letters come and go.
        monkeypatch.setattr(graph, "_RARE_DF", 3)
        monkeypatch.setattr(graph, "_RAREST_DF", 6)
    return request.param


@pytest.mark.parametrize("seed", range(4))
def test_random_orders_splits_removals_and_replacements(tmp_path: Path, seed: int, thresholds: str,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    # Every step after the first incremental, however much of the store it changes.
    monkeypatch.setattr(graph_update, "FULL_SHARE", 100.0)
    rng = random.Random(1000 + seed)
    items = corpus(seed, 90)
    pool = [letter for letter, _ in items]
    rng.shuffle(items)
    s = Store(tmp_path / "inc.duckdb")
    present: dict[str, tuple[dict[str, Any], list[dict[str, Any]]]] = {}
    step = 0
    modes = set()
    while items or step < 12:
        step += 1
        if items:
            take = rng.randint(1, 15)
            chunk, items = items[:take], items[take:]
            s.write(chunk)
            present.update((letter["letter_id"], (letter, refs)) for letter, refs in chunk)
        if present and rng.random() < 0.5:
            # A file whose bytes changed: a new letter id, the old one orphaned.
            old_id = rng.choice(sorted(present))
            letter, refs = present.pop(old_id)
            new = _variant(rng, letter, refs, pool, f"{old_id}r{step}")
            s.write([new])
            assert s.remove([old_id]) == [old_id]
            present[new[0]["letter_id"]] = new
        if present and rng.random() < 0.3:
            # A letter written again under its own id (a retried file), read differently.
            lid = rng.choice(sorted(present))
            letter, refs = present[lid]
            new = _variant(rng, letter, refs, pool, lid)
            s.write([new])
            present[lid] = new
        if present and rng.random() < 0.3:
            gone = rng.sample(sorted(present), min(len(present), rng.randint(1, 3)))
            assert s.remove(gone) == sorted(gone)
            for lid in gone:
                present.pop(lid)
        result = graph.resolve_store(s.con)
        modes.add(result.mode)
        assert_same(s.con, f"seed {seed}, step {step} ({result.mode})")
    assert modes == {"full", "incremental"} or modes == {"full", "incremental", "none"}


def test_cited_letter_arriving_turns_external_node_into_the_letter(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """(a) Old letters cite 12/CĐ-TTg by number; when it arrives, their links move to it,
    the external node goes, and the undated new letter takes the date most citers give (c)."""
    monkeypatch.setattr(graph_update, "FULL_SHARE", 100.0)
    s = Store(tmp_path / "a.duckdb")
    citers = []
    for i in range(3):
        letter = {"letter_id": f"C{i}", "doc_type": "Công văn", "number": str(100 + i), "symbol": "SCT-VP",
                  "number_key": number_key(str(100 + i), "SCT-VP"), "issuer": "Sở Công Thương",
                  "issued": f"2023-06-0{i + 1}", "issued_year": 2023, "subject": "triển khai công điện"}
        ref = {"letter_id": f"C{i}", "idx": 0, "doc_type": "Công điện", "number": "12", "symbol": "CĐ-TTg",
               "number_key": number_key("12", "CĐ-TTg"), "date": "2023-04-20" if i == 2 else "2023-04-19", "year": 2023,
               "issuer": "Thủ tướng Chính phủ", "relation": "implements", "subject": None, "text": "Công điện 12/CĐ-TTg",
               "cites_idx": [], "cites_relation": []}
        citers.append((letter, [ref]))
    s.write(citers)
    graph.resolve_store(s.con)
    ext = s.con.execute("SELECT node_id, date, n_cited FROM nodes WHERE NOT in_corpus").fetchall()
    assert ext == [("x:12/CD-TTG|thu tuong chinh phu|2023", "2023-04-19", 3)]
    cd = {"letter_id": "CD12", "doc_type": "Công điện", "number": "12", "symbol": "CĐ-TTg",
          "number_key": number_key("12", "CĐ-TTg"), "issuer": "Thủ tướng Chính phủ", "issued": None,
          "issued_year": 2023, "subject": "chấn chỉnh kỷ luật hành chính"}
    s.write([(cd, [])])
    result = graph.resolve_store(s.con)
    assert result.mode == "incremental" and result.letters_added == 1
    assert s.con.execute("SELECT count(*) FROM nodes WHERE NOT in_corpus").fetchone()[0] == 0
    assert s.con.execute("SELECT date, n_cited FROM nodes WHERE node_id = 'CD12'").fetchone() == ("2023-04-19", 3)
    assert {r[0] for r in s.con.execute("SELECT node_id FROM reference_links").fetchall()} == {"CD12"}
    assert_same(s.con, "after the cited letter")
    # And back: removed, the external node returns.
    s.remove(["CD12"])
    graph.resolve_store(s.con)
    assert s.con.execute("SELECT node_id FROM nodes WHERE NOT in_corpus").fetchall() == [ext[0][:1]]
    assert_same(s.con, "after removing it")


def _cd(lid: str, number: str, issued: str | None, subject: str) -> dict[str, Any]:
    return {"letter_id": lid, "doc_type": "Công điện", "number": number, "symbol": "CĐ-TTg",
            "number_key": number_key(number, "CĐ-TTg"), "issuer": "Thủ tướng Chính phủ", "issued": issued,
            "issued_year": int(issued[:4]) if issued else None, "subject": subject}


def _unnumbered(lid: str, subject: str, idx: int = 0) -> dict[str, Any]:
    return {"letter_id": lid, "idx": idx, "doc_type": "Công điện", "number": None, "symbol": None, "number_key": None,
            "date": None, "year": None, "issuer": "Thủ tướng Chính phủ", "relation": "implements", "subject": None,
            "text": f"Công điện của Thủ tướng Chính phủ {subject}", "cites_idx": [], "cites_relation": []}


SUBJECT = "chấn chỉnh, tăng cường trách nhiệm trong xử lý công việc của các bộ, cơ quan, địa phương"


def _link(con: Any, lid: str) -> tuple[str, str]:
    return con.execute("SELECT node_id, method FROM reference_links WHERE letter_id = ?", [lid]).fetchone()


def test_new_letter_makes_an_old_unnumbered_reference_resolvable_then_ambiguous(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """(b) An unnumbered reference with nothing to match is linked by subject when its
    document arrives, and left unresolved again when a second one fits as well."""
    monkeypatch.setattr(graph_update, "FULL_SHARE", 100.0)
    s = Store(tmp_path / "b.duckdb")
    citer = {"letter_id": "SCT", "doc_type": "Công văn", "number": None, "symbol": None, "number_key": None,
             "issuer": "Sở Công Thương Khánh Hòa", "issued": "2023-05-10", "issued_year": 2023, "subject": "triển khai"}
    s.write([(citer, [_unnumbered("SCT", SUBJECT)])])
    graph.resolve_store(s.con)
    assert _link(s.con, "SCT") == ("u:SCT:0", "unresolved")
    s.write([(_cd("CD280", "280", "2023-04-19", SUBJECT), [])])
    assert graph.resolve_store(s.con).mode == "incremental"
    assert _link(s.con, "SCT") == ("CD280", "subject")
    assert s.con.execute("SELECT count(*) FROM nodes WHERE node_id = 'u:SCT:0'").fetchone()[0] == 0
    assert_same(s.con, "one fit")
    s.write([(_cd("CD999", "999", "2023-04-01", SUBJECT), [])])
    graph.resolve_store(s.con)
    node, method = _link(s.con, "SCT")
    assert method == "unresolved" and "2 documents fit" in s.con.execute(
        "SELECT evidence FROM reference_links WHERE letter_id = 'SCT'").fetchone()[0]
    assert_same(s.con, "two fits")
    # A later Công điện never fits: the reference stays as it is.
    s.write([(_cd("CD500", "500", "2023-06-01", SUBJECT), [])])
    graph.resolve_store(s.con)
    assert _link(s.con, "SCT")[1] == "unresolved"
    assert_same(s.con, "a later one")


def test_new_letter_makes_a_rare_word_common(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """(b) Letters sharing a word push its document frequency over `_RARE_DF`: an old
    reference that read that word now reads others, and back when they go."""
    monkeypatch.setattr(graph_update, "FULL_SHARE", 100.0)
    monkeypatch.setattr(graph, "_RARE_DF", 2)
    monkeypatch.setattr(graph, "_RAREST_DF", 3)
    s = Store(tmp_path / "df.duckdb")
    target = _cd("T", "1", "2023-01-05", "kỷ luật hành chính thủ tục giải ngân")
    citer = {"letter_id": "Z", "doc_type": "Công văn", "number": None, "symbol": None, "number_key": None,
             "issuer": "Bộ Tài chính", "issued": "2023-05-10", "issued_year": 2023, "subject": None}
    s.write([(target, []), (citer, [_unnumbered("Z", "kỷ luật hành chính thủ tục giải ngân")])])
    graph.resolve_store(s.con)
    assert _link(s.con, "Z") == ("T", "subject")
    assert s.con.execute("SELECT word FROM graph_ref_words WHERE is_read ORDER BY word").fetchall() == [
        ("chinh",), ("giai",), ("hanh",), ("ky",)]
    # Fillers share two of its words (too few to fit it), which become topic words.
    fillers = [(_cd(f"F{i}", str(10 + i), "2023-01-02", f"kỷ luật đợt {i} xuất nhập khẩu"), []) for i in range(4)]
    s.write(fillers)
    assert graph.resolve_store(s.con).mode == "incremental"
    assert_same(s.con, "fillers in")
    assert s.con.execute("SELECT word FROM graph_ref_words WHERE is_read ORDER BY word").fetchall() == [
        ("chinh",), ("giai",), ("hanh",), ("ngan",)]
    assert _link(s.con, "Z") == ("T", "subject")
    s.remove(["F0", "F1", "F2"])
    graph.resolve_store(s.con)
    assert_same(s.con, "fillers out")
    assert _link(s.con, "Z") == ("T", "subject")


def test_replaced_letter_with_changed_bytes_end_to_end(tmp_path: Path) -> None:
    """(d) Through `ingest`: a file re-ingested with other bytes replaces its letter (a new id,
    the old one dropped as an orphan), and the graph is what a rebuild gives; `--rebuild-graph`
    (`rebuild_graph=True`) gives the same tables."""
    from conftest import SEED_000, SEED_001

    from congvan.pipeline.ingest import ingest

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(SEED_000.read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "b.txt").write_text(SEED_001.read_text(encoding="utf-8"), encoding="utf-8")
    db = tmp_path / "e2e.duckdb"
    ingest([folder], db, workers=1, log=lambda s: None)
    con = store.connect(db)
    before = tables(con)
    con.close()
    # Seed 001's number is changed: 2536/BCT-VP is no longer in the corpus.
    text = SEED_001.read_text(encoding="utf-8").replace("Số: 25 3 6", "Số: 25 3 7", 1)
    assert text != SEED_001.read_text(encoding="utf-8")
    (folder / "b.txt").write_text(text, encoding="utf-8")
    ingest([folder], db, workers=1, log=lambda s: None)
    con = store.connect(db)
    try:
        assert con.execute("SELECT count(*) FROM letters").fetchone()[0] == 2
        assert con.execute("SELECT count(*) FROM nodes WHERE number = '2537'").fetchone()[0] == 1
        assert tables(con) != before
        assert_same(con, "after the re-ingest")
        incremental = tables(con)
    finally:
        con.close()
    ingest([folder], db, workers=1, log=lambda s: None, rebuild_graph=True)
    con = store.connect(db)
    try:
        assert tables(con) == incremental
    finally:
        con.close()


def test_stale_state_falls_back_to_a_full_rebuild(tmp_path: Path) -> None:
    """A store whose lookup state is missing (written before it existed) or from other
    rules is rebuilt whole; an unchanged store is left alone."""
    s = Store(tmp_path / "stale.duckdb")
    s.write(corpus(7, 30))
    assert graph.resolve_store(s.con).mode == "full"
    assert graph.resolve_store(s.con).mode == "none"
    s.con.execute("DELETE FROM graph_ref_words")
    s.con.execute("DELETE FROM graph_letters")
    assert graph.resolve_store(s.con).mode == "full"
    assert_same(s.con, "rebuilt after losing its state")
    s.con.execute("UPDATE meta SET value = '0' WHERE key = 'graph_version'")
    s.write(corpus(8, 2))
    assert graph.resolve_store(s.con).mode == "full"
    assert_same(s.con, "rebuilt after a rules change")
    s.write(corpus(9, 2))
    assert graph.resolve_store(s.con).mode == "incremental"
    assert graph.resolve_store(s.con, full=True).mode == "full"


# ------------------------------------------------------------------ real letters

# Letters of the shared corpus that cite one another (tests/test_corpus_chains.py), in the
# formats that parse fast; the repository's own samples stand in when it is absent.
CHAIN_PREFIXES = ("081", "080", "057", "046", "043", "044", "054", "055", "053", "069", "120", "192", "117", "119",
                  "115", "118", "114", "193", "191", "161", "178", "194", "152", "195", "185", "056", "060", "072",
                  "071", "036", "035")


@pytest.fixture(scope="module")
def real_letters() -> list[Any]:
    from conftest import CORPUS, HAVE_SHARED, REPO_CORPUS, SEEDS

    import congvan

    files = [*SEEDS, *sorted(p for p in REPO_CORPUS.glob("*") if p.suffix in (".txt", ".docx"))]
    if HAVE_SHARED:
        files += [p for prefix in CHAIN_PREFIXES for p in sorted(CORPUS.glob(f"{prefix}_*"))
                  if p.suffix in (".txt", ".docx", ".rtf", ".doc")]
    letters = {}
    for path in files:
        letter = congvan.parse(str(path))
        letters.setdefault(letter.id, letter)
    return list(letters.values())


def _rows_of(letter: Any) -> dict[str, list[dict[str, Any]]]:
    rows = store.letter_rows(letter)
    rows["files"] = [store.file_row(f"/{letter.id}", letter.id, 1, letter.format, "ok", letter_id=letter.id)]
    return rows


@pytest.mark.parametrize("seed", range(3))
def test_real_letters_in_random_orders(tmp_path: Path, seed: int, real_letters: list[Any],
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """Real letters (their references, stated relations and unnumbered citations as the
    parser reads them) ingested in random batches, some read again without their date (so
    their citers date them) or with another number, some removed: every step gives the
    tables of a full rebuild."""
    monkeypatch.setattr(graph_update, "FULL_SHARE", 100.0)
    assert sum(len(l.references) for l in real_letters) > 20
    rng = random.Random(seed)
    letters = list(real_letters)
    rng.shuffle(letters)
    s = Store(tmp_path / "real.duckdb")
    present: dict[str, Any] = {}
    step = 0
    while letters:
        step += 1
        take = rng.randint(1, 6)
        batch, letters = letters[:take], letters[take:]
        store.write_batch(s.con, [_rows_of(l) for l in batch])
        present.update((l.id, l) for l in batch)
        if present and rng.random() < 0.5:
            old = present.pop(rng.choice(sorted(present)))
            changes: dict[str, Any] = {"id": f"{old.id[:20]}-v{step}"}
            if old.issued is not None and rng.random() < 0.6:
                changes["issued"] = None
            elif old.number is not None:
                changes["number"] = old.number.model_copy(update={"number": str(rng.randint(1, 99))})
            new = old.model_copy(update=changes)
            store.write_batch(s.con, [_rows_of(new)])
            assert s.remove([old.id]) == [old.id]
            present[new.id] = new
        if len(present) > 3 and rng.random() < 0.3:
            gone = rng.choice(sorted(present))
            assert s.remove([gone]) == [gone]
            present.pop(gone)
        graph.resolve_store(s.con)
        assert_same(s.con, f"real letters, seed {seed}, step {step}")
    assert s.con.execute("SELECT count(*) FROM edges").fetchone()[0] > 0
