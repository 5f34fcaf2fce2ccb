"""Benchmark of the whole real corpus: ingest wall time, seconds per page of
each reading path, and the time share of each pipeline stage; prints figures.

Flow position: measures every stage of file -> reader -> normalisation and
field parsers -> action items -> store -> graph on the real corpus
(`shared/corpus/real`, or the folder given).

1. `congvan.ingest` into a fresh store with the machine's cores (the process
   pool `congvan ingest` uses), its wall time, and the client's own time
   writing batches to DuckDB and resolving the graph.
2. One process, file by file: `read_file` (the reader), `parse_read_result`
   (normalisation and field parsers) and `derive_action_items` timed apart.
   Each file's read time is divided over its pages by the reading path the
   reader states per page (`PageInfo.path`: text layer, repaired layer, OCR;
   Word/RTF readers give one page per document, plain text none, counted as
   one page per file). A file whose pages took different paths has its time
   split in proportion to its pages on each path, and is listed.

Tesseract runs with OMP_THREAD_LIMIT=1 in both parts, as in ingest workers.

    .venv/bin/python benchmarks/bench_corpus.py [CORPUS_DIR] [--workers N] [--keep DB]
"""
from __future__ import annotations

import os

os.environ.setdefault("OMP_THREAD_LIMIT", "1")

import argparse
import tempfile
import time
from collections import defaultdict
from pathlib import Path

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "real"


def run_ingest(corpus: Path, db: Path, workers: int) -> dict[str, float]:
    """Ingest into a fresh store; wall time plus the client's store-write and graph time."""
    from congvan.pipeline import ingest as ingest_mod
    from congvan.pipeline import store

    spent = {"write": 0.0}
    original = store.write_batch

    def timed_write(*args, **kwargs):  # type: ignore[no-untyped-def]
        t0 = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            spent["write"] += time.perf_counter() - t0

    store.write_batch = timed_write   # the ingest client looks it up on the module at each call
    try:
        report = ingest_mod.ingest([corpus], db, workers=workers, log=lambda s: None)
    finally:
        store.write_batch = original
    return {"wall": report.seconds, "write": spent["write"], "graph": report.graph_seconds,
            "files": len(report.files), "parsed": report.parsed_now}


def run_stages(corpus: Path) -> tuple[dict[str, float], dict[str, list[float]], list[str], list[str]]:
    """Per-file stage times in this process; read seconds and pages per reading path."""
    from congvan.parsers.fields.tasks import derive_action_items
    from congvan.parsers.letter import parse_read_result
    from congvan.parsers.readers import ReadError, read_file
    from congvan.pipeline.corpus import discover, skip_by_name
    from congvan.pipeline.ingest import file_hash
    from congvan.pipeline.parse import parse_string

    parse_string("Số: 1/UBND-VP\nHà Nội, ngày 1 tháng 1 năm 2020\n")   # imports and caches warm
    stages = {"read": 0.0, "parse": 0.0, "actions": 0.0}
    per_path: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])   # seconds, pages, files
    mixed: list[str] = []
    failed: list[str] = []
    for path in discover([corpus]):
        if skip_by_name(path):
            continue
        t0 = time.perf_counter()
        try:
            read = read_file(path)
        except ReadError as exc:
            failed.append(f"{path.name}: {exc} [{exc.kind}]")
            stages["read"] += time.perf_counter() - t0
            continue
        t1 = time.perf_counter()
        letter = parse_read_result(read, file=str(path), content_hash=file_hash(path)[0])
        t2 = time.perf_counter()
        derive_action_items(letter)
        t3 = time.perf_counter()
        stages["read"] += t1 - t0
        # parse_read_result derives the action items too: time them again apart.
        stages["parse"] += max(0.0, (t2 - t1) - (t3 - t2))
        stages["actions"] += t3 - t2
        counts: dict[str, int] = defaultdict(int)
        for page in read.pages:
            counts[page.path or read.format] += 1
        if not counts:
            counts[read.format] = 1
        total = sum(counts.values())
        for name, n in counts.items():
            acc = per_path[name]
            acc[0] += (t1 - t0) * n / total
            acc[1] += n
            acc[2] += 1
        if len(counts) > 1:
            mixed.append(f"{path.name}: " + ", ".join(f"{n} {k}" for k, n in sorted(counts.items())))
    return stages, dict(per_path), mixed, failed


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("corpus", nargs="?", type=Path, default=CORPUS)
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--keep", type=Path, help="store path to keep (default: a temporary file)")
    args = ap.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        db = args.keep or Path(tmp) / "corpus.duckdb"
        for p in (db, db.with_name(db.name + ".wal")):
            p.unlink(missing_ok=True)
        print(f"corpus {args.corpus}; {os.cpu_count()} cores; ingest with {args.workers} worker(s)", flush=True)
        ing = run_ingest(args.corpus, db, args.workers)
        print(f"ingest: {ing['files']:.0f} files ({ing['parsed']:.0f} parsed) in {ing['wall']:.1f} s wall "
              f"({ing['files'] / ing['wall']:.2f} files/s); store writes {ing['write']:.2f} s, "
              f"graph {ing['graph']:.2f} s", flush=True)

        t0 = time.perf_counter()
        stages, per_path, mixed, failed = run_stages(args.corpus)
        print(f"\none process, file by file ({time.perf_counter() - t0:.1f} s):", flush=True)
        print(f"{'reading path':<14}{'files':>7}{'pages':>7}{'read s':>9}{'s/page':>9}")
        order = ["text", "repaired", "ocr", "docx", "doc", "rtf", "txt", "image"]
        for name in sorted(per_path, key=lambda k: (order.index(k) if k in order else len(order), k)):
            secs, pages, files = per_path[name]
            print(f"{name:<14}{files:>7.0f}{pages:>7.0f}{secs:>9.2f}{secs / pages:>9.3f}")
        print("  (docx, doc, rtf: one page per document; txt: one page per file)")
        for line in mixed:
            print(f"  mixed paths, time split by pages: {line}")
        for line in failed:
            print(f"  read failed: {line}")

        shares = {"read": stages["read"], "normalise + field parsers": stages["parse"],
                  "action items": stages["actions"], "store write": ing["write"], "graph": ing["graph"]}
        total = sum(shares.values())
        print("\nstage shares (read/parse/actions: one process; store write and graph: the ingest client):")
        for name, secs in shares.items():
            print(f"{name:<28}{secs:>9.2f} s{secs / total:>8.1%}")
        print(f"{'total':<28}{total:>9.2f} s")


if __name__ == "__main__":
    main()
