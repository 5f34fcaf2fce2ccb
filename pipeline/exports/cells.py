"""Values made safe for the format they are written into: the one helper every writer uses.

Flow: Letters -> exports (registers, edXML, handling report, tracker files)
-> **safe cells** -> bytes. A letter's text is the world's text: a recipient,
a `Nơi nhận` entry, a `Lưu` line or a directive may begin with `=`, `+`, `-`
or `@` (a spreadsheet then runs it as a formula: `=HYPERLINK(...)` sends the
sheet's contents away), hold an ESC or another control character (XML and
XLSX cannot carry them, and the whole file fails), or a `$...$` pair
(matplotlib reads it as mathematics and the chart fails). Each writer passes
its values through the function for its format, so one hostile letter never
sinks an export:

- `sheet_text` / `set_xlsx_cell`: text a spreadsheet shows as text (the
  leading-quote defence: `'=...` in CSV, Excel's own quote prefix in XLSX);
- `xml_text`: text XML 1.0 can hold;
- `plot_text`: a label matplotlib draws literally;
- `file_stem`: a file name part no file system refuses.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

import regex

# What a spreadsheet takes for the start of a formula (OWASP's list: = + - @, tab and CR).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# C0 controls but tab, LF and CR; DEL and C1 controls; lone surrogates; the two XML non-characters.
_CONTROL = regex.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
# File names: at most 255 bytes on every common file system; leave room for the id and suffix.
MAX_STEM_BYTES = 120


def clean_text(text: str) -> str:
    """`text` without the control characters no document format can carry (kept: tab, LF, CR)."""
    return _CONTROL.sub("", text)


def sheet_text(value: Any) -> Any:
    """A CSV cell: text that starts like a formula gets a leading `'`, so a spreadsheet shows it
    as text; numbers, dates and None pass unchanged. Control characters are removed."""
    if not isinstance(value, str):
        return value
    value = clean_text(value)
    return "'" + value if value.startswith(_FORMULA_START) else value


def is_formula_like(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(_FORMULA_START)


def set_xlsx_cell(ws: Any, row: int, column: int, value: Any) -> Any:
    """Write `value` into an openpyxl sheet as data, never as a formula: text is stored as a
    string (with Excel's quote prefix when it starts like a formula, as typing `'=x` in Excel
    does), without the control characters XLSX cannot hold. Returns the cell."""
    if isinstance(value, str):
        text = clean_text(value)
        cell = ws.cell(row=row, column=column)
        cell.value = text
        cell.data_type = "s"           # openpyxl would take a leading `=` for a formula
        if is_formula_like(text):
            cell.quotePrefix = True
        return cell
    return ws.cell(row=row, column=column, value=value)


def append_xlsx_row(ws: Any, values: list[Any]) -> int:
    """`ws.append` through `set_xlsx_cell`; returns the row number written."""
    row = ws.max_row + 1 if ws.max_row > 1 or ws.cell(1, 1).value is not None else 1
    for column, value in enumerate(values, 1):
        set_xlsx_cell(ws, row, column, value)
    return row


def xml_text(value: str | None) -> str | None:
    """Text XML 1.0 can hold (lxml refuses the rest and the envelope would not be written)."""
    return None if value is None else clean_text(value)


def plot_text(value: Any) -> str:
    """A label matplotlib draws as written: `$` would start mathtext (`$\\frac{a}{$` fails the chart)."""
    return clean_text(str(value)).replace("$", r"\$")


def file_stem(text: str, max_bytes: int = MAX_STEM_BYTES) -> str:
    """Letters, digits, `-` and `_` only (anything else becomes `-`), at most `max_bytes` in UTF-8."""
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in clean_text(text))
    safe = regex.sub(r"-{2,}", "-", safe).strip("-_")
    data = safe.encode("utf-8")[:max_bytes]
    return data.decode("utf-8", errors="ignore").rstrip("-_")


def csv_cell(value: Any) -> Any:
    """A CSV cell from a Python value: None empty, a date as ISO, text through `sheet_text`."""
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return sheet_text(value)
