"""Decree 30 registers from an ingested store: the decree's columns in order,
one row per letter, values equal to the store, readable by openpyxl and
pandas; CSV the same rows; filters; the follow-up register sees answers."""
from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from conftest import REPO_CORPUS, SEED_000, SEED_001
from typer.testing import CliRunner

import congvan
from congvan.pipeline.cli import app
from congvan.pipeline.exports import registers
from congvan.pipeline.ingest import ingest

FILES = [SEED_000, SEED_001,
         REPO_CORPUS / "087_cv-38273-chq-gsql-cuc-hai-quan.txt", REPO_CORPUS / "114_cd-224-cd-ttg-thu-tuong-chinh-phu.txt"]


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("in")
    for f in FILES:
        (folder / f.name).write_bytes(f.read_bytes())
    db = folder.parent / "reg.duckdb"
    ingest([folder], db, workers=1, log=lambda s: None)
    return db


def _run(*args: str) -> None:
    out = CliRunner().invoke(app, list(args))
    assert out.exit_code == 0, out.output


@pytest.mark.parametrize("kind", registers.KINDS)
def test_xlsx_register_matches_the_store(store: Path, tmp_path: Path, kind: str) -> None:
    path = tmp_path / f"{kind}.xlsx"
    _run("export", "register", kind, "--db", str(store), "-o", str(path))
    title, columns = registers.REGISTERS[kind]
    ws = openpyxl.load_workbook(path)["Sổ"]
    assert ws.cell(1, 1).value == title
    assert [c.value for c in ws[registers.HEADER_ROW]] == list(columns)
    assert [c.value for c in ws[registers.HEADER_ROW + 1]] == [f"({i})" for i in range(1, len(columns) + 1)]
    df = registers.read_xlsx(path)
    letters = congvan.load_store(str(store))["letters"]
    assert list(df.columns) == list(columns) and len(df) == len(letters) == len(FILES)
    # Every row traces to a stored letter, and its number/symbol and issuer are the store's.
    trace = pd.read_excel(path, sheet_name="Nguồn")
    assert set(trace["letter_id"]) == set(letters["letter_id"])
    stored = letters.set_index("letter_id")
    num_col = "Số, ký hiệu văn bản" if kind == "di" else "Số, ký hiệu"
    for (_, row), lid in zip(df.iterrows(), trace["letter_id"]):
        s = stored.loc[lid]
        assert row[num_col] == f"{s['number'] if isinstance(s['number'], str) else ''}/{s['symbol']}"
        if kind != "di":
            assert row["Tác giả"] == s["issuer"]
    dated = df["Ngày tháng văn bản" if kind == "di" else "Ngày tháng"]
    # A day-precision date is a real date cell; a month-only one stays text, never a made-up day.
    assert any(isinstance(v, (dt.datetime, pd.Timestamp)) for v in dated)
    assert "05/2023" in set(dated.astype(str))


def test_csv_register_has_the_same_rows(store: Path, tmp_path: Path) -> None:
    xlsx, csv_path = tmp_path / "den.xlsx", tmp_path / "den.csv"
    _run("export", "register", "den", "--db", str(store), "-o", str(xlsx))
    _run("export", "register", "den", str(store), "-o", str(csv_path))
    raw = csv_path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    df = registers.read_xlsx(xlsx)
    assert list(rows[0].keys()) == list(registers.REGISTERS["den"][1])
    assert [r["Số, ký hiệu"] for r in rows] == list(df["Số, ký hiệu"])
    assert [int(r["Số đến"]) for r in rows] == list(df["Số đến"])
    # `Số đến` restarts each year, in issue-date order within the year.
    years = [r["Ngày tháng"][-4:] for r in rows]
    for year in set(years):
        assert [int(r["Số đến"]) for r, y in zip(rows, years) if y == year] == list(range(1, years.count(year) + 1))


