"""Who a sentence names as acting: unit names, offices and collectives
(DOMAIN.md §5), cut out of running text and normalised.

Flow: the task stage (`pipeline/tasks.py`) asks this module for the units a
heading, an assigning sentence (`Giao ...`, `Yêu cầu ...`, `Đề nghị ...`,
`<unit> chủ trì, phối hợp với <units>`) or a preamble names; each comes back
as the unit's own name (an office names its unit: `Chánh Thanh tra Bộ` is
Thanh tra Bộ) plus a `unit_key` that qualifies relative names by the body
they belong to (Văn phòng Sở of Sở Công Thương Khánh Hòa is not Văn phòng Bộ
of Bộ Công Thương).

A unit name runs from a head word (`Sở`, `Bộ`, `Văn phòng`, `Ủy ban nhân
dân` ...) to the first word that starts the predicate: a verb or adverb from
`PREDICATE` (lower case, as running text writes verbs; `Tổ chức` inside
`Vụ Tổ chức cán bộ` is capitalised and stays in the name), sentence
punctuation, or a comma followed by such a word.
"""
from __future__ import annotations

import unicodedata
from functools import lru_cache
from dataclasses import dataclass

import regex

# Offices whose holder stands for a unit: `Chánh Thanh tra Bộ` -> Thanh tra
# Bộ, `Vụ trưởng Vụ Tổ chức cán bộ` -> Vụ Tổ chức cán bộ, `Chủ tịch UBND
# tỉnh` -> UBND tỉnh, `Thủ trưởng các đơn vị thuộc Bộ` -> Các đơn vị thuộc Bộ.
OFFICE = regex.compile(
    r"^(?:(?:các|Các)\s+đồng\s+chí\s+|đồng\s+chí\s+|Đồng\s+chí\s+)?"
    r"(?:Chánh|Phó\s+Chánh|Tổng\s+Cục\s+trưởng|Tổng\s+cục\s+trưởng|Cục\s+trưởng|Vụ\s+trưởng|Chi\s+cục\s+trưởng"
    r"|Viện\s+trưởng|Hiệu\s+trưởng|Giám\s+đốc|Tổng\s+Giám\s+đốc|Tổng\s+giám\s+đốc|Chủ\s+tịch|Thủ\s+trưởng|Trưởng"
    r"|Bộ\s+trưởng|Người\s+đứng\s+đầu|người\s+đứng\s+đầu|Lãnh\s+đạo|lãnh\s+đạo)\s+(?=\S)"
)
# `các Cục trưởng, Vụ trưởng thuộc Bộ`: a head word + `trưởng` is the office
# of that kind of unit.
HEAD_OFFICE = regex.compile(r"\b(Cục|Vụ|Sở|Phòng|Ban|Viện|Chi\s+cục|Tổng\s+cục)\s+trưởng\b")
# Head words a unit name starts with (after an optional `các`). Some head
# words also open common words a sentence starts with, and are no head
# there: `Trường hợp` (in case), `Ban hành` (issue), `Báo cáo` (report),
# `Phòng chống`, `Hội nghị`, `Thuế suất`; `Tổ chức` followed by a lower-case
# word is the verb (`Tổ chức họp kiểm điểm`), except a kind of organisation
# (`Tổ chức tín dụng`) or a qualifier (`Tổ chức, doanh nghiệp có ...`).
_HEADS = (
    r"Bộ\s+Chỉ\s+huy|Ban\s+Chỉ\s+huy|Ban\s+chỉ\s+đạo|Ban\s+Chỉ\s+đạo|Ban\s+Quản\s+lý|Tổng\s+công\s+ty|Tổng\s+Công\s+ty|Công\s+ty"
    r"|Tổng\s+cục|Chi\s+cục|Cục|Vụ|Sở|Bộ|Ban(?!\s+hành)|Văn\s+phòng|Thanh\s+tra|Ủy\s+ban\s+nhân\s+dân|Uỷ\s+ban\s+nhân\s+dân|UBND"
    r"|Hội\s+đồng\s+nhân\s+dân|HĐND|Ủy\s+ban|Uỷ\s+ban|Công\s+an|Trung\s+tâm|Hợp\s+tác\s+xã|Phòng(?!\s+(?:chống|ngừa))|Viện"
    r"|Trường(?!\s+hợp)|Kho\s+bạc|Ngân\s+hàng|Thuế(?=\s+(?:tỉnh|thành\s+phố|khu\s+vực|cơ\s+sở|\p{Lu})|\s*,)|Hải\s+quan"
    r"|Bảo\s+hiểm|Đài|Báo(?!\s+cáo)|Hội(?!\s+(?:nghị|thảo))|Hiệp\s+hội|Liên\s+đoàn|Tòa\s+án|Toà\s+án|Quỹ|Chủ\s+đầu\s+tư"
    r"|chủ\s+đầu\s+tư|Nhà\s+thầu|Cơ\s+quan|Đơn\s+vị|Doanh\s+nghiệp"
    r"|Tổ\s+chức(?=\s*(?:,|$|[;:.)/])|\s+(?:\p{Lu}|và\b|tín\s+dụng|kinh\s+tế|chính\s+trị|xã\s+hội|đoàn\s+thể|có\b|phải\b))"
    r"|Đội|Tổ\s+công\s+tác|Đảng\s+ủy|Thường\s+trực|Cổng\s+thông\s+tin"
)
PROPER_HEAD = regex.compile(rf"^(?:(?:các|Các)\s+)?(?:{_HEADS})(?=\s|$|[,;:.)/])")
# Lower-case heads only open a collective with `các` (`các phòng, đơn vị`,
# `các sở, ban, ngành`, `các tổ chức, doanh nghiệp`, `các bộ, cơ quan ngang bộ`).
COLLECTIVE_HEAD = regex.compile(
    r"^(?:các|Các)\s+(?:phòng|đơn\s+vị|cơ\s+quan|sở|bộ|ban|ngành|tổ\s+chức|doanh\s+nghiệp|địa\s+phương|cục|vụ|chi\s+cục"
    r"|trung\s+tâm|xã|phường|tỉnh|huyện|hợp\s+tác\s+xã|công\s+ty|nhà\s+thầu|chủ\s+đầu\s+tư|văn\s+phòng)\b"
)
# Words that start the predicate: a unit name stops before them. Lower case
# on purpose (see the module docstring).
PREDICATE = regex.compile(
    r"^(?:chủ\s+trì|phối\s+hợp|theo\s+dõi|đôn\s+đốc|giám\s+sát|tổng\s+hợp|hướng\s+dẫn|thực\s+hiện|triển\s+khai|tổ\s+chức"
    r"|báo\s+cáo|tham\s+mưu|khẩn\s+trương|chủ\s+động|tiếp\s+tục|nghiên\s+cứu|rà\s+soát|kiểm\s+tra|xây\s+dựng|chỉ\s+đạo"
    r"|quán\s+triệt|tăng\s+cường|có\s+trách\s+nhiệm|chịu\s+trách\s+nhiệm|phải|cần|được|quan\s+tâm|xem\s+xét|sớm|biết"
    r"|căn\s+cứ|thông\s+báo|nhận\s+được|nhận|đã|sẽ|có|gửi|trình|cung\s+cấp|lập|bố\s+trí|nghiêm\s+túc|phổ\s+biến|đề\s+xuất"
    r"|giải\s+quyết|ban\s+hành|cập\s+nhật|bổ\s+sung|điều\s+chỉnh|kịp\s+thời|tập\s+trung|thường\s+xuyên|đẩy\s+mạnh"
    r"|hoàn\s+thành|hoàn\s+thiện|xử\s+lý|chuẩn\s+bị|tiếp\s+thu|trả\s+lời|phê\s+duyệt|thẩm\s+định|làm\s+việc|tuyên\s+truyền"
    r"|khắc\s+phục|hỗ\s+trợ|yêu\s+cầu|đề\s+nghị|giao|trân\s+trọng|kính|xin|tích\s+cực|khẩn|ngay|không|cử|tiến\s+hành|rút"
    r"|thống\s+nhất|trao\s+đổi|lấy\s+ý\s+kiến|tiếp\s+nhận|cấp|thu|nộp|đăng|công\s+bố|công\s+khai|đánh\s+giá|thẩm\s+tra"
    r"|dừng|tạm\s+dừng|nâng\s+cao|đảm\s+bảo|bảo\s+đảm|sửa\s+đổi|thành\s+lập|khảo\s+sát|quản\s+lý|tổng\s+kết|vận\s+hành"
    r"|trực\s+tiếp|nắm|liên\s+hệ|đang|vừa|chỉ|cho\s+biết|là|với|để|tại|theo|trong|về|đối\s+với|khi|nếu|thì|mà|do|cho|từ|trên|đến|vào|sau|trước"
    # `người quyết định đầu tư` is a party's name (Luật Xây dựng), not a verb.
    r"|quyết\s+định(?!\s+đầu\s+tư)|bao\s+gồm|niêm\s+yết|phân\s+(?:công|cấp|bổ|loại)|kiến\s+nghị|ký|làm\s+chủ|đổi\s+mới)\b"
)
# Units named only as related are not units (gold README): `các cơ quan, đơn
# vị có liên quan`, `chính quyền địa phương`, `các cơ quan chức năng`.
_VAGUE_WORDS = {"các", "cơ", "quan", "đơn", "vị", "địa", "phương", "chính", "quyền", "lực", "lượng", "cá", "nhân",
                "phận", "ngành", "có", "liên", "chức", "năng", "và", "tổ", "cấp", "những", "khác",
                "nghiệp", "vụ", "được", "lấy", "ý", "kiến", "mình", "công", "an", "dân", "cư",
                "cộng", "đồng", "tại", "doanh"}
