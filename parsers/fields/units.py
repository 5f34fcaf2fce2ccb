"""The unit recogniser: noun phrases that name who acts (DOMAIN.md §5),
cut out of running text and normalised.

Flow: file -> reader -> normalise -> field parsers -> action items. The
task stage (`task_sentences.py`, `tasks.py`) asks this module for the units a
heading, an assigning sentence (`Giao ...`, `Yêu cầu ...`, `Đề nghị ...`,
`<unit> chủ trì, phối hợp với <units>`) or a preamble names; each comes back
as the unit's own name (an office names its unit: `Chánh Thanh tra Bộ` is
Thanh tra Bộ) plus a `unit_key` that qualifies relative names by the body
they belong to (Văn phòng Sở of Sở Công Thương Khánh Hòa is not Văn phòng Bộ
of Bộ Công Thương).

A unit name runs from a head word (`Sở`, `Bộ`, `Văn phòng`, `Ủy ban nhân
dân` ... from `vocabulary.yaml` and `units.yaml`) to the first word that
starts the predicate: a verb or adverb of `units.yaml` written in lower case,
as running text writes verbs (`Tổ chức` inside `Vụ Tổ chức cán bộ` is
capitalised and stays in the name), sentence punctuation, or a comma followed
by a word that cannot go on the name. A class (`các sở, ban, ngành, đoàn thể
tỉnh`) runs on through its kinds; a plural head before a colon
(`Các Bộ: Quốc phòng, Tài chính`, `UBND các tỉnh: Gia Lai, Đắk Lắk`) gives
one unit per name listed. Every scan is bounded (a unit list is at most
`WINDOW` characters), so the stage stays linear in the letter's length.
"""
from __future__ import annotations

import importlib.util
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TypedDict, cast

import regex
import yaml

from congvan.parsers.fields.lines import fold_accents as plain_fold
from congvan.parsers.fields.vocabulary import BODY_HEADS, OFFICES
from congvan.parsers.normalize import OLD_TONE_PAIRS

# The longest unit list worth reading from one position (a công điện names a
# dozen bodies in ~600 characters).
WINDOW = 900


class _Units(TypedDict):
    """The shape of `units.yaml`."""

    extra_heads: list[str]
    not_heads: dict[str, list[str]]
    guarded_heads: list[str]
    extra_offices: list[str]
    person_offices: list[str]
    kinds: list[str]
    vague_words: list[str]
    predicate_words: list[str]
    list_names: list[str]
    not_predicate: dict[str, list[str]]
    role_nouns: list[str]


@lru_cache(maxsize=1)
def _data() -> _Units:
    path = Path(__file__).resolve().parent.parent / "data" / "units.yaml"
    return cast(_Units, yaml.safe_load(path.read_text(encoding="utf-8")))


def _phrase(word: str, *, any_case_first: bool = False) -> str:
    """A word list entry as a pattern: syllables joined by any whitespace,
    the first letter as written (or either case), the rest in any case."""
    parts = word.split()
    first = parts[0]
    head = regex.escape(first[0])
    if any_case_first and first[0].lower() != first[0].upper():
        head = f"[{regex.escape(first[0].upper())}{regex.escape(first[0].lower())}]"
    out = head + (f"(?i:{regex.escape(first[1:])})" if len(first) > 1 else "")
    for p in parts[1:]:
        out += rf"\s+(?i:{regex.escape(p)})"
    return out


def _alternation(words: Iterable[str], *, any_case_first: bool = False) -> str:
    return "|".join(_phrase(w, any_case_first=any_case_first) for w in sorted(set(words), key=len, reverse=True))


_D = _data()
ROLE_NOUNS: tuple[str, ...] = tuple(sorted(_D["role_nouns"], key=len, reverse=True))
_PERSON_OFFICES = tuple(_D["person_offices"])
_HEAD_WORDS = {fold_case for h in (*BODY_HEADS, *_D["extra_heads"]) for fold_case in (h.casefold(),)}
# `Chánh Văn phòng`, `Trưởng ban`: the office is the first word, the rest
# opens the unit's own name (`Chánh Văn phòng Bộ` -> Văn phòng Bộ).
_ALL_OFFICES = sorted({o for o in {*OFFICES, *_D["extra_offices"]} - set(_PERSON_OFFICES)
                       if not (" " in o and o.split(" ", 1)[1].casefold() in _HEAD_WORDS
                               and o.split(" ", 1)[0] in _D["extra_offices"])}, key=len, reverse=True)
