"""The hostile suite (#16) as a table: every case of `tests/hostile.py` run as a
user would (its own folder, TMPDIR and HOME), then one row per family: cases
tried, cases clean, the slowest case and the highest peak memory. Cases that
are not clean are listed under the table with the reason. Prints figures; the
test suite runs the light cases, this script runs them all.

    python benchmarks/bench_hostile.py [--family text,pdf] [--light]
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

import hostile  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--family", default="", help="comma-separated families (default: all)")
    ap.add_argument("--light", action="store_true", help="only the cases the test suite runs")
    args = ap.parse_args()
    families = {f for f in args.family.split(",") if f}
    cases = [c for c in hostile.cases() if (not families or c.family in families) and (not c.heavy or not args.light)]
    rows: dict[str, list[hostile.Outcome]] = defaultdict(list)
    with tempfile.TemporaryDirectory(prefix="bench_hostile_") as tmp:
        for case in cases:
            outcome = hostile.run(case, Path(tmp))
            rows[case.family].append(outcome)
            print(f"  {case.family}-{case.name}: {'clean' if outcome.clean else 'NOT CLEAN'} "
                  f"{outcome.seconds:.1f} s {outcome.peak_mb:.0f} MB", file=sys.stderr, flush=True)
    print(f"{'family':10} {'tried':>5} {'clean':>5} {'slowest case':32} {'s':>6} {'peak MB':>8}")
    for family, outcomes in rows.items():
        slow = max(outcomes, key=lambda o: o.seconds)
        print(f"{family:10} {len(outcomes):5d} {sum(o.clean for o in outcomes):5d} {slow.case.name[:32]:32} "
              f"{slow.seconds:6.1f} {max(o.peak_mb for o in outcomes):8.0f}")
    every = [o for outcomes in rows.values() for o in outcomes]
    print(f"{'all':10} {len(every):5d} {sum(o.clean for o in every):5d}")
    for o in every:
        if not o.clean:
            print(f"not clean: {o.case.family}-{o.case.name}: {o.detail}")


if __name__ == "__main__":
    main()
