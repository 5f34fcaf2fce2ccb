"""Repairs for broken PDF text layers, used by the PDF reader before it falls
back to OCR.

Flow: file -> PDF reader (`pdf.py`) -> **these repairs** on a page's words ->
text with layout -> field parsers.

Each repair is certain or it declines (returns None); the reader keeps the
repair whose output reads best as Vietnamese and clears its quality bar.

- TCVN3 (ABC) text in the layer: `.VnTime`-style fonts whose codes were
  written out as Latin-1/WinAnsi (`C«ng v¨n`), with PDF-specific stand-ins
  (U+2212 for `ư`, U+2219 for `ã`) that viparse maps. Only words set in a
  `.Vn*` font are converted, so ASCII fonts on the same page stay as they are;
  words in the `...H` capital fonts (`.VnTimeH`) are upper-cased, because
  those fonts draw capitals at the lowercase codes.
- Broken glyph maps: an embedded TrueType subset with Identity encoding and no
  ToUnicode map, so the layer holds glyph ids (`(cid:55)`). Glyph ids below
  258 follow the standard Macintosh glyph order in TrueType fonts built that
  way (`T` is glyph 55: "letters shifted by 29"). The Vietnamese glyphs above
  258 have no standard order: `GlyphMap` learns them per font by aligning the
  layer's words against an OCR of the same page, and only uses a glyph once
  two readings agree.
"""
from __future__ import annotations

import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

import regex
import viparse

_CID = regex.compile(r"\(cid:(\d+)\)")
_VN_FONT = regex.compile(r"^vn", regex.IGNORECASE)
_VN_CAPS_FONT = regex.compile(r"^vn\w*?h(?:bold|italic|bolditalic)?$", regex.IGNORECASE)
# PDF producers replaced two TCVN3 codes that are control-like in WinAnsi:
# 0xAD (soft hyphen, TCVN3 `ư`) became a minus sign, 0xB7 (middle dot,
# TCVN3 `ã`) a bullet operator. Back to the codes before decoding.
_PDF_TCVN3 = str.maketrans({"\u2212": "\xad", "\u2219": "\xb7"})

# Minimum agreeing OCR readings before a learned glyph is trusted.
MIN_VOTES = 2
MIN_AGREEMENT = 0.75


def base_font(fontname: str) -> str:
    """`ABCDEF+.VnTimeH,Bold` -> `VnTimeH` (subset tag, dot and style removed)."""
    name = fontname.split("+", 1)[-1].lstrip(".")
    return name.split(",", 1)[0]


# --------------------------------------------------------------------------- TCVN3


def tcvn3(text: str, capitals: bool = False) -> str | None:
    """TCVN3 text read as WinAnsi -> Unicode; None when it holds no TCVN3 code.

    Only call it on text set in a `.Vn*` font: the font says the encoding, so
    the conversion is certain; plain ASCII needs none (None)."""
    if all(ord(c) < 0x80 for c in text):
        return None
    fixed = viparse.fix(text.translate(_PDF_TCVN3), encoding="tcvn3")
    fixed = unicodedata.normalize("NFC", fixed)
    return fixed.upper() if capitals else fixed


def _fonts(word: dict[str, Any]) -> list[str]:
    chars = word.get("chars")
    if chars:
        return [base_font(c.get("fontname", "")) for c in chars]
    return [base_font(word.get("fontname", ""))]


def _tcvn3_words(words: list[dict[str, Any]]) -> list[dict[str, Any]] | None:
    out = []
    changed = False
    for w in words:
        fonts = _fonts(w)
        vn = [f for f in fonts if _VN_FONT.match(f)]
        # A word set mostly in `.Vn*` fonts is TCVN3 (a PDF producer may put
        # a word's letters in two subsets of one font).
        if len(vn) * 2 > len(fonts):
            caps = any(_VN_CAPS_FONT.match(f) for f in vn)
            fixed = tcvn3(w["text"], capitals=caps)
            if fixed is None and caps and w["text"].upper() != w["text"]:
                fixed = w["text"].upper()
            if fixed is not None and fixed != w["text"]:
                w = {**w, "text": fixed}
                changed = True
        out.append(w)
    return out if changed else None


# --------------------------------------------------------------------------- glyph ids


@lru_cache(maxsize=1)
def _standard_order() -> tuple[str | None, ...]:
    """Unicode text of each glyph id in the standard Macintosh order (0..257)."""
    from fontTools.agl import toUnicode
    from fontTools.ttLib.standardGlyphOrder import standardGlyphOrder

    out: list[str | None] = []
    for name in standardGlyphOrder:
        ch = toUnicode(name)
        out.append(ch if ch and name not in (".notdef", ".null", "nonmarkingreturn") else None)
    return tuple(out)


def standard_glyph(gid: int) -> str | None:
    """The character of glyph `gid` in a TrueType font in standard Mac order;
    None for ids past the standard set (font-specific, e.g. Vietnamese)."""
    order = _standard_order()
    if 0 <= gid < len(order):
        return order[gid]
    return None


