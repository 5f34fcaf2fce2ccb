"""Older stores brought up to the current schema, once, when opened for writing.

Flow: an existing DuckDB file -> **migration** -> the schema `pipeline/store.py`
writes. Versions:

- 1 (no `meta` table): letters as columns only, the cited documents in a
  table named `references` (an SQL keyword), no whole record. Migrating
  rebuilds each letter's record from its columns and child tables (header,
  signer, recipients, distribution, references, directives, action items,
  pages, text, confidence); what version 1 never kept (each value's source
  span, the mentions of a reference) is lost, and each rebuilt letter says
  so in a warning: ingesting its file again restores it. Graph tables are
  dropped: ingest rebuilds them.
- 2: the current schema.

A migration runs in one transaction: a store is migrated whole or not at all.
"""
from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import duckdb

    from congvan.models.records import Letter

REBUILT_WARNING = ("store: rebuilt from a version-1 store, which kept no source spans; "
                   "ingest the file again to restore them")


class OldStore(Exception):
    """A store of an older schema opened read-only: it must be migrated first."""


class NotAStore(Exception):
    """A DuckDB database that holds other tables than a congvan store's."""


def version(con: duckdb.DuckDBPyConnection) -> int | None:
    """The store's schema version; None for a new, empty database. Raises NotAStore for
    a database of someone else's tables, which congvan must not write into."""
    tables = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    if not tables:
        return None
    if "meta" in tables:
        rows = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchall()
        if rows:
            return int(rows[0][0])
    elif {"files", "letters"} <= tables:
        columns = {r[0] for r in con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'letters'").fetchall()}
        if "letter_id" in columns:
            return 1
    raise NotAStore(f"a DuckDB database with other tables ({', '.join(sorted(tables)[:5])}), not a congvan store")


def migrate(con: duckdb.DuckDBPyConnection, from_version: int) -> None:
    if from_version == 1:
        _from_1(con)
        return
    raise OldStore(f"no migration from schema version {from_version}")


def _rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[dict[str, Any]]:
    cur = con.execute(sql)
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, r)) for r in cur.fetchall()]


def _from_1(con: duckdb.DuckDBPyConnection) -> None:
    from congvan.pipeline import store

    letters = _rebuild_v1(con)
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute('DROP VIEW IF EXISTS duplicates')
        for old_table in ("letters", "references", "directives", "action_items", "recipients", "distribution", "pages",
                          "nodes", "edges", "reference_links"):
            con.execute(f'DROP TABLE IF EXISTS "{old_table}"')
        con.execute(store.SCHEMA)
        for table in store.TABLES:
            store.append_rows(con, table.name, [row for l in letters for row in store.letter_rows(l)[table.name]])
        con.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", [str(store.SCHEMA_VERSION)])
        con.execute("COMMIT")
    except BaseException:
        store.rollback(con)
        raise


def _rebuild_v1(con: duckdb.DuckDBPyConnection) -> list[Letter]:
    """Letters of a version-1 store, rebuilt from its columns and child tables."""
    from congvan.models.records import (
        ActionItem,
        Directive,
        DistributionEntry,
        DocumentNumber,
        Letter,
        PageInfo,
        PartialDate,
        Recipient,
        Reference,
        Signer,
    )

    tables = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    parts: dict[str, dict[str, list[Any]]] = {}

    def add(kind: str, sql: str, build: Any) -> None:
        name = sql.split(" FROM ")[1].split()[0].strip('"')
        if name not in tables:
            return
        for r in _rows(con, sql):
            parts.setdefault(r["letter_id"], {}).setdefault(kind, []).append(build(r))

    add("recipients", "SELECT * FROM recipients ORDER BY letter_id, idx", lambda r: Recipient(name=r["name"]))
    add("distribution", "SELECT * FROM distribution ORDER BY letter_id, idx",
        lambda r: DistributionEntry(name=r["name"], purpose=r["purpose"]))
    add("references", 'SELECT * FROM "references" ORDER BY letter_id, idx', lambda r: Reference(
        doc_type=r["doc_type"], number=r["number"], symbol=r["symbol"], date=PartialDate.from_iso(r["date"]),
        issuer=r["issuer"], relation=r["relation"], subject=r["subject"], text=r["text"] or "",
        cites=tuple(zip(r["cites_idx"] or [], r["cites_relation"] or []))))
    add("directives", "SELECT * FROM directives ORDER BY letter_id, idx", lambda r: Directive(
        index=r["idx"], depth=r["depth"], label=r["label"], kind=r["kind"], text=r["text"] or "",
        path=r["path"], parent=r["parent"]))
    add("action_items", "SELECT letter_id, record FROM action_items ORDER BY letter_id, id",
        lambda r: ActionItem.model_validate(json.loads(r["record"])))
    add("pages", "SELECT * FROM pages ORDER BY letter_id, page", lambda r: PageInfo(
        page=r["page"], path=r["path"], quality=r["quality"], ocr_confidence=r["ocr_confidence"], note=r["note"]))

    out: list[Letter] = []
    for l in _rows(con, "SELECT * FROM letters ORDER BY letter_id"):
        p = parts.get(l["letter_id"], {})
        number = None
        if l.get("number") or l.get("symbol") or l.get("number_raw"):
            conf = l.get("number_confidence")
            number = DocumentNumber(number=l["number"], symbol=l["symbol"], raw=l["number_raw"] or "",
                                    confidence=1.0 if conf is None or conf != conf else float(conf))
        signer = None
        if l.get("signer_name") or l.get("signer_title") or l.get("signer_authority"):
            signer = Signer(name=l["signer_name"], title=l["signer_title"], authority=l["signer_authority"])
        out.append(Letter(
            id=l["letter_id"], file=l["file"], content_hash=l["content_hash"], format=l["format"] or "txt",
            encoding=l["encoding"], number=number, issued=PartialDate.from_iso(l["issued"]), place=l["place"],
            issuer=l["issuer"], parent_issuer=l["parent_issuer"], issuer_source=l["issuer_source"],
            doc_type=l["doc_type"] or "Công văn", subject=l["subject"], urgency=l["urgency"],
            recipients=tuple(p.get("recipients", ())), distribution=tuple(p.get("distribution", ())),
            signer=signer, references=tuple(p.get("references", ())), directives=tuple(p.get("directives", ())),
            action_items=tuple(p.get("action_items", ())), pages=tuple(p.get("pages", ())),
            warnings=(*(l["warnings"] or ()), REBUILT_WARNING),
            confidence={k: float(v) for k, v in (l.get("confidence") or {}).items()},
            text=l.get("text") or "",
        ))
    return out
