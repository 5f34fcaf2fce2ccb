"""The embedded DuckDB store: schema, row building, batched writes, reads.

Flow: file -> reader -> text -> field parsers -> records -> **store** ->
graph/tasks -> exports. Parse workers turn a `Letter` (or `FailedFile`) into
plain rows with `result_rows`, so the writer only appends; the writer commits
a batch of files in one transaction, so a file's rows in every table land
together with its `files` row or not at all (a SIGKILL loses at most the open
batch, which the next run parses again). Letters are keyed by their content
hash (`letter_id`), files by path: the same bytes under two paths are parsed
once and give two `files` rows pointing at one letter.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable

if TYPE_CHECKING:  # the store is imported by workers: keep start-up light
    import duckdb
    import pandas

    from congvan.models.records import ActionItem, FailedFile, Letter

# Tables holding parsed content, in write order; `files` is written last in a batch.
CONTENT_TABLES = ("letters", "references", "directives", "action_items", "recipients", "distribution", "pages")
GRAPH_TABLES = ("nodes", "edges", "reference_links")
ALL_TABLES = ("files", *CONTENT_TABLES, *GRAPH_TABLES, "duplicates")

SCHEMA = """
CREATE TABLE IF NOT EXISTS files (
    path VARCHAR PRIMARY KEY,
    content_hash VARCHAR,
    size BIGINT,
    format VARCHAR,
    status VARCHAR NOT NULL,          -- ok | failed | skipped
    kind VARCHAR,                     -- why it failed or was skipped (encrypted, empty, not_a_letter ...)
    reason VARCHAR,
    letter_id VARCHAR,
    parse_seconds DOUBLE,
    ocr_used BOOLEAN,
    same_as VARCHAR                   -- the path first parsed with the same bytes
);
CREATE TABLE IF NOT EXISTS letters (
    letter_id VARCHAR PRIMARY KEY,
    content_hash VARCHAR,
    file VARCHAR,
    format VARCHAR,
    encoding VARCHAR,
    number VARCHAR,
    symbol VARCHAR,
    number_raw VARCHAR,
    canonical_key VARCHAR,
    issued VARCHAR,                   -- ISO, to the day, month or year
    issued_year INTEGER,
    issued_precision VARCHAR,
    place VARCHAR,
    issuer VARCHAR,
    parent_issuer VARCHAR,
    issuer_source VARCHAR,
    doc_type VARCHAR,
    subject VARCHAR,
    urgency VARCHAR,
    signer_name VARCHAR,
    signer_title VARCHAR,
    signer_authority VARCHAR,
    n_pages INTEGER,
    ocr_used BOOLEAN,
    warnings VARCHAR[],
    confidence MAP(VARCHAR, DOUBLE),  -- the parsers' per-field confidence, 0..1 (number 0.2 when garbled)
    number_confidence DOUBLE,         -- how surely the Số: line was read
    text VARCHAR
);
CREATE TABLE IF NOT EXISTS "references" (
    letter_id VARCHAR,
    idx INTEGER,
    doc_type VARCHAR,
    number VARCHAR,
    symbol VARCHAR,
    canonical_key VARCHAR,
    date VARCHAR,
    year INTEGER,
    issuer VARCHAR,
    relation VARCHAR,
    subject VARCHAR,
    text VARCHAR,
    n_mentions INTEGER,
    cites_idx INTEGER[],
    cites_relation VARCHAR[],
    PRIMARY KEY (letter_id, idx)
);
CREATE TABLE IF NOT EXISTS directives (
    letter_id VARCHAR, idx INTEGER, depth INTEGER, label VARCHAR, kind VARCHAR,
    path VARCHAR, parent INTEGER, text VARCHAR,
    PRIMARY KEY (letter_id, idx)
);
CREATE TABLE IF NOT EXISTS action_items (
    letter_id VARCHAR, id VARCHAR, path VARCHAR, label VARCHAR, unit VARCHAR,
    unit_key VARCHAR, role VARCHAR, collaborators VARCHAR[], text VARCHAR,
    deadline_date VARCHAR, deadline_text VARCHAR, deadline_kind VARCHAR,
    recurrence VARCHAR, rrule VARCHAR, urgency VARCHAR, report_to VARCHAR,
    record VARCHAR,                   -- the ActionItem as JSON, for load_action_items
    PRIMARY KEY (letter_id, id)
);
CREATE TABLE IF NOT EXISTS recipients (
    letter_id VARCHAR, idx INTEGER, name VARCHAR, PRIMARY KEY (letter_id, idx)
);
CREATE TABLE IF NOT EXISTS distribution (
    letter_id VARCHAR, idx INTEGER, name VARCHAR, purpose VARCHAR, PRIMARY KEY (letter_id, idx)
);
CREATE TABLE IF NOT EXISTS pages (
    letter_id VARCHAR, page INTEGER, path VARCHAR, quality DOUBLE, ocr_confidence DOUBLE, note VARCHAR,
    PRIMARY KEY (letter_id, page)
);
CREATE TABLE IF NOT EXISTS nodes (
    node_id VARCHAR PRIMARY KEY,
    in_corpus BOOLEAN,
    letter_id VARCHAR,
    doc_type VARCHAR,
    number VARCHAR,
    symbol VARCHAR,
    canonical_key VARCHAR,
    issuer VARCHAR,
    date VARCHAR,
    year INTEGER,
    subject VARCHAR,
    label VARCHAR,
    n_cited INTEGER
);
CREATE TABLE IF NOT EXISTS edges (
    src VARCHAR, dst VARCHAR, relation VARCHAR, evidence VARCHAR, confidence DOUBLE,
    letter_id VARCHAR,                -- the letter whose text states the edge
    ref_idx INTEGER
);
CREATE TABLE IF NOT EXISTS reference_links (
    letter_id VARCHAR, idx INTEGER, node_id VARCHAR, method VARCHAR,
    confidence DOUBLE, evidence VARCHAR, PRIMARY KEY (letter_id, idx)
);
-- A second file with the same identity (number, symbol, issuer, year), or the
-- same bytes under another path: listed for review, never merged or dropped.
CREATE OR REPLACE VIEW duplicates AS
WITH f AS (
    SELECT f.path, f.content_hash, l.letter_id, l.number, l.symbol, l.canonical_key,
           l.issuer, l.issued_year
    FROM files f JOIN letters l USING (letter_id)
    WHERE f.status = 'ok'
), by_identity AS (
    SELECT path, content_hash, letter_id, number, symbol, issuer, issued_year,
           'identity ' || canonical_key || ' | ' || coalesce(issuer, '?') || ' | ' || coalesce(CAST(issued_year AS VARCHAR), '?') AS identity,
           count(*) OVER w AS n_files,
           count(DISTINCT content_hash) OVER w AS n_contents
    FROM f WHERE canonical_key IS NOT NULL
    WINDOW w AS (PARTITION BY canonical_key, coalesce(issuer, ''), coalesce(issued_year, -1))
), by_content AS (
    SELECT path, content_hash, letter_id, number, symbol, issuer, issued_year,
           'content ' || content_hash AS identity,
           count(*) OVER (PARTITION BY content_hash) AS n_files, 1 AS n_contents
    FROM f WHERE canonical_key IS NULL
)
SELECT identity, path, content_hash, letter_id, number, symbol, issuer, issued_year, n_files,
       CASE WHEN n_contents = 1 THEN 'same_file' ELSE 'conflict' END AS kind
