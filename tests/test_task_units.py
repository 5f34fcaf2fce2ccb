"""The unit recogniser (parsers/fields/units.py) on sentences written for
these tests in the style of real letters: where a unit's name ends, classes
with their kinds and shared tails, colon lists, offices that name units,
and which partners are too vague to be units."""
from __future__ import annotations

from congvan.parsers.fields.units import find_units, is_vague, trim_class


def names(text: str, *, generic: bool = True) -> list[str]:
    return [u.name for u in find_units(text, generic=generic)]


def test_a_name_stops_at_its_verb() -> None:
    # The verb that follows a unit is not part of its name, even an unusual one.
    assert names("Sở Tài chính chủ trì, phối hợp với các đơn vị rà soát dự toán") == ["Sở Tài chính"]
    assert names("Công ty mời các đơn vị tư vấn tham gia buổi kiểm tra") == ["Công ty"]
    assert names("Ban Quản lý các khu công nghiệp nghiệm thu hạng mục phòng cháy") == [
        "Ban Quản lý các khu công nghiệp"]
    # Capitalised words are the name's own (`Sở Xây dựng`, `Vụ Tổ chức cán bộ`).
    assert names("Sở Xây dựng hướng dẫn chủ đầu tư lập hồ sơ") == ["Sở Xây dựng"]
    # `cấp tỉnh` is a level, not the verb `cấp` (to issue).
    assert names("Ủy ban nhân dân cấp huyện quyết định phương án bồi thường") == ["Ủy ban nhân dân cấp huyện"]
    # `chịu sự` (is subject to) starts the predicate as `chịu trách nhiệm` does.
    assert names("Đội kiểm tra 115 cấp huyện chịu sự hướng dẫn nghiệp vụ của Chi cục Quản lý thị trường")[0] == \
        "Đội kiểm tra 115 cấp huyện"


def test_a_syllable_of_a_word_is_no_verb() -> None:
    # `lập` is a verb, but `công lập` (public) is one word in underthesea's lexicon.
    assert names("các đơn vị sự nghiệp công lập trực thuộc Sở tổ chức tập huấn") == [
        "Các đơn vị sự nghiệp công lập trực thuộc Sở"]
    # A noun follows `các`: `các cấp` is no verb.
    assert names("Cơ quan thuế các cấp có trách nhiệm hướng dẫn người nộp thuế") == ["Cơ quan thuế các cấp"]


def test_a_class_runs_through_its_kinds() -> None:
    assert names("Các sở, ban, ngành, đoàn thể tỉnh khẩn trương triển khai") == ["Các sở, ban, ngành, đoàn thể tỉnh"]
    assert names("Ủy ban nhân dân các xã, phường và đặc khu chỉ đạo rà soát") == [
        "Ủy ban nhân dân các xã, phường và đặc khu"]
    # A head with no name of its own is one more kind of the class.
    assert names("các Tập đoàn, Tổng công ty, đơn vị liên quan báo cáo") == [
        "Các Tập đoàn, Tổng công ty, đơn vị liên quan"]
    assert trim_class("Các Tập đoàn, Tổng công ty, đơn vị liên quan") == "Các Tập đoàn, Tổng công ty"
    # A shared tail keeps the class whole: `liên quan` applies to both kinds.
    assert names("Các Trung tâm, Phòng ban liên quan chuẩn bị hồ sơ") == ["Các Trung tâm, Phòng ban liên quan"]


def test_a_named_body_after_a_class_is_a_unit_of_its_own() -> None:
    assert names("các sở, ngành, Công an tỉnh và Bộ Chỉ huy Quân sự tỉnh") == [
        "Các sở, ngành", "Công an tỉnh", "Bộ Chỉ huy Quân sự tỉnh"]
    assert names("Đội Quản lý thị trường số 3, Chi cục Thuế khu vực II kiểm tra") == [
        "Đội Quản lý thị trường số 3", "Chi cục Thuế khu vực II"]


