"""Letter -> action items: who must act on each directive, with whom, by when.

Flow: file -> reader -> text -> field parsers (header, addressees, signer,
directives, references) -> **action items** -> Letter. The last field parser:
`parsers/letter.py` calls `derive_action_items` on the letter the others
built, so every parsed Letter carries its action items.

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
asks to carry out the document as a whole gives no item. When the preamble
announces a report or opinions (`báo cáo và đề nghị ... như sau:`, `có ý
kiến tham gia như sau:`), the addressees act only on items that ask
something; informational sections and `Field: value` lines give none.
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
    # `giao thông`, `giao dịch`, `Bộ Giao thông vận tải`: nouns, no assigning.
    r"(?!(?:thông|dịch|nhận|kết|lưu|đất|rừng|ban|diện|thoa|khoán|hàng)\b)"
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
    r"Chỉ\s+thị|Công\s+điện|Thông\s+báo|Kế\s+hoạch)\s+này)?"
    r"(?:\s+theo\s+(?:đúng\s+)?quy\s+định(?:\s+(?:của\s+pháp\s+luật|pháp\s+luật|hiện\s+hành))*)?[\s./]*$"
    # `quan tâm, sớm xem xét, chỉ đạo giải quyết`: a closing that restates
    # the letter's request as a whole (corpus 045).
    r"|^(?:(?:quan\s+tâm|sớm|xem\s+xét|chỉ\s+đạo|giải\s+quyết|cho\s+ý\s+kiến)[\s,]*(?:và\s+)?)+[\s./]*$"
)
# A subject followed by these is telling, not acting (`Sở Công Thương nhận
# được ...`, `Bộ Tài chính đã chỉ đạo ...`, `... có ý kiến như sau`).
NARRATIVE = regex.compile(
    r"^(?:nhận\s+được|nhận|đã|có\s+ý\s+kiến|có\s+văn\s+bản|thông\s+báo|trân\s+trọng|gửi|xin|kính|là|được|trả\s+lời"
    r"|yêu\s+cầu|đề\s+nghị|giao|theo|tại|về|cũng|đang|vừa|với|để|trong|khi|nếu|thì|mà|do|cho|từ|trên|đến|vào|sau|trước"
    r"|không|chịu\s+trách\s+nhiệm\s+trước|có|chỉ(?!\s+(?:đạo|thị|định)\b))\b"
)
# Heading words around a unit: `Trách nhiệm của ...`, `Yêu cầu đối với ...`.
HEADING_PREFIX = regex.compile(r"^(?:Trách\s+nhiệm\s+của|Nhiệm\s+vụ\s+của|Yêu\s+cầu\s+đối\s+với|Đối\s+với|Giao|Đề\s+nghị)\s+")
# `báo cáo (kết quả) (về) Bộ trưởng và Lãnh đạo Bộ`: who hears back.
REPORT_TO = regex.compile(
    r"\bbáo\s+cáo(?:\s+kết\s+quả(?:\s+thực\s+hiện)?)?(?:\s+(?:về|gửi|lên))?\s+(?P<to>(?:Thủ\s+tướng|Bộ\s+trưởng|Lãnh\s+đạo|Chủ\s+tịch"
    r"|Giám\s+đốc|Ủy\s+ban|UBND|Sở|Bộ|Văn\s+phòng|Cục|Tổng\s+cục|Ban|Phó\s+Thủ\s+tướng)[^,;.:()]{0,60}?)(?=\s*(?:[,;.:()]|để|trước|theo|trong|vào|định|$))"
)
# A class of bodies bound by `phải` is given a duty wherever the clause
# starts: `... thì hàng năm (chậm nhất đến ngày 15/2) doanh nghiệp phải báo
# cáo với Bộ Thương mại` (corpus 036), `Tổ chức, doanh nghiệp có giấy phép
# dịch vụ nổ mìn phải thông báo ...` (050 6.h): the class and its qualifier
# up to `phải` are the unit. Not after `trường hợp`/`nếu`/`khi` (a condition).
_CLASS = (r"(?:các\s+)?(?:tổ\s+chức|doanh\s+nghiệp|cơ\s+quan|đơn\s+vị|chủ\s+đầu\s+tư|nhà\s+thầu|hợp\s+tác\s+xã"
          r"|người\s+nộp\s+thuế|nhà\s+đầu\s+tư)")
MUST = regex.compile(
    rf"(?:^|(?<=\bthì\s)|(?<=\)\s))(?P<unit>{_CLASS}(?:\s*,\s*{_CLASS})*(?:\s+(?!phải\b)[^\s,;.:()]+){{0,8}}?)"
    r"\s+phải\s+(?!là\b|chịu\s+trách\s+nhiệm\s+trước)",
    regex.IGNORECASE,
)
# `X đã có Văn bản số ... đề nghị Y ...`: another body's request, reported.
_REPORTED = regex.compile(r"\bđã(?:\s+nhiều\s+lần)?\s+có\s+(?:văn\s+bản|công\s+văn|tờ\s+trình|ý\s+kiến)\b(?!.*[;.])",
                          regex.IGNORECASE)
# After an assigning verb a lower-case class names its unit: `yêu cầu nhà
# thầu thi công: (1) Lập hồ sơ ...` (corpus 078 VI.2).
_ASSIGNED_CLASS = regex.compile(r"^(?:nhà\s+thầu|chủ\s+đầu\s+tư|doanh\s+nghiệp|nhà\s+đầu\s+tư)\b")
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


_BULLET = regex.compile(r"\s*[-–•+]\s+")


def _sentences(text: str, offset: int) -> list[tuple[str, int, int]]:
    """Sentences with their offsets; a list dash the split left at the start
    (`...; - Cơ quan chuyên môn ...`) is dropped so the subject comes first."""
    out: list[tuple[str, int, int]] = []
    pos = 0
    ends = [(m.start(), m.end()) for m in _SENTENCE_END.finditer(text)] + [(len(text), len(text))]
    for stop, nxt in ends:
        bullet = _BULLET.match(text, pos, stop)
        at = bullet.end() if bullet else pos
        if text[at:stop].strip():
            out.append((text[at:stop], offset + at, offset + stop))
        pos = nxt
    return out


def _predicate_after(sentence: str, end: int) -> str:
    return sentence[end:].lstrip(" ,")


def _acting(predicate: str) -> bool:
    """A predicate that gives a task: some verb, and more than carrying out the document."""
    flat = _squash(predicate)
    return bool(flat) and not GENERIC.match(flat)


def assignments(sentence: str, start: int = 0, *, subject: bool = True) -> list[_Assign]:
    """The units one sentence assigns, lead or support. `subject=False` for
    the label or value of a `Field: value` line (`Chủ đầu tư: Ban Quản lý dự
    án ...`), which names a party without giving it anything to do."""
    flat = _squash(sentence)
    out: list[_Assign] = []
    end = start + len(sentence)

    def add(units: list[UnitMention], role: str) -> None:
        for u in units:
            if not is_vague(u.name):
                out.append(_Assign(u, role, flat, start, end))

    # The subject of the sentence: `Văn phòng Chính phủ hướng dẫn ...`.
    body = _LEADING_CLAUSE.sub("", flat)
    found = find_units(body, generic=True) if subject else []
    if found and any(not is_vague(u.name) for u in found):
        pred = _predicate_after(body, found[-1].end)
        if PREDICATE.match(pred) and not NARRATIVE.match(pred) and _acting(pred):
            proper = [u for u in found if not _generic_only(u.name)] or (
                found if regex.match(r"^phải\b", pred) else [])
            add(proper, "lead")
    if subject and not out:
        for m in MUST.finditer(flat):
            before = flat[:m.start()]
            if regex.search(r"(?:trường\s+hợp|nếu|khi)\b[^,;]*$", before, regex.IGNORECASE):
                continue
            qualifier = regex.sub(rf"^{_CLASS}(?:\s*,\s*{_CLASS})*\s*", "", m["unit"], flags=regex.IGNORECASE)
            words = qualifier.split()
            if any(PREDICATE.match(" ".join(words[i:])) and not (w == "có" and i == 0) for i, w in enumerate(words)):
                continue  # `tổ chức triển khai dự án phải ...`: a verb, no class
            name = _cap(_squash(m["unit"]))
            if not is_vague(name):
                add([UnitMention(name, m["unit"], m.start(), m.end("unit"))], "lead")
            break
    for m in ASSIGN.finditer(flat):
        if _REPORTED.search(flat[:m.start()]):
            continue
        rest = flat[m.end():]
        units = find_units(rest, generic=True)
        if not units and _ASSIGNED_CLASS.match(rest):
            units = find_units(_cap(rest), generic=True)
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


# A short `Field:` label with its value on the same line (`Chủ đầu tư: Ban
# Quản lý dự án đầu tư xây dựng xã Trấn Yên.`, `9. Nhà thầu lập thiết kế xây
# dựng: Viện Khoa học ...`): neither part is a subject that acts.
_FIELD_LABEL = regex.compile(r"^[\s\-–•+*]*(?:\S+\s+){0,7}\S+:$")


def _assign_all(text: str, offset: int) -> list[_Assign]:
    """Assignments of every sentence; a task runs on through the sentences
    after it that assign nobody (`Giao Văn phòng Bộ theo dõi ...; định kỳ
    hàng quý ... báo cáo Bộ trưởng`)."""
    out: list[_Assign] = []
    open_: list[_Assign] = []
    label_line = -1
    for sentence, start, end in _sentences(text, offset):
        local = start - offset
        line_at = text.rfind("\n", 0, local) + 1
        flat = sentence.strip()
        label = False
        if _FIELD_LABEL.match(flat) and "\n" not in sentence.strip() and not ASSIGN.search(flat):
            nl = text.find("\n", local + len(sentence))
            value = text[local + len(sentence):nl if nl >= 0 else len(text)]
            if value.strip():
                label, label_line = True, line_at
        elif label_line == line_at:
            label = True
        found = assignments(sentence, start, subject=not label)
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
            # Only a unit with its qualifier (`các tổ chức, doanh nghiệp hoạt
            # động trong lĩnh vực ...`); `Đối với công chức giữ chức vụ lãnh
            # đạo, quản lý, Hội đồng kỷ luật có 03 thành viên` names people.
            if units:
                return [_cap(rest)]
            return []
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
        # (Not when the rest is only the place, `Sở Công thương` of `Sở Công
        # thương tỉnh Lào Cai`: the text's own naming stands, corpus 048.)
        starts = [r for r in recipients if fold(r).startswith(fold(name)) and fold(r) != fold(name)
                  and not _PLACE_TAIL.match(fold(r)[len(fold(name)):].strip())]
        if len(starts) == 1:
            return starts[0]
        # A bare head word (`đề nghị Công ty báo cáo ...`) is the one
        # addressee whose name holds it (`Tổng công ty Khoáng sản TKV -CTCP`).
        if _BARE_HEAD.match(name):
            holds = [r for r in recipients if regex.search(rf"(?:^|\s){regex.escape(fold(name))}(?:\s|$)", fold(r))]
            if len(holds) == 1:
                return holds[0]
    return name


_PLACE_TAIL = regex.compile(r"^(?:tỉnh|thành\s+phố|tp\.?|huyện|quận|thị\s+xã|xã|phường)\s+\S+(?:\s+\S+){0,3}$")
_BARE_HEAD = regex.compile(r"^(?:Công\s+ty|Tổng\s+công\s+ty|Doanh\s+nghiệp|Đơn\s+vị|Cục|Sở|Chi\s+cục|Trường|Trung\s+tâm|Ban)$")


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
    # A last item that is only a heading (`2.6. Ý kiến khác`) keeps the
    # paragraph under it even when it opens with `Đề nghị` (corpus 048).
    bare = (bool(items) and items[-1] is directives[-1] and len(items[-1].text.split()) <= 8
            and not regex.search(r"[.;:!?]\s*$", items[-1].text))
    closing_at = _closing_start(letter, last_end, body.end, skip_first=bare) if items else body.end
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


def _closing_start(letter: Letter, after: int, end: int, *, skip_first: bool = False) -> int:
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
        if line and skip_first:
            skip_first = False
        elif line:
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
    gated = False  # the defaults act only on items that ask something
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
            # `... có ý kiến tham gia như sau:` names nobody: an item that
            # asks something (`Đề nghị bổ sung các căn cứ pháp lý ...`) is
            # asked of the addressees (gold README: else the addressees).
            if not defaults:
                defaults = _recipient_units(letter)
            gated = _reports_first(preamble.text)
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
        if fallback and any(a.role == "lead" for a in found) and _unassigned_request(body_text):
            # Under a unit's heading, dash points that name nobody stay the
            # heading unit's even where another point names its own unit
            # (078 VI.2: `Yêu cầu đối với Tổng công ty ...` holds both).
            found = [_Assign(UnitMention(n, n, 0, 0), "lead", _squash(body_text), region.start, region.end)
                     for n in fallback] + found
        elif not fallback and gated and not _asks(region.text):
            # After `... báo cáo và đề nghị Bộ Xây dựng nội dung như sau:` or
            # `... có ý kiến tham gia như sau:` the items both report and
            # ask: the addressees act only on items that ask something; a
            # section that reports (`1. Quy định về ... và thực tế hiện
            # nay`, `2. Khó khăn, vướng mắc`) is no task (corpus 045).
            fallback = []
        else:
            fallback = fallback or defaults
        drafts.append((_Region(d.path, d.label, region.start, region.end, body_text, d), found, fallback))
    if closing is not None:
        drafts.append((closing, _assign_all(closing.text, closing.start), []))
    return _build(letter, drafts)


# Function words and narrative verbs that open sentences without asking
# anything: `Theo quy định ...`, `Tại khoản 3 ...`, `Đến thời điểm hiện tại`.
_NOT_ASKING = regex.compile(
    r"^(?:là|với|để|tại|theo|trong|về|đối\s+với|khi|nếu|thì|mà|do|cho|từ|trên|đến|vào|sau|trước|đã|đang|vừa|có"
    r"|được|nhận\s+được|nhận|không|chỉ(?!\s+đạo)|trình\s+tự|cho\s+biết|căn\s+cứ|thông\s+báo|kính|xin|trân\s+trọng|sẽ|biết|cấp)\b"
)
# Words that ask for something anywhere in a sentence.
# (`phải` and `cần` are left out: reports use them too, `các trường hợp
# phải thực hiện kiểm tra PCCC`.)
_ASKING_WORD = regex.compile(r"\b(?:có\s+trách\s+nhiệm|chịu\s+trách\s+nhiệm(?!\s+trước))", regex.IGNORECASE)
# Quoted text (a law cited word for word) asks nothing of the addressees.
_QUOTED = regex.compile(r"[“\"][^”\"]{0,3000}[”\"]")
_LABEL_PREFIX = regex.compile(r"^[^:]{0,80}:\s+")


def _asks(text: str) -> bool:
    """Some sentence of an item asks for something: it opens with a verb
    (`Chỉ đạo Cục Đăng kiểm ...`, `Tăng cường ...`), carries an assigning
    word (`đề nghị xem xét, điều chỉnh ranh giới`) or a duty (`phải`)."""
    for sentence, _, _ in _sentences(_QUOTED.sub(" ", text), 0):
        flat = _LEADING_CLAUSE.sub("", _squash(sentence))
        for cand in (flat, _LABEL_PREFIX.sub("", flat)):
            low = cand[:1].lower() + cand[1:]
            if PREDICATE.match(low) and not _NOT_ASKING.match(low):
                return True
        if _ASKING_WORD.search(flat):
            return True
        if any(not _REPORTED.search(flat[:m.start()]) for m in ASSIGN.finditer(flat)):
            return True
    return False


def _reports_first(preamble: str) -> bool:
    """The introducing sentence announces a report or opinions (`báo cáo và
    đề nghị ... như sau:`, `có ý kiến tham gia như sau:`) rather than only a
    request (`đề nghị UBND các tỉnh, thành phố quan tâm chỉ đạo:`)."""
    flat = _squash(preamble)
    last = _sentences(flat, 0)[-1][0] if flat else ""
    m = None
    for m in ASSIGN.finditer(last):
        pass
    head = last[:m.start()] if m else last
    return m is None or bool(regex.search(r"\bbáo\s+cáo\b", head)) or bool(
        regex.search(r"có\s+ý\s+kiến(?:\s+\S+){0,4}\s+như\s+sau\s*:?$", last))


def _unassigned_request(text: str) -> bool:
    """A dash point of the text asks something without naming a unit."""
    for para in regex.split(r"\n\s*[-–•+]\s+", text):
        if para.strip() and _asks(para) and not any(a.role == "lead" for a in _assign_all(para, 0)):
            return True
    return False


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
