"""The issuing bodies of a header block: which lines make the issuer and its
parent, in what spelling, and whether they are names at all.

Flow: `header.parse_header` collects the left-column lines above the number
(motto cut off, stamps and marks skipped) -> `read_bodies()` -> issuer and
parent (or null and a warning) with the evidence the confidence is built on.

- A name wrapped over two or three lines is one name: a line that starts
  with `và`, `-`, a place (`BÀ RỊA - VŨNG TÀU` under `BAN QUẢN LÝ CÁC KHU
  CÔNG NGHIỆP`) or that completes a known name (`VIỆT NAM` under `NGÂN HÀNG
  NHÀ NƯỚC`), or that follows a bare head (`TRƯỜNG ĐẠI HỌC`), continues the
  line above. A line that starts with a body's head word is a body of its
  own: the parent is never the first half of the issuer's name.
- OCR debris is cut: motto pieces merged into the line (`ộc lập - Tụ o
  Hañf phúc`), non-words after a known name (`TỔNG CỤC THUẾ WENGHEX`).
- Spelling and case come from the lexicon (parsers/data/lexicon.yaml and the
  issuer names of codes.yaml), matched on letters alone (`Thủ tướng
  CHÍNHPHỦ`, `Cuc THUE`), else from the capitals rule of `ordinary_case`.
- A name must start with a body's head word (`Bộ`, `Sở`, `UBND` ...) or be a
  known body; anything else (`Giờ --- Ngày Xe kính chuyển`, `Nam và Hàn
  Quốc`) is no issuer: null and a warning, never a guess.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import regex
import yaml

from congvan.parsers.fields.codes import issuer_codes
from congvan.parsers.fields.lines import fold_accents, is_upper
from congvan.parsers.fields.vocabulary import BODY_HEAD, BODY_HEADS, FOLDED_LEVELS, LEVEL_START, ordinary_case
from congvan.parsers.syllables import is_syllable

_DATA = Path(__file__).resolve().parent.parent / "data"
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# Pieces of the national motto that OCR merged into the issuer's line, folded.
_MOTTO_PIECE = regex.compile(r"(?:^|\s)(?:d?oc\s*lap\b|lap\s*-\s*t|t[uy]\s*do\s*-|h[a-z]{2,3}\s+phuc\b|cong\s*hoa\s*xa)")
# A line that goes on from the line above: a connector at its start.
_CONTINUES = regex.compile(r"^(?:va|cua|-|&|,|thuoc)(?:\s|$)")
_OPEN_END = regex.compile(r"(?:,|-|&|\s(?:va|cua|cac))$")
_TRAIL = regex.compile(r"[\s_|.:;]+$")
_NOT_KEY = regex.compile(r"[^a-z0-9]")
_LETTERS = regex.compile(r"\p{L}+")
_NOT_LETTER = regex.compile(r"[^\p{L}]")


@dataclass
class Bodies:
    """What the header block names: issuer and parent (None when not a name),
    whether each matched a known body, and what was cut or refused."""

    issuer: str | None = None
    parent: str | None = None
    issuer_known: bool = False
    parent_known: bool = False
    repaired: bool = False  # lines joined over noise, debris cut, case broken
    warnings: list[str] = field(default_factory=list)


def _key(text: str) -> str:
    """Letters and digits only, folded: `LAO ĐỘNG-THƯƠNG BINH` = `Lao động - Thương binh`."""
    return _NOT_KEY.sub("", fold_accents(text))


_LEVEL_WORDS = {fold_accents(w): w for w in ("tỉnh", "thành phố", "huyện", "quận", "xã", "phường", "thị xã", "thị trấn")}


@lru_cache(maxsize=1)
def _lexicon() -> tuple[dict[str, str], frozenset[str], frozenset[str], dict[str, str], tuple[str, ...]]:
    """(known bodies by key, place keys, bare head keys, place spelling by key,
    extra head words)."""
    lex = yaml.load((_DATA / "lexicon.yaml").read_text(encoding="utf-8"), Loader=_LOADER)
    places = yaml.load((_DATA / "places.yaml").read_text(encoding="utf-8"), Loader=_LOADER)
    known: dict[str, str] = {}
    for name in [*lex["bodies"], *lex["local_bodies"], *(v for v in issuer_codes().values() if len(v) > 5)]:
        known.setdefault(_key(name), name)
    spelled = {_key(p): p for p in [*places["districts"], *places["provinces"]]}
    heads = frozenset(_key(h) for h in [*BODY_HEADS, *lex["name_heads"], "Trường Đại học", "Trường Cao đẳng", "Đại học"])
    extra = tuple(sorted((fold_accents(h) for h in lex["name_heads"]), key=len, reverse=True))
    return known, frozenset(spelled), heads, spelled, extra


def known_name(text: str) -> str | None:
    """The lexicon's spelling of a body whose letters `text` spells, else None."""
    return _lexicon()[0].get(_key(text))


