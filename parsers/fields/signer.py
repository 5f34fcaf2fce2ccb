"""The signature block: authority prefix (`KT.`, `TM.`, `TL.`, `TUQ.`, `Q.`),
the signer's own title, and the signer's name.

Looks at the lines after the body that the distribution list did not take,
from the bottom up: the name is the last line that reads as a person's name;
above it, past signature marks (`(Đã ký)`), stands the title, and above that
the delegation lines.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import regex
import yaml

from congvan.models.records import Signer, Source
from congvan.parsers.fields.lines import TextLine, fold_accents, is_upper
from congvan.parsers.fields.vocabulary import KNOWN_OFFICES
from congvan.parsers.landmarks import DELEGATION_PREFIXES
from congvan.parsers.syllables import is_syllable

# Delegation prefixes (landmarks.py) and the `K/T` style of old letters.
PREFIXES = (*DELEGATION_PREFIXES, "K/T", "T/M", "T/L")
AUTHORITY = regex.compile(rf"^(?P<p>{'|'.join(PREFIXES)})\s*[./]\s*(?P<rest>\S.*)$")
_SIG_MARK = regex.compile(r"^[\[(]?\s*(?:đã\s*ký|ký|ky|đóng\s*dấu|chữ\s*ký|daky|signed|ký\s*tên)[^\n]{0,30}[\])]?$", regex.IGNORECASE)
_ANNEX = regex.compile(r"^(?:phu\s*luc|bieu\s*mau|mau\s*so|danh\s*muc)\b")
_NOT_NAME = regex.compile(r"^(?:nhu\s*tren|noi\s*nhan|luu\b|kinh\s*gui|cong\s*hoa|doc\s*lap)")
# A line ending in an office word is a title, not a name. Matched with accents
# on a name in ordinary case (`Nguyễn Tiến Trường` is a name, `... trưởng`
# an office), folded on a line in capitals (OCR: `PHO GIAM DOC`).
_OFFICE_END = regex.compile(r"(?:trưởng|đốc|tịch|nhiệm|tướng|thư\s*ký|chánh|ủy\s*viên|cán\s*bộ)$")
_OFFICE_END_FOLDED = regex.compile(r"(?:truong|doc|tich|nhiem|tuong|thu\s*ky|chanh|uy\s*vien|can\s*bo)$")
# Noise OCR leaves around a name: quotes, dashes, stray marks.
_NAME_EDGE = regex.compile(r"^[^\p{L}]+|[^\p{L}]+$")


@lru_cache(maxsize=1)
def surnames() -> frozenset[str]:
    """Family names (folded) from parsers/data/lexicon.yaml."""
    lex = yaml.safe_load((Path(__file__).resolve().parent.parent / "data" / "lexicon.yaml").read_text(encoding="utf-8"))
    return frozenset(fold_accents(n) for n in lex["surnames"])


def office_case(text: str) -> str:
    """`PHÓ GIÁM ĐỐC` -> `Phó Giám đốc`; `BỘ TRƯỞNG, CHỦ NHIỆM` -> `Bộ trưởng, Chủ nhiệm`."""
    text = " ".join(text.split()).strip(" ,;")
    known = [KNOWN_OFFICES.get(fold_accents(p.strip())) for p in text.split(",")]
    if all(known):  # an office OCR stripped of its accents is still that office
        return ", ".join(known)  # type: ignore[arg-type]
    if not is_upper(text):
        return text
    parts = []
    for part in text.split(","):
        words = part.strip().lower().split()
        if not words:
            continue
        if words[0] in ("phó", "q.", "quyền") and len(words) > 1:
            words[1] = words[1].capitalize()
        words[0] = words[0].capitalize()
        # A body named inside the office (`Bộ trưởng Bộ Tài chính`) keeps its head capital.
        for k in range(2, len(words)):
            if words[k] in ("bộ", "sở", "cục", "tổng", "ủy", "ban", "văn"):
                if k + 1 < len(words) and words[k] in ("bộ", "sở", "cục"):
                    words[k + 1] = words[k + 1].capitalize()
                words[k] = words[k].capitalize()
                break
        parts.append(" ".join(words))
    return ", ".join(parts)


def _unmarked_syllable(word: str) -> bool:
    """A syllable OCR stripped of its marks (`Cuong` for `Cường`): its letters
    are those of a known syllable."""
    if not (word.isascii() and word.isalpha()):
        return False
    from congvan.parsers.postocr import fold_syllable, model  # the model loads only when needed

    return fold_syllable(word) in model().index


def looks_like_name(text: str, min_words: int = 2) -> bool:
    text = _NAME_EDGE.sub("", text)
    words = text.split()
    if not min_words <= len(words) <= 6 or _NOT_NAME.search(fold_accents(text)):
        return False
    if _OFFICE_END.search(text.lower()) or (is_upper(text) and _OFFICE_END_FOLDED.search(fold_accents(text))):
        return False
    if not all(is_syllable(w) or _unmarked_syllable(w) for w in words):
        return False
    if (len(words) == 2 or is_upper(text)) and fold_accents(words[0]) not in surnames():
        # `Bộ Tài`, `TRONG LĨNH VỰC HẢI QUAN`: two words, or capitals, are a
        # name only after a family name.
        return False
    titled = all(w[:1].isupper() and (w[1:].islower() or not w[1:]) for w in words)
    return titled or is_upper(text) and len(words) <= 5


_PREFIX_INSIDE = regex.compile(rf"\s(?=(?:{'|'.join(p for p in PREFIXES if p != 'Q')})\s*[./]\s*\S)")
_NAME_AT_END = regex.compile(r"(?:^|\s)(?P<name>\p{Lu}[\p{Ll}\p{M}]*(?:\s+\p{Lu}[\p{Ll}\p{M}]*){1,4})$")
_MARK_INSIDE = regex.compile(r"\s*[\[(]\s*(?:đã\s*ký|ký|ký\s*tên|đã\s*ký\s*và\s*đóng\s*dấu)\s*[\])]\s*", regex.IGNORECASE)
_OFFICES_BY_LENGTH = tuple(sorted(KNOWN_OFFICES, key=len, reverse=True))


def _piece(line: TextLine, a: int, b: int) -> TextLine:
    text = line.text[a:b]
    lead = len(text) - len(text.lstrip())
    text = text.strip()
    return TextLine(text, line.start + a + lead, line.start + a + lead + len(text), line.index)


def split_flat_signature(line: TextLine) -> list[TextLine]:
    """A signature block printed on one line (`KT. GIÁM ĐỐC PHÓ GIÁM ĐỐC Phan
    Thị Thu Cúc`, `TL. CỤC TRƯỞNG KT. TRƯỞNG BAN ... PHÓ TRƯỞNG BAN Phạm Thị
    Minh Hiền`) -> its lines: delegations, the signer's office, the name."""
    text = line.text
    mark = _MARK_INSIDE.search(text)
    if mark and 0 < mark.start() and mark.end() < len(text):
        # `(Đã ký)` between the office and the name: both sides are block lines.
        return [*split_flat_signature(_piece(line, 0, mark.start())), *split_flat_signature(_piece(line, mark.end(), len(text)))]
    m = _NAME_AT_END.search(text)
    if m and m.start("name") > 0 and is_upper(text[: m.start("name")]) and looks_like_name(m["name"]):
        return [*split_flat_signature(_piece(line, 0, m.start("name"))), _piece(line, m.start("name"), len(text))]
    if not is_upper(text):
        return [line]
    cuts = [c.start() for c in _PREFIX_INSIDE.finditer(text)]
    if cuts:
        bounds = [0, *cuts, len(text)]
        pieces = [_piece(line, a, b) for a, b in zip(bounds, bounds[1:])]
        return [*pieces[:-1], *split_flat_signature(pieces[-1])]
    auth = AUTHORITY.match(text)
    if auth:
        # The signer's own office after the delegation's: the longest known office closing the line.
        f = " ".join(fold_accents(auth["rest"]).split())
        for office in _OFFICES_BY_LENGTH:
            head = f[: len(f) - len(office)].replace(",", " ").strip()
            # Both halves are offices: `THỦ TƯỚNG` + `PHÓ THỦ TƯỚNG`, not `TỔNG` + `CỤC TRƯỞNG`.
            if f.endswith(" " + office) and head and any(head == o or head.startswith(o + " ") for o in _OFFICES_BY_LENGTH):
                words = len(office.split())
                parts = text.split()
                cut = len(" ".join(parts[: len(parts) - words]))
                return [_piece(line, 0, cut), _piece(line, cut, len(text))]
    return [line]


