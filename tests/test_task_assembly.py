"""Whole letters, written for these tests in the style of real ones, through
`congvan.parse_text`: which item holds each task (its path), who acts when
an item names nobody (heading, preamble, addressees), the closing's
requests, decisions' articles, and that the stage stays linear in the
letter's length."""
from __future__ import annotations

import time

import pytest

import congvan
from congvan.parsers.fields.units import name_key

HEAD = """ỦY BAN NHÂN DÂN
TỈNH ĐIỆN BIÊN
Số: 215/UBND-KT
Điện Biên, ngày 12 tháng 3 năm 2026
V/v tăng cường quản lý vật liệu nổ công nghiệp
"""
FOOT = """Nơi nhận:
- Như trên;
- Lưu: VT, KT.
KT. CHỦ TỊCH
PHÓ CHỦ TỊCH
Trần Văn Bình
"""


def items(body: str, head: str = HEAD) -> set[tuple[str, str, str]]:
    letter = congvan.parse_text(head + body + FOOT)
    return {(a.path, name_key(a.unit), a.role) for a in letter.action_items}


def test_a_heading_that_names_several_units_gives_each_the_item() -> None:
    got = items("""Kính gửi:
- Công an tỉnh;
- Các sở, ban, ngành tỉnh;
- Ủy ban nhân dân các huyện, thị xã, thành phố.
Để tăng cường quản lý, Chủ tịch Ủy ban nhân dân tỉnh yêu cầu thực hiện các nội dung sau:
1. Công an tỉnh; các sở, ban, ngành tỉnh; Ủy ban nhân dân các huyện, thị xã, thành phố
Theo chức năng, nhiệm vụ được giao tổ chức kiểm tra việc sử dụng vật liệu nổ công nghiệp trên địa bàn.
2. Giao Sở Công Thương
Chủ trì, phối hợp với Công an tỉnh và các cơ quan liên quan hướng dẫn các doanh nghiệp lập phương án nổ mìn.
""")
    assert got == {
        ("1", name_key("Công an tỉnh"), "lead"), ("1", name_key("Các sở, ban, ngành tỉnh"), "lead"),
        ("1", name_key("Ủy ban nhân dân các huyện, thị xã, thành phố"), "lead"),
        ("2", name_key("Sở Công Thương"), "lead"), ("2", name_key("Công an tỉnh"), "support")}


def test_items_that_name_nobody_fall_to_the_units_the_preamble_addresses() -> None:
    got = items("""Kính gửi: Các phòng, đơn vị thuộc Sở.
Sở Công Thương yêu cầu các phòng, đơn vị thuộc Sở thực hiện các nội dung sau:
1. Rà soát hồ sơ thủ tục hành chính tồn đọng, báo cáo trước ngày 20/3/2026.
2. Văn phòng Sở tổng hợp kết quả, báo cáo Giám đốc Sở.
3. Tổ chức thực hiện
Thủ trưởng các phòng, đơn vị chịu trách nhiệm tổ chức triển khai thực hiện nghiêm túc các nội dung nêu trên.
""", head=HEAD.replace("ỦY BAN NHÂN DÂN\nTỈNH ĐIỆN BIÊN", "UBND TỈNH ĐIỆN BIÊN\nSỞ CÔNG THƯƠNG"))
    assert got == {("1", name_key("Các phòng, đơn vị thuộc Sở"), "lead"), ("2", name_key("Văn phòng Sở"), "lead")}


def test_a_reply_with_opinions_gives_only_the_items_that_ask() -> None:
    got = items("""Kính gửi: Sở Tài chính tỉnh Sơn La.
Trả lời Công văn số 88/STC-QLG của Sở Tài chính tỉnh Sơn La, Cục Quản lý giá có ý kiến như sau:
1. Về thẩm quyền định giá
Theo quy định tại Điều 8 Nghị định số 85/2024/NĐ-CP, Ủy ban nhân dân cấp tỉnh quyết định giá dịch vụ.
2. Về hồ sơ phương án giá
Đề nghị nghiên cứu, bổ sung thuyết minh chi phí theo mẫu tại Phụ lục II.
Trên đây là ý kiến của Cục Quản lý giá để Quý Sở nghiên cứu, thực hiện./.
""", head=HEAD.replace("ỦY BAN NHÂN DÂN\nTỈNH ĐIỆN BIÊN", "BỘ TÀI CHÍNH\nCỤC QUẢN LÝ GIÁ"))
    assert got == {("1", name_key("Ủy ban nhân dân cấp tỉnh"), "lead"),
                   ("2", name_key("Sở Tài chính tỉnh Sơn La"), "lead")}