FROM (SELECT * FROM by_identity UNION ALL SELECT * FROM by_content)
WHERE n_files > 1;
"""


def connect(db: str | Path, *, read_only: bool = False) -> "duckdb.DuckDBPyConnection":
    """Open (and on first use create) the store."""
    import duckdb

    path = Path(db)
    if read_only and not path.exists():
        raise FileNotFoundError(f"{db}: no such database")
    con = duckdb.connect(str(path), read_only=read_only)
    if not read_only:
        con.execute(SCHEMA)
        # A store made before the columns existed gets them empty: its letters read
        # back as before (confidence from the warnings) until they are parsed again.
        for column, kind in _ADDED_COLUMNS["letters"]:
            con.execute(f"ALTER TABLE letters ADD COLUMN IF NOT EXISTS {column} {kind}")
    return con


# Columns added to a table after stores were first written, with their types.
_ADDED_COLUMNS: dict[str, list[tuple[str, str]]] = {
    "letters": [("confidence", "MAP(VARCHAR, DOUBLE)"), ("number_confidence", "DOUBLE")],
}


# ---------------------------------------------------------------- row building


def _iso(date: Any) -> str | None:
    return date.iso if date is not None else None


def letter_rows(letter: "Letter") -> dict[str, list[dict[str, Any]]]:
    """Every content table's rows for one letter (run in the parse worker)."""
    from congvan.parsers.fields.numbers import canonical_key

    lid = letter.id
    num = letter.number
    ocr_used = any(p.path == "ocr" for p in letter.pages)
    rows: dict[str, list[dict[str, Any]]] = {t: [] for t in CONTENT_TABLES}
    rows["letters"].append({
        "letter_id": lid, "content_hash": letter.content_hash, "file": letter.file,
        "format": letter.format, "encoding": letter.encoding,
        "number": num.number if num else None, "symbol": num.symbol if num else None,
        "number_raw": num.raw if num else None,
        "canonical_key": canonical_key(num.number, num.symbol) if num else None,
        "issued": _iso(letter.issued), "issued_year": letter.issued.year if letter.issued else None,
        "issued_precision": letter.issued.precision if letter.issued else None,
        "place": letter.place, "issuer": letter.issuer, "parent_issuer": letter.parent_issuer,
        "issuer_source": letter.issuer_source, "doc_type": letter.doc_type, "subject": letter.subject,
        "urgency": letter.urgency,
        "signer_name": letter.signer.name if letter.signer else None,
        "signer_title": letter.signer.title if letter.signer else None,
        "signer_authority": letter.signer.authority if letter.signer else None,
        "n_pages": len(letter.pages), "ocr_used": ocr_used, "warnings": list(letter.warnings),
        "confidence": {k: float(v) for k, v in sorted(letter.confidence.items())},
        "number_confidence": float(num.confidence) if num else None,
        "text": letter.text,
    })
    for i, ref in enumerate(letter.references):
        rows["references"].append({
            "letter_id": lid, "idx": i, "doc_type": ref.doc_type, "number": ref.number, "symbol": ref.symbol,
            "canonical_key": canonical_key(ref.number, ref.symbol), "date": _iso(ref.date),
            "year": ref.date.year if ref.date else None, "issuer": ref.issuer, "relation": ref.relation,
            "subject": ref.subject, "text": ref.text, "n_mentions": max(1, len(ref.mentions)),
            "cites_idx": [c[0] for c in ref.cites], "cites_relation": [c[1] for c in ref.cites],
        })
    for d in letter.directives:
        rows["directives"].append({
            "letter_id": lid, "idx": d.index, "depth": d.depth, "label": d.label, "kind": d.kind,
            "path": d.path, "parent": d.parent, "text": d.text,
        })
    for item in letter.action_items:
        dl = item.deadline
        rows["action_items"].append({
            "letter_id": lid, "id": item.id, "path": item.path, "label": item.label, "unit": item.unit,
            "unit_key": item.unit_key, "role": item.role, "collaborators": list(item.collaborators),
            "text": item.text, "deadline_date": _iso(dl.date) if dl else None,
            "deadline_text": dl.text if dl else None, "deadline_kind": dl.kind if dl else None,
            "recurrence": item.recurrence, "rrule": item.rrule, "urgency": item.urgency,
            "report_to": item.report_to, "record": item.model_dump_json(),
        })
    for i, r in enumerate(letter.recipients):
        rows["recipients"].append({"letter_id": lid, "idx": i, "name": r.name})
    for i, d in enumerate(letter.distribution):
        rows["distribution"].append({"letter_id": lid, "idx": i, "name": d.name, "purpose": d.purpose})
    for p in letter.pages:
        rows["pages"].append({
            "letter_id": lid, "page": p.page, "path": p.path, "quality": p.quality,
            "ocr_confidence": p.ocr_confidence, "note": p.note,
        })
    return rows