# A name line OCR could not read (`tsàng Văn Thuân`, `huy thu dứn® Tứ`) is
# short; more than this many words under the block is body text, not a name.
_GARBLED_NAME_WORDS = 6
_GARBLED_NAME_LINES = 2


def _block_line(text: str) -> bool:
    """A delegation line or an office in capitals (`KT. GIÁM ĐÓC`, `PHO GIẢM
    ĐỌC`: office words are matched folded, so OCR's wrong marks still count)."""
    return bool(AUTHORITY.match(text)) or (is_upper(text) and bool(_OFFICE_END_FOLDED.search(fold_accents(text).rstrip(" .,:;"))))


def _under_garbled_name(candidates: list[TextLine]) -> int:
    """Where the block search starts when no line reads as a name: under the
    last office line when at most two short unreadable lines (the name line
    OCR garbled, debris of the seal) follow it. The delegation and the
    office still stand; the name stays unread."""
    end = len(candidates)
    for k in range(end - 1, max(end - 2 - _GARBLED_NAME_LINES, -1), -1):
        text = candidates[k].text
        if _block_line(text):
            return k + 1
        if len(text.split()) > _GARBLED_NAME_WORDS or _NOT_NAME.search(fold_accents(text)):
            break
    return end


# A submission form (phiếu trình, tờ trình of a unit) closes with boxes side
# by side: `Ý KIẾN CỦA LÃNH ĐẠO PHÒNG` (opinions, signed later by others)
# and `NGƯỜI LẬP PHIẾU TRÌNH` (the one who made and signed the form). The
# maker's heading may close a line the two columns were merged into.
_MAKER = regex.compile(r"(?:^|\s)(?P<head>nguoi\s+(?:lap\s+phieu(?:\s+trinh)?|lap\s+to\s+trinh|trinh))\s*[:.]?$")


