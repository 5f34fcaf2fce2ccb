"""Bulk ingestion: folders of files -> plan -> parse workers -> the DuckDB store -> graph.

Flow: file -> reader -> text -> field parsers -> Letter -> **store** (this
module drives it) -> graph -> exports. Three steps, overlapping:

- plan: walk the trees (`corpus.discover`), skip what the name alone rules
  out (data tables, the store itself) unread, hash every other file once
  and decide what is already done (same path and bytes in `files`), what
  only needs a new `files` row (the same bytes stored under another path),
  and what must be parsed. The plan is a generator: files are hashed while
  the first ones parse.
- run: an engine (`engines.run_local` or `engines.run_dask`) parses each
  planned file in a bounded worker (`sandbox.parse_task`) into rows.
- write: the client alone writes, in batched transactions (`Writer`), so a
  SIGKILL loses at most the open batch, which the next run parses again: a
  killed-and-resumed run ends with the same tables as a clean one. Ctrl-C or
  SIGTERM stop the workers, commit what is done and end the run.

Afterwards the citation graph is resolved again where this run's letters
(new, replaced, removed) reach it, with exactly the result a rebuild over the
whole store gives, so the order of ingestion does not matter. A file that
cannot be parsed is a `files` row with its reason, never an exception.
"""
from __future__ import annotations

import hashlib
import os
import signal
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from congvan.pipeline import sandbox
from congvan.pipeline.corpus import discover, skip_by_name
from congvan.pipeline.engines import Job, head_format

DEFAULT_TIMEOUT = sandbox.DEFAULT_TIMEOUT
DEFAULT_MEMORY_MB = sandbox.DEFAULT_MEMORY_MB
BATCH_FILES = 200
BATCH_SECONDS = 2.0


def file_hash(path: Path) -> tuple[str, int]:
    """(sha256 hex, size) of a file, read in chunks."""
    h = hashlib.sha256()
    size = 0
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
            size += len(chunk)
    return h.hexdigest(), size


class Interrupted(Exception):
    """The run was stopped (Ctrl-C, SIGTERM): what was done is committed."""

    def __init__(self, signum: int, report: IngestReport) -> None:
        super().__init__(f"interrupted by {signal.Signals(signum).name}")
        self.signum = signum
        self.report = report


@dataclass
class IngestReport:
    """What one run did. Every file seen is counted exactly once, by what happened to it:
    `unchanged` (same path and bytes already stored), `skipped_by_name`, `reused` (bytes
    already parsed, now or before, under another path), or `parsed_now`, a new result
    that is one of `ok`, `failed` (files refused before parsing included: too large,
    unreadable) and `not_letters`."""

    db: str
    files: list[str] = field(default_factory=list)   # every path seen this run (as stored)
    unchanged: int = 0
    skipped_by_name: int = 0
    reused: int = 0
    parsed_now: int = 0
    ok: int = 0
    failed: int = 0
    not_letters: int = 0
    interrupted: bool = False
    seconds: float = 0.0
    graph_seconds: float = 0.0

    def line(self) -> str:
        head = f"ingest: {len(self.files)} files: {self.parsed_now} parsed now ({self.ok} letters, " \
               f"{self.failed} failed, {self.not_letters} not letters), {self.reused} same bytes as a stored file, " \
               f"{self.skipped_by_name} skipped by name, {self.unchanged} already in the store"
        tail = f"; {self.seconds:.1f} s (graph {self.graph_seconds:.2f} s)"
        return head + (" - interrupted, run again to go on" if self.interrupted else "") + tail


# ---------------------------------------------------------------------- plan


_RESULT = ("format", "status", "kind", "reason", "letter_id", "ocr_used")


@dataclass
class _Known:
    """What the store already holds: each path's hash and status, and one result per hash."""

    paths: dict[str, tuple[str | None, str]]
    results: dict[str, dict[str, Any]]

    @classmethod
    def load(cls, con: Any, retry_failed: bool) -> _Known:
        paths = {r[0]: (r[1], r[2]) for r in con.execute("SELECT path, content_hash, status FROM files").fetchall()}
        results: dict[str, dict[str, Any]] = {}
        for row in con.execute(
            "SELECT content_hash, format, status, kind, reason, letter_id, ocr_used, path FROM files "
            "WHERE content_hash IS NOT NULL AND (status IN ('ok', 'failed') OR kind = 'no_letter_marks') ORDER BY path"
        ).fetchall():
            if row[0] not in results and not (row[2] == "failed" and retry_failed):
                results[row[0]] = dict(zip((*_RESULT, "same_as"), row[1:]))
        return cls(paths, results)