# After an office, a lower-case kind names the unit: `Thủ trưởng cơ quan
# ngang bộ` is Cơ quan ngang bộ.
_LOWER_HEAD = regex.compile(r"^(?:cơ\s+quan|đơn\s+vị|bộ|sở|ban|ngành|phòng)\b")
_GENERIC_START = regex.compile(r"^(?:các\s+|những\s+)?(?:cơ\s+quan|đơn\s+vị|chính\s+quyền|lực\s+lượng|cá\s+nhân|bộ\s+phận"
                                r"|địa\s+phương|cộng\s+đồng|tổ\s+chức|người|ngành)\b")
_VAGUE_MARK = regex.compile(r"liên\s+quan|chức\s+năng|thẩm\s+quyền|\bkhác\b|địa\s+phương|cấp\s+dưới|\bmình\b|trực\s+thuộc$|nghiệp\s+vụ")
_PLACE_WORD = regex.compile(r"^(?:tỉnh|thành\s+phố|huyện|quận|thị\s+xã|xã|phường|thị\s+trấn|đặc\s+khu)\b")
_KIND_WORD = regex.compile(r"^(?:phòng|đơn\s+vị|ban|ngành|cơ\s+quan|doanh\s+nghiệp|tổ\s+chức|bộ|sở|địa\s+phương"
                           r"|trung\s+tâm|hội|đoàn\s+thể|cục|vụ|chi\s+cục)\b")
