"""Post-OCR correction (parsers/postocr.py): what it changes, what it must not."""
from __future__ import annotations

import pytest

from congvan.models.records import PageInfo
from congvan.parsers import postocr
from congvan.parsers.normalize import normalize
from congvan.parsers.readers.base import ReadResult, lines_from_text
from congvan.pipeline.parse import parse_string


@pytest.mark.parametrize("raw, fixed", [
    ("V/v chính sách thuê TNDN", "V/v chính sách thuế TNDN"),          # tone lost before an acronym
    ("cấp Giây phép vận chuyên hàng hóa nguy hiệm", "cấp Giấy phép vận chuyển hàng hóa nguy hiểm"),
    ("bảo quản vật liệu nỗ công nghiệp", "bảo quản vật liệu nổ công nghiệp"),
    ("Ha Nội, ngày 5 tháng 3 năm 2024", "Hà Nội, ngày 5 tháng 3 năm 2024"),  # a place before the date
    ("tại xã Tả Phin, tỉnh Lào Cai", "tại xã Tả Phìn, tỉnh Lào Cai"),        # a commune after its level word
    ("CỤC THUE TP HA NỘI", "CỤC THUẾ TP HÀ NỘI"),                          # capitals keep their case
    ("TRƯỜNG ĐẠI HỌC\nCÔNG NGHỆ THOÔNG TIN", "TRƯỜNG ĐẠI HỌC\nCÔNG NGHỆ THÔNG TIN"),  # a stray letter
])
def test_misreadings_put_back(raw: str, fixed: str) -> None:
    assert postocr.correct(raw)[0] == fixed


@pytest.mark.parametrize("text", [
    "trong phòng thi của trường",            # both readings exist: no evidence, no change
    "Doanh nghiệp tư nhân Thành Hương",      # a firm's name that folds like a ward
    "PHÓ GIÁM ĐỐC\nHoàng Văn Thành",          # a person's name
    "điều hành mỏ, nhân sự điều hành mỏ;",   # a real word with one neighbour
    "Bộ phận 1 cửa tiếp nhận hồ sơ",
    "LIÊN ĐOÀN LAO ĐỘNG TỈNH",               # words, not the place `Lao Đồng`
])
def test_right_text_is_left_alone(text: str) -> None:
    assert postocr.correct(text) == (text, [])


def test_each_correction_keeps_the_raw_reading() -> None:
    text, fixes = postocr.correct("Kính gửi Cục Thuế.\nV/v chính sách thuê TNDN")
    assert [(f.raw, f.fixed, f.rule) for f in fixes] == [("thuê", "thuế", "ngram")]
    assert text[fixes[0].start:fixes[0].end] == "thuế"


def test_tone_rules() -> None:
    assert postocr.tone_valid("thuế") and postocr.tone_valid("người") and postocr.tone_valid("nhập")
    assert not postocr.tone_valid("thúê")     # the tone belongs on the marked vowel
    assert not postocr.tone_valid("nhâp")     # a stop coda takes only sắc or nặng
    assert not postocr.tone_valid("hoàá")     # two tone marks


def test_only_ocr_text_is_corrected() -> None:
    text = "BỘ TÀI CHÍNH\nSố: 12/BTC-CST\nV/v chính sách thuê TNDN\nHa Nội, ngày 5 tháng 3 năm 2024\n"
    norm = normalize(text)
    born_digital = ReadResult(lines=lines_from_text(text), format="docx")
    assert postocr.apply(born_digital, norm) == (norm, [], None)
    scanned = ReadResult(lines=lines_from_text(text, page=1), format="pdf",
                         pages=(PageInfo(page=1, path="ocr"),))
    fixed, fixes, why = postocr.apply(scanned, norm)
    assert why == "pages read by OCR" and "thuế TNDN" in fixed.text and "Hà Nội" in fixed.text
    assert len(fixed.offsets) == len(fixed.text) + 1


def test_plain_text_is_judged_by_its_words() -> None:
    clean = "Bộ Tài chính hướng dẫn các doanh nghiệp thực hiện chính sách thuế theo quy định của pháp luật.\n" * 20
    assert postocr.apply(ReadResult(lines=lines_from_text(clean), format="txt"), normalize(clean))[2] is None
    noisy = ("Bộ Tài chính hưóng dẫn các doanh nghiêp thực hiên chính sách thuê TNDN theo quy đinh "
             "của pháp luât về thuê đât.\n") * 20
    assert postocr.apply(ReadResult(lines=lines_from_text(noisy), format="txt"), normalize(noisy))[2] is not None


def test_a_corrected_field_says_so_and_keeps_its_reading() -> None:
    letter = parse_string(
        "BỘ TÀI CHÍNH\nCỤC THUẾ\nSố: 21/CT-CS\nV/v chính sách thuê TNDN đối với hoạt động chuyên giao\n"
        "Ha Nội, ngày 8 tháng 4 năm 2026\nKính gửi: Thuế tỉnh Ninh Bình.\n"
        "Cục Thuế nhận được công văn của Thuế tỉnh Ninh Bình vê việc xác đinh thời gian ưu đãi thuê "
        "của Công ty cô phần Dược phẩm. Căn cứ quy đinh tại Luật Thuế thu nhập doanh nghiêp thì "
        "doanh nghiệp được hưởng ưu đãi thuê theo quy đinh.\n")
    assert letter.subject.startswith("chính sách thuế TNDN") and letter.place == "Hà Nội"
    assert any(w.startswith("subject: OCR reading corrected") and "'thuê' -> 'thuế'" in w for w in letter.warnings)
    assert letter.confidence["subject"] < 0.9


def test_person_names_put_back_only_against_the_odds() -> None:
    assert postocr.fix_person_name("Hoàng Việt Cuong")[0] == "Hoàng Việt Cường"
    assert postocr.fix_person_name("Nguyễn Văn Thuân") == ("Nguyễn Văn Thuân", [])   # marked words stay
