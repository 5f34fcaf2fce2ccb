#!/usr/bin/env python3
"""Build the data the OCR post-correction stage ships with (parsers/postocr.py):

- `parsers/data/ngrams.tsv.gz`: syllable unigram and bigram counts from clean
  text: the born-digital corpus letters (web-page scrapes, DOCX, Word 97,
  RTF, PDF text layers, the legacy files' Unicode transcripts), the word list
  underthesea ships (Viet74K: every compound's syllable pairs), and the
  lexicon's names and phrases (parsers/data/lexicon.yaml, places.yaml).
- `parsers/data/places.yaml`: provinces, districts, communes and wards before
  and after the 2025 mergers, from underthesea's address mapping.

Held out, so the model cannot memorise the answers it is scored on:
  1. every file a gold record names (gold/corpus/*.json, gold/*.json) and its
     legacy transcript;
  2. every other file that is the same document: its first 3,000 characters
     carry a gold letter's own `number/symbol`, or a third of its 6-syllable
     shingles occur in a gold letter's readable text;
  3. text that is OCR output (scanned PDF pages, the OCR-or-converted .txt
     letters): their misreadings would teach the model the errors it fixes.

Run from the repository root: `python scripts/build_ngrams.py [--shared ../shared]`.
The output is deterministic (sorted, gzip without a timestamp).
"""
from __future__ import annotations

import argparse
import gzip
import io
import json
import sys
import unicodedata
from collections import Counter
from pathlib import Path

import regex
import yaml

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "parsers" / "data"

_OCR_SOURCES = {"teije05-art/PJJ-Parallel-DEV"}  # OCR-or-converted letters
_LEVEL = regex.compile(r"^(?:Thành phố|Tỉnh|Quận|Huyện|Thị xã|Thị trấn|Xã|Phường|Đặc khu)\s+", regex.I)
_SHINGLE = 6


def _no_ocr() -> None:
    """Read PDFs by their text layer only: OCR'd pages are not clean text."""
    from congvan.parsers.readers import pdf

    pdf._load_ocr = lambda: None  # type: ignore[attr-defined]


def _read(path: Path) -> str | None:
    from congvan.parsers.readers import ReadError, read_file

    try:
        read = read_file(path)
    except ReadError:
        return None
    bad_pages = {p.page for p in read.pages if p.path in ("ocr", "image") or (p.note and "no OCR" in p.note)}
    return "\n".join(l.text for l in read.lines if l.page not in bad_pages)


def _tokens(text: str) -> list[list[str]]:
    from congvan.parsers.postocr import model_tokens

    return model_tokens(text)


def _shingles(text: str) -> set[tuple[str, ...]]:
    out: set[tuple[str, ...]] = set()
    for run in _tokens(text):
        out.update(tuple(run[i:i + _SHINGLE]) for i in range(len(run) - _SHINGLE + 1))
    return out


def _gold(shared: Path) -> tuple[set[str], list[str], list[str]]:
    """(gold file names, gold `number/symbol` keys, gold letters' readable texts)."""
    names: set[str] = set()
    keys: list[str] = []
    texts: list[str] = []
    for g in sorted((shared / "gold").rglob("*.json")):
        rec = json.loads(g.read_text(encoding="utf-8"))
        path = shared / rec["file"]
        names.add(path.name)
        if rec.get("number") and rec.get("symbol"):
            keys.append(f"{rec['number']}/{rec['symbol']}".replace(" ", "").casefold())
        transcript = path.parent / "legacy_transcripts" / f"{path.stem}.groundtruth.txt"
        if transcript.exists():
            texts.append(transcript.read_text(encoding="utf-8"))
        text = _read(path) if path.exists() else None
        if text:
            texts.append(text)
    return names, keys, texts