# Offices whose holder stands for a unit: `Chánh Thanh tra Bộ` -> Thanh tra
# Bộ, `Vụ trưởng Vụ Tổ chức cán bộ` -> Vụ Tổ chức cán bộ, `Chủ tịch UBND
# tỉnh` -> UBND tỉnh, `Thủ trưởng các đơn vị thuộc Bộ` -> Các đơn vị thuộc Bộ.
# Several-word offices are also written in lower case in running text
# (`giao người đứng đầu các cơ quan`, `lãnh đạo các Bộ, ngành`).
OFFICE = regex.compile(
    r"(?:(?:[Cc]ác\s+)?[Đđ]ồng\s+chí\s+)?(?:[Cc]ác\s+)?(?:Phó\s+|phó\s+)?(?:"
    + "|".join(_phrase(o, any_case_first=(" " in o)) for o in _ALL_OFFICES)
    + r")\s+(?=\S)"
)
# An office with no unit of its own before another office shares that
# office's unit: `Chủ tịch Hội đồng thành viên, Tổng giám đốc các Tập đoàn`.
_SHARED_OFFICE = regex.compile(
    r"(?P<office>(?:[Cc]ác\s+)?(?:Phó\s+)?(?:" + "|".join(_phrase(o, any_case_first=(" " in o)) for o in _ALL_OFFICES)
    + r"))\s*(?:,|\s(?:và|hoặc))\s*(?=(?:[Cc]ác\s+)?(?:Phó\s+)?(?:"
    + "|".join(_phrase(o, any_case_first=(" " in o)) for o in _ALL_OFFICES) + r")\s)"
)
_LEADERSHIP = regex.compile(r"[Ll]ãnh\s+đạo\s+$")
_RELATIVE_ONLY = regex.compile(r"(?:Sở|Bộ|Cục|Tổng\s+cục|Viện|Trường|Ban|UBND\s+tỉnh|Ủy\s+ban\s+nhân\s+dân\s+tỉnh)$")
# `các Cục trưởng, Vụ trưởng thuộc Bộ`: a head word + `trưởng` is the office
# of that kind of unit.
HEAD_OFFICE = regex.compile(r"\b(Cục|Vụ|Sở|Phòng|Ban|Viện|Chi\s+cục|Tổng\s+cục)\s+trưởng\b")


def _head_alternatives() -> str:
    heads = {h for h in (*BODY_HEADS, *_D["extra_heads"]) if h not in OFFICES and h not in _PERSON_OFFICES}
    heads -= {"Lãnh đạo", "Chủ tịch", "Phó Chủ tịch", "Thủ tướng", "Phó Thủ tướng"}
    exceptions = _D["not_heads"]
    alts = []
    for h in sorted(heads, key=len, reverse=True):
        pat = _phrase(h)
        if h in exceptions:
            pat += r"(?!\s+(?:" + "|".join(_phrase(w) for w in exceptions[h]) + r")\b)"
        alts.append(pat)
    # `Thuế` and `Tổ chức` open common nouns and verbs (`Thuế suất`, `Tổ
    # chức họp`): heads only before a name, a place, a list comma or a kind.
    alts.append(r"Thuế(?=\s+(?:tỉnh|thành\s+phố|khu\s+vực|cơ\s+sở|\p{Lu})|\s*,)")
    alts.append(r"Tổ\s+chức(?=\s*(?:,|$|[;:.)/])|\s+(?:\p{Lu}|và\b|tín\s+dụng|kinh\s+tế|chính\s+trị|xã\s+hội"
                r"|đoàn\s+thể|có\b|phải\b|được\b))")
    alts += [_phrase(p) for p in _PERSON_OFFICES if p.startswith("Phó")]
    # `P.ĐTĐH`, `P. KHTC`: an office written as `P.` and its code.
    alts.append(r"P\.\s?\p{Lu}{2,}")
    return "|".join(alts)