def file_row(path: str, content_hash: str | None, size: int | None, fmt: str | None, status: str, *,
             kind: str | None = None, reason: str | None = None, letter_id: str | None = None,
             parse_seconds: float | None = None, ocr_used: bool | None = None,
             same_as: str | None = None) -> dict[str, Any]:
    return {
        "path": path, "content_hash": content_hash, "size": size, "format": fmt, "status": status,
        "kind": kind, "reason": reason, "letter_id": letter_id, "parse_seconds": parse_seconds,
        "ocr_used": ocr_used, "same_as": same_as,
    }


def failed_row(path: str, content_hash: str | None, size: int | None, failed: "FailedFile",
               parse_seconds: float | None = None) -> dict[str, Any]:
    return file_row(path, content_hash, size, failed.format, failed.status, kind=failed.kind,
                    reason=failed.reason, parse_seconds=parse_seconds)


# ---------------------------------------------------------------------- writes

_COLUMNS: dict[str, list[str]] = {}


def _columns(con: "duckdb.DuckDBPyConnection", table: str) -> list[str]:
    if table not in _COLUMNS:
        _COLUMNS[table] = [r[0] for r in con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = ? ORDER BY ordinal_position",
            [table]).fetchall()]
    return _COLUMNS[table]


def append_rows(con: "duckdb.DuckDBPyConnection", table: str, rows: list[dict[str, Any]], *, replace: bool = False) -> None:
    """Insert rows (dicts keyed by column); `replace` overwrites rows with the same primary key."""
    if not rows:
        return
    import pyarrow as pa

    cols = _columns(con, table)
    # Arrow infers list and null columns poorly from Python rows: let DuckDB cast to the declared types.
    # A dict would be inferred as a struct, which does not cast to a MAP: those columns are typed here.
    maps = {c for c, t in _types(con, table) if t == "MAP(VARCHAR, DOUBLE)"}
    data = pa.table({c: pa.array([r.get(c) for r in rows], type=pa.map_(pa.string(), pa.float64()) if c in maps else None)
                     for c in cols})
    con.register("_batch", data)
    try:
        casts = ", ".join(f'CAST("{c}" AS {t})' for c, t in _types(con, table))
        verb = "INSERT OR REPLACE" if replace else "INSERT"
        # By name: a store given a column later (`_ADDED_COLUMNS`) has it last.
        names = ", ".join(f'"{c}"' for c, _ in _types(con, table))
        con.execute(f'{verb} INTO "{table}" ({names}) SELECT {casts} FROM _batch')
    finally:
        con.unregister("_batch")


