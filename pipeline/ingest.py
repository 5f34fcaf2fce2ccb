"""Bulk ingestion: folders of files -> parse workers -> the DuckDB store -> graph.

Flow: file -> reader -> text -> field parsers -> records -> **store** (this
module drives it) -> graph/tasks -> exports. The client walks the trees,
skips what the name alone rules out (data tables, the store itself) unread,
hashes every other file once and decides what is already done; workers
(local processes or Dask distributed workers) get the client's hash and size,
read each file once (Dask: the client sends the bytes), parse and turn each
letter into rows; the client alone writes, in batched transactions.
Re-running skips every file whose path and content hash are already in
`files`; a SIGKILL loses at most the open batch, which the next run parses
again, so a killed-and-resumed run ends with the same tables as a clean one.
Afterwards the citation graph is resolved over the whole store, so the order
of ingestion does not matter.

A file that cannot be parsed is a `files` row with its reason, never an
exception, in both engines alike: anything a parse or its row building
raises is a `bug` row with the exception's text; the parse has a time limit
(SIGALRM inside the parse, plus a hard deadline after which the parse
process is killed: the local pool's own workers, or the child process a Dask
task parses in) and an address-space limit (RLIMIT_AS); a worker that dies
takes only its own file down: the files that were in flight with it are
re-run one at a time to find the one that killed it.
"""
from __future__ import annotations

import hashlib
import os
import sys
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

from congvan.pipeline.corpus import discover, not_a_letter, skip_by_name

DEFAULT_TIMEOUT = 300.0
DEFAULT_MEMORY_MB = 4096
BATCH_FILES = 200
BATCH_SECONDS = 2.0


# ------------------------------------------------------------------ deciding


def file_hash(path: Path) -> tuple[str, int]:
    """(sha256 hex, size) of a file, read in chunks."""
    h = hashlib.sha256()
    size = 0
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
            size += len(chunk)
    return h.hexdigest(), size


@dataclass(frozen=True)
class Job:
    """One file to parse, with the hash and size the client computed (so no one hashes it again)."""

    path: str
    digest: str
    size: int


# ------------------------------------------------------------------- workers


class ParseTimeout(BaseException):
    """Raised by SIGALRM inside a worker; a BaseException so parse_bytes_safe's
    catch-all does not turn it into an ordinary parse error."""


_ARMED = False


def _on_alarm(signum: int, frame: Any) -> None:
    if _ARMED:
        raise ParseTimeout()


def _on_term(signum: int, frame: Any) -> None:
    # A parse process told to stop (a hung file, a broken pool) must not leave
    # LibreOffice running or its profile behind; os._exit because a pool worker
    # would catch SystemExit as a task's result and go on.
    doc = sys.modules.get("congvan.parsers.readers.doc")
    if doc is not None:
        doc.cleanup()
    os._exit(128 + signum)


def init_worker(memory_mb: int | None) -> None:
    """Parse-process initializer: cap the address space, arm the time limit and stop handlers."""
    import signal

    if memory_mb:
        import resource

        limit = memory_mb * 1024 * 1024
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    signal.signal(signal.SIGALRM, _on_alarm)
    signal.signal(signal.SIGTERM, _on_term)
    # Import the parser before any time limit is armed: an alarm landing inside
    # a first import would leave half-initialised modules behind for every later file.
    from congvan.pipeline.parse import parse_string

    parse_string("Số: 1/UBND-VP\nHà Nội, ngày 1 tháng 1 năm 2020\n")
    # Tesseract's OpenMP threads fight each other across worker processes.
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")


def _failed(path: str, digest: str | None, size: int | None, fmt: str | None, kind: str, reason: str,
            seconds: float | None = None) -> dict[str, Any]:
    from congvan.pipeline import store

    return {"files": [store.file_row(path, digest, size, fmt, "failed", kind=kind, reason=reason,
                                     parse_seconds=seconds)]}


