"""The letter's header: issuing bodies, number and symbol, place and date,
document type, subject, urgency marks; and where the header ends.

Input is the list of `TextLine`s in reading order (left header column before
the right one, as every reader emits). The header runs from the top to the
first body line (`Kính gửi`, `Căn cứ`, `Thực hiện` ... or the first long
paragraph). When the issuer block is missing (a pasted letter starting at
its number line), the issuer comes from the symbol's issuer code.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import regex

from congvan.models.records import DocumentNumber, PartialDate
from congvan.parsers.fields.codes import issuer_codes, type_titles
from congvan.parsers.fields.dates import PLACE_DATE, build_date, group, read_date, search_long
from congvan.parsers.fields.issuers import Bodies, is_place, nearest_province, read_bodies, starts_body
from congvan.parsers.fields.lines import TextLine, fold_accents, is_upper, upper_share
from congvan.parsers.fields.numbers import CITED, NUMBER_LINE, SYMBOL, ParsedNumber, parse_number, split_symbol
from congvan.parsers.fields.vocabulary import LEVEL_START, OFFICE_START, ordinary_case
from congvan.parsers.syllables import is_syllable, syllable_share

# Folded (accent-free, lower-case) markers; OCR loses accents, so match folded.
# OCR bends the motto (`Ty do - Hanh phức`, `lự do`), so its pieces are matched loosely.
MOTTO = regex.compile(
    r"c[o0]ng\s*h[o0]a\s*x[a4]\s*h[o0]i|doc\s*lap\s*-|doc\s*lap\s*tu\s*do|(?<![a-z])[tl][uy]\s*do\s*-?\s*h[a4]nh|"
    r"h[a4]nh\s*phuc$|chu\s*nghia\s*viet\s*nam|(?<![a-z])[tl][uy]\s*do\s*-?\s*$|"
    # Seal debris read between the motto's words (`Độc ST lập HH - Tự do SkK - Hạnh phúc`):
    # no Vietnamese syllable lacks a vowel, debris often does.
    r"(?<![a-z])doc(?:\s+[^\saeiouy]{1,3}){1,2}\s+lap\b(?=.*(?:[tl][uy]\s*do|h[a4]nh\s*phuc))"
)
_BODY_START = regex.compile(
    r"^(?:kinh\s*gui|can\s*cu|thuc\s*hien|trien\s*khai|theo\s*(?:de\s*nghi|chi\s*dao|quy\s*dinh|bao\s*cao)|"
    r"tra\s*loi|phuc\s*dap|ngay\s*\d|vua\s*qua|nham\s|de\s|dieu\s*1\b|chuong\s*[ivx1]|phan\s*(?:i|thu|1)\b|"
    r"[a-z\s]{0,40}dien\s*:$|"
    # `Kính` under a receipt stamp: OCR keeps only `... gửi:` at the end of the line.
    r".{0,60}\sgui\s*:$)"
)
_ESIGN = regex.compile(r"^(?:ky\s*boi|thoi\s*gian\s*ky|dia\s*chi|email|co\s*quan\s*:|ngay\s*ky|to\s*chuc\s*:|ky\s*so)")
# Marks stamped under the number: urgency (độ khẩn) and secrecy (độ mật) are two things.
_URGENT = regex.compile(r"^(?:hoa\s*toc|thuong\s*khan|khan)(?:\s|$)")
_SECRET = regex.compile(r"^(?:tuyet\s*mat|toi\s*mat|mat)(?:\s|$)")
# `V/w`, `V.v`: OCR's readings of `V/v`.
# ... and `V%`, `Viv` (OCR bends the slash).
_VV = regex.compile(r"^\(?\s*(?:V\s?[/.]\s?[vw]\b|V%|V[il|]v\b|Về\s+việc|VỀ\s+VIỆC)\s*[:.]?\s*", regex.IGNORECASE)
_VE = regex.compile(r"^(?:Về|VỀ)\s+(?:việc\s+|VIỆC\s+)?")
_SEPARATOR = regex.compile(r"^[\W_]+$")
# A line naming the authority that issues a decision (`BỘ TRƯỞNG BỘ TÀI CHÍNH`,
# `ỦY BAN NHÂN DÂN TỈNH ...`): it ends the title block.
_AUTHORITY_LINE = regex.compile(
    rf"{OFFICE_START.pattern}|^(?:uy\s*ban\s*nhan\s*dan|hoi\s*dong\s*nhan\s*dan|chinh\s*phu|quoc\s*hoi|ban\s*thuong\s*vu|uy\s*ban)"
)
_GENERIC_HEAD = regex.compile(r"^(?:uy\s*ban\s*nhan\s*dan|ubnd|hoi\s*dong\s*nhan\s*dan|hdnd|chu\s*tich(?:\s*uy\s*ban)?(?:\s*nhan\s*dan)?)$")
_KNOWN = sorted({fold_accents(v): v for v in issuer_codes().values() if len(v) > 5}.items(), key=lambda kv: -len(kv[0]))


def known_body(name: str) -> str:
    """A body whose name OCR stripped of accents or trailed with noise, put
    back to its known spelling when that is certain (`Tong cuc Hai quan`,
    `Bo Tai chinh ot`); anything else unchanged."""
    f = fold_accents(name).strip(" .,-")
    for key, value in _KNOWN:
        if f == key or (f.startswith(key + " ") and len(_NOT_PLAIN_LETTER.sub("", f[len(key):])) <= 3):
            return value
    return name


_ACRONYM = regex.compile(r"(?<![\p{L}])[A-ZĐ]{2,6}(?![\p{L}])")
# A number line OCR bent past reading: at most a short word (`sé;`) before `<digits>/<CODE>-`.
_SYMBOL_IN_LINE = regex.compile(r"^[\W\d_]*(?:\p{L}{1,3}[\W\d_]*)?\d\s*/\s*[A-ZĐ]{2,}[-./]")
_GARBLED_NUMBER = regex.compile(r"^S[ốôoỐÔO6][\s:;.,]")
_LAST_SYMBOL = regex.compile(rf"/\s?(?P<sym>{SYMBOL})\s*$")
_TITLES = sorted(((fold_accents(t), t) for t in type_titles()), key=lambda p: -len(p[0]))


@dataclass
class Header:
    number: DocumentNumber | None = None
    issued: PartialDate | None = None
    place: str | None = None
    issuer: str | None = None
    parent_issuer: str | None = None
    issuer_source: str | None = None
    doc_type: str = "Công văn"
    subject: str | None = None
    urgency: str | None = None
    secrecy: str | None = None
    body_start: int = 0  # index of the first body line
    spans: dict[str, tuple[int, int]] = field(default_factory=dict)
    confidence: dict[str, float] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    bodies: Bodies | None = None  # how the issuer block was read (evidence for confidence)
    doc_type_source: str = "default"  # "title", "symbol", "sentence" or "default"
    subject_source: str | None = None  # "vv", "title", "sentence"


def _cut_motto(line: TextLine) -> str:
    """The part of a line before the national motto (merged OCR columns)."""
    m = MOTTO.search(fold_accents(line.text))
    return line.text[: m.start()].strip(" -") if m else line.text


def _title_of(text: str) -> str | None:
    """`QUYẾT ĐỊNH`, `CÔNG ĐIỆN`, legacy `quyết định của bộ trưởng ...` -> type name."""
    f = fold_accents(text)
    words = text.split()
    if not words:
        return None
    for ft, title in _TITLES:
        if f == ft or (f.startswith(ft + " ") and f[len(ft) + 1:len(ft) + 5] in ("cua ", "lien", "(sua")):
            head = " ".join(words[: ft.count(" ") + 1])
            if is_upper(head) or text.islower():
                return title
    return None


FOOT_DATE_REACH = 2  # lines above the signature block searched for its date


def date_above_signature(h: Header, lines: list[TextLine], sig_at: int | None) -> None:
    """A letter with no date in its header (a submission form, minutes) may
    print it alone just above the signature boxes (`Ngày 19 tháng 8 năm
    2025`): that is its issue date. Sets `h.issued` when the header had none."""
    if h.issued is not None or sig_at is None:
        return
    for line in reversed(lines[max(0, sig_at - FOOT_DATE_REACH):sig_at]):
        taken = _bare_date(h, line, "issue date read from the date line above the signature (none in the header)")
        if taken is not None:
            return


def _bare_date(h: Header, line: TextLine, warning: str) -> bool | None:
    """A line that is only a date, as the issue date (capped confidence, a
    warning): True when taken, False when its date does not exist, None when
    the line is no bare date line."""
    m = search_long(line.text)
    if not (m and _bare_date_line(line.text)):
        return None
    reading = build_date(group(line.text, m, "d"), group(line.text, m, "m"), group(line.text, m, "y"))
    if reading.date is None:
        return False
    h.issued = reading.date
    h.confidence["issued"] = min(reading.confidence, 0.8)
    h.warnings.append(warning)
    h.spans["issued"] = (line.start + m.start(), line.start + m.end())
    return True


def _bare_date_line(text: str) -> bool:
    """A short line that is only a date (an issue line whose place was lost)."""
    m = search_long(text)
    return m is not None and len(text) < 60 and m.start() < 12 and m.end() >= len(text.rstrip(" .)")) - 2


def find_body_start(lines: list[TextLine], limit: int = 80) -> int:
    """Index of the first body line; the header is everything above it."""
    seen_header = False
    for i, line in enumerate(lines[:limit]):
        f = fold_accents(line.text)
        # Body openers first: `Căn cứ Luật ... ngày 18 tháng 02 năm 2025;` has
        # the shape of a place-and-date line but opens the body.
        if _BODY_START.match(f) and not _bare_date_line(line.text):
            return i
        if NUMBER_LINE.match(line.text) or PLACE_DATE.match(f) or MOTTO.search(f) or _title_of(line.text):
            seen_header = True
            continue
        if seen_header and len(line.text) > 160 and not _VV.match(line.text):
            return i
    # No header at all (a pasted body): everything is body.
    return min(len(lines), limit) if seen_header else 0


def _split_at(line: TextLine, at: int) -> tuple[TextLine, TextLine]:
    left = line.text[:at].rstrip(" -|")
    right = line.text[at:].lstrip(" -|")
    cut = line.start + len(line.text) - len(line.text[at:].lstrip(" -|"))
    return (TextLine(left, line.start, line.start + len(left), line.index),
            TextLine(right, cut, line.end, line.index))


def unmerge_columns(zone: list[TextLine]) -> list[TextLine]:
    """Split header lines in which OCR or a flattened table merged the two
    columns (`BỘ TÀI CHÍNH CỘNG HÒA XÃ HỘI ...`, `Số: 3630 /TCT-CS Hà Nội,
    ngày ...`): left pieces in order, then right pieces, as a reader would."""
    left: list[TextLine] = []
    right: list[TextLine] = []
    for line in zone:
        f = fold_accents(line.text)
        cut = None
        m = MOTTO.search(f)
        if m and m.start() > 0 and f[: m.start()].strip(" -|"):
            cut = m.start()
        d = PLACE_DATE.search(f)
        if d and d.start("date") > 0:
            place = _clean_place(group(line.text, d, "place")) or ""
            # A merged row: the subject's last capitals run on into the place
            # (`... thuế GTGT Hà Nội, ngày`): the place is the known place closing them.
            place = _known_tail(place) or place
            at = line.text.rfind(place, 0, d.start("date")) if place else -1
            before = line.text[:at].strip(" -|,") if at > 0 else ""
            # Only a left-column element stands before a merged date line:
            # the number, the V/v subject, or the issuer in capitals.
            if before and (cut is None or at < cut) and (
                NUMBER_LINE.search(before) or _GARBLED_NUMBER.match(before) or _VV.match(before)
                or (is_upper(before) and " " in before)
            ):
                cut = at
        if cut is None:
            (right if m or (d and d.start() == 0) else left).append(line)
            continue
        a, b = _split_at(line, cut)
        left.append(a)
        right.append(b)
    return left + right


def parse_header(lines: list[TextLine], ocr: bool = False) -> Header:
    h = Header()
    body = find_body_start(lines)
    h.body_start = body
    zone = unmerge_columns(lines[:body])

    # Number line.
    num_idx = None
    candidates = []
    for i, line in enumerate(zone):
        m = NUMBER_LINE.search(line.text)
        # Mid-line, only `Số:` with its colon is the letter's own number (a
        # merged OCR header); `... QUYẾT ĐỊNH SỐ 1050/QĐ-SCT` names another one.
        if m and (m.start() == 0 or fold_accents(line.text[: m.start()]).strip(" :|") == "" or
                  m["colon"] and upper_share(line.text[: m.start()]) > 0.6):
            candidates.append((i, line, m))
    # `Số:` with a colon beats a bare `SỐ 1050/...` (an issuer name that
    # wrapped: `ĐOÀN KIỂM TRA THEO QUYẾT ĐỊNH / SỐ 1050/QĐ-SCT`).
    candidates.sort(key=lambda c: (c[2]["colon"] is None, c[0]))
    if candidates:
        i, line, m = candidates[0]
        parsed = parse_number(m["num"], m["sym"])
        if not m["slash"] and not m["hyphen"] and parsed.number:
            parsed = ParsedNumber(parsed.number, parsed.symbol, min(parsed.confidence, 0.7),
                                  "no slash between number and symbol (OCR): read as number and symbol")
        h.number = DocumentNumber(
            number=parsed.number, symbol=parsed.symbol, raw=m.group().strip(), confidence=parsed.confidence,
        )
        h.spans["number"] = (line.start + m.start(), line.start + m.end())
        h.confidence["number"] = parsed.confidence
        if parsed.warning:
            h.warnings.append(parsed.warning)
        num_idx = i
    if num_idx is None:
        # A `Số:` line the grammar cannot read (`Số: 21/24 /TCHQ-TXNK`, `Số;/?!/ /CI-TTHT`):
        # keep the symbol if one stands at its end, never guess the number.
        for i, line in enumerate(zone):
            lead = _GARBLED_NUMBER.match(line.text)
            if not lead:
                continue
            tail = _LAST_SYMBOL.search(line.text)
            symbol = parse_number(None, tail["sym"]).symbol if tail else None
            raw = line.text[lead.end(): tail.start() if tail else len(line.text)].strip()
            h.number = DocumentNumber(number=None, symbol=symbol, raw=line.text, confidence=0.2)
            h.confidence["number"] = 0.2
            h.warnings.append(f"number {raw!r} is garbled: left blank rather than guessed")
            h.spans["number"] = (line.start, line.end)
            num_idx = i
            break

    # Place and date.
    date_idx = None
    for i, line in enumerate(zone):
        m = search_long(line.text, PLACE_DATE)
        if not m or fold_accents(line.text).startswith(("can cu", "thuc hien", "v/v", "ve viec")) or _VV.match(line.text):
            continue
        reading = build_date(group(line.text, m, "d"), group(line.text, m, "m"), group(line.text, m, "y"))
        if reading.date is None and reading.warning is None:
            continue
        h.issued = reading.date
        h.confidence["issued"] = reading.confidence
        if reading.warning:
            h.warnings.append(f"issue date: {reading.warning}")
        h.place = _clean_place(group(line.text, m, "place"))
        near = nearest_province(h.place) if ocr and h.place else None
        if near:
            # OCR misread one letter of a province's name: the province, with its reading kept.
            h.warnings.append(f"place: OCR reading corrected ({h.place!r} -> {near!r})")
            h.place = near
        h.spans["issued"] = (line.start + m.start("date"), line.start + m.end("date"))
        h.spans["place"] = (line.start + m.start("place"), line.start + m.end("place"))
        date_idx = i
        break
    if date_idx is None:
        # A date line whose place OCR lost (`lề) ngày 18 tháng 11 năm 2025`): the date still counts.
        for i, line in enumerate(zone):
            if _bare_date(h, line, "issue date read without its place"):
                date_idx = i
                break

    if h.number is None:
        end = _title_sentence(h, lines[: body + 16])
        if end is not None:  # the title sentence ran past what looked like the body's start
            h.body_start = max(h.body_start, end)

    # Type title and, for non-công văn, the title block as the subject.
    title_idx = None
    for i, line in enumerate(zone):
        if i == num_idx or i == date_idx or _VV.match(line.text):
            continue
        title = _title_of(line.text)
        if title:
            h.doc_type, title_idx = title, i
            h.doc_type_source = "title"
            h.spans["doc_type"] = (line.start, line.end)
            break

    # Subject: the V/v lines, else the lines under the title (unless a title sentence gave it).
    taken = {id(zone[i]) for i in (num_idx, date_idx) if i is not None}
    subject_lines: list[TextLine] = []
    for i, line in enumerate(zone if h.subject is None else []):
        if _VV.match(line.text) and not NUMBER_LINE.match(line.text):
            subject_lines = [line]
            for nxt in zone[i + 1:]:
                if _stops_subject(nxt, taken) or nxt.text[:1].isupper() and subject_lines[-1].text.endswith((".", ";")):
                    break
                subject_lines.append(nxt)
            break
    if not subject_lines and title_idx is not None and h.subject is None:
        # A form's labelled subject field (`Nội dung trình: ...`) is the subject, alone.
        labelled = next((l for l in (zone[title_idx + 1:] + lines[body:])[:12] if _SUBJECT_FIELD.match(fold_accents(l.text))), None)
        if labelled is not None:
            cut = _SUBJECT_FIELD.match(fold_accents(labelled.text)).end()  # type: ignore[union-attr]
            subject_lines = [TextLine(labelled.text[cut:], labelled.start + cut, labelled.end, labelled.index)]
    if not subject_lines and title_idx is not None and h.subject is None:
        # The title block may run past where the body seemed to start.
        following = zone[title_idx + 1:] + lines[body:]
        for nxt in following[:12]:
            if _stops_subject(nxt, taken) or _title_of(nxt.text):
                if subject_lines:
                    break
                continue
            subject_lines.append(nxt)
        if subject_lines and subject_lines[-1].index >= h.body_start:
            h.body_start = subject_lines[-1].index + 1
    if subject_lines:
        text = " ".join(l.text for l in subject_lines)
        text = _VV.sub("", text, count=1)
        text = _VE.sub("", text, count=1).strip()
        if text.startswith("(") is False and text.endswith(")") and "(" not in text:
            text = text[:-1]
        # OCR debris after the subject's full stop (`... khấu trừ thuế. Bey d4`).
        tail = _SENTENCE_TAIL.search(text)
        if tail and not all(is_syllable(w) for w in tail["t"].split()):
            text = text[: tail.start()]
        h.subject = text.strip(" .;:") or None
        h.subject_source = "vv" if _VV.match(subject_lines[0].text) else "title"
        h.spans["subject"] = (subject_lines[0].start, subject_lines[-1].end)

    # Issuing bodies: left-column lines above the number (or title/date/body).
    # The V/v subject or an unreadable number line ends the issuer block too
    # (a number line OCR bent past reading leaves the subject under the bodies).
    vv_idx = next((i for i, l in enumerate(zone) if _VV.match(l.text) or _SYMBOL_IN_LINE.search(l.text)), None)
    stop = min(x for x in (num_idx, title_idx, date_idx, vv_idx, len(zone)) if x is not None)
    org: list[str] = []
    org_lines: list[TextLine] = []
    for line in zone[:stop]:
        text = _cut_motto(line)
        f = fold_accents(text)
        if not text or _SEPARATOR.match(text) or _ESIGN.match(f) or _VV.match(text) or PLACE_DATE.search(fold_accents(text)):
            continue
        if _mark(h, text):
            continue
        names_a_body = starts_body(text) or LEVEL_START.match(f) or known_body(text) != text
        # In a body's name, acronyms (`PHÒNG QLCN`) are words, not debris.
        bare = _ACRONYM.sub(lambda a: "" if not is_syllable(a.group()) else a.group(), text) if names_a_body else text
        quality = syllable_share(bare) if bare.strip() else 0.0
        if len(_NOT_LETTER.sub("", text)) < 3 or _SYMBOL_IN_LINE.search(text):
            continue  # a number line OCR garbled past reading (`sé; 5452 /TCHQ-GSQL`)
        if quality < 0.6 or len(text) > 120 or (quality < 0.95 and not names_a_body):
            continue  # OCR debris of a stamp or a logo
        org.append(text.strip(" -_|"))
        org_lines.append(line)
    found = read_bodies([o for o in org if o])
    h.warnings += found.warnings
    h.bodies = found
    if found.issuer:
        h.issuer, h.parent_issuer = found.issuer, found.parent
        h.issuer_source = "header"
        h.spans["issuer"] = (org_lines[0].start, org_lines[-1].end)
    elif h.number and h.number.symbol:
        _, issuer = split_symbol(h.number.symbol)
        if issuer:
            h.issuer, h.issuer_source = issuer, "symbol"
            h.confidence["issuer"] = 0.8
    if h.doc_type == "Công văn" and title_idx is None and h.number and h.number.symbol and not any(
        _VV.match(l.text) for l in zone
    ):
        implied, _ = split_symbol(h.number.symbol)
        if implied:
            h.doc_type = implied
            h.doc_type_source = "symbol"
    for line in zone[stop:]:  # marks may also stand under the number, below the issuer block
        _mark(h, line.text)
    return h


_TITLE_ALT = "|".join(regex.escape(ft).replace(r"\ ", r"\s+") for ft, _ in _TITLES)
# The Công báo opening: `QUYẾT ĐỊNH CỦA THỦ TƯỚNG CHÍNH PHỦ SỐ 115/2004/QĐ-TTG NGÀY 25
# THÁNG 6 NĂM 2004 VỀ VIỆC ...` — type, issuer, number, date and subject in one
# sentence instead of a header block. Matched on folded text.
_TITLE_SENTENCE = regex.compile(
    rf"(?P<type>{_TITLE_ALT})\s+cua\s+(?P<issuer>.{{3,80}}?)\s+so\s*:?\s*(?P<num>\d{{1,6}}[a-z]?)\s*/\s*"
    rf"(?P<sym>\S+)\s+ngay\s+(?P<date>\d{{1,2}}\s*/\s*\d{{1,2}}\s*/\s*\d{{4}}|\d{{1,2}}\s+thang\s+\d{{1,2}}\s+nam\s+\d{{4}})"
    r"(?:\s+(?:ve\s+viec|ve)\s+(?P<subject>.+))?$"
)


def _title_sentence(h: Header, zone: list[TextLine]) -> int | None:
    """Fill the header from a Công báo title sentence when the letter has no `Số:`
    line; return the index of the first line after the title block, or None."""
    for k in range(min(len(zone), 4)):
        head = _TITLE_SENTENCE.match(fold_accents(" ".join(l.text for l in zone[k:k + 3])))
        if not head:
            continue
        issuer_fold = " ".join(fold_accents(" ".join(l.text for l in zone[k:k + 3]))[head.start("issuer"):head.end("issuer")].split())
        # The sentence runs on to the line that repeats the issuer (the authority
        # line above `Căn cứ`) or to the body.
        lines: list[TextLine] = []
        end = zone[-1].index + 1
        for line in zone[k:]:
            f = " ".join(fold_accents(line.text).strip(" .").split())
            if lines and (f == issuer_fold or _BODY_START.match(f) and not f.startswith("ngay")):
                end = line.index + (f == issuer_fold)
                break
            lines.append(line)
        text = " ".join(l.text for l in lines)
        m = _TITLE_SENTENCE.match(fold_accents(text))
        if not m:
            return None
        parsed = parse_number(group(text, m, "num"), group(text, m, "sym"))
        h.number = DocumentNumber(number=parsed.number, symbol=parsed.symbol, raw=text[m.start("num"):m.end("sym")],
                                  confidence=parsed.confidence)
        h.confidence["number"] = parsed.confidence
        h.issuer = known_body(ordinary_case(group(text, m, "issuer")))
        h.issuer_source = "header"
        h.doc_type = _title_of(group(text, m, "type").upper()) or h.doc_type
        h.doc_type_source = "sentence"
        date = group(text, m, "date")
        reading = read_date(date if "/" in date else "ngày " + date)
        if reading and reading.date:
            h.issued = reading.date
        if m["subject"]:
            h.subject = " ".join(group(text, m, "subject").split()).strip(" .;:")
            h.subject_source = "sentence"
            h.spans["subject"] = (lines[0].start, lines[-1].end)
        h.spans["number"] = (lines[0].start, lines[-1].end)
        return end
    return None


def _mark(h: Header, text: str) -> bool:
    """Record an urgency or secrecy mark line (`HỎA TỐC`, `MẬT`); True if it was one."""
    f = fold_accents(text)
    if len(text) >= 20:
        return False
    if _URGENT.match(f):
        h.urgency = h.urgency or ordinary_case(text)
        return True
    if _SECRET.match(f):
        h.secrecy = h.secrecy or ordinary_case(text)
        return True
    return False


# The subject field of a submission form (phiếu trình): `Nội dung trình:`.
_SUBJECT_FIELD = regex.compile(r"^\W{0,2}noi\s+dung\s+(?:trinh|de\s+nghi)\s*:\s*")
_NOT_PLAIN_LETTER = regex.compile(r"[^a-z]")
_NOT_LETTER = regex.compile(r"[^\p{L}]")
_SENTENCE_TAIL = regex.compile(r"\.\s+(?P<t>\S+(?:\s\S+)?)$")
_PLACE_EDGES = regex.compile(r"^[\W\d_]+|[\W_]+$")


def _stops_subject(line: TextLine, taken: set[int]) -> bool:
    f = fold_accents(line.text)
    return bool(
        id(line) in taken
        or NUMBER_LINE.match(line.text)
        or PLACE_DATE.search(f)
        or MOTTO.search(f)
        or _BODY_START.match(f)
        or _SEPARATOR.match(line.text)
        or (syllable_share(line.text) < 0.5 and not CITED.fullmatch(line.text.strip(" .,;")))  # OCR debris, not a cited number
        or (_AUTHORITY_LINE.match(f) and is_upper(line.text))
        or (f.startswith(("bo ", "bo truong", "thu tuong")) and line.text.islower() and len(line.text) < 60)
    )


def _known_tail(text: str) -> str | None:
    """The shortest run of last words of `text` that is a known place, if a longer text."""
    words = text.split()
    for k in range(len(words) - 1, 0, -1):
        tail = " ".join(words[k:])
        if len(words) > 1 and is_place(tail):
            # A capitalised level word before it is the place's own (`Thành phố Hồ Chí Minh`).
            for n in (2, 1):
                level = " ".join(words[max(k - n, 0):k])
                if k - n >= 0 and level[:1].isupper() and LEVEL_START.match(fold_accents(level) + " "):
                    return f"{level} {tail}"
            return tail
    return None


def _clean_place(text: str) -> str | None:
    text = NUMBER_LINE.sub("", text)
    m = MOTTO.search(fold_accents(text))
    if m:
        text = text[m.end():]
    text = _PLACE_EDGES.sub("", text)
    words = text.split()
    if len(words) > 6 or (words and not words[0][:1].isupper()) or _VV.match(text):
        tail: list[str] = []
        for w in reversed(words):
            if w[:1].isupper() or (tail and fold_accents(w) in ("pho", "xa")):
                tail.insert(0, w)
            else:
                break
        # A level word opens a place only after a capital (`Thành phố Hồ Chí
        # Minh`); `... cấp xã Hà Nội` (a subject run on into the date cell) does not.
        while tail and not tail[0][:1].isupper():
            tail.pop(0)
        words = tail
    return " ".join(words) or None
