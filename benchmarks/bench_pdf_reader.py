"""Pages per second: congvan's PDF reader (words -> layout -> judged pages)
against pdfplumber's plain `page.extract_text()` on the same born-digital and
TCVN3 corpus PDFs. The reader's layout work should cost less than the
extraction it stands on. Run: .venv/bin/python benchmarks/bench_pdf_reader.py
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

import pdfplumber

from congvan.parsers.readers.pdf import read_pdf

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "real"
FILES = ["013", "038", "044", "048", "049", "050"]


def main() -> None:
    paths = [next(CORPUS.glob(f"{p}_*.pdf")) for p in (sys.argv[1:] or FILES)]
    total_pages = 0
    t_plain = t_reader = 0.0
    for path in paths:
        data = path.read_bytes()
        t0 = time.perf_counter()
        with pdfplumber.open(path) as pdf:
            n = len(pdf.pages)
            for page in pdf.pages:
                page.extract_text()
                page.close()
        t1 = time.perf_counter()
        read_pdf(data, path.name)
        t2 = time.perf_counter()
        total_pages += n
        t_plain += t1 - t0
        t_reader += t2 - t1
        print(f"{path.name[:44]:44s} {n:3d} pages  extract_text {n / (t1 - t0):6.1f} p/s  read_pdf {n / (t2 - t1):6.1f} p/s")
    print(f"{'all':44s} {total_pages:3d} pages  extract_text {total_pages / t_plain:6.1f} p/s  read_pdf {total_pages / t_reader:6.1f} p/s")


if __name__ == "__main__":
    main()