_TYPES: dict[str, list[tuple[str, str]]] = {}


def _types(con: "duckdb.DuckDBPyConnection", table: str) -> list[tuple[str, str]]:
    if table not in _TYPES:
        _TYPES[table] = [(r[0], r[1]) for r in con.execute(
            "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = ? ORDER BY ordinal_position",
            [table]).fetchall()]
    return _TYPES[table]


def write_batch(con: "duckdb.DuckDBPyConnection", batch: Iterable[dict[str, list[dict[str, Any]]]]) -> None:
    """Commit several files' rows (each a `{table: rows}` dict with a `files` entry) in one transaction."""
    merged: dict[str, list[dict[str, Any]]] = {t: [] for t in ("files", *CONTENT_TABLES)}
    for rows in batch:
        for table, table_rows in rows.items():
            merged[table].extend(table_rows)
    new_ids = sorted({r["letter_id"] for r in merged["letters"]})
    con.execute("BEGIN TRANSACTION")
    try:
        if new_ids:
            # A letter parsed again (--retry-failed, or a batch lost to a kill) replaces its old rows.
            for table in CONTENT_TABLES:
                con.execute(f'DELETE FROM "{table}" WHERE letter_id IN (SELECT unnest(?::VARCHAR[]))', [new_ids])
        for table in CONTENT_TABLES:
            append_rows(con, table, merged[table])
        append_rows(con, "files", merged["files"], replace=True)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


def drop_orphans(con: "duckdb.DuckDBPyConnection") -> int:
    """Remove letters no `files` row points at any more (a file whose bytes changed)."""
    orphans = [r[0] for r in con.execute(
        "SELECT letter_id FROM letters WHERE letter_id NOT IN (SELECT letter_id FROM files WHERE letter_id IS NOT NULL)"
    ).fetchall()]
    if orphans:
        con.execute("BEGIN TRANSACTION")
        for table in CONTENT_TABLES:
            con.execute(f'DELETE FROM "{table}" WHERE letter_id IN (SELECT unnest(?::VARCHAR[]))', [orphans])
        con.execute("COMMIT")
    return len(orphans)


def settle_letter_files(con: "duckdb.DuckDBPyConnection") -> None:
    """Point each letter at the first of its paths in sort order, so the store does
    not depend on which of two identical files a worker happened to finish first."""
    con.execute("""
        UPDATE letters SET file = m.path FROM (
            SELECT letter_id, min(path) AS path FROM files WHERE letter_id IS NOT NULL GROUP BY letter_id
        ) m WHERE letters.letter_id = m.letter_id AND letters.file IS DISTINCT FROM m.path
    """)
    con.execute("""
        UPDATE files SET same_as = m.path FROM (
            SELECT content_hash, min(path) AS path FROM files WHERE content_hash IS NOT NULL GROUP BY content_hash
        ) m WHERE files.content_hash = m.content_hash
          AND (CASE WHEN files.path = m.path THEN NULL ELSE m.path END) IS DISTINCT FROM files.same_as
    """)
    con.execute("UPDATE files SET same_as = NULL WHERE same_as = path")


# ----------------------------------------------------------------------- reads


def table_names(con: "duckdb.DuckDBPyConnection") -> list[str]:
    present = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    return [t for t in ALL_TABLES if t in present]


def load_tables(db: str | Path) -> dict[str, "pandas.DataFrame"]:
    """Every table (and the `duplicates` view) as a pandas DataFrame, by name."""
    con = connect(db, read_only=True)
    try:
        return {t: con.execute(f'SELECT * FROM "{t}"').df() for t in table_names(con)}
    finally:
        con.close()


def load_action_items(db: str | Path) -> "list[ActionItem]":
    """The stored action items as records, ordered by letter and item id."""
    from congvan.models.records import ActionItem

    con = connect(db, read_only=True)
    try:
        rows = con.execute("SELECT record FROM action_items ORDER BY letter_id, id").fetchall()
    finally:
        con.close()
    return [ActionItem.model_validate(json.loads(r[0])) for r in rows]
