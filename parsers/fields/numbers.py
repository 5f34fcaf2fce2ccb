"""Document numbers and symbols (`Số: 2536/BCT-VP`, `30/2020/NĐ-CP`).

One grammar serves the letter's own `Số:` line and every cited document, so
the two always agree on what a number is. Accepted deviations (DOMAIN.md §2):
blank numbers (`Số: /SCT-VP`), OCR spaces inside the number (`25 3 6`),
spaces around the separators (`4280 /SCT - CN`, `40/2000 /TT-BTC`), a
missing hyphen (`15/CTUBND`), old slash forms (`144/2002/QĐ/BTC`), party
numbering (`11-CT/TU`). A number with letters in it that is not a plain
suffix (`2!8]`, `4ÄM†S`) is garbled: it yields no number and a warning.
"""
from __future__ import annotations

from dataclasses import dataclass

import regex

from congvan.parsers.fields.codes import issuer_for_code, type_for_code

# A symbol part: letters (any case, Đ), digits, & and dots, e.g. `BKHĐT`, `TT&HT`, `QĐ.BQL`.
_PART = r"[\p{Lu}\p{Ll}\d&.]*\p{L}(?:[\p{Lu}\p{Ll}\d&.]*[\p{Lu}\p{Ll}\d&])?"
# Later parts start with a capital or digit: `NĐ-CP.-chủ` stops before `chủ`.
_PART_N = r"[\p{Lu}\d](?:[\p{Lu}\p{Ll}\d&.]*[\p{Lu}\p{Ll}\d&])?"
# Separators may carry OCR/typing spaces around them: `SCT - CN`, `2000 /TT`.
_SEP = r"(?:\s?[-/]\s?|\.\s(?=\p{Lu}{2,}\s?-))"
# A draft may leave the type code blank too: `866/-TTg`.
SYMBOL = rf"(?:\d{{4}}{_SEP})?-?{_PART}(?:{_SEP}{_PART_N})*"

# The letter's own number line. `Số` can be OCR'd `Sô`/`SỐ`/`So`.
NUMBER_LINE = regex.compile(
    # OCR bends the accent of `Số` (`Só:`, `Sé:`).
    r"(?<![\p{L}])(?:S[ốôoỐÔOóòồổộÓÒéế]|SỐ)\s*(?:hiệu)?\s*(?P<colon>[:;.])?\s*"
    r"(?P<num>[^\s/]{0,12}?(?:\s{1,3}[^\s/]{1,6}){0,3}?)?"
    # The slash may be lost to OCR (`1105KH-ĐKT`): digits then a code and a hyphen.
    r"\s*(?:(?P<slash>[/|])\s*|(?<=\d)(?=\p{Lu}{1,6}\s?-\s?\p{Lu})"
    # Before 2001 and in party documents the number takes a hyphen: `1141-TC/QĐ/CĐKT`, `11-CT/TU`.
    r"|(?P<hyphen>(?<=\d)-)(?=\p{Lu}{1,6}/))"
    # `597/HC-QLHCV/v cấp ...` (a flattened cell): the V belongs to `V/v`.
    rf"(?P<sym>{SYMBOL})(?!(?<=V)/v)",
)

# A cited number inside running text: digits first, then a symbol with a letter.
CITED = regex.compile(
    rf"(?<![\p{{L}}\d/.:-])(?P<num>\d{{1,6}}(?:[a-z])?(?:\s\d{{1,3}})?)"
    # `11-CT/TU` (party) and `1141-TC/QĐ` (pre-2001) join number and symbol with a hyphen.
    rf"(?:\s?/\s?|-(?=\p{{Lu}}{{1,5}}/))(?P<sym>{SYMBOL})",
)

_GOOD_NUMBER = regex.compile(r"\d+[a-zA-Z]?")
_DIGITS_SPACED = regex.compile(r"\d[\d ]*[a-zA-Z]?")
_WHITESPACE = regex.compile(r"\s+")
_SUBJECT_TAIL = regex.compile(r"V/v.*$")  # a subject glued after the symbol (`CT-UBNDV/v ...`)
_BLANK_NUMBER = regex.compile(r"[.…_\s]*")  # a number slot left for the clerk: `Số: ..../`
_SYMBOL_SEP = regex.compile(r"[-/]")
_LEGISLATURE = regex.compile(r"(QH|UBTVQH)\d*")  # `QH14`: the National Assembly's term


@dataclass(frozen=True)
class ParsedNumber:
    number: str | None
    symbol: str | None
    confidence: float
    warning: str | None = None


def clean_symbol(sym: str) -> str:
    """Symbol as printed, spaces removed and a missing type/issuer hyphen restored."""
    sym = _SUBJECT_TAIL.sub("", _WHITESPACE.sub("", sym)).strip("./").rstrip("-")
    segments = sym.split("/")
    last = segments[-1]
    if "-" not in last:
        # `CTUBND` -> `CT-UBND`, `2024/NĐCP` -> `2024/NĐ-CP`: a known type code glued to a known issuer code.
        for cut in range(1, len(last)):
            head, tail = last[:cut], last[cut:]
            if type_for_code(head) and issuer_for_code(tail) and tail.upper() == tail and (len(segments) > 1 or len(tail) > 1):
                segments[-1] = f"{head}-{tail}"
                break
    return "/".join(segments)


def parse_number(raw_num: str | None, raw_sym: str) -> ParsedNumber:
    """Parse the two halves of `<number>/<symbol>`."""
    symbol = clean_symbol(raw_sym) or None
    text = (raw_num or "").strip(" .:")
    if not text or _BLANK_NUMBER.fullmatch(text):
        return ParsedNumber(None, symbol, 1.0)
    if _DIGITS_SPACED.fullmatch(text):
        number = text.replace(" ", "")
        if _GOOD_NUMBER.fullmatch(number):
            conf = 1.0 if " " not in text else 0.9
            return ParsedNumber(number, symbol, conf)  # as printed: `04/1998/QH10` keeps its 0
    return ParsedNumber(None, symbol, 0.2, f"number {text!r} is garbled: left blank rather than guessed")


def split_symbol(symbol: str) -> tuple[str | None, str | None]:
    """(type name, issuer name) the symbol implies, either may be None.

    `QĐ-BCT` -> (Quyết định, Bộ Công Thương); `BCT-VP` (a công văn: issuer
    code first) -> (None, Bộ Công Thương); `2020/NĐ-CP` -> (Nghị định, Chính phủ).
    """
    parts = [p for p in _SYMBOL_SEP.split(symbol) if p and not p.isdigit()]
    if not parts:
        return None, None
    doc_type = type_for_code(parts[0])
    second = issuer_for_code(parts[1]) if len(parts) > 1 else None
    if doc_type and second:
        return doc_type, second
    own = issuer_for_code(parts[0])
    if own:  # `CT-CS` is a công văn of Cục Thuế, not a Chỉ thị
        return None, own
    legislature = _LEGISLATURE.fullmatch(parts[0])
    if legislature:  # `59/2020/QH14`: a law (or an ordinance of the Standing Committee)
        return ("Luật" if legislature[1] == "QH" else "Pháp lệnh"), issuer_for_code(legislature[1])
    return doc_type, None
