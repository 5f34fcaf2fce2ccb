"""The layout engine both page readers share (parsers/readers/layout.py), on
rows built from real corpus words: pdfplumber's words of 044 (a born-digital
Lào Cai letter over two pages) and 050 through the PDF reader's profile."""
from __future__ import annotations

from pathlib import Path

import pdfplumber
import pytest
from conftest import corpus_file

from congvan.parsers.readers import layout
from congvan.parsers.readers.pdf import PROFILE, _extract_words, _rows_from_words


def _page(prefix: str, number: int) -> tuple[list[layout.Row], float, float]:
    path: Path = corpus_file(prefix, ".pdf")
    with pdfplumber.open(path) as pdf:
        page = pdf.pages[number - 1]
        return _rows_from_words(_extract_words(page), number), float(page.width), float(page.height)


@pytest.fixture(scope="module")
def first_page():
    return _page("044", 1)


@pytest.fixture(scope="module")
def last_page():
    return _page("044", 2)


def _laid(rows: list[layout.Row], width: float, height: float) -> list[layout.Block]:
    zones = layout.find_zones(rows, width, height, PROFILE)
    body = layout.body_rows(rows, zones)
    paras = layout.Paragraphs(PROFILE)
    paras.page(rows, zones, layout.margins(body, width, layout.median_size(body), PROFILE, 3))
    return paras.out


def test_rows_hold_both_header_columns_and_keep_coordinates(first_page):
    rows, _, _ = first_page
    top = rows[0]
    assert top.text.startswith("ỦY BAN NHÂN DÂN") and "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in top.text
    assert all(top.x0 <= w["x0"] < w["x1"] <= top.x1 for w in top.words)
    assert [r.top for r in rows] == sorted(r.top for r in rows)


def test_header_zone_split_at_the_gutter(first_page):
    rows, width, height = first_page
    zones = layout.find_zones(rows, width, height, PROFILE)
    header = zones[0]
    assert header.start == 0 and not header.footer
    left, right = layout.sides(rows[0], header.gutter)
    assert layout.words_text(left) == "ỦY BAN NHÂN DÂN"
    assert layout.words_text(right).startswith("CỘNG HÒA")
    # The body opens at `Kính gửi`: no header column runs into it.
    assert not any(rows[k].text.startswith("Kính gửi") for k in range(header.start, header.end + 1))


def test_left_column_whole_before_right_and_subject_one_block(first_page):
    texts = [b.text for b in _laid(*first_page)]
    assert texts.index("TỈNH LÀO CAI") < texts.index("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    subject = next(t for t in texts if t.startswith("V/v"))
    assert "1074/QĐ-BXD" in subject  # wrapped subject lines joined in its column


def test_margins_from_body_rows_not_header(first_page):
    rows, width, height = first_page
    zones = layout.find_zones(rows, width, height, PROFILE)
    body = layout.body_rows(rows, zones)
    m = layout.margins(body, width, layout.median_size(body), PROFILE, 3)
    assert m is not None
    assert m.left == pytest.approx(85.1, abs=0.5)  # the body's margin, not the header's 58.5 subject edge
    assert m.right == pytest.approx(539.5, abs=1.0)


def test_paragraphs_joined_and_items_break(first_page):
    blocks = _laid(*first_page)
    para = next(b for b in blocks if b.text.startswith("Ngày 29/6/2026"))
    assert para.rows > 3
    assert para.box[0] == pytest.approx(85.1, abs=0.5) and para.box[3] - para.box[1] > 100
    item = next(b for b in blocks if b.text.startswith("1. Công an tỉnh"))
    assert item is not para and "Ngày 29/6/2026" not in item.text
    # `Kính gửi` dash entries stay one block each.
    assert [b.text for b in blocks if b.text.startswith("- ")][:2] == ["- Các Sở, ban, ngành thuộc tỉnh;", "- Công an tỉnh;"]


def test_footer_zone_lists_noi_nhan_before_signature(last_page):
    rows, width, height = last_page
    zones = layout.find_zones(rows, width, height, PROFILE)
    assert any(z.footer for z in zones)
    texts = [b.text for b in _laid(rows, width, height)]
    assert texts.index("Nơi nhận:") < texts.index("- Như trên;") < texts.index("KT. CHỦ TỊCH") < texts.index("Phan Trung Bá")


def test_page_number_at_edge_dropped():
    rows, width, height = _page("050", 2)
    # 050 page 2 carries its number `2` at the top edge.
    numbers = [r for r in rows if layout.is_page_number(r, height, 2, PROFILE.edge_band)]
    assert [r.text for r in numbers] == ["2"]
    kept = layout.drop_page_numbers(rows, height, 2, PROFILE.edge_band)
    assert len(kept) == len(rows) - 1
    # The same number on page 1's top edge may be a form's code and stays.
    assert not layout.is_page_number(numbers[0], height, 1, PROFILE.edge_band)


def test_item_patterns_one_place():
    for text in ("1. Về", "2.3) Nội dung", "a) Sở", "đ) Xã", "II. NHIỆM VỤ", "- Như trên;", "Điều 3. Hiệu lực", "Nơi nhận:"):
        assert layout.ITEM_START.match(text), text
    # A text layer's line may start with a list of article numbers; only OCR
    # reads `1, Về` as a misread `1. Về`.
    assert not layout.ITEM_START.match("14, Điều 15 của Luật")
    assert layout.OCR_ITEM_START.match("1, Về việc")
    assert layout.NOI_NHAN.match("Noi nhân:") and layout.BODY_START.match("Kinh gửi: Sở")


def test_join_closes_hyphenated_word_up():
    assert layout.join_text("kinh tế-", "xã hội") == "kinh tế-xã hội"
    assert layout.join_text("kinh tế", "xã hội") == "kinh tế xã hội"
