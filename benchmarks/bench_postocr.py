"""Benchmark of the post-OCR correction stage (parsers/postocr.py); prints figures.

Flow position: measures the stage between `normalize()` and the field
parsers, on the corpus's plain-text letters (OCR'd and scraped): the one-time
load of the n-gram model and name tables, then per letter the time of
`postocr.apply` (detection and correction), the letters taken for OCR
output, and the corrections made. Readers run before timing and are not
counted.

    .venv/bin/python benchmarks/bench_postocr.py [CORPUS_DIR]
"""
from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from congvan.parsers import postocr
from congvan.parsers.normalize import normalize
from congvan.parsers.readers import ReadError, read_file


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus", nargs="?", default=str(Path(__file__).resolve().parents[2] / "shared" / "corpus" / "real"))
    args = ap.parse_args()
    start = time.perf_counter()
    postocr.model(), postocr.names()
    print(f"load: {time.perf_counter() - start:.2f} s (once per process)")
    times: list[float] = []
    judged: list[float] = []  # letters the stage read word by word (plain text without a site's metadata)
    ocr = fixes = chars = 0
    for path in sorted(Path(args.corpus).glob("*.txt")):
        try:
            read = read_file(path)
        except ReadError:
            continue
        norm = normalize(read.joined()[0])
        t = time.perf_counter()
        _, changes, why = postocr.apply(read, norm)
        times.append(time.perf_counter() - t)
        if not read.metadata:
            judged.append(times[-1] * 1000)
        ocr += why is not None
        fixes += len(changes)
        chars += len(norm.text)
    ms = [t * 1000 for t in times]
    print(f"letters {len(ms)}, taken for OCR {ocr}, corrections {fixes}")
    print(f"ms per letter: mean {statistics.mean(ms):.1f}, median {statistics.median(ms):.1f}, max {max(ms):.1f}")
    print(f"ms per letter judged word by word ({len(judged)}): mean {statistics.mean(judged):.1f}, "
          f"median {statistics.median(judged):.1f}")
    print(f"ms per 1,000 characters: {sum(ms) / (chars / 1000):.2f}")


if __name__ == "__main__":
    main()
