"""The bounded parse: one file -> rows for the store, within a time and memory limit.

Flow: ingest's plan -> engine (local pool or Dask) -> **a parse worker running
`parse_task`** -> rows -> ingest's writer. The same limits guard `congvan
parse` and the commands that parse files for an export (`limits`), so a
hostile file stops every command the same way: a `files` row (or one
error line) with its reason, never a hang or the machine's memory.

- Memory: the address space of the parsing process is capped (RLIMIT_AS);
  an allocation past it raises MemoryError, reported as "ran out of memory".
- Time: SIGALRM inside the parse raises `ParseTimeout` (repeating, so one
  that lands where Python swallows exceptions cannot let a runaway parse go
  on); where no alarm can reach (a C loop that never returns), the engine
  kills the process after a hard deadline.
"""
from __future__ import annotations

import contextlib
import hashlib
import os
import sys
import time
from collections.abc import Callable, Iterator
from typing import Any

from congvan.pipeline.corpus import not_a_letter

DEFAULT_TIMEOUT = 300.0
DEFAULT_MEMORY_MB = 4096


class ParseTimeout(BaseException):
    """Raised by SIGALRM inside a parse; a BaseException so parse_bytes_safe's
    catch-all does not turn it into an ordinary parse error."""


_ARMED = False


def _on_alarm(signum: int, frame: Any) -> None:
    if _ARMED:
        raise ParseTimeout()


def _on_term(signum: int, frame: Any) -> None:
    # A parse process told to stop (a hung file, a broken pool, an interrupted
    # ingest) must not leave LibreOffice running or its profile behind; os._exit
    # because a pool worker would catch SystemExit as a task's result and go on.
    doc = sys.modules.get("congvan.parsers.readers.doc")
    if doc is not None:
        doc.cleanup()
    os._exit(128 + signum)


def cap_memory(memory_mb: int | None) -> None:
    """Cap this process's address space (never raising a cap set from outside)."""
    if not memory_mb:
        return
    import resource

    limit = memory_mb * 1024 * 1024
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    if soft != resource.RLIM_INFINITY:
        limit = min(limit, soft)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


@contextlib.contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """Raise ParseTimeout in the body after `seconds` (main thread only; elsewhere a no-op,
    and the caller's own deadline rules)."""
    import signal
    import threading

    global _ARMED
    armed = bool(seconds) and threading.current_thread() is threading.main_thread()
    if armed:
        signal.signal(signal.SIGALRM, _on_alarm)
        _ARMED = True
        signal.setitimer(signal.ITIMER_REAL, float(seconds or 0), max(0.01, min(1.0, float(seconds or 0) / 10)))
    try:
        yield
    finally:
        _ARMED = False
        if armed:
            signal.setitimer(signal.ITIMER_REAL, 0)


@contextlib.contextmanager
def limits(timeout: float | None = DEFAULT_TIMEOUT, memory_mb: int | None = DEFAULT_MEMORY_MB) -> Iterator[None]:
    """The limits of an ingest worker, for a command that parses in its own process
    (`congvan parse`): the memory cap stays for the rest of the process."""
    cap_memory(memory_mb)
    with time_limit(timeout):
        yield


def init_worker(memory_mb: int | None) -> None:
    """Parse-process initializer: cap the address space, arm the stop handler, warm the parser."""
    import signal

    cap_memory(memory_mb)
    signal.signal(signal.SIGALRM, _on_alarm)
    signal.signal(signal.SIGTERM, _on_term)
    # An interrupted ingest stops its workers itself; a Ctrl-C reaching them too
    # must not turn a file in flight into a spurious failure.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # Import the parser before any time limit is armed: an alarm landing inside
    # a first import would leave half-initialised modules behind for every later file.
    from congvan.pipeline.parse import parse_string

    parse_string("Số: 1/UBND-VP\nHà Nội, ngày 1 tháng 1 năm 2020\n")
    # Tesseract's OpenMP threads fight each other across worker processes.
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")


def stored_path(path: str) -> str:
    """The path as the store keeps it: a name that is not UTF-8 (bytes from another
    system) is kept with its odd bytes escaped (`caf\\xe9.txt`), never refused."""
    try:
        path.encode("utf-8")
        return path
    except UnicodeEncodeError:
        return os.fsencode(path).decode("utf-8", "backslashreplace")


