"""Build the sample letters in `data/samples/` that the format-agreement test reads.

Place in the flow: this is a fixture generator, not part of the parser. It
takes real letters (the two seed letters and TVPL web-page letters from the
corpus), writes each as one clean UTF-8 TXT, and from that one text makes:

- a DOCX laid out like a real letter (borderless two-column header table,
  `Kính gửi`, justified body, borderless two-column footer table);
- a PDF of that DOCX, exported by LibreOffice (a born-digital text PDF);
- a scanned PDF: the PDF's pages rendered at 200 dpi, lightly rotated, blurred
  and noised (seeded), grey, wrapped back into a PDF with no text layer;
- legacy-encoded copies of the TXT: TCVN3, VNI, Windows-1258, UTF-16 and
  UTF-8 with byte-order marks.

Every format therefore holds the same letter, so `tests/test_format_agreement.py`
can demand that every reader gives the parser the same fields.

It also copies a handful of real corpus files, unchanged, into `data/samples/`
(see `data/samples/README.md`).

Run: `.venv/bin/python scripts/make_samples.py` (needs `soffice`, `pdftoppm`,
`iconv`). The output is deterministic: fixed seeds, fixed timestamps inside
DOCX zips and PDFs, and a file is only rewritten when its bytes change.
"""
from __future__ import annotations

import hashlib
import io
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
import unicodedata
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import numpy as np
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from PIL import Image, ImageFilter

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "data" / "samples"
GENERATED = SAMPLES / "generated"
SHARED = Path(os.environ.get("CONGVAN_SHARED", "/work/shared"))
CORPUS = SHARED / "corpus" / "real"

SEED = 20230427  # seed 001's issue date: any fixed number would do
SCAN_DPI = 200
LO_PROFILE = "file:///tmp/lo_profile_samples"
FIXED_ZIP_TIME = (2020, 1, 1, 0, 0, 0)
FIXED_PDF_DATE = b"D:20200101000000"

# Seed letters: copied as they are and used as the TXT of their generated set.
SEEDS = ["000_dd14468687b73df9.txt", "001_091bf70c372fa8e6.txt"]
# TVPL web-page letters with gold files: the document is cut out of the page.
TVPL_LETTERS = [
    "095_cv-11306-vpcp-nn-van-phong-chinh-phu.txt",
    "084_cv-17986-btc-ct-bo-tai-chinh.txt",
]
# Real files copied unchanged, each for a reader path (README.md says which).
CORPUS_COPIES = TVPL_LETTERS + [
    "199_cv-5964-tchq-txnk-tong-cuc-hai-quan.txt",
    "255_cv-11779-btc-cst-bo-tai-chinh.txt",
    "050_cv-193-ubnd-kt-lao-cai-2026.pdf",
    "061_cv-ubnd-kt-lao-cai-draft-2025-uy-quyen.docx",
    "070_cv-sct-cn-lao-cai-draft-2026-3155.docx",
    "078_cv-sct-cn-lao-cai-draft-2025-tham-dinh-tkxd.doc",
    "021_qd-144-2002-qd-btc-tcvn3.doc",
    "029_qd-991-qd-ubnd-binh-phuoc-2008-vni.doc",
    "036_tt-117-2000-tt-btc-tcvn3.rtf",
]
TRANSCRIPTS = ["021_qd-144-2002-qd-btc-tcvn3", "029_qd-991-qd-ubnd-binh-phuoc-2008-vni", "036_tt-117-2000-tt-btc-tcvn3"]

# The legacy encodings written for every generated letter: suffix -> writer.
LEGACY_SUFFIXES = ("tcvn3", "vni", "cp1258", "utf16", "utf8bom")


# ---------------------------------------------------------------- writing

def write_if_changed(path: Path, data: bytes) -> bool:
    """Write only when the bytes differ, so a second run leaves git clean."""
    if path.exists() and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return True


# ---------------------------------------------------------------- TVPL page -> letter text

