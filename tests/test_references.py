"""References: relations read from the sentence around each citation, on the
real sentences the rules were written for (corpus letters quoted inline)."""
from __future__ import annotations

import congvan


def _refs(text: str) -> dict[str, dict]:
    got = congvan.to_json(congvan.parse_text(text))
    return {f"{r['number']}/{r['symbol']}": r for r in got["references"]}, got["references"]


def test_subject_cue_makes_the_letter_implement() -> None:
    # corpus 044: the only cue is in the V/v subject.
    refs, _ = _refs(
        "UBND TỈNH LÀO CAI\nSố: 7432/UBND-XD\nV/v triển khai thực hiện Quyết định số 1074/QĐ-BXD ngày 10/3/2026 của Bộ Xây dựng\n"
        "Lào Cai, ngày 21 tháng 4 năm 2026\nKính gửi: Sở Xây dựng.\n"
        "Bộ trưởng Bộ Xây dựng ban hành Quyết định số 1074/QĐ-BXD ngày 10/3/2026.\n"
    )
    assert refs["1074/QĐ-BXD"]["relation"] == "implements"


def test_enclosure_stated_after_the_citation() -> None:
    # corpus 056: `(gửi kèm theo Công văn này)` follows the citation.
    refs, _ = _refs(
        "Kính gửi: Cục Hải quan.\nĐề nghị tham khảo Công văn số 597/HC-QLHC ngày 15/01/2026 của Cục Hóa chất "
        "gửi Sở Công Thương tỉnh Quảng Ngãi (gửi kèm theo Công văn này).\n"
    )
    assert refs["597/HC-QLHC"]["relation"] == "attachment"


def test_amending_inside_a_description_is_the_described_documents_act() -> None:
    # corpus 057: the letter mentions TT 15, which amends TT 38; the letter amends nothing.
    refs, ordered = _refs(
        "Kính gửi: UBND các tỉnh.\nNgày 25 tháng 3 năm 2026, Bộ Công Thương ban hành Thông tư số 15/2026/TT-BCT "
        "sửa đổi, bổ sung một số điều của Thông tư số 38/2025/TT-BCT ngày 30/6/2025 của Bộ trưởng Bộ Công Thương.\n"
    )
    assert refs["15/2026/TT-BCT"]["relation"] == "mentions"
    assert refs["38/2025/TT-BCT"]["relation"] == "mentions"
    tt38 = next(i for i, r in enumerate(ordered) if r["number"] == "38")
    assert {"reference": tt38, "relation": "amends"} in refs["15/2026/TT-BCT"]["cites"]


def test_a_letter_that_amends_in_its_own_title() -> None:
    # corpus 036: the title says what this Thông tư does to TT 40.
    refs, _ = _refs(
        "BỘ TÀI CHÍNH\nSố: 117 /2000/TT-BTC\nHà Nội, ngày 21 tháng 12 năm 2000\nTHÔNG TƯ\n"
        "Bổ sung và sửa đổi một số điểm của Thông tư số 40/2000 /TT-BTC ngày 15/5/2000 của Bộ Tài chính\n"
        "Căn cứ Luật thuế xuất khẩu, thuế nhập khẩu số 04/1998/QH10;\n"
    )
    assert refs["40/2000/TT-BTC"]["relation"] == "amends"
    assert refs["04/1998/QH10"]["relation"] == "legal_basis"


def test_short_form_is_another_mention_of_the_same_document() -> None:
    # seed 001: `(sau đây viết tắt là Công điện 280)` then `tại Công điện 280`.
    refs, ordered = _refs(
        "Kính gửi: Các đơn vị thuộc Bộ.\nThực hiện Công điện số 280/CĐ-TTg ngày 19/4/2023 của Thủ tướng Chính phủ "
        "(sau đây viết tắt là Công điện 280);\n1. Thủ trưởng các đơn vị quán triệt nội dung Công điện 280.\n"
    )
    assert list(refs) == ["280/CĐ-TTg"]
    got = congvan.parse_text("Kính gửi: Các đơn vị.\nThực hiện Công điện số 280/CĐ-TTg ngày 19/4/2023;\nTheo Công điện 280.\n")
    assert len(got.references[0].mentions) == 2


def test_secrecy_is_not_urgency() -> None:
    got = congvan.to_json(congvan.parse_text(
        "BỘ CÔNG AN\nSố: 12/BCA-VP\nMẬT\nHÀ NỘI, ngày 02 tháng 3 năm 2024\nV/v bảo vệ bí mật nhà nước\nKính gửi: Các đơn vị.\n"))
    assert got["secrecy"] == "Mật" and got["urgency"] is None
    got = congvan.to_json(congvan.parse_text(
        "BỘ CÔNG THƯƠNG\nSố: 15/BCT-VP\nHỎA TỐC\nHà Nội, ngày 02 tháng 3 năm 2024\nV/v ứng phó bão\nKính gửi: Các Sở Công Thương.\n"))
    assert got["urgency"] == "Hỏa tốc" and got["secrecy"] is None
