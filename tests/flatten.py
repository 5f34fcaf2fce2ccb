"""Test utility: make the flattened copies of a letter that some sites and
converters print, from a web-page scrape whose header and footer are
markdown table cells (`|` lines between cells, two between rows).

- `rows`: each table row's cells joined on one line (`VĂN PHÒNG CHÍNH PHỦ
  CỘNG HÒA XÃ HỘI ...`, `Số: 11299/VPCP-KGVX V/v ... Hà Nội, ngày 18 tháng 11
  năm 2025`, `Nơi nhận: - Như trên; ... KT. BỘ TRƯỞNG THỨ TRƯỞNG Nguyễn Văn A`);
- `cells`: each cell on one line, the date cell run on with the first body
  line (`Hà Nội, ngày 27 tháng 4 năm 2023 Kính gửi: ...`), the signature cell
  on one line (`KT. GIÁM ĐỐC PHÓ GIÁM ĐỐC Phan Thị Thu Cúc`);
- either with a site's title line above the header (`Công văn 2536/BCT-VP
  năm 2023 về ...`) and a bracketed editorial note citing another document.

Markdown emphasis and rules are removed: the copies are plain text.
"""
from __future__ import annotations

import regex

_MOTTO = regex.compile(r"C\w{1,2}NG\s+H\w{1,2}A\s+X\w\s+H\w{1,2}I", regex.I)
_RULE = regex.compile(r"^[-_=*\s]{3,}$")
_NOI_NHAN = regex.compile(r"^\W*N[ơo]i\s+nh[ậa]n", regex.I)


def _plain(line: str) -> str:
    line = regex.sub(r"\*+|\\(?=[\W_])|^#+\s*|`", "", line)
    return "" if _RULE.match(line) else " ".join(line.split())


def _cell_end(lines: list[str], i: int) -> int:
    while i < len(lines) and lines[i].strip() != "|":
        i += 1
    return i


def _cell(lines: list[str], a: int, b: int) -> str:
    return " ".join(t for t in (_plain(l) for l in lines[a:b]) if t)


def cells(page: str) -> dict[str, object] | None:
    """The scrape cut into header cells, body lines and footer cells, or None
    when it has no header table."""
    lines = page.split("\n")
    motto = next((i for i, l in enumerate(lines) if _MOTTO.search(l)), None)
    if motto is None:
        return None
    # The motto cell, and the issuer cell before it (up to the `|` or blank line above).
    m_start = motto
    while m_start > 0 and lines[m_start - 1].strip() != "|":
        m_start -= 1
    if m_start == 0:
        return None
    i_end = m_start - 1
    i_start = i_end
    while i_start > 0 and lines[i_start - 1].strip() not in ("|", ""):
        i_start -= 1
    m_end = _cell_end(lines, motto)
    # Row two: `|` `|` then the number cell and the date cell.
    k = m_end + 1
    if k < len(lines) and lines[k].strip() == "|":
        k += 1
    n_end = _cell_end(lines, k)
    d_end = _cell_end(lines, n_end + 1)
    header = [[_cell(lines, i_start, i_end), _cell(lines, m_start, m_end)],
              [_cell(lines, k, n_end), _cell(lines, n_end + 1, d_end)]]
    nn = next((i for i in range(d_end + 1, len(lines)) if _NOI_NHAN.match(lines[i])), None)
    if nn is None:
        return None
    nn_end = _cell_end(lines, nn)
    sig_end = _cell_end(lines, nn_end + 1)
    body = [t for t in (_plain(l) for l in lines[d_end + 1:nn]) if t and t != "|"]
    # The distribution cell keeps one entry a line; the signature cell is one line.
    distribution = [t for t in (_plain(l) for l in lines[nn:nn_end]) if t]
    signature = _cell(lines, nn_end + 1, sig_end)
    return {"header": header, "body": body, "distribution": distribution, "signature": signature}


def flatten(page: str, mode: str = "rows", title: str | None = None, note: str | None = None) -> str | None:
    """A flattened plain-text copy of a scraped letter (see the module docstring)."""
    parts = cells(page)
    if parts is None:
        return None
    header: list[list[str]] = parts["header"]  # type: ignore[assignment]
    body: list[str] = list(parts["body"])  # type: ignore[arg-type]
    out: list[str] = [title] if title else []
    if mode == "rows":
        out += [" ".join(c for c in row if c) for row in header]
    else:
        out += [header[0][0], header[0][1], header[1][0]]
        if body:
            body[0] = f"{header[1][1]} {body[0]}"
        else:
            out.append(header[1][1])
    if note:
        out.append(note)
    out += body
    distribution: list[str] = parts["distribution"]  # type: ignore[assignment]
    signature: str = parts["signature"]  # type: ignore[assignment]
    if mode == "rows":
        out.append(" ".join([*distribution, signature]))
    else:
        out += [*distribution, signature]
    return "\n".join(out) + "\n"
