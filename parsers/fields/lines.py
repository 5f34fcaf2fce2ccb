"""Lines of the normalised letter text, and the small text helpers every field
parser shares: accent folding for tolerant matching, upper-case tests, the
ordinary case of a name printed in capitals.

Flow: `NormText` -> `split_lines()` -> `TextLine`s (text plus character span)
-> zones (header / body / footer, see `zones.py`) -> field parsers.
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import regex

from congvan.parsers.syllables import is_syllable


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


@lru_cache(maxsize=16384)
def fold(text: str) -> str:
    """Lower-case, no tone marks, đ -> d: `CỘNG HÒA` and `CONG HOA` fold alike.
    Keeps one output character per input character so indices line up."""
    out = []
    for ch in text:
        base = unicodedata.normalize("NFD", ch)[0] if ch not in "đĐ" else "d"
        out.append(base.lower() if base.lower() else base)
    return "".join(out)


def upper_share(text: str) -> float:
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return 0.0
    return sum(c.isupper() for c in letters) / len(letters)


def is_upper(text: str) -> bool:
    """Printed in capitals. Judged on the plain Latin letters and Đ, because
    TCVN3 text has no accented capitals (`KT. GIáM ĐốC` is a capitals line)."""
    plain = [c for c in text if c.isascii() and c.isalpha() or c in "đĐ"]
    if not plain:
        return upper_share(text) >= 0.8
    return sum(c.isupper() for c in plain) / len(plain) >= 0.8


# Head nouns of Vietnamese bodies and offices, in folded form, longest first.
_HEADS = sorted([
    "uy ban nhan dan", "hoi dong nhan dan", "thu tuong chinh phu", "thu tuong", "pho thu tuong",
    "chinh phu", "van phong chinh phu", "van phong", "tong cuc", "chi cuc", "cuc", "bo", "so", "vu",
    "ban chi huy", "ban chi dao", "ban quan ly", "ban", "trung tam", "thanh tra", "truong", "dai hoc",
    "vien", "cong doan", "tong lien doan", "bao hiem xa hoi", "kho bac nha nuoc", "kho bac",
    "ngan hang nha nuoc", "ngan hang", "doan kiem tra", "doan", "hoi", "tinh uy", "thanh uy",
    "huyen uy", "quoc hoi", "uy ban thuong vu quoc hoi", "chu tich", "bo truong", "giam doc",
    "phong", "khoa", "cong ty", "tap doan", "tong cong ty", "hiep hoi", "lien doan", "mat tran",
    "to cong tac", "hoi dong", "doi", "chi nhanh", "dai", "bao", "cong thong tin",
], key=len, reverse=True)
_LEVELS = ("tinh", "thanh pho", "huyen", "quan", "xa", "phuong", "thi xa", "thi tran", "tp")


def _is_acronym(word: str) -> bool:
    letters = regex.sub(r"[^\p{L}]", "", word)
    return bool(letters) and letters.isupper() and (len(letters) == 1 or not is_syllable(letters))


def ordinary_case(name: str) -> str:
    """`SỞ CÔNG THƯƠNG` -> `Sở Công thương`, `UBND TỈNH KHÁNH HÒA` -> `UBND tỉnh
    Khánh Hòa`; a name already in mixed case is left as printed."""
    name = " ".join(name.split())
    if not name or not is_upper(name) and not name.islower():
        return name
    words = name.split(" ")
    folded = [fold(w) for w in words]
    out: list[str] = []
    i = 0
    head_len = 0
    joined = " ".join(folded)
    for head in _HEADS:
        if joined == head or joined.startswith(head + " "):
            head_len = head.count(" ") + 1
            break
    level_seen = False
    for i, w in enumerate(words):
        f = folded[i]
        if f in _LEVELS or " ".join(folded[i:i + 2]) in _LEVELS:
            out.append(w if _is_acronym(w) else w.lower())
            level_seen = True
        elif _is_acronym(w) and not (i == 0 and head_len):
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
    text = regex.sub(r"\b(thành|thị) (Phố|Xã|Trấn)\b", lambda m: f"{m[1]} {m[2].lower()}", text)
    # Names of the highest bodies keep their capitals wherever they stand.
    return regex.sub(r"\b(chính phủ|quốc hội|trung ương)\b", lambda m: m[1][0].upper() + m[1][1:], text)
