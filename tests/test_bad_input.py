"""Bad input gives a clear message and a non-zero exit, never a traceback."""
from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from conftest import congvan_cmd
from hostile import png


def _run(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run([*congvan_cmd(), "parse", "--json", str(path)], capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("empty.txt", b"", "empty"),
        ("garbage.txt", os.urandom(50_000), "binary"),
        ("latin.txt", ("Grüße aus Köln, schöne Straße. " * 50).encode("latin-1"), "encoding"),
        ("zero.pdf", b"", "empty"),
    ],
)
def test_bad_files_give_clear_errors(tmp_path: Path, name: str, content: bytes, words: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    out = _run(path)
    assert out.returncode != 0
    assert out.stdout == ""
    assert "Traceback" not in out.stderr
    assert words in out.stderr.lower() and name in out.stderr


def test_fifty_megabyte_text_file(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    line = "Thực hiện Công văn số 4217/UBND-TH ngày 04/5/2023 của UBND tỉnh Khánh Hòa.\n".encode()
    with path.open("wb") as fh:
        for _ in range(50 * 1024 * 1024 // len(line) + 1):
            fh.write(line)
    out = _run(path)
    assert out.returncode != 0 and "Traceback" not in out.stderr
    assert "MB" in out.stderr


def test_missing_file_and_folder(tmp_path: Path) -> None:
    out = _run(tmp_path / "nope.txt")
    assert out.returncode != 0 and "no such file" in out.stderr
    out = _run(tmp_path)
    assert out.returncode != 0 and "folder" in out.stderr


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([*congvan_cmd(), *args], capture_output=True, text=True, timeout=120)


def test_version_and_short_help() -> None:
    from congvan import __version__

    out = _cli("--version")
    assert out.returncode == 0 and out.stdout.strip() == f"congvan {__version__}"
    for args in (("-h",), ("parse", "-h"), ("evaluate", "-h")):
        out = _cli(*args)
        assert out.returncode == 0 and "Usage: congvan" in out.stdout, args


def test_parse_refuses_what_ingest_skips_with_the_same_reason(tmp_path: Path) -> None:
    from congvan.pipeline.ingest import ingest

    readme = tmp_path / "README.md"
    readme.write_text("# Dự án\n\nHướng dẫn cài đặt và sử dụng công cụ đọc văn bản.\n", encoding="utf-8")
    fake = tmp_path / "to-trinh.docx"   # plain text under a Word name
    fake.write_text("Danh sách việc cần làm trong tuần: họp giao ban, mua văn phòng phẩm.\n", encoding="utf-8")
    db = tmp_path / "s.duckdb"
    ingest([tmp_path], db, workers=1, log=lambda s: None)
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    reasons = dict(con.execute("SELECT path, reason FROM files").fetchall())
    con.close()
    for path in (readme, fake):
        out = _cli("parse", "--json", str(path))
        assert out.returncode == 2 and out.stdout == ""
        (line,) = out.stderr.strip().splitlines()
        assert line.startswith("congvan: error:") and reasons[str(path)] in line
    assert "named .docx" in reasons[str(fake)]
    forced = _cli("parse", "--json", "--force", str(fake))
    assert forced.returncode == 0 and json.loads(forced.stdout)["number"] is None


def test_parse_refuses_a_fifo_without_waiting(tmp_path: Path) -> None:
    fifo = tmp_path / "letter.txt"
    os.mkfifo(fifo)
    out = _cli("parse", str(fifo))   # the timeout fails the test if parse opened the pipe
    assert out.returncode == 2 and "not a regular file" in out.stderr


def test_parse_has_the_limits_of_an_ingest_worker(tmp_path: Path) -> None:
    big = tmp_path / "long.txt"
    line = "Thực hiện Công văn số 4217/UBND-TH ngày 04/5/2023 của UBND tỉnh Khánh Hòa.\n"
    big.write_text(line * 200_000, encoding="utf-8")           # 18 MB of citations
    out = _cli("parse", "--timeout", "1", str(big))
    assert out.returncode == 2 and "longer than the 1 s limit" in out.stderr and "--timeout" in out.stderr
    out = _cli("parse", "--memory-mb", "300", str(big))
    assert out.returncode == 2 and "ran out of memory" in out.stderr and "--memory-mb" in out.stderr
    assert "Traceback" not in out.stderr


@pytest.mark.parametrize(("width", "height"), [(50, 200_000), (8_000_000, 1), (20_001, 3_000)])
def test_image_not_shaped_like_a_page_is_refused_before_decoding(tmp_path: Path, width: int, height: int) -> None:
    path = tmp_path / "scan.png"
    path.write_bytes(png(width, height))
    assert path.stat().st_size < 2_000_000
    out = _cli("parse", str(path))
    assert out.returncode == 2 and "not the shape of a page" in out.stderr and "Traceback" not in out.stderr


def _pdf(objects: list[bytes]) -> bytes:
    out = b"%PDF-1.4\n"
    offsets = []
    for i, obj in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1) + b"".join(b"%010d 00000 n \n" % o for o in offsets)
    return out + b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)


def test_pdf_compression_bomb_is_refused_without_inflating_it(tmp_path: Path) -> None:
    import resource
    import zlib

    z = zlib.compressobj(9)
    stream = b"".join(z.compress(b" " * (1 << 20)) for _ in range(300)) + z.flush()   # 300 MB of spaces
    path = tmp_path / "bomb.pdf"
    path.write_bytes(_pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                           b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
                           b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream"]))
    proc = subprocess.Popen([*congvan_cmd(), "parse", str(path)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    _, status, usage = os.wait4(proc.pid, 0)
    err = proc.stderr.read()
    assert os.waitstatus_to_exitcode(status) == 2 and "compression bomb" in err
    assert usage.ru_maxrss < 1_000_000        # KiB: well under the 300 MB it would inflate to, plus the 1 GB it did
    del resource


def test_scanned_pages_past_the_ocr_limit_are_left_out_with_a_warning(tmp_path: Path) -> None:
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.load_default(size=44)
    frames = []
    for i in range(3):
        img = Image.new("L", (1654, 2339), 255)
        draw = ImageDraw.Draw(img)
        for k, line in enumerate(("Kinh gui: So Tai chinh", f"Trang so {i + 1} cua van ban", "Noi nhan: Luu VT")):
            draw.text((200, 300 + 90 * k), line, fill=0, font=font)
        frames.append(img)
    path = tmp_path / "scan.tif"
    frames[0].save(path, save_all=True, append_images=frames[1:], dpi=(200, 200))
    out = _cli("parse", "--json", "--force", "--ocr-pages", "1", str(path))
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert len(data["pages"]) == 1
    assert any("pages 2-3 are not read: over the 1-page OCR limit" in w for w in data["warnings"])


def test_a_long_scanned_pdf_reads_its_first_pages_within_the_ocr_limit(tmp_path: Path) -> None:
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.load_default(size=30)
    pages = []
    for i in range(60):                     # sixty scanned pages, each a small image
        img = Image.new("L", (827, 1170), 255)
        ImageDraw.Draw(img).text((100, 150), f"Kinh gui: So Tai chinh, trang {i + 1}", fill=0, font=font)
        pages.append(img)
    path = tmp_path / "scan.pdf"
    pages[0].save(path, save_all=True, append_images=pages[1:], resolution=100)
    out = _cli("parse", "--json", "--force", "--ocr-pages", "2", str(path))
    assert out.returncode == 0, out.stderr
    warnings = json.loads(out.stdout)["warnings"]
    assert any("pages 3-60 (58) are scans and were not read" in w and "--ocr-pages" in w for w in warnings)