def test_a_plural_head_before_a_colon_lists_its_bodies() -> None:
    assert names("Các Bộ: Tư pháp, Nông nghiệp và Môi trường, Giáo dục và Đào tạo, Y tế khẩn trương góp ý") == [
        "Bộ Tư pháp", "Bộ Nông nghiệp và Môi trường", "Bộ Giáo dục và Đào tạo", "Bộ Y tế"]
    # An office before it names the body; a bare `Tỉnh ủy` before the list takes its places.
    assert names("Bí thư Tỉnh ủy, Chủ tịch Ủy ban nhân dân các tỉnh: Quảng Trị, Quảng Bình chỉ đạo") == [
        "Tỉnh ủy Quảng Trị", "Tỉnh ủy Quảng Bình",
        "Ủy ban nhân dân tỉnh Quảng Trị", "Ủy ban nhân dân tỉnh Quảng Bình"]
    # A list of kinds before a colon is no plural head.
    assert names("Các sở, ngành: Tài chính, Nội vụ") == ["Các sở, ngành"]


def test_offices_name_their_units() -> None:
    assert names("Chánh Văn phòng Sở, Trưởng phòng Kế hoạch - Tài chính và Giám đốc Trung tâm Khuyến công tổ chức") == [
        "Văn phòng Sở", "Phòng Kế hoạch - Tài chính", "Trung tâm Khuyến công"]
    # Two offices over one body share it.
    assert names("Chủ tịch Hội đồng thành viên, Tổng giám đốc các Tổng công ty nhà nước báo cáo") == [
        "Các Tổng công ty nhà nước"]
    # The leadership of the issuer is a body of its own; a deputy Prime Minister acts in person.
    assert names("Lãnh đạo Sở xem xét, quyết định") == ["Lãnh đạo Sở"]
    assert names("Phó Thủ tướng Chính phủ Lê Văn Thành trực tiếp chỉ đạo") == ["Phó Thủ tướng Chính phủ Lê Văn Thành"]


def test_a_name_runs_on_to_the_next_listed_unit() -> None:
    assert names("Tổng cục Quản lý vốn và tài sản Nhà nước tại doanh nghiệp, Tổng cục Thuế hướng dẫn") == [
        "Tổng cục Quản lý vốn và tài sản Nhà nước tại doanh nghiệp", "Tổng cục Thuế"]


def test_misread_place_words_keep_a_class_together() -> None:
    # OCR: `tinh, thành phó` for `tỉnh, thành phố`.
    assert names("Cục trưởng các Cục Hải quan tinh, thành phó tổ chức quán triệt") == [
        "Các Cục Hải quan tinh, thành phó"]


def test_vague_partners() -> None:
    # Named only as related, no unit.
    assert is_vague("các cơ quan, đơn vị có liên quan")
    assert is_vague("các lực lượng chức năng")
    # A class with a kind is a unit, lead or partner...
    assert not is_vague("Các sở, ban, ngành liên quan")
    assert not is_vague("Các sở, ban, ngành liên quan", partner=True)
    # ... but a partner class that adds `địa phương` or a bare `cơ quan` is everyone concerned.
    assert is_vague("các sở, ngành, địa phương có liên quan", partner=True)
    assert is_vague("các bộ, cơ quan liên quan", partner=True)
    assert not is_vague("Bộ, ngành, địa phương")


def test_a_numbered_team_keeps_its_verb() -> None:
    # `Đội kiểm tra 814` is the team's name; after a named body the verb starts the predicate.
    assert names("Đội kiểm tra liên ngành 127 cấp huyện có nhiệm vụ kiểm tra các cơ sở") == [
        "Đội kiểm tra liên ngành 127 cấp huyện"]
    assert names("Đoàn kiểm tra số 3 làm việc với doanh nghiệp") == ["Đoàn kiểm tra số 3"]
    assert names("Sở Y tế kiểm tra 40 cơ sở khám bệnh") == ["Sở Y tế"]
    assert names("Công ty kiểm tra 12 kho hàng") == ["Công ty"]


def test_an_office_goes_on_over_lower_case_kinds() -> None:
    # One `Thủ trưởng` over two kinds names both; repeated, it names each.
    assert names("Bộ trưởng, Thủ trưởng cơ quan ngang bộ, cơ quan thuộc Chính phủ chỉ đạo") == [
        "Các Bộ", "Cơ quan ngang bộ", "Cơ quan thuộc Chính phủ"]
    assert names("Thủ trưởng cơ quan ngang bộ, Thủ trưởng cơ quan thuộc Chính phủ chỉ đạo") == [
        "Cơ quan ngang bộ", "Cơ quan thuộc Chính phủ"]
