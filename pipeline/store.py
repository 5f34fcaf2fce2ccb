"""The embedded DuckDB store: the whole Letter as the record of truth, query tables derived from it.

Flow: file -> reader -> text -> field parsers -> Letter -> **store** ->
graph / exports. Each letter is kept whole, as its JSON (`letters.record`),
so `load_letters` gives back Letters equal to parsing the files. Beside it,
the columns analysts query with SQL (`letters.issuer`, `citations.number`,
`action_items.deadline_date` ...) are derived from the record by one
declarative map (`TABLES`): adding a column is adding one line there.

Parse workers turn a Letter (or FailedFile) into plain rows (`letter_rows`),
so the writer only appends; it commits a batch of files in one transaction,
so a file's rows in every table land together with its `files` row or not at
all (a SIGKILL loses at most the open batch, which the next run parses
again). Letters are keyed by their content hash (`letter_id`), files by
path: the same bytes under two paths are parsed once and give two `files`
rows pointing at one letter. The schema carries a version (`meta`); an
older store is migrated when it is opened for writing
(`pipeline/store_migrations.py`).
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from congvan.pipeline import store_migrations

if TYPE_CHECKING:  # the store is imported by workers: keep start-up light
    import duckdb
    import pandas

    from congvan.models.records import ActionItem, FailedFile, Letter

SCHEMA_VERSION = 2


# ------------------------------------------------------------- the column map


@dataclass(frozen=True)
class Column:
    """One query column: its name, DuckDB type, and how it is read off the record."""

    name: str
    type: str
    value: Callable[[Any], Any]


@dataclass(frozen=True)
class Table:
    """A table derived from letters: the records it holds a row for (`items` of a letter,
    each with its position) and its columns; every table starts with `letter_id`."""

    name: str
    items: Callable[[Any], Iterable[tuple[int, Any]]]
    columns: tuple[Column, ...]
    key: tuple[str, ...]


def _iso(date: Any) -> str | None:
    return date.iso if date is not None else None


def _year(date: Any) -> int | None:
    return date.year if date is not None else None


def _attr(*names: str) -> Callable[[Any], Any]:
    """`_attr("signer", "name")`: letter.signer.name, None where a link is missing."""
    def get(obj: Any) -> Any:
        for name in names:
            obj = getattr(obj, name, None) if obj is not None else None
        return obj
    return get


def _keys() -> Any:
    from congvan.parsers import keys
    return keys


def _record(letter: Any) -> str:
    return letter.model_dump_json()


LETTERS = Table("letters", lambda l: [(0, l)], (
    Column("content_hash", "VARCHAR", _attr("content_hash")),
    Column("file", "VARCHAR", _attr("file")),
    Column("format", "VARCHAR", _attr("format")),
    Column("encoding", "VARCHAR", _attr("encoding")),
    Column("number", "VARCHAR", _attr("number", "number")),
    Column("symbol", "VARCHAR", _attr("number", "symbol")),
    Column("number_raw", "VARCHAR", _attr("number", "raw")),
    Column("number_confidence", "DOUBLE", _attr("number", "confidence")),
    Column("number_key", "VARCHAR", lambda l: _keys().number_key(*((l.number.number, l.number.symbol) if l.number else (None, None)))),
    Column("identity_key", "VARCHAR", lambda l: _keys().letter_key(l)),
    Column("issued", "VARCHAR", lambda l: _iso(l.issued)),
    Column("issued_year", "INTEGER", lambda l: _year(l.issued)),
    Column("issued_precision", "VARCHAR", _attr("issued", "precision")),
    Column("place", "VARCHAR", _attr("place")),
    Column("issuer", "VARCHAR", _attr("issuer")),
    Column("issuer_key", "VARCHAR", lambda l: _keys().issuer_key(l.issuer)),
    Column("parent_issuer", "VARCHAR", _attr("parent_issuer")),
    Column("issuer_source", "VARCHAR", _attr("issuer_source")),
    Column("doc_type", "VARCHAR", _attr("doc_type")),
    Column("subject", "VARCHAR", _attr("subject")),
    Column("urgency", "VARCHAR", _attr("urgency")),
    Column("secrecy", "VARCHAR", _attr("secrecy")),
    Column("signer_name", "VARCHAR", _attr("signer", "name")),
    Column("signer_title", "VARCHAR", _attr("signer", "title")),
    Column("signer_authority", "VARCHAR", _attr("signer", "authority")),
    Column("n_pages", "INTEGER", lambda l: len(l.pages)),
    Column("ocr_used", "BOOLEAN", lambda l: any(p.path == "ocr" for p in l.pages)),
    Column("n_references", "INTEGER", lambda l: len(l.references)),
    Column("n_directives", "INTEGER", lambda l: len(l.directives)),
    Column("n_action_items", "INTEGER", lambda l: len(l.action_items)),
    Column("warnings", "VARCHAR[]", lambda l: list(l.warnings)),
    Column("confidence", "MAP(VARCHAR, DOUBLE)", lambda l: {k: float(v) for k, v in sorted(l.confidence.items())}),
    Column("record", "JSON", _record),   # the whole Letter, text included: the record of truth
), ("letter_id",))

CITATIONS = Table("citations", lambda l: enumerate(l.references), (
    Column("idx", "INTEGER", lambda ir: ir[0]),
    Column("doc_type", "VARCHAR", lambda ir: ir[1].doc_type),
    Column("number", "VARCHAR", lambda ir: ir[1].number),
    Column("symbol", "VARCHAR", lambda ir: ir[1].symbol),
    Column("number_key", "VARCHAR", lambda ir: _keys().number_key(ir[1].number, ir[1].symbol)),
    Column("date", "VARCHAR", lambda ir: _iso(ir[1].date)),
    Column("year", "INTEGER", lambda ir: _year(ir[1].date)),
    Column("issuer", "VARCHAR", lambda ir: ir[1].issuer),
    Column("relation", "VARCHAR", lambda ir: ir[1].relation),
    Column("subject", "VARCHAR", lambda ir: ir[1].subject),
    Column("text", "VARCHAR", lambda ir: ir[1].text),
    Column("n_mentions", "INTEGER", lambda ir: max(1, len(ir[1].mentions))),
    Column("cites_idx", "INTEGER[]", lambda ir: [c[0] for c in ir[1].cites]),
    Column("cites_relation", "VARCHAR[]", lambda ir: [c[1] for c in ir[1].cites]),
), ("letter_id", "idx"))

DIRECTIVES = Table("directives", lambda l: ((d.index, d) for d in l.directives), (
    Column("idx", "INTEGER", lambda ir: ir[0]),
    Column("depth", "INTEGER", lambda ir: ir[1].depth),
    Column("label", "VARCHAR", lambda ir: ir[1].label),
    Column("kind", "VARCHAR", lambda ir: ir[1].kind),
    Column("path", "VARCHAR", lambda ir: ir[1].path),
    Column("parent", "INTEGER", lambda ir: ir[1].parent),
    Column("text", "VARCHAR", lambda ir: ir[1].text),
), ("letter_id", "idx"))

ACTION_ITEMS = Table("action_items", lambda l: enumerate(l.action_items), (
    Column("id", "VARCHAR", lambda ir: ir[1].id),
    Column("path", "VARCHAR", lambda ir: ir[1].path),
    Column("label", "VARCHAR", lambda ir: ir[1].label),
    Column("unit", "VARCHAR", lambda ir: ir[1].unit),
    Column("unit_key", "VARCHAR", lambda ir: ir[1].unit_key),
    Column("role", "VARCHAR", lambda ir: ir[1].role),
    Column("collaborators", "VARCHAR[]", lambda ir: list(ir[1].collaborators)),
    Column("text", "VARCHAR", lambda ir: ir[1].text),
    Column("deadline_date", "VARCHAR", lambda ir: _iso(ir[1].deadline.date) if ir[1].deadline else None),
    Column("deadline_text", "VARCHAR", lambda ir: ir[1].deadline.text if ir[1].deadline else None),
    Column("deadline_kind", "VARCHAR", lambda ir: ir[1].deadline.kind if ir[1].deadline else None),
    Column("recurrence", "VARCHAR", lambda ir: ir[1].recurrence),
    Column("rrule", "VARCHAR", lambda ir: ir[1].rrule),
    Column("urgency", "VARCHAR", lambda ir: ir[1].urgency),
    Column("report_to", "VARCHAR", lambda ir: ir[1].report_to),
), ("letter_id", "id"))

RECIPIENTS = Table("recipients", lambda l: enumerate(l.recipients), (
    Column("idx", "INTEGER", lambda ir: ir[0]),
    Column("name", "VARCHAR", lambda ir: ir[1].name),
), ("letter_id", "idx"))

DISTRIBUTION = Table("distribution", lambda l: enumerate(l.distribution), (
    Column("idx", "INTEGER", lambda ir: ir[0]),
    Column("name", "VARCHAR", lambda ir: ir[1].name),
    Column("purpose", "VARCHAR", lambda ir: ir[1].purpose),
), ("letter_id", "idx"))

PAGES = Table("pages", lambda l: ((p.page, p) for p in l.pages), (
    Column("page", "INTEGER", lambda ir: ir[0]),
    Column("path", "VARCHAR", lambda ir: ir[1].path),
    Column("quality", "DOUBLE", lambda ir: ir[1].quality),
    Column("ocr_confidence", "DOUBLE", lambda ir: ir[1].ocr_confidence),
    Column("note", "VARCHAR", lambda ir: ir[1].note),
), ("letter_id", "page"))

# Tables holding parsed content, in write order; `files` is written last in a batch.
TABLES: tuple[Table, ...] = (LETTERS, CITATIONS, DIRECTIVES, ACTION_ITEMS, RECIPIENTS, DISTRIBUTION, PAGES)
CONTENT_TABLES = tuple(t.name for t in TABLES)
GRAPH_TABLES = ("nodes", "edges", "reference_links")
# The graph's own lookup state (pipeline/graph_update.py): derived, internal, not exported.
GRAPH_STATE_TABLES = ("graph_letters", "graph_node_words", "graph_ref_words")
ALL_TABLES = ("files", *CONTENT_TABLES, *GRAPH_TABLES, "duplicates")


def _create(table: Table) -> str:
    cols = ",\n    ".join(["letter_id VARCHAR", *(f'"{c.name}" {c.type}' for c in table.columns)])
    key = ", ".join(table.key)
    return f'CREATE TABLE IF NOT EXISTS "{table.name}" (\n    {cols},\n    PRIMARY KEY ({key})\n);'


SCHEMA = "\n".join([
    """
CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR);
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
);""",
    *(_create(t) for t in TABLES),
    """
CREATE TABLE IF NOT EXISTS nodes (
    node_id VARCHAR PRIMARY KEY,
    in_corpus BOOLEAN,
    letter_id VARCHAR,
    doc_type VARCHAR,
    number VARCHAR,
    symbol VARCHAR,
    number_key VARCHAR,
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
-- What an incremental graph resolution needs to know which references a change can
-- reach (pipeline/graph.py explains the rule). Derived: filled by a full resolution
-- (which runs when they are empty), kept in step by incremental ones.
-- The letters the graph tables reflect; a letter written again leaves it until resolved.
CREATE TABLE IF NOT EXISTS graph_letters (letter_id VARCHAR PRIMARY KEY);
-- The subject words of each node a reference without a number can be matched to, by
-- block: doc type key and issuer key ('' when unknown).
CREATE TABLE IF NOT EXISTS graph_node_words (node_id VARCHAR, tkey VARCHAR, ikey VARCHAR, word VARCHAR);
-- The subject words of each reference without a number that is looked up, whether each
-- is read, and a gap key (df, word) with the read words' keys below it, the others' not.
CREATE TABLE IF NOT EXISTS graph_ref_words (
    letter_id VARCHAR, idx INTEGER, tkey VARCHAR, ikey VARCHAR, word VARCHAR,
    is_read BOOLEAN, gap_df INTEGER, gap_word VARCHAR
);
-- Files that hold one document (same identity: number and symbol, issuer, year; or,
-- unnumbered, the same bytes): listed for review, never merged or dropped. `kind`:
-- same_file (same bytes), same_document (other bytes, same subject: a PDF and its
-- DOCX), conflict (same identity, different subjects: a misread or a reused number).
CREATE OR REPLACE VIEW duplicates AS
WITH f AS (
    SELECT f.path, f.content_hash, l.letter_id, l.number, l.symbol, l.issuer, l.issued_year, l.subject,
           coalesce(l.identity_key, 'content:' || f.content_hash) AS identity
    FROM files f JOIN letters l USING (letter_id)
    WHERE f.status = 'ok'
), g AS (
    SELECT identity, count(*) AS n_files, count(DISTINCT content_hash) AS n_contents,
           count(DISTINCT lower(strip_accents(coalesce(subject, '')))) AS n_subjects
    FROM f GROUP BY identity HAVING count(*) > 1
)
SELECT identity, path, content_hash, letter_id, number, symbol, issuer, issued_year, n_files,
       CASE WHEN n_contents = 1 THEN 'same_file' WHEN n_subjects = 1 THEN 'same_document' ELSE 'conflict' END AS kind
FROM f JOIN g USING (identity);
""",
])


def connect(db: str | Path, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open (and on first use create) the store; an older store is migrated when opened
    for writing, and refused read-only until then (it would read back wrong)."""
    import duckdb

    path = Path(db)
    if read_only and not path.exists():
        raise FileNotFoundError(f"{db}: no such database")
    _refuse_other_formats(path)
    # Never fetch an extension from the network: a store needs none, and offline it would hang.
    con = duckdb.connect(str(path), read_only=read_only,
                         config={"autoinstall_known_extensions": False, "autoload_known_extensions": False})
    try:
        version = store_migrations.version(con)
        if read_only:
            if version is not None and version < SCHEMA_VERSION:
                raise store_migrations.OldStore(
                    f"{db}: a store of schema version {version} (this congvan writes {SCHEMA_VERSION}): "
                    "open it once for writing (e.g. `congvan ingest` on its folder) to migrate it")
            return con
        if version is not None and version < SCHEMA_VERSION:
            store_migrations.migrate(con, version)
        con.execute(SCHEMA)
        con.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", [str(SCHEMA_VERSION)])
    except BaseException:
        con.close()
        raise
    return con


_OTHER_FORMATS = ((b"SQLite format 3\x00", "a SQLite database"), (b"PAR1", "a Parquet file"),
                  (b"PK\x03\x04", "a ZIP archive (a spreadsheet?)"))


def _refuse_other_formats(path: Path) -> None:
    """A file DuckDB would try to read through an extension (SQLite, Parquet) is not a store."""
    try:
        with path.open("rb") as fh:
            head = fh.read(16)
    except (FileNotFoundError, IsADirectoryError):
        return
    except OSError:
        return   # duckdb's own error says it better
    for magic, what in _OTHER_FORMATS:
        if head.startswith(magic):
            raise store_migrations.NotAStore(f"{what}, not a congvan store")


def explain(exc: BaseException, db: str | Path) -> str | None:
    """One line saying what is wrong with the store and what to do, for an error opening,
    reading or writing it (every command's edge prints it); None when the error is not
    about the store. DuckDB's exceptions live in module `_duckdb`: they are matched by class."""
    import duckdb

    path = Path(db)
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    low = text.lower()
    if isinstance(exc, (store_migrations.OldStore, store_migrations.NotAStore)):
        return f"{db}: {exc}"
    if isinstance(exc, IsADirectoryError) or path.is_dir() or "is a directory" in low:
        return f"{db} is a folder, not a store: give the .duckdb file `congvan ingest` wrote (or will write)"
    if isinstance(exc, FileNotFoundError):
        return f"{db}: no such store: run `congvan ingest FOLDER --db {db}` first"
    if "no space left" in low or "disk is full" in low or "disk full" in low:
        return f"no space left on the disk holding {db}: free some and run again (what was committed is kept)"
    if isinstance(exc, PermissionError) or "permission denied" in low or "read-only" in low or "read only" in low:
        return f"cannot write {db}: permission denied or a read-only disk (copy the store somewhere writable)"
    if isinstance(exc, duckdb.Error):
        if "could not set lock" in low or "conflicting lock" in low:
            pid = text.split("(PID ", 1)[1].split(")", 1)[0] if "(PID " in text else "?"
            return (f"{db} is in use by another process (PID {pid}, an ingest still running?): wait for it to "
                    "finish, or work on a copy of the file")
        if path.is_file() and path.stat().st_size == 0:
            return f"{db} is an empty file, not a congvan store: delete it and run `congvan ingest FOLDER --db {db}`"
        if isinstance(exc, duckdb.CatalogException):
            return f"{db} is a DuckDB database but not a congvan store (no letters table): give the store `congvan ingest` wrote"
        if "not a valid duckdb" in low or "corrupt" in low or isinstance(exc, (
                duckdb.IOException, duckdb.SerializationException, duckdb.InternalException,
                duckdb.InvalidInputException, duckdb.FatalException)):
            return (f"{db} cannot be read as a DuckDB store ({text}): it is damaged or another kind of file, "
                    "not a congvan store; ingest the letters again into a new --db")
        return f"{db}: {text}"
    if isinstance(exc, ValueError) and "validation error" in low:
        return (f"{db}: a stored letter does not read back ({text}): the store was written by another "
                "congvan version; ingest the letters again into a new --db")
    if isinstance(exc, OSError):
        return f"{db}: {text}"
    return None


# ---------------------------------------------------------------- row building


def letter_rows(letter: Letter) -> dict[str, list[dict[str, Any]]]:
    """Every content table's rows for one letter, from the column map (run in the parse worker)."""
    rows: dict[str, list[dict[str, Any]]] = {}
    for table in TABLES:
        rows[table.name] = [{"letter_id": letter.id, **{c.name: c.value(item if table is LETTERS else (i, item))
                                                         for c in table.columns}}
                            for i, item in table.items(letter)]
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


def failed_row(path: str, content_hash: str | None, size: int | None, failed: FailedFile,
               parse_seconds: float | None = None) -> dict[str, Any]:
    return file_row(path, content_hash, size, failed.format, failed.status, kind=failed.kind,
                    reason=failed.reason, parse_seconds=parse_seconds)


# ---------------------------------------------------------------------- writes

def _types(con: duckdb.DuckDBPyConnection, table: str) -> list[tuple[str, str]]:
    # Asked of each store, not cached by table name: two stores in one process may differ.
    return [(r[0], r[1]) for r in con.execute(
        "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = ? ORDER BY ordinal_position",
        [table]).fetchall()]


def append_rows(con: duckdb.DuckDBPyConnection, table: str, rows: list[dict[str, Any]], *, replace: bool = False) -> None:
    """Insert rows (dicts keyed by column); `replace` overwrites rows with the same primary key."""
    if not rows:
        return
    import pyarrow as pa

    types = _types(con, table)
    # Arrow infers list and null columns poorly from Python rows: let DuckDB cast to the declared types.
    # A dict would be inferred as a struct, which does not cast to a MAP: those columns are typed here.
    data = pa.table({c: pa.array([r.get(c) for r in rows],
                                 type=pa.map_(pa.string(), pa.float64()) if t == "MAP(VARCHAR, DOUBLE)" else None)
                     for c, t in types})
    con.register("_batch", data)
    try:
        casts = ", ".join(f'CAST("{c}" AS {t})' for c, t in types)
        names = ", ".join(f'"{c}"' for c, _ in types)
        verb = "INSERT OR REPLACE" if replace else "INSERT"
        con.execute(f'{verb} INTO "{table}" ({names}) SELECT {casts} FROM _batch')
    finally:
        con.unregister("_batch")


def write_batch(con: duckdb.DuckDBPyConnection, batch: Iterable[dict[str, list[dict[str, Any]]]]) -> None:
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
            # ... and the graph no longer reflects it: the next resolution takes it up again.
            con.execute("DELETE FROM graph_letters WHERE letter_id IN (SELECT unnest(?::VARCHAR[]))", [new_ids])
        for table in CONTENT_TABLES:
            append_rows(con, table, merged[table])
        append_rows(con, "files", merged["files"], replace=True)
        con.execute("COMMIT")
    except BaseException:
        rollback(con)
        raise


def rollback(con: duckdb.DuckDBPyConnection) -> None:
    """Roll back after a failed write; when the failure already ended the transaction (a full
    disk does), the rollback's own error must not hide the one that says what happened."""
    try:
        con.execute("ROLLBACK")
    except Exception:  # noqa: BLE001 - the original error is the one raised
        pass


def drop_orphans(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Remove letters no `files` row points at any more (a file whose bytes changed);
    returns their ids, sorted."""
    orphans = sorted(r[0] for r in con.execute(
        "SELECT letter_id FROM letters WHERE letter_id NOT IN (SELECT letter_id FROM files WHERE letter_id IS NOT NULL)"
    ).fetchall())
    if orphans:
        con.execute("BEGIN TRANSACTION")
        for table in CONTENT_TABLES:
            con.execute(f'DELETE FROM "{table}" WHERE letter_id IN (SELECT unnest(?::VARCHAR[]))', [orphans])
        con.execute("COMMIT")
    return orphans


def settle_letter_files(con: duckdb.DuckDBPyConnection) -> None:
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


def table_names(con: duckdb.DuckDBPyConnection) -> list[str]:
    present = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    return [t for t in ALL_TABLES if t in present]


def load_tables(db: str | Path) -> dict[str, pandas.DataFrame]:
    """Every table (and the `duplicates` view) as a pandas DataFrame, by name."""
    con = connect(db, read_only=True)
    try:
        return {t: con.execute(f'SELECT * FROM "{t}"').df() for t in table_names(con)}
    finally:
        con.close()


def load_letters(db: str | Path) -> list[Letter]:
    """Every stored letter, whole, as parsing its file gave it (`file` is the first of its
    paths), ordered by letter id."""
    from congvan.models.records import Letter

    con = connect(db, read_only=True)
    try:
        rows = con.execute("SELECT record, file FROM letters ORDER BY letter_id").fetchall()
    finally:
        con.close()
    return [Letter.model_validate_json(record).model_copy(update={"file": file}) for record, file in rows]


def load_action_items(db: str | Path) -> list[ActionItem]:
    """The stored letters' action items, ordered by letter and item id."""
    return sorted((item for letter in load_letters(db) for item in letter.action_items),
                  key=lambda i: (i.letter_id, i.id))