class GlyphMap:
    """Glyph id -> character, per base font, for layers without ToUnicode.

    Starts from the standard Mac order and learns the rest from OCR of pages
    of the same document (the same embedded font keeps its glyph ids across
    subsets)."""

    def __init__(self) -> None:
        self.votes: dict[tuple[str, int], Counter[str]] = defaultdict(Counter)

    def char(self, font: str, gid: int) -> str | None:
        c = self.votes.get((font, gid))
        if c:
            (best, n), total = c.most_common(1)[0], sum(c.values())
            if n >= MIN_VOTES and n / total >= MIN_AGREEMENT:
                return best
            # A learned reading that disagrees with the standard order means
            # the font does not follow it: trust nothing for this glyph.
            return None
        return standard_glyph(gid)

    def decode(self, text: str, font: str) -> str | None:
        """Replace every `(cid:N)` of a word; None when any glyph is unknown."""
        missing = False

        def sub(m: regex.Match[str]) -> str:
            nonlocal missing
            ch = self.char(font, int(m.group(1)))
            if ch is None:
                missing = True
                return "\ufffd"
            return ch

        out = _CID.sub(sub, text)
        return None if missing else out

    def _word(self, w: dict[str, Any]) -> str | None:
        chars = w.get("chars")
        if not chars:
            return self.decode(w["text"], base_font(w.get("fontname", "")))
        parts = []
        for c in chars:
            if "(cid:" in c["text"]:
                ch = self.decode(c["text"], base_font(c.get("fontname", "")))
                if ch is None:
                    return None
                parts.append(ch)
            else:
                parts.append(c["text"])
        return "".join(parts)

    def repair(self, words: list[dict[str, Any]]) -> list[dict[str, Any]] | None:
        """The page's words with glyph ids decoded; None unless every one is known."""
        if not any("(cid:" in w["text"] for w in words):
            return None
        out = []
        for w in words:
            if "(cid:" in w["text"]:
                fixed = self._word(w)
                if fixed is None:
                    return None
                w = {**w, "text": unicodedata.normalize("NFC", fixed)}
            out.append(w)
        return out

    def learn(self, words: list[dict[str, Any]], ocr_lines: Iterable[Any]) -> int:
        """Vote for unknown glyphs by matching each garbled word, with its
        unknown glyphs as one-letter wildcards, in the OCR line at the same
        place on the page. Passes repeat while new glyphs become trusted (a
        word with two unknowns can vote once one of them is known); each word
        votes once. Returns the number of votes cast."""
        lines = [(ln.bbox, unicodedata.normalize("NFC", ln.text)) for ln in ocr_lines if getattr(ln, "bbox", None)]
        voted: set[int] = set()
        cast = 0
        while True:
            known = {k for k in self.votes if self.char(*k) is not None}
            new = 0
            for i, w in enumerate(words):
                if i in voted or "(cid:" not in w["text"]:
                    continue
                got = self._reading(w, lines)
                if got is None:
                    continue
                voted.add(i)
                for key, ch in got:
                    self.votes[key][ch] += 1
                    new += 1
            cast += new
            if not new or {k for k in self.votes if self.char(*k) is not None} == known:
                return cast

    def _reading(self, w: dict[str, Any], lines: list[tuple[Any, str]]) -> list[tuple[tuple[str, int], str]] | None:
        parts: list[str] = []
        unknown: list[tuple[str, int]] = []
        chars = w.get("chars") or [{"text": w["text"], "fontname": w.get("fontname", "")}]
        for c in chars:
            font = base_font(c.get("fontname", ""))
            pos = 0
            for m in _CID.finditer(c["text"]):
                parts.append(regex.escape(c["text"][pos:m.start()]))
                gid = int(m.group(1))
                ch = self.char(font, gid)
                if ch is None:
                    parts.append(r"(\p{L})")
                    unknown.append((font, gid))
                else:
                    parts.append(regex.escape(ch))
                pos = m.end()
            parts.append(regex.escape(c["text"][pos:]))
        if not unknown:
            return None
        pattern = regex.compile(r"(?<![\p{L}\d])" + "".join(parts) + r"(?![\p{L}\d])")
        mid = (w["top"] + w["bottom"]) / 2
        readings: set[tuple[str, ...]] = set()
        for (x0, top, x1, bottom), text in lines:
            if not (top - 2 <= mid <= bottom + 2 and x0 - 5 <= w["x0"] and w["x1"] <= x1 + 5):
                continue
            for m in pattern.finditer(text):
                readings.add(m.groups())
        # Two different words of the line fit: the reading is ambiguous.
        if len(readings) != 1:
            return None
        return list(zip(unknown, next(iter(readings))))


# --------------------------------------------------------------------------- choosing


def candidates(words: list[dict[str, Any]], glyphs: GlyphMap) -> list[tuple[str, list[dict[str, Any]]]]:
    """Each repair that applies to this page's words, by name."""
    out: list[tuple[str, list[dict[str, Any]]]] = []
    fixed = _tcvn3_words(words)
    if fixed is not None:
        out.append(("TCVN3 (.VnTime fonts) converted to Unicode", fixed))
    glyph_fixed = glyphs.repair(words)
    if glyph_fixed is not None:
        out.append(("glyph ids decoded (standard glyph order and glyphs learned from OCR)", glyph_fixed))
    return out


BROKEN_GLYPH_MAP = "broken glyph map"  # how `diagnose` opens for a layer with glyphs without Unicode


def diagnose(words: list[dict[str, Any]], quality: tuple[float, float, int]) -> str:
    """Why a page's layer was not trusted, for the PageInfo note."""
    syl, dia, _ = quality
    text = " ".join(w["text"] for w in words)
    cids = len(_CID.findall(text))
    if cids:
        return f"{BROKEN_GLYPH_MAP}: {cids} glyphs without Unicode, not all decodable with certainty"
    if any(_VN_FONT.match(f) for w in words for f in _fonts(w)):
        return f"TCVN3 fonts but the conversion does not read as Vietnamese (syllable share {syl:.2f})"
    if dia < 0.05:
        return f"text layer without Vietnamese marks (diacritic share {dia:.2f}; OCR made without Vietnamese?)"
    return f"text layer does not read as Vietnamese (syllable share {syl:.2f}, diacritic share {dia:.2f})"
