"""Issuer block (parsers/fields/issuers.py): wrapped names, debris, spelling, non-names."""
from __future__ import annotations

import pytest

from congvan.parsers.fields.issuers import read_bodies, split_merged


@pytest.mark.parametrize("lines, issuer, parent", [
    # A name wrapped after a connector is one name; no parent is made of its first half.
    (["BỘ LAO ĐỘNG-THƯƠNG BINH", "VÀ XÃ HỘI"], "Bộ Lao động - Thương binh và Xã hội", None),
    # A known name completed by the next line.
    (["NGÂN HÀNG NHÀ NƯỚC", "VIỆT NAM"], "Ngân hàng Nhà nước Việt Nam", None),
    # A place under a body without one continues it; the line above is the parent.
    (["UBND TỈNH ĐỒNG NAI", "BAN QUẢN LÝ CÁC KHU CÔNG NGHIỆP", "ĐỒNG NAI"],
     "Ban Quản lý các Khu công nghiệp Đồng Nai", "UBND tỉnh Đồng Nai"),
    # A bare head takes the next line.
    (["ĐẠI HỌC QUỐC GIA HÀ NỘI", "TRƯỜNG ĐẠI HỌC", "KINH TẾ"], "Trường Đại học kinh tế", "Đại học Quốc gia Hà Nội"),
    # Case OCR broke, spelling from the lexicon (letters alone).
    (["Thủ tướng CHÍNHPHỦ"], "Thủ tướng Chính phủ", None),
    (["BỘ TÀI CHÍNH", "CỤC THUẾ TỈNH QUẢNG NAM"], "Cục Thuế tỉnh Quảng Nam", "Bộ Tài chính"),
    (["TỔNG CỤC THUẾ", "CỤC THUẾ TỊNH BẮC GIANG"], "Cục Thuế tỉnh Bắc Giang", "Tổng cục Thuế"),
])
def test_bodies(lines: list[str], issuer: str, parent: str | None) -> None:
    got = read_bodies(lines)
    assert (got.issuer, got.parent) == (issuer, parent)


def test_motto_pieces_and_stamp_debris_are_cut() -> None:
    got = read_bodies(["TỔNG CỤC THUẾ XEVRMAQ VIỆT NAM", "CỤC THUẾ TP HÀ NỘI ộc lập - Tụ o Hañf phúc"])
    assert (got.issuer, got.parent) == ("Cục Thuế TP Hà Nội", "Tổng cục Thuế") and got.repaired


def test_a_non_name_is_no_issuer() -> None:
    got = read_bodies(["Giờ --- Ngày Xe kính chuyển..", "Công văn đến"])
    assert got.issuer is None and got.parent is None and len(got.warnings) == 2
    # Debris under the issuer (a subject line) is dropped, the body above kept.
    got = read_bodies(["BỘ TÀI CHÍNH", "TỔNG CỤC HẢI QUAN", "khẩu phục vụ dự án nhà máy"])
    assert (got.issuer, got.parent) == ("Tổng cục Hải quan", "Bộ Tài chính") and got.warnings


@pytest.mark.parametrize("line, parts", [
    ("BỘ TÀI CHÍNH CỤC HẢI QUAN", ["BỘ TÀI CHÍNH", "CỤC HẢI QUAN"]),
    ("UBND TỈNH YÊN BÁI SỞ XÂY DỰNG", ["UBND TỈNH YÊN BÁI", "SỞ XÂY DỰNG"]),
    ("VĂN PHÒNG CHÍNH PHỦ", ["VĂN PHÒNG CHÍNH PHỦ"]),       # a bare head before a body's name is one name
    ("TỔNG CỤC THUẾ", ["TỔNG CỤC THUẾ"]),
])
def test_a_flattened_header_row_is_two_bodies(line: str, parts: list[str]) -> None:
    assert split_merged(line) == parts


def test_one_misread_letter_of_a_province() -> None:
    from congvan.parsers.fields.issuers import nearest_province

    assert nearest_province("Tào Cai") == "Lào Cai" and nearest_province("Bắc Ninb") == "Bắc Ninh"
    assert nearest_province("Lào Cai") is None and nearest_province("Vinh") is None   # known places stay


def test_the_place_of_an_ocr_letter_is_put_back_with_its_reading() -> None:
    from congvan.models.records import PageInfo
    from congvan.parsers.letter import parse_read_result
    from congvan.parsers.readers.base import ReadResult, lines_from_text

    text = ("UBND TỈNH LÀO CAI\nSỞ CÔNG THƯƠNG\nSố: 3036/SCT-CN\nV/v kiểm tra kho chứa vật liệu nổ công nghiệp\n"
            "Tào Cai, ngày 28 tháng 5 năm 2026\nKính gửi: Công ty cổ phần thủy điện.\n")
    read = ReadResult(lines=lines_from_text(text, page=1), format="pdf", pages=(PageInfo(page=1, path="ocr"),))
    letter = parse_read_result(read)
    assert letter.place == "Lào Cai" and letter.confidence["place"] < 0.9
    assert "place: OCR reading corrected ('Tào Cai' -> 'Lào Cai')" in letter.warnings