def parse_task(path: str, timeout: float | None, data: bytes | None = None, digest: str | None = None,
               size: int | None = None) -> dict[str, Any]:
    """Parse one file into store rows; never raises (every failure is a `files` row).

    `digest` and `size` are the client's: the file is not hashed again unless
    the bytes read here differ in size (the file changed after the client saw it).
    `data` carries the bytes when the worker may not see the client's disk (Dask);
    otherwise the file is read here, once.
    """
    t0 = time.perf_counter()
    fmt = None
    try:
        from congvan.parsers.readers import sniff_format

        result, digest, size = _parse_timed(path, timeout, data, digest, size)
        fmt = getattr(result, "format", None)
        if data is not None and fmt is None:
            fmt = sniff_format(data[:65536])
        return _rows(path, digest, size, result, round(time.perf_counter() - t0, 4))
    except MemoryError:
        return _failed(path, digest, size, fmt, "too_large", "ran out of memory while parsing",
                       round(time.perf_counter() - t0, 4))
    except Exception as exc:  # noqa: BLE001 - building one file's rows must never stop a batch
        return _failed(path, digest, size, fmt, "bug", f"{type(exc).__name__}: {exc}",
                       round(time.perf_counter() - t0, 4))


def _parse_timed(path: str, timeout: float | None, data: bytes | None, digest: str | None,
                 size: int | None) -> tuple[Any, str | None, int | None]:
    """(Letter or FailedFile, digest, size) under the SIGALRM time limit."""
    import signal
    import threading

    from congvan.models.records import FailedFile

    global _ARMED
    # SIGALRM only reaches the main thread: elsewhere the caller's deadline rules.
    armed = bool(timeout) and threading.current_thread() is threading.main_thread()
    if armed:
        signal.signal(signal.SIGALRM, _on_alarm)
        _ARMED = True
        # The alarm repeats: one that lands where Python swallows exceptions
        # (a __del__, a callback) must not let a runaway parse go on for ever.
        signal.setitimer(signal.ITIMER_REAL, float(timeout), max(0.01, min(1.0, float(timeout) / 10)))  # type: ignore[arg-type]
    try:
        try:
            return _parse_safe(path, data, digest, size)
        finally:
            _ARMED = False
            if armed:
                signal.setitimer(signal.ITIMER_REAL, 0)
    except ParseTimeout:
        return (FailedFile(file=path, reason=f"parsing took longer than the {timeout:g} s limit", kind="timeout"),
                digest, size)


def _parse_safe(path: str, data: bytes | None, digest: str | None,
                size: int | None) -> tuple[Any, str | None, int | None]:
    from congvan.models.records import FailedFile
    from congvan.parsers.readers import ReadError
    from congvan.pipeline.parse import parse_bytes_safe, read_capped

    if data is None:
        try:
            data = read_capped(path)
        except ReadError as exc:
            return FailedFile(file=path, reason=str(exc), kind=exc.kind), digest, size
    if digest is None or size != len(data):
        # Hash what is parsed: the row must describe these bytes, not what the client saw.
        digest, size = hashlib.sha256(data).hexdigest(), len(data)
    return parse_bytes_safe(data, path, content_hash=digest), digest, size


def _rows(path: str, digest: str | None, size: int | None, result: Any, seconds: float) -> dict[str, Any]:
    from congvan.models.records import FailedFile
    from congvan.pipeline import store

    if isinstance(result, FailedFile):
        return {"files": [store.failed_row(path, digest, size, result, seconds)]}
    reason = not_a_letter(result)
    if reason:
        return {"files": [store.file_row(path, digest, size, result.format, "skipped", kind="no_letter_marks",
                                         reason=reason, parse_seconds=seconds)]}
    rows = store.letter_rows(result)
    letter_row = rows["letters"][0]
    rows["files"] = [store.file_row(path, digest, size, result.format, "ok", letter_id=result.id,
                                    parse_seconds=seconds, ocr_used=letter_row["ocr_used"],
                                    reason="; ".join(result.warnings[:3]) or None)]
    return rows


def _head_format(path: str) -> str | None:
    from congvan.parsers.readers import sniff_format

    try:
        with open(path, "rb") as fh:
            return sniff_format(fh.read(65536))
    except OSError:
        return None


def _lost(job: Job, kind: str, reason: str) -> dict[str, Any]:
    """The row for a file whose worker gave no answer (it died, hung, or raised)."""
    return _failed(job.path, job.digest, job.size, _head_format(job.path), kind, reason)


