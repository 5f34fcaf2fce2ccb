"""Web-page scrapes of a letter (thuvienphapluat.vn pages converted to markdown)
-> the letter's own lines, in the layout a field parser expects.

Flow: file bytes -> `text.read_text_file` (decodes, then asks `is_web_page`) ->
`read_web_page` -> `ReadResult` (lines with layout, `where="web:L<n>"`, the
page's metadata table) -> normalisation -> field parsers.

What a scrape looks like, and what this module does with it:

- Site chrome (copyright notice, "Đang tải văn bản...", a news summary with a
  `##` heading) then a metadata table (`**Số hiệu:**` | value | ...). The
  table goes to `ReadResult.metadata` under English keys (`number_symbol`,
  `doc_type`, `issuer`, `signer`, `issued` as ISO date, `effective`,
  `gazette_date`, `gazette_number`, `status`, ...). Paywall placeholders
  ("Đã biết", "Đang cập nhật") state nothing and are left out.
- The document starts at its header table: the cell before the national
  motto (issuer lines), found by content, never by position. Pages that
  hold only the document (no chrome) start there too; pages whose tables
  were flattened onto one line (`CHÍNH PHỦ____ Số: ... | CỘNG HÒA ...`) are
  split at the cell pipes, the `___`/`---` rules and the glued motto.
- Table cells arrive as `|`-separated fragments, row by row: issuer | motto,
  then `Số:` + `V/v` | date line; footer `Nơi nhận` | signature. Dropping the
  pipes gives the order of the seed letters. Each header and signature line
  stays its own line (a bold span wrapped over two source lines is one
  line); a `V/v` subject absorbs the rest of its cell.
- Body text is hard-wrapped mid-sentence. A new paragraph starts at a blank
  line (pages that separate paragraphs by blank lines), a cell pipe, an item
  label (`1.`, `a)`, `-`, `+`, `Điều 1`, `Chương I`, `I.`) followed by a
  capital, `Kính gửi` / `Nơi nhận` / `Căn cứ`, a whole bold or italic block,
  the end of a block in capitals (a title), or after a line ending in `.`,
  `;`, `:` when the next one starts with a capital.
- The document ends with its signature cell (the cell after `Nơi nhận`, or a
  short cell led by `KT.`/`TM.`/... when there is no `Nơi nhận`). What follows
  is left out: TVPL's summary line and related-documents chrome, an English
  translation, and annexes (PHỤ LỤC, forms, attached regulations). The gold
  records count directives and references of the main document only
  (an annex's numbered items are "attachments, not body directives"), so an
  annex in the lines would only add false items; the count of lines left out
  and the first annex heading are reported in `warnings` / `metadata`.
- Markdown is removed from every line: `**`, `*`, `#` headings, `---` rules,
  backslash escapes, `|`.
"""
from __future__ import annotations

import datetime as _dt
import unicodedata
from dataclasses import dataclass
from functools import cached_property

import regex

from congvan.parsers.fields.codes import type_titles
from congvan.parsers.landmarks import DELEGATION_LINE
from congvan.parsers.readers.base import Line, ReadResult

__all__ = ["is_web_page", "read_web_page", "web_page_lines"]

# --- detection ---------------------------------------------------------------

_META_LABEL = regex.compile(
    r"^\s*\*\*\s*(Số hiệu|Loại văn bản|Nơi ban hành|Người ký|Ngày ban hành)\s*:\s*\*\*\s*$", regex.M
)
_CHROME = regex.compile(
    r"THƯ VIỆN PHÁP LUẬT\*\* (?:là vi phạm|has the copyright)|^Đang tải văn bản\.\.\.$"
    r"|^## Văn bản liên quan$|^Văn bản này chưa cập nhật nội dung Tiếng Anh$",
    regex.M,
)
# The motto may wrap over lines and carry emphasis markers between its words.
_MOTTO = regex.compile(
    r"C[OÔỘ]NG[\s*]+H[OÒ]A[\s*]+X[AÃ][\s*]+H[OÔỘ]I[\s*]+CH[UỦ][\s*]+NGH[IĨ]A[\s*]+VI[EỆ]T[\s*]+NAM"
)
_PIPE_LINE = regex.compile(r"^\s*\|\s*$")


