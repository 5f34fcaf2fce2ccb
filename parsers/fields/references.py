"""References to other documents: find them, read their parts, merge repeats,
and say how this letter relates to each.

Split as eyecite does: `find` locates each mention (a numbered citation such
as `Công văn số 4217/UBND-TH ngày 04/5/2023 của UBND tỉnh Khánh Hòa về việc
...`, a short form `Công điện 280`, or an unnumbered `Công điện của Thủ tướng
Chính phủ ...`); `resolve` merges mentions of one document and fills the
issuer from the symbol or the letter's context; relations come from the
clause a mention opens (`Thực hiện`, `Căn cứ`, `Theo đề nghị`, `kèm theo`,
`sửa đổi, bổ sung`, `thay thế`, `bãi bỏ`). A citation inside another one's
`về việc ...` description belongs to that description: it is an edge of the
cited document, kept in `Reference.cites`, not a relation of this letter.
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass, field

import regex

from congvan.models.records import PartialDate, Reference, Relation, Source
from congvan.parsers.fields.codes import issuer_codes, type_titles
from congvan.parsers.fields.dates import SHORT_DATE, build_date, group, search_long
from congvan.parsers.fields.lines import fold_accents
from congvan.parsers.fields.numbers import CITED, parse_number, split_symbol
from congvan.parsers.keys import number_key

# The type titles, plus words that cite a document without being a title.
_TYPE_WORDS = sorted({*type_titles(), "Văn bản", "Hiến pháp"}, key=len, reverse=True)
_TYPE_ALT = "|".join(regex.escape(t) for t in _TYPE_WORDS)
# `Công văn số`, `văn bản số`, `Quyết định`, `QĐ số` right before a number.
_TYPE_BEFORE = regex.compile(rf"(?i:(?P<type>{_TYPE_ALT}))(?:\s+(?:số|liên\s+tịch\s+số|hợp\s+nhất\s+số))?\s*[:.]?\s*$")
_TYPE_UNNUMBERED = regex.compile(rf"(?<![\p{{L}}])(?P<type>{_TYPE_ALT})\s+của\s+(?=\p{{Lu}})")
_SHORT_FORM = regex.compile(rf"(?<![\p{{L}}])(?P<type>{_TYPE_ALT})\s+(?:số\s+)?(?P<num>\d{{1,6}})(?![\d/])")

# After a citation: `, ngày 19 tháng 4 năm 2023`, `của <issuer>`, `về việc <subject>`.
_AFTER_DATE = regex.compile(
    r"^\s*,?\s*(?:ban\s+hành\s+)?(?:ngày|ngay)\s*[:]?\s*"
    r"(?P<date>\d{1,2}\s?[/.-]\s?\d{1,2}\s?[/.-]\s?\d{4}|\d{1,2}\s*tháng\s*\d{1,2}\s*năm\s*\d{4})"
)
_AFTER_ISSUER = regex.compile(
    r"^\s*,?\s*của\s+(?P<issuer>.+?)(?=\s*(?:[,;:(\n]|\.(?:\s|$)|\s(?:về|ve|V/v|hướng\s+dẫn|quy\s+định|ban\s+hành|"
    r"nhằm|kèm|gửi|đề\s+nghị|tại|đã|thì|và\s+(?:các|chỉ\s+đạo)|trong|ngày|để|theo|với|hỏi|đối\s+với|thông\s+báo|chỉ\s+đạo|"
    r"phê\s+duyệt|sửa\s+đổi|bổ\s+sung|triển\s+khai|thực\s+hiện|có|là|được|cho|như|kiến\s+nghị|xin|hỏi|báo\s+cáo|"
    r"phản\s+ánh|trình|yêu\s+cầu|giao|lần)\b)|$)"
)
_AFTER_SUBJECT = regex.compile(r"^\s*,?\s*(?:về\s+việc|V/v|về)\s+(?P<subject>[^;\n]+?)(?=\s*(?:;|\(|\.(?:\s|$)|$|\n))")
_BEFORE_DATE = regex.compile(r"(?:ngày|đề\s+ngày)\s*(?P<date>\d{1,2}\s*tháng\s*\d{1,2}\s*năm\s*\d{4}|\d{1,2}\s?/\s?\d{1,2}\s?/\s?\d{4})\s*(?:,\s*)?(?:số\s*)?$")

# Clause openers, folded: what this letter does with the document it cites.
_RELATIONS: list[tuple[regex.Pattern[str], Relation]] = [
    (regex.compile(r"(?:^|[;.]\s*)(?:thuc\s*hien|trien\s*khai|thi\s*hanh)\b"), "implements"),
    (regex.compile(r"(?:^|[;.]\s*)can\s*cu\b"), "legal_basis"),
    (regex.compile(r"(?:theo\s*de\s*nghi|tra\s*loi|phuc\s*dap|nhan\s*duoc|da\s*nhan|nhan\s*(?:van\s*ban|cong\s*van)|tiep\s*nhan|xet\s*de\s*nghi|theo\s*(?:van\s*ban|cong\s*van)\s*(?:de\s*nghi|kien\s*nghi))"), "responds_to"),
    (regex.compile(r"(?:sua\s*doi,?\s*bo\s*sung|bo\s*sung\s*va\s*sua\s*doi|sua\s*doi|dinh\s*chinh)(?:\s*(?:mot\s*so\s*(?:dieu|diem|noi\s*dung)|dieu\s*\d+|khoan\s*\d+)\s*(?:cua|tai))?\s*$"), "amends"),
    (regex.compile(r"thay\s*the\s*$"), "replaces"),
    (regex.compile(r"bai\s*bo\s*$"), "repeals"),
    # Only the letter's own enclosure; `ban hành kèm theo Quyết định` is not one.
    (regex.compile(r"(?:^|[(;.]\s*)(?:dinh\s*kem|(?:xin\s*)?gui\s*kem(?:\s*theo)?|kem\s*theo\s*(?:day|ban\s*sao))\s*$"), "attachment"),
]
# `(gửi kèm theo Công văn này)` after a citation: this letter encloses it.
_ENCLOSED_HERE = regex.compile(r"^[^;]{0,120}?\(\s*(?:gui\s*)?kem\s*theo\s*(?:cong\s*van|van\s*ban|thong\s*bao|to\s*trinh)\s*nay")
_SUBJECT_LEAD = regex.compile(r"^\(?\s*(?:v\s?[/.]\s?[vw]|ve\s*viec)\s*[:.]?\s*")
_PRIORITY: dict[str, int] = {"mentions": 0, "attachment": 1, "repeals": 2, "replaces": 2, "amends": 2,
                             "responds_to": 3, "legal_basis": 3, "implements": 4}
_OFFICE_ISSUER = regex.compile(r"^(?:bo\s*truong|thu\s*truong|chu\s*tich|giam\s*doc|tong\s*cuc\s*truong|cuc\s*truong|chanh\s*van\s*phong|pho\s*thu\s*tuong)$")


@dataclass
class Mention:
    start: int
    end: int  # end of the citation proper (number / issuer)
    desc_end: int  # end of its `về việc ...` description
    doc_type: str | None
    number: str | None
    symbol: str | None
    date: PartialDate | None
    issuer: str | None
    subject: str | None
    relation: Relation = "mentions"
    snippet: str = ""
    cue: Relation | None = None
    nested_in: int | None = None
    cites: list[tuple[int, Relation]] = field(default_factory=list)


_SENTENCE_STOP = regex.compile(r"\.\s+(?=\p{Lu})")
# How far back a clause's start is looked for: a citation further into its clause
# than this takes no verb from it anyway (`_relation` wants it within 60 characters).
_CLAUSE_WINDOW = 600


def _clause_start(text: str, pos: int) -> int:
    """Start of the clause holding `pos`: after the last `;`, sentence stop or line break
    (looked for in the window before `pos` only, so a page of one long line stays linear)."""
    lo = max(0, pos - _CLAUSE_WINDOW)
    best = max(text.rfind("\n", lo, pos), text.rfind(";", lo, pos), lo - 1)
    for m in _SENTENCE_STOP.finditer(text, lo, pos):
        best = max(best, m.start())
    return best + 1


class _Taken:
    """Spans already read as citations: disjoint, sorted, so a lookup is a bisection."""

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []
        for a, b in spans:
            self.add(a, b)

    def free(self, a: int, b: int) -> bool:
        i = bisect.bisect_left(self.starts, b) - 1
        return i < 0 or self.ends[i] <= a

    def add(self, a: int, b: int) -> None:
        i = bisect.bisect_left(self.starts, a)
        # Merge with the neighbours it touches, so the spans stay disjoint.
        if i > 0 and self.ends[i - 1] >= a:
            i -= 1
            a = self.starts[i]
        j = i
        while j < len(self.starts) and self.starts[j] <= b:
            b = max(b, self.ends[j])
            j += 1
        self.starts[i:j] = [a]
        self.ends[i:j] = [b]


def _read_after(text: str, pos: int) -> tuple[PartialDate | None, str | None, str | None, int, int]:
    """(date, issuer, subject, end of citation, end of description) after `pos`."""
    rest = text[pos:pos + 600]
    date = None
    cur = 0
    m = _AFTER_DATE.match(rest)
    if m:
        date = _date(m["date"])
        cur = m.end()
    issuer = None
    m = _AFTER_ISSUER.match(rest[cur:])
    if m:
        raw = m["issuer"]
        trimmed = _trim_issuer(raw)
        # A body's name that runs on into the sentence ends where the name does.
        cur += m.start("issuer") + len(trimmed) if trimmed != raw else m.end()
        issuer = " ".join(trimmed.split()).strip(" ,.")
    if date is None:
        m = _AFTER_DATE.match(rest[cur:])
        if m:
            date = _date(m["date"])
            cur += m.end()
    cite_end = pos + cur
    subject = None
    m = _AFTER_SUBJECT.match(rest[cur:])
    desc_end = cite_end
    if m:
        subject = " ".join(m["subject"].split())
        desc_end = pos + cur + m.end()
    else:
        stop = _CLAUSE_END.search(rest[cur:])
        desc_end = pos + cur + (stop.start() if stop else len(rest) - cur)
    return date, issuer, subject, cite_end, desc_end


def _date(text: str) -> PartialDate | None:
    text = "ngày " + text
    m = search_long(text) or SHORT_DATE.search(text)
    if not m:
        return None
    return build_date(group(text, m, "d"), group(text, m, "m"), group(text, m, "y")).date


def find_mentions(text: str, skip: list[tuple[int, int]], own_key: str | None = None) -> list[Mention]:
    """Every citation in `text`, outside the `skip` spans (the letter's own
    number line) and never the letter itself (`own_key`)."""
    mentions: list[Mention] = []
    taken = _Taken(skip)
    free = taken.free

    for m in CITED.finditer(text):
        if not free(m.start(), m.end()):
            continue
        raw_num, raw_sym = m["num"], m["sym"]
        parsed = parse_number(raw_num, raw_sym)
        if not parsed.symbol or len(_LETTER.findall(parsed.symbol)) < 2:
            continue
        if own_key and number_key(parsed.number, parsed.symbol) == own_key:
            continue
        if _STANDARD_BEFORE.search(text[max(0, m.start() - 8):m.start()]):
            continue  # technical standards (`QCVN 41:2019/BGTVT`) are not documents cited
        before = text[max(0, m.start() - 60):m.start()]
        tb = _TYPE_BEFORE.search(before)
        start = m.start() - (len(before) - tb.start()) if tb else m.start()
        doc_type = _type_name(tb["type"]) if tb else None
        implied_type, implied_issuer = split_symbol(parsed.symbol)
        if doc_type in (None, "Văn bản") or (doc_type == "Công văn" and implied_type):
            doc_type = implied_type or ("Công văn" if doc_type in ("Văn bản", "Công văn") or not tb else doc_type)
        if not tb and not implied_type and not implied_issuer and not _YEAR_SLASH.search(parsed.symbol):
            # A bare `x/ABC` with no type word and no known code is too weak.
            if not _SO_BEFORE.search(before):
                continue
        date, issuer, subject, cite_end, desc_end = _read_after(text, m.end())
        if date is None:
            bd = _BEFORE_DATE.search(text[max(0, start - 60):start + (m.start() - start)])
            if bd:
                date = _date(bd["date"])
        end = max(desc_end, m.end())
        mentions.append(Mention(start, max(cite_end, m.end()), end, doc_type, parsed.number,
                                parsed.symbol, date, issuer, subject, snippet=" ".join(text[start:end].split())))
        taken.add(start, m.end())
    for m in _TYPE_UNNUMBERED.finditer(text):
        if not free(m.start(), m.end()):
            continue
        doc_type = _type_name(m["type"])
        if doc_type in ("Văn bản", "Quy chế", "Quy định", "Hướng dẫn", "Chương trình", "Kế hoạch", "Báo cáo"):
            continue
        if not m["type"][0].isupper():
            continue
        date, issuer, subject, cite_end, desc_end = _read_after(text, m.end() - len("của ") - 1)
        if not issuer:
            continue
        if subject is None:
            tail = _CITED_TAIL.match(text[cite_end:cite_end + 400])
            if tail and tail["s"][:1].islower():
                subject = tail["s"].strip()
                desc_end = cite_end + tail.end()
        mentions.append(Mention(m.start(), cite_end, desc_end, doc_type, None, None, date, issuer, subject,
                                snippet=" ".join(text[m.start():desc_end].split())))
        taken.add(m.start(), cite_end)
    # Short forms after a first mention (`Công điện 280` for `Công điện số
    # 280/CĐ-TTg`): another mention of that document, never a new one.
    first = {(m.doc_type, m.number): m for m in reversed(mentions) if m.number}
    for m in _SHORT_FORM.finditer(text):
        target = first.get((_type_name(m["type"]), m["num"]))
        if target is None or target.start >= m.start() or not free(m.start(), m.end()):
            continue
        mentions.append(Mention(m.start(), m.end(), m.end(), target.doc_type, target.number, target.symbol,
                                None, None, None, snippet=m.group()))
        taken.add(m.start(), m.end())
    mentions.sort(key=lambda x: x.start)
    _nest(mentions)
    for mention in mentions:
        cue = _lead_cue(text, mention)
        mention.cue = cue if cue in ("amends", "replaces", "repeals") else None
        mention.relation = _relation(text, mention, cue)
    return mentions


def _type_name(word: str) -> str:
    for t in _TYPE_WORDS:
        if fold_accents(t) == fold_accents(word):
            return t
    return word[:1].upper() + word[1:].lower()


def _nest(mentions: list[Mention]) -> None:
    """Mark citations that sit inside another's description, and record the
    edge that description states (`về việc triển khai Công điện ...`)."""
    for i, outer in enumerate(mentions):
        for j in range(i + 1, len(mentions)):
            inner = mentions[j]
            if inner.start >= outer.desc_end:
                break
            if inner.start >= outer.end and inner.nested_in is None:
                inner.nested_in = i


def _lead_cue(text: str, m: Mention) -> Relation | None:
    """The verb right before a citation (`sửa đổi, bổ sung`, `thay thế`,
    `bãi bỏ`, `Đính kèm`): it says what the sentence's subject does to it."""
    lead = fold_accents(text[max(0, m.start - 80):m.start])
    for pattern, relation in _RELATIONS[3:]:
        if pattern.search(lead):
            return relation
    return None


