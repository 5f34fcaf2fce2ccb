"""Score parsed letters against hand-checked gold records: `congvan evaluate`.

Flow: gold folder -> each gold's file -> parse (the same Letter and JSON
`congvan parse --json` prints) -> **this module** compares field by field ->
a report (text or JSON). It is the project's own copy of the scorer in
`../shared/eval/score.py`, for users who annotate their own letters: the
same gold format (one JSON per letter, its `"file"` relative to a root
folder), the same normalisation and the same numbers (a test proves it).
Beyond that scorer it lists the misses of every part, breaks the scores
down by input kind and document type, and prints how far each header
field's confidence can be trusted (a reliability table).

The metrics: header fields and signer parts are accuracies over documents;
references, recipients, distribution, directives and action items are
micro-averaged precision / recall / F1 over documents' items; `overall` is
the mean of the eleven accuracies and five F1s.
"""
from __future__ import annotations

import json
import os
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HEADER_FIELDS = ("number", "symbol", "issued", "place", "issuer", "parent_issuer", "doc_type", "subject")
SIGNER_PARTS = ("name", "title", "authority")
FIELDS = (*HEADER_FIELDS, *(f"signer.{p}" for p in SIGNER_PARTS))
SETS = ("references", "recipients", "distribution", "directives", "action_items")

# Old and new tone-mark placement are the same word; `Ủy ban nhân dân` is `UBND`.
_TONE_PAIRS = {"oà": "òa", "oá": "óa", "oả": "ỏa", "oã": "õa", "oạ": "ọa", "oè": "òe", "oé": "óe",
               "oẻ": "ỏe", "oẽ": "õe", "oẹ": "ọe", "uỳ": "ùy", "uý": "úy", "uỷ": "ủy", "uỹ": "ũy", "uỵ": "ụy"}
_ABBREVIATIONS = {"ủy ban nhân dân": "ubnd", "uỷ ban nhân dân": "ubnd", "hội đồng nhân dân": "hđnd"}

# Confidence bands of the reliability table.
BANDS = ((0.9, 1.01, "≥ 0.9"), (0.7, 0.9, "0.7–0.9"), (0.0, 0.7, "< 0.7"))
# Where a field's confidence is found when the record has none under its own name.
_ND30_NAME = {"number": "CodeNumber", "symbol": "CodeNotation", "issued": "IssuedDate", "place": "Place",
              "issuer": "OrganName", "parent_issuer": "OrganizationInCharge", "doc_type": "DocumentType",
              "subject": "Subject", "signer.name": "SignerInfo", "signer.title": "SignerInfo",
              "signer.authority": "SignerInfo"}


def norm(value: Any) -> str | None:
    """The comparison form of a value: NFC, Đ, case, tone placement, UBND/HĐND, dashes, spaces."""
    if value is None:
        return None
    text = unicodedata.normalize("NFC", str(value)).replace("\u00d0", "\u0110").casefold()
    for new, old in _TONE_PAIRS.items():
        text = text.replace(old, new)
    for long, short in _ABBREVIATIONS.items():
        text = text.replace(long, short)
    text = " ".join(text.replace("\u2013", "-").replace("\u2014", "-").split())
    return text.strip(" .;:,") or None


def symbol_key(number: Any, symbol: Any) -> str:
    return f"{norm(number) or ''}/{(norm(symbol) or '').replace(' ', '')}"


def f1(gold: Counter, pred: Counter) -> tuple[float, float, float]:
    """Precision, recall, F1 of two multisets; an empty prediction of an empty gold is perfect."""
    hit = sum((gold & pred).values())
    p = hit / sum(pred.values()) if pred else (1.0 if not gold else 0.0)
    r = hit / sum(gold.values()) if gold else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


# ----------------------------------------------------------------- items


def _references(doc: dict[str, Any], *, unique: bool) -> Counter:
    keys = [symbol_key(r.get("number"), r.get("symbol")) for r in doc.get("references") or [] if r.get("number")]
    return Counter(set(keys)) if unique else Counter(keys)


def set_items(doc: dict[str, Any], name: str, *, predicted: bool = False) -> Counter:
    """The scored items of one set of a gold or predicted record, as the shared scorer counts them
    (a predicted reference counts once however often it is listed; action items are a set)."""
    if name == "references":
        return _references(doc, unique=predicted)
    if name == "recipients":
        return Counter(norm(r) for r in doc.get("recipients") or [])
    if name == "distribution":
        return Counter((norm(d.get("name")), norm(d.get("purpose"))) for d in doc.get("distribution") or [])
    if name == "directives":
        return Counter((d.get("depth"), norm(d.get("label"))) for d in doc.get("directives") or [])
    if name == "action_items":
        return Counter({(norm(a.get("path")) or "", norm(a.get("unit"))) for a in doc.get("action_items") or []})
    raise ValueError(f"unknown set {name!r}")


