"""RTF reader: an RTF control stream -> lines in reading order.

Flow: `read_rtf` walks the RTF groups itself rather than through striprtf,
because striprtf drops what decoding needs: which font each `\\'xx` byte is
set in. Each byte is decoded by its run's font: TCVN3 (`.VnTime`) and VNI
(`VNI-Times`) runs through the legacy tables, `H` fonts (`.VnTimeH`) upper-
cased, other runs through the font's `\\fcharset` or the document's
`\\ansicpg`. Paragraphs (`\\par`) become Lines; table cells (`\\cell`,
`\\row`, with `\\cellx` right edges) are collected per table and read in
column order for layout tables (see `docx.order_table_cells`). Page headers,
footers, field instructions, pictures and other `\\*` destinations are
skipped; field results and Word's rendered list labels (`\\listtext`) are kept.
"""
from __future__ import annotations

import codecs
from dataclasses import dataclass, field

import regex

from congvan.models.records import PageInfo
from congvan.parsers.readers.base import Line, ReadError, ReadResult
from congvan.parsers.readers.docx import TableCell, order_table_cells
from congvan.parsers.readers.legacy import decode_by_content, decode_run, font_encoding, is_caps_font
from congvan.parsers.syllables import syllable_share

__all__ = ["read_rtf"]

MAX_RTF_BYTES = 100 * 1024 * 1024
MAX_DEPTH = 500

_TOKEN = regex.compile(
    rb"\\([a-zA-Z]{1,32})(-?\d{1,10})? ?|\\'([0-9a-fA-F]{2})|\\([^a-zA-Z'])|([{}])|([^\\{}\r\n]+)|[\r\n]+"
)
_SKIP_DEST = frozenset(
    b"fonttbl colortbl stylesheet info pict object header headerl headerr headerf footer footerl "
    b"footerr footerf fldinst themedata colorschememapping datastore latentstyles listtable "
    b"listoverridetable rsidtbl generator xmlnstbl mmathPr pgdsctbl revtbl filetbl bkmkstart bkmkend "
    b"footnote annotation atnid atnauthor private nonshppict shppict blipuid sp sn sv".split()
)
_SYMBOLS = {
    b"emdash": "\u2014", b"endash": "\u2013", b"lquote": "\u2018", b"rquote": "\u2019",
    b"ldblquote": "\u201c", b"rdblquote": "\u201d", b"bullet": "\u2022", b"emspace": " ", b"enspace": " ",
}
# \fcharset -> Python codec; 163 is Vietnamese (Windows-1258).
_CHARSETS = {0: "cp1252", 163: "cp1258", 161: "cp1253", 162: "cp1254", 177: "cp1255", 178: "cp1256", 186: "cp1257", 204: "cp1251", 238: "cp1250", 222: "cp874"}
_SPACES = regex.compile(r"[ \t\u00a0]+")
# Glyph numbers of list bullets in the Symbol and Wingdings fonts.
_SYMBOL_BULLET = regex.compile(r"[\u00b7\u00a7\u006e\u00d8\u00fc\u00a8\u0071\u0076]")
_NOT_SYMBOL_BULLET = regex.compile(r"[^\u00b7\u00a7\u006e\u00d8\u00fc\u00a8\u0071\u0076\s]")


@dataclass
class _State:
    font: int | None = None
    uc: int = 1
    skip: bool = False
    fonttbl: bool = False


@dataclass
class _Doc:
    fonts: dict[int, str] = field(default_factory=dict)
    charsets: dict[int, int] = field(default_factory=dict)
    codepage: str = "cp1252"
    deff: int | None = None
    encodings: set[str] = field(default_factory=set)