def _known_prefix(text: str) -> tuple[str, str] | None:
    """(known body, the rest of the line) for the longest known body `text` starts with."""
    words = text.split()
    known = _lexicon()[0]
    for n in range(min(len(words), 12), 0, -1):
        name = known.get(_key(" ".join(words[:n])))
        if name:
            return name, " ".join(words[n:])
    return None


def is_place(text: str) -> bool:
    """A place name, with or without its level word (`TỈNH LÀO CAI`, `Bà Rịa - Vũng Tàu`)."""
    f = fold_accents(text)
    m = LEVEL_START.match(f)
    rest = text[m.end():] if m else text
    return _key(rest) in _lexicon()[1]


def _noise(rest: str) -> bool:
    """Words after a known name that no name has: non-syllables that are no code."""
    words = _LETTERS.findall(rest)
    if not words:
        return bool(rest.strip(" -_.,|"))
    bad = [w for w in words if not is_syllable(w) and not (w.isupper() and len(w) <= 5)]
    return bool(bad) or _MOTTO_PIECE.search(fold_accents(rest)) is not None


def clean_line(text: str) -> tuple[str, bool]:
    """A header line without merged motto pieces and trailing debris: (text, cut?)."""
    cut = False
    m = _MOTTO_PIECE.search(fold_accents(text))
    if m and m.start() > 0:
        text, cut = text[: m.start()], True
    text = _TRAIL.sub("", text).strip()
    pre = _known_prefix(text)
    # After a known name: non-words, or a scrap of two or three letters (`Bo Tai chinh ot`).
    if pre and pre[1] and not is_place(pre[1]) and (_noise(pre[1]) or len(_NOT_LETTER.sub("", pre[1])) <= 3):
        words = text.split()
        kept = len(words) - len(pre[1].split())
        text, cut = " ".join(words[:kept]), True
    return text, cut


def _bare_head(text: str) -> bool:
    """A head that needs a name after it (`TRƯỜNG ĐẠI HỌC`, `UBND TỈNH`), not a
    body named by its head alone (`CHÍNH PHỦ`)."""
    key = _key(text)
    if key in _lexicon()[0]:
        return False
    words = fold_accents(text).split()
    return key in _lexicon()[2] or bool(words) and words[-1] in FOLDED_LEVELS


def _complete(text: str) -> bool:
    """A known body, alone or with its place (`CỤC THUẾ TỈNH BẮC NINH`)."""
    return spell(text)[1]


def split_merged(text: str) -> list[str]:
    """A header row flattened onto one line (`BỘ TÀI CHÍNH CỤC THUẾ`, `UBND
    TỈNH LÀO CAI SỞ CÔNG THƯƠNG`) -> the two bodies: cut where a body's head
    word follows a complete name (a known body, with its place if any)."""
    words = text.split()
    for i in range(1, len(words)):
        rest = " ".join(words[i:])
        if starts_body(rest) and _complete(" ".join(words[:i])) and is_name(rest) and not _complete(text):
            return [" ".join(words[:i]), *split_merged(rest)]
    return [text]


def starts_body(text: str) -> bool:
    """The text starts with a head word of a body's name (`Sở`, `UBND`, `BQL`, `Thuế tỉnh`)."""
    f = fold_accents(text)
    return bool(BODY_HEAD.match(f)) or any(f == h or f.startswith(h + " ") for h in _lexicon()[4])


def join_wrapped(lines: list[str]) -> list[str]:
    """Header lines -> body names, joining a name wrapped over lines."""
    bodies: list[str] = []
    for text in lines:
        f = fold_accents(text)
        if bodies:
            prev = bodies[-1]
            joined = f"{prev} {text}"
            known_join = known_name(joined) is not None and known_name(text) is None
            if (
                _CONTINUES.match(f)
                or _OPEN_END.search(fold_accents(prev))
                or _bare_head(prev)
                or known_join
                or (is_place(text) and not starts_body(text) and not _has_place(prev))
                or (LEVEL_START.match(f) and not starts_body(text))
                or (not _complete(prev) and (
                    (" " not in text.strip() and is_syllable(text.strip()) and not starts_body(text))
                    or (text[:1].islower() and not prev.islower())))
            ):
                bodies[-1] = joined
                continue
        bodies.append(text)
    return bodies