def test_a_closing_request_outside_every_item_has_an_empty_path() -> None:
    got = items("""Kính gửi: Công ty cổ phần Thủy điện Nậm Mức.
Sở Công Thương thông báo kế hoạch kiểm tra an toàn đập, cụ thể như sau:
1. Thời gian: 8 giờ ngày 25/3/2026.
2. Thành phần: Chủ trì: Sở Công Thương tỉnh Điện Biên.
Đề nghị Công ty chuẩn bị đầy đủ hồ sơ, tài liệu liên quan và bố trí người làm việc với Đoàn kiểm tra.
Sở Công Thương thông báo để Công ty cổ phần Thủy điện Nậm Mức biết, thực hiện./.
""", head=HEAD.replace("ỦY BAN NHÂN DÂN\nTỈNH ĐIỆN BIÊN", "UBND TỈNH ĐIỆN BIÊN\nSỞ CÔNG THƯƠNG"))
    assert got == {("2", name_key("Sở Công Thương tỉnh Điện Biên"), "lead"),
                   ("", name_key("Công ty cổ phần Thủy điện Nậm Mức"), "lead")}


def test_a_decisions_articles_hold_their_tasks() -> None:
    got = items("""QUYẾT ĐỊNH
Về việc thành lập Tổ công tác rà soát thủ tục hành chính
CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH ĐIỆN BIÊN
Căn cứ Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025;
QUYẾT ĐỊNH:
Điều 1. Thành lập Tổ công tác rà soát thủ tục hành chính của tỉnh.
Điều 2. Nhiệm vụ, quyền hạn của Tổ công tác
1. Rà soát các thủ tục hành chính thuộc thẩm quyền giải quyết của tỉnh.
2. Đề xuất phương án cắt giảm thủ tục hành chính, báo cáo Chủ tịch UBND tỉnh trước ngày 30/6/2026.
Điều 3. Tổ chức thực hiện
1. Sở Tư pháp có trách nhiệm hướng dẫn các sở, ngành thực hiện việc công khai thủ tục.
2. Giao Văn phòng UBND tỉnh theo dõi, đôn đốc việc thực hiện.
Điều 4. Chánh Văn phòng UBND tỉnh; Giám đốc các sở, ban, ngành tỉnh; Chủ tịch UBND các huyện chịu trách nhiệm thi hành Quyết định này./.
""", head=HEAD.replace("Số: 215/UBND-KT", "Số: 215/QĐ-UBND").replace(
        "V/v tăng cường quản lý vật liệu nổ công nghiệp\n", ""))
    assert got == {("Điều 2.1", name_key("Tổ công tác"), "lead"), ("Điều 2.2", name_key("Tổ công tác"), "lead"),
                   ("Điều 3.1", name_key("Sở Tư pháp"), "lead"), ("Điều 3.2", name_key("Văn phòng UBND tỉnh"), "lead")}


def test_an_item_that_ends_in_a_request_hands_out_the_items_after_it() -> None:
    got = items("""Kính gửi:
- Các Chi cục Thuế khu vực;
- Phòng Kiểm tra thuế.
Thông tư số 40/2025/TT-BTC có một số điểm mới như sau:
(i) Về đối tượng áp dụng: bổ sung hộ kinh doanh nộp thuế theo phương pháp kê khai.
(ii) Về thời điểm áp dụng: từ kỳ tính thuế tháng 7 năm 2026.
Để triển khai thực hiện kịp thời, Cục Thuế yêu cầu:
1. Tổ chức phổ biến nội dung Thông tư đến người nộp thuế trên địa bàn.
2. Trong quá trình thực hiện, nếu có khó khăn, vướng mắc, các đơn vị phản ánh kịp thời về Cục Thuế.
""", head=HEAD.replace("ỦY BAN NHÂN DÂN\nTỈNH ĐIỆN BIÊN", "BỘ TÀI CHÍNH\nCỤC THUẾ"))
    units = {name_key("Các Chi cục Thuế khu vực"), name_key("Phòng Kiểm tra thuế")}
    assert {(p, u) for p, u, _ in got} == {(p, u) for p in ("1", "2") for u in units}


