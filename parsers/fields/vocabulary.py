"""Body heads, local-government levels and offices: the words that name who
issues, receives and signs (and the ordinary case of such a name printed in
capitals), loaded once from `parsers/data/vocabulary.yaml`
and compiled into accent-folded patterns every field parser shares (header,
addressees, footer, signer, ordinary case).
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import cast

import regex
import yaml

from congvan.parsers.fields.lines import fold_accents, is_upper
from congvan.parsers.syllables import is_syllable


@lru_cache(maxsize=1)
def _data() -> dict[str, list[str]]:
    path = Path(__file__).resolve().parent.parent / "data" / "vocabulary.yaml"
    return cast(dict[str, list[str]], yaml.safe_load(path.read_text(encoding="utf-8")))


def _alternation(words: list[str]) -> str:
    folded = sorted({fold_accents(w) for w in words}, key=len, reverse=True)
    return "|".join(regex.escape(w).replace(r"\ ", r"\s*") for w in folded)


BODY_HEADS: tuple[str, ...] = tuple(_data()["body_heads"])
LEVELS: tuple[str, ...] = tuple(_data()["levels"])
OFFICES: tuple[str, ...] = tuple(_data()["offices"])

# Folded text that starts with a body's head word (`so cong thuong`).
BODY_HEAD = regex.compile(rf"^(?:{_alternation(list(BODY_HEADS))})\b")
# ... or with a local-government level (`tinh lao cai`, a wrapped header line).
LEVEL_START = regex.compile(rf"^(?:{_alternation(list(LEVELS))})\.?\s")
# A collective of bodies: `các bộ`, `các Phó Thủ tướng`, `các đơn vị`.
COLLECTIVE = regex.compile(rf"^cac\s+(?:pho\s*)?(?:{_alternation([*BODY_HEADS, *OFFICES, 'đơn vị', 'tỉnh'])})\b")
# An office, folded, at the start of a line (`bo truong bo tai chinh`).
OFFICE_START = regex.compile(rf"^(?:pho\s*)?(?:{_alternation(list(OFFICES))})\b")
# An office printed in capitals closing a line (`... THỨ TRƯỞNG`), unfolded.
OFFICE_CAPS_END = regex.compile(
    "(?:" + "|".join(sorted((regex.escape(o.upper()) for o in OFFICES), key=len, reverse=True)) + ")$"
)
# Canonical spelling of every office and its deputy, by folded form.
KNOWN_OFFICES: dict[str, str] = {fold_accents(o): o for o in OFFICES} | {fold_accents("Phó " + o): "Phó " + o for o in OFFICES}
# Folded heads for `ordinary_case`, longest first.
FOLDED_HEADS: tuple[str, ...] = tuple(sorted({fold_accents(h) for h in (*BODY_HEADS, *OFFICES)}, key=len, reverse=True))
FOLDED_LEVELS: frozenset[str] = frozenset(fold_accents(l) for l in LEVELS)
_NOT_LETTER = regex.compile(r"[^\p{L}]")
_TWO_WORD_LEVEL = regex.compile(r"\b(thành|thị) (Phố|Xã|Trấn)\b")
_HIGHEST_BODIES = regex.compile(r"\b(chính phủ|quốc hội|trung ương)\b")


def _is_acronym(word: str) -> bool:
    letters = _NOT_LETTER.sub("", word)
    return bool(letters) and letters.isupper() and (len(letters) == 1 or not is_syllable(letters))


def ordinary_case(name: str) -> str:
    """`SỞ CÔNG THƯƠNG` -> `Sở Công thương`, `UBND TỈNH KHÁNH HÒA` -> `UBND tỉnh
    Khánh Hòa`; a name already in mixed case is left as printed."""
    name = " ".join(name.split())
    if not name or not is_upper(name) and not name.islower():
        return name
    words = name.split(" ")
    folded = [fold_accents(w) for w in words]
    out: list[str] = []
    i = 0
    head_len = 0
    joined = " ".join(folded)
    for head in FOLDED_HEADS:
        if joined == head or joined.startswith(head + " "):
            head_len = head.count(" ") + 1
            break
    level_seen = False
    for i, w in enumerate(words):
        f = folded[i]
        if f in FOLDED_LEVELS or " ".join(folded[i:i + 2]) in FOLDED_LEVELS:
            out.append(w if _is_acronym(w) else w.lower())
            level_seen = True
        elif _is_acronym(w):
            out.append(w)
        elif i == 0:
            out.append(w[:1].upper() + w[1:].lower())
        elif i < head_len:
            out.append(w.lower())
        elif level_seen or i == head_len:
            out.append(w[:1].upper() + w[1:].lower())
        else:
            out.append(w.lower())
    text = " ".join(out)
    # `thành phố`, `thị xã` are two-word levels: their second word stays lower case.
    text = _TWO_WORD_LEVEL.sub(lambda m: f"{m[1]} {m[2].lower()}", text)
    # Names of the highest bodies keep their capitals wherever they stand.
    return _HIGHEST_BODIES.sub(lambda m: m[1][0].upper() + m[1][1:], text)