def field_value(doc: dict[str, Any], name: str) -> Any:
    if name.startswith("signer."):
        return (doc.get("signer") or {}).get(name.split(".", 1)[1])
    return doc.get(name)


def field_confidence(pred: dict[str, Any], name: str) -> float | None:
    """The confidence the record claims for one field: its own entry, else its Decree 30 name's."""
    own = (pred.get("confidence") or {}).get(name)
    if own is not None:
        return float(own)
    entry = (pred.get("nd30") or {}).get(_ND30_NAME.get(name, ""))
    return float(entry["confidence"]) if isinstance(entry, dict) and entry.get("confidence") is not None else None


# ----------------------------------------------------------------- records


@dataclass(frozen=True)
class Case:
    """One gold record and what the parser made of its file."""

    name: str                      # the gold file's stem
    gold: dict[str, Any]
    pred: dict[str, Any]           # {} when the file failed
    error: str | None = None
    kind: str = "unknown"          # input kind: born-digital PDF, scanned PDF, DOCX, .doc, RTF, text, image


@dataclass
class Metric:
    hits: int = 0
    total: int = 0

    @property
    def value(self) -> float:
        return self.hits / self.total if self.total else 0.0


@dataclass
class Scores:
    """The scorer's numbers over a group of cases."""

    documents: int = 0
    failed: int = 0
    fields: dict[str, Metric] = field(default_factory=lambda: {f: Metric() for f in FIELDS})
    sets: dict[str, list[Counter]] = field(default_factory=lambda: {s: [Counter(), Counter()] for s in SETS})

    def add(self, case: Case) -> None:
        self.documents += 1
        self.failed += case.error is not None
        for name in FIELDS:
            m = self.fields[name]
            m.total += 1
            m.hits += bool(case.pred) and norm(field_value(case.gold, name)) == norm(field_value(case.pred, name))
        for name in SETS:
            self.sets[name][0].update(set_items(case.gold, name))
            self.sets[name][1].update(set_items(case.pred, name, predicted=True))

    def set_prf(self, name: str) -> tuple[float, float, float]:
        gold, pred = self.sets[name]
        return f1(gold, pred)

    @property
    def overall(self) -> float:
        values = [m.value for m in self.fields.values()] + [self.set_prf(s)[2] for s in SETS]
        return sum(values) / len(values) if values else 0.0

    def header(self) -> float:
        """Mean accuracy of the eight header fields (what the issues call 'header fields')."""
        return sum(self.fields[f].value for f in HEADER_FIELDS) / len(HEADER_FIELDS)

    def signer(self) -> float:
        return sum(self.fields[f"signer.{p}"].value for p in SIGNER_PARTS) / len(SIGNER_PARTS)


def score(cases: Iterable[Case]) -> Scores:
    out = Scores()
    for case in cases:
        out.add(case)
    return out


def doc_results(case: Case) -> dict[str, Any]:
    """One document's results: a bool per field, [hits, gold, predicted] per set."""
    res: dict[str, Any] = {}
    for name in FIELDS:
        res[name] = bool(case.pred) and norm(field_value(case.gold, name)) == norm(field_value(case.pred, name))
    for name in SETS:
        g, p = set_items(case.gold, name), set_items(case.pred, name, predicted=True)
        res[name] = [sum((g & p).values()), sum(g.values()), sum(p.values())]
    return res


def misses(case: Case) -> list[str]:
    """Every difference between a document's gold and its record, one line each."""
    out: list[str] = []
    if case.error:
        out.append(f"FAILED: {case.error}")
    for name in FIELDS:
        g, p = field_value(case.gold, name), field_value(case.pred, name)
        if norm(g) != norm(p):
            out.append(f"{name}: gold={g!r} got={p!r}")
    for name in SETS:
        g, p = set_items(case.gold, name), set_items(case.pred, name, predicted=True)
        missing, extra = sorted(map(repr, (g - p).elements())), sorted(map(repr, (p - g).elements()))
        if missing or extra:
            out.append(f"{name}: missing=[{', '.join(missing)}] extra=[{', '.join(extra)}]")
    return out