def test_without_kinh_gui_the_units_sent_to_carry_out_are_the_addressees() -> None:
    letter = congvan.parse_text(HEAD + """Để bảo đảm an toàn trong kỳ thi, Ban Giám hiệu đề nghị:
1. Kiểm tra hệ thống camera giám sát tại các phòng thi.
2. Phòng Quản trị thiết bị bố trí máy phát điện dự phòng.
Nơi nhận:
- Các Khoa, Trung tâm liên quan (để thực hiện);
- Lưu: VT, ĐT.
HIỆU TRƯỞNG
Lê Thị Hoa
""")
    assert {(a.path, name_key(a.unit)) for a in letter.action_items} == {
        ("1", name_key("Các Khoa, Trung tâm liên quan")), ("2", name_key("Phòng Quản trị thiết bị"))}


def test_a_misread_addressee_is_written_as_the_letter_spells_it() -> None:
    got = items("""Kính gửi: Công ty cổ phần Xi măng Điện Biên.
Cục Thuế nhận được văn bản của Công ty cổ phần Xi măng Điện Biên về việc hoàn thuế. Cục Thuế có ý kiến như sau:
1. Về hồ sơ hoàn thuế
Đề nghị Công ty Cô phần Xi măng Điện Biên bổ sung hợp đồng xuất khẩu.
""", head=HEAD.replace("ỦY BAN NHÂN DÂN\nTỈNH ĐIỆN BIÊN", "BỘ TÀI CHÍNH\nCỤC THUẾ"))
    assert got == {("1", name_key("Công ty cổ phần Xi măng Điện Biên"), "lead")}


def test_a_spelling_that_lost_its_accents_takes_the_letters_other_spelling() -> None:
    # The Kính gửi line lost the accents of `Dầu`; the preamble spells it right.
    got = items("""Kính gửi: Công ty TNHH Thủy lợi Dau Tiếng.
Trả lời văn bản của Công ty TNHH Thủy lợi Dầu Tiếng, Cục Thuế có ý kiến như sau:
1. Về thuế tài nguyên
Đề nghị Công ty liên hệ Chi cục Thuế khu vực để được hướng dẫn.
""", head=HEAD.replace("ỦY BAN NHÂN DÂN\nTỈNH ĐIỆN BIÊN", "BỘ TÀI CHÍNH\nCỤC THUẾ"))
    assert got == {("1", name_key("Công ty TNHH Thủy lợi Dầu Tiếng"), "lead")}


def test_a_deadline_before_the_letter_is_dropped_with_a_warning() -> None:
    letter = congvan.parse_text(HEAD + """Kính gửi: Sở Tài chính.
Đề nghị Sở Tài chính báo cáo kết quả trước ngày 15/01/2026.
""" + FOOT)
    (task,) = letter.action_items
    assert task.deadline is not None and task.deadline.date is None and "15/01/2026" in task.deadline.text
    assert any("before the issue date" in w for w in letter.warnings)


def _lettered(n: int) -> str:
    parts = ["Kính gửi: Các phòng, đơn vị thuộc Sở.\nSở Công Thương yêu cầu các phòng, đơn vị thực hiện:\n"]
    for i in range(n):
        parts.append(f"{i % 9 + 1}. Nội dung {i}\n")
        for label in "abcd":
            parts.append(f"{label}) Phòng Kỹ thuật chủ trì, phối hợp với Văn phòng Sở rà soát hồ sơ, "
                         f"báo cáo trước ngày 15/4/2026.\n")
    return HEAD + "".join(parts) + FOOT


def _dashes(n: int) -> str:
    line = ("- Giao Phòng Quản lý công nghiệp chủ trì, phối hợp với Thanh tra Sở kiểm tra; Văn phòng Sở tổng hợp, "
            "báo cáo trước ngày 20/5/2026; đề nghị UBND các xã phối hợp thực hiện.\n")
    return HEAD + "Kính gửi: Các phòng thuộc Sở.\n1. Kiểm tra\n" + line * n + FOOT


@pytest.mark.slow
@pytest.mark.parametrize("make", [_lettered, _dashes], ids=["lettered items", "dash directives"])
def test_the_task_stage_is_linear_in_the_letters_length(make) -> None:
    # Time per character of the stage alone at ~10 kB and ~200 kB: quadratic
    # work would make the large letter ~20 times slower per character.
    from congvan.parsers.fields.tasks import derive_action_items

    def per_char(n: int) -> float:
        letter = congvan.parse_text(make(n))
        best = float("inf")
        for _ in range(2):
            t = time.perf_counter()
            derive_action_items(letter)
            best = min(best, time.perf_counter() - t)
        return best / len(letter.text)

    small, large = per_char(20), per_char(400)
    assert large < 4 * small, (small, large)
