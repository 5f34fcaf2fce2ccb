"""One file -> one Letter: read (any format), then parse (`parsers.letter`).

The single entry point every caller shares (the CLI, `congvan.parse`, batch
ingestion), so a letter parsed anywhere comes out the same. Batch code uses
`parse_file_safe` / `parse_bytes_safe`, which turn every failure into a
`FailedFile` value. A file is read once (`read_capped`, which refuses what is
over the size limit before reading it) and hashed once.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

from congvan.models.records import FailedFile, Letter
from congvan.parsers.letter import parse_read_result
from congvan.parsers.readers import MAX_FILE_BYTES, ReadError, read_bytes, sniff_format
from congvan.parsers.readers.base import ReadResult, lines_from_text


def too_large(size: int) -> ReadError:
    """The error for a file over the one-letter size limit (the message `read_bytes` gives)."""
    return ReadError("too_large", f"{size // 1048576} MB is over the {MAX_FILE_BYTES // 1048576} MB limit for one letter")


def read_capped(path: str | Path) -> bytes:
    """A file's bytes, refusing (ReadError) a file over the size limit before reading it."""
    path = Path(path)
    try:
        with path.open("rb") as fh:
            size = fh.seek(0, 2)
            if size > MAX_FILE_BYTES:
                raise too_large(size)
            fh.seek(0)
            # Read one byte past the limit: a file that grew after the size check is still refused.
            data = fh.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise ReadError("unreadable", f"cannot read {path}: {exc.strerror or exc}") from exc
    if len(data) > MAX_FILE_BYTES:
        raise too_large(len(data))
    return data


def parse_bytes(data: bytes, name: str = "<bytes>", *, file: str | None = None,
                content_hash: str | None = None) -> Letter:
    """Parse a letter's bytes; `content_hash` (sha256 hex of `data`) spares hashing them again."""
    digest = content_hash or hashlib.sha256(data).hexdigest()
    read = read_bytes(data, name)
    return parse_read_result(read, file=file or name, content_hash=digest)


def parse_file(path: str | Path) -> Letter:
    """Parse one file; raises `ReadError` (with `.kind`) when it cannot be read."""
    path = Path(path)
    return parse_bytes(read_capped(path), path.name, file=str(path))


def parse_string(text: str, *, file: str | None = None) -> Letter:
    read = ReadResult(lines=lines_from_text(text), format="txt", encoding="str")
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return parse_read_result(read, file=file, content_hash=digest)


def parse_bytes_safe(data: bytes, file: str, *, content_hash: str | None = None) -> Letter | FailedFile:
    """Like `parse_bytes`, but a failure is returned as a value, never raised."""
    fmt = sniff_format(data[:65536])
    try:
        return parse_bytes(data, Path(file).name, file=file, content_hash=content_hash)
    except ReadError as exc:
        return FailedFile(file=file, content_hash=content_hash, format=fmt, reason=str(exc), kind=exc.kind)
    except MemoryError:
        return FailedFile(file=file, content_hash=content_hash, format=fmt,
                          reason="ran out of memory while parsing", kind="too_large")
    except Exception as exc:  # noqa: BLE001 - one bad file must never stop a batch
        return FailedFile(file=file, content_hash=content_hash, format=fmt,
                          reason=f"{type(exc).__name__}: {exc}", kind="bug")


def parse_file_safe(path: str | Path) -> Letter | FailedFile:
    """Like `parse_file`, but a failure is returned as a value, never raised."""
    try:
        data = read_capped(path)
    except ReadError as exc:
        fmt = None
        if exc.kind == "too_large":
            # Name the format from the head alone: the body is never read.
            try:
                with Path(path).open("rb") as fh:
                    fmt = sniff_format(fh.read(65536))
            except OSError:
                pass
        return FailedFile(file=str(path), format=fmt, reason=str(exc), kind=exc.kind)
    return parse_bytes_safe(data, str(path))
