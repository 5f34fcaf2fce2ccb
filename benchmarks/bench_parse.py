"""Parse speed on real corpus letters: per-stage shares, the floor of reading, process
start, and `congvan ingest` throughput on two cores. Prints figures.

Flow position: the whole parse path, file -> reader -> normalise -> field parsers ->
Letter -> store rows, on the real text letters of the shared corpus (web-page scrapes
and OCR'd text; `CONGVAN_SHARED`, default ../shared), or the samples without it.

- per stage: each stage function is wrapped with a timer while N letters parse in
  one process; the shares say where the time goes.
- the floor: a regex-only extractor of the kind public repositories use (number line,
  date line, V/v, Kính gửi, references by pattern) over the same texts.
- start: `congvan --version` and `congvan parse --json` on one letter, median of 5;
  `python -X importtime` names the heaviest imports of `congvan parse`.
- linear: parse time per character for one letter repeated to 10 kB ... 2 MB.
- ingest: the first 150 text letters, each copied twice byte-distinct (300 files),
  through `congvan ingest -j 2` into a new store; letters per second, wall clock
  (the target is 300/s on 2 cores).

    .venv/bin/python benchmarks/bench_parse.py [--letters 150] [--skip-ingest]
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import regex

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("CONGVAN_SHARED", ROOT.parent / "shared"))
CONGVAN = Path(sys.executable).with_name("congvan")

# The floor: what a regex-only extractor does on the same text.
_FLOOR = [regex.compile(p, regex.MULTILINE) for p in (
    r"^\s*Số\s*:?\s*(\d+)\s*/\s*([\w\-/.Đđ]+)", r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})",
    r"^\s*V/v\s+(.+)$", r"Kính\s+gửi\s*:?\s*(.+)$",
    r"(Quyết định|Công văn|Nghị định|Thông tư|Công điện|Kế hoạch)\s+số\s+(\d+/[\w\-/Đđ]+)",
)]


def letters(n: int) -> list[tuple[str, bytes]]:
    folder = SHARED / "corpus" / "real"
    files = sorted(folder.glob("*.txt"))[:n] if folder.is_dir() else []
    if not files:
        files = sorted(p for p in (ROOT / "data" / "samples").glob("*.txt"))
        print(f"(shared corpus not found at {SHARED}: using {len(files)} sample letters)")
    return [(p.name, p.read_bytes()) for p in files]


def stages(datas: list[tuple[str, bytes]]) -> None:
    import congvan.parsers.letter as letter_mod
    import congvan.pipeline.parse as parse_mod
    from congvan.pipeline import store

    spent: dict[str, float] = defaultdict(float)

    depth: dict[str, int] = defaultdict(int)

    def timed(name: str, fn):  # noqa: ANN001, ANN202 - a wrapper for any stage
        def run(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
            depth[name] += 1       # a recursive stage is timed at its outermost call only
            t = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                depth[name] -= 1
                if not depth[name]:
                    spent[name] += time.perf_counter() - t
        return run

    for name in ("normalize", "parse_header", "find_recipients", "find_distribution", "find_signer",
                 "parse_directives", "find_mentions", "resolve", "derive_tasks", "split_seams", "unmerge_footer",
                 "_locate_all"):
        setattr(letter_mod, name, timed(name, getattr(letter_mod, name)))
    letter_mod.postocr.correct = timed("postocr.correct", letter_mod.postocr.correct)
    parse_mod.read_bytes = timed("read (decode, web page, layout)", parse_mod.read_bytes)
    parse_mod.parse_bytes(datas[0][1], datas[0][0])       # warm imports and caches
    spent.clear()
    t0 = time.perf_counter()
    rows_t = 0.0
    for name, data in datas:
        letter = parse_mod.parse_bytes(data, name)
        t = time.perf_counter()
        store.letter_rows(letter)
        rows_t += time.perf_counter() - t
    total = time.perf_counter() - t0
    spent["store rows (record JSON, columns)"] = rows_t
    chars = sum(len(d) for _, d in datas) / len(datas)
    print(f"parse in one process: {len(datas)} letters (mean {chars / 1000:.1f} kB), "
          f"{total / len(datas) * 1000:.2f} ms per letter, {len(datas) / total:.0f} letters/s on one core")
    accounted = sum(spent.values())
    for name, sec in sorted(spent.items(), key=lambda kv: -kv[1]):
        print(f"  {name:36s} {sec / len(datas) * 1000:7.2f} ms  {sec / total:6.1%}")
    print(f"  {'(the rest: lines, sources, records)':36s} {(total - accounted) / len(datas) * 1000:7.2f} ms  "
          f"{(total - accounted) / total:6.1%}")
    texts = [d.decode("utf-8", "replace") for _, d in datas]
    t = time.perf_counter()
    for text in texts:
        for p in _FLOOR:
            p.findall(text)
    floor = (time.perf_counter() - t) / len(texts)
    print(f"regex-only floor: {floor * 1000:.3f} ms per letter; congvan is {total / len(datas) / floor:.0f}x the floor")


def linear(datas: list[tuple[str, bytes]]) -> None:
    from congvan.pipeline.parse import parse_string

    base = max((d.decode("utf-8", "replace") for _, d in datas), key=len)
    for size in (10_000, 100_000, 500_000, 2_000_000):
        text = (base * (size // len(base) + 1))[:size]
        t = time.perf_counter()
        parse_string(text)
        sec = time.perf_counter() - t
        print(f"linear: {size / 1000:7.0f} kB  {sec:7.2f} s  {sec / size * 1e6:6.2f} µs per character")


def start() -> None:
    sample = ROOT / "data" / "samples" / "001_091bf70c372fa8e6.txt"
    for args in (["--version"], ["parse", "--json", str(sample)]):
        runs = []
        for _ in range(5):
            t = time.perf_counter()
            subprocess.run([str(CONGVAN), *args], check=True, capture_output=True)
            runs.append(time.perf_counter() - t)
        print(f"start: congvan {' '.join(args[:1])}: median {statistics.median(runs) * 1000:.0f} ms over 5 runs")
    out = subprocess.run([sys.executable, "-X", "importtime", "-c",
                          "from congvan.pipeline.cli import main; import congvan.pipeline.parse, "
                          "congvan.parsers.letter, congvan.models.output"],
                         capture_output=True, text=True).stderr
    rows = []
    for line in out.splitlines():
        parts = line.split("|")
        if len(parts) == 3 and parts[1].strip().isdigit():
            rows.append((int(parts[1]), parts[2].rstrip()))
    top = [r for r in sorted(rows, reverse=True) if r[1].count("  ") <= 2][:8]
    print("start: heaviest imports on the parse path (cumulative µs): "
          + ", ".join(f"{name.strip()} {us}" for us, name in top))


def ingest(datas: list[tuple[str, bytes]]) -> None:
    work = Path(tempfile.mkdtemp(prefix="bench_parse_"))
    try:
        folder = work / "in"
        folder.mkdir()
        for name, data in datas[:150]:
            (folder / f"a_{name}").write_bytes(data)
            (folder / f"b_{name}").write_bytes(data + b"\n")      # byte-distinct second copy
        n = len(list(folder.iterdir()))
        t = time.perf_counter()
        run = subprocess.run([str(CONGVAN), "ingest", str(folder), "--db", str(work / "s.duckdb"), "-j", "2"],
                             capture_output=True, text=True)
        sec = time.perf_counter() - t
        # The report is the last `ingest:` line (the ones before it are progress).
        summary = next((l for l in reversed(run.stderr.splitlines()) if l.startswith("ingest:")), run.stderr[-200:])
        print(f"ingest: {n} real text letters on 2 cores: {sec:.2f} s wall, {n / sec:.0f} letters/s | {summary}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--letters", type=int, default=150)
    ap.add_argument("--skip-ingest", action="store_true")
    args = ap.parse_args()
    datas = letters(args.letters)
    stages(datas)
    linear(datas)
    start()
    if not args.skip_ingest:
        ingest(datas)


if __name__ == "__main__":
    main()
