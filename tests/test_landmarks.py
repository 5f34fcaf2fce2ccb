"""The page landmarks readers and field parsers share (parsers/landmarks.py), on the
spellings they were written for: clean text, OCR damage, and lines they must not take."""
from __future__ import annotations

from congvan.parsers.landmarks import DELEGATION_LINE, DELEGATION_LINE_OCR, DELEGATION_PREFIX, DELEGATION_START, NOI_NHAN_OCR


def test_delegation_lines_in_clean_text() -> None:
    for line in ("KT. GIÁM ĐỐC", "TM. ỦY BAN NHÂN DÂN", "TL. BỘ TRƯỞNG", "TUQ. CHỦ TỊCH", "Q. CỤC TRƯỞNG", "KT/ CHÁNH VĂN PHÒNG"):
        assert DELEGATION_LINE.match(line), line
    for line in ("KTNN đề nghị", "TM các đơn vị", "Q.1, TP. Hồ Chí Minh", "TL. các phòng"):
        assert not DELEGATION_LINE.match(line), line


def test_delegation_lines_as_ocr_reads_them() -> None:
    for line in ('"KT, CỤC TRƯỞNG', "- TM. ỦY BAN NHÂN DÂN", "KT. GIÁM ĐÓC"):
        assert DELEGATION_LINE_OCR.match(line), line
    assert not DELEGATION_LINE.match('"KT, CỤC TRƯỞNG')
    assert DELEGATION_START.match("Tm. Ban chấp hành") and not DELEGATION_START.match("Thực hiện Kế hoạch")


def test_prefix_cut_off_an_office() -> None:
    assert DELEGATION_PREFIX.sub("", "KT. Cục trưởng") == "Cục trưởng"
    assert DELEGATION_PREFIX.sub("", "Thủ tướng") == "Thủ tướng"


def test_noi_nhan_in_its_ocr_spellings() -> None:
    for line in ("Nơi nhận:", "Noi nhan:", "Nới nhân:", "~ Nơi nhận:", "NƠI NHẬN:"):
        assert NOI_NHAN_OCR.match(line), line
    for line in ("Người nhận tiền", "Nội dung:", "Nơi làm việc"):
        assert not NOI_NHAN_OCR.match(line), line