def reliability(cases: Iterable[Case]) -> dict[str, list[dict[str, Any]]]:
    """Per field and confidence band: how many values were claimed and how many were right.
    A value is claimed when the record prints one (not null); an unrated value falls in the top band."""
    table: dict[str, list[dict[str, Any]]] = {name: [{"band": b[2], "claimed": 0, "right": 0} for b in BANDS]
                                              for name in FIELDS}
    for case in cases:
        if not case.pred:
            continue
        for name in FIELDS:
            value = field_value(case.pred, name)
            if value is None:
                continue
            conf = field_confidence(case.pred, name)
            conf = 1.0 if conf is None else conf
            row = next(r for r, (lo, hi, _) in zip(table[name], BANDS) if lo <= conf < hi)
            row["claimed"] += 1
            row["right"] += norm(value) == norm(field_value(case.gold, name))
    return table


# ----------------------------------------------------------------- running


def load_gold(gold_dir: str | Path) -> list[tuple[str, dict[str, Any]]]:
    """(stem, record) of every `*.json` in the folder, in name order."""
    folder = Path(gold_dir)
    if not folder.is_dir():
        raise FileNotFoundError(f"{folder}: no such gold folder")
    golds = [(p.stem, json.loads(p.read_text(encoding="utf-8"))) for p in sorted(folder.glob("*.json"))]
    if not golds:
        raise FileNotFoundError(f"{folder}: no gold records (*.json) in it")
    bad = [stem for stem, g in golds if not isinstance(g, dict) or not isinstance(g.get("file"), str)]
    if bad:
        raise ValueError(f"{folder}: gold records without a \"file\" path: {', '.join(bad[:5])}")
    return golds


def find_root(gold_dir: str | Path, golds: Sequence[tuple[str, dict[str, Any]]]) -> Path:
    """The folder the golds' `file` paths are relative to: the nearest ancestor of the gold
    folder (itself included) under which the first gold's file exists."""
    first = golds[0][1]["file"]
    folder = Path(gold_dir).resolve()
    for candidate in (folder, *folder.parents):
        if (candidate / first).exists():
            return candidate
    raise FileNotFoundError(f"no folder above {gold_dir} holds {first!r}: pass --root")


def input_kind(letter: Any) -> str:
    """The kind of input a Letter was read from, for the table by kind."""
    fmt = letter.format
    if fmt == "pdf":
        return "scanned PDF" if any(p.path == "ocr" for p in letter.pages) else "born-digital PDF"
    return {"docx": "DOCX", "doc": ".doc", "rtf": "RTF", "txt": "text", "image": "image"}.get(fmt, fmt)


def _parse_one(path: str) -> tuple[dict[str, Any], str | None, str]:
    from congvan.models.output import letter_to_json
    from congvan.models.records import FailedFile
    from congvan.pipeline.parse import parse_file_safe

    result = parse_file_safe(path)
    if isinstance(result, FailedFile):
        return {}, f"{result.reason} [{result.kind}]", result.format or "unknown"
    return letter_to_json(result), None, input_kind(result)


def run(gold_dir: str | Path, root: str | Path | None = None, *, jobs: int = 1,
        parse: Callable[[str], tuple[dict[str, Any], str | None, str]] | None = None) -> list[Case]:
    """Parse every gold record's file (in `jobs` processes) and pair it with its gold."""
    golds = load_gold(gold_dir)
    base = Path(root) if root else find_root(gold_dir, golds)
    paths = [str(base / g["file"]) for _, g in golds]
    worker = parse or _parse_one
    if jobs > 1 and parse is None:
        with ProcessPoolExecutor(min(jobs, len(paths)), initializer=_quiet_worker) as pool:
            outcomes = list(pool.map(worker, paths))
    else:
        outcomes = [worker(p) for p in paths]
    return [Case(name=stem, gold=g, pred=pred, error=err, kind=kind)
            for (stem, g), (pred, err, kind) in zip(golds, outcomes)]


def _quiet_worker() -> None:
    # One tesseract thread per process: two processes on two cores, not four threads each.
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")


# ----------------------------------------------------------------- reports


