"""Letter -> action items: who must act on each directive, with whom, by when.

Flow: file -> reader -> text -> field parsers -> Letter -> **tasks** ->
store / exports (`pipeline/task_export.py`). `pipeline/parse.py` calls
`derive_action_items` on every letter it finishes.

The body is cut into regions: the preamble (before the first numbered or
lettered item), one region per item (its label line, the paragraphs that
continue it and its dash points: dashes never enter a path), and the
closing paragraph. In each region a sentence may assign units itself
(`Giao X ...`, `Yêu cầu X ...`, `Đề nghị X ...`, `X chủ trì, phối hợp với Y`,
`X <verb> ...`, `... để X biết và thực hiện`). An item that names nobody
falls to the unit of its heading (`2. Chánh Thanh tra Bộ`), else the units
the preamble addresses (`... yêu cầu các phòng, đơn vị ... thực hiện các nội
dung sau:`), else the Kính gửi addressees. The preamble and closing give
items only where a sentence assigns someone (path ""). A sentence that only
asks to carry out the document as a whole gives no item.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import regex

from congvan.models.records import ActionItem, Deadline, Directive, Letter, Source
from congvan.parsers.fields.deadlines import is_urgent, parse_deadline, parse_recurrence
from congvan.parsers.fields.units import (
    PREDICATE,
    UnitMention,
    find_units,
    fold,
    is_vague,
    office_to_unit,
    unit_key,
)

# `Giao`, `Yêu cầu`, `Đề nghị` followed by the units they assign; not the
# nouns `theo đề nghị của`, `đáp ứng yêu cầu`.
ASSIGN = regex.compile(
    r"(?<!\b(?:theo|Theo|của|các|những|đáp\s+ứng|ứng|về)\s)\b(?:giao|Giao|yêu\s+cầu|Yêu\s+cầu|đề\s+nghị|Đề\s+nghị"
    r"|giao\s+nhiệm\s+vụ\s+cho|Giao\s+nhiệm\s+vụ\s+cho)\s+(?:(?:các\s+)?đồng\s+chí\s+)?"
)
# `phối hợp (chặt chẽ) với <units>`: the partners, role support.
SUPPORT = regex.compile(r"\bphối\s+hợp(?:\s+chặt\s+chẽ|\s+có\s+hiệu\s+quả)?\s+(?:với|cùng)\s+", regex.IGNORECASE)
# `... thông báo để X biết, thực hiện`: X acts when more than `biết` follows.
TO_KNOW = regex.compile(r"\bđể\s+(?=\S)")
_KNOW_TAIL = regex.compile(r"^\s*(?:được\s+)?biết\s*(?P<more>(?:,|và)\s*\S.*)?$", regex.DOTALL)
# Predicates that ask only to carry out the whole document (gold README).
GENERIC = regex.compile(
    r"^(?:quan\s+tâm,?\s+)?(?:nghiêm\s+túc\s+|khẩn\s+trương\s+|chủ\s+động\s+|có\s+trách\s+nhiệm\s+|chịu\s+trách\s+nhiệm\s+)?"
    r"(?:nghiên\s+cứu,?\s+tiếp\s+thu(?:\s+đầy\s+đủ)?\s+và\s+)?(?:triển\s+khai\s+|tổ\s+chức\s+)?"
    r"(?:thực\s+hiện|thi\s+hành|triển\s+khai)(?:\s+nghiêm\s+túc)?(?:\s+(?:Quyết\s+định|Công\s+văn|văn\s+bản|Văn\s+bản|"
    r"Chỉ\s+thị|Công\s+điện|Thông\s+báo|Kế\s+hoạch)\s+này)?(?:\s+theo\s+(?:đúng\s+)?quy\s+định)?[\s./]*$"
)
# A subject followed by these is telling, not acting (`Sở Công Thương nhận
# được ...`, `Bộ Tài chính đã chỉ đạo ...`, `... có ý kiến như sau`).
NARRATIVE = regex.compile(
    r"^(?:nhận\s+được|nhận|đã|có\s+ý\s+kiến|có\s+văn\s+bản|thông\s+báo|trân\s+trọng|gửi|xin|kính|là|được|trả\s+lời"
    r"|yêu\s+cầu|đề\s+nghị|giao|theo|tại|về|cũng|đang|vừa|với|để|trong|khi|nếu|thì|mà|do|cho|từ|trên|đến|vào|sau|trước"
    r"|không|chịu\s+trách\s+nhiệm\s+trước|có)\b"
)
# Heading words around a unit: `Trách nhiệm của ...`, `Yêu cầu đối với ...`.
HEADING_PREFIX = regex.compile(r"^(?:Trách\s+nhiệm\s+của|Nhiệm\s+vụ\s+của|Yêu\s+cầu\s+đối\s+với|Đối\s+với|Giao|Đề\s+nghị)\s+")
# `báo cáo (kết quả) (về) Bộ trưởng và Lãnh đạo Bộ`: who hears back.
REPORT_TO = regex.compile(
    r"\bbáo\s+cáo(?:\s+kết\s+quả(?:\s+thực\s+hiện)?)?(?:\s+(?:về|gửi|lên))?\s+(?P<to>(?:Thủ\s+tướng|Bộ\s+trưởng|Lãnh\s+đạo|Chủ\s+tịch"
    r"|Giám\s+đốc|Ủy\s+ban|UBND|Sở|Bộ|Văn\s+phòng|Cục|Tổng\s+cục|Ban|Phó\s+Thủ\s+tướng)[^,;.:()]{0,60}?)(?=\s*(?:[,;.:()]|để|trước|theo|trong|vào|định|$))"
)
_LEADING_CLAUSE = regex.compile(r"^(?:Đồng\s+thời|Ngoài\s+ra|Bên\s+cạnh\s+đó|Trong\s+đó)\s*,?\s*")
# Sentences end at . ; ! ? (not inside numbers like 4217/UBND-TH or 1.2)
# and at list dashes that open a line.
_SENTENCE_END = regex.compile(r"(?<=[;!?])\s+|(?<=[^\d\s]\.)\s+|(?<=:)\s+(?=\p{Lu})|\n\s*[-–•+]\s+")
# The line that opens a closing paragraph after the last item.
CLOSING_CUE = regex.compile(
    r"^(?:Giao|Đề\s+nghị|Yêu\s+cầu|Căn\s+cứ\s+(?:ý\s+kiến|nội\s+dung)|Trên\s+đây|Trong\s+quá\s+trình|Nhận\s+được"
    r"|Trân\s+trọng|Quá\s+trình\s+thực\s+hiện)\b"
)
_LABEL_SKIP = ("dash", "plus")


@dataclass
class _Assign:
    unit: UnitMention
    role: str
    sentence: str
    start: int  # offset of the sentence in the letter text
    end: int


@dataclass
class _Region:
    path: str
    label: str | None
    start: int
    end: int
    text: str
    directive: Directive | None = None
    defaults: list[str] = field(default_factory=list)


def _squash(text: str) -> str:
    return " ".join(text.split())


def _sentences(text: str, offset: int) -> list[tuple[str, int, int]]:
    out: list[tuple[str, int, int]] = []
    pos = 0
    for m in _SENTENCE_END.finditer(text):
        chunk = text[pos:m.start()]
        if chunk.strip():
            out.append((chunk, offset + pos, offset + m.start()))
        pos = m.end()
    if text[pos:].strip():
        out.append((text[pos:], offset + pos, offset + len(text)))
    return out


def _predicate_after(sentence: str, end: int) -> str:
    return sentence[end:].lstrip(" ,")


def _acting(predicate: str) -> bool:
    """A predicate that gives a task: some verb, and more than carrying out the document."""
    flat = _squash(predicate)
    return bool(flat) and not GENERIC.match(flat)


def assignments(sentence: str, start: int = 0) -> list[_Assign]:
    """The units one sentence assigns, lead or support."""
    flat = _squash(sentence)
    out: list[_Assign] = []
    end = start + len(sentence)

    def add(units: list[UnitMention], role: str) -> None:
        for u in units:
            if not is_vague(u.name):
                out.append(_Assign(u, role, flat, start, end))

    # The subject of the sentence: `Văn phòng Chính phủ hướng dẫn ...`.
    body = _LEADING_CLAUSE.sub("", flat)
    subject = find_units(body, generic=True)
    if subject and any(not is_vague(u.name) for u in subject):
        pred = _predicate_after(body, subject[-1].end)
        if PREDICATE.match(pred) and not NARRATIVE.match(pred) and _acting(pred):
            proper = [u for u in subject if not _generic_only(u.name)] or (
                subject if regex.match(r"^phải\b", pred) else [])
            add(proper, "lead")
    for m in ASSIGN.finditer(flat):
        units = find_units(flat[m.end():], generic=True)
        if not units:
            continue
        pred = _predicate_after(flat[m.end():], units[-1].end)
        if _acting(pred):
            add(units, "lead")
    for m in TO_KNOW.finditer(flat):
        units = find_units(flat[m.end():], generic=True)
        if not units:
            continue
        tail = _KNOW_TAIL.match(flat[m.end() + units[-1].end:])
        if tail and tail["more"]:
            add(units, "lead")
    leads = {fold(a.unit.name) for a in out}
    for m in SUPPORT.finditer(flat):
        units = [u for u in find_units(flat[m.end():], generic=True) if fold(u.name) not in leads]
        add(units, "support")
    return _dedupe(out)


def _assign_all(text: str, offset: int) -> list[_Assign]:
    """Assignments of every sentence; a task runs on through the sentences
    after it that assign nobody (`Giao Văn phòng Bộ theo dõi ...; định kỳ
    hàng quý ... báo cáo Bộ trưởng`)."""
    out: list[_Assign] = []
    open_: list[_Assign] = []
    for sentence, start, end in _sentences(text, offset):
        found = assignments(sentence, start)
        if found:
            out += found
            open_ = found
        else:
            for a in open_:
                a.sentence = f"{a.sentence} {_squash(sentence)}"
                a.end = end
    return out


def _generic_only(name: str) -> bool:
    """A collective without a proper name (`Tổ chức, doanh nghiệp`) only acts
    as a subject when the predicate says it must (`... phải thông báo`)."""
    return bool(regex.match(r"^(?:Các\s+|các\s+)?(?:Tổ\s+chức|Doanh\s+nghiệp|Đơn\s+vị|Cơ\s+quan|Phòng)(?:,|\s*$)", name))


def _dedupe(items: list[_Assign]) -> list[_Assign]:
    seen: set[tuple[str, str]] = set()
    out = []
    for a in items:
        k = (fold(a.unit.name), a.role)
        if k not in seen:
            seen.add(k)
            out.append(a)
    return out


def heading_units(text: str) -> list[str]:
    """The units a heading line names (`Chánh Thanh tra Bộ`, `Bộ Chỉ huy Quân
    sự tỉnh/Ban Chỉ huy Bộ đội Biên phòng tỉnh`, `Trách nhiệm của các tổ
    chức, doanh nghiệp ...`), or [] when the line is a task, not a heading."""
    line = _squash(text).rstrip(" :.;")
    m = HEADING_PREFIX.match(line)
    if m and m.group().strip() in ("Trách nhiệm của", "Nhiệm vụ của", "Yêu cầu đối với", "Đối với"):
        rest = line[m.end():]
        if rest and len(rest.split()) <= 20 and not regex.search(r"[.;]", rest):
            units = find_units(rest, generic=True)
            if units and units[-1].end >= len(rest) - 1:
                return [u.name for u in units]
            return [_cap(rest)]
    units = find_units(line, generic=True)
    if units and units[-1].end >= len(line) - 1 and len(line.split()) <= 20:
        return [u.name for u in units if not is_vague(u.name)]
    return []


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _to_recipient(name: str, recipients: list[str]) -> str:
    """The preamble's `các phòng, đơn vị thuộc và trực thuộc Sở` is the
    addressee `Các phòng, đơn vị thuộc Sở` when every word of the addressee
    is in it; otherwise the text's own naming stands."""
    words = set(fold(name).replace(",", " ").split())
    for r in recipients:
        rw = set(fold(r).replace(",", " ").split())
        if rw and rw <= words:
            return r
    # A proper name written short (`Công ty`, `Công ty TNHH MTV Khai thác
    # Thủy lợi Dầu Tiếng`) is the one addressee it begins; collectives
    # (`UBND các tỉnh, thành phố`) keep the text's own naming.
    if "các" not in words:
        starts = [r for r in recipients if fold(r).startswith(fold(name)) and fold(r) != fold(name)]
        if len(starts) == 1:
            return starts[0]
    return name


