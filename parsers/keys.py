"""Keys that say when two written values name the same thing.

Flow: field parsers -> records -> **keys** -> the store's key columns, the
citation graph's resolution, the exports (edXML, registers) and the
duplicates view. Every stage that asks "is this the same document, body or
unit?" asks here, so they all answer alike. Keys are for matching, never
for display.

- `number_key`: a number and symbol however the separators were typed
  (`TT/BTC` = `TT-BTC`, `QD` = `QĐ`, `05` = `5`).
- `issuer_key`: a body however it is written (`Ủy ban nhân dân tỉnh Khánh
  Hòa` = `UBND tỉnh Khánh Hoà`; an office stands for its body: `Bộ trưởng
  Bộ Công Thương` = `Bộ Công Thương`).
- `document_key`: a document's identity, (number and symbol, issuer, year)
  (DOMAIN.md §2: a number and symbol alone are reused by every province and
  every year).
- `unit_key`: a unit named in an action item, qualified by the body a
  relative name belongs to (`Văn phòng Sở` of this Sở).
"""
from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

import regex

from congvan.parsers.fields.lines import fold_accents
from congvan.parsers.fields.units import unit_key

if TYPE_CHECKING:
    from congvan.models.records import Letter

__all__ = ["document_key", "issuer_key", "letter_key", "number_key", "unit_key"]

_SEPARATORS = regex.compile(r"[\s./\-]+")
_WORD = regex.compile(r"[\p{L}\p{N}]+")
_UBND = regex.compile(r"uy\s*ban\s*nhan\s*dan")
_HDND = regex.compile(r"hoi\s*dong\s*nhan\s*dan")
_PLACE_WORD = regex.compile(r"\b(?:tinh|thanh\s+pho|tp)\b\.?")
_OFFICE = regex.compile(r"^(?:bo truong|thu truong|giam doc|pho giam doc|chu tich|cuc truong|tong cuc truong|"
                        r"vu truong|chanh van phong|truong ban)\s+(?=\S+\s)")


def number_key(number: str | None, symbol: str | None) -> str | None:
    """`05/2020/TT-BTC`, `5/2020/TT/BTC` -> `5/2020-TT-BTC`; None without both parts."""
    if not number or not symbol:
        return None
    sym = _SEPARATORS.sub("-", symbol.upper()).replace("Đ", "D").strip("-")
    return f"{number.lstrip('0') or '0'}/{sym}"


@lru_cache(maxsize=65536)
def issuer_key(issuer: str | None) -> str | None:
    """`Ủy ban nhân dân tỉnh Khánh Hòa` and `UBND tỉnh Khánh Hoà` -> `ubnd khanh hoa`."""
    if not issuer:
        return None
    s = fold_accents(issuer)
    s = _UBND.sub("ubnd", s)
    s = _HDND.sub("hdnd", s)
    s = _PLACE_WORD.sub(" ", s)
    s = " ".join(_WORD.findall(s))
    # `Bộ trưởng Bộ Công Thương`, `Giám đốc Sở Công Thương`: the office stands for its body.
    s = _OFFICE.sub("", s)
    return s or None


def document_key(number: str | None, symbol: str | None, issuer: str | None, year: int | None) -> str | None:
    """`5/2020-TT-BTC|bo tai chinh|2020`; unknown issuer or year is `?`; None without a number."""
    nk = number_key(number, symbol)
    if nk is None:
        return None
    return f"{nk}|{issuer_key(issuer) or '?'}|{year or '?'}"


def letter_key(letter: Letter) -> str | None:
    """The document key of a parsed letter: what two files of one document share."""
    num = letter.number
    return document_key(num.number if num else None, num.symbol if num else None, letter.issuer,
                        letter.issued.year if letter.issued else None)
