"""The store keeps the whole letter: what goes in comes back equal to parsing the
file; query columns come from one map; identity ignores how the issuer is
written; a store of the first schema is migrated, not misread."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pytest
from conftest import SAMPLES, SEED_001

import congvan
from congvan.pipeline import store, store_migrations
from congvan.pipeline.ingest import ingest


@pytest.fixture(scope="module")
def samples_store(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Path]]:
    folder = tmp_path_factory.mktemp("samples")
    files = sorted(p for p in SAMPLES.iterdir() if p.is_file() and p.name != "README.md")
    for f in files:
        shutil.copy(f, folder / f.name)
    db = folder.parent / "samples.duckdb"
    ingest([folder], db, workers=2, log=lambda s: None)
    return db, sorted(folder.iterdir())


def test_letters_read_back_equal_parsing_each_sample(samples_store) -> None:
    db, files = samples_store
    back = {l.file: l for l in congvan.load_letters(str(db))}
    assert len(back) == len(files)
    for f in files:
        parsed = congvan.parse(str(f))
        stored = back[str(f)]
        assert congvan.to_json(stored) == congvan.to_json(parsed), f.name
        assert stored == parsed, f.name         # sources, text and all


def test_query_columns_follow_the_record(samples_store) -> None:
    db, _ = samples_store
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute("SELECT letter_id, n_directives, secrecy, record FROM letters").fetchall()
        n_dirs = dict(con.execute("SELECT letter_id, count(*) FROM directives GROUP BY 1").fetchall())
        n_cites = dict(con.execute("SELECT letter_id, count(*) FROM citations GROUP BY 1").fetchall())
    finally:
        con.close()
    assert any(n for _, n, _, _ in rows)
    for lid, n, secrecy, record in rows:
        data = json.loads(record)
        assert n == len(data["directives"]) == n_dirs.get(lid, 0)
        assert len(data["references"]) == n_cites.get(lid, 0)
        assert secrecy == data["secrecy"]
    declared = {c.name for c in store.LETTERS.columns} | {"letter_id"}
    con = duckdb.connect(str(db), read_only=True)
    try:
        actual = {r[0] for r in con.execute("SELECT column_name FROM information_schema.columns "
                                            "WHERE table_name = 'letters'").fetchall()}
    finally:
        con.close()
    assert actual == declared


UBND_LETTER = """{issuer}                 CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
                                        Độc lập - Tự do - Hạnh phúc
Số: 1234/UBND-KT                        Khánh Hòa, ngày 12 tháng 6 năm 2023
V/v tăng cường phòng, chống thiên tai

Kính gửi: Sở Nông nghiệp và Môi trường

Ủy ban nhân dân tỉnh yêu cầu Sở Nông nghiệp và Môi trường chủ trì rà soát phương án ứng phó{tail}

Nơi nhận:                                TM. ỦY BAN NHÂN DÂN
- Như trên;                              KT. CHỦ TỊCH
- Lưu: VT, KT.                           PHÓ CHỦ TỊCH

                                         Trần Văn Bình
"""


def test_one_document_however_its_issuer_is_written(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(UBND_LETTER.format(issuer="UBND TỈNH KHÁNH HÒA", tail="."), encoding="utf-8")
    (folder / "b.txt").write_text(UBND_LETTER.format(issuer="ỦY BAN NHÂN DÂN TỈNH KHÁNH HOÀ", tail=" trước mùa mưa."),
                                  encoding="utf-8")
    db = tmp_path / "s.duckdb"
    ingest([folder], db, workers=1, log=lambda s: None)
    letters = congvan.load_letters(str(db))
    assert len({l.issuer for l in letters}) == 2 and {l.number.number for l in letters} == {"1234"}
    dup = congvan.load_store(str(db))["duplicates"]
    assert sorted(dup["path"].map(lambda p: Path(p).name)) == ["a.txt", "b.txt"]
    assert set(dup["identity"]) == {"1234/UBND-KT|ubnd khanh hoa|2023"} and set(dup["kind"]) == {"same_document"}


# The first schema, as stores written before schema versions had it (abridged to what
# migration reads): no meta table, a `references` table, no whole record.
V1_SCHEMA = """
CREATE TABLE files (path VARCHAR PRIMARY KEY, content_hash VARCHAR, size BIGINT, format VARCHAR,
    status VARCHAR NOT NULL, kind VARCHAR, reason VARCHAR, letter_id VARCHAR, parse_seconds DOUBLE,
    ocr_used BOOLEAN, same_as VARCHAR);
CREATE TABLE letters (letter_id VARCHAR PRIMARY KEY, content_hash VARCHAR, file VARCHAR, format VARCHAR,
    encoding VARCHAR, number VARCHAR, symbol VARCHAR, number_raw VARCHAR, canonical_key VARCHAR, issued VARCHAR,
    issued_year INTEGER, issued_precision VARCHAR, place VARCHAR, issuer VARCHAR, parent_issuer VARCHAR,
    issuer_source VARCHAR, doc_type VARCHAR, subject VARCHAR, urgency VARCHAR, signer_name VARCHAR,
    signer_title VARCHAR, signer_authority VARCHAR, n_pages INTEGER, ocr_used BOOLEAN, warnings VARCHAR[],
    text VARCHAR);
