"""`congvan evaluate`: the project's own scorer gives the shared scorer's numbers,
lists every miss, breaks scores down by input kind and document type, and
saves / compares runs."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from conftest import HAVE_SHARED, NO_SHARED, SAMPLE_GOLD, SAMPLES, SEED_000, SEED_001, SHARED, congvan_cmd

from congvan.pipeline import evaluate as ev

SCORER = SHARED / "eval" / "score.py"


def _evaluate(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([*congvan_cmd(), "evaluate", *args], capture_output=True, text=True, timeout=600)


def _metric_lines(out: str) -> list[str]:
    return [l for l in out.splitlines() if l.startswith(("documents ", "field ", "set ", "overall "))]


@pytest.fixture(scope="module")
def samples_run() -> subprocess.CompletedProcess:
    run = _evaluate("--gold", str(SAMPLE_GOLD), "-j", "2")
    assert run.returncode == 0, run.stderr
    return run


def test_every_sample_gold_names_a_sample_file() -> None:
    golds = ev.load_gold(SAMPLE_GOLD)
    assert len(golds) >= 10
    assert ev.find_root(SAMPLE_GOLD, golds) == SAMPLES.resolve()
    assert all((SAMPLES / g["file"]).is_file() for _, g in golds)


@pytest.mark.skipif(not SCORER.is_file(), reason=NO_SHARED)
def test_same_numbers_as_the_shared_scorer_on_the_samples(samples_run) -> None:
    cmd = " ".join([*congvan_cmd(), "parse", "--json", "{file}"])
    shared = subprocess.run([sys.executable, str(SCORER), "--gold", str(SAMPLE_GOLD), "--root", str(SAMPLES),
                             "--cmd", cmd, "-j", "2"], capture_output=True, text=True, timeout=600)
    assert shared.returncode == 0, shared.stderr
    assert _metric_lines(samples_run.stdout) == _metric_lines(shared.stdout)


@pytest.mark.skipif(not (HAVE_SHARED and SCORER.is_file()), reason=NO_SHARED)
@pytest.mark.slow
def test_same_numbers_as_the_shared_scorer_on_the_corpus_gold(tmp_path: Path) -> None:
    # Parse once in-process, then let the shared scorer read the very same records back,
    # so the comparison is of the scoring, not of two parses of every scan.
    cases = ev.run(SHARED / "gold" / "corpus", SHARED, jobs=2)
    preds = tmp_path / "preds"
    preds.mkdir()
    for case in cases:
        (preds / f"{Path(case.gold['file']).stem}.json").write_text(json.dumps(case.pred, ensure_ascii=False),
                                                                    encoding="utf-8")
    reader = tmp_path / "cached.py"
    reader.write_text("import pathlib, sys\n"
                      f"print(pathlib.Path({str(preds)!r}, pathlib.Path(sys.argv[1]).stem + '.json')"
                      ".read_text(encoding='utf-8'))\n", encoding="utf-8")
    shared = subprocess.run([sys.executable, str(SCORER), "--gold", str(SHARED / "gold" / "corpus"),
                             "--cmd", f"{sys.executable} {reader} {{file}}", "-j", "2"],
                            capture_output=True, text=True, timeout=600)
    assert shared.returncode == 0, shared.stderr
    ours = ev.text_report(cases, ev.summary(cases))
    assert _metric_lines("\n".join(ours)) == _metric_lines(shared.stdout)


def test_a_wrong_gold_value_shows_in_every_part(tmp_path: Path) -> None:
    gold = tmp_path / "gold"
    gold.mkdir()
    record = json.loads((SAMPLE_GOLD / f"{SEED_001.stem}.json").read_text(encoding="utf-8"))
    record["file"] = str(SEED_001)                       # an absolute path works as well as a relative one
    record["signer"]["name"] = "Nguyễn Văn Không Có"
    record["recipients"] = record["recipients"] + ["Sở Không Có"]
    record["action_items"] = record["action_items"][1:]
    (gold / "one.json").write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    run = _evaluate("--gold", str(gold), "--root", "/", "-v", "--min", "0.99")
    assert run.returncode == 1                            # --min not reached
    out = run.stdout
    assert "one signer.name: gold='Nguyễn Văn Không Có'" in out
    assert "one recipients: missing=['sở không có'] extra=[]" in out
    assert "one action_items: missing=[] extra=[" in out
    assert "field signer.name        0.000" in out
    assert out.rstrip().splitlines()[-1].startswith("overall ")


def test_save_then_compare_names_what_was_lost(tmp_path: Path) -> None:
    gold = tmp_path / "gold"
    gold.mkdir()
    for seed in (SEED_000, SEED_001):
        shutil.copy(seed, tmp_path / seed.name)
        shutil.copy(SAMPLE_GOLD / f"{seed.stem}.json", gold / f"{seed.stem}.json")
    saved = tmp_path / "before.json"
    first = _evaluate("--gold", str(gold), "--save", str(saved))
    assert first.returncode == 0, first.stderr
    before = json.loads(saved.read_text(encoding="utf-8"))
    assert before[SEED_001.stem]["number"] is True and before[SEED_001.stem]["action_items"][0] > 0
    record = json.loads((gold / f"{SEED_001.stem}.json").read_text(encoding="utf-8"))
    record["number"] = "9999"
    record["distribution"] = []
    (gold / f"{SEED_001.stem}.json").write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    second = _evaluate("--gold", str(gold), "--compare", str(saved))
    assert f"LOST   {SEED_001.stem} number" in second.stdout
    hits = before[SEED_001.stem]["distribution"][0]      # every entry that was right is now wrong
    assert f"LOST   {SEED_001.stem} distribution: {-hits:+d} right, {hits:+d} wrong" in second.stdout


def test_tables_by_input_kind_and_document_type(samples_run) -> None:
    out = samples_run.stdout
    kinds = out[out.index("by input kind"):out.index("by document type")]
    for kind in ("born-digital PDF", "DOCX", ".doc", "RTF", "text"):
        assert f"\n{kind}" in kinds
    types = out[out.index("by document type"):out.index("documents ")]
    assert "Công văn" in types and "Quyết định" in types


def test_json_report_agrees_with_the_text(samples_run) -> None:
    run = _evaluate("--gold", str(SAMPLE_GOLD), "--json", "--root", str(SAMPLES))
    data = json.loads(run.stdout)
    assert f"overall {data['overall']:.3f}" == samples_run.stdout.rstrip().splitlines()[-1]
    assert sum(b["documents"] for b in data["by_kind"].values()) == data["documents"]


def test_missing_gold_folder_is_one_line(tmp_path: Path) -> None:
    run = _evaluate("--gold", str(tmp_path / "nope"))
    assert run.returncode == 2 and run.stderr.strip().count("\n") == 0
    assert run.stderr.startswith("congvan: error:") and "no such gold folder" in run.stderr


def test_reliability_table_counts_claimed_values_by_band() -> None:
    gold = {"file": "x", "number": "12", "issuer": "Bộ Tài chính", "subject": "a"}
    right = {"number": "12", "issuer": "Bộ Tài chính", "subject": "b", "confidence": {"number": 0.95, "subject": 0.5},
             "nd30": {"OrganName": {"value": "Bộ Tài chính", "confidence": 0.8}}}
    wrong = {"number": "13", "issuer": None, "subject": "a", "confidence": {"number": 0.92}}
    table = ev.reliability([ev.Case("a", gold, right), ev.Case("b", gold, wrong)])
    assert table["number"][0] == {"band": "≥ 0.9", "claimed": 2, "right": 1}
    assert table["issuer"][1] == {"band": "0.7–0.9", "claimed": 1, "right": 1}      # from the nd30 name
    assert table["subject"][2]["claimed"] == 1 and table["subject"][0]["claimed"] == 1  # unrated counts as top band
    assert sum(r["claimed"] for r in table["parent_issuer"]) == 0                        # null is not claimed


def test_sets_count_as_the_shared_scorer_counts() -> None:
    gold = {"references": [{"number": "1", "symbol": "QĐ-TTg"}, {"number": "1", "symbol": "QĐ-TTg"}],
            "action_items": [{"path": "1", "unit": "Sở A"}, {"path": "1", "unit": "Sở A", "role": "support"}]}
    pred = {"references": [{"number": "1", "symbol": "QĐ - TTg"}] * 3, "action_items": [{"path": "1", "unit": "sở a"}]}
    assert ev.set_items(gold, "references") == Counter({"1/qđ-ttg": 2})
    assert ev.set_items(pred, "references", predicted=True) == Counter({"1/qđ-ttg": 1})
    assert ev.set_items(gold, "action_items") == ev.set_items(pred, "action_items", predicted=True)
