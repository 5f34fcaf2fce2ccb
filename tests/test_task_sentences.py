"""The task-sentence classifier (parsers/fields/task_sentences.py) on
sentences written for these tests in the style of real letters: which
sentences hand out work, to whom and in which role, and which only tell,
set a condition, close the letter or ask to carry it out as a whole."""
from __future__ import annotations

from congvan.parsers.fields.task_sentences import heading_units, read_all, read_sentence, sentences


def roles(text: str, **kw) -> list[tuple[str, str]]:
    return [(a.unit.name, a.role) for a in read_sentence(text, **kw).assigns]


def test_assigning_verbs_and_their_units() -> None:
    assert roles("Giao Sở Xây dựng chủ trì, phối hợp với Công an tỉnh và các sở, ngành, địa phương có liên quan "
                 "hướng dẫn thực hiện.") == [("Sở Xây dựng", "lead"), ("Công an tỉnh", "support")]
    # A request to a body outside the issuer's own hierarchy.
    assert roles("Đề nghị Cục Hải quan tỉnh Quảng Ninh hướng dẫn doanh nghiệp thực hiện thủ tục.") == [
        ("Cục Hải quan tỉnh Quảng Ninh", "lead")]
    # OCR reads `đề nghị` as `dé nghị`.
    assert roles("Dé nghị Công ty liên hệ Cục Thuế để được hướng dẫn.") == [("Công ty", "lead")]
    # `phối hợp` without `với`, and `chủ trì cùng`.
    assert roles("Bộ Tài chính chủ trì cùng Bộ Công Thương rà soát, phối hợp Bộ Tư pháp thẩm định.") == [
        ("Bộ Tài chính", "lead"), ("Bộ Công Thương", "support"), ("Bộ Tư pháp", "support")]
    # A lower-case kind or a role after the verb names the unit.
    assert roles("Đề nghị bộ, ngành, địa phương gửi báo cáo về Bộ Nội vụ.") == [("Bộ, ngành, địa phương", "lead")]
    assert roles("Yêu cầu cán bộ coi thi kiểm tra thẻ dự thi của thí sinh.") == [("Cán bộ coi thi", "lead")]


def test_duties_of_a_class_with_its_qualifier() -> None:
    assert roles("Các hợp tác xã, doanh nghiệp được giao khai thác công trình thủy lợi có trách nhiệm duy tu kênh "
                 "mương.") == [("Các hợp tác xã, doanh nghiệp được giao khai thác công trình thủy lợi", "lead")]
    assert roles("Thủ trưởng các phòng, đơn vị theo chức năng, nhiệm vụ được giao chủ động rà soát hồ sơ tồn đọng.") == [
        ("Các phòng, đơn vị", "lead")]


def test_narrative_and_reported_requests_give_nothing() -> None:
    assert roles("Sở Tài chính đã phối hợp với Kho bạc Nhà nước tỉnh kiểm tra 12 đơn vị.") == []
    assert roles("Bộ Công Thương nhận được Văn bản số 15/SCT-KT của Sở Công Thương tỉnh Điện Biên.") == []
    assert roles("Cục Thuế đã có văn bản đề nghị Chi cục Thuế khu vực I rà soát hồ sơ") == []
    # In a report, what a body does is told, not asked.
    assert roles("Sở Xây dựng chủ trì kiểm tra 25 công trình, phát hiện 3 vi phạm.", report=True) == []
    assert roles("Sở Xây dựng sẽ tiếp tục kiểm tra các công trình.", report=True) == [("Sở Xây dựng", "lead")]


def test_the_issuer_acts_only_when_it_commits_itself() -> None:
    own = dict(issuer="Sở Công Thương")
    assert roles("Sở Công Thương trả lại hồ sơ để Công ty hoàn thiện.", **own) == []
    assert roles("Sở Công Thương sẽ phối hợp với UBND huyện Mường Khương kiểm tra hiện trường.", **own) == [
        ("Sở Công Thương", "lead"), ("UBND huyện Mường Khương", "support")]
    # ... and never in a report (its own next steps).
    assert roles("Sở Công Thương sẽ tiếp tục theo dõi tình hình.", report=True, **own) == []


def test_carrying_out_the_whole_letter_or_attending_gives_no_task() -> None:
    r = read_sentence("Chánh Văn phòng UBND tỉnh, Giám đốc Sở Tài chính và Chủ tịch UBND các huyện chịu trách nhiệm "
                      "thi hành Quyết định này./.")
    assert r.assigns == [] and r.closed
    assert roles("Thủ trưởng các cơ quan, đơn vị có liên quan chịu trách nhiệm tổ chức triển khai thực hiện nghiêm túc "
                 "các nội dung nêu trên;") == []
    assert roles("Đề nghị Sở Nội vụ cử đại diện lãnh đạo tham dự cuộc họp vào lúc 14 giờ ngày 12/3/2026.") == []
    # An invitation that also asks for work is a task.
    assert roles("Đề nghị Sở Nội vụ cử đại diện tham dự cuộc họp, đồng thời chuẩn bị báo cáo tình hình biên chế.") == [
        ("Sở Nội vụ", "lead")]