CREATE TABLE "references" (letter_id VARCHAR, idx INTEGER, doc_type VARCHAR, number VARCHAR, symbol VARCHAR,
    canonical_key VARCHAR, date VARCHAR, year INTEGER, issuer VARCHAR, relation VARCHAR, subject VARCHAR,
    text VARCHAR, n_mentions INTEGER, cites_idx INTEGER[], cites_relation VARCHAR[], PRIMARY KEY (letter_id, idx));
CREATE TABLE directives (letter_id VARCHAR, idx INTEGER, depth INTEGER, label VARCHAR, kind VARCHAR,
    path VARCHAR, parent INTEGER, text VARCHAR, PRIMARY KEY (letter_id, idx));
CREATE TABLE action_items (letter_id VARCHAR, id VARCHAR, path VARCHAR, unit VARCHAR, record VARCHAR,
    PRIMARY KEY (letter_id, id));
CREATE TABLE recipients (letter_id VARCHAR, idx INTEGER, name VARCHAR, PRIMARY KEY (letter_id, idx));
CREATE TABLE distribution (letter_id VARCHAR, idx INTEGER, name VARCHAR, purpose VARCHAR,
    PRIMARY KEY (letter_id, idx));
CREATE TABLE nodes (node_id VARCHAR PRIMARY KEY, canonical_key VARCHAR);
"""


def _v1_store(db: Path, letter) -> None:
    con = duckdb.connect(str(db))
    con.execute(V1_SCHEMA)
    n = letter.number
    con.execute("INSERT INTO files VALUES (?, ?, 1, 'txt', 'ok', NULL, NULL, ?, 0.1, false, NULL)",
                [letter.file, letter.content_hash, letter.id])
    con.execute("INSERT INTO letters VALUES (?, ?, ?, 'txt', 'utf-8', ?, ?, ?, NULL, ?, ?, ?, ?, ?, ?, 'header', ?, ?,"
                " NULL, ?, ?, ?, 0, false, ?, ?)",
                [letter.id, letter.content_hash, letter.file, n.number, n.symbol, n.raw, letter.issued.iso,
                 letter.issued.year, letter.issued.precision, letter.place, letter.issuer, letter.parent_issuer,
                 letter.doc_type, letter.subject, letter.signer.name, letter.signer.title, letter.signer.authority,
                 list(letter.warnings), letter.text])
    for i, r in enumerate(letter.references):
        con.execute('INSERT INTO "references" VALUES (?, ?, ?, ?, ?, NULL, ?, NULL, ?, ?, ?, ?, 1, [], [])',
                    [letter.id, i, r.doc_type, r.number, r.symbol, r.date.iso if r.date else None, r.issuer,
                     r.relation, r.subject, r.text])
    for d in letter.directives:
        con.execute("INSERT INTO directives VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    [letter.id, d.index, d.depth, d.label, d.kind, d.path, d.parent, d.text])
    for a in letter.action_items:
        con.execute("INSERT INTO action_items VALUES (?, ?, ?, ?, ?)", [letter.id, a.id, a.path, a.unit,
                                                                        a.model_dump_json()])
    for i, r in enumerate(letter.recipients):
        con.execute("INSERT INTO recipients VALUES (?, ?, ?)", [letter.id, i, r.name])
    for i, d in enumerate(letter.distribution):
        con.execute("INSERT INTO distribution VALUES (?, ?, ?, ?)", [letter.id, i, d.name, d.purpose])
    con.close()


def test_a_first_schema_store_is_migrated_whole(tmp_path: Path) -> None:
    letter = congvan.parse(str(SEED_001))
    db = tmp_path / "old.duckdb"
    _v1_store(db, letter)
    with pytest.raises(store_migrations.OldStore, match="schema version 1"):
        congvan.load_letters(str(db))            # read-only: refused, not misread
    store.connect(db).close()                     # opened for writing: migrated
    (back,) = congvan.load_letters(str(db))
    got, want = congvan.to_json(back), congvan.to_json(letter)
    for key in ("number", "symbol", "issued", "issuer", "subject", "recipients", "distribution", "signer",
                "directives"):
        assert got[key] == want[key], key
    # Version 1 kept action items by id, not in document order.
    assert got["action_items"] == sorted(want["action_items"], key=lambda a: a["id"])
    assert [r["symbol"] for r in got["references"]] == [r["symbol"] for r in want["references"]]
    assert back.text == letter.text and store_migrations.REBUILT_WARNING in back.warnings
    con = duckdb.connect(str(db), read_only=True)
    try:
        tables = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
        version = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0]
    finally:
        con.close()
    assert "references" not in tables and "citations" in tables and version == str(store.SCHEMA_VERSION)