def _recipient_units(letter: Letter) -> list[str]:
    out: list[str] = []
    for r in letter.recipients:
        name = _squash(r.name)
        units = find_units(name, generic=True)
        if units and units[-1].end >= len(name) - 1 and len(units) > 1:
            out += [u.name for u in units]
        else:
            out.append(office_to_unit(name))
    return out


def _regions(letter: Letter) -> tuple[_Region | None, list[_Region], _Region | None]:
    body = letter.sources.get("body")
    text = letter.text
    assert body is not None
    directives = [d for d in letter.directives if d.source and body.start <= d.source.start <= body.end]
    items = [d for d in directives if d.kind not in _LABEL_SKIP]
    last_end = max((d.source.end for d in directives if d.source), default=body.start)
    closing_at = _closing_start(letter, last_end, body.end) if items else body.end
    first = items[0].source.start if items else closing_at  # type: ignore[union-attr]
    preamble = _Region("", None, body.start, first, text[body.start:first]) if first > body.start else None
    regions: list[_Region] = []
    for i, d in enumerate(items):
        start = d.source.end  # type: ignore[union-attr]
        end = items[i + 1].source.start if i + 1 < len(items) else closing_at  # type: ignore[union-attr]
        regions.append(_Region(d.path, d.label, d.source.start, max(end, start),  # type: ignore[union-attr]
                               d.text + "\n" + text[start:max(end, start)], d))
    closing = _Region("", None, closing_at, body.end, text[closing_at:body.end]) if items and closing_at < body.end else None
    return preamble, regions, closing