def _relation(text: str, m: Mention, cue: Relation | None) -> Relation:
    """This letter's relation to the cited document; `cue` is `_lead_cue`'s reading."""
    # Inside another citation's description the cue is that document's act
    # (`Thông tư 15 sửa đổi Thông tư 38`): an edge of it, kept in `cites`.
    if m.nested_in is not None:
        return "mentions"
    if cue:
        return cue
    if _ENCLOSED_HERE.search(fold_accents(text[m.end:m.desc_end + 60])):
        return "attachment"
    clause = _clause_start(text, m.start)
    opener = _SUBJECT_LEAD.sub("", fold_accents(text[clause:m.start]).strip())
    # Only the first citation a clause opens takes the clause's verb, and only
    # when nothing but connecting words stands between them. A `V/v` subject
    # opens a clause too (`V/v triển khai thực hiện Quyết định số 1074`).
    if len(opener) <= 60:
        for pattern, relation in _RELATIONS[:3]:
            if pattern.match(opener) or (relation == "responds_to" and pattern.search(opener)):
                return relation
    return "mentions"


def resolve(mentions: list[Mention], context_place: str | None, letter_issuer: str | None) -> list[Reference]:
    """Merge mentions of one document into References (first mention kept,
    strongest relation wins) and complete issuers from symbol and context."""
    refs: list[Reference] = []
    index_of: dict[object, int] = {}
    mention_ref: dict[int, int] = {}
    for k, m in enumerate(mentions):
        issuer = _complete_issuer(m.issuer, m.symbol, context_place, letter_issuer)
        key: object = number_key(m.number, m.symbol) or ("nonum", m.doc_type, fold_accents(issuer or ""))
        src = Source(start=m.start, end=m.end)
        if key in index_of:
            i = index_of[key]
            old = refs[i]
            relation = m.relation if _PRIORITY[m.relation] > _PRIORITY[old.relation] else old.relation
            refs[i] = old.model_copy(update={
                "relation": relation,
                "date": old.date or m.date,
                "issuer": old.issuer or issuer,
                "subject": old.subject or m.subject,
                "mentions": (*old.mentions, src),
            })
            mention_ref[k] = i
            continue
        index_of[key] = len(refs)
        mention_ref[k] = len(refs)
        refs.append(Reference(
            doc_type=m.doc_type, number=m.number, symbol=m.symbol, date=m.date, issuer=issuer,
            relation=m.relation, subject=m.subject, text=m.snippet, source=src, mentions=(src,),
        ))
    # Edges stated inside a citation's own description.
    cites: dict[int, list[tuple[int, Relation]]] = {}
    for k, m in enumerate(mentions):
        if m.nested_in is None:
            continue
        outer = mentions[m.nested_in]
        lead = fold_accents((outer.subject or "")[:40])
        rel: Relation = m.cue or (
            "implements" if _IMPLEMENTS_LEAD.match(lead) else "mentions"
        )
        o, i = mention_ref[m.nested_in], mention_ref[k]
        if o != i and (i, rel) not in cites.setdefault(o, []):
            cites[o].append((i, rel))
    for o, edges in cites.items():
        refs[o] = refs[o].model_copy(update={"cites": tuple(edges)})
    return refs