_END_PUNCT = regex.compile(r"[.;:!?()\[\]\"“”]")
_WORD = regex.compile(r"\S+")
# A bare plural office with no unit of its own (`các Cục trưởng`) shares the
# next name's tail: `các Cục trưởng, Vụ trưởng thuộc Bộ` -> Các Cục, Vụ thuộc Bộ.
_BARE_PLURAL = regex.compile(r"^(?:các|Các)\s+(Cục|Vụ|Sở|Phòng|Ban|Viện|Chi\s+cục|Tổng\s+cục)$")
# Bare offices addressed as a class (`Bộ trưởng, Thủ trưởng cơ quan ngang Bộ`).
_BARE_OFFICE = {"bộ trưởng": "Các Bộ", "các bộ trưởng": "Các Bộ"}
_SLASH = regex.compile(r"\s*/\s*(?=\p{Lu})")
_ABBREV = (("ủy ban nhân dân", "ubnd"), ("uỷ ban nhân dân", "ubnd"), ("hội đồng nhân dân", "hđnd"))
_TONES = {"òa": "oà", "óa": "oá", "ỏa": "oả", "õa": "oã", "ọa": "oạ", "òe": "oè", "óe": "oé", "ỏe": "oẻ",
          "õe": "oẽ", "ọe": "oẹ", "ùy": "uỳ", "úy": "uý", "ủy": "uỷ", "ũy": "uỹ", "ụy": "uỵ"}