def _closing_start(letter: Letter, after: int, end: int) -> int:
    """Where the closing paragraph starts after the last labelled item: the
    first line that opens with an assigning word, the issuer or an acting
    unit; continuation lines (`Trường hợp ...`, `Đồng thời ...`) stay with
    the item."""
    text = letter.text
    pos = text.find("\n", after)
    issuer = fold(letter.issuer or "") if letter.issuer else None
    while 0 <= pos < end:
        nxt = text.find("\n", pos + 1)
        nxt = end if nxt < 0 or nxt > end else nxt
        line = text[pos + 1:nxt].strip(" *|")
        if line:
            if CLOSING_CUE.match(line) or (issuer and fold(line).startswith(issuer)) or line.startswith("("):
                return pos + 1
            units = find_units(line, generic=False)
            if units and PREDICATE.match(_predicate_after(line, units[-1].end)):
                return pos + 1
        pos = nxt if nxt > pos else end
    return end


def _has_children(d: Directive, items: list[Directive]) -> bool:
    return any(x.parent == d.index and x.kind not in _LABEL_SKIP for x in items)


def _ancestors(d: Directive, by_index: dict[int, Directive]) -> list[Directive]:
    out = []
    p = d.parent
    while p is not None:
        out.append(by_index[p])
        p = by_index[p].parent
    return out


