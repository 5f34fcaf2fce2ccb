"""Is this a Vietnamese syllable? The measure behind every "is this text
right?" decision: choosing a legacy decoding, judging a PDF text layer, or
deciding to OCR a page. Used by readers, never by field parsers.
"""
from __future__ import annotations

import unicodedata
from functools import lru_cache

import regex

_TONE_MARKS = dict.fromkeys(map(ord, "\u0300\u0301\u0303\u0309\u0323"))

# Rhymes after tone removal (vowel nucleus + coda), from the standard
# Vietnamese rhyme inventory. Written out so a syllable either is or is not.
_NUCLEI = (
    "a ă â e ê i o ô ơ u ư y "
    "ai ao au ay âu ây eo êu ia iê iu oa oă oe oi ôi ơi ua uâ uê ui uô uơ uy ưa ưi ươ ưu "
    "iêu oai oay oao oeo uây uôi uya uyê uyu ươi ươu yê yêu"
).split()
_CODAS = ["", "c", "ch", "m", "n", "ng", "nh", "p", "t", "i", "o", "u", "y"]
_ONSETS = (
    "b c ch d đ g gh gi h k kh l m n ng ngh nh p ph q qu r s t th tr v x"
).split()

_RHYME = "|".join(sorted({n + c for n in _NUCLEI for c in _CODAS}, key=len, reverse=True))
_ONSET = "|".join(sorted(_ONSETS, key=len, reverse=True))
_SYLLABLE = regex.compile(rf"(?:{_ONSET})?(?:{_RHYME})")
_TOKEN = regex.compile(r"\p{L}+")


@lru_cache(maxsize=65536)
def is_syllable(word: str) -> bool:
    """True when `word` (any case, any tone) spells a possible Vietnamese syllable."""
    base = unicodedata.normalize("NFD", word.lower()).translate(_TONE_MARKS)
    base = unicodedata.normalize("NFC", base)
    if not base or len(base) > 7:
        return False
    return _SYLLABLE.fullmatch(base) is not None


def syllable_share(text: str) -> float:
    """Share of letter tokens in `text` that are Vietnamese syllables (0..1).

    Clean Vietnamese prose scores above 0.9; mojibake from a legacy encoding
    or a broken PDF glyph map scores far lower.
    """
    tokens = _TOKEN.findall(text)
    if not tokens:
        return 0.0
    return sum(is_syllable(t) for t in tokens) / len(tokens)


def diacritic_share(text: str) -> float:
    """Share of letter tokens that carry a Vietnamese-only letter or a tone mark.

    Vietnamese prose is above 0.4; text OCR'd without the Vietnamese model,
    or English, is near 0.
    """
    tokens = _TOKEN.findall(text)
    if not tokens:
        return 0.0
    marked = sum(1 for t in tokens if any(ord(c) > 0x7F for c in t))
    return marked / len(tokens)