_HEADS = _head_alternatives()
PROPER_HEAD = regex.compile(rf"(?:(?:các|Các|những|Những)\s+)?(?:{_HEADS})(?=\s|$|[,;:.)/])")
_KINDS = _alternation(_D["kinds"])
_KINDS_ANY = _alternation(_D["kinds"], any_case_first=True)
# Lower-case heads only open a class with `các` (`các phòng, đơn vị`, `các
# sở, ban, ngành`, `các tổ chức, doanh nghiệp`, `các bộ, cơ quan ngang bộ`).
COLLECTIVE_HEAD = regex.compile(rf"(?:các|Các|những|Những)\s+(?:{_KINDS_ANY})\b")
# A kind word that goes on a class after a comma or `và`.
_KIND_WORD = regex.compile(rf"(?:{_KINDS_ANY})\b")
# After an office, a lower-case kind names the unit: `Thủ trưởng cơ quan
# ngang bộ` is Cơ quan ngang bộ, `Bí thư tỉnh ủy` is Tỉnh ủy.
_LOWER_HEAD = regex.compile(rf"(?:{_KINDS}|tỉnh\s+ủy|thành\s+ủy|huyện\s+ủy)\b")
# Words that start the predicate: a unit name stops before them. Lower case
# on purpose (see the module docstring); `người quyết định đầu tư` is a
# party's name (Luật Xây dựng), not the verb `quyết định`.
def _predicate_pattern() -> str:
    words = []
    for w in sorted(set(_D["predicate_words"]), key=len, reverse=True):
        pat = regex.escape(w).replace(r"\ ", r"\s+")
        if w in _D["not_predicate"]:
            pat += r"(?!\s+(?:" + "|".join(regex.escape(x).replace(r"\ ", r"\s+") for x in _D["not_predicate"][w]) + r")\b)"
        words.append(pat)
    return "(?:" + "|".join(words) + r")\b"


PREDICATE = regex.compile(_predicate_pattern())


@lru_cache(maxsize=1)
def lexicon_words() -> frozenset[str]:
    """underthesea's Vietnamese word list (Hồ Ngọc Đức's 74K words), read
    straight from the installed package: `công lập` is one word, so `lập`
    there starts no predicate."""
    spec = importlib.util.find_spec("underthesea")
    if spec is None or spec.origin is None:
        return frozenset()
    path = Path(spec.origin).parent / "corpus" / "data" / "Viet74K.txt"
    try:
        return frozenset(path.read_text(encoding="utf-8").split("\n"))
    except OSError:
        return frozenset()


def starts_predicate(text: str, at: int, end: int) -> bool:
    """A predicate starts at `at`: a verb or adverb of the list, unless it is
    the second syllable of a word with the syllable before it (`đơn vị sự
    nghiệp công lập`)."""
    m = PREDICATE.match(text, at, end)
    if not m:
        return False
    if _PLURAL_BEFORE.search(text[max(0, at - 8):at]):
        return False  # a noun follows `các`: `Cơ quan thuế các cấp`
    if " " not in m.group() and at >= 2:
        prev = _WORD_BEFORE.search(text[max(0, at - 12):at])
        if prev and prev.group(1)[:1].islower() and f"{prev.group(1)} {m.group()}".lower() in lexicon_words():
            return False
    return True


# Lower-case nouns for bodies and people that open another party after `và`.
_BODY_NOUN = regex.compile(r"(?:các|những|chính\s+quyền|lực\s+lượng|người|nhân\s+dân|cán\s+bộ|công\s+chức|viên\s+chức"
                           r"|hộ|cộng\s+đồng|doanh\s+nghiệp|nhà\s+đầu\s+tư|đối\s+tượng)\b")
