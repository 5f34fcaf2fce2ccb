"""Records named the way Vietnamese văn thư systems name them, and document identity.

Flow: file -> reader -> text -> field parsers -> records -> store ->
graph/tasks -> **exports**. This module is the shared vocabulary of the
exports that feed the systems offices already run (`registers.py`,
`edxml.py`, `handling_report.py`, `trackers.py`): it turns a `Letter` into
the metadata fields those systems pre-fill, each with a confidence, and it
loads letters back, from a file, a folder or an ingested store.

Where the names come from. Decree 30/2020/NĐ-CP (Phụ lục IV registers and
Phụ lục VI, the metadata of a document in the document-management database)
names its fields in Vietnamese (`Số, ký hiệu`, `Ngày tháng năm văn bản`,
`Tên cơ quan, tổ chức ban hành`, `Trích yếu nội dung`, `Người ký`, `Nơi
nhận`, `Hạn giải quyết`, `Độ khẩn` ...). The English element names used here
(`CodeNumber`, `CodeNotation`, `OrganName`, `SignerInfo/Competence/Position/
FullName`, `ToPlaces`, `DueDate`, `Priority`, `PromulgationInfo`) are those
of the edXML message that carries the same metadata between systems
(QCVN 102:2016/BTTTT, Thông tư 10/2016/TT-BTTTT, amended 2022). We wrote
them from knowledge of that standard, not from its XSD, which is not in this
repository: the element names are the ones in common use, but optional
elements and code lists (the `Priority` codes below, `DocumentType/Type`)
should be checked against the text of the standard before a system relies
on them. `IssuedDate` is our name for `PromulgationInfo/PromulgationDate`
with a precision beside it (edXML has no partial dates).

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

# edXML `OtherInfo/Priority` codes (QCVN 102:2016): 0 thường, 1 khẩn,
# 2 thượng khẩn, 3 hỏa tốc, 4 hỏa tốc hẹn giờ. The mark printed under the
# number decides; an unmarked letter is 0.
PRIORITY_CODES: tuple[tuple[str, int], ...] = (
    ("hỏa tốc hẹn giờ", 4), ("hoả tốc hẹn giờ", 4), ("hỏa tốc", 3), ("hoả tốc", 3),
    ("thượng khẩn", 2), ("khẩn", 1),
)
PRIORITY_NAMES = {0: "Thường", 1: "Khẩn", 2: "Thượng khẩn", 3: "Hỏa tốc", 4: "Hỏa tốc hẹn giờ"}

# The fields `nd30_fields` fills, with the Vietnamese label the decree's
# registers and metadata list use: the JSON Schema documents both.
FIELD_LABELS: dict[str, str] = {
    "CodeNumber": "Số văn bản",
    "CodeNotation": "Ký hiệu văn bản",
    "IssuedDate": "Ngày, tháng, năm văn bản (với độ chính xác: day, month, year)",
    "Place": "Địa danh ban hành",
    "OrganName": "Tên cơ quan, tổ chức ban hành văn bản",
    "OrganizationInCharge": "Tên cơ quan, tổ chức chủ quản",
    "DocumentType": "Tên loại văn bản",
    "Subject": "Trích yếu nội dung",
    "SignerInfo": "Người ký: Competence (quyền hạn ký KT./TM./TL./TUQ./Q.), Position (chức vụ), FullName (họ tên)",
    "ToPlaces": "Nơi nhận",
    "DueDate": "Hạn giải quyết (hạn sớm nhất của các nhiệm vụ trong văn bản)",
    "Priority": "Độ khẩn (0 thường, 1 khẩn, 2 thượng khẩn, 3 hỏa tốc, 4 hỏa tốc hẹn giờ)",
}

# Words of a warning that say which field it concerns (header.py words them
# `number ...`, `issue date: ...`); a page-level reader warning (OCR, unreadable
# page) concerns every field.
_WARNING_FIELDS: dict[str, tuple[str, ...]] = {
    "number": ("CodeNumber", "CodeNotation"),
    "symbol": ("CodeNotation",),
    "issue date": ("IssuedDate",),
    "date": ("IssuedDate",),
    "issuer": ("OrganName", "OrganizationInCharge"),
    "header": ("OrganName", "OrganizationInCharge", "CodeNumber", "CodeNotation", "Subject"),
    "subject": ("Subject",),
    "signer": ("SignerInfo",),
    "signature": ("SignerInfo",),
    "recipient": ("ToPlaces",),
    "kính gửi": ("ToPlaces",),
}
_PAGE_WARNING = ("page ", "ocr", "legacy", "encoding", "web page")
WARNED = 0.5        # a value a warning names
PAGE_WARNED = 0.8   # a value read from a page the reader had trouble with
DERIVED = 0.8       # a value computed from other values (DueDate from the directives' deadlines)


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


def priority_code(urgency: str | None) -> int:
    """edXML Priority code of the urgency mark (`KHẨN`, `HỎA TỐC` ...); 0 when unmarked."""
    if not urgency:
        return 0
    low = urgency.casefold()
    for word, code in PRIORITY_CODES:
        if word in low:
            return code
    return 0


def deadline_day(date: PartialDate | None) -> dt.date | None:
    """The last day a partial deadline allows: `trước tháng 6/2023` is due by 30 June."""
    if date is None:
        return None
    if date.precision == "day":
        return dt.date(date.year, date.month, date.day)  # type: ignore[arg-type]
    if date.precision == "month":
        nxt = dt.date(date.year + (date.month == 12), date.month % 12 + 1, 1)  # type: ignore[operator]
        return nxt - dt.timedelta(days=1)
    return dt.date(date.year, 12, 31)


def due_date(letter: Letter) -> PartialDate | None:
    """The earliest dated deadline of the letter's action items (the register's
    `Hạn giải quyết`); None when no item carries a date."""
    dated = [a.deadline.date for a in letter.action_items if a.deadline and a.deadline.date]
    if not dated:
        return None
    return min(dated, key=lambda d: deadline_day(d) or dt.date.max)


def to_places(letter: Letter) -> list[str]:
    """Nơi nhận for the metadata: the Kính gửi addressees, else the distribution
    list without the file copy (`Lưu: VT ...`) and `Như trên`."""
    if letter.recipients:
        return [r.name for r in letter.recipients]
    return [d.name for d in letter.distribution
            if not d.name.casefold().startswith(("lưu", "như trên"))]


def _field_confidence(letter: Letter) -> dict[str, float]:
    """Confidence per field: the parser's own where it gave one, 1.0 for a value
    read cleanly, lower where a warning concerns the field."""
    conf: dict[str, float] = {name: 1.0 for name in FIELD_LABELS}
    parser = letter.confidence
    rated: set[str] = set()
    for ours, theirs, fallback in (("CodeNumber", "number", None), ("CodeNotation", "symbol", "number"),
                                   ("IssuedDate", "issued", None), ("Place", "place", "issued"),
                                   ("OrganName", "issuer", None), ("OrganizationInCharge", "parent_issuer", "issuer"),
                                   ("Subject", "subject", None), ("SignerInfo", "signer", None),
                                   ("ToPlaces", "recipients", None), ("DocumentType", "doc_type", None)):
        key = theirs if theirs in parser else fallback
        if key in parser:
            conf[ours] = float(parser[key])
            rated.add(ours)
    if letter.number is not None and "number" not in parser:
        conf["CodeNumber"] = conf["CodeNotation"] = float(letter.number.confidence)
    conf["DueDate"] = DERIVED
    # The parser's confidence already weighs its own warnings (OCR, garbled
    # parts): warnings lower only the fields it gave no confidence for.
    for warning in letter.warnings:
        low = warning.casefold()
        if low.startswith(_PAGE_WARNING) or any(w in low for w in ("ocr", "tcvn3", "vni")):
            for name in conf:
                if name not in rated:
                    conf[name] = min(conf[name], PAGE_WARNED)
        for word, names in _WARNING_FIELDS.items():
            if word in low:
                for name in names:
                    if name not in rated:
                        conf[name] = min(conf[name], WARNED)
    return {k: round(v, 3) for k, v in conf.items()}


def nd30_fields(letter: Letter) -> dict[str, dict[str, Any]]:
    """The letter's metadata under the names văn thư systems use, each as
    `{"value": ..., "confidence": ...}` (the `nd30` key of `parse --json`).
    Unknown values are null with confidence 0."""
    conf = _field_confidence(letter)
    num = letter.number
    signer = letter.signer
    due = due_date(letter)
    places = to_places(letter)
    values: dict[str, Any] = {
        "CodeNumber": num.number if num else None,
        "CodeNotation": num.symbol if num else None,
        "IssuedDate": ({"date": letter.issued.iso, "precision": letter.issued.precision}
                       if letter.issued else None),
        "Place": letter.place,
        "OrganName": letter.issuer,
        "OrganizationInCharge": letter.parent_issuer,
        "DocumentType": letter.doc_type,
        "Subject": letter.subject,
        "SignerInfo": ({"Competence": signer.authority, "Position": signer.title, "FullName": signer.name}
                       if signer and (signer.name or signer.title or signer.authority) else None),
        "ToPlaces": places or None,
        "DueDate": ({"date": due.iso, "precision": due.precision} if due else None),
        "Priority": priority_code(letter.urgency),
    }
    return {name: {"value": value, "confidence": conf[name] if value is not None else 0.0}
            for name, value in values.items()}


# ------------------------------------------------------------ loading letters

_LETTER_SUFFIXES = {".txt", ".pdf", ".docx", ".doc", ".rtf", ".png", ".jpg", ".jpeg", ".tif", ".tiff", ".odt", ".html", ".htm"}


def load_letters(target: str | Path) -> tuple[list[Letter], list[str]]:
    """Letters of a `.duckdb` store (rebuilt from its tables), a folder of letter
    files or one file (parsed); with one problem line per file that gave none.
    Errors are values: nothing here raises for a bad letter."""
    target = Path(target)
    if target.suffix.lower() == ".duckdb":
        return letters_from_store(target), []
    from congvan.pipeline.parse import parse_file_safe

    files = sorted(p for p in target.rglob("*") if p.is_file() and p.suffix.lower() in _LETTER_SUFFIXES) \
        if target.is_dir() else [target]
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
