"""Decree 30 / edXML field names on the record: the `nd30` key of `parse --json`
against the record and the published schema, confidences, identity, and
letters read back from the store equal to the letters parsed."""
from __future__ import annotations

import json
import subprocess
from pathlib import Path

import jsonschema
from conftest import REPO_CORPUS, SEED_000, SEED_001, SEEDS, congvan_cmd

import congvan
from congvan.models import nd30 as names
from congvan.models.schema import letter_schema
from congvan.parsers.keys import letter_key
from congvan.pipeline.exports import source
from congvan.pipeline.ingest import ingest


def test_parse_json_carries_nd30_fields_matching_the_record() -> None:
    out = subprocess.run([*congvan_cmd(), "parse", str(SEED_000), "--json"], capture_output=True, text=True, check=True)
    data = json.loads(out.stdout)
    jsonschema.validate(data, letter_schema())
    letter = congvan.parse(SEED_000)
    f = data["nd30"]
    assert f["CodeNumber"] == {"value": None, "confidence": 0.0}     # `Số: /SCT-VP`: blank, not guessed
    assert f["CodeNotation"]["value"] == letter.number.symbol == "SCT-VP"
    assert f["IssuedDate"]["value"] == {"date": "2023-05", "precision": "month"}
    assert f["OrganName"]["value"] == letter.issuer
    assert f["OrganizationInCharge"]["value"] == letter.parent_issuer
    assert f["SignerInfo"]["value"] == {"Competence": letter.signer.authority, "Position": letter.signer.title,
                                        "FullName": letter.signer.name}
    assert f["SignerInfo"]["value"]["Competence"].startswith("KT.")
    assert f["ToPlaces"]["value"] == [r.name for r in letter.recipients]
    assert f["Priority"]["value"] == 0
    assert set(f) == set(names.FIELD_LABELS)
    assert all(0.0 <= v["confidence"] <= 1.0 for v in f.values())


def test_confidence_comes_from_the_parser_and_the_warnings() -> None:
    letter = congvan.parse(SEED_001)      # `Số: 25 3 6 /BCT-VP`: OCR spaces, number confidence below 1
    f = names.nd30_fields(letter)
    assert f["CodeNumber"]["value"] == "2536"
    assert f["CodeNumber"]["confidence"] == letter.confidence["number"] < 1.0
    assert f["OrganName"]["confidence"] == letter.confidence["issuer"]   # issuer from the symbol BCT
    warned = letter.model_copy(update={"warnings": ("issue date: day unreadable",), "confidence": {}})
    g = names.nd30_fields(warned)
    assert g["IssuedDate"]["confidence"] == names.WARNED and g["Subject"]["confidence"] == 1.0
    ocr = letter.model_copy(update={"warnings": ("page 2: OCR failed (timeout)",), "confidence": {}})
    assert max(v["confidence"] for v in names.nd30_fields(ocr).values()) <= names.PAGE_WARNED


def test_priority_codes() -> None:
    assert [names.priority_code(u) for u in (None, "KHẨN", "Thượng khẩn", "HỎA TỐC", "Hoả tốc hẹn giờ")] == [0, 1, 2, 3, 4]


