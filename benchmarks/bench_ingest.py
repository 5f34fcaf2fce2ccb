"""Benchmark of bulk ingestion and citation-graph resolution; prints figures.

Flow position: measures the store stage (`congvan ingest`) and the graph stage
(`pipeline.graph.build_graph`). The ingest corpus is made by copying the seed
letters and small real TXT letters with their numbers and days varied, so
every file has its own content hash; graph resolution at 100k letters runs on
synthesised records (no parse), to show how it grows.

incremental graph resolution (`--incremental`) writes N synthesised letters into a
store, resolves it, adds NEW more (which cite and are cited by the old ones) and
prints the seconds of the incremental resolution against a full rebuild of the
same store, and whether both leave the same tables.

    .venv/bin/python benchmarks/bench_ingest.py [--sizes 1000 10000] [--cores 1 2] [--graph 1000 10000 100000]
        [--incremental 10000 100000] [--new 1000]
"""
from __future__ import annotations

import argparse
import hashlib
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import regex

SHARED = Path(__file__).resolve().parents[2] / "shared"


def make_corpus(dst: Path, n: int) -> None:
    real = SHARED / "corpus" / "real"
    sources = [*sorted((SHARED / "seeds").glob("*.txt")),
               *sorted(p for p in real.glob("2[0-6]?_cv-*.txt") if p.stat().st_size < 8000)]
    texts = [p.read_text(encoding="utf-8") for p in sources]
    for i in range(n):
        text = texts[i % len(texts)]
        text = regex.sub(r"(Số\s*:?\s*)[\d ]*(/)", lambda m, i=i: f"{m.group(1)}{10000 + i}{m.group(2)}", text, count=1)
        text = regex.sub(r"ngày\s+\d{0,2}\s*tháng", f"ngày {1 + i % 28} tháng", text, count=1)
        # Letters without a `Số:` line still need contents of their own (no two files share a hash).
        text += f"\nBản lưu số {i}.\n"
        folder = dst / f"{i // 500:03d}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"letter_{i:06d}.txt").write_text(text, encoding="utf-8")
    print(f"corpus: {n} files from {len(sources)} real letters in {dst}", flush=True)


def bench_ingest(corpus: Path, n: int, cores: int, work: Path) -> None:
    db = work / f"bench_{n}_{cores}.duckdb"
    for p in (db, db.with_name(db.name + ".wal")):
        p.unlink(missing_ok=True)
    congvan = Path(sys.executable).with_name("congvan")
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t0 = time.perf_counter()
    run = subprocess.run([str(congvan), "ingest", str(corpus), "--db", str(db), "-j", str(cores)],
                         capture_output=True, text=True)
    seconds = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    first = run.stdout.splitlines()[0] if run.stdout else run.stderr[-300:]
    graph = next((line for line in run.stderr.splitlines() if "(graph" in line), "")
    print(f"ingest {n:>6} files on {cores} core(s): {seconds:7.1f} s, {n / seconds:6.1f} letters/s, "
          f"peak RSS of the largest process {max(peak, before) / 1024:.0f} MiB | {first} | {graph.strip()}",
          flush=True)


