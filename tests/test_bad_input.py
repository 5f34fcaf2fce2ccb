"""Bad input gives a clear message and a non-zero exit, never a traceback."""
from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from conftest import congvan_cmd


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
