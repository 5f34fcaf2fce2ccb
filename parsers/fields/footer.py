"""Un-merge a footer whose two columns were flattened into one, line by line.

Text converted from Word tables, legacy .doc files and OCR often reads
`Nơi nhận: KT. BỘ TRƯỞNG` / `- Như trên; THỨ TRƯỞNG` / `- Công báo Vũ Văn
Ninh`: the distribution list on the left, the signature block on the right.
Readers that see positions never produce this; for the rest, this step
splits such lines so the `Nơi nhận` entries come first and the signature
lines after them, as the field parsers expect.
"""
from __future__ import annotations

import regex

from congvan.parsers.fields.addressees import NOI_NHAN
from congvan.parsers.fields.header import MOTTO
from congvan.parsers.fields.lines import TextLine, fold_accents, is_upper
from congvan.parsers.fields.numbers import NUMBER_LINE
from congvan.parsers.fields.signer import AUTHORITY, PREFIXES, looks_like_name
from congvan.parsers.fields.vocabulary import KNOWN_OFFICES, OFFICE_CAPS_END

# A right-column piece at the end of a line: a delegation, an office in
# capitals, or a signature mark.
# Mid-line a lone `Q.` is too ambiguous to split on; the other prefixes are not.
_AUTH_INSIDE = regex.compile(rf"\s(?P<right>(?:{'|'.join(p for p in PREFIXES if p != 'Q')})\s*[./]\s*\S.*)$")
_TRAILING_CAPS = regex.compile(r"\s(?P<right>(?:\p{Lu}+\s){0,5}\p{Lu}+)$")
_SIG_MARK = regex.compile(r"\s*\((?:ĐÃ KÝ|Đã ký|đã ký|KÝ|Ký)[^)]{0,20}\)\s*")
_CAPS_THEN_NAME = regex.compile(
    r"\s(?P<right>(?P<office>(?:\p{Lu}+\s){0,5}\p{Lu}+)\s+(?P<name>\p{Lu}\p{Ll}+(?:\s\p{Lu}\p{Ll}+){1,4}))$")
_NAME_TAIL = regex.compile(r"\s(?P<right>(?:\p{Lu}\p{Ll}+\s){1,4}\p{Lu}\p{Ll}+)$")


_FOLDED_OFFICES = tuple(sorted(KNOWN_OFFICES, key=len, reverse=True))


def _office_end(text: str) -> bool:
    """Capitals ending in an office, with or without its accents (OCR: `PHO TONG CUC TRUONG`)."""
    if OFFICE_CAPS_END.search(text):
        return True
    f = " ".join(fold_accents(text).split())
    return any(f == o or f.endswith(" " + o) for o in _FOLDED_OFFICES)


def _piece(line: TextLine, a: int, b: int) -> TextLine:
    text = line.text[a:b]
    lead = len(text) - len(text.lstrip())
    text = text.strip()
    return TextLine(text, line.start + a + lead, line.start + a + lead + len(text), line.index)


def unmerge_footer(lines: list[TextLine], start: int) -> list[TextLine]:
    """Lines with the footer from the `Nơi nhận` line at `start` split into
    its left column first and its right column after; other lines untouched."""
    left: list[TextLine] = []
    right: list[TextLine] = []
    interleaved = False
    for line in lines[start:]:
        text = _SIG_MARK.sub(" ", line.text)
        if text != line.text:
            line = TextLine(" ".join(text.split()), line.start, line.end, line.index)
            interleaved = True
        cut = None
        if interleaved and looks_like_name(line.text):
            right.append(line)
            continue
        m = _AUTH_INSIDE.search(line.text)
        if m and not AUTHORITY.match(line.text):
            cut = m.start("right")
        else:
            m = _TRAILING_CAPS.search(line.text)
            n = _CAPS_THEN_NAME.search(line.text)
            if m and _office_end(m["right"]) and not is_upper(line.text[: m.start()]):
                cut = m.start("right")
            elif n and _office_end(n["office"]) and looks_like_name(n["name"]) and not is_upper(line.text[: n.start()]):
                # `- Lưu: VT, CN. THỦ TƯỚNG Phạm Minh Chính`: the whole signature row on the list's last line.
                cut = n.start("right")
            elif interleaved and not NOI_NHAN.match(fold_accents(line.text)) and not any(looks_like_name(r.text) for r in right):
                n = _NAME_TAIL.search(line.text)
                if n and looks_like_name(n["right"]) and line.text[: n.start()].strip():
                    cut = n.start("right")
        if cut is None:
            left.append(line)
            continue
        interleaved = True
        left.append(_piece(line, 0, cut))
        right.append(_piece(line, cut, len(line.text)))
    if not interleaved:
        return lines
    merged = lines[:start] + [l for l in left if l.text] + right
    return [TextLine(l.text, l.start, l.end, i) for i, l in enumerate(merged)]


def enclosure_start(lines: list[TextLine], footer: int) -> int | None:
    """Index where a second document begins after the letter's footer (an
    enclosed copy of a letter it answers: its own motto or `Số:` line), or None.
    What follows belongs to that document, not to this letter's record."""
    for i in range(footer + 1, len(lines)):
        text = lines[i].text
        m = NUMBER_LINE.match(text)
        if MOTTO.search(fold_accents(text)) or (m and m["colon"]):
            return i
    return None
