"""One file -> one Letter: read (any format), parse, derive action items.

The single entry point every caller shares (the CLI, `congvan.parse`, batch
ingestion), so a letter parsed anywhere comes out the same. Batch code uses
`parse_file_safe`, which turns every failure into a `FailedFile` value.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

from congvan.models.records import FailedFile, Letter
from congvan.parsers.letter import parse_read_result
from congvan.parsers.readers import ReadError, read_bytes, sniff_format
from congvan.parsers.readers.base import ReadResult, lines_from_text


def _finish(letter: Letter) -> Letter:
    try:
        from congvan.pipeline.tasks import derive_action_items
    except ImportError:  # the task stage is optional for parsing
        return letter
    return letter.model_copy(update={"action_items": tuple(derive_action_items(letter))})


def parse_bytes(data: bytes, name: str = "<bytes>", *, file: str | None = None) -> Letter:
    digest = hashlib.sha256(data).hexdigest()
    read = read_bytes(data, name)
    return _finish(parse_read_result(read, file=file or name, content_hash=digest))


def parse_file(path: str | Path) -> Letter:
    """Parse one file; raises `ReadError` (with `.kind`) when it cannot be read."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ReadError("unreadable", f"cannot read {path}: {exc.strerror or exc}") from exc
    return parse_bytes(data, path.name, file=str(path))


def parse_string(text: str, *, file: str | None = None) -> Letter:
    read = ReadResult(lines=lines_from_text(text), format="txt", encoding="str")
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return _finish(parse_read_result(read, file=file, content_hash=digest))


def parse_file_safe(path: str | Path) -> Letter | FailedFile:
    """Like `parse_file`, but a failure is returned as a value, never raised."""
    path = Path(path)
    fmt = None
    try:
        with path.open("rb") as fh:
            fmt = sniff_format(fh.read(4096))
        return parse_file(path)
    except ReadError as exc:
        return FailedFile(file=str(path), format=fmt, reason=str(exc), kind=exc.kind)
    except MemoryError:
        return FailedFile(file=str(path), format=fmt, reason="ran out of memory while parsing", kind="too_large")
    except Exception as exc:  # noqa: BLE001 - one bad file must never stop a batch
        return FailedFile(file=str(path), format=fmt, reason=f"{type(exc).__name__}: {exc}", kind="bug")