# Place words with their accents lost or misread (`tinh, thành phó`).
_FOLDED_PLACE = regex.compile(r"(?:tinh|thanh\s+pho|huyen|quan|thi\s+xa|xa|phuong)\b")
_LOWER_AFTER_OFFICE = regex.compile(r"(?:Thủ\s+trưởng|Người\s+đứng\s+đầu|người\s+đứng\s+đầu)\s+\p{Ll}")
_TEAM_HEAD = regex.compile(r"(?:[Cc]ác\s+)?(?:Đội|Đoàn|Tổ|Nhóm)")
_NUMBERED = regex.compile(r"\p{Ll}+(?:\s+\p{Ll}+){0,3}\s+(?:số\s+)?\d")
_PLACE_WORD = regex.compile(r"(?:tỉnh|thành\s+phố|huyện|quận|thị\s+xã|xã|phường|thị\s+trấn|đặc\s+khu|Thành\s+phố)\b")
_END_PUNCT = regex.compile(r"[.;:!?()\[\]\"“”]")
_TOKEN = regex.compile(r"\s*(,?)\s*(\S+)")
_INNER_TAIL = regex.compile(r"(?P<tail>\s+(?:tại|trên|của)\s+[^\s,;.:()\d]+(?:\s+[^\s,;.:()\d]+)?)\s*,\s*")
_SEP = regex.compile(r"\s*(?:,|;|\s(?:và|hoặc|cùng))\s*")
_RELATED = regex.compile(r"\s+(?:có\s+)?liên\s+quan\b")
# A bare plural office with no unit of its own (`các Cục trưởng`) shares the
# next name's tail: `các Cục trưởng, Vụ trưởng thuộc Bộ` -> Các Cục, Vụ thuộc Bộ.
_BARE_PLURAL = regex.compile(r"^(?:các|Các)\s+(Cục|Vụ|Sở|Phòng|Ban|Viện|Chi\s+cục|Tổng\s+cục)$")
# Bare offices addressed as a class (`Bộ trưởng, Thủ trưởng cơ quan ngang Bộ`).
_BARE_OFFICE = {"bộ trưởng": "Các Bộ", "các bộ trưởng": "Các Bộ"}
_SLASH = regex.compile(r"\s*/\s*(?=\p{Lu})")
# A plural name before a colon list: `Các Bộ`, `UBND các tỉnh`.
_PLURAL_END = regex.compile(r"^(?P<pre>[^,]*?)(?:^|\s)(?:các|Các)\s+(?P<kind>[^\s,]+(?:\s+[^\s,]+)?)$")
_LIST_NAMES = tuple(sorted(_D["list_names"], key=len, reverse=True))
_LIST_SEP = regex.compile(r"\s*(?:,|\s(?:và|hoặc))\s*(?=\p{Lu})")
_ABBREV = (("ủy ban nhân dân", "ubnd"), ("uỷ ban nhân dân", "ubnd"), ("hội đồng nhân dân", "hđnd"))
# Keys keep the old placement, so keys stored by earlier versions stay equal.
_TONES = {new: old for old, new in OLD_TONE_PAIRS.items()}
_VAGUE_WORDS = frozenset(_D["vague_words"])
_GENERIC_START = regex.compile(r"^(?:các\s+|những\s+)?(?:cơ\s+quan|đơn\s+vị|chính\s+quyền|lực\s+lượng|cá\s+nhân|bộ\s+phận"
                                r"|địa\s+phương|cộng\s+đồng|tổ\s+chức|người|ngành)\b")
_VAGUE_MARK = regex.compile(r"liên\s+quan|chức\s+năng|thẩm\s+quyền|\bkhác\b|địa\s+phương|cấp\s+dưới|\bmình\b|trực\s+thuộc$|nghiệp\s+vụ")
# A bare `cơ quan`/`đơn vị` among a partner class's kinds (`các bộ, cơ quan
# liên quan`).
_BARE_GENERIC_KIND = regex.compile(r"(?:các\s+)?(?:cơ\s+quan|đơn\s+vị)(?:\s+(?:có\s+)?liên\s+quan)?")
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
    office: bool = False  # named through an office (`Bộ trưởng Bộ Xây dựng`)


@lru_cache(maxsize=65536)
def name_key(text: str) -> str:
    """A unit's name as a key: case, Unicode form, tone-mark placement and
    UBND abbreviations folded, so the same unit written differently compares
    equal (`Uỷ ban nhân dân tỉnh Khánh Hoà` = `UBND tỉnh Khánh Hòa`). Accents
    stay: `fold_accents` (lines.py) is the other, looser folding."""
    text = unicodedata.normalize("NFC", text).replace("\u00d0", "\u0110").casefold()
    for new, old in _TONES.items():
        text = text.replace(new, old)
    for long, short in _ABBREV:
        text = text.replace(long, short)
    text = _SPACED_DASH.sub("-", text)
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
        if _LEADERSHIP.match(m.group()) and _RELATIVE_ONLY.match(rest):
            break  # `Lãnh đạo Sở`, `Lãnh đạo Bộ`: the leadership is a body of its own
        if not (PROPER_HEAD.match(rest) or COLLECTIVE_HEAD.match(rest) or _LOWER_HEAD.match(rest) or rest[:1].isupper()):
            break
        name = rest
    name = HEAD_OFFICE.sub(lambda m: m.group(1), name)
    return _cap(name)


