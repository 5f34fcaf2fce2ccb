"""Letters loaded back for the exports, and document identity.

Flow: store (or files) -> **Letters** -> exports (`registers.py`, `edxml.py`,
`handling_report.py`, `trackers.py`). The Decree 30 / edXML names of a
letter's fields live beside the records (`congvan.models.nd30`).

Identity. A number and symbol are reused by every province and every year
(DOMAIN.md §2): a document is (number, symbol, issuing body, year). The store's
`duplicates` view (pipeline/store.py) lists files that share an identity:
the same content hash is the same file, different content is a conflict to
review; `identity_key` here computes the same key for one letter.
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

from congvan.models.nd30 import deadline_day
from congvan.models.records import (
    ActionItem,
    DistributionEntry,
    DocumentNumber,
    FailedFile,
    Letter,
    PartialDate,
    Recipient,
    Reference,
    Signer,
)


@dataclass(frozen=True)
class Identity:
    """(number, symbol, issuing body, year): what makes two files the same document."""

    number: str | None
    symbol: str | None
    issuer: str | None
    year: int | None

    @property
    def key(self) -> str | None:
        """Comparable key (separators, Đ/D and case folded), None without number and symbol."""
        from congvan.parsers.fields.numbers import canonical_key
        from congvan.parsers.fields.units import fold

        ck = canonical_key(self.number, self.symbol)
        if ck is None:
            return None
        return f"{ck}|{fold(self.issuer) if self.issuer else '?'}|{self.year if self.year else '?'}"


def identity(letter: Letter) -> Identity:
    return Identity(*letter.identity)


def identity_key(letter: Letter) -> str | None:
    return identity(letter).key



# ------------------------------------------------------------ loading letters


def load_letters(target: str | Path) -> tuple[list[Letter], list[str]]:
    """Letters of a `.duckdb` store (rebuilt from its tables), a folder of letter
    files or one file (parsed); with one problem line per file that gave none.
    Errors are values: nothing here raises for a bad letter."""
    target = Path(target)
    if target.suffix.lower() == ".duckdb":
        return letters_from_store(target), []
    from congvan.pipeline.parse import parse_file_safe

    from congvan.pipeline.corpus import letter_files

    files = letter_files([target]) if target.is_dir() else [target]
    letters: list[Letter] = []
    problems: list[str] = []
    seen: set[str] = set()
    for f in files:
        result = parse_file_safe(f)
        if isinstance(result, FailedFile):
            problems.append(f"{f}: {result.reason}")
        elif result.id not in seen:  # the same bytes twice are one letter, as in the store
            seen.add(result.id)
            letters.append(result)
    return letters, problems


def _partial(iso: str | None) -> PartialDate | None:
    if not iso:
        return None
    parts = [int(p) for p in str(iso).split("-")]
    return PartialDate(year=parts[0], month=parts[1] if len(parts) > 1 else None,
                       day=parts[2] if len(parts) > 2 else None)


def action_item_from_record(record: str) -> ActionItem:
    """An ActionItem from the store's `record` JSON. The JSON carries the
    computed `precision` and `iso` of its dates, which the frozen record
    (extra="forbid") does not accept back: they are dropped first."""
    data = json.loads(record)
    for holder in (data.get("deadline") or {},):
        date = holder.get("date")
        if isinstance(date, dict):
            date.pop("precision", None)
            date.pop("iso", None)
    return ActionItem.model_validate(data)


def letters_from_store(db: str | Path) -> list[Letter]:
    """Letters rebuilt from an ingested store, ordered by issue date then id.

    The store keeps every field the exports need (header, signer, recipients,
    distribution, references, action items) with the parsers' per-field
    confidence and warnings, so `nd30_fields` (and the registers and edXML made
    from it) rate a letter read back as it rated the letter parsed. A store
    written before confidences were kept gives an empty `confidence`: then
    `nd30_fields` falls back to 1.0 and the warnings.
    """
    from congvan.pipeline import store

    con = store.connect(db, read_only=True)
    try:
        def rows(sql: str) -> list[dict[str, Any]]:
            cur = con.execute(sql)
            cols = [d[0] for d in cur.description]
            return [dict(zip(cols, r)) for r in cur.fetchall()]

        letters = rows("SELECT * EXCLUDE (text) FROM letters")
        by: dict[str, dict[str, list[Any]]] = {l["letter_id"]: {"recipients": [], "distribution": [], "references": [],
                                                                  "action_items": []} for l in letters}
        for r in rows("SELECT letter_id, name FROM recipients ORDER BY letter_id, idx"):
            if r["letter_id"] in by:
                by[r["letter_id"]]["recipients"].append(Recipient(name=r["name"]))
        for r in rows("SELECT letter_id, name, purpose FROM distribution ORDER BY letter_id, idx"):
            if r["letter_id"] in by:
                by[r["letter_id"]]["distribution"].append(DistributionEntry(name=r["name"], purpose=r["purpose"]))
        for r in rows('SELECT * FROM "references" ORDER BY letter_id, idx'):
            if r["letter_id"] in by:
                by[r["letter_id"]]["references"].append(Reference(
                    doc_type=r["doc_type"], number=r["number"], symbol=r["symbol"], date=_partial(r["date"]),
                    issuer=r["issuer"], relation=r["relation"], subject=r["subject"], text=r["text"] or "",
                    cites=tuple(zip(r["cites_idx"] or [], r["cites_relation"] or [])),
                ))
        for r in rows("SELECT letter_id, record FROM action_items ORDER BY letter_id, id"):
            if r["letter_id"] in by:
                by[r["letter_id"]]["action_items"].append(action_item_from_record(r["record"]))
    finally:
        con.close()
    out: list[Letter] = []
    for l in letters:
        parts = by[l["letter_id"]]
        number = None
        if l["number"] or l["symbol"] or l["number_raw"]:
            number = DocumentNumber(number=l["number"], symbol=l["symbol"], raw=l["number_raw"] or "",
                                    confidence=_stored_confidence(l.get("number_confidence")))
        signer = None
        if l["signer_name"] or l["signer_title"] or l["signer_authority"]:
            signer = Signer(name=l["signer_name"], title=l["signer_title"], authority=l["signer_authority"])
        out.append(Letter(
            id=l["letter_id"], file=l["file"], content_hash=l["content_hash"], format=l["format"] or "txt",
            encoding=l["encoding"], number=number, issued=_partial(l["issued"]), place=l["place"],
            issuer=l["issuer"], parent_issuer=l["parent_issuer"], issuer_source=l["issuer_source"],
            doc_type=l["doc_type"] or "Công văn", subject=l["subject"], urgency=l["urgency"],
            recipients=tuple(parts["recipients"]), distribution=tuple(parts["distribution"]), signer=signer,
            references=tuple(parts["references"]), action_items=tuple(parts["action_items"]),
            warnings=tuple(l["warnings"] or ()),
            confidence={k: float(v) for k, v in (l.get("confidence") or {}).items()},
        ))
    return sort_letters(out)


def _stored_confidence(value: Any) -> float:
    """A stored number confidence; a store made before they were kept has none: 1.0, as before."""
    return 1.0 if value is None or value != value else float(value)


def sort_letters(letters: Iterable[Letter]) -> list[Letter]:
    """Register order: by issue date (undated last), then number, then id."""
    def key(l: Letter) -> tuple[Any, ...]:
        day = deadline_day(l.issued) if l.issued else None
        num = l.number.number if l.number and l.number.number else ""
        return (day is None, day or dt.date.max, num.zfill(12), l.id)

    return sorted(letters, key=key)


def filter_letters(letters: Iterable[Letter], *, since: dt.date | None = None, until: dt.date | None = None,
                   issuer: str | None = None) -> list[Letter]:
    """Letters issued in [since, until] (a partial date counts when any day of it
    falls in the range) whose issuer or parent body contains `issuer` (folded)."""
    from congvan.parsers.fields.units import fold

    needle = fold(issuer) if issuer else None
    out = []
    for l in letters:
        if since or until:
            if l.issued is None:
                continue
            first = dt.date(l.issued.year, l.issued.month or 1, l.issued.day or 1)
            last = deadline_day(l.issued)
            if since and last and last < since:
                continue
            if until and first > until:
                continue
        if needle and not any(needle in fold(x) for x in (l.issuer, l.parent_issuer) if x):
            continue
        out.append(l)
    return out


def load_organ_ids(path: str | Path | None) -> dict[str, str]:
    """Organ name -> edXML OrganId (mã định danh, QĐ 20/2020/QĐ-TTg), from a
    JSON object or a two-column CSV/TSV file. congvan ships no codes: a wrong
    code would route a letter to the wrong office, so only a list the office
    supplies is used. Keys are folded for lookup."""
    if path is None:
        return {}
    from congvan.parsers.fields.units import fold

    p = Path(path)
    text = p.read_text(encoding="utf-8-sig")
    if p.suffix.lower() == ".json":
        data = json.loads(text)
        pairs = list(data.items())
    else:
        import csv
        import io

        delim = "\t" if "\t" in text.splitlines()[0] else ","
        pairs = [(row[0], row[1]) for row in csv.reader(io.StringIO(text), delimiter=delim) if len(row) >= 2]
    return {fold(name): code.strip() for name, code in pairs if name and code}


def organ_id(name: str | None, organ_ids: dict[str, str]) -> str | None:
    if not name or not organ_ids:
        return None
    from congvan.parsers.fields.units import fold

    return organ_ids.get(fold(name))
