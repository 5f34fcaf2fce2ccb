"""How the handwritten number and day of scanned letters come out, against
what a person reads on the page.

Flow position: reader stage (`ocr.read_page` -> `handwritten` -> `digits`)
measured through the whole parse (the record's number, issue date and
their confidence).

For each scanned corpus letter whose first page has a number, day or month
written or stamped by hand (and, as controls, some whose number is printed),
the first page is read as the PDF reader reads it (with the e-signature's
date as a bound) and the record's value is compared with the page: right,
wrong or null, and the confidence it was given. The reliability line counts
wrong values claimed at 0.9 or more: it must stay 0.

The truth below was read by eye off the page images (the manifest's
number_guess for 001-010 comes from the portal's file names); it is a
measurement table, not a rule.

    .venv/bin/python benchmarks/bench_digits.py [--corpus DIR] [--only 011 012]
"""
from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

os.environ.setdefault("OMP_THREAD_LIMIT", "1")

from congvan.parsers.letter import parse_read_result  # noqa: E402
from congvan.parsers.readers import read_file  # noqa: E402

# file prefix: (number, day, month, what is handwritten or stamped)
TRUTH: dict[str, tuple[str, int, int, str]] = {
    "001": ("970", 13, 9, "printed"),
    "002": ("981", 14, 9, "number, day"),
    "003": ("985", 15, 9, "printed"),
    "004": ("999", 18, 9, "printed"),
    "005": ("1009", 19, 9, "printed"),
    "006": ("1039", 24, 9, "number, day"),
    "007": ("1053", 28, 9, "printed"),
    "008": ("1114", 7, 10, "number, day"),
    "009": ("1139", 9, 10, "number, day"),
    "010": ("1160", 11, 10, "number, day"),
    "011": ("464", 30, 4, "number, day"),
    "012": ("2191", 8, 4, "number, day, month"),
    "016": ("01", 22, 1, "number, day"),
    "017": ("01", 3, 1, "number, day, month (faint blue)"),
    "056": ("813", 22, 4, "number, day"),
    "057": ("2265", 2, 4, "number (stamp), day, month (blue)"),
}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=Path(os.environ.get("CONGVAN_SHARED", "../shared")) / "corpus" / "real")
    ap.add_argument("--only", nargs="*")
    args = ap.parse_args()
    counts = {k: {"right": 0, "wrong": 0, "null": 0} for k in ("number", "day")}
    sure_wrong = sure_right = 0
    print(f"{'file':5} {'kind':34} {'number':>16} {'conf':>5}  {'date':>12} {'conf':>5}  verdict")
    t0 = time.perf_counter()
    for prefix, (number, day, month, kind) in TRUTH.items():
        if args.only and prefix not in args.only:
            continue
        found = sorted(args.corpus.glob(f"{prefix}_*.pdf"))
        if not found:
            print(f"{prefix}: not in {args.corpus}")
            continue
        letter = parse_read_result(read_file(found[0]), file=found[0].name)
        num = letter.number.number if letter.number else None
        nconf = letter.confidence.get("number", 0.0)
        issued = letter.issued
        iso = issued.iso if issued is not None else None
        dconf = letter.confidence.get("issued", 0.0)
        verdicts = []
        for field, got, want, conf in (("number", num, number, nconf),
                                       ("day", iso if iso and len(iso) == 10 else None,
                                        f"-{month:02d}-{day:02d}", dconf)):
            if got is None:
                v = "null"
            elif (got == want) if field == "number" else got.endswith(want):
                v = "right"
            else:
                v = "wrong"
            counts[field][v] += 1
            if conf >= 0.9:
                sure_wrong += v == "wrong"
                sure_right += v == "right"
            verdicts.append(f"{field} {v}")
        print(f"{prefix:5} {kind:34} {str(num):>16} {nconf:5.2f}  {str(iso):>12} {dconf:5.2f}  {', '.join(verdicts)}")
    print()
    for field, c in counts.items():
        print(f"{field:7} right {c['right']:2}  wrong {c['wrong']:2}  null {c['null']:2}")
    print(f"claimed with confidence >= 0.9: {sure_right + sure_wrong} values, {sure_wrong} wrong")
    print(f"({time.perf_counter() - t0:.0f} s)")


if __name__ == "__main__":
    main()