def plan(paths: list[Path], known: _Known, report: IngestReport, write: Callable[[dict[str, Any]], None],
         refused: Callable[[dict[str, Any]], None], *, retry_failed: bool,
         waiting: dict[str, list[tuple[str, int]]]) -> Iterator[Job]:
    """The files to parse, as they are hashed. Every other file's row goes to `write` at
    once, or to `refused` for a file failed before parsing (too large, unreadable).
    `waiting` collects, per hash being parsed, the other paths with the same bytes."""
    from congvan.parsers.readers import MAX_FILE_BYTES
    from congvan.pipeline import store
    from congvan.pipeline.parse import too_large

    for path in paths:
        real = str(path)
        sp = sandbox.stored_path(real)
        report.files.append(sp)
        # The name first: project files, data tables (and the store itself, if it
        # sits in the folder) are never read in full, let alone hashed.
        named = skip_by_name(path)
        if named:
            report.skipped_by_name += 1
            if known.paths.get(sp, (None, None))[1] == "skipped":
                continue   # a name is skipped for good: nothing to redo
            try:
                size: int | None = path.stat().st_size
            except OSError:
                size = None
            write({"files": [store.file_row(sp, None, size, head_format(real), "skipped",
                                            kind=named[0], reason=named[1])]})
            continue
        try:
            size = path.stat().st_size
            if size > MAX_FILE_BYTES:
                # Refused before reading: not worth hashing, nor sending to a worker.
                refused(sandbox.failed_rows(real, None, size, head_format(real), "too_large", str(too_large(size))))
                continue
            digest, size = file_hash(path)
        except OSError as exc:
            refused(sandbox.failed_rows(real, None, None, None, "unreadable", f"cannot read: {exc.strerror or exc}"))
            continue
        prev = known.paths.get(sp)
        if prev and prev[0] == digest and not (retry_failed and prev[1] == "failed"):
            report.unchanged += 1
            continue
        if digest in known.results:
            r = known.results[digest]
            write({"files": [store.file_row(sp, digest, size, r["format"], r["status"], kind=r["kind"],
                                            reason=r["reason"], letter_id=r["letter_id"],
                                            ocr_used=r["ocr_used"], same_as=r["same_as"])]})
            report.reused += 1
            continue
        if digest in waiting:
            waiting[digest].append((sp, size))
            continue
        waiting[digest] = []
        yield Job(real, digest, size)


# --------------------------------------------------------------------- write


class Writer:
    """Batches rows and commits them, a batch of files per transaction."""

    def __init__(self, con: Any, *, batch_files: int, log: Callable[[str], None] | None) -> None:
        self.con, self.batch_files, self.log = con, batch_files, log
        self.pending: list[dict[str, Any]] = []
        self.last = time.monotonic()
        self.committed = 0
        self.letter_ids: set[str] = set()   # letters written this run: the graph resolves them again

    def add(self, rows: dict[str, Any]) -> None:
        self.pending.append(rows)
        if len(self.pending) >= self.batch_files or time.monotonic() - self.last > BATCH_SECONDS:
            self.flush()

    def flush(self) -> None:
        from congvan.pipeline import store

        if self.pending:
            store.write_batch(self.con, self.pending)
            self.letter_ids.update(r["letter_id"] for rows in self.pending for r in rows.get("letters", ()))
            self.committed += len(self.pending)
            self.pending.clear()
            if self.log:   # in logs, say what is safely stored
                self.log(f"ingest: {self.committed} files committed")
        self.last = time.monotonic()


# ---------------------------------------------------------------------- run


