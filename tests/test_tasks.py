"""Action items of the two seed letters against their gold, and the unit
rules (offices, collectives, vague partners, unit keys) on their real text."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import SAMPLE_GOLD, SAMPLES, SEED_001, corpus_file

import congvan
from congvan.parsers.fields.task_sentences import assignments, heading_units
from congvan.parsers.fields.units import find_units, is_vague, name_key, unit_key
from congvan.pipeline.evaluate import norm  # the scorer's own folding, so tests judge as it does

SEEDS = sorted(SAMPLE_GOLD.glob("00*.json"))


def _triples(items) -> set[tuple[str, str, str]]:
    return {(norm(a["path"]) or "", norm(a["unit"]), a["role"]) for a in items}


@pytest.mark.parametrize("gold_path", SEEDS, ids=lambda p: p.stem)
def test_seed_units_roles_paths_match_gold(gold_path: Path) -> None:
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    letter = congvan.parse(str(SAMPLES / gold["file"]))
    got = _triples(congvan.to_json(letter)["action_items"])
    assert got == _triples(gold["action_items"])


@pytest.mark.parametrize("gold_path", SEEDS, ids=lambda p: p.stem)
def test_seed_urgency_and_recurrence_match_gold(gold_path: Path) -> None:
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    items = congvan.to_json(congvan.parse(str(SAMPLES / gold["file"])))["action_items"]
    for g in gold["action_items"]:
        mine = [a for a in items if (norm(a["path"]) or "") == (norm(g["path"]) or "") and norm(a["unit"]) == norm(g["unit"])]
        assert mine, g
        if g.get("urgency") == "urgent":
            assert any(a["urgency"] == "urgent" for a in mine), g
        if g.get("recurrence"):
            assert any(a["recurrence"] == g["recurrence"] for a in mine), g


def test_ids_are_stable_and_unique() -> None:
    path = str(SEED_001)
    first = [a.id for a in congvan.parse(path).action_items]
    again = [a.id for a in congvan.parse(path).action_items]
    assert first == again
    # Văn phòng Bộ has two tasks in the closing paragraph (gold notes): two ids.
    assert len(set(first)) == len(first)


def test_closing_of_seed_001() -> None:
    letter = congvan.parse(str(SEED_001))
    follow = [a for a in letter.action_items if a.path == "" and a.text.startswith("Giao Văn phòng Bộ")]
    assert len(follow) == 1
    task = follow[0]
    assert task.unit == "Văn phòng Bộ" and task.recurrence == "quarterly"
    assert task.rrule == "FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=-1"
    assert task.report_to == "Bộ trưởng và Lãnh đạo Bộ"
    assert letter.text[task.source.start:task.source.end].startswith("Giao Văn phòng Bộ")


def test_offices_name_their_units() -> None:
    text = ("Chánh Văn phòng Bộ, Chánh Thanh tra Bộ, Tổng Cục trưởng Tổng cục Quản lý thị trường và các "
            "Cục trưởng, Vụ trưởng thuộc Bộ khẩn trương tổ chức quán triệt")
    assert [u.name for u in find_units(text)] == [
        "Văn phòng Bộ", "Thanh tra Bộ", "Tổng cục Quản lý thị trường", "Các Cục, Vụ thuộc Bộ"]
    assert heading_units("Vụ trưởng Vụ Tổ chức cán bộ") == ["Vụ Tổ chức cán bộ"]
    assert heading_units("Chánh Thanh tra Bộ") == ["Thanh tra Bộ"]
    assert heading_units("Thủ trưởng các đơn vị thuộc Bộ") == ["Các đơn vị thuộc Bộ"]


def test_heading_with_two_units_and_responsibility_prefix() -> None:
    # Corpus 050, headings 4 and 6.
    assert heading_units("Bộ Chỉ huy Quân sự tỉnh/Ban Chỉ huy Bộ đội Biên phòng tỉnh") == [
        "Bộ Chỉ huy Quân sự tỉnh", "Ban Chỉ huy Bộ đội Biên phòng tỉnh"]
    assert name_key(heading_units("Trách nhiệm của các tổ chức, doanh nghiệp hoạt động trong lĩnh vực có liên quan "
                              "đến VLNCN, TCTN")[0]) == name_key(
        "các tổ chức, doanh nghiệp hoạt động trong lĩnh vực có liên quan đến VLNCN, TCTN")
    assert heading_units("Một số nhiệm vụ cụ thể các phòng, đơn vị cần lưu ý:") == []


def test_lead_and_support_in_one_sentence() -> None:
    # Corpus 061: the vague `các cơ quan có liên quan` is no unit.
    found = assignments("Giao Sở Công Thương chủ trì, phối hợp với Sở Tư pháp và các cơ quan có liên quan, "
                        "căn cứ Luật Tổ chức chính quyền địa phương ngày 16/6/2025, nghiên cứu, tham mưu")
    assert [(a.unit.name, a.role) for a in found] == [("Sở Công Thương", "lead"), ("Sở Tư pháp", "support")]


def test_support_skips_vague_partners() -> None:
    # Corpus 050, 4.d.
    found = assignments("Phối hợp chặt chẽ với các đơn vị chức năng thuộc Bộ Quốc phòng, Sở Công Thương, Công an "
                        "tỉnh quản lý chặt chẽ các doanh nghiệp hoạt động VLNCN, TCTN")
    assert [(a.unit.name, a.role) for a in found] == [("Sở Công Thương", "support"), ("Công an tỉnh", "support")]


def test_carrying_out_the_whole_letter_gives_no_task() -> None:
    assert assignments("Sở Công Thương yêu cầu các phòng, đơn vị thuộc và trực thuộc Sở nghiêm túc thực hiện./.") == []
    assert assignments("Căn cứ ý kiến chỉ đạo trên, các cơ quan, đơn vị liên quan nghiêm túc triển khai thực hiện./.") == []


def test_informing_only_gives_no_task_but_informing_to_act_does() -> None:
    assert assignments("Tổng cục Thuế thông báo để Công ty được biết./.") == []
    found = assignments("Tổng cục Hải quan có ý kiến để Cục Hải quan tỉnh Bình Dương, Công ty TNHH Quốc tế Chutex "
                        "biết và thực hiện./.")
    assert [a.unit.name for a in found] == ["Cục Hải quan tỉnh Bình Dương", "Công ty TNHH Quốc tế Chutex"]


def test_vague_units() -> None:
    assert is_vague("các cơ quan, đơn vị có liên quan")
    assert is_vague("chính quyền địa phương")
    assert not is_vague("Các đơn vị thuộc Bộ")
    assert not is_vague("Các phòng, đơn vị thuộc Sở")


def test_unit_key_qualifies_by_parent_body() -> None:
    sct = unit_key("Văn phòng Sở", "Sở Công Thương", "UBND tỉnh Khánh Hòa", "Khánh Hòa")
    bct = unit_key("Văn phòng Bộ", "Bộ Công Thương", None, "Hà Nội")
    assert sct != bct and "sở công thương" in sct and "bộ công thương" in bct
    # The same unit written two ways is one key.
    assert unit_key("UBND tỉnh Lào Cai") == unit_key("Ủy ban nhân dân tỉnh Lào Cai")
    assert unit_key("Sở Công Thương", None, None, "Khánh Hoà") == unit_key("Sở Công Thương", None, None, "Khánh Hòa")
    assert unit_key("Sở Công Thương", None, None, "Khánh Hòa") != unit_key("Sở Công Thương", None, None, "Lào Cai")


def test_class_bound_by_phai_is_given_the_duty() -> None:
    # Corpus 036 II.2 and 050 6.h: the class and its `có ...` qualifier up to `phải`.
    found = assignments("Đối với dự án được hưởng ưu đãi với các điều kiện kèm theo như tỷ lệ xuất khẩu sản phẩm thì "
                        "hàng năm (chậm nhất đến ngày 15/2) doanh nghiệp phải báo cáo với Bộ Thương mại tình hình thực hiện")
    assert [a.unit.name for a in found] == ["Doanh nghiệp"]
    found = assignments("Tổ chức, doanh nghiệp có giấy phép dịch vụ nổ mìn phải thông báo bằng văn bản đến Ủy ban nhân "
                        "dân tỉnh ít nhất 10 ngày")
    assert [a.unit.name for a in found] == ["Tổ chức, doanh nghiệp có giấy phép dịch vụ nổ mìn"]
    # Corpus 048 2.5: `tổ chức` is the verb here, and a condition gives no duty.
    assert assignments("tổ chức triển khai dự án phải đảm bảo các quy định của pháp luật về thủy lợi") == []
    assert assignments("Trường hợp nếu doanh nghiệp không đảm bảo được tỷ lệ xuất khẩu thì doanh nghiệp phải nộp") == []


def test_words_that_open_sentences_are_no_unit_heads() -> None:
    # Corpus 078 V.1 / V.4.b, 16x-17x decisions: `Báo cáo`, `Trường hợp`,
    # `Ban hành`, `Tổ chức <verb>` start sentences, not unit names.
    assert find_units("Báo cáo kết quả thẩm tra được lập theo Mẫu số 09") == []
    assert find_units("Trường hợp cơ quan phối hợp có ý kiến khác nhau", generic=True) == []
    assert find_units("Ban hành tài liệu hướng dẫn nghiệp vụ") == []
    assert find_units("Tổ chức họp kiểm điểm công chức", generic=True) == []
    assert [u.name for u in find_units("Tổ chức, doanh nghiệp hoạt động", generic=True)][:1] == ["Tổ chức"]
    # `Các Bộ trưởng, Thủ trưởng cơ quan ngang bộ` (công điện addressees).
    assert [u.name for u in find_units("Các Bộ trưởng, Thủ trưởng cơ quan ngang bộ chỉ đạo")] == [
        "Các Bộ", "Cơ quan ngang bộ"]
    assert [u.name for u in find_units("Ủy ban nhân dân thành phố quyết định xác định giá")] == [
        "Ủy ban nhân dân thành phố"]


def test_field_labels_name_no_acting_unit() -> None:
    # Corpus 048 item 1 and 078 I.9: `Field: value` lines.
    from congvan.parsers.fields.task_sentences import read_all
    assert read_all("- Chủ đầu tư: Ban Quản lý dự án đầu tư xây dựng xã Trấn Yên.\n", 0)[0] == []
    assert read_all("Nhà thầu lập thiết kế xây dựng: Viện Khoa học và Công nghệ Mỏ - Vinacomin.\n", 0)[0] == []


def test_reported_requests_and_scope_statements_assign_nobody() -> None:
    # Corpus 045 item 2: another body's earlier request, reported.
    assert assignments("Thứ hai, Cục Cảnh sát Quản lý hành chính về trật tự xã hội - Bộ Công an đã có Văn bản số "
                       "787/C06-P3 ngày 29/01/2026 đề nghị Cục Đăng kiểm Việt Nam ban hành văn bản hướng dẫn") == []
    # Corpus 078 IV.2.a: the issuer saying what it only checks.
    assert assignments("Sở Công Thương chỉ thực hiện thẩm định: (1) các nội dung đề nghị thẩm định") == []
    # Corpus 045 closing restates the request; 078 closing carries out the letter.
    assert assignments("Ủy ban nhân dân tỉnh Lào Cai trân trọng đề nghị Bộ Xây dựng quan tâm, sớm xem xét, chỉ đạo "
                       "giải quyết./.") == []
    assert assignments("Đề nghị Tổng công ty Khoáng sản TKV -CTCP nghiên cứu, tiếp thu đầy đủ và tổ chức thực hiện "
                       "theo đúng quy định của pháp luật hiện hành../.") == []


def test_lower_case_class_after_assigning_verb() -> None:
    # Corpus 078 VI.2.
    found = assignments("Khi triển khai thi công, yêu cầu nhà thầu thi công: (1) Lập hồ sơ thiết kế biện pháp thi công")
    assert [a.unit.name for a in found] == ["Nhà thầu thi công"]


def test_dash_after_semicolon_keeps_its_subject() -> None:
    # Corpus 078 VI.2: `...; - Cơ quan chuyên môn ... chịu trách nhiệm thẩm định`.
    from congvan.parsers.fields.task_sentences import read_all
    text = ("- Tổ chức thực hiện đầy đủ các nghĩa vụ theo các văn bản.\n- Cơ quan chuyên môn trực thuộc người quyết "
            "định đầu tư chịu trách nhiệm thẩm định các nội dung theo quy định tại Điều 57 Luật Xây dựng.")
    assert [a.unit.name for a in read_all(text, 0)[0]] == ["Cơ quan chuyên môn trực thuộc người quyết định đầu tư"]


def test_report_sections_give_no_item_but_requests_and_headed_dashes_do() -> None:
    # Corpus 045: `báo cáo và đề nghị ... như sau:` then items 1-2 report, 3 asks.
    def pairs(name: str) -> set[tuple[str, str]]:
        letter = congvan.parse(str(corpus_file(name)))
        return {(a.path, norm(a.unit)) for a in letter.action_items}
    got = pairs("045_cv-3686-ubnd-xd-lao-cai-2026.pdf")
    assert {p for p, _ in got} == {"3.i", "3.ii", "3.iii"}
    # Corpus 048: `có ý kiến tham gia như sau:`; 2.3 and 2.6 ask the addressee,
    # 2.6 is only a heading and keeps the `Đề nghị bổ sung ...` under it.
    got = pairs("048_cv-6791-snnmt-khtc-lao-cai-2026.pdf")
    assert ("2.3", norm("Sở Công thương tỉnh Lào Cai")) in got and ("2.6", norm("Sở Công thương tỉnh Lào Cai")) in got
    assert ("", norm("Sở Công thương")) in got and not any(p == "1" for p, _ in got)
    # Corpus 078 VI.2: the heading's company and the units its dashes name.
    got = pairs("078_cv-sct-cn-lao-cai-draft-2025-tham-dinh-tkxd.doc")
    assert {u for p, u in got if p == "VI.2"} == {norm("Tổng công ty Khoáng sản TKV -CTCP"), norm("Nhà thầu thi công"),
                                                  norm("Cơ quan chuyên môn trực thuộc người quyết định đầu tư")}
    assert not any(p.startswith("I.") or p.startswith("V.") for p, _ in got)


def test_heading_about_people_names_no_unit() -> None:
    # A decision's `Đối với công chức ...` heading (corpus 16x) names people.
    assert heading_units("Đối với công chức không giữ chức vụ lãnh đạo, quản lý, Hội đồng kỷ luật có 03 thành viên, "
                         "bao gồm:") == []
