"""Dates with their precision and their damage (DOMAIN.md §3, corpus README)."""
from __future__ import annotations

import pytest

from congvan.parsers.fields.dates import read_date


@pytest.mark.parametrize(
    ("text", "iso", "precision"),
    [
        ("Khánh Hòa, ngày tháng 5 năm 2023", "2023-05", "month"),  # seed 000, a draft
        ("Hà Nội, ngày 27 tháng 4 năm 2023", "2023-04-27", "day"),
        ("Lào Cai, ngày 10 tháng 01năm 2026", "2026-01-10", "day"),  # corpus 050, no space
        ("ngày         tháng       năm 2025", "2025", "year"),  # corpus drafts
        ("ngày 04/5/2023", "2023-05-04", "day"),
        ("ngày 04-5-2023", "2023-05-04", "day"),
    ],
)
def test_dates(text: str, iso: str, precision: str) -> None:
    reading = read_date(text)
    assert reading is not None and reading.date is not None
    assert reading.date.iso == iso
    assert reading.date.precision == precision
    assert reading.warning is None


def test_garbled_day_and_month_keep_only_the_year() -> None:
    # corpus 012: "ngày 0? tháng 2# năm 2026"
    reading = read_date("Hà Nội, ngày 0? tháng 2# năm 2026")
    assert reading.date is not None and reading.date.iso == "2026"
    assert reading.confidence < 0.5 and reading.warning


def test_garbled_year_gives_no_date() -> None:
    # corpus 242: "ngày,È2 tháng 9 năm 202}"
    reading = read_date("Hà Nội, ngày,È2 tháng 9 năm 202}")
    assert reading is not None and reading.date is None


def test_impossible_day_is_not_a_date() -> None:
    reading = read_date("ngày 31 tháng 4 năm 2023")
    assert reading.date is not None and reading.date.precision == "month"
    assert reading.warning


def test_legal_basis_with_a_date_is_body_not_the_issue_line() -> None:
    # corpus 194 (TVPL page of NĐ 170/2025, its date line lost): `Căn cứ Luật ... ngày 18
    # tháng 02 năm 2025;` has the shape of a place-and-date line but is no issue date.
    import congvan

    got = congvan.to_json(congvan.parse_text(
        "CHÍNH PHỦ\nSố: 170/2025/NĐ-CP\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nNGHỊ ĐỊNH\n"
        "Quy định về tuyển dụng, sử dụng và quản lý công chức\n"
        "Căn cứ Luật Tổ chức Chính phủ ngày 18 tháng 02 năm 2025;\n"
    ))
    assert got["issued"] is None
    assert got["subject"] == "Quy định về tuyển dụng, sử dụng và quản lý công chức"
    assert got["references"] == [] or all(r["relation"] == "legal_basis" for r in got["references"])