def derive_action_items(letter: Letter) -> list[ActionItem]:
    """Every (directive, unit, role) the letter assigns, in document order."""
    if "body" not in letter.sources:
        return []
    recipients = [_squash(r.name) for r in letter.recipients]
    preamble, regions, closing = _regions(letter)
    by_index = {d.index: d for d in letter.directives}
    items_all = list(letter.directives)
    drafts: list[tuple[_Region, list[_Assign] | None, list[str]]] = []

    defaults: list[str] = []
    if preamble is not None:
        pre_assign = _assign_all(preamble.text, preamble.start)
        if regions and preamble.text.rstrip(" *\n").endswith(":"):
            # `... yêu cầu <units> thực hiện các nội dung sau:` addresses the items.
            leads = [a for a in pre_assign if a.role == "lead"]
            intro = _intro_units(preamble.text)
            defaults = [_to_recipient(u, recipients) for u in intro] if intro else [
                _to_recipient(a.unit.name, recipients) for a in leads[-1:]]
            # `... yêu cầu các cơ quan, đơn vị, địa phương thực hiện ... sau:`
            # addresses the items without naming anyone: the addressees act.
            if not defaults and _intro_assigns(preamble.text):
                defaults = _recipient_units(letter)
        else:
            drafts.append((preamble, pre_assign, []))
    elif regions:
        defaults = _recipient_units(letter)

    heading_of: dict[int, list[str]] = {}
    for region in regions:
        d = region.directive
        assert d is not None
        own = heading_units(d.text)
        if own:
            heading_of[d.index] = own
        if _has_children(d, items_all):
            # A heading with sub-items holds no task of its own unless a
            # sentence in it assigns one.
            text = d.text if not own else ""
            drafts.append((_Region(d.path, d.label, region.start, region.end, text, d),
                           _assign_all(text, region.start), []))
            continue
        body_text = region.text if not own else region.text[len(d.text):]
        found = _assign_all(body_text, region.start)
        fallback = own
        if not fallback:
            for anc in _ancestors(d, by_index):
                if anc.index in heading_of:
                    fallback = heading_of[anc.index]
                    break
        drafts.append((_Region(d.path, d.label, region.start, region.end, body_text, d), found, fallback or defaults))
    if closing is not None:
        drafts.append((closing, _assign_all(closing.text, closing.start), []))
    return _build(letter, drafts)