_RULE_LINE = re.compile(r"^-{3,}$")
_LIST_START = re.compile(r"^(?:[-+–]\s|\d+(?:\.\d+)*\.\s|[a-zđ]\)\s|[IVXL]+\.\s|Điều \d+)")
_DATE_LINE = re.compile(r"^[^\d,]{2,40}, ngày\b")
_MOTTO = re.compile(r"^(?:CỘNG HÒA|CỘNG HOÀ|Độc lập)")


def _is_caps_bold(line: str) -> bool:
    """`**VĂN PHÒNG CHÍNH PHỦ**`: a bold line in capitals (an issuing body)."""
    inner = line[2:-2]
    return (line.startswith("**") and line.endswith("**") and "*" not in inner
            and inner == inner.upper() and sum(c.isalpha() for c in inner) >= 3)


def _marker_state(line: str, bold: bool, italic: bool) -> tuple[bool, bool]:
    """Markdown emphasis state after a line: `*` toggles italics, `**` bold."""
    for run in re.findall(r"\*+", line):
        for _ in range(len(run) // 2):
            bold = not bold
        if len(run) % 2:
            italic = not italic
    return bold, italic


def _join_spans(lines: list[str]) -> list[tuple[str, bool]]:
    """Join lines that sit inside one emphasis span (TVPL wraps `**KT. BỘ
    TRƯỞNG,\\nCHỦ NHIỆM**` and `*V/v ...\\n...*`), then drop the markup.
    Each result says whether the whole line was one emphasised span (an
    italic note in brackets is a paragraph of its own)."""
    out: list[tuple[str, bool]] = []
    buf = ""
    bold = italic = False
    for line in lines:
        buf = f"{buf} {line}" if buf else line
        bold, italic = _marker_state(line, bold, italic)
        if not (bold or italic):
            whole = buf.startswith("*") and buf.endswith("*")
            out.append((re.sub(r"\s+", " ", buf.replace("*", "")).strip(), whole))
            buf = ""
    if buf:
        out.append((re.sub(r"\s+", " ", buf.replace("*", "")).strip(), False))
    return out


def _paragraphs(lines: list[tuple[str, bool]]) -> list[str]:
    """Re-join TVPL's wrapped body lines into paragraphs.

    A new paragraph starts at a list label, after a line that ends a sentence
    or a lead-in (`.`, `;`, `:`), around a line that is one emphasised span,
    and, inside `Kính gửi`, at a capital (its wrapped continuation lines start
    in lower case: `trực thuộc Trung ương`).
    """
    paras: list[str] = []
    closed = True  # the last paragraph may not take more lines
    for line, whole in lines:
        if not line:
            continue
        prev = paras[-1] if paras else ""
        starts_new = (
            closed
            or whole
            or bool(_LIST_START.match(line))
            or line.startswith("Kính gửi")
            or prev.rstrip().endswith((".", ";", ":", "!", "?"))
            or (prev.startswith("Kính gửi") and line[:1].isupper())
        )
        if starts_new:
            paras.append(line)
        else:
            paras[-1] = f"{prev} {line}"
        closed = whole
    return paras


def tvpl_letter_text(page: str) -> str:
    """The letter inside a thuvienphapluat page, as plain text in the seed layout.

    The page is site chrome, a metadata table, the letter as table cells
    separated by `|` lines, then the page title (`<Loại> <Số hiệu> ...`) and
    related-document lists. The letter starts at the first all-capitals bold
    line after the metadata table (the issuing body) and ends before the title.
    """
    lines = [ln.rstrip() for ln in page.split("\n")]
    meta: dict[str, str] = {}
    for i, ln in enumerate(lines):
        m = re.fullmatch(r"\*\*\s*([^*:]+):\*\*", ln.strip())
        if m and i + 2 < len(lines) and lines[i + 1].strip() == "|":
            meta[m.group(1).strip()] = lines[i + 2].strip()
    number_symbol, kind = meta["Số hiệu"], meta["Loại văn bản"]
    meta_start = next(i for i, ln in enumerate(lines) if ln.strip() == "**Số hiệu:**")
    start = next(i for i in range(meta_start, len(lines)) if _is_caps_bold(lines[i].strip()))
    end = next(i for i in range(start, len(lines)) if lines[i].startswith(f"{kind} {number_symbol}"))
    cells: list[list[str]] = [[]]
    for ln in lines[start:end]:
        if ln.strip() == "|":
            cells.append([])
        elif ln.strip() and not _RULE_LINE.match(ln.strip()):
            cells[-1].append(ln.strip())
    cells = [c for c in cells if c]

    left: list[str] = []
    right: list[str] = []
    body: list[str] = []
    footer_left: list[str] = []
    signature: list[str] = []
    for cell in cells:
        spans = _join_spans(cell)
        joined = [text for text, _ in spans]
        head = joined[0]
        if any(_MOTTO.match(s) for s in joined):
            right.extend(joined)
        elif _DATE_LINE.match(head):
            right.extend(joined)
        elif head.startswith("Kính gửi"):
            body.extend(_paragraphs(spans))
        elif head.startswith("Nơi nhận"):
            entries: list[str] = []
            for s in joined[1:]:
                if s.startswith(("-", "–")) or not entries:
                    entries.append(s)
                else:
                    entries[-1] = f"{entries[-1]} {s}"
            footer_left = [head] + entries
        elif body:
            signature.extend(joined)
        else:
            left.extend(joined)
    # Seed layout: header names, motto, number and subject, date, then blocks.
    motto = [s for s in right if not _DATE_LINE.match(s)]
    date = [s for s in right if _DATE_LINE.match(s)]
    names = [s for s in left if not s.startswith(("Số", "V/v"))]
    number = [s for s in left if s.startswith(("Số", "V/v"))]
    out = names + [""] + motto + [""] + number + [""] + date + [""]
    for p in body:
        out += [p, ""]
    out += footer_left + [""] + signature
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------- letter text -> parts

@dataclass
class Parts:
    """A letter's text cut into the places it takes on the page."""

    left_header: list[tuple[str, bool]] = field(default_factory=list)  # (text, bold)
    right_header: list[tuple[str, str]] = field(default_factory=list)  # (text, "motto"|"date")
    salutation: list[str] = field(default_factory=list)  # Kính gửi line(s)
    body: list[str] = field(default_factory=list)
    footer_left: list[str] = field(default_factory=list)
    footer_right: list[str] = field(default_factory=list)


def split_letter(text: str) -> Parts:
    """Cut a letter's TXT into header columns, salutation, body and footer.

    Rules, from the page layout: everything before `Kính gửi` is the header
    (motto and place-date line on the right, the rest on the left; the last
    capitals line before `Số:` is the issuer, set in bold); `Kính gửi` and the
    dash lines after it are the salutation; `Nơi nhận` and its dash lines are
    the left footer; what follows them is the signature block.
    """
    lines = [ln.strip() for ln in text.replace("\r", "").split("\n")]
    lines = [ln for ln in lines if ln]
    kg = next(i for i, ln in enumerate(lines) if ln.startswith("Kính gửi"))
    nn = next(i for i in range(kg, len(lines)) if lines[i].startswith("Nơi nhận"))
    parts = Parts()
    header = lines[:kg]
    left = [ln for ln in header if not (_MOTTO.match(ln) or _DATE_LINE.match(ln))]
    so = next((i for i, ln in enumerate(left) if ln.startswith("Số")), len(left))
    issuer_idx = so - 1 if so > 0 else None
    parts.left_header = [(ln, i == issuer_idx) for i, ln in enumerate(left)]
    parts.right_header = [(ln, "date" if _DATE_LINE.match(ln) else "motto") for ln in header if ln not in left]
    i = kg + 1
    parts.salutation = [lines[kg]]
    while i < nn and lines[i].startswith(("-", "–", "+")):
        parts.salutation.append(lines[i])
        i += 1
    parts.body = lines[i:nn]
    j = nn + 1
    parts.footer_left = [lines[nn]]
    while j < len(lines) and lines[j].startswith(("-", "–", "~")):
        parts.footer_left.append(lines[j])
        j += 1
    parts.footer_right = lines[j:]
    return parts


# ---------------------------------------------------------------- DOCX

def _no_borders(table) -> None:  # noqa: ANN001 - python-docx Table
    """Letters put header and footer in tables with every border off."""
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "nil")
        borders.append(el)
    tbl_pr.append(borders)


