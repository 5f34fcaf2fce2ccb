"""OCR's digits corrected from a partly broken text layer
(parsers/readers/layer_digits.py): words and lines written for the test in
the shape pdfplumber and the OCR reader give them."""
from __future__ import annotations

from congvan.parsers.readers.base import Line
from congvan.parsers.readers.layer_digits import mend_digits


def _w(text: str, x0: float, x1: float, top: float = 105.0, bottom: float = 119.0) -> dict:
    return {"text": text, "x0": x0, "x1": x1, "top": top, "bottom": bottom}


# `Hải Phòng, ngày 17 tháng 3 năm 2026` with the letters' glyphs lost and the
# stamped day drawn digit by digit, one a point higher than the rest.
DATE_WORDS = [
    _w("(cid:43)(cid:1192)(cid:44)", 300, 318), _w("(cid:51)(cid:75)(cid:1244)(cid:81)(cid:74),", 321, 360),
    _w("ngày", 363, 390), _w("1", 396, 403, 103.9, 117.9), _w("7", 402, 409, 103.9, 117.9),
    _w("tháng", 413, 445), _w("3", 449, 455), _w("(cid:81)(cid:259)(cid:80)", 459, 482), _w("2026", 486, 512),
]
DATE_BOX = (299.0, 104.0, 513.0, 119.5)


def test_the_layers_digits_replace_ocrs_when_they_match_run_for_run():
    lines, notes = mend_digits([Line("Hải Phòng, ngày 11 tháng 3 năm 2026", 1, DATE_BOX)], DATE_WORDS)
    assert lines[0].text == "Hải Phòng, ngày 17 tháng 3 năm 2026"
    assert notes and "'11' -> '17'" in notes[0]


def test_a_blanked_handwritten_slot_is_filled_from_the_layer():
    lines, _ = mend_digits([Line("Hải Phòng, ngày ? tháng 3 năm 2026", 1, DATE_BOX, "ocr_unsure_digits")], DATE_WORDS)
    assert lines[0].text == "Hải Phòng, ngày 17 tháng 3 năm 2026"


def test_a_run_ocr_lost_or_of_another_length_leaves_the_line_alone():
    for text in ("Hải Phòng, ngày tháng 3 năm 2026", "Hải Phòng, ngày 117 tháng 3 năm 2026"):
        lines, notes = mend_digits([Line(text, 1, DATE_BOX)], DATE_WORDS)
        assert lines[0].text == text and not notes


def test_glyph_ids_are_not_digits_and_other_lines_are_not_touched():
    # Only `(cid:..)` words under this line: no number in the layer, nothing to change.
    lines, notes = mend_digits([Line("Cộng hòa 12", 1, (299.0, 130.0, 513.0, 142.0))],
                               [_w("(cid:38)(cid:1244)(cid:49)(cid:42)", 300, 330, 130, 142)])
    assert lines[0].text == "Cộng hòa 12" and not notes
