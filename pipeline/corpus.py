"""Which files of a folder are letters: the one rule every stage uses.

Flow: folders -> **candidate letter files** -> reader -> ... Ingest, the
exports and `congvan tasks` walk folders with `discover` + `skip_by_name`
(what the name alone rules out, unread); after parsing, `not_a_letter` says
when plain text (or an image's OCR) holds nothing a letter has. `congvan
parse` gives the same reasons for one file, so a file refused by ingest is
refused by parse in the same words.
"""
from __future__ import annotations

import os
from collections.abc import Iterable
from functools import partial
from pathlib import Path
from typing import Any

import regex

# Names and extensions that are never letters: project files and data tables
# sitting next to letters in an archive folder.
_PROJECT_FILES = {"readme", "license", "licence", "copying", "changelog", "manifest", "notice", "authors",
                  "contributing", "makefile", "dockerfile"}
_DATA_EXTENSIONS = {".tsv", ".csv", ".json", ".jsonl", ".ndjson", ".yaml", ".yml", ".toml", ".ini", ".parquet",
                    ".duckdb", ".db", ".sqlite", ".wal", ".py", ".sh", ".js", ".css", ".ipynb", ".xlsx", ".xls",
                    ".zip", ".gz", ".tar", ".7z", ".rar", ".exe", ".dll", ".so", ".pyc", ".lock", ".log"}
# Marks every letter's page carries (motto, number line, addressee, distribution).
_LETTER_MARKS = regex.compile(
    r"C[ỘO]NG\s+H[ÒOÓ]A\s+X[ÃA]\s+H[ỘO]I|Độc\s+lập\s*[-–—]\s*Tự\s+do|Kính\s+gửi|Nơi\s+nhận|"
    r"\bV/v\b|(?<!\p{L})Số\s*:|\bngày\s+\d{1,2}\s+tháng\s+\d{1,2}\s+năm\s+\d{4}|"
    r"QUYẾT\s+ĐỊNH|CÔNG\s+ĐIỆN|THÔNG\s+(?:BÁO|TƯ)|KẾ\s+HOẠCH|NGHỊ\s+(?:QUYẾT|ĐỊNH)|CHỈ\s+THỊ",
    regex.IGNORECASE,
)
# What a reader that sniffs content calls each format, to name a file whose extension lies.
_FORMAT_EXTENSIONS = {"pdf": {".pdf"}, "docx": {".docx", ".docm", ".odt"}, "doc": {".doc", ".dot"},
                      "rtf": {".rtf", ".doc"}}


def discover(paths: Iterable[str | Path], problems: list[tuple[str, str]] | None = None) -> list[Path]:
    """Every regular file under the given files and folders (symbolic links not followed),
    in a stable order. What cannot be listed or looked at (a folder without permission, a
    path longer than the system allows) goes to `problems` as (path, reason), never lost."""
    found: set[str] = set()

    def trouble(path: str, exc: OSError) -> None:
        if problems is not None:
            problems.append((os.path.abspath(path), f"cannot read: {exc.strerror or exc}"))

    def walk_trouble(exc: OSError, top: str) -> None:
        trouble(exc.filename or top, exc)

    for p in paths:
        p = os.fspath(p)
        try:
            if os.path.isfile(p) and not os.path.islink(p):
                found.add(os.path.abspath(p))
                continue
        except OSError as exc:
            trouble(p, exc)
            continue
        for root, dirs, files in os.walk(p, onerror=partial(walk_trouble, top=p)):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for name in files:
                full = os.path.join(root, name)
                try:
                    if os.path.islink(full) or not os.path.isfile(full):
                        continue
                except OSError as exc:
                    trouble(full, exc)
                    continue
                found.add(os.path.abspath(full))
    return [Path(f) for f in sorted(found)]


def skip_by_name(path: Path) -> tuple[str, str] | None:
    """(kind, reason) when the name alone says this is not a letter."""
    name = path.name
    stem = name.split(".")[0].lower()
    ext = path.suffix.lower()
    if name.startswith("."):
        return "not_a_letter", "hidden file"
    if stem in _PROJECT_FILES:
        return "not_a_letter", f"{name} is a project file ({stem.upper()}), not a letter"
    if ext in _DATA_EXTENSIONS:
        return "not_a_letter", f"a {ext} file is data or code, not a letter"
    return None


def letter_files(paths: Iterable[str | Path]) -> list[Path]:
    """The files under the given files and folders that may be letters (`discover` less
    what `skip_by_name` rules out)."""
    return [p for p in discover(paths) if skip_by_name(p) is None]


def not_a_letter(letter: Any) -> str | None:
    """A reason when plain text (or an image's OCR) parsed to nothing a letter has."""
    if letter.format not in ("txt", "image"):
        return None
    has_number = letter.number is not None and (letter.number.number or letter.number.symbol)
    marks = {m.group(0).lower() for m in _LETTER_MARKS.finditer(letter.text[:20000])}
    if has_number or letter.issued is not None or len(marks) >= 2:
        return None
    reason = "no number line, issue date, national motto or addressee: not a letter"
    ext = Path(letter.file or "").suffix.lower()
    if any(ext in exts for exts in _FORMAT_EXTENSIONS.values()):
        reason = f"a {letter.format} file named {ext}: {reason}"
    return reason
