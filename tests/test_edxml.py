"""edXML envelopes: one per letter, every exported envelope parsed back with
lxml and each MessageHeader field checked against the record."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import REPO_CORPUS, SEED_000, SEED_001
from lxml import etree
from typer.testing import CliRunner

from congvan.models import nd30 as names
from congvan.pipeline.cli import app
from congvan.pipeline.exports import edxml, source

FILES = [SEED_000, SEED_001,
         REPO_CORPUS / "087_cv-38273-chq-gsql-cuc-hai-quan.txt", REPO_CORPUS / "114_cd-224-cd-ttg-thu-tuong-chinh-phu.txt",
         REPO_CORPUS / "141_tb-634-tb-vpcp-van-phong-chinh-phu.txt"]


@pytest.fixture(scope="module")
def letters() -> list:
    out = []
    for f in FILES:
        got, problems = source.load(f)
        assert not problems
        out += got
    return out


def _day(d) -> str | None:
    return d.iso if d is not None and d.precision == "day" else None


def test_every_envelope_reads_back_as_its_record(letters, tmp_path: Path) -> None:
    ids = {"Bộ Công Thương": "000.00.00.G06", "Tổng cục Hải quan": "000.00.16.G09"}
    (tmp_path / "ids.json").write_text(json.dumps(ids, ensure_ascii=False), encoding="utf-8")
    organ_ids = edxml.load_organ_ids(tmp_path / "ids.json")
    written = edxml.write_all(letters, tmp_path / "out", organ_ids)
    assert len(written) == len(letters) == len({p.name for p in written})
    for path, letter in zip(written, letters):
        root = etree.parse(str(path)).getroot()
        assert root.tag == f"{{{edxml.EDXML_NS}}}edXMLEnvelope"
        got = edxml.read_envelope(path.read_bytes())
        num = letter.number
        assert got["letter_id"] == letter.id
        assert got["from"] == letter.issuer and got["from_in_charge"] == letter.parent_issuer
        assert got["to"] == [r.name for r in letter.recipients]
        assert got["number"] == (num.number if num else None)
        assert got["notation"] == (num.symbol if num else None)
        assert got["place"] == letter.place
        assert got["date"] == _day(letter.issued)
        assert got["issued"] == (letter.issued.iso if letter.issued else None)
        assert got["type_name"] == letter.doc_type
        assert got["subject"] == letter.subject
        s = letter.signer
        assert (got["competence"], got["position"], got["full_name"]) == \
            ((s.authority, s.title, s.name) if s else (None, None, None))
        assert got["due"] == _day(names.due_date(letter))
        assert got["to_places"] == names.to_places(letter)
        assert got["priority"] == str(names.priority_code(letter.urgency))
        answered = [r for r in letter.references if r.relation == "responds_to"]
        assert [(r["number"], r["notation"], r["date"]) for r in got["response_for"]] == \
            [(r.number, r.symbol, _day(r.date)) for r in answered]
        assert got["confidence"] == {k: v["confidence"] for k, v in names.nd30_fields(letter).items()}
        oid = edxml.organ_id(letter.issuer, organ_ids)
        if oid and num and num.number and letter.issued and letter.issued.precision == "day":
            i = letter.issued
            assert got["document_id"] == f"{oid},{i.year:04d}/{i.month:02d}/{i.day:02d},{num.number}/{num.symbol}"
        else:
            assert got["document_id"] is None
    by_id = {edxml.read_envelope(p.read_bytes())["letter_id"]: edxml.read_envelope(p.read_bytes()) for p in written}
    seed_001 = next(l for l in letters if l.number and l.number.number == "2536")
    assert by_id[seed_001.id]["document_id"] == "000.00.00.G06,2023/04/27,2536/BCT-VP"
    assert sum(len(e["response_for"]) for e in by_id.values()) >= 1     # 087 answers a request
    assert any(e["due"] for e in by_id.values())                        # 114 and 141 set deadlines
    assert any(e["competence"] and e["competence"].startswith("KT.") for e in by_id.values())


def test_cli_writes_one_envelope_per_stored_letter(tmp_path: Path) -> None:
    from congvan.pipeline.ingest import ingest

    folder = tmp_path / "in"
    folder.mkdir()
    for f in FILES[:2]:
        (folder / f.name).write_bytes(f.read_bytes())
    db = tmp_path / "s.duckdb"
    ingest([folder], db, workers=1, log=lambda s: None)
    out = CliRunner().invoke(app, ["export", "edxml", "--db", str(db), "-o", str(tmp_path / "env")])
    assert out.exit_code == 0, out.output
    envelopes = sorted((tmp_path / "env").glob("*.edxml"))
    assert len(envelopes) == 2
    subjects = {edxml.read_envelope(p.read_bytes())["notation"] for p in envelopes}
    assert subjects == {"BCT-VP", "SCT-VP"}