def _set_widths(table, widths: tuple[float, float]) -> None:  # noqa: ANN001
    """Column widths in cm, in the grid too: LibreOffice lays out by the grid."""
    for col, cm in zip(table._tbl.tblGrid.findall(qn("w:gridCol")), widths):
        col.set(qn("w:w"), str(int(Cm(cm).twips)))
    for cell, cm in zip(table.rows[0].cells, widths):
        cell.width = Cm(cm)


def _set_font(run, size: float, bold: bool = False, italic: bool = False) -> None:  # noqa: ANN001
    run.font.name = "Times New Roman"
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.italic = italic
    # Word picks the East Asian slot for some Vietnamese letters: pin it too.
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "Times New Roman")


def _add_runs(par, text: str, size: float, bold: bool = False, italic: bool = False) -> None:  # noqa: ANN001
    """Add text whose markdown `**...**` spans (seed 000) become bold runs."""
    pieces = re.split(r"(\*\*)", text)
    on = bold
    for piece in pieces:
        if piece == "**":
            on = not on
            continue
        if piece:
            _set_font(par.add_run(piece), size, bold=on, italic=italic)


def _cell_par(cell, first: bool, align=WD_ALIGN_PARAGRAPH.CENTER):  # noqa: ANN001, ANN202
    par = cell.paragraphs[0] if first else cell.add_paragraph()
    par.alignment = align
    par.paragraph_format.space_after = Pt(0)
    par.paragraph_format.space_before = Pt(0)
    return par


