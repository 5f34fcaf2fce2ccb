"""The two seed letters against their hand-checked gold, field by field."""
from __future__ import annotations

import json
import subprocess

import jsonschema
import pytest
from conftest import congvan_cmd, gold_for

import congvan
from congvan.models.schema import letter_schema

HEADER = ["number", "symbol", "issued", "place", "issuer", "parent_issuer", "doc_type", "subject"]


def _norm(v):
    return None if v is None else " ".join(str(v).split()).casefold()


@pytest.fixture(scope="module")
def parsed(seed_files) -> dict:
    return {p.stem: (congvan.to_json(congvan.parse(str(p))), gold_for(p)) for p in seed_files}


def test_header_fields(parsed) -> None:
    for stem, (got, gold) in parsed.items():
        for field in HEADER:
            assert _norm(got[field]) == _norm(gold[field]), f"{stem} {field}"
        for part in ("name", "title", "authority"):
            assert _norm(got["signer"][part]) == _norm(gold["signer"][part]), f"{stem} signer.{part}"


def test_lists(parsed) -> None:
    for stem, (got, gold) in parsed.items():
        assert got["recipients"] == gold["recipients"], stem
        assert [(d["name"], d["purpose"]) for d in got["distribution"]] == [
            (d["name"], d["purpose"]) for d in gold["distribution"]
        ], stem
        assert [(d["depth"], d["label"]) for d in got["directives"]] == [
            (d["depth"], d["label"]) for d in gold["directives"]
        ], stem


def test_references(parsed) -> None:
    for stem, (got, gold) in parsed.items():
        numbered = {(r["number"], r["symbol"]): r for r in got["references"] if r["number"]}
        for ref in gold["references"]:
            if not ref["number"]:
                continue
            mine = numbered.pop((ref["number"], ref["symbol"]))
            for key in ("doc_type", "date", "issuer", "relation"):
                assert _norm(mine[key]) == _norm(ref[key]), f"{stem} {ref['number']} {key}"
        assert not numbered, f"{stem}: extra references {list(numbered)}"


def test_unnumbered_reference_is_kept(parsed) -> None:
    got, _ = parsed["000_dd14468687b73df9"]
    unnumbered = [r for r in got["references"] if r["number"] is None]
    assert [(r["doc_type"], r["issuer"]) for r in unnumbered] == [("Công điện", "Thủ tướng Chính phủ")]
    assert "chấn chỉnh" in unnumbered[0]["subject"]
    # 4217/UBND-TH's own description says it implements that Công điện.
    cv4217 = next(r for r in got["references"] if r["number"] == "4217")
    target = got["references"][cv4217["cites"][0]["reference"]]
    assert target["doc_type"] == "Công điện" and cv4217["cites"][0]["relation"] == "implements"


def test_blank_day_is_month_precision(parsed) -> None:
    got, _ = parsed["000_dd14468687b73df9"]
    assert got["issued"] == "2023-05" and got["issued_precision"] == "month"


def test_every_value_has_a_source(parsed) -> None:
    for stem, (got, _) in parsed.items():
        prov = got["provenance"]
        for field in ("number", "issued", "subject"):
            assert prov[field]["end"] > prov[field]["start"], f"{stem} {field}"
        assert len(prov["directives"]) == len(got["directives"])
        assert all(s is not None for s in prov["recipients"])


def test_output_validates_against_the_published_schema(parsed) -> None:
    schema = letter_schema()
    for got, _ in parsed.values():
        jsonschema.validate(got, schema)


def test_cli_json_prints_exactly_one_object(seed_files) -> None:
    out = subprocess.run([*congvan_cmd(), "parse", "--json", str(seed_files[1])], capture_output=True, text=True, check=True)
    data = json.loads(out.stdout)
    assert data["number"] == gold_for(seed_files[1])["number"]
    human = subprocess.run([*congvan_cmd(), "parse", str(seed_files[1])], capture_output=True, text=True, check=True)
    assert "2536/BCT-VP" in human.stdout and not human.stdout.lstrip().startswith("{")
    schema = subprocess.run([*congvan_cmd(), "schema"], capture_output=True, text=True, check=True)
    assert "recipients" in json.loads(schema.stdout)["properties"]
