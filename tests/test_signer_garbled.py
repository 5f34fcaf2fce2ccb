"""The signature block of OCR'd letters whose name line OCR could not read
(parsers/fields/signer.py): the delegation and the office still count, the
name stays empty rather than guessed; and submission forms (phiếu trình),
signed by their maker under boxes for others' opinions. Texts written for
the test in the shape OCR gives (wrong marks on capitals, a damaged first
word, two columns merged into one line)."""
from __future__ import annotations

import pytest

import congvan

HEAD = """UBND TỈNH YÊN BÁI
SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG
Số: 412/TB-SNN
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Yên Bái, ngày 14 tháng 5 năm 2025
THÔNG BÁO
Kết quả kiểm tra công tác phòng chống dịch bệnh gia súc năm 2025
Thực hiện Kế hoạch số 88/KH-SNN ngày 02/4/2025, Sở đã kiểm tra tại các huyện.
1. Các huyện cơ bản đã triển khai đúng kế hoạch tiêm phòng.
Sở Nông nghiệp và Môi trường thông báo để các đơn vị biết, thực hiện./.
Nơi nhận:
- Như trên;
- Lưu: VT, CN.
"""


def _signer(footer: str) -> dict:
    return congvan.to_json(congvan.parse_text(HEAD + footer))["signer"]


@pytest.mark.parametrize("footer", [
    # The name's first word damaged by a seal: not a syllable, so not a name.
    "KT. GIÁM ĐÓC\nPHO GIẢM ĐỌC\nxàng Quốc Bình\n",
    # Seal debris under the name line as well.
    "KT. GIÁM ĐỌC\nPHÓ GIÁM ĐÓC\nđ»nh Quốc Bình\n~ 7 .\n",
])
def test_office_and_delegation_stand_when_the_name_line_is_garbled(footer: str) -> None:
    got = _signer(footer)
    assert got == {"name": None, "title": "Phó Giám đốc", "authority": "KT. Giám đốc"}


def test_a_readable_name_is_still_taken() -> None:
    got = _signer("KT. GIÁM ĐÓC\nPHO GIẢM ĐỌC\nLương Quốc Bình\n")
    assert got == {"name": "Lương Quốc Bình", "title": "Phó Giám đốc", "authority": "KT. Giám đốc"}


def test_body_text_after_the_block_is_not_skipped_as_a_garbled_name() -> None:
    # A long line under the office is text, not a name: no block is taken from above it.
    got = _signer("GIÁM ĐỐC\nđề nghị các phòng chuyên môn tổng hợp báo cáo kết quả về Sở trước ngày 30\n")
    assert got["title"] is None


FORM = """SỞ XÂY DỰNG
PHÒNG QUẢN LÝ XÂY DỰNG
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
PHIẾU TRÌNH GIẢI QUYẾT CÔNG VIỆC
Kính gửi: Lãnh đạo Sở Xây dựng
Nội dung trình: Thẩm định thiết kế xây dựng công trình nhà văn hóa thôn Bản Phố.
Họ và tên chuyên viên trình: Lê Thu Hằng
I. TÓM TẮT NỘI DUNG
Phòng Quản lý xây dựng đã kiểm tra hồ sơ thiết kế do chủ đầu tư gửi đến.
Kính trình Lãnh đạo Sở xem xét, quyết định.
Ngày 12 tháng 9 năm 2025
"""


@pytest.mark.parametrize("boxes,name", [
    # The two boxes' headings and names merged into one line each (OCR of two columns).
    (("Ý KIẾN CỦA LÃNH ĐẠO PHÒNG NGƯỜI LẬP PHIẾU TRÌNH\nTrần Quang Huy Lê Thu Hằng\n"
      "Ý KIẾN CỦA PHÓ GIÁM ĐỐC SỞ\nNguyễn Đức Thắng\n"), "Lê Thu Hằng"),
    # The maker's box alone.
    ("NGƯỜI LẬP PHIẾU TRÌNH\nLê Thu Hằng\nÝ KIẾN CỦA GIÁM ĐỐC SỞ\nNguyễn Đức Thắng\n", "Lê Thu Hằng"),
])
def test_a_submission_form_is_signed_by_its_maker_not_the_opinion_boxes(boxes: str, name: str) -> None:
    got = congvan.to_json(congvan.parse_text(FORM + boxes))["signer"]
    assert got == {"name": name, "title": "Người lập phiếu trình", "authority": None}


def test_two_merged_names_are_not_split_when_the_cut_is_unsure() -> None:
    # No family name opens a second name: no column can be told, no name.
    got = congvan.to_json(congvan.parse_text(
        FORM + "Ý KIẾN CỦA LÃNH ĐẠO PHÒNG NGƯỜI LẬP PHIẾU TRÌNH\nTrần Quang Huy Thu Hằng\n"))["signer"]
    assert got == {"name": None, "title": "Người lập phiếu trình", "authority": None}


def test_the_submission_forms_full_printed_name_is_its_type() -> None:
    got = congvan.to_json(congvan.parse_text(FORM + "NGƯỜI LẬP PHIẾU TRÌNH\nLê Thu Hằng\n"))
    assert got["doc_type"] == "Phiếu trình giải quyết công việc"


def test_the_submission_forms_subject_is_its_labelled_field() -> None:
    got = congvan.to_json(congvan.parse_text(FORM + "NGƯỜI LẬP PHIẾU TRÌNH\nLê Thu Hằng\n"))
    assert got["subject"] == "Thẩm định thiết kế xây dựng công trình nhà văn hóa thôn Bản Phố"
    assert got["recipients"] == ["Lãnh đạo Sở Xây dựng"]


def test_a_form_dated_above_its_signature_boxes_takes_that_date() -> None:
    got = congvan.to_json(congvan.parse_text(FORM + "NGƯỜI LẬP PHIẾU TRÌNH\nLê Thu Hằng\n"))
    assert got["issued"] == "2025-09-12"


def test_a_date_in_the_body_far_above_the_signature_is_not_the_issue_date() -> None:
    text = FORM.replace("Ngày 12 tháng 9 năm 2025\n", "") + "NGƯỜI LẬP PHIẾU TRÌNH\nLê Thu Hằng\n"
    text = text.replace("Kính trình Lãnh đạo Sở xem xét, quyết định.\n",
                        "Ngày 12 tháng 9 năm 2025\nKính trình Lãnh đạo Sở xem xét, quyết định.\nHồ sơ kèm theo: bản vẽ thiết kế.\n")
    got = congvan.to_json(congvan.parse_text(text))
    assert got["issued"] is None
