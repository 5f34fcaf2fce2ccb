"""Field confidence (parsers/fields/confidence.py): evidence raises or lowers it,
and a value under 0.9 is flagged."""
from __future__ import annotations

from congvan.models.records import PageInfo
from congvan.parsers.letter import parse_read_result
from congvan.parsers.readers.base import ReadResult, lines_from_text
from congvan.pipeline.parse import parse_string

LETTER = """BỘ TÀI CHÍNH
CỤC THUẾ
Số: 2191/CT-CS
V/v chính sách thuế thu nhập doanh nghiệp
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Hà Nội, ngày 8 tháng 4 năm 2026
Kính gửi: Thuế tỉnh Ninh Bình.
Cục Thuế nhận được công văn của Thuế tỉnh Ninh Bình về ưu đãi thuế thu nhập doanh nghiệp. Cục Thuế có ý kiến như sau: doanh nghiệp được hưởng ưu đãi theo quy định./.
Nơi nhận:
- Như trên;
- Lưu: VT, CS.
KT. CỤC TRƯỞNG
PHÓ CỤC TRƯỞNG
Nguyễn Thị Lan
"""
FIELDS = ("number", "symbol", "issued", "place", "issuer", "parent_issuer", "doc_type", "subject",
          "signer.name", "signer.title", "signer.authority")


def test_every_field_is_rated() -> None:
    letter = parse_string(LETTER)
    assert set(FIELDS) <= set(letter.confidence)
    assert letter.number.confidence == letter.confidence["number"]


def test_born_digital_values_with_evidence_are_sure() -> None:
    letter = parse_string(LETTER)
    # Known body whose code the symbol carries, known place, printed type, a family name.
    assert all(letter.confidence[f] >= 0.9 for f in FIELDS), letter.confidence
    assert not any(w.startswith("low confidence") for w in letter.warnings)


def test_the_same_letter_read_by_ocr_is_not_sure_of_its_digits() -> None:
    read = ReadResult(lines=lines_from_text(LETTER, page=1), format="pdf", pages=(PageInfo(page=1, path="ocr"),))
    letter = parse_read_result(read)
    assert letter.number.number == "2191"
    # A stamped or handwritten number and the date's digits are OCR's weak spot.
    assert letter.confidence["number"] < 0.9 and letter.confidence["issued"] < 0.9
    assert letter.confidence["signer.name"] < 0.9
    assert any(w.startswith("low confidence in number") for w in letter.warnings)
    # A known body that agrees with the symbol's issuer code stays sure.
    assert letter.confidence["issuer"] >= 0.9


def test_a_header_without_number_line_is_not_sure_of_its_issuer() -> None:
    text = LETTER.replace("Số: 2191/CT-CS\n", "")
    letter = parse_string(text)
    assert letter.issuer == "Cục Thuế" and letter.confidence["issuer"] < 0.9


def test_a_garbled_number_damages_its_symbol() -> None:
    letter = parse_string(LETTER.replace("Số: 2191/CT-CS", "Số: 2!9]/CT-CS"))
    assert letter.number.number is None and letter.confidence["number"] <= 0.2
    assert letter.confidence["symbol"] <= 0.2
