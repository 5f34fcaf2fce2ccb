"""Exports of the store: every table (and the duplicates view) as Parquet.

Flow: file -> reader -> text -> field parsers -> records -> store ->
graph/tasks -> **exports**. DuckDB writes the Parquet files itself (`COPY ...
TO ... (FORMAT parquet)`), so an export never loads a table into Python.
"""
from __future__ import annotations

from pathlib import Path


def export_parquet(db: str | Path, out_dir: str | Path) -> dict[str, Path]:
    """Write `<table>.parquet` for every table of the store into `out_dir`; returns name -> path."""
    from congvan.pipeline import store

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    con = store.connect(db, read_only=True)
    written: dict[str, Path] = {}
    try:
        for table in store.table_names(con):
            target = out / f"{table}.parquet"
            con.execute(f"COPY (SELECT * FROM \"{table}\") TO '{_sql_path(target)}' (FORMAT parquet)")
            written[table] = target
    finally:
        con.close()
    return written


def _sql_path(path: Path) -> str:
    return str(path).replace("'", "''")