class _Progress:
    """Progress over bytes, not files: one scanned PDF weighs as much as many text letters,
    so an ETA from file counts swings as the mix changes."""

    def __init__(self, total_bytes: int, log: Callable[[str], None] | None, every: float = 5.0) -> None:
        self.total, self.every = max(1, total_bytes), every
        self.done = self.files = 0
        self.t0 = self.last = time.monotonic()
        self.bar = None
        self.log = log
        if log is None and sys.stderr.isatty():
            from tqdm import tqdm

            self.bar = tqdm(total=total_bytes, unit="B", unit_scale=True, desc="ingest", smoothing=0.05,
                            dynamic_ncols=True)
        elif log is None:
            self.log = lambda s: print(s, file=sys.stderr, flush=True)

    def update(self, size: int | None) -> None:
        self.files += 1
        self.done += size or 0
        if self.bar is not None:
            self.bar.update(size or 0)
            return
        now = time.monotonic()
        if self.log and now - self.last >= self.every:
            self.last = now
            rate = self.done / max(now - self.t0, 1e-9)
            eta = f"eta {(self.total - self.done) / rate:.0f} s" if rate and self.done > 0.02 * self.total else "eta ?"
            self.log(f"ingest: {self.files} files parsed, {self.done / 1e6:.1f} of {self.total / 1e6:.1f} MB "
                     f"({self.files / (now - self.t0):.1f} files/s, {eta})")

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def _count(report: IngestReport, rows: dict[str, Any]) -> None:
    """Count a file with a new result (parsed, or refused before parsing)."""
    report.parsed_now += 1
    status = rows["files"][0]["status"]
    if status == "ok":
        report.ok += 1
    elif status == "failed":
        report.failed += 1
    else:
        report.not_letters += 1


def ingest(paths: Iterable[str | Path], db: str | Path, *, workers: int | None = None, engine: str = "local",
           scheduler: str | None = None, timeout: float = DEFAULT_TIMEOUT, memory_mb: int | None = DEFAULT_MEMORY_MB,
           retry_failed: bool = False, batch_files: int = BATCH_FILES, log: Callable[[str], None] | None = None,
           resolve: bool = True, rebuild_graph: bool = False) -> IngestReport:
    """Ingest every file under `paths` into the store at `db`, then resolve the graph
    (incrementally: what this run's letters reach; over the whole store with `rebuild_graph`).
    Raises `Interrupted` (after committing what was done) on Ctrl-C or SIGTERM."""
    from congvan.pipeline import engines, store

    if engine not in ("local", "dask"):
        raise ValueError(f"unknown engine {engine!r}: use local or dask")
    t_start = time.perf_counter()
    report = IngestReport(db=str(db))
    # Reach the scheduler before touching the store: a wrong address leaves nothing behind.
    client = engines.dask_client(scheduler, workers=workers or 2, memory_mb=memory_mb) if engine == "dask" else None
    stop: list[int] = []

    def on_signal(signum: int, frame: Any) -> None:
        stop.append(signum)
        raise KeyboardInterrupt

    old = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)} if _main_thread() else {}
    for s in old:
        signal.signal(s, on_signal)
    con = None
    try:
        con = store.connect(db)
        known = _Known.load(con, retry_failed)
        problems: list[tuple[str, str]] = []
        found = discover(paths, problems)
        waiting: dict[str, list[tuple[str, int]]] = {}
        progress = _Progress(sum(_size(p) for p in found if not skip_by_name(p)), log)
        writer = Writer(con, batch_files=batch_files, log=progress.log)

        def emit(rows: dict[str, Any]) -> None:
            frow = rows["files"][0]
            writer.add(rows)
            _count(report, rows)
            progress.update(frow.get("size"))
            digest = frow["content_hash"]
            if not digest:
                return
            for other, size in waiting.pop(digest, []):
                writer.add({"files": [dict(frow, path=other, size=size, parse_seconds=None, same_as=frow["path"])]})
                report.reused += 1
            # The plan is still walking: the same bytes met later reuse this result.
            known.results.setdefault(digest, {**{k: frow[k] for k in _RESULT}, "same_as": frow["path"]})

        def refused(rows: dict[str, Any]) -> None:
            writer.add(rows)
            _count(report, rows)

        for where, reason in problems:   # a folder that cannot be listed, a path too long: reported
            report.files.append(sandbox.stored_path(where))
            refused(sandbox.failed_rows(where, None, None, None, "unreadable", reason))
        jobs = plan(found, known, report, writer.add, refused, retry_failed=retry_failed, waiting=waiting)
        try:
            if engine == "dask":
                engines.run_dask(jobs, emit, client=client, timeout=timeout, memory_mb=memory_mb,
                                 workers=workers or 2)
            else:
                engines.run_local(jobs, emit, workers=workers or os.cpu_count() or 1, timeout=timeout,
                                  memory_mb=memory_mb)
        except KeyboardInterrupt:
            report.interrupted = True
        finally:
            progress.close()
            writer.flush()
        removed = store.drop_orphans(con)
        store.settle_letter_files(con)
        if resolve and not report.interrupted:
            from congvan.pipeline.graph import resolve_store

            t_graph = time.perf_counter()
            resolve_store(con, writer.letter_ids | set(removed), full=rebuild_graph)
            report.graph_seconds = time.perf_counter() - t_graph
        con.execute("CHECKPOINT")
    finally:
        for s, handler in old.items():
            signal.signal(s, handler)
        if con is not None:
            con.close()
        if client is not None:
            engines.close_dask(client)
    report.seconds = time.perf_counter() - t_start
    if report.interrupted:
        raise Interrupted(stop[0] if stop else signal.SIGINT, report)
    return report