_KNOWN_ISSUERS = sorted({*issuer_codes().values()} - {"UBND", "HĐND"}, key=len, reverse=True)
_LOCAL_BODY = regex.compile(r"^(?:UBND|Ủy ban nhân dân|HĐND|Hội đồng nhân dân)\s+(?:tỉnh|thành phố|TP\.?)(?:\s+\p{Lu}\p{Ll}*)*")
# Small patterns of finding and reading citations, compiled once.
_CLAUSE_END = regex.compile(r"[;\n]|\.(?:\s|$)")
_LETTER = regex.compile(r"\p{L}")
_STANDARD_BEFORE = regex.compile(r"(?:QCVN|TCVN|ISO)\s*$")  # a standard's number, not a document's
_YEAR_SLASH = regex.compile(r"\d{4}/")
_SO_BEFORE = regex.compile(r"(?i)số\s*$")
_CITED_TAIL = regex.compile(r"\s*(?P<s>[^;\n(]+?)(?=\s*(?:;|\(|\.(?:\s|$)|$))")
_IMPLEMENTS_LEAD = regex.compile(r"(?:trien\s*khai|thuc\s*hien|huong\s*dan\s*thi\s*hanh)")
_WHITESPACE = regex.compile(r"\s+")
_BARE_LOCAL_COUNCIL = regex.compile(r"(?:ubnd|uy\s*ban\s*nhan\s*dan|hdnd)\s*(?:tinh|thanh\s*pho|tp)")


def _trim_issuer(issuer: str) -> str:
    """Cut an issuer at the end of a body's name when the text runs on."""
    for name in _KNOWN_ISSUERS:
        if fold_accents(issuer).startswith(fold_accents(name)):
            return issuer[: len(name)]
    m = _LOCAL_BODY.match(issuer)
    if m:
        return m.group()
    return issuer


def _complete_issuer(issuer: str | None, symbol: str | None, place: str | None, letter_issuer: str | None) -> str | None:
    implied = split_symbol(symbol)[1] if symbol else None
    if issuer:
        issuer = _trim_issuer(_WHITESPACE.sub(" ", issuer))
        f = fold_accents(issuer)
        if _OFFICE_ISSUER.match(f) and implied:
            return implied
        if _BARE_LOCAL_COUNCIL.fullmatch(f) and place:
            return f"{issuer} {place}"
        return issuer
    if implied in ("UBND", "HĐND") and place:
        return f"{implied} tỉnh {place}" if place else implied
    return implied