def test_identity_and_duplicates_in_the_store(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    text = SEED_001.read_text(encoding="utf-8")
    (folder / "a.txt").write_text(text, encoding="utf-8")
    (folder / "same.txt").write_text(text, encoding="utf-8")
    (folder / "edited.txt").write_text(text + "\nBản sao gửi kèm phụ lục.\n", encoding="utf-8")
    db = tmp_path / "s.duckdb"
    ingest([folder], db, workers=1, log=lambda s: None)
    letters = source.letters_from_store(db)
    assert len(letters) == 2                       # same bytes: one letter; edited: its own
    assert {letter_key(l) for l in letters} == {"2536/BCT-VP|bo cong thuong|2023"}
    dup = congvan.load_store(str(db))["duplicates"]
    kinds = dict(zip(dup["path"].map(lambda p: Path(p).name), dup["kind"]))
    # Two byte-identical files and an edited copy with the same subject: one document.
    assert kinds == {"a.txt": "same_document", "same.txt": "same_document", "edited.txt": "same_document"}
    assert set(dup["identity"]) == {"2536/BCT-VP|bo cong thuong|2023"}
    assert dup["content_hash"].nunique() == 2     # the review sees which two are byte-identical


def test_letters_read_back_from_the_store_equal_the_parsed_ones(tmp_path: Path) -> None:
    files = [SEED_000, SEED_001, REPO_CORPUS / "087_cv-38273-chq-gsql-cuc-hai-quan.txt"]
    folder = tmp_path / "in"
    folder.mkdir()
    for f in files:
        if f.exists():
            (folder / f.name).write_bytes(f.read_bytes())
    db = tmp_path / "s.duckdb"
    ingest([folder], db, workers=1, log=lambda s: None)
    stored = {l.id: l for l in source.letters_from_store(db)}
    for f in folder.iterdir():
        parsed = congvan.parse(f)
        back = stored[parsed.id]
        for name in ("number", "issued", "place", "issuer", "parent_issuer", "doc_type", "subject", "signer"):
            a, b = getattr(parsed, name), getattr(back, name)
            assert _comparable(a) == _comparable(b), (f.name, name)
        assert [r.name for r in parsed.recipients] == [r.name for r in back.recipients]
        assert [(r.key, r.relation, r.date) for r in parsed.references] == [(r.key, r.relation, r.date) for r in back.references]
        assert sorted(i.id for i in parsed.action_items) == sorted(i.id for i in back.action_items)
        for item in back.action_items:
            same = next(i for i in parsed.action_items if i.id == item.id)
            assert item.deadline == same.deadline and item.rrule == same.rrule


def test_filter_by_date_and_issuer() -> None:
    letters = [congvan.parse(seed) for seed in SEEDS]
    import datetime as dt

    may = source.filter_letters(letters, since=dt.date(2023, 5, 1), until=dt.date(2023, 5, 31))
    assert [l.issuer for l in may] == ["Sở Công Thương"]          # `tháng 5 năm 2023` counts for May
    assert [l.issuer for l in source.filter_letters(letters, issuer="Bộ Công Thương")] == ["Bộ Công Thương"]
    assert [l.issuer for l in source.filter_letters(letters, issuer="khánh hoà")] == ["Sở Công Thương"]  # parent body, tone placement


GARBLED_NUMBER = """TỔNG CỤC THUẾ                      CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
CỤC THUẾ TỈNH KHÁNH HÒA                  Độc lập - Tự do - Hạnh phúc

Số: 2!8] /CT-CS                     Khánh Hòa, ngày 12 tháng 6 năm 2023
V/v hướng dẫn hoàn thuế giá trị gia tăng

Kính gửi: Công ty TNHH Thương mại Nha Trang

Cục Thuế tỉnh Khánh Hòa nhận được công văn của Công ty hỏi về hoàn thuế giá trị gia tăng.
Đề nghị Công ty căn cứ quy định hiện hành để lập hồ sơ hoàn thuế.

Nơi nhận:                                   KT. CỤC TRƯỞNG
- Như trên;                                  PHÓ CỤC TRƯỞNG
- Lưu: VT, CS.
                                             Nguyễn Văn An
"""


def test_confidence_and_warnings_survive_the_store(tmp_path: Path) -> None:
    from congvan.pipeline.exports import registers

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "garbled.txt").write_text(GARBLED_NUMBER, encoding="utf-8")
    ocr = REPO_CORPUS / "242_cv-3630-tct-cs-tong-cuc-thue.txt"    # OCR'd: `ngày,È2 tháng 9 năm 202}`
    if ocr.exists():
        (folder / ocr.name).write_bytes(ocr.read_bytes())
    db = tmp_path / "s.duckdb"
    ingest([folder], db, workers=1, log=lambda s: None)
    stored = {l.id: l for l in source.letters_from_store(db)}

    parsed = garbled = congvan.parse(folder / "garbled.txt")
    parsed_garbled_conf = dict(parsed.confidence)
    assert parsed.confidence["number"] == 0.2 and any("garbled" in w for w in parsed.warnings)
    back = stored[parsed.id]
    assert back.confidence == parsed.confidence and back.warnings == parsed.warnings
    assert back.number.confidence == parsed.number.confidence == 0.2
    f = names.nd30_fields(back)
    assert f == names.nd30_fields(parsed)
    # The symbol was read but the number beside it was garbled: 0.2, not a certain 1.0
    # (nor the 0.5 a warning alone would give); the blank number stays 0.
    assert f["CodeNotation"] == {"value": "CT-CS", "confidence": 0.2}
    assert f["CodeNumber"] == {"value": None, "confidence": 0.0}
    assert f["IssuedDate"]["confidence"] == 1.0
    # The register made from the store names the doubtful symbol for the clerk.
    reg = registers.build_register("den", [back])
    assert reg.trace[0]["CodeNotation"] == 0.2 and "ký hiệu (0.2)" in reg.rows[0][-1]

    if ocr.exists():
        parsed = congvan.parse(folder / ocr.name)
        back = stored[parsed.id]
        assert parsed.confidence["issued"] == 0.0 and back.confidence == parsed.confidence
        assert any("cannot be read" in w for w in back.warnings)
        assert names.nd30_fields(back) == names.nd30_fields(parsed)
        # The place was read off the same unreadable date line: as doubtful as the date.
        assert names.nd30_fields(back)["Place"] == {"value": "Hà Nội", "confidence": 0.0}

    # The table itself carries them, for notebooks and the Parquet export.
    letters = congvan.load_store(str(db))["letters"].set_index("letter_id")
    stored_conf = letters.loc[garbled.id, "confidence"]
    assert stored_conf == parsed_garbled_conf and stored_conf["issued"] == 1.0 and stored_conf["number"] == 0.2
    assert letters.loc[garbled.id, "number_confidence"] == 0.2


def _comparable(x: object) -> object:
    return x.model_dump(exclude={"source", "confidence"}) if hasattr(x, "model_dump") else x