def _strip_md(lines: list[str]) -> tuple[list[str], list[bool]]:
    """Drop `**` markers spanning lines (seed 000's signature), remembering bold."""
    out, bolds, on = [], [], False
    for ln in lines:
        starts_on = on
        on = on ^ (ln.count("**") % 2 == 1)
        out.append(ln.replace("**", ""))
        bolds.append(starts_on or "**" in ln)
    return out, bolds


def build_docx(parts: Parts, title: str) -> bytes:
    doc = Document()
    sec = doc.sections[0]
    sec.page_width, sec.page_height = Cm(21), Cm(29.7)
    sec.top_margin, sec.bottom_margin = Cm(2), Cm(2)
    sec.left_margin, sec.right_margin = Cm(3), Cm(2)
    normal = doc.styles["Normal"]
    normal.font.name = "Times New Roman"
    normal.font.size = Pt(14)
    cp = doc.core_properties
    cp.title, cp.author, cp.last_modified_by = title, "congvan make_samples", "congvan make_samples"
    cp.created = cp.modified = datetime(2020, 1, 1)
    cp.revision = 1

    # Header: left 7.5 cm (bodies, number, subject), right 9.5 cm (motto, date): a little wider than the text, as real letters are.
    table = doc.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _no_borders(table)
    _set_widths(table, (7.5, 9.5))
    left, right = table.rows[0].cells
    for k, (ln, bold) in enumerate(parts.left_header):
        par = _cell_par(left, k == 0)
        is_name = not ln.startswith(("Số", "V/v"))
        size = 13 if is_name or ln.startswith("Số") else 12
        if ln.startswith("Số") and k > 0:
            par.paragraph_format.space_before = Pt(6)
        _add_runs(par, ln, size, bold=bold)
    if not parts.left_header:
        _cell_par(left, True)
    for k, (ln, kind) in enumerate(parts.right_header):
        par = _cell_par(right, k == 0)
        if kind == "date":
            par.paragraph_format.space_before = Pt(12)
            _add_runs(par, ln, 14, italic=True)
        else:
            _add_runs(par, ln, 12 if ln.isupper() else 13, bold=True)
    if not parts.right_header:
        _cell_par(right, True)

    # Kính gửi: one centred line, or a label with the addressees as a list.
    for k, ln in enumerate(parts.salutation):
        par = doc.add_paragraph()
        par.paragraph_format.space_before = Pt(12 if k == 0 else 0)
        par.paragraph_format.space_after = Pt(0)
        if len(parts.salutation) == 1:
            par.alignment = WD_ALIGN_PARAGRAPH.CENTER
        else:
            par.paragraph_format.left_indent = Cm(3 if k else 2)
        _add_runs(par, ln, 14)

    first = True
    for ln in parts.body:
        par = doc.add_paragraph()
        par.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        fmt = par.paragraph_format
        fmt.first_line_indent = Cm(1)
        fmt.space_before = Pt(12 if first else 0)
        fmt.space_after = Pt(6)
        fmt.line_spacing = 1.15
        first = False
        _add_runs(par, ln, 14)

    # Footer: left 7 cm (Nơi nhận, 12/11 pt), right 9 cm (signature, bold).
    table = doc.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _no_borders(table)
    _set_widths(table, (7, 9))
    left, right = table.rows[0].cells
    for k, ln in enumerate(parts.footer_left):
        par = _cell_par(left, k == 0, WD_ALIGN_PARAGRAPH.LEFT)
        if k == 0:
            par.paragraph_format.space_before = Pt(12)
            _add_runs(par, ln, 12, bold=True, italic=True)
        else:
            _add_runs(par, ln, 11)
    texts, bolds = _strip_md(parts.footer_right)
    for k, (ln, bold) in enumerate(zip(texts, bolds)):
        par = _cell_par(right, k == 0)
        if k == 0:
            par.paragraph_format.space_before = Pt(12)
        is_name = k == len(texts) - 1
        if is_name:
            par.paragraph_format.space_before = Pt(60)  # room for signature and seal
        _set_font(par.add_run(ln), 14, bold=bold or ln.isupper() or is_name)
    if not texts:
        _cell_par(right, True)

    buf = io.BytesIO()
    doc.save(buf)
    return _fixed_zip(buf.getvalue())


