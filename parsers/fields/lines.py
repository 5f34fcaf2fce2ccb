"""Lines of the normalised letter text, and the small text helpers every field
parser shares: accent folding for tolerant matching and upper-case tests.

Flow: `NormText` -> `split_lines()` -> `TextLine`s (text plus character span)
-> header, addressees, footer, body (see `parsers/letter.py`) -> records.
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import regex


@dataclass(frozen=True)
class TextLine:
    text: str  # stripped, markdown emphasis removed
    start: int  # span of the stripped text in the normalised letter
    end: int
    index: int


_EMPHASIS = regex.compile(r"\*{1,3}|_{2,}(?=\S)|(?<=\S)_{2,}|^#{1,6}\s+|^>\s+|`+")
_EDGE = regex.compile(r"^[\s|*]+|[\s|*]+$")


def split_lines(text: str) -> list[TextLine]:
    out: list[TextLine] = []
    pos = 0
    for raw in text.split("\n"):
        m = _EDGE.sub("", raw)
        cleaned = " ".join(_EMPHASIS.sub("", m).split())
        lead = len(raw) - len(raw.lstrip(" |*"))
        if cleaned:
            out.append(TextLine(cleaned, pos + lead, pos + len(raw.rstrip(" |*")), len(out)))
        pos += len(raw) + 1
    return out


class _FoldTable(dict[int, str]):
    """Code point -> its folded character, computed the first time it is met:
    `str.translate` then folds a whole letter at C speed."""

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        base = unicodedata.normalize("NFD", ch)[0] if ch not in "đĐ" else "d"
        folded = base.lower() or base
        self[code] = folded
        return folded


_FOLD = _FoldTable()


@lru_cache(maxsize=16384)
def fold_accents(text: str) -> str:
    """Lower-case, no tone marks, đ -> d: `CỘNG HÒA` and `CONG HOA` fold alike.
    Keeps one output character per input character so indices line up."""
    return text.translate(_FOLD)


# Counted by patterns, not character by character: these tests run on every line.
_LETTER = regex.compile(r"\p{L}")
_UPPER = regex.compile(r"\p{Lu}")
_PLAIN = regex.compile(r"[A-Za-zđĐ]")
_PLAIN_UPPER = regex.compile(r"[A-ZĐ]")


def upper_share(text: str) -> float:
    letters = len(_LETTER.findall(text))
    if not letters:
        return 0.0
    return len(_UPPER.findall(text)) / letters


def is_upper(text: str) -> bool:
    """Printed in capitals. Judged on the plain Latin letters and Đ, because
    TCVN3 text has no accented capitals (`KT. GIáM ĐốC` is a capitals line)."""
    plain = len(_PLAIN.findall(text))
    if not plain:
        return upper_share(text) >= 0.8
    return len(_PLAIN_UPPER.findall(text)) / plain >= 0.8
