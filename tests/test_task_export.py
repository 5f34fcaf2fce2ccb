"""Exports of the seed letters' action items: JSON Lines against the
published schema, CSV as spreadsheets read it, iCalendar read back by the
icalendar library, the per-unit table, and no duplicates on re-export."""
from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import jsonschema
import pytest
from conftest import SEED_001, SEEDS
from icalendar import Calendar
from typer.testing import CliRunner

import congvan
from congvan.models.schema import task_schema
from congvan.pipeline.cli import app
from congvan.pipeline.exports import source
from congvan.pipeline.exports.ical import to_ical
from congvan.pipeline.exports.tasks import to_csv, to_jsonl, to_table


@pytest.fixture(scope="module")
def seed_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("seeds")
    for seed in SEEDS:
        shutil.copy(seed, folder / seed.name)
    return folder


def load_items(target: Path):
    letters, problems = source.load(target)
    items, by_id = source.action_items(letters)
    return items, by_id, problems


def to_ics(items, letters):
    return to_ical(items, letters, events=False)


@pytest.fixture(scope="module")
def seed_items(seed_folder: Path):
    items, letters, problems = load_items(seed_folder)
    assert not problems
    return items, letters


def test_jsonl_records_validate_against_the_published_schema(seed_items) -> None:
    items, _ = seed_items
    schema = task_schema()
    lines = to_jsonl(items).splitlines()
    assert len(lines) == len(items) == 18
    for line in lines:
        jsonschema.validate(json.loads(line), schema)


def test_cli_schema_is_the_task_schema() -> None:
    out = CliRunner().invoke(app, ["schema", "--tasks"])
    assert out.exit_code == 0 and json.loads(out.stdout)["required"] == task_schema()["required"]


def test_csv_has_bom_and_reads_back(seed_items) -> None:
    items, _ = seed_items
    data = to_csv(items)
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert len(rows) == len(items)
    vp = [r for r in rows if r["unit"] == "Văn phòng Bộ" and r["recurrence"] == "quarterly"]
    assert len(vp) == 1 and vp[0]["rrule"] == "FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=-1"


def test_ics_reads_back_with_icalendar(seed_items) -> None:
    items, letters = seed_items
    cal = Calendar.from_ical(to_ics(items, letters))
    todos = list(cal.walk("VTODO"))
    assert [str(t["UID"]) for t in todos] == [i.id for i in items]
    urgent = {i.id for i in items if i.urgency == "urgent"}
    for t in todos:
        assert int(t["PRIORITY"]) == (1 if str(t["UID"]) in urgent else 5)
    # Seed 001 is dated 27/4/2023: the quarterly follow-up starts then.
    quarterly = [t for t in todos if "RRULE" in t]
    assert len(quarterly) == 1
    assert quarterly[0]["RRULE"]["FREQ"] == ["MONTHLY"] and quarterly[0]["RRULE"]["INTERVAL"] == [3]
    assert quarterly[0].decoded("DTSTART").isoformat() == "2023-04-27"


def test_ics_due_date_from_a_deadline() -> None:
    text = SEED_001.read_text(encoding="utf-8").replace(
        "báo cáo Bộ trưởng và Lãnh đạo Bộ./.", "báo cáo Bộ trưởng và Lãnh đạo Bộ trước ngày 15/6/2023./.")
    letter = congvan.parse_text(text)
    cal = Calendar.from_ical(to_ics(list(letter.action_items), {letter.id: letter}))
    dues = [t.decoded("DUE").isoformat() for t in cal.walk("VTODO") if "DUE" in t]
    assert dues == ["2023-06-15"]


def test_reexport_after_reingest_does_not_duplicate(tmp_path: Path) -> None:
    shutil.copy(SEED_001, tmp_path / "a.txt")
    shutil.copy(SEED_001, tmp_path / "copy_of_a.txt")
    items, _, _ = load_items(tmp_path)
    once, _, _ = load_items(SEED_001)
    assert [i.id for i in items] == [i.id for i in once]


def test_table_groups_by_unit_with_counts(seed_items) -> None:
    items, letters = seed_items
    table = to_table(items, letters)
    assert table.splitlines()[0] == "18 action items for 8 units (18 lead, 0 support)"
    assert "Các phòng, đơn vị thuộc Sở  [9 tasks: 9 lead, 0 support]" in table
    assert "Văn phòng Bộ  [2 tasks: 2 lead, 0 support]" in table


def test_cli_tasks_unit_filter_and_formats(tmp_path: Path, seed_folder: Path) -> None:
    runner = CliRunner()
    out = runner.invoke(app, ["tasks", str(SEED_001), "--unit", "thanh tra", "--format", "jsonl"])
    assert out.exit_code == 0, out.output
    units = {json.loads(line)["unit"] for line in out.stdout.splitlines()}
    assert units == {"Thanh tra Bộ"}
    target = tmp_path / "tasks.ics"
    out = runner.invoke(app, ["tasks", str(seed_folder), "--format", "ics", "-o", str(target)])
    assert out.exit_code == 0 and len(list(Calendar.from_ical(target.read_bytes()).walk("VTODO"))) == 18
    out = runner.invoke(app, ["tasks", str(SEED_001), "--format", "xml"])
    assert out.exit_code == 2


def test_cli_tasks_bad_store_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "letters.duckdb"
    bad.write_bytes(b"not a database")
    out = CliRunner().invoke(app, ["tasks", str(bad)])
    assert out.exit_code == 2
