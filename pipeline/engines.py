"""Where the parsing runs: a local process pool, or Dask distributed workers.

Flow: ingest's plan (jobs) -> **an engine** -> parse workers running
`sandbox.parse_task` -> rows -> `emit` (ingest's writer). Both engines take
jobs as they come (the plan hashes files while the first ones parse) and
give every job exactly one result row, whatever happens to its worker:

- local: a forkserver process pool kept full (twice as many tasks as
  workers in flight; small files travel several to a task); a worker that
  dies takes only its own file down (the files in flight with it are re-run
  one at a time to find the culprit); a worker stuck past the hard deadline
  is killed.
- dask: the client reads each file and sends its bytes (workers need not
  share a disk); each Dask worker thread parses in a child process of its
  own under the same limits (`_ParseChild`), killed when a file outlasts the
  hard deadline.

An interrupt (Ctrl-C, SIGTERM) stops the workers at once and propagates, so
ingest commits what is done and the next run parses the rest.
"""
from __future__ import annotations

import os
import sys
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from congvan.pipeline import sandbox

# Small files travel to a worker several at a time: fewer round trips per letter.
SMALL_FILE = 256 * 1024
TASK_FILES = 8


@dataclass(frozen=True)
class Job:
    """One file to parse, with the hash and size the client computed."""

    path: str
    digest: str
    size: int


def hard_limit(timeout: float) -> float:
    """How long a worker may go silent on one file before it is killed."""
    return 2 * timeout + 30


def head_format(path: str) -> str | None:
    from congvan.parsers.readers import sniff_format

    try:
        with open(path, "rb") as fh:
            return sniff_format(fh.read(65536))
    except OSError:
        return None


def lost(job: Job, kind: str, reason: str) -> dict[str, Any]:
    """The row for a file whose worker gave no answer (it died, hung, or raised)."""
    return sandbox.failed_rows(job.path, job.digest, job.size, head_format(job.path), kind, reason)


def task_error(job: Job, exc: BaseException) -> dict[str, Any]:
    """A task that raised instead of returning rows: a failed row all the same."""
    name = type(exc).__name__
    if name == "KilledWorker":
        return lost(job, "crash", f"the Dask worker died on this file: {exc}")
    return lost(job, "bug", f"{name}: {exc}")


def _tasks(jobs: Iterator[Job]) -> Iterator[list[Job]]:
    """Jobs grouped for submission: consecutive small files together, a large one alone."""
    group: list[Job] = []
    for job in jobs:
        if job.size > SMALL_FILE:
            yield [job]
            continue
        group.append(job)
        if len(group) >= TASK_FILES:
            yield group
            group = []
    if group:
        yield group


# ---------------------------------------------------------------- local pool


def kill_pool(procs: dict[int, Any], grace: float = 3.0) -> None:
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


def run_local(jobs: Iterable[Job], emit: Callable[[dict[str, Any]], None], *, workers: int, timeout: float,
              memory_mb: int | None) -> None:
    """Parse on a process pool; `emit` gets each file's rows as soon as it is done."""
    import multiprocessing
    from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
    from concurrent.futures.process import BrokenProcessPool

    ctx = multiprocessing.get_context("forkserver")
    deadline = hard_limit(timeout)
    incoming = _tasks(iter(jobs))
    solo: deque[Job] = deque()   # suspects of a crash, re-run one at a time
    more = True
    while more or solo:
        alone = bool(solo)
        width = 1 if alone else workers
        if sys.version_info >= (3, 11):
            pool = ProcessPoolExecutor(width, mp_context=ctx, initializer=sandbox.init_worker, initargs=(memory_mb,),
                                       max_tasks_per_child=100)
        else:  # (Python 3.10 has no max_tasks_per_child: its workers live as long as the pool)
            pool = ProcessPoolExecutor(width, mp_context=ctx, initializer=sandbox.init_worker, initargs=(memory_mb,))
        # The pool's own worker processes, as they are started (and replaced after
        # max_tasks_per_child): the only processes a hang or an interrupt may kill.
        procs: dict[int, Any] = {}
        inflight: dict[Any, tuple[list[Job], float]] = {}
        broken = False
        try:
            while not broken:
                while len(inflight) < (1 if alone else 2 * width):
                    if alone:
                        if not solo:
                            break
                        group = [solo.popleft()]
                    else:
                        upcoming = next(incoming, None)
                        if upcoming is None:
                            more = False
                            break
                        group = upcoming
                    fut: Future[dict[str, Any]] | Future[list[dict[str, Any]]]  # one file's rows, or several files'
                    if len(group) == 1:
                        j = group[0]
                        fut = pool.submit(sandbox.parse_task, j.path, timeout, None, j.digest, j.size)
                    else:
                        fut = pool.submit(sandbox.parse_many, sandbox.parse_task, [(j.path, j.digest, j.size) for j in group],
                                          timeout)
                    inflight[fut] = (group, time.monotonic())
                if not inflight:
                    break
                procs.update(getattr(pool, "_processes", None) or {})
                done, _ = wait(list(inflight), timeout=1.0, return_when=FIRST_COMPLETED)
                procs.update(getattr(pool, "_processes", None) or {})
                for fut in done:
                    group, _t0 = inflight.pop(fut)
                    try:
                        result = fut.result()
                    except BrokenProcessPool:
                        broken = True
                        if alone:
                            emit(lost(group[0], "crash", "the parse worker died on this file (crash or memory limit)"))
                        else:
                            solo.extend(group)
                        continue
                    except Exception as exc:  # noqa: BLE001 - a task that raised is its files' failed rows
                        result = [task_error(j, exc) for j in group]
                    for rows in (result if isinstance(result, list) else [result]):
                        emit(rows)
                now = time.monotonic()
                overdue = [f for f, (g, t0) in inflight.items() if now - t0 > deadline * len(g)]
                if overdue:
                    for fut in overdue:
                        group, _t0 = inflight.pop(fut)
                        if len(group) == 1:
                            emit(lost(group[0], "timeout", f"the parse worker hung for over {deadline:g} s and was killed"))
                        else:
                            solo.extend(group)
                    kill_pool(procs)
                    broken = True
            # Files in flight when the pool broke were not at fault unless alone.
            for group, _t0 in inflight.values():
                if alone:
                    emit(lost(group[0], "crash", "the parse worker died on this file (crash or memory limit)"))
                else:
                    solo.extend(group)
            inflight.clear()
        except BaseException:
            # Interrupted: stop the workers now rather than wait for the files in flight.
            procs.update(getattr(pool, "_processes", None) or {})
            kill_pool(procs, grace=1.0)
            pool.shutdown(wait=False, cancel_futures=True)
            raise
        pool.shutdown(wait=not broken, cancel_futures=True)


