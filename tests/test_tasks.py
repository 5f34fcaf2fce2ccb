"""Action items of the two seed letters against their gold, and the unit
rules (offices, collectives, vague partners, unit keys) on their real text."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

import congvan
from congvan.parsers.fields.units import find_units, fold, is_vague, unit_key
from congvan.pipeline.tasks import assignments, heading_units

SHARED = Path(__file__).resolve().parents[2] / "shared"
SEEDS = sorted((SHARED / "gold").glob("0*.json"))
sys.path.insert(0, str(SHARED / "eval"))
from score import norm  # noqa: E402  - the scorer's own folding, so tests judge as it does

pytestmark = pytest.mark.skipif(not SEEDS, reason="shared gold not present")


def _triples(items) -> set[tuple[str, str, str]]:
    return {(norm(a["path"]) or "", norm(a["unit"]), a["role"]) for a in items}


@pytest.mark.parametrize("gold_path", SEEDS, ids=lambda p: p.stem)
def test_seed_units_roles_paths_match_gold(gold_path: Path) -> None:
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    letter = congvan.parse(str(SHARED / gold["file"]))
    got = _triples(congvan.to_json(letter)["action_items"])
    assert got == _triples(gold["action_items"])


@pytest.mark.parametrize("gold_path", SEEDS, ids=lambda p: p.stem)
def test_seed_urgency_and_recurrence_match_gold(gold_path: Path) -> None:
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    items = congvan.to_json(congvan.parse(str(SHARED / gold["file"])))["action_items"]
    for g in gold["action_items"]:
        mine = [a for a in items if (norm(a["path"]) or "") == (norm(g["path"]) or "") and norm(a["unit"]) == norm(g["unit"])]
        assert mine, g
        if g.get("urgency") == "urgent":
            assert any(a["urgency"] == "urgent" for a in mine), g
        if g.get("recurrence"):
            assert any(a["recurrence"] == g["recurrence"] for a in mine), g


def test_ids_are_stable_and_unique() -> None:
    path = str(SHARED / "seeds" / "001_091bf70c372fa8e6.txt")
    first = [a.id for a in congvan.parse(path).action_items]
    again = [a.id for a in congvan.parse(path).action_items]
    assert first == again
    # Văn phòng Bộ has two tasks in the closing paragraph (gold notes): two ids.
    assert len(set(first)) == len(first)


def test_closing_of_seed_001() -> None:
    letter = congvan.parse(str(SHARED / "seeds" / "001_091bf70c372fa8e6.txt"))
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
    assert fold(heading_units("Trách nhiệm của các tổ chức, doanh nghiệp hoạt động trong lĩnh vực có liên quan "
                              "đến VLNCN, TCTN")[0]) == fold(
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