def _split_two_names(text: str) -> tuple[str, str] | None:
    """`Đỗ Mạnh Cường Vũ Việt Linh` (two name lines merged) -> both names,
    when exactly one cut leaves two names that each open with a family name."""
    words = _NAME_EDGE.sub("", text).split()
    cuts = [j for j in range(2, len(words) - 1)
            if fold_accents(words[0]) in surnames() and fold_accents(words[j]) in surnames()
            and looks_like_name(" ".join(words[:j])) and looks_like_name(" ".join(words[j:]))]
    if len(cuts) != 1:
        return None
    return " ".join(words[: cuts[0]]), " ".join(words[cuts[0]:])


def _form_maker(candidates: list[TextLine]) -> tuple[Signer, int] | None:
    """The maker of a submission form: the name under `NGƯỜI LẬP PHIẾU
    TRÌNH`, in that heading's column (the right one when the heading closes
    a merged line of two boxes). None when no such heading or no clear name."""
    for k, line in enumerate(candidates[:-1]):
        if not is_upper(line.text):
            continue
        m = _MAKER.search(fold_accents(line.text))
        if m is None:
            continue
        merged = m.start("head") > 0
        for below in candidates[k + 1:k + 3]:
            text = below.text
            if merged:
                pair = _split_two_names(text)
                name = pair[1] if pair else None
            else:
                name = " ".join(_NAME_EDGE.sub("", text).split()) if looks_like_name(text, 2) else None
            if name:
                src = Source(start=line.start, end=below.end)
                return Signer(name=name, title=_maker_title(line.text, m.start("head")), authority=None,
                              source=src), line.index
        # The maker's box is there but its name is not clear: no other box's name instead.
        src = Source(start=line.start, end=line.end)
        return Signer(name=None, title=_maker_title(line.text, m.start("head")), authority=None, source=src), line.index
    return None