def synthetic(n: int, seed: int = 7) -> tuple[list[dict], list[dict]]:
    """n letters in 60 issuers; each cites 3 numbered documents (two of them letters in the
    store, one outside it) and, one in five, an unnumbered Công điện by its subject."""
    from congvan.parsers.keys import number_key

    rng = random.Random(seed)
    # Subject words drawn Zipf-like from 3,000 syllables, as real subjects are.
    syllables = [f"{a}{b}" for a in "bcdghklmnpqrstvx" for b in ("a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư",
                 "y", "ai", "ao", "au", "ay", "âu", "eo", "ia", "iu", "oa", "oi", "ôi", "ơi", "ua", "ưa", "ui", "ưu")]
    syllables = [f"{s}{t}" for s in syllables for t in ("", "n", "m", "ng", "nh", "c", "ch", "t")][:3000]
    weights = [1 / (k + 1) for k in range(len(syllables))]

    def subject() -> str:
        return " ".join(dict.fromkeys(rng.choices(syllables, weights, k=10)))

    issuers = [(f"UBND tỉnh T{i}", "UBND-VP") for i in range(50)] + [(f"Bộ B{i}", f"B{i}-VP") for i in range(10)]
    letters, refs = [], []
    for i in range(n):
        issuer, sym = issuers[i % len(issuers)]
        is_cd = i % 10 == 0
        symbol = "CĐ-TTg" if is_cd else sym
        letters.append({
            # Letter ids as the store's: 16 hex digits of a content hash, in no order.
            "letter_id": hashlib.blake2b(str(i).encode(), digest_size=8).hexdigest(),
            "doc_type": "Công điện" if is_cd else "Công văn", "number": str(i + 1),
            "symbol": symbol, "number_key": number_key(str(i + 1), symbol),
            "issuer": "Thủ tướng Chính phủ" if is_cd else issuer, "issued": f"{2000 + i % 25}-05-04",
            "issued_year": 2000 + i % 25, "subject": subject(),
        })
    for i, letter in enumerate(letters):
        for k in range(2):
            j = rng.randrange(n)
            t = letters[j]
            refs.append({"letter_id": letter["letter_id"], "idx": k, "doc_type": t["doc_type"], "number": t["number"],
                         "symbol": t["symbol"], "number_key": t["number_key"], "date": t["issued"],
                         "year": t["issued_year"], "issuer": t["issuer"], "relation": "implements",
                         "subject": None, "text": "", "cites_idx": [], "cites_relation": []})
        refs.append({"letter_id": letter["letter_id"], "idx": 2, "doc_type": "Công văn", "number": str(n + i),
                     "symbol": "XYZ-VP", "number_key": number_key(str(n + i), "XYZ-VP"), "date": None,
                     "year": None, "issuer": None, "relation": "mentions", "subject": None, "text": "",
                     "cites_idx": [], "cites_relation": []})
        if i % 5 == 0:
            t = letters[(i // 10) * 10]
            refs.append({"letter_id": letter["letter_id"], "idx": 3, "doc_type": "Công điện", "number": None,
                         "symbol": None, "number_key": None, "date": None, "year": None,
                         "issuer": "Thủ tướng Chính phủ", "relation": "implements", "subject": None,
                         "text": "Công điện của Thủ tướng Chính phủ " + t["subject"], "cites_idx": [],
                         "cites_relation": []})
    return letters, refs


def bench_graph(n: int) -> None:
    from congvan.pipeline.graph import build_graph

    letters, refs = synthetic(n)
    t0 = time.perf_counter()
    g = build_graph(letters, refs)
    seconds = time.perf_counter() - t0
    methods: dict[str, int] = {}
    for link in g.links:
        methods[link["method"]] = methods.get(link["method"], 0) + 1
    # Of the unnumbered references, the share linked by subject: at most 40 % here, since half
    # of them name the citing Công điện itself and a fifth of the rest a later one.
    unnumbered = methods.get("subject", 0) + methods.get("unresolved", 0)
    print(f"graph {n:>7} letters, {len(refs):>7} references: {seconds:7.2f} s "
          f"({seconds / len(refs) * 1e6:5.1f} µs a reference) -> {len(g.nodes)} nodes, {len(g.edges)} edges, "
          f"unnumbered resolved {methods.get('subject', 0) / max(1, unnumbered):.1%}, links {methods}", flush=True)


def _graph_tables(con) -> list[list[tuple]]:
    # The lookup state's gap keys are certificates (an incremental resolution keeps one while
    # it holds, a rebuild writes the tightest): the words read are compared, not the gaps.
    return [con.execute(f"SELECT {cols} FROM {t} ORDER BY ALL").fetchall()
            for t, cols in (("nodes", "*"), ("edges", "*"), ("reference_links", "*"), ("graph_node_words", "*"),
                            ("graph_ref_words", "letter_id, idx, tkey, ikey, word, is_read"))]


def bench_incremental(n: int, new: int, work: Path) -> None:
    """A store of n letters, then `new` more: incremental resolution against a full rebuild."""
    from congvan.pipeline import graph_update, store
    from congvan.pipeline.graph import resolve_store

    letters, refs = synthetic(n + new)
    db = work / f"graph_{n}.duckdb"
    con = store.connect(db)
    try:
        old = {l["letter_id"] for l in letters[:n]}
        store.append_rows(con, "letters", letters[:n])
        store.append_rows(con, "citations", [r for r in refs if r["letter_id"] in old])
        first = resolve_store(con, full=True)
        # What a full rebuild spends only on getting the store into Python.
        t0 = time.perf_counter()
        con.execute(f"SELECT {', '.join(graph_update.LETTER_COLS)} FROM letters").fetchall()
        con.execute(f"SELECT {', '.join(graph_update.REF_COLS)} FROM citations").fetchall()
        load = time.perf_counter() - t0
        added = letters[n:]
        by_letter: dict[str, list[dict]] = {}
        for r in refs:
            by_letter.setdefault(r["letter_id"], []).append(r)
        # Written as ingest writes a run's letters.
        store.write_batch(con, [{"files": [], "letters": [l], "citations": by_letter.get(l["letter_id"], [])}
                                for l in added])
        inc = resolve_store(con, [l["letter_id"] for l in added])
        after = _graph_tables(con)
        full = resolve_store(con, full=True)
        same = _graph_tables(con) == after
        print(f"graph incremental: {n:>7} letters + {new} new: full rebuild {full.seconds:6.2f} s "
              f"(of {n} letters: {first.seconds:.2f} s; reading the store into Python alone {load:.2f} s), "
              f"incremental {inc.seconds:5.2f} s [{inc.line()}]; same tables as the rebuild: {'yes' if same else 'NO'}",
              flush=True)
    finally:
        con.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="*", default=[1000, 10000])
    ap.add_argument("--cores", type=int, nargs="*", default=[1, 2])
    ap.add_argument("--graph", type=int, nargs="*", default=[1000, 10000, 100000])
    ap.add_argument("--incremental", type=int, nargs="*", default=[10000, 100000],
                    help="store sizes for incremental graph resolution")
    ap.add_argument("--new", type=int, default=1000, help="letters added to the store for --incremental")
    ap.add_argument("--keep", action="store_true", help="keep the corpus and databases")
    args = ap.parse_args()
    for n in args.graph:
        bench_graph(n)
    work = Path(tempfile.mkdtemp(prefix="congvan-bench-"))
    try:
        for n in args.incremental:
            bench_incremental(n, args.new, work)
        for n in args.sizes:
            corpus = work / f"corpus_{n}"
            make_corpus(corpus, n)
            for cores in args.cores:
                bench_ingest(corpus, n, cores, work)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