def _task_error(job: Job, exc: BaseException) -> dict[str, Any]:
    """A task that raised instead of returning rows: the engine's own failure, a failed row all the same."""
    name = type(exc).__name__
    if name == "KilledWorker":
        return _lost(job, "crash", f"the Dask worker died on this file: {exc}")
    return _lost(job, "bug", f"{name}: {exc}")


# ------------------------------------------------------------------- engines


def _kill_pool(procs: dict[int, Any], grace: float = 3.0) -> None:
    """Stop the given pool worker processes: SIGTERM (they stop LibreOffice), then SIGKILL.

    Only processes the pool itself started are passed in, never
    `multiprocessing.active_children()`, which in a notebook holds other work.
    """
    for proc in procs.values():
        try:
            proc.terminate()
        except (OSError, AttributeError, ValueError):
            pass
    end = time.monotonic() + grace
    for proc in procs.values():
        try:
            proc.join(max(0.0, end - time.monotonic()))
            if proc.is_alive():
                proc.kill()
        except (OSError, AttributeError, ValueError, AssertionError):
            pass


def run_local(jobs: list[Job], emit: Callable[[dict[str, Any]], None], *, workers: int, timeout: float,
              memory_mb: int | None) -> None:
    """Parse on a process pool; `emit` gets each file's rows as soon as it is done."""
    import multiprocessing
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
    from concurrent.futures.process import BrokenProcessPool

    ctx = multiprocessing.get_context("forkserver")
    # A worker stuck where SIGALRM cannot reach it is killed after this long.
    hard_limit = 2 * timeout + 30
    queue: deque[Job] = deque(jobs)
    solo: deque[Job] = deque()   # suspects of a crash, re-run one at a time
    while queue or solo:
        alone = bool(solo)
        source = solo if alone else queue
        width = 1 if alone else workers
        pool = ProcessPoolExecutor(width, mp_context=ctx, initializer=init_worker, initargs=(memory_mb,),
                                   max_tasks_per_child=100)
        # The pool's own worker processes, as they are started (and replaced after
        # max_tasks_per_child): the only processes a hang may kill.
        procs: dict[int, Any] = {}
        inflight: dict[Any, tuple[Job, float]] = {}
        broken = False
        try:
            while (source or inflight) and not broken:
                while source and len(inflight) < (1 if alone else 2 * width):
                    job = source.popleft()
                    fut = pool.submit(parse_task, job.path, timeout, None, job.digest, job.size)
                    inflight[fut] = (job, time.monotonic())
                procs.update(getattr(pool, "_processes", None) or {})
                done, _ = wait(list(inflight), timeout=1.0, return_when=FIRST_COMPLETED)
                procs.update(getattr(pool, "_processes", None) or {})
                for fut in done:
                    job, _t0 = inflight.pop(fut)
                    try:
                        rows = fut.result()
                    except BrokenProcessPool:
                        broken = True
                        if alone:
                            emit(_lost(job, "crash", "the parse worker died on this file (crash or memory limit)"))
                        else:
                            solo.append(job)
                        continue
                    except Exception as exc:  # noqa: BLE001 - a task that raised is that file's failed row
                        rows = _task_error(job, exc)
                    emit(rows)
                now = time.monotonic()
                overdue = [f for f, (_j, t0) in inflight.items() if now - t0 > hard_limit]
                if overdue:
                    for fut in overdue:
                        job, _t0 = inflight.pop(fut)
                        emit(_lost(job, "timeout", f"the parse worker hung for over {hard_limit:g} s and was killed"))
                    _kill_pool(procs)
                    broken = True
            # Files in flight when the pool broke were not at fault unless alone.
            for fut, (job, _t0) in inflight.items():
                if alone:
                    emit(_lost(job, "crash", "the parse worker died on this file (crash or memory limit)"))
                else:
                    solo.append(job)
            inflight.clear()
        finally:
            pool.shutdown(wait=not broken, cancel_futures=True)