def _has_place(text: str) -> bool:
    words = text.split()
    return any(is_place(" ".join(words[i:])) for i in range(1, len(words)))


def spell(name: str) -> tuple[str, bool]:
    """A body's name in its known spelling, or in ordinary case: (name, known?)."""
    name = " ".join(name.split())
    known = known_name(name)
    if known:
        return known, True
    pre = _known_prefix(name)
    if pre and pre[1] and is_place(pre[1]):
        # `CỤC THUẾ TP HÀ NỘI`: a known body and its place.
        return f"{pre[0]} {place_spelling(pre[1])}", True
    words = name.split()
    for i in range(1, len(words)):
        tail = " ".join(words[i:])
        if is_place(tail):
            # `BQL CÁC KHU CÔNG NGHIỆP BÀ RỊA – VŨNG TÀU`: the place keeps its capitals.
            return f"{ordinary_case(_caps(' '.join(words[:i])))} {place_spelling(tail)}", False
    return ordinary_case(_caps(name)), False


def place_spelling(text: str) -> str:
    """`TỈNH BẮC NINH`, `tịnh Bắc Ninh` -> `tỉnh Bắc Ninh`: the level word and
    the place as the lexicon spells them (ordinary case when unknown)."""
    m = LEVEL_START.match(fold_accents(text))
    level, rest = (text[: m.end()].strip(), text[m.end():]) if m else ("", text)
    place = _lexicon()[3].get(_key(rest))
    if place is None:
        return ordinary_case(_caps(text))
    if level:
        level = level if level.isupper() and len(level) <= 3 else _LEVEL_WORDS.get(fold_accents(level).rstrip("."), level.lower())
    return f"{level} {place}".strip()


def _caps(name: str) -> str:
    """A name whose case OCR broke (`Cuc THUE TP Hà Nội`) read as the capitals it was printed in."""
    words = [w for w in name.split() if _LETTERS.search(w)]
    caps = sum(1 for w in words if is_upper(w) and is_syllable(_NOT_LETTER.sub("", w) or "x"))
    return name.upper() if words and 0 < caps < len(words) and caps * 2 >= len(words) else name


def is_name(name: str) -> bool:
    """A body's name: it starts with a head word or is a known body."""
    return starts_body(name) or known_name(name) is not None


def read_bodies(lines: list[str]) -> Bodies:
    """Issuer (the lowest body) and parent (the one above) from header lines."""
    out = Bodies()
    cleaned: list[str] = []
    for line in lines:
        text, cut = clean_line(line)
        if cut:
            out.repaired = True
        cleaned.extend(p for p in split_merged(text) if p)
    bodies = [b.strip(" -,") for b in join_wrapped(cleaned)]
    if not bodies:
        return out
    if len(bodies) < len(cleaned):
        out.repaired = out.repaired or any(_bare_head(b) for b in cleaned)
    # The issuer is the lowest line that names a body; debris under it (a
    # stamp, a subject line) is dropped with a warning, at most two lines.
    at = len(bodies) - 1
    while at >= 0 and not is_name(bodies[at]) and len(bodies) - at <= 2:
        out.warnings.append(f"issuer {bodies[at]!r} in the header is not the name of a body: left blank")
        out.repaired = True
        at -= 1
    issuer = bodies[at] if at >= 0 and is_name(bodies[at]) else None
    parent = bodies[at - 1] if issuer is not None and at >= 1 else None
    if issuer is not None:
        out.issuer, out.issuer_known = spell(issuer)
    if parent is not None:
        if is_name(parent):
            out.parent, out.parent_known = spell(parent)
            if fold_accents(out.parent) == fold_accents(out.issuer or ""):
                out.parent, out.parent_known = None, False  # a logo line repeating the name
        else:
            out.warnings.append(f"parent body {parent!r} in the header is not the name of a body: left blank")
            out.repaired = True
    return out


def nearest_province(text: str) -> str | None:
    """The one province whose name differs from `text` by a single letter once
    folded (`Tào Cai` -> `Lào Cai`: OCR misread one letter), else None."""
    key = _key(text)
    if not key or key in _lexicon()[1]:
        return None
    hits = {name for k, name in _provinces().items()
            if len(k) == len(key) and sum(a != b for a, b in zip(k, key)) == 1}
    return hits.pop() if len(hits) == 1 else None


@lru_cache(maxsize=1)
def _provinces() -> dict[str, str]:
    places = yaml.load((_DATA / "places.yaml").read_text(encoding="utf-8"), Loader=_LOADER)
    return {_key(p): p for p in places["provinces"]}
