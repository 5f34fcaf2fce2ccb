"""Bad input gives a clear message and a non-zero exit, never a traceback."""
from __future__ import annotations

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
