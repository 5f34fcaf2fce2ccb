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