class _ParseChild:
    """A long-lived parse process for one Dask worker thread, driven over pipes.

    Dask runs tasks in threads, where SIGALRM never arrives, and its worker
    processes are daemonic, so they cannot start multiprocessing children: a
    plain subprocess parses instead, in its own session, and is killed (with
    everything it started) when a file outlasts the hard limit.
    """

    def __init__(self, memory_mb: int | None) -> None:
        import subprocess
        from multiprocessing.connection import Connection

        env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
        self.proc = subprocess.Popen(
            [sys.executable, "-c", "from congvan.pipeline.ingest import _child_main; _child_main()",
             str(memory_mb or 0)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, start_new_session=True, env=env)
        # Connections own duplicates, so closing them never closes Popen's file objects twice.
        self.send = Connection(os.dup(self.proc.stdin.fileno()), readable=False)  # type: ignore[union-attr]
        self.recv = Connection(os.dup(self.proc.stdout.fileno()), writable=False)  # type: ignore[union-attr]

    def run(self, args: tuple[Any, ...], limit: float) -> dict[str, Any] | str:
        """The task's rows, or "timeout" / "crash" when the child gave none (it is then stopped)."""
        try:
            self.send.send(args)
            if not self.recv.poll(limit):
                self.stop()
                return "timeout"
            return self.recv.recv()
        except (EOFError, OSError):
            self.stop()
            return "crash"

    def stop(self, grace: float = 3.0) -> None:
        import signal
        import subprocess

        for sig in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.killpg(self.proc.pid, sig)
            except (ProcessLookupError, PermissionError):
                break
            try:
                self.proc.wait(grace)
                break
            except subprocess.TimeoutExpired:
                continue
        self.proc.wait()
        for conn in (self.send, self.recv):
            conn.close()
        for fh in (self.proc.stdin, self.proc.stdout):
            if fh is not None:
                fh.close()

    def alive(self) -> bool:
        return self.proc.poll() is None


def _child_main() -> None:
    """The `_ParseChild` process: receive (parse_task arguments), send rows, until stdin closes."""
    from multiprocessing.connection import Connection

    # Keep the protocol's pipe to itself: anything a library prints goes to stderr.
    out_fd = os.dup(1)
    os.dup2(2, 1)
    inp, out = Connection(0, writable=False), Connection(out_fd, readable=False)
    init_worker(int(sys.argv[1]) or None)
    while True:
        try:
            args = inp.recv()
        except EOFError:
            break
        out.send(parse_task(*args))
    doc = sys.modules.get("congvan.parsers.readers.doc")
    if doc is not None:
        doc.cleanup()


_THREAD = None


def dask_task(path: str, timeout: float, data: bytes, digest: str, size: int,
              memory_mb: int | None) -> dict[str, Any]:
    """Parse one file's bytes on a Dask worker, in a child process under the same limits as the local engine."""
    import threading

    from congvan.parsers.readers import sniff_format

    global _THREAD
    if _THREAD is None:
        _THREAD = threading.local()
    child = getattr(_THREAD, "child", None)
    if child is None or not child.alive():
        child = _THREAD.child = _ParseChild(memory_mb)
    hard_limit = 2 * timeout + 30
    out = child.run((path, timeout, data, digest, size), hard_limit)
    if isinstance(out, dict):
        return out
    _THREAD.child = None
    fmt = sniff_format(data[:65536])
    if out == "timeout":
        return _failed(path, digest, size, fmt, "timeout", f"the parse process hung for over {hard_limit:g} s and was killed")
    return _failed(path, digest, size, fmt, "crash", "the parse process died on this file (crash or memory limit)")


def run_dask(jobs: list[Job], emit: Callable[[dict[str, Any]], None], *, scheduler: str | None, timeout: float,
             memory_mb: int | None, workers: int = 2) -> None:
    """Parse on Dask distributed workers (bytes travel with the task: workers need not share a disk)."""
    from dask.distributed import Client, LocalCluster, wait

    from congvan.parsers.readers import ReadError
    from congvan.pipeline.parse import read_capped

    cluster = None
    if scheduler:
        client = Client(scheduler)
    else:
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None,
                               memory_limit=f"{memory_mb}MB" if memory_mb else "auto")
        client = Client(cluster)
    try:
        n_workers = max(1, len(client.scheduler_info().get("workers", {})) or workers)
        window = 4 * n_workers
        queue: deque[Job] = deque(jobs)
        started: dict[Any, tuple[Job, float]] = {}

        def submit_more() -> None:
            while queue and len(started) < window:
                job = queue.popleft()
                try:
                    data = read_capped(job.path)
                except ReadError as exc:   # removed or grown since the walk: a row, not a stopped run
                    emit(_lost(job, exc.kind, str(exc)))
                    continue
                fut = client.submit(dask_task, job.path, timeout, data, job.digest, job.size, memory_mb, pure=False)
                started[fut] = (job, time.monotonic())

        submit_more()
        # A backstop only (the task kills its own hung parse): tasks wait in the
        # workers' queues, so the deadline counts the window ahead of them.
        deadline = (2 * timeout + 60) * max(1, window // n_workers)
        while started:
            try:
                wait(list(started), timeout=1.0, return_when="FIRST_COMPLETED")
            except TimeoutError:
                pass
            for fut in [f for f in started if f.done()]:
                job, _t0 = started.pop(fut)
                try:
                    rows = fut.result()
                except Exception as exc:  # noqa: BLE001 - KilledWorker and friends become a failed row
                    rows = _task_error(job, exc)
                fut.release()
                emit(rows)
            now = time.monotonic()
            for fut, (job, t0) in list(started.items()):
                if now - t0 > deadline:
                    started.pop(fut)
                    fut.cancel()
                    emit(_lost(job, "timeout", f"no result from the Dask worker after {deadline:g} s"))
            submit_more()
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


# ------------------------------------------------------------------- driving


@dataclass
class IngestReport:
    db: str
    files: list[str] = field(default_factory=list)   # every path seen this run
    parsed_now: int = 0
    reused: int = 0
    skipped_by_name: int = 0
    seconds: float = 0.0
    graph_seconds: float = 0.0


def _progress(total: int, log: Callable[[str], None] | None) -> Any:
    from tqdm import tqdm

    if log is None and sys.stderr.isatty():
        return tqdm(total=total, unit="file", desc="ingest", smoothing=0.1, dynamic_ncols=True)
    return _LogProgress(total, log or (lambda s: print(s, file=sys.stderr, flush=True)))


class _LogProgress:
    """Plain log lines (for pipes and CI logs) where tqdm would draw a bar."""

    def __init__(self, total: int, log: Callable[[str], None], every: float = 5.0):
        self.total, self.log, self.every = total, log, every
        self.n = 0
        self.t0 = self.last = time.monotonic()

    def update(self, k: int = 1) -> None:
        self.n += k
        now = time.monotonic()
        if now - self.last >= self.every or self.n == self.total:
            self.last = now
            rate = self.n / max(now - self.t0, 1e-9)
            eta = (self.total - self.n) / rate if rate else 0
            self.log(f"ingest: {self.n}/{self.total} files parsed ({rate:.1f}/s, eta {eta:.0f}s)")

    def close(self) -> None:
        pass


def ingest(paths: Iterable[str | Path], db: str | Path, *, workers: int | None = None, engine: str = "local",
           scheduler: str | None = None, timeout: float = DEFAULT_TIMEOUT, memory_mb: int | None = DEFAULT_MEMORY_MB,
           retry_failed: bool = False, batch_files: int = BATCH_FILES, log: Callable[[str], None] | None = None,
           resolve: bool = True) -> IngestReport:
    """Ingest every file under `paths` into the store at `db`, then resolve the graph."""
    from congvan.parsers.readers import MAX_FILE_BYTES
    from congvan.pipeline import store
    from congvan.pipeline.parse import too_large

    t_start = time.perf_counter()
    con = store.connect(db)
    report = IngestReport(db=str(db))
    try:
        known = {r[0]: r[1:] for r in con.execute("SELECT path, content_hash, status FROM files").fetchall()}
        # A content hash with a result: the same bytes under a new path need no parse.
        results: dict[str, dict[str, Any]] = {}
        for row in con.execute(
            "SELECT content_hash, format, status, kind, reason, letter_id, ocr_used, path FROM files "
            "WHERE content_hash IS NOT NULL AND (status IN ('ok', 'failed') OR kind = 'no_letter_marks') ORDER BY path"
        ).fetchall():
            if row[0] not in results and not (row[2] == "failed" and retry_failed):
                results[row[0]] = dict(zip(("format", "status", "kind", "reason", "letter_id", "ocr_used", "same_as"), row[1:]))

        pending: list[dict[str, Any]] = []
        last_flush = time.monotonic()
        to_parse: list[Job] = []
        waiting: dict[str, list[tuple[str, int]]] = {}   # hash being parsed -> other paths with it
        for path in discover(paths):
            sp = str(path)
            report.files.append(sp)
            # The name first: project files, data tables (and the store itself, if it
            # sits in the folder) are never read in full, let alone hashed.
            named = skip_by_name(path)
            if named:
                if known.get(sp, (None, None))[1] == "skipped":
                    continue   # a name is skipped for good: nothing to redo
                try:
                    size = path.stat().st_size
                except OSError:
                    size = None
                pending.append({"files": [store.file_row(sp, None, size, _head_format(sp), "skipped",
                                                         kind=named[0], reason=named[1])]})
                report.skipped_by_name += 1
                continue
            try:
                size = path.stat().st_size
                if size > MAX_FILE_BYTES:
                    # Refused before reading: not worth hashing, nor sending to a worker.
                    pending.append(_failed(sp, None, size, _head_format(sp), "too_large", str(too_large(size))))
                    continue
                digest, size = file_hash(path)
            except OSError as exc:
                pending.append({"files": [store.file_row(sp, None, None, None, "failed", kind="unreadable",
                                                         reason=f"cannot read: {exc.strerror or exc}")]})
                continue
            prev = known.get(sp)
            if prev and prev[0] == digest and not (retry_failed and prev[1] == "failed"):
                continue
            if digest in results:
                r = results[digest]
                pending.append({"files": [store.file_row(sp, digest, size, r["format"], r["status"], kind=r["kind"],
                                                         reason=r["reason"], letter_id=r["letter_id"],
                                                         ocr_used=r["ocr_used"], same_as=r["same_as"])]})
                report.reused += 1
                continue
            if digest in waiting:
                waiting[digest].append((sp, size))
                continue
            waiting[digest] = []
            to_parse.append(Job(sp, digest, size))
        store.write_batch(con, pending)
        pending.clear()

        bar = _progress(len(to_parse), log)

        def emit(rows: dict[str, Any]) -> None:
            nonlocal last_flush
            frow = rows["files"][0]
            pending.append(rows)
            for other, size in waiting.pop(frow["content_hash"], []) if frow["content_hash"] else []:
                copy = dict(frow, path=other, size=size, parse_seconds=None, same_as=frow["path"])
                pending.append({"files": [copy]})
            report.parsed_now += 1
            bar.update(1)
            if len(pending) >= batch_files or time.monotonic() - last_flush > BATCH_SECONDS:
                store.write_batch(con, pending)
                pending.clear()
                last_flush = time.monotonic()
                if isinstance(bar, _LogProgress):  # in logs, say what is safely stored
                    bar.log(f"ingest: {report.parsed_now}/{len(to_parse)} files committed")

        try:
            if to_parse:
                if engine == "dask":
                    run_dask(to_parse, emit, scheduler=scheduler, timeout=timeout, memory_mb=memory_mb,
                             workers=workers or 2)
                elif engine == "local":
                    run_local(to_parse, emit, workers=workers or os.cpu_count() or 1, timeout=timeout,
                              memory_mb=memory_mb)
                else:
                    raise ValueError(f"unknown engine {engine!r}: use local or dask")
            store.write_batch(con, pending)
            pending.clear()
        finally:
            bar.close()
        store.drop_orphans(con)
        store.settle_letter_files(con)
        if resolve:
            from congvan.pipeline.graph import resolve_store

            t_graph = time.perf_counter()
            resolve_store(con)
            report.graph_seconds = time.perf_counter() - t_graph
        con.execute("CHECKPOINT")
    finally:
        con.close()
    report.seconds = time.perf_counter() - t_start
    return report


# ------------------------------------------------------------------- summary


def summary_lines(db: str | Path, paths: list[str]) -> list[str]:
    """The run's report: one `files N parsed P failed F skipped S` line, the share
    of letters with a number, an issuer and an issue date per format, every failure."""
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
        failures = con.execute(
            "SELECT path, kind, reason FROM files JOIN _seen USING (path) WHERE status = 'failed' ORDER BY path"
        ).fetchall()
        for path, kind, reason in failures:
            lines.append(f"failed {path}: {reason} [{kind}]")
        skipped = con.execute(
            "SELECT path, reason FROM files JOIN _seen USING (path) WHERE status = 'skipped' ORDER BY path").fetchall()
        for path, reason in skipped:
            lines.append(f"skipped {path}: {reason}")
        return lines
    finally:
        con.close()
