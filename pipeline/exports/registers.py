"""Registers of Decree 30/2020/NĐ-CP Phụ lục IV, pre-filled from letters: XLSX and CSV.

Flow: source (a store, a folder or a file -> Letters, filtered by issue
date and issuer, one per document, in register order) -> **registers**.
A document held in several files (a PDF and its DOCX) is one row: the
source keeps its most complete record. Letters are written with the decree's columns in
the decree's order under its Vietnamese headers:

- `den`: sổ đăng ký văn bản đến (incoming register);
- `di`: sổ đăng ký văn bản đi (outgoing register: filter by your own issuer);
- `theo-doi`: sổ theo dõi giải quyết văn bản đến (handling follow-up).

The column lists follow the register forms of Phụ lục IV as we know them
(the follow-up register's columns are those of the earlier form in Thông tư
07/2012/TT-BNV, which Decree 30 keeps in substance); check them against the
printed form before an archive relies on the order. Values a letter cannot
give (the arrival date, the clerk's signature, copy counts) are left blank
for the clerk; `Số đến` is pre-numbered from 1 each year in register order.
Each XLSX has a second sheet tracing every row to its letter, file and the
confidence of each pre-filled value; low-confidence values are also named in
the row's `Ghi chú`. Every text cell goes through `cells` (no formula, no
control character); a row that still cannot be written is reported and
left out, the rest written.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from congvan.models.nd30 import deadline_day, due_date, nd30_fields
from congvan.models.records import Letter, PartialDate
from congvan.pipeline.exports.cells import set_xlsx_cell, sheet_text
from congvan.pipeline.exports.items import number_symbol

REGISTERS: dict[str, tuple[str, tuple[str, ...]]] = {
    "den": ("SỔ ĐĂNG KÝ VĂN BẢN ĐẾN", (
        "Ngày đến", "Số đến", "Tác giả", "Số, ký hiệu", "Ngày tháng", "Tên loại và trích yếu nội dung",
        "Đơn vị hoặc người nhận", "Ký nhận", "Ghi chú",
    )),
    "di": ("SỔ ĐĂNG KÝ VĂN BẢN ĐI", (
        "Số, ký hiệu văn bản", "Ngày tháng văn bản", "Tên loại và trích yếu nội dung văn bản", "Người ký",
        "Nơi nhận văn bản", "Đơn vị, người nhận bản lưu", "Số lượng bản", "Ngày chuyển", "Ký nhận", "Ghi chú",
    )),
    "theo-doi": ("SỔ THEO DÕI GIẢI QUYẾT VĂN BẢN ĐẾN", (
        "Số đến", "Ngày đến", "Tác giả", "Số, ký hiệu", "Ngày tháng", "Trích yếu nội dung",
        "Đơn vị hoặc người nhận", "Thời hạn giải quyết", "Tiến độ giải quyết", "Số, ký hiệu văn bản trả lời",
        "Ghi chú",
    )),
}
KINDS = tuple(REGISTERS)
LOW_CONFIDENCE = 0.75   # below this a pre-filled value is named in Ghi chú for the clerk to check
_CHECK_NAMES = {"CodeNumber": "số", "CodeNotation": "ký hiệu", "IssuedDate": "ngày", "OrganName": "tác giả",
                "Subject": "trích yếu", "SignerInfo": "người ký", "ToPlaces": "nơi nhận"}


@dataclass(frozen=True)
class Register:
    """One register, ready to write: its kind, title, rows (cells in column order)
    and for each row the letter it came from and the confidences behind it."""

    kind: str
    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]
    letter_ids: tuple[str, ...]
    trace: tuple[dict[str, Any], ...]
    subtitle: str = ""
    skipped: tuple[str, ...] = ()


def cell_date(date: PartialDate | None) -> dt.date | str | None:
    """A day-precision date as a date cell; a partial date as text (`05/2023`), never a made-up day."""
    if date is None:
        return None
    if date.precision == "day":
        return date.to_date()
    if date.precision == "month":
        return f"{date.month:02d}/{date.year}"
    return str(date.year)


def _type_and_subject(letter: Letter) -> str:
    subject = letter.subject or ""
    if letter.doc_type and letter.doc_type != "Công văn":
        return f"{letter.doc_type} {subject}".strip()
    return f"Công văn V/v {subject}".strip() if subject else "Công văn"


def _leads(letter: Letter) -> list[str]:
    seen: list[str] = []
    for item in letter.action_items:
        if item.role == "lead" and item.unit not in seen:
            seen.append(item.unit)
    return seen


def _file_copy(letter: Letter) -> str:
    """`Lưu: VT, VP (B)` -> `VT, VP (B)`: who keeps the file copy."""
    for d in letter.distribution:
        if d.name.casefold().startswith("lưu"):
            return d.name.split(":", 1)[1].strip() if ":" in d.name else d.name[3:].strip()
    return ""


def _signer(letter: Letter) -> str:
    s = letter.signer
    if s is None:
        return ""
    parts = [p for p in (s.authority, s.title) if p]
    return f"{s.name} ({', '.join(parts)})" if s.name and parts else (s.name or ", ".join(parts))


def _checks(fields: dict[str, dict[str, Any]]) -> str:
    low = [f"{_CHECK_NAMES[k]} ({v['confidence']:.1f})" for k, v in fields.items()
           if k in _CHECK_NAMES and v["value"] is not None and v["confidence"] < LOW_CONFIDENCE]
    missing = [_CHECK_NAMES[k] for k in ("CodeNumber", "IssuedDate", "OrganName")
               if fields[k]["value"] is None]
    notes = []
    if low:
        notes.append("kiểm tra: " + ", ".join(low))
    if missing:
        notes.append("thiếu: " + ", ".join(missing))
    return "; ".join(notes)


def responses(letters: Iterable[Letter]) -> dict[str, list[str]]:
    """letter id -> the `Số, ký hiệu` of letters in the set that answer it
    (a `responds_to` reference whose number, symbol and year match)."""
    from congvan.parsers.keys import number_key

    letters = list(letters)
    by_key: dict[tuple[str, int | None], list[Letter]] = {}
    for l in letters:
        key = number_key(l.number.number, l.number.symbol) if l.number else None
        if key:
            by_key.setdefault((key, l.issued.year if l.issued else None), []).append(l)
    out: dict[str, list[str]] = {}
    for answer in letters:
        for ref in answer.references:
            if ref.relation != "responds_to":
                continue
            key = number_key(ref.number, ref.symbol)
            if not key:
                continue
            year = ref.date.year if ref.date else None
            targets = by_key.get((key, year), []) if year else [l for (k, _), ls in by_key.items() if k == key for l in ls]
            for target in targets:
                if target.id != answer.id:
                    out.setdefault(target.id, []).append(number_symbol(answer))
    return out


def _progress(letter: Letter, done: dict[str, dt.date | None], as_of: dt.date, answered: bool) -> str:
    items = letter.action_items
    if not items:
        return "Đã trả lời" if answered else ""
    n_done = sum(1 for i in items if i.id in done)
    if n_done == len(items):
        return f"Hoàn thành {n_done}/{len(items)} nhiệm vụ"
    overdue = sum(1 for i in items if i.id not in done and i.deadline and i.deadline.date
                  and (deadline_day(i.deadline.date) or dt.date.max) < as_of)
    text = f"Đã xong {n_done}/{len(items)} nhiệm vụ"
    return text + (f", {overdue} quá hạn" if overdue else "")


def build_register(kind: str, letters: Iterable[Letter], *, done: dict[str, dt.date | None] | None = None,
                   as_of: dt.date | None = None, subtitle: str = "") -> Register:
    """The register `kind` (den, di, theo-doi) of `letters`, in register order as given."""
    if kind not in REGISTERS:
        raise ValueError(f"unknown register {kind!r}: use one of {', '.join(KINDS)}")
    title, columns = REGISTERS[kind]
    letters = list(letters)
    done = done or {}
    as_of = as_of or dt.date.today()
    answers = responses(letters) if kind == "theo-doi" else {}
    rows: list[tuple[Any, ...]] = []
    trace: list[dict[str, Any]] = []
    kept: list[str] = []
    skipped: list[str] = []
    counters: dict[int | None, int] = {}
    for letter in letters:
        try:
            row, fields = _row(kind, letter, counters, answers, done, as_of)
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            skipped.append(f"letter {letter.id} ({letter.file or ''}): not written ({type(exc).__name__}: {exc})")
            continue
        rows.append(row)
        kept.append(letter.id)
        trace.append({"row": len(rows), "letter_id": letter.id, "file": letter.file or "",
                      **{k: v["confidence"] for k, v in fields.items()}})
    return Register(kind, title, columns, tuple(rows), tuple(kept), tuple(trace), subtitle, tuple(skipped))


def _row(kind: str, letter: Letter, counters: dict[int | None, int], answers: dict[str, list[str]],
         done: dict[str, dt.date | None], as_of: dt.date) -> tuple[tuple[Any, ...], dict[str, dict[str, Any]]]:
    """One letter's cells in the register's column order, and its Decree 30 fields."""
    fields = nd30_fields(letter)
    year = letter.issued.year if letter.issued else None
    seq = counters.get(year, 0) + 1
    handlers = ", ".join(_leads(letter) or [r.name for r in letter.recipients])
    note = _checks(fields)
    if kind == "den":
        row: tuple[Any, ...] = (None, seq, letter.issuer or "", number_symbol(letter), cell_date(letter.issued),
                                _type_and_subject(letter), handlers, None, note)
    elif kind == "di":
        places = "; ".join(d.name for d in letter.distribution if not d.name.casefold().startswith("lưu")) \
            or "; ".join(r.name for r in letter.recipients)
        row = (number_symbol(letter), cell_date(letter.issued), _type_and_subject(letter), _signer(letter),
               places, _file_copy(letter), None, None, None, note)
    else:
        answered = answers.get(letter.id, [])
        row = (seq, None, letter.issuer or "", number_symbol(letter), cell_date(letter.issued),
               letter.subject or "", handlers, cell_date(due_date(letter)),
               _progress(letter, done, as_of, bool(answered)), ", ".join(answered), note)
    counters[year] = seq
    return row, fields


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    return sheet_text(str(value))


def to_csv(register: Register) -> bytes:
    """Header row of the decree's columns, then one row per letter: UTF-8 with a
    BOM and CRLF rows (spreadsheet tools then read Vietnamese correctly)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow([sheet_text(c) for c in register.columns])
    for row in register.rows:
        writer.writerow([_text(v) for v in row])
    return buf.getvalue().encode("utf-8-sig")


