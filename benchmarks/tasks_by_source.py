"""Action items and distribution lists scored source by source: how the
task stage holds on letters from sources it was not written against.

    python benchmarks/tasks_by_source.py [--gold ../shared/gold/corpus]
        [--manifest ../shared/corpus/real/MANIFEST.tsv] [--cache /tmp/congvan-reads]
        [--held SOURCE,SOURCE,...]

For each source repository of MANIFEST.tsv (the `source_repo` column) it
prints the letters, the gold items and precision / recall / F1 of
`action_items` (on the (path, unit) pair, as ../shared/eval/score.py) and
of `distribution`, micro-averaged over that source's letters; then all
letters together and the mean over sources.

Leave-one-source-out: the task stage has no trained part (units, sentence
readings and assembly are hand rules over the word lists in
parsers/data/*.yaml, plus underthesea's fixed word list), so nothing is
refitted per fold and each source's row is already its held-out score. What
this table cannot show is how the rules were written; `--held` prints the
sources that were kept out of sight while the rules were written as a group
of their own, so a run on the commit where they were first scored gives the
honest held-out figure (see the report of issue #15). `--cache` keeps each
file's reader output between runs (scans are OCR'd once).
"""
from __future__ import annotations

import argparse
import csv
import hashlib
import pickle
import sys
from collections import Counter, defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent


def _parse(path: Path, cache: Path | None) -> dict:
    from congvan.models.output import letter_to_json
    from congvan.parsers.letter import parse_read_result
    from congvan.parsers.readers import read_bytes
    from congvan.pipeline.parse import read_capped

    data = read_capped(path)
    digest = hashlib.sha256(data).hexdigest()
    read = None
    if cache is not None:
        stored = cache / f"{digest}.pkl"
        if stored.exists():
            read = pickle.loads(stored.read_bytes())
    if read is None:
        read = read_bytes(data, path.name)
        if cache is not None:
            cache.mkdir(parents=True, exist_ok=True)
            (cache / f"{digest}.pkl").write_bytes(pickle.dumps(read))
    return letter_to_json(parse_read_result(read, file=str(path), content_hash=digest))


def _row(name: str, letters: int, counts: dict[str, tuple[Counter, Counter]]) -> str:
    from congvan.pipeline.evaluate import f1

    cells = [f"{name:34s} {letters:3d}"]
    for key in ("action_items", "distribution"):
        gold, pred = counts[key]
        p, r, f = f1(gold, pred)
        cells.append(f"{sum(gold.values()):5d} {p:6.3f} {r:6.3f} {f:6.3f}")
    return "  ".join(cells)


def main(argv: list[str] | None = None) -> int:
    from congvan.pipeline.evaluate import f1, load_gold, set_items

    shared = HERE.parent / "shared"
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--gold", default=str(shared / "gold" / "corpus"))
    ap.add_argument("--manifest", default=str(shared / "corpus" / "real" / "MANIFEST.tsv"))
    ap.add_argument("--root", default=str(shared), help="folder the gold records' `file` paths are relative to")
    ap.add_argument("--cache", default=None, help="keep reader output here between runs")
    ap.add_argument("--held", default="", help="comma-separated sources kept out of sight while writing the rules")
    args = ap.parse_args(argv)

    manifest = Path(args.manifest)
    if not manifest.is_file() or not Path(args.gold).is_dir():
        print(f"needs {args.gold} and {manifest}", file=sys.stderr)
        return 2
    with manifest.open(encoding="utf-8") as fh:
        source_of = {row["file"]: row["source_repo"] for row in csv.DictReader(fh, delimiter="\t")}
    cache = Path(args.cache) if args.cache else None
    held = {s.strip() for s in args.held.split(",") if s.strip()}

    per_source: dict[str, dict[str, tuple[Counter, Counter]]] = defaultdict(
        lambda: {k: (Counter(), Counter()) for k in ("action_items", "distribution")})
    letters: Counter = Counter()
    for _, gold in load_gold(args.gold):
        path = Path(args.root) / gold["file"]
        source = source_of.get(path.name, "(not in manifest)")
        pred = _parse(path, cache)
        letters[source] += 1
        for key in ("action_items", "distribution"):
            per_source[source][key][0].update(set_items(gold, key))
            per_source[source][key][1].update(set_items(pred, key, predicted=True))

    head = f"{'source':34s} {'n':>3s}  {'items':>5s} {'P':>6s} {'R':>6s} {'F1':>6s}  {'dist':>5s} {'P':>6s} {'R':>6s} {'F1':>6s}"
    print("action_items (path, unit) and distribution (name, purpose), micro-averaged within each row")
    print(head)
    groups: dict[str, dict[str, tuple[Counter, Counter]]] = defaultdict(
        lambda: {k: (Counter(), Counter()) for k in ("action_items", "distribution")})
    group_letters: Counter = Counter()
    macro: dict[str, list[float]] = {"action_items": [], "distribution": []}
    for source in sorted(per_source):
        counts = per_source[source]
        print(_row(source, letters[source], counts))
        for name in ("all letters", "held-out sources" if source in held else "other sources"):
            for key in counts:
                groups[name][key][0].update(counts[key][0])
                groups[name][key][1].update(counts[key][1])
            group_letters[name] += letters[source]
        for key in macro:
            if sum(counts[key][0].values()):
                macro[key].append(f1(*counts[key])[2])
    print("-" * len(head))
    for name in ("all letters", *(("held-out sources", "other sources") if held else ())):
        print(_row(name, group_letters[name], groups[name]))
    print(f"{'mean F1 over sources':34s}      {'':5s} {'':6s} {'':6s} {sum(macro['action_items']) / len(macro['action_items']):6.3f}"
          f"  {'':5s} {'':6s} {'':6s} {sum(macro['distribution']) / len(macro['distribution']):6.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
