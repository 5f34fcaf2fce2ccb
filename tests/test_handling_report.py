"""Báo cáo tình hình giải quyết: per-unit counts as of a day from the task
table, XLSX read back with openpyxl and pandas, the HTML page self-contained
with its chart inline."""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pandas as pd
import pytest
from conftest import REPO_CORPUS, SEED_001
from typer.testing import CliRunner

from congvan.models import nd30 as names
from congvan.pipeline.cli import app
from congvan.pipeline.exports import handling_report as hr
from congvan.pipeline.exports import source

FILES = [SEED_001, REPO_CORPUS / "114_cd-224-cd-ttg-thu-tuong-chinh-phu.txt",
         REPO_CORPUS / "141_tb-634-tb-vpcp-van-phong-chinh-phu.txt"]


@pytest.fixture(scope="module")
def items() -> list:
    letters = [l for f in FILES for l in source.load(f)[0]]
    return source.action_items(letters)[0]


def test_counts_follow_deadlines_and_completion(items) -> None:
    dated = sorted((i for i in items if i.deadline and i.deadline.date), key=lambda i: names.deadline_day(i.deadline.date))
    assert len(dated) >= 4
    cut = names.deadline_day(dated[1].deadline.date)
    done = {dated[0].id: None}
    rep = hr.build_report(items, cut, done)
    tot = rep.totals
    assert tot["tasks"] == len(items)
    assert tot["due"] == sum(1 for i in dated if names.deadline_day(i.deadline.date) <= cut)
    assert tot["done"] == 1 and tot["open"] == len(items) - 1
    assert tot["overdue"] == tot["due"] - 1
    assert tot["no_deadline"] == len(items) - len(dated)
    assert {i.id for i in rep.overdue_items} == {i.id for i in dated[1:] if names.deadline_day(i.deadline.date) <= cut}
    for row in rep.rows:
        assert row.open + row.done == row.tasks and row.overdue <= row.due
    # Before any deadline nothing is overdue; done later than the report day does not count yet.
    early = hr.build_report(items, names.deadline_day(dated[0].deadline.date) - dt.timedelta(days=1),
                            {dated[0].id: dt.date(2100, 1, 1)})
    assert early.totals["overdue"] == 0 and early.totals["done"] == 0


def test_xlsx_and_html_from_the_command(items, tmp_path: Path) -> None:
    from congvan.pipeline.ingest import ingest

    folder = tmp_path / "in"
    folder.mkdir()
    for f in FILES:
        (folder / f.name).write_bytes(f.read_bytes())
    db = tmp_path / "s.duckdb"
    ingest([folder], db, workers=1, log=lambda s: None)
    (tmp_path / "done.txt").write_text(f"# done\n{items[0].id} 2025-01-01\n", encoding="utf-8")
    for name in ("r.xlsx", "r.html"):
        out = CliRunner().invoke(app, ["export", "handling-report", "--db", str(db), "-o", str(tmp_path / name),
                                       "--as-of", "2026-01-15", "--done", str(tmp_path / "done.txt")])
        assert out.exit_code == 0, out.output
    expected = hr.build_report(items, dt.date(2026, 1, 15), {items[0].id: dt.date(2025, 1, 1)})
    df = pd.read_excel(tmp_path / "r.xlsx", sheet_name="Báo cáo")
    assert list(df.columns) == list(hr.HEADERS_VI)
    assert len(df) == len(expected.rows) + 1 and df.iloc[-1, 0] == "Tổng cộng"
    assert list(df.iloc[-1, 1:]) == [expected.totals[c] for c in hr.COLUMNS[1:]]
    assert set(df.iloc[:-1, 0]) == {r.unit for r in expected.rows}
    late = pd.read_excel(tmp_path / "r.xlsx", sheet_name="Quá hạn")
    assert len(late) == expected.totals["overdue"]
    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "<svg" in page and not re.search(r'(?:src|href)="https?://', page)   # nothing fetched
    assert "Tính đến ngày 15/01/2026" in page
    assert page.count("<tr>") >= len(expected.rows) + 1
