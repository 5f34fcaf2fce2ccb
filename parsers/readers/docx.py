"""Word 2007+ (.docx) reader: the package's XML -> lines in reading order.

Flow: `read_docx` checks the ZIP container before anything is inflated (zip
bombs, XML DOCTYPE/entity tricks, truncation), opens it with python-docx and
walks the body with lxml in document order. Each paragraph becomes one Line
(`where` = `p12`); a soft line break starts a new Line, since letters break
header and signature lines that way. Borderless layout tables (the letter's
header and footer) come out column by column so the left header column
(issuer, `Số:`, `V/v`) precedes the right one (motto, place and date); other
tables row by row. Text boxes come just before the paragraph that anchors
them, page headers first and page footers last. Word's automatic list
numbers (`w:numPr`) are not in the text: they are counted here and put back
in front of the paragraph. Runs set in legacy Vietnamese fonts (`.VnTime`,
`VNI-Times`) are converted per run (see `legacy.py`). The .doc reader reuses
`read_docx_package` on LibreOffice's conversion.
"""
from __future__ import annotations

import io
import math
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field

import regex
from lxml import etree

from congvan.models.records import PageInfo
from congvan.parsers.readers.base import Line, ReadError, ReadResult
from congvan.parsers.readers.legacy import decode_by_content, decode_run, font_encoding, is_caps_font
from congvan.parsers.syllables import syllable_share

__all__ = ["read_docx", "read_docx_package", "check_zip", "TableCell", "order_table_cells"]

MAX_TOTAL_UNCOMPRESSED = 200 * 1024 * 1024
MAX_RATIO = 100
_RATIO_FLOOR = 1024 * 1024  # small members compress well legitimately (styles.xml)
MAX_MEMBERS = 5000

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"


def _q(tag: str) -> str:
    return f"{{{W}}}{tag}"


P, TBL, TR, TC, R, T, SDT, SDT_CONTENT = map(_q, ("p", "tbl", "tr", "tc", "r", "t", "sdt", "sdtContent"))
TXBX = _q("txbxContent")
FALLBACK = f"{{{MC}}}Fallback"
# Runs under these are not the document's text: deleted revisions, the
# instruction half of a field, or the Fallback copy of a drawing whose Choice
# copy has already been read.
_SKIP = {_q("del"), _q("moveFrom"), FALLBACK, _q("instrText"), _q("delText"), _q("rPr"), _q("pPr")}
_VAL = _q("val")

_DTD = regex.compile(rb"<!\s*(?:DOCTYPE|ENTITY)", regex.I)
_DTD16 = tuple(s.encode("utf-16-le") for s in ("<!DOCTYPE", "<!ENTITY", "<!doctype", "<!entity"))
_PAGE_FIELD = regex.compile(r"^\s*(?:PAGE|NUMPAGES|SECTIONPAGES)\b", regex.I)
_BLANK = regex.compile(r"^[\s\u00a0\u200b\ufeff]*$")
_SPACES = regex.compile(r"[ \t\u00a0]+")


# --------------------------------------------------------------------------- safety

def check_zip(data: bytes) -> zipfile.ZipFile:
    """Open the ZIP and refuse bombs and DTDs before python-docx inflates anything.

    Declared sizes come from the central directory; `zipfile` never reads more
    than a member declares, so a member that lies about its size fails its CRC
    instead of filling memory.
    """
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise ReadError("corrupt", f"not a readable Word (ZIP) package, perhaps truncated: {exc}") from exc
    if len(infos) > MAX_MEMBERS:
        raise ReadError("unsafe", f"the package lists {len(infos)} parts; a letter has a few dozen")
    total = 0
    for info in infos:
        total += info.file_size
        if info.file_size > _RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise ReadError(
                "unsafe",
                f"zip bomb: part {info.filename} inflates {info.compress_size} bytes to {info.file_size} "
                f"(over {MAX_RATIO}:1)",
            )
    if total > MAX_TOTAL_UNCOMPRESSED:
        raise ReadError("too_large", f"the package would inflate to {total // 1048576} MB, over the {MAX_TOTAL_UNCOMPRESSED // 1048576} MB limit")
    for info in infos:
        if not info.filename.lower().endswith((".xml", ".rels")):
            continue
        try:
            blob = zf.read(info)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as exc:
            raise ReadError("corrupt", f"part {info.filename} cannot be read: {exc}") from exc
        # Word never writes a DTD; one in a part can only be an entity attack.
        if _DTD.search(blob[:65536]) or any(p in blob[:131072] for p in _DTD16) or _DTD.search(blob):
            raise ReadError("unsafe", f"part {info.filename} declares a DTD or entities (<!DOCTYPE/<!ENTITY), which Word never writes")
    return zf


