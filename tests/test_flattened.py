"""Letters printed with each table row on one line (parsers/fields/seams.py,
the signer's one-line blocks), on real-looking text and on flattened copies
of the corpus's scraped letters (tests/flatten.py)."""
from __future__ import annotations

import json

import flatten
import pytest
from conftest import HAVE_SHARED, SAMPLE_GOLD, SAMPLES, SHARED, SHARED_GOLD

from congvan.models.output import letter_to_json
from congvan.parsers.fields.lines import TextLine
from congvan.parsers.fields.signer import split_flat_signature
from congvan.pipeline.parse import parse_string

FLAT = """Công văn 2536/BCT-VP năm 2023 về triển khai Công điện 280/CĐ-TTg
BỘ CÔNG THƯƠNG CỤC HÓA CHẤT CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc
Số: 2536/HC-VP V/v triển khai Công điện số 280/CĐ-TTg về phòng cháy Hà Nội, ngày 27 tháng 4 năm 2023 Kính gửi: Các doanh nghiệp hóa chất.
[Văn bản này được hướng dẫn bởi Công văn 1234/BCT-HC ngày 01/06/2023]
Thực hiện Công điện số 280/CĐ-TTg ngày 20/4/2023 của Thủ tướng Chính phủ, Cục Hóa chất đề nghị các doanh nghiệp rà soát hệ thống phòng cháy./.
Nơi nhận: - Như trên; - Lưu: VT, HC. KT. CỤC TRƯỞNG PHÓ CỤC TRƯỞNG (Đã ký) Phan Thị Thu Cúc
"""


def test_a_flattened_letter_keeps_its_fields() -> None:
    letter = parse_string(FLAT)
    assert (letter.number.number, letter.number.symbol) == ("2536", "HC-VP")
    assert (letter.issuer, letter.parent_issuer, letter.place) == ("Cục Hóa chất", "Bộ Công Thương", "Hà Nội")
    assert letter.issued.iso == "2023-04-27"
    assert letter.subject == "triển khai Công điện số 280/CĐ-TTg về phòng cháy"
    assert [r.name for r in letter.recipients] == ["Các doanh nghiệp hóa chất"]
    assert (letter.signer.name, letter.signer.title, letter.signer.authority) == (
        "Phan Thị Thu Cúc", "Phó Cục trưởng", "KT. Cục trưởng")
    # The site's editorial note is not the letter's: its citation is no reference.
    assert not any(r.number == "1234" for r in letter.references)
    assert any(w.startswith("editorial note left out") for w in letter.warnings)


@pytest.mark.parametrize("text, lines", [
    ("TL. BỘ TRƯỞNG KT. VỤ TRƯỞNG VỤ PHÁP CHẾ PHÓ VỤ TRƯỞNG Trần Văn Bình",
     ["TL. BỘ TRƯỞNG", "KT. VỤ TRƯỞNG VỤ PHÁP CHẾ", "PHÓ VỤ TRƯỞNG", "Trần Văn Bình"]),
    ("KT. CHỦ TỊCH PHÓ CHỦ TỊCH Lê Thị Hoa", ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Lê Thị Hoa"]),
    ("KT. TỔNG CỤC TRƯỞNG", ["KT. TỔNG CỤC TRƯỞNG"]),          # one office, not `TỔNG` + `CỤC TRƯỞNG`
    ("KT. BỘ TRƯỞNG, CHỦ NHIỆM PHÓ CHỦ NHIỆM", ["KT. BỘ TRƯỞNG, CHỦ NHIỆM", "PHÓ CHỦ NHIỆM"]),
    ("Hà Nội, ngày 5 tháng 3", ["Hà Nội, ngày 5 tháng 3"]),
])
def test_a_signature_block_on_one_line(text: str, lines: list[str]) -> None:
    assert [p.text for p in split_flat_signature(TextLine(text, 0, len(text), 0))] == lines


def _scraped_gold() -> list[tuple[dict, str]]:
    """Scraped gold letters: the shared corpus's when present, else the samples' own."""
    out: dict[str, tuple[dict, str]] = {}
    for folder, root in ((SHARED_GOLD / "corpus", SHARED), (SAMPLE_GOLD, SAMPLES)):
        for g in sorted(folder.glob("*.json")):
            gold = json.loads(g.read_text(encoding="utf-8"))
            path = root / gold["file"]
            if path.suffix == ".txt" and path.exists() and path.name not in out:
                page = path.read_text(encoding="utf-8")
                if "**Số hiệu:**" in page:
                    out[path.name] = (gold, page)
    return list(out.values())


@pytest.mark.parametrize("mode", ["rows", "cells"])
def test_flattened_copies_of_scraped_letters(mode: str) -> None:
    fields = ("number", "symbol", "issued", "place", "issuer", "parent_issuer", "doc_type", "subject")
    hits = total = letters = 0
    for gold, page in _scraped_gold():
        text = flatten.flatten(page, mode, title=f"{gold['doc_type']} {gold['number']}/{gold['symbol']}",
                               note="[Văn bản này được hướng dẫn bởi Công văn 99/BTC-TCT ngày 01/02/2024]")
        if text is None:
            continue  # no `Nơi nhận` cell to flatten the footer from
        letters += 1
        got = letter_to_json(parse_string(text))
        for f in fields:
            total += 1
            hits += (got[f] or "").casefold() == (gold[f] or "").casefold()
        total += 1
        hits += ((got["signer"] or {}).get("name") or "") == ((gold["signer"] or {}).get("name") or "")
    # The shared corpus has a dozen scraped letters with gold; a clone alone, the samples' one.
    assert letters >= (8 if HAVE_SHARED else 1) and hits / total >= 0.95


def test_body_lines_with_dates_are_not_cut() -> None:
    from congvan.parsers.fields.lines import split_lines
    from congvan.parsers.fields.seams import split_seams

    body = ("Ngày 19 tháng 10 năm 2020 Chính phủ đã ban hành Nghị định số 128/2020/NĐ-CP.\n"
            "Căn cứ Luật Thuế ngày 18 tháng 02 năm 2025 của Quốc hội; theo đề nghị của Vụ trưởng.\n")
    lines = split_lines(body)
    assert split_seams(lines)[0] == lines
