"""How fast the readers are, beside the raw library each one wraps.

Place in the flow: readers are the first stage (file bytes -> lines). This
script times `congvan.parsers.readers.read_file` on the sample letters in
`data/samples/` and, on the same files, the library call the reader is built
on: pdfplumber `page.extract_text()` for text PDFs, pytesseract
`image_to_string(lang="vie")` on the same pages at the same dpi for scans, a
python-docx paragraph-and-table walk for DOCX. It prints pages per second for
both and their ratio (reader / raw: 1.0 means no overhead, 0.5 means the
reader takes twice as long).

Run: `.venv/bin/python benchmarks/bench_readers.py [--repeat N]`.
A DOCX has no pages of its own: its page count is that of the PDF LibreOffice
made from it (`data/samples/generated/<letter>.pdf`).
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("OMP_THREAD_LIMIT", "1")  # tesseract: one thread per process is faster (TOOLCHAIN.md)

import pdfplumber  # noqa: E402
import pytesseract  # noqa: E402
from docx import Document  # noqa: E402
from PIL import Image  # noqa: E402

from congvan.parsers.readers import ReadError, read_file  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
GENERATED = ROOT / "data" / "samples" / "generated"
SAMPLES = ROOT / "data" / "samples"
SCAN_DPI = 200  # make_samples.py renders the scans at 200 dpi


def pdf_pages(path: Path) -> int:
    with pdfplumber.open(path) as pdf:
        return len(pdf.pages)


def raw_pdfplumber(path: Path) -> None:
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            page.extract_text()


def _ocr_dpi() -> int:
    """The dpi the OCR reader renders at, so the raw run does the same work."""
    try:
        from congvan.parsers.readers import ocr  # type: ignore[attr-defined]
    except ImportError:
        return SCAN_DPI
    for name in ("OCR_DPI", "DPI", "DEFAULT_DPI", "RENDER_DPI"):
        if isinstance(getattr(ocr, name, None), int):
            return getattr(ocr, name)
    return SCAN_DPI


def raw_tesseract(path: Path, dpi: int) -> None:
    with tempfile.TemporaryDirectory(prefix="bench_ocr_") as tmp:
        # PGM, not PNG: compressing a noisy scan to PNG takes longer than the OCR.
        subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", str(path), f"{tmp}/p"], check=True)
        for png in sorted(Path(tmp).glob("p-*.pgm")):
            with Image.open(png) as img:
                pytesseract.image_to_string(img, lang="vie")


def raw_docx(path: Path) -> None:
    doc = Document(str(path))
    for block in doc.iter_inner_content():
        if hasattr(block, "rows"):
            for row in block.rows:
                for cell in row.cells:
                    for par in cell.paragraphs:
                        _ = par.text
        else:
            _ = block.text


def timed(fn: Callable[[], object], repeat: int) -> float:
    """Best of `repeat` runs (the least disturbed by other work on the box)."""
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def bench(label: str, files: list[Path], pages: list[int], raw: Callable[[Path], None], repeat: int) -> None:
    total_pages = sum(pages)
    reader_s = raw_s = 0.0
    error = None
    for path in files:
        try:
            reader_s += timed(lambda p=path: read_file(p), repeat)
        except ReadError as exc:
            error = f"{path.name}: {exc}"
        raw_s += timed(lambda p=path: raw(p), repeat)
    raw_rate = total_pages / raw_s
    if error:
        print(f"{label:<11} {len(files):>5} {total_pages:>5}  {'reader fails':>14}  {raw_rate:>11.2f}  {'-':>6}   ({error})")
        return
    rate = total_pages / reader_s
    print(f"{label:<11} {len(files):>5} {total_pages:>5}  {rate:>14.2f}  {raw_rate:>11.2f}  {rate / raw_rate:>6.2f}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repeat", type=int, default=3, help="runs per file for text PDF and DOCX (best is kept)")
    args = ap.parse_args()
    text_pdfs = sorted(p for p in GENERATED.glob("*.pdf") if not p.name.endswith(".scan.pdf"))
    text_pdfs += sorted(SAMPLES.glob("*.pdf"))  # a real born-digital letter
    scans = sorted(GENERATED.glob("*.scan.pdf"))
    docxs = sorted(GENERATED.glob("*.docx"))
    if not (text_pdfs and scans and docxs):
        print("no samples: run scripts/make_samples.py first", file=sys.stderr)
        return 1
    dpi = _ocr_dpi()
    print(f"congvan readers vs raw libraries, pages per second (best of {args.repeat}; OCR once, {dpi} dpi, OMP_THREAD_LIMIT={os.environ['OMP_THREAD_LIMIT']})")
    print(f"{'format':<11} {'files':>5} {'pages':>5}  {'read_file p/s':>14}  {'raw lib p/s':>11}  {'ratio':>6}")
    bench("text PDF", text_pdfs, [pdf_pages(p) for p in text_pdfs], raw_pdfplumber, args.repeat)
    bench("scanned PDF", scans, [pdf_pages(p) for p in scans], lambda p: raw_tesseract(p, dpi), 1)
    bench("DOCX", docxs, [pdf_pages(p.with_suffix(".pdf")) for p in docxs], raw_docx, args.repeat)
    print("raw libs: pdfplumber page.extract_text(); pdftoppm + pytesseract image_to_string(lang='vie'); "
          "python-docx iter_inner_content() paragraph and cell walk")
    return 0


if __name__ == "__main__":
    sys.exit(main())