def _fixed_zip(data: bytes) -> bytes:
    """Rewrite a zip with fixed entry times (python-docx stamps the clock)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            new = zipfile.ZipInfo(info.filename, FIXED_ZIP_TIME)
            new.compress_type = zipfile.ZIP_DEFLATED
            new.external_attr = info.external_attr
            dst.writestr(new, src.read(info.filename))
    return out.getvalue()


# ---------------------------------------------------------------- PDF

def _fix_pdf_stamps(data: bytes) -> bytes:
    """Replace creation/modification dates and the file ID with fixed values of
    the same length, so offsets in the xref table stay right."""
    def date(m: re.Match[bytes]) -> bytes:
        value = m.group(2)
        fixed = (FIXED_PDF_DATE + value[len(FIXED_PDF_DATE):]) if len(value) >= len(FIXED_PDF_DATE) else value
        return m.group(1) + fixed + m.group(3)

    data = re.sub(rb"(/(?:CreationDate|ModDate)\s*\()([^)]*)(\))", date, data)
    data = re.sub(rb"(<xmp:(?:CreateDate|ModifyDate|MetadataDate)>)([^<]*)(</)", lambda m: m.group(1) + b"2020-01-01T00:00:00" + b" " * max(0, len(m.group(2)) - 19) + m.group(3), data)
    # LibreOffice's /DocChecksum covers the original dates: replace it too.
    unstamped = re.sub(rb"/DocChecksum\s*/[0-9A-Fa-f]+", b"", re.sub(rb"/ID\s*\[[^\]]*\]", b"", data))
    digest = hashlib.md5(unstamped).hexdigest().encode()
    data = re.sub(rb"(/DocChecksum\s*/)([0-9A-Fa-f]+)",
                  lambda m: m.group(1) + digest.upper()[: len(m.group(2))].ljust(len(m.group(2)), b"0"), data)

    def ident(m: re.Match[bytes]) -> bytes:
        def one(h: re.Match[bytes]) -> bytes:
            n = len(h.group(1))
            return b"<" + (digest * (n // len(digest) + 1))[:n] + b">"
        return re.sub(rb"<([0-9A-Fa-f]+)>", one, m.group(0))

    return re.sub(rb"/ID\s*\[[^\]]*\]", ident, data)


def docx_to_pdf(docx_path: Path, workdir: Path) -> bytes:
    """Export with LibreOffice headless, with its own profile so it never
    meets a user's running office."""
    env = dict(os.environ, SOURCE_DATE_EPOCH="1577836800")
    subprocess.run(
        ["soffice", f"-env:UserInstallation={LO_PROFILE}", "--headless", "--convert-to", "pdf",
         "--outdir", str(workdir), str(docx_path)],
        check=True, capture_output=True, timeout=180, env=env,
    )
    return _fix_pdf_stamps((workdir / (docx_path.stem + ".pdf")).read_bytes())


