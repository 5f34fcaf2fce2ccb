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

Speed: a letter is a few passes of C-speed regex and string work (no loop
over characters in Python); each pass that changes the text's length keeps
only the list of its edits, and the way back to the reader's offsets is
computed from them when a span is located (`NormText.original`).
"""
from __future__ import annotations

import bisect
import unicodedata
from dataclasses import dataclass
from functools import cached_property
from typing import Any

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

# Old tone placement on an open syllable -> new placement (oà -> òa, uỷ -> ủy):
# the one table of the tone-placement rule (units' name keys fold by it too).
OLD_TONE_PAIRS = {
    "oà": "òa", "oá": "óa", "oả": "ỏa", "oã": "õa", "oạ": "ọa",
    "oè": "òe", "oé": "óe", "oẻ": "ỏe", "oẽ": "õe", "oẹ": "ọe",
    "uỳ": "ùy", "uý": "úy", "uỷ": "ủy", "uỹ": "ũy", "uỵ": "ụy",
}

_ONE_FOR_ONE = {k: v for k, v in _CHAR_MAP.items() if len(v) == 1}
# Characters replaced one for one: found by a regex (most letters have none or few).
_MAPPED = regex.compile("[" + "".join(regex.escape(c) for c in sorted(_ONE_FOR_ONE)) + "]")
# Characters whose replacement changes the text's length (drops, `…`): their places are recorded.
_RESIZE = regex.compile("[" + "".join(regex.escape(c) for c in sorted(_DROP | {k for k, v in _CHAR_MAP.items()
                                                                               if len(v) != 1})) + "]+")
# A base character with its combining marks: the unit NFC composes.
_COMPOSE = regex.compile(r".\p{M}+", regex.DOTALL)
# The vowel pair of an old tone placement at a word's end (`hoà`, `uỷ`); its onset is checked apart.
_OLD_TONE = regex.compile("(?:" + "|".join(sorted({p for k in OLD_TONE_PAIRS for p in (k, k.upper(), k.capitalize())}))
                          + r")(?![\p{L}\p{M}])")
_ONSET = frozenset("bcdđghklmnpqrstvxBCDĐGHKLMNPQRSTVX")
# Spaces around a line break (dropped), runs of spaces (one kept), spaces opening the text.
_SPACES = regex.compile(r"(?P<nl> +\n *|\n +)| {2,}|^ +")

# One pass's edits: (start, end) in its input, (start, end) in its output, for each
# place where the length changed; elsewhere the two texts are offset by a constant.
Edits = list[tuple[int, int, int, int]]


def _sub(pattern: regex.Pattern, repl: Any, text: str) -> tuple[str, Edits]:
    """`pattern.sub` that also records where the text grew or shrank."""
    edits: Edits = []
    out: list[str] = []
    pos = shift = 0
    for m in pattern.finditer(text):
        new = repl(m)
        out.append(text[pos:m.start()])
        out.append(new)
        if len(new) != m.end() - m.start():
            edits.append((m.start(), m.end(), m.start() + shift, m.start() + shift + len(new)))
            shift += len(new) - (m.end() - m.start())
        pos = m.end()
    if not out:
        return text, edits
    out.append(text[pos:])
    return "".join(out), edits


def _back(pos: int, edits: Edits) -> int:
    """An output position of one pass, mapped to its input position."""
    i = bisect.bisect_right(edits, pos, key=lambda e: e[2]) - 1
    if i < 0:
        return pos
    a, b, c, d = edits[i]
    if pos < d:   # inside a replacement: spread over what it replaced
        return a + min((pos - c) * (b - a) // max(d - c, 1), max(b - a - 1, 0))
    return b + (pos - d)


@dataclass(frozen=True)
class NormText:
    """Normalised text, and the way back from each of its characters to the reader
    text (`original`; `offsets` lists it for every character, built on first use)."""

    text: str
    raw_length: int
    passes: tuple[Edits, ...] = ()

    def original(self, pos: int) -> int:
        """The reader-text offset of position `pos` (0 <= pos <= len(text))."""
        if pos >= len(self.text):
            return self.raw_length
        for edits in reversed(self.passes):
            if edits:
                pos = _back(pos, edits)
        return pos

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        return self.original(start), self.original(end)

    def edited(self, text: str, edits: Edits) -> NormText:
        """This text after one more pass (a later stage's corrections) that made `edits`."""
        return NormText(text, self.raw_length, (*self.passes, edits) if edits else self.passes)

    @cached_property
    def offsets(self) -> tuple[int, ...]:
        return tuple(self.original(i) for i in range(len(self.text) + 1))


def _tone(m: regex.Match[str]) -> str:
    """`oà` -> `òa` when all before it in the word is an onset (`hoà`; not `hoàn`, which
    the lookahead already excludes, nor `quý`, whose u belongs to the onset)."""
    text, pair = m.string, m.group()
    i = m.start()
    while i > 0 and text[i - 1] in _ONSET:
        i -= 1
    if i > 0 and (text[i - 1].isalpha() or unicodedata.category(text[i - 1]).startswith("M")):
        return pair
    if pair[0] in "uU" and text[i:m.start()][-1:] in ("q", "Q"):
        return pair
    new = OLD_TONE_PAIRS[pair.lower()]
    return "".join(n.upper() if o.isupper() else n for o, n in zip(pair, new))


def _spaces(m: regex.Match[str]) -> str:
    if m["nl"]:
        return "\n"
    return "" if m.start() == 0 else " "


def _one_for_one(m: regex.Match[str]) -> str:
    return _ONE_FOR_ONE[m.group()]


def normalize(raw: str) -> NormText:
    """Normalise reader text; see the module docstring for each step. A few passes of
    C-speed string work; the offsets back to `raw` are kept as each pass's edits."""
    passes: list[Edits] = []
    text, edits = _sub(_RESIZE, lambda m: "".join(_CHAR_MAP.get(c, "") for c in m.group()), raw)
    passes.append(edits)
    text = _MAPPED.sub(_one_for_one, text)
    if not unicodedata.is_normalized("NFC", text):
        text, edits = _sub(_COMPOSE, lambda m: unicodedata.normalize("NFC", m.group()), text)
        passes.append(edits)
        # What composing leaves (singletons such as the Ohm sign) keeps its length.
        nfc = unicodedata.normalize("NFC", text)
        if len(nfc) == len(text):
            text = nfc
        text = _MAPPED.sub(_one_for_one, text)   # a letter only composed now may map too (`Ð`)
    text = _OLD_TONE.sub(_tone, text)
    text, edits = _sub(_SPACES, _spaces, text)
    passes.append(edits)
    return NormText(text, len(raw), tuple(p for p in passes if p))