def is_web_page(text: str) -> bool:
    """True for a markdown scrape of a web page: the TVPL metadata table or
    site chrome, or a letter header laid out as a markdown table (`|` cells
    around the motto, `**` emphasis). Plain letters, OCR text and letters
    that merely carry a site's watermark URL are not web pages."""
    head = text[:200_000]
    if len(_META_LABEL.findall(head)) >= 2:
        return True
    if _CHROME.search(head) and head.count("\n|") >= 3:
        return True
    m = _MOTTO.search(head)
    if not m or "**" not in head:
        return False
    line_start = head.rfind("\n", 0, m.start()) + 1
    before = head[line_start:m.start()]
    if "|" in before:  # flattened table: `ISSUER___ Số: ... | CỘNG HÒA ...`
        return True
    prev_lines = head[:line_start].rstrip("\n").split("\n")[-2:]
    return any(_PIPE_LINE.match(p) for p in prev_lines) and head.count("\n|") >= 4


# --- metadata table ----------------------------------------------------------

_META_KEYS = {
    "số hiệu": "number_symbol",
    "loại văn bản": "doc_type",
    "nơi ban hành": "issuer",
    "người ký": "signer",
    "ngày ban hành": "issued",
    "ngày hiệu lực": "effective",
    "ngày công báo": "gazette_date",
    "số công báo": "gazette_number",
    "tình trạng": "status",
    "lĩnh vực": "field",
    "cơ quan ban hành": "issuer",
}
_PLACEHOLDER = {"đã biết", "đang cập nhật", "không xác định", "còn hiệu lực"}
_LABEL_CELL = regex.compile(r"^\*\*\s*([^*|:]{2,40}?)\s*:\s*\*\*$")
_DMY = regex.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_NOT_KEY = regex.compile(r"[^a-z0-9]+")


def _ascii_key(label: str) -> str:
    folded = unicodedata.normalize("NFD", label.replace("đ", "d").replace("Đ", "D"))
    folded = "".join(c for c in folded if not unicodedata.combining(c)).lower()
    return _NOT_KEY.sub("_", folded).strip("_")


def _parse_metadata(lines: list[str], stop: int) -> dict[str, str]:
    """`**Label:**` | value | pairs before the document (line index `stop`)."""
    meta: dict[str, str] = {}
    i = 0
    while i < stop:
        s = lines[i].strip()
        # A label's opening `**` is sometimes alone on the line above it.
        if s == "**" and i + 1 < stop:
            s = "**" + lines[i + 1].strip()
            i += 1
        m = _LABEL_CELL.match(s)
        i += 1
        if not m:
            continue
        while i < stop and _PIPE_LINE.match(lines[i]):
            i += 1
        value: list[str] = []
        while i < stop and not _PIPE_LINE.match(lines[i]) and not lines[i].strip().startswith("**"):
            value.append(lines[i].strip())
            i += 1
        label = m[1].strip()
        val = _clean(" ".join(value))
        if not val or val.lower() in _PLACEHOLDER:
            continue
        key = _META_KEYS.get(label.lower(), _ascii_key(label))
        if key in ("issued", "effective", "gazette_date"):
            d = _DMY.match(val)
            if d:
                try:
                    val = _dt.date(int(d[3]), int(d[2]), int(d[1])).isoformat()
                except ValueError:
                    pass
        meta.setdefault(key, val)
    return meta


# --- cleaning ----------------------------------------------------------------

_ESCAPE = regex.compile(r"\\([\\`*_{}\[\]()#+\-.!|>])")
_STARS = regex.compile(r"\*+")
_HEADING = regex.compile(r"^\s*#{1,6}\s*")
_RULE = regex.compile(r"^\s*(?:[-_=]\s*){3,}$")
_INLINE_RULE = regex.compile(r"[_]{3,}|-{4,}")
_SPACES = regex.compile(r"[ \t\u00a0\u2000-\u200b\u202f]+")
_SPACE_PUNCT = regex.compile(r"\s+([,;:.)”])")