# --------------------------------------------------------------------------- tables

@dataclass
class TableCell:
    """One cell's lines, with its row and horizontal extent (any unit)."""

    row: int
    x0: float
    x1: float
    lines: list[Line] = field(default_factory=list)
    col: int = 0


def order_table_cells(cells: list[TableCell], max_layout_cols: int = 3, max_layout_rows: int = 12) -> list[TableCell]:
    """Reading order of a table's cells.

    A letter's header and footer are tables of at most three side-by-side
    columns (one may be an empty spacer) and a few rows: read them column by
    column, so the left block comes whole before the right. Columns are found
    by clustering the cells' horizontal centres, since rows of one column can
    start at different grid lines (a merged `V/v` row). Anything wider or
    longer is a data table and is read row by row.
    """
    full = [c for c in cells if c.lines]
    if not full:
        return []
    lo = min(c.x0 for c in cells)
    hi = max(c.x1 for c in cells)
    width = max(hi - lo, 1e-6)
    centres = sorted({(c.x0 + c.x1) / 2 for c in full})
    groups: list[list[float]] = [[centres[0]]]
    for x in centres[1:]:
        if x - groups[-1][-1] > 0.15 * width:
            groups.append([x])
        else:
            groups[-1].append(x)
    bounds = [(g[0], g[-1]) for g in groups]
    for c in full:
        mid = (c.x0 + c.x1) / 2
        c.col = next(i for i, (a, b) in enumerate(bounds) if a <= mid <= b)
    rows = {c.row for c in full}
    if len(bounds) <= max_layout_cols and len(rows) <= max_layout_rows:
        return sorted(full, key=lambda c: (c.col, c.row, c.x0))
    return sorted(full, key=lambda c: (c.row, c.x0))


# --------------------------------------------------------------------------- numbering

_ROMAN = ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"))
_LEVEL_REF = regex.compile(r"%([1-9])")


# Word's own limits: list numbers up to 32767, nine list levels, 255 table columns.
_MAX_NUMBER = 32767
_MAX_LEVEL = 8
_MAX_SPAN = 255
_MAX_LABEL = 40


def _int(value: str | None, default: int, lo: int, hi: int) -> int:
    """An integer attribute as Word would read it: a non-number gives the default, and
    the value is kept to Word's own range (a start of 10^18 would count for ever)."""
    try:
        n = int(str(value).strip()) if value is not None else default
    except ValueError:
        n = default
    return min(max(n, lo), hi)


def _width(value: str | None) -> float:
    """A table grid width in twips; NaN, infinities and absurd sizes count as 0."""
    try:
        w = float(value) if value else 0.0
    except ValueError:
        return 0.0
    return w if math.isfinite(w) and 0 <= w <= 1e7 else 0.0


def _roman(n: int) -> str:
    out = []
    for value, sym in _ROMAN:
        while n >= value:
            out.append(sym)
            n -= value
    return "".join(out)