# ---------------------------------------------------------------------- Dask


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
            [sys.executable, "-c", "from congvan.pipeline.engines import _child_main; _child_main()",
             str(memory_mb or 0)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, start_new_session=True, env=env)
        assert self.proc.stdin is not None and self.proc.stdout is not None
        # Connections own duplicates, so closing them never closes Popen's file objects twice.
        self.send = Connection(os.dup(self.proc.stdin.fileno()), readable=False)
        self.recv = Connection(os.dup(self.proc.stdout.fileno()), writable=False)

    def run(self, args: tuple[Any, ...], limit: float) -> dict[str, Any] | str:
        """The task's rows, or "timeout" / "crash" when the child gave none (it is then stopped)."""
        try:
            self.send.send(args)
            if not self.recv.poll(limit):
                self.stop()
                return "timeout"
            rows: dict[str, Any] = self.recv.recv()
            return rows
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
    sandbox.init_worker(int(sys.argv[1]) or None)
    while True:
        try:
            args = inp.recv()
        except EOFError:
            break
        out.send(sandbox.parse_task(*args))
    doc = sys.modules.get("congvan.parsers.readers.doc")
    if doc is not None:
        doc.cleanup()


_THREAD: Any = None


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
    limit = hard_limit(timeout)
    out = child.run((path, timeout, data, digest, size), limit)
    if isinstance(out, dict):
        return out
    _THREAD.child = None
    fmt = sniff_format(data[:65536])
    if out == "timeout":
        return sandbox.failed_rows(path, digest, size, fmt, "timeout",
                                   f"the parse process hung for over {limit:g} s and was killed")
    return sandbox.failed_rows(path, digest, size, fmt, "crash", "the parse process died on this file (crash or memory limit)")


class SchedulerError(Exception):
    """The Dask scheduler could not be reached."""


def dask_client(scheduler: str | None, *, workers: int, memory_mb: int | None, connect_timeout: float = 10.0) -> Any:
    """A connected Dask client (and, without a scheduler address, its own LocalCluster).
    Made before the store is opened, so a wrong address leaves nothing behind."""
    from dask.distributed import Client, LocalCluster

    if scheduler:
        try:
            return Client(scheduler, timeout=connect_timeout)
        except (OSError, TimeoutError, ValueError) as exc:
            raise SchedulerError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from exc
    cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None,
                           memory_limit=f"{memory_mb}MB" if memory_mb else "auto")
    return Client(cluster)   # the client keeps it as `client.cluster`, closed with it (`close_dask`)


def close_dask(client: Any) -> None:
    # Dask records the cluster object a client was made on (None for a scheduler address).
    cluster = getattr(client, "cluster", None)
    client.close()
    if cluster is not None:
        cluster.close()


def run_dask(jobs: Iterable[Job], emit: Callable[[dict[str, Any]], None], *, client: Any, timeout: float,
             memory_mb: int | None, workers: int = 2) -> None:
    """Parse on Dask distributed workers (bytes travel with the task: workers need not share a disk)."""
    from dask.distributed import wait

    from congvan.parsers.readers import ReadError
    from congvan.pipeline.parse import read_capped

    n_workers = max(1, len(client.scheduler_info().get("workers", {})) or workers)
    window = 4 * n_workers
    queue = iter(jobs)
    started: dict[Any, tuple[Job, float]] = {}
    more = True

    def submit_more() -> None:
        nonlocal more
        while more and len(started) < window:
            job = next(queue, None)
            if job is None:
                more = False
                return
            try:
                data = read_capped(job.path)
            except ReadError as exc:   # removed or grown since the walk: a row, not a stopped run
                emit(lost(job, exc.kind, str(exc)))
                continue
            fut = client.submit(dask_task, job.path, timeout, data, job.digest, job.size, memory_mb, pure=False)
            started[fut] = (job, time.monotonic())

    submit_more()
    # A backstop only (the task kills its own hung parse): tasks wait in the
    # workers' queues, so the deadline counts the window ahead of them.
    deadline = (hard_limit(timeout) + 30) * max(1, window // n_workers)
    try:
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
                    rows = task_error(job, exc)
                fut.release()
                emit(rows)
            now = time.monotonic()
            for fut, (job, t0) in list(started.items()):
                if now - t0 > deadline:
                    started.pop(fut)
                    fut.cancel()
                    emit(lost(job, "timeout", f"no result from the Dask worker after {deadline:g} s"))
            submit_more()
    except BaseException:
        for fut in started:
            fut.cancel()
        raise