def _maker_title(text: str, at: int) -> str:
    title = " ".join(text[at:].rstrip(" :.").split()).lower()
    return title[:1].upper() + title[1:]


def find_signer(lines: list[TextLine], start: int, skip: set[int]) -> tuple[Signer | None, int | None]:
    """(signer, index of the first signature-block line) in lines[start:]."""
    candidates = [p for l in lines[start:] if l.index not in skip for p in split_flat_signature(l)]
    maker = _form_maker(candidates)
    if maker is not None:
        return maker
    # An annex after the signature (`Phụ lục 01`) is another part: stop there.
    for k, line in enumerate(candidates):
        if k > 2 and _ANNEX.match(fold_accents(line.text)) and any(AUTHORITY.match(c.text) or looks_like_name(c.text, 3) for c in candidates[:k]):
            candidates = candidates[:k]
            break
    if not candidates:
        return None, None
    name_at = None
    for k in range(len(candidates) - 1, -1, -1):
        text = candidates[k].text
        if _SIG_MARK.match(text):
            continue
        # Two-word names (`Lê Lợi`) only under a title line: alone they are too
        # often a place or a fragment (`Hà Nội`, `Bộ Tài`).
        under_title = k > 0 and (is_upper(candidates[k - 1].text) or _SIG_MARK.match(candidates[k - 1].text))
        if looks_like_name(text, 2 if under_title else 3) and not AUTHORITY.match(text):
            name_at = k
            break
        if len(candidates) - k > 6:
            break
    auth_lines: list[TextLine] = []
    title_lines: list[TextLine] = []
    top = name_at if name_at is not None else _under_garbled_name(candidates)
    k = top - 1
    block: list[TextLine] = []
    while k >= 0 and top - k <= 6:
        line = candidates[k]
        if _SIG_MARK.match(line.text):
            k -= 1
            continue
        if not (is_upper(line.text) or AUTHORITY.match(line.text)) or len(line.text) > 80:
            break
        block.insert(0, line)
        k -= 1
    # Delegation lines are the prefixed ones and their comma continuations.
    i = 0
    while i < len(block):
        if AUTHORITY.match(block[i].text) or (auth_lines and auth_lines[-1].text.rstrip().endswith(",")):
            auth_lines.append(block[i])
            i += 1
        elif not auth_lines:
            # Lines above the first prefix are not part of the signature.
            if any(AUTHORITY.match(b.text) for b in block[i + 1:]):
                i += 1
                continue
            title_lines.append(block[i])
            i += 1
        else:
            title_lines.append(block[i])
            i += 1
    authority = None
    if auth_lines:
        parts = []
        for line in auth_lines:
            m = AUTHORITY.match(line.text)
            if m:
                prefix = {"K/T": "KT", "T/M": "TM", "T/L": "TL"}.get(m["p"], m["p"])
                parts.append(f"{prefix}. {office_case(m['rest'])}")
            else:
                parts[-1] = f"{parts[-1]}, {office_case(line.text)}"
        authority = " ".join(parts)
    title = office_case(" ".join(l.text for l in title_lines[-1:])) if title_lines else None
    name = " ".join(_NAME_EDGE.sub("", candidates[name_at].text).split()) if name_at is not None else None
    if name and is_upper(name):
        name = " ".join(w.capitalize() for w in name.split())
    if not (name or authority or title):
        return None, None
    used = ([candidates[name_at]] if name_at is not None else []) + auth_lines + title_lines
    first = min(l.index for l in used)
    src = Source(start=min(l.start for l in used), end=max(l.end for l in used))
    return Signer(name=name, title=title, authority=authority, source=src), first