HEADER_ROW = 3  # 1-based: title, subtitle, then the column headers, then the column numbers (1) (2) ...


def write_xlsx(register: Register, path: str | Path) -> Path:
    """The register as the decree lays it out: title, column headers, numbered
    columns `(1) (2) ...`, one row per letter; a second sheet `Nguồn` traces
    each row to its letter and gives each pre-filled value's confidence."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.worksheet import Worksheet

    wb = Workbook()
    ws = wb.active
    assert isinstance(ws, Worksheet)  # a new workbook opens on its one worksheet
    ws.title = "Sổ"
    n = len(register.columns)
    set_xlsx_cell(ws, 1, 1, register.title).font = Font(bold=True, size=14)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=n)
    ws.cell(row=1, column=1).alignment = Alignment(horizontal="center")
    set_xlsx_cell(ws, 2, 1, register.subtitle or None)
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=n)
    ws.cell(row=2, column=1).alignment = Alignment(horizontal="center")
    thin = Side(style="thin")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    for c, name in enumerate(register.columns, 1):
        head = set_xlsx_cell(ws, HEADER_ROW, c, name)
        head.font = Font(bold=True)
        head.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        head.border = box
        num = ws.cell(row=HEADER_ROW + 1, column=c, value=f"({c})")
        num.alignment = Alignment(horizontal="center")
        num.border = box
        wide = any(w in name for w in ("trích yếu", "Trích yếu", "Nơi nhận", "Đơn vị", "Tiến độ", "Ghi chú", "Tác giả"))
        ws.column_dimensions[get_column_letter(c)].width = 40 if wide else 14
    for r, row in enumerate(register.rows, HEADER_ROW + 2):
        for c, value in enumerate(row, 1):
            cell = set_xlsx_cell(ws, r, c, value)
            cell.border = box
            cell.alignment = Alignment(vertical="top", wrap_text=True)
            if isinstance(value, dt.date):
                cell.number_format = "DD/MM/YYYY"
    ws.freeze_panes = ws.cell(row=HEADER_ROW + 2, column=1).coordinate
    src = wb.create_sheet("Nguồn")
    keys = list(register.trace[0].keys()) if register.trace else ["row", "letter_id", "file"]
    trace_rows: list[list[Any]] = [keys, *([t.get(k) for k in keys] for t in register.trace)]
    for r, values in enumerate(trace_rows, 1):
        for c, value in enumerate(values, 1):
            set_xlsx_cell(src, r, c, value)
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    wb.save(out)
    return out


def read_xlsx(path: str | Path) -> Any:
    """The register sheet back as a pandas DataFrame (the column-number row dropped)."""
    import pandas as pd

    return pd.read_excel(path, sheet_name="Sổ", header=HEADER_ROW - 1, skiprows=[HEADER_ROW])
