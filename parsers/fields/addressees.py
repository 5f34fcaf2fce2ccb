"""Who a letter goes to: the `Kính gửi` addressees (recipients) and the
`Nơi nhận` distribution list with each entry's purpose.

Both are lists of dash items in real letters, but also one-line forms
(`Kính gửi: Các đơn vị thuộc Bộ`), entries that wrap, and, for a công điện,
addressees after `THỦ TƯỚNG CHÍNH PHỦ điện:`. A Nơi nhận entry is split into
the bodies it lists unless its parts share a head or a tail (gold README);
its purpose is the bracket at its end, snapped to a known purpose of
`parsers/data/distribution.yaml` when OCR misread one letter; the copy count
and the drafter after the `Lưu` codes are dropped.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import regex
import yaml

from congvan.models.records import DistributionEntry, Recipient, Source
from congvan.parsers.fields.lines import TextLine, fold_accents, is_upper
from congvan.parsers.fields.signer import AUTHORITY
from congvan.parsers.fields.vocabulary import BODY_HEAD, COLLECTIVE, OFFICE_START
from congvan.parsers.landmarks import DELEGATION_PREFIXES

# Matched on folded text (OCR drops accents: `Kinh gui`, `Kinh gfri`).
KINH_GUI = regex.compile(r"^(?:kinh\s*gui|kinh\s*gfri|kinh\s*goi)\s*[:;.]?\s*")
DIEN = regex.compile(r"^(?P<who>.{3,80}?)\s+điện\s*:\s*(?P<rest>.*)$", regex.IGNORECASE)
# `Nơi nhận:` / `Nơi nhận` alone, never `Nơi nhận hồ sơ: ...` in a procedure's text.
# OCR may put a speck before it or read `ơ` as `ữ` (`JNữi nhận:`).
NOI_NHAN = regex.compile(r"^[a-z]?n[ou]i\s*nhan\s*(?:[:;.]|$|(?=\s*\())")
_ITEM = regex.compile(r"^(?:[-–+•·*~]|\.(?=\s))\s*")  # `~` is an OCR dash
_PURPOSE = regex.compile(r"\s*\((?P<p>[^()]{1,80})\)\s*[;.,:]?\s*$")
_LUU = regex.compile(r"^lưu\b", regex.IGNORECASE)
# Small patterns of the entry reader, compiled once.
_SEMICOLON_ITEMS = regex.compile(r"\s*;\s*(?=[-–]?\s*\p{Lu})")  # `A; B` on one line: two entries
_LEADING_NOTE = regex.compile(r"^\([^)]*\)\s*")  # `Nơi nhận: (VBĐT)`
_CAPITALS_RUN = regex.compile(r"\p{Lu}{2,}")
_NOT_A_HEADING = regex.compile(r"[(,\d]")
_NHU_TREN_GLUED = regex.compile(r"^(Như)(trên)\b")  # OCR lost the space
_NHU_TREN = regex.compile(r"Như\s+trên\b")
_LONE_DELEGATION = regex.compile("(?:" + "|".join(DELEGATION_PREFIXES) + r")\.?")  # a mark the footer split left alone
_LETTER = regex.compile(r"\p{L}")
_SCRAP = regex.compile(r"\p{Lu}?\p{Ll}{1,3}\.?")  # drafter's initials glued after the last code
_CODE = regex.compile(r"[\p{Lu}\d&-]{2,},?")
_UNDERSCORE_TAIL = regex.compile(r"[,\s]+_+\s*$")
_CODE_WORD = regex.compile(r"\p{Lu}{2,}\b")
_TRAIL = " ;.,:"

def _names_a_body(text: str) -> bool:
    f = fold_accents(text)
    return bool(BODY_HEAD.match(f) or OFFICE_START.match(f) or COLLECTIVE.match(f))


# The first body line ending in `gửi:` (a receipt stamp covered `Kính`).
_STAMPED_KINH_GUI = regex.compile(r"\sgui\s*:\s*$")


def _is_debris(text: str) -> bool:
    """OCR of a stamp or seal: mostly digits and punctuation, not words."""
    letters = sum(c.isalpha() for c in text)
    return letters < len(text) * 0.5 and not _is_item(text)


def _strip_item(text: str) -> str:
    return _ITEM.sub("", text).strip()


def _is_item(text: str) -> bool:
    return bool(_ITEM.match(text))


def _source(line: TextLine) -> Source:
    return Source(start=line.start, end=line.end)


def find_recipients(lines: list[TextLine], start: int, end: int) -> tuple[list[Recipient], int | None, int]:
    """Recipients after `Kính gửi` (or `... điện:`) within lines[start:end].

    Returns (recipients, index of the Kính gửi line or None, index after the list).
    """
    for i in range(start, min(end, len(lines))):
        line = lines[i]
        m = KINH_GUI.match(fold_accents(line.text)) or (i == start and _STAMPED_KINH_GUI.search(fold_accents(line.text)))
        dien = None if m else DIEN.match(line.text)
        if not m and not (dien and line.text.rstrip().endswith(":") or dien and dien["rest"]):
            continue
        if dien and len(dien["who"].split()) > 8:
            continue
        if m:
            rest = line.text[m.end():]
        else:
            assert dien is not None  # the check above lets a line through on `Điện` alone
            rest = dien["rest"]
        items: list[tuple[str, TextLine]] = []
        if rest.strip():
            for part in _SEMICOLON_ITEMS.split(_strip_item(rest)):
                if part.strip(_TRAIL):
                    items.append((part, line))
        j = i + 1
        expect_more = not items or items[-1][0].rstrip().endswith((";", ","))
        while j < end:
            nxt = lines[j]
            text = nxt.text
            if items and expect_more and _is_debris(text):  # a stamp's OCR between two entries
                j += 1
                continue
            if _is_item(text) and (expect_more or _is_item(lines[j - 1].text) or j == i + 1):
                items.append((_strip_item(text), nxt))
            elif items and not items[-1][0].rstrip().endswith((";", ".", ":")) and text[:1].islower():
                prev, pl = items[-1]
                items[-1] = (f"{prev} {text}", pl)
            elif expect_more and not _is_item(text) and len(text) < 160 and text[:1].isupper() and (
                text.rstrip().endswith((";", ".", ",")) or not items
            ) and not _starts_body(text):
                items.append((text, nxt))
            else:
                break
            expect_more = items[-1][0].rstrip().endswith((";", ","))
            j += 1
        recipients = [Recipient(name=_clean_name(t), source=_source(l)) for t, l in items if _clean_name(t)]
        return recipients, i, j
    return [], None, start


_BODY_WORDS = regex.compile(r"^(?:thuc\s*hien|can\s*cu|theo|trien\s*khai|ngay\s|tra\s*loi|de\s|vua\s*qua|tiep\s*theo|phuc\s*dap)")


def _starts_body(text: str) -> bool:
    return bool(_BODY_WORDS.match(fold_accents(text)))


def _clean_name(text: str) -> str:
    return " ".join(text.split()).strip(_TRAIL + "-")


def first_noi_nhan(lines: list[TextLine], start: int) -> int | None:
    """Index of the letter's own `Nơi nhận` line at or after `start`: the
    first one; a later one belongs to an enclosed copy of another letter."""
    for i in range(start, len(lines)):
        if NOI_NHAN.match(fold_accents(lines[i].text)):
            return i
    return None


def find_distribution(lines: list[TextLine], start: int) -> tuple[list[DistributionEntry], int | None, set[int]]:
    """The `Nơi nhận` list at or after lines[start]: (entries, index of the
    Nơi nhận line, indices of the lines the list used)."""
    at = first_noi_nhan(lines, start)
    if at is None:
        return [], None, set()
    used = {at}
    raw: list[tuple[str, TextLine]] = []
    head = NOI_NHAN.match(fold_accents(lines[at].text))
    assert head is not None  # `first_noi_nhan` found the line by this pattern
    rest = lines[at].text[head.end():].strip()
    rest = _LEADING_NOTE.sub("", rest)  # `Nơi nhận: (VBĐT)`
    if rest:
        raw.append((_strip_item(rest), lines[at]))
    for j in range(at + 1, len(lines)):
        text = lines[j].text
        if _is_item(text):
            raw.append((_strip_item(text), lines[j]))
        elif raw and (
            not raw[-1][0].rstrip().endswith((";", "."))
            and (text[:1].islower() or text[:1].isdigit() or raw[-1][0].rstrip().endswith(","))
            or _LUU.match(raw[-1][0]) and _is_filing_codes(text)
            or _continues_colon_list(raw[-1][0], text)
        ):
            prev, pl = raw[-1]
            raw[-1] = (f"{prev} {text}", pl)
        elif _LUU.match(text) or (not raw and len(text) < 80):
            raw.append((text, lines[j]))
        else:
            break
        used.add(j)
    entries: list[DistributionEntry] = []
    for text, line in raw:
        entries.extend(_entries(text, line))
    return entries, at, used


# The copy count or the drafter: `(2)`, `(B)`, `(TKTH)`, `(Hùng, Nam)`, `( đ/c Dũng)`;
# a list of office codes in brackets (`VP (HC, TH)`) stays.
_COPY_COUNT = regex.compile(r"\s*\((?:\s*\d+\s*|[\p{L}./]{1,8}|[^()]*\p{Ll}[^()]*)\).*$")
# Drafter initials or a name glued to the last code: `TH.Lan`, `CTT. Phunt`, `KTb12`.
_GLUED_DRAFTER = regex.compile(r"(?<=\b\p{Lu}{2,})(?:\.\s*\p{Lu}?\p{Ll}+\.?|\p{Ll}\d+)$")
_JUNK_TAIL = regex.compile(r"[\s;.,:_\-~|'\"]+$")
_JUNK_HEAD = regex.compile(r"^[\s;.,_\-~|'\"]+")


@lru_cache(maxsize=1)
def _purposes() -> tuple[str, ...]:
    path = Path(__file__).resolve().parent.parent / "data" / "distribution.yaml"
    return tuple(yaml.safe_load(path.read_text(encoding="utf-8"))["purposes"])


def _known_purpose(purpose: str) -> str:
    """A purpose one letter away from a known one is that one (OCR: `để ph`
    is `để p/h`, `để báo các` is `để báo cáo`)."""
    known = _purposes()
    if purpose in known:
        return purpose
    near = [k for k in known if _one_edit(purpose, k)]
    return near[0] if len(near) == 1 else purpose


def _one_edit(a: str, b: str) -> bool:
    if abs(len(a) - len(b)) > 1 or a == b:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    return a[i:] == b[i + 1:] or len(a) == len(b) and a[i + 1:] == b[i + 1:]


def _continues_colon_list(prev: str, text: str) -> bool:
    """A line that goes on an entry listing codes after a colon (`VPCP:
    BTCN, các PCN, Trợ lý` / `TGĐ Cổng TTĐT, Công báo;` / `các Vụ: TH, QHQT`)."""
    return (":" in prev and not _LUU.match(prev) and not prev.rstrip().endswith(".") and len(text) < 80
            and not AUTHORITY.match(text) and not (is_upper(text) and "," not in text)
            and bool(_CAPITALS_RUN.search(text)))


def _is_filing_codes(text: str) -> bool:
    """A second line of a `Lưu:` entry: office codes (`TCT(HC, NV3)`), not a signature line."""
    return len(text) < 30 and not AUTHORITY.match(text) and (
        not is_upper(text) and not text[:1].isupper() or bool(_NOT_A_HEADING.search(text))
    )


def _entries(text: str, line: TextLine) -> list[DistributionEntry]:
    text = _JUNK_HEAD.sub("", _JUNK_TAIL.sub("", " ".join(text.split())))
    if not text:
        return []
    text = _NHU_TREN_GLUED.sub(r"\1 \2", text)  # OCR lost the space
    if _NHU_TREN.match(text):
        return [DistributionEntry(name="Như trên", purpose=None, source=_source(line))]  # (`Như trên; ps mee!`: debris)
    if _LONE_DELEGATION.fullmatch(text):
        return []  # the signature's delegation mark, read into the list
    if " ~ " in text:  # `~` is an OCR dash: two entries on one line
        return [e for p in text.split(" ~ ") if p.strip() for e in _entries(p, line)]
    src = _source(line)
    if _LUU.match(text):
        # `Lưu: VT, VP (B)`, `Lưu: VT, NN (2), Loan`: the copy count or the
        # drafter after the codes is not a body; `VP (HC, TH) TCT (HC, NV3)` are.
        name = _COPY_COUNT.sub("", text)
        words = name.split()
        # OCR debris after the codes (`TXNK 3) 4#`): tokens with no letter or a stray bracket.
        while len(words) > 2 and (
            not _LETTER.search(words[-1])
            or ")" in words[-1] and " ".join(words).count(")") > " ".join(words).count("(")
        ):
            words.pop()
        # A lower-case scrap after the codes is a name or OCR debris (`PC ow`).
        while len(words) > 2 and _SCRAP.fullmatch(words[-1]) \
                and _CODE.fullmatch(words[-2]):
            words.pop()
        name = _UNDERSCORE_TAIL.sub("", " ".join(words)).strip(" ,;.")
        name = _GLUED_DRAFTER.sub("", name).strip(" ,;.")
        return [DistributionEntry(name=name, purpose=None, source=src)]
    if ";" in text and ":" not in text:  # `TCT; Vụ PC`: two entries on one line
        pieces = [p for p in text.split(";") if p.strip()]
        if len(pieces) > 1 and all(p.strip()[:1].isupper() for p in pieces):
            return [e for p in pieces for e in _entries(p, line)]
    purpose = None
    m = _PURPOSE.search(text)
    # A purpose reads `b/c`, `để biết`, `thay trả lời`; `(BTC)`, `(Tú, Bích)` or
    # `(H.V.Thuân)` name a ministry or the people meant, and stay in the name.
    # (`(Đ/c Minh)` names who in the office acts: recorded as the purpose.)
    if m and (m["p"][:1].islower() or fold_accents(m["p"]).startswith(("de ", "d/c", "đ/c"))):
        purpose = m["p"].strip()
        if fold_accents(purpose).startswith("de "):  # OCR `đề thực hiện` is `để thực hiện`
            purpose = "để" + purpose[2:]
        purpose = _known_purpose(purpose)
        text = text[: m.start()].strip(" ;.,")
    if "(" in text or ":" in text:
        return [DistributionEntry(name=text, purpose=purpose, source=src)]
    parts = [p.strip() for p in text.split(",")]
    # Split only when every part names a body by itself (gold/README.md):
    # `Văn phòng Chính phủ, Bộ Nội vụ`, `Chánh VP, Phó CVP`, `GĐ, các PGĐ`;
    # not `Cục Thuế các tỉnh, thành phố`, nor parts that share a tail (`CT,
    # PCT UBND tỉnh`, `Các Khoa, Phòng ban liên quan`, `LĐ, các ban của
    # CĐGDVN`).
    if len(parts) > 1 and not _shared_tail(parts) and all(
            p and (_names_a_body(p) or _OFFICE_CODE.match(p) or _CODE_WORD.match(p)) for p in parts):
        return [DistributionEntry(name=p, purpose=purpose, source=src) for p in parts]
    return [DistributionEntry(name=text, purpose=purpose, source=src)]


# An office written short: `CT`, `PCT`, `GĐ`, `các PGĐ`, `Chánh VP`, `Phó CVP`.
_OFFICE_CODE = regex.compile(r"^(?:các\s+)?(?:(?:Chánh|Phó|Trưởng)\s+)?P?(?:CT|GĐ|CVP|VP|TGĐ|TP|CN|TB)\b")
# A tail every part of a list shares: `... liên quan`, `... của CĐGDVN`, or
# a body after a list of office codes (`CT, PCT UBND tỉnh`).
_TAIL = regex.compile(r"\s(?:(?:có\s+)?liên\s+quan|của\s+\S.*)$")


def _shared_tail(parts: list[str]) -> bool:
    last = parts[-1]
    bare_before = all(len(p.split()) <= 3 for p in parts[:-1])
    if bare_before and _TAIL.search(last):
        return True
    codes = _OFFICE_CODE.match(last)
    offices = all(_OFFICE_CODE.fullmatch(p) or len(p.split()) <= 3 and OFFICE_START.fullmatch(fold_accents(p).rstrip())
                  for p in parts[:-1])
    return codes is not None and offices and bool(last[codes.end():].strip())