def test_liability_and_conditions_are_no_tasks() -> None:
    assert roles("Chủ đầu tư và các nhà thầu tư vấn lập hồ sơ chịu trách nhiệm trước pháp luật về số liệu.") == []
    assert roles("Trường hợp doanh nghiệp không nộp đủ hồ sơ thì doanh nghiệp phải nộp lại từ đầu.") == []
    r = read_sentence("Trong quá trình thực hiện, nếu có khó khăn, vướng mắc, các đơn vị phản ánh về Sở Tư pháp.")
    assert r.assigns == [] and r.closed


def test_notices_name_the_addressee_only_when_it_is_to_act() -> None:
    assert roles("Cục Thuế thông báo để Công ty TNHH Minh Phát được biết./.") == []
    assert roles("Cục Thuế thông báo để Công ty TNHH Minh Phát được biét./.") == []  # OCR `biét`
    assert roles("Văn phòng UBND tỉnh thông báo để Sở Y tế biết, thực hiện./.") == [("Sở Y tế", "lead")]
    assert roles("Bộ Nội vụ trả lời quý Sở biết và hướng dẫn các cơ quan thực hiện./.") == [("Sở", "lead")]


def test_sentences_split_at_years_and_quotes_but_not_at_abbreviations() -> None:
    text = ('gửi Bộ Tư pháp trước ngày 30/4/2026. Bộ Tư pháp tổng hợp. Khoản 2 quy định: "Tổ chức phải nộp hồ sơ." '
            "Sở Y tế kiểm tra tại TP. Điện Biên Phủ.")
    assert [s.strip() for s, _, _ in sentences(text, 0)] == [
        "gửi Bộ Tư pháp trước ngày 30/4/2026.", "Bộ Tư pháp tổng hợp.", 'Khoản 2 quy định: "Tổ chức phải nộp hồ sơ."',
        "Sở Y tế kiểm tra tại TP. Điện Biên Phủ."]
    # A colon after a plural head keeps its list in the sentence.
    assert len(sentences("Các Bộ: Tài chính, Tư pháp góp ý dự thảo.", 0)) == 1


def test_a_subject_list_cut_by_semicolons_shares_its_verb() -> None:
    found, _, _ = read_all("Giám đốc Sở Tài chính; Giám đốc Kho bạc Nhà nước tỉnh; Chủ tịch UBND các huyện rà soát "
                           "các khoản tạm ứng quá hạn.", 0)
    assert [a.unit.name for a in found] == ["Sở Tài chính", "Kho bạc Nhà nước tỉnh", "UBND các huyện"]


def test_quoted_law_asks_nothing() -> None:
    text = ('Khoản 3 Điều 12 Nghị định số 45/2025/NĐ-CP quy định:\n"Doanh nghiệp có trách nhiệm lưu giữ hồ sơ '
            'trong 10 năm.\nCơ quan thuế có trách nhiệm kiểm tra."\nĐề nghị Công ty thực hiện theo quy định trên.')
    found, _, _ = read_all(text, 0)
    assert [a.unit.name for a in found] == ["Công ty"]


def test_headings_that_name_units() -> None:
    assert heading_units("Công an tỉnh; các sở, ban, ngành, đoàn thể tỉnh; Ủy ban nhân dân các xã, phường") == [
        "Công an tỉnh", "Các sở, ban, ngành, đoàn thể tỉnh", "Ủy ban nhân dân các xã, phường"]
    assert heading_units("Giao Sở Nội vụ") == ["Sở Nội vụ"]
    assert heading_units("Ủy ban nhân dân tỉnh Bình Định:") == ["Ủy ban nhân dân tỉnh Bình Định"]
    assert heading_units("Nhiệm vụ, quyền hạn của Tổ công tác") == ["Tổ công tác"]
    assert heading_units("Tổ chức thực hiện") == []


def test_the_issuer_is_known_when_ocr_drops_an_accent() -> None:
    # `Tổng cục Thuê` is the issuer `Tổng cục Thuế`: its note to study a proposal is its own commitment.
    assert roles("Tổng cục Thuê xin ghi nhận để nghiên cứu, báo cáo cấp có thẩm quyền.", issuer="Tổng cục Thuế") == [
        ("Tổng cục Thuê", "lead")]
    assert roles("Tổng cục Thuê trả lời như sau.", issuer="Tổng cục Thuế") == []