def _is_start(text: str, pos: int, end: int) -> bool:
    """A new unit starts at `pos` (a head, a class, an office)."""
    return bool(OFFICE.match(text, pos, end) or PROPER_HEAD.match(text, pos, end)
                or COLLECTIVE_HEAD.match(text, pos, end) or HEAD_OFFICE.match(text, pos, end))


_WORD = regex.compile(r"\S+")
# Small patterns of the recogniser, compiled once.
_PLURAL_BEFORE = regex.compile(r"(?:^|\s)(?:các|những)\s+$")
_WORD_BEFORE = regex.compile(r"(\S+)\s+$")
_SPACED_DASH = regex.compile(r"\s*-\s*")
_PLURAL_START = regex.compile(r"(?:các|Các|những|Những)\s")
_TOWARDS = regex.compile(r"\s*(?:đến|tới|với)\b")
_UNDER = regex.compile(r"(?:trực\s+)?thuộc\b")
_HEAD_ALONE = regex.compile(r"\s*(?:[,;.:]|và\b|$|(?:có\s+)?liên\s+quan\b)")
_VAGUE_TAIL = regex.compile(r"(?:,\s*|\s+và\s+(?:các\s+)?)(?:cơ\s+quan|đơn\s+vị|tổ\s+chức)(?:\s+(?:có\s+)?liên\s+quan)$")
_COMMA_NAME = regex.compile(r",\s*\p{Lu}")
_PARTY_COMMITTEE = regex.compile(r"(?:Tỉnh|Thành|Huyện)\s+ủy", regex.IGNORECASE)
_LIST_PARTS = regex.compile(r",|\bvà\b")


