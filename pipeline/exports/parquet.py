"""Every table of the store (and the duplicates view) as Parquet.

Flow: store -> **Parquet files** (the one export that reads the store's
tables, not its Letters: it needs a store, not a folder). DuckDB writes the Parquet files itself (`COPY ...
TO ... (FORMAT parquet)`), so an export never loads a table into Python.
"""
from __future__ import annotations

from pathlib import Path


def export_parquet(db: str | Path, out_dir: str | Path) -> dict[str, Path]:
    """Write `<table>.parquet` for every table of the store into `out_dir`; returns name -> path."""
    from congvan.pipeline import store

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    from congvan.pipeline.exports.source import SourceError

    try:
        con = store.connect(db, read_only=True)
    except Exception as exc:  # noqa: BLE001 - translated to one line, or raised again
        message = store.explain(exc, db)
        if message is None:
            raise
        raise SourceError(message) from exc
    written: dict[str, Path] = {}
    try:
        tables = store.table_names(con)
        if "letters" not in tables:
            raise SourceError(f"{db} is a DuckDB database but not a congvan store (no letters table): "
                              "give the store `congvan ingest` wrote")
        for table in tables:
            target = out / f"{table}.parquet"
            con.execute(f"COPY (SELECT * FROM \"{table}\") TO '{_sql_path(target)}' (FORMAT parquet)")
            written[table] = target
    finally:
        con.close()
    return written


def _sql_path(path: Path) -> str:
    return str(path).replace("'", "''")