def test_filters_by_date_and_issuer(store: Path, tmp_path: Path) -> None:
    path = tmp_path / "di.csv"
    _run("export", "register", "di", "--db", str(store), "-o", str(path), "--issuer", "Bộ Công Thương")
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    assert [r["Số, ký hiệu văn bản"] for r in rows] == ["2536/BCT-VP"]
    assert rows[0]["Người ký"].startswith("Nguyễn Hồng Diên")
    assert rows[0]["Đơn vị, người nhận bản lưu"].startswith("VT, VP")   # from `Lưu: VT, VP ...`
    _run("export", "register", "den", "--db", str(store), "-o", str(path), "--since", "2023-05-01", "--until", "2023-12-31")
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    assert [r["Số, ký hiệu"] for r in rows] == ["/SCT-VP"]
    assert "thiếu: số" in rows[0]["Ghi chú"]        # the blank number is pointed out to the clerk


def test_follow_up_register_names_answers_and_deadlines() -> None:
    letters = [congvan.parse(f) for f in FILES]
    answer = next(l for l in letters if any(r.relation == "responds_to" for r in l.references))
    ref = next(r for r in answer.references if r.relation == "responds_to")
    # The answered letter as the office would have it registered: same number, symbol and year.
    asked = letters[0].model_copy(update={
        "id": "asked", "number": letters[0].number.model_copy(update={"number": ref.number, "symbol": ref.symbol}),
        "issued": ref.date, "action_items": ()})
    reg = registers.build_register("theo-doi", [asked, *letters], as_of=dt.date(2030, 1, 1))
    row = dict(zip(reg.columns, reg.rows[0]))
    assert row["Số, ký hiệu văn bản trả lời"] == registers.number_symbol(answer)
    assert row["Tiến độ giải quyết"] == "Đã trả lời"
    dated = next(l for l in letters if any(i.deadline and i.deadline.date for i in l.action_items))
    drow = dict(zip(reg.columns, reg.rows[1 + letters.index(dated)]))
    assert drow["Thời hạn giải quyết"] is not None
    assert "quá hạn" in drow["Tiến độ giải quyết"]
    done = {i.id: None for i in dated.action_items}
    reg2 = registers.build_register("theo-doi", [dated], done=done, as_of=dt.date(2030, 1, 1))
    assert reg2.rows[0][reg2.columns.index("Tiến độ giải quyết")].startswith("Hoàn thành")


def test_bad_register_requests_are_one_line(store: Path, tmp_path: Path) -> None:
    out = CliRunner().invoke(app, ["export", "register", "den", str(store), "--db", str(store), "-o", str(tmp_path / "x.csv")])
    assert out.exit_code == 2 and "give the source once" in out.output
    out = CliRunner().invoke(app, ["export", "register", "den", "--db", str(store), "-o", str(tmp_path / "x.pdf")])
    assert out.exit_code != 0 and ".xlsx" in out.output
    out = CliRunner().invoke(app, ["export", "register", "vao", "--db", str(store), "-o", str(tmp_path / "x.csv")])
    assert out.exit_code == 2 and "unknown register" in out.output


def test_a_document_in_two_files_is_one_row_the_most_complete(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    text = SEED_001.read_text(encoding="utf-8")
    (folder / "full.txt").write_text(text, encoding="utf-8")
    # The same document again, its distribution list and signature lost (a partial scan, a draft).
    (folder / "partial.txt").write_text(text.split("Nơi nhận")[0], encoding="utf-8")
    db = tmp_path / "s.duckdb"
    ingest([folder], db, workers=1, log=lambda s: None)
    dup = congvan.load_store(str(db))["duplicates"]
    assert set(dup["kind"]) == {"same_document"} and len(dup) == 2
    out = CliRunner().invoke(app, ["export", "register", "di", str(db), "-o", str(tmp_path / "di.csv")])
    assert out.exit_code == 0, out.output
    assert "2 files hold one document; kept full.txt" in out.output
    rows = list(csv.DictReader(io.StringIO((tmp_path / "di.csv").read_text(encoding="utf-8-sig"))))
    assert [r["Số, ký hiệu văn bản"] for r in rows] == ["2536/BCT-VP"]
    assert rows[0]["Người ký"].startswith("Nguyễn Hồng Diên") and rows[0]["Đơn vị, người nhận bản lưu"]