def _take_name(text: str, pos: int, end: int, *, generic: bool, lower_ok: bool = False) -> int | None:
    """End of a unit name that starts at `pos`, or None when none starts there.
    `lower_ok`: a lower-case kind may open it (the office before it in the
    list still applies)."""
    m = OFFICE.match(text, pos, end)
    body_at = m.end() if m else pos
    head = PROPER_HEAD.match(text, body_at, end) or (
        COLLECTIVE_HEAD.match(text, body_at, end) if generic or m else None)
    if m and not head and HEAD_OFFICE.match(text, pos, end):
        head = HEAD_OFFICE.match(text, pos, end)
        body_at = pos
    if not head and (m or lower_ok):
        head = _LOWER_HEAD.match(text, body_at, end)
    if not head:
        if m and text[m.end():m.end() + 1].isupper():
            # The upper-case letter after the office opens the name; a window
            # that ends right at the office has no name in it.
            head = _WORD.match(text, body_at, end)
            if head is None:
                return None
        elif m and _BARE_OFFICE.get(" ".join(text[pos:m.end()].split()).casefold()):
            return m.end() - 1
        else:
            return None
    is_class = bool(_PLURAL_START.match(text[head.start():head.start() + 8]))
    i = head.end()
    words = 0
    while i < end and words < 40:
        w = _TOKEN.match(text, i, end)
        if not w:
            break
        token = w.group(2)
        at = w.start(2)
        if _END_PUNCT.match(token):
            break
        if is_class and not w.group(1):
            rel = _RELATED.match(text, i, end)
            if rel and not _TOWARDS.match(text[rel.end():rel.end() + 8]):
                i = rel.end()  # `các khoa, phòng ban (có) liên quan`
                break
        if starts_predicate(text, at, end) and not (
                words == 0 and _TEAM_HEAD.fullmatch(head.group()) and _NUMBERED.match(text, at, end)):
            break  # (right after a bare head, `kiểm tra 814` names a team: `Đội kiểm tra 814`)
        if token in ("và", "hoặc", "cùng"):
            # `Bộ Nông nghiệp và Môi trường` goes on; `Sở Ngoại vụ và chính
            # quyền địa phương`, `... và các Cục trưởng` start something else;
            # a class goes on into a kind (`các xã, phường và đặc khu`).
            nxt = w.end()
            while nxt < end and text[nxt] == " ":
                nxt += 1
            kind_next = is_class and _KIND_WORD.match(text, nxt, end) and not COLLECTIVE_HEAD.match(text, nxt, end)
            # (A lower-case word that is no kind, no body noun and no verb
            # goes on too: `Tổng cục Quản lý vốn và tài sản Nhà nước`.)
            plain_next = (text[nxt:nxt + 1].islower() and not _KIND_WORD.match(text, nxt, end)
                          and not _BODY_NOUN.match(text, nxt, end) and not starts_predicate(text, nxt, end))
            if not kind_next and not plain_next and (_is_start(text, nxt, end) or not (
                    text[nxt:nxt + 1].isupper() or _UNDER.match(text[nxt:nxt + 12]))):
                break
        if w.group(1):
            # `, ` goes on into a capitalised word that opens no new unit, a
            # place (`tỉnh, thành phố`) or, in a class, a kind (`các sở, ban,
            # ngành`) or a head with no name of its own (`các Tập đoàn, Tổng
            # công ty,`); anything else starts the next unit of the list.
            if is_class and (_KIND_WORD.match(text, at, end) or _bare_head(text, at, end)) \
                    and not COLLECTIVE_HEAD.match(text, at, end) and not OFFICE.match(text, at, end) \
                    and (not PROPER_HEAD.match(text, at, end) or _bare_head(text, at, end)):
                pass
            elif starts_predicate(text, at, end) or _is_start(text, at, end):
                break
            elif token[:1].islower() and not _PLACE_WORD.match(text, at, end) \
                    and not _FOLDED_PLACE.match(plain_fold(text[at:at + 12])):
                break
        if token in ("các", "Các") and not is_class:
            is_class = True  # `UBND các tỉnh, thành phố`, `Cục Thuế các tỉnh`
        clean = token.rstrip(",;:.)")
        i = at + len(clean)
        words += 1
        if len(clean) < len(token) and token[len(clean):][:1] in ";:.)":
            break
    return i


def _bare_head(text: str, at: int, end: int) -> bool:
    """A head with no name after it (`Tổng công ty` in `các Tập đoàn, Tổng
    công ty, đơn vị`): a kind of the class, not a body of its own."""
    h = PROPER_HEAD.match(text, at, end)
    if not h:
        return False
    if _HEAD_ALONE.match(text[h.end():h.end() + 16]):
        return True
    nxt = h.end() + 1
    return nxt < end and text[h.end()] == " " and starts_predicate(text, nxt, end)


def find_units(text: str, *, generic: bool = False, start: int = 0) -> list[UnitMention]:
    """The list of units that starts at `start` in `text` (`Chánh Văn phòng
    Bộ, Chánh Thanh tra Bộ, ... và các Cục trưởng, Vụ trưởng thuộc Bộ`).
    `generic` admits classes without a proper name (`các phòng, đơn vị
    thuộc Sở`), as headings and addressees use them. Spans are offsets in
    `text`; at most `WINDOW` characters are read."""
    end = min(len(text), start + WINDOW)
    out: list[UnitMention] = []
    pos = start
    while True:
        while pos < end and text[pos] == " ":
            pos += 1
        shared = _SHARED_OFFICE.match(text, pos, end)
        if shared and " ".join(shared["office"].split()).casefold() not in _BARE_OFFICE \
                and not HEAD_OFFICE.search(shared["office"]):
            pos = shared.end()  # `Chủ tịch Hội đồng thành viên, Tổng giám đốc các Tập đoàn`
            continue
        # `Thủ trưởng cơ quan ngang bộ, cơ quan thuộc Chính phủ`: an office
        # over a lower-case kind goes on over the next lower-case kind.
        lower_ok = bool(out) and out[-1].office and bool(_LOWER_AFTER_OFFICE.match(out[-1].raw))
        stop = _take_name(text, pos, end, generic=generic, lower_ok=lower_ok)
        if stop is None or stop <= pos:
            break
        raw = text[pos:stop].strip(" ,")
        inner = _INNER_TAIL.match(text, stop, end)
        if inner and _is_start(text, inner.end(), end):
            # `Tổng cục Quản lý vốn và tài sản Nhà nước tại doanh nghiệp,
            # Tổng cục trưởng Tổng cục Thuế`: the next unit of the list shows
            # that `tại doanh nghiệp` still belongs to this name.
            stop = inner.end("tail")
            raw = text[pos:stop].strip(" ,")
        stop, listed = _colon_list(text, raw, pos, stop, end)
        if listed:
            out += _share_places(out, listed)
        else:
            is_office = bool(OFFICE.match(raw))
            for part in _split_slash(raw):
                out.append(UnitMention(office_to_unit(part), part, pos, stop, is_office))
        sep = _SEP.match(text, stop, end)
        if not sep:
            break
        pos = sep.end()
    return _merge_bare(out)