def scan_pdf(pdf_path: Path, workdir: Path, seed: int) -> bytes:
    """A scanner's view of a printed PDF: grey pages at 200 dpi, a slight skew,
    blur and noise, and no text layer."""
    prefix = workdir / "page"
    subprocess.run(["pdftoppm", "-r", str(SCAN_DPI), "-gray", "-png", str(pdf_path), str(prefix)],
                   check=True, capture_output=True, timeout=300)
    rng = np.random.default_rng(seed)
    pyrng = random.Random(seed)
    pages: list[Image.Image] = []
    for png in sorted(workdir.glob("page-*.png")):
        img = Image.open(png).convert("L")
        angle = pyrng.uniform(0.3, 1.0) * pyrng.choice((-1, 1))
        img = img.rotate(angle, resample=Image.Resampling.BICUBIC, expand=False, fillcolor=255)
        img = img.filter(ImageFilter.GaussianBlur(0.6))
        arr = np.asarray(img, dtype=np.float32)
        arr = arr + rng.normal(0.0, 6.0, arr.shape)
        # A few dark specks, as dust on the glass leaves.
        specks = rng.random(arr.shape) < 0.00015
        arr[specks] = rng.uniform(0, 120, int(specks.sum()))
        pages.append(Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8), "L"))
    out = io.BytesIO()
    stamp = time.gmtime(1577836800)  # Pillow wants a struct_time
    pages[0].save(out, "PDF", save_all=True, append_images=pages[1:], resolution=float(SCAN_DPI),
                  quality=70, title="scan", creationDate=stamp, modDate=stamp)
    return _fix_pdf_stamps(out.getvalue())


# ---------------------------------------------------------------- legacy encodings

_ASCII_PUNCT = {"–": "-", "—": "-", "“": '"', "”": '"', "‘": "'", "’": "'", "…": "...", "\u00a0": " "}
_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def _ascii_punct(text: str) -> str:
    return "".join(_ASCII_PUNCT.get(c, c) for c in text)


def to_tcvn3(text: str) -> bytes:
    """TCVN3 (ABC) bytes. TCVN3 has no toned capitals: real files print them
    in a `.VnTimeH` font with the lowercase codes, so they are lowered here."""
    chars = []
    for c in unicodedata.normalize("NFC", _ascii_punct(text)):
        if c.isupper() and _TONES & set(unicodedata.normalize("NFD", c)):
            c = c.lower()
        chars.append(c)
    res = subprocess.run(["iconv", "-f", "UTF-8", "-t", "TCVN5712-1"], input="".join(chars).encode(),
                         check=True, capture_output=True)
    return res.stdout


def to_vni(text: str) -> bytes:
    """VNI-Windows bytes, by inverting viparse's VNI table."""
    from viparse.normalize.vni import VNI

    inverse = {uni: seq for seq, uni in VNI.pairs}
    missing = sorted({c for c in text if ord(c) > 127 and c not in inverse and c not in _ASCII_PUNCT
                      and not _latin1_ok(c)})
    if missing:
        raise SystemExit(f"VNI table has no code for {missing}: pick another letter or extend the table")
    out = "".join(inverse.get(c, c) for c in unicodedata.normalize("NFC", _ascii_punct(text)))
    return out.encode("latin-1")


