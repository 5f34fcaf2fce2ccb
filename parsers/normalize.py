"""One normalisation step every text passes through before the field parsers.

Reader output (any format) -> `normalize()` -> `NormText` (clean text plus a
map from each character back to its offset in the reader's text), so a span
found in the clean text can always be traced to the page it came from.

What it does, and why:
- NFC: decomposed input (NFD, common from macOS and some PDF layers) would
  defeat every pattern written with composed letters.
- `Ð` (U+00D0, Icelandic eth) and the Cyrillic/Latin homoglyphs OCR and
  broken PDF layers leave behind -> the Vietnamese letters they stand for.
- every dash variant -> `-`, NBSP and odd spaces -> ` `, zero-width marks
  and soft hyphens removed, runs of spaces collapsed (newlines are layout
  and stay).
- tone marks in the new placement (`Hoà` -> `Hòa`, `Uỷ` -> `Ủy`), but only
  on open syllables: `hoàn`, `quý`, `thuở` are already right.
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import regex

# Homoglyphs seen in OCR layers and broken PDF glyph maps. Only characters
# that have no business in a Vietnamese letter are mapped.
_CHAR_MAP = {
    "\u00d0": "Đ", "\u0189": "Đ", "\u00f0": "đ",
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-",
    "\u2015": "-", "\u2212": "-", "\ufe58": "-", "\ufe63": "-", "\uff0d": "-",
    "\u00a0": " ", "\u2002": " ", "\u2003": " ", "\u2007": " ", "\u2009": " ",
    "\u202f": " ", "\u3000": " ", "\t": " ", "\u000b": "\n", "\u000c": "\n",
    "\u2028": "\n", "\u2029": "\n", "\r": "\n",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2018": "'", "\u2019": "'",
    "\u2026": "...",
    # Cyrillic homoglyphs (an OCR layer made with a Russian model).
    "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P",
    "С": "C", "Т": "T", "Х": "X", "а": "a", "е": "e", "о": "o", "р": "p", "с": "c",
    "у": "y", "х": "x", "і": "i", "І": "I",
    # Broken ToUnicode maps that render Ư/ư with the Ƣ/ƣ (oi) glyphs.
    "\u01a2": "Ư", "\u01a3": "ư",
}
_DROP = {"\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\ufffe"}

# Old tone placement on an open syllable -> new placement (oà -> òa, uỷ -> ủy).
_OLD_PAIRS = {
    "oà": "òa", "oá": "óa", "oả": "ỏa", "oã": "õa", "oạ": "ọa",
    "oè": "òe", "oé": "óe", "oẻ": "ỏe", "oẽ": "õe", "oẹ": "ọe",
    "uỳ": "ùy", "uý": "úy", "uỷ": "ủy", "uỹ": "ũy", "uỵ": "ụy",
}
_ONSET = frozenset("bcdđghklmnpqrstvx")

@dataclass(frozen=True)
class NormText:
    """Normalised text and, for each of its characters, the offset of the
    reader-text character it came from (len(offsets) == len(text) + 1)."""

    text: str
    offsets: tuple[int, ...]

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        return self.offsets[start], self.offsets[end]


def _fix_tone(word: str) -> str:
    """Move a tone from the second to the first vowel of an open oa/oe/uy
    syllable (`Hoà` -> `Hòa`); `hoàn` (closed) and `quý` (qu onset) stay."""
    low = word.lower()
    new = _OLD_PAIRS.get(low[-2:])
    if new is None or not all(c in _ONSET for c in low[:-2]):
        return word
    if low[-2] == "u" and low[:-2].endswith("q"):
        return word
    head = word[:-2]
    pair = "".join(n.upper() if o.isupper() else n for o, n in zip(word[-2:], new))
    return head + pair


def normalize(raw: str) -> NormText:
    """Normalise reader text; see the module docstring for each step."""
    out: list[str] = []
    offs: list[int] = []
    # Pass 1: character map, drops, NFC per grapheme cluster, tone placement per word.
    for m in regex.finditer(r"\p{L}[\p{L}\p{M}]*|\X", raw):
        chunk = m.group()
        start = m.start()
        if len(chunk) == 1 and chunk in _DROP:
            continue
        if len(chunk) == 1 and chunk in _CHAR_MAP:
            rep = _CHAR_MAP[chunk]
            for ch in rep:
                out.append(ch)
                offs.append(start)
            continue
        if chunk[0].isalpha():
            mapped = "".join(_CHAR_MAP.get(c, c) for c in chunk if c not in _DROP)
            fixed = _fix_tone(unicodedata.normalize("NFC", mapped))
            # Spread the original offsets over the word; lengths may differ.
            span = m.end() - start
            for k, ch in enumerate(fixed):
                out.append(ch)
                offs.append(start + min(k * span // max(len(fixed), 1), span - 1))
            continue
        nfc = unicodedata.normalize("NFC", chunk)
        for ch in nfc:
            out.append(_CHAR_MAP.get(ch, ch))
            offs.append(start)
    # Pass 2: collapse runs of spaces, strip spaces at line ends.
    text2: list[str] = []
    offs2: list[int] = []
    for ch, off in zip(out, offs):
        if ch == " ":
            if not text2 or text2[-1] in " \n":
                continue
        elif ch == "\n" and text2 and text2[-1] == " ":
            text2.pop()
            offs2.pop()
        text2.append(ch)
        offs2.append(off)
    offs2.append(len(raw))
    return NormText("".join(text2), tuple(offs2))
