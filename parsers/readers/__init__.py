"""Format readers: a file's bytes -> `ReadResult` (lines with layout).

`read_file()` sniffs the format from the content (never the extension) and
hands the bytes to the reader for it. Each reader lives in its own module and
is imported only when a file of its kind arrives, so reading a text letter
never pays for PDF or OCR imports.
"""
from __future__ import annotations

import importlib
from pathlib import Path

from congvan.parsers.readers.base import Line, ReadError, ReadResult

__all__ = ["Line", "ReadError", "ReadResult", "read_bytes", "read_file", "sniff_format"]

MAX_FILE_BYTES = 200 * 1024 * 1024

# format -> "module:function"; each function takes (bytes, name) and returns a ReadResult.
READERS: dict[str, str] = {
    "txt": "congvan.parsers.readers.text:read_text_file",
    "pdf": "congvan.parsers.readers.pdf:read_pdf",
    "docx": "congvan.parsers.readers.docx:read_docx",
    "doc": "congvan.parsers.readers.doc:read_doc",
    "rtf": "congvan.parsers.readers.rtf:read_rtf",
    "image": "congvan.parsers.readers.image:read_image",
}


def sniff_format(data: bytes) -> str:
    """Name the format from the leading bytes: pdf, docx, doc, rtf, image, zip, txt."""
    head = data[:2048]
    if head.lstrip(b"\x00\t\r\n ")[:5] == b"%PDF-" or b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        if b"word/" in data[:65536] or b"[Content_Types].xml" in data[:65536]:
            return "docx"
        return "zip"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "doc"
    if head.lstrip().startswith(b"{\\rtf"):
        return "rtf"
    if head.startswith((b"\x89PNG", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*", b"BM")):
        return "image"
    return "txt"


def read_bytes(data: bytes, name: str = "<bytes>") -> ReadResult:
    """Read a letter's bytes; raises `ReadError` with a kind and a clear reason."""
    if not data:
        raise ReadError("empty", "the file is empty (0 bytes)")
    if len(data) > MAX_FILE_BYTES:
        raise ReadError("too_large", f"{len(data) // 1048576} MB is over the {MAX_FILE_BYTES // 1048576} MB limit for one letter")
    fmt = sniff_format(data)
    if fmt == "zip":
        raise ReadError("unsupported", "a ZIP archive that is not a Word document")
    module, func = READERS[fmt].split(":")
    try:
        reader = getattr(importlib.import_module(module), func)
    except (ImportError, AttributeError) as exc:
        raise ReadError("unsupported", f"no reader for {fmt} files is available here: {exc}") from exc
    return reader(data, name)


def read_file(path: str | Path) -> ReadResult:
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ReadError("too_large", f"{size // 1048576} MB is over the {MAX_FILE_BYTES // 1048576} MB limit for one letter")
        data = path.read_bytes()
    except OSError as exc:
        raise ReadError("unreadable", f"cannot read {path}: {exc.strerror or exc}") from exc
    return read_bytes(data, path.name)