def _split_slash(raw: str) -> list[str]:
    return [p for p in _SLASH.split(raw) if p]


def trim_class(name: str) -> str:
    """A class that ends in a vague kind drops it: `các Tập đoàn, Tổng công
    ty, đơn vị liên quan` -> `Các Tập đoàn, Tổng công ty`."""
    if "," not in name:
        return name
    trimmed = _VAGUE_TAIL.sub("", name)
    return trimmed if trimmed != name and not is_vague(trimmed) else name


def _colon_list(text: str, raw: str, pos: int, stop: int, end: int) -> tuple[int, list[UnitMention]]:
    """`Các Bộ: Quốc phòng, Tài chính` and `Chủ tịch UBND các tỉnh: Khánh
    Hòa, Đắk Lắk, Gia Lai` name one unit per listed name."""
    if text[stop:stop + 1] != ":":
        return stop, []
    unit = office_to_unit(raw)
    m = _PLURAL_END.match(unit)
    if not m:
        return stop, []
    pre = m["pre"].strip()
    kind = m["kind"]
    prefix = f"{pre} {kind}" if pre else _cap(kind)
    names: list[str] = []
    i = stop + 1
    while i < end:
        while i < end and text[i] == " ":
            i += 1
        j = _list_item(text, i, end)
        if j <= i:
            break
        names.append(text[i:j].strip())
        i = j
        sep = _LIST_SEP.match(text, i, end)
        if not sep:
            break
        i = sep.end()
    if not names:
        return stop, []
    return i, [UnitMention(f"{prefix} {n}", f"{raw}: {n}", pos, i, True) for n in names]


def _list_item(text: str, i: int, end: int) -> int:
    """End of one name of a colon list: a known name, or capitalised words up
    to a comma; `và` stays inside the name when more names follow it
    (`Nông nghiệp và Môi trường, Xây dựng`)."""
    for name in _LIST_NAMES:
        if text.startswith(name, i) and not text[i + len(name):i + len(name) + 1].isalpha():
            return i + len(name)
    if not text[i:i + 1].isupper():
        return i
    j = _cap_run(text, i, end)
    while True:
        w = _TOKEN.match(text, j, end)
        if not w or w.group(1) or w.group(2) not in ("và", "hoặc"):
            return j
        k = _cap_run(text, w.end(), end)
        if k > w.end() and _COMMA_NAME.match(text[k:k + 4]):
            j = k
            continue
        return j


def _cap_run(text: str, i: int, end: int) -> int:
    """Words from `i` up to a comma, `và`, punctuation or a predicate."""
    while i < end and text[i] == " ":
        i += 1
    if not text[i:i + 1].isupper():
        return i
    j = i
    while j < end:
        w = _TOKEN.match(text, j, end)
        if not w or (w.group(1) and j > i) or _END_PUNCT.match(w.group(2)) or w.group(2) in ("và", "hoặc"):
            break
        tok = w.group(2)
        if tok[:1].islower() and PREDICATE.match(text, w.start(2), end):
            break
        clean = tok.rstrip(",;:.)")
        j = w.start(2) + len(clean)
        if clean != tok:
            break
    return j