class _Builder:
    """Collects runs into paragraphs, paragraphs into cells, cells into tables."""

    def __init__(self, doc: _Doc):
        self.doc = doc
        self.lines: list[Line] = []
        self.runs: list[tuple[int | None, list[str]]] = []  # (font, chars); chars are str or byte-chars
        self.pieces: list[str] = []  # finished soft-broken pieces of the current paragraph
        self.intbl = False
        self.cell_lines: list[str] = []
        self.row_cells: list[list[str]] = []
        self.cellx: list[int] = []
        self.table: list[TableCell] = []
        self.tables = 0
        self.rows = 0
        self.par = 0

    def add(self, font: int | None, text: str) -> None:
        if self.runs and self.runs[-1][0] == font:
            self.runs[-1][1].append(text)
        else:
            self.runs.append((font, [text]))

    def _run_text(self) -> str:
        out = []
        for font, chars in self.runs:
            raw = "".join(chars)
            name = self.doc.fonts.get(font) if font is not None else None
            enc = font_encoding(name)
            if font is not None and self.doc.charsets.get(font) == 2:
                # Symbol/Wingdings: the bytes are glyph numbers; list bullets become dashes.
                out.append(_SYMBOL_BULLET.sub("-", _NOT_SYMBOL_BULLET.sub("", raw)))
            elif enc:
                self.doc.encodings.add(enc)
                out.append(decode_run(raw, enc, is_caps_font(name)))
            else:
                out.append(raw.translate(_byte_table(self._codepage(font))))
        self.runs = []
        return "".join(out)

    def _codepage(self, font: int | None) -> str:
        cs = self.doc.charsets.get(font) if font is not None else None
        return _CHARSETS.get(cs, self.doc.codepage) if cs is not None else self.doc.codepage

    def soft_break(self) -> None:
        self.pieces.append(self._run_text())

    def end_paragraph(self) -> None:
        self.pieces.append(self._run_text())
        texts = [t for t in (_SPACES.sub(" ", p).strip() for p in self.pieces) if t]
        self.pieces = []
        if self.intbl:
            self.cell_lines.extend(texts)
        else:
            self.flush_table()
            self.lines.extend(Line(t, where=f"p{self.par}") for t in texts)
            self.par += 1

    def end_cell(self) -> None:
        if self.runs or self.pieces:
            self.intbl = True
            self.end_paragraph()
        self.row_cells.append(self.cell_lines)
        self.cell_lines = []

    def end_row(self) -> None:
        if self.runs or self.pieces:
            self.end_cell()
        x = 0
        for c, lines in enumerate(self.row_cells):
            x1 = self.cellx[c] if c < len(self.cellx) else x + 1000
            where = f"table{self.tables}/r{self.rows}/c{c}"
            self.table.append(TableCell(row=self.rows, x0=x, x1=x1, lines=[Line(t, where=where) for t in lines]))
            x = x1
        self.rows += 1
        self.row_cells = []

    def flush_table(self) -> None:
        if self.row_cells or self.cell_lines:
            self.end_row()
        if self.table:
            for cell in order_table_cells(self.table):
                self.lines.extend(cell.lines)
            self.table = []
            self.tables += 1
            self.rows = 0


_BYTE_TABLES: dict[str, dict[int, str]] = {}


def _byte_table(codepage: str) -> dict[int, str]:
    """Characters U+0080-U+00FF stand for raw bytes until a run's codec is known."""
    table = _BYTE_TABLES.get(codepage)
    if table is None:
        try:
            codecs.lookup(codepage)
        except LookupError:
            codepage = "cp1252"
        table = {b: bytes([b]).decode(codepage, "replace") for b in range(0x80, 0x100)}
        _BYTE_TABLES[codepage] = table
    return table