# Names that point at the issuing body (`Văn phòng Sở`, `Thanh tra Bộ`,
# `Các đơn vị thuộc Bộ`, `Lãnh đạo Sở`): the trailing `Sở`/`Bộ`/`tỉnh` is
# the issuer (or its parent) and the key says which.
_RELATIVE_TAIL = regex.compile(r"(?:^|\s)(Sở|Bộ|Cục|Tổng\s+cục|tỉnh|Ủy\s+ban|UBND)$")
# Local bodies are qualified by their province; ministries and their
# departments are national.
_LOCAL = regex.compile(r"^(?:các\s+)?(?:sở|công\s+an\s+tỉnh|ubnd|hđnd|bộ\s+chỉ\s+huy|ban\s+chỉ\s+huy|phòng|chi\s+cục"
                       r"|văn\s+phòng\s+sở|trung\s+tâm|ban\s+quản\s+lý)\b")


@dataclass(frozen=True)
class UnitMention:
    name: str  # as the unit calls itself, offices resolved
    raw: str  # as printed
    start: int  # span in the text searched
    end: int


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Case, Unicode form, tone-mark placement and UBND abbreviations folded:
    the same unit written differently compares equal."""
    text = unicodedata.normalize("NFC", text).replace("\u00d0", "\u0110").casefold()
    for new, old in _TONES.items():
        text = text.replace(new, old)
    for long, short in _ABBREV:
        text = text.replace(long, short)
    text = regex.sub(r"\s*-\s*", "-", text)
    return " ".join(text.split()).strip(" .;:,")


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def office_to_unit(name: str) -> str:
    """`Chánh Thanh tra Bộ` -> `Thanh tra Bộ`; `Vụ trưởng Vụ Tổ chức cán bộ`
    -> `Vụ Tổ chức cán bộ`; `Thủ trưởng các đơn vị thuộc Bộ` -> `Các đơn vị
    thuộc Bộ`; `Vụ trưởng thuộc Bộ` -> `Vụ thuộc Bộ`."""
    name = " ".join(name.split()).strip(" ,;:.")
    bare = _BARE_OFFICE.get(name.casefold())
    if bare:
        return bare
    for _ in range(2):  # `Các đồng chí Chủ tịch UBND ...`
        m = OFFICE.match(name)
        if not m:
            break
        rest = name[m.end():]
        if not (PROPER_HEAD.match(rest) or COLLECTIVE_HEAD.match(rest) or _LOWER_HEAD.match(rest) or rest[:1].isupper()):
            break
        name = rest
    name = HEAD_OFFICE.sub(lambda m: m.group(1), name)
    return _cap(name)


def _take_name(text: str, pos: int, *, generic: bool) -> int | None:
    """End of a unit name that starts at `pos`, or None when none starts there."""
    rest = text[pos:]
    m = OFFICE.match(rest)
    body_at = pos + (m.end() if m else 0)
    head_text = text[body_at:]
    head = PROPER_HEAD.match(head_text) or (COLLECTIVE_HEAD.match(head_text) if generic else None)
    if m and not head and HEAD_OFFICE.match(rest):
        head = HEAD_OFFICE.match(rest)
        body_at = pos
    if not head and m:
        head = _LOWER_HEAD.match(head_text)
    if not head:
        if m and rest[m.end():m.end() + 1].isupper():
            head = regex.match(r"\S+", head_text)
        elif m and _BARE_OFFICE.get(" ".join(rest[:m.end()].split()).casefold()):
            return pos + m.end() - 1
        else:
            return None
    end = body_at + head.end()
    i = end
    words = 0
    while i < len(text) and words < 25:
        w = regex.match(r"\s*(,?)\s*(\S+)", text[i:])
        if not w:
            break
        token = w.group(2)
        after = text[i + w.start(2):]
        if _END_PUNCT.match(token) or PREDICATE.match(after):
            break
        if token in ("và", "hoặc", "cùng"):
            # `Bộ Nông nghiệp và Môi trường` goes on; `Sở Ngoại vụ và chính
            # quyền địa phương`, `... và các Cục trưởng` start something else.
            nxt = text[i + w.end():].lstrip()
            if (OFFICE.match(nxt) or PROPER_HEAD.match(nxt) or COLLECTIVE_HEAD.match(nxt) or HEAD_OFFICE.match(nxt)
                    or not (nxt[:1].isupper() or regex.match(r"(?:trực\s+)?thuộc\b", nxt))):
                break
        if w.group(1):
            # `, ` continues the name only into a capitalised word or a
            # lower-case word that is no predicate (`tỉnh, thành phố`).
            if PREDICATE.match(after) or OFFICE.match(after) or PROPER_HEAD.match(after) or COLLECTIVE_HEAD.match(after):
                break
            if token[:1].islower() and not (
                _PLACE_WORD.match(after)
                or (_KIND_WORD.match(after) and regex.match(r"(?:các|Các)\s", text[pos:]))
            ):
                break
        clean = token.rstrip(",;:.)")
        i += w.start(2) + len(clean)
        words += 1
        if len(clean) < len(token):
            if token[len(clean):][:1] in ";:.)":
                break
            # A trailing comma: the loop looks at what follows it.
    return i


def find_units(text: str, *, generic: bool = False) -> list[UnitMention]:
    """The list of units that starts at the beginning of `text`
    (`Chánh Văn phòng Bộ, Chánh Thanh tra Bộ, ... và các Cục trưởng, Vụ
    trưởng thuộc Bộ`). `generic` admits collectives without a proper name
    (`các phòng, đơn vị thuộc Sở`), as headings and addressees use them."""
    out: list[UnitMention] = []
    pos = 0
    while True:
        while pos < len(text) and text[pos] == " ":
            pos += 1
        end = _take_name(text, pos, generic=generic)
        if end is None or end <= pos:
            break
        raw = text[pos:end].strip(" ,")
        for j, part in enumerate(_SLASH.split(raw)):
            out.append(UnitMention(office_to_unit(part), part, pos, end))
        sep = regex.match(r"\s*(?:,|;|\s(?:và|hoặc|cùng))\s*", text[end:])
        if not sep:
            break
        pos = end + sep.end()
    return _merge_bare(out)


def _merge_bare(units: list[UnitMention]) -> list[UnitMention]:
    out: list[UnitMention] = []
    i = 0
    while i < len(units):
        u = units[i]
        m = _BARE_PLURAL.match(u.name)
        if m and i + 1 < len(units):
            nxt = units[i + 1]
            out.append(UnitMention(f"Các {m.group(1)}, {nxt.name}", f"{u.raw}, {nxt.raw}", u.start, nxt.end))
            i += 2
            continue
        out.append(u)
        i += 1
    return out


def is_vague(name: str) -> bool:
    """`các cơ quan, đơn vị có liên quan`, `chính quyền địa phương`, `các
    đơn vị chức năng thuộc Bộ Quốc phòng`: named only as related, no unit.
    A class with a kind (`các sở, ban, ngành liên quan`, `Các đơn vị thuộc
    Bộ`) is one."""
    folded = fold(name)
    if not folded:
        return True
    if not _GENERIC_START.match(folded):
        return False
    return bool(_VAGUE_MARK.search(folded)) or all(w.strip(",") in _VAGUE_WORDS for w in folded.split())


def unit_key(name: str, issuer: str | None = None, parent_issuer: str | None = None, place: str | None = None) -> str:
    """A key that is the same for one unit however a letter writes it, and
    differs for same-named units of different bodies."""
    key = fold(name)
    m = _RELATIVE_TAIL.search(name)
    if m and issuer:
        tail = fold(m.group(1))
        owner = issuer if fold(issuer).startswith(tail) else (parent_issuer or issuer)
        key = key[: len(key) - len(tail)].rstrip() + " " + fold(owner)
        key = key.strip()
    if _LOCAL.match(key) and place and fold(place) not in key:
        key = f"{key} @{fold(place)}"
    return key