def _intro_units(preamble: str) -> list[str]:
    """Units named by the last assigning verb of an introducing preamble."""
    flat = _squash(preamble)
    last = None
    for m in ASSIGN.finditer(flat):
        last = m
    if last is None:
        return []
    return [u.name for u in find_units(flat[last.end():], generic=True) if not is_vague(u.name)]


def _intro_assigns(preamble: str) -> bool:
    """The preamble hands the items out (`yêu cầu`, `đề nghị`, `giao`, `chỉ
    đạo` ... `như sau:`), rather than announcing findings (`có ý kiến như sau:`)."""
    flat = _squash(preamble)
    tail = flat[max(0, len(flat) - 400):]
    return bool(ASSIGN.search(tail)) and not regex.search(r"có\s+ý\s+kiến(?:\s+\S+){0,4}\s+như\s+sau\s*:?$", tail)


def _letter_key(letter: Letter) -> str:
    number, symbol, issuer, year = letter.identity
    if number and symbol and issuer and year:
        return f"{number}/{symbol}|{fold(issuer)}|{year}"
    return letter.content_hash or letter.id


def _build(letter: Letter, drafts: list[tuple[_Region, list[_Assign] | None, list[str]]]) -> list[ActionItem]:
    out: list[ActionItem] = []
    seen: dict[str, int] = {}
    base = _letter_key(letter)
    recipients = [_squash(r.name) for r in letter.recipients]
    letter_urgent = bool(letter.urgency and regex.search(r"khẩn|hỏa\s+tốc|hoả\s+tốc", letter.urgency, regex.IGNORECASE))
    for region, found, fallback in drafts:
        leads = [a for a in (found or []) if a.role == "lead"]
        supports = [a for a in (found or []) if a.role == "support"]
        rows: list[tuple[str, str, str, int, int]] = []
        if leads:
            rows += [(a.unit.name, "lead", a.sentence, a.start, a.end) for a in leads]
        elif fallback:
            rows += [(name, "lead", _squash(region.text), region.start, region.end) for name in fallback]
        rows = [(_to_recipient(r[0], recipients), *r[1:]) for r in rows]
        lead_names = [r[0] for r in rows]
        rows += [(a.unit.name, "support", a.sentence, a.start, a.end) for a in supports
                 if fold(a.unit.name) not in {fold(n) for n in lead_names}]
        for name, role, text, start, end in rows:
            # Partners are the other units of the same sentence (or region).
            collaborators = tuple(dict.fromkeys(r[0] for r in rows if r[3] == start and r[0] != name))
            scope = text
            recurrence = parse_recurrence(scope)
            deadline = parse_deadline(scope, letter.issued)
            if recurrence and deadline and deadline.text in recurrence.text:
                deadline = Deadline(date=None, text=recurrence.text, kind="recurring")
            elif recurrence and not deadline:
                deadline = Deadline(date=None, text=recurrence.text, kind="recurring")
            report = REPORT_TO.search(text)
            key = unit_key(name, letter.issuer, letter.parent_issuer, letter.place)
            ident = f"{base}|{region.path}|{key}|{role}"
            n = seen.get(ident, 0)
            seen[ident] = n + 1
            digest = hashlib.sha256(f"{ident}|{n}".encode("utf-8")).hexdigest()[:20]
            out.append(ActionItem(
                id=f"task-{digest}",
                letter_id=letter.id,
                path=region.path,
                label=region.label,
                unit=name,
                unit_key=key,
                role=role,  # type: ignore[arg-type]
                collaborators=collaborators,
                text=_squash(text),
                deadline=deadline,
                recurrence=recurrence.label if recurrence else None,
                rrule=recurrence.rrule if recurrence else None,
                urgency="urgent" if letter_urgent or is_urgent(text) else "normal",
                report_to=_squash(report["to"]) if report else None,
                source=_locate(letter, start, end),
            ))
    return out


def _locate(letter: Letter, start: int, end: int) -> Source:
    """The span, with the page of the body when the reader knew it."""
    body = letter.sources.get("body")
    page = body.page if body else None
    return Source(start=start, end=end, page=page)