def _clean(text: str) -> str:
    text = _HEADING.sub("", text)
    text = _STARS.sub("", _ESCAPE.sub(lambda m: "\x00" if m[1] == "*" else m[1], text))
    text = text.replace("\x00", "*").replace("|", " ")
    text = _SPACES.sub(" ", text).strip()
    return _SPACE_PUNCT.sub(r"\1", text)


# --- pieces, emphasis spans, units -------------------------------------------

CELL, BLANK = "cell", "blank"


@dataclass
class _Unit:
    raw: str  # with markdown, for emphasis tests
    lineno: int  # 1-based source line where it starts
    cell: int  # index of the table cell / block it sits in

    @cached_property
    def text(self) -> str:
        # Read many times per unit while the page is cut: cleaned once (a unit's raw
        # is complete when it is read: `_units` builds it before anything looks).
        return _clean(self.raw)


# In flattened tables the motto, `Độc lập` and the date are glued together.
_GLUED_MOTTO = regex.compile(r"(?<=VI[EỆ]T NAM)\s*(?=Độc lập)")
_GLUED_DATE = regex.compile(r"(?<=Hạnh phúc)\s*(?=\p{Lu}[\p{L} .]{1,30},\s*ngày)")
_GLUED_SO = regex.compile(r"(?<=\S)\s+(?=Số\s*:)")
_GLUED_LIST = regex.compile(r"(?<=;)\s+(?=[-–]\s+\p{Lu})")
_GLUED_TITLE = regex.compile(
    r"(?<=\p{Lu}{2})(?=(?:KT|TM|TL|TUQ)\.\s)|(?<=\p{Lu})(?=(?:PHÓ\s+)?(?:CHỦ TỊCH|THỦ TƯỚNG|BỘ TRƯỞNG|THỨ TRƯỞNG|CHỦ NHIỆM|GIÁM ĐỐC"
    r"|CỤC TRƯỞNG|TỔNG CỤC TRƯỞNG|TRƯỞNG BAN|CHÁNH VĂN PHÒNG|TỔNG KIỂM TOÁN)\b)"
)
_GLUED_SIGNED = regex.compile(r"(?<=\p{L})(?=\((?:Đã|đã)\s+ký\))|(?<=\((?:Đã|đã)\s+ký\))(?=\p{Lu})")
# Header issuer lines the page wrapped ("BỘ" / "TÀI CHÍNH"): a line that does
# not start a body or place name continues the one above.
_NAME_START = regex.compile(
    r"^(?:BỘ|SỞ|CỤC|TỔNG|CHI CỤC|ỦY BAN|UỶ BAN|UBND|HĐND|HỘI ĐỒNG|VĂN PHÒNG|BAN|THUẾ|KIỂM TOÁN|CHÍNH PHỦ"
    r"|THỦ TƯỚNG|CHỦ TỊCH|TRƯỜNG|BẢO HIỂM|NGÂN HÀNG|TRUNG TÂM|PHÒNG|ĐẢNG|CÔNG AN|BỘ CHỈ HUY|VIỆN|TÒA|TOÀ"
    r"|LIÊN ĐOÀN|CÔNG ĐOÀN|ĐOÀN|QUỐC HỘI|ĐẠI HỌC|HỌC VIỆN|TẬP ĐOÀN|TỔNG CÔNG TY|CÔNG TY|ĐÀI|BÁO"
    r"|TỈNH|THÀNH PHỐ|TP\.|HUYỆN|QUẬN|THỊ XÃ|XÃ|PHƯỜNG|ĐẶC KHU|KHU)\b"
)
_EMPH_LIMIT = 15  # an emphasis span longer than this is an unclosed marker
_CELL_PIPE = regex.compile(r"(?<!\\)\|")