def _main_thread() -> bool:
    import threading

    return threading.current_thread() is threading.main_thread()


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


# ------------------------------------------------------------------- summary


LISTED = 20  # failed or skipped files named one by one in the run's report


def summary_lines(db: str | Path, paths: list[str]) -> list[str]:
    """The run's report: one `files N parsed P failed F skipped S` line, the share
    of letters with a number, an issuer and an issue date per format, the first
    failed and skipped files with their reasons (all of them are in the store)."""
    # Imported here, not at the top: every parse worker imports this module and never needs pandas.
    import pandas as pd

    from congvan.pipeline import store

    con = store.connect(db, read_only=True)
    try:
        con.register("_seen", pd.DataFrame({"path": paths}))
        counts = dict(con.execute(
            "SELECT status, count(*) FROM files JOIN _seen USING (path) GROUP BY status").fetchall())
        lines = [f"files {len(paths)} parsed {counts.get('ok', 0)} failed {counts.get('failed', 0)} "
                 f"skipped {counts.get('skipped', 0)}"]
        per_format = con.execute("""
            SELECT coalesce(f.format, '?') AS format, count(*) AS n,
                   avg(CASE WHEN l.number IS NOT NULL THEN 1 ELSE 0 END) AS number,
                   avg(CASE WHEN l.issuer IS NOT NULL THEN 1 ELSE 0 END) AS issuer,
                   avg(CASE WHEN l.issued IS NOT NULL THEN 1 ELSE 0 END) AS issued
            FROM files f JOIN _seen USING (path) JOIN letters l USING (letter_id)
            WHERE f.status = 'ok' GROUP BY 1 ORDER BY 1
        """).fetchall()
        if per_format:
            lines.append(f"{'format':<8}{'letters':>8}{'number':>9}{'issuer':>9}{'issued':>9}")
            for fmt, n, a, b, c in per_format:
                lines.append(f"{fmt:<8}{n:>8}{a:>9.0%}{b:>9.0%}{c:>9.0%}")
        for status, listed in (("failed", "path, coalesce(reason, '') || ' [' || coalesce(kind, '?') || ']'"),
                               ("skipped", "path, coalesce(reason, '')")):
            # An archive may fail or skip thousands of files: the first few here, all in the store.
            rows = con.execute(f"SELECT {listed} FROM files JOIN _seen USING (path) WHERE status = ? "
                               f"ORDER BY path LIMIT {LISTED + 1}", [status]).fetchall()
            lines += [f"{status} {path}: {reason}" for path, reason in rows[:LISTED]]
            if len(rows) > LISTED:
                more = counts.get(status, 0) - LISTED
                lines.append(f"... and {more} more {status} files: SELECT path, reason FROM files WHERE status = '{status}'")
        return lines
    finally:
        con.close()