def summary(cases: Sequence[Case]) -> dict[str, Any]:
    """Everything `congvan evaluate --json` prints."""
    total = score(cases)

    def block(s: Scores) -> dict[str, Any]:
        return {
            "documents": s.documents, "failed": s.failed,
            "fields": {k: round(m.value, 6) for k, m in s.fields.items()},
            "sets": {k: dict(zip(("precision", "recall", "f1"), (round(x, 6) for x in s.set_prf(k)))) for k in SETS},
            "header": round(s.header(), 6), "signer": round(s.signer(), 6), "overall": round(s.overall, 6),
        }

    groups: dict[str, dict[str, list[Case]]] = {"kind": defaultdict(list), "doc_type": defaultdict(list)}
    for case in cases:
        groups["kind"][case.kind].append(case)
        groups["doc_type"][str(case.gold.get("doc_type") or "?")].append(case)
    return {
        **block(total),
        "by_kind": {k: block(score(v)) for k, v in sorted(groups["kind"].items())},
        "by_doc_type": {k: block(score(v)) for k, v in sorted(groups["doc_type"].items())},
        "reliability": reliability(cases),
        "documents_results": {c.name: doc_results(c) for c in cases},
        "misses": {c.name: m for c in cases if (m := misses(c))},
    }


def _group_table(title: str, groups: dict[str, dict[str, Any]]) -> list[str]:
    short = {"references": "refs", "recipients": "recip", "distribution": "distr", "directives": "direct",
             "action_items": "actions"}
    head = f"{title:18s} {'docs':>4s} {'header':>6s} {'signer':>6s} " + " ".join(f"{short[s]:>7s}" for s in SETS) \
        + f" {'overall':>7s}"
    lines = [head]
    for name, b in groups.items():
        sets = " ".join(f"{b['sets'][s]['f1']:7.3f}" for s in SETS)
        lines.append(f"{name[:18]:18s} {b['documents']:4d} {b['header']:6.3f} {b['signer']:6.3f} {sets} {b['overall']:7.3f}")
    return lines


def reliability_lines(table: dict[str, list[dict[str, Any]]]) -> list[str]:
    lines = ["reliability: values claimed and right, by the confidence the record gives them",
             f"{'field':18s} " + " ".join(f"{b[2]:>16s}" for b in BANDS)]
    top_claimed = top_right = 0
    for name, rows in table.items():
        cells = []
        for row in rows:
            acc = f"{row['right'] / row['claimed']:.3f}" if row["claimed"] else "  -  "
            cells.append(f"{row['right']:4d}/{row['claimed']:<4d} {acc:>6s}")
        top_claimed += rows[0]["claimed"]
        top_right += rows[0]["right"]
        lines.append(f"{name:18s} " + " ".join(f"{c:>16s}" for c in cells))
    if top_claimed:
        lines.append(f"claimed with confidence ≥ 0.9: {top_claimed} values, {top_right / top_claimed:.1%} right")
    return lines


def text_report(cases: Sequence[Case], data: dict[str, Any], *, verbose: bool = False,
                calibration: bool = False) -> list[str]:
    """The printed report; its last line is `overall <score>`, as the shared scorer's."""
    lines: list[str] = []
    for case in cases:
        if case.error:
            lines.append(f"FAILED {case.gold.get('file')}: {case.error}")
    if verbose:
        for name, found in data["misses"].items():
            lines.extend(f"  {name} {m}" for m in found)
    if len(data["by_kind"]) > 1 or verbose:
        lines += _group_table("by input kind", data["by_kind"])
        lines += _group_table("by document type", data["by_doc_type"])
    if calibration:
        lines += reliability_lines(data["reliability"])
    lines.append(f"documents {data['documents']} failed {data['failed']}")
    for name, value in data["fields"].items():
        lines.append(f"field {name:18s} {value:.3f}")
    for name, prf in data["sets"].items():
        lines.append(f"set   {name:18s} P {prf['precision']:.3f} R {prf['recall']:.3f} F1 {prf['f1']:.3f}")
    lines.append(f"overall {data['overall']:.3f}")
    return lines


def compare_lines(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """What each document gained or lost since a `--save`d run: fields, and set items by count."""
    out: list[str] = []
    for doc, results in sorted(after.items()):
        old = before.get(doc, {})
        for name, now in sorted(results.items()):
            was = old.get(name)
            if was is None or was == now:
                continue
            if isinstance(now, bool):
                out.append(f"{'GAINED' if now else 'LOST  '} {doc} {name}")
            elif isinstance(now, list) and isinstance(was, list) and len(was) == 3:
                hits, wrong = now[0] - was[0], (now[2] - now[0]) - (was[2] - was[0])
                if hits or wrong:
                    out.append(f"{'GAINED' if hits > 0 or (hits == 0 and wrong < 0) else 'LOST  '} {doc} {name}: "
                               f"{hits:+d} right, {wrong:+d} wrong")
    return out