def _places() -> dict[str, list[str]]:
    import underthesea

    data = json.loads((Path(underthesea.__file__).parent / "address" / "data" / "mapping.json").read_text(encoding="utf-8"))
    provinces = {v["short"] for v in (*data["province_names"].values(), *data["old_province_names"].values())}
    districts: set[str] = set()
    wards: set[str] = set()
    for row in data["ward_mapping"]:
        for key, bucket in (("old_district", districts), ("old_ward", wards), ("new_ward", wards)):
            name = _LEVEL.sub("", row.get(key) or "").strip()
            if name and not regex.search(r"\d", name) and " " in name:
                bucket.add(unicodedata.normalize("NFC", name))
    key = lambda s: (s.casefold(), s)  # noqa: E731
    return {"provinces": sorted(provinces, key=key), "districts": sorted(districts - provinces, key=key),
            "wards": sorted(wards - provinces - districts, key=key)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", default=str(ROOT.parent / "shared"))
    ap.add_argument("--min-bigram", type=int, default=2, help="keep corpus bigrams seen this often")
    args = ap.parse_args()
    shared = Path(args.shared)
    corpus = shared / "corpus" / "real"
    _no_ocr()

    places = _places()
    header = ("# Places of Viet Nam, short names without their level word, before and after the\n"
              "# 2025 mergers. Generated by scripts/build_ngrams.py from underthesea's address\n"
              "# mapping (vietnamadminunits); do not edit by hand.\n")
    (DATA / "places.yaml").write_text(header + yaml.safe_dump(places, allow_unicode=True, width=200), encoding="utf-8")

    gold_names, gold_keys, gold_texts = _gold(shared)
    gold_shingles = set().union(*(_shingles(t) for t in gold_texts)) if gold_texts else set()
    manifest = [l.split("\t") for l in (corpus / "MANIFEST.tsv").read_text(encoding="utf-8").splitlines()[1:]]
    docs: list[str] = []
    held: list[str] = []
    for row in manifest:
        name, source = row[0], row[6]
        path = corpus / name
        if name in gold_names:
            held.append(f"{name}: gold")
            continue
        if source in _OCR_SOURCES:
            held.append(f"{name}: OCR source")
            continue
        transcript = corpus / "legacy_transcripts" / f"{path.stem}.groundtruth.txt"
        text = transcript.read_text(encoding="utf-8") if transcript.exists() else _read(path)
        if not text:
            held.append(f"{name}: no clean text layer")
            continue
        head = regex.sub(r"\s+", "", text[:3000]).casefold()
        if any(k in head for k in gold_keys):
            held.append(f"{name}: same number as a gold letter")
            continue
        sh = _shingles(text)
        if sh and len(sh & gold_shingles) / len(sh) > 0.33:
            held.append(f"{name}: text shared with a gold letter")
            continue
        docs.append(text)
    print(f"training documents: {len(docs)}; held out: {len(held)}", file=sys.stderr)
    for h in held:
        if "gold" in h:
            print("  held out", h, file=sys.stderr)

    uni: Counter[str] = Counter()
    bi: Counter[tuple[str, str]] = Counter()
    # Syllables of people's names: the words after a family name in a
    # title-case run (`Nguyễn Văn Cường`), counted apart from other words.
    lexicon = yaml.safe_load((DATA / "lexicon.yaml").read_text(encoding="utf-8"))
    family = "|".join(sorted(set(lexicon["surnames"]), key=len, reverse=True))
    person = regex.compile(rf"\b(?:{family})(?:\s+\p{{Lu}}\p{{Ll}}*){{1,3}}\b")
    given: Counter[str] = Counter()
    for text in docs:
        for m in person.finditer(unicodedata.normalize("NFC", text)):
            given.update(w.lower() for w in m.group().split()[1:])
    for text in docs:
        for run in _tokens(text):
            uni.update(run)
            bi.update(zip(run, run[1:]))
    bi = Counter({k: v for k, v in bi.items() if v >= args.min_bigram})
    # Dictionary words and lexicon names: each counts once (a spelling, not a frequency).
    import underthesea

    words = (Path(underthesea.__file__).parent / "corpus" / "data" / "Viet74K.txt").read_text(encoding="utf-8").splitlines()
    names = [*words, *(n for v in lexicon.values() for n in v), *(n for v in places.values() for n in v)]
    for name in names:
        for run in _tokens(name):
            for w in run:
                uni[w] += 1
            for pair in zip(run, run[1:]):
                bi[pair] += 1
    out = io.StringIO()
    out.write(f"# syllable n-grams for parsers/postocr.py; built by scripts/build_ngrams.py from {len(docs)} clean documents,\n"
              f"# Viet74K and the lexicon; gold letters and their duplicates held out ({len(held)} files held out)\n")
    for w, c in sorted(uni.items()):
        out.write(f"U\t{w}\t{c}\n")
    for (a, b), c in sorted(bi.items()):
        out.write(f"B\t{a} {b}\t{c}\n")
    for w, c in sorted(given.items()):
        out.write(f"N\t{w}\t{c}\n")
    raw = out.getvalue().encode("utf-8")
    with open(DATA / "ngrams.tsv.gz", "wb") as fh, gzip.GzipFile(fileobj=fh, mode="wb", mtime=0, filename="") as gz:
        gz.write(raw)
    print(f"unigrams {len(uni)}, bigrams {len(bi)}, {(DATA / 'ngrams.tsv.gz').stat().st_size // 1024} KB", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