def failed_rows(path: str, digest: str | None, size: int | None, fmt: str | None, kind: str, reason: str,
                seconds: float | None = None) -> dict[str, Any]:
    from congvan.pipeline import store

    return {"files": [store.file_row(stored_path(path), digest, size, fmt, "failed", kind=kind, reason=reason,
                                     parse_seconds=seconds)]}


def parse_task(path: str, timeout: float | None, data: bytes | None = None, digest: str | None = None,
               size: int | None = None) -> dict[str, Any]:
    """Parse one file into store rows under the time limit; never raises (every failure
    is a `files` row). `data` carries the bytes when the worker may not see the client's
    disk (Dask); otherwise the file is read here, once. The rows describe the bytes that
    were parsed: they are hashed here, so a file rewritten after the client hashed it is
    stored with its new hash."""
    t0 = time.perf_counter()
    fmt = None
    try:
        from congvan.models.records import FailedFile

        try:
            with time_limit(timeout):
                result, digest, size = _parse(path, data, digest, size)
        except ParseTimeout:
            result = FailedFile(file=stored_path(path), reason=f"parsing took longer than the {timeout:g} s limit",
                                kind="timeout")
        fmt = getattr(result, "format", None)
        if fmt is None and data is not None:
            from congvan.parsers.readers import sniff_format

            fmt = sniff_format(data[:65536])
        return _rows(path, digest, size, result, round(time.perf_counter() - t0, 4))
    except MemoryError:
        return failed_rows(path, digest, size, fmt, "too_large", "ran out of memory while parsing",
                           round(time.perf_counter() - t0, 4))
    except Exception as exc:  # noqa: BLE001 - building one file's rows must never stop a batch
        return failed_rows(path, digest, size, fmt, "bug", f"{type(exc).__name__}: {exc}",
                           round(time.perf_counter() - t0, 4))


def parse_many(task: Callable[..., dict[str, Any]], jobs: list[tuple[str, str | None, int | None]],
               timeout: float | None) -> list[dict[str, Any]]:
    """Several small files in one task (fewer round trips to the worker), each by `task`
    (`parse_task`, passed along so a stand-in reaches the worker too) with its own limit."""
    out = []
    for path, digest, size in jobs:
        try:
            out.append(task(path, timeout, None, digest, size))
        except Exception as exc:  # noqa: BLE001 - a task that raised fails its own file, not its neighbours
            out.append(failed_rows(path, digest, size, None, "bug", f"{type(exc).__name__}: {exc}"))
    return out


def _parse(path: str, data: bytes | None, digest: str | None,
           size: int | None) -> tuple[Any, str | None, int | None]:
    from congvan.models.records import FailedFile
    from congvan.parsers.readers import ReadError
    from congvan.pipeline.parse import parse_bytes_safe, read_capped

    if data is None:
        try:
            data = read_capped(path)
        except ReadError as exc:
            return FailedFile(file=stored_path(path), reason=str(exc), kind=exc.kind), digest, size
    digest, size = hashlib.sha256(data).hexdigest(), len(data)
    return parse_bytes_safe(data, stored_path(path), content_hash=digest), digest, size


def _rows(path: str, digest: str | None, size: int | None, result: Any, seconds: float) -> dict[str, Any]:
    from congvan.models.records import FailedFile
    from congvan.pipeline import store

    name = stored_path(path)
    if isinstance(result, FailedFile):
        return {"files": [store.failed_row(name, digest, size, result, seconds)]}
    reason = not_a_letter(result)
    if reason:
        return {"files": [store.file_row(name, digest, size, result.format, "skipped", kind="no_letter_marks",
                                         reason=reason, parse_seconds=seconds)]}
    rows = store.letter_rows(result)
    letter_row = rows["letters"][0]
    rows["files"] = [store.file_row(name, digest, size, result.format, "ok", letter_id=result.id,
                                    parse_seconds=seconds, ocr_used=letter_row["ocr_used"],
                                    reason="; ".join(result.warnings[:3]) or None)]
    return rows
