"""The one normalisation step: NFC, Đ, dashes, spaces, tone placement, and
the offset map back to the reader's text."""
from __future__ import annotations

import unicodedata

import pytest

from congvan.parsers.normalize import normalize


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("UBND TỈNH KHÁNH HOÀ", "UBND TỈNH KHÁNH HÒA"),
        ("Uỷ ban nhân dân", "Ủy ban nhân dân"),
        ("sức khoẻ", "sức khỏe"),
        ("hoàn thành", "hoàn thành"),  # closed syllable: already right
        ("quý IV", "quý IV"),  # qu onset: already right
        ("QĐ-TTg \u00d0ồng", "QĐ-TTg Đồng"),  # Icelandic eth for Đ
        ("Độc lập – Tự do — Hạnh phúc", "Độc lập - Tự do - Hạnh phúc"),
        ("Số:\u00a0\u00a0 25 3 6", "Số: 25 3 6"),
        ("THƢƠNG", "THƯƠNG"),  # broken glyph map, corpus 047
        ("Кính gửi", "Kính gửi"),  # Cyrillic homoglyph, corpus 059
    ],
)
def test_normalize(raw: str, clean: str) -> None:
    assert normalize(raw).text == clean


def test_nfd_input_becomes_nfc_with_offsets_into_the_original() -> None:
    raw = unicodedata.normalize("NFD", "Kính gửi: Sở Công Thương")
    norm = normalize(raw)
    assert norm.text == "Kính gửi: Sở Công Thương"
    start = norm.text.index("Sở")
    a, b = norm.original_span(start, start + 2)
    assert unicodedata.normalize("NFC", raw[a:b + 1]).startswith("Sở")
    assert len(norm.offsets) == len(norm.text) + 1


def test_offsets_survive_collapsed_spaces() -> None:
    raw = "Số:      /SCT-VP\nKhánh Hòa"
    norm = normalize(raw)
    i = norm.text.index("/SCT")
    assert raw[norm.offsets[i]] == "/"


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("HOÀ BÌNH, Thuỷ lợi, khoẻ", "HÒA BÌNH, Thủy lợi, khỏe"),   # upper case and words mid-line
        ("QUÝ I, quỳ, Hoàng", "QUÝ I, quỳ, Hoàng"),                 # qu onset, closed syllable
        ("thoả\u00ad thuận", "thỏa thuận"),                          # soft hyphen dropped
        ("  Kính gửi:   Sở Tài chính  \n  - Như trên;", "Kính gửi: Sở Tài chính\n- Như trên;"),
        ("Đề nghị…", "Đề nghị..."),
    ],
)
def test_normalize_words_and_spaces(raw: str, clean: str) -> None:
    assert normalize(raw).text == clean


def test_offsets_through_every_kind_of_edit() -> None:
    raw = unicodedata.normalize("NFD", "  Số\u00ad: 12…  /UBND-VP\u200b   \nHoà Bình")
    norm = normalize(raw)
    assert norm.text == "Số: 12... /UBND-VP\nHòa Bình"
    for word in ("Số", "12", "/UBND", "Hòa", "Bình"):
        i = norm.text.index(word)
        a, b = norm.original_span(i, i + len(word))
        assert unicodedata.normalize("NFC", raw[a:b]).replace("\u00ad", "").replace("oà", "òa") == word, word
    assert norm.original(len(norm.text)) == len(raw)
    assert norm.offsets == tuple(norm.original(i) for i in range(len(norm.text) + 1))
