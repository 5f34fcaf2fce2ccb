"""The signature block of OCR'd letters whose name line OCR could not read
(parsers/fields/signer.py): the delegation and the office still count, the
name stays empty rather than guessed. Texts written for the test in the
shape OCR gives (wrong marks on capitals, a damaged first word)."""
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
