"""Benchmark of the OCR path (parsers/readers/ocr.py) on real corpus scans.

Flow position: reader stage (scanned PDF pages and image files -> lines).

Prints seconds per page for tesseract alone (`image_to_string`, the floor)
and for `ocr.read_page` (coloured ink removed by `cleanup`, deskew,
`image_to_data`, layout, unsure handwritten digits blanked, the signature
block read a second time by `regions`) on the same pages, the ratio, and
the share spent in cleanup and in the second reading. One tesseract thread
(`OMP_THREAD_LIMIT=1`), one page at a time: what each of 2 cores does when
a batch reads pages in parallel. `--dpi 150 200 300` also prints, per resolution,
seconds per page, mean word confidence and syllable share, the figures
behind `ocr.OCR_DPI`.

    .venv/bin/python benchmarks/bench_ocr.py [--corpus DIR] [--dpi 150 200 300]
"""
from __future__ import annotations

import argparse
import os
import statistics
import time
from pathlib import Path

os.environ.setdefault("OMP_THREAD_LIMIT", "1")

import pdfplumber  # noqa: E402
import pytesseract  # noqa: E402
from PIL import Image  # noqa: E402

from congvan.parsers.readers import cleanup, ocr, regions  # noqa: E402

# Scans with no text layer: a university notice, a phone photo of a Cục
# letter, Prime Minister letters with stamps, a tax letter with handwriting.
PAGES = [
    ("016_tb-01-bgh-dh-cntt-2013.pdf", 1),
    ("056_cv-813-hc-cnhc-cuc-hoa-chat-2026.pdf", 1),
    ("011_cv-464-ttg-cds-2026.pdf", 1),
    ("012_cv-2191-ct-cs-cuc-thue-2026.pdf", 1),
    ("057_cv-2265-bct-atmt-2026.pdf", 1),
    ("001_qd-970-ttg-2024.pdf", 1),
    ("056_cv-813-hc-cnhc-cuc-hoa-chat-2026.pdf", 2),  # the signature page: seal over the name
    ("057_cv-2265-bct-atmt-2026.pdf", 2),
]


def render(path: Path, page: int, dpi: int) -> Image.Image:
    with pdfplumber.open(path) as pdf:
        return pdf.pages[page - 1].to_image(resolution=dpi).original.copy()


def timed(fn, *args):  # type: ignore[no-untyped-def]
    t = time.perf_counter()
    out = fn(*args)
    return out, time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=Path(__file__).resolve().parents[2] / "shared/corpus/real")
    ap.add_argument("--dpi", type=int, nargs="*", default=[])
    args = ap.parse_args()
    pages = [(args.corpus / f, p) for f, p in PAGES if (args.corpus / f).exists()]
    if not pages:
        raise SystemExit(f"no corpus scans under {args.corpus}")

    dpi = ocr.OCR_DPI
    images = [render(f, p, dpi) for f, p in pages]
    ocr._tesseract()  # the install check once, outside the timings
    raw, ours, cleans, seconds = [], [], [], []
    reread = regions.reread

    def timed_reread(*a, **kw):  # type: ignore[no-untyped-def]
        t = time.perf_counter()
        try:
            return reread(*a, **kw)
        finally:
            seconds.append(time.perf_counter() - t)

    regions.reread = timed_reread
    print(f"{len(images)} pages at {dpi} dpi, OMP_THREAD_LIMIT={os.environ['OMP_THREAD_LIMIT']}")
    for (f, p), im in zip(pages, images):
        _, t_raw = timed(pytesseract.image_to_string, im, "vie")
        (lines, info), t_ours = timed(ocr.ocr_page, im, p, dpi / 72)
        _, t_clean = timed(cleanup.split_inks, im)
        cleans.append(t_clean)
        raw.append(t_raw)
        ours.append(t_ours)
        print(f"  {f.name[:44]:44} p{p}: tesseract {t_raw:5.2f} s  ocr_page {t_ours:5.2f} s  "
              f"lines {len(lines):3}  conf {info.ocr_confidence:.3f}  syllables {info.quality:.3f}")
    a, b = statistics.fmean(raw), statistics.fmean(ours)
    print(f"tesseract image_to_string: {a:.2f} s/page")
    print(f"ocr.ocr_page:              {b:.2f} s/page")
    print(f"ratio ocr_page / tesseract: {b / a:.2f}")
    print(f"  of which cleanup (coloured ink): {statistics.fmean(cleans):.2f} s/page")
    print(f"  of which signature block read again: {sum(seconds) / len(images):.2f} s/page "
          f"({len(seconds)} crops on {len(images)} pages)")
    regions.reread = reread

    for d in args.dpi:
        secs, confs, syls = [], [], []
        for f, p in pages:
            im = render(f, p, d)
            (lines, info), t = timed(ocr.ocr_page, im, p, d / 72)
            secs.append(t)
            confs.append(info.ocr_confidence or 0.0)
            syls.append(info.quality or 0.0)
        print(f"{d:4} dpi: {statistics.fmean(secs):5.2f} s/page  mean conf {statistics.fmean(confs):.3f}  "
              f"syllable share {statistics.fmean(syls):.3f}")


if __name__ == "__main__":
    main()