def _share_places(before: list[UnitMention], listed: list[UnitMention]) -> list[UnitMention]:
    """`Bí thư tỉnh ủy và Chủ tịch UBND các tỉnh: Khánh Hòa, Gia Lai`: the
    bare `Tỉnh ủy` before the list takes the same places."""
    places = [u.raw.split(": ", 1)[1] for u in listed]
    while before and _PARTY_COMMITTEE.fullmatch(before[-1].name):
        bare = before.pop()
        listed = [UnitMention(f"{_cap(bare.name)} {p}", f"{bare.raw} {p}", bare.start, listed[-1].end, True)
                  for p in places] + listed
    return listed


def _merge_bare(units: list[UnitMention]) -> list[UnitMention]:
    out: list[UnitMention] = []
    i = 0
    while i < len(units):
        u = units[i]
        m = _BARE_PLURAL.match(u.name)
        if m and i + 1 < len(units):
            nxt = units[i + 1]
            out.append(UnitMention(f"Các {m.group(1)}, {nxt.name}", f"{u.raw}, {nxt.raw}", u.start, nxt.end, True))
            i += 2
            continue
        out.append(u)
        i += 1
    return out


def class_subject(text: str) -> int | None:
    """End of a class subject with its qualifier (`Các tổ chức, cá nhân được
    cấp giấy phép thăm dò, khai thác khoáng sản`) when the clause goes on
    with a duty (`có trách nhiệm`, `chịu trách nhiệm`, `phải`), else None."""
    m = _DUTY_SUBJECT.match(text[:WINDOW])
    if not m or _CONDITION_WORD.search(m["unit"]):
        return None
    return m.end("unit")


_CONDITION_WORD = regex.compile(r"\b(?:trường\s+hợp|nếu|khi|thì)\b", regex.IGNORECASE)
_DUTY_SUBJECT = regex.compile(
    rf"(?P<unit>(?:các\s+|Các\s+|(?=\p{{Lu}}))(?:{_KINDS_ANY})(?:\s*,\s*(?:{_KINDS_ANY}))*(?:\s+[^\s,;.:()]+(?:,(?=\s+\p{{Ll}}))?){{0,16}}?)"
    r"\s+(?:có\s+trách\s+nhiệm|chịu\s+trách\s+nhiệm(?!\s+trước)|phải(?!\s+(?:là|chịu\s+trách\s+nhiệm\s+trước)\b))\b"
)


def is_vague(name: str, *, partner: bool = False) -> bool:
    """`các cơ quan, đơn vị có liên quan`, `chính quyền địa phương`, `các
    đơn vị chức năng thuộc Bộ Quốc phòng`: named only as related, no unit.
    A class with a kind (`các sở, ban, ngành liên quan`, `Các đơn vị thuộc
    Bộ`) is one, except as a partner that also names `địa phương` or a bare
    `cơ quan` (`phối hợp với các sở, ngành, địa phương`: everyone concerned)."""
    folded = name_key(name)
    if not folded:
        return True
    if partner and _catch_all(folded):
        return True
    if not _GENERIC_START.match(folded):
        return False
    return bool(_VAGUE_MARK.search(folded)) or all(w.strip(",") in _VAGUE_WORDS for w in folded.split())


def _catch_all(folded: str) -> bool:
    """A partner class that names `địa phương` or a bare `cơ quan`/`đơn vị`
    is the catch-all `everyone concerned` (`các sở, ngành, địa phương có
    liên quan`, `các bộ, cơ quan liên quan`), not a unit to work with."""
    if not folded.startswith(("các ", "những ")):
        return False
    if "địa phương" in folded:
        return True
    parts = [p.strip() for p in _LIST_PARTS.split(folded.split(" ", 1)[1])]
    return any(_BARE_GENERIC_KIND.fullmatch(p) for p in parts)


def unit_key(name: str, issuer: str | None = None, parent_issuer: str | None = None, place: str | None = None) -> str:
    """A key that is the same for one unit however a letter writes it, and
    differs for same-named units of different bodies."""
    key = name_key(name)
    m = _RELATIVE_TAIL.search(name)
    if m and issuer:
        tail = name_key(m.group(1))
        owner = issuer if name_key(issuer).startswith(tail) else (parent_issuer or issuer)
        key = key[: len(key) - len(tail)].rstrip() + " " + name_key(owner)
        key = key.strip()
    if _LOCAL.match(key) and place and name_key(place) not in key:
        key = f"{key} @{name_key(place)}"
    return key