def _latin1_ok(c: str) -> bool:
    try:
        c.encode("latin-1")
    except UnicodeEncodeError:
        return False
    return True


def to_cp1258(text: str) -> bytes:
    res = subprocess.run(["iconv", "-f", "UTF-8", "-t", "CP1258"], input=text.encode(),
                         check=True, capture_output=True)
    return res.stdout


LEGACY_WRITERS = {
    "tcvn3": to_tcvn3,
    "vni": to_vni,
    "cp1258": to_cp1258,
    "utf16": lambda t: t.encode("utf-16"),  # Python writes the BOM, little-endian
    "utf8bom": lambda t: t.encode("utf-8-sig"),
}


# ---------------------------------------------------------------- driver

def copy_real_files() -> list[str]:
    changed = []
    for name in SEEDS:
        if write_if_changed(SAMPLES / name, (SHARED / "seeds" / name).read_bytes()):
            changed.append(name)
    for name in CORPUS_COPIES:
        if write_if_changed(SAMPLES / name, (CORPUS / name).read_bytes()):
            changed.append(name)
    # Gold answers travel with the samples, so the tests need nothing outside the repo;
    # their "file" is the sample's own name, so `congvan evaluate --gold data/samples/gold`
    # finds the letters beside the gold folder.
    for name in SEEDS + CORPUS_COPIES:
        stem = Path(name).stem
        gold = SHARED / "gold" / f"{stem}.json"
        if not gold.exists():
            gold = SHARED / "gold" / "corpus" / f"{stem}.json"
        if not gold.exists():
            continue
        record = json.loads(gold.read_text(encoding="utf-8"))
        record["file"] = name
        data = (json.dumps(record, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
        if write_if_changed(SAMPLES / "gold" / gold.name, data):
            changed.append(f"gold/{gold.name}")
    for stem in TRANSCRIPTS:
        rel = f"legacy_transcripts/{stem}.groundtruth.txt"
        if write_if_changed(SAMPLES / rel, (CORPUS / rel).read_bytes()):
            changed.append(rel)
    return changed


def letter_texts() -> dict[str, str]:
    """stem -> the clean UTF-8 letter text every generated format is made from."""
    texts = {Path(n).stem: (SAMPLES / n).read_text(encoding="utf-8") for n in SEEDS}
    for name in TVPL_LETTERS:
        texts[Path(name).stem] = tvpl_letter_text((SAMPLES / name).read_text(encoding="utf-8"))
    return texts


def generate(stem: str, text: str, seed: int) -> list[str]:
    changed: list[str] = []

    def put(name: str, data: bytes) -> None:
        if write_if_changed(GENERATED / name, data):
            changed.append(name)

    put(f"{stem}.txt", text.encode("utf-8"))
    for suffix in LEGACY_SUFFIXES:
        put(f"{stem}.{suffix}.txt", LEGACY_WRITERS[suffix](text))
    docx_bytes = build_docx(split_letter(text), stem)
    put(f"{stem}.docx", docx_bytes)
    with tempfile.TemporaryDirectory(prefix="make_samples_") as tmp:
        work = Path(tmp)
        (work / f"{stem}.docx").write_bytes(docx_bytes)
        pdf = docx_to_pdf(work / f"{stem}.docx", work)
        put(f"{stem}.pdf", pdf)
        (work / "in.pdf").write_bytes(pdf)
        put(f"{stem}.scan.pdf", scan_pdf(work / "in.pdf", work, seed))
    return changed


def main() -> int:
    for tool in ("soffice", "pdftoppm", "iconv"):
        if not shutil.which(tool):
            print(f"make_samples: `{tool}` is not installed", file=sys.stderr)
            return 1
    SAMPLES.mkdir(parents=True, exist_ok=True)
    changed = copy_real_files()
    for k, (stem, text) in enumerate(sorted(letter_texts().items())):
        changed += generate(stem, text, SEED + k)
    print(f"make_samples: {len(changed)} file(s) written" + (": " + ", ".join(changed) if changed else " (all up to date)"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