def _parse(data: bytes) -> tuple[list[Line], _Doc]:
    doc = _Doc()
    out = _Builder(doc)
    stack: list[_State] = []
    st = _State()
    skip_chars = 0
    font_name: list[str] = []
    font_id: int | None = None
    pending_dest = False
    for m in _TOKEN.finditer(data):
        word, arg, hexbyte, sym, brace, text = m.groups()
        if brace == b"{":
            if len(stack) >= MAX_DEPTH:
                raise ReadError("unsafe", f"RTF groups nest deeper than {MAX_DEPTH}")
            stack.append(st)
            st = _State(st.font, st.uc, st.skip, st.fonttbl)
            pending_dest = True
            continue
        if brace == b"}":
            st = stack.pop() if stack else _State()
            continue
        first = pending_dest
        pending_dest = False
        if word is not None:
            n = int(arg) if arg is not None else None
            if st.fonttbl:
                if word == b"f" and n is not None:
                    font_id, font_name = n, []
                elif word == b"fcharset" and n is not None and font_id is not None:
                    doc.charsets[font_id] = n
                elif word in _SKIP_DEST or word == b"panose":
                    st.skip = True
                continue
            if word == b"fonttbl":
                st.fonttbl = True
                continue
            if first and word in _SKIP_DEST:
                st.skip = True
                continue
            if st.skip:
                continue
            if word == b"ansicpg" and n:
                doc.codepage = f"cp{n}"
            elif word == b"deff":
                doc.deff = n
                st.font = n
            elif word == b"f":
                st.font = n
            elif word == b"plain":
                st.font = doc.deff
            elif word == b"uc" and n is not None:
                st.uc = n
            elif word == b"u" and n is not None:
                out.add(st.font, chr(n % 65536) if n >= 0 else chr(n + 65536))
                skip_chars = st.uc
                continue
            elif word == b"par" or word == b"sect" or word == b"page":
                out.end_paragraph()
            elif word == b"line":
                out.soft_break()
            elif word == b"tab":
                out.add(st.font, "\t")
            elif word == b"pard":
                out.intbl = False
            elif word == b"intbl":
                out.intbl = True
            elif word == b"trowd":
                out.cellx = []
            elif word == b"cellx" and n is not None:
                out.cellx.append(n)
            elif word == b"cell":
                out.end_cell()
            elif word == b"row":
                out.end_row()
            elif word in _SYMBOLS:
                out.add(st.font, _SYMBOLS[word])
            skip_chars = 0
            continue
        if sym is not None:
            if st.fonttbl:
                continue
            if sym == b"*":
                if first:
                    st.skip = True
                continue
            if st.skip:
                continue
            if sym in (b"\\", b"{", b"}"):
                out.add(st.font, sym.decode())
            elif sym == b"~":
                out.add(st.font, "\u00a0")
            elif sym == b"_":
                out.add(st.font, "-")
            elif sym in (b"\n", b"\r"):
                out.end_paragraph()
            continue
        if hexbyte is not None:
            if st.fonttbl:
                if not st.skip and font_id is not None:
                    font_name.append(chr(int(hexbyte, 16)))
                continue
            if st.skip:
                continue
            if skip_chars:
                skip_chars -= 1
                continue
            out.add(st.font, chr(int(hexbyte, 16)))
            continue
        if text is not None:
            if st.fonttbl:
                if not st.skip and font_id is not None:
                    chunk = text.decode("latin-1")
                    if ";" in chunk:
                        font_name.append(chunk.split(";", 1)[0])
                        doc.fonts[font_id] = "".join(font_name).strip()
                        font_id, font_name = None, []
                    else:
                        font_name.append(chunk)
                continue
            if st.skip:
                continue
            chunk = text.decode("latin-1")
            if skip_chars:
                drop = min(skip_chars, len(chunk))
                chunk = chunk[drop:]
                skip_chars -= drop
            if chunk:
                out.add(st.font, chunk)
    out.end_paragraph()
    out.flush_table()
    return out.lines, doc


def read_rtf(data: bytes, name: str = "<rtf>") -> ReadResult:
    """Reader entry point used by `read_file`."""
    if not data.strip():
        raise ReadError("empty", "the file is empty")
    if len(data) > MAX_RTF_BYTES:
        raise ReadError("too_large", f"RTF of {len(data) // 1048576} MB is over the {MAX_RTF_BYTES // 1048576} MB limit")
    if not data.lstrip()[:5] == b"{\\rtf":
        raise ReadError("corrupt", "not an RTF document (no {\\rtf header)")
    lines, doc = _parse(data)
    if not lines:
        raise ReadError("empty", "the RTF document holds no text")
    warnings: list[str] = []
    encoding = "+".join(sorted(doc.encodings)) if doc.encodings else doc.codepage
    if not doc.encodings:
        text = "\n".join(line.text for line in lines)
        if syllable_share(text[:20000]) < 0.6:
            legacy = decode_by_content(text)
            if legacy:
                encoding = legacy[1]
                warnings.append(f"{legacy[1]} text in non-legacy fonts, converted by content; capitals from H fonts may be lost")
                lines = [Line(decode_run(line.text, legacy[1]), where=line.where) for line in lines]
    return ReadResult(lines=tuple(lines), format="rtf", encoding=encoding,
                      pages=(PageInfo(page=1, path="rtf"),), warnings=tuple(warnings))
