"""Legacy 8-bit Vietnamese (TCVN3/ABC, VNI) in Word and RTF runs -> Unicode.

Flow: the DOCX, DOC and RTF readers hand each run of text here together with
the name of the font it is set in. The font decides first: `.VnTime`-style
fonts hold TCVN3 bytes, `VNI-Times`-style fonts hold VNI; the TCVN3 fonts whose
name ends in `H` (`.VnTimeH`, `.VnArialH`) draw the lowercase codes as
capitals, so their runs are upper-cased after conversion (TCVN3 has no codes
of its own for accented capitals). Content decides second, for files whose
fonts say nothing (`decode_by_content`). The conversion tables are viparse's.
"""
from __future__ import annotations

import unicodedata

import regex
import viparse
from viparse.normalize.encodings import CHARMAPS
from viparse.normalize.tables import convert

from congvan.parsers.syllables import syllable_share

__all__ = ["font_encoding", "is_caps_font", "decode_run", "decode_by_content", "LEGACY_FONT_HINTS"]

# `.VnTime`, `.VnTimeH`, `.VnArial NarrowH`, and the dotless `VNTime`,
# `vnTimesRoman` of some ABC font packs; `VNI-Times`, `VNI-Helve`.
_TCVN3_FONT = regex.compile(r"^\s*(?:[A-Z]{6}\+)?\.?vn(?!i[- ])", regex.I)
# Word's per-script font aliases: `.VnTimeH Tur`, `.VnLincolnH CE`.
_SCRIPT_SUFFIX = regex.compile(r"\s+(?:CE|Cyr|Greek|Tur|Baltic)$")
_VNI_FONT = regex.compile(r"^\s*(?:[A-Z]{6}\+)?vni[- ]", regex.I)
# A run that already holds Vietnamese letters outside Latin-1 is Unicode: Word
# substitutes a Unicode font for characters a legacy font lacks, and
# converting such a run again would destroy it.
_UNICODE_VIETNAMESE = regex.compile(r"[\u0102\u0103\u0110\u0111\u0128\u0129\u0168\u0169\u01a0\u01a1\u01af\u01b0\u1ea0-\u1ef9]")

# Byte patterns of legacy font names as a Word 97 font table stores them
# (UTF-16LE), to route a .doc before converting it.
LEGACY_FONT_HINTS = tuple(s.encode("utf-16-le") for s in (".Vn", ".VN", ".vn", "VNI-", "VNI ", "Vni-", "vni-"))


def font_encoding(font: str | None) -> str | None:
    """The legacy encoding a font name implies: "tcvn3", "vni" or None."""
    if not font:
        return None
    if _TCVN3_FONT.match(font):
        return "tcvn3"
    if _VNI_FONT.match(font):
        return "vni"
    return None


def is_caps_font(font: str | None) -> bool:
    """A TCVN3 capitals font (`.VnTimeH`, `.VnArialH`): every code draws upper case."""
    if not font or font_encoding(font) != "tcvn3":
        return False
    return _SCRIPT_SUFFIX.sub("", font.rstrip()).endswith("H")


def decode_run(text: str, encoding: str, caps: bool = False) -> str:
    """Convert one run's text from a legacy encoding to NFC Unicode.

    `caps` upper-cases the result (the run was set in an `H` font). A run that
    already holds Vietnamese Unicode letters is returned as it is.
    """
    if not text or _UNICODE_VIETNAMESE.search(text):
        return text
    out = convert(text, CHARMAPS[encoding])
    if caps:
        out = out.upper()
    return unicodedata.normalize("NFC", out)


def decode_by_content(text: str, min_gain: float = 0.2) -> tuple[str, str] | None:
    """Text whose characters are TCVN3/VNI bytes seen as Latin-1 -> (Unicode, encoding).

    Only when the converted text reads clearly better as Vietnamese than the
    input (a gain of `min_gain` in syllable share): a wrong conversion of good
    text is worse than none.
    """
    name = viparse.detect_text_encoding(text)
    if name not in ("tcvn3", "vni"):
        return None
    converted = decode_run(text, name)
    if syllable_share(converted[:20000]) - syllable_share(text[:20000]) < min_gain:
        return None
    return converted, name