def _letters(n: int) -> str:
    # Word's own sequence: a..z, then aa..zz (the letter repeated), not base 26.
    n = max(n, 1)
    return "abcdefghijklmnopqrstuvwxyz"[(n - 1) % 26] * ((n - 1) // 26 + 1)


def _format_number(n: int, fmt: str) -> str:
    n = min(max(n, 0), _MAX_NUMBER)
    if fmt in ("lowerLetter",):
        return _letters(n)
    if fmt == "upperLetter":
        return _letters(n).upper()
    if fmt == "lowerRoman":
        return _roman(n)
    if fmt == "upperRoman":
        return _roman(n).upper()
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt == "none":
        return ""
    return str(n)


@dataclass
class _Level:
    start: int = 1
    fmt: str = "decimal"
    text: str = "%1."
    restart: int | None = None


class Numbering:
    """Counts Word's automatic list numbers in document order.

    Counters live per list instance (`numId`); a level restarts when a
    shallower level of the same list moves on (or per `w:lvlRestart`), and a
    `w:startOverride` on the instance sets its first value.
    """

    def __init__(self, root: etree._Element | None):
        self.abstract: dict[str, dict[int, _Level]] = {}
        self.nums: dict[str, tuple[str, dict[int, int]]] = {}
        self.counters: dict[str, dict[int, int]] = {}
        if root is None:
            return
        for an in root.iterchildren(_q("abstractNum")):
            levels: dict[int, _Level] = {}
            for lvl in an.iterchildren(_q("lvl")):
                levels[_int(lvl.get(_q("ilvl")), 0, 0, _MAX_LEVEL)] = self._level(lvl)
            self.abstract[an.get(_q("abstractNumId"), "")] = levels
        for num in root.iterchildren(_q("num")):
            aid = num.find(_q("abstractNumId"))
            overrides: dict[int, int] = {}
            for ov in num.iterchildren(_q("lvlOverride")):
                so = ov.find(_q("startOverride"))
                if so is not None:
                    overrides[_int(ov.get(_q("ilvl")), 0, 0, _MAX_LEVEL)] = _int(so.get(_VAL), 1, 0, _MAX_NUMBER)
                lvl = ov.find(_q("lvl"))
                if lvl is not None and aid is not None:
                    # An overriding level definition: keep it under a private abstract id.
                    key = f"{aid.get(_VAL)}#{num.get(_q('numId'))}"
                    self.abstract.setdefault(key, dict(self.abstract.get(aid.get(_VAL, ""), {})))
                    self.abstract[key][_int(ov.get(_q("ilvl")), 0, 0, _MAX_LEVEL)] = self._level(lvl)
                    aid_val = key
                    break
            else:
                aid_val = aid.get(_VAL, "") if aid is not None else ""
            self.nums[num.get(_q("numId"), "")] = (aid_val, overrides)

    @staticmethod
    def _level(lvl: etree._Element) -> _Level:
        def val(tag: str) -> str | None:
            el = lvl.find(_q(tag))
            return el.get(_VAL) if el is not None else None

        restart = val("lvlRestart")
        return _Level(
            start=_int(val("start"), 1, 0, _MAX_NUMBER),
            fmt=val("numFmt") or "decimal",
            # A label template is a few characters (`%1.%2.`); a longer one is not a label.
            text=(val("lvlText") or "")[:_MAX_LABEL],
            restart=_int(restart, 0, 0, _MAX_LEVEL + 1) if restart is not None else None,
        )

    def label(self, num_id: str, ilvl: int) -> str:
        """Advance the counter of (num_id, ilvl) and return its label, e.g. `2.`, `b)`, `-`."""
        if num_id in ("", "0") or num_id not in self.nums:
            return ""
        aid, overrides = self.nums[num_id]
        levels = self.abstract.get(aid, {})
        level = levels.get(ilvl, _Level())
        counters = self.counters.setdefault(num_id, {})
        counters[ilvl] = min(counters.get(ilvl, overrides.get(ilvl, level.start) - 1) + 1, _MAX_NUMBER)
        for deeper in [k for k in counters if k > ilvl]:
            lv = levels.get(deeper, _Level())
            if lv.restart is None or lv.restart != 0 and lv.restart - 1 <= ilvl:
                del counters[deeper]
        if level.fmt == "bullet":
            return "+" if level.text.strip() == "+" else "-"

        def sub(m: regex.Match[str]) -> str:
            k = int(m.group(1)) - 1
            lv = levels.get(k, _Level())
            n = counters.get(k, overrides.get(k, lv.start))
            return _format_number(n, lv.fmt)

        return _LEVEL_REF.sub(sub, level.text).strip()[:_MAX_LABEL]


# --------------------------------------------------------------------------- styles and fonts

class Styles:
    """Font and list facts inherited through paragraph and character styles."""

    def __init__(self, root: etree._Element | None):
        self.fonts: dict[str, str | None] = {}
        self.numpr: dict[str, tuple[str, int] | None] = {}
        self.based: dict[str, str] = {}
        self._font: dict[str, str | None] = {}
        self._num: dict[str, tuple[str, int] | None] = {}
        self.default_font: str | None = None
        self.default_para: str | None = None
        if root is None:
            return
        dd = root.find(f"{_q('docDefaults')}/{_q('rPrDefault')}/{_q('rPr')}/{_q('rFonts')}")
        if dd is not None:
            self.default_font = _fonts_of(dd)
        for st in root.iterchildren(_q("style")):
            sid = st.get(_q("styleId"), "")
            if st.get(_q("type")) == "paragraph" and st.get(_q("default")) in ("1", "true"):
                self.default_para = sid
            rf = st.find(f"{_q('rPr')}/{_q('rFonts')}")
            self.fonts[sid] = _fonts_of(rf) if rf is not None else None
            np_ = st.find(f"{_q('pPr')}/{_q('numPr')}")
            self.numpr[sid] = _numpr(np_) if np_ is not None else None
            b = st.find(_q("basedOn"))
            if b is not None:
                self.based[sid] = b.get(_VAL, "")

    def font(self, sid: str | None) -> str | None:
        if not sid:
            return self.default_font
        if sid not in self._font:
            seen: set[str] = set()
            cur: str | None = sid
            found = None
            while cur and cur not in seen:
                seen.add(cur)
                if self.fonts.get(cur):
                    found = self.fonts[cur]
                    break
                cur = self.based.get(cur)
            self._font[sid] = found or self.default_font
        return self._font[sid]

    def numbering(self, sid: str | None) -> tuple[str, int] | None:
        if not sid:
            return None
        if sid not in self._num:
            seen: set[str] = set()
            cur: str | None = sid
            found = None
            while cur and cur not in seen:
                seen.add(cur)
                if self.numpr.get(cur):
                    found = self.numpr[cur]
                    break
                cur = self.based.get(cur)
            self._num[sid] = found
        return self._num[sid]


def _fonts_of(rfonts: etree._Element) -> str | None:
    # 8-bit characters (all the legacy letters) are drawn in the hAnsi font.
    return rfonts.get(_q("hAnsi")) or rfonts.get(_q("ascii")) or rfonts.get(_q("cs"))


def _numpr(el: etree._Element) -> tuple[str, int] | None:
    nid = el.find(_q("numId"))
    ilvl = el.find(_q("ilvl"))
    if nid is None:
        return None
    return nid.get(_VAL, ""), _int(ilvl.get(_VAL), 0, 0, _MAX_LEVEL) if ilvl is not None else 0


# --------------------------------------------------------------------------- walking

@dataclass
class _Stats:
    legacy_runs: int = 0
    runs: int = 0
    encodings: set[str] = field(default_factory=set)


class _Walker:
    def __init__(self, styles: Styles, numbering: Numbering, list_labels: bool = True):
        self.styles = styles
        self.numbering = numbering
        self.list_labels = list_labels
        self.stats = _Stats()
        self.tables = 0
        self.textboxes = 0

    # A paragraph -> its text pieces split at soft line breaks, plus the text boxes it anchors.
    def paragraph(self, p: etree._Element) -> tuple[list[str], list[etree._Element]]:
        ppr = p.find(_q("pPr"))
        pstyle = None
        numpr = None
        if ppr is not None:
            ps = ppr.find(_q("pStyle"))
            pstyle = ps.get(_VAL) if ps is not None else None
            np_ = ppr.find(_q("numPr"))
            if np_ is not None:
                numpr = _numpr(np_)
        if numpr is None:
            numpr = self.styles.numbering(pstyle or self.styles.default_para)
        para_font = self.styles.font(pstyle or self.styles.default_para)
        boxes: list[etree._Element] = []
        pieces: list[list[str]] = [[]]
        field_stack: list[dict[str, object]] = []
        for node in self._iter(p, boxes):
            tag = node.tag
            if tag == _q("fldChar"):
                kind = node.get(_q("fldCharType"))
                if kind == "begin":
                    field_stack.append({"instr": "", "result": False})
                elif kind == "separate" and field_stack:
                    field_stack[-1]["result"] = True
                elif kind == "end" and field_stack:
                    field_stack.pop()
                continue
            if tag == _q("instrText"):
                if field_stack:
                    field_stack[-1]["instr"] = str(field_stack[-1]["instr"]) + (node.text or "")
                continue
            if field_stack and (not field_stack[-1]["result"] or _PAGE_FIELD.match(str(field_stack[-1]["instr"]))):
                continue
            if tag == R:
                self.run_text(node, para_font, pieces)
        texts = ["".join(piece) for piece in pieces]
        if numpr is not None:
            label = self.numbering.label(*numpr)
            if label and self.list_labels:
                texts[0] = f"{label} {texts[0].lstrip()}" if texts[0].strip() else label
        return texts, boxes

    def _iter(self, el: etree._Element, boxes: list[etree._Element]) -> Iterator[etree._Element]:
        """Runs and field markers of a paragraph in order, skipping deleted and Fallback content."""
        for child in el:
            tag = child.tag
            if not isinstance(tag, str) or tag in _SKIP:
                continue
            if tag == TXBX:
                boxes.append(child)
                continue
            if tag == R:
                yield child
                # Field characters and drawings live inside runs.
                for sub in child.iter(_q("fldChar"), _q("instrText"), TXBX):
                    if sub.tag == TXBX:
                        if not any(a.tag == FALLBACK for a in sub.iterancestors()):
                            if sub not in boxes:
                                boxes.append(sub)
                    else:
                        yield sub
                continue
            if tag == _q("fldSimple"):
                if _PAGE_FIELD.match(child.get(_q("instr"), "")):
                    continue
            yield from self._iter(child, boxes)

    def run_text(self, r: etree._Element, para_font: str | None, pieces: list[list[str]]) -> str:
        rpr = r.find(_q("rPr"))
        font = None
        if rpr is not None:
            rf = rpr.find(_q("rFonts"))
            if rf is not None:
                font = _fonts_of(rf)
            if font is None:
                rs = rpr.find(_q("rStyle"))
                if rs is not None:
                    font = self.styles.fonts.get(rs.get(_VAL, "")) or None
        font = font or para_font
        enc = font_encoding(font)
        parts: list[tuple[str, bool]] = []  # (text, is_break)
        for node in r:
            tag = node.tag
            if tag == T:
                parts.append((node.text or "", False))
            elif tag == _q("tab"):
                parts.append(("\t", False))
            elif tag in (_q("br"), _q("cr")):
                parts.append(("", True))
            elif tag == _q("softHyphen"):
                # In a TCVN3 font byte 0xAD is the letter ư; elsewhere a hint.
                if enc == "tcvn3":
                    parts.append(("\u00ad", False))
            elif tag == _q("noBreakHyphen"):
                parts.append(("-", False))
            elif tag == _q("sym"):
                ch = node.get(_q("char"), "")
                if ch.upper() in ("F02D", "002D", "F0BE"):
                    parts.append(("-", False))
        self.stats.runs += 1
        out = []
        for text, is_break in parts:
            if is_break:
                pieces.append([])
                continue
            if enc and text:
                self.stats.legacy_runs += 1
                self.stats.encodings.add(enc)
                text = decode_run(text, enc, is_caps_font(font))
            pieces[-1].append(text)
            out.append(text)
        return "".join(out)

    def block(self, container: etree._Element, where: str | None, counter: list[int] | None) -> Iterator[Line]:
        """Lines of a body, cell or text box: paragraphs and tables in order."""
        for child in container:
            tag = child.tag
            if tag == P:
                idx = counter[0] if counter is not None else None
                if counter is not None:
                    counter[0] += 1
                texts, boxes = self.paragraph(child)
                for box in boxes:
                    k = self.textboxes
                    self.textboxes += 1
                    yield from self.block(box, f"textbox{k}", None)
                w = where if where is not None else f"p{idx}"
                for text in texts:
                    text = _SPACES.sub(" ", text).strip()
                    if not _BLANK.match(text):
                        yield Line(text, where=w)
            elif tag == TBL:
                yield from self.table(child, where)
            elif tag in (SDT, _q("customXml"), _q("ins"), _q("moveTo")):
                inner = child.find(SDT_CONTENT) if tag == SDT else child
                if inner is not None:
                    yield from self.block(inner, where, counter)

    def table(self, tbl: etree._Element, parent: str | None) -> Iterator[Line]:
        t = self.tables
        self.tables += 1
        base = f"{parent}/table{t}" if parent and parent.startswith("table") else f"table{t}"
        grid = [_width(g.get(_q("w"))) for g in tbl.iterfind(f"{_q('tblGrid')}/{_q('gridCol')}")]
        edges = [0.0]
        for w in grid:
            edges.append(edges[-1] + w)
        cells: list[TableCell] = []
        for r, tr in enumerate(tbl.iterchildren(TR)):
            before = tr.find(f"{_q('trPr')}/{_q('gridBefore')}")
            g = _int(before.get(_VAL), 0, 0, _MAX_SPAN) if before is not None else 0
            for c, tc in enumerate(self._cells(tr)):
                tcpr = tc.find(_q("tcPr"))
                span = 1
                continued = False
                if tcpr is not None:
                    gs = tcpr.find(_q("gridSpan"))
                    if gs is not None:
                        span = _int(gs.get(_VAL), 1, 1, _MAX_SPAN)
                    vm = tcpr.find(_q("vMerge"))
                    continued = vm is not None and vm.get(_VAL, "continue") != "restart"
                if len(edges) > g + span:
                    x0, x1 = edges[g], edges[g + span]
                else:  # a grid that does not cover the row: fall back to cell order
                    x0, x1 = float(g), float(g + span)
                g += span
                if continued:
                    continue  # a vertically merged cell is read once, at its first row
                lines = list(self.block(tc, f"{base}/r{r}/c{c}", None))
                cells.append(TableCell(row=r, x0=x0, x1=x1, lines=lines))
        for cell in order_table_cells(cells):
            yield from cell.lines

    @staticmethod
    def _cells(tr: etree._Element) -> Iterator[etree._Element]:
        for child in tr:
            if child.tag == TC:
                yield child
            elif child.tag in (SDT, _q("customXml")):
                inner = child.find(SDT_CONTENT) if child.tag == SDT else child
                if inner is not None:
                    yield from (x for x in inner if x.tag == TC)


def _part_xml(part: object) -> etree._Element | None:
    el = getattr(part, "element", None)
    if el is not None:
        return el
    blob = getattr(part, "blob", None)
    if blob:
        from docx.oxml.parser import oxml_parser

        return etree.fromstring(blob, oxml_parser)
    return None


def read_docx_package(data: bytes, name: str, fmt: str = "docx", *, list_labels: bool = True) -> ReadResult:
    """Read a checked DOCX package; `fmt` names the original format (doc, when converted).

    `list_labels=False` leaves Word's automatic list numbers out, for
    comparison with transcripts made by tools that drop them.
    """
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile, etree.XMLSyntaxError) as exc:
        raise ReadError("corrupt", f"not a readable Word document: {exc}") from exc
    except Exception as exc:  # python-docx raises assorted errors on malformed packages
        raise ReadError("corrupt", f"not a readable Word document: {type(exc).__name__}: {exc}") from exc
    part = document.part
    try:
        styles_root = _part_xml(part._styles_part)  # noqa: SLF001 - python-docx has no public accessor
    except Exception:  # a package without a styles part is legal
        styles_root = None
    try:
        numbering_root = _part_xml(part.numbering_part)
    except Exception:  # NotImplementedError/KeyError when the package has no numbering part
        numbering_root = None
    walker = _Walker(Styles(styles_root), Numbering(numbering_root), list_labels)
    head: list[Line] = []
    foot: list[Line] = []
    seen_parts: set[int] = set()
    warnings: list[str] = []
    for section in document.sections:
        for kind, sink in (("header", head), ("footer", foot)):
            for which in (f"first_page_{kind}", kind, f"even_page_{kind}"):
                try:
                    hf = getattr(section, which)
                    if not hf._has_definition:  # noqa: SLF001 - inherited: read where defined
                        continue
                    hpart = hf._definition  # noqa: SLF001
                    if id(hpart) in seen_parts:
                        continue
                    seen_parts.add(id(hpart))
                    sink.extend(walker.block(hpart.element, kind, None))
                except (KeyError, ValueError, AttributeError, NotImplementedError, etree.XMLSyntaxError) as exc:
                    # A page header kept outside the package (an External relation), or broken: the
                    # letter is in the body; say what was left out.
                    warnings.append(f"page {kind} could not be read and was left out ({type(exc).__name__})")
    try:
        body = list(walker.block(document.element.body, None, [0]))
    except RecursionError as exc:
        raise ReadError("corrupt", "the Word document nests tables deeper than any letter does") from exc
    lines = _dedupe(head) + body + _dedupe(foot)
    encoding = "utf-8"
    if walker.stats.encodings:
        encoding = "+".join(sorted(walker.stats.encodings))
        if len(walker.stats.encodings) > 1:
            warnings.append("runs in more than one legacy encoding (" + ", ".join(sorted(walker.stats.encodings)) + ")")
    else:
        text = "\n".join(line.text for line in lines)
        if text and syllable_share(text[:20000]) < 0.6:
            legacy = decode_by_content(text)
            if legacy:
                encoding = legacy[1]
                warnings.append(f"{legacy[1]} text in non-legacy fonts, converted by content; capitals from H fonts may be lost")
                lines = [Line(decode_run(line.text, legacy[1]), where=line.where) for line in lines]
    if not lines:
        raise ReadError("empty", "the Word document holds no text")
    return ReadResult(
        lines=tuple(lines),
        format=fmt,
        encoding=encoding,
        pages=(PageInfo(page=1, path="docx" if fmt == "docx" else "doc"),),
        warnings=tuple(warnings),
        metadata=_core_metadata(document),
    )


def _dedupe(lines: list[Line]) -> list[Line]:
    seen: set[str] = set()
    out = []
    for line in lines:
        if line.text not in seen:
            seen.add(line.text)
            out.append(line)
    return out


def _core_metadata(document: object) -> dict[str, str]:
    out: dict[str, str] = {}
    try:
        cp = document.core_properties  # type: ignore[attr-defined]
    except Exception:  # a package without core properties is legal
        return out
    for key in ("title", "author", "last_modified_by"):
        value = getattr(cp, key, None)
        if value:
            out[key] = str(value)
    for key in ("created", "modified"):
        value = getattr(cp, key, None)
        if value:
            out[key] = value.isoformat()
    return out


def read_docx(data: bytes, name: str = "<docx>", *, list_labels: bool = True) -> ReadResult:
    """Reader entry point used by `read_file`: checks the container, then reads it."""
    if not data:
        raise ReadError("empty", "the file is empty (0 bytes)")
    check_zip(data).close()
    return read_docx_package(data, name, list_labels=list_labels)