def _split_flat(text: str) -> list[str]:
    """One table fragment -> its lines, where a converter glued cells' lines."""
    text = _INLINE_RULE.sub("\n", text)
    text = _GLUED_MOTTO.sub("\n", text)
    text = _GLUED_DATE.sub("\n", text)
    text = _GLUED_SO.sub("\n", text)
    if len(_GLUED_LIST.findall(text)) >= 2:
        text = _GLUED_LIST.sub("\n", text)
    return [t for t in (p.strip() for p in text.split("\n")) if t]


def _emphasis_open(raw: str, bold: bool, ital: bool) -> tuple[bool, bool]:
    text = raw.replace("\\*", "")
    for run in _STARS.findall(text):
        n = len(run)
        if n >= 2:
            bold = not bold if (n // 2) % 2 else bold
        if n % 2:
            ital = not ital
    return bold, ital


def _units(lines: list[str], start: int, stop: int) -> list[_Unit | str]:
    """Source lines -> units (a line, or a bold/italic span over several lines)
    and break markers (`CELL` for a pipe, `BLANK` for an empty line)."""
    out: list[_Unit | str] = []
    cell = 0
    cur: _Unit | None = None
    span = 0
    bold = ital = False

    def brk(kind: str) -> None:
        nonlocal cur, bold, ital, cell, span
        if cur is not None:
            out.append(cur)
        cur, bold, ital, span = None, False, False, 0
        if out and out[-1] in (CELL, BLANK):
            if kind == CELL:
                out[-1] = CELL
        else:
            out.append(kind)
        cell += 1

    for i in range(start, stop):
        line = lines[i]
        if not line.strip():
            brk(BLANK)
            continue
        parts = _CELL_PIPE.split(line)
        for k, part in enumerate(parts):
            if k:
                brk(CELL)
            for frag in _split_flat(part) if part.strip() else []:
                if _RULE.match(frag) or not _STARS.sub("", frag).strip():
                    # a rule ends a cell's issuer block; an empty `** **` is nothing,
                    # but its markers must still close an open span.
                    if cur is not None and (bold or ital) and not _RULE.match(frag):
                        cur.raw += " " + frag
                        bold, ital = _emphasis_open(frag, bold, ital)
                    continue
                if cur is not None and (bold or ital) and span < _EMPH_LIMIT:
                    cur.raw += " " + frag
                    span += 1
                else:
                    if cur is not None:
                        out.append(cur)
                    cur = _Unit(frag, i + 1, cell)
                    span = 0
                    bold = ital = False
                bold, ital = _emphasis_open(frag, bold, ital)
    if cur is not None:
        out.append(cur)
    return out


# --- paragraph rules ---------------------------------------------------------

_LABEL = regex.compile(
    r"^(?:\d+(?:\.\d+)*[.)]|[a-zđ]\)|[-+•–—]|[IVXLC]{1,6}[.)]"
    r"|(?:Điều|Chương|Mục|Phần)\s+(?:\d+|[IVXLC]+)\b[.:]?)"
    r"(?:\s+|$)(?=$|[\p{Lu}\d“\"'(\[*])"
)
_KEYWORD = regex.compile(r"^(?:Kính\s+gửi|Nơi\s+nhận|Căn\s+cứ|Xét\s+đề\s+nghị|QUYẾT\s+(?:ĐỊNH|NGHỊ)\s*:)")
_END_PUNCT = regex.compile(r"[.;:!?…](?:\s*[)”\"'])?$")
_CONTINUES = regex.compile(r"^[\p{Ll},.;:)]")
_STARTS_CAP = regex.compile(r"^[\p{Lu}\d“\"'(\[]")
_DATE_LINE = regex.compile(r"^\p{Lu}[\p{L} .'-]{1,40},\s*ngày\b")
_VV = regex.compile(r"^V/v\b")
_NOI_NHAN = regex.compile(r"^Nơi\s*nhận\b")
_ANNEX = regex.compile(r"^(?:PHỤ LỤC|DANH MỤC|MẪU|BIỂU|QUY (?:CHẾ|ĐỊNH)\b|Phụ lục|Mẫu)", regex.I)
_LUU = regex.compile(r"^[-–+]?\s*Lưu\s*:?\s*\p{Lu}")
_BARE_LABEL = regex.compile(r"^(?:Điều\s+\d+\w?|\d+(?:\.\d+)*|[IVXLC]{1,6}|[a-zđ])[.):]?$")
# A document type's title line (`QUYẾT ĐỊNH`, `THÔNG TƯ LIÊN TỊCH`), from the
# type titles of codes.yaml; a công văn has none.
_TYPE_TITLE = regex.compile("^(?:" + "|".join(regex.escape(t.upper()) for t in sorted(type_titles(), key=len, reverse=True)
                                          if t != "Công văn") + ")$")
_AUTHORITY = DELEGATION_LINE


def _caps(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 2 and not any(c.islower() for c in letters)


def _whole_emph(raw: str) -> bool:
    s = raw.strip()
    return s.startswith("*") and s.rstrip().endswith("*") and len(_STARS.sub("", s).strip()) > 0


def _heading(raw: str) -> bool:
    return raw.lstrip().startswith("#")


def _breaks(a: _Unit, b: _Unit, blank_mode: bool) -> bool:
    """Does unit `b` start a new paragraph after unit `a`?"""
    at, bt = a.text, b.text
    if _LABEL.match(bt) or _KEYWORD.match(bt) or _heading(b.raw):
        return True
    if _TYPE_TITLE.match(at) or _TYPE_TITLE.match(bt):
        return True  # the type name stands alone above its subject
    if _BARE_LABEL.match(at):
        return False  # `**Điều 1.**` on its own line: the article's text follows
    if _heading(a.raw):
        return not (_caps(at) and _caps(bt))  # a heading in capitals wrapped by the converter
    if _NOI_NHAN.match(at) and at.endswith(":"):
        return True
    b_emph = b.raw.lstrip().startswith("*")
    if b_emph and (_whole_emph(b.raw) or _END_PUNCT.search(at) or _whole_emph(a.raw) or _caps(at)):
        return True
    if _whole_emph(a.raw) and not b_emph:
        return True
    if _caps(at) and not _caps(bt) and _STARTS_CAP.match(bt):
        return True  # the end of a title block in capitals
    if not blank_mode and _END_PUNCT.search(at) and _STARTS_CAP.match(bt):
        return True
    return False


# --- the document's extent ---------------------------------------------------

_TAIL_MARKERS = regex.compile(
    r"^(?:Văn bản này chưa cập nhật nội dung Tiếng Anh|## Văn bản liên quan|NỘI DUNG SỬA ĐỔI, HƯỚNG DẪN"
    r"|\**FILE ĐƯỢC ĐÍNH KÈM THEO VĂN BẢN\**)\s*$"
    r"|SOCIALIST\s+REPUBLIC\s+OF\s+VIET\s*NAM",
    regex.I,
)


# TVPL's one-line summary of the page ("Công văn 11306/VPCP-NN năm 2025 ... do
# Văn phòng Chính phủ ban hành"), and its English twin, stand before the tail.
_SUMMARY = regex.compile(
    r"^\p{Lu}[\p{L} ]{2,30} \S*\d\S*/\S+ .*(?:ban hành|điện|hợp nhất)\s*$"
    r"|^(?:Circular|Decision|Decree|Resolution|Official Dispatch|Official Telegram|Plan|Notice|Directive|Law)\b.*\bNo\. \S+/"
)


def _after_table(lines: list[str], i: int) -> bool:
    """The line right after a table's closing pipe (or an empty `** **`)."""
    j = i - 1
    while j >= 0 and not lines[j].strip():
        j -= 1
    return j >= 0 and (_PIPE_LINE.match(lines[j]) is not None or not _STARS.sub("", lines[j]).strip())


def _header_start(lines: list[str], text: str) -> tuple[int, int] | None:
    """(first line of the header table, line of the motto), or None."""
    offsets = [0]
    for ln in lines:
        offsets.append(offsets[-1] + len(ln) + 1)
    for m in _MOTTO.finditer(text):
        lo, hi = 0, len(lines)
        while lo < hi - 1:  # line index holding offset m.start()
            mid = (lo + hi) // 2
            if offsets[mid] <= m.start():
                lo = mid
            else:
                hi = mid
        motto = lo
        before = text[offsets[motto]:m.start()]
        if _STARS.sub("", before).strip(" \t|"):
            return motto, motto  # the header cells sit on the motto's own line
        j = motto - 1
        if j >= 0 and _PIPE_LINE.match(lines[j]):
            j -= 1
        while j >= 0 and lines[j].strip() and not _PIPE_LINE.match(lines[j]) and not lines[j].lstrip().startswith("#"):
            j -= 1
        return j + 1, motto
    return None


def _signature_end(units: list[_Unit | str], body_from: int) -> int | None:
    """Index just past the signature cell, or None."""
    real = [(k, u) for k, u in enumerate(units) if isinstance(u, _Unit)]
    by_cell: dict[int, list[tuple[int, _Unit]]] = {}
    for k, u in real:
        by_cell.setdefault(u.cell, []).append((k, u))

    def cell_units(cell: int) -> list[tuple[int, _Unit]]:
        return by_cell.get(cell, [])

    def plausible(cu: list[tuple[int, _Unit]]) -> bool:
        return 0 < len(cu) <= 8 and all(len(u.text) <= 90 for _, u in cu)

    def footer_start(u: _Unit) -> bool:
        if _NOI_NHAN.match(u.text):
            return True
        # A flattened footer lost its `Nơi nhận` label: a dash list ending in `Lưu`.
        cu = cell_units(u.cell)
        return cu[0][1] is u and len(cu) >= 3 and _LUU.match(cu[-1][1].text) is not None and all(
            v.text.startswith(("-", "–", "+")) for _, v in cu
        )

    for k, u in real:
        if k < body_from or not footer_start(u):
            continue
        later = min((c for c in by_cell if c > u.cell and by_cell[c][-1][0] > k), default=None)
        if later is not None:
            nxt = cell_units(later)
            lead = nxt[0][1].text if nxt else ""
            if plausible(nxt) and (_AUTHORITY.match(lead) or _caps(lead)) and not _ANNEX.match(lead):
                return nxt[-1][0] + 1
        return cell_units(u.cell)[-1][0] + 1
    # No `Nơi nhận`: a short cell led by a delegation line is the signature.
    for k, u in real:
        if k < body_from or not _AUTHORITY.match(u.text):
            continue
        cu = cell_units(u.cell)
        if plausible(cu) and cu[0][1] is u:
            return cu[-1][0] + 1
    return None


# --- assembling lines --------------------------------------------------------


def _assemble(units: list[_Unit | str], header_cells: set[int], sig_cell: int | None, blank_mode: bool) -> list[Line]:
    out: list[tuple[str, int]] = []
    para: list[_Unit] = []
    vv: _Unit | None = None

    def flush() -> None:
        nonlocal para
        if para:
            text = _clean(" ".join(u.raw for u in para))
            if text:
                out.append((text, para[0].lineno))
        para = []

    pending = False
    for u in units:
        if not isinstance(u, _Unit):
            if u == BLANK and para and para[-1].cell not in header_cells and para[-1].cell != sig_cell:
                pending = True  # decided by the next unit: a blank line inside a sentence happens
                continue
            flush()
            pending = False
            vv = None
            continue
        if pending:
            pending = False
            if not (_CONTINUES.match(u.text) and not _END_PUNCT.search(para[-1].text)):
                flush()
                vv = None
            elif u.cell not in header_cells and u.cell != sig_cell:
                para.append(u)
                continue
        if u.cell in header_cells or u.cell == sig_cell:
            if vv is not None and u.cell == vv.cell and u.cell in header_cells and not _DATE_LINE.match(u.text):
                para.append(u)  # the V/v subject wraps over the rest of its cell
                continue
            vv = u if _VV.match(u.text) else None
            if u.cell == sig_cell:
                flush()
                for part in _GLUED_TITLE.split(u.raw):
                    for piece in _GLUED_SIGNED.split(part):
                        if _clean(piece):
                            out.append((_clean(piece), u.lineno))
                continue
            if para and para[-1].cell == u.cell and u.cell in header_cells and (
                para[-1].text.endswith(":")
                or (_caps(para[-1].text) and _caps(u.text) and not _NAME_START.match(u.text)
                    and not _MOTTO.search(para[-1].raw) and not _MOTTO.search(u.raw))
            ):
                para.append(u)  # `Số:` / number, or an issuer name wrapped by the page
                continue
            flush()
            para = [u]
            continue
        if para and _breaks(para[-1], u, blank_mode):
            flush()
        para.append(u)
    flush()
    return [Line(text, where=f"web:L{n}") for text, n in out]


def web_page_lines(text: str) -> tuple[list[Line], dict[str, str], list[str]]:
    """The document's lines, the page's metadata and warnings."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    warnings: list[str] = []
    found = _header_start(lines, "\n".join(lines))
    if found is None:
        start = 0
        meta = _parse_metadata(lines, len(lines))
        warnings.append("web page: no letter header (national motto) found; the whole page is kept")
    else:
        start, motto = found
        meta = _parse_metadata(lines, start)
    meta["container"] = "web page"
    if _CHROME.search(text):
        meta.setdefault("site", "thuvienphapluat.vn")
    stop = len(lines)
    for i in range(start + 1, len(lines)):
        if _TAIL_MARKERS.search(lines[i]) or (_SUMMARY.match(lines[i].strip()) and _after_table(lines, i)):
            stop = i
            break
    units = _units(lines, start, stop)
    real = [u for u in units if isinstance(u, _Unit)]
    # Header cells: up to the cell of the date line (or of the motto when the
    # page lost its date line).
    header_cells: set[int] = set()
    last_header = None
    for u in real[:16]:
        if _DATE_LINE.match(u.text):
            last_header = u.cell
            break
    if last_header is None:
        for u in real[:16]:
            if _MOTTO.search(u.raw) or u.text.startswith("Độc lập"):
                last_header = u.cell
    if last_header is not None and found is not None:
        header_cells = {u.cell for u in real if u.cell <= last_header}
    body_from = next((k for k, u in enumerate(units) if isinstance(u, _Unit) and u.cell not in header_cells), 0)
    end = _signature_end(units, body_from)
    sig_cell = None
    if end is None:
        warnings.append("web page: no signature block found; the document may run into page chrome")
        end = len(units)
    else:
        sig_cell = units[end - 1].cell  # type: ignore[union-attr]
        rest = [u for u in units[end:] if isinstance(u, _Unit)]
        if rest:
            heading = next((u.text for u in rest if u.text), "")
            meta["annex"] = heading[:120]
            warnings.append(
                f"web page: {len(rest)} lines after the signature left out "
                f"(annexes or forms, from source line {rest[0].lineno})"
            )
    body = units[:end]
    n_blank = sum(1 for u in body if u == BLANK)
    blank_mode = n_blank * 4 >= sum(1 for u in body if isinstance(u, _Unit))
    return _assemble(body, header_cells, sig_cell, blank_mode), meta, warnings


def read_web_page(text: str, encoding: str | None = None) -> ReadResult:
    """Decoded text of a web-page scrape -> the letter's lines and the page's
    metadata table (see the module docstring)."""
    lines, meta, warnings = web_page_lines(text)
    # Still "txt": the container is told by metadata["container"], and the
    # text-only checks downstream (not-a-letter) apply to a scrape as well.
    return ReadResult(lines=tuple(lines), format="txt", encoding=encoding, warnings=tuple(warnings), metadata=meta)
